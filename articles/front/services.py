"""Writes to the fronts and the breaking line. Each is one transaction announced through the seam
(``FrontChange``); the pages that show the change are refreshed on commit (changes/front_pages.py)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..changes.front_events import FrontChange
from ..models import Article
from .fronts import read_slots
from .models import PLACES, BreakingNews, FrontSlot, SitePage


def _front(section, language: str) -> tuple[str | None, str]:
    return (section.slug if section is not None else None, language)


def _prune(*, section, language: str, now) -> None:
    """Rows a later row has replaced in their place are history no page reads: removed."""
    kept = set()
    stale = []
    for pk, position in (
        FrontSlot.objects.filter(section=section, language=language, starts_at__lte=now)
        .order_by("position", "-starts_at", "-pk")
        .values_list("pk", "position")
    ):
        if position in kept:
            stale.append(pk)
        kept.add(position)
    if stale:
        FrontSlot.objects.filter(pk__in=stale).delete()


def front_check(*, article: Article, section, language: str) -> None:
    if not Article.objects.published().in_language(language).filter(pk=article.pk).exists():
        if language == "ar":
            raise ValidationError(_("Only a published story can be placed on a front."), code="not_public")
        raise ValidationError(
            _("Only a story published in English can be placed on an English front."), code="not_public"
        )
    if section is not None and article.section_id != section.pk:
        raise ValidationError(_("A section front shows only that section's stories."), code="other_section")


@transaction.atomic
def front_place(
    *, article: Article, language: str, position: int, section=None, starts_at: datetime | None = None, by=None
) -> FrontSlot:
    """Put ``article`` in ``position`` (0 is the lead) of a front, now or from ``starts_at``.

    Now: the stories from that place down move one place down (the last leaves the top places),
    and the story leaves any other place it held. Later: the row takes the place at its time.
    """
    now = timezone.now()
    if not 0 <= position < PLACES:
        raise ValidationError(_("There is no such place on the front."), code="position")
    front_check(article=article, section=section, language=language)
    scheduled = starts_at is not None and starts_at > now
    with FrontChange(fronts=[_front(section, language)]):
        _prune(section=section, language=language, now=now)
        if not scheduled:
            starts_at = now
            current, _next = read_slots(section=section, language=language, now=now)
            rows = {
                slot.position: slot
                for slot in FrontSlot.objects.filter(section=section, language=language, starts_at__lte=now)
            }
            held = [p for p, story in current.items() if story == article.pk]
            for p in held:
                rows.pop(p).delete()
            if position not in held:
                # Shift from the bottom up so no two rows share a place at any moment.
                for p in sorted((p for p in rows if p >= position), reverse=True):
                    slot = rows[p]
                    if p + 1 >= PLACES:
                        slot.delete()
                    else:
                        slot.position = p + 1
                        slot.save(update_fields=["position"])
            else:
                # Moving within the front: the stories between close the gap it leaves or opens.
                old = held[0]
                step = -1 if old < position else 1
                for p in sorted((p for p in rows if min(old, position) <= p <= max(old, position)), reverse=step > 0):
                    rows[p].position = p + step
                    rows[p].save(update_fields=["position"])
        slot = FrontSlot(
            section=section, language=language, position=position, article=article, starts_at=starts_at, created_by=by
        )
        slot.full_clean()
        slot.save()
    return slot


@transaction.atomic
def front_move(*, slot: FrontSlot, step: int, by=None) -> FrontSlot:
    """Move a story shown now one place up (``step=-1``) or down (``+1``), swapping with its neighbour."""
    now = timezone.now()
    target = slot.position + step
    if not 0 <= target < PLACES:
        raise ValidationError(_("The story cannot move further."), code="edge")
    with FrontChange(fronts=[_front(slot.section, slot.language)]):
        _prune(section=slot.section, language=slot.language, now=now)
        rows = {
            row.position: row
            for row in FrontSlot.objects.select_for_update(of=("self",)).filter(
                section=slot.section, language=slot.language, starts_at__lte=now
            )
        }
        mine = rows.get(slot.position)
        if mine is None or mine.pk != slot.pk:
            raise ValidationError(_("This place has changed; reload the page."), code="stale")
        other = rows.get(target)
        if other is None:
            mine.position = target
            mine.save(update_fields=["position"])
            return mine
        # The two places trade stories: each row keeps its place (and its key), so no moment has two
        # rows in one place.
        mine.article_id, other.article_id = other.article_id, mine.article_id
        mine.created_by, other.created_by = by, by
        mine.save(update_fields=["article", "created_by"])
        other.save(update_fields=["article", "created_by"])
        return other


@transaction.atomic
def front_remove(*, slot: FrontSlot, by=None) -> None:
    """Take a story (or a scheduled change) off a front; the newest story fills its place."""
    with FrontChange(fronts=[_front(slot.section, slot.language)]):
        slot.delete()


@transaction.atomic
def breaking_set(
    *, language: str, text: str, article: Article | None = None, expires_at: datetime | None = None, by=None
) -> BreakingNews:
    """Show a breaking line on every reader page in ``language`` from now; it replaces the current one."""
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": _("The expiry time must be in the future.")})
    line = BreakingNews(
        language=language, text=text, article=article, expires_at=expires_at, starts_at=now, created_by=by
    )
    with FrontChange(breaking=[language]):
        line.full_clean()
        BreakingNews.objects.current(language, now).update(removed_at=now)
        line.save()
    return line


@transaction.atomic
def breaking_remove(*, line: BreakingNews, by=None) -> None:
    with FrontChange(breaking=[line.language]):
        BreakingNews.objects.filter(pk=line.pk, removed_at__isnull=True).update(removed_at=timezone.now())


@transaction.atomic
def site_page_save(*, page: SitePage) -> SitePage:
    """Save an about or contact page; its own page and every footer are refreshed."""
    before = SitePage.objects.filter(pk=page.pk).values_list("slug", flat=True).first() if page.pk else None
    with FrontChange(pages={slug for slug in (before, page.slug) if slug}):
        page.full_clean()
        page.save()
    return page


@transaction.atomic
def site_page_delete(*, page: SitePage) -> None:
    with FrontChange(pages=[page.slug]):
        page.delete()
