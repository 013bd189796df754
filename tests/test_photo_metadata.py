"""What agencies', cameras' and photo software's files say reaches the right fields.

Every file here is made by the test: IIM records written byte by byte in each character set,
XMP packets in each form, PNG chunks before and after the image data, EXIF written by Pillow.
"""

import hashlib
import io
import struct
import zlib
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils.translation import gettext
from PIL import Image as PILImage

from articles.models import RENDITION_WIDTHS, Article, CreditSuggestion, Image
from articles.photos import images
from articles.photos import services as photo_services
from articles.stories import services as story_services

from .factories import make_agency, make_article, make_image

# --- Files written byte by byte -------------------------------------------------------------


def iim(*datasets: tuple[int, int, bytes]) -> bytes:
    """IPTC IIM datasets: tag marker 0x1C, record, number, two-byte length, the bytes."""
    return b"".join(
        b"\x1c" + bytes([record, number]) + struct.pack(">H", len(value)) + value for record, number, value in datasets
    )


def photoshop_resources(resources: dict[int, bytes]) -> bytes:
    blocks = b""
    for resource, data in resources.items():
        blocks += b"8BIM" + struct.pack(">H", resource) + b"\x00\x00" + struct.pack(">I", len(data)) + data
        blocks += b"\x00" * (len(data) % 2)
    return blocks


def jpeg(*, iim_block: bytes = b"", digest: bytes | None = None, xmp: str | bytes = b"", exif=None) -> bytes:
    buffer = io.BytesIO()
    options = {"quality": 70}
    if xmp:
        options["xmp"] = xmp.encode() if isinstance(xmp, str) else xmp
    if exif is not None:
        options["exif"] = exif
    PILImage.new("RGB", (64, 48), (90, 110, 130)).save(buffer, "JPEG", **options)
    data = buffer.getvalue()
    if iim_block:
        resources = {0x0404: iim_block}
        if digest is not None:
            resources[0x0425] = digest
        app13 = b"Photoshop 3.0\x00" + photoshop_resources(resources)
        data = data[:2] + b"\xff\xed" + struct.pack(">H", len(app13) + 2) + app13 + data[2:]
    return data


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(*, before: list[bytes] = (), after: list[bytes] = ()) -> bytes:
    """A PNG with extra chunks before its image data (after IHDR) and after it (before IEND)."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (90, 110, 130)).save(buffer, "PNG")
    data = buffer.getvalue()
    ihdr_end = 8 + 25
    iend = data.rindex(b"IEND") - 4
    return data[:ihdr_end] + b"".join(before) + data[ihdr_end:iend] + b"".join(after) + data[iend:]


def itxt(keyword: str, text: str) -> bytes:
    return png_chunk(b"iTXt", keyword.encode() + b"\x00\x00\x00\x00\x00" + text.encode("utf-8"))


def raw_profile(kind: str, data: bytes) -> bytes:
    """ImageMagick's «Raw profile type …» zTXt chunk: type, length, then hex digits."""
    text = f"\n{kind}\n{len(data):8d}\n{data.hex()}\n".encode()
    return png_chunk(b"zTXt", f"Raw profile type {kind}".encode() + b"\x00\x00" + zlib.compress(text))


def xmp_packet(description_attributes: str = "", body: str = "") -> str:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"'
        ' xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"'
        f" {description_attributes}>{body}</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    )


def metadata_of(data: bytes) -> images.PhotoMetadata:
    return images.inspect_upload(data).metadata


UTF8 = (1, 90, b"\x1b%G")
CAPTION, CREDIT, BYLINE, INSTRUCTIONS = (2, 120), (2, 110), (2, 80), (2, 40)


# --- IIM character sets ---------------------------------------------------------------------


class TestIimCharacterSets:
    def test_latin1_without_a_declaration_is_read_as_latin1(self):
        found = metadata_of(jpeg(iim_block=iim((*CAPTION, "Dateigröße des Fotos".encode("latin-1")))))

        assert found.caption == "Dateigröße des Fotos"

    def test_latin1_declared_by_its_escape_sequence(self):
        found = metadata_of(jpeg(iim_block=iim((1, 90, b"\x1b.A"), (*CAPTION, "Café à Beyrouth".encode("latin-1")))))

        assert found.caption == "Café à Beyrouth"

    def test_windows_1256_arabic_without_a_declaration_is_read_as_arabic(self):
        caption = "متطوعون يزيلون الركام من شارع في بيروت"

        found = metadata_of(
            jpeg(iim_block=iim((*CAPTION, caption.encode("cp1256")), (*BYLINE, "سامر".encode("cp1256"))))
        )

        assert found.caption == caption
        assert found.creator == "سامر"

    def test_utf8_declared_by_esc_percent_g(self):
        caption = "وزراء الخارجية العرب في عمّان"

        found = metadata_of(jpeg(iim_block=iim(UTF8, (*CAPTION, caption.encode()), (*CREDIT, "رويترز".encode()))))

        assert found.caption == caption and found.credit == "رويترز"

    def test_utf8_without_a_declaration_is_recognised(self):
        found = metadata_of(jpeg(iim_block=iim((*CAPTION, "Zürich, Hauptbahnhof".encode()))))

        assert found.caption == "Zürich, Hauptbahnhof"

    def test_a_wrong_declaration_does_not_garble_the_text(self):
        # Declared UTF-8, written in Windows-1256 by an older tool.
        found = metadata_of(jpeg(iim_block=iim(UTF8, (*CAPTION, "الرياض".encode("cp1256")))))

        assert found.caption == "الرياض"


# --- XMP in every form ----------------------------------------------------------------------


class TestXmpForms:
    def test_attribute_form(self):
        packet = xmp_packet('photoshop:Credit="AFP/Getty Images" photoshop:Headline="Storm in Beirut"')

        found = metadata_of(jpeg(xmp=packet))

        assert found.credit == "AFP/Getty Images"
        assert found.headline == "Storm in Beirut"

    def test_language_alternatives_are_kept_by_language(self):
        packet = xmp_packet(
            body='<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Ministers meet in Amman</rdf:li>'
            '<rdf:li xml:lang="en">Ministers meet in Amman</rdf:li>'
            '<rdf:li xml:lang="ar">الوزراء يجتمعون في عمّان</rdf:li></rdf:Alt></dc:description>'
        )

        found = metadata_of(jpeg(xmp=packet))

        assert found.caption == "Ministers meet in Amman"
        assert ("caption", "ar", "الوزراء يجتمعون في عمّان") in found.languages

    def test_every_creator_of_a_sequence_is_kept(self):
        packet = xmp_packet(
            body="<dc:creator><rdf:Seq><rdf:li>Hassan Ammar</rdf:li><rdf:li>Bilal Hussein</rdf:li>"
            "<rdf:li>Hussein Malla</rdf:li></rdf:Seq></dc:creator>"
        )

        found = metadata_of(jpeg(xmp=packet))

        assert found.creators == ("Hassan Ammar", "Bilal Hussein", "Hussein Malla")
        assert found.creator == "Hassan Ammar, Bilal Hussein, Hussein Malla"

    def test_xmp_in_a_png_itxt_chunk_before_the_image_data(self):
        data = png(before=[itxt("XML:com.adobe.xmp", xmp_packet('photoshop:Credit="Reuters"'))])

        assert metadata_of(data).credit == "Reuters"

    def test_xmp_after_the_png_image_data(self):
        data = png(after=[itxt("XML:com.adobe.xmp", xmp_packet('photoshop:Credit="Anadolu Agency"'))])

        assert metadata_of(data).credit == "Anadolu Agency"

    def test_iptc_in_a_png_raw_profile_chunk(self):
        block = iim(UTF8, (*CAPTION, "سيول في جدة".encode()), (*CREDIT, b"SPA"))

        found = metadata_of(png(before=[raw_profile("iptc", block)]))

        assert found.caption == "سيول في جدة" and found.credit == "SPA"

    def test_iptc_in_a_png_8bim_profile_chunk_after_the_image_data(self):
        block = photoshop_resources({0x0404: iim((*CREDIT, b"WAM"), (*CAPTION, b"Dubai skyline"))})

        found = metadata_of(png(after=[raw_profile("8bim", block)]))

        assert found.credit == "WAM" and found.caption == "Dubai skyline"

    def test_exif_description_artist_and_copyright_are_fallbacks(self):
        exif = PILImage.Exif()
        exif[0x010E] = "Fishermen at dawn in Sidon"
        exif[0x013B] = "Rami Khoury"
        exif[0x8298] = "(c) Rami Khoury 2024"

        found = metadata_of(jpeg(exif=exif))

        assert found.caption == "Fishermen at dawn in Sidon"
        assert found.creator == "Rami Khoury"
        assert found.copyright_notice == "(c) Rami Khoury 2024"

    def test_exif_text_written_in_utf8_by_a_phone_is_read_as_utf8(self):
        exif = PILImage.Exif()
        exif[0x010E] = "صيادون عند الفجر في صيدا".encode()

        assert metadata_of(jpeg(exif=exif)).caption == "صيادون عند الفجر في صيدا"

    def test_iptc_and_xmp_win_over_exif(self):
        exif = PILImage.Exif()
        exif[0x010E] = "DCIM camera default"

        found = metadata_of(jpeg(exif=exif, iim_block=iim((*CAPTION, b"Fishermen at dawn in Sidon"))))

        assert found.caption == "Fishermen at dawn in Sidon"

    def test_all_iim_bylines_are_kept(self):
        block = iim(UTF8, (*BYLINE, "ليلى حداد".encode()), (*BYLINE, "سامر العلي".encode()))

        found = metadata_of(jpeg(iim_block=block))

        assert found.creators == ("ليلى حداد", "سامر العلي")
        assert found.creator == "ليلى حداد، سامر العلي"


# --- IIM against XMP: the newest wins -------------------------------------------------------


class TestNewestWins:
    STALE_XMP = xmp_packet(
        'photoshop:Credit="Stale XMP credit"',
        "<dc:description><rdf:Alt><rdf:li xml:lang='x-default'>XMP caption</rdf:li></rdf:Alt></dc:description>",
    )

    def block(self):
        return iim((*CAPTION, b"IIM caption"), (*CREDIT, b"IIM credit"))

    def test_a_digest_that_matches_means_both_agree_and_xmp_is_read(self):
        block = self.block()

        found = metadata_of(jpeg(iim_block=block, digest=hashlib.md5(block).digest(), xmp=self.STALE_XMP))

        assert (found.caption, found.credit) == ("XMP caption", "Stale XMP credit")

    def test_a_digest_that_does_not_match_means_iim_was_edited_later(self):
        found = metadata_of(jpeg(iim_block=self.block(), digest=b"\x00" * 16, xmp=self.STALE_XMP))

        assert (found.caption, found.credit) == ("IIM caption", "IIM credit")

    def test_without_a_digest_a_dated_xmp_wins(self):
        packet = xmp_packet(
            'xmp:MetadataDate="2024-12-11T09:00:00+03:00" photoshop:Credit="XMP credit"',
        )

        found = metadata_of(jpeg(iim_block=self.block(), xmp=packet))

        assert found.credit == "XMP credit"
        assert found.caption == "IIM caption"  # only in IIM: kept

    def test_without_a_digest_or_a_date_iim_wins(self):
        found = metadata_of(jpeg(iim_block=self.block(), xmp=self.STALE_XMP))

        assert (found.caption, found.credit) == ("IIM caption", "IIM credit")


# --- Into the photo's fields ----------------------------------------------------------------


@pytest.fixture
def few_renditions(monkeypatch):
    monkeypatch.setitem(RENDITION_WIDTHS, "full", (320,))
    monkeypatch.setitem(RENDITION_WIDTHS, "card", (320,))


def upload(data: bytes, name: str = "photo.jpg") -> ContentFile:
    return ContentFile(data, name=name)


@pytest.mark.django_db
@pytest.mark.usefixtures("few_renditions")
class TestStoredFields:
    def test_special_instructions_and_usage_terms_become_the_photos_restrictions(self):
        block = iim((*INSTRUCTIONS, b"ONE TIME USE ONLY; NO ARCHIVES"), (*CREDIT, b"The Canadian Press"))
        packet = xmp_packet(
            "xmp:MetadataDate='2024-12-11T09:00:00Z'",
            "<xmpRights:UsageTerms><rdf:Alt><rdf:li xml:lang='x-default'>Editorial use only</rdf:li></rdf:Alt>"
            "</xmpRights:UsageTerms>",
        )

        photo = photo_services.image_create(file=upload(jpeg(iim_block=block, xmp=packet)))

        assert "ONE TIME USE ONLY; NO ARCHIVES" in photo.usage_terms
        assert "Editorial use only" in photo.usage_terms
        assert photo.is_restricted

    def test_headline_keywords_date_and_place_are_kept_for_the_editor(self):
        block = iim(
            UTF8,
            (2, 105, "سيول جدة".encode()),
            (2, 25, "سيول".encode()),
            (2, 25, "جدة".encode()),
            (2, 55, b"20241209"),
            (2, 90, "جدة".encode()),
            (2, 101, "السعودية".encode()),
        )

        photo = photo_services.image_create(file=upload(jpeg(iim_block=block)))
        photo.refresh_from_db()

        assert photo.headline == "سيول جدة"
        assert photo.keywords == "سيول، جدة"
        assert photo.photographed_on == date(2024, 12, 9)
        assert photo.location == "جدة، السعودية"

    def test_every_byline_reaches_the_photographer_field(self):
        block = iim((*BYLINE, b"Hassan Ammar"), (*BYLINE, b"Bilal Hussein"))

        photo = photo_services.image_create(file=upload(jpeg(iim_block=block)))

        assert photo.photographer == "Hassan Ammar, Bilal Hussein"

    def test_english_caption_goes_to_the_english_field_arabic_to_the_arabic(self):
        english = photo_services.image_create(file=upload(jpeg(iim_block=iim((*CAPTION, b"Ministers meet in Amman")))))
        arabic = photo_services.image_create(
            file=upload(jpeg(iim_block=iim(UTF8, (*CAPTION, "الوزراء يجتمعون في عمّان".encode()))))
        )

        assert not english.caption_ar and english.caption_en == "Ministers meet in Amman"
        assert arabic.caption_ar == "الوزراء يجتمعون في عمّان" and not arabic.caption_en

    def test_each_language_of_an_xmp_alternative_fills_its_own_field(self):
        packet = xmp_packet(
            body='<Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li xml:lang="x-default">Rubble in Gaza</rdf:li>'
            '<rdf:li xml:lang="ar">ركام في غزة</rdf:li></rdf:Alt></Iptc4xmpCore:AltTextAccessibility>'
        )

        photo = photo_services.image_create(file=upload(jpeg(xmp=packet)))

        assert (photo.alt_text_ar, photo.alt_text_en) == ("ركام في غزة", "Rubble in Gaza")

    def test_english_alt_text_does_not_satisfy_the_arabic_alt_text_rule(self):
        # English typed into the Arabic field: the story may not be published with it.
        photo = make_image(alt_text="Rubble of a collapsed building", caption="ركام مبنى في غزة")
        story = make_article(publish=False, lead_image=photo)

        with pytest.raises(ValidationError) as refused:
            story_services.article_publish(article=story)

        assert "ركام مبنى في غزة" in " ".join(refused.value.messages)
        assert gettext("alt text in Arabic") in " ".join(refused.value.messages)
        photo.alt_text_ar = "ركام مبنى منهار في غزة"
        photo_services.image_update(image=photo)
        story_services.article_publish(article=story)
        story.refresh_from_db()
        assert story.status == Article.Status.PUBLISHED

    def test_a_long_agency_caption_is_kept_whole(self):
        caption = ("Residents walk past damaged buildings after overnight strikes in the city centre. " * 12) + (
            "MANDATORY CREDIT: REUTERS. NO RESALES. NO ARCHIVES."
        )
        packet = xmp_packet(
            body=f"<dc:description><rdf:Alt><rdf:li xml:lang='x-default'>{caption}</rdf:li></rdf:Alt></dc:description>"
        )

        photo = photo_services.image_create(file=upload(jpeg(xmp=packet)))
        photo.refresh_from_db()

        assert len(caption) > 1000
        assert photo.caption_en == caption

    def test_the_credit_line_is_kept_as_written_and_the_agency_resolved(self):
        afp = make_agency(name="فرانس برس", name_en="AFP")

        photo = photo_services.image_create(file=upload(jpeg(xmp=xmp_packet('photoshop:Credit="AFP/Getty Images"'))))

        assert photo.credit_line == "AFP/Getty Images"
        assert photo.credit == afp
        assert not CreditSuggestion.objects.exists()

    def test_a_photographer_before_the_agency_in_the_credit_line(self):
        reuters = make_agency(name="رويترز", name_en="Reuters")

        photo = photo_services.image_create(
            file=upload(jpeg(iim_block=iim((*CREDIT, b"Mohamed Abd El Ghany/REUTERS"))))
        )

        assert photo.credit == reuters and photo.credit_line == "Mohamed Abd El Ghany/REUTERS"

    def test_an_unknown_credit_line_is_still_a_suggestion(self):
        photo = photo_services.image_create(file=upload(jpeg(xmp=xmp_packet('photoshop:Credit="Studio Nour"'))))

        assert photo.credit is None
        assert photo.credit_suggestion == CreditSuggestion.objects.get(text="Studio Nour")


@pytest.mark.django_db
@pytest.mark.usefixtures("few_renditions")
def test_import_images_puts_each_caption_in_its_language_and_keeps_latin1_text(tmp_path):
    folder = tmp_path / "hot"
    folder.mkdir()
    (folder / "arabic.jpg").write_bytes(jpeg(iim_block=iim((*CAPTION, "سيول في جدة".encode("cp1256")))))
    (folder / "german.jpg").write_bytes(jpeg(iim_block=iim((*CAPTION, "Überschwemmung in Dschidda".encode("latin-1")))))
    output = io.StringIO()

    call_command("import_images", str(folder), stdout=output)

    arabic, german = (Image.objects.get(pk=pk) for pk in sorted(Image.objects.values_list("pk", flat=True)))
    assert arabic.caption_ar == "سيول في جدة" and not arabic.caption_en
    assert german.caption_en == "Überschwemmung in Dschidda" and not german.caption_ar
    assert "2 imported, 0 already in the library, 0 refused." in output.getvalue()
