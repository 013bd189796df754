"""Comparing two saved revisions of a story, field by field and relation by relation; and
restoring one: checking that it still fits the database and keeping what it must not take."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import IntegrityError, connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from reversion.errors import RevertError
from reversion.models import Version

from ..models import (
    Agency,
    Article,
    Author,
    Byline,
    CitedSource,
    Correction,
    Image,
    Placement,
    Section,
    Tag,
    TaggedArticle,
)
from .sanitize import html_text

COMPARED_FIELDS = (
    "headline_ar",
    "headline_en",
    "dek_ar",
    "dek_en",
    "slug_ar",
    "slug_en",
    "body_ar",
    "body_en",
    "section",
    "lead_image",
    "status",
    "published_at",
    "embargo_until",
)


@dataclass(frozen=True)
class Difference:
    label: str
    old: SafeString
    new: SafeString


def word_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Both sides, escaped, with removed words in <del> and added words in <ins>."""
    a, b = old.split(), new.split()
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        old_words, new_words = escape(" ".join(a[i1:i2])), escape(" ".join(b[j1:j2]))
        if op == "equal":
            left.append(old_words)
            right.append(new_words)
        else:
            if old_words:
                left.append(f"<del>{old_words}</del>")
            if new_words:
                right.append(f"<ins>{new_words}</ins>")
    return mark_safe(" ".join(left)), mark_safe(" ".join(right))  # noqa: S308 - every word escaped above


# How a compared field names its language: «النص [عربي]», as history notes do.
LANGUAGE_MARKS = {"ar": _("[Arabic]"), "en": _("[English]")}
# Closing tags of the body's blocks: a paragraph's last word and the next one's first are two words.
_BLOCK_ENDS = re.compile(r"</(?:p|h[1-6]|li|blockquote|ul|ol)\s*>|<br\s*/?>", re.IGNORECASE)
RICH_TEXT_FIELDS = frozenset({"body_ar", "body_en"})
DATE_FIELDS = frozenset({"published_at", "embargo_until"})


def rendered_text(markup: str) -> str:
    """The words a reader sees in a sanitised body, one space between blocks."""
    return " ".join(html_text(_BLOCK_ENDS.sub(" ", markup or "")).split())


def field_label(field: str) -> str:
    model_field = Article._meta.get_field(field)
    language = getattr(model_field, "language", None)  # modeltranslation's per-language column
    if language is None:
        return str(capfirst(model_field.verbose_name))
    base = model_field.translated_field.verbose_name
    return f"{capfirst(base)} {LANGUAGE_MARKS.get(language, language)}"


def _relations(version: Version) -> dict[str, str]:
    """Tags, bylines, sources and photos as they were in the version's revision, as readable text."""
    rows: dict[type, list[dict]] = {}
    for related in version.revision.version_set.select_related("content_type"):
        model = related.content_type.model_class()
        if model in (TaggedArticle, Byline, CitedSource, Placement):
            rows.setdefault(model, []).append(related.field_dict)
    names = {
        Tag: dict(Tag.objects.values_list("pk", "name_ar")),
        Author: dict(Author.objects.values_list("pk", "name_ar")),
        Agency: dict(Agency.objects.values_list("pk", "name_ar")),
    }

    def ordered(model):
        return sorted(rows.get(model, []), key=lambda row: (row.get("position", 0), row.get("id") or 0))

    images = {row["image_id"] for row in rows.get(Placement, [])}
    image_names = {image.pk: str(image) for image in Image.objects.filter(pk__in=images)}

    def source(row) -> str:
        name = names[Agency].get(row["source_id"], "?")
        return f"{name} ({row['url']})" if row.get("url") else name

    def placement(row) -> str:
        # Where the photo sits and the caption written for this story are part of the story.
        parts = [image_names.get(row["image_id"], "?")]
        if row.get("after_paragraph") is not None:
            parts.append(gettext("after paragraph %(number)s") % {"number": row["after_paragraph"]})
        for language, mark in LANGUAGE_MARKS.items():
            if row.get(f"caption_override_{language}"):
                parts.append(f"{gettext('caption')} {mark}: {row[f'caption_override_{language}']}")
        return " — ".join(parts)

    return {
        str(_("tags")): "، ".join(sorted(names[Tag].get(row["tag_id"], "?") for row in rows.get(TaggedArticle, []))),
        str(_("bylines")): "، ".join(
            names[Author].get(row["author_id"], "?") if row.get("author_id") else row.get("text", "")
            for row in ordered(Byline)
        ),
        str(_("cited sources")): "، ".join(source(row) for row in ordered(CitedSource)),
        str(_("photos in the story")): " ؛ ".join(placement(row) for row in ordered(Placement)),
    }


def _display(field: str, value) -> str:
    if value is None:
        return ""
    if field in RICH_TEXT_FIELDS:
        return rendered_text(value)
    if field in DATE_FIELDS:
        # To the minute, in the newsroom's time: a form's save drops the seconds' fraction a
        # publish stamped, which is no change anyone made.
        moment = parse_datetime(value) if isinstance(value, str) else value
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else str(value)
    if field == "section":
        return str(Section.objects.filter(pk=value).first() or value)
    if field == "lead_image":
        return str(Image.objects.filter(pk=value).first() or value)
    if field == "status":
        return str(Article.Status(value).label) if value in Article.Status.values else str(value)
    return str(value)


def compare_versions(old: Version, new: Version) -> list[Difference]:
    differences = []
    old_fields, new_fields = old.field_dict, new.field_dict
    for field in COMPARED_FIELDS:
        key = f"{field}_id" if field in ("section", "lead_image") else field
        before, after = _display(field, old_fields.get(key)), _display(field, new_fields.get(key))
        if before != after:
            old_html, new_html = word_diff(before, after)
            differences.append(Difference(field_label(field), old_html, new_html))
    old_rel, new_rel = _relations(old), _relations(new)
    for label, before in old_rel.items():
        after = new_rel[label]
        if before != after:
            old_html, new_html = word_diff(before, after)
            differences.append(Difference(label, old_html, new_html))
    return differences


# django-reversion's own messages when a revision no longer fits the database (a value or a
# field type changed since). Its Arabic catalogue lacks them; ours translates them.
REVERT_MESSAGES = (
    gettext_noop("Could not save %(object_repr)s version - missing dependency."),
    gettext_noop("Could not load %(object_repr)s version - incompatible version data."),
)


def check_restored_rows(*, story: str) -> None:
    """Raise RevertError when the revision just written back points at rows deleted since.

    A tag, author, source or photo deleted after the revision was saved leaves its restored
    rows pointing at nothing. Foreign keys are only checked when the transaction commits (or
    when the row is first used), which would fail the request; checked now, inside the
    restore's transaction, the admin rolls back and shows the message instead.
    """
    tables = [model._meta.db_table for model in (Article, Byline, CitedSource, Placement, TaggedArticle)]
    try:
        connection.check_constraints(table_names=tables)
    except IntegrityError as error:
        raise RevertError(
            gettext(
                "This version of «%(story)s» cannot be restored: it uses a tag, author, source or photo "
                "deleted since. Compare it with the current version in the history and copy what you need."
            )
            % {"story": story}
        ) from error


@dataclass(frozen=True)
class Kept:
    version: int | None
    corrections: list[Correction]


def kept_on_restore(*, article_id) -> Kept:
    """What restoring an old revision must not take from the story, read before it is restored.

    The lost-edit counter is not saved in revisions, so writing the old row back would rewind
    it and let forms opened before the restore save over it unnoticed. Corrections are a log
    readers have seen: an older revision predates some of them, and they stay.
    """
    return Kept(
        version=Article.objects.filter(pk=article_id).values_list("version", flat=True).first(),
        corrections=list(Correction.objects.filter(article_id=article_id)),
    )


def put_back(*, article_id, kept: Kept) -> None:
    """Called after the old revision was written back, in the same transaction."""
    if kept.version is not None:
        Article.objects.filter(pk=article_id).update(version=kept.version)
    present = set(Correction.objects.filter(article_id=article_id).values_list("pk", flat=True))
    Correction.objects.bulk_create([correction for correction in kept.corrections if correction.pk not in present])


@dataclass(frozen=True)
class Restore:
    """A revision or a deleted story being written back by the admin's restore views."""

    kept: Kept | None  # None when recovering a deleted story: nothing of it is left to keep


# Set while django-reversion's revision or recover view runs; the change form it runs inside
# its transaction reads it. A context variable, so each thread or task serving a request sees
# only its own restore.
_restore: ContextVar[Restore | None] = ContextVar("sahifa_restore", default=None)


@contextmanager
def restoring(*, kept: Kept | None = None) -> Iterator[None]:
    """Mark the admin view run inside this block as one writing back an old revision."""
    token = _restore.set(Restore(kept=kept))
    try:
        yield
    finally:
        _restore.reset(token)


def current_restore() -> Restore | None:
    """The restore under way in this request, if any."""
    return _restore.get()
