from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from . import images, reports, services
from .arabic import normalize
from .models import (
    Agency,
    AgencyAlias,
    Article,
    Author,
    Byline,
    CitedSource,
    CreditSuggestion,
    Image,
    Placement,
    Section,
    Tag,
)

THUMBNAIL_WIDTH = 80

admin.site.site_header = _("Sahifa newsroom")
admin.site.site_title = _("Sahifa")
admin.site.index_title = _("The desk")

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
    """A small rendition (the original is never served, not even to staff pages)."""
    if image is None or not image.rendition_key:
        return "—"
    return format_html(
        '<img src="{}" width="{}" alt="{}" class="sahifa-thumb" loading="lazy">',
        image.fallback_url("card", 320),
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
    list_display = ("name", "name_en", "slug", "alias_names", "website")
    search_fields = ("name_ar", "name_en", "slug", "aliases__name")
    prepopulated_fields = {"slug": ("name_en",)}

    def get_inlines(self, request, obj):
        return (AgencyAliasInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description=_("also written as"))
    def alias_names(self, obj):
        return "، ".join(alias.name for alias in obj.aliases.all())

    def save_formset(self, request, form, formset, change):
        if formset.model is not AgencyAlias:
            return super().save_formset(request, form, formset, change)
        # Aliases are written through the service, which computes their comparison key.
        for alias_form in formset.forms:
            data = getattr(alias_form, "cleaned_data", None)
            if not data or not (data.get("DELETE") or alias_form.has_changed()):
                continue
            if alias_form.instance.pk:
                alias_form.instance.delete()
            if not data.get("DELETE") and data.get("name"):
                services.agency_add_alias(agency=form.instance, name=data["name"])


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


class ImageAdminForm(forms.ModelForm):
    """Every upload goes through the photo desk's one validation path before anything is stored."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            try:
                self.upload_data, self.inspected = services.image_inspect(file=upload)
            except images.ImageRejected as error:
                raise forms.ValidationError(error.messages, code=error.code) from error
        return upload


class MissingFilter(admin.SimpleListFilter):
    title = _("missing for publication")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return (("credit", _("No credit")), ("alt", _("No alt text")), ("either", _("Credit or alt text")))

    def queryset(self, request, queryset):
        no_credit, no_alt = Q(credit__isnull=True), Q(alt_text_ar="") | Q(alt_text_ar__isnull=True)
        return {
            "credit": queryset.filter(no_credit),
            "alt": queryset.filter(no_alt),
            "either": queryset.filter(no_credit | no_alt),
        }.get(self.value(), queryset)


class RightsFilter(admin.SimpleListFilter):
    title = _("rights")
    parameter_name = "rights"

    def lookups(self, request, model_admin):
        return (("expired", _("Expired")), ("restricted", _("With usage terms")), ("clear", _("No restriction")))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        return {
            "expired": queryset.filter(rights_expire_at__lt=today),
            "restricted": queryset.exclude(usage_terms=""),
            "clear": queryset.filter(usage_terms="").exclude(rights_expire_at__lt=today),
        }.get(self.value(), queryset)


class SetCreditActionForm(ActionForm):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name_ar"), required=False, label=_("Agency for «set credit»")
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


@admin.register(Image)
class ImageAdmin(TranslatedAdmin):
    form = ImageAdminForm
    action_form = SetCreditActionForm
    actions = ("set_credit",)
    list_display = ("thumb", "__str__", "credit", "photographer", "licence", "warnings", "used_in", "created_at")
    list_select_related = ("credit",)
    list_filter = ("credit", "licence", MissingFilter, RightsFilter)
    date_hierarchy = "created_at"
    search_fields = (
        "caption_ar",
        "caption_en",
        "alt_text_ar",
        "photographer",
        "credit__name_ar",
        "credit__name_en",
    )
    autocomplete_fields = ("credit",)
    readonly_fields = (
        "thumb",
        "credit_suggestion",
        "format",
        "width",
        "height",
        "where_used",
        "uploaded_by",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": ("file", "thumb", "caption", "alt_text")}),
        (
            _("Credit and rights"),
            {
                "fields": (
                    ("credit", "credit_suggestion"),
                    ("photographer", "is_photographer_anonymous"),
                    "copyright_notice",
                    ("licence", "rights_expire_at"),
                    "usage_terms",
                )
            },
        ),
        (_("Crops"), {"fields": (("focal_x", "focal_y"),)}),
        (_("Record"), {"fields": (("format", "width", "height"), "where_used", ("uploaded_by", "created_at"))}),
    )

    def get_urls(self):
        return [
            path(
                "credits-report/",
                self.admin_site.admin_view(self.credits_report_view),
                name="articles_image_credits_report",
            ),
        ] + super().get_urls()

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                num_leads=models.Count("lead_of", distinct=True),
                num_placements=models.Count("placements", distinct=True),
            )
        )

    @admin.display(description=_("preview"))
    def thumb(self, obj):
        return thumbnail(obj)

    @admin.display(description=_("warnings"))
    def warnings(self, obj):
        flags = photo_flags(obj)
        return format_html('<strong class="sahifa-flag">{}</strong>', flags) if flags else ""

    @admin.display(description=_("used in"), ordering="num_leads")
    def used_in(self, obj):
        return obj.num_leads + obj.num_placements

    @admin.display(description=_("where used"))
    def where_used(self, obj):
        if obj.pk is None:
            return "—"
        articles = services.image_articles_using(image=obj)
        if not articles:
            return gettext("Not used in any story.")
        return format_html_join(
            format_html("<br>"),
            '<a href="{}">{}</a>',
            ((reverse("admin:articles_article_change", args=[article.pk]), article.headline) for article in articles),
        )

    def save_model(self, request, obj, form, change):
        if getattr(form, "inspected", None) is not None:
            services.image_store(image=obj, data=form.upload_data, inspected=form.inspected, by=request.user)
        else:
            services.image_update(image=obj)

    def delete_model(self, request, obj):
        services.image_delete(image=obj)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            services.image_delete(image=image)

    @admin.action(description=_("Set the credit of the selected photos"), permissions=["change"])
    def set_credit(self, request, queryset):
        agency = Agency.objects.filter(pk=request.POST.get("agency") or None).first()
        if agency is None:
            self.message_user(request, gettext("Choose an agency first."), messages.ERROR)
            return
        count = services.image_set_credit(images_qs=queryset, agency=agency)
        self.message_user(
            request,
            ngettext("%(count)d photo credited to %(agency)s.", "%(count)d photos credited to %(agency)s.", count)
            % {"count": count, "agency": agency},
            messages.SUCCESS,
        )

    def credits_report_view(self, request):
        year = reports.report_year(request.GET.get("year"))
        rows = reports.credits_by_month(year=year)
        if request.GET.get("format") == "csv":
            return reports.credits_csv_response(rows=rows, year=year)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Photo credits report"),
            "opts": self.model._meta,
            "year": year,
            "years": reports.report_years(),
            "table": reports.credits_table(rows),
        }
        return TemplateResponse(request, "admin/articles/image/credits_report.html", context)


class AgencyAliasFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            name = getattr(form, "cleaned_data", {}).get("name")
            if not name or form.cleaned_data.get("DELETE"):
                continue
            key = normalize(name)
            taken = AgencyAlias.objects.filter(key=key).exclude(agency_id=self.instance.pk).select_related("agency")
            if key in seen or taken.exists():
                owner = taken.first().agency if taken.exists() else self.instance
                form.add_error(
                    "name", gettext("«%(name)s» is already an alias of %(agency)s.") % {"name": name, "agency": owner}
                )
            seen.add(key)


class AgencyAliasInline(admin.TabularInline):
    model = AgencyAlias
    formset = AgencyAliasFormSet
    extra = 1
    fields = ("name",)


@admin.register(CreditSuggestion)
class CreditSuggestionAdmin(admin.ModelAdmin):
    list_display = ("text", "status", "agency", "image_count", "created_at")
    list_filter = ("status",)
    search_fields = ("text",)
    autocomplete_fields = ("agency",)
    fields = ("text", "status", "agency")
    readonly_fields = ("text", "status")
    actions = ("accept_as_new_agency", "dismiss")

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency").annotate(num_images=models.Count("images"))

    @admin.display(description=_("photos"), ordering="num_images")
    def image_count(self, obj):
        return obj.num_images

    def save_model(self, request, obj, form, change):
        if obj.agency_id and "agency" in form.changed_data:
            services.credit_suggestion_accept(suggestion=obj, agency=obj.agency)

    @admin.action(description=_("Accept as new agencies"), permissions=["change"])
    def accept_as_new_agency(self, request, queryset):
        for suggestion in queryset.filter(status=CreditSuggestion.Status.PENDING):
            services.credit_suggestion_accept(suggestion=suggestion)
        self.message_user(request, gettext("The credits were added as agencies."), messages.SUCCESS)

    @admin.action(description=_("Dismiss"), permissions=["change"])
    def dismiss(self, request, queryset):
        for suggestion in queryset:
            services.credit_suggestion_dismiss(suggestion=suggestion)


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


class PlacementFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        # The parent form has already put its new status on self.instance.
        if self.instance.status != Article.Status.PUBLISHED:
            return
        placed = [
            form.cleaned_data["image"]
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("image")
            and not form.cleaned_data.get("DELETE")
        ]
        problems = services.publication_problems(images_shown=placed)
        if problems:
            raise forms.ValidationError(
                [gettext("This story cannot be published until its photos have a credit and alt text:"), *problems]
            )


class PlacementInline(TranslationTabularInline):
    model = Placement
    formset = PlacementFormSet
    extra = 1
    autocomplete_fields = ("image",)
    fields = ("position", "image", "after_paragraph", "caption_override")


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
        lead_image = cleaned_data.get("lead_image")
        if cleaned_data.get("status") == Article.Status.PUBLISHED and lead_image is not None:
            problems = services.publication_problems(images_shown=[lead_image])
            if problems:
                self.add_error("lead_image", problems)
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
    inlines = (BylineInline, CitedSourceInline, PlacementInline)
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
        if obj.lead_image is None:
            return "—"
        flags = photo_flags(obj.lead_image)
        warning = format_html('<br><strong class="sahifa-flag">{}</strong>', flags) if flags else ""
        return format_html("{}{}", thumbnail(obj.lead_image), warning)

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
        # The photo rules were checked by the form and the photo formset above.
        services.article_save(article=obj, by=request.user, check_images=False)

    @admin.action(description=_("Publish the selected stories"), permissions=["change"])
    def publish_selected(self, request, queryset):
        count = 0
        for article in queryset:
            try:
                services.article_publish(article=article, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"«{article.headline}»: {' '.join(error.messages)}", messages.ERROR)
                continue
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
