"""Writes of the photo desk: uploads checked and stored, renditions, credits and agencies' aliases."""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from ..changes.events import PhotoChange
from ..models import (
    RENDITION_RATIOS,
    RENDITION_WIDTHS,
    Agency,
    AgencyAlias,
    Article,
    CreditSuggestion,
    Image,
    image_upload_to,
)
from ..photos import images, metadata
from ..search.arabic import normalize
from ..stories import permissions
from ..stories.services import image_check_publishable
from ..stories.text import slugify


def image_articles_using(*, image: Image) -> list[Article]:
    """Every story that shows the photo, as lead image or placed in its body or gallery."""
    return list(Article.objects.filter(Q(lead_image=image) | Q(placements__image=image)).distinct().order_by("pk"))


def image_articles_visible(*, image: Image, user) -> tuple[list[Article], int]:
    """The stories showing the photo that ``user`` may open, and how many others show it.

    Another journalist's draft is theirs and the editors' (stories/permissions.py): a photo's
    page names it to no one else, but still says that the photo is in use.
    """
    # One query: each story using the photo, marked by the same rule as the story list.
    may_open = permissions.visible_articles(Article.objects.filter(pk=OuterRef("pk")), user=user)
    using = list(
        Article.objects.filter(Q(lead_image=image) | Q(placements__image=image))
        .distinct()
        .annotate(may_open=Exists(may_open))
        .order_by("pk")
    )
    visible = [article for article in using if article.may_open]
    return visible, len(using) - len(visible)


def image_check_write(*, image: Image, by=None) -> list[Article]:
    """Refuse a save of ``image`` as it is now (the caller's copy, not yet written):
    PermissionDenied if ``by`` may not change the stored photo (a photo shown in a story other than
    their own draft is the editors'), ValidationError if a published or scheduled story showing it
    would lose its credit or alt text. Returns the stories showing it. Call inside the write's
    transaction: the stored row is locked until it ends."""
    user = by if by is not None and by.is_authenticated else None
    previous = Image.objects.select_for_update().filter(pk=image.pk).first() if image.pk else None
    stories = image_articles_using(image=previous) if previous is not None else []
    permissions.check_image_write(user=user, previous=previous, stories=stories)
    image_check_publishable(image=image, stories=stories)
    return stories


def image_check_shown(*, image: Image) -> None:
    """The publish guard alone, for a form checking a photo before it is saved (ValidationError)."""
    if image.pk is not None:
        image_check_publishable(image=image, stories=image_articles_using(image=image))


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
    original, old_renditions = image.file.name, rendition_names(image)
    storage = image.file.storage
    with PhotoChange(ids=[image.pk]):
        image.delete()
    transaction.on_commit(lambda: delete_files(storage, [original] if original else []))
    transaction.on_commit(lambda: delete_files(storages["default"], old_renditions))


# --- The photo desk: uploads, credits, renditions ----------------------------------


def delete_files(storage, names) -> None:
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
            name=name,
        )
    return data, name


# What may stand around an agency's name in a credit line: «© AFP», «Photo: Reuters», «تصوير: واس».
_CREDIT_PREFIX = re.compile(r"^\s*(?:©|\(c\)|copyright|photos?\s*:|photo by|صورة\s*:|تصوير\s*:?|المصدر\s*:)\s*", re.I)
# Where a credit line names several parties: «AFP/Getty Images», «Reuters via Alamy», «واس - الرياض»,
# «Getty Images for Qatar Airways», «وكالة الأنباء السعودية (واس)», and a label before a colon
# («الصورة: رويترز», «Foto: dpa», «عدسة: رويترز»).
_CREDIT_PARTS = re.compile(r"\s*(?:/|\\|\||;|:|،|,|\(|\)|\[|\]|\s-\s|\s–\s|\svia\s|\sfor\s|\sعبر\s|\sلصالح\s)\s*", re.I)
# A year beside the agency's name: «© AFP 2024».
_CREDIT_YEAR = re.compile(r"(?:^|\s)(?:19|20)\d\d(?=\s|$)")


def credit_line_parts(text: str) -> list[str]:
    """The parties a credit line names, in its order, without «©» or «Photo:»."""
    parts = []
    for part in _CREDIT_PARTS.split(text or ""):
        part = _CREDIT_YEAR.sub(" ", _CREDIT_PREFIX.sub("", part)).strip(" .:()[]")
        if part:
            parts.append(part)
    return parts


def agency_for_credit(text: str) -> Agency | None:
    """The agency a credit line names, through its names in both languages and its aliases.

    The whole line first («Getty Images»), then each party it names in its order: «AFP/Getty
    Images» is AFP's photo distributed by Getty, «Mohamed Salem/REUTERS» is Reuters'.
    """
    candidates = [text, *credit_line_parts(text)]
    keys = list(dict.fromkeys(key for candidate in candidates if (key := normalize(candidate))))
    if not keys:
        return None
    aliases = {alias.key: alias.agency for alias in AgencyAlias.objects.select_related("agency").filter(key__in=keys)}
    by_name: dict[str, Agency] = {}
    for agency in Agency.objects.only("pk", "name_ar", "name_en", "slug"):
        for name in (agency.name_ar, agency.name_en, agency.slug):
            if name:
                by_name.setdefault(normalize(name), agency)
    for key in keys:
        agency = aliases.get(key) or by_name.get(key)
        if agency is not None:
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
        agency = Agency(name_ar=suggestion.text, name_en=suggestion.text, slug=unique_agency_slug(suggestion.text))
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


def unique_agency_slug(text: str) -> str:
    base = slugify(text)[:140] or "agency"
    candidate, n = base, 2
    while Agency.objects.filter(slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def texts_by_language(*, default: str = "", **texts: str) -> dict[str, dict[str, str]]:
    """Each text under the language its script says (Arabic script → «ar», Latin → «en»).

    A text in neither script (digits, symbols) goes to ``default``, else to the site's language.
    """
    fallback = default or settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    routed: dict[str, dict[str, str]] = {}
    for name, text in texts.items():
        text = (text or "").strip()
        if text:
            routed.setdefault(metadata.text_language(text) or fallback, {})[name] = text
    return routed


def _fill(image: Image, field: str, value) -> None:
    if value and not getattr(image, field):
        setattr(image, field, value)


def _apply_metadata(image: Image, found: images.PhotoMetadata) -> None:
    """Pre-fill what the file says; never overwrite what an editor typed.

    Captions and alt text go to the field of their language: an English caption is the
    English caption, never the Arabic one. An XMP language alternative names its own.
    """
    languages = set(dict(settings.LANGUAGES))
    routed = texts_by_language(caption=found.caption, alt_text=found.alt_text)
    for field, language, text in found.languages:
        if field in ("caption", "alt_text") and language in languages:
            routed.setdefault(language, {}).setdefault(field, text)
    alt_max = Image._meta.get_field("alt_text_ar").max_length
    for language, values in routed.items():
        if language in languages:
            for field, text in values.items():
                # Alt text is short by nature: a longer one in a file is left for the editor to write.
                if field != "alt_text" or len(text) <= alt_max:
                    _fill(image, f"{field}_{language}", text)
    _fill(image, "photographer", found.creator[: Image._meta.get_field("photographer").max_length])
    _fill(image, "copyright_notice", found.copyright_notice[: Image._meta.get_field("copyright_notice").max_length])
    _fill(image, "usage_terms", found.usage_terms)
    _fill(image, "headline", found.headline[: Image._meta.get_field("headline").max_length])
    _fill(image, "keywords", metadata.join_names(found.keywords))
    _fill(image, "photographed_on", found.date_created)
    _fill(image, "location", found.location[: Image._meta.get_field("location").max_length])
    credit_line = found.credit or found.source
    _fill(image, "credit_line", credit_line[: Image._meta.get_field("credit_line").max_length])
    if image.credit_id is None and image.credit_suggestion_id is None:
        credit_for(image, source=found.source)


def credit_for(image: Image, *, source: str = "") -> None:
    """Credit the photo to the agency its credit line (else its source) names, or file the line as a suggestion."""
    credit_line = image.credit_line
    if not credit_line:
        return
    agency = agency_for_credit(credit_line)
    if agency is None and source and source != credit_line:
        agency = agency_for_credit(source)
    if agency is not None:
        image.credit = agency
    else:
        image.credit_suggestion = credit_suggestion_for(text=credit_line[:150])


def _rendition_key(image: Image) -> str:
    token = f"{image.file.name}|{image.focal_x:.3f}|{image.focal_y:.3f}"
    return hashlib.sha256(token.encode()).hexdigest()[:12]


def rendition_names(image: Image) -> list[str]:
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


def content_fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def image_with_content(*, data: bytes) -> Image | None:
    """The photo in the library whose original is exactly these bytes, if any (the oldest)."""
    return Image.objects.filter(content_sha256=content_fingerprint(data)).order_by("pk").first()


def image_inspect(*, file) -> tuple[bytes, images.InspectedImage]:
    """Read and check an upload; raises images.ImageRejected with a message for the user."""
    data, name = _read_upload(file)
    return data, images.inspect_upload(data, name=name)


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
    old_renditions = rendition_names(image)
    _apply_metadata(image, inspected.metadata)
    # Who may replace the file, and the credit and alt text a story showing it needs.
    image_check_write(image=image, by=by)
    image.format, image.width, image.height = inspected.format, inspected.width, inspected.height
    image.content_sha256 = content_fingerprint(data)
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
        delete_files(image.file.storage, [stored])
        delete_files(storages["default"], rendition_names(image))
        raise
    if old_original and old_original != stored:
        transaction.on_commit(lambda: delete_files(image.file.storage, [old_original]))
        transaction.on_commit(lambda: delete_files(storages["default"], old_renditions))
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
    sidecar: bytes = b"",
    **fields,
) -> Image:
    """Check and store a photo from code (demo content, bulk ingest, wire import).

    ``sidecar`` is the XMP file written beside the photo, if any: its values win over the file's."""
    data, inspected = image_inspect(file=file)
    if sidecar:
        inspected = images.with_sidecar(inspected, sidecar, name=getattr(file, "name", ""))
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
def image_update(*, image: Image, by=None) -> Image:
    """Save edits to a photo's details; a moved focal point gets new crops under new names.

    ``by`` must be allowed to change the photo (``image_check_write``); None is the system."""
    image_check_write(image=image, by=by)
    old_key = image.rendition_key
    old_renditions = rendition_names(image)
    image.rendition_key = _rendition_key(image)
    image.full_clean()
    moved = image.rendition_key != old_key
    with PhotoChange(images=[image], replaced=moved):
        image.save()
        if moved:
            image_generate_renditions(image=image)
    if moved:
        # Registered after the announcement's own on-commit work (pages rebuilt, CDN purged), so
        # it runs after it: no page is left pointing at a deleted crop.
        transaction.on_commit(lambda: delete_files(storages["default"], old_renditions))
    return image


@transaction.atomic
def image_set_credit(*, images_qs, agency: Agency, by=None) -> int:
    """Credit the photos to ``agency`` (editors only; ``by`` None is the system)."""
    user = by if by is not None and by.is_authenticated else None
    if user is not None and not permissions.is_editor(user):
        raise PermissionDenied(_("Only editors can change a photo's credit."))
    ids = list(images_qs.values_list("pk", flat=True))
    with PhotoChange(ids=ids):
        return Image.objects.filter(pk__in=ids).update(credit=agency, credit_suggestion=None)
