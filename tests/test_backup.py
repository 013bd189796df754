"""Backup and restore: a fresh instance booted from a backup serves the same stories and photos."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import tarfile
import time
import urllib.parse
import urllib.request
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from articles.desk import backup
from tests.factories import make_agency, make_article, make_image

PROJECT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def newsroom(transactional_db, now):
    """Committed content (pg_dump only sees committed rows): two stories, one with a photo."""
    photo = make_image(width=640, height=400, credit=make_agency())
    with_photo = make_article(headline="افتتاح ميناء جديد في العقبة", lead_image=photo, tags=["موانئ"])
    plain = make_article(headline="البرلمان يقر قانون الموازنة", english={"headline": "Parliament passes the budget"})
    return {"photo": photo, "stories": [with_photo, plain]}


@pytest.fixture
def fresh_database():
    """Connection settings for an empty database of the same kind as the one under test."""
    if connection.vendor == "sqlite":
        yield lambda folder: f"sqlite:///{folder / 'restored.sqlite3'}"
        return
    if connection.vendor != "postgresql":
        pytest.skip("backups support SQLite and PostgreSQL")
    try:
        backup.postgres_tool("pg_dump")
        backup.postgres_tool("pg_restore")
    except backup.BackupError as missing:
        pytest.skip(str(missing))
    name = f"sahifa_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    yield lambda folder: f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_holds_database_media_and_manifest(newsroom, tmp_path):
    out = StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)

    archives = list((tmp_path / "backups").glob("sahifa-backup-*.tar.gz"))
    assert len(archives) == 1
    with tarfile.open(archives[0]) as archive:
        names = archive.getnames()
        manifest = json.loads(archive.extractfile("manifest.json").read())
    assert manifest["vendor"] == connection.vendor
    assert manifest["database"] in names
    assert f"media/originals/{newsroom['photo'].file.name}" in names
    rendition = newsroom["photo"].rendition_name("full", 320, "webp")
    assert f"media/default/{rendition}" in names
    assert manifest["files"] == sum(name.startswith("media/") for name in names)
    assert f"Backed up the {connection.vendor} database and {manifest['files']} files" in out.getvalue()


def test_restore_drill_boots_a_fresh_instance_that_serves_the_same_stories(newsroom, fresh_database, tmp_path):
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=StringIO())
    archive = next((tmp_path / "backups").glob("*.tar.gz"))
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    port = _free_port()
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(PROJECT),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": fresh_database(fresh),
        "DJANGO_MEDIA_ROOT": str(fresh / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(fresh / "private"),
        "DJANGO_CACHE_DIR": str(fresh / "cache"),
        "DJANGO_SERVE_MEDIA": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "DJANGO_LOG_LEVEL": "WARNING",
    }

    restored = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert restored.returncode == 0, restored.stderr
    assert "Restored the" in restored.stdout

    server = subprocess.Popen(
        [str(GUNICORN), "--config", "gunicorn.conf.py", "newsroom.wsgi:application"],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        home = _get_when_up(base + "/", server)
        for story in newsroom["stories"]:
            assert story.headline in home
            page = _get(base + story.get_absolute_url())
            assert story.headline in page
        with translation.override("en"):
            english = _get(base + newsroom["stories"][1].get_absolute_url())
        assert "Parliament passes the budget" in english
        photo = newsroom["photo"]
        with urllib.request.urlopen(base + photo.rendition_url("full", 320, "jpeg"), timeout=10) as response:
            assert response.headers["Content-Type"] == "image/jpeg"
        assert (fresh / "private" / photo.file.name).read_bytes() == Path(photo.file.path).read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def _get_when_up(url: str, server: subprocess.Popen) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail("gunicorn exited: " + server.stderr.read().decode()[-2000:])
        try:
            return _get(url)
        except OSError:
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer within 60 s")


def test_restore_refuses_a_database_that_holds_stories(newsroom, tmp_path):
    call_command("backup", "--output", str(tmp_path), "--no-media", stdout=StringIO())
    archive = next(tmp_path.glob("*.tar.gz"))

    with pytest.raises(CommandError, match="already holds stories"):
        call_command("restore", str(archive), stdout=StringIO())


@pytest.mark.django_db
def test_restore_refuses_what_is_not_a_backup(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as archive:
        info = tarfile.TarInfo("../../etc/evil")
        archive.addfile(info, StringIO(""))  # type: ignore[arg-type]

    with pytest.raises(CommandError, match="unsafe name"):
        call_command("restore", str(bogus), stdout=StringIO())
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), stdout=StringIO())
