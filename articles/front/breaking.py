"""The breaking line as reader pages show it: read once per language and kept in the cache until the
line changes (changes/front_pages.py drops it) or expires (the kept copy knows its expiry)."""

from __future__ import annotations

from typing import NamedTuple

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from ..models import Article
from ..site.live import live_of, live_url
from .models import BreakingNews

KEEP_SECONDS = 3600


class Line(NamedTuple):
    text: str
    url: str
    until: float | None  # expiry as a timestamp, None for a line without one


def cache_key(language: str) -> str:
    return f"breaking-line:v1:{language}"


def forget(languages) -> None:
    cache.delete_many([cache_key(language) for language in languages])


def _read(language: str) -> Line | None:
    line = BreakingNews.objects.current(language).first()
    if line is None:
        return None
    url = ""
    if line.article_id:
        # The link only while its story is public in this language (the published() gate).
        story = (
            Article.objects.published()
            .in_language(language)
            .select_related("live_coverage")
            .filter(pk=line.article_id)
            .first()
        )
        if story is not None:
            # A story followed live: the line leads to its live page.
            url = live_url(story) if live_of(story) is not None else story.get_absolute_url()
    return Line(line.text, url, line.expires_at.timestamp() if line.expires_at else None)


def current_line(language: str | None = None) -> Line | None:
    """The line to show now in ``language`` (the page's), or None."""
    language = language or get_language()
    kept = cache.get(cache_key(language))
    now = timezone.now().timestamp()
    if kept is not None:
        line = kept[0]
        if line is None or line.until is None or now < line.until:
            return line
    line = _read(language)
    cache.set(cache_key(language), (line,), KEEP_SECONDS)
    return line
