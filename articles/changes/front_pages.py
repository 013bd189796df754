"""Derived copies of the fronts: page-cache versions, the kept breaking line and CDN copies.

A front's change refreshes that front only (``list:home`` or ``list:section:<slug>``); a breaking
line's change refreshes every reader page through their one shared key (``breaking``) and drops
the kept line. Scheduled places and expiries are looked up again for the page cache's schedule.
A story linked from a breaking line changing (unpublished, renamed) refreshes the line too.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation

from ..front import breaking, footer
from ..front import fronts as fronts_module
from ..site import pagecache
from ..stories.addresses import slug_url
from . import cdn
from .events import stories_changed, story_places
from .front_events import fronts_changed
from .pages import _enabled


def front_keys(fronts) -> set[str]:
    return {pagecache.HOME if slug is None else f"list:section:{slug}" for slug, _language in fronts}


def front_paths(fronts) -> set[str]:
    paths = set()
    for slug, language in fronts:
        with translation.override(language):
            paths.add(reverse("articles:home") if slug is None else slug_url("articles:section-detail", slug))
    return paths


def _breaking_changed(languages) -> None:
    languages = set(languages)
    transaction.on_commit(lambda: breaking.forget(languages))
    if _enabled():
        pagecache.bump_on_commit({pagecache.BREAKING})


@receiver(fronts_changed, dispatch_uid="front_pages.fronts")
def on_fronts_changed(sender, fronts, breaking, pages=frozenset(), **kwargs):
    if breaking:
        _breaking_changed(breaking)
    if pages:
        # Every page's footer lists the site pages, as its menu lists the sections (``nav``).
        transaction.on_commit(footer.forget)
        if _enabled():
            pagecache.bump_on_commit({pagecache.NAV, *(f"page:{slug}" for slug in pages)})
    if fronts:
        changed = set(fronts)
        transaction.on_commit(lambda: fronts_module.forget(changed))
    if _enabled():
        pagecache.bump_on_commit(front_keys(fronts))
        transaction.on_commit(pagecache.refresh_schedule)
    # Every page shows the breaking line; a CDN keeps each for its s-maxage at most.
    cdn.purge_on_commit(front_paths(fronts) | front_paths((None, language) for language in breaking))


def live_paths(slugs) -> set[str]:
    """The live page and feed of each story followed live, by its (language, slug) addresses."""
    paths = set()
    for language, slug in slugs:
        with translation.override(language):
            paths |= {slug_url("articles:live-detail", slug), slug_url("articles:live-feed", slug)}
    return paths


@receiver(stories_changed, dispatch_uid="front_pages.stories")
def on_stories_changed(sender, ids, deleted, before, **kwargs):
    from ..models import BreakingNews, LiveCoverage

    if cdn.backend() is not None:
        # The CDN's copies of live pages: their addresses are not among a story's own (cdn.py).
        followed = set(LiveCoverage.objects.filter(article_id__in=ids).values_list("article_id", flat=True))
        slugs = {pair for pk in followed if pk in before for pair in before[pk].slugs}
        slugs |= {pair for places in story_places(followed).values() for pair in places.slugs}
        cdn.purge_on_commit(live_paths(slugs))

    linked = BreakingNews.objects.filter(article_id__in=[*ids, *deleted], removed_at__isnull=True)
    languages = set(linked.values_list("language", flat=True).distinct())
    if languages:
        _breaking_changed(languages)
