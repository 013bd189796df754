"""Settings come from the environment, and production fails closed."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

# Prints the settings a deployment cares about, as JSON.
PROBE = """
import json
from newsroom import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "ENGINE": db["ENGINE"], "NAME": str(db["NAME"]), "HOST": db.get("HOST", ""), "PORT": db.get("PORT", ""),
    "USER": db.get("USER", ""),
}))
"""


def import_settings(**environ) -> subprocess.CompletedProcess:
    """Import newsroom.settings in a fresh interpreter that sees only ``environ`` (plus PATH)."""
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT), **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_from(**environ) -> dict:
    result = import_settings(**environ)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_refuses_to_start_without_a_secret_key():
    result = import_settings()

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_off_unless_asked_and_no_hosts_by_default():
    loaded = settings_from(DJANGO_SECRET_KEY="test-only-not-a-secret")

    assert loaded["DEBUG"] is False
    assert loaded["ALLOWED_HOSTS"] == []


def test_development_runs_without_a_secret_key():
    loaded = settings_from(DJANGO_DEBUG="1")

    assert loaded["DEBUG"] is True
    assert loaded["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1"]


def test_allowed_hosts_and_postgres_database_come_from_the_environment():
    loaded = settings_from(
        DJANGO_SECRET_KEY="test-only-not-a-secret",
        DJANGO_ALLOWED_HOSTS=" sahifa.example, www.sahifa.example,,",
        DATABASE_URL="postgres://newsroom:not-a-password@db.internal:6543/sahifa",
    )

    assert loaded["ALLOWED_HOSTS"] == ["sahifa.example", "www.sahifa.example"]
    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    connection = {key: loaded[key] for key in ("NAME", "HOST", "PORT", "USER")}
    assert connection == {"NAME": "sahifa", "HOST": "db.internal", "PORT": 6543, "USER": "newsroom"}


def test_sqlite_is_the_default_database():
    loaded = settings_from(DJANGO_SECRET_KEY="test-only-not-a-secret")

    assert loaded["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["NAME"].endswith("db.sqlite3")
