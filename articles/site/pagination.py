"""Pagination that never scans the archive: at most MAX_LIST_PAGES pages are counted or served."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from ..models import Article


class BoundedPaginator(Paginator):
    """A reader list's pages, from the keys of the stories a reader can page to.

    One query reads the primary keys of the list's first ``per_page × max_pages`` stories in
    the list's order: its length is the count, so page numbers past the bound are 404s, and
    any page is a slice of it. A second query reads that page's rows by primary key from
    ``rows`` (by default ``Article.objects.for_listing()``: each story with its section, lead
    photo, credit and bylines). So a list of 100,000 stories costs what one of 1,000 does, the
    deepest page costs what the first does, and no query sorts full rows (a story's body is
    kilobytes): only keys are ordered. Readers reach older stories through sections, tags,
    search and the sitemaps.

    Only the keys filter the rows: the keys already passed the list's filters (its public gate)
    a moment ago, and repeating a tag's join, a section's index or a search's match there would
    let the planner walk them again instead of reading a dozen rows by key.

    A list may read its keys from a copy instead (``candidates``, in the list's order): a tag's
    rows copy each story's publication time, so a tag's newest keys come from its own index
    without a look at a single story. Such keys are checked when a page is read: its rows must
    pass the public gate (published(), in the reader's language), and a story that fails it
    is left out, the page one story short, rather than shown.
    """

    def __init__(
        self, object_list, per_page, orphans=0, allow_empty_first_page=True, candidates=None, rows: QuerySet = None
    ):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.candidates = candidates
        self.rows = rows

    @cached_property
    def max_pages(self) -> int:
        return int(settings.MAX_LIST_PAGES)

    @property
    def keys_query(self) -> QuerySet:
        keys = self.object_list.values_list("pk", flat=True) if self.candidates is None else self.candidates
        return keys[: self.per_page * self.max_pages]

    @cached_property
    def keys(self) -> list:
        """The primary keys of every story a reader can page to, in the list's order."""
        return list(self.keys_query)

    @cached_property
    def count(self) -> int:
        return len(self.keys)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self.keys[bottom:top]
        rows = {row.pk: row for row in self.read_rows(keys)} if keys else {}
        # A story unpublished between the two queries is left out rather than shown.
        return Page([rows[key] for key in keys if key in rows], number, self)

    def read_rows(self, keys: list) -> QuerySet:
        """The rows of ``keys``, in no particular order (page() puts them in the list's)."""
        rows = self.rows if self.rows is not None else Article.objects.for_listing()
        rows = rows.using(self.object_list.db).filter(pk__in=keys).order_by()
        if self.candidates is not None:
            rows = rows.published().in_language()  # keys read from a copy pass the gate here
        return rows
