"""Redis as the shared cache, and reader pages that survive it going away.

Django's own Redis backend raises on every call once the server is unreachable, and
each of those would be a 500. ``ResilientRedisCache`` turns a connection failure into
what a cache may always answer: a miss (``get`` returns the default, ``add`` says
"go ahead", writes are dropped). Pages are then built from the database, as on a
cold cache. The outage is logged once, not on every call, and for a few seconds
after a failure the server is not tried again, so requests don't each wait for a
connection that is not coming.

Deletes that failed during an outage are replayed when Redis answers again (within
this process), so a logged-out session or an invalidated page does not come back.

Only public interfaces are used: the cache API of Django's backend (``super()``), and for
the health check's PING a client of our own, made with ``redis.Redis.from_url`` from the
same server address and connection options as Django's.
"""

from __future__ import annotations

import logging
import re
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.utils.module_loading import import_string

logger = logging.getLogger("newsroom.cache")

# How long to skip Redis after a failure before trying it again.
RETRY_SECONDS = 5.0
# Failed deletes remembered for replay; beyond this the oldest are dropped (and logged).
MAX_PENDING_DELETES = 10_000


# OPTIONS that Django's backend reads itself rather than passing on to redis-py.
DJANGO_ONLY_OPTIONS = frozenset({"serializer", "pool_class"})


def _connection_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, ConnectionError, TimeoutError)


def _make_ping_client(server, options: dict):
    """A redis-py client for the server Django's backend writes to (the first one listed)."""
    import redis

    servers = re.split("[;,]", server) if isinstance(server, str) else list(server)
    connection_options = {name: value for name, value in options.items() if name not in DJANGO_ONLY_OPTIONS}
    if isinstance(connection_options.get("parser_class"), str):
        connection_options["parser_class"] = import_string(connection_options["parser_class"])
    return redis.Redis.from_url(servers[0], **connection_options)


class ResilientRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache that degrades to misses when Redis is down."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        # Fail fast: a cache that takes seconds to answer is worse than no cache.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        options.setdefault("retry_on_timeout", False)
        super().__init__(server, {**params, "OPTIONS": options})
        self._errors = _connection_errors()
        # Connects on first use (a PING), so a cache that is never checked opens nothing.
        self._ping_client = _make_ping_client(server, options)
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._is_down = False
        # Failed deletes as (key, version), in order: replayed through the public delete_many().
        self._pending_deletes: dict[tuple[str, int | None], None] = {}

    # --- health --------------------------------------------------------------------

    @property
    def is_available(self) -> bool:
        """False while this process is treating Redis as gone (until the next retry)."""
        return not (self._is_down and time.monotonic() < self._down_until)

    def ping(self) -> bool:
        """Ask Redis directly (for /healthz): True if it answers now."""
        if self._is_down and not self._try_recover():
            return False
        try:
            return bool(self._ping_client.ping())
        except self._errors as exc:
            self._failed("ping", exc)
            return False

    def _failed(self, operation: str, exc: BaseException) -> None:
        with self._lock:
            first = not self._is_down
            self._is_down = True
            self._down_until = time.monotonic() + RETRY_SECONDS
        if first:
            logger.error(
                "Redis cache unavailable (%s failed: %s); serving without the cache until it answers again.",
                operation,
                exc,
            )

    def _try_recover(self) -> bool:
        """After the back-off: if Redis answers, replay the deletes it missed, then use it again."""
        if time.monotonic() < self._down_until:
            return False
        with self._lock:
            pending = list(self._pending_deletes)
        by_version: dict[int | None, list[str]] = {}
        for key, version in pending:
            by_version.setdefault(version, []).append(key)
        try:
            self._ping_client.ping()
            for version, keys in by_version.items():
                # Django's own delete_many, not ours: a failure here must raise, not be queued again.
                super().delete_many(keys, version)
        except self._errors as exc:
            with self._lock:
                self._down_until = time.monotonic() + RETRY_SECONDS
            logger.debug("Redis still unavailable: %s", exc)
            return False
        with self._lock:
            for entry in pending:
                self._pending_deletes.pop(entry, None)
            self._is_down = False
        logger.warning("Redis cache is answering again; replayed %d deletes missed while it was down.", len(pending))
        return True

    def _remember_deletes(self, keys, version) -> None:
        with self._lock:
            for key in keys:
                # Again at the end: the newest deletes are the last ones dropped on overflow.
                self._pending_deletes.pop((key, version), None)
                self._pending_deletes[(key, version)] = None
            overflow = len(self._pending_deletes) - MAX_PENDING_DELETES
            if overflow > 0:
                for entry in list(self._pending_deletes)[:overflow]:
                    del self._pending_deletes[entry]
                logger.error("Dropped %d deletes queued for Redis; stale entries may reappear.", overflow)

    def _call(self, operation: str, default, function, *args):
        if self._is_down and not self._try_recover():
            return default
        try:
            return function(*args)
        except self._errors as exc:
            self._failed(operation, exc)
            return default

    # --- the cache API --------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # "Go ahead": a caller holding a lock built with add() does the work itself
        # instead of waiting for a peer that cannot tell it anything.
        return self._call("add", True, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        result = self._call("delete", None, super().delete, key, version)
        if result is None:
            self._remember_deletes([key], version)
            return False
        return result

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._call("incr", None, super().incr, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        if self._call(
            "delete_many", False, lambda: super(ResilientRedisCache, self).delete_many(keys, version) or True
        ):
            return
        self._remember_deletes(keys, version)

    def clear(self):
        return self._call("clear", False, super().clear)
