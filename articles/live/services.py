"""Writes to live coverage. Each announces the coverage's story (``StoryChange``), so its page and
the lists it appears on are refreshed on commit, and nothing else."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from ..changes.events import StoryChange
from ..stories import permissions
from ..stories.sanitize import html_text, sanitize_html
from ..stories.services import publication_problems
from .models import LiveCoverage, LiveUpdate


def _announce(coverage: LiveCoverage) -> StoryChange:
    return StoryChange(ids=[coverage.article_id])


def can_publish_live(user, coverage: LiveCoverage) -> bool:
    """Editors, and journalists an editor granted live rights for this coverage."""
    if user is None or permissions.is_editor(user):
        return True
    return coverage.live_writers.filter(pk=user.pk).exists()


def as_html(text: str) -> str:
    """What the quick form's plain text box holds, as paragraphs; markup from the rich editor is kept."""
    text = (text or "").strip()
    if text.startswith("<"):
        return sanitize_html(text)
    return sanitize_html(linebreaks(escape(text)))


@transaction.atomic
def live_start(*, article, by=None) -> LiveCoverage:
    if by is not None and not permissions.is_editor(by):
        raise PermissionDenied(_("Only editors can start live coverage."))
    coverage, _created = LiveCoverage.objects.get_or_create(article=article, defaults={"started_at": timezone.now()})
    with _announce(coverage):
        if coverage.ended_at is not None:
            coverage.ended_at = None
            coverage.save(update_fields=["ended_at"])
    return coverage


@transaction.atomic
def live_end(*, coverage: LiveCoverage, by=None) -> LiveCoverage:
    """End the coverage: the page reads as an archive and asks for no more updates."""
    if by is not None and not permissions.is_editor(by):
        raise PermissionDenied(_("Only editors can end live coverage."))
    with _announce(coverage):
        coverage.ended_at = timezone.now()
        coverage.full_clean()
        coverage.save(update_fields=["ended_at"])
    return coverage


@transaction.atomic
def live_add_update(
    *,
    coverage: LiveCoverage,
    text: str,
    by=None,
    photo=None,
    is_breaking: bool = False,
    is_pinned: bool = False,
    at=None,
) -> LiveUpdate:
    """Add an update: published at once by editors and by journalists with live rights, else sent to review.

    ``at``: the update's time when it is not now (imports and the demo); never in the future.
    """
    if coverage.ended_at is not None:
        raise ValidationError(_("This live coverage has ended."), code="ended")
    body = as_html(text)
    if not html_text(body).strip():
        raise ValidationError({"body": _("Write the update first.")}, code="empty")
    if photo is not None:
        problems = publication_problems(images_shown=[photo])
        if problems:
            raise ValidationError({"photo": problems}, code="photo")
    publish = can_publish_live(by, coverage)
    if is_pinned and not (by is None or permissions.is_editor(by)):
        raise PermissionDenied(_("Only editors can pin an update."))
    update = LiveUpdate(
        coverage=coverage,
        body=body,
        author=by,
        author_name=(by.get_full_name() or by.get_username()) if by is not None else "",
        photo=photo,
        is_breaking=is_breaking,
        status=LiveUpdate.Status.PUBLISHED if publish else LiveUpdate.Status.REVIEW,
        published_at=min(at or timezone.now(), timezone.now()) if publish else None,
    )
    with _announce(coverage):
        update.full_clean()
        update.save()
        if is_pinned:
            live_pin(update=update, by=by)
    return update


@transaction.atomic
def live_publish_update(*, update: LiveUpdate, by=None) -> LiveUpdate:
    """An editor publishes a journalist's update from review."""
    if by is not None and not can_publish_live(by, update.coverage):
        raise PermissionDenied(_("Only editors can publish this update."))
    with _announce(update.coverage):
        update.status = LiveUpdate.Status.PUBLISHED
        update.published_at = timezone.now()
        update.save(update_fields=["status", "published_at"])
    return update


@transaction.atomic
def live_pin(*, update: LiveUpdate, by=None) -> LiveUpdate:
    """Make this the coverage's one key update at the top (the previous one is unpinned)."""
    if by is not None and not permissions.is_editor(by):
        raise PermissionDenied(_("Only editors can pin an update."))
    with _announce(update.coverage):
        LiveUpdate.objects.filter(coverage=update.coverage, is_pinned=True).exclude(pk=update.pk).update(
            is_pinned=False
        )
        update.is_pinned = True
        update.save(update_fields=["is_pinned"])
    return update


@transaction.atomic
def live_grant(*, coverage: LiveCoverage, user, by=None) -> None:
    if by is not None and not permissions.is_editor(by):
        raise PermissionDenied(_("Only editors can grant live rights."))
    coverage.live_writers.add(user)
