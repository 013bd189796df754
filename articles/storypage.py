"""A story with everything its page shows: one query for the story and one per relation.

``for_detail()``'s prefetches give the same objects, but a story page fetches one story: its
queries are compiled once (``compiled.CompiledQuery``) and each relation is read by the
story's id, which skips both the ORM's per-call query building and the prefetch machinery
built for many parents (together about two thirds of the page's time). The results go where
a prefetch would put them, so ``story.tags.all()`` and the rest run no query in the template,
the structured data or «read also».
"""

from __future__ import annotations

from django.utils import timezone

from .compiled import CompiledQuery
from .models import Article, Byline, CitedSource, Correction, Placement, Tag

_public_story = CompiledQuery(
    lambda slug, now: (
        Article.objects.published(now)
        .in_language()
        .select_related("section", "lead_image", "lead_image__credit")
        .filter(slug=slug)[:2]
    )
)

# The story's relations, each in the order its page shows them.
RELATIONS = {
    "bylines": CompiledQuery(lambda pk: Byline.objects.filter(article_id=pk).select_related("author")),
    "tags": CompiledQuery(lambda pk: Tag.objects.filter(tagged_articles__content_object_id=pk)),  # by name
    "cited_sources": CompiledQuery(lambda pk: CitedSource.objects.filter(article_id=pk).select_related("source")),
    "placements": CompiledQuery(
        lambda pk: Placement.objects.filter(article_id=pk).select_related("image", "image__credit")
    ),
    "corrections": CompiledQuery(lambda pk: Correction.objects.filter(article_id=pk)),
}


def with_relations(story: Article) -> Article:
    """``story`` with its relations loaded where ``prefetch_related()`` would have put them."""
    story._prefetched_objects_cache = {name: _Loaded(query(story.pk)) for name, query in RELATIONS.items()}
    return story


def public(slug: str) -> Article:
    """The public story at ``slug`` in the reader's language: the ``published()`` gate, compiled."""
    found = _public_story(slug, timezone.now())
    if len(found) != 1:
        raise Article.DoesNotExist if not found else Article.MultipleObjectsReturned
    return with_relations(found[0])


def get(queryset, **lookup) -> Article:
    """``queryset.get(**lookup)`` with the story's section, lead photo and relations loaded."""
    return with_relations(queryset.select_related("section", "lead_image", "lead_image__credit").get(**lookup))


class _Loaded(list):
    """Loaded rows that answer the queryset methods templates and helpers call on a relation."""

    def all(self):
        return self

    def exists(self):
        return bool(self)

    def count(self):
        return len(self)
