"""Uploads read no further than the photo size limit.

Django's default handlers keep a whole upload (in memory, then in a temporary file) before
any form sees it: a 200 MB file was written to disk whole, then refused for its size. This
handler, first in ``FILE_UPLOAD_HANDLERS``, counts each file's bytes as they arrive and
stops reading the request as soon as one passes ``IMAGE_MAX_UPLOAD_MB``; nothing beyond the
limit is parsed or stored (the app server discards the rest of the body). The form learns of
it through ``refused_uploads(request)`` and tells the editor in their language. The proxy's
``client_max_body_size`` (docs/deploy.md) cuts larger bodies before they reach the
application at all.

Every file upload in this project is a photo, so one limit serves every form.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from . import images


@dataclass(frozen=True)
class RefusedUpload:
    field_name: str
    file_name: str
    limit: int  # bytes


class PhotoSizeLimitUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.refused: list[RefusedUpload] = []
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        limit = images.max_bytes()
        if self.received > limit:
            self.refused.append(RefusedUpload(self.field_name, self.file_name or "", limit))
            # Stop reading the request here: the rest of the body is never read.
            raise StopUpload(connection_reset=True)
        return raw_data  # passed on to Django's own handlers, which keep it

    def file_complete(self, file_size):
        return None  # the next handler builds the uploaded file


def refused_uploads(request) -> list[RefusedUpload]:
    """The files of this request whose reading stopped at the size limit."""
    return [
        refused
        for handler in getattr(request, "upload_handlers", ())
        if isinstance(handler, PhotoSizeLimitUploadHandler)
        for refused in handler.refused
    ]
