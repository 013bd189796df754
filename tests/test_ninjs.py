"""The wire desk: reading IPTC ninjs agency copy in, writing our published stories out as ninjs 2.1."""

import copy
import json
import shutil
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from reversion.models import Version

from articles.models import Agency, AgencyAlias, AgencyItem, Article, Author, CreditSuggestion, Image, Section, Tag
from articles.photos import services as photo_services
from articles.photos.images import ImageRejected
from articles.stories import services
from articles.wire import dialects, ninjs
from articles.wire import services as wire_services
from articles.wire import validation as ninjs_validation

from .conftest import REFERENCE_TIME
from .factories import data_path, make_agency, make_article, make_author, make_image, make_rich_articles, make_section

# The IPTC's examples and the sample photos; if they are missing, this module fails to load.
EXAMPLES = data_path("ninjs", "examples")
SAMPLES = data_path("images")

# What the wire desk does with each IPTC example, imported alone into an empty newsroom:
# "imported", or the code of the reason it is refused.
EXPECTED = {
    "1.4/businesswire-newsml-20130515006361.json": ["imported"],
    "1.4/businesswire-newsml-20130605006126.json": ["queued"],
    "1.4/businesswire-newsml-20130612006110.json": ["queued"],
    "1.4/businesswire-newsml-20130731006140.json": ["imported"],
    "1.4/ninjs-1-4-examples.json": ["imported"],
    "1.4/ninjsExComplex1.json": ["imported"],
    "1.4/ninjsExComplex2.json": ["imported"],
    "1.4/ninjsExMediumText1.json": ["imported"],
    "1.4/ninjsExSimplePhoto1.json": ["imported"],
    "1.4/ninjsExSimpleText1.json": ["imported"],
    "2.1/SIPA_image_2.json": ["imported"],
    "2.1/ap_audio.json": ["item_type"],
    "2.1/ap_image.json": ["imported"],
    "2.1/ap_video.json": ["item_type"],
    "2.1/businesswire-newsml-20130605006126.json": ["queued"],
    "2.1/businesswire-newsml-20130731006140.json": ["imported"],
    "2.1/dpa_text.json": ["queued"],
    "2.1/imageEncodedRights.json": ["imported"],
    "2.1/imageLinkedRights.json": ["imported"],
    "2.1/ninjsExSimpleText_2.json": ["imported"],
    "2.1/ntb_text.json": ["queued"],
    "2.1/tt_text_image_2.json": ["queued"],
    "3.0/20231004-UEFA-ChampionLeague.json": ["item_type"],
    "3.0/20231005-65-addb-event.json": ["item_type"],
    "3.0/20231008-anti-doping-measures-at-the-tour-down-under-will-be-the-toughest-ever-addb-ninjs-nitf.json": [
        "imported"
    ],
    "3.0/20231016-addb-example-press-conference.json": ["item_type"],
    "3.0/20231016-event-timeline-sample.json": ["item_type"] * 14,
    "3.0/SIPA_image_3.json": ["imported"],
    "3.0/ap_audio.json": ["item_type"],
    "3.0/ap_image.json": ["imported"],
    "3.0/ap_video.json": ["item_type"],
    "3.0/businesswire-newsml-20130605006126.json": ["queued"],
    "3.0/businesswire-newsml-20130731006140.json": ["imported"],
    "3.0/dpa_text.json": ["queued"],
    "3.0/imageEncodedRights.json": ["imported"],
    "3.0/imageLinkedRights.json": ["imported"],
    "3.0/ninjsExSimpleText_3.json": ["imported"],
    "3.0/ntb_text.json": ["queued"],
    "3.0/simpleEvent.json": ["item_type"],
    "3.0/tt_event_pressconference_3.0.json": ["item_type"],
    "3.0/tt_text_image_3.json": ["queued"],
}


def result_uri(document: dict) -> str:
    return dialects.identity(document)


def example(name: str):
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture
def section(db):
    return make_section(name="العالم", name_en="World", slug="world")


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test: validation and import never fetch."""

    def refuse(*args, **kwargs):
        raise AssertionError("the wire desk tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def text_document(**overrides) -> dict:
    """A small ninjs 2.x text item in Arabic."""
    document = {
        "uri": "urn:newsml:example.org:20241211:wire-1",
        "type": "text",
        "version": "1",
        "firstcreated": "2024-12-11T06:00:00Z",
        "versioncreated": "2024-12-11T07:00:00Z",
        "language": "ar",
        "headlines": [{"role": "main", "value": "الوزراء يجتمعون في عمّان"}],
        "descriptions": [{"role": "summary", "value": "اجتماع تشاوري لوزراء الخارجية العرب."}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": "<p>افتتح الوزراء اجتماعاً في عمّان.</p>"}],
        "by": "ليلى حداد، وكالات",
        "subjects": [{"name": "سياسة"}, {"name": "الأردن"}],
        "infosources": [{"name": "رويترز"}],
    }
    document.update(overrides)
    return document


def picture_association(href: str, **overrides) -> dict:
    association = {
        "name": "featureimage",
        "uri": "urn:newsml:example.org:20241211:photo-1",
        "type": "picture",
        "by": "سامر العلي",
        "descriptions": [
            {"role": "caption", "value": "وزراء الخارجية خلال الجلسة الافتتاحية"},
            {"role": "creditline", "value": "AFP"},
        ],
        "renditions": [{"name": "original", "href": href, "contenttype": "image/jpeg", "width": 640, "height": 480}],
    }
    association.update(overrides)
    return association


def import_document(document, **kwargs) -> wire_services.WireImport:
    return wire_services.article_import_ninjs(document=document, **kwargs)


# --- Every IPTC example ---------------------------------------------------------------------


def test_every_example_file_has_an_expected_outcome():
    on_disk = {str(path.relative_to(EXAMPLES)) for path in EXAMPLES.rglob("*.json")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_imports_or_is_refused_with_a_reason(name, section, no_network):
    outcomes = []
    for _label, document in ninjs_validation.read_documents(EXAMPLES / name):
        before = Article.objects.count()
        try:
            result = import_document(document, base_dir=(EXAMPLES / name).parent)
        except ninjs.DocumentRefused as refused:
            assert refused.messages and refused.messages[0].strip()
            assert Article.objects.count() == before, "a refused document leaves nothing behind"
            outcomes.append(refused.code)
            continue
        outcomes.append(result.outcome)
        story = result.article
        if result.outcome == "queued":
            # Copy in another language waits in the wire queue for a translation: no story yet.
            assert story is None and AgencyItem.objects.get(uri=result_uri(document)).status == "translation"
            continue
        assert story.status == Article.Status.REVIEW
        # AP's per-request tokens (?qt=…&et=…) are not part of the item's identity.
        assert story.headline_ar and story.wire_uri == document["uri"].split("?qt=")[0]
        if story.wire_image_href:
            # Every example's photo is on the web: kept as an address, never fetched.
            assert story.is_image_missing and story.lead_image is None
    assert outcomes == EXPECTED[name]


def test_every_example_is_checked_against_its_own_schema_offline(no_network):
    """All but the event timeline (whose «events» is not an array) are valid ninjs of their generation."""
    for path in sorted(EXAMPLES.rglob("*.json")):
        for label, document in ninjs_validation.read_documents(path):
            version = ninjs_validation.SCHEMA_FOR_GENERATION[ninjs.generation(document)]
            errors = ninjs_validation.schema_errors(document, version)
            if "event-timeline" in label:
                assert errors
            else:
                assert errors == [], (label, errors[0].message if errors else "")


def test_geojson_is_checked_by_the_local_stand_in_not_fetched(no_network):
    document = example("2.1/ap_image.json")
    ninjs.validate(document, "2")  # points in places[].geojson pass

    document["places"][0]["geojson"] = {"type": "Blob", "coordinates": [35, 39]}
    with pytest.raises(ninjs.DocumentRefused) as refused:
        ninjs.validate(document, "2")
    assert refused.value.code == "schema"
    assert "places/0/geojson" in refused.value.messages[0]


def test_generations_are_told_apart_by_their_shape():
    assert ninjs.generation(example("1.4/ninjsExSimpleText1.json")) == "1"
    assert ninjs.generation(example("2.1/ninjsExSimpleText_2.json")) == "2"
    assert ninjs.generation(example("3.0/ninjsExSimpleText_3.json")) == "3"
    assert ninjs.generation(example("3.0/ap_image.json")) == "3"


def test_the_same_story_reads_alike_in_every_generation():
    items = [
        ninjs.parse_document(example(name))
        for name in ("1.4/ninjsExSimpleText1.json", "2.1/ninjsExSimpleText_2.json", "3.0/ninjsExSimpleText_3.json")
    ]
    assert {item.headline for item in items} == {"Captain of wrecked cruise ship on trial in Italy"}
    assert {item.by for item in items} == {"Paulo Santalucia and Frances d'Emilio"}
    assert all(item.body_html.startswith("<p>GROSSETO, Italy (AP)") for item in items)
    assert {item.versioncreated for item in items} == {datetime(2013, 7, 9, 10, 37, tzinfo=UTC)}


def test_camel_case_3x_fields_are_read():
    item = ninjs.parse_document(example("3.0/SIPA_image_3.json"))
    assert item.type == "picture"
    assert item.picture.credit == "SIPA USA"
    assert item.copyright_notice == "SIPA USA/PA Images"
    assert item.usage_terms == "*** World Rights Except Italy ***"
    assert item.picture.best_rendition(is_local=lambda href: False).width == 3543


# --- Reading: refusals ---------------------------------------------------------------------


def test_invalid_json_is_refused_with_its_position(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"uri": "urn:x", "headlines": [', encoding="utf-8")
    with pytest.raises(ninjs.DocumentRefused) as refused:
        list(ninjs_validation.read_documents(path))
    assert refused.value.code == "invalid_json"
    assert "1" in refused.value.messages[0] and "32" in refused.value.messages[0], "line and column"


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (["not", "an", "object"], "not_an_object"),
        ({"headlines": [{"value": "بلا معرّف"}]}, "no_uri"),
        ({"uri": "urn:x", "type": "text", "bodies": [{"value": "نص"}]}, "no_headline"),
        ({"uri": "urn:x", "type": "planning", "headlines": [{"value": "تغطية"}]}, "item_type"),
        ({"uri": "urn:x", "type": "text", "headlines": "not a list"}, "schema"),
        ({"uri": "urn:x", "type": "text", "headline": "x", "urgency": "high"}, "schema"),
    ],
)
def test_documents_the_desk_does_not_take_are_refused(document, code):
    with pytest.raises(ninjs.DocumentRefused) as refused:
        ninjs.parse_document(document)
    assert refused.value.code == code


def test_keywords_are_read_though_no_schema_lists_them():
    """Superdesk and others add «keywords» to ninjs 1.x: they become tags, not a schema failure."""
    document = {
        "uri": "urn:x",
        "type": "text",
        "headline": "عنوان",
        "body_text": "نص",
        "keywords": ["الأردن", "  عمّان "],
    }
    assert ninjs.parse_document(document).keywords == ("الأردن", "عمّان")


def test_html_body_keeps_the_allow_list_and_drops_the_rest():
    body = (
        "<html><head><title>Title</title><script>alert(1)</script></head><body>"
        "<h1>The headline again</h1><p onclick='x()'>One <b>bold</b> <a href='javascript:alert(1)'>link</a>"
        "<br>two</p><figure><img src='x.jpg'><figcaption>Caption</figcaption></figure><h4>Sub</h4></body></html>"
    )
    item = ninjs.parse_document(text_document(bodies=[{"role": "html5", "contenttype": "text/html", "value": body}]))
    assert item.body_html == "<p>One <strong>bold</strong> <a>link</a> two</p><h3>Sub</h3>"


def test_plain_text_body_becomes_escaped_paragraphs():
    text = "First <script>alert(1)</script> paragraph\nstill first.\n\nSecond & last."
    item = ninjs.parse_document(text_document(bodies=[{"contenttype": "text/plain", "value": text}]))
    assert item.body_html == (
        "<p>First &lt;script&gt;alert(1)&lt;/script&gt; paragraph still first.</p><p>Second &amp; last.</p>"
    )


def test_plain_text_without_blank_lines_splits_on_lines():
    assert ninjs.text_to_html("one\ntwo\r\nthree") == "<p>one</p><p>two</p><p>three</p>"


def test_byline_is_split_into_names_but_never_on_the_arabic_waw():
    assert ninjs.byline_names("By Paulo Santalucia and Frances d'Emilio") == ["Paulo Santalucia", "Frances d'Emilio"]
    assert ninjs.byline_names("ليلى حداد، وليد سعيد") == ["ليلى حداد", "وليد سعيد"]
    assert ninjs.byline_names("") == []


@pytest.mark.parametrize(
    ("held", "new", "order"),
    [
        (("1", "2024-12-11T07:00:00Z"), ("1", "2024-12-11T07:00:00Z"), 0),
        (("1", "2024-12-11T07:00:00Z"), ("2", "2024-12-11T08:00:00Z"), 1),
        (("2", "2024-12-11T08:00:00Z"), ("1", "2024-12-11T07:00:00Z"), -1),
        (("", "2024-12-11T07:00:00Z"), ("", "2024-12-11T09:00:00Z"), 1),
        (("", "2024-12-11T07:00:00Z"), ("", "2024-12-11T06:00:00Z"), -1),
        (("3", "2024-12-11T07:00:00Z"), ("10", "2024-12-11T07:00:00Z"), 1),
        (("a", None), ("b", None), 1),
    ],
)
def test_versions_compare_by_number_then_time(held, new, order):
    parse = ninjs._datetime
    assert ninjs.compare_versions(held[0], parse(held[1]), new[0], parse(new[1])) == order


# --- Importing -------------------------------------------------------------------------------


def test_arabic_copy_becomes_a_story_in_review(section):
    author = make_author(name="ليلى حداد", name_en="Layla Haddad")
    politics = make_section(name="سياسة", name_en="Politics", slug="politics")
    reuters = make_agency(name="رويترز", name_en="Reuters")

    result = import_document(text_document())

    story = result.article
    assert result.outcome == "imported"
    assert story.status == Article.Status.REVIEW and story.published_at is None
    assert story.headline_ar == "الوزراء يجتمعون في عمّان"
    assert story.dek_ar == "اجتماع تشاوري لوزراء الخارجية العرب."
    assert story.body_ar == "<p>افتتح الوزراء اجتماعاً في عمّان.</p>"
    assert not story.headline_en and not story.is_translation_needed
    assert story.section == politics, "a subject naming a section files the story there"
    assert [tag.name for tag in story.tags.all()] == ["الأردن"]
    assert [byline.author for byline in story.bylines.all()] == [author, None]
    assert [byline.text for byline in story.bylines.all()] == ["", "وكالات"]
    assert [cited.source for cited in story.cited_sources.all()] == [reuters]
    assert (story.wire_version, story.wire_versioncreated) == ("1", datetime(2024, 12, 11, 7, tzinfo=UTC))


def test_english_copy_fills_both_languages_and_waits_for_translation(section):
    document = text_document(
        language="en-GB",
        headlines=[{"role": "main", "value": "Ministers meet in Amman"}],
        descriptions=[{"role": "summary", "value": "A consultative meeting."}],
        bodies=[{"contenttype": "text/plain", "value": "Ministers met in Amman."}],
        by="Layla Haddad",
        subjects=[],
    )

    story = import_document(document, publish=True).article

    assert story.headline_en == story.headline_ar == "Ministers meet in Amman"
    assert story.body_en == story.body_ar == "<p>Ministers met in Amman.</p>"
    assert story.is_translation_needed
    assert story.status == Article.Status.REVIEW, "--publish never publishes English text as Arabic"
    story.headline_ar = "الوزراء يجتمعون في عمّان"
    with pytest.raises(ValidationError) as refused:
        services.article_publish(article=story)
    assert [error.code for error in refused.value.error_dict["__all__"]] == ["translation_needed"]
    story.is_translation_needed = False
    services.article_publish(article=story)
    assert Article.objects.get(pk=story.pk).status == Article.Status.PUBLISHED


def test_import_without_a_section_is_refused_until_one_exists(db):
    with pytest.raises(ninjs.DocumentRefused) as refused:
        import_document(text_document())
    assert refused.value.code == "no_section"
    assert not Article.objects.exists()


def test_the_same_version_twice_changes_nothing(section):
    first = import_document(text_document())
    again = import_document(text_document())

    assert again.outcome == "unchanged" and again.article == first.article
    assert Article.objects.count() == 1
    assert Article.objects.get().version == first.article.version


def test_a_newer_version_updates_the_story_and_records_a_revision(section):
    story = import_document(text_document()).article
    slug = story.slug_ar
    revisions = Version.objects.get_for_object(story).count()

    result = import_document(
        text_document(
            version="2",
            versioncreated="2024-12-11T09:00:00Z",
            headlines=[{"role": "main", "value": "الوزراء يختتمون اجتماعهم في عمّان"}],
            subjects=[{"name": "عمّان"}],
        )
    )

    story.refresh_from_db()
    assert result.outcome == "updated"
    assert story.headline_ar == "الوزراء يختتمون اجتماعهم في عمّان"
    assert story.slug_ar == slug, "the address stays"
    assert [tag.name for tag in story.tags.all()] == ["عمّان"]
    assert story.wire_version == "2"
    assert Version.objects.get_for_object(story).count() == revisions + 1
    assert Article.objects.count() == 1


def test_an_older_version_is_skipped(section):
    import_document(text_document(version="3", versioncreated="2024-12-11T09:00:00Z"))

    result = import_document(text_document(version="2", headlines=[{"role": "main", "value": "عنوان قديم"}]))

    assert result.outcome == "skipped" and result.notes
    assert Article.objects.get().headline_ar == "الوزراء يجتمعون في عمّان"


def test_an_english_update_keeps_the_editors_arabic_translation(section):
    document = text_document(language="en", headlines=[{"role": "main", "value": "Ministers meet"}], subjects=[])
    story = import_document(document).article
    story.headline_ar, story.is_translation_needed = "الوزراء يجتمعون", False
    services.article_save(article=story)

    result = import_document(
        {**document, "version": "2", "headlines": [{"role": "main", "value": "Ministers meet again"}]}
    )

    story.refresh_from_db()
    assert story.headline_en == "Ministers meet again"
    assert story.headline_ar == "الوزراء يجتمعون"
    assert result.notes


def test_a_withdrawn_story_is_taken_down(section):
    story = import_document(text_document(), publish=True).article
    assert story.status == Article.Status.PUBLISHED

    result = import_document(text_document(version="2", pubstatus="canceled"))

    story.refresh_from_db()
    assert result.outcome == "updated"
    assert story.status == Article.Status.UNPUBLISHED


def test_a_withdrawn_story_we_never_had_is_skipped(section):
    result = import_document(text_document(pubstatus="withheld"))
    assert result.outcome == "skipped" and not Article.objects.exists()


def test_publish_uses_firstcreated_else_versioncreated(section):
    first = import_document(text_document(), publish=True).article
    without_first_created = text_document(uri="urn:x:2", versioncreated="2024-12-11T07:30:00+03:00")
    del without_first_created["firstcreated"]
    second = import_document(without_first_created, publish=True).article

    assert first.status == Article.Status.PUBLISHED
    assert first.published_at == datetime(2024, 12, 11, 6, tzinfo=UTC)
    assert second.published_at == datetime(2024, 12, 11, 4, 30, tzinfo=UTC)
    assert Article.objects.published().count() == 2


def test_publish_waits_for_the_embargo(section):
    story = import_document(text_document(embargoed="2024-12-11T12:00:00Z"), publish=True).article

    assert story.embargo_until == datetime(2024, 12, 11, 12, tzinfo=UTC)
    assert story.published_at == story.embargo_until


def test_infosources_map_to_agencies_through_aliases_or_become_agencies(section):
    ap = make_agency(name="أسوشيتد برس", name_en="Associated Press")
    photo_services.agency_add_alias(agency=ap, name="ASSOCIATED PRESS")

    story = import_document(text_document(infosources=[{"name": "ASSOCIATED PRESS"}, {"name": "DHA"}])).article

    sources = [cited.source for cited in story.cited_sources.all()]
    assert sources[0] == ap
    assert sources[1].name_ar == "DHA" and Agency.objects.count() == 2


def test_picture_from_the_web_is_never_fetched_and_the_story_is_flagged(section, no_network):
    href = "https://images.example.org/photo.jpg"
    result = import_document(text_document(associations=[picture_association(href)]))

    story = result.article
    assert story.lead_image is None and story.is_image_missing
    assert story.wire_image_href == href
    assert any(href in note for note in result.notes)
    assert not Image.objects.exists()


def copy_sample(tmp_path, name="good/afp_beirut.jpg", target="photos/lead.jpg") -> Path:
    path = tmp_path / "wire" / target
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLES / name, path)
    return path


def test_local_picture_goes_through_the_photo_desk(section, tmp_path):
    afp = make_agency(name="فرانس برس", name_en="AFP")
    copy_sample(tmp_path)

    story = import_document(
        text_document(associations=[picture_association("photos/lead.jpg")]), base_dir=tmp_path / "wire"
    ).article

    image = story.lead_image
    assert image is not None and not story.is_image_missing
    assert image.credit == afp
    assert image.caption_ar == "وزراء الخارجية خلال الجلسة الافتتاحية"
    assert image.photographer == "سامر العلي"
    assert image.licence == Image.Licence.AGENCY
    assert image.width > 0 and image.file.storage.exists(image.file.name)


def test_file_url_picture_with_an_unknown_credit_files_a_suggestion(section, tmp_path):
    path = copy_sample(tmp_path, "good/small_400x300.jpg")
    association = picture_association(path.as_uri())
    association["descriptions"][1]["value"] = "Wire Photo Service"

    story = import_document(text_document(associations=[association])).article

    assert story.lead_image.credit is None
    assert story.lead_image.credit_suggestion == CreditSuggestion.objects.get(text="Wire Photo Service")


def test_publish_holds_back_a_story_whose_photo_lacks_alt_text(section, tmp_path):
    make_agency(name="فرانس برس", name_en="AFP")
    copy_sample(tmp_path)

    result = import_document(
        text_document(associations=[picture_association("photos/lead.jpg")]), base_dir=tmp_path / "wire", publish=True
    )

    assert result.article.status == Article.Status.REVIEW
    assert result.notes


@pytest.mark.parametrize("name", ["hostile/polyglot_html.jpg", "hostile/svg_named.png", "hostile/truncated.jpg"])
def test_a_hostile_photo_refuses_the_whole_document_and_leaves_nothing(section, tmp_path, settings, name):
    copy_sample(tmp_path, name, "photos/lead.jpg")

    with pytest.raises(ImageRejected):
        import_document(
            text_document(associations=[picture_association("photos/lead.jpg")]), base_dir=tmp_path / "wire"
        )

    assert not Article.objects.exists() and not Image.objects.exists() and not Tag.objects.exists()
    for root in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)):
        assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_a_failure_after_the_photo_was_stored_removes_its_files(section, tmp_path, settings, monkeypatch):
    copy_sample(tmp_path)

    def broken(**kwargs):
        raise ValidationError("the byline service failed")

    monkeypatch.setattr(wire_services, "article_set_bylines", broken)
    with pytest.raises(ValidationError):
        import_document(
            text_document(associations=[picture_association("photos/lead.jpg")]), base_dir=tmp_path / "wire"
        )

    assert not Article.objects.exists() and not Image.objects.exists()
    for root in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)):
        assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_a_relative_photo_address_may_not_leave_the_documents_folder(section, tmp_path):
    copy_sample(tmp_path, target="../outside.jpg")
    (tmp_path / "wire").mkdir(exist_ok=True)

    with pytest.raises(ninjs.DocumentRefused) as refused:
        import_document(text_document(associations=[picture_association("../outside.jpg")]), base_dir=tmp_path / "wire")
    assert refused.value.code == "image_path"


def test_a_picture_item_becomes_a_photo_story(section, tmp_path):
    copy_sample(tmp_path, "good/small_400x300.jpg")
    document = {
        "uri": "urn:newsml:example.org:photo-9",
        "type": "picture",
        "language": "ar",
        "versioncreated": "2024-12-11T07:00:00Z",
        "headlines": [{"value": "عمّان تستضيف الاجتماع"}],
        "by": "سامر العلي/فرانس برس",
        "descriptions": [{"role": "caption", "value": "القاعة قبل الجلسة الافتتاحية"}],
        "renditions": [{"name": "main", "href": "photos/lead.jpg", "contenttype": "image/jpeg"}],
    }

    story = import_document(document, base_dir=tmp_path / "wire").article

    assert story.headline_ar == "عمّان تستضيف الاجتماع"
    assert story.body_ar == "<p>القاعة قبل الجلسة الافتتاحية</p>"
    assert story.lead_image.caption_ar == "القاعة قبل الجلسة الافتتاحية"
    assert story.lead_image.photographer == "سامر العلي"
    assert [str(byline) for byline in story.bylines.all()] == ["سامر العلي"]
    assert story.lead_image.credit_suggestion.text == "فرانس برس"


def test_dry_run_checks_without_writing(section, tmp_path):
    copy_sample(tmp_path, "hostile/not_an_image.jpg", "photos/lead.jpg")
    document = text_document(associations=[picture_association("photos/lead.jpg")])

    with pytest.raises(ImageRejected):
        import_document(document, base_dir=tmp_path / "wire", dry_run=True)
    result = import_document(text_document(), dry_run=True)

    assert result.outcome == "imported" and result.article is None
    assert not Article.objects.exists() and not Agency.objects.exists()


# --- Export ----------------------------------------------------------------------------------


def ninjs_url(article, language="ar") -> str:
    from django.utils import translation

    with translation.override(language):
        return reverse("articles:article-ninjs", kwargs={"pk": article.pk})


@pytest.fixture
def rich_story(db, now):
    return make_rich_articles(1)[0]


def test_published_story_exports_valid_ninjs_2_1(client, rich_story):
    response = client.get(ninjs_url(rich_story))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert ninjs_validation.schema_errors(document, "2.1") == []
    assert document["uri"] == f"http://testserver/ninjs/{rich_story.pk}.json"
    assert document["language"] == "ar"
    assert document["headlines"] == [{"role": "main", "value": rich_story.headline_ar}]
    assert document["bodies"][0]["value"] == rich_story.body_ar
    assert document["firstcreated"] == rich_story.published_at.astimezone(REFERENCE_TIME.tzinfo).isoformat()
    assert {s["name"] for s in document["subjects"]} >= {"الاقتصاد", "الشرق الأوسط"}
    assert [s["name"] for s in document["infosources"]] == ["بلومبيرغ", "NBC News"]
    picture = document["associations"][0]
    assert picture["type"] == "picture" and picture["renditions"][0]["href"].startswith("http://testserver/")
    assert {"role": "creditline", "contenttype": "text/plain", "value": "فرانس برس"} in picture["descriptions"]


def test_english_export_exists_only_for_translated_stories(client, rich_story, now):
    arabic_only = make_article(headline="خبر بالعربية فقط")

    document = client.get(ninjs_url(rich_story, "en")).json()

    assert document["language"] == "en"
    assert document["headlines"][0]["value"] == rich_story.headline_en
    assert document["uri"].endswith(f"/en/ninjs/{rich_story.pk}.json")
    assert ninjs_validation.schema_errors(document, "2.1") == []
    assert client.get(ninjs_url(arabic_only, "en")).status_code == 404


def test_only_published_stories_are_exported(client, db, now):
    draft = make_article(publish=False)
    scheduled = make_article(published_at=REFERENCE_TIME + timedelta(hours=1))
    unpublished = services.article_unpublish(article=make_article())

    for story in (draft, scheduled, unpublished):
        assert client.get(ninjs_url(story)).status_code == 404
    assert client.get(reverse("articles:ninjs-feed")).json() == []


def test_export_address_survives_a_slug_edit(client, rich_story):
    url = ninjs_url(rich_story)
    rich_story.slug_ar = "عنوان-جديد"
    services.article_save(article=rich_story)

    assert client.get(url).json()["headlines"][0]["value"] == rich_story.headline_ar


def test_story_page_links_its_ninjs_document(client, rich_story, staff_client):
    page = client.get(rich_story.get_absolute_url()).content.decode()
    link = (
        f'<link rel="alternate" type="application/json" title="ninjs" href="http://testserver{ninjs_url(rich_story)}">'
    )
    assert link in page

    draft = make_article(publish=False)
    assert "application/json" not in staff_client.get(draft.get_absolute_url()).content.decode()


def test_feed_pages_the_latest_documents(client, db, now, monkeypatch):
    from articles.site import views

    monkeypatch.setattr(views, "NINJS_FEED_PAGE_SIZE", 2)
    stories = make_rich_articles(3)

    first = client.get(reverse("articles:ninjs-feed"))
    second = client.get(reverse("articles:ninjs-feed"), {"page": 2})

    assert [d["headlines"][0]["value"] for d in first.json()] == [s.headline_ar for s in stories[:2]]
    assert first["Link"] == '<http://testserver/ninjs/?page=2>; rel="next"'
    assert [d["headlines"][0]["value"] for d in second.json()] == [stories[2].headline_ar]
    assert second["Link"] == '<http://testserver/ninjs/?page=1>; rel="prev"'
    assert all(ninjs_validation.schema_errors(document, "2.1") == [] for document in first.json())
    assert client.get(reverse("articles:ninjs-feed"), {"page": 9}).status_code == 404


def test_export_queries_do_not_grow_with_the_stories(client, db, now, django_assert_max_num_queries):
    section = make_section()
    credit = make_agency(name="فرانس برس", name_en="AFP")
    authors = [make_author(name="سامر العلي", name_en="Samer Al-Ali"), make_author()]
    sources = [make_agency(name="بلومبيرغ", name_en="Bloomberg"), make_agency(name="NBC News")]
    shared = {"section": section, "credit": credit, "authors": authors, "sources": sources}
    story = make_rich_articles(2, **shared)[0]

    # The story, its bylines, tags and cited sources; the feed adds its count.
    with django_assert_max_num_queries(4):
        assert client.get(ninjs_url(story)).status_code == 200
    with django_assert_max_num_queries(5):
        assert len(client.get(reverse("articles:ninjs-feed")).json()) == 2

    make_rich_articles(10, **shared)
    with django_assert_max_num_queries(4):
        assert client.get(ninjs_url(story)).status_code == 200
    with django_assert_max_num_queries(5):
        assert len(client.get(reverse("articles:ninjs-feed")).json()) == 12


# --- Round trip -------------------------------------------------------------------------------


def test_our_export_imported_into_a_fresh_newsroom_reproduces_the_story(client, db, now):
    section = make_section(name="اقتصاد", name_en="Economy", slug="economy")
    story = make_article(
        headline="البنك المركزي يثبّت أسعار الفائدة",
        dek="قرار متوقع بعد اجتماع استمر يومين.",
        body="<p>أبقى البنك المركزي أسعار الفائدة دون تغيير.</p><h2>ردود الفعل</h2><p>رحّبت الأسواق بالقرار.</p>",
        section=section,
        tags=["الاقتصاد", "البنوك"],
        bylines=[make_author(name="ليلى حداد", name_en="Layla Haddad"), "وكالات"],
        sources=[make_agency(name="بلومبيرغ", name_en="Bloomberg"), make_agency(name="NBC News")],
        lead_image=make_image(credit=make_agency(name="فرانس برس", name_en="AFP")),
    )
    expected = {
        "headline": story.headline_ar,
        "dek": story.dek_ar,
        "body": story.body_ar,
        "published_at": story.published_at,
        "tags": sorted(tag.name for tag in story.tags.all()),
        "bylines": [str(byline) for byline in story.bylines.all()],
        "sources": [str(cited.source) for cited in story.cited_sources.all()],
    }
    document = client.get(ninjs_url(story)).json()
    image_href = document["associations"][0]["renditions"][-1]["href"]

    # A fresh newsroom: only the section exists.
    lead = story.lead_image
    Article.objects.all().delete()
    Image.objects.filter(pk=lead.pk).delete()
    Tag.objects.all().delete()
    AgencyAlias.objects.all().delete()
    Agency.objects.all().delete()
    Author.objects.all().delete()
    assert list(Section.objects.all()) == [section]

    reimported = wire_services.article_import_ninjs(document=document, publish=True).article

    assert reimported.headline_ar == expected["headline"]
    assert reimported.dek_ar == expected["dek"]
    assert reimported.body_ar == expected["body"]
    assert reimported.section == section
    assert reimported.status == Article.Status.PUBLISHED and reimported.published_at == expected["published_at"]
    assert sorted(tag.name for tag in reimported.tags.all()) == expected["tags"]
    assert [str(byline) for byline in reimported.bylines.all()] == expected["bylines"]
    assert [str(cited.source) for cited in reimported.cited_sources.all()] == expected["sources"]
    assert reimported.slug_ar == story.slug_ar
    # Our photos are on the web: the copy keeps their address for an editor, never downloads them.
    assert reimported.is_image_missing and reimported.wire_image_href == image_href
    assert reimported.wire_uri == document["uri"]


def test_reimporting_our_own_export_is_unchanged(client, rich_story):
    document = client.get(ninjs_url(rich_story)).json()
    first = wire_services.article_import_ninjs(document=copy.deepcopy(document))
    again = wire_services.article_import_ninjs(document=document)
    assert (first.outcome, again.outcome) == ("imported", "unchanged")


def test_admin_shows_where_agency_copy_came_from(staff_client, section):
    document = text_document(language="en", headlines=[{"value": "Ministers meet"}], subjects=[])
    story = import_document(document).article

    response = staff_client.get(reverse("admin:articles_article_change", args=[story.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="is_translation_needed"' in page and "checked" in page
    assert story.wire_uri in page


def test_a_missing_photo_file_flags_the_story(section, tmp_path):
    (tmp_path / "wire").mkdir()
    result = import_document(
        text_document(associations=[picture_association("photos/not-there.jpg")]), base_dir=tmp_path / "wire"
    )

    assert result.article.is_image_missing and result.article.wire_image_href == "photos/not-there.jpg"
    assert any("not-there.jpg" in note for note in result.notes)


def test_a_file_address_outside_the_imported_folder_is_refused(section, tmp_path):
    outside = copy_sample(tmp_path, target="../elsewhere/photo.jpg")

    with pytest.raises(ninjs.DocumentRefused) as refused:
        import_document(
            text_document(associations=[picture_association(outside.resolve().as_uri())]),
            base_dir=tmp_path / "wire",
        )
    assert refused.value.code == "image_path"
    assert not Image.objects.exists()
