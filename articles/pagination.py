"""Pagination that never scans the archive: at most MAX_LIST_PAGES pages are counted or served."""

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property


class BoundedPaginator(Paginator):
    """Counts with a LIMIT (``COUNT(*)`` over at most ``per_page × max_pages`` rows), so page
    numbers past the bound are 404s and a list of 100,000 stories costs what one of 1,000 does.
    Readers reach older stories through sections, tags, search and the sitemaps."""

    @cached_property
    def max_pages(self) -> int:
        return int(settings.MAX_LIST_PAGES)

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.per_page * self.max_pages].count()
