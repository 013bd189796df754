from typing import NamedTuple

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from ..models import Section
from .translated import own_name

NAV_CACHE_SECONDS = 3600


class NavItem(NamedTuple):
    pk: int
    name: str
    url: str
    lang: str = ""  # "ar" for a section without a name in the page's language, shown in Arabic


def nav_cache_key(language: str) -> str:
    return f"nav-sections:v4:{language}"


def _nav_item(section: Section) -> NavItem:
    name = own_name(section)
    if name:
        return NavItem(section.pk, name, section.get_absolute_url())
    return NavItem(section.pk, section.name_ar, section.get_absolute_url(), lang="ar")


def _nav_sections() -> list[NavItem]:
    key = nav_cache_key(get_language())
    items = cache.get(key)
    if items is None:
        items = [_nav_item(section) for section in Section.objects.order_by("position", "pk")]
        cache.set(key, items, NAV_CACHE_SECONDS)
    return items


def navigation(request):
    """The site menu's sections with their names and addresses in the page's language: from the
    cache (refreshed when a section is saved), read lazily so pages that do not show the menu pay
    nothing."""
    return {"nav_sections": SimpleLazyObject(_nav_sections)}
