"""What the newsroom's admin pages share: inputs in their language's direction, tabs, thumbnails."""

from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext
from modeltranslation.admin import TranslationAdmin

from ..models import (
    Image,
)
from ..stories import services

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


class CatalogueAdminMixin:
    """Sections, authors, agencies and tags: a saved name refreshes every reader page showing it."""

    def save_model(self, request, obj, form, change):
        services.catalogue_save(obj=obj)

    def delete_model(self, request, obj):
        services.catalogue_delete(obj=obj)

    def delete_queryset(self, request, queryset):
        # «Delete selected»: the same service, so menus, search and cached pages follow.
        services.catalogue_delete_many(queryset=queryset)


class TranslatedAdmin(DirectionalInputsMixin, TranslationAdmin):
    """A translated model's form with one switch between its Arabic and English versions
    (language-switch.js), not modeltranslation's tabs on each field: those nest focusable
    links in tab controls and add an unnamed selector, which screen readers cannot use."""

    class Media:
        js = ("admin-extra/language-switch.js",)
        css = {"all": ("admin-extra/admin.css",)}


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
    if not image.alt_text_ar:
        flags.append(gettext("no alt text"))
    if image.is_expired():
        flags.append(gettext("rights expired"))
    if image.is_restricted:
        flags.append(image.usage_terms)
    return "، ".join(flags)
