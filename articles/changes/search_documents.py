"""Derived copy: the search documents (articles/search/fulltext.py reads them).

A published story (scheduled ones too: readers' searches still pass through published()) has a
document in Arabic and, when translated, in English; any other story has none. Written in the
transaction of the change, so a search never finds a story that a rolled-back write published.
A deleted story's documents went with it (cascade; on SQLite the FTS5 triggers follow).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.dispatch import receiver

from ..search import fulltext as search
from .events import CHUNK, catalogue_changed, stories_changed


def _translated(obj, field: str, language: str) -> str:
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_ar", "") or ""


def reindex(article_ids: Iterable[int]) -> int:
    """Bring these stories' search documents up to date; returns how many documents were written."""
    ids = sorted(set(article_ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        written += _reindex_chunk(ids[start : start + CHUNK])
    return written


def _reindex_chunk(ids: list[int]) -> int:
    from ..models import Article, Byline, CitedSource, SearchDocument, TaggedArticle

    languages = [language for language, _name in settings.LANGUAGES]
    text_fields = [f"{name}_{language}" for name in ("headline", "dek", "body") for language in languages]
    stories = Article.objects.filter(pk__in=ids, status=Article.Status.PUBLISHED).only("pk", *text_fields)
    names: dict[int, list] = defaultdict(list)
    # Fresh queries, never a prefetch cache that the admin's inlines may have outdated; the
    # page's order: tags, bylines, sources.
    for row in TaggedArticle.objects.filter(content_object_id__in=ids).select_related("tag").order_by("pk"):
        names[row.content_object_id].append(row.tag)
    for byline in Byline.objects.filter(article_id__in=ids).select_related("author"):
        names[byline.article_id].append(byline.author or byline.text)
    for cited in CitedSource.objects.filter(article_id__in=ids).select_related("source"):
        names[cited.article_id].append(cited.source)

    wanted: dict[tuple[int, str], tuple[str, str]] = {}
    for story in stories:
        for language in languages:
            if not story.has_translation(language):
                continue
            wanted[(story.pk, language)] = search.document_texts(
                headline=getattr(story, f"headline_{language}") or "",
                dek=getattr(story, f"dek_{language}") or "",
                body=getattr(story, f"body_{language}") or "",
                names=[
                    name if isinstance(name, str) else _translated(name, "name", language) for name in names[story.pk]
                ],
            )
    existing = {(doc.article_id, doc.language): doc for doc in SearchDocument.objects.filter(article_id__in=ids)}
    stale = [doc.pk for key, doc in existing.items() if key not in wanted]
    if stale:
        SearchDocument.objects.filter(pk__in=stale).delete()
    new, changed = [], []
    for (pk, language), (headline, body) in wanted.items():
        document = existing.get((pk, language))
        if document is None:
            new.append(SearchDocument(article_id=pk, language=language, headline=headline, body=body))
        elif (document.headline, document.body) != (headline, body):
            document.headline, document.body = headline, body
            changed.append(document)
    SearchDocument.objects.bulk_create(new)
    if changed:
        SearchDocument.objects.bulk_update(changed, ["headline", "body"])
    return len(new) + len(changed) + len(stale)


@receiver(stories_changed, dispatch_uid="search_documents.stories")
def on_stories_changed(sender, ids, **kwargs):
    reindex(ids)


@receiver(catalogue_changed, dispatch_uid="search_documents.catalogue")
def on_catalogue_changed(sender, before, deleted, **kwargs):
    # Tag, author and agency names are part of a story's document; a section's name is not.
    stories = {pk for item in before.values() if item.kind != "section" for pk in item.story_ids}
    reindex(stories)
