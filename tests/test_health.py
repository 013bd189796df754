"""Health checks: /healthz (readiness, for the load balancer) and /healthz/deep (monitoring)."""

from __future__ import annotations

import socket
from unittest import mock

import pytest
from botocore.config import Config
from django.db import OperationalError, connections

READINESS = "/healthz"
DEEP = "/healthz/deep"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """The cache is Redis on a port where nothing listens."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        },
    }


@pytest.fixture
def database_down():
    refused = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with mock.patch.object(connections["default"], "cursor", side_effect=refused):
        yield


@pytest.mark.django_db
def test_readiness_is_ok_when_database_and_cache_answer(client):
    response = client.get(READINESS)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "databases": {"default": "ok"}, "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_stays_up_with_the_cache_degraded_when_redis_is_down(client, redis_down):
    response = client.get(READINESS)

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "databases": {"default": "ok"}, "cache": "degraded"}


@pytest.mark.django_db
def test_readiness_fails_when_the_database_does_not_answer(client, database_down):
    response = client.get(READINESS)

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["databases"] == {"default": "unavailable"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_deep_check_reports_every_dependency(client):
    response = client.get(DEEP)

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "databases": {"default": "ok"},
        "caches": {"default": "ok"},
        "storages": {"default": "ok", "originals": "ok"},
        "failing": [],
    }
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_deep_check_fails_naming_the_cache_when_redis_is_down(client, redis_down):
    response = client.get(DEEP)

    assert response.status_code == 503
    assert response.json()["caches"] == {"default": "unavailable"}
    assert response.json()["failing"] == ["caches.default"]


@pytest.mark.django_db
def test_deep_check_fails_when_the_database_does_not_answer(client, database_down):
    response = client.get(DEEP)

    assert response.status_code == 503
    assert response.json()["databases"] == {"default": "unavailable"}
    assert response.json()["failing"] == ["databases.default"]


@pytest.mark.django_db
def test_deep_check_asks_the_page_cache_when_it_has_its_own(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "health-pages"},
    }
    settings.PAGE_CACHE_ALIAS = "pages"

    response = client.get(DEEP)

    assert response.status_code == 200
    assert response.json()["caches"] == {"default": "ok", "pages": "ok"}


@pytest.mark.django_db
def test_deep_check_fails_naming_a_media_storage_that_does_not_answer(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "originals": {
            "BACKEND": "newsroom.storage.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": "sahifa-originals",
                "endpoint_url": f"http://127.0.0.1:{_closed_port()}",
                "region_name": "us-east-1",
                "access_key": "sahifa-test",
                "secret_key": "sahifa-test-secret",
                "client_config": Config(connect_timeout=0.5, retries={"total_max_attempts": 1}),
            },
        },
    }

    response = client.get(DEEP)
    readiness = client.get(READINESS)

    assert response.status_code == 503
    assert response.json()["storages"] == {"default": "ok", "originals": "unavailable"}
    assert response.json()["failing"] == ["storages.originals"]
    assert readiness.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", [READINESS, DEEP])
def test_health_checks_are_not_redirected_to_https(client, settings, path):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(path).status_code == 200
    assert client.get("/").status_code == 301


@pytest.mark.django_db
def test_health_checks_answer_get_and_head_only(client):
    assert client.post(READINESS).status_code == 405
    assert client.post(DEEP).status_code == 405
    assert client.head(DEEP).status_code == 200
