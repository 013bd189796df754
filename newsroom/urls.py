from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

urlpatterns = i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    # Uploaded media is served by Django only in development; production serves
    # it from its own host (see docs/architecture.md).
    urlpatterns += [
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler404 = "articles.views.page_not_found"
handler500 = "articles.views.server_error"
