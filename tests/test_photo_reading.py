"""Reading photos as real cameras, phones and photo software write them: every file is either
accepted and rendered in the right colours, or refused with an Arabic reason naming it, with
nothing stored; no error of Pillow's ever reaches the editor."""

import hashlib
import importlib
import io
import zlib

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.core.handlers.wsgi import WSGIRequest
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from PIL import Image as PILImage

from articles.models import CreditSuggestion, Image
from articles.photos import images, markup
from articles.photos import services as photo_services
from articles.photos.uploads import refused_uploads

from . import photo_files as pf
from .factories import jpeg_bytes
from .test_admin import admin_url
from .test_images import few_renditions, stored_files  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str) -> ContentFile:
    return ContentFile(data, name=name)


def rendition(photo: Image, settings, fmt: str = "jpg") -> PILImage.Image:
    """The full-width rendition readers get, decoded as a browser would."""
    path = settings.MEDIA_ROOT / photo.rendition_name("full", photo.rendition_widths("full")[-1], "jpeg")
    if fmt != "jpg":
        path = path.with_suffix(f".{fmt}")
    with PILImage.open(path) as decoded:
        decoded.load()
        return decoded.copy()


def centre(image: PILImage.Image):
    return image.getpixel((image.width // 2, image.height // 2))


def close(actual, expected, tolerance: int = 8) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=False))


def nothing_stored(settings) -> bool:
    return (
        not Image.objects.exists()
        and not CreditSuggestion.objects.exists()
        and stored_files(settings.MEDIA_ROOT) == []
        and stored_files(settings.PRIVATE_MEDIA_ROOT) == []
    )


def truncated_png() -> bytes:
    png = pf.encode(PILImage.effect_noise((200, 150), 60).convert("RGB"), "PNG")
    return png[: len(png) // 2]


def png_with_bad_crc() -> bytes:
    png = pf.encode(pf.flat((10, 20, 30)), "PNG")
    at = png.index(b"IDAT") + 8
    return png[:at] + bytes([png[at] ^ 0xFF]) + png[at + 1 :]


def png_with_oversized_text() -> bytes:
    # 3 MB of text in 3 KB: more than Pillow will decompress from a chunk.
    return pf.png_with_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"a" * 3_000_000))


DAMAGED = {
    "truncated.png": truncated_png,
    "bad_crc.png": png_with_bad_crc,
    "oversized_text.png": png_with_oversized_text,
    "truncated.heic": lambda: pf.heic()[:200],
    "truncated_mpo.jpg": lambda: pf.mpo()[:300],
}


class TestOneReadingPath:
    @pytest.mark.parametrize("name", sorted(DAMAGED))
    def test_a_damaged_file_is_refused_in_arabic_naming_the_file(self, name, settings):
        with pytest.raises(images.ImageRejected) as refused:
            photo_services.image_create(file=upload(DAMAGED[name](), name))

        message = refused.value.messages[0]
        assert f"«{name}»" in message
        assert "تالفة" in message or "ليس صورة مقبولة" in message
        assert nothing_stored(settings)

    def test_the_file_name_is_quoted_without_its_folders_or_direction_controls(self):
        with pytest.raises(images.ImageRejected) as refused:
            images.inspect_upload(truncated_png(), name="../../\u202eevil/\u202egnp.png")

        assert "«gnp.png»" in refused.value.messages[0]
        assert refused.value.reason == "الصورة تالفة أو ناقصة ولا يمكن قراءتها."

    def test_an_mpo_counts_one_frame_against_the_pixel_limit(self, settings, few_renditions):  # noqa: F811
        settings.IMAGE_MAX_MEGAPIXELS = 0.01  # 10,000 pixels: one 96×64 frame fits, two would not

        photo = photo_services.image_create(file=upload(pf.mpo(), "IMG_0001.JPG"))

        assert (photo.format, photo.width, photo.height) == ("JPEG", 96, 64)
        assert photo.file.name.endswith(".jpg")

    def test_an_animation_still_counts_every_frame(self, settings):
        settings.IMAGE_MAX_MEGAPIXELS = 0.01
        frames = [pf.flat((i * 40, 0, 0), size=(96, 64)) for i in range(3)]
        animated = pf.encode(frames[0], "PNG", save_all=True, append_images=frames[1:])

        with pytest.raises(images.ImageRejected) as refused:
            images.inspect_upload(animated)

        assert refused.value.code == "pixels"

    def test_an_mpo_is_accepted_on_the_admin_form(self, staff_client, few_renditions):  # noqa: F811
        response = staff_client.post(
            admin_url("image_add"),
            {"file": upload(pf.mpo(), "portrait.jpg"), "focal_x": "0.5", "focal_y": "0.5", "alt_text_ar": "صورة"},
        )

        assert response.status_code == 302
        assert Image.objects.get().format == "JPEG"

    def test_a_damaged_file_on_the_admin_form_is_an_arabic_error_not_a_server_error(self, staff_client, settings):
        response = staff_client.post(
            admin_url("image_add"),
            {"file": upload(png_with_oversized_text(), "scan.png"), "focal_x": "0.5", "focal_y": "0.5"},
        )

        assert response.status_code == 200
        error = response.context["adminform"].form.errors["file"][0]
        assert "«scan.png»" in error and "تالفة" in error
        assert error in response.content.decode()
        assert nothing_stored(settings)

    def test_a_stored_original_that_no_longer_decodes_is_refused_not_a_pillow_error(self):
        with pytest.raises(images.ImageRejected):
            images.open_for_rendering(truncated_png(), 320)


class TestMarkupScan:
    def test_photoshop_for_mac_print_settings_are_not_web_page_code(self, few_renditions):  # noqa: F811
        data = pf.jpeg_with_segment(0xED, pf.photoshop_mac_block())

        photo = photo_services.image_create(file=upload(data, "photoshop_mac.jpg"))

        assert photo.format == "JPEG"

    def test_markup_spelled_by_compressed_pixels_is_not_refused(self, few_renditions):  # noqa: F811
        noisy = pf.encode(PILImage.effect_noise((256, 192), 80).convert("RGB"), "JPEG", quality=90)
        data = pf.with_markup_in_pixels(noisy, b"<svg ")
        assert markup.MARKUP.search(data)  # the bytes are there, in the compressed scan

        photo = photo_services.image_create(file=upload(data, "phone.jpg"))

        assert (photo.width, photo.height) == (256, 192)

    def test_the_same_bytes_in_a_png_text_chunk_are_refused(self, settings):
        data = pf.png_with_chunk(b"tEXt", b"Comment\0<svg onload=alert(1)>")

        with pytest.raises(images.ImageRejected) as refused:
            photo_services.image_create(file=upload(data, "chart.png"))

        assert refused.value.code == "markup"
        assert nothing_stored(settings)

    def test_markup_in_a_compressed_png_text_chunk_is_refused(self):
        data = pf.png_with_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"<script>alert(1)</script>"))

        with pytest.raises(images.ImageRejected) as refused:
            images.inspect_upload(data)

        assert refused.value.code == "markup"

    @pytest.mark.parametrize("marker", [0xFE, 0xE1, 0xED])
    def test_markup_in_a_jpeg_metadata_segment_is_refused(self, marker):
        data = pf.jpeg_with_segment(marker, b"Caption <script>alert(1)</script>")

        with pytest.raises(images.ImageRejected) as refused:
            images.inspect_upload(data)

        assert refused.value.code == "markup"

    @pytest.mark.parametrize(
        "make",
        [
            lambda: jpeg_bytes(),
            lambda: pf.encode(pf.flat((1, 2, 3)), "PNG"),
            lambda: pf.encode(pf.flat((1, 2, 3)), "WEBP"),
            lambda: pf.mpo(),
            lambda: pf.heic(),
        ],
        ids=["jpeg", "png", "webp", "mpo", "heic"],
    )
    def test_markup_after_the_image_end_is_refused_in_every_format(self, make):
        with pytest.raises(images.ImageRejected) as refused:
            images.inspect_upload(make() + b"<html><body><script>alert(1)</script></body></html>")

        assert refused.value.code == "markup"

    def test_markup_in_the_second_frame_of_an_mpo_is_refused(self):
        data = pf.mpo()
        second = data.index(b"\xff\xd8", 2)
        comment = b"\xff\xfe\x00\x12<svg onload=x>\x00\x00"
        data = data[: second + 2] + comment + data[second + 2 :]

        with pytest.raises(images.ImageRejected) as refused:
            images.inspect_upload(data)

        assert refused.value.code == "markup"

    def test_xmp_declaring_entities_in_a_heic_is_refused(self):
        xmp = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x:xmpmeta xmlns:x="adobe:ns:meta/"/>'
        data = pf.encode(pf.flat((1, 2, 3)), "HEIF", xmp=xmp)

        with pytest.raises(images.ImageRejected) as refused:
            images.inspect_upload(data)

        assert refused.value.code == "markup"


class TestFormatsAndColour:
    def test_heic_is_accepted_stored_as_heic_and_rendered(self, settings, few_renditions):  # noqa: F811
        photo = photo_services.image_create(file=upload(pf.heic((200, 30, 30)), "IMG_0002.HEIC"))

        assert (photo.format, photo.width, photo.height) == ("HEIF", 96, 64)
        assert photo.file.name.endswith(".heic")
        assert close(centre(rendition(photo, settings)), (200, 30, 30))

    def test_an_mpo_renders_its_first_frame(self, settings, few_renditions):  # noqa: F811
        photo = photo_services.image_create(file=upload(pf.mpo((200, 30, 30), (30, 200, 30)), "portrait.jpg"))

        assert close(centre(rendition(photo, settings)), (200, 30, 30))

    def test_adobe_inverted_cmyk_jpeg_renders_its_colours(self, settings, few_renditions):  # noqa: F811
        data = pf.encode(pf.flat((0, 255, 255, 0), mode="CMYK"), "JPEG", quality=95)
        assert b"Adobe" in data  # Pillow writes CMYK as Photoshop does: inverted, with an Adobe marker

        photo = photo_services.image_create(file=upload(data, "cmyk.jpg"))

        assert close(centre(rendition(photo, settings)), (255, 0, 0))
        assert close(centre(rendition(photo, settings, "webp")), (255, 0, 0))

    def test_sixteen_bit_greyscale_png_renders_grey_not_white(self, settings, few_renditions):  # noqa: F811
        grey = PILImage.new("I;16", (96, 64), 30000)  # 30000 of 65535: a middle grey
        data = pf.encode(grey, "PNG")
        assert PILImage.open(io.BytesIO(data)).mode.startswith("I;16")

        photo = photo_services.image_create(file=upload(data, "scan16.png"))

        assert close(centre(rendition(photo, settings)), (117, 117, 117), tolerance=3)

    def test_a_palette_image_with_transparency_keeps_it_and_flattens_on_white(self, settings, few_renditions):  # noqa: F811
        logo = PILImage.new("P", (96, 64), 0)
        logo.putpalette([0, 0, 0, 20, 90, 200] + [0] * 762)
        logo.paste(1, (0, 0, 48, 64))  # the left half blue, the right half index 0, transparent
        data = pf.encode(logo, "PNG", transparency=0)

        photo = photo_services.image_create(file=upload(data, "logo.png"))

        jpeg, webp = rendition(photo, settings), rendition(photo, settings, "webp")
        assert close(jpeg.getpixel((10, 32)), (20, 90, 200)) and close(jpeg.getpixel((86, 32)), (255, 255, 255))
        assert webp.mode == "RGBA" and webp.getpixel((86, 32))[3] == 0
        assert close(webp.getpixel((10, 32))[:3], (20, 90, 200)) and webp.getpixel((10, 32))[3] == 255

    @pytest.mark.parametrize("name,primaries", [("display_p3", pf.DISPLAY_P3), ("adobe_rgb", pf.ADOBE_RGB)])
    def test_wide_gamut_photos_are_converted_to_srgb(self, settings, few_renditions, name, primaries):  # noqa: F811
        profile = pf.rgb_profile(primaries, name=name)
        written = (60, 160, 60)
        expected = pf.in_srgb(written, profile)
        # In sRGB the same green needs more saturated numbers: shown unconverted, it looks dull.
        assert max(expected) - min(expected) > max(written) - min(written) + 40

        data = pf.encode(pf.flat(written), "JPEG", quality=95, icc_profile=profile)
        photo = photo_services.image_create(file=upload(data, f"{name}.jpg"))

        for fmt in ("jpg", "webp"):
            shown = rendition(photo, settings, fmt)
            assert close(centre(shown)[:3], expected), (fmt, centre(shown), expected)
            assert "icc_profile" not in shown.info  # converted, then stripped: sRGB is what browsers assume

    def test_an_iphone_heic_in_display_p3_is_converted_to_srgb(self, settings, few_renditions):  # noqa: F811
        profile = pf.rgb_profile(pf.DISPLAY_P3, name="Display P3")
        data = pf.encode(pf.flat((60, 160, 60)), "HEIF", quality=95, icc_profile=profile)

        photo = photo_services.image_create(file=upload(data, "IMG_0004.HEIC"))

        assert close(centre(rendition(photo, settings)), pf.in_srgb((60, 160, 60), profile))

    def test_a_photo_without_a_profile_keeps_its_numbers(self, settings, few_renditions):  # noqa: F811
        photo = photo_services.image_create(file=upload(pf.encode(pf.flat((60, 160, 60)), "JPEG", quality=95), "p.jpg"))

        assert close(centre(rendition(photo, settings)), (60, 160, 60))

    def test_a_damaged_profile_is_ignored_not_a_refusal(self, settings, few_renditions):  # noqa: F811
        data = pf.encode(pf.flat((60, 160, 60)), "JPEG", quality=95, icc_profile=b"not a profile" * 20)

        photo = photo_services.image_create(file=upload(data, "p.jpg"))

        assert close(centre(rendition(photo, settings)), (60, 160, 60))


class TestImportImagesBatch:
    def test_mpo_heic_and_damaged_files_in_one_batch(self, tmp_path, settings, few_renditions):  # noqa: F811
        folder = tmp_path / "drop"
        folder.mkdir()
        (folder / "a_portrait.jpg").write_bytes(pf.mpo())
        (folder / "b_broken.png").write_bytes(png_with_oversized_text())
        (folder / "c_iphone.heic").write_bytes(pf.heic())
        (folder / "d_truncated.png").write_bytes(truncated_png())
        out, err = io.StringIO(), io.StringIO()

        with pytest.raises(CommandError) as failed:
            call_command("import_images", str(folder), stdout=out, stderr=err)

        lines = out.getvalue().splitlines()
        assert Image.objects.count() == 2
        assert any(line.startswith("imported") and "a_portrait.jpg" in line for line in lines)
        assert any(line.startswith("imported") and "c_iphone.heic" in line for line in lines)
        refused = [line for line in lines if line.startswith("refused")]
        assert len(refused) == 2 and all("تالفة" in line for line in refused)
        assert "Traceback" not in out.getvalue() + err.getvalue() + str(failed.value)
        assert "2 refused" in str(failed.value)


def run_import(*args) -> tuple[str, str | None]:
    """The command's output, and its error if it failed."""
    out = io.StringIO()
    try:
        call_command("import_images", *args, stdout=out, stderr=io.StringIO())
    except CommandError as failed:
        return out.getvalue(), str(failed)
    return out.getvalue(), None


class TestImportImagesByContent:
    @pytest.fixture
    def folder(self, tmp_path):
        folder = tmp_path / "drop"
        folder.mkdir()
        (folder / "a.jpg").write_bytes(jpeg_bytes(color=(10, 20, 30)))
        (folder / "b.heic").write_bytes(pf.heic())
        return folder

    def test_a_second_run_reports_every_file_as_already_in_the_library(self, folder, few_renditions):  # noqa: F811
        run_import(str(folder))
        first = {photo.pk for photo in Image.objects.all()}

        out, error = run_import(str(folder))

        assert error is None
        assert {photo.pk for photo in Image.objects.all()} == first
        already = [line for line in out.splitlines() if line.startswith("already")]
        assert len(already) == 2
        photo = Image.objects.get(format="HEIF")
        assert any("b.heic" in line and f"موجودة في المكتبة: الصورة رقم {photo.pk}" in line for line in already)
        assert out.splitlines()[-1] == "0 imported, 2 already in the library, 0 refused."

    def test_the_same_bytes_under_another_name_are_recognised_in_one_batch(self, folder, few_renditions):  # noqa: F811
        (folder / "c_copy.jpg").write_bytes((folder / "a.jpg").read_bytes())

        out, _error = run_import(str(folder))

        assert Image.objects.count() == 2
        original = Image.objects.get(format="JPEG")
        assert f"c_copy.jpg: موجودة في المكتبة: الصورة رقم {original.pk}" in out
        assert out.splitlines()[-1] == "2 imported, 1 already in the library, 0 refused."

    def test_a_file_saved_again_with_other_bytes_is_a_new_photo(self, folder, few_renditions):  # noqa: F811
        run_import(str(folder / "a.jpg"))
        data = (folder / "a.jpg").read_bytes()
        (folder / "a.jpg").write_bytes(data[:2] + b"\xff\xfe\x00\x08edited" + data[2:])  # a comment added

        out, _error = run_import(str(folder / "a.jpg"))

        assert out.startswith("imported") and Image.objects.count() == 2

    def test_a_dry_run_reports_what_is_already_there_and_stores_nothing(self, folder, few_renditions):  # noqa: F811
        run_import(str(folder / "a.jpg"))

        out, _error = run_import("--dry-run", str(folder))

        assert [line.split()[0] for line in out.splitlines()[:2]] == ["already", "valid"]
        assert Image.objects.count() == 1

    def test_the_summary_ends_with_each_refused_file_and_its_reason(self, folder, few_renditions):  # noqa: F811
        (folder / "c_broken.png").write_bytes(truncated_png())
        run_import(str(folder / "a.jpg"))

        out, error = run_import(str(folder))

        assert error == "1 imported, 1 already in the library, 1 refused."
        summary = out.splitlines()[-2:]
        assert summary[0] == error
        assert "c_broken.png" in summary[1] and "الصورة تالفة أو ناقصة ولا يمكن قراءتها." in summary[1]

    def test_the_progress_bar_is_still_drawn_on_a_terminal(self, folder, few_renditions, monkeypatch):  # noqa: F811
        class Terminal(io.StringIO):
            def isatty(self):
                return True

        terminal = Terminal()
        monkeypatch.setattr("sys.stderr", terminal)

        run_import(str(folder))
        run_import(str(folder))

        assert terminal.getvalue().count(f"\rimport_images [{'#' * 30}] 2/2\n") == 2

    def test_an_admin_upload_is_fingerprinted_so_an_import_recognises_it(self, staff_client, folder, few_renditions):  # noqa: F811
        data = (folder / "a.jpg").read_bytes()
        response = staff_client.post(
            admin_url("image_add"),
            {"file": upload(data, "from_the_form.jpg"), "focal_x": "0.5", "focal_y": "0.5"},
        )
        assert response.status_code == 302

        out, _error = run_import(str(folder / "a.jpg"))

        assert f"موجودة في المكتبة: الصورة رقم {Image.objects.get().pk}" in out


class CountingStream(io.BytesIO):
    """A request body that remembers how much of it was read."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


class TestUploadSizeLimit:
    def _request(self, data: bytes, name: str):
        built = RequestFactory().post("/admin/", {"caption": "قبل الملف", "file": upload(data, name)})
        body = built.environ["wsgi.input"].read()
        stream = CountingStream(body)
        return WSGIRequest({**built.environ, "wsgi.input": stream}), stream, len(body)

    def test_reading_stops_at_the_limit(self, settings):
        settings.IMAGE_MAX_UPLOAD_MB = 1
        request, stream, total = self._request(b"\xff" * (20 * 1024 * 1024), "huge.jpg")

        assert "file" not in request.FILES
        assert stream.bytes_read < 1024 * 1024 + 3 * 64 * 1024  # the limit and a chunk or two
        assert total > 20 * 1024 * 1024
        assert [(cut.field_name, cut.file_name) for cut in refused_uploads(request)] == [("file", "huge.jpg")]

    def test_a_file_within_the_limit_arrives_whole(self, settings):
        settings.IMAGE_MAX_UPLOAD_MB = 1
        data = jpeg_bytes()
        request, stream, total = self._request(data, "small.jpg")

        assert request.FILES["file"].read() == data
        assert request.POST["caption"] == "قبل الملف"
        assert stream.bytes_read == total and refused_uploads(request) == []

    def test_the_admin_form_says_why_in_arabic_and_stores_nothing(self, staff_client, settings):
        settings.IMAGE_MAX_UPLOAD_MB = 1

        response = staff_client.post(
            admin_url("image_add"),
            {"file": upload(b"\xff" * (3 * 1024 * 1024), "200mb.jpg"), "focal_x": "0.5", "focal_y": "0.5"},
        )

        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["file"]
        assert errors == [
            "حجم «200mb.jpg» أكبر من 1 ميغابايت: لم يُقرأ بعد هذا الحد ولم يُحفظ شيء. "
            "اختر ملفاً أصغر، ثم راجع النموذج قبل الحفظ مرة أخرى."
        ]
        assert errors[0] in response.content.decode()
        assert nothing_stored(settings)

    def test_replacing_a_photos_file_with_one_too_large_keeps_the_old_one(self, staff_client, settings, few_renditions):  # noqa: F811
        photo = photo_services.image_create(file=upload(jpeg_bytes(), "first.jpg"), alt_text="صورة")
        original = photo.file.name
        settings.IMAGE_MAX_UPLOAD_MB = 1

        response = staff_client.post(
            admin_url("image_change", photo.pk),
            {"file": upload(b"\xff" * (3 * 1024 * 1024), "big.jpg"), "focal_x": "0.5", "focal_y": "0.5"},
        )

        assert response.status_code == 200
        assert "«big.jpg»" in response.context["adminform"].form.errors["file"][0]
        photo.refresh_from_db()
        assert photo.file.name == original and photo.alt_text_ar == "صورة"


class TestStoredPhotos:
    def test_a_rotated_heic_is_upright_with_its_dimensions_swapped(self, settings, few_renditions):  # noqa: F811
        exif = PILImage.Exif()
        exif[0x0112] = 6  # rotate 90° clockwise
        data = pf.encode(pf.flat((200, 30, 30), size=(96, 64)), "HEIF", exif=exif.tobytes())

        photo = photo_services.image_create(file=upload(data, "IMG_0003.HEIC"))

        assert (photo.width, photo.height) == (64, 96)
        assert rendition(photo, settings).size == (64, 96)

    def test_regenerating_a_damaged_original_is_reported_and_the_others_go_on(self, settings, few_renditions):  # noqa: F811
        broken = photo_services.image_create(file=upload(jpeg_bytes(), "a.jpg"))
        good = photo_services.image_create(file=upload(pf.heic(), "b.heic"))
        (settings.PRIVATE_MEDIA_ROOT / broken.file.name).write_bytes(truncated_png())
        out, err = io.StringIO(), io.StringIO()

        with pytest.raises(SystemExit):
            call_command("regenerate_renditions", "--force", stdout=out, stderr=err)

        assert f"#{broken.pk}: الصورة تالفة أو ناقصة ولا يمكن قراءتها." in err.getvalue()
        assert "2 photos, " in out.getvalue() and "1 failed." in out.getvalue()
        assert "Traceback" not in err.getvalue()
        assert rendition(good, settings).size == (96, 64)

    def test_the_migration_fingerprints_photos_stored_before_it(self, settings, few_renditions):  # noqa: F811
        migration = importlib.import_module("articles.migrations.0020_photo_read")
        data = jpeg_bytes()
        kept = photo_services.image_create(file=upload(data, "a.jpg"))
        lost = photo_services.image_create(file=upload(pf.heic(), "b.heic"))
        (settings.PRIVATE_MEDIA_ROOT / lost.file.name).unlink()
        Image.objects.update(content_sha256="")

        migration.fingerprint_stored_photos(django_apps, None)

        kept.refresh_from_db()
        lost.refresh_from_db()
        assert kept.content_sha256 == hashlib.sha256(data).hexdigest()
        assert lost.content_sha256 == ""
