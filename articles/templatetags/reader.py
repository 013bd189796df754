"""Template tags of the reader pages: dates, and what a page tells search engines."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language

from .. import dates, seo

register = template.Library()


@register.filter
def reader_date(moment) -> str:
    """The day in the page's language and the house style (digits and month names are settings)."""
    if not moment:
        return ""
    return dates.gregorian(moment, get_language())


@register.simple_tag
def hijri_date(moment) -> str:
    """The Hijri date (Umm al-Qura), or "" outside the years hijridate covers."""
    if not moment:
        return ""
    return dates.hijri(moment, get_language())


@register.inclusion_tag("articles/includes/_article_head.html", takes_context=True)
def article_head(context, article):
    """hreflang alternates, Open Graph, Twitter card and NewsArticle JSON-LD for a story page."""
    request = context["request"]
    alternates = seo.alternates(article, request)
    return {
        "alternates": alternates,
        "default_alternate": alternates[:1],
        "open_graph": seo.open_graph(article, request),
        "twitter": seo.twitter_card(article, request),
        "json_ld": seo.json_ld_script(seo.news_article(article, request)),
    }


@register.simple_tag
def search_url_in_language(language: str, query: str = "") -> str:
    """The search page in ``language``, for the same words."""
    with translation.override(language):
        url = reverse("articles:search")
    return f"{url}?{urlencode({'q': query})}" if query else url
