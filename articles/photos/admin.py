"""The photo library in the admin: uploads, credits, rights, where each photo is used, the credits report."""

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, prefetch_related_objects
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..desk.admin_base import TranslatedAdmin, person_name, photo_flags, thumbnail
from ..models import (
    Agency,
    CreditSuggestion,
    Image,
)
from ..photos import images, reports, uploads
from ..photos import services as photo_services
from ..photos.models import MISSING_ALT_TEXT
from ..stories import permissions


class ImageAdminForm(forms.ModelForm):
    """Every upload goes through the photo desk's one validation path before anything is stored."""

    class Meta:
        # The original has no URL (it is never served), so the form must not link to it as
        # ClearableFileInput's «Currently: …» does; the preview beside it shows a rendition.
        widgets = {"file": forms.FileInput}

    # Files of this request whose reading stopped at the size limit (set by ImageAdmin.get_form).
    refused_uploads: tuple[uploads.RefusedUpload, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.cut_upload() is not None and "file" in self.fields:
            # The file never arrived whole: its own error says why, not «This field is required».
            self.fields["file"].required = False

    def cut_upload(self) -> uploads.RefusedUpload | None:
        return next((cut for cut in self.refused_uploads if cut.field_name == self.add_prefix("file")), None)

    def clean(self):
        cleaned_data = super().clean()
        # The publish guard, said on the form: a photo a published or scheduled story shows keeps
        # its credit and alt text (the service refuses the same when the photo is saved).
        candidate = copy.copy(self.instance)
        for name in ("credit", "alt_text_ar"):
            if name in cleaned_data:
                setattr(candidate, name, cleaned_data[name])
        try:
            photo_services.image_check_shown(image=candidate)
        except ValidationError as error:
            raise forms.ValidationError(error.messages, code=error.code) from error
        return cleaned_data

    def clean_file(self):
        cut = self.cut_upload()
        if cut is not None:
            raise forms.ValidationError(
                _(
                    "«%(name)s» is larger than %(limit)d MB: it was not read beyond that and nothing was saved. "
                    "Choose a smaller file, then check the form before saving again."
                )
                % {"name": images.display_name(cut.file_name), "limit": cut.limit // 1024 // 1024},
                code="file_size",
            )
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            try:
                self.upload_data, self.inspected = photo_services.image_inspect(file=upload)
            except images.ImageRejected as error:
                raise forms.ValidationError(error.messages, code=error.code) from error
        return upload


class MissingFilter(admin.SimpleListFilter):
    title = _("missing for publication")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return (("credit", _("No credit")), ("alt", _("No alt text")), ("either", _("Credit or alt text")))

    def queryset(self, request, queryset):
        no_credit, no_alt = Q(credit__isnull=True), MISSING_ALT_TEXT
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
        "credit_line",
        "keywords",
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
        "uploader",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": ("file", "thumb", "caption", "alt_text")}),
        (
            _("Credit and rights"),
            {
                "fields": (
                    ("credit", "credit_suggestion"),
                    "credit_line",
                    ("photographer", "is_photographer_anonymous"),
                    "copyright_notice",
                    ("licence", "rights_expire_at"),
                    "usage_terms",
                )
            },
        ),
        (
            _("What the file says"),
            {"fields": ("headline", "keywords", ("photographed_on", "location")), "classes": ("collapse",)},
        ),
        (_("Crops"), {"fields": (("focal_x", "focal_y"),)}),
        (_("Record"), {"fields": (("format", "width", "height"), "where_used", ("uploader", "created_at"))}),
    )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        refused = uploads.refused_uploads(request) if request.method == "POST" else []
        if refused:
            form = type(form.__name__, (form,), {"refused_uploads": tuple(refused)})
        return form

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

    @admin.display(description=Image._meta.get_field("uploaded_by").verbose_name)
    def uploader(self, obj):
        return person_name(obj.uploaded_by) if obj.uploaded_by_id else "—"

    @admin.display(description=_("where used"))
    def where_used(self, obj):
        if obj.pk is None:
            return "—"
        # Only the stories this person may open are named (render_change_form looks them up).
        articles, others = getattr(obj, "stories_seen", ([], 0))
        if not articles and not others:
            return gettext("Not used in any story.")
        lines = [
            format_html(
                '<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[article.pk]), article.headline
            )
            for article in articles
        ]
        if others:
            lines.append(
                ngettext(
                    "and %(count)s other story you may not open",
                    "and %(count)s other stories you may not open",
                    others,
                )
                % {"count": others}
            )
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    def save_model(self, request, obj, form, change):
        if getattr(form, "inspected", None) is not None:
            photo_services.image_store(image=obj, data=form.upload_data, inspected=form.inspected, by=request.user)
        else:
            photo_services.image_update(image=obj, by=request.user)

    def delete_model(self, request, obj):
        photo_services.image_delete(image=obj)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            photo_services.image_delete(image=image)

    # --- Who may change a photo (articles.stories.permissions is the policy) ---

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or not self.lock_reason(request, obj)

    def lock_reason(self, request, obj) -> str:
        """Why this user may only look at the photo ("" when they may change it)."""
        if obj.pk is None or permissions.is_editor(request.user):
            return ""
        # The stories showing it, from what get_object prefetched: the admin asks for the change
        # permission several times while it builds one page.
        stories = {story.pk: story for story in obj.lead_of.all()}
        for placement in obj.placements.all():
            stories.setdefault(placement.article_id, placement.article)
        return permissions.image_lock_reason(request.user, obj, stories=sorted(stories.values(), key=lambda s: s.pk))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and not permissions.is_editor(request.user):
            prefetch_related_objects([obj], "lead_of", "placements__article")
        return obj

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only, the file field would link to the original, which has no URL (never served);
        # the preview beside it shows the photo.
        return [
            (name, {**options, "fields": tuple(field for field in options["fields"] if field != "file")})
            for name, options in fieldsets
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The page says why its fields are read-only (templates/admin/articles/image/change_form.html).
        if obj is not None:
            context["lock_reason"] = self.lock_reason(request, obj)
            obj.stories_seen = photo_services.image_articles_visible(image=obj, user=request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

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
        count = photo_services.image_set_credit(images_qs=queryset, agency=agency, by=request.user)
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
            photo_services.credit_suggestion_accept(suggestion=obj, agency=obj.agency)

    @admin.action(description=_("Accept as new agencies"), permissions=["change"])
    def accept_as_new_agency(self, request, queryset):
        for suggestion in queryset.filter(status=CreditSuggestion.Status.PENDING):
            photo_services.credit_suggestion_accept(suggestion=suggestion)
        self.message_user(request, gettext("The credits were added as agencies."), messages.SUCCESS)

    @admin.action(description=_("Dismiss"), permissions=["change"])
    def dismiss(self, request, queryset):
        for suggestion in queryset:
            photo_services.credit_suggestion_dismiss(suggestion=suggestion)
