"""The footer's site pages (about, contact) in the page's language: read once and kept until a
site page changes (changes/front_pages.py drops them)."""

from __future__ import annotations

from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from ..site.translated import own
from .models import SitePage

KEEP_SECONDS = 3600


class Link(NamedTuple):
    title: str
    url: str


def cache_key(language: str) -> str:
    return f"footer-pages:v1:{language}"


def forget() -> None:
    cache.delete_many([cache_key(language) for language, _name in settings.LANGUAGES])


def footer_pages() -> list[Link]:
    """The pages linked from the footer with a title in the page's language, in their order."""
    language = get_language()
    links = cache.get(cache_key(language))
    if links is None:
        links = [
            Link(title, page.get_absolute_url())
            for page in SitePage.objects.filter(is_in_footer=True).order_by("position", "pk")
            if (title := own(page, "title"))
        ]
        cache.set(cache_key(language), links, KEEP_SECONDS)
    return links
