"""Writes that have rules go through here: the admin, views and commands call these."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import images, ninjs, permissions
from .arabic import normalize
from .changes.events import CatalogueChange, PhotoChange, StoryChange
from .models import (
    RENDITION_RATIOS,
    RENDITION_WIDTHS,
    Agency,
    AgencyAlias,
    Article,
    Author,
    Byline,
    CitedSource,
    Correction,
    CreditSuggestion,
    Image,
    Section,
    Tag,
    image_upload_to,
)

SLUG_MAX_LENGTH = 200


def _unique_slug(*, text: str, field: str, exclude_pk: int | None) -> str:
    base = slugify(text, allow_unicode=True)[:SLUG_MAX_LENGTH].strip("-") or "story"
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
    # modeltranslation rewrites taggit's lookups by name into the active language, so under
    # /en/ an existing Arabic tag is not found and creating it again breaks its unique name.
    # Tags are typed by their default-language (Arabic) name whatever the page's language.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), StoryChange(articles=[article]):
        article.tags.set(list(tags))


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
def article_publish(*, article: Article, by=None, at: datetime | None = None) -> Article:
    """Publish now, or at ``at`` (a future time schedules it: readers see it from then)."""
    article.status = Article.Status.PUBLISHED
    if at is not None:
        article.published_at = at
    elif article.published_at is None or article.published_at > timezone.now():
        article.published_at = timezone.now()
    return article_save(article=article, by=by)


@transaction.atomic
def article_unpublish(*, article: Article, by=None) -> Article:
    article.status = Article.Status.UNPUBLISHED
    return article_save(article=article, by=by)


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


def image_articles_using(*, image: Image) -> list[Article]:
    """Every story that shows the photo, as lead image or placed in its body or gallery."""
    return list(Article.objects.filter(Q(lead_image=image) | Q(placements__image=image)).distinct().order_by("pk"))


@transaction.atomic
def image_delete(*, image: Image) -> None:
    """Delete a photo, refusing while any story uses it (the message names the stories)."""
    using = image_articles_using(image=image)
    if using:
        names = "، ".join(f"«{article.headline}»" for article in using)
        raise ValidationError(
            _("This image cannot be deleted: it is used by %(articles)s.") % {"articles": names},
            code="image_in_use",
        )
    original, old_renditions = image.file.name, _rendition_names(image)
    storage = image.file.storage
    with PhotoChange(ids=[image.pk]):
        image.delete()
    transaction.on_commit(lambda: _delete_files(storage, [original] if original else []))
    transaction.on_commit(lambda: _delete_files(storages["default"], old_renditions))


# --- The photo desk: uploads, credits, renditions ----------------------------------


def _delete_files(storage, names) -> None:
    for name in names:
        storage.delete(name)


def _read_upload(file) -> tuple[bytes, str]:
    name = getattr(file, "name", "") or "upload"
    if hasattr(file, "seek"):
        file.seek(0)
    limit = images.max_bytes()
    data = file.read(limit + 1)
    if len(data) > limit:
        raise images.ImageRejected(
            _("The file is too large: more than %(limit)d MB.") % {"limit": limit // 1024 // 1024},
            code="file_size",
        )
    return data, name


def agency_for_credit(text: str) -> Agency | None:
    """The agency a credit line names, through its names in both languages and its aliases."""
    key = normalize(text)
    if not key:
        return None
    alias = AgencyAlias.objects.select_related("agency").filter(key=key).first()
    if alias is not None:
        return alias.agency
    for agency in Agency.objects.only("pk", "name_ar", "name_en", "slug"):
        if key in {normalize(agency.name_ar), normalize(agency.name_en), normalize(agency.slug)}:
            return agency
    return None


@transaction.atomic
def agency_add_alias(*, agency: Agency, name: str) -> AgencyAlias:
    key = normalize(name)
    alias = AgencyAlias.objects.filter(key=key).first()
    if alias is not None:
        if alias.agency_id != agency.pk:
            raise ValidationError(
                _("«%(name)s» is already an alias of %(agency)s.") % {"name": name, "agency": alias.agency},
                code="alias_taken",
            )
        return alias
    alias = AgencyAlias(agency=agency, name=name.strip(), key=key)
    alias.full_clean()
    alias.save()
    return alias


@transaction.atomic
def credit_suggestion_for(*, text: str) -> CreditSuggestion:
    key = normalize(text)
    suggestion, _created = CreditSuggestion.objects.get_or_create(key=key, defaults={"text": text.strip()})
    return suggestion


@transaction.atomic
def credit_suggestion_accept(*, suggestion: CreditSuggestion, agency: Agency | None = None) -> Agency:
    """Confirm an unknown credit: as an alias of ``agency``, or as a new agency of that name."""
    if agency is None:
        agency = Agency(name_ar=suggestion.text, name_en=suggestion.text, slug=_unique_agency_slug(suggestion.text))
        agency.full_clean()
        agency.save()
    elif suggestion.key not in {normalize(agency.name_ar), normalize(agency.name_en)}:
        agency_add_alias(agency=agency, name=suggestion.text)
    credited = list(Image.objects.filter(credit_suggestion=suggestion).values_list("pk", flat=True))
    with PhotoChange(ids=credited):
        Image.objects.filter(pk__in=credited, credit__isnull=True).update(credit=agency)
        Image.objects.filter(pk__in=credited).update(credit_suggestion=None)
    suggestion.status = CreditSuggestion.Status.ACCEPTED
    suggestion.agency = agency
    suggestion.save(update_fields=["status", "agency"])
    return agency


def credit_suggestion_dismiss(*, suggestion: CreditSuggestion) -> None:
    suggestion.status = CreditSuggestion.Status.DISMISSED
    suggestion.save(update_fields=["status"])


def _unique_agency_slug(text: str) -> str:
    base = slugify(text, allow_unicode=True)[:140] or "agency"
    candidate, n = base, 2
    while Agency.objects.filter(slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _apply_metadata(image: Image, metadata: images.PhotoMetadata) -> None:
    """Pre-fill what the file says; never overwrite what an editor typed."""
    for field, value in (
        ("caption_ar", metadata.caption),
        ("alt_text_ar", metadata.alt_text),
        ("photographer", metadata.creator),
        ("copyright_notice", metadata.copyright_notice),
    ):
        if value and not getattr(image, field):
            setattr(image, field, value[: Image._meta.get_field(field).max_length])
    credit_line = metadata.credit or metadata.source
    if credit_line and image.credit_id is None:
        agency = agency_for_credit(credit_line)
        if agency is None and metadata.source and metadata.source != credit_line:
            agency = agency_for_credit(metadata.source)
        if agency is not None:
            image.credit = agency
        else:
            image.credit_suggestion = credit_suggestion_for(text=credit_line[:150])


def _rendition_key(image: Image) -> str:
    token = f"{image.file.name}|{image.focal_x:.3f}|{image.focal_y:.3f}"
    return hashlib.sha256(token.encode()).hexdigest()[:12]


def _rendition_names(image: Image) -> list[str]:
    if not image.rendition_key:
        return []
    return [
        image.rendition_name(kind, width, fmt)
        for kind in RENDITION_WIDTHS
        for width in image.rendition_widths(kind)
        for fmt in settings.IMAGE_RENDITION_FORMATS
    ]


def image_generate_renditions(*, image: Image, data: bytes | None = None, force: bool = False) -> int:
    """Write every allow-listed rendition of the photo; returns how many files were written.

    Names are deterministic (image, rendition key, kind, width, format), so an existing
    file is never rewritten unless ``force``: a CDN may hold it.
    """
    storage = storages["default"]
    if data is None:
        with image.file.open("rb") as handle:
            data = handle.read()
    largest = max(width for kind in RENDITION_WIDTHS for width in image.rendition_widths(kind))
    pixels = images.open_for_rendering(data, largest)
    written = 0
    for kind, ratio in RENDITION_RATIOS.items():
        for width in image.rendition_widths(kind):
            for fmt in settings.IMAGE_RENDITION_FORMATS:
                name = image.rendition_name(kind, width, fmt)
                if storage.exists(name):
                    if not force:
                        continue
                    storage.delete(name)
                content, _w, _h = images.render(
                    pixels, width=width, fmt=fmt, ratio=ratio, focal=(image.focal_x, image.focal_y)
                )
                storage.save(name, ContentFile(content))
                written += 1
    return written


def image_inspect(*, file) -> tuple[bytes, images.InspectedImage]:
    """Read and check an upload; raises images.ImageRejected with a message for the user."""
    data, _name = _read_upload(file)
    return data, images.inspect_upload(data)


@transaction.atomic
def image_store(*, image: Image, data: bytes, inspected: images.InspectedImage, by=None) -> Image:
    """Save a checked upload: server-generated name, metadata pre-filled, renditions written.

    If anything fails, the stored original and renditions are removed: a refused
    upload leaves no row and no file behind.
    """
    if image.pk is None and by is not None and by.is_authenticated:
        image.uploaded_by = by
    # What to remove once the new file is in: the stored name comes from the database (an admin
    # form has already put the upload on image.file), the old renditions from the old size.
    old_original = (Image.objects.filter(pk=image.pk).values_list("file", flat=True).first() or "") if image.pk else ""
    old_renditions = _rendition_names(image)
    _apply_metadata(image, inspected.metadata)
    image.format, image.width, image.height = inspected.format, inspected.width, inspected.height
    stored = image.file.storage.save(image_upload_to(image, f"upload{inspected.extension}"), ContentFile(data))
    # Assigning the name (not setting .name on the upload) marks the file as saved, so the
    # model's save() does not store the upload a second time under another name.
    image.file = stored
    image.rendition_key = _rendition_key(image)
    try:
        image.full_clean()
        # A replaced file gets renditions under new names: every page showing the photo follows.
        with PhotoChange(images=[image], replaced=bool(old_original)):
            image.save()
            image_generate_renditions(image=image, data=data)
    except Exception:
        # Clean-up only: the error itself is re-raised unchanged.
        _delete_files(image.file.storage, [stored])
        _delete_files(storages["default"], _rendition_names(image))
        raise
    if old_original and old_original != stored:
        transaction.on_commit(lambda: _delete_files(image.file.storage, [old_original]))
        transaction.on_commit(lambda: _delete_files(storages["default"], old_renditions))
    return image


def image_create(
    *,
    file,
    alt_text: str = "",
    caption: str = "",
    credit: Agency | None = None,
    photographer: str = "",
    copyright_notice: str = "",
    translations: dict[str, dict[str, str]] | None = None,
    by=None,
    **fields,
) -> Image:
    """Check and store a photo from code (demo content, bulk ingest, wire import)."""
    data, inspected = image_inspect(file=file)
    image = Image(
        alt_text_ar=alt_text,
        caption_ar=caption,
        credit=credit,
        photographer=photographer,
        copyright_notice=copyright_notice,
        **fields,
    )
    for language, values in (translations or {}).items():
        for name, value in values.items():
            setattr(image, f"{name}_{language}", value)
    return image_store(image=image, data=data, inspected=inspected, by=by)


@transaction.atomic
def image_update(*, image: Image) -> Image:
    """Save edits to a photo's details; a moved focal point gets new crops under new names."""
    old_key = image.rendition_key
    old_renditions = _rendition_names(image)
    image.rendition_key = _rendition_key(image)
    image.full_clean()
    with PhotoChange(images=[image], replaced=image.rendition_key != old_key):
        image.save()
        if image.rendition_key != old_key:
            image_generate_renditions(image=image)
            transaction.on_commit(lambda: _delete_files(storages["default"], old_renditions))
    return image


@transaction.atomic
def image_set_credit(*, images_qs, agency: Agency) -> int:
    ids = list(images_qs.values_list("pk", flat=True))
    with PhotoChange(ids=ids):
        return Image.objects.filter(pk__in=ids).update(credit=agency, credit_suggestion=None)


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


# --- The wire desk: agency copy in ninjs (articles/ninjs.py reads it) ----------------


@dataclass(frozen=True)
class WireImport:
    """What importing one ninjs document did: imported, updated, unchanged or skipped."""

    outcome: str
    article: Article | None
    notes: tuple[str, ...] = ()


def _wire_section(*, item: ninjs.WireItem, default: Section | None) -> tuple[Section, str]:
    """The section a subject names (in either language), else ``default``, else the first section."""
    sections = list(Section.objects.all())
    by_name: dict[str, Section] = {}
    for section in sections:
        for name in (section.name_ar, section.name_en, section.slug):
            if name:
                by_name.setdefault(normalize(name), section)
    for subject in item.subjects:
        section = by_name.get(normalize(subject))
        if section is not None:
            return section, subject
    if default is not None:
        return default, ""
    if sections:
        return sections[0], ""
    raise ninjs.DocumentRefused(
        _("There is no section to file the story in: create a section first."), code="no_section"
    )


def _wire_tags(*, item: ninjs.WireItem, section_subject: str) -> list[str]:
    names, seen = [], set()
    for name in (*item.subjects, *item.keywords):
        key = normalize(name)
        if name == section_subject or not key or key in seen:
            continue
        seen.add(key)
        names.append(name[: Tag._meta.get_field("name").max_length])
    return names


def _wire_bylines(*, by: str) -> list[BylineInput]:
    """Names on the agency's byline; a name that is one of our authors links to their page."""
    names = ninjs.byline_names(by)
    if not names:
        return []
    authors: dict[str, Author] = {}
    for author in Author.objects.all():
        for name in (author.name_ar, author.name_en):
            if name:
                authors.setdefault(normalize(name), author)
    bylines, seen = [], set()
    for name in names:
        author = authors.get(normalize(name))
        if author is None:
            bylines.append(BylineInput(text=name[: Byline._meta.get_field("text").max_length]))
        elif author.pk not in seen:
            seen.add(author.pk)
            bylines.append(BylineInput(author=author))
    return bylines


def _wire_sources(*, item: ninjs.WireItem) -> list[SourceInput]:
    """Cited sources from the document's infosources: known agencies (names, aliases) or new ones."""
    sources, seen = [], set()
    for infosource in item.infosources:
        name = infosource.name[: Agency._meta.get_field("name").max_length]
        agency = agency_for_credit(name)
        if agency is None:
            is_arabic = any("\u0600" <= char <= "\u06ff" for char in name)
            agency = Agency(name_ar=name, name_en="" if is_arabic else name, slug=_unique_agency_slug(name))
            agency.full_clean()
            agency.save()
        if agency.pk not in seen:
            seen.add(agency.pk)
            sources.append(SourceInput(source=agency))
    return sources


def _wire_rendition(*, item: ninjs.WireItem, base_dir: Path | None, root: Path | None = None):
    """The picture's rendition the desk would use and its file on disk (None when it is on the web)."""
    if item.picture is None:
        return None, None
    rendition = item.picture.best_rendition(is_local=lambda href: ninjs.local_path(href, base_dir, root) is not None)
    if rendition is None:
        return None, None
    return rendition, ninjs.local_path(rendition.href, base_dir, root)


def _wire_image(
    *, item: ninjs.WireItem, path: Path, by=None, dry_run: bool = False, stored: list[Image]
) -> Image | None:
    """The agency's photo through the photo desk's one validation path, its credit mapped to an agency."""
    picture = item.picture
    with path.open("rb") as handle:
        upload = File(handle, name=path.name)
        if dry_run:
            image_inspect(file=upload)
            return None
        credit = agency_for_credit(picture.credit) if picture.credit else None
        suggestion = credit_suggestion_for(text=picture.credit[:150]) if picture.credit and credit is None else None
        texts = {"caption": picture.caption[:500], "alt_text": picture.alt_text[:300]}
        arabic = item.language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        image = image_create(
            file=upload,
            caption=texts["caption"] if arabic else "",
            alt_text=texts["alt_text"] if arabic else "",
            translations=None if arabic else {item.language: texts},
            credit=credit,
            credit_suggestion=suggestion,
            photographer=picture.by[:150],
            copyright_notice=(picture.copyright_notice or item.copyright_notice)[:300],
            usage_terms=(picture.usage_terms or item.usage_terms)[:300],
            licence=Image.Licence.AGENCY,
            by=by,
        )
    stored.append(image)
    return image


def _wire_picture_notes(*, rendition, path: Path | None) -> list[str]:
    if rendition is None:
        return []
    if path is None and ninjs.is_web_address(rendition.href):
        return [
            _("The photo is on the web and was not downloaded (%(href)s): fetch it and set it as the lead image.")
            % {"href": rendition.href[:200]}
        ]
    if path is None or not path.is_file():
        return [
            _("The photo file %(path)s was not found: the story is flagged «photo missing».")
            % {"path": path or rendition.href[:200]}
        ]
    return []


def _wire_publish(*, article: Article, item: ninjs.WireItem) -> list[str]:
    """Publish an imported story at the agency's time, unless something must be done first."""
    blockers = []
    if article.is_translation_needed:
        blockers.append(_("its Arabic text is the agency's English, waiting for a translation"))
    if article.lead_image is not None:
        blockers += publication_problems(images_shown=[article.lead_image])
    if blockers:
        article.status = Article.Status.REVIEW
        return [_("Left in review, not published: %(reasons)s") % {"reasons": " ".join(blockers)}]
    published_at = item.firstcreated or item.versioncreated or timezone.now()
    if article.embargo_until is not None and published_at < article.embargo_until:
        published_at = article.embargo_until
    article.status = Article.Status.PUBLISHED
    article.published_at = published_at
    return []


def _wire_relations(*, article: Article, item: ninjs.WireItem, section_subject: str) -> None:
    article_set_tags(article=article, tags=_wire_tags(item=item, section_subject=section_subject))
    # A photo's byline is its photographer, without the agency («name/AGENCY»).
    by = item.picture.by if item.type == "picture" and item.picture is not None else item.by
    article_set_bylines(article=article, bylines=_wire_bylines(by=by))
    article_set_sources(article=article, sources=_wire_sources(item=item))


def _wire_create(
    *, item: ninjs.WireItem, base_dir, root, publish: bool, section: Section | None, by, stored: list[Image]
) -> WireImport:
    fields, needs_translation = ninjs.story_fields(item)
    chosen_section, section_subject = _wire_section(item=item, default=section)
    rendition, path = _wire_rendition(item=item, base_dir=base_dir, root=root)
    notes = _wire_picture_notes(rendition=rendition, path=path)
    image = _wire_image(item=item, path=path, by=by, stored=stored) if path and path.is_file() else None
    article = Article(
        section=chosen_section,
        lead_image=image,
        status=Article.Status.REVIEW,
        embargo_until=item.embargoed,
        wire_uri=item.uri,
        wire_version=item.version,
        wire_versioncreated=item.versioncreated,
        wire_image_href=rendition.href if rendition else "",
        is_translation_needed=needs_translation,
    )
    for name, value in fields.items():
        setattr(article, name, value)
    if publish:
        notes += _wire_publish(article=article, item=item)
    article_save(article=article, by=by)
    _wire_relations(article=article, item=item, section_subject=section_subject)
    return WireImport("imported", article, tuple(notes))


def _wire_update(
    *, article: Article, item: ninjs.WireItem, base_dir, root, publish: bool, by, stored: list[Image]
) -> WireImport:
    """A newer version from the agency: its text replaces the old, an editor's translation is kept."""
    notes: list[str] = []
    article.wire_version, article.wire_versioncreated = item.version, item.versioncreated
    if item.is_withdrawn:
        if article.status == Article.Status.PUBLISHED:
            article.status = Article.Status.UNPUBLISHED
        article_save(article=article, by=by)
        return WireImport("updated", article, (_("The agency has withdrawn this story: it is no longer public."),))
    fields, _needs_translation = ninjs.story_fields(item)
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    keep_translation = item.language != default and not article.is_translation_needed
    for name, value in fields.items():
        if keep_translation and name.endswith(f"_{default}"):
            continue
        setattr(article, name, value)
    if keep_translation:
        notes.append(_("The Arabic translation was kept: check it against the agency's new version."))
    article.embargo_until = item.embargoed
    rendition, path = _wire_rendition(item=item, base_dir=base_dir, root=root)
    if rendition is not None and rendition.href != article.wire_image_href:
        notes += _wire_picture_notes(rendition=rendition, path=path)
        image = _wire_image(item=item, path=path, by=by, stored=stored) if path and path.is_file() else None
        if image is not None and article.status == Article.Status.PUBLISHED and image.missing_for_publication():
            notes.append(_("The agency's new photo is in the library but not on the published story yet."))
        elif image is not None:
            article.lead_image = image
        article.wire_image_href = rendition.href
    if publish and article.status != Article.Status.PUBLISHED:
        notes += _wire_publish(article=article, item=item)
    article_save(article=article, by=by)
    _section, section_subject = _wire_section(item=item, default=article.section)
    _wire_relations(article=article, item=item, section_subject=section_subject)
    return WireImport("updated", article, tuple(notes))


@transaction.atomic
def article_import_ninjs(
    *,
    document: object,
    base_dir: Path | None = None,
    root: Path | None = None,
    publish: bool = False,
    section: Section | None = None,
    by=None,
    dry_run: bool = False,
) -> WireImport:
    """Import one ninjs document (agency copy) as a story, all of it or nothing.

    ``base_dir`` is the JSON file's folder, against which relative photo addresses resolve;
    no photo address may leave ``root`` (default ``base_dir``). Idempotent on the document's
    ``uri``: the same version changes nothing, a newer one updates the story (one revision),
    an older one is skipped. New stories wait in review;
    ``publish`` publishes them at the agency's ``firstcreated`` (else ``versioncreated``)
    unless they need translating or their photo lacks alt text. Raises ninjs.DocumentRefused,
    images.ImageRejected or ValidationError with the reason; the caller's other documents are
    unaffected (this runs in its own transaction or savepoint).
    """
    item = ninjs.parse_document(document)
    ninjs.story_fields(item)  # refuses languages we do not publish in before anything is written
    existing = Article.objects.filter(wire_uri=item.uri).first()
    if existing is not None:
        order = ninjs.compare_versions(
            existing.wire_version, existing.wire_versioncreated, item.version, item.versioncreated
        )
        if order == 0:
            return WireImport("unchanged", existing)
        if order < 0:
            return WireImport(
                "skipped", existing, (_("The agency sent an older version than the one the story holds."),)
            )
    elif item.is_withdrawn:
        return WireImport("skipped", None, (_("The agency has withdrawn this story: nothing was imported."),))
    if dry_run:
        if existing is None:
            _wire_section(item=item, default=section)
        rendition, path = _wire_rendition(item=item, base_dir=base_dir, root=root)
        if path is not None and path.is_file():
            _wire_image(item=item, path=path, dry_run=True, stored=[])
        notes = tuple(_wire_picture_notes(rendition=rendition, path=path))
        return WireImport("updated" if existing else "imported", existing, notes)
    stored: list[Image] = []
    try:
        with reversion.create_revision():
            reversion.set_comment(
                _("Agency copy %(uri)s, version %(version)s.")
                % {"uri": item.uri[:200], "version": item.version or (item.versioncreated or "—")}
            )
            if existing is None:
                result = _wire_create(
                    item=item, base_dir=base_dir, root=root, publish=publish, section=section, by=by, stored=stored
                )
            else:
                result = _wire_update(
                    article=existing, item=item, base_dir=base_dir, root=root, publish=publish, by=by, stored=stored
                )
    except Exception:
        # Clean-up only: the rows roll back with the transaction, the photo files must go too.
        for image in stored:
            _delete_files(image.file.storage, [image.file.name])
            _delete_files(storages["default"], _rendition_names(image))
        raise
    return result
