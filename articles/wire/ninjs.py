"""IPTC ninjs (News in JSON): reading agency copy in, writing our stories out.

Reading turns a ninjs 1.x, 2.x or 3.x document into one neutral ``WireItem``:

1. ``read_documents`` reads a file holding one document or a list of them.
2. ``parse_document`` refuses what the wire desk does not take (events, planning, audio,
   video, graphics), validates the document offline against the IPTC schema of its
   generation (``ninjs_schemas/``; the GeoJSON schema the 2.x/3.x schemas reference by URL
   is a local stand-in, and no other reference is ever fetched), then reads it. ninjs 1.x
   (``headline``, ``body_*``, objects keyed by name) and 3.x (camelCase) are first rewritten
   into the 2.x shape, so the reading itself exists once.
3. ``story_fields`` maps the item onto the story's columns for its language.

The database writes are ``services.article_import_ninjs``. Writing is ``article_document``:
a published story as a ninjs 2.1 document (tested against ``ninjs-schema_2.1.json``).

Every reason a document is refused is a translatable sentence: editors read them too."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from . import dialects
from .text import byline_names, html_to_text, prepare_html, text_to_html, truncate, with_dateline
from .validation import HTML_TYPES, DocumentRefused, _v2_shape, generation, unknown_fields, validate

# The generic types the desk takes; "composite" is a text with its pictures.
TEXT_TYPES = frozenset({"text", "composite"})
PICTURE_TYPES = frozenset({"picture"})
IMAGE_TYPES = frozenset({"image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/webp", "image/avif"})
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".avif"})

DEK_ROLES = ("summary", "lead", "abstract", "teaser", "standfirst", "text", "description", "")
CAPTION_ROLES = ("caption", "text", "description", "summary", "")
CREDIT_ROLES = ("creditline", "credit")
ALT_TEXT_ROLES = ("alttext", "alt-text", "alt")


@dataclass(frozen=True)
class Rendition:
    name: str
    href: str
    content_type: str = ""
    width: int = 0
    height: int = 0

    @property
    def is_still(self) -> bool:
        if not self.href:
            return False
        if self.content_type:
            return self.content_type in IMAGE_TYPES
        return PurePosixPath(urlsplit(self.href).path).suffix.lower() in IMAGE_SUFFIXES


@dataclass(frozen=True)
class Picture:
    uri: str
    caption: str = ""
    alt_text: str = ""
    by: str = ""
    credit: str = ""
    copyright_notice: str = ""
    usage_terms: str = ""
    renditions: tuple[Rendition, ...] = ()

    def best_rendition(self, *, is_local: Callable[[str], bool]) -> Rendition | None:
        """The largest still image, preferring one the desk can read from disk."""
        stills = [r for r in self.renditions if r.is_still]
        if not stills:
            return None
        return max(stills, key=lambda r: (is_local(r.href), r.width * r.height))


@dataclass(frozen=True)
class Source:
    name: str
    uri: str = ""


@dataclass(frozen=True)
class WireItem:
    """One agency document, whatever its ninjs generation, in the terms the newsroom uses."""

    uri: str
    generation: str
    type: str  # "text" or "picture"
    headline: str
    version: str = ""
    versioncreated: datetime | None = None
    firstcreated: datetime | None = None
    embargoed: datetime | None = None
    pubstatus: str = "usable"
    language: str = ""  # primary language subtag, lower case
    is_language_inferred: bool = False
    dek: str = ""
    body_html: str = ""
    by: str = ""
    subjects: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    infosources: tuple[Source, ...] = ()
    copyright_holder: str = ""
    copyright_notice: str = ""
    usage_terms: str = ""
    picture: Picture | None = None
    provider: str = ""
    kind: str = ""  # the type the agency wrote («advisory»…)
    bylines: tuple[str, ...] = ()  # one entry per person, affiliation included
    dateline: str = ""
    ednote: str = ""
    slugline: str = ""
    urgency: int | None = None
    priority: int | None = None
    unknown_fields: tuple[str, ...] = ()
    body_renditions: tuple[Rendition, ...] = ()

    @property
    def is_advisory(self) -> bool:
        """A note to editors (coverage plans, corrections to come): it stays in the wire queue."""
        return self.kind.lower() == "advisory"

    @property
    def is_withdrawn(self) -> bool:
        return self.pubstatus in {"withheld", "canceled"}


# --- Parsing --------------------------------------------------------------------------


def _item_type(document: dict) -> str:
    declared = document.get("type")
    if isinstance(declared, str) and declared:
        return declared.lower()
    keys = {key.lower() for key in document}
    if keys & {"eventdetails", "plannedcoverage"}:
        return "event"
    return "text"


_REFUSED_TYPES = {
    "event": lambda: _("This is an event (a planned happening), not a story: the wire desk imports text and pictures."),
    "planning": lambda: _("This is a planning item, not a story: the wire desk imports text and pictures."),
    "audio": lambda: _("This is an audio item: the wire desk imports text and pictures only."),
    "video": lambda: _("This is a video item: the wire desk imports text and pictures only."),
    "graphic": lambda: _("This is a graphic: the wire desk imports text and pictures only."),
    "component": lambda: _("This is a part of another item, not a story: the wire desk imports text and pictures."),
}


def parse_document(document: object) -> WireItem:
    """Check one agency document and read it; raises DocumentRefused with the reason.

    Tolerant where agencies differ (vendor fields are kept and listed, spellings of every
    dialect are read: see dialects.py), strict where a story depends on it: an identity, a
    headline, a body (for text) and the schema's types for the fields the desk uses.
    """
    if not isinstance(document, dict):
        raise DocumentRefused(_("A ninjs document is a JSON object; this is not one."), code="not_an_object")
    uri = dialects.identity(document)
    if not uri:
        raise DocumentRefused(_("The document has no identity: no uri, no guid and no altids.itemid."), code="no_uri")
    provider = dialects.provider(document)
    declared_type = str(document.get("type") or "")
    document = dialects.normalise(document)
    item_type = _item_type(document)
    if item_type not in TEXT_TYPES | PICTURE_TYPES:
        message = _REFUSED_TYPES.get(item_type)
        raise DocumentRefused(
            message()
            if message
            else _("Unknown item type «%(type)s»: the wire desk imports text and pictures.") % {"type": item_type},
            code="item_type",
        )
    generation_ = validate(document, generation(document))
    unknown = unknown_fields(document, generation_, read=dialects.READ_VENDOR_FIELDS)
    shaped = _v2_shape(document, generation_)
    headline = _headline(shaped)
    if not headline:
        raise DocumentRefused(_("The document has no headline."), code="no_headline")
    is_picture = item_type in PICTURE_TYPES
    body = _body(shaped)
    body_renditions = () if is_picture else _text_renditions(shaped)
    has_description = any(isinstance(d, dict) and _text(d.get("value")) for d in shaped.get("descriptions") or ())
    if not is_picture and not body and not body_renditions and not has_description:
        raise DocumentRefused(_("The document has no body: a story needs its text."), code="no_body")
    language, inferred = _language(shaped.get("language"), headline)
    writers, photographers = dialects.authors(document)
    by = _text(shaped.get("by")) or _text(_first_by(document))
    # Each entry of authors[] is one person, whatever commas its name holds.
    bylines = tuple(writers) if writers else tuple(byline_names(by))
    picture = _picture(shaped) if is_picture else _associated_picture(shaped)
    if is_picture and picture is not None and photographers and not picture.by:
        picture = replace(picture, by=photographers[0])
    return WireItem(
        uri=uri,
        generation=generation_,
        type="picture" if is_picture else "text",
        headline=headline,
        version=dialects.version_text(shaped.get("version")),
        versioncreated=_datetime(shaped.get("versioncreated")),
        firstcreated=_datetime(shaped.get("firstcreated")),
        embargoed=_datetime(shaped.get("embargoed") or shaped.get("embargoeduntil")),
        pubstatus=str(shaped.get("pubstatus") or "usable").lower(),
        language=language,
        is_language_inferred=inferred,
        dek="" if is_picture else _description(shaped, DEK_ROLES),
        body_html=body,
        by=by if not writers else ", ".join(bylines),
        subjects=_names(shaped.get("subjects")),
        keywords=tuple(_text(k) for k in shaped.get("keywords") or () if isinstance(k, str) and _text(k)),
        infosources=tuple(
            Source(name=_text(s.get("name")), uri=_text(s.get("uri")))
            for s in shaped.get("infosources") or ()
            if isinstance(s, dict) and _text(s.get("name"))
        )
        or ((Source(name=provider),) if provider and isinstance(document.get("source"), str) else ()),
        copyright_holder=_text(shaped.get("copyrightholder")),
        copyright_notice=_text(shaped.get("copyrightnotice")),
        usage_terms=_text(shaped.get("usageterms")),
        picture=picture,
        provider=provider,
        kind=declared_type or item_type,
        bylines=bylines,
        dateline=dialects.dateline(shaped.get("located")) or dialects.dateline(shaped.get("places")),
        ednote=_text(shaped.get("ednote")),
        slugline=_text(shaped.get("slugline")),
        urgency=_small_int(shaped.get("urgency")),
        priority=_small_int(document.get("priority")),
        unknown_fields=unknown,
        body_renditions=body_renditions,
    )


def _first_by(document: dict) -> str:
    return document.get("byline") if isinstance(document.get("byline"), str) else ""


def _small_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return int(value) if isinstance(value, int | float) and 0 <= value <= 99 else None


def _text_renditions(shaped: dict) -> tuple[Rendition, ...]:
    found = []
    for rendition in shaped.get("renditions") or ():
        if not isinstance(rendition, dict) or not isinstance(rendition.get("href"), str):
            continue
        name = _text(rendition.get("name"))
        content_type = str(rendition.get("contenttype") or rendition.get("mimetype") or "").lower()
        if dialects.is_text_rendition(name, content_type, rendition["href"]):
            found.append(Rendition(name=name, href=rendition["href"].strip(), content_type=content_type))
    return tuple(found)


def _text(value) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _names(values) -> tuple[str, ...]:
    return tuple(_text(v.get("name")) for v in values or () if isinstance(v, dict) and _text(v.get("name")))


def _headline(shaped: dict) -> str:
    headlines = [h for h in shaped.get("headlines") or () if isinstance(h, dict) and _text(h.get("value"))]
    main = [h for h in headlines if str(h.get("role", "")).lower() == "main"]
    chosen = (main or headlines)[:1]
    if not chosen:
        return ""
    value = chosen[0]["value"]
    return _text(html_to_text(value) if str(chosen[0].get("contenttype", "")).lower() in HTML_TYPES else value)


def _description(shaped: dict, roles: tuple[str, ...]) -> str:
    descriptions = [d for d in shaped.get("descriptions") or () if isinstance(d, dict) and _text(d.get("value"))]
    for role in roles:
        for description in descriptions:
            if str(description.get("role", "")).lower() == role:
                value = description["value"]
                if str(description.get("contenttype", "")).lower() in HTML_TYPES:
                    value = html_to_text(value)
                return _text(value)
    return ""


def _body(shaped: dict) -> str:
    bodies = [b for b in shaped.get("bodies") or () if isinstance(b, dict) and isinstance(b.get("value"), str)]
    for body in bodies:
        if str(body.get("contenttype", "")).lower() in HTML_TYPES:
            return prepare_html(body["value"])
    for body in bodies:
        if str(body.get("contenttype", "")).lower() in {"", "text/plain"}:
            return text_to_html(body["value"])
    return ""


def _datetime(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")


def _language(tag, headline: str) -> tuple[str, bool]:
    """The primary subtag of the document's BCP 47 language; without one, guessed from the headline's script."""
    if isinstance(tag, str) and tag.strip():
        return re.split(r"[-_]", tag.strip())[0].lower(), False
    return ("ar" if _ARABIC_LETTER.search(headline) else "en"), True


def _picture(shaped: dict) -> Picture:
    by = _text(shaped.get("by"))
    credit = _description(shaped, CREDIT_ROLES)
    if not credit:
        sources = _names(shaped.get("infosources"))
        credit = sources[0] if sources else _text(shaped.get("copyrightholder"))
    if not credit and "/" in by:
        # «Karl Melander/TT»: the agency's convention of photographer/agency.
        by, credit = (part.strip() for part in by.rsplit("/", 1))
    renditions = []
    for rendition in shaped.get("renditions") or ():
        if not isinstance(rendition, dict) or not isinstance(rendition.get("href"), str):
            continue
        renditions.append(
            Rendition(
                name=_text(rendition.get("name")),
                href=rendition["href"].strip(),
                content_type=str(rendition.get("contenttype") or "").lower(),
                width=_int(rendition.get("width")),
                height=_int(rendition.get("height")),
            )
        )
    return Picture(
        uri=_text(shaped.get("uri")),
        caption=_description(shaped, CAPTION_ROLES),
        alt_text=_description(shaped, ALT_TEXT_ROLES),
        by=by,
        credit=credit,
        copyright_notice=_text(shaped.get("copyrightnotice")),
        usage_terms=_text(shaped.get("usageterms")),
        renditions=tuple(renditions),
    )


def _associated_picture(shaped: dict) -> Picture | None:
    """The first associated picture: the story's lead image."""
    for association in shaped.get("associations") or ():
        if isinstance(association, dict) and str(association.get("type", "")).lower() in PICTURE_TYPES:
            return _picture(association)
    return None


def _int(value) -> int:
    return int(value) if isinstance(value, int | float) and value > 0 else 0


def is_web_address(href: str) -> bool:
    return urlsplit(href).scheme.lower() in {"http", "https"}


def local_path(href: str, base_dir: Path | None, root: Path | None = None) -> Path | None:
    """The file a rendition's href names on this machine, or None for anything on the web.

    A relative href is resolved against ``base_dir`` (the JSON file's folder); ``file://``
    addresses are read as they are. Either must stay inside ``root`` (the folder the import
    was pointed at; ``base_dir`` when not given), so a document cannot make the desk read
    files elsewhere on the machine. http(s) is never fetched.
    """
    parts = urlsplit(href)
    root = root or base_dir
    if parts.scheme == "file":
        if parts.netloc not in {"", "localhost"}:
            return None
        path = Path(unquote(parts.path)).resolve()
    elif parts.scheme or parts.netloc or base_dir is None or not parts.path:
        return None
    else:
        path = (base_dir / unquote(parts.path)).resolve()
    if root is not None and not path.is_relative_to(root.resolve()):
        raise DocumentRefused(
            _("The photo's address «%(href)s» points outside the folder being imported.") % {"href": href[:200]},
            code="image_path",
        )
    return path


# --- Mapping onto the story --------------------------------------------------------------


def story_languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def language_name(code: str) -> str:
    try:
        return translation.get_language_info(code)["name_translated"]
    except KeyError:
        return ""


def story_column_language(item: WireItem) -> str:
    """The language whose columns hold the agency's own text: its own, else (to translate) Arabic's."""
    return item.language if item.language in story_languages() else settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def story_fields(item: WireItem, *, translate: bool = False) -> tuple[dict[str, str], bool]:
    """The story's text columns for the item's language, and whether the Arabic still needs translating.

    Arabic copy fills the Arabic columns. English copy fills the English columns and, because
    every story needs an Arabic headline, the Arabic ones too, flagged for translation (such a
    story cannot be published until an editor translates it). Copy in other languages waits in
    the wire queue; ``translate`` (an editor's «make a story» action) puts it in the Arabic
    columns, flagged for translation, so it never reaches readers untranslated.
    """
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    if item.language not in story_languages() and not translate:
        name = language_name(item.language)
        message = (
            _("The story is in %(language)s (%(code)s): it waits in the wire queue for a translation.")
            if name
            else _("The story is in the language «%(code)s»: it waits in the wire queue for a translation.")
        )
        raise DocumentRefused(message % {"language": name, "code": item.language}, code="language")
    values = {
        "headline": truncate(item.headline, 250),
        "dek": truncate(item.dek, 600),
        "body": with_dateline(item.body_html, item.dateline),
    }
    if item.type == "picture" and item.picture is not None:
        # A photo on its own becomes a photo story: its caption is the text an editor rewrites.
        values["body"] = text_to_html(item.picture.caption)
    column = story_column_language(item)
    fields = {f"{name}_{column}": value for name, value in values.items()}
    needs_translation = item.language != default
    if needs_translation and column != default:
        fields.update({f"{name}_{default}": value for name, value in values.items()})
    return fields, needs_translation


def compare_versions(held_version: str, held_at: datetime | None, new_version: str, new_at: datetime | None) -> int:
    """-1, 0 or 1: is the new document older than, the same as, or newer than the one we hold?

    Numeric versions decide when both have one and they differ; then ``versioncreated``.
    Two different non-numeric versions without times count as newer: the agency sent another.
    """
    if held_version.isdigit() and new_version.isdigit() and int(held_version) != int(new_version):
        return 1 if int(new_version) > int(held_version) else -1
    if held_at is not None and new_at is not None and held_at != new_at:
        return 1 if new_at > held_at else -1
    if held_version != new_version and not (held_version.isdigit() and new_version.isdigit()):
        return 1
    return 0
