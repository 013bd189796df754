"""The agency catalogue a fresh install ships (migration 0019), and credit lines resolved through it."""

import json
import re
import shutil
from functools import partial
from importlib import import_module
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import migrations
from django.utils import translation

from articles.models import Agency, AgencyAlias, Article, CreditSuggestion, Image
from articles.photos import services as photo_services
from articles.wire import services as wire_services

from .factories import data_path, make_agency, make_article, make_image, make_section

CATALOGUE = import_module("articles.migrations.0019_agency_catalogue")


def load_again():
    CATALOGUE.load_agency_catalogue(apps)


@pytest.mark.parametrize(
    ("credit_line", "slug"),
    [
        ("REUTERS", "reuters"),
        ("رويترز", "reuters"),
        ("Mohamed Abd El Ghany/REUTERS", "reuters"),
        ("AFP/Getty Images", "afp"),
        ("أ ف ب", "afp"),
        ("Agence France-Presse", "afp"),
        ("AP Photo/Hassan Ammar", "ap"),
        ("أسوشيتد برس", "ap"),
        ("Anadolu Agency", "anadolu"),
        ("EPA-EFE", "epa"),
        ("Getty Images", "getty-images"),
        ("Bloomberg via Getty Images", "bloomberg"),
        ("شينخوا", "xinhua"),
        ("dpa", "dpa"),
        ("واس", "spa"),
        ("Saudi Press Agency", "spa"),
        ("وام", "wam"),
        ("قنا", "qna"),
        ("كونا", "kuna"),
        ("أ ش أ", "mena"),
        ("سانا", "sana"),
        ("بترا", "petra"),
        ("وفا", "wafa"),
        ("ومع", "map"),
        ("واج", "aps"),
        ("بنا", "bna"),
        ("العمانية", "ona"),
        ("واع", "ina"),
        ("© وكالة الأنباء الكويتية", "kuna"),
    ],
)
def test_credit_lines_resolve_to_the_shipped_agencies(agency_catalogue, credit_line, slug):
    assert photo_services.agency_for_credit(credit_line) == Agency.objects.get(slug=slug)


def test_each_agency_has_an_arabic_and_an_english_name(agency_catalogue):
    agencies = list(Agency.objects.all())

    assert len(agencies) >= 25
    assert all(agency.name_ar and agency.name_en for agency in agencies)
    reuters = Agency.objects.get(slug="reuters")
    assert (reuters.name_ar, reuters.name_en) == ("رويترز", "Reuters")


def test_loading_again_never_overwrites_what_an_editor_changed(agency_catalogue):
    reuters = Agency.objects.get(slug="reuters")
    reuters.name_ar = "وكالة رويترز"
    reuters.website = "https://www.reuters.com/world/middle-east/"
    reuters.save()
    count, aliases = Agency.objects.count(), AgencyAlias.objects.count()

    load_again()

    reuters.refresh_from_db()
    assert reuters.name_ar == "وكالة رويترز"
    assert reuters.website == "https://www.reuters.com/world/middle-east/"
    assert (Agency.objects.count(), AgencyAlias.objects.count()) == (count, aliases)


def test_an_agency_the_editors_already_have_is_kept_and_not_duplicated(db):
    ours = make_agency(name="رويترز", name_en="Reuters News", slug="agency-reuters")
    make_agency(name="EPA-EFE", name_en="EPA-EFE", slug="epa-efe")

    load_again()

    assert not Agency.objects.filter(slug="reuters").exists()
    assert photo_services.agency_for_credit("Thomson Reuters") == ours
    ours.refresh_from_db()
    assert (ours.name_ar, ours.name_en) == ("رويترز", "Reuters News")
    # «EPA-EFE» is the editors' own agency: it does not become an alias of EPA.
    assert photo_services.agency_for_credit("EPA-EFE").slug == "epa-efe"


def test_going_back_removes_nothing():
    operation = CATALOGUE.Migration.operations[0]

    assert isinstance(operation, migrations.RunPython)
    assert operation.reverse_code is migrations.RunPython.noop


def test_an_unknown_credit_still_becomes_a_suggestion(agency_catalogue):
    photo = make_image(credit=None)
    photo.credit_line = "Studio Nour"
    photo_services.credit_for(photo)

    assert photo.credit is None
    assert photo.credit_suggestion == CreditSuggestion.objects.get(text="Studio Nour")


def test_a_fresh_install_imports_a_reuters_wire_photo_and_publishes_its_story(agency_catalogue, tmp_path):
    make_section(name="العالم", name_en="World", slug="world")
    photo = tmp_path / "wire" / "photos" / "lead.jpg"
    photo.parent.mkdir(parents=True)
    shutil.copyfile(data_path("images", "good/small_400x300.jpg"), photo)
    document = {
        "uri": "urn:newsml:reuters.com:20241211:wire-77",
        "type": "text",
        "version": "1",
        "firstcreated": "2024-12-11T06:00:00Z",
        "versioncreated": "2024-12-11T07:00:00Z",
        "language": "ar",
        "headlines": [{"role": "main", "value": "الوزراء يجتمعون في عمّان"}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": "<p>افتتح الوزراء اجتماعاً في عمّان.</p>"}],
        "by": "ليلى حداد",
        "infosources": [{"name": "Reuters"}],
        "associations": [
            {
                "name": "featureimage",
                "uri": "urn:newsml:reuters.com:20241211:photo-77",
                "type": "picture",
                "by": "Mohamed Abd El Ghany",
                "descriptions": [
                    {"role": "caption", "value": "Foreign ministers at the opening session in Amman"},
                    {"role": "alttext", "value": "وزراء حول طاولة اجتماعات طويلة"},
                    {"role": "creditline", "value": "REUTERS/Mohamed Abd El Ghany"},
                ],
                "renditions": [{"name": "original", "href": "photos/lead.jpg", "contenttype": "image/jpeg"}],
            }
        ],
    }
    source = tmp_path / "wire" / "story.json"
    source.write_text(json.dumps(document), encoding="utf-8")

    result = wire_services.article_import_ninjs(document=document, base_dir=Path(source.parent), publish=True)

    story = result.article
    image = story.lead_image
    assert image.credit == Agency.objects.get(slug="reuters")
    assert image.credit_line == "REUTERS/Mohamed Abd El Ghany"
    # The English caption is the English caption; the Arabic alt text the Arabic one.
    assert image.caption_en == "Foreign ministers at the opening session in Amman" and not image.caption_ar
    assert image.alt_text_ar == "وزراء حول طاولة اجتماعات طويلة"
    assert not CreditSuggestion.objects.exists()
    assert story.status == Article.Status.PUBLISHED, result.notes
    assert [cited.source.slug for cited in story.cited_sources.all()] == ["reuters"]


@pytest.mark.parametrize(
    ("credit_line", "language", "printed"),
    [
        ("AFP/Getty Images", "en", "AFP/Getty Images"),
        ("AFP/Getty Images", "ar", "فرانس برس"),
        ("", "ar", "فرانس برس"),
        ("أ ف ب", "ar", "أ ف ب"),
    ],
)
def test_the_page_prints_the_credit_line_in_its_own_script(db, client, now, credit_line, language, printed):
    afp = make_agency(name="فرانس برس", name_en="AFP")
    photo = make_image(credit=afp, caption="متطوعون في بيروت")
    photo.caption_en = "Volunteers in Beirut"
    photo.credit_line = credit_line
    photo_services.image_update(image=photo)
    story = make_article(
        lead_image=photo,
        english={"headline": "Volunteers clear a Beirut street", "body": "<p>Volunteers cleared the street.</p>"},
    )
    with translation.override(language):
        address = story.get_absolute_url()

    response = client.get(address)

    assert response.status_code == 200
    page = response.content.decode()

    assert f'<span class="credit">(<bdi>{printed}</bdi>)</span>' in page, re.findall(
        r"<figcaption>.*?</figcaption>|<figure.*?</figure>", page, re.S
    )


def test_the_demo_newsroom_loads_on_a_fresh_install_with_the_catalogue(agency_catalogue, now, monkeypatch):
    from articles import demo as demo_content

    monkeypatch.setattr(demo_content, "draw_photo", partial(demo_content.draw_photo, width=480, height=320))
    reuters = Agency.objects.get(slug="reuters")

    call_command("load_demo", stdout=StringIO())

    assert Article.objects.published().exists()
    assert Agency.objects.filter(slug="reuters").get() == reuters
    assert all(image.credit_id for image in Image.objects.all())
