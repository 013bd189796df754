"""Rows moved up and down on the story form (bylines, cited sources, photos): the order the
page shows is the order saved, autosaved, offered back and compared in a held conflict."""

from __future__ import annotations

from html import unescape

import pytest

from articles.models import Article
from articles.stories import services

from .factories import make_section
from .test_admin import form_data
from .test_permissions import admin_url, logged_in, newsroom_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def journalist(db):
    return newsroom_user("journalist")


@pytest.fixture
def editor(db):
    return newsroom_user("editor")


@pytest.fixture
def story(journalist):
    return services.article_create(
        headline="المجلس البلدي يناقش الموازنة",
        body="<p>فقرة أولى.</p>",
        section=make_section(),
        by=journalist,
        bylines=[services.BylineInput(text="سارة القاسم"), services.BylineInput(text="وكالات")],
    )


def bylines_of(story) -> list[str]:
    return list(Article.objects.get(pk=story.pk).bylines.values_list("text", flat=True))


def swapped(data: dict) -> dict:
    """The form as the page sends it once the first byline was moved below the second."""
    return {**data, "bylines-0-page_order": "1", "bylines-1-page_order": "0"}


def test_the_form_carries_each_row_s_place_in_a_hidden_input(journalist, story):
    data = form_data(logged_in(journalist).get(admin_url("article_change", story.pk)))

    assert (data["bylines-0-page_order"], data["bylines-1-page_order"], data["bylines-2-page_order"]) == ("0", "1", "2")
    assert data["cited_sources-0-page_order"] == "0" and data["placements-0-page_order"] == "0"


def test_a_moved_row_is_saved_in_its_new_place_though_nothing_else_changed(journalist, story):
    client = logged_in(journalist)
    url = admin_url("article_change", story.pk)

    response = client.post(url, {**swapped(form_data(client.get(url))), "desk_action": "draft"})

    assert response.status_code == 302
    assert bylines_of(story) == ["وكالات", "سارة القاسم"]


def test_without_the_script_rows_keep_the_order_of_their_numbers(journalist, story):
    client = logged_in(journalist)
    url = admin_url("article_change", story.pk)
    data = {name: value for name, value in form_data(client.get(url)).items() if not name.endswith("page_order")}
    data |= {"bylines-2-text": "مراسل الصحيفة", "desk_action": "draft"}

    assert client.post(url, data).status_code == 302
    assert bylines_of(story) == ["سارة القاسم", "وكالات", "مراسل الصحيفة"]


def test_an_empty_row_moved_to_the_top_stays_empty_and_a_new_one_takes_its_place(journalist, story):
    client = logged_in(journalist)
    url = admin_url("article_change", story.pk)
    data = form_data(client.get(url))
    # The page: the new byline first, then the two stored ones, then an untouched empty row.
    data |= {
        "bylines-0-page_order": "1",
        "bylines-1-page_order": "2",
        "bylines-2-page_order": "0",
        "bylines-2-text": "مراسل الصحيفة",
        "bylines-3-page_order": "3",
        "desk_action": "draft",
    }
    data["bylines-TOTAL_FORMS"] = "4"

    assert client.post(url, data).status_code == 302
    assert bylines_of(story) == ["مراسل الصحيفة", "سارة القاسم", "وكالات"]


def test_an_autosaved_copy_keeps_the_moved_order_and_gives_it_back(journalist, story):
    client = logged_in(journalist)
    url = admin_url("article_change", story.pk)

    response = client.post(admin_url("article_autosave"), swapped(form_data(client.get(url))))

    assert response.status_code == 200
    assert bylines_of(story) == ["سارة القاسم", "وكالات"]
    offer = unescape(client.get(url).content.decode())
    assert "استعادة النص غير المحفوظ" in offer  # the order alone is a change worth offering
    restored = form_data(client.get(f"{url}?draft=restore"))
    # The rows come back with their places (story-desk.js puts them in that order on the page).
    assert (restored["bylines-0-page_order"], restored["bylines-1-page_order"]) == ("1", "0")
    assert client.post(url, {**restored, "desk_action": "draft"}).status_code == 302
    assert bylines_of(story) == ["وكالات", "سارة القاسم"]


def test_a_held_conflict_compares_the_rows_in_the_writer_s_page_order(journalist, editor, story):
    url = admin_url("article_change", story.pk)
    theirs, mine = logged_in(editor), logged_in(journalist)
    their_form, my_form = form_data(theirs.get(url)), form_data(mine.get(url))
    their_form |= {"headline_ar": "المجلس البلدي يقر الموازنة", "_save": "1"}
    assert theirs.post(url, their_form).status_code == 302

    held = mine.post(url, {**swapped(my_form), "_save": "1"})

    assert held.status_code == 200
    rows = {row.key: row for row in held.context["conflict_rows"]}
    assert rows["bylines"].choice == "mine"
    mine_text = unescape(str(rows["bylines"].mine))
    assert mine_text.index("وكالات") < mine_text.index("سارة القاسم")
    merged = {**form_data(held), "_save": "1"}
    assert mine.post(url, merged).status_code == 302
    assert bylines_of(story) == ["وكالات", "سارة القاسم"]
    assert Article.objects.get(pk=story.pk).headline_ar == "المجلس البلدي يقر الموازنة"


def test_a_story_read_but_not_edited_has_nothing_to_move(journalist, story):
    client = logged_in(journalist)
    url = admin_url("article_change", story.pk)
    client.post(url, {**form_data(client.get(url)), "desk_action": "review"})
    assert Article.objects.get(pk=story.pk).status == Article.Status.REVIEW

    page = client.get(url).content.decode()

    assert "page_order" not in page and "sahifa-row-order" not in page
    assert "سارة القاسم" in page and "وكالات" in page


# --- Language labels ------------------------------------------------------------------------


def test_a_story_read_only_names_each_field_s_language_in_words_as_the_form_does(journalist, editor, story):
    url = admin_url("article_change", story.pk)
    client = logged_in(journalist)
    editable = client.get(url).content.decode()
    client.post(url, {**form_data(client.get(url)), "desk_action": "review"})

    read_only = client.get(url).content.decode()

    assert 'name="headline_ar"' not in read_only  # read only indeed
    for page in (editable, read_only):
        for label in ("العنوان [عربي]", "العنوان الفرعي [إنجليزي]", "المعرّف في الرابط [عربي]", "النص [عربي]"):
            assert label in page
        assert "تعليق خاص بهذه القصة [عربي]" in page  # the photos' column heading
        assert "[ar]" not in page and "[en]" not in page


def test_the_history_note_still_names_the_changed_field_in_arabic(editor, story):
    url = admin_url("article_change", story.pk)
    client = logged_in(editor)
    data = {**form_data(client.get(url)), "headline_ar": "المجلس البلدي يقر الموازنة", "desk_action": "draft"}
    assert client.post(url, data).status_code == 302

    history = client.get(admin_url("article_history", story.pk)).content.decode()

    assert "العنوان [عربي]" in history and "Headline" not in history
