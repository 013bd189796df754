"""Tag pages read a tag's newest stories from the tag's own rows, which copy each story's
publication time (TaggedArticle.published_at), and for English tag pages the same time while the
story has an English headline (published_en_at). The copies follow every write that changes a
story's status, time, English headline or tags; a stale copy can leave a story out of a tag page,
never show one that is not public or not translated."""

from __future__ import annotations

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from reversion.models import Version

from articles.models import Article, Tag, TaggedArticle
from articles.site.views import public_articles
from articles.stories import services

from .conftest import REFERENCE_TIME
from .factories import make_agency, make_article, make_author, make_image, make_section
from .test_admin import form_data
from .test_feeds import feed_url, parse
from .test_history import _change_everything, _first_story, _versions
from .test_ninjs import import_document, text_document
from .test_permissions import admin_url, logged_in, newsroom_user
from .test_views import QUERY_BUDGETS, html_of, listed, url_in

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def tag_named(name: str) -> Tag:
    return Tag.objects.get(name_ar=name)


def named_in_english(tag: Tag) -> Tag:
    """``tag`` with an English name: only then has it an English page (tests/test_english_pages.py)."""
    if not tag.name_en:
        tag.name_en = f"Tag {tag.pk}"
        services.catalogue_save(obj=tag)
    return tag


def tag_page(client, tag: Tag, number: int = 1, language: str = "ar") -> list[str]:
    """The addresses of the stories the tag's page lists, top to bottom, as a reader sees them."""
    if language == "en":
        named_in_english(tag)
    response = client.get(f"{url_in(language, tag)}?page={number}")
    assert response.status_code == 200
    return listed(response)


def address(story: Article, language: str = "ar") -> str:
    return url_in(language, story)


def every_page(client, tag: Tag, language: str = "ar") -> list[str]:
    """What the tag's pages list, first page to last."""
    if language == "en":
        named_in_english(tag)
    shown, number = [], 1
    while (response := client.get(f"{url_in(language, tag)}?page={number}")).status_code == 200:
        shown, number = shown + listed(response), number + 1
    assert response.status_code == 404
    return shown


def copies(story: Article, field: str = "published_at") -> set:
    return set(TaggedArticle.objects.filter(content_object=story).values_list(field, flat=True))


def english_copies(story: Article) -> set:
    return copies(story, "published_en_at")


def in_step() -> bool:
    """Every tag row holds its story's publication time while it is published, else nothing; its
    English copy the same while the story also has an English headline."""
    for row in TaggedArticle.objects.select_related("content_object"):
        story = row.content_object
        published = story.published_at if story.status == "published" else None
        if (row.published_at, row.published_en_at) != (published, published if story.headline_en else None):
            return False
    return True


def at(monkeypatch, moment) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def editor(db):
    return newsroom_user("editor")


@pytest.fixture
def editor_client(editor):
    return logged_in(editor)


@pytest.fixture
def desk(db):
    """What the admin stories of test_history need: sections, authors, agencies and photos."""
    return {
        "section": make_section(name="اقتصاد", name_en="Economy"),
        "other_section": make_section(name="محليات", name_en="Local"),
        "layla": make_author(name="ليلى حداد", name_en="Layla Haddad"),
        "samer": make_author(name="سامر العلي", name_en="Samer Al-Ali"),
        "reuters": make_agency(name="رويترز", name_en="Reuters"),
        "petra": make_agency(name="بترا", name_en="Petra"),
        "market": make_image(caption="سوق الخضار المركزي"),
        "port": make_image(caption="ميناء العقبة"),
    }


# --- The copy follows every write -------------------------------------------------------------


def test_a_published_story_is_listed_on_each_of_its_tags(client, now):
    story = make_article(tags=["الطاقة", "النفط"])

    assert copies(story) == {story.published_at}
    for name in ("الطاقة", "النفط"):
        assert tag_page(client, tag_named(name)) == [address(story)]


def test_publishing_a_draft_puts_it_on_its_tag_page(client, now):
    older = make_article(tags=["الطاقة"], published_at=REFERENCE_TIME - 5 * HOUR)
    draft = make_article(tags=["الطاقة"], publish=False)
    assert copies(draft) == {None}
    assert tag_page(client, tag_named("الطاقة")) == [address(older)]

    services.article_publish(article=draft)

    assert copies(draft) == {REFERENCE_TIME}
    assert tag_page(client, tag_named("الطاقة")) == [address(draft), address(older)]


def test_unpublishing_takes_the_story_off_its_tag_page(client, now):
    story, other = make_article(tags=["الطاقة"]), make_article(tags=["الطاقة"], published_at=REFERENCE_TIME - 2 * HOUR)

    services.article_unpublish(article=story)

    assert copies(story) == {None}
    assert tag_page(client, tag_named("الطاقة")) == [address(other)]


def test_a_scheduled_story_joins_its_tag_page_at_its_time(client, now, monkeypatch):
    story = make_article(tags=["الطاقة"])
    scheduled = make_article(tags=["الطاقة"], publish=False)

    services.article_publish(article=scheduled, at=REFERENCE_TIME + 2 * HOUR)

    assert copies(scheduled) == {REFERENCE_TIME + 2 * HOUR}
    assert tag_page(client, tag_named("الطاقة")) == [address(story)]
    at(monkeypatch, REFERENCE_TIME + 3 * HOUR)
    assert tag_page(client, tag_named("الطاقة")) == [address(scheduled), address(story)]


def test_a_story_given_a_new_time_moves_on_its_tag_page(client, now):
    first = make_article(tags=["الطاقة"], published_at=REFERENCE_TIME - HOUR)
    second = make_article(tags=["الطاقة"], published_at=REFERENCE_TIME - 2 * HOUR)
    assert tag_page(client, tag_named("الطاقة")) == [address(first), address(second)]

    second.published_at = REFERENCE_TIME - HOUR / 2
    services.article_save(article=second)

    assert copies(second) == {REFERENCE_TIME - HOUR / 2}
    assert tag_page(client, tag_named("الطاقة")) == [address(second), address(first)]


def test_tags_added_to_and_removed_from_a_published_story(client, now):
    story = make_article(tags=["الطاقة"])

    services.article_set_tags(article=story, tags=["النفط", "الغاز"])

    assert copies(story) == {story.published_at}
    assert tag_page(client, tag_named("الطاقة")) == []
    assert tag_page(client, tag_named("النفط")) == tag_page(client, tag_named("الغاز")) == [address(story)]


def test_the_admin_form_publishes_and_retags(editor_client, desk, client, now):
    story = _first_story(editor_client, desk)  # a draft tagged «زراعة، الأردن»
    url = admin_url("article_change", story.pk)
    data = form_data(editor_client.get(url))
    data.update({"desk_action": "publish", "published_at_0": "2024-12-11", "published_at_1": "09:00:00"})
    data["tags"] = "زراعة، مياه"

    assert editor_client.post(url, {**data, "_save": "1"}).status_code == 302

    story.refresh_from_db()
    assert story.status == "published" and copies(story) == {story.published_at}
    assert tag_page(client, tag_named("مياه")) == tag_page(client, tag_named("زراعة")) == [address(story)]
    assert tag_page(client, tag_named("الأردن")) == []


def test_restoring_a_revision_brings_the_story_back_to_its_tag_pages(editor_client, editor, desk, client, now):
    story = _first_story(editor_client, desk)  # a draft tagged «زراعة، الأردن»
    services.article_publish(article=story, by=editor)
    published = story.published_at
    _change_everything(editor_client, story, desk)  # now tagged «نقابات، اقتصاد»
    services.article_unpublish(article=Article.objects.get(pk=story.pk), by=editor)
    assert tag_page(client, tag_named("زراعة")) == tag_page(client, tag_named("نقابات")) == []

    revision_url = admin_url("article_revision", story.pk, _versions(story)[1].pk)  # published, first tags
    response = editor_client.post(revision_url, {**form_data(editor_client.get(revision_url)), "_save": "1"})

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == "published" and story.published_at == published
    assert copies(story) == {published}
    assert tag_page(client, tag_named("زراعة")) == tag_page(client, tag_named("الأردن")) == [address(story)]
    assert tag_page(client, tag_named("نقابات")) == []


def test_a_recovered_story_is_back_on_its_tag_pages(editor_client, editor, desk, client, now):
    story = _first_story(editor_client, desk)
    services.article_publish(article=story, by=editor)
    story_address = address(story)
    assert editor_client.post(admin_url("article_delete", story.pk), {"post": "yes"}).status_code == 302
    assert tag_page(client, tag_named("زراعة")) == []

    recover_url = admin_url("article_recover", Version.objects.get_deleted(Article).get().pk)
    response = editor_client.post(recover_url, {**form_data(editor_client.get(recover_url)), "_save": "1"})

    assert response.status_code == 302
    assert in_step()
    assert tag_page(client, tag_named("زراعة")) == [story_address]


def test_agency_copy_is_listed_when_published_and_taken_off_when_withdrawn(client, now):
    make_section(name="العالم", name_en="World", slug="world")
    story = import_document(text_document(), publish=True).article
    assert copies(story) == {story.published_at}
    assert tag_page(client, tag_named("الأردن")) == [address(story)]

    import_document(text_document(version="2", pubstatus="canceled"))

    assert copies(story) == {None}
    assert tag_page(client, tag_named("الأردن")) == []


def test_generated_stories_carry_their_time_on_their_tag_rows(client, settings):
    settings.ARTICLES_PER_PAGE = 4
    call_command("generate_articles", count=40, seed=3)

    assert in_step()
    assert TaggedArticle.objects.filter(published_en_at__isnull=False).exists(), "some stories are in English"
    tag = Tag.objects.filter(tagged_articles__isnull=False).order_by("pk").first()
    newest = public_articles().filter(tags=tag).order_by("-published_at", "-pk")[:4]
    assert tag_page(client, tag) == [address(story) for story in newest]
    tag = Tag.objects.filter(tagged_articles__published_en_at__isnull=False).order_by("pk").first()
    with translation.override("en"):
        newest = public_articles().filter(tags=tag).order_by("-published_at", "-pk")[:4]
        assert tag_page(client, tag, language="en") == [address(story, "en") for story in newest]


def test_a_bulk_update_of_stories_keeps_their_tag_rows_in_step(client, now):
    story = make_article(tags=["الطاقة"])

    Article.objects.filter(pk=story.pk).update(status=Article.Status.UNPUBLISHED)
    assert copies(story) == {None} and tag_page(client, tag_named("الطاقة")) == []

    Article.objects.filter(pk=story.pk).update(status=Article.Status.PUBLISHED, published_at=REFERENCE_TIME - HOUR)
    assert copies(story) == {REFERENCE_TIME - HOUR} and tag_page(client, tag_named("الطاقة")) == [address(story)]

    story.published_at = REFERENCE_TIME - 2 * HOUR
    Article.objects.bulk_update([story], ["published_at"])
    assert copies(story) == {REFERENCE_TIME - 2 * HOUR}


def test_the_migration_fills_every_row_with_one_update(now):
    published, draft = make_article(tags=["الطاقة", "النفط"]), make_article(tags=["الطاقة"], publish=False)
    TaggedArticle.objects.update(published_at=REFERENCE_TIME - 9 * HOUR)  # nothing like the truth
    migration = importlib.import_module("articles.migrations.0014_tag_publication_times")

    with CaptureQueriesContext(connection) as captured:
        migration.copy_publication_times(apps, SimpleNamespace(connection=connection))

    assert len(captured) == 1
    assert copies(published) == {published.published_at} and copies(draft) == {None}


# --- The English copy follows translating ----------------------------------------------------

ENGLISH = {"headline": "Energy prices fall", "dek": "A dek."}


def test_translating_a_story_puts_it_on_its_english_tag_page_and_untranslating_takes_it_off(client, now):
    translated = make_article(tags=["الطاقة"], published_at=REFERENCE_TIME - 2 * HOUR, english=ENGLISH)
    story = make_article(tags=["الطاقة"])
    tag = tag_named("الطاقة")
    assert english_copies(translated) == {translated.published_at} and english_copies(story) == {None}
    assert tag_page(client, tag, language="en") == [address(translated, "en")]

    story.headline_en, story.dek_en = "Oil and gas", "A dek."
    services.article_save(article=story)

    assert english_copies(story) == {story.published_at}
    assert tag_page(client, tag, language="en") == [address(story, "en"), address(translated, "en")]

    story.headline_en = ""
    services.article_save(article=story)

    assert english_copies(story) == {None} and copies(story) == {story.published_at}
    assert tag_page(client, tag, language="en") == [address(translated, "en")]
    assert tag_page(client, tag) == [address(story), address(translated)]


def test_the_admin_translation_puts_and_takes_a_story_on_english_tag_pages(editor_client, client, now):
    story = make_article(tags=["الطاقة"])
    url = admin_url("article_change", story.pk)
    data = form_data(editor_client.get(url))

    data.update({"headline_en": "Energy prices fall", "dek_en": "A dek.", "body_en": "<p>Prices fell.</p>"})
    assert editor_client.post(url, {**data, "_save": "1"}).status_code == 302

    story.refresh_from_db()
    assert english_copies(story) == {story.published_at}
    assert tag_page(client, tag_named("الطاقة"), language="en") == [address(story, "en")]

    data = form_data(editor_client.get(url))
    data.update({"headline_en": "", "dek_en": "", "body_en": ""})
    assert editor_client.post(url, {**data, "_save": "1"}).status_code == 302

    assert english_copies(story) == {None}
    assert tag_page(client, tag_named("الطاقة"), language="en") == []
    assert tag_page(client, tag_named("الطاقة")) == [address(story)]


def test_publishing_and_unpublishing_a_translated_story_moves_its_english_copy(client, now):
    draft = make_article(tags=["الطاقة"], publish=False, english=ENGLISH)
    assert english_copies(draft) == {None}

    services.article_publish(article=draft)

    assert english_copies(draft) == {REFERENCE_TIME}
    assert tag_page(client, tag_named("الطاقة"), language="en") == [address(draft, "en")]

    services.article_unpublish(article=draft)

    assert english_copies(draft) == {None}
    assert tag_page(client, tag_named("الطاقة"), language="en") == []


def test_restoring_a_translated_revision_brings_the_story_back_to_its_english_tag_pages(
    editor_client, editor, desk, client, now
):
    story = _first_story(editor_client, desk)  # a draft in both languages, tagged «زراعة، الأردن»
    services.article_publish(article=story, by=editor)
    published = story.published_at
    url = admin_url("article_change", story.pk)
    data = form_data(editor_client.get(url))
    data.update({"headline_en": "", "dek_en": "", "body_en": "", "_save": "1"})
    assert editor_client.post(url, data).status_code == 302  # the English text taken out
    assert english_copies(story) == {None} and tag_page(client, tag_named("زراعة"), language="en") == []

    revision_url = admin_url("article_revision", story.pk, _versions(story)[1].pk)  # published, in English
    response = editor_client.post(revision_url, {**form_data(editor_client.get(revision_url)), "_save": "1"})

    assert response.status_code == 302
    assert english_copies(story) == {published} and in_step()
    assert tag_page(client, tag_named("زراعة"), language="en") == [address(story, "en")]
    # The copies are the story's, not the tag rows' history: no revision holds them.
    tag_rows = Version.objects.get_for_model(TaggedArticle)
    assert tag_rows and not any({"published_at", "published_en_at"} & row.field_dict.keys() for row in tag_rows)


def test_english_agency_copy_joins_english_tag_pages_once_translated_and_published(client, now):
    make_section(name="العالم", name_en="World", slug="world")
    english_copy = text_document(
        language="en",
        headlines=[{"role": "main", "value": "Ministers meet in Amman"}],
        descriptions=[{"role": "summary", "value": "Arab foreign ministers meet."}],
        bodies=[{"role": "main", "contenttype": "text/html", "value": "<p>Ministers met in Amman.</p>"}],
    )
    story = import_document(english_copy, publish=True).article
    assert story.is_translation_needed and story.status == Article.Status.REVIEW
    assert copies(story) == english_copies(story) == {None}

    story.headline_ar, story.is_translation_needed = "الوزراء يجتمعون في عمّان", False
    services.article_publish(article=story)

    assert english_copies(story) == {story.published_at}
    assert tag_page(client, tag_named("الأردن"), language="en") == [address(story, "en")]

    import_document(text_document(version="2", pubstatus="canceled", language="en"))

    assert english_copies(story) == {None}
    assert tag_page(client, tag_named("الأردن"), language="en") == []


def test_arabic_agency_copy_stays_off_english_tag_pages(client, now):
    make_section(name="العالم", name_en="World", slug="world")
    story = import_document(text_document(), publish=True).article

    assert copies(story) == {story.published_at} and english_copies(story) == {None}
    assert tag_page(client, tag_named("الأردن"), language="en") == []


def test_a_bulk_update_of_english_headlines_keeps_the_english_copy_in_step(client, now):
    story = make_article(tags=["الطاقة"], english=ENGLISH)

    Article.objects.filter(pk=story.pk).update(headline_en="")
    assert english_copies(story) == {None} and tag_page(client, tag_named("الطاقة"), language="en") == []

    Article.objects.filter(pk=story.pk).update(headline_en="Energy prices rise")
    assert english_copies(story) == {story.published_at}

    story.headline_en = None
    Article.objects.bulk_update([story], ["headline_en"])
    assert english_copies(story) == {None} and copies(story) == {story.published_at}


def test_the_english_migration_fills_every_row_with_one_update(now):
    translated = make_article(tags=["الطاقة", "النفط"], english=ENGLISH)
    arabic_only = make_article(tags=["الطاقة"])
    translated_draft = make_article(tags=["الطاقة"], publish=False, english=ENGLISH)
    TaggedArticle.objects.update(published_en_at=REFERENCE_TIME - 9 * HOUR)  # nothing like the truth
    migration = importlib.import_module("articles.migrations.0015_tag_english_publication_times")

    with CaptureQueriesContext(connection) as captured:
        migration.copy_english_publication_times(apps, SimpleNamespace(connection=connection))

    assert len(captured) == 1
    assert english_copies(translated) == {translated.published_at}
    assert english_copies(arabic_only) == english_copies(translated_draft) == {None}
    assert in_step()


# --- A stale copy never shows what is not public --------------------------------------------


def _behind_the_services(sql: str, params: list) -> None:
    """A change written straight to the database, leaving the tag rows' copy as it was."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "change",
    [
        ("UPDATE articles_article SET status = 'unpublished' WHERE id = %s", []),
        ("UPDATE articles_article SET status = 'draft', published_at = NULL WHERE id = %s", []),
        ("UPDATE articles_article SET published_at = %s WHERE id = %s", [REFERENCE_TIME + 24 * HOUR]),
    ],
    ids=["unpublished", "draft", "scheduled"],
)
@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_stale_copy_never_shows_a_story_that_is_not_public(client, settings, now, change, language):
    settings.ARTICLES_PER_PAGE = 2
    english = {"headline": "Energy story", "dek": "A dek."}
    newest, middle, oldest = (
        make_article(tags=["الطاقة"], published_at=REFERENCE_TIME - hours * HOUR, english=english)
        for hours in (1, 2, 3)
    )
    sql, params = change
    _behind_the_services(sql, [*params, newest.pk])
    assert copies(newest) == {REFERENCE_TIME - HOUR}, "the copy is stale on purpose"
    tag = tag_named("الطاقة")

    shown = every_page(client, tag, language)
    feed = parse(client.get(feed_url("tag", tag, language)))

    # At worst a page is one story short (its key was counted, its row failed the gate).
    assert shown == [address(middle, language), address(oldest, language)]
    assert [item.findtext("link") for item in feed.findall("channel/item")] == [
        f"http://testserver{address(story, language)}" for story in (middle, oldest)
    ]


def test_a_draft_whose_copy_says_published_stays_off_the_tag_page(client, now):
    story = make_article(tags=["الطاقة"])
    draft = make_article(tags=["الطاقة"], publish=False)
    _behind_the_services(
        "UPDATE articles_taggedarticle SET published_at = %s WHERE content_object_id = %s", [REFERENCE_TIME, draft.pk]
    )

    assert tag_page(client, tag_named("الطاقة")) == [address(story)]


def english_tag_page(client, tag: Tag):
    response = client.get(url_in("en", named_in_english(tag)))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "change",
    [
        ("UPDATE articles_article SET headline_en = '' WHERE id = %s", []),
        ("UPDATE articles_article SET headline_en = NULL WHERE id = %s", []),
    ],
    ids=["empty", "null"],
)
def test_a_story_untranslated_behind_the_services_never_shows_on_english_tag_pages(client, settings, now, change):
    settings.ARTICLES_PER_PAGE = 2
    newest, middle, oldest = (
        make_article(tags=["الطاقة"], published_at=REFERENCE_TIME - hours * HOUR, english=ENGLISH)
        for hours in (1, 2, 3)
    )
    sql, params = change
    _behind_the_services(sql, [*params, newest.pk])
    assert english_copies(newest) == {REFERENCE_TIME - HOUR}, "the copy is stale on purpose"
    tag = tag_named("الطاقة")

    response = english_tag_page(client, tag)

    # Its key was counted, its row failed the gate: the first page is one story short.
    assert listed(response) == [address(middle, "en")]
    assert address(newest, "en") not in html_of(response) and newest.headline_ar not in html_of(response)
    assert every_page(client, tag, "en") == [address(middle, "en"), address(oldest, "en")]


def test_an_untranslated_or_draft_story_whose_english_copy_says_published_stays_off(client, now):
    translated = make_article(tags=["الطاقة"], published_at=REFERENCE_TIME - 3 * HOUR, english=ENGLISH)
    arabic_only = make_article(tags=["الطاقة"], headline="خبر بالعربية وحدها")
    draft = make_article(tags=["الطاقة"], headline="مسودة مترجمة", publish=False, english={"headline": "A draft"})
    for story in (arabic_only, draft):
        _behind_the_services(
            "UPDATE articles_taggedarticle SET published_en_at = %s WHERE content_object_id = %s",
            [REFERENCE_TIME - HOUR, story.pk],
        )

    response = english_tag_page(client, tag_named("الطاقة"))

    assert listed(response) == [address(translated, "en")]
    html = html_of(response)
    assert all(story.headline_ar not in html for story in (arabic_only, draft)) and "A draft" not in html


# --- Order, pages and queries as before -------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_tag_page_keeps_the_lists_order_and_bound(client, settings, now, language):
    settings.ARTICLES_PER_PAGE, settings.MAX_LIST_PAGES = 2, 3
    english = {"headline": "A story", "dek": "A dek."}
    hours = (9, 3, 5, 1, 7, 3, 2, 8, 6)  # two share a time: the newer id comes first
    for n, h in enumerate(hours):
        make_article(headline=f"خبر {n}", tags=["الطاقة"], published_at=REFERENCE_TIME - h * HOUR, english=english)
    make_article(tags=["الطاقة"], publish=False, english=english)
    make_article(tags=["الطاقة"], published_at=REFERENCE_TIME + HOUR, english=english)
    for h in (0.5, 2.5, 4, 10):  # in Arabic only: among the Arabic list, never in the English one
        make_article(tags=["الطاقة"], published_at=REFERENCE_TIME - h * HOUR)
    tag = tag_named("الطاقة")
    with translation.override(language):
        expected = [address(s, language) for s in public_articles().filter(tags=tag).order_by("-published_at", "-pk")]

    pages = [tag_page(client, tag, number, language) for number in (1, 2, 3)]

    assert pages == [expected[0:2], expected[2:4], expected[4:6]]
    assert client.get(f"{url_in(language, tag)}?page=4").status_code == 404


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_tag_page_costs_the_same_queries_for_few_stories_and_many(client, now, language):
    english = {"headline": "A story", "dek": "A dek."}
    make_article(tags=["الطاقة"], english=english)
    tag = named_in_english(tag_named("الطاقة"))
    url = url_in(language, tag)
    client.get(url)  # the section menu is cached after the first page

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for hours in range(2, 30):
        make_article(tags=["الطاقة"], published_at=REFERENCE_TIME - hours * HOUR, english=english)
    with CaptureQueriesContext(connection) as many:
        shown = tag_page(client, tag, 1, language)

    assert len(shown) == 12
    assert len(many) == len(few) <= QUERY_BUDGETS["tag"]
