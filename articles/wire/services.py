"""The wire desk: agency copy in ninjs imported as stories, all of it or nothing (wire/ninjs.py reads it)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Agency,
    Article,
    Author,
    Byline,
    Image,
    Section,
    Tag,
)
from ..photos.services import (
    agency_for_credit,
    credit_suggestion_for,
    delete_files,
    image_create,
    image_inspect,
    rendition_names,
    texts_by_language,
    unique_agency_slug,
)
from ..search.arabic import normalize
from ..stories.services import (
    BylineInput,
    SourceInput,
    article_save,
    article_set_bylines,
    article_set_sources,
    article_set_tags,
    publication_problems,
)
from . import dialects, ninjs, queue
from .models import AgencyItem

# --- The wire desk: agency copy in ninjs (articles/wire/ninjs.py reads it) ----------------


@dataclass(frozen=True)
class WireImport:
    """What importing one ninjs document did: imported, updated, unchanged or skipped."""

    outcome: str  # imported, queued, updated, held, unchanged or skipped
    article: Article | None
    notes: tuple[str, ...] = ()
    unknown_fields: tuple[str, ...] = ()


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


def _wire_bylines(*, names: list[str]) -> list[BylineInput]:
    """One byline per person on the agency's byline; a name that is one of our authors links to their page."""
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
            agency = Agency(name_ar=name, name_en="" if is_arabic else name, slug=unique_agency_slug(name))
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
        # Each text in the field of its script: agencies send English captions with Arabic copy.
        alt_text = picture.alt_text if len(picture.alt_text) <= Image._meta.get_field("alt_text_ar").max_length else ""
        texts = texts_by_language(default=item.language, caption=picture.caption, alt_text=alt_text)
        image = image_create(
            file=upload,
            translations=texts,
            credit=credit,
            credit_suggestion=suggestion,
            credit_line=picture.credit[: Image._meta.get_field("credit_line").max_length],
            photographer=picture.by[: Image._meta.get_field("photographer").max_length],
            copyright_notice=(picture.copyright_notice or item.copyright_notice)[:300],
            usage_terms=picture.usage_terms or item.usage_terms,
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
    if item.type == "text" and not item.body_html:
        blockers.append(_("its text is on the agency's site and was not downloaded"))
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
    if item.type == "picture" and item.picture is not None:
        names = ninjs.byline_names(item.picture.by)
    else:
        names = list(item.bylines) or ninjs.byline_names(item.by)
    article_set_bylines(article=article, bylines=_wire_bylines(names=names))
    article_set_sources(article=article, sources=_wire_sources(item=item))


def wire_story_create(
    *,
    item: ninjs.WireItem,
    base_dir=None,
    root=None,
    publish: bool = False,
    section: Section | None = None,
    by=None,
    stored: list[Image] | None = None,
    translate: bool = False,
) -> tuple[Article, list[str]]:
    """A story in review (or published, with ``publish``) from an agency item, and notes for the editor.

    ``translate``: copy in a language the site does not publish goes into the Arabic columns (story_fields)."""
    stored = [] if stored is None else stored
    fields, needs_translation = ninjs.story_fields(item, translate=translate)
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
    return article, notes


def _wire_create(
    *, item: ninjs.WireItem, base_dir, root, publish: bool, section: Section | None, by, stored: list[Image]
) -> WireImport:
    article, notes = wire_story_create(
        item=item, base_dir=base_dir, root=root, publish=publish, section=section, by=by, stored=stored
    )
    return WireImport("imported", article, tuple(notes))


def wire_story_update(
    *,
    article: Article,
    item: ninjs.WireItem,
    base_dir=None,
    root=None,
    publish: bool = False,
    by=None,
    stored: list[Image] | None = None,
) -> WireImport:
    """A newer version from the agency: its text replaces the old, an editor's translation is kept."""
    notes: list[str] = []
    article.wire_version, article.wire_versioncreated = item.version, item.versioncreated
    if item.is_withdrawn:
        if article.status == Article.Status.PUBLISHED:
            article.status = Article.Status.UNPUBLISHED
        article_save(article=article, by=by)
        return WireImport("updated", article, (_("The agency has withdrawn this story: it is no longer public."),))
    stored = [] if stored is None else stored
    fields, _needs_translation = ninjs.story_fields(item, translate=True)
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


def _wire_body(*, item: ninjs.WireItem, base_dir: Path | None, root: Path | None):
    """The item with its text read from a local NITF or HTML rendition when the document has no body.

    Returns (item, the web address of a text never fetched, notes). A rendition's file must be
    inside the folder being imported (ninjs.local_path), as a photo's must.
    """
    if item.type != "text" or item.body_html or not item.body_renditions:
        return item, "", []
    web = ""
    for rendition in item.body_renditions:
        try:
            path = ninjs.local_path(rendition.href, base_dir, root)
        except ninjs.DocumentRefused as error:
            raise ninjs.DocumentRefused(
                _("The story's text address «%(href)s» points outside the folder being imported.")
                % {"href": rendition.href[:200]},
                code="body_path",
            ) from error
        if path is not None and path.is_file():
            body = ninjs.prepare_html(dialects.read_body_file(path))
            if body:
                return replace(item, body_html=body), "", []
        elif path is None and ninjs.is_web_address(rendition.href) and not web:
            web = rendition.href
    if web:
        note = _("The story's text is on the agency's site, not downloaded (%(href)s): an editor must fetch it.")
        return item, web, [note % {"href": web[:200]}]
    return item, "", [_("The story's text file was not found: an editor must fetch it.")]


def _held_version(entry: AgencyItem | None, story: Article | None):
    if entry is not None:
        return entry.version, entry.version_created_at
    if story is not None:
        return story.wire_version, story.wire_versioncreated
    return None


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
    dry_run_seen: dict | None = None,
) -> WireImport:
    """Import one agency document into the wire queue and, for Arabic and English copy, a story.

    ``base_dir`` is the JSON file's folder, against which relative photo and text addresses
    resolve; none may leave ``root`` (default ``base_dir``). Idempotent on the item's identity
    (dialects.identity): the same version changes nothing, an older one is skipped, a newer one
    updates the queue entry and its story, unless an editor has changed the story's text since:
    then the new version is held on the desk («held») for an editor to apply. Copy in other
    languages waits in the queue («queued») until an editor makes it a story to translate.
    New stories wait in review; ``publish`` publishes Arabic and English copy at the agency's
    ``firstcreated`` (else ``versioncreated``) unless something blocks it. Raises
    ninjs.DocumentRefused, images.ImageRejected or ValidationError with the reason; the
    caller's other documents are unaffected (this runs in its own transaction or savepoint).
    A dry run stores nothing; given ``dry_run_seen`` (a dict kept across one run's documents)
    it counts the run's own earlier documents as stored, so its outcomes are the real run's.
    """
    item = ninjs.parse_document(document)
    entry = AgencyItem.objects.select_related("article").filter(uri=item.uri).first()
    story = entry.article if entry is not None else Article.objects.filter(wire_uri=item.uri).first()
    held = _held_version(entry, story)
    is_seen = dry_run and dry_run_seen is not None and item.uri in dry_run_seen
    if is_seen:
        held = dry_run_seen[item.uri]
    if held is not None:
        order = ninjs.compare_versions(held[0], held[1], item.version, item.versioncreated)
        if order == 0:
            return WireImport("unchanged", story)
        if order < 0:
            return WireImport("skipped", story, (_("The agency sent an older version than the one the story holds."),))
    elif item.is_withdrawn:
        return WireImport("skipped", None, (_("The agency has withdrawn this story: nothing was imported."),))
    item, body_href, notes = _wire_body(item=item, base_dir=base_dir, root=root)
    to_story = item.language in ninjs.story_languages() and not item.is_advisory
    is_held = story is not None and not item.is_withdrawn and queue.is_story_edited(entry=entry, article=story)
    if is_held:
        outcome = "held"
        notes.append(
            _("Newer agency version: the story was changed on the desk, so it waits for an editor to apply it.")
        )
    elif story is not None or entry is not None or is_seen:
        outcome = "updated"
    else:
        outcome = "imported" if to_story else "queued"
    if outcome == "queued" and item.is_advisory:
        notes.append(_("A note to editors from the agency: it stays in the wire queue."))
    elif outcome == "queued":
        notes.append(
            _("Waiting in the wire queue for a translation (%(language)s).")
            % {"language": ninjs.language_name(item.language) or item.language}
        )
    if dry_run:
        if dry_run_seen is not None:
            dry_run_seen[item.uri] = (item.version, item.versioncreated)
        if outcome == "imported":
            _wire_section(item=item, default=section)
        if outcome in {"imported", "updated"}:
            rendition, path = _wire_rendition(item=item, base_dir=base_dir, root=root)
            if path is not None and path.is_file():
                _wire_image(item=item, path=path, dry_run=True, stored=[])
            notes += _wire_picture_notes(rendition=rendition, path=path)
        return WireImport(outcome, story, tuple(notes))
    stored: list[Image] = []
    try:
        with reversion.create_revision():
            reversion.set_comment(
                _("Agency copy %(uri)s, version %(version)s.")
                % {"uri": item.uri[:200], "version": item.version or (item.versioncreated or "—")}
            )
            wrote_story = outcome in {"imported", "updated"} and (story is not None or outcome == "imported")
            if outcome == "imported":
                story, created_notes = wire_story_create(
                    item=item, base_dir=base_dir, root=root, publish=publish, section=section, by=by, stored=stored
                )
                notes += created_notes
            elif outcome == "updated" and story is not None:
                result = wire_story_update(
                    article=story, item=item, base_dir=base_dir, root=root, publish=publish, by=by, stored=stored
                )
                notes += result.notes
            queue.agency_item_record(
                item=item,
                document=document,
                entry=entry,
                article=story,
                wrote_story=wrote_story,
                held=is_held,
                body_href=body_href,
            )
    except Exception:
        # Clean-up only: the rows roll back with the transaction, the photo files must go too.
        for image in stored:
            delete_files(image.file.storage, [image.file.name])
            delete_files(storages["default"], rendition_names(image))
        raise
    return WireImport(outcome, story, tuple(notes), unknown_fields=item.unknown_fields)


@transaction.atomic
def agency_item_make_story(*, entry: AgencyItem, by=None) -> Article:
    """An editor's «make a story»: the item becomes a story in review, linked to it.

    Copy in a language the site does not publish goes into the Arabic columns flagged
    «needs translation», so it cannot be published before a translator has done their work;
    the agency's original stays on the queue entry beside it.
    """
    entry = AgencyItem.objects.select_for_update().get(pk=entry.pk)
    if entry.article_id is not None:
        raise ValidationError(_("This agency item is already a story."), code="already_story")
    if entry.status == AgencyItem.Status.WITHDRAWN:
        raise ValidationError(_("The agency has withdrawn this item: it cannot become a story."), code="withdrawn")
    item = queue.entry_item(entry)
    article, _notes = wire_story_create(item=item, by=by, translate=True)
    queue.agency_item_record(
        item=item,
        document=entry.document,
        entry=entry,
        article=article,
        wrote_story=True,
        held=False,
        body_href=entry.body_href,
    )
    return article


@transaction.atomic
def agency_item_apply(*, entry: AgencyItem, by=None) -> Article:
    """An editor's «apply the newer version»: the agency's text replaces the story's."""
    entry = AgencyItem.objects.select_for_update(of=("self",)).select_related("article").get(pk=entry.pk)
    if entry.article is None or not entry.has_newer_version:
        raise ValidationError(_("There is no newer agency version to apply to a story."), code="nothing_to_apply")
    item = queue.entry_item(entry)
    result = wire_story_update(article=entry.article, item=item, by=by)
    queue.agency_item_record(
        item=item,
        document=entry.document,
        entry=entry,
        article=result.article,
        wrote_story=True,
        held=False,
        body_href=entry.body_href,
    )
    return result.article
