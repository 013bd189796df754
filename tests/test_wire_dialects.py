"""Real agency documents: Superdesk, AP's media API, a distributor's {item: [...]}, IPTC 1.6 role
suffixes and ninjs 3 roles, German and French copy; and the wire queue they land in."""

import json
import re
import shutil
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import AgencyItem, Article
from articles.wire import ninjs, queue
from articles.wire import services as wire_services
from articles.wire import validation as ninjs_validation

from .factories import data_path, make_section

pytestmark = pytest.mark.django_db

DIALECTS = data_path("ninjs-dialects")


@pytest.fixture(autouse=True)
def section(db):
    return make_section(name="العالم", name_en="World", slug="world")


def run(*args) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("import_ninjs", *[str(arg) for arg in args], stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def summary(output: str) -> str:
    return [line for line in output.splitlines() if " documents: " in line or " document: " in line][-1]


def import_file(relative: str, **options):
    path = DIALECTS / relative
    results = []
    for _label, document in ninjs_validation.read_documents(path):
        results.append(
            wire_services.article_import_ninjs(document=document, base_dir=path.parent, root=DIALECTS, **options)
        )
    return results


def text(html: str) -> str:
    return " ".join(ninjs.html_to_text(html).split())


def bylines(story: Article) -> list[str]:
    return [byline.text or byline.author.name_ar for byline in story.bylines.order_by("position")]


# --- Each dialect: headline, body, byline and dateline -----------------------------------


def test_superdesk_text_imports_with_its_authors_dateline_and_note_to_editors():
    [result] = import_file("superdesk/text-ar-v2.json")

    story = result.article
    assert result.outcome == "imported"
    assert story.headline_ar == "مصر تفتتح أكبر محطة لتحلية المياه على البحر الأحمر"
    assert story.dek_ar == "المحطة تزود نصف مليون نسمة بالمياه العذبة."
    assert text(story.body_ar).startswith("الغردقة — افتتحت الحكومة المصرية اليوم")
    # «name، university» stays one person; an editor's role is not a byline.
    assert bylines(story) == ["سارة المصري", "أحمد سالم، جامعة القاهرة"]
    assert story.wire_uri.startswith("urn:newsml:sahifa-partner.example:")
    entry = AgencyItem.objects.get()
    assert entry.article == story and entry.version == "2"
    assert entry.provider == "وكالة الشريك" and entry.urgency == 1 and entry.priority == 2 and entry.is_urgent
    assert entry.ednote.startswith("يُرجى عدم النشر")
    assert entry.unknown_fields == ["extra"]
    assert entry.document["extra"]["sdk_workflow"] == "desk-2", "vendor fields are kept with the item"
    assert "يُرجى عدم النشر" not in story.body_ar + story.dek_ar, "the note to editors never reaches readers"


def test_superdesk_picture_caption_is_never_its_credit():
    [result] = import_file("superdesk/picture.json")

    item = ninjs.parse_document(json.loads((DIALECTS / "superdesk/picture.json").read_text()))
    assert item.picture.caption.startswith("Workers inspect pipes")
    # The credit line is the copyright holder's, never the caption.
    assert item.picture.credit == "Partner Photo" and item.picture.by == "Omar Nabil"
    assert result.article.is_image_missing, "a photo on the web is flagged, never fetched"


def test_ap_item_in_its_envelope_reads_its_nitf_body_and_drops_request_tokens():
    [result] = import_file("ap/item.json")

    story = result.article
    assert story.wire_uri == "https://api.ap.org/media/v/content/5c1e0f7ad2a34b6b8f9e2d1c0b7a6e55"
    assert story.headline_en == "Jordan signs regional water-sharing deal"
    assert story.is_translation_needed and story.headline_ar == story.headline_en
    assert text(story.body_en).startswith("AMMAN, Jordan (AP) — Jordan signed a water-sharing agreement")
    assert "300 million cubic metres" in story.body_en
    assert text(story.body_en).count("AMMAN") == 1, "the dateline the text already has is not repeated"
    assert story.dek_en == "Jordan and its neighbours sign a deal to share water from a new pipeline."
    assert bylines(story) == ["LAYLA HADDAD, Associated Press"]
    assert story.wire_version == "0", "AP's integer version 0 is a version"
    entry = story.agency_item
    assert entry.language == "en" and entry.dateline == "AMMAN, Jordan" and entry.urgency == 2
    assert entry.usage_terms == "This content is intended for editorial use only. Not for resale."
    assert entry.copyright_notice.startswith("Copyright 2026 The Associated Press")
    assert "signals" in entry.unknown_fields


def test_ap_feed_page_imports_as_saved_and_the_same_item_with_new_tokens_adds_nothing():
    import_file("ap/item.json")

    output, error = run(DIALECTS / "ap" / "feed.json")

    assert summary(output) == (
        "3 documents: 1 imported, 0 queued, 0 updated, 0 held, 1 unchanged, 0 skipped, 1 failed."
    )
    assert error is not None, "the audio item in the feed is refused"
    assert Article.objects.count() == 2 and AgencyItem.objects.count() == 2
    canadian = AgencyItem.objects.get(uri="AP:9d0e4b2c55aa4f0e8c1b2a3d4e5f6071")
    assert canadian.language == "en", "en-CA is English"
    assert canadian.body_href.startswith("https://api.ap.org/"), "a text only on the web is flagged for an editor"
    assert canadian.article.headline_en == "Canadian wildfire crews head to Australia"
    assert "TORONTO" in canadian.article.body_en or canadian.dateline == "TORONTO"
    assert "مراسل" not in output
    line = next(line for line in output.splitlines() if line.startswith("imported"))
    assert "api.ap.org/media/v/content/9d0e4b2c/download" in line


def test_distributor_items_list_imports_the_story_and_keeps_the_advisory_in_the_queue():
    output, error = run(DIALECTS / "bbc" / "items.json")

    assert error is None, output
    assert summary(output) == "2 documents: 1 imported, 1 queued, 0 updated, 0 held, 0 unchanged, 0 skipped, 0 failed."
    story = Article.objects.get()
    assert story.headline_en == "Gulf states pledge new climate fund"
    assert text(story.body_en).startswith("Dubai — Six Gulf states have pledged")
    assert bylines(story) == ["Frank Gardner, Security correspondent"]
    assert story.embargo_until.isoformat() == "2026-12-05T12:00:00+00:00"
    advisory = AgencyItem.objects.get(kind="advisory")
    assert advisory.article is None and advisory.status == AgencyItem.Status.INCOMING
    assert "حقول غير معروفة: distributor_channel, distributor_tags" in output


def test_iptc_16_role_suffixed_names_are_read_with_their_roles():
    [result] = import_file("iptc/ninjs16-role-suffixed.json")

    story = result.article
    assert story.headline_ar == "الأردن يطلق خطة وطنية للطاقة الشمسية", "headline_main, not headline_short"
    assert story.dek_ar == "الخطة تستهدف ثلث الكهرباء من الشمس بحلول 2030."
    assert "<p>عمّان — أعلنت وزارة الطاقة" in story.body_ar and "وتشمل الخطة حوافز للمنازل" in story.body_ar
    assert bylines(story) == ["ليلى حداد، مراسلة الشؤون الاقتصادية"]
    item = ninjs.parse_document(json.loads((DIALECTS / "iptc/ninjs16-role-suffixed.json").read_text()))
    assert item.picture.caption == "ألواح شمسية في محطة قرب معان جنوب الأردن."
    assert item.picture.credit == "وكالة المثال"


def test_ninjs_3_roles_pick_the_main_headline_and_the_summary_not_the_caption():
    [result] = import_file("iptc/ninjs3-roles.json")

    story = result.article
    assert story.headline_ar == "قمة المناخ تتفق على صندوق للدول الساحلية"
    assert story.dek_ar == "الاتفاق يخصص مليار دولار سنوياً."
    assert text(story.body_ar).startswith("شرم الشيخ — اتفقت الوفود")
    assert bylines(story) == ["فريق التحرير"]
    assert story.agency_item.ednote == "للمحررين: تحديث مرتقب بعد المؤتمر الصحفي."


@pytest.mark.parametrize(
    ("relative", "code", "message"),
    [
        ("refused/no-identity.json", "no_uri", "بلا هوية"),
        ("refused/no-headline.json", "no_headline", "بلا عنوان"),
        ("refused/no-body.json", "no_body", "بلا نص"),
        ("refused/event.json", "item_type", "حدث"),
    ],
)
def test_documents_without_what_a_story_needs_are_refused_in_arabic(relative, code, message):
    with pytest.raises(ninjs.DocumentRefused) as refused:
        import_file(relative)
    assert refused.value.code == code
    assert message in refused.value.messages[0]
    assert not AgencyItem.objects.exists() and not Article.objects.exists()


def test_a_wrong_type_in_a_field_the_desk_uses_names_the_field_and_the_right_version():
    document = json.loads((DIALECTS / "iptc/ninjs3-roles.json").read_text())
    document["headlines"] = "not a list"
    with pytest.raises(ninjs.DocumentRefused) as refused:
        ninjs.parse_document(document)
    assert refused.value.code == "schema"
    assert "3.1" in refused.value.messages[0] and "headlines" in refused.value.messages[0]


# --- Languages the site does not publish wait for translation ----------------------------


@pytest.mark.parametrize(("relative", "language"), [("dpa/german.json", "de"), ("afp/french.json", "fr")])
def test_german_and_french_copy_waits_in_the_queue_and_never_reaches_readers(relative, language, staff_client):
    [result] = import_file(relative, publish=True)

    assert result.outcome == "queued" and result.article is None
    entry = AgencyItem.objects.get()
    assert entry.status == AgencyItem.Status.TRANSLATION and entry.language == language
    assert not Article.objects.exists()

    changelist = reverse("admin:articles_agencyitem_changelist")
    response = staff_client.post(changelist, {"action": "make_story", "_selected_action": [entry.pk]}, follow=True)

    assert response.status_code == 200
    entry.refresh_from_db()
    story = entry.article
    assert story is not None and story.is_translation_needed and story.status == Article.Status.REVIEW
    assert story.headline_ar == entry.headline, "the translator starts from the agency's text"
    assert entry.status == AgencyItem.Status.STORY and entry.body, "the original stays beside the story"
    assert not Article.objects.published().exists()
    story.status = Article.Status.PUBLISHED
    with pytest.raises(ValidationError):
        story.full_clean()


# --- The same item again, a newer version, an editor's change ----------------------------


def test_a_second_fetch_of_every_dialect_adds_nothing():
    first, _error = run(DIALECTS)
    counts = (Article.objects.count(), AgencyItem.objects.count())
    versions = dict(Article.objects.values_list("pk", "version"))

    again, _error = run(DIALECTS)

    assert "0 imported, 0 queued, 0 updated, 0 held" in summary(again)
    assert (Article.objects.count(), AgencyItem.objects.count()) == counts
    assert dict(Article.objects.values_list("pk", "version")) == versions
    assert counts == (7, 10), first


def test_a_newer_version_updates_an_untouched_story():
    import_file("superdesk/text-ar-v2.json")
    [result] = import_file("superdesk/text-ar-v3.json")

    assert result.outcome == "updated"
    story = Article.objects.get()
    assert "مئتي ألف متر مكعب" in story.body_ar and story.wire_version == "3"
    assert not story.agency_item.has_newer_version


def test_an_editors_change_survives_a_newer_agency_version_which_waits_on_the_desk(staff_client):
    [first] = import_file("superdesk/text-ar-v2.json")
    story = first.article
    story.body_ar = "<p>الغردقة — نص حرّره المحرر بعناية.</p>"
    from articles.stories.services import article_save

    article_save(article=story)

    [result] = import_file("superdesk/text-ar-v3.json")

    assert result.outcome == "held"
    story.refresh_from_db()
    assert "نص حرّره المحرر" in story.body_ar, "the editor's text is not overwritten"
    entry = story.agency_item
    assert entry.has_newer_version and entry.version == "3"

    changelist = reverse("admin:articles_agencyitem_changelist")
    assert "نسخة أحدث من الوكالة" in staff_client.get(changelist).content.decode()
    page = staff_client.get(reverse("admin:articles_agencyitem_change", args=[entry.pk])).content.decode()
    assert "نسخة أحدث من الوكالة" in page
    # The diff: the editor's words the agency's version would replace, and the agency's new words.
    assert "<del>نص حرّره المحرر بعناية.</del>" in page
    assert re.search(r"<ins>[^<]*مئتي ألف متر مكعب[^<]*</ins>", page)

    staff_client.post(changelist, {"action": "apply_newer_version", "_selected_action": [entry.pk]})

    story.refresh_from_db()
    entry.refresh_from_db()
    assert "مئتي ألف متر مكعب" in story.body_ar and story.wire_version == "3"
    assert not entry.has_newer_version


def test_a_canceled_item_unpublishes_even_a_story_an_editor_changed():
    [first] = import_file("superdesk/text-ar-v2.json", publish=True)
    story = first.article
    assert story.status == Article.Status.PUBLISHED
    document = json.loads((DIALECTS / "superdesk/text-ar-v3.json").read_text())
    document.update(version="4", pubstatus="canceled")

    result = wire_services.article_import_ninjs(document=document)

    story.refresh_from_db()
    assert result.outcome == "updated" and story.status == Article.Status.UNPUBLISHED
    assert AgencyItem.objects.get().status == AgencyItem.Status.WITHDRAWN


def test_versions_compare_whatever_their_type():
    assert ninjs.compare_versions("0", None, "1", None) == 1
    assert ninjs.compare_versions("2", None, "2", None) == 0
    document = json.loads((DIALECTS / "ap/item.json").read_text())["data"]["item"]
    document["version"] = 1
    import_file("ap/item.json")
    assert wire_services.article_import_ninjs(document=document, base_dir=DIALECTS / "ap").outcome == "updated"
    document["version"] = "0"
    assert wire_services.article_import_ninjs(document=document).outcome == "skipped"


# --- The desk ----------------------------------------------------------------------------


def test_queue_changelist_shows_urgent_copy_and_filters_and_searches(staff_client, django_assert_max_num_queries):
    run(DIALECTS)
    changelist = reverse("admin:articles_agencyitem_changelist")

    with django_assert_max_num_queries(9):  # the same for any number of rows (list_select_related)
        page = staff_client.get(changelist).content.decode()

    assert "عاجل" in page and "Séisme de magnitude 6" in page
    urgent = AgencyItem.objects.filter(urgency__in=[1, 2])
    assert page.count('class="wire-urgent"') == urgent.count() >= 1
    assert urgent.filter(provider="AFP").exists(), "AFP's urgency 1 is «عاجل»"
    waiting = staff_client.get(changelist, {"status__exact": "translation"}).content.decode()
    assert "Bundesregierung" in waiting and "Gulf states" not in waiting
    found = staff_client.get(changelist, {"q": "Wasserstoff"}).content.decode()
    assert "Bundesregierung" in found and "Séisme" not in found


def test_queue_item_page_shows_the_original_and_the_note_to_editors(staff_client, django_assert_max_num_queries):
    import_file("dpa/german.json")
    entry = AgencyItem.objects.get()

    with django_assert_max_num_queries(6):
        page = staff_client.get(reverse("admin:articles_agencyitem_change", args=[entry.pk])).content.decode()

    assert "Das Bundeskabinett hat am Freitag" in page and 'lang="de"' in page
    assert "Berlin" in page


def test_the_note_to_editors_is_on_the_desk_and_not_on_the_readers_page(staff_client, client):
    [result] = import_file("superdesk/text-ar-v2.json", publish=True)
    story = result.article
    assert story.status == Article.Status.PUBLISHED

    desk = staff_client.get(reverse("admin:articles_agencyitem_change", args=[story.agency_item.pk]))
    reader = client.get(story.get_absolute_url())

    assert "يُرجى عدم النشر قبل التحقق" in desk.content.decode()
    assert reader.status_code == 200 and story.headline_ar in reader.content.decode()
    assert "يُرجى عدم النشر" not in reader.content.decode()


# --- The drop folder --------------------------------------------------------------------


def test_watch_moves_each_file_to_done_or_failed_with_its_reason(tmp_path):
    drop = tmp_path / "drop"
    (drop / "nitf").mkdir(parents=True)
    shutil.copy(DIALECTS / "ap" / "item.json", drop / "ap-item.json")
    shutil.copy(DIALECTS / "ap" / "nitf" / "5c1e0f7a.xml", drop / "nitf" / "5c1e0f7a.xml")
    shutil.copy(DIALECTS / "dpa" / "german.json", drop / "dpa.json")
    shutil.copy(DIALECTS / "refused" / "no-body.json", drop / "broken.json")

    output, error = run("--watch", drop, "--max-polls", 2, "--interval", 0, "--settle", 0)

    assert error is None, "the drop folder keeps going after a failure"
    assert summary(output) == "3 documents: 1 imported, 1 queued, 0 updated, 0 held, 0 unchanged, 0 skipped, 1 failed."
    assert sorted(p.name for p in (drop / "done").iterdir()) == ["ap-item.json", "dpa.json"]
    assert sorted(p.name for p in (drop / "failed").iterdir()) == ["broken.json", "broken.json.reason.txt"]
    assert "بلا نص" in (drop / "failed" / "broken.json.reason.txt").read_text(encoding="utf-8")
    assert not list(drop.glob("*.json"))
    assert "AMMAN" in Article.objects.get().body_en


def test_dry_run_reports_the_same_counts_and_stores_nothing(tmp_path):
    dry, _error = run(DIALECTS, "--dry-run")

    assert not Article.objects.exists() and not AgencyItem.objects.exists()
    real, _error = run(DIALECTS)
    assert summary(dry).removesuffix(" (dry run: nothing was stored).") == summary(real).removesuffix(".")


def test_watch_dry_run_moves_nothing(tmp_path):
    shutil.copy(DIALECTS / "dpa" / "german.json", tmp_path / "dpa.json")

    output, _error = run("--watch", tmp_path, "--max-polls", 3, "--interval", 0, "--settle", 0, "--dry-run")

    assert summary(output).startswith("1 document: 0 imported, 1 queued")
    assert (tmp_path / "dpa.json").exists() and not (tmp_path / "done").exists()
    assert not AgencyItem.objects.exists()


def test_unknown_fields_are_listed_on_the_line_in_arabic():
    output, _error = run(DIALECTS / "superdesk" / "text-ar-v2.json")
    assert "حقول غير معروفة: extra" in output


def test_queue_entries_point_back_from_the_story():
    import_file("superdesk/text-ar-v2.json")
    story = Article.objects.get()
    assert story.agency_item.version == "2" and story.wire_version == "2"
    assert queue.is_story_edited(entry=story.agency_item, article=story) is False


def test_editors_work_the_queue_and_journalists_only_read_it(client, django_user_model):
    from django.contrib.auth.models import Group

    import_file("dpa/german.json")
    entry = AgencyItem.objects.get()
    editor = django_user_model.objects.create_user("huda", is_staff=True)
    editor.groups.add(Group.objects.get(name="محرر"))
    journalist = django_user_model.objects.create_user("karim", is_staff=True)
    journalist.groups.add(Group.objects.get(name="صحفي"))
    changelist = reverse("admin:articles_agencyitem_changelist")

    client.force_login(journalist)
    page = client.get(changelist)
    assert page.status_code == 200 and "Bundesregierung" in page.content.decode()
    assert 'value="make_story"' not in page.content.decode(), "a journalist has no action on the queue"

    client.force_login(editor)
    assert 'value="make_story"' in client.get(changelist).content.decode()
    client.post(changelist, {"action": "make_story", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.article is not None and entry.article.created_by == editor


def test_watch_stops_when_interrupted_and_reports_what_it_did(tmp_path, monkeypatch):
    shutil.copy(DIALECTS / "dpa" / "german.json", tmp_path / "dpa.json")

    def interrupt(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr("articles.management.commands.import_ninjs.time.sleep", interrupt)
    output, error = run("--watch", tmp_path, "--settle", 0)

    assert error is None
    assert "Stopped watching." in output
    assert summary(output).startswith("1 document: 0 imported, 1 queued")
    assert (tmp_path / "done" / "dpa.json").exists()


def test_publish_leaves_a_story_whose_text_is_only_on_the_web_in_review():
    feed = json.loads((DIALECTS / "ap/feed.json").read_text())
    canadian = feed["data"]["items"][1]["item"]

    result = wire_services.article_import_ninjs(document=canadian, publish=True)

    assert result.outcome == "imported"
    assert result.article.status == Article.Status.REVIEW
    assert any("نصها على موقع الوكالة" in note for note in result.notes)
    assert result.article.agency_item.body_href.startswith("https://api.ap.org/")


def test_watch_leaves_a_file_still_being_written_for_the_next_look(tmp_path):
    shutil.copy(DIALECTS / "dpa" / "german.json", tmp_path / "dpa.json")

    output, _error = run("--watch", tmp_path, "--max-polls", 1, "--interval", 0, "--settle", 60)

    assert summary(output).startswith("0 documents:")
    assert (tmp_path / "dpa.json").exists() and not AgencyItem.objects.exists()


def test_a_text_rendition_outside_the_imported_folder_is_refused(tmp_path):
    document = json.loads((DIALECTS / "ap/item.json").read_text())["data"]["item"]
    document["renditions"]["nitf"]["href"] = "../../etc/passwd.xml"
    (tmp_path / "inside").mkdir()

    with pytest.raises(ninjs.DocumentRefused) as refused:
        wire_services.article_import_ninjs(document=document, base_dir=tmp_path / "inside")

    assert refused.value.code == "body_path" and "خارج المجلد" in refused.value.messages[0]
    assert not AgencyItem.objects.exists()


# --- The agency's original beside the story, for its translator ---------------------------


def test_the_translator_reads_the_agency_original_on_the_story_form(django_assert_max_num_queries):
    from .test_desk_actions import STORY_FORM_BUDGET
    from .test_permissions import admin_url, logged_in, newsroom_user

    import_file("dpa/german.json")
    entry = AgencyItem.objects.get()
    story = wire_services.agency_item_make_story(entry=entry)
    editor = logged_in(newsroom_user("editor"))
    url = admin_url("article_change", story.pk)

    with django_assert_max_num_queries(STORY_FORM_BUDGET):
        page = editor.get(url).content.decode()

    [panel] = re.findall(r'<details class="module sahifa-original" open>.*?</details>', page, re.S)
    assert '<div class="sahifa-original__text" lang="de" dir="ltr">' in panel
    assert "Bundesregierung beschließt Wasserstoff-Strategie" in panel
    assert "Das Bundeskabinett hat am Freitag eine neue Wasserstoff-Strategie beschlossen." in panel
    assert "Anna Schmidt" in panel and "Berlin" in panel
    assert "(الألمانيّة)" in panel, "the language is named in Arabic"
    assert "أصل نص الوكالة" in panel and "كما أرسلته الوكالة (dpa، النسخة 3)" in panel
    assert 'name="' not in panel, "the original is read-only"


def test_a_story_without_agency_copy_shows_no_original_and_asks_nothing_of_the_queue():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import make_article
    from .test_permissions import admin_url, logged_in, newsroom_user

    story = make_article(publish=False)
    editor = logged_in(newsroom_user("editor"))

    with CaptureQueriesContext(connection) as queries:
        page = editor.get(admin_url("article_change", story.pk)).content.decode()

    assert "sahifa-original" not in page
    asked = [query["sql"] for query in queries if 'FROM "articles_agencyitem"' in query["sql"]]
    assert not asked, "a story without agency copy asks the queue nothing"
