"""The newsroom's admin site: the desk on its home page, and no text lost to an expired session."""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import drafts
from .admin_base import person_name
from .dashboard import desk_items


class NewsroomAdminSite(admin.AdminSite):
    site_header = _("Sahifa newsroom")
    site_title = _("Sahifa")
    index_title = _("The desk")
    index_template = "admin/newsroom_index.html"

    def index(self, request, extra_context=None):
        # Staff without a newsroom role see no counts of stories they may not open.
        desk = desk_items(user=request.user) if request.user.has_perm("articles.view_article") else []
        extra_context = {**(extra_context or {}), "desk": desk}
        return super().index(request, extra_context)

    def autocomplete_view(self, request):
        return PeopleByNameAutocomplete.as_view(admin_site=self)(request)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and not self.has_permission(request):
                kept = _keep_for_writer(request)
                if kept:
                    # The session ended while someone was writing (expired in the browser or on
                    # the server): their text is kept as their own unsaved copy, offered to
                    # them alone once they have logged in again.
                    return redirect_to_login(request.get_full_path(), reverse("admin:login", current_app=self.name))
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, inner)


class PeopleByNameAutocomplete(AutocompleteJsonView):
    """Autocomplete boxes offer colleagues by their names («رانيا الخطيب»), not their logins."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, get_user_model()):
            result["text"] = person_name(obj)
        return result


def _keep_for_writer(request) -> bool:
    """Keep a story form sent after the session ended as its writer's unsaved copy."""
    if "csrfmiddlewaretoken" not in request.POST:
        return False
    owner = drafts.draft_owner(request.POST.get(drafts.TOKEN_FIELD))
    if owner is None:
        return False
    user, article_id = owner
    expected = (
        reverse("admin:articles_article_add")
        if article_id is None
        else (reverse("admin:articles_article_change", args=[article_id]))
    )
    if request.path != expected or not drafts.may_keep(user=user, article_id=article_id):
        return False
    drafts.draft_keep(user=user, article_id=article_id, data=request.POST)
    return True
