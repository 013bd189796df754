"""The wire queue: recording what the agency sent, and telling an editor's change from the agency's.

Every item the import reads is recorded here (``agency_item_record``); the editor's two actions
on it, «make a story» and «apply the newer version», are services (services.py).
"""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone

from ..stories.history import word_diff
from ..stories.models import Article
from . import ninjs
from .models import AgencyItem

STORY_TEXT_FIELDS = ("headline", "dek", "body")


def story_columns(item: ninjs.WireItem) -> list[str]:
    """The story's columns holding the agency's own text (the item's language, or Arabic to translate)."""
    language = ninjs.story_column_language(item)
    return [f"{name}_{language}" for name in STORY_TEXT_FIELDS]


def story_snapshot(*, article: Article, item: ninjs.WireItem) -> dict[str, str]:
    """The story's agency-language text as the wire left it, read back after the save's cleaning."""
    columns = story_columns(item)
    stored = Article.objects.filter(pk=article.pk).values(*columns).first() or {}
    return {column: stored.get(column) or "" for column in columns}


def is_story_edited(*, entry: AgencyItem | None, article: Article) -> bool:
    """Has anyone changed the story's text since the wire last wrote it?"""
    if entry is None or not entry.story_text:
        return False
    current = Article.objects.filter(pk=article.pk).values(*entry.story_text).first() or {}
    return any((current.get(column) or "") != value for column, value in entry.story_text.items())


def status_for(*, item: ninjs.WireItem, article: Article | None) -> str:
    if item.is_withdrawn:
        return AgencyItem.Status.WITHDRAWN
    if article is not None:
        return AgencyItem.Status.STORY
    if item.language not in ninjs.story_languages():
        return AgencyItem.Status.TRANSLATION
    return AgencyItem.Status.INCOMING


def agency_item_record(
    *,
    item: ninjs.WireItem,
    document: dict,
    entry: AgencyItem | None,
    article: Article | None,
    wrote_story: bool,
    held: bool,
    body_href: str = "",
) -> AgencyItem:
    """Keep the agency's newest version in the queue, linked to its story.

    ``wrote_story``: the wire has just written the story (its text is the new reference for
    telling an editor's change apart); ``held``: a newer version waits for an editor.
    """
    now = timezone.now()
    entry = entry or AgencyItem(uri=item.uri, received_at=now)
    entry.provider = item.provider[:100]
    entry.language = item.language[:20]
    entry.kind = item.kind[:30]
    entry.version = item.version
    entry.version_created_at = item.versioncreated
    entry.headline = item.headline[:500]
    entry.dek = item.dek
    entry.body = (
        item.body_html if item.type == "text" else ninjs.text_to_html(item.picture.caption if item.picture else "")
    )
    entry.byline = ", ".join(item.bylines)[:500] or item.by[:500]
    entry.dateline = item.dateline[:200]
    entry.slugline = item.slugline[:200]
    entry.ednote = item.ednote
    entry.urgency = item.urgency
    entry.priority = item.priority
    entry.embargoed_until = item.embargoed
    entry.pubstatus = item.pubstatus[:20]
    entry.usage_terms = item.usage_terms
    entry.copyright_holder = item.copyright_holder[:300]
    entry.copyright_notice = item.copyright_notice[:500]
    entry.body_href = body_href[:2000]
    entry.unknown_fields = list(item.unknown_fields)
    entry.document = document
    entry.article = article
    entry.status = status_for(item=item, article=article)
    entry.updated_at = now
    if wrote_story and article is not None:
        entry.story_text = story_snapshot(article=article, item=item)
        entry.has_newer_version = False
    elif held:
        entry.has_newer_version = True
    entry.full_clean()
    entry.save()
    return entry


def entry_item(entry: AgencyItem) -> ninjs.WireItem:
    """The queue entry's document read again, with the text the import found (a local NITF file)."""
    item = ninjs.parse_document(entry.document)
    if entry.body and not item.body_html and item.type == "text":
        item = replace(item, body_html=entry.body)
    return item


def newer_version_diff(entry: AgencyItem) -> list[tuple[str, str, str]]:
    """(field, story's text, agency's newer text) with words marked, for the fields that differ."""
    if entry.article is None:
        return []
    current = {column: value for column, value in entry.story_text.items()}
    rows = []
    for name in STORY_TEXT_FIELDS:
        column = next((c for c in current if c.startswith(f"{name}_")), None)
        if column is None:
            continue
        old = getattr(entry.article, column) or ""
        new = {"headline": entry.headline, "dek": entry.dek, "body": ninjs.with_dateline(entry.body, entry.dateline)}[
            name
        ]
        old_text, new_text = ninjs.html_to_text(old), ninjs.html_to_text(new)
        if " ".join(old_text.split()) != " ".join(new_text.split()):
            left, right = word_diff(old_text, new_text)
            rows.append((name, left, right))
    return rows
