"""What a front shows: the editors' places first, the newest stories in the empty ones.

The places of a front ({place: story id}) are kept in the cache until the front changes
(changes/front_pages.py drops them) or its next scheduled place starts, so a front page costs the
queries of any other list page. The stories are read through the public gate the view passes in
(``published()`` and the page's language): an unpublished or not yet public story leaves its place
at once. Stories already among the page's newest are not read again.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from .models import PLACES, FrontSlot

KEEP_SECONDS = 3600


def cache_key(section_slug: str | None, language: str) -> str:
    return f"front-places:v1:{section_slug or ''}:{language}"


def forget(fronts) -> None:
    """Drop the kept places of these fronts ((section slug or None, language) pairs)."""
    cache.delete_many([cache_key(slug, language) for slug, language in fronts])


def read_slots(*, section, language: str, now) -> tuple[dict[int, int], float | None]:
    """The places from the database (services read them so), and when the next scheduled one starts."""
    rows = (
        FrontSlot.objects.filter(section=section, language=language, starts_at__lte=now)
        .order_by("position", "-starts_at", "-pk")
        .values_list("position", "article_id")
    )
    places: dict[int, int] = {}
    for position, article_id in rows:
        places.setdefault(position, article_id)
    upcoming = (
        FrontSlot.objects.filter(section=section, language=language, starts_at__gt=now)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return places, upcoming.timestamp() if upcoming else None


def current_slots(*, section, language: str, now=None) -> dict[int, int]:
    """{place: story id} as the front stands at ``now``: for each place, the row that started last."""
    now = now or timezone.now()
    key = cache_key(section.slug if section is not None else None, language)
    kept = cache.get(key)
    if kept is not None:
        places, until = kept
        if until is None or now.timestamp() < until:
            return places
    places, until = read_slots(section=section, language=language, now=now)
    cache.set(key, (places, until), KEEP_SECONDS)
    return places


def front_places(*, public, section, language: str, newest, now=None) -> list:
    """The front's stories in place order (lead first), at most PLACES of them.

    ``public``: the gated queryset the stories are read through (for_listing()); ``newest``: the
    page's newest stories (read through the same gate), which fill the places the editors left
    empty or whose story is not public.
    """
    chosen = current_slots(section=section, language=language, now=now)
    stories = {article.pk: article for article in newest}
    missing = set(chosen.values()) - set(stories)
    if missing:
        stories.update(public.in_bulk(missing))
    shown: list = [None] * PLACES
    used: set[int] = set()
    for position, article_id in sorted(chosen.items()):
        article = stories.get(article_id)
        if article is not None and article.pk not in used and position < PLACES:
            shown[position] = article
            used.add(article.pk)
    fill = (article for article in newest if article.pk not in used)
    for position in range(PLACES):
        if shown[position] is None:
            shown[position] = next(fill, None)
    return [article for article in shown if article is not None]
