"""The desk's live coverage: start and end it (editors), grant journalists live rights, and post
updates from a quick form (one text box and a button) on the coverage's page. Every write goes
through articles/live/services.py, which announces the story so its pages are refreshed."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..live import services
from ..live.models import LiveCoverage, LiveUpdate
from ..stories import permissions


def is_newsroom(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("articles.view_article")


class QuickUpdateForm(forms.Form):
    text = forms.CharField(
        label=_("New update"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto", "class": "vLargeTextField"}),
        max_length=5000,
    )
    is_breaking = forms.BooleanField(label=_("Breaking"), required=False)


class LiveCoverageForm(forms.ModelForm):
    class Meta:
        model = LiveCoverage
        fields = ("article", "live_writers")


@admin.register(LiveCoverage)
class LiveCoverageAdmin(admin.ModelAdmin):
    form = LiveCoverageForm
    change_form_template = "admin/articles/livecoverage/change_form.html"
    list_display = ("article", "started_at", "ended_at", "is_live_now")
    list_select_related = ("article",)
    autocomplete_fields = ("article",)
    filter_horizontal = ("live_writers",)
    search_fields = ("article__headline_ar", "article__headline_en")

    @admin.display(description=_("live now"), boolean=True)
    def is_live_now(self, obj):
        return obj.is_live

    # Everyone in the newsroom reads and posts to coverage; editors start, end and grant.
    def has_module_permission(self, request):
        return is_newsroom(request.user)

    def has_view_permission(self, request, obj=None):
        return is_newsroom(request.user)

    def has_add_permission(self, request):
        return permissions.is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ("article",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if not change:
            coverage = services.live_start(article=form.cleaned_data["article"], by=request.user)
            obj.pk = coverage.pk

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        coverage = LiveCoverage.objects.get(pk=obj.pk)
        for user in form.cleaned_data.get("live_writers", []):
            services.live_grant(coverage=coverage, user=user, by=request.user)
        removed = coverage.live_writers.exclude(pk__in=[user.pk for user in form.cleaned_data.get("live_writers", [])])
        coverage.live_writers.remove(*removed)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/updates/add/", view(self.add_update_view), name="articles_livecoverage_add_update"),
            path(
                "<int:pk>/updates/<int:update>/<str:act>/",
                view(self.update_action_view),
                name="articles_liveupdate_act",
            ),
            path("<int:pk>/end/", view(self.end_view), name="articles_livecoverage_end"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        coverage = get_object_or_404(LiveCoverage, pk=object_id)
        updates = list(
            LiveUpdate.objects.filter(coverage=coverage).select_related("photo").order_by("-created_at", "-pk")[:50]
        )
        extra_context = {
            **(extra_context or {}),
            "quick_form": QuickUpdateForm(),
            "coverage": coverage,
            "live_updates": updates,
            "is_editor": permissions.is_editor(request.user),
            "publishes_at_once": services.can_publish_live(request.user, coverage),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _back(self, pk):
        return HttpResponseRedirect(reverse("admin:articles_livecoverage_change", args=[pk]))

    def add_update_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not is_newsroom(request.user):
            raise PermissionDenied
        coverage = get_object_or_404(LiveCoverage, pk=pk)
        form = QuickUpdateForm(request.POST)
        if not form.is_valid():
            self.message_user(request, gettext("Write the update first."), messages.ERROR)
            return self._back(pk)
        try:
            update = services.live_add_update(
                coverage=coverage,
                text=form.cleaned_data["text"],
                is_breaking=form.cleaned_data["is_breaking"],
                by=request.user,
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            if update.status == LiveUpdate.Status.PUBLISHED:
                self.message_user(request, gettext("The update is on the live page."), messages.SUCCESS)
            else:
                self.message_user(request, gettext("The update was sent to an editor for review."), messages.SUCCESS)
        return self._back(pk)

    def update_action_view(self, request, pk, update, act):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        item = get_object_or_404(LiveUpdate.objects.select_related("coverage"), pk=update, coverage_id=pk)
        actions = {"publish": services.live_publish_update, "pin": services.live_pin}
        if act not in actions:
            raise PermissionDenied
        try:
            actions[act](update=item, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, gettext("The live page was updated."), messages.SUCCESS)
        return self._back(pk)

    def end_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        services.live_end(coverage=get_object_or_404(LiveCoverage, pk=pk), by=request.user)
        self.message_user(request, gettext("The live coverage has ended."), messages.SUCCESS)
        return self._back(pk)


class LiveUpdateForm(forms.ModelForm):
    class Meta:
        model = LiveUpdate
        fields = ("coverage", "body", "photo", "is_breaking")


@admin.register(LiveUpdate)
class LiveUpdateAdmin(admin.ModelAdmin):
    """Updates with a photo or rich text, and the review list of journalists' updates."""

    form = LiveUpdateForm
    list_display = ("__str__", "coverage", "status", "author_name", "published_at", "is_breaking", "is_pinned")
    list_filter = ("status", "is_breaking")
    list_select_related = ("coverage", "coverage__article")
    autocomplete_fields = ("coverage", "photo")
    actions = ("publish_selected",)

    def has_module_permission(self, request):
        return is_newsroom(request.user)

    def has_view_permission(self, request, obj=None):
        return is_newsroom(request.user)

    def has_add_permission(self, request):
        return is_newsroom(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            update = services.live_add_update(
                coverage=form.cleaned_data["coverage"],
                text=form.cleaned_data["body"],
                photo=form.cleaned_data.get("photo"),
                is_breaking=form.cleaned_data.get("is_breaking", False),
                by=request.user,
            )
        except ValidationError as error:
            raise PermissionDenied(" ".join(error.messages)) from error
        obj.pk = update.pk

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class CheckedForm(form):
            def clean(self):
                data = super().clean()
                photo = data.get("photo")
                if photo is not None:
                    from ..stories.services import publication_problems

                    for problem in publication_problems(images_shown=[photo]):
                        self.add_error("photo", problem)
                coverage = data.get("coverage")
                if coverage is not None and coverage.ended_at is not None:
                    self.add_error("coverage", gettext("This live coverage has ended."))
                return data

        return CheckedForm

    @admin.action(description=_("Publish the selected updates"))
    def publish_selected(self, request, queryset):
        done = 0
        for update in queryset.select_related("coverage").filter(status=LiveUpdate.Status.REVIEW):
            try:
                services.live_publish_update(update=update, by=request.user)
            except PermissionDenied:
                continue
            done += 1
        self.message_user(request, gettext("Updates published: %(count)d") % {"count": done}, messages.SUCCESS)
