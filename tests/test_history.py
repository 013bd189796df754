"""A story's history: every save is a revision with its relations in both languages;
editors compare, restore and recover through the admin, and a revision that no longer fits
the database gives a message instead of an error page."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Byline, CitedSource, Correction, Placement, Tag, TaggedArticle
from articles.stories import history, services

from .conftest import REFERENCE_TIME
from .factories import make_agency, make_article, make_author, make_image, make_section
from .test_admin import form_data
from .test_permissions import admin_url, logged_in, newsroom_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _static_files_looked_up_per_request(settings):
    # Each test client builds its own middleware; WhiteNoise would index every static file each time.
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture
def editor(db):
    return newsroom_user("editor")


@pytest.fixture
def editor_client(editor):
    return logged_in(editor)


def _inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def _snapshot(story: Article) -> dict:
    """Everything a revision must bring back, as plain values."""
    story = Article.objects.get(pk=story.pk)
    return {
        "fields": {
            name: getattr(story, name)
            for name in ("headline_ar", "headline_en", "dek_ar", "dek_en", "body_ar", "body_en", "section_id")
        },
        "tags": sorted(story.tags.values_list("name_ar", flat=True)),
        "bylines": [(b.author_id, b.text) for b in story.bylines.all()],
        "sources": [(c.source_id, c.url) for c in story.cited_sources.all()],
        "placements": [
            (p.image_id, p.after_paragraph, p.caption_override_ar, p.caption_override_en)
            for p in story.placements.all()
        ],
    }


@pytest.fixture
def newsroom(db):
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


def _first_story(editor_client, newsroom) -> Article:
    response = editor_client.post(
        admin_url("article_add"),
        {
            "headline_ar": "الأردن يطلق خطة لدعم المزارعين",
            "headline_en": "Jordan launches a plan to support farmers",
            "dek_ar": "خطة لخمس سنوات.",
            "dek_en": "A five-year plan.",
            "body_ar": "<p>أعلنت الحكومة خطة جديدة.</p><p>تشمل الخطة قروضاً ميسرة.</p>",
            "body_en": "<p>The government announced a new plan.</p>",
            "section": newsroom["section"].pk,
            "tags": "زراعة، الأردن",
            "desk_action": "draft",
            **_inline(
                "bylines",
                [{"position": "0", "author": newsroom["layla"].pk}, {"position": "1", "text": "وكالات"}],
            ),
            **_inline(
                "cited_sources",
                [{"position": "0", "source": newsroom["reuters"].pk, "url": "https://www.reuters.com/jordan-farmers"}],
            ),
            **_inline(
                "placements",
                [
                    {
                        "position": "0",
                        "image": newsroom["market"].pk,
                        "after_paragraph": "1",
                        "caption_override_ar": "المزارعون في السوق المركزي",
                        "caption_override_en": "Farmers at the central market",
                    }
                ],
            ),
            "_save": "1",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    return Article.objects.get()


def _change_everything(editor_client, story, newsroom) -> None:
    url = admin_url("article_change", story.pk)
    data = form_data(editor_client.get(url))
    data.update(
        {
            "headline_ar": "الحكومة تعدّل خطة دعم المزارعين",
            "headline_en": "Government amends the farmers' plan",
            "dek_ar": "تعديلات بعد اعتراض النقابة.",
            "dek_en": "",
            "body_ar": "<p>عدّلت الحكومة خطتها.</p>",
            "body_en": "<p>The government amended its plan.</p>",
            "section": newsroom["other_section"].pk,
            "tags": "نقابات، اقتصاد",
            "bylines-0-DELETE": "on",
            "bylines-1-text": "مراسلنا في عمّان",
            "cited_sources-0-DELETE": "on",
            "placements-0-DELETE": "on",
            "_save": "1",
        }
    )
    data |= {
        "bylines-TOTAL_FORMS": "3",
        "bylines-2-position": "2",
        "bylines-2-author": newsroom["samer"].pk,
        "cited_sources-TOTAL_FORMS": "2",
        "cited_sources-1-position": "1",
        "cited_sources-1-source": newsroom["petra"].pk,
        "placements-TOTAL_FORMS": "2",
        "placements-1-position": "0",
        "placements-1-image": newsroom["port"].pk,
        "placements-1-caption_override_ar": "ميناء العقبة صباحاً",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""


def _versions(story) -> list[Version]:
    return list(Version.objects.get_for_object_reference(Article, story.pk).order_by("revision__date_created", "pk"))


def test_every_save_records_one_revision_with_the_user_and_all_relations(editor_client, editor, newsroom, now):
    story = _first_story(editor_client, newsroom)
    _change_everything(editor_client, story, newsroom)

    versions = _versions(story)
    assert len(versions) == 2
    assert {version.revision.user for version in versions} == {editor}
    first = versions[0].revision
    saved = {version.content_type.model_class() for version in first.version_set.all()}
    assert saved == {Article, Byline, CitedSource, Placement, TaggedArticle}
    fields = versions[0].field_dict
    assert (fields["headline_ar"], fields["headline_en"]) == (
        "الأردن يطلق خطة لدعم المزارعين",
        "Jordan launches a plan to support farmers",
    )
    assert "version" not in json.loads(versions[0].serialized_data)[0]["fields"]


def test_restoring_the_first_revision_brings_back_both_languages_and_every_relation(editor_client, newsroom, now):
    story = _first_story(editor_client, newsroom)
    original = _snapshot(story)
    _change_everything(editor_client, story, newsroom)
    changed = _snapshot(story)
    assert all(changed[key] != original[key] for key in original), "the change should touch every part"

    revision_url = admin_url("article_revision", story.pk, _versions(story)[0].pk)
    shown = editor_client.get(revision_url)
    assert shown.status_code == 200
    assert _snapshot(story) == changed, "opening a revision must not change the story"
    data = form_data(shown)
    assert data["headline_ar"] == "الأردن يطلق خطة لدعم المزارعين"

    response = editor_client.post(revision_url, {**data, "_save": "1"})

    assert response.status_code == 302
    assert _snapshot(story) == original
    assert len(_versions(story)) == 3


def test_restoring_does_not_rewind_the_lost_edit_counter(editor_client, editor, newsroom, now):
    story = _first_story(editor_client, newsroom)
    _change_everything(editor_client, story, newsroom)
    colleague = logged_in(newsroom_user("editor", username="second-editor", first_name="هالة", last_name="سليم"))
    stale = form_data(colleague.get(admin_url("article_change", story.pk)))  # opened at version 2
    latest = Article.objects.get(pk=story.pk)
    latest.headline_ar = "الحكومة تعدّل الخطة مرة ثانية"
    services.article_save(article=latest, by=editor)
    version_before = Article.objects.get(pk=story.pk).version
    assert version_before == 3

    revision_url = admin_url("article_revision", story.pk, _versions(story)[0].pk)
    restored = editor_client.post(revision_url, {**form_data(editor_client.get(revision_url)), "_save": "1"})

    assert restored.status_code == 302
    assert Article.objects.get(pk=story.pk).version == version_before + 1
    # A form opened before the restore is outdated: its save is refused, not silently accepted.
    response = colleague.post(admin_url("article_change", story.pk), {**stale, "headline_ar": "عنوان قديم"})
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert Article.objects.get(pk=story.pk).headline_ar == "الأردن يطلق خطة لدعم المزارعين"


def test_history_lists_each_save_and_compare_shows_what_changed(editor_client, newsroom, monkeypatch):
    moments = iter(REFERENCE_TIME + timedelta(minutes=minute) for minute in range(1000))
    monkeypatch.setattr(timezone, "now", lambda: next(moments))
    story = _first_story(editor_client, newsroom)
    _change_everything(editor_client, story, newsroom)
    old, new = _versions(story)

    history = editor_client.get(admin_url("article_history", story.pk)).content.decode()
    assert history.count('name="old"') == 2
    assert admin_url("article_revision", story.pk, old.pk) in history
    assert "خالد منصور" in history

    # Older first, whichever way round the two were picked.
    response = editor_client.get(admin_url("article_compare", story.pk), {"old": new.pk, "new": old.pk})

    assert response.status_code == 200
    differences = {str(d.label): (str(d.old), str(d.new)) for d in response.context["differences"]}
    assert differences["العنوان [عربي]"] == (
        "<del>الأردن يطلق</del> خطة <del>لدعم</del> المزارعين",
        "<ins>الحكومة تعدّل</ins> خطة <ins>دعم</ins> المزارعين",
    )
    assert differences["القسم"] == ("<del>اقتصاد</del>", "<ins>محليات</ins>")
    assert differences["الوسوم"] == ("<del>الأردن، زراعة</del>", "<ins>اقتصاد، نقابات</ins>")
    assert differences["الكتّاب"] == ("<del>ليلى حداد، وكالات</del>", "<ins>مراسلنا في عمّان، سامر العلي</ins>")
    assert differences["المصادر"] == ("<del>رويترز (https://www.reuters.com/jordan-farmers)</del>", "<ins>بترا</ins>")
    # Each photo with where it sits and the captions written for this story.
    old_photos, new_photos = (re.sub(r"</?(?:del|ins)>", "", side) for side in differences["صور القصة"])
    assert old_photos == (
        "سوق الخضار المركزي — بعد الفقرة 1 — التعليق [عربي]: المزارعون في السوق المركزي"
        " — التعليق [إنجليزي]: Farmers at the central market"
    )
    assert new_photos == "ميناء العقبة — التعليق [عربي]: ميناء العقبة صباحاً"
    assert "صباحاً</ins>" in differences["صور القصة"][1]
    # The body as readers read it, not its markup.
    assert "<p>" not in differences["النص [عربي]"][0] + differences["النص [عربي]"][1]
    assert "&lt;p&gt;" not in differences["النص [عربي]"][0] + differences["النص [عربي]"][1]
    assert {"العنوان [إنجليزي]", "العنوان الفرعي [عربي]", "النص [عربي]", "النص [إنجليزي]"} <= set(differences)


def test_compare_without_two_versions_explains_and_goes_back_to_history(editor_client, newsroom, now):
    story = _first_story(editor_client, newsroom)

    response = editor_client.get(admin_url("article_compare", story.pk), {"old": "x"})

    assert response.status_code == 302
    assert response["Location"] == admin_url("article_history", story.pk)


def test_journalist_reads_history_but_is_offered_no_restore(newsroom, now):
    journalist = newsroom_user("journalist")
    story = services.article_create(headline="مسودتي", section=newsroom["section"], by=journalist)

    page = logged_in(journalist).get(admin_url("article_history", story.pk)).content.decode()

    assert 'name="old"' in page
    assert admin_url("article_revision", story.pk, _versions(story)[0].pk) not in page


def test_a_deleted_story_is_recovered_with_its_relations(editor_client, newsroom, now):
    story = _first_story(editor_client, newsroom)
    original = _snapshot(story)
    pk = story.pk
    assert editor_client.post(admin_url("article_delete", pk), {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=pk).exists()
    assert not Byline.objects.exists() and not Placement.objects.exists()

    recover_list = editor_client.get(admin_url("article_recoverlist")).content.decode()
    (version,) = Version.objects.get_deleted(Article)
    recover_url = admin_url("article_recover", version.pk)
    assert recover_url in recover_list

    response = editor_client.post(recover_url, {**form_data(editor_client.get(recover_url)), "_save": "1"})

    assert response.status_code == 302
    assert _snapshot(Article(pk=pk)) == original


def _corrupt(version: Version, **fields) -> None:
    data = json.loads(version.serialized_data)
    data[0]["fields"].update(fields)
    version.serialized_data = json.dumps(data)
    version.save()


def test_a_revision_with_a_field_that_no_longer_exists_still_restores(editor_client, newsroom, now):
    story = _first_story(editor_client, newsroom)
    _change_everything(editor_client, story, newsroom)
    first = _versions(story)[0]
    # As if saved before a migration removed a field.
    _corrupt(first, kicker_ar="عاجل", kicker_en="Breaking")
    revision_url = admin_url("article_revision", story.pk, first.pk)

    shown = editor_client.get(revision_url)
    assert shown.status_code == 200
    response = editor_client.post(revision_url, {**form_data(shown), "_save": "1"})

    assert response.status_code == 302
    assert Article.objects.get(pk=story.pk).headline_ar == "الأردن يطلق خطة لدعم المزارعين"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # A state the newsroom no longer has.
        ({"status": "archived"}, "تعذّرت استعادة نسخة «%(object_repr)s»"),
        # A field whose type changed.
        ({"published_at": "not a date"}, "تعذّرت قراءة نسخة «%(object_repr)s»"),
    ],
    ids=["value no longer allowed", "type changed"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_revision_that_no_longer_fits_gives_a_message_not_an_error_page(
    editor_client, newsroom, fields, expected, method, now
):
    story = _first_story(editor_client, newsroom)
    _change_everything(editor_client, story, newsroom)
    first = _versions(story)[0]
    revision_url = admin_url("article_revision", story.pk, first.pk)
    data = form_data(editor_client.get(revision_url))
    _corrupt(first, **fields)
    before = _snapshot(story)

    if method == "get":
        response = editor_client.get(revision_url)
    else:
        response = editor_client.post(revision_url, {**data, "_save": "1"})

    assert response.status_code == 302
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert len(errors) == 1
    assert errors[0].startswith(expected % {"object_repr": "الأردن يطلق خطة لدعم المزارعين"})
    assert _snapshot(story) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_revision_using_a_tag_deleted_since_gives_a_message_not_an_error_page(editor_client, newsroom, method, now):
    story = _first_story(editor_client, newsroom)
    _change_everything(editor_client, story, newsroom)
    revision_url = admin_url("article_revision", story.pk, _versions(story)[0].pk)
    data = form_data(editor_client.get(revision_url))
    Tag.objects.get(name_ar="زراعة").delete()
    before = _snapshot(story)

    if method == "get":
        response = editor_client.get(revision_url)
    else:
        response = editor_client.post(revision_url, {**data, "_save": "1"})

    assert response.status_code == 302
    assert response["Location"] == admin_url("article_changelist")
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert errors == [
        "لا يمكن استعادة هذه النسخة من «الأردن يطلق خطة لدعم المزارعين»: فيها وسم أو كاتب أو مصدر أو صورة"
        " حُذف منذ ذلك الحين. قارنها بالنسخة الحالية في سجل التعديلات وانسخ ما تحتاجه."
    ]
    assert _snapshot(story) == before
    assert TaggedArticle.objects.filter(content_object=story).count() == 2
    # The refused restore ends with its request: the next change form on this thread is an ordinary one.
    assert history.current_restore() is None


def test_services_record_revisions_too(editor, now):
    story = make_article(headline="خبر من الخدمة", tags=["اقتصاد"])
    story.headline_ar = "خبر من الخدمة بعد التعديل"
    services.article_save(article=story, by=editor)

    versions = _versions(story)
    assert [v.field_dict["headline_ar"] for v in versions] == ["خبر من الخدمة", "خبر من الخدمة بعد التعديل"]
    assert versions[1].revision.user == editor
    assert reverse("admin:articles_article_history", args=[story.pk])


def test_restoring_an_older_revision_keeps_the_corrections_readers_have_seen(editor_client, editor, newsroom, now):
    story = make_article(headline="الوزير يفتتح المستشفى", section=newsroom["section"])
    story.headline_ar = "الوزير يفتتح المستشفى الجديد"
    services.article_save(article=story, by=editor)
    services.article_add_correction(article=story, note="المستشفى في إربد.", by=editor)
    revision_url = admin_url("article_revision", story.pk, _versions(story)[0].pk)

    response = editor_client.post(revision_url, {**form_data(editor_client.get(revision_url)), "_save": "1"})

    assert response.status_code == 302
    assert Article.objects.get(pk=story.pk).headline_ar == "الوزير يفتتح المستشفى"
    assert [c.note_ar for c in Correction.objects.filter(article=story)] == ["المستشفى في إربد."]


def test_a_recovered_story_gets_its_corrections_back(editor_client, editor, newsroom, now):
    story = make_article(headline="الوزير يفتتح المستشفى", section=newsroom["section"])
    services.article_add_correction(article=story, note="المستشفى في إربد.", by=editor)
    pk = story.pk
    services.article_delete(article=story, by=editor)
    recover_url = admin_url("article_recover", Version.objects.get_deleted(Article).get().pk)

    response = editor_client.post(recover_url, {**form_data(editor_client.get(recover_url)), "_save": "1"})

    assert response.status_code == 302
    assert [c.note_ar for c in Correction.objects.filter(article_id=pk)] == ["المستشفى في إربد."]
