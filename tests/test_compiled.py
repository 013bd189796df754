"""Queries compiled once and replayed: the same rows as the ORM, whatever the arguments and language."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from articles import storypage
from articles.compiled import CompiledQuery
from articles.models import Article, Tag, TaggedArticle
from articles.views import related_articles

from .factories import REFERENCE_TIME, make_agency, make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

STORY = CompiledQuery(
    lambda slug, now: (
        Article.objects.published(now)
        .in_language()
        .select_related("section", "lead_image", "lead_image__credit")
        .filter(slug=slug)
    )
)


def _same(a: Article, b: Article):
    assert a.pk == b.pk
    for field in ("headline", "dek", "body", "slug", "status", "published_at", "updated_at", "version"):
        assert getattr(a, field) == getattr(b, field), field
    assert a.section.name == b.section.name
    if b.lead_image_id:
        assert a.lead_image.alt_text == b.lead_image.alt_text
        assert a.lead_image.credit.name == b.lead_image.credit.name


def test_rows_and_related_rows_match_the_orm_in_both_languages():
    credit = make_agency(name="فرانس برس", name_en="AFP")
    story = make_article(
        headline="القمة تنطلق في الرياض",
        dek="وزراء الخارجية يجتمعون",
        lead_image=make_image(credit=credit),
        english={"headline": "Summit opens in Riyadh", "slug": "summit-opens", "body": "<p>Ministers meet.</p>"},
    )
    now = timezone.now()
    for language in ("ar", "en"):
        with translation.override(language):
            slug = Article.objects.get(pk=story.pk).slug
            (compiled,) = STORY(slug, now)
            expected = Article.objects.published().select_related("section", "lead_image__credit").get(slug=slug)
            _same(compiled, expected)
            assert compiled.headline == ("القمة تنطلق في الرياض" if language == "ar" else "Summit opens in Riyadh")
            assert compiled.lead_image.credit.name == ("فرانس برس" if language == "ar" else "AFP")


def test_each_call_runs_with_its_own_arguments_in_one_query():
    first = make_article(headline="الخبر الأول")
    second = make_article(headline="الخبر الثاني")
    now = timezone.now()
    STORY(first.slug, now)  # compiled here
    with CaptureQueriesContext(connection) as queries:
        assert [a.headline for a in STORY(second.slug, now)] == ["الخبر الثاني"]
        assert [a.headline for a in STORY(first.slug, now)] == ["الخبر الأول"]
        assert STORY("لا-يوجد", now) == []
    assert len(queries) == 3


def test_the_published_gate_uses_the_moment_given():
    scheduled = make_article(headline="خبر مجدول", published_at=REFERENCE_TIME + timedelta(days=1))
    assert STORY(scheduled.slug, REFERENCE_TIME) == []
    assert [a.pk for a in STORY(scheduled.slug, REFERENCE_TIME + timedelta(days=2))] == [scheduled.pk]
    draft = make_article(headline="مسودة", publish=False)
    assert STORY(draft.slug, REFERENCE_TIME + timedelta(days=2)) == []


def test_list_arguments_of_any_length_and_duplicates():
    stories = [make_article(tags=["النفط"]) for _ in range(3)]
    tagged = CompiledQuery(
        lambda keys: (
            TaggedArticle.objects.filter(content_object_id__in=keys)
            .order_by("content_object_id")
            .values_list("content_object_id", flat=True)
        )
    )
    keys = [story.pk for story in stories]
    assert tagged(keys) == keys
    assert tagged(keys[:1]) == keys[:1]
    assert tagged([keys[2], keys[2], keys[0]]) == [keys[0], keys[2]]
    assert tagged([]) == []


def test_a_query_whose_sql_depends_on_the_values_is_refused():
    make_article()
    # «name=None» compiles to IS NULL, not to a parameter: the markers cannot stand in for it.
    by_name = CompiledQuery(lambda name: Tag.objects.filter(name=name or None))
    with pytest.raises(ImproperlyConfigured):
        by_name("")
    unused = CompiledQuery(lambda pk: Tag.objects.all())
    with pytest.raises(ImproperlyConfigured):
        unused(1)


def test_the_story_page_loads_every_relation_from_compiled_queries():
    authors = [make_author(name="سامر العلي"), make_author()]
    story = make_article(
        tags=["الاقتصاد", "النفط"],
        bylines=[*authors, "وكالات"],
        sources=[make_agency(name="بلومبيرغ")],
        lead_image=make_image(credit=make_agency(name="رويترز")),
    )
    with CaptureQueriesContext(connection) as queries:
        loaded = storypage.public(story.slug)
        names = sorted(tag.name for tag in loaded.tags.all())
        bylines = [byline.author.name if byline.author_id else byline.text for byline in loaded.bylines.all()]
        sources = [cited.source.name for cited in loaded.cited_sources.all()]
    assert names == ["الاقتصاد", "النفط"]
    assert bylines == ["سامر العلي", "ليلى حداد", "وكالات"]
    assert sources == ["بلومبيرغ"]
    assert loaded.lead_image.credit.name == "رويترز"
    assert len(queries) == 1 + len(storypage.RELATIONS)
    unpublished = make_article(publish=False)
    with pytest.raises(Article.DoesNotExist):
        storypage.public(unpublished.slug)


def test_read_also_ranks_by_shared_tags_then_date_and_hides_unpublished():
    section = make_section()
    story = make_article(section=section, tags=["النفط", "الذهب", "الأسواق"])
    two_shared = make_article(section=section, tags=["النفط", "الذهب"], published_at=REFERENCE_TIME - timedelta(days=3))
    one_newer = make_article(section=section, tags=["الأسواق"], published_at=REFERENCE_TIME - timedelta(minutes=5))
    make_article(section=section, tags=["النفط", "الذهب", "الأسواق"], publish=False)
    loaded = storypage.public(story.slug)
    assert [s.pk for s in related_articles(loaded)] == [two_shared.pk, one_newer.pk]
