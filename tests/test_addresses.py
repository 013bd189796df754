"""Story, section, tag, source and author addresses are exactly what reverse() gives, in each language."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from articles.stories.addresses import slug_url

NAMES = [f"articles:{kind}-detail" for kind in ("article", "section", "tag", "source", "author")]
SLUGS = ["الكرملين", "economy", "أسعار-النفط-2026", "مصر_اليوم", "a-b-c", "ليبيا-١٢"]


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("name", NAMES)
def test_same_address_as_reverse(name, language):
    with translation.override(language):
        for slug in SLUGS:
            assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})


def test_english_addresses_carry_the_language_prefix():
    with translation.override("en"):
        assert slug_url("articles:tag-detail", "economy").startswith("/en/")
    with translation.override("ar"):
        assert not slug_url("articles:tag-detail", "economy").startswith("/en/")


@pytest.mark.parametrize("slug", ["", "has space", "slash/inside", "نقطة."])
def test_a_slug_the_pattern_refuses_fails_as_reverse_does(slug):
    with pytest.raises(NoReverseMatch):
        reverse("articles:tag-detail", kwargs={"slug": slug})
    with pytest.raises(NoReverseMatch):
        slug_url("articles:tag-detail", slug)
