"""The story form's contents as plain text, one entry per field and per list of rows (bylines,
sources, photos), for the screens that show what differs: the autosave offer and the conflict.

Each side is read the same way, whether it is the stored story (an unbound form and formsets),
a copy the browser sent (bound to its data) or another person's save (the story read again).
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from ..stories.history import field_label
from .story_desk import ORDER_FIELD, page_order

# The story's own fields compared, in the order the form shows them.
STORY_FIELDS = (
    "headline_ar",
    "headline_en",
    "dek_ar",
    "dek_en",
    "slug_ar",
    "slug_en",
    "body_ar",
    "body_en",
    "section",
    "tags",
    "lead_image",
    "status",
    "published_at",
    "embargo_until",
)
_ROW_BOOKKEEPING = frozenset({"id", "DELETE", "ORDER", "position", ORDER_FIELD})
_TAG = re.compile(r"<[^>]*>")
# Items of a list (tags, rows) apart from their words, so a word diff marks the words alone.
SEPARATOR = " ، "


def value_text(value, field: forms.Field | None = None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, (list, tuple, set, models.QuerySet)):
        return SEPARATOR.join(sorted(value_text(item) for item in value if value_text(item)))
    if isinstance(value, bool):
        return "✓" if value else ""
    if field is not None and isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(dict(field.choices).get(value, value))
    text = str(value)
    if "<" in text:
        # Rich text compared as the words a reader sees; block ends are word boundaries.
        text = html.unescape(_TAG.sub(" ", text))
    return " ".join(text.split())


def _stored_value(instance, name):
    if name == "tags":
        return list(instance.tags.all()) if instance.pk else []
    return getattr(instance, name, None)


def _label(name: str, field) -> str:
    # A translated field's form label carries modeltranslation's «[ar]»; the desk names the
    # language in words («العنوان [عربي]»), as the revision compare does.
    if name.endswith(("_ar", "_en")):
        return field_label(name)
    return str(field.label)


def form_texts(form) -> dict[str, tuple[str, str]]:
    """{field name: (label, text)} for the story's fields the form has."""
    names = [name for name in STORY_FIELDS if name in form.fields]
    if form.is_bound:
        form.is_valid()
        cleaned = getattr(form, "cleaned_data", {})
    texts = {}
    for name in names:
        field = form.fields[name]
        if not form.is_bound:
            value = _stored_value(form.instance, name)
        elif name in cleaned:
            value = cleaned[name]
        else:
            value = form[name].value()
        texts[name] = (_label(name, field), value_text(value, field))
    return texts


def _row_text(form, values) -> str:
    parts = []
    for name, field in form.fields.items():
        if name in _ROW_BOOKKEEPING or isinstance(field, forms.models.InlineForeignKeyField):
            continue
        text = value_text(values(name), field)
        if text:
            parts.append(text)
    return " · ".join(parts)


def formset_text(formset) -> tuple[str, str]:
    """(label, text): the rows a formset holds, in their order, deleted and empty rows left out."""
    rows = []
    if formset.is_bound:
        formset.is_valid()
        for index, form in enumerate(formset.forms):
            cleaned = getattr(form, "cleaned_data", None) or {}
            if not cleaned or cleaned.get("DELETE"):
                continue
            text = _row_text(form, cleaned.get)
            if text:
                rows.append((page_order(form, index), text))
    else:
        for form in formset.initial_forms:
            text = _row_text(form, lambda name, instance=form.instance: getattr(instance, name, None))
            if text:
                rows.append((form.instance.position or 0, text))
    rows.sort(key=lambda row: row[0])
    return str(formset.model._meta.verbose_name_plural), SEPARATOR.join(text for _position, text in rows)


def story_texts(form, formsets) -> dict[str, tuple[str, str]]:
    """{key: (label, text)}: the form's fields by name, each formset by its prefix."""
    texts = form_texts(form)
    for formset in formsets:
        texts[formset.prefix] = formset_text(formset)
    return texts
