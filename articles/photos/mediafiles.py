"""Uploaded files after they are stored: serving renditions on one machine, and finding
files that no photo owns (``manage.py media_check``).

In production the renditions are served by the media domain (a CDN in front of a bucket
or of a plain web server, docs/deploy.md), never with the site's cookies. On a single
machine, ``DJANGO_SERVE_MEDIA=1`` lets the app serve them itself through ``serve_media``:
only image types, the right Content-Type, ``nosniff``, a sandboxing CSP, no cookies.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.http import Http404
from django.utils import timezone
from django.views import static

from newsroom.storage import PARTIAL_MARKER

from ..models import Image

MEDIA_TYPES = {
    ".avif": "image/avif",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
RENDITIONS_PREFIX = "renditions"
ORIGINALS_PREFIX = "originals"


def serve_media(request, path: str):
    """A rendition from MEDIA_ROOT; anything that is not an image is a 404."""
    content_type = MEDIA_TYPES.get(posixpath.splitext(path)[1].lower())
    if content_type is None or PARTIAL_MARKER in path:
        raise Http404
    response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    # An image opened on its own can run nothing and embed nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"public, max-age={settings.MEDIA_MAX_AGE}"
    return response


# --- media_check -------------------------------------------------------------------


@dataclass(frozen=True)
class StoredFile:
    storage: str  # the STORAGES alias: "default" (renditions) or "originals"
    name: str
    reason: str


@dataclass
class MediaReport:
    partial: list[StoredFile] = field(default_factory=list)
    orphaned: list[StoredFile] = field(default_factory=list)
    missing: list[tuple[int, str]] = field(default_factory=list)  # (image pk, original's name)
    unreadable: list[tuple[int, str]] = field(default_factory=list)
    checked_files: int = 0

    @property
    def removable(self) -> list[StoredFile]:
        return self.partial + self.orphaned


def walk(storage: Storage, path: str = "") -> Iterator[str]:
    """Every file name under ``path``, recursively (file system and S3 alike)."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in files:
        yield posixpath.join(path, name) if path else name
    for directory in directories:
        yield from walk(storage, posixpath.join(path, directory) if path else directory)


def _old_enough(storage: Storage, name: str, cutoff: datetime) -> bool:
    try:
        return storage.get_modified_time(name) <= cutoff
    except (FileNotFoundError, NotImplementedError):
        return True


def _rendition_owner(name: str) -> tuple[int, str] | None:
    parts = name.split("/")
    if len(parts) != 4 or parts[0] != RENDITIONS_PREFIX or not parts[1].isdigit():
        return None
    return int(parts[1]), parts[2]


def check_media(*, older_than: timedelta = timedelta(hours=1), verify: bool = False) -> MediaReport:
    """Files no photo owns, files left half-written, and photos whose original is missing.

    Files younger than ``older_than`` are left out: an upload in progress stores its file
    before its row is committed.
    """
    report = MediaReport()
    cutoff = timezone.now() - older_than
    keys = dict(Image.objects.values_list("pk", "rendition_key"))
    originals = {name: pk for pk, name in Image.objects.values_list("pk", "file")}

    for alias, prefix in (("originals", ORIGINALS_PREFIX), ("default", RENDITIONS_PREFIX)):
        storage = storages[alias]
        for name in walk(storage, prefix):
            report.checked_files += 1
            if not _old_enough(storage, name, cutoff):
                continue
            if PARTIAL_MARKER in posixpath.basename(name):
                report.partial.append(StoredFile(alias, name, "partial"))
            elif alias == "originals" and name not in originals:
                report.orphaned.append(StoredFile(alias, name, "no photo"))
            elif alias == "default":
                owner = _rendition_owner(name)
                if owner is None or owner[0] not in keys:
                    report.orphaned.append(StoredFile(alias, name, "no photo"))
                elif keys[owner[0]] != owner[1]:
                    report.orphaned.append(StoredFile(alias, name, "old crop"))

    storage = storages["originals"]
    for name, pk in sorted(originals.items(), key=lambda item: item[1]):
        if not name or not storage.exists(name):
            report.missing.append((pk, name))
        elif verify and not _decodes(storage, name):
            report.unreadable.append((pk, name))
    return report


def _decodes(storage: Storage, name: str) -> bool:
    from PIL import Image as PILImage

    from .images import READ_ERRORS

    try:
        with storage.open(name, "rb") as handle, PILImage.open(handle) as picture:
            picture.load()
    except READ_ERRORS:  # whatever Pillow raises on a damaged file, a bomb included
        return False
    return True


def remove_files(files: list[StoredFile]) -> int:
    for stored in files:
        storages[stored.storage].delete(stored.name)
    return len(files)
