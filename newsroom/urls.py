from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.static import serve

from articles import sitemaps
from articles import views as article_views

urlpatterns = [
    # The admin is not language-prefixed: it is always Arabic (articles.middleware).
    path("admin/", admin.site.urls),
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
