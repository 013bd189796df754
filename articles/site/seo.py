"""What a story tells search engines and social networks: JSON-LD, Open Graph, hreflang.

Alternates in other languages are listed only when the story is translated
(ARABIC.md E3, E4). JSON-LD is serialised with <, > and & escaped, so no field
(a headline reading «</script>», say) can close the script element.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ..models import Article, Image
from .translated import byline_label, credit_label, own, own_name, plain, shown_tags

OG_LOCALES = {"ar": "ar_AR", "en": "en_US"}
# The characters that could end a <script> element or start an HTML comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def json_ld_script(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped above


def iso(moment) -> str:
    """ISO 8601 with the site's offset: «2024-12-11T00:30:00+03:00»."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def languages_of(article: Article) -> list[str]:
    return [code for code, _name in settings.LANGUAGES if article.has_translation(code)]


def alternates(article: Article, request) -> list[tuple[str, str]]:
    """(language, absolute URL) for every language the story is written in, or none if only one."""
    available = languages_of(article)
    if len(available) < 2:
        return []
    urls = []
    for language in available:
        with translation.override(language):
            urls.append((language, request.build_absolute_uri(article.get_absolute_url())))
    return urls


def _image_object(image: Image, request) -> dict:
    width, height = image.rendition_size("full", max(image.rendition_widths("full") or [0]))
    data = {
        "@type": "ImageObject",
        "url": request.build_absolute_uri(image.fallback_url("full", 1920)),
        "width": width,
        "height": height,
    }
    caption = own(image, "caption")
    if caption:
        data["caption"] = caption
    credit = credit_label(image)
    if credit:
        data["creditText"] = credit
    photographer = plain(image.public_photographer)
    if photographer:
        data["creator"] = {"@type": "Person", "name": photographer}
    elif credit:
        # An anonymous photographer is credited to the agency only.
        data["creator"] = {"@type": "Organization", "name": credit}
    copyright_notice = plain(image.public_copyright_notice)
    if copyright_notice:
        data["copyrightNotice"] = copyright_notice
    elif credit:
        data["copyrightNotice"] = credit
    return data


def _present(**values) -> dict:
    return {key: value for key, value in values.items() if value}


def _author(byline, request) -> dict:
    """A byline as schema.org: a staff author is a Person with their page, free text an
    Organization («وكالات»); a name the page's language lacks is left out (``translated``)."""
    name = byline_label(byline)
    if byline.author_id:
        url = request.build_absolute_uri(byline.author.get_absolute_url())
        return {"@type": "Person", **_present(name=name, url=url)}
    return {"@type": "Organization", "name": name} if name else {}


def story_images(article: Article) -> list[Image]:
    """The lead image, then placed photos, each once (placements are prefetched by for_detail())."""
    shown = [article.lead_image] if article.lead_image_id else []
    for placement in article.placements.all():
        if placement.image not in shown:
            shown.append(placement.image)
    return [image for image in shown if image.rendition_key]


def canonical_url(article: Article, request) -> str:
    return request.build_absolute_uri(article.get_absolute_url())


def news_article(article: Article, request, url: str | None = None) -> dict:
    """schema.org NewsArticle for a story page, in the page's language (``url``: its canonical URL)."""
    url = url or canonical_url(article, request)
    language = translation.get_language()
    authors = [_author(byline, request) for byline in article.bylines.all()]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "inLanguage": language,
        "datePublished": iso(article.published_at) if article.published_at else None,
        "dateModified": iso(article.updated_at),
        "author": [author for author in authors if author],
        "articleSection": own_name(article.section) or None,
        "keywords": [tag.name for tag in shown_tags(article)],
        "publisher": {
            "@type": "Organization",
            "name": str(settings.SITE_NAME),
            "url": request.build_absolute_uri("/"),
            "logo": {"@type": "ImageObject", "url": request.build_absolute_uri(static(settings.SITE_LOGO))},
        },
        "image": [_image_object(image, request) for image in story_images(article)],
        "citation": [
            {"@type": "CreativeWork", **_present(name=own_name(cited.source), url=cited.url)}
            for cited in article.cited_sources.all()
            if own_name(cited.source) or cited.url
        ],
        "isAccessibleForFree": True,
    }
    dek = own(article, "dek")
    if dek:
        data["description"] = dek
    translations = [
        {"@type": "NewsArticle", "inLanguage": other, "url": other_url}
        for other, other_url in alternates(article, request)
        if other != language
    ]
    if translations:
        data["workTranslation" if language == settings.LANGUAGE_CODE else "translationOfWork"] = translations
    return {key: value for key, value in data.items() if value not in (None, [])}


def open_graph(article: Article, request, url: str | None = None) -> list[tuple[str, str]]:
    """(property, content) pairs for Open Graph and the article: namespace."""
    language = translation.get_language()
    pairs = [
        ("og:type", "article"),
        ("og:site_name", str(settings.SITE_NAME)),
        ("og:title", article.headline),
        ("og:url", url or canonical_url(article, request)),
        ("og:locale", OG_LOCALES.get(language, language)),
    ]
    pairs += [
        ("og:locale:alternate", OG_LOCALES.get(other, other)) for other in languages_of(article) if other != language
    ]
    dek = own(article, "dek")
    if dek:
        pairs.append(("og:description", dek))
    image = article.lead_image if article.lead_image_id and article.lead_image.rendition_key else None
    if image is not None:
        width, height = image.rendition_size("full", max(image.rendition_widths("full")))
        pairs += [
            ("og:image", request.build_absolute_uri(image.fallback_url("full", 1920))),
            ("og:image:width", str(width)),
            ("og:image:height", str(height)),
        ]
        alt_text = own(image, "alt_text")
        if alt_text:
            pairs.append(("og:image:alt", alt_text))
    if article.published_at:
        pairs.append(("article:published_time", iso(article.published_at)))
    pairs.append(("article:modified_time", iso(article.updated_at)))
    section = own_name(article.section)
    if section:
        pairs.append(("article:section", section))
    pairs += [("article:tag", tag.name) for tag in shown_tags(article)]
    return pairs


def twitter_card(article: Article, request) -> list[tuple[str, str]]:
    image = article.lead_image if article.lead_image_id and article.lead_image.rendition_key else None
    pairs = [("twitter:card", "summary_large_image" if image else "summary"), ("twitter:title", article.headline)]
    dek = own(article, "dek")
    if dek:
        pairs.append(("twitter:description", dek))
    if image is not None:
        pairs.append(("twitter:image", request.build_absolute_uri(image.fallback_url("full", 1920))))
        alt_text = own(image, "alt_text")
        if alt_text:
            pairs.append(("twitter:image:alt", alt_text))
    return pairs
