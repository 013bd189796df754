"""Derived copy: what a CDN in front of the site holds. A no-op unless a purge backend is set.

``CDN_PURGE_BACKEND`` names a class (dotted path) with a ``purge(paths)`` method; an empty
setting (the default) purges nothing. ``CDN_PURGE_OPTIONS`` are passed to its constructor.
Paths are the reader pages and feeds that showed the changed things before the change or show
them after it, in every language, purged once the transaction commits. A purge that fails is
logged and never undoes or fails the change: the CDN then serves the old copy until its
``s-maxage`` runs out, as it would without a purge.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string

from ..stories.addresses import slug_url
from .events import (
    CatalogueItem,
    StoryPlaces,
    catalogue_changed,
    catalogue_items,
    photo_authors,
    photos_changed,
    stories_changed,
    story_places,
)

logger = logging.getLogger("articles.cdn")

LIST_PAGES = {
    "section": ("articles:section-detail", "articles:section-feed"),
    "tag": ("articles:tag-detail", "articles:tag-feed"),
    "source": ("articles:source-detail", "articles:source-feed"),
    "author": ("articles:author-detail", "articles:author-feed"),
}


def backend():
    """The configured purge backend, or None."""
    path = settings.CDN_PURGE_BACKEND
    if not path:
        return None
    return import_string(path)(**settings.CDN_PURGE_OPTIONS)


def _list_paths(kind: str, slug: str) -> set[str]:
    return {slug_url(name, slug) for name in LIST_PAGES[kind]}


def story_paths(places: Iterable[StoryPlaces]) -> set[str]:
    """The addresses, in every language, of the pages and feeds that show these stories."""
    paths: set[str] = set()
    places = list(places)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            if places:
                paths |= {reverse("articles:home"), reverse("articles:feed")}
            for story in places:
                paths |= {slug_url("articles:article-detail", slug) for lang, slug in story.slugs if lang == language}
                paths |= _list_paths("section", story.section)
                for kind, slugs in (("tag", story.tags), ("source", story.sources), ("author", story.authors)):
                    for slug in slugs:
                        paths |= _list_paths(kind, slug)
    return paths


def catalogue_paths(items) -> set[str]:
    paths: set[str] = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for item in items:
                paths |= _list_paths(item.kind, item.slug)
    return paths


def purge_on_commit(paths: set[str]) -> None:
    purger = backend()
    if purger is None or not paths:
        return
    ordered = sorted(paths)
    transaction.on_commit(lambda: purger.purge(ordered))


@receiver(stories_changed, dispatch_uid="cdn.stories")
def on_stories_changed(sender, ids, before, **kwargs):
    if settings.CDN_PURGE_BACKEND:
        purge_on_commit(story_paths([*before.values(), *story_places(ids).values()]))


@receiver(catalogue_changed, dispatch_uid="cdn.catalogue")
def on_catalogue_changed(sender, ids, before, **kwargs):
    if not settings.CDN_PURGE_BACKEND:
        return
    after = catalogue_items(sender, ids)
    items = [*before.values(), *after.values()]
    stories = {pk for item in items for pk in item.story_ids}
    purge_on_commit(catalogue_paths(items) | story_paths(story_places(stories).values()))


@receiver(photos_changed, dispatch_uid="cdn.photos")
def on_photos_changed(sender, ids, story_ids, **kwargs):
    if not settings.CDN_PURGE_BACKEND:
        return
    authors = [CatalogueItem(kind="author", pk=0, slug=slug) for slug in sorted(photo_authors(ids))]
    purge_on_commit(catalogue_paths(authors) | story_paths(story_places(story_ids).values()))


# --- Backends ------------------------------------------------------------------------------


class LoggingPurge:
    """Logs the paths it would purge: to see what a change reaches before wiring a CDN."""

    def __init__(self, **options):
        self.options = options

    def purge(self, paths: list[str]) -> None:
        for path in paths:
            logger.info("CDN purge: %s", path)


class HttpPurge:
    """Sends ``PURGE <base_url><path>`` for each path (Varnish, Fastly, nginx's cache purge…)."""

    def __init__(self, *, base_url: str, timeout: float = 2.0, headers: dict | None = None):
        self.base_url = base_url
        self.timeout = timeout
        self.headers = headers or {}

    def purge(self, paths: list[str]) -> None:
        for path in paths:
            url = urljoin(self.base_url, path)
            request = urllib.request.Request(url, method="PURGE", headers=self.headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                    response.read()
            except (urllib.error.URLError, OSError) as exc:
                logger.error("CDN purge of %s failed: %s", url, exc)
