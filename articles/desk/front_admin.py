"""The desk's fronts: editors place stories on the home page and section fronts and set the
breaking line. Every write goes through articles/front/services.py (announced, so exactly the
pages showing it are refreshed). Places are chosen from a list and moved with buttons: no one
types a number."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from ..front import services
from ..front.models import PLACES, BreakingNews, FrontSlot, SitePage
from ..stories import permissions
from .admin_base import TranslatedAdmin


def place_choices():
    return [(0, _("Lead"))] + [(n, _("Top %(n)d") % {"n": n}) for n in range(1, PLACES)]


class EditorsOnlyMixin:
    """Fronts and the breaking line are the editors' (``articles.publish_article``)."""

    def has_module_permission(self, request):
        return permissions.is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_editor(request.user)

    def has_add_permission(self, request):
        return permissions.is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return permissions.is_editor(request.user)


class FrontSlotForm(forms.ModelForm):
    place = forms.TypedChoiceField(label=_("place"), coerce=int, choices=place_choices, initial=0)
    starts_at = forms.SplitDateTimeField(
        label=_("from"),
        required=False,
        widget=AdminSplitDateTime,
        help_text=_("Leave empty to place the story now; a later time schedules the change."),
    )

    class Meta:
        model = FrontSlot
        fields = ("article", "section", "language")

    def clean(self):
        data = super().clean()
        article = data.get("article")
        if article is not None and data.get("language"):
            try:
                services.front_check(article=article, section=data.get("section"), language=data["language"])
            except ValidationError as error:
                self.add_error("article", error)
        return data


@admin.register(FrontSlot)
class FrontSlotAdmin(EditorsOnlyMixin, admin.ModelAdmin):
    form = FrontSlotForm
    list_display = ("place", "headline", "front", "language", "starts_at", "order_buttons")
    list_display_links = None
    list_filter = ("language", "section")
    list_select_related = ("article", "section")
    autocomplete_fields = ("article",)
    ordering = ("section", "language", "position", "-starts_at")
    actions = ("remove_selected",)

    @admin.display(description=_("place"), ordering="position")
    def place(self, obj):
        return obj.place_label()

    @admin.display(description=_("story"))
    def headline(self, obj):
        return obj.article.headline

    @admin.display(description=_("front"))
    def front(self, obj):
        return obj.section.name if obj.section_id else gettext("Home page")

    @admin.display(description=_("order"))
    def order_buttons(self, obj):
        # Submit buttons of the changelist's own form (it carries the CSRF token): no script needed.
        if obj.starts_at > timezone.now():
            return pgettext("front place", "Scheduled")
        url = reverse("admin:articles_frontslot_move", args=[obj.pk])
        button = (
            '<button type="submit" class="button" formaction="{}" name="step" value="{}"{} aria-label="{}">{}</button>'
        )
        return format_html(
            button + " " + button,
            url,
            "-1",
            " disabled" if obj.position == 0 else "",
            gettext("Move «%(headline)s» up") % {"headline": obj.article.headline},
            "▲ " + gettext("Up"),
            url,
            "1",
            " disabled" if obj.position == PLACES - 1 else "",
            gettext("Move «%(headline)s» down") % {"headline": obj.article.headline},
            "▼ " + gettext("Down"),
        )

    def get_urls(self):
        return [
            path("<int:pk>/move/", self.admin_site.admin_view(self.move_view), name="articles_frontslot_move"),
            *super().get_urls(),
        ]

    def move_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not permissions.is_editor(request.user):
            raise PermissionDenied
        slot = get_object_or_404(FrontSlot, pk=pk)
        step = -1 if request.POST.get("step") == "-1" else 1
        try:
            services.front_move(slot=slot, step=step, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, gettext("The front page order was saved."), messages.SUCCESS)
        changelist = reverse("admin:articles_frontslot_changelist")
        filters = request.GET.urlencode()
        return HttpResponseRedirect(f"{changelist}?{filters}" if filters else changelist)

    def save_model(self, request, obj, form, change):
        slot = services.front_place(
            article=form.cleaned_data["article"],
            section=form.cleaned_data.get("section"),
            language=form.cleaned_data["language"],
            position=form.cleaned_data["place"],
            starts_at=form.cleaned_data.get("starts_at"),
            by=request.user,
        )
        obj.pk = slot.pk

    def delete_model(self, request, obj):
        services.front_remove(slot=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for slot in queryset:
            services.front_remove(slot=slot, by=request.user)

    @admin.action(description=_("Take the selected stories off the front"))
    def remove_selected(self, request, queryset):
        self.delete_queryset(request, queryset)
        self.message_user(request, gettext("The front page was updated."), messages.SUCCESS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class BreakingNewsForm(forms.ModelForm):
    class Meta:
        model = BreakingNews
        fields = ("language", "text", "article", "expires_at")
        widgets = {"text": forms.TextInput(attrs={"dir": "auto", "size": 80, "autofocus": True})}

    def clean_expires_at(self):
        moment = self.cleaned_data.get("expires_at")
        if moment is not None and moment <= timezone.now():
            raise ValidationError(_("The expiry time must be in the future."))
        return moment


@admin.register(BreakingNews)
class BreakingNewsAdmin(EditorsOnlyMixin, admin.ModelAdmin):
    form = BreakingNewsForm
    list_display = ("text", "language", "starts_at", "expires_at", "state")
    list_filter = ("language",)
    list_select_related = ("article",)
    autocomplete_fields = ("article",)
    actions = ("remove_selected",)

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.removed_at:
            return gettext("Removed")
        if obj.expires_at and obj.expires_at <= timezone.now():
            return gettext("Expired")
        return gettext("On the site")

    def save_model(self, request, obj, form, change):
        line = services.breaking_set(
            language=form.cleaned_data["language"],
            text=form.cleaned_data["text"],
            article=form.cleaned_data.get("article"),
            expires_at=form.cleaned_data.get("expires_at"),
            by=request.user,
        )
        obj.pk = line.pk

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Remove the selected lines from the site"))
    def remove_selected(self, request, queryset):
        for line in queryset:
            services.breaking_remove(line=line, by=request.user)
        self.message_user(request, gettext("The breaking line was removed."), messages.SUCCESS)


@admin.register(SitePage)
class SitePageAdmin(TranslatedAdmin):
    """About, contact and the like: editors write them; the footer links them."""

    list_display = ("title", "slug", "position", "is_in_footer")
    prepopulated_fields = {"slug": ("title_ar",)}
    search_fields = ("title_ar", "title_en")

    def has_module_permission(self, request):
        return permissions.is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_editor(request.user)

    def has_add_permission(self, request):
        return permissions.is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_editor(request.user)

    def save_model(self, request, obj, form, change):
        services.site_page_save(page=obj)

    def delete_model(self, request, obj):
        services.site_page_delete(page=obj)

    def delete_queryset(self, request, queryset):
        for page in queryset:
            services.site_page_delete(page=page)
