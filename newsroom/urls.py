from urllib.parse import urlsplit

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles.photos import mediafiles
from articles.site import sitemaps
from articles.site import views as article_views

from . import health

urlpatterns = [
    # The admin is not language-prefixed: it is always Arabic (newsroom.middleware).
    path("admin/", admin.site.urls),
    # For the load balancer: 200 while the database answers (a cache outage only degrades it).
    path("healthz", health.healthz, name="healthz"),
    # For monitoring: every database, cache and media storage; 503 if any of them fails.
    path("healthz/deep", health.healthz_deep, name="healthz-deep"),
    # Crawlers' files are not language-prefixed; the sitemaps list both languages' addresses.
    path("robots.txt", article_views.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news-sitemap"),
]
urlpatterns += i18n_patterns(
    path("", include("articles.site.urls")),
    prefix_default_language=False,
)

if (settings.DEBUG or settings.SERVE_MEDIA) and settings.MEDIA_STORAGE == "filesystem":
    # Renditions are served by Django only in development or on a single machine
    # (DJANGO_SERVE_MEDIA=1); production serves them from the media domain (docs/deploy.md).
    media_prefix = urlsplit(settings.MEDIA_URL).path.strip("/")
    urlpatterns += [path(f"{media_prefix}/<path:path>", mediafiles.serve_media, name="media")]

# Under /admin/ the admin's own pages, in Arabic; elsewhere the reader site's.
handler403 = "articles.desk.errors.permission_denied"
handler404 = "articles.desk.errors.page_not_found"
handler500 = "articles.desk.errors.server_error"
