"""Comparing two saved revisions of a story, field by field and relation by relation."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from .models import Agency, Article, Author, Byline, CitedSource, Image, Placement, Section, Tag, TaggedArticle

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


def _word_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
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


def _relations(version: Version) -> dict[str, str]:
    """Tags, bylines, sources and photos as they were in the version's revision, as readable text."""
    rows: dict[type, list[dict]] = {}
    for related in version.revision.version_set.all():
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
    return {
        str(_("tags")): "، ".join(sorted(names[Tag].get(row["tag_id"], "?") for row in rows.get(TaggedArticle, []))),
        str(_("bylines")): "، ".join(
            names[Author].get(row["author_id"], "?") if row.get("author_id") else row.get("text", "")
            for row in ordered(Byline)
        ),
        str(_("cited sources")): "، ".join(names[Agency].get(row["source_id"], "?") for row in ordered(CitedSource)),
        str(_("photos in the story")): "، ".join(image_names.get(row["image_id"], "?") for row in ordered(Placement)),
    }


def _display(field: str, value) -> str:
    if value is None:
        return ""
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
            label = Article._meta.get_field(field).verbose_name
            language = field.rsplit("_", 1)[-1] if field.endswith(("_ar", "_en")) else ""
            old_html, new_html = _word_diff(before, after)
            differences.append(Difference(f"{label} [{language}]" if language else str(label), old_html, new_html))
    old_rel, new_rel = _relations(old), _relations(new)
    for label, before in old_rel.items():
        after = new_rel[label]
        if before != after:
            old_html, new_html = _word_diff(before, after)
            differences.append(Difference(label, old_html, new_html))
    return differences
