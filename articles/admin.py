from contextvars import ContextVar
from datetime import timedelta

from django import forms
from django.apps import apps as django_apps
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseNotAllowed, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import desk, history, images, permissions, presence, preview, reports, services
from .admin_site import STASH_COOKIE, take_stash
from .arabic import normalize
from .models import (
    Agency,
    AgencyAlias,
    Article,
    Author,
    Byline,
    CitedSource,
    Correction,
    CreditSuggestion,
    Image,
    Placement,
    Section,
    Tag,
)

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
class SectionAdmin(CatalogueAdminMixin, TranslatedAdmin):
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name_ar", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_ar",)}


@admin.register(Author)
class AuthorAdmin(CatalogueAdminMixin, TranslatedAdmin):
    list_display = ("name", "slug", "user")
    list_select_related = ("user",)
    search_fields = ("name_ar", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_ar",)}
    autocomplete_fields = ("user",)


@admin.register(Agency)
class AgencyAdmin(CatalogueAdminMixin, TranslatedAdmin):
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
        # Aliases are written through the service, which computes their comparison key. The
        # admin's history message reads what the formset saved, so it is told here.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for alias_form in formset.forms:
            data = getattr(alias_form, "cleaned_data", None)
            if not data or not (data.get("DELETE") or alias_form.has_changed()):
                continue
            if alias_form.instance.pk:
                formset.deleted_objects.append(alias_form.instance)
                alias_form.instance.delete()
            if not data.get("DELETE") and data.get("name"):
                formset.new_objects.append(services.agency_add_alias(agency=form.instance, name=data["name"]))


@admin.register(Tag)
class TagAdmin(CatalogueAdminMixin, TranslatedAdmin):
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

    class Meta:
        # The original has no URL (it is never served), so the form must not link to it as
        # ClearableFileInput's «Currently: …» does; the preview beside it shows a rendition.
        widgets = {"file": forms.FileInput}

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
            mark_safe("<br>"),  # format_html() without arguments is deprecated
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

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and not self.has_credit_permission(request):
            # Journalists upload and describe photos; once stored, only editors change a credit.
            fields = (*fields, "credit")
        return fields

    def has_credit_permission(self, request):
        return permissions.is_editor(request.user)

    @admin.action(description=_("Set the credit of the selected photos"), permissions=["credit"])
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


class DateRangeQuerySetMixin:
    """The date hierarchy from the first and the last date alone, each read from one end of the
    (published_at, id, status) index. Django asks for MIN and MAX in one query, which SQLite
    answers by reading the whole index (20 ms at 100,000 stories) rather than its two ends, and
    lists the years by truncating every story's date, which SQLite does in Python per row. A
    month without stories may be offered; choosing it shows an empty list."""

    def date_bounds(self, field_name):
        cache = self.__dict__.setdefault("_date_bounds", {})
        if field_name not in cache:
            dated = self.filter(**{f"{field_name}__isnull": False}).prefetch_related(None)
            cache[field_name] = {
                "first": dated.order_by(field_name).values_list(field_name, flat=True).first(),
                "last": dated.order_by(f"-{field_name}").values_list(field_name, flat=True).first(),
            }
        return cache[field_name]

    def aggregate(self, *args, **kwargs):
        # The date hierarchy's own question (admin_list.date_hierarchy): answered from the bounds.
        first, last = kwargs.get("first"), kwargs.get("last")
        if (
            not args
            and set(kwargs) == {"first", "last"}
            and isinstance(first, models.Min)
            and isinstance(last, models.Max)
            and not first.filter
            and not last.filter
            and first.source_expressions == last.source_expressions
            and isinstance(first.source_expressions[0], models.F)
        ):
            return dict(self.date_bounds(first.source_expressions[0].name))
        return super().aggregate(*args, **kwargs)

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if kind not in ("year", "month", "day"):
            return super().datetimes(field_name, kind, order, tzinfo)
        bounds = self.date_bounds(field_name)
        if bounds["first"] is None:
            return []
        first, last = (timezone.localtime(bounds[key], tzinfo) for key in ("first", "last"))
        if kind == "year":
            moments = [first.replace(year=year, month=1, day=1) for year in range(first.year, last.year + 1)]
        elif kind == "month":
            moments, cursor = [], first.replace(day=1)
            while cursor <= last:
                moments.append(cursor)
                cursor = cursor.replace(year=cursor.year + cursor.month // 12, month=cursor.month % 12 + 1)
        else:
            start = first.replace(hour=0, minute=0, second=0, microsecond=0)
            moments = [start + timedelta(days=n) for n in range((last.date() - start.date()).days + 1)]
        moments = [m.replace(hour=0, minute=0, second=0, microsecond=0) for m in moments]
        return moments if order == "ASC" else moments[::-1]


_date_range_classes: dict[type, type] = {}


def with_date_ranges(queryset):
    cls = type(queryset)
    if cls not in _date_range_classes:
        _date_range_classes[cls] = type(f"DateRange{cls.__name__}", (DateRangeQuerySetMixin, cls), {})
    queryset.__class__ = _date_range_classes[cls]
    return queryset


class ArticleAdminForm(forms.ModelForm):
    # The version the writer started from: a save based on an outdated copy is refused.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "expected_version" not in self.initial:
            self.initial["expected_version"] = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        try:
            services.article_check_version(article=self.instance, expected_version=cleaned_data.get("expected_version"))
        except services.EditConflict as conflict:
            # Keep the writer's text on the page; a second save replaces the other version knowingly.
            self.data = self.data.copy()
            self.data[self.add_prefix("expected_version")] = self.instance.version
            raise forms.ValidationError(conflict.messages) from conflict
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


class CorrectionInline(TranslationTabularInline):
    model = Correction
    extra = 0
    fields = ("note", "created_at")
    readonly_fields = ("created_at",)
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False  # a published correction stays as readers saw it


class DeskFilter(admin.SimpleListFilter):
    title = _("desk")
    parameter_name = "desk"

    def lookups(self, request, model_admin):
        return (
            ("today", _("Scheduled for today")),
            ("24h", _("Published in the last 24 hours")),
            ("mine", _("My drafts")),
            ("embargo", _("Embargoes lifting within 24 hours")),
        )

    def queryset(self, request, queryset):
        return desk.desk_filter(queryset, self.value(), user=request.user) if self.value() else queryset


WIRE_FIELDS = ("wire_uri", "wire_version", "wire_versioncreated", "wire_image_href")

# The text kept from a session that expired mid-edit, while ArticleAdmin.changeform_view builds
# the form it goes back into (get_form reads it). A context variable, so each thread or task
# serving a request sees only its own.
_restored_text: ContextVar[QueryDict | None] = ContextVar("sahifa_restored_text", default=None)


@admin.register(Article)
class ArticleAdmin(VersionAdmin, TranslatedAdmin):
    form = ArticleAdminForm
    # One count query, not two, on an archive of 100,000 stories.
    show_full_result_count = False
    list_per_page = 50
    list_display = ("thumb", "headline", "section", "status", "published_at", "byline_names", "tag_names")
    list_display_links = ("thumb", "headline")
    list_filter = ("status", DeskFilter, "section", "published_at")
    list_select_related = ("section", "lead_image")
    search_fields = ("headline_ar", "headline_en", "dek_ar", "dek_en")
    date_hierarchy = "published_at"
    autocomplete_fields = ("section", "lead_image")
    prepopulated_fields = {"slug_ar": ("headline_ar",), "slug_en": ("headline_en",)}
    readonly_fields = (
        "lead_thumb",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
        "share_link",
        *WIRE_FIELDS,
    )
    inlines = (BylineInline, CitedSourceInline, PlacementInline, CorrectionInline)
    actions = ("publish_selected", "unpublish_selected")
    # VersionAdmin names its generic template; ours adds the comparison form and restore links for editors.
    object_history_template = "reversion/articles/article/object_history.html"
    fieldsets = (
        (None, {"fields": ("headline", "dek", "slug", "body", "expected_version")}),
        (_("Placement"), {"fields": ("section", "tags", "lead_image", "lead_thumb")}),
        (_("Publication"), {"fields": ("status", "published_at", "embargo_until", "share_link")}),
        (
            _("Record"),
            {"classes": ("collapse",), "fields": ("created_by", "created_at", "updated_by", "updated_at")},
        ),
        # Stories imported by the wire desk (import_ninjs): where they came from.
        (_("Agency copy"), {"classes": ("collapse",), "fields": ("is_translation_needed", *WIRE_FIELDS)}),
    )

    class Media:
        js = ("admin-extra/tag-suggest.js", "admin-extra/presence.js")
        css = {"all": ("admin-extra/admin.css",)}

    # --- Who may do what (articles.permissions is the policy; these apply it to each view) ---

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or permissions.can_change_article(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_editor(request.user) and super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return permissions.is_editor(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not permissions.is_editor(request.user):
            fields = (*fields, *permissions.EDITOR_ONLY_FIELDS)
        return fields

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None or obj.status != Article.Status.PUBLISHED or not permissions.is_editor(request.user):
            inlines = [inline for inline in inlines if not isinstance(inline, CorrectionInline)]
        return inlines

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not permissions.is_editor(request.user):
            # A journalist's form offers draft and review only; a forged value fails validation.
            kwargs["choices"] = [
                (value, label) for value, label in db_field.choices if value in permissions.JOURNALIST_STATUSES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def reversion_register(self, model, **options):
        # What a revision holds is decided in one place (ArticlesConfig.register_history). The
        # admin is set up before that app is ready; left alone, VersionAdmin would register its
        # own guess first (no tags followed, the version counter saved) and win.
        django_apps.get_app_config("articles").register_history()

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if not permissions.is_editor(request.user):
            raise PermissionDenied
        with history.restoring(kept=history.kept_on_restore(article_id=unquote(object_id))):
            return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not permissions.is_editor(request.user):
            raise PermissionDenied
        with history.restoring():
            return super().recover_view(request, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not permissions.is_editor(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    # --- Lists and the form ---

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related(
                "tags",
                Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            )
        )
        return with_date_ranges(queryset)

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<path:object_id>/heartbeat/",
                self.admin_site.admin_view(self.heartbeat_view),
                name="%s_%s_heartbeat" % info,
            ),
            path(
                "<path:object_id>/share/",
                self.admin_site.admin_view(self.share_view),
                name="%s_%s_share" % info,
            ),
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="%s_%s_compare" % info,
            ),
        ] + super().get_urls()

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

    @admin.display(description=_("preview link for outside readers"))
    def share_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<button type="submit" form="share-form" class="button">{}</button>',
            gettext("Create a preview link"),
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "tags":
            field.widget.attrs["data-autocomplete-url"] = reverse("admin:autocomplete")
        return field

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        restored = _restored_text.get()
        if restored is None:
            return form
        # Text kept from a session that expired mid-edit becomes the form's starting values.
        initial = {name: restored.get(name) for name in restored if name in form.base_fields}

        class RestoredForm(form):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**kwargs.get("initial", {}), **initial}
                super().__init__(*args, **kwargs)

        return RestoredForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        restore = history.current_restore()
        if restore is not None:
            # Inside the revision or recover view's transaction, after the old revision was
            # written back: a RevertError here becomes reversion's message and a rollback.
            history.check_restored_rows(story=str(Article.objects.filter(pk=unquote(object_id)).first() or ""))
            if restore.kept is not None:
                history.put_back(article_id=unquote(object_id), kept=restore.kept)
        restored = take_stash(request) if request.method == "GET" else None
        if restored is not None:
            self.message_user(
                request,
                gettext("Your session had expired; the text you were saving is back in the form. Check it and save."),
                messages.WARNING,
            )
        if object_id:
            extra_context["others_editing"] = presence.others_editing(article_id=object_id, user=request.user)
            extra_context["heartbeat_url"] = reverse("admin:articles_article_heartbeat", args=[object_id])
            extra_context["share_url"] = reverse("admin:articles_article_share", args=[object_id])
        token = _restored_text.set(restored)  # get_form reads it while the form is built
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        finally:
            _restored_text.reset(token)
        if restored is not None:
            response.delete_cookie(STASH_COOKIE, path=request.path)
        return response

    def heartbeat_view(self, request, object_id):
        """The change form calls this while it is open: «someone else is editing this story»."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, object_id)
        if article is None or not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        presence.mark_editing(article_id=article.pk, user=request.user)
        others = presence.others_editing(article_id=article.pk, user=request.user)
        response = JsonResponse({"others": others})
        add_never_cache_headers(response)
        return response

    def share_view(self, request, object_id):
        """Editors create a signed, expiring link to preview the story outside the newsroom."""
        article = self.get_object(request, object_id)
        if request.method != "POST" or article is None or not permissions.is_editor(request.user):
            raise PermissionDenied
        url = request.build_absolute_uri(preview.share_url(article=article))
        self.message_user(
            request,
            format_html(
                "{} <a href='{}'>{}</a>",
                gettext("Preview link, valid for %(hours)d hours:") % {"hours": preview.link_hours()},
                url,
                url,
            ),
            messages.SUCCESS,
        )
        return redirect("admin:articles_article_change", article.pk)

    def history_view(self, request, object_id, extra_context=None):
        versions = list(
            Version.objects.get_for_object_reference(Article, unquote(object_id))
            .select_related("revision", "revision__user")
            .order_by("-revision__date_created")
        )
        extra_context = {
            **(extra_context or {}),
            "versions": versions,
            "can_restore": permissions.is_editor(request.user),
        }
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, object_id):
        article = self.get_object(request, object_id)
        if article is None or not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = Version.objects.get_for_object_reference(Article, article.pk).select_related("revision")
        try:
            old = versions.get(pk=request.GET.get("old"))
            new = versions.get(pk=request.GET.get("new"))
        except (Version.DoesNotExist, ValueError):
            self.message_user(request, gettext("Choose two saved versions to compare."), messages.ERROR)
            return redirect("admin:articles_article_history", article.pk)
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Changes to «%(story)s»") % {"story": article},
            "opts": self.model._meta,
            "original": article,
            "old": old,
            "new": new,
            "differences": history.compare_versions(old, new),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def save_model(self, request, obj, form, change):
        # The photo rules and the version were checked by the form and the photo formset above;
        # the service checks the version again under a row lock (two saves at the same moment).
        services.article_save(
            article=obj,
            by=request.user,
            check_images=False,
            expected_version=form.cleaned_data.get("expected_version"),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        # Corrections are added through the service; the admin's history message reads what the
        # formset saved, so it is told here.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for correction_form in formset.extra_forms:
            if correction_form.has_changed() and not correction_form.cleaned_data.get("DELETE"):
                data = correction_form.cleaned_data
                correction = services.article_add_correction(
                    article=form.instance,
                    note=data["note_ar"],
                    by=request.user,
                    translations={"en": {"note": data.get("note_en") or ""}},
                )
                formset.new_objects.append(correction)

    def save_related(self, request, form, formsets, change):
        # Tags (save_m2m) and the byline, source and photo inlines are saved after save_model;
        # the service indexes the story again and refreshes the pages that show it.
        services.article_save_related(
            article=form.instance, save=lambda: super(ArticleAdmin, self).save_related(request, form, formsets, change)
        )

    def delete_model(self, request, obj):
        services.article_delete(article=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.article_delete(article=article, by=request.user)

    @admin.action(description=_("Publish the selected stories"), permissions=["publish"])
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

    @admin.action(description=_("Unpublish the selected stories"), permissions=["publish"])
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
