"""Writes that have rules, for stories and the catalogue: the admin, views and commands call these."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..changes.events import CatalogueChange, StoryChange
from ..models import (
    Agency,
    Article,
    Author,
    Byline,
    CitedSource,
    Correction,
    Image,
    PreviewLink,
    Section,
)
from . import permissions
from .tags import tag_names
from .text import slugify

SLUG_MAX_LENGTH = 200


def _unique_slug(*, text: str, field: str, exclude_pk: int | None) -> str:
    base = slugify(text)[:SLUG_MAX_LENGTH].strip("-") or "story"
    candidate, n = base, 2
    others = Article.objects.exclude(pk=exclude_pk) if exclude_pk else Article.objects.all()
    while others.filter(**{field: candidate}).exists():
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def article_fill_slugs(*, article: Article) -> None:
    """Give the story an address in each language it is written in, keeping Arabic letters."""
    for language, _name in settings.LANGUAGES:
        slug_field, headline = f"slug_{language}", getattr(article, f"headline_{language}", "") or ""
        if headline and not getattr(article, slug_field):
            setattr(article, slug_field, _unique_slug(text=headline, field=slug_field, exclude_pk=article.pk))


def publication_time(*, status: str | None, published_at: datetime | None) -> datetime | None:
    """When a story goes public: its own time, or now when it is published without one."""
    if status == Article.Status.PUBLISHED and published_at is None:
        return timezone.now()
    return published_at


def _stamp_publication(article: Article) -> None:
    article.published_at = publication_time(status=article.status, published_at=article.published_at)


class EditConflict(ValidationError):
    """Someone else saved the story since this editor opened it."""


def _conflict_message(current: Article) -> str:
    who = (
        current.updated_by.get_full_name() or current.updated_by.get_username() if current.updated_by else _("someone")
    )
    when = date_format(timezone.localtime(current.updated_at), "DATETIME_FORMAT")
    return _(
        "%(who)s changed this story at %(when)s, after you opened it. Your text is kept below: "
        "compare it with theirs, then save again to replace their version."
    ) % {"who": who, "when": when}


def article_check_version(*, article: Article, expected_version: int | None) -> None:
    """Refuse a save based on an outdated copy of the story (optimistic locking)."""
    if article.pk is None or expected_version is None:
        return
    current = Article.objects.select_related("updated_by").filter(pk=article.pk).first()
    if current is not None and current.version != expected_version:
        raise EditConflict(_conflict_message(current), code="edit_conflict")


@transaction.atomic
def article_save(
    *, article: Article, by=None, check_images: bool = True, expected_version: int | None = None
) -> Article:
    """Validate and save a story written in the admin or elsewhere.

    Asks the permission policy first (``by`` None is the system itself), refuses a
    save based on an outdated copy (``expected_version``), and records a revision.
    A published story's photos must all have a credit and alt text; the admin checks
    that in its forms (where the new photo rows are known) and passes ``check_images=False``.
    """
    user = by if by is not None and by.is_authenticated else None
    previous = Article.objects.select_for_update().filter(pk=article.pk).first() if article.pk else None
    permissions.check_article_write(user=user, article=article, previous=previous)
    if previous is not None and expected_version is not None and previous.version != expected_version:
        raise EditConflict(_conflict_message(previous), code="edit_conflict")
    if article.pk is None and user is not None:
        article.created_by = user
    article.updated_by = user or article.updated_by
    article.version = previous.version + 1 if previous is not None else 1
    article_fill_slugs(article=article)
    _stamp_publication(article)
    if check_images:
        article_check_publishable(article=article)
    article.full_clean()
    with StoryChange(articles=[article]), reversion.create_revision():
        article.save()
        if user is not None:
            reversion.set_user(user)
    if article.status == Article.Status.UNPUBLISHED:
        # An unpublished story's old preview links must not keep showing it.
        preview_links_revoke_all(article=article)
    return article


@transaction.atomic
def article_save_related(*, article: Article, save: Callable[[], None]) -> None:
    """Save a story's relations (tags, bylines, sources, photos) with ``save`` and announce it:
    the admin's tag field, its inlines and a restored revision's rows are written here."""
    with StoryChange(articles=[article]):
        save()


@transaction.atomic
def article_delete(*, article: Article, by=None) -> None:
    """Delete a story (editors only). Its saved revisions stay, so it can be recovered."""
    user = by if by is not None and by.is_authenticated else None
    if user is not None and not permissions.is_editor(user):
        raise PermissionDenied(_("Only editors can delete stories."))
    with StoryChange(articles=[article], deleting=True):
        article.delete()


@transaction.atomic
def article_add_correction(*, article: Article, note: str, by=None, translations=None) -> Correction:
    """Add a dated correction to a published story; its «dateModified» moves with it."""
    user = by if by is not None and by.is_authenticated else None
    if user is not None and not permissions.is_editor(user):
        raise PermissionDenied(_("Only editors can add corrections."))
    if article.status != Article.Status.PUBLISHED:
        raise ValidationError(_("Corrections are for published stories."), code="not_published")
    correction = Correction(article=article, note_ar=note, created_by=user)
    for language, values in (translations or {}).items():
        for name, value in values.items():
            setattr(correction, f"{name}_{language}", value)
    correction.full_clean()
    # A revision of the story with its corrections: the history shows who corrected it, and a
    # deleted story is recovered with every correction readers saw.
    with StoryChange(articles=[article]), reversion.create_revision():
        correction.save()
        Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())
        reversion.add_to_revision(Article.objects.get(pk=article.pk))
        if user is not None:
            reversion.set_user(user)
    return correction


@dataclass(frozen=True)
class BylineInput:
    author: Author | None = None
    text: str = ""


@dataclass(frozen=True)
class SourceInput:
    source: Agency
    url: str = ""


@transaction.atomic
def article_create(
    *,
    headline: str,
    section,
    body: str = "",
    dek: str = "",
    by=None,
    lead_image: Image | None = None,
    tags: Iterable[str] = (),
    bylines: Sequence[BylineInput] = (),
    sources: Sequence[SourceInput] = (),
    translations: dict[str, dict[str, str]] | None = None,
    publish_at: datetime | None = None,
    publish: bool = False,
) -> Article:
    """Create a story with its relations in one transaction: all of it or nothing."""
    # One revision and one announcement for the story and all its relations, when the block ends.
    with StoryChange(), reversion.create_revision():
        article = Article(
            headline_ar=headline,
            dek_ar=dek,
            body_ar=body,
            section=section,
            lead_image=lead_image,
            status=Article.Status.PUBLISHED if publish else Article.Status.DRAFT,
            published_at=publish_at,
        )
        for language, fields in (translations or {}).items():
            for name, value in fields.items():
                setattr(article, f"{name}_{language}", value)
        article_save(article=article, by=by)
        if tags:
            article_set_tags(article=article, tags=tags)
        article_set_bylines(article=article, bylines=bylines)
        article_set_sources(article=article, sources=sources)
        if by is not None and by.is_authenticated:
            reversion.set_user(by)
    return article


@transaction.atomic
def article_set_tags(*, article: Article, tags: Iterable[str]) -> None:
    """File the story under ``tags`` (names as typed); a name spelled differently from an existing
    tag («الحكـــومة» for «الحكومة») is that tag. Raises ValidationError for a name over 100
    characters or with a word in two alphabets."""
    # modeltranslation rewrites taggit's lookups by name into the active language, so under
    # /en/ an existing Arabic tag is not found and creating it again breaks its unique name.
    # Tags are typed by their default-language (Arabic) name whatever the page's language.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), StoryChange(articles=[article]):
        article.tags.set(tag_names(tags))


@transaction.atomic
def article_set_bylines(*, article: Article, bylines: Sequence[BylineInput]) -> None:
    with StoryChange(articles=[article]):
        article.bylines.all().delete()
        for position, item in enumerate(bylines):
            byline = Byline(article=article, author=item.author, text=item.text, position=position)
            byline.full_clean()
            byline.save()


@transaction.atomic
def article_set_sources(*, article: Article, sources: Sequence[SourceInput]) -> None:
    with StoryChange(articles=[article]):
        article.cited_sources.all().delete()
        for position, item in enumerate(sources):
            cited = CitedSource(article=article, source=item.source, url=item.url, position=position)
            cited.full_clean()
            cited.save()


@transaction.atomic
def article_publish(
    *,
    article: Article,
    by=None,
    at: datetime | None = None,
    check_images: bool = True,
    expected_version: int | None = None,
) -> Article:
    """Publish now, or at ``at`` (a future time schedules it: readers see it from then)."""
    article.status = Article.Status.PUBLISHED
    if at is not None:
        article.published_at = at
    elif article.published_at is None or article.published_at > timezone.now():
        article.published_at = timezone.now()
    return article_save(article=article, by=by, check_images=check_images, expected_version=expected_version)


@transaction.atomic
def article_schedule(
    *, article: Article, by=None, at: datetime | None, check_images: bool = True, expected_version: int | None = None
) -> Article:
    """Publish at a future time ``at``: readers see the story from then, not before."""
    if at is None or at <= timezone.now():
        raise ValidationError(
            {"published_at": _("Choose a publication time in the future to schedule the story.")}, code="not_future"
        )
    return article_publish(article=article, by=by, at=at, check_images=check_images, expected_version=expected_version)


@transaction.atomic
def article_unpublish(
    *, article: Article, by=None, check_images: bool = True, expected_version: int | None = None
) -> Article:
    """Take the story off the site; its preview links are revoked with it (article_save)."""
    article.status = Article.Status.UNPUBLISHED
    return article_save(article=article, by=by, check_images=check_images, expected_version=expected_version)


@transaction.atomic
def article_send_for_review(
    *, article: Article, by=None, check_images: bool = True, expected_version: int | None = None
) -> Article:
    """A draft goes to the editors; its author can no longer change it unless it is withdrawn."""
    if article.status not in (Article.Status.DRAFT, Article.Status.REVIEW):
        raise ValidationError(_("Only a draft can be sent for review."), code="not_draft")
    article.status = Article.Status.REVIEW
    return article_save(article=article, by=by, check_images=check_images, expected_version=expected_version)


@transaction.atomic
def article_save_draft(
    *, article: Article, by=None, check_images: bool = True, expected_version: int | None = None
) -> Article:
    """Save the story as a draft (a new story, or one an editor takes back from review)."""
    article.status = Article.Status.DRAFT
    return article_save(article=article, by=by, check_images=check_images, expected_version=expected_version)


@transaction.atomic
def article_withdraw(*, article: Article, by=None) -> Article:
    """Take a story out of review back to its draft, so its author can edit it again.

    Its author may do this although a story in review is otherwise the editors' to change.
    Only the status moves: the text is the one the editors were sent.
    """
    user = by if by is not None and by.is_authenticated else None
    current = Article.objects.select_for_update().get(pk=article.pk)
    if current.status != Article.Status.REVIEW:
        raise ValidationError(_("This story is not waiting for review."), code="not_in_review")
    if user is not None and not permissions.can_withdraw(user, current):
        raise PermissionDenied(_("Only the story's author or an editor can withdraw it from review."))
    current.status = Article.Status.DRAFT
    current.updated_by = user or current.updated_by
    current.version += 1
    current.full_clean()
    with StoryChange(articles=[current]), reversion.create_revision():
        current.save()
        if user is not None:
            reversion.set_user(user)
    article.status, article.version = current.status, current.version
    return current


@transaction.atomic
def preview_link_create(*, article: Article, by) -> PreviewLink:
    """A new preview link for the story, valid for ``PREVIEW_LINK_HOURS`` (editors and its author)."""
    user = by if by is not None and by.is_authenticated else None
    if user is not None and not permissions.can_share_preview(user, article):
        raise PermissionDenied(_("Only editors and the story's author can share a preview."))
    if article.status == Article.Status.UNPUBLISHED:
        raise ValidationError(_("An unpublished story cannot be previewed: publish it or save it as a draft first."))
    now = timezone.now()
    link = PreviewLink(
        article=article,
        token=secrets.token_urlsafe(32),
        created_by=user,
        created_at=now,
        expires_at=now + timedelta(hours=int(settings.PREVIEW_LINK_HOURS)),
    )
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def preview_link_revoke(*, link: PreviewLink, by) -> PreviewLink:
    """Stop a preview link from showing its story (editors and the story's author)."""
    user = by if by is not None and by.is_authenticated else None
    if user is not None and not permissions.can_share_preview(user, link.article):
        raise PermissionDenied(_("Only editors and the story's author can revoke a preview link."))
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def preview_links_revoke_all(*, article: Article) -> int:
    """Revoke every live link of the story (when it is unpublished); returns how many."""
    return PreviewLink.objects.filter(article_id=article.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def backup_announce_restored(*, batch: int = 1000) -> int:
    """After a backup was loaded into the database: announce every story and section as changed,
    so search documents, tag rows' times, cached pages, the menu and the CDN match what was
    loaded. A batch of stories per transaction; returns how many stories were announced."""
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        with transaction.atomic(), StoryChange(ids=ids[start : start + batch]):
            pass  # the write was the restore itself
    with transaction.atomic(), CatalogueChange(model=Section, ids=Section.objects.values_list("pk", flat=True)):
        pass
    return len(ids)


@transaction.atomic
def catalogue_delete(*, obj) -> None:
    """Delete an unused section, author, agency or tag (protected ones raise ProtectedError)."""
    catalogue_delete_many(queryset=type(obj).objects.filter(pk=obj.pk))


@transaction.atomic
def catalogue_delete_many(*, queryset) -> int:
    """Delete sections, authors, agencies or tags (the admin's «delete selected»), all or none:
    a protected one raises ProtectedError and nothing is deleted. Returns how many were deleted."""
    ids = list(queryset.values_list("pk", flat=True))
    with CatalogueChange(model=queryset.model, ids=ids):
        deleted, _per_model = queryset.model.objects.filter(pk__in=ids).delete()
    return len(ids) if deleted else 0


@transaction.atomic
def catalogue_save(*, obj) -> None:
    """Save a section, author, agency or tag; the pages showing its name follow (announced)."""
    obj.full_clean()
    with CatalogueChange(model=type(obj), objects=[obj]):
        obj.save()


def article_images(*, article: Article, lead_image: Image | None = None, placed: Iterable[Image] = ()) -> list[Image]:
    images_shown = [lead_image] if lead_image is not None else []
    images_shown += [image for image in placed if image not in images_shown]
    return images_shown


def publication_problems(*, images_shown: Iterable[Image]) -> list[str]:
    """Why a story showing these photos cannot be published yet (empty when it can)."""
    problems = []
    for image in images_shown:
        missing = image.missing_for_publication()
        if missing:
            problems.append(
                _("Photo «%(image)s» has no %(missing)s.") % {"image": image, "missing": _(" or ").join(missing)}
            )
    return problems


def article_check_publishable(*, article: Article) -> None:
    if article.status != Article.Status.PUBLISHED:
        return
    placed = [placement.image for placement in article.placements.select_related("image")] if article.pk else []
    problems = publication_problems(
        images_shown=article_images(article=article, lead_image=article.lead_image, placed=placed)
    )
    if problems:
        raise ValidationError(
            [_("This story cannot be published until its photos have a credit and alt text:")] + problems,
            code="images_incomplete",
        )


def image_check_publishable(*, image: Image, stories: Iterable[Article]) -> None:
    """The publish guard from the photo's side: it holds for as long as a published or scheduled
    story shows the photo (lead photo, gallery or body), so the photo cannot lose its credit or
    alt text there. ``stories`` are the stories showing it; raises ValidationError naming them."""
    live = [story for story in stories if story.status == Article.Status.PUBLISHED]
    missing = image.missing_for_publication()
    if live and missing:
        raise ValidationError(
            _(
                "This photo cannot be saved without %(missing)s: it is shown in a published or scheduled "
                "story: %(stories)s."
            )
            % {"missing": _(" or ").join(missing), "stories": permissions.story_names(live)},
            code="image_shown",
        )
