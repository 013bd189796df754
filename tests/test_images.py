"""The photo desk with the sample files in tests/data/images: uploads that cannot hurt us, metadata in,
privacy out, renditions, placements and the editors' credits tools."""

import csv
import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image as PILImage
from PIL import IptcImagePlugin

from articles.desk.progress import progress
from articles.models import RENDITION_WIDTHS, Agency, AgencyAlias, Article, CreditSuggestion, Image
from articles.photos import images
from articles.photos import services as photo_services
from articles.stories import services

from .factories import (
    data_files,
    data_path,
    jpeg_upload,
    jpeg_with_xmp,
    make_agency,
    make_article,
    make_image,
    make_placement,
    make_section,
    sample_upload,
)
from .test_admin import admin_url, form_data

# Missing sample files fail the collection of this module; they never skip it.
GOOD, HOSTILE = data_path("images", "good"), data_path("images", "hostile")
GOOD_FILES, HOSTILE_FILES = data_files("images", "good"), data_files("images", "hostile")

pytestmark = pytest.mark.django_db

# Why each hostile file is refused (images.ImageRejected codes). Files added to the folder
# later must still be refused, for whatever reason.
REFUSAL_CODES = {
    "bomb_30000x30000.png": {"pixels"},
    "not_an_image.jpg": {"format"},
    "zero_bytes.jpg": {"empty"},
    "truncated.jpg": {"corrupt"},
    "script.svg": {"markup", "format"},
    "svg_named.png": {"markup", "format"},
    "polyglot_html.jpg": {"markup"},
}

# The credit line each good file carries (tests/data/README.md); the others carry none.
SAMPLE_CREDITS = {
    "afp_beirut.jpg": "AFP",
    "anadolu_xmp_only.jpg": "Anadolu Agency",
    "cmyk.jpg": "EPA-EFE",
    "large_24mp.jpg": "Reuters",
    "rotated_exif6.jpg": "خاص",
}

ALLOWED_WIDTHS = {kind: set(widths) for kind, widths in RENDITION_WIDTHS.items()}
RENDITION_FILE = re.compile(r"^(?P<kind>full|card)-(?P<width>\d+)\.(?P<ext>jpg|webp|avif)$")


@pytest.fixture
def few_renditions(monkeypatch):
    """Tests about validation, metadata and credits render one small width only, to stay fast.

    Tests about renditions themselves run with the real allow-list.
    """
    monkeypatch.setitem(RENDITION_WIDTHS, "full", (320,))
    monkeypatch.setitem(RENDITION_WIDTHS, "card", (320,))


def stored_files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def renditions_on_disk(image, settings) -> list:
    return stored_files(settings.MEDIA_ROOT / "renditions" / str(image.pk) / image.rendition_key)


def widths_on_disk(image, settings) -> dict[str, set[int]]:
    found = {"full": set(), "card": set()}
    for path in renditions_on_disk(image, settings):
        match = RENDITION_FILE.match(path.name)
        assert match, f"unexpected rendition name {path.name}"
        found[match["kind"]].add(int(match["width"]))
    return found


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


class TestRefusedUploads:
    def test_the_hostile_folder_is_not_empty(self):
        assert len(HOSTILE_FILES) >= 7

    @pytest.mark.parametrize("name", HOSTILE_FILES)
    def test_hostile_file_is_refused_with_a_message_and_leaves_nothing(self, name, settings):
        with pytest.raises(ValidationError) as refused:
            photo_services.image_create(file=sample_upload(f"hostile/{name}"), alt_text="صورة", credit=make_agency())

        assert isinstance(refused.value, images.ImageRejected)
        assert refused.value.code in REFUSAL_CODES.get(name, {refused.value.code})
        assert all(message.strip() for message in refused.value.messages)
        assert not Image.objects.exists()
        assert not CreditSuggestion.objects.exists()
        assert stored_files(settings.MEDIA_ROOT) == []
        assert stored_files(settings.PRIVATE_MEDIA_ROOT) == []

    def test_bomb_message_names_its_dimensions_in_arabic(self):
        with translation.override("ar"), pytest.raises(images.ImageRejected) as refused:
            photo_services.image_create(file=sample_upload("hostile/bomb_30000x30000.png"))

        assert "الصورة كبيرة جداً: 30000×30000 بكسل" in refused.value.messages[0]

    def test_bomb_message_names_its_dimensions_in_english(self):
        with translation.override("en"), pytest.raises(images.ImageRejected) as refused:
            photo_services.image_create(file=sample_upload("hostile/bomb_30000x30000.png"))

        assert "30000×30000" in refused.value.messages[0]

    def test_pixel_limit_is_configurable(self, settings):
        settings.IMAGE_MAX_MEGAPIXELS = 0.01  # 10,000 pixels

        with pytest.raises(images.ImageRejected) as refused:
            photo_services.image_create(file=jpeg_upload(width=200, height=100))

        assert refused.value.code == "pixels"
        assert "200×100" in refused.value.messages[0]
        assert not Image.objects.exists()

    def test_animation_frames_count_towards_the_pixel_limit(self, settings):
        settings.IMAGE_MAX_MEGAPIXELS = 0.01  # 10,000 pixels: one 64×64 frame fits, three do not
        frames = [PILImage.new("RGB", (64, 64), color) for color in ("red", "green", "blue")]
        buffer = io.BytesIO()
        frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:])

        with pytest.raises(images.ImageRejected) as refused:
            photo_services.image_create(file=ContentFile(buffer.getvalue(), name="animated.png"))

        assert refused.value.code == "pixels"
        assert photo_services.image_create(file=jpeg_upload(width=64, height=64)).width == 64

    def test_file_size_limit_is_configurable(self, settings):
        settings.IMAGE_MAX_UPLOAD_MB = 0.001  # about a kilobyte
        noise = PILImage.effect_noise((200, 200), 100).convert("RGB")
        buffer = io.BytesIO()
        noise.save(buffer, "JPEG", quality=95)

        with pytest.raises(images.ImageRejected) as refused:
            photo_services.image_create(file=ContentFile(buffer.getvalue(), name="noise.jpg"))

        assert refused.value.code == "file_size"
        assert not Image.objects.exists()
        assert stored_files(settings.PRIVATE_MEDIA_ROOT) == []


class TestAcceptedUploads:
    def test_the_good_folder_is_not_empty(self):
        assert len(GOOD_FILES) >= 9

    @pytest.mark.parametrize("name", GOOD_FILES)
    def test_good_file_is_accepted_keeps_its_credit_and_renders(self, name, settings, few_renditions):
        reuters = make_agency(name="رويترز", name_en="Reuters")

        photo = photo_services.image_create(file=sample_upload(f"good/{name}"))

        photo = Image.objects.get(pk=photo.pk)
        assert photo.width > 0 and photo.height > 0
        assert photo.format in {"JPEG", "PNG", "WEBP", "AVIF"}
        assert renditions_on_disk(photo, settings), "renditions should be written at upload"
        assert stored_files(settings.PRIVATE_MEDIA_ROOT) == [settings.PRIVATE_MEDIA_ROOT / photo.file.name]
        credit = SAMPLE_CREDITS.get(name)
        if credit == "Reuters":
            assert photo.credit == reuters
        elif credit:
            # An unknown agency is suggested to the editors, never created silently.
            assert photo.credit is None
            assert photo.credit_suggestion.text == credit
        else:
            # No credit in the file: flagged as missing, not guessed.
            assert photo.credit is None and photo.credit_suggestion is None
            assert gettext("credit") in photo.missing_for_publication()
        assert Agency.objects.get() == reuters

    def test_stored_names_are_generated_and_unique(self):
        first = photo_services.image_create(file=jpeg_upload("photo.jpg"))
        second = photo_services.image_create(file=jpeg_upload("photo.jpg"))

        assert first.file.name != second.file.name
        for photo in (first, second):
            assert re.fullmatch(r"originals/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", photo.file.name)

    def test_stored_name_extension_follows_the_content_not_the_uploaders_name(self):
        upload = ContentFile((GOOD / "photo.webp").read_bytes(), name="\u202eharmless.jpg.exe")

        photo = photo_services.image_create(file=upload)

        assert photo.file.name.endswith(".webp")
        assert "harmless" not in photo.file.name and "\u202e" not in photo.file.name


class TestAdminUpload:
    def _post(self, client, upload, **fields):
        return client.post(
            admin_url("image_add"),
            {"file": upload, "focal_x": "0.5", "focal_y": "0.5", **fields},
        )

    @pytest.mark.parametrize("name", HOSTILE_FILES)
    def test_hostile_file_is_refused_on_the_form_and_nothing_is_stored(self, staff_client, settings, name):
        response = self._post(staff_client, sample_upload(f"hostile/{name}"), alt_text_ar="صورة")

        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert errors.get("file"), f"{name} should be refused on the file field"
        assert str(errors["file"][0]) in response.content.decode()
        assert not Image.objects.exists()
        assert stored_files(settings.MEDIA_ROOT) == []
        assert stored_files(settings.PRIVATE_MEDIA_ROOT) == []

    def test_bomb_is_refused_in_arabic_naming_its_dimensions(self, staff_client):
        response = self._post(staff_client, sample_upload("hostile/bomb_30000x30000.png"))

        assert "الصورة كبيرة جداً: 30000×30000 بكسل" in response.context["adminform"].form.errors["file"][0]

    def test_good_file_is_accepted_with_its_metadata(self, staff_client, superuser, settings, few_renditions):
        afp = make_agency(name="فرانس برس", name_en="AFP")

        response = self._post(staff_client, sample_upload("good/afp_beirut.jpg"), alt_text_ar="متطوعون وركام")

        assert response.status_code == 302
        photo = Image.objects.get()
        assert photo.caption_ar == "متطوعون يزيلون الركام من شارع في بيروت بعد الانفجار"
        assert photo.credit == afp
        assert photo.uploaded_by == superuser
        assert (photo.width, photo.height) == (2400, 1600)
        assert "afp_beirut" not in photo.file.name
        assert stored_files(settings.PRIVATE_MEDIA_ROOT) == [settings.PRIVATE_MEDIA_ROOT / photo.file.name]
        assert renditions_on_disk(photo, settings)

    def test_two_uploads_named_photo_jpg_get_different_generated_names(self, staff_client, settings):
        for _ in range(2):
            assert self._post(staff_client, jpeg_upload("photo.jpg")).status_code == 302

        first, second = Image.objects.order_by("pk")
        assert first.file.name != second.file.name
        assert "photo" not in first.file.name + second.file.name
        names = [path.name for path in stored_files(settings.PRIVATE_MEDIA_ROOT)]
        assert len(names) == 2 and not any("photo" in name for name in names)

    def test_a_typed_caption_is_not_overwritten_by_the_file(self, staff_client, few_renditions):
        response = self._post(staff_client, sample_upload("good/afp_beirut.jpg"), caption_ar="تعليق كتبه المحرر")

        assert response.status_code == 302
        photo = Image.objects.get()
        assert photo.caption_ar == "تعليق كتبه المحرر"
        assert photo.photographer == "AFP photographer"

    def test_replacing_the_file_keeps_a_single_original(
        self, staff_client, settings, django_capture_on_commit_callbacks
    ):
        photo = make_image()
        data = form_data(staff_client.get(admin_url("image_change", photo.pk)))
        data["file"] = jpeg_upload("replacement.jpg", width=120, height=90)

        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(admin_url("image_change", photo.pk), data)

        assert response.status_code == 302
        photo.refresh_from_db()
        assert (photo.width, photo.height) == (120, 90)
        assert stored_files(settings.PRIVATE_MEDIA_ROOT) == [settings.PRIVATE_MEDIA_ROOT / photo.file.name]
        assert {path.parent.name for path in stored_files(settings.MEDIA_ROOT / "renditions")} == {photo.rendition_key}


class TestMetadata:
    def test_iptc_fills_the_empty_fields(self, few_renditions):
        afp = make_agency(name="فرانس برس", name_en="AFP")

        photo = photo_services.image_create(file=sample_upload("good/afp_beirut.jpg"))

        assert photo.caption_ar == "متطوعون يزيلون الركام من شارع في بيروت بعد الانفجار"
        assert photo.credit == afp
        assert photo.photographer == "AFP photographer"
        assert photo.copyright_notice == "© AFP 2024"

    def test_xmp_fills_the_empty_fields_including_alt_text(self, few_renditions):
        anadolu = make_agency(name="الأناضول", name_en="Anadolu Agency")

        photo = photo_services.image_create(file=sample_upload("good/anadolu_xmp_only.jpg"))

        # English text lands in the English fields; the Arabic ones wait for the editor.
        assert photo.caption_en == "Palestinians inspect the rubble of a building in Gaza City"
        assert photo.alt_text_en == "Rubble of a collapsed building with people standing on it"
        assert photo.caption_ar == "" and photo.alt_text_ar == ""
        assert photo.credit == anadolu
        assert photo.photographer == "Anadolu photographer"
        assert photo.copyright_notice == "© Anadolu Agency 2024"

    def test_what_the_editor_typed_is_not_overwritten(self, few_renditions):
        reuters = make_agency(name="رويترز", name_en="Reuters")
        make_agency(name="فرانس برس", name_en="AFP")

        photo = photo_services.image_create(
            file=sample_upload("good/afp_beirut.jpg"),
            caption="تعليق كتبه المحرر",
            photographer="مصور الجريدة",
            credit=reuters,
        )

        assert photo.caption_ar == "تعليق كتبه المحرر"
        assert photo.photographer == "مصور الجريدة"
        assert photo.credit == reuters
        assert photo.copyright_notice == "© AFP 2024"  # empty, so filled

    def test_xmp_with_a_doctype_is_refused_and_its_entities_never_expanded(self):
        hostile_xmp = (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY leak SYSTEM "file:///etc/passwd">]>'
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            b'<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">'
            b"<photoshop:Credit>&leak;</photoshop:Credit></rdf:Description></rdf:RDF></x:xmpmeta>"
        )
        upload = jpeg_with_xmp(xmp=hostile_xmp)

        with pytest.raises(images.ImageRejected):
            photo_services.image_create(file=upload)

        # Behind the upload check, the XMP parser itself refuses DTDs and entities.
        upload.seek(0)
        with PILImage.open(io.BytesIO(upload.read())) as decoded:
            assert decoded.info.get("xmp")
            assert images.read_metadata(decoded) == images.PhotoMetadata()
        assert not Image.objects.exists()


class TestCreditsAndAgencies:
    @pytest.fixture
    def reuters(self):
        return make_agency(name="رويترز", name_en="Reuters")

    @pytest.mark.parametrize("credit", ["Reuters", "REUTERS", "رويترز", " reuters "])
    def test_credit_line_maps_to_its_agency_whatever_the_case_or_script(self, reuters, credit):
        photo = photo_services.image_create(file=jpeg_with_xmp(credit=credit))

        assert photo.credit == reuters
        assert photo.credit_suggestion is None
        assert not CreditSuggestion.objects.exists()
        assert Agency.objects.count() == 1

    @pytest.mark.parametrize("written", ["وكالة رويترز للأنباء", "وكاله رويـترز للانباء", "وَكالة رويترز للأنباء"])
    def test_an_alias_maps_its_variants_to_the_agency(self, reuters, written):
        photo_services.agency_add_alias(agency=reuters, name="وكالة رويترز للأنباء")

        photo = photo_services.image_create(file=jpeg_with_xmp(credit=written))

        assert photo.credit == reuters
        assert photo_services.agency_for_credit(written) == reuters

    def test_an_alias_cannot_belong_to_two_agencies(self, reuters):
        photo_services.agency_add_alias(agency=reuters, name="Thomson Reuters")

        with pytest.raises(ValidationError):
            photo_services.agency_add_alias(agency=make_agency(name="فرانس برس", name_en="AFP"), name="THOMSON REUTERS")

        assert list(AgencyAlias.objects.values_list("agency", flat=True)) == [reuters.pk]

    def test_aliases_are_managed_on_the_agency_form(self, staff_client, reuters):
        url = admin_url("agency_change", reuters.pk)
        data = form_data(staff_client.get(url))
        data["aliases-0-name"] = "وكالة رويترز"

        response = staff_client.post(url, data)

        assert response.status_code == 302
        assert photo_services.agency_for_credit("وكاله رويترز") == reuters

    def test_unknown_credit_becomes_a_pending_suggestion_not_an_agency(self, reuters, few_renditions):
        photo = photo_services.image_create(file=sample_upload("good/cmyk.jpg"))

        suggestion = CreditSuggestion.objects.get()
        assert (suggestion.text, suggestion.status) == ("EPA-EFE", CreditSuggestion.Status.PENDING)
        assert photo.credit is None and photo.credit_suggestion == suggestion
        assert list(Agency.objects.all()) == [reuters]

    def test_photos_with_the_same_unknown_credit_share_one_suggestion(self):
        first = photo_services.image_create(file=jpeg_with_xmp(credit="EPA-EFE"))
        second = photo_services.image_create(file=jpeg_with_xmp(credit="epa-efe"))

        assert first.credit_suggestion == second.credit_suggestion == CreditSuggestion.objects.get()

    def test_accepting_a_suggestion_for_an_existing_agency_adds_an_alias_and_credits_the_photos(self):
        epa = make_agency(name="الوكالة الأوروبية للصور", name_en="European Pressphoto Agency")
        photos = [photo_services.image_create(file=jpeg_with_xmp(credit="EPA-EFE")) for _ in range(2)]

        photo_services.credit_suggestion_accept(suggestion=CreditSuggestion.objects.get(), agency=epa)

        assert {photo.credit for photo in Image.objects.filter(pk__in=[p.pk for p in photos])} == {epa}
        assert not Image.objects.filter(credit_suggestion__isnull=False).exists()
        assert AgencyAlias.objects.get(agency=epa).name == "EPA-EFE"
        suggestion = CreditSuggestion.objects.get()
        assert (suggestion.status, suggestion.agency) == (CreditSuggestion.Status.ACCEPTED, epa)
        # The next photo with that credit is credited straight away.
        assert photo_services.image_create(file=jpeg_with_xmp(credit="EPA-EFE")).credit == epa

    def test_accepting_a_suggestion_as_a_new_agency_credits_the_photos(self):
        photo = photo_services.image_create(file=jpeg_with_xmp(credit="EPA-EFE"))

        agency = photo_services.credit_suggestion_accept(suggestion=CreditSuggestion.objects.get())

        assert (agency.name_ar, agency.name_en) == ("EPA-EFE", "EPA-EFE")
        photo.refresh_from_db()
        assert photo.credit == agency and photo.credit_suggestion is None

    def test_dismissing_a_suggestion_leaves_the_photo_uncredited(self):
        photo = photo_services.image_create(file=jpeg_with_xmp(credit="صفحة فيسبوك"))

        photo_services.credit_suggestion_dismiss(suggestion=photo.credit_suggestion)

        photo.refresh_from_db()
        assert photo.credit is None
        assert CreditSuggestion.objects.get().status == CreditSuggestion.Status.DISMISSED
        assert not Agency.objects.exists()

    def test_editor_maps_a_suggestion_to_an_agency_in_the_admin(self, staff_client):
        epa = make_agency(name="الوكالة الأوروبية للصور", name_en="EPA")
        photo = photo_services.image_create(file=jpeg_with_xmp(credit="EPA-EFE"))
        url = admin_url("creditsuggestion_change", photo.credit_suggestion.pk)

        response = staff_client.post(url, {"agency": epa.pk, "_save": "1"})

        assert response.status_code == 302
        photo.refresh_from_db()
        assert photo.credit == epa
        assert photo_services.agency_for_credit("EPA-EFE") == epa

    def test_editor_accepts_suggestions_as_new_agencies_in_the_admin(self, staff_client):
        photo = photo_services.image_create(file=jpeg_with_xmp(credit="EPA-EFE"))

        response = staff_client.post(
            admin_url("creditsuggestion_changelist"),
            {"action": "accept_as_new_agency", "_selected_action": [photo.credit_suggestion.pk], "index": "0"},
        )

        assert response.status_code == 302
        photo.refresh_from_db()
        assert photo.credit.name_en == "EPA-EFE"


def _no_metadata(path):
    with PILImage.open(path) as rendition:
        exif = rendition.getexif()
        assert 0x8825 not in exif, f"{path.name} carries an EXIF GPS block"
        assert 0x8769 not in exif, f"{path.name} carries EXIF camera data (serial, maker notes)"
        assert "xmp" not in rendition.info and "XML:com.adobe.xmp" not in rendition.info, f"{path.name} carries XMP"
        assert IptcImagePlugin.getiptcinfo(rendition) is None, f"{path.name} carries IPTC"


class TestPrivacy:
    @pytest.mark.parametrize("name", ["afp_beirut.jpg", "large_24mp.jpg"])
    def test_renditions_carry_no_gps_xmp_or_iptc(self, name, settings):
        with PILImage.open(GOOD / name) as original:
            assert 0x8825 in original.getexif(), "the sample should carry GPS, or this test proves nothing"

        photo = photo_services.image_create(file=sample_upload(f"good/{name}"))

        renditions = renditions_on_disk(photo, settings)
        assert len(renditions) >= 8
        for path in renditions:
            _no_metadata(path)

    def test_the_original_is_never_served(self, client, settings, few_renditions):
        photo = photo_services.image_create(
            file=sample_upload("good/afp_beirut.jpg"), alt_text="متطوعون وركام", credit=make_agency()
        )
        story = make_article(lead_image=photo, sources=[photo.credit])
        make_placement(article=make_article(), image=photo)
        original = (settings.PRIVATE_MEDIA_ROOT / photo.file.name).read_bytes()

        with pytest.raises(ValueError):
            photo.file.url  # noqa: B018 - originals have no address at all
        token = photo.file.name.rsplit("/", 1)[-1].split(".")[0]
        for url in (
            reverse("articles:home"),
            story.get_absolute_url(),
            story.section.get_absolute_url(),
            photo.credit.get_absolute_url(),
            reverse("articles:feed"),
            reverse("articles:ninjs-feed"),
        ):
            page = page_of(client, url)
            assert token not in page and "originals/" not in page, url
        assert all(path.read_bytes() != original for path in stored_files(settings.MEDIA_ROOT))

    def test_exif_orientation_is_applied_and_dimensions_swapped(self, settings):
        photo = photo_services.image_create(file=sample_upload("good/rotated_exif6.jpg"))

        assert (photo.width, photo.height) == (1200, 1600)
        full = [path for path in renditions_on_disk(photo, settings) if path.name.startswith("full-")]
        assert len(full) >= 6
        for path in full:
            with PILImage.open(path) as rendition:
                width, height = rendition.size
                assert height > width, f"{path.name} should be upright"
                assert (width, height) == photo.rendition_size("full", int(RENDITION_FILE.match(path.name)["width"]))

    def test_cmyk_is_converted_to_rgb(self, settings):
        photo = photo_services.image_create(file=sample_upload("good/cmyk.jpg"))

        renditions = renditions_on_disk(photo, settings)
        assert {path.suffix for path in renditions} >= {".jpg", ".webp"}
        for path in renditions:
            with PILImage.open(path) as rendition:
                assert rendition.mode == "RGB", path.name

    @pytest.mark.parametrize("is_anonymous", [False, True])
    def test_anonymous_photographers_name_appears_nowhere_public(self, client, is_anonymous):
        photographer = "سلمى الخطيب"
        photo = photo_services.image_create(
            file=jpeg_upload(),
            alt_text="متظاهرون في ساحة",
            credit=make_agency(),
            photographer=photographer,
            copyright_notice=f"© {photographer} / صحيفة",
            is_photographer_anonymous=is_anonymous,
        )
        story = make_article(lead_image=photo)
        make_placement(article=story, image=photo)

        public = {
            url: page_of(client, url)
            for url in (
                story.get_absolute_url(),
                reverse("articles:home"),
                reverse("articles:feed"),
                reverse("articles:ninjs-feed"),
                reverse("articles:article-ninjs", args=[story.pk]),
            )
        }

        for url, page in public.items():
            assert photographer not in page or not is_anonymous, url
        # The control: a named photographer is credited (in the feeds), so the check can fail.
        assert is_anonymous or photographer in public[reverse("articles:feed")]


class TestRenditions:
    def test_only_allow_listed_widths_never_wider_than_the_original(self, settings):
        photo = photo_services.image_create(file=sample_upload("good/small_400x300.jpg"))

        widths = widths_on_disk(photo, settings)
        assert widths == {"full": {320, 400}, "card": {320, 400}}
        assert not (settings.MEDIA_ROOT / photo.rendition_name("full", 640, "jpeg")).exists()
        for kind, found in widths.items():
            # The original's own width stands in for the allow-listed widths above it.
            assert found <= ALLOWED_WIDTHS[kind] | {photo.width}

    def test_a_camera_size_photo_gets_exactly_the_allow_list(self, settings):
        photo = photo_services.image_create(file=sample_upload("good/afp_beirut.jpg"))

        assert widths_on_disk(photo, settings) == ALLOWED_WIDTHS
        for path in renditions_on_disk(photo, settings):
            with PILImage.open(path) as rendition:
                assert rendition.width == int(RENDITION_FILE.match(path.name)["width"])

    def test_names_are_deterministic_and_generation_is_idempotent(self, settings):
        photo = photo_services.image_create(file=jpeg_upload(width=700, height=500))
        expected = {
            photo.rendition_name(kind, width, fmt)
            for kind in RENDITION_WIDTHS
            for width in photo.rendition_widths(kind)
            for fmt in settings.IMAGE_RENDITION_FORMATS
        }
        on_disk = {str(path.relative_to(settings.MEDIA_ROOT)) for path in renditions_on_disk(photo, settings)}

        assert on_disk == expected
        for name in on_disk:
            assert re.fullmatch(rf"renditions/{photo.pk}/{photo.rendition_key}/(full|card)-\d+\.(jpg|webp|avif)", name)
        assert photo_services.image_generate_renditions(image=photo) == 0
        assert photo_services.image_generate_renditions(image=photo, force=True) == len(expected)
        assert {str(p.relative_to(settings.MEDIA_ROOT)) for p in renditions_on_disk(photo, settings)} == expected

    def test_moving_the_focal_point_makes_new_card_crops_under_a_new_key(
        self, settings, django_capture_on_commit_callbacks
    ):
        # Red on the left third, blue on the right: a 3:2 card crop shows one or the other.
        canvas = PILImage.new("RGB", (900, 300), (0, 0, 255))
        canvas.paste((255, 0, 0), (0, 0, 300, 300))
        buffer = io.BytesIO()
        canvas.save(buffer, "JPEG", quality=90)
        photo = photo_services.image_create(file=ContentFile(buffer.getvalue(), name="wide.jpg"))
        photo.focal_x = 0.0
        with django_capture_on_commit_callbacks(execute=True):
            photo_services.image_update(image=photo)
        left_key = photo.rendition_key

        photo.focal_x = 1.0
        with django_capture_on_commit_callbacks(execute=True):
            photo_services.image_update(image=photo)

        assert photo.rendition_key != left_key
        assert not (settings.MEDIA_ROOT / "renditions" / str(photo.pk) / left_key).exists() or not stored_files(
            settings.MEDIA_ROOT / "renditions" / str(photo.pk) / left_key
        )
        with PILImage.open(settings.MEDIA_ROOT / photo.rendition_name("card", 320, "jpeg")) as card:
            red, _green, blue = card.convert("RGB").getpixel((card.width // 2, card.height // 2))
        assert blue > 200 and red < 60
        photo.focal_x = 0.0
        with django_capture_on_commit_callbacks(execute=True):
            photo_services.image_update(image=photo)
        assert photo.rendition_key == left_key, "the same focal point gives the same names"
        with PILImage.open(settings.MEDIA_ROOT / photo.rendition_name("card", 320, "jpeg")) as card:
            red, _green, blue = card.convert("RGB").getpixel((card.width // 2, card.height // 2))
        assert red > 200 and blue < 60

    def test_story_page_serves_picture_elements_lead_eager_others_lazy(self, client, settings):
        credit = make_agency()
        lead = make_image(credit=credit, width=700, height=500, caption="الصورة الرئيسية")
        inline = make_image(credit=credit, width=500, height=400, caption="صورة بين الفقرات")
        gallery = make_image(credit=credit, width=400, height=300, caption="صورة في المعرض")
        story = make_article(lead_image=lead, body="<p>الأولى</p><p>الثانية</p>")
        make_placement(article=story, image=inline, after_paragraph=1, position=0)
        make_placement(article=story, image=gallery, position=1)

        page = page_of(client, story.get_absolute_url())

        pictures = re.findall(r"<picture>(.*?)</picture>", page, re.S)
        assert len(pictures) == 3
        for picture, photo in zip(pictures, (lead, inline, gallery), strict=True):
            source = re.search(r'<source type="image/webp" srcset="([^"]+)"', picture)
            assert source, "a WebP <source> should come before the JPEG fallback"
            img = re.search(r"<img ([^>]*)>", picture).group(1)
            width, height = photo.rendition_size("full", min(photo.width, 960))
            assert f'width="{width}"' in img and f'height="{height}"' in img
            for url in re.findall(r"(\S+) \d+w", source.group(1) + " " + re.search(r'srcset="([^"]+)"', img).group(1)):
                assert (settings.MEDIA_ROOT / url.removeprefix(settings.MEDIA_URL)).is_file(), url
            if photo is lead:
                assert 'fetchpriority="high"' in img and 'loading="lazy"' not in img
            else:
                assert 'loading="lazy"' in img and "fetchpriority" not in img


class TestPlacements:
    def test_inline_photo_sits_between_its_paragraphs_with_caption_override_and_credit(self, client):
        afp = make_agency(name="فرانس برس", name_en="AFP")
        photo = make_image(credit=afp, caption="التعليق الأصلي للصورة")
        story = make_article(body="<p>الفقرة الأولى</p><p>الفقرة الثانية</p><p>الفقرة الثالثة</p>")
        make_placement(article=story, image=photo, after_paragraph=1, caption="تعليق خاص بهذه القصة")

        page = page_of(client, story.get_absolute_url())

        body = re.search(r'<div class="article__body">(.*?)</div>', page, re.S).group(1)
        figure = re.search(r"<figure[^>]*>.*?</figure>", body, re.S)
        assert figure, "the placed photo should be in the body"
        assert body.index("الفقرة الأولى") < figure.start() < body.index("الفقرة الثانية")
        caption = re.search(r"<figcaption>(.*?)</figcaption>", figure.group(0), re.S).group(1)
        assert "تعليق خاص بهذه القصة" in caption and "التعليق الأصلي للصورة" not in caption
        assert re.search(r'<span class="credit">\(<bdi>فرانس برس</bdi>\)</span>', caption)

    def test_gallery_photo_comes_after_the_body_with_its_credit(self, client):
        afp = make_agency(name="فرانس برس", name_en="AFP")
        photo = make_image(credit=afp, caption="صورة المعرض")
        story = make_article(body="<p>الفقرة الأولى</p><p>الفقرة الثانية</p>")
        make_placement(article=story, image=photo)

        page = page_of(client, story.get_absolute_url())

        gallery = re.search(r'<section class="article__gallery"[^>]*>(.*?)</section>', page, re.S)
        assert gallery and page.index("الفقرة الثانية") < gallery.start()
        assert "صورة المعرض" in gallery.group(1) and "فرانس برس" in gallery.group(1)
        assert "<figure" not in re.search(r'<div class="article__body">(.*?)</div>', page, re.S).group(1)

    @pytest.mark.parametrize(
        ("where", "missing"), [("lead", "credit"), ("lead", "alt"), ("placed", "credit"), ("placed", "alt")]
    )
    def test_publishing_is_refused_while_a_photo_lacks_credit_or_alt_text(self, where, missing):
        photo = make_image(
            caption="صورة الاجتماع الناقصة",
            credit=None if missing == "credit" else make_agency(),
            alt_text="" if missing == "alt" else "طاولة اجتماعات",
        )
        complete = make_image(caption="صورة مكتملة")
        story = make_article(publish=False, lead_image=photo if where == "lead" else complete)
        if where == "placed":
            make_placement(article=story, image=photo)

        with pytest.raises(ValidationError) as refused:
            services.article_publish(article=story)

        message = " ".join(refused.value.messages)
        assert "صورة الاجتماع الناقصة" in message
        assert "صورة مكتملة" not in message
        assert gettext("credit" if missing == "credit" else "alt text") in message
        assert not Article.objects.published().exists()

    def test_publishing_in_the_admin_is_refused_while_the_lead_photo_lacks_a_credit(self, staff_client):
        photo = make_image(credit=None, caption="صورة بلا مصدر")
        story = make_article(publish=False, lead_image=photo)
        url = admin_url("article_change", story.pk)
        data = form_data(staff_client.get(url))
        data["desk_action"] = "publish"

        response = staff_client.post(url, data)

        assert response.status_code == 200
        assert "صورة بلا مصدر" in " ".join(response.context["adminform"].form.errors.get("lead_image", []))
        assert not Article.objects.published().exists()

    def test_publishing_in_the_admin_is_refused_while_a_placed_photo_lacks_alt_text(self, staff_client):
        photo = make_image(alt_text="", caption="صورة بلا وصف")
        story = make_article(publish=False, lead_image=make_image())
        url = admin_url("article_change", story.pk)
        data = form_data(staff_client.get(url))
        data.update(
            {
                "desk_action": "publish",
                "placements-TOTAL_FORMS": "1",
                "placements-0-image": str(photo.pk),
                "placements-0-position": "0",
                "placements-0-after_paragraph": "1",
            }
        )

        response = staff_client.post(url, data)

        assert response.status_code == 200
        assert "صورة بلا وصف" in response.content.decode()
        assert not Article.objects.published().exists()
        assert not story.placements.exists()

    def test_a_complete_placed_photo_is_saved_and_published_from_the_admin(self, staff_client, client):
        photo = make_image(caption="صورة مكتملة")
        story = make_article(publish=False, body="<p>الأولى</p><p>الثانية</p>")
        url = admin_url("article_change", story.pk)
        data = form_data(staff_client.get(url))
        data.update(
            {
                "desk_action": "publish",
                "placements-TOTAL_FORMS": "1",
                "placements-0-image": str(photo.pk),
                "placements-0-position": "0",
                "placements-0-after_paragraph": "1",
                "placements-0-caption_override_ar": "تعليق لهذه القصة",
            }
        )

        response = staff_client.post(url, data)

        assert response.status_code == 302
        story.refresh_from_db()
        assert story.is_public
        assert "تعليق لهذه القصة" in page_of(client, story.get_absolute_url())


class TestCreditsManagement:
    @pytest.fixture
    def library(self, now):
        afp = make_agency(name="فرانس برس", name_en="AFP")
        photos = {
            "complete": make_image(credit=afp, caption="كاملة"),
            "no_credit": make_image(credit=None, caption="بلا مصدر"),
            "no_alt": make_image(credit=afp, alt_text="", caption="بلا وصف"),
            "expired": make_image(credit=afp, caption="حقوق منتهية"),
            "restricted": make_image(credit=afp, caption="بشروط"),
            "expires_later": make_image(credit=afp, caption="تنتهي لاحقاً"),
        }
        Image.objects.filter(pk=photos["complete"].pk).update(licence=Image.Licence.AGENCY)
        Image.objects.filter(pk=photos["no_alt"].pk).update(licence=Image.Licence.STAFF)
        Image.objects.filter(pk=photos["expired"].pk).update(rights_expire_at=date(2024, 12, 10))
        Image.objects.filter(pk=photos["restricted"].pk).update(usage_terms="للاستخدام التحريري فقط")
        Image.objects.filter(pk=photos["expires_later"].pk).update(rights_expire_at=date(2024, 12, 12))
        return afp, {key: Image.objects.get(pk=photo.pk) for key, photo in photos.items()}

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"missing": "credit"}, {"no_credit"}),
            ({"missing": "alt"}, {"no_alt"}),
            ({"missing": "either"}, {"no_credit", "no_alt"}),
            ({"rights": "expired"}, {"expired"}),
            ({"rights": "restricted"}, {"restricted"}),
            ({"licence__exact": "staff"}, {"no_alt"}),
            ({"licence__exact": "agency"}, {"complete"}),
        ],
    )
    def test_changelist_filters(self, staff_client, library, query, expected):
        _afp, photos = library

        response = staff_client.get(admin_url("image_changelist"), query)

        assert response.status_code == 200
        found = {photo.pk for photo in response.context["cl"].result_list}
        assert found == {photos[key].pk for key in expected}

    def test_changelist_filters_by_credit(self, staff_client, library):
        afp, photos = library

        response = staff_client.get(admin_url("image_changelist"), {"credit__id__exact": afp.pk})

        assert {photo.pk for photo in response.context["cl"].result_list} == {
            photo.pk for key, photo in photos.items() if key != "no_credit"
        }

    def test_changelist_flags_what_needs_attention(self, staff_client, library):
        page = page_of(staff_client, admin_url("image_changelist"))

        for flag in ("no credit", "no alt text", "rights expired"):
            assert gettext(flag) in page
        assert "للاستخدام التحريري فقط" in page

    @pytest.mark.parametrize(("term", "expected"), [("بلا وصف", {"no_alt"}), ("AFP", None)])
    def test_changelist_searches_captions_and_credits(self, staff_client, library, term, expected):
        _afp, photos = library

        response = staff_client.get(admin_url("image_changelist"), {"q": term})

        found = {photo.pk for photo in response.context["cl"].result_list}
        wanted = {photos[key].pk for key in expected} if expected else {p.pk for p in photos.values() if p.credit_id}
        assert found == wanted

    def test_changelist_filters_by_upload_month(self, staff_client, library):
        url = admin_url("image_changelist")

        response = staff_client.get(url, {"created_at__year": "2024", "created_at__month": "12"})
        other = staff_client.get(url, {"created_at__year": "2024", "created_at__month": "11"})

        assert response.context["cl"].result_count == 6
        assert other.context["cl"].result_count == 0

    def test_story_form_flags_an_expired_lead_photo(self, staff_client, library):
        _afp, photos = library
        story = make_article(publish=False, lead_image=photos["expired"])

        page = page_of(staff_client, admin_url("article_change", story.pk))

        assert gettext("rights expired") in page

    def test_set_credit_action_credits_the_selected_photos(self, staff_client, library):
        _afp, photos = library
        reuters = make_agency(name="رويترز", name_en="Reuters")
        chosen = [photos["no_credit"].pk, photos["complete"].pk]

        response = staff_client.post(
            admin_url("image_changelist"),
            {"action": "set_credit", "_selected_action": chosen, "agency": reuters.pk, "index": "0"},
            follow=True,
        )

        assert response.status_code == 200
        assert set(Image.objects.filter(credit=reuters).values_list("pk", flat=True)) == set(chosen)
        assert len(list(response.context["messages"])) == 1

    def test_set_credit_action_without_an_agency_changes_nothing(self, staff_client, library):
        _afp, photos = library

        staff_client.post(
            admin_url("image_changelist"),
            {"action": "set_credit", "_selected_action": [photos["no_credit"].pk], "agency": "", "index": "0"},
        )

        assert Image.objects.get(pk=photos["no_credit"].pk).credit is None

    def test_where_used_lists_the_stories_showing_the_photo(self, staff_client):
        photo, unused = make_image(), make_image()
        lead_story = make_article(headline="قصة تتصدرها الصورة", lead_image=photo)
        placed_story = make_article(headline="قصة تضم الصورة في متنها")
        make_placement(article=placed_story, image=photo, after_paragraph=1)

        page = page_of(staff_client, admin_url("image_change", photo.pk))
        unused_page = page_of(staff_client, admin_url("image_change", unused.pk))

        for story in (lead_story, placed_story):
            assert f'<a href="{admin_url("article_change", story.pk)}">{story.headline_ar}</a>' in page
        assert gettext("Not used in any story.") in unused_page

    def test_deleting_a_placed_photo_is_refused(self, staff_client):
        photo = make_image()
        story = make_article(headline="قصة تضم الصورة في معرضها")
        make_placement(article=story, image=photo)

        response = staff_client.post(admin_url("image_delete", photo.pk), {"post": "yes"})

        assert response.status_code == 200
        assert Image.objects.filter(pk=photo.pk).exists()
        with pytest.raises(ValidationError) as refused:
            photo_services.image_delete(image=photo)
        assert story.headline_ar in " ".join(refused.value.messages)


RIYADH = ZoneInfo("Asia/Riyadh")


class TestCreditsReport:
    @pytest.fixture
    def published_photos(self, now):
        afp = make_agency(name="فرانس برس", name_en="AFP")
        reuters = make_agency(name="رويترز", name_en="Reuters")
        afp_one, afp_two = make_image(credit=afp), make_image(credit=afp)
        reuters_one = make_image(credit=reuters)
        december, november = datetime(2024, 12, 3, 9, tzinfo=RIYADH), datetime(2024, 11, 20, 9, tzinfo=RIYADH)
        # afp_one leads two December stories: billed once for December.
        first = make_article(lead_image=afp_one, published_at=december)
        make_article(lead_image=afp_one, published_at=december + timedelta(days=1))
        make_placement(article=first, image=reuters_one)
        autumn = make_article(lead_image=reuters_one, published_at=november)
        make_placement(article=autumn, image=afp_two, after_paragraph=1)
        # Not counted: a draft, and a story of another year.
        make_article(publish=False, lead_image=make_image(credit=afp))
        make_article(lead_image=make_image(credit=afp), published_at=datetime(2023, 6, 1, tzinfo=RIYADH))
        return afp, reuters

    def test_report_counts_photos_per_agency_and_month(self, staff_client, published_photos):
        response = staff_client.get(reverse("admin:articles_image_credits_report"), {"year": "2024"})

        assert response.status_code == 200
        rows = {row["name"]: row for row in response.context["table"]["agencies"]}
        assert set(rows) == {"فرانس برس", "رويترز"}
        assert rows["فرانس برس"]["months"][10:] == [1, 1] and rows["فرانس برس"]["total"] == 2
        assert rows["رويترز"]["months"][10:] == [1, 1] and rows["رويترز"]["total"] == 2
        assert sum(rows["فرانس برس"]["months"][:10]) == 0
        assert response.context["table"]["total"] == 4
        page = response.content.decode()
        assert "فرانس برس" in page and "رويترز" in page

    def test_report_of_another_year(self, staff_client, published_photos):
        response = staff_client.get(reverse("admin:articles_image_credits_report"), {"year": "2023"})

        assert [(row["name"], row["total"]) for row in response.context["table"]["agencies"]] == [("فرانس برس", 1)]

    def test_csv_export_has_a_bom_a_header_and_the_rows(self, staff_client, published_photos):
        response = staff_client.get(reverse("admin:articles_image_credits_report"), {"year": "2024", "format": "csv"})

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "photo-credits-2024.csv" in response["Content-Disposition"]
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        assert rows[0] == [gettext("agency"), gettext("year"), gettext("month"), gettext("photos published")]
        assert sorted(rows[1:]) == sorted(
            [
                ["رويترز", "2024", "11", "1"],
                ["رويترز", "2024", "12", "1"],
                ["فرانس برس", "2024", "11", "1"],
                ["فرانس برس", "2024", "12", "1"],
            ]
        )

    def test_report_is_for_staff_only(self, client):
        response = client.get(reverse("admin:articles_image_credits_report"))

        assert response.status_code == 302


# Measured. The image changelist: session, user, count, filtered count, rows, the credit
# filter's agencies, the date hierarchy (bounds and days) and the "set credit" action's agencies.
# The story page: the story, its bylines, tags, sources, placed photos (with their credits)
# and corrections, once the site-wide caches are warm.
IMAGE_CHANGELIST_BUDGET = 9
ARTICLE_PAGE_BUDGET = 6


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


class TestQueryBudgets:
    def _library(self, count, credit, section):
        for _ in range(count):
            photo = make_image(credit=credit)
            story = make_article(lead_image=photo, section=section)
            make_placement(article=story, image=make_image(credit=credit, alt_text=""))

    def test_image_changelist_is_constant_in_the_number_of_photos(self, staff_client, django_assert_max_num_queries):
        credit, section = make_agency(), make_section()
        self._library(1, credit, section)
        make_image(credit=None)
        url = admin_url("image_changelist")
        few = _count_queries(staff_client, url)

        self._library(6, credit, section)
        with django_assert_max_num_queries(IMAGE_CHANGELIST_BUDGET):
            response = staff_client.get(url)
        many = _count_queries(staff_client, url)

        assert response.context["cl"].result_count == 15
        assert many == few

    def test_article_page_is_constant_in_the_number_of_placements(self, client, django_assert_max_num_queries):
        credit = make_agency()
        body = "".join(f"<p>الفقرة {n}</p>" for n in range(1, 6))
        one = make_article(lead_image=make_image(credit=credit), body=body)
        make_placement(article=one, image=make_image(credit=credit), after_paragraph=1)
        five = make_article(lead_image=make_image(credit=credit), body=body)
        for n in range(5):
            make_placement(
                article=five, image=make_image(credit=make_agency()), position=n, after_paragraph=n if n else None
            )
        for story in (one, five):  # warm the site-wide caches (the section menu) first
            client.get(story.get_absolute_url())
        with_one = _count_queries(client, one.get_absolute_url())

        with django_assert_max_num_queries(ARTICLE_PAGE_BUDGET):
            page = client.get(five.get_absolute_url()).content.decode()

        assert page.count("<figure") == 6
        assert _count_queries(client, five.get_absolute_url()) == with_one


def call(name: str, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class TestImportImages:
    def test_imports_every_good_file_with_one_line_each(self, settings, few_renditions):
        reuters = make_agency(name="رويترز", name_en="Reuters")

        out, _err = call("import_images", str(GOOD))

        lines = [line for line in out.splitlines() if line.startswith("imported")]
        assert len(lines) == len(GOOD_FILES) == Image.objects.count()
        large = next(line for line in lines if "large_24mp.jpg" in line)
        assert "6000×4000" in large and f"credit: {reuters}" in large
        assert "? EPA-EFE" in next(line for line in lines if "cmyk.jpg" in line)
        assert f"{len(GOOD_FILES)} imported, 0 already in the library, 0 refused." in out
        assert len(stored_files(settings.PRIVATE_MEDIA_ROOT)) == len(GOOD_FILES)

    def test_refuses_every_hostile_file_with_its_reason_and_fails(self, settings):
        with pytest.raises(CommandError) as failed:
            call("import_images", str(HOSTILE))

        assert f"0 imported, 0 already in the library, {len(HOSTILE_FILES)} refused." in str(failed.value)
        assert not Image.objects.exists()
        assert stored_files(settings.MEDIA_ROOT) == [] and stored_files(settings.PRIVATE_MEDIA_ROOT) == []

    def test_one_bad_file_does_not_stop_the_others(self, few_renditions):
        out = io.StringIO()

        with pytest.raises(CommandError) as failed:
            call_command(
                "import_images", str(HOSTILE / "bomb_30000x30000.png"), str(GOOD / "small_400x300.jpg"), stdout=out
            )

        assert "1 imported, 0 already in the library, 1 refused." in str(failed.value)
        refused = next(line for line in out.getvalue().splitlines() if line.startswith("refused"))
        assert "bomb_30000x30000.png" in refused and "30000×30000" in refused
        assert Image.objects.get().width == 400

    def test_dry_run_checks_without_storing(self, settings):
        out, _err = call("import_images", "--dry-run", str(GOOD / "small_400x300.jpg"))

        assert out.startswith("valid")
        assert not Image.objects.exists()
        assert stored_files(settings.PRIVATE_MEDIA_ROOT) == []

    def test_a_missing_path_is_an_error(self, tmp_path):
        with pytest.raises(CommandError):
            call("import_images", str(tmp_path / "nowhere"))


class TestRegenerateRenditions:
    def test_writes_missing_renditions(self, settings):
        photo = make_image(width=700, height=500)
        expected = renditions_on_disk(photo, settings)
        for path in expected:
            path.unlink()

        out, _err = call("regenerate_renditions")

        assert renditions_on_disk(photo, settings) == expected
        assert f"1 photos, {len(expected)} renditions written, 0 failed." in out

    def test_force_rewrites_only_the_chosen_photo(self, settings):
        photo, other = make_image(width=700, height=500), make_image(width=700, height=500)

        out, _err = call("regenerate_renditions", "--force", "--id", str(photo.pk))

        assert f"1 photos, {len(renditions_on_disk(photo, settings))} renditions written, 0 failed." in out
        assert renditions_on_disk(other, settings)

    def test_a_missing_original_is_reported_and_fails(self, settings):
        photo = make_image()
        (settings.PRIVATE_MEDIA_ROOT / photo.file.name).unlink()

        with pytest.raises(SystemExit) as failed:
            call("regenerate_renditions", "--force")

        assert failed.value.code == 1


def test_progress_bar_is_drawn_only_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal, pipe = Terminal(), io.StringIO()

    assert list(progress(range(3), total=3, label="renditions", stream=terminal)) == [0, 1, 2]
    list(progress(range(3), total=3, label="renditions", stream=pipe))

    assert terminal.getvalue().endswith(f"\rrenditions [{'#' * 30}] 3/3\n")
    assert pipe.getvalue() == ""
