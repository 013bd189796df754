"""Who has a story open right now: a heartbeat from the change form, kept briefly in the cache."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


def _key(article_id) -> str:
    return f"editing:{article_id}"


def _display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def mark_editing(*, article_id, user) -> None:
    now = time.time()
    seconds = settings.EDITING_PRESENCE_SECONDS
    editors = {uid: entry for uid, entry in (cache.get(_key(article_id)) or {}).items() if entry[1] > now}
    editors[str(user.pk)] = (_display_name(user), now + seconds)
    cache.set(_key(article_id), editors, seconds)


def others_editing(*, article_id, user) -> list[str]:
    now = time.time()
    editors = cache.get(_key(article_id)) or {}
    return sorted(name for uid, (name, expires) in editors.items() if uid != str(user.pk) and expires > now)
