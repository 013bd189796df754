"""Uploaded files: atomic writes, a full disk, a process killed mid-upload, media_check, serving."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command

from articles.models import Image
from articles.photos import services as photo_services
from newsroom import storage
from tests.factories import jpeg_bytes, jpeg_upload

PROJECT = Path(__file__).resolve().parent.parent


def _files(*roots) -> list[Path]:
    return sorted(path for root in roots for path in Path(root).rglob("*") if path.is_file())


@pytest.fixture
def full_disk(monkeypatch):
    """Every write stores half its bytes, then fails as a full disk does."""

    def write(handle, chunk):
        handle.write(chunk[: len(chunk) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage, "_write", write)


# --- Atomic writes --------------------------------------------------------------------


def test_a_file_appears_only_when_complete_and_is_never_overwritten(settings):
    media = storages["default"]

    first = media.save("renditions/1/key/full-320.jpg", ContentFile(b"first"))
    second = media.save("renditions/1/key/full-320.jpg", ContentFile(b"second"))

    assert first == "renditions/1/key/full-320.jpg"
    assert second != first
    assert media.open(first).read() == b"first"
    assert not [path for path in _files(settings.MEDIA_ROOT) if storage.PARTIAL_MARKER in path.name]


def test_a_failed_write_leaves_no_file_at_all(settings, full_disk):
    with pytest.raises(OSError) as failure:
        storages["default"].save("renditions/1/key/full-320.jpg", ContentFile(b"x" * 10_000))

    assert failure.value.errno == errno.ENOSPC
    assert _files(settings.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_disk_full_during_an_upload_leaves_no_row_and_no_file(settings, full_disk):
    with pytest.raises(OSError):
        photo_services.image_create(file=jpeg_upload("photo.jpg", width=400, height=300), alt_text="ميناء")

    assert not Image.objects.exists()
    assert _files(settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT) == []


@pytest.mark.django_db
def test_disk_full_while_writing_renditions_leaves_no_row_and_no_file(settings, monkeypatch):
    real_write, calls = storage._write, []

    def fail_on_third_file(handle, chunk):
        calls.append(handle.name)
        if len(set(calls)) >= 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(handle, chunk)

    monkeypatch.setattr(storage, "_write", fail_on_third_file)

    with pytest.raises(OSError):
        photo_services.image_create(file=jpeg_upload("photo.jpg", width=900, height=600), alt_text="ميناء")

    assert not Image.objects.exists()
    assert _files(settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT) == []


# --- A worker killed mid-upload ---------------------------------------------------------

KILLED_UPLOAD = textwrap.dedent(
    """
    import os, sys, time
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from articles.photos import services as photo_services
    from newsroom import storage
    from tests.factories import jpeg_upload

    real_write = storage._write
    written = []

    def slow_write(handle, chunk):
        written.append(handle.name)
        real_write(handle, chunk[: len(chunk) // 2])
        handle.flush()
        if "renditions" in handle.name and len(set(written)) >= 3:
            print("WRITING", flush=True)
            time.sleep(60)  # killed here, half-way through a rendition
        real_write(handle, chunk[len(chunk) // 2 :])

    storage._write = slow_write
    photo_services.image_create(file=jpeg_upload("photo.jpg", width=900, height=600), alt_text="ميناء")
    """
)

CHECK_AFTER_KILL = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from articles.models import Image
    print(json.dumps(list(Image.objects.values_list("file", flat=True))))
    """
)


def test_worker_killed_mid_upload_leaves_no_row_and_media_check_cleans_up(tmp_path):
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(PROJECT),
        "DJANGO_SECRET_KEY": "test-only-not-a-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", KILLED_UPLOAD],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = worker.stdout.readline()
        assert line.strip() == "WRITING", worker.stderr.read()
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)

    rows = subprocess.run(
        [sys.executable, "-c", CHECK_AFTER_KILL], cwd=PROJECT, env=environment, capture_output=True, text=True
    )
    assert rows.returncode == 0, rows.stderr
    assert rows.stdout.strip() == "[]"  # the transaction never committed: no row at all
    left = _files(tmp_path / "media", tmp_path / "private")
    assert [path for path in left if storage.PARTIAL_MARKER in path.name], left  # the half-written rendition
    # No complete-looking file is truncated: each name without the marker holds a whole image.
    for path in left:
        if storage.PARTIAL_MARKER not in path.name:
            assert path.read_bytes()[-2:] in (b"\xff\xd9",) or path.suffix == ".webp", path

    listed = subprocess.run(
        [sys.executable, "manage.py", "media_check", "--older-than", "0"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0, listed.stderr
    assert "partial" in listed.stdout and "orphaned" in listed.stdout
    removed = subprocess.run(
        [sys.executable, "manage.py", "media_check", "--older-than", "0", "--delete"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert removed.returncode == 0, removed.stderr
    assert _files(tmp_path / "media", tmp_path / "private") == []


# --- media_check ----------------------------------------------------------------------


@pytest.mark.django_db
def test_media_check_lists_orphans_and_partials_and_removes_them(settings):
    photo = photo_services.image_create(file=jpeg_upload("photo.jpg", width=400, height=300), alt_text="ميناء")
    kept = _files(settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
    orphan = Path(settings.PRIVATE_MEDIA_ROOT) / "originals/2024/12/orphan.jpg"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(jpeg_bytes())
    partial = Path(settings.MEDIA_ROOT) / f"renditions/{photo.pk}/{photo.rendition_key}/full-320.webp.part-0123"
    partial.write_bytes(b"RIFF")
    old_crop = Path(settings.MEDIA_ROOT) / f"renditions/{photo.pk}/0ldkey/full-320.webp"
    old_crop.parent.mkdir(parents=True)
    old_crop.write_bytes(b"RIFF")

    out = StringIO()
    call_command("media_check", "--older-than", "0", stdout=out)
    listing = out.getvalue()

    assert f"partial   default:renditions/{photo.pk}/{photo.rendition_key}/full-320.webp.part-0123" in listing
    assert "orphaned  originals:originals/2024/12/orphan.jpg (no photo)" in listing
    assert f"orphaned  default:renditions/{photo.pk}/0ldkey/full-320.webp (old crop)" in listing
    assert "1 partial, 2 orphaned, 0 photos missing their original" in listing
    assert orphan.exists() and partial.exists()

    out = StringIO()
    call_command("media_check", "--older-than", "0", "--delete", "--dry-run", stdout=out)
    assert "Would remove 3 files (dry run)." in out.getvalue()
    assert orphan.exists()

    out = StringIO()
    call_command("media_check", "--older-than", "0", "--delete", stdout=out)
    assert "Removed 3 files." in out.getvalue()
    assert _files(settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT) == kept


@pytest.mark.django_db
def test_media_check_leaves_young_files_alone(settings):
    orphan = Path(settings.PRIVATE_MEDIA_ROOT) / "originals/2024/12/in-flight.jpg"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(jpeg_bytes())

    out = StringIO()
    call_command("media_check", "--delete", stdout=out)

    assert orphan.exists()
    assert "0 partial, 0 orphaned" in out.getvalue()


@pytest.mark.django_db
def test_media_check_reports_a_photo_whose_original_is_missing(settings):
    photo = photo_services.image_create(file=jpeg_upload("photo.jpg", width=400, height=300), alt_text="ميناء")
    Path(photo.file.path).unlink()

    err = StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("media_check", "--older-than", "0", stdout=StringIO(), stderr=err)

    assert exit_status.value.code == 1
    assert f"photo #{photo.pk}: original {photo.file.name} is not stored" in err.getvalue()


@pytest.mark.django_db
def test_media_check_verify_finds_an_original_that_does_not_decode(settings):
    photo = photo_services.image_create(file=jpeg_upload("photo.jpg", width=400, height=300), alt_text="ميناء")
    Path(photo.file.path).write_bytes(jpeg_bytes(400, 300)[:200])

    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("media_check", "--older-than", "0", "--verify", stdout=StringIO(), stderr=err)

    assert f"unreadable photo #{photo.pk}" in err.getvalue()


# --- Serving renditions on one machine ---------------------------------------------


@pytest.fixture
def served_media(settings):
    settings.SERVE_MEDIA = True
    from django.urls import clear_url_caches

    import newsroom.urls

    clear_url_caches()
    import importlib

    importlib.reload(newsroom.urls)
    yield
    settings.SERVE_MEDIA = False
    clear_url_caches()
    importlib.reload(newsroom.urls)


@pytest.mark.django_db
def test_renditions_are_served_as_images_without_cookies(client, settings, served_media):
    photo = photo_services.image_create(file=jpeg_upload("photo.jpg", width=400, height=300), alt_text="ميناء")

    for fmt, content_type in (("webp", "image/webp"), ("jpeg", "image/jpeg")):
        response = client.get(photo.rendition_url("full", 320, fmt))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert "max-age=" in response["Cache-Control"]
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")


@pytest.mark.django_db
def test_only_images_are_served_from_media(client, settings, served_media):
    (Path(settings.MEDIA_ROOT) / "renditions").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "renditions/page.html").write_text("<script>alert(1)</script>")
    (Path(settings.MEDIA_ROOT) / "renditions/a.jpg.part-1234").write_bytes(b"\xff\xd8")

    assert client.get("/media/renditions/page.html").status_code == 404
    assert client.get("/media/renditions/a.jpg.part-1234").status_code == 404
    assert client.get("/media/../db.sqlite3").status_code == 404


def test_originals_are_never_given_a_url():
    with pytest.raises(ValueError):
        storages["originals"].url("originals/2024/12/a.jpg")


def test_partial_files_from_a_crash_are_never_mistaken_for_files(settings):
    media = storages["default"]
    name = media.save("renditions/1/key/full-320.jpg", ContentFile(b"whole"))
    Path(media.path(name + ".part-dead")).write_bytes(b"wh")

    assert media.open(name).read() == b"whole"
