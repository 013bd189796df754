"""Arabic tags: the Arabic comma separates, multi-word tags stay whole, slugs keep Arabic."""

import pytest
from django.urls import reverse
from taggit.forms import TagField
from taggit.utils import edit_string_for_tags, parse_tags

from articles.models import Tag

from .factories import make_article


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("الكرملين، بوتين، الشرق الأوسط", ["الكرملين", "بوتين", "الشرق الأوسط"]),
        ("الكرملين, بوتين, الشرق الأوسط", ["الكرملين", "بوتين", "الشرق الأوسط"]),
        ("الكرملين،بوتين ,الشرق الأوسط", ["الكرملين", "بوتين", "الشرق الأوسط"]),
        ("الشرق الأوسط", ["الشرق الأوسط"]),
        ("  إعادة الإعمار  ", ["إعادة الإعمار"]),
        ("الكرملين، ، بوتين،", ["الكرملين", "بوتين"]),
    ],
)
@pytest.mark.django_db  # the parser resolves each name to an existing tag's spelling
def test_typed_tags_are_split_on_both_commas_only(typed, expected):
    # The project's parser is the one taggit uses everywhere (settings.TAGGIT_TAGS_FROM_STRING).
    assert sorted(parse_tags(typed)) == sorted(expected)
    assert sorted(TagField().clean(typed)) == sorted(expected)


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_nothing_typed_means_no_tags(empty):
    assert parse_tags(empty) == []


@pytest.mark.django_db
def test_tags_typed_in_the_box_round_trip():
    story = make_article(tags=["الكرملين", "الشرق الأوسط", "بوتين"])

    shown = edit_string_for_tags(list(story.tags.all()))

    assert "،" in shown
    assert sorted(parse_tags(shown)) == ["الشرق الأوسط", "الكرملين", "بوتين"]


@pytest.mark.django_db
def test_article_tagged_with_arabic_string_gets_exactly_those_tags():
    story = make_article(tags=parse_tags("الكرملين، بوتين، الشرق الأوسط"))

    assert sorted(story.tags.values_list("name", flat=True)) == ["الشرق الأوسط", "الكرملين", "بوتين"]
    assert Tag.objects.count() == 3


@pytest.mark.django_db
def test_tag_slugs_keep_arabic_letters():
    story = make_article(tags=["الكرملين", "الشرق الأوسط"])

    slugs = dict(story.tags.values_list("name", "slug"))
    assert slugs == {"الكرملين": "الكرملين", "الشرق الأوسط": "الشرق-الأوسط"}


@pytest.mark.django_db
def test_tag_slugs_are_never_empty():
    make_article(tags=["؟؟", "!!!", "«»"])

    assert Tag.objects.count() == 3
    slugs = list(Tag.objects.values_list("slug", flat=True))
    assert all(slugs)
    assert len(set(slugs)) == 3


@pytest.mark.django_db
def test_tag_names_differing_only_in_case_are_one_tag():
    make_article(tags=["NBC"])
    make_article(tags=["nbc"])

    assert Tag.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["الكرملين", "الشرق الأوسط", "؟؟"])
def test_tag_address_round_trips_and_lists_the_story(client, name):
    story = make_article(headline="الكرملين يرد على العقوبات", tags=[name])
    tag = story.tags.get()

    url = reverse("articles:tag-detail", kwargs={"slug": tag.slug})
    response = client.get(url)

    assert url == tag.get_absolute_url()
    assert response.status_code == 200
    assert f"<bdi>{tag.name}</bdi></h1>" in response.content.decode()
    assert "الكرملين يرد على العقوبات" in response.content.decode()
