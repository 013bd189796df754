"""Addresses of slugged pages (story, section, tag, source, author) without a full ``reverse()``.

A list page links every story, section and author it shows, so ``get_absolute_url`` runs dozens of
times per page. The pattern around the slug only changes with the language, the URLconf and the
script prefix: it is reversed once for each of those, and the slug is quoted exactly as
``reverse()`` quotes it. A slug the URL pattern would refuse still goes through ``reverse()``, so
the error is the same as before.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language

from .converters import UnicodeSlugConverter

_MARKER = "slug-placeholder"
_SAFE = RFC3986_SUBDELIMS + "/~:@"
_VALID = re.compile(rf"\A(?:{UnicodeSlugConverter.regex})\Z")


@lru_cache(maxsize=256)
def _around_slug(name: str, language: str | None, urlconf, prefix: str) -> tuple[str, str]:
    before, after = reverse(name, kwargs={"slug": _MARKER}).split(_MARKER)
    return before, after


def slug_url(name: str, slug: str) -> str:
    """``reverse(name, kwargs={"slug": slug})``, with the pattern reversed once per language."""
    if not slug or not _VALID.match(slug):
        return reverse(name, kwargs={"slug": slug})
    before, after = _around_slug(name, get_language(), get_urlconf(), get_script_prefix())
    return before + quote(slug, safe=_SAFE) + after
