"""The newsroom's admin site: the desk on its home page, and no text lost to an expired session."""

from __future__ import annotations

import secrets
from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .dashboard import desk_items

STASH_COOKIE = "sahifa_unsaved"


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

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if (
                request.method == "POST"
                and settings.SESSION_COOKIE_NAME in request.COOKIES
                and not self.has_permission(request)
                and _is_form_post(request)
            ):
                # The session expired while someone was writing: keep what they sent, ask them
                # to log in, and give it back on the same form afterwards.
                token = secrets.token_urlsafe(16)
                cache.set(
                    f"admin-stash:{token}",
                    {"path": request.path, "data": request.POST.urlencode()},
                    settings.ADMIN_STASH_SECONDS,
                )
                response = redirect_to_login(request.get_full_path(), reverse("admin:login", current_app=self.name))
                response.set_cookie(
                    STASH_COOKIE,
                    token,
                    max_age=settings.ADMIN_STASH_SECONDS,
                    path=request.path,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
                return response
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, inner)


def _is_form_post(request) -> bool:
    return request.path.endswith(("/change/", "/add/")) and "csrfmiddlewaretoken" in request.POST


def take_stash(request) -> QueryDict | None:
    """The text a user sent when their session had expired, once, on the same form."""
    token = request.COOKIES.get(STASH_COOKIE)
    if not token:
        return None
    stash = cache.get(f"admin-stash:{token}")
    if not stash or stash["path"] != request.path:
        return None
    cache.delete(f"admin-stash:{token}")
    return QueryDict(stash["data"])
