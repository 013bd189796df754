"""A story with everything its page shows: one query for the story and one per relation.

``for_detail()``'s prefetches give the same objects, but a story page fetches one story: querying
each relation by the story's id skips the prefetch machinery built for many parents (about a
quarter of the page's database time). The results go where a prefetch would put them, so
``story.tags.all()`` and the rest run no query in the template, the structured data or
«read also».
"""

from __future__ import annotations

from .models import Article, Byline, CitedSource, Correction, Placement, Tag


def relations(pk: int) -> dict:
    """The story's relations, each in the order its page shows them."""
    return {
        "bylines": Byline.objects.filter(article_id=pk).select_related("author"),
        "tags": Tag.objects.filter(tagged_articles__content_object_id=pk),  # by name
        "cited_sources": CitedSource.objects.filter(article_id=pk).select_related("source"),
        "placements": Placement.objects.filter(article_id=pk).select_related("image", "image__credit"),
        "corrections": Correction.objects.filter(article_id=pk),
    }


def get(queryset, **lookup) -> Article:
    """``queryset.get(**lookup)`` with the story's section, lead photo and relations loaded."""
    story = queryset.select_related("section", "lead_image", "lead_image__credit").get(**lookup)
    loaded = {}
    for name, related in relations(story.pk).items():
        list(related)  # evaluated now, so the page reads it from memory
        loaded[name] = related
    story._prefetched_objects_cache = loaded
    return story
