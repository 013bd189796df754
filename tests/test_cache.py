"""The shared cache on Redis, and reader pages that are still served when Redis goes away.

Tests marked ``redis`` need a server: `.ci/run` starts Debian's redis-server on loopback and
sets SAHIFA_TEST_REDIS_URL; the outage drill starts and stops a private redis-server of its
own. Without them those tests are skipped; the tests against a closed port always run.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.core.cache import caches

from newsroom import cache as resilient
from tests.factories import make_article

REDIS_SERVER = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _use_redis(settings, url: str) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": url,
            # A prefix of its own, so tests never see each other's keys on a shared server.
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        },
    }
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture(autouse=True)
def _fresh_connections():
    yield
    caches["default"].close()


@pytest.fixture
def redis_url(settings):
    url = os.environ.get("SAHIFA_TEST_REDIS_URL")
    if not url:
        pytest.skip("SAHIFA_TEST_REDIS_URL is not set (.ci/run starts a Redis server and sets it)")
    _use_redis(settings, url)
    return url


class RedisServer:
    """A private redis-server on a free loopback port, which a test can stop and start again."""

    def __init__(self):
        self.port = _free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(settings, monkeypatch):
    if REDIS_SERVER is None:
        if os.environ.get("SAHIFA_TEST_REDIS_URL"):
            pytest.fail("redis-server is not on PATH although the Redis tests were asked for")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    # Retry at once after a failure, so the drill does not wait out the back-off.
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0.0)
    server = RedisServer()
    server.start()
    _use_redis(settings, server.url)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_gone(settings, monkeypatch):
    """The cache points at a port where nothing listens: Redis is down."""
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0.0)
    _use_redis(settings, f"redis://127.0.0.1:{_free_port()}/0")


# --- Against a real Redis ---------------------------------------------------------


def test_cache_round_trips_through_redis(redis_url):
    cache = caches["default"]

    assert cache.add("counter", 1) is True
    assert cache.add("counter", 5) is False
    assert cache.incr("counter", 2) == 3
    cache.set_many({"a": {"headline": "خبر"}, "b": [1, 2]}, timeout=30)
    assert cache.get_many(["a", "b", "missing"]) == {"a": {"headline": "خبر"}, "b": [1, 2]}
    cache.delete("a")
    assert cache.get("a", "gone") == "gone"
    assert cache.ping() is True


@pytest.mark.django_db
def test_reader_page_is_served_from_redis_on_the_second_request(client, redis_url, now):
    article = make_article()

    first = client.get(article.get_absolute_url())
    second = client.get(article.get_absolute_url())

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


@pytest.mark.django_db
def test_health_check_pings_redis(client, redis_url):
    response = client.get("/healthz")
    deep = client.get("/healthz/deep")

    assert response.status_code == 200
    assert response.json()["cache"] == "ok"
    assert deep.status_code == 200
    assert deep.json()["caches"] == {"default": "ok"}


# --- Redis down -------------------------------------------------------------------------


def test_cache_without_redis_answers_like_an_empty_cache(redis_gone, caplog):
    cache = caches["default"]

    with caplog.at_level(logging.ERROR, logger="newsroom.cache"):
        assert cache.get("anything", "default") == "default"
        assert cache.add("lock", 1) is True  # the caller goes ahead instead of waiting for a peer
        assert cache.set("key", "value") is None
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("key") is False
        assert cache.delete("key") is False
        cache.delete_many(["a", "b"])
        with pytest.raises(ValueError):
            cache.incr("counter")

    assert cache.ping() is False
    assert [record.getMessage() for record in caplog.records if "unavailable" in record.getMessage()]


@pytest.mark.django_db
def test_pages_are_served_from_the_database_when_redis_is_down(client, redis_gone, now, caplog):
    article = make_article(tags=["اقتصاد"])

    with caplog.at_level(logging.ERROR, logger="newsroom.cache"):
        for url in ("/", article.get_absolute_url(), "/search/?q=الاجتماع"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.get("X-Page-Cache", "miss") == "miss"

    assert "Redis cache unavailable" in caplog.text


@pytest.mark.django_db
def test_health_check_reports_redis_down_as_degraded_and_the_deep_check_fails(client, redis_gone):
    readiness = client.get("/healthz")
    deep = client.get("/healthz/deep")

    # Pages are still served without Redis: the load balancer keeps this server.
    assert readiness.status_code == 200
    assert readiness.json() == {"status": "degraded", "databases": {"default": "ok"}, "cache": "degraded"}
    assert deep.status_code == 503
    assert deep.json()["failing"] == ["caches.default"]


@pytest.mark.django_db
def test_redis_stopped_mid_run_then_back(client, private_redis, now, caplog):
    article = make_article()
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    cache = caches["default"]
    cache.set("session-like", "still logged in")

    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="newsroom.cache"):
        during = [client.get(path) for path in ("/", url, url)]
        # A delete made while Redis is down is not lost: it is replayed when Redis is back.
        cache.delete("session-like")
        private_redis.start()
        # This server came back empty; a surviving one would still hold the stale value.
        cache.close()
        # Written as Django's Redis backend stores a string: pickled with the highest protocol.
        with redis.Redis.from_url(private_redis.url) as raw:
            stale = pickle.dumps("still logged in", pickle.HIGHEST_PROTOCOL)
            raw.set(cache.make_and_validate_key("session-like"), stale)
        after = client.get(url)

    assert [response.status_code for response in during] == [200, 200, 200]
    assert all(response["X-Page-Cache"] == "miss" for response in during)
    assert after.status_code == 200
    assert cache.ping() is True
    assert cache.get("session-like") is None
    messages = [record.getMessage() for record in caplog.records]
    assert sum("unavailable" in message for message in messages) == 1, messages
    assert any("answering again" in message for message in messages)


def test_deletes_of_several_keys_and_versions_missed_while_down_are_replayed(private_redis):
    cache = caches["default"]
    stale = {
        cache.make_and_validate_key("page-a", version=2): "old page a",
        cache.make_and_validate_key("page-b", version=2): "old page b",
        cache.make_and_validate_key("menu"): "old menu",
        cache.make_and_validate_key("kept", version=2): "still wanted",
    }

    private_redis.stop()
    cache.delete_many(["page-a", "page-b"], version=2)
    cache.delete("menu")
    assert cache.ping() is False
    private_redis.start()
    # The server came back empty; one that survived would still hold what was deleted.
    with redis.Redis.from_url(private_redis.url) as raw:
        raw.mset({key: pickle.dumps(value, pickle.HIGHEST_PROTOCOL) for key, value in stale.items()})

    assert cache.ping() is True
    assert cache.get_many(["page-a", "page-b"], version=2) == {}
    assert cache.get("menu") is None
    assert cache.get("kept", version=2) == "still wanted"


def test_redis_url_switches_the_cache_and_optionally_the_sessions():
    probe = (
        "import json; from newsroom import settings; "
        "print(json.dumps([settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'], "
        "getattr(settings, 'SESSION_ENGINE', 'django.contrib.sessions.backends.db')]))"
    )

    def loaded(**environ):
        result = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=Path(__file__).resolve().parent.parent,
            env={"PATH": os.environ.get("PATH", ""), "DJANGO_SECRET_KEY": "test-only-not-a-secret", **environ},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    assert loaded()[0] == "django.core.cache.backends.filebased.FileBasedCache"
    assert loaded(REDIS_URL="redis://cache.internal:6379/0") == [
        "newsroom.cache.ResilientRedisCache",
        "redis://cache.internal:6379/0",
        "django.contrib.sessions.backends.db",
    ]
    assert loaded(REDIS_URL="redis://cache.internal:6379/0", DJANGO_SESSIONS_IN_CACHE="1")[2] == (
        "django.contrib.sessions.backends.cached_db"
    )
