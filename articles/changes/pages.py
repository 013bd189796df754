"""Derived copy: the page cache's version tokens (articles/site/pagecache.py).

Each cached reader page names the keys it was built from; a change bumps exactly the keys of
the pages that showed the changed things before it or show them after it, once the transaction
commits. A story's keys: the home page, search (``list:all``), its section, its own address in
each language, and the lists of its tags, sources and authors. A section's name is in every
page's menu (``nav``). A photo's change refreshes the stories showing it and the pages of the
authors whose portrait it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver

from ..site import pagecache
from .events import (
    StoryPlaces,
    catalogue_changed,
    catalogue_items,
    photo_authors,
    photos_changed,
    stories_changed,
    story_places,
)


def story_keys(places: StoryPlaces) -> set[str]:
    keys = {pagecache.HOME, pagecache.ALL, f"list:section:{places.section}"}
    keys |= {f"article:{slug}" for _language, slug in places.slugs}
    keys |= {f"list:tag:{slug}" for slug in places.tags}
    keys |= {f"list:source:{slug}" for slug in places.sources}
    keys |= {f"list:author:{slug}" for slug in places.authors}
    return keys


def stories_keys(before: Iterable[StoryPlaces], story_ids: Iterable[int]) -> set[str]:
    """The keys of the pages these stories were on (``before``) and are on now."""
    keys: set[str] = set()
    for places in [*before, *story_places(story_ids).values()]:
        keys |= story_keys(places)
    return keys


def _enabled() -> bool:
    # The versions also key the story page's kept parts (articles/site/storypage.py), which are kept
    # with whole pages off: they follow every change whenever either is on.
    return settings.PAGE_CACHE_SECONDS > 0 or settings.STORY_PARTS_SECONDS > 0


@receiver(stories_changed, dispatch_uid="pages.stories")
def on_stories_changed(sender, ids, before, **kwargs):
    if not _enabled():
        return
    pagecache.bump_on_commit(stories_keys(before.values(), ids))
    # A story's publication time may have moved: the next scheduled one is looked up again.
    transaction.on_commit(pagecache.refresh_schedule)


@receiver(catalogue_changed, dispatch_uid="pages.catalogue")
def on_catalogue_changed(sender, ids, before, **kwargs):
    if not _enabled():
        return
    keys: set[str] = set()
    after = catalogue_items(sender, ids)
    for item in [*before.values(), *after.values()]:
        keys.add(f"list:{item.kind}:{item.slug}")
        if item.kind == "section":
            keys.add(pagecache.NAV)  # every page's menu names the sections
    stories = {pk for item in [*before.values(), *after.values()] if item.kind != "section" for pk in item.story_ids}
    keys |= stories_keys((), stories)
    pagecache.bump_on_commit(keys)


@receiver(photos_changed, dispatch_uid="pages.photos")
def on_photos_changed(sender, ids, story_ids, **kwargs):
    if not _enabled():
        return
    # An author's page shows their portrait: a changed photo refreshes it. Which photo an author
    # has is the author's own change (catalogue_changed), so the authors showing it now suffice.
    keys = {f"list:author:{slug}" for slug in photo_authors(ids)}
    if story_ids:
        keys |= stories_keys((), story_ids)
    if keys:
        pagecache.bump_on_commit(keys)
