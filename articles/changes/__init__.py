"""The seam every change goes through (events.py) and the derived copies that hang off it.

Handlers, one module each: search_documents, tag_dates, pages (page-cache versions), menu
(cached section menu), cdn (purge hook). ``connect()`` imports them, which connects them.
"""


def connect() -> None:
    from . import cdn, front_pages, menu, pages, search_documents, tag_dates  # noqa: F401
