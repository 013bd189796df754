"""sitemap.xml (an index and its parts) and the Google News sitemap.

Stories are listed in every language they are written in, and only those: Django's i18n
sitemap would list an English alternate for an Arabic-only story (modeltranslation falls
back to Arabic), so get_languages_for_item() asks the story itself (ARABIC.md E3).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Count, Max, Q
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.encoding import iri_to_uri
from django.views.decorators.cache import cache_control

from ..models import Article, Section, Tag

NEWS_SITEMAP_HOURS = 48
NEWS_SITEMAP_LIMIT = 1000


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class ArticleSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "never"
    limit = 10000

    def items(self):
        return (
            Article.objects.published()
            .only("pk", "slug_ar", "slug_en", "headline_ar", "headline_en", "updated_at", "published_at")
            .order_by("-published_at", "-pk")
        )

    def get_languages_for_item(self, item):
        return [language for language in _languages() if item.has_translation(language)]

    def lastmod(self, item):
        return item.updated_at


class SectionSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "hourly"

    def items(self):
        return Section.objects.order_by("position", "pk")


class TagSitemap(Sitemap):
    """Tags with at least one public story; a tag's English page only when it lists one and the
    tag has an English name (without one it has no English page)."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "daily"
    limit = 10000

    def items(self):
        public = Q(tagged_articles__content_object__in=Article.objects.published())
        translated = public & Q(tagged_articles__content_object__headline_en__gt="")
        return (
            Tag.objects.annotate(
                public_count=Count("tagged_articles", filter=public),
                english_count=Count("tagged_articles", filter=translated),
                last_published=Max("tagged_articles__content_object__published_at", filter=public),
            )
            .filter(public_count__gt=0)
            .order_by("slug")
        )

    def get_languages_for_item(self, item):
        if item.english_count and item.name_en:
            return _languages()
        return [settings.MODELTRANSLATION_DEFAULT_LANGUAGE]

    def lastmod(self, item):
        return item.last_published


SITEMAPS = {"news": ArticleSitemap, "sections": SectionSitemap, "tags": TagSitemap}


@cache_control(max_age=300)
def news_sitemap(request):
    """Stories published in the last 48 hours (at most 1,000), each language a <url> of its own."""
    now = timezone.now()
    articles = (
        Article.objects.published()
        .filter(published_at__gte=now - timedelta(hours=NEWS_SITEMAP_HOURS))
        .only("pk", "slug_ar", "slug_en", "headline_ar", "headline_en", "published_at")
        .order_by("-published_at", "-pk")[:NEWS_SITEMAP_LIMIT]
    )
    entries = []
    for article in articles:
        for language in _languages():
            if len(entries) == NEWS_SITEMAP_LIMIT or not article.has_translation(language):
                continue
            with translation.override(language):
                location = iri_to_uri(request.build_absolute_uri(article.get_absolute_url()))
                entries.append(
                    {
                        "location": location,
                        "language": language,
                        "title": article.headline,
                        "published_at": timezone.localtime(article.published_at).isoformat(timespec="seconds"),
                        "publication": str(settings.SITE_NAME),
                    }
                )
    return render(request, "articles/news_sitemap.xml", {"entries": entries}, content_type="application/xml")
