"""The reader pages' template environment (Jinja2): what the templates may call, nothing more.

Reader pages are the site's hot path, so they are rendered by Jinja2, which compiles a template to
Python once per process; the admin keeps Django's templates. Every helper here only formats what a
view already fetched: none runs a query. Translatable strings with plural forms or markup are built
here in Python, where ``makemessages`` finds them; templates call ``_("…")`` for the rest.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_bidi, gettext, ngettext
from jinja2 import Environment

from ..front import breaking, footer
from ..models import Tag
from . import dates, live, seo, translated

MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def url_in_language(obj, language: str) -> str:
    """The address of ``obj`` in ``language``, or of that language's home page when there is no
    ``obj`` or it has no page there (a tag without a name in ``language``)."""
    with translation.override(language):
        if not obj or (isinstance(obj, Tag) and not translated.has_own_name(obj)):
            return reverse("articles:home")
        return obj.get_absolute_url()


def search_url_in_language(language: str, query: str = "") -> str:
    """The search page in ``language``, for the same words."""
    with translation.override(language):
        address = reverse("articles:search")
    return f"{address}?{urlencode({'q': query})}" if query else address


def reader_date(moment) -> str:
    """The day in the page's language and the house style (digits and month names are settings)."""
    return dates.gregorian(moment, get_language()) if moment else ""


def site_name() -> str:
    """The site's name from settings (SITE_NAME), in the page's language."""
    return str(settings.SITE_NAME)


def site_logo() -> str:
    return static(settings.SITE_LOGO)


def reader_time(moment) -> str:
    """The hour in the site's time zone, in the page's language («2:05 م»)."""
    if not moment:
        return ""
    return dates.digits(formats.time_format(timezone.localtime(moment)))


def last_update(article) -> object:
    """When a published story was last corrected (its corrections are its recorded updates), else None."""
    if not article.published_at:
        return None
    return max((correction.created_at for correction in article.corrections.all()), default=None)


def hijri_date(moment) -> str:
    """The Hijri date (Umm al-Qura), or "" outside the years hijridate covers."""
    return dates.hijri(moment, get_language()) if moment else ""


def isodate(moment) -> str:
    """A ``<time datetime>`` value: ISO 8601 in the site's time zone."""
    # Whole seconds: HTML allows at most three digits of a second's fraction.
    return timezone.localtime(moment).replace(microsecond=0).isoformat() if moment else ""


def modern_formats() -> list[str]:
    return [fmt for fmt in settings.IMAGE_RENDITION_FORMATS if fmt != "jpeg"]


def picture_sources(image, kind: str = "full") -> dict:
    """What a <picture> needs for one image: a <source> per modern format and the JPEG fallback."""
    widths = image.rendition_widths(kind)
    fallback_width = max([w for w in widths if w <= 960] or widths[:1])
    width, height = image.rendition_size(kind, fallback_width)
    return {
        "sources": [{"type": MIME_TYPES[fmt], "srcset": image.srcset(kind, fmt)} for fmt in modern_formats()],
        "src": image.rendition_url(kind, fallback_width, "jpeg"),
        "srcset": image.srcset(kind, "jpeg"),
        "width": width,
        "height": height,
    }


def article_head(article, request) -> dict:
    """The canonical URL, hreflang alternates, Open Graph, Twitter card and NewsArticle JSON-LD for a story page."""
    alternates = seo.alternates(article, request)
    canonical = seo.canonical_url(article, request)
    return {
        "canonical": canonical,
        "alternates": alternates,
        "default_alternate": alternates[:1],
        "open_graph": seo.open_graph(article, request, canonical),
        "twitter": seo.twitter_card(article, request),
        "json_ld": seo.json_ld_script(seo.news_article(article, request, canonical)),
    }


def page_of(page) -> str:
    return gettext("Page %(number)s of %(count)s") % {"number": page.number, "count": page.paginator.num_pages}


def search_summary(count: int, query: str) -> str:
    """«12 stories found for «…»», in the plural form the language needs; the words are escaped."""
    template = ngettext(
        "%(count)s story found for «<bdi>%(query)s</bdi>».",
        "%(count)s stories found for «<bdi>%(query)s</bdi>».",
        count,
    )
    words = translated.marked(query, is_arabic=True) if translated.lang_of(query) else escape(query)
    return mark_safe(template % {"count": count, "query": words})  # noqa: S308 - the words are escaped


def environment(**options) -> Environment:
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals.update(
        {
            "url": url,
            "static": static,
            "get_language": get_language,
            "get_language_bidi": get_language_bidi,
            "url_in_language": url_in_language,
            "search_url_in_language": search_url_in_language,
            "hijri_date": hijri_date,
            "picture_sources": picture_sources,
            "article_head": article_head,
            "page_of": page_of,
            "search_summary": search_summary,
            "own": translated.own,
            "lang_of": translated.lang_of,
            "name_html": translated.name_html,
            "credit_html": translated.credit_html,
            "byline_html": translated.byline_html,
            "caption": translated.caption,
            "shown_tags": translated.shown_tags,
            "shown_corrections": translated.shown_corrections,
            "breaking_line": breaking.current_line,
            "live_of": live.live_of,
            "footer_pages": footer.footer_pages,
            "site_name": site_name,
            "site_logo": site_logo,
            "last_update": last_update,
            "live_url": live.live_url,
        }
    )
    env.filters.update({"reader_date": reader_date, "reader_time": reader_time, "isodate": isodate})
    return env
