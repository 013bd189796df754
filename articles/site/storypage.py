"""A story page: the story, what its page shows with it, and its rendered parts kept between readers.

The story is read with its section, lead photo and credit in one query. Its relations — bylines,
tags, cited sources, placed photos, corrections: ``for_detail()``'s prefetches — are read only
when its parts have to be rendered, one query each (``prefetch_related_objects``).

Most of an uncached story page's time goes into rendering the story: its head (canonical
address, alternates, Open Graph, JSON-LD) and its article, figures and all. A public story's
rendered parts are kept in the page cache's store under the same dependency keys as its page
(articles/site/pagecache.py): the head and the article under the story's own key
(``article:<slug>``) and the menu's (``nav``, bumped when a section is renamed), «read also»
under ``list:all`` as well, which any story's change bumps. Each part's cache key holds its
keys' current version tokens, so a write that bumps one (articles/changes/pages.py: the story,
its tags, authors, sources or photos) makes the next reader render that part again; an old
entry is never read again and ages out. Versions are only bumped while the page cache is on,
so parts are only kept then (``parts_are_kept``).

A story scheduled to appear needs no write to go public; until the next write or the end of a
part's lifetime (``STORY_PARTS_SECONDS``) it is missing from the «read also» of other stories, never
shown too early.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db.models import Prefetch, prefetch_related_objects
from django.template import loader
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ..models import Article, Byline, CitedSource, Placement, TaggedArticle
from . import pagecache
from .layout import body_blocks
from .translated import own

STORY_TEMPLATE = "articles/includes/_story.html"
HEAD_TEMPLATE = "articles/includes/_story_head.html"
LANGUAGE_SWITCH_TEMPLATE = "articles/includes/_story_language_switch.html"
READ_ALSO_TEMPLATE = "articles/includes/_read_also.html"


def relations() -> list:
    """What a story's page shows with it, in the order it shows them (``for_detail()``'s prefetches)."""
    return [
        Prefetch("bylines", queryset=Byline.objects.select_related("author")),
        "tags",
        Prefetch("cited_sources", queryset=CitedSource.objects.select_related("source")),
        Prefetch("placements", queryset=Placement.objects.select_related("image", "image__credit")),
        "corrections",
    ]


def get(queryset, **lookup) -> Article:
    """``queryset.get(**lookup)`` with the story's section, lead photo and its credit."""
    return queryset.select_related("section", "lead_image", "lead_image__credit", "live_coverage").get(**lookup)


def with_relations(story: Article) -> Article:
    """``story`` with its relations loaded (those already loaded are not read again)."""
    prefetch_related_objects([story], *relations())
    return story


# --- «Read also» -----------------------------------------------------------------------------

RELATED_CANDIDATES = 200
RELATED_CARD_FIELDS = (
    "slug",
    "headline",
    "dek",
    "published_at",
    "lead_image__rendition_key",
    "lead_image__width",
    "lead_image__height",
)


def related_articles(article: Article, limit: int = 4) -> list[Article]:
    """Public stories sharing the most tags with ``article``, newest first among equals («اقرأ أيضاً»).

    Two queries whatever the archive's size (plus one for the story's tags unless they are
    loaded): the newest uses of the story's tags (bounded, through the (tag, story) index), then
    those stories' card columns; the scoring happens here, not in a GROUP BY over every story
    that ever shared a tag.
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    if not tag_ids:
        return []
    uses = Counter(
        TaggedArticle.objects.filter(tag_id__in=tag_ids)
        .exclude(content_object_id=article.pk)
        .order_by("-content_object_id")
        .values_list("content_object_id", flat=True)[:RELATED_CANDIDATES]
    )
    if not uses:
        return []
    # Newer stories have higher ids: the best few by (shared tags, id) are enough to rank by date.
    shortlist = sorted(uses, key=lambda pk: (-uses[pk], -pk))[: limit * 3]
    # Only what a «read also» card shows: headline, dek, date, address and the photo's renditions.
    candidates = list(
        Article.objects.published(timezone.now())
        .in_language()
        .select_related("lead_image")
        .only(*RELATED_CARD_FIELDS)
        .filter(pk__in=shortlist)
    )
    candidates.sort(key=lambda story: (-uses[story.pk], -story.published_at.timestamp(), -story.pk))
    return candidates[:limit]


# --- Rendered parts --------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryParts:
    """A story page's parts: its title, head elements, language switch, <article> and «read also»."""

    title: str
    head: SafeString
    language_switch: SafeString
    story: SafeString
    read_also: SafeString
    is_public: bool = True


# How long a part is kept at most: no write announces a scheduled story going public, so it may be
# missing from other stories' «read also» this long (the versions retire parts on every write).


def parts_are_kept() -> bool:
    # Version tokens are bumped on every write whether whole pages are cached or not
    # (articles/changes/pages.py), so parts can be kept with the page cache off too.
    return settings.STORY_PARTS_SECONDS > 0


def _store():
    return caches[settings.PAGE_CACHE_ALIAS]


# Part of every key: a release that changes what a kept part holds changes this, so that it never
# reads parts kept by the release before.
PARTS_FORMAT = "3"


def _cache_key(*parts: str) -> str:
    # Slugs are Arabic and addresses long: hashed, the key suits every cache backend.
    key = "\x1f".join((PARTS_FORMAT, *parts))
    return "story-part:" + hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def _cache_keys(slug: str, request) -> dict[str, str]:
    """Where the parts of the story at ``slug`` are kept, for the current versions of their keys."""
    story = f"article:{slug}"
    versions = pagecache.current_versions([pagecache.NAV, pagecache.ALL, story])
    language = get_language()
    # The head's addresses are absolute: one copy per scheme and host readers use.
    origin = request.build_absolute_uri("/")
    return {
        "story": _cache_key("story", language, origin, story, versions[pagecache.NAV], versions[story]),
        "read_also": _cache_key("read_also", language, story, versions[pagecache.ALL], versions[story]),
    }


@dataclass(frozen=True)
class KeptParts:
    """Where a public story's parts are kept for the versions read as its request began, and
    what was found there."""

    keys: dict[str, str]  # part → cache key
    found: dict[str, object]  # cache key → kept part

    def parts(self) -> StoryParts | None:
        """The page's parts if every one was found, else None."""
        if len(self.found) < len(self.keys):
            return None
        return _parts(self.found[self.keys["story"]], self.found[self.keys["read_also"]], is_public=True)


def kept_parts(slug: str, request) -> KeptParts | None:
    """What is kept for the story at ``slug`` (None while parts are not kept). Read it before the
    story: a write that bumps a version meanwhile then leaves the parts rendered from what was
    read under the old version's key, where no reader looks any more.

    No query: parts are only kept for a story that passed the public gate when they were
    rendered, and any write that could change that (unpublishing, rescheduling, a new slug,
    deleting) bumps the story's key, which retires them.
    """
    if not parts_are_kept():
        return None
    keys = _cache_keys(slug, request)
    return KeptParts(keys=keys, found=_store().get_many(list(keys.values())))


def _parts(story: tuple[str, str, str, str], read_also: str, *, is_public: bool) -> StoryParts:
    title, head, language_switch, article = story
    # Each was rendered by an autoescaping template (_render_story, _render_read_also).
    return StoryParts(
        title=title,
        head=mark_safe(head),  # noqa: S308
        language_switch=mark_safe(language_switch),  # noqa: S308
        story=mark_safe(article),  # noqa: S308
        read_also=mark_safe(read_also),  # noqa: S308
        is_public=is_public,
    )


def _render_story(article: Article, request) -> tuple[str, str, str, str]:
    with_relations(article)
    blocks, gallery = body_blocks(own(article, "body"), article.placements.all())
    context = {"article": article}
    return (
        article.headline,
        loader.render_to_string(HEAD_TEMPLATE, context, request),
        loader.render_to_string(LANGUAGE_SWITCH_TEMPLATE, context, request),
        loader.render_to_string(STORY_TEMPLATE, {**context, "body_blocks": blocks, "gallery": gallery}, request),
    )


def _render_read_also(article: Article, request) -> str:
    return loader.render_to_string(READ_ALSO_TEMPLATE, {"related": related_articles(article)}, request)


def rendered_parts(article: Article, request, kept: KeptParts | None = None) -> StoryParts:
    """The page's parts for ``article``: those found in ``kept``, the others rendered and, for a
    public story, kept there. Without ``kept`` (read before the story, see kept_parts()), or for
    a draft or scheduled story (a staff preview), every part is rendered and none kept."""
    keys = kept.keys if kept is not None and article.is_public else {}
    found = kept.found if keys else {}
    story = found.get(keys.get("story"))
    read_also = found.get(keys.get("read_also"))
    fresh = {}
    if story is None:
        story = fresh["story"] = _render_story(article, request)
    if read_also is None:
        read_also = fresh["read_also"] = _render_read_also(article, request)
    if keys and fresh:
        _store().set_many({keys[name]: value for name, value in fresh.items()}, settings.STORY_PARTS_SECONDS)
    return _parts(story, read_also, is_public=article.is_public)
