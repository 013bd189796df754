"""Error pages: the admin's in the admin's look and language, the readers' as the site has them.

Django answers a refused admin action with its bare English «403 Forbidden» and sends the
admin's 404 and 500 to the reader site's pages. These handlers (``newsroom/urls.py``) give
a request under the admin its own page, in Arabic, with a way back to the desk.
"""

from django.contrib import admin
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views import defaults

from ..site import views as site_views


def _in_admin(request) -> bool:
    return request.path_info.startswith(reverse("admin:index"))


def _admin_page(request, template_name: str, status: int):
    return render(request, template_name, {**admin.site.each_context(request), "title": ""}, status=status)


def permission_denied(request, exception=None):
    if _in_admin(request):
        return _admin_page(request, "admin/403.html", 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _in_admin(request):
        return _admin_page(request, "admin/404.html", 404)
    return site_views.page_not_found(request, exception)


def server_error(request):
    if not _in_admin(request):
        return site_views.server_error(request)
    # No context processors, no session, no database: the page must render when those fail.
    context = {
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
        "request_id": getattr(request, "request_id", ""),
    }
    return HttpResponseServerError(loader.get_template("admin/500.html").render(context))
