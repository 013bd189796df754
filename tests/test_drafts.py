"""Autosave and edit conflicts, through the admin's forms: each writer's unsaved copy is theirs
alone; a save from an outdated copy is held and merged field by field; rows deleted by the
other person never block a save."""

from __future__ import annotations

from html import unescape

import pytest
from django.http import QueryDict

from articles.desk import drafts
from articles.models import Article, Byline, StoryDraft
from articles.stories import services

from .factories import make_agency, make_image, make_section
from .test_admin import form_data
from .test_permissions import admin_url, logged_in, newsroom_user

pytestmark = pytest.mark.django_db

RESTORE = "استعادة النص غير المحفوظ"


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


def autosave(client, page, **changes):
    return client.post(admin_url("article_autosave"), {**form_data(page), **changes})


def test_an_unsaved_copy_is_offered_to_its_writer_alone(journalist, editor, superuser, story):
    url = admin_url("article_change", story.pk)
    mine = logged_in(journalist)
    response = autosave(mine, mine.get(url), headline_ar="المجلس البلدي يقر الموازنة", **{"bylines-0-text": "ريم"})
    assert response.status_code == 200
    assert "حُفظت نسخة غير محفوظة تلقائياً" in response.json()["message"]
    assert Article.objects.get(pk=story.pk).headline_ar == "المجلس البلدي يناقش الموازنة"

    for other in (editor, superuser):
        client = logged_in(other)
        page = client.get(url).content.decode()
        assert RESTORE not in page and "يقر الموازنة" not in page
        assert form_data(client.get(f"{url}?draft=restore"))["headline_ar"] == "المجلس البلدي يناقش الموازنة"

    offer = unescape(mine.get(url).content.decode())
    assert RESTORE in offer
    assert "<del>يناقش</del>" in offer and "<ins>يقر</ins>" in offer
    assert "<ins>ريم</ins>" in offer
    restored = form_data(mine.get(f"{url}?draft=restore"))
    assert restored["headline_ar"] == "المجلس البلدي يقر الموازنة"
    assert (restored["bylines-0-text"], restored["bylines-1-text"]) == ("ريم", "وكالات")


def test_autosave_refuses_a_copy_for_someone_else(journalist, editor, story):
    url = admin_url("article_change", story.pk)
    page = logged_in(journalist).get(url)
    intruder = logged_in(editor)

    assert autosave(intruder, page, headline_ar="نص مدسوس").status_code == 403
    endpoint = admin_url("article_autosave")
    assert intruder.post(endpoint, {"draft_token": "forged", "headline_ar": "x"}).status_code == 403
    assert intruder.post(endpoint, {"headline_ar": "x"}).status_code == 403
    assert intruder.get(endpoint).status_code == 405
    assert not StoryDraft.objects.exists()


def test_a_new_story_has_its_unsaved_copy_too_and_saving_it_clears_the_copy(journalist):
    section = make_section()
    client = logged_in(journalist)
    add = admin_url("article_add")
    page = client.get(add)
    response = autosave(
        client, page, headline_ar="خبر جديد لم يُحفظ", section=str(section.pk), **{"bylines-0-text": "سارة القاسم"}
    )
    assert response.status_code == 200
    assert StoryDraft.objects.get().article_id is None

    assert RESTORE in client.get(add).content.decode()
    restored = client.get(f"{add}?draft=restore")
    data = form_data(restored)
    assert (data["headline_ar"], data["section"], data["bylines-0-text"]) == (
        "خبر جديد لم يُحفظ",
        str(section.pk),
        "سارة القاسم",
    )
    assert client.post(add, {**data, "_save": "1"}).status_code == 302
    saved = Article.objects.get(headline_ar="خبر جديد لم يُحفظ")
    assert [byline.text for byline in saved.bylines.all()] == ["سارة القاسم"]
    assert not StoryDraft.objects.exists()


def test_a_copy_that_changes_nothing_is_not_offered(journalist, story):
    url = admin_url("article_change", story.pk)
    client = logged_in(journalist)
    assert autosave(client, client.get(url)).status_code == 200
    assert RESTORE not in client.get(url).content.decode()
    assert not StoryDraft.objects.exists()


def test_a_form_sent_after_the_session_ended_is_kept_for_the_token_s_writer_on_its_story_only(journalist, story):
    page = logged_in(journalist).get(admin_url("article_change", story.pk))
    data = {**form_data(page), "headline_ar": "نص بعد انتهاء الجلسة", "csrfmiddlewaretoken": "x"}
    anonymous = logged_in(journalist)
    anonymous.logout()
    other = services.article_create(headline="قصة أخرى", section=make_section(), by=journalist)

    # The same token sent to another story's form keeps nothing.
    assert anonymous.post(admin_url("article_change", other.pk), data).status_code == 302
    assert not StoryDraft.objects.exists()
    assert anonymous.post(admin_url("article_change", story.pk), data).status_code == 302
    draft = StoryDraft.objects.get()
    assert (draft.user, draft.article_id) == (journalist, story.pk)
    assert QueryDict(draft.data)["headline_ar"] == "نص بعد انتهاء الجلسة"
    assert drafts.TOKEN_FIELD not in QueryDict(draft.data)


def test_change_form_and_autosave_stay_within_their_query_budgets(journalist, story, django_assert_max_num_queries):
    url = admin_url("article_change", story.pk)
    client = logged_in(journalist)
    # The story form's own budget (test_desk_actions.STORY_FORM_BUDGET): the writer's unsaved
    # copy is one query, whatever the story holds.
    with django_assert_max_num_queries(20):
        page = client.get(url)
    with django_assert_max_num_queries(10):
        autosave(client, page, headline_ar="عنوان آخر")
    # The offer reads the copy through the form and formsets once more (the story form's rows,
    # two empty byline rows included, each validated as a save would).
    with django_assert_max_num_queries(48):
        page = client.get(url)
    assert RESTORE in page.content.decode()


# --- Conflicts -------------------------------------------------------------------------------


def test_a_stale_save_is_held_and_merged_field_by_field(journalist, editor, story):
    url = admin_url("article_change", story.pk)
    theirs, mine = logged_in(editor), logged_in(journalist)
    their_form, my_form = form_data(theirs.get(url)), form_data(mine.get(url))

    their_form.update(headline_ar="المجلس البلدي يقر الموازنة", dek_ar="سطر المحرر", _save="1")
    their_form["bylines-1-DELETE"] = "on"
    assert theirs.post(url, their_form).status_code == 302

    my_form.update(
        headline_ar="المجلس البلدي يناقش موازنة العام المقبل",
        body_ar="<p>فقرة أولى.</p><p>فقرة الصحفية.</p>",
        _save="1",
    )
    my_form["bylines-0-text"] = "سارة القاسم وريم"
    held = mine.post(url, my_form)

    assert held.status_code == 200
    stored = Article.objects.get(pk=story.pk)
    assert (stored.headline_ar, stored.body_ar) == ("المجلس البلدي يقر الموازنة", "<p>فقرة أولى.</p>")
    errors = held.context["adminform"].form.non_field_errors()
    assert len(errors) == 1 and "خالد منصور" in errors[0]
    rows = {row.key: row for row in held.context["conflict_rows"]}
    assert set(rows) == {"headline_ar", "dek_ar", "body_ar", "bylines"}
    assert (rows["headline_ar"].changed_by_them, rows["headline_ar"].changed_by_me) == (True, True)
    assert (rows["headline_ar"].choice, rows["dek_ar"].choice, rows["body_ar"].choice) == ("mine", "theirs", "mine")
    assert rows["bylines"].choice == "mine"  # byline 2, deleted by the editor, is no difference
    assert "<ins>وريم</ins>" in rows["bylines"].mine

    # The journalist takes the editor's headline and rows, and keeps her paragraph.
    merged = {**form_data(held), "merge_headline_ar": "theirs", "merge_bylines": "theirs", "_save": "1"}
    assert mine.post(url, merged).status_code == 302
    stored = Article.objects.get(pk=story.pk)
    assert stored.headline_ar == "المجلس البلدي يقر الموازنة"
    assert stored.dek_ar == "سطر المحرر"
    assert stored.body_ar == "<p>فقرة أولى.</p><p>فقرة الصحفية.</p>"
    assert list(stored.bylines.values_list("text", flat=True)) == ["سارة القاسم"]
    assert stored.updated_by == journalist


def test_a_row_deleted_by_someone_else_never_blocks_a_save(journalist, story):
    url = admin_url("article_change", story.pk)
    client = logged_in(journalist)
    data = form_data(client.get(url))
    Byline.objects.filter(article=story, text="وكالات").delete()  # gone meanwhile, version unchanged
    data.update(dek_ar="سطر جديد", _save="1")

    assert client.post(url, data).status_code == 302
    stored = Article.objects.get(pk=story.pk)
    assert stored.dek_ar == "سطر جديد"
    assert list(stored.bylines.values_list("text", flat=True)) == ["سارة القاسم"]


def test_no_copy_is_kept_of_a_story_its_writer_may_no_longer_change(journalist, story):
    url = admin_url("article_change", story.pk)
    client = logged_in(journalist)
    page = client.get(url)
    Article.objects.filter(pk=story.pk).update(status=Article.Status.REVIEW)  # sent for review meanwhile

    assert autosave(client, page, headline_ar="تعديل بعد الإرسال").status_code == 403
    client.logout()
    data = {**form_data(page), "headline_ar": "تعديل بعد الإرسال", "csrfmiddlewaretoken": "x"}
    assert client.post(url, data).status_code == 302
    assert not StoryDraft.objects.exists()


def test_rows_deleted_elsewhere_are_dropped_and_the_rest_renumbered():
    from articles.desk.merge import without_deleted_rows

    data = QueryDict(mutable=True)
    data.update({"headline_ar": "خبر", "bylines-TOTAL_FORMS": "4", "bylines-INITIAL_FORMS": "3"})
    data.update({"bylines-MIN_NUM_FORMS": "0", "bylines-MAX_NUM_FORMS": "1000"})
    for index, (pk, text) in enumerate([("7", "أ"), ("8", "ب"), ("9", "ج"), ("", "د")]):
        data.update({f"bylines-{index}-id": pk, f"bylines-{index}-text": text, f"bylines-{index}-position": index})

    kept, dropped = without_deleted_rows(data, prefix="bylines", pk_name="id", existing={"8", "9"})

    assert dropped == 1
    assert (kept["bylines-TOTAL_FORMS"], kept["bylines-INITIAL_FORMS"], kept["headline_ar"]) == ("3", "2", "خبر")
    rows = [(kept[f"bylines-{i}-id"], kept[f"bylines-{i}-text"]) for i in range(3)]
    assert rows == [("8", "ب"), ("9", "ج"), ("", "د")]
    assert "bylines-3-text" not in kept
    assert without_deleted_rows(data, prefix="bylines", pk_name="id", existing={"7", "8", "9"}) == (data, 0)


def test_an_autosave_landing_just_after_the_writer_s_own_save_is_not_offered(journalist, story):
    url = admin_url("article_change", story.pk)
    client = logged_in(journalist)
    page = client.get(url)
    data = {**form_data(page), "headline_ar": "عنوان محفوظ", "_save": "1"}
    assert client.post(url, data).status_code == 302
    # Sent a moment before the last words were typed and the save, it arrives after the save.
    assert autosave(client, page, headline_ar="عنوان").status_code == 200
    assert StoryDraft.objects.exists()

    assert RESTORE not in client.get(url).content.decode()
    assert not StoryDraft.objects.exists()


def test_a_restored_copy_brings_back_section_tags_and_the_date_and_time_fields(editor, story):
    other_section = make_section(name="رياضة")
    url = admin_url("article_change", story.pk)
    client = logged_in(editor)
    page = client.get(url)
    changes = {
        "section": str(other_section.pk),
        "tags": "الموازنة، البلدية",
        "published_at_0": "2026-12-06",
        "published_at_1": "09:00:00",
    }
    assert autosave(client, page, **changes).status_code == 200

    offer = unescape(client.get(url).content.decode())
    assert "<ins>رياضة</ins>" in offer
    restored = form_data(client.get(f"{url}?draft=restore"))
    assert {name: restored[name] for name in changes} == changes


def test_a_restored_copy_brings_back_new_photo_and_source_rows(journalist, story):
    photo, agency = make_image(), make_agency()
    url = admin_url("article_change", story.pk)
    client = logged_in(journalist)
    page = client.get(url)
    rows = {
        "placements-0-image": str(photo.pk),
        "placements-0-caption_override_ar": "تعليق كتبته الصحفية",
        "cited_sources-0-source": str(agency.pk),
        "cited_sources-0-url": "https://example.com/budget",
    }
    assert autosave(client, page, **rows).status_code == 200

    offer = unescape(client.get(url).content.decode())
    assert "<ins>رويترز" in offer and "تعليق كتبته الصحفية" in offer
    restored = form_data(client.get(f"{url}?draft=restore"))
    assert {name: restored[name] for name in rows} == rows
