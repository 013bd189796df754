"""``/healthz``: can this app server answer readers? Checks every database and the cache.

Load balancers and monitors call it: 200 when everything answers, 503 (with which part
failed) otherwise. It is never cached and never redirected to HTTPS, so a probe on the
private network can call it directly.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import caches
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

logger = logging.getLogger("newsroom.health")


def _cache_errors() -> tuple[type[BaseException], ...]:
    errors: tuple[type[BaseException], ...] = (OSError,)
    try:
        import redis
    except ImportError:  # only when no Redis client is installed at all
        return errors
    return (*errors, redis.exceptions.RedisError)


def check_databases() -> dict[str, str]:
    results = {}
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as exc:
            logger.error("Health check: database %r failed: %s", alias, exc)
            results[alias] = "unavailable"
        else:
            results[alias] = "ok"
    return results


def check_cache(alias: str = "default") -> str:
    cache = caches[alias]
    ping = getattr(cache, "ping", None)
    try:
        if ping is not None:
            # ResilientRedisCache never raises; ask the server itself.
            answered = ping()
        else:
            key = f"healthz:{uuid.uuid4().hex}"
            cache.set(key, "ok", 10)
            answered = cache.get(key) == "ok"
            cache.delete(key)
    except _cache_errors() as exc:
        logger.error("Health check: cache %r failed: %s", alias, exc)
        answered = False
    return "ok" if answered else "unavailable"


@require_safe
def healthz(request):
    databases = check_databases()
    cache = check_cache()
    healthy = cache == "ok" and all(state == "ok" for state in databases.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "unavailable", "databases": databases, "cache": cache},
        status=200 if healthy else 503,
    )
    add_never_cache_headers(response)
    return response
