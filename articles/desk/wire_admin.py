"""The wire queue on the desk: agency items as they arrived, and the editor's actions on them."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..wire import queue
from ..wire import services as wire_services
from ..wire.models import AgencyItem


class UrgencyFilter(admin.SimpleListFilter):
    title = _("urgency")
    parameter_name = "urgent"

    def lookups(self, request, model_admin):
        return (("yes", _("Urgent (1–2)")), ("no", _("Not urgent")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(urgency__gte=1, urgency__lte=2)
        if self.value() == "no":
            return queryset.exclude(urgency__gte=1, urgency__lte=2)
        return queryset


@admin.register(AgencyItem)
class AgencyItemAdmin(admin.ModelAdmin):
    list_display = (
        "flags",
        "headline",
        "provider",
        "language",
        "urgency",
        "priority",
        "embargoed_until",
        "received_at",
        "status_and_story",
    )
    list_display_links = ("headline",)
    list_filter = ("status", UrgencyFilter, "has_newer_version", "provider", "language")
    search_fields = ("headline", "uri", "byline", "slugline", "dateline", "provider")
    list_select_related = ("article",)
    date_hierarchy = "received_at"
    actions = ("make_story", "apply_newer_version")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "urgent",
                    "headline",
                    "provider",
                    "language",
                    "kind",
                    "status",
                    "story_link",
                    "received_at",
                    "updated_at",
                )
            },
        ),
        (_("Newer agency version"), {"fields": ("newer_version_diff",)}),
        (
            _("The agency's text"),
            {"fields": ("dateline", "byline", "dek", "original_text", "body_href", "ednote", "slugline")},
        ),
        (
            _("From the agency"),
            {
                "fields": (
                    "uri",
                    "version",
                    "version_created_at",
                    "urgency",
                    "priority",
                    "embargoed_until",
                    "pubstatus",
                    "usage_terms",
                    "copyright_holder",
                    "copyright_notice",
                    "unknown_field_names",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # The queue is the agency's record: nothing in it is typed on the desk.
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # The agency's whole document is read only on an item's own page.
        return super().get_queryset(request).defer("document")

    @admin.display(description=_("urgent"))
    def urgent(self, obj):
        if obj.is_urgent:
            return format_html('<strong class="wire-urgent">{}</strong>', gettext("Urgent"))
        return ""

    @admin.display(description=_("urgent"))
    def flags(self, obj):
        """«عاجل» and «نسخة أحدث من الوكالة»: what an editor must see first in the queue."""
        flags = []
        if obj.is_urgent:
            flags.append(format_html('<strong class="wire-urgent">{}</strong>', gettext("Urgent")))
        if obj.has_newer_version:
            flags.append(format_html('<span class="wire-newer">{}</span>', gettext("Newer agency version")))
        return format_html_join(mark_safe("<br>"), "{}", ((flag,) for flag in flags))

    @admin.display(description=_("status"), ordering="status")
    def status_and_story(self, obj):
        if obj.article is None:
            return obj.get_status_display()
        url = reverse("admin:articles_article_change", args=[obj.article.pk])
        return format_html('{}: <a href="{}"><bdi>{}</bdi></a>', obj.get_status_display(), url, obj.article.headline)

    @admin.display(description=_("story"))
    def story_link(self, obj):
        if obj.article is None:
            return ""
        url = reverse("admin:articles_article_change", args=[obj.article.pk])
        return format_html('<a href="{}"><bdi>{}</bdi></a>', url, obj.article.headline)

    @admin.display(description=_("agency text"))
    def original_text(self, obj):
        # Sanitised on write (SanitizedHTMLField), like a story's body; shown in its own direction.
        return format_html(
            '<div class="wire-original" lang="{}" dir="{}">{}</div>', obj.language, obj.direction, mark_safe(obj.body)
        )

    @admin.display(description=_("unknown fields"))
    def unknown_field_names(self, obj):
        return "، ".join(obj.unknown_fields or ())

    @admin.display(description=_("what the newer version changes"))
    def newer_version_diff(self, obj):
        if not obj.has_newer_version:
            return gettext("None: the story holds the agency's latest version.")
        rows = queue.newer_version_diff(obj)
        if not rows:
            return gettext("Newer agency version, with the same text as the story.")
        labels = {"headline": gettext("headline"), "dek": gettext("dek"), "body": gettext("body")}
        return format_html(
            '<p class="wire-newer"><strong>{}</strong></p><table class="wire-diff">{}</table>',
            gettext("Newer agency version"),
            format_html_join(
                "",
                "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
                ((labels[name], old, new) for name, old, new in rows),
            ),
        )

    @admin.action(description=_("Make a story of the selected items"), permissions=["change"])
    def make_story(self, request, queryset):
        made = 0
        for entry in queryset:
            try:
                wire_services.agency_item_make_story(entry=entry, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"«{entry.headline}»: {reason}", messages.ERROR)
            else:
                made += 1
        if made:
            self.message_user(
                request,
                ngettext("%(count)d story made from the wire.", "%(count)d stories made from the wire.", made)
                % {"count": made},
                messages.SUCCESS,
            )

    @admin.action(description=_("Apply the agency's newer version to the story"), permissions=["change"])
    def apply_newer_version(self, request, queryset):
        applied = 0
        for entry in queryset:
            try:
                wire_services.agency_item_apply(entry=entry, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"«{entry.headline}»: {reason}", messages.ERROR)
            else:
                applied += 1
        if applied:
            self.message_user(
                request,
                ngettext(
                    "The newer version was applied to %(count)d story.",
                    "The newer version was applied to %(count)d stories.",
                    applied,
                )
                % {"count": applied},
                messages.SUCCESS,
            )
