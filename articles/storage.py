import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files that are never served (photo originals): no URL, kept under PRIVATE_MEDIA_ROOT.

    The location is read from settings each time, so it follows overrides like MEDIA_ROOT does.
    """

    def __init__(self, location=None, **kwargs):
        kwargs["base_url"] = None
        super().__init__(location=location, **kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Photo originals are never served; use a rendition.")
