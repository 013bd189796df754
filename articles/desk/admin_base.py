"""What the newsroom's admin pages share: inputs in their language's direction, tabs, thumbnails."""

from django import forms
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from ..models import (
    Image,
)
from ..stories import services
from ..stories.history import LANGUAGE_MARKS
from ..stories.text import is_blank

THUMBNAIL_WIDTH = 80


# Links typed without a scheme are read as https (Django 6 default); saying so also
# avoids Django 5.2's deprecation warning on every form with a URL field.
URL_FIELD_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


class DirectionalInputsMixin:
    """Arabic inputs type right to left and English ones left to right, whatever the admin language."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            if db_field.name.endswith("_ar"):
                field.widget.attrs.update({"dir": "rtl", "lang": "ar"})
            elif db_field.name.endswith("_en"):
                field.widget.attrs.update({"dir": "ltr", "lang": "en"})
        return field


class DayFirstDateTimeField(forms.SplitDateTimeField):
    """A date and a time, the date read day first (newsroom/formats), with a message that says how to write it.

    Django's «Enter a valid date.» leaves a journalist who typed «12/31/2026» guessing; the
    formats themselves refuse month-first and two-digit-year dates.
    """

    default_error_messages = {
        **forms.SplitDateTimeField.default_error_messages,
        "invalid_date": _("Write the date day first, then the month and the year: 06/12/2026 (or 2026-12-06)."),
    }


def newsroom_time_note() -> str:
    """«Newsroom time: Asia/Riyadh (UTC+03:00)», read when the form is built (the zone may be overridden)."""
    offset = timezone.localtime().strftime("%z")
    return gettext("Newsroom time: %(zone)s (UTC%(offset)s).") % {
        "zone": timezone.get_current_timezone_name(),
        "offset": f"{offset[:3]}:{offset[3:]}",
    }


class NewsroomDatesMixin:
    """Dates and times typed day first, refused with a clear message otherwise, in the newsroom's time zone."""

    formfield_overrides = {models.DateTimeField: {"form_class": DayFirstDateTimeField}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(db_field, models.DateTimeField):
            # The admin's picker and its «now» are in this zone, whatever the browser's.
            field.help_text = " ".join(str(part) for part in (field.help_text, newsroom_time_note()) if part)
        return field


class CatalogueAdminMixin:
    """Sections, authors, agencies and tags: a saved name refreshes every reader page showing it."""

    def save_model(self, request, obj, form, change):
        services.catalogue_save(obj=obj)

    def delete_model(self, request, obj):
        services.catalogue_delete(obj=obj)

    def delete_queryset(self, request, queryset):
        # «Delete selected»: the same service, so menus, search and cached pages follow.
        services.catalogue_delete_many(queryset=queryset)


def _language_label(field) -> str:
    if translation.get_language() is None:
        # Django writes the admin log's field names with no language active and translates them
        # when the log is read (django_messages.py): those keep modeltranslation's «Headline [ar]».
        return str(capfirst(field.verbose_name))
    language = LANGUAGE_MARKS.get(field.language, field.language)
    return f"{capfirst(field.translated_field.verbose_name)} {language}"


language_label = lazy(_language_label, str)


def language_labels(model) -> dict:
    """{field name: label} for a model's per-language fields: «العنوان [عربي]», the language in
    words as the history names it, not modeltranslation's «العنوان [ar]». Given to the form as
    its Meta.labels, so the editable inputs, the read-only fields and a table's column headings
    all read the same."""
    return {
        field.name: language_label(field)
        for field in model._meta.get_fields()
        if getattr(field, "language", None) and getattr(field, "translated_field", None)
    }


class LanguageLabelsMixin:
    """Per-language fields labelled with their language in words (a model admin or an inline)."""

    def get_form(self, request, obj=None, **kwargs):
        kwargs["labels"] = {**language_labels(self.model), **(kwargs.get("labels") or {})}
        return super().get_form(request, obj, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["labels"] = {**language_labels(self.model), **(kwargs.get("labels") or {})}
        return super().get_formset(request, obj, **kwargs)


class TranslatedAdmin(LanguageLabelsMixin, NewsroomDatesMixin, DirectionalInputsMixin, TranslationAdmin):
    """A translated model's form with one switch between its Arabic and English versions
    (language-switch.js), not modeltranslation's tabs on each field: those nest focusable
    links in tab controls and add an unnamed selector, which screen readers cannot use."""

    class Media:
        js = ("admin-extra/language-switch.js",)
        css = {"all": ("admin-extra/admin.css",)}


def person_name(user) -> str:
    """A colleague as the desk knows them: full name, else the login; «—» for no one (the system)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def thumbnail(image: Image | None):
    """A small rendition (the original is never served, not even to staff pages)."""
    if image is None or not image.rendition_key:
        return "—"
    return format_html(
        '<img src="{}" width="{}" alt="{}" class="sahifa-thumb" loading="lazy">',
        image.fallback_url("card", 320),
        THUMBNAIL_WIDTH,
        image.alt_text,
    )


def photo_flags(image: Image) -> str:
    flags = []
    if not image.credit_id:
        flags.append(gettext("no credit"))
    if is_blank(image.alt_text_ar):
        flags.append(gettext("no alt text"))
    if image.is_expired():
        flags.append(gettext("rights expired"))
    if image.is_restricted:
        flags.append(image.usage_terms)
    return "، ".join(flags)
