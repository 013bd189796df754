"""Health checks: ``/healthz`` for the load balancer, ``/healthz/deep`` for monitoring.

``/healthz`` is readiness: can this app server answer readers? That needs the default
database and nothing else. The cache is reported, but a cache that does not answer is
"degraded", not a failure: pages are then built from the database (newsroom/cache.py),
and a 503 would make the load balancer take every server out at once for an outage they
all share. Only a database that does not answer gives 503.

``/healthz/deep`` asks every dependency: each database alias, the cache (and the page
cache's, if it is another), and the media storages. It answers 503 when any of them
fails, naming it, so monitoring notices an outage the load balancer must not act on.

Both are never cached and never redirected to HTTPS (SECURE_REDIRECT_EXEMPT), so a
probe on the private network can call them directly.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

logger = logging.getLogger("newsroom.health")

OK = "ok"
DEGRADED = "degraded"
UNAVAILABLE = "unavailable"

# Uploaded files: renditions (public) and photo originals (never served).
MEDIA_STORAGES = ("default", "originals")
# A name no file has: asking whether it exists is one cheap lookup (a HEAD request on S3).
PROBE_NAME = "healthz-probe"


def _cache_errors() -> tuple[type[BaseException], ...]:
    errors: tuple[type[BaseException], ...] = (OSError,)
    try:
        import redis
    except ImportError:  # only when no Redis client is installed at all
        return errors
    return (*errors, redis.exceptions.RedisError)


def _storage_errors() -> tuple[type[BaseException], ...]:
    errors: tuple[type[BaseException], ...] = (OSError,)
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # only without django-storages' S3 client
        return errors
    return (*errors, BotoCoreError, ClientError)


def check_database(alias: str = DEFAULT_DB_ALIAS) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("Health check: database %r failed: %s", alias, exc)
        return UNAVAILABLE
    return OK


def check_cache(alias: str = "default") -> str:
    cache = caches[alias]
    ping = getattr(cache, "ping", None)
    try:
        if ping is not None:
            # ResilientRedisCache never raises (a miss instead); ask the server itself.
            answered = ping()
        else:
            key = f"healthz:{uuid.uuid4().hex}"
            cache.set(key, OK, 10)
            answered = cache.get(key) == OK
            cache.delete(key)
    except _cache_errors() as exc:
        logger.error("Health check: cache %r failed: %s", alias, exc)
        answered = False
    return OK if answered else UNAVAILABLE


def check_storage(alias: str) -> str:
    try:
        storages[alias].exists(PROBE_NAME)
    except _storage_errors() as exc:
        logger.error("Health check: storage %r failed: %s", alias, exc)
        return UNAVAILABLE
    return OK


def _cache_aliases() -> list[str]:
    aliases = ["default"]
    if settings.PAGE_CACHE_ALIAS not in aliases:
        aliases.append(settings.PAGE_CACHE_ALIAS)
    return aliases


def _answer(payload: dict, *, status: int) -> JsonResponse:
    response = JsonResponse(payload, status=status)
    add_never_cache_headers(response)
    return response


@require_safe
def healthz(request):
    """Readiness: 200 while the default database answers; the cache only degrades it."""
    database = check_database()
    cache = OK if check_cache() == OK else DEGRADED
    if database != OK:
        status = UNAVAILABLE
    elif cache != OK:
        status = DEGRADED
    else:
        status = OK
    return _answer(
        {"status": status, "databases": {DEFAULT_DB_ALIAS: database}, "cache": cache},
        status=503 if status == UNAVAILABLE else 200,
    )


@require_safe
def healthz_deep(request):
    """Every dependency: 200 when all answer, else 503 listing those that failed."""
    results = {
        "databases": {alias: check_database(alias) for alias in connections},
        "caches": {alias: check_cache(alias) for alias in _cache_aliases()},
        "storages": {alias: check_storage(alias) for alias in MEDIA_STORAGES if alias in settings.STORAGES},
    }
    failing = [f"{kind}.{alias}" for kind, states in results.items() for alias, state in states.items() if state != OK]
    return _answer(
        {"status": UNAVAILABLE if failing else OK, **results, "failing": failing},
        status=503 if failing else 200,
    )
