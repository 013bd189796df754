"""Running like production: headers, cookies, HTTPS behind a proxy, errors, faults (health: test_health.py)."""

from __future__ import annotations

import errno
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse

from articles.models import Article, Image
from newsroom import routers
from tests.factories import jpeg_upload, make_agency, make_article

PROJECT = Path(__file__).resolve().parent.parent
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


def production_environment(**extra) -> dict[str, str]:
    """What a real deployment sets (docs/deploy.md), with a throwaway key and database."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(PROJECT),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "sahifa.example,www.sahifa.example",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://sahifa.example",
        "DJANGO_HTTPS": "1",
        "DJANGO_BEHIND_PROXY": "1",
        "DJANGO_HSTS_PRELOAD": "1",
        **extra,
    }


@pytest.fixture
def behind_proxy(settings):
    """The settings `make serve` uses: HTTPS on, and the proxy's X-Forwarded-Proto trusted."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = settings.LANGUAGE_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    return settings


# --- Deployment check ------------------------------------------------------------------


def test_deploy_check_passes_with_production_values(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=production_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_without_https(tmp_path):
    environment = production_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    del environment["DJANGO_HTTPS"]

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


# --- HTTPS behind a TLS-terminating proxy ------------------------------------------


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, behind_proxy):
    response = client.get("/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"


@pytest.mark.django_db
def test_proxy_forwarded_https_is_served_with_hsts(client, behind_proxy):
    response = client.get("/", **HTTPS)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# --- Headers ---------------------------------------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


@pytest.mark.django_db
def test_reader_pages_send_the_security_headers(client, now):
    article = make_article()

    for url in ("/", article.get_absolute_url(), reverse("articles:search") + "?q=اجتماع"):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _csp(response)
        assert "'unsafe-inline'" not in policy["script-src"]
        assert "'unsafe-inline'" not in policy["style-src"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_reader_pages_have_no_inline_script_that_would_need_unsafe_inline(client, now):
    article = make_article()

    html = client.get(article.get_absolute_url()).content.decode()

    for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
        attributes, body = match.groups()
        if body.strip():
            # Only data blocks (JSON-LD), which browsers never execute.
            assert 'type="application/ld+json"' in attributes, match.group(0)[:200]


def test_admin_import_map_carries_the_nonce_of_the_policy(staff_client):
    response = staff_client.get(reverse("admin:articles_article_add"))

    assert response.status_code == 200
    html = response.content.decode()
    importmap = re.search(r'<script type="importmap"([^>]*)>', html)
    assert importmap, "the rich-text editor's import map is on the page"
    nonce = re.search(r'nonce="([^"]+)"', importmap.group(1)).group(1)
    assert f"'nonce-{nonce}'" in _csp(response)["script-src"]
    assert "'unsafe-inline'" not in _csp(response)["script-src"]
    # The editor injects its base <style> at run time: inline styles in the admin only.
    assert "'unsafe-inline'" in _csp(response)["style-src"]


@pytest.mark.django_db
def test_static_files_are_cached_for_ever_under_hashed_names(client, settings):
    if "Manifest" not in settings.STORAGES["staticfiles"]["BACKEND"]:
        pytest.skip("needs collectstatic (make test runs it)")
    from django.templatetags.static import static

    url = static("css/site.css")
    response = client.get(url)

    assert re.search(r"site\.[0-9a-f]{12}\.css$", url)
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]


# --- Cookies and sessions -------------------------------------------------------------


def test_login_rotates_the_session_and_sets_safe_cookies(client, django_user_model, behind_proxy):
    django_user_model.objects.create_user("editor1", password="sahifa-test-pass-1", is_staff=True)
    client.get(reverse("admin:login"), **HTTPS)
    session = client.session
    session["before-login"] = True
    session.save()
    anonymous_key = session.session_key

    response = client.post(
        reverse("admin:login"),
        {"username": "editor1", "password": "sahifa-test-pass-1", "next": "/admin/"},
        **HTTPS,
    )

    assert response.status_code == 302
    assert client.session.session_key != anonymous_key
    assert SESSION_KEY in client.session
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    csrf = response.cookies.get("csrftoken") or client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"


@pytest.mark.django_db
def test_unknown_host_is_refused(client, settings):
    settings.ALLOWED_HOSTS = ["sahifa.example"]

    response = client.get("/", HTTP_HOST="attacker.example")

    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["TRACE", "TRACK"])
def test_trace_is_refused(client, method):
    response = client.generic(method, "/")

    assert response.status_code == 405


# --- Errors -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_server_error_is_a_plain_arabic_page_with_a_request_id(client, settings, monkeypatch, caplog):
    settings.DEBUG = False

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals: /srv/sahifa/settings.py")

    monkeypatch.setattr("articles.site.views.HomeView.get", explode)
    client.raise_request_exception = False

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/", HTTP_X_REQUEST_ID="req-1234567890")

    html = response.content.decode()
    assert response.status_code == 500
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "حدث خطأ من جهتنا" in html
    assert "req-1234567890" in html
    assert response["X-Request-ID"] == "req-1234567890"
    assert "secret internals" not in html and "Traceback" not in html
    assert any("secret internals" in (record.exc_text or str(record.exc_info)) for record in caplog.records)


@pytest.mark.django_db
def test_a_request_id_is_made_when_none_is_offered(client):
    response = client.get("/", HTTP_X_REQUEST_ID="bad id with spaces")

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


# --- Faults: a busy database, a full disk ------------------------------------------


def test_publishing_into_a_busy_database_shows_a_clear_page_and_saves_nothing(staff_client, monkeypatch, now):
    article = make_article(publish=False)

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("articles.stories.services.article_save", busy)
    staff_client.raise_request_exception = False

    response = staff_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "لم يُحفظ شيء" in html
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_upload_to_a_full_disk_shows_a_clear_page_and_leaves_no_row_and_no_file(staff_client, monkeypatch, settings):
    from newsroom import storage

    def full_disk(handle, chunk):
        handle.write(chunk[: len(chunk) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage, "_write", full_disk)
    staff_client.raise_request_exception = False

    response = staff_client.post(
        reverse("admin:articles_image_add"),
        {
            "file": jpeg_upload("photo.jpg", width=120, height=80),
            "alt_text_ar": "رجل يتحدث أمام ميكروفونات",
            "credit": make_agency().pk,
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )

    assert response.status_code == 507
    assert "لم يُحفظ شيء" in response.content.decode()
    assert not Image.objects.exists()
    stored = [p for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT) for p in Path(root).rglob("*")]
    assert not [p for p in stored if p.is_file()]


# --- Read replica ---------------------------------------------------------------------


class TestReplicaRouter:
    @pytest.fixture
    def with_replica(self, monkeypatch):
        monkeypatch.setattr(routers, "replica_configured", lambda: True)
        return routers.ReplicaRouter()

    def test_without_a_replica_everything_reads_the_primary(self, monkeypatch):
        monkeypatch.setattr(routers, "replica_configured", lambda: False)

        assert routers.ReplicaRouter().db_for_read(Article) == "default"

    def test_readers_content_is_read_from_the_replica(self, with_replica):
        from django.contrib.auth import get_user_model

        assert with_replica.db_for_read(Article) == "replica"
        assert with_replica.db_for_read(get_user_model()) == "default"
        assert with_replica.db_for_write(Article) == "default"

    @pytest.mark.django_db(transaction=True)
    def test_reads_inside_a_transaction_or_pinned_stay_on_the_primary(self, with_replica):
        from django.db import transaction

        with transaction.atomic():
            assert with_replica.db_for_read(Article) == "default"
        with routers.primary():
            assert with_replica.db_for_read(Article) == "default"
        assert with_replica.db_for_read(Article) == "replica"

    def test_migrations_run_only_on_the_primary(self, with_replica):
        assert with_replica.allow_migrate("default", "articles")
        assert not with_replica.allow_migrate("replica", "articles")

    def test_admin_and_writes_are_pinned_to_the_primary(self, with_replica, rf):
        from newsroom.middleware import PrimaryDatabaseMiddleware

        seen = {}

        def view(request):
            seen[request.method + " " + request.path] = with_replica.db_for_read(Article)
            from django.http import HttpResponse

            return HttpResponse()

        middleware = PrimaryDatabaseMiddleware(view)
        middleware(rf.get("/"))
        middleware(rf.post("/search/"))
        middleware(rf.get("/admin/articles/article/"))

        assert seen == {"GET /": "replica", "POST /search/": "default", "GET /admin/articles/article/": "default"}

    def test_replica_settings_come_from_the_environment(self):
        probe = "from newsroom import settings; print(settings.DATABASES['replica']['HOST'], settings.DATABASE_ROUTERS)"
        result = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=PROJECT,
            env={
                **production_environment(),
                "DATABASE_URL": "postgres://sahifa@primary.internal/sahifa",
                "DATABASE_REPLICA_URL": "postgres://sahifa@replica.internal/sahifa",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )

        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["replica.internal", "['newsroom.routers.ReplicaRouter']"]


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_sqlite_waits_for_other_writers_and_lets_readers_read():
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    options = database["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


@pytest.mark.skipif(
    "replica" not in django_settings.DATABASES,
    reason="DATABASE_REPLICA_URL is not set (.ci/run sets it for a PostgreSQL run)",
)
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_reader_pages_read_the_replica_and_the_admin_the_primary(client, settings, django_user_model, now):
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    article = make_article()
    staff = django_user_model.objects.create_superuser("replica-editor", "r@example.com", None)

    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client.get(article.get_absolute_url()).status_code == 200
    assert len(replica) > 0

    client.force_login(staff)
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
        assert client.get(article.get_absolute_url()).status_code == 200
    assert len(replica) == 0
