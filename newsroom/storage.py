"""Where files live: uploaded renditions (public) and photo originals (never served).

On one machine both are folders (``AtomicFileSystemStorage``); on several, S3-compatible
buckets through django-storages (``PublicS3Storage``, ``PrivateS3Storage``), chosen by
``DJANGO_MEDIA_STORAGE`` in the settings. Whatever the backend, a name never points at
half a file: the file system writes to a temporary ``*.part-*`` name and links it into
place only when complete; an S3 object appears only when its upload has finished.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage

# A file still being written, or left behind by a process that died while writing it.
# `manage.py media_check` lists and removes them.
PARTIAL_MARKER = ".part-"


def _write(handle, chunk: bytes) -> None:
    # One place where bytes reach the disk, so tests can make it fail like a full disk.
    handle.write(chunk)


class AtomicFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose files appear under their name only once completely written.

    A write that fails (a full disk) or a process killed mid-write leaves at most a
    ``<name>.part-<random>`` file, never a truncated file under the real name; the
    failure removes its own temporary file. Existing files are never overwritten.
    """

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        temporary = f"{full_path}{PARTIAL_MARKER}{uuid.uuid4().hex[:12]}"
        try:
            with open(temporary, "xb") as handle:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    _write(handle, chunk.encode() if isinstance(chunk, str) else chunk)
                handle.flush()
                os.fsync(handle.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            while True:
                try:
                    # A hard link fails when the name exists, so nothing is ever replaced.
                    os.link(temporary, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
        return str(name).replace("\\", "/")


class PrivateFileSystemStorage(AtomicFileSystemStorage):
    """Files that are never served (photo originals): no URL, kept under PRIVATE_MEDIA_ROOT.

    The location is read from settings each time, so it follows overrides like MEDIA_ROOT does.
    """

    def __init__(self, location=None, **kwargs):
        kwargs["base_url"] = None
        self.fixed_location = location
        super().__init__(location=location, **kwargs)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT if self.fixed_location is None else self.fixed_location

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Photo originals are never served; use a rendition.")


try:
    from storages.backends.s3 import S3Storage
except ImportError:  # django-storages is a runtime requirement; this only spares a bare checkout.
    S3Storage = None


if S3Storage is not None:

    class PublicS3Storage(S3Storage):
        """Renditions in an S3-compatible bucket, read by everyone through the media domain.

        Names are never reused (``file_overwrite`` off), objects carry their image type and
        a long cache lifetime, and URLs are plain (no signature) so a CDN can cache them.
        """

        def get_default_settings(self):
            return {
                **super().get_default_settings(),
                "file_overwrite": False,
                "querystring_auth": False,
                "default_acl": None,
            }

    class PrivateS3Storage(S3Storage):
        """Photo originals in a private bucket (or a private prefix): never given a URL."""

        def get_default_settings(self):
            return {**super().get_default_settings(), "file_overwrite": False, "default_acl": "private"}

        def url(self, name, parameters=None, expire=None, http_method=None):
            raise ValueError("Photo originals are never served; use a rendition.")
