"""Announcements for the fronts: a front's places or the breaking line changed.

Like the story, catalogue and photo announcements (events.py), a service wraps its write in
``FrontChange``; the signal goes out when the block ends without an error, inside the writer's
transaction, and the handlers (front_pages.py) act on commit. Nested announcements join the outer.

    with FrontChange(fronts=[(None, "ar")]):          # the Arabic home page
        slot.save()
    with FrontChange(breaking=["ar"]):
        line.save()
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar

from django.dispatch import Signal

# sender: FrontChange. fronts: frozenset of (section slug or None for the home page, language);
# breaking: frozenset of languages whose breaking line changed; pages: slugs of site pages (about,
# contact) changed, before and after the change.
fronts_changed = Signal()

_open: ContextVar[FrontChange | None] = ContextVar("sahifa_open_front_change", default=None)


class FrontChange:
    def __init__(
        self,
        *,
        fronts: Iterable[tuple[str | None, str]] = (),
        breaking: Iterable[str] = (),
        pages: Iterable[str] = (),
    ):
        self.fronts = set(fronts)
        self.breaking = set(breaking)
        self.pages = set(pages)
        self.outer: FrontChange | None = None

    def add(
        self,
        *,
        fronts: Iterable[tuple[str | None, str]] = (),
        breaking: Iterable[str] = (),
        pages: Iterable[str] = (),
    ) -> None:
        target = self.outer or self
        target.fronts |= set(fronts)
        target.breaking |= set(breaking)
        target.pages |= set(pages)

    def __enter__(self):
        self.outer = _open.get()
        if self.outer is not None:
            self.outer.add(fronts=self.fronts, breaking=self.breaking, pages=self.pages)
            return self
        self.token = _open.set(self)
        return self

    def __exit__(self, exc_type, exc, tb):
        if self.outer is not None:
            return False
        _open.reset(self.token)
        if exc_type is None and (self.fronts or self.breaking or self.pages):
            fronts_changed.send(
                sender=FrontChange,
                fronts=frozenset(self.fronts),
                breaking=frozenset(self.breaking),
                pages=frozenset(self.pages),
            )
        return False
