"""What a front shows: the editors' places first, the newest stories in the empty ones.

Reads run a fixed number of queries whatever the number of places or rows: one for the places,
and the stories through the public gate the view passes in (``published()`` and the page's
language), so an unpublished or not yet public story leaves its place at once.
"""

from __future__ import annotations

from django.utils import timezone

from .models import PLACES, FrontSlot


def current_slots(*, section, language: str, now=None) -> dict[int, int]:
    """{place: story id} as the front stands at ``now``: for each place, the row that started last."""
    rows = (
        FrontSlot.objects.filter(section=section, language=language, starts_at__lte=now or timezone.now())
        .order_by("position", "-starts_at", "-pk")
        .values_list("position", "article_id")
    )
    places: dict[int, int] = {}
    for position, article_id in rows:
        places.setdefault(position, article_id)
    return places


def front_places(*, public, section, language: str, newest, now=None) -> list:
    """The front's stories in place order (lead first), at most PLACES of them.

    ``public``: the gated queryset the stories are read through (for_listing()); ``newest``: the
    page's newest stories, which fill the places the editors left empty or whose story is not public.
    """
    chosen = current_slots(section=section, language=language, now=now)
    stories = public.in_bulk(set(chosen.values())) if chosen else {}
    shown: list = [None] * PLACES
    used: set[int] = set()
    for position, article_id in chosen.items():
        article = stories.get(article_id)
        if article is not None and article.pk not in used and position < PLACES:
            shown[position] = article
            used.add(article.pk)
    fill = (article for article in newest if article.pk not in used)
    for position in range(PLACES):
        if shown[position] is None:
            shown[position] = next(fill, None)
    return [article for article in shown if article is not None]
