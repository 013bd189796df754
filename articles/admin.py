from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin

from . import services
from .models import Agency, Article, Author, Byline, CitedSource, Image, Section, Tag

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


class TranslatedAdmin(DirectionalInputsMixin, TabbedTranslationAdmin):
    class Media:
        css = {"all": ("admin-extra/admin.css",)}


def thumbnail(image: Image | None):
    if image is None or not image.file:
        return "—"
    return format_html(
        '<img src="{}" width="{}" alt="{}" class="sahifa-thumb" loading="lazy">',
        image.file.url,
        THUMBNAIL_WIDTH,
        image.alt_text,
    )


@admin.register(Section)
class SectionAdmin(TranslatedAdmin):
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name_ar", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_ar",)}


@admin.register(Author)
class AuthorAdmin(TranslatedAdmin):
    list_display = ("name", "slug", "user")
    list_select_related = ("user",)
    search_fields = ("name_ar", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_ar",)}
    autocomplete_fields = ("user",)


@admin.register(Agency)
class AgencyAdmin(TranslatedAdmin):
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = ("name", "name_en", "slug", "website")
    search_fields = ("name_ar", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Tag)
class TagAdmin(TranslatedAdmin):
    list_display = ("name", "name_en", "slug", "article_count")
    search_fields = ("name_ar", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_ar",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_articles=models.Count("tagged_articles"))

    @admin.display(description=_("stories"), ordering="num_articles")
    def article_count(self, obj):
        return obj.num_articles


@admin.register(Image)
class ImageAdmin(TranslatedAdmin):
    list_display = ("thumb", "__str__", "credit", "photographer", "width", "height", "created_at")
    list_select_related = ("credit",)
    list_filter = ("credit", "created_at")
    search_fields = ("caption_ar", "caption_en", "alt_text_ar", "photographer", "credit__name_ar", "credit__name_en")
    autocomplete_fields = ("credit",)
    readonly_fields = ("thumb", "width", "height", "uploaded_by", "created_at")
    fields = (
        "file",
        "thumb",
        "caption",
        "alt_text",
        "credit",
        "photographer",
        "copyright_notice",
        ("width", "height"),
        ("uploaded_by", "created_at"),
    )

    @admin.display(description=_("preview"))
    def thumb(self, obj):
        return thumbnail(obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        services.image_delete(image=obj)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            services.image_delete(image=image)


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ("author",)
    fields = ("position", "author", "text")


class CitedSourceInline(admin.TabularInline):
    model = CitedSource
    formfield_overrides = URL_FIELD_OVERRIDES
    extra = 1
    autocomplete_fields = ("source",)
    fields = ("position", "source", "url")


class ArticleAdminForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        # The form checks the model's constraints before save_model reaches the service, so a
        # story set to "published" without a time would be refused although the service stamps
        # it. Apply the service's rule first.
        if "status" in cleaned_data and "published_at" in cleaned_data:
            cleaned_data["published_at"] = services.publication_time(
                status=cleaned_data["status"], published_at=cleaned_data["published_at"]
            )
        return cleaned_data


@admin.register(Article)
class ArticleAdmin(TranslatedAdmin):
    form = ArticleAdminForm
    list_display = ("thumb", "headline", "section", "status", "published_at", "byline_names", "tag_names")
    list_display_links = ("thumb", "headline")
    list_filter = ("status", "section", "published_at")
    list_select_related = ("section", "lead_image")
    search_fields = ("headline_ar", "headline_en", "dek_ar", "dek_en")
    date_hierarchy = "published_at"
    autocomplete_fields = ("section", "lead_image")
    prepopulated_fields = {"slug_ar": ("headline_ar",), "slug_en": ("headline_en",)}
    readonly_fields = ("lead_thumb", "created_by", "created_at", "updated_at")
    inlines = (BylineInline, CitedSourceInline)
    actions = ("publish_selected", "unpublish_selected")
    fieldsets = (
        (None, {"fields": ("headline", "dek", "slug", "body")}),
        (_("Placement"), {"fields": ("section", "tags", "lead_image", "lead_thumb")}),
        (_("Publication"), {"fields": ("status", "published_at")}),
        (_("Record"), {"classes": ("collapse",), "fields": ("created_by", "created_at", "updated_at")}),
    )

    class Media:
        js = ("admin-extra/tag-suggest.js",)
        css = {"all": ("admin-extra/admin.css",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                "tags",
                Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            )
        )

    @admin.display(description=_("photo"))
    def thumb(self, obj):
        return thumbnail(obj.lead_image)

    @admin.display(description=_("lead image preview"))
    def lead_thumb(self, obj):
        return thumbnail(obj.lead_image)

    @admin.display(description=_("byline"))
    def byline_names(self, obj):
        return "، ".join(str(byline) for byline in obj.bylines.all())

    @admin.display(description=_("tags"))
    def tag_names(self, obj):
        return "، ".join(tag.name for tag in obj.tags.all())

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "tags":
            field.widget.attrs["data-autocomplete-url"] = reverse("admin:autocomplete")
        return field

    def save_model(self, request, obj, form, change):
        services.article_save(article=obj, by=request.user)

    @admin.action(description=_("Publish the selected stories"), permissions=["change"])
    def publish_selected(self, request, queryset):
        count = 0
        for article in queryset:
            services.article_publish(article=article, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d story published.", "%(count)d stories published.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected stories"), permissions=["change"])
    def unpublish_selected(self, request, queryset):
        count = 0
        for article in queryset:
            services.article_unpublish(article=article, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d story unpublished.", "%(count)d stories unpublished.", count) % {"count": count},
            messages.SUCCESS,
        )
