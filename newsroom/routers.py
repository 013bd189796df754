"""Reads of reader pages from a PostgreSQL replica; everything else on the primary.

Active only when ``DATABASE_REPLICA_URL`` is set (the settings add the ``replica`` alias
and this router). The replica answers the public's reads of the newsroom's content:
stories, sections, tags, photos. The primary takes every write, every read inside a
transaction, every read of accounts, sessions, login throttling and history, and every
read made while serving the admin or a request that changes something (POST and the
like), so an editor always sees what they just saved.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"

# Apps whose content readers see; any other app's reads stay on the primary.
REPLICATED_APPS = frozenset({"articles", "taggit"})

_on_primary: ContextVar[bool] = ContextVar("sahifa_on_primary", default=False)


@contextmanager
def primary():
    """Route every read in this block to the primary."""
    token = _on_primary.set(True)
    try:
        yield
    finally:
        _on_primary.reset(token)


def pin_to_primary() -> None:
    """From now until the end of this request, read from the primary too."""
    _on_primary.set(True)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica_configured() or _on_primary.get():
            return PRIMARY
        if model._meta.app_label not in REPLICATED_APPS:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            # Inside a transaction the primary has writes the replica cannot see yet.
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: objects from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
