from django.core.cache import cache
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from .models import Section

NAV_CACHE_SECONDS = 3600


def nav_cache_key(language: str) -> str:
    return f"nav-sections:{language}"


def _nav_sections() -> list[Section]:
    key = nav_cache_key(get_language())
    sections = cache.get(key)
    if sections is None:
        sections = list(Section.objects.order_by("position", "pk"))
        cache.set(key, sections, NAV_CACHE_SECONDS)
    return sections


def navigation(request):
    """The site menu's sections: from the cache (refreshed when a section is saved), read lazily
    so pages that do not show the menu pay nothing."""
    return {"nav_sections": SimpleLazyObject(_nav_sections)}
