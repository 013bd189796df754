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

Every reason a document is refused is a translatable sentence: editors read them too.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _
from jsonschema import Draft7Validator, Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from .sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

SCHEMA_DIR = Path(__file__).resolve().parent / "ninjs_schemas"
GEOJSON_URI = "https://geojson.org/schema/GeoJSON.json"
EXPORT_SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"
# A wire file larger than this is refused before it is parsed.
MAX_FILE_BYTES = 20 * 1024 * 1024

# The generic types the desk takes; "composite" is a text with its pictures.
TEXT_TYPES = frozenset({"text", "composite"})
PICTURE_TYPES = frozenset({"picture"})
# Read although no IPTC schema lists them (Superdesk and others add them); left out of validation.
TOLERATED_EXTENSIONS = ("keywords",)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/html5", "application/xhtml"})
IMAGE_TYPES = frozenset({"image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/webp", "image/avif"})
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".avif"})

DEK_ROLES = ("summary", "lead", "abstract", "teaser", "standfirst", "text", "description", "")
CAPTION_ROLES = ("caption", "text", "description", "summary", "")
CREDIT_ROLES = ("creditline", "credit")
ALT_TEXT_ROLES = ("alttext", "alt-text", "alt")


class DocumentRefused(ValidationError):
    """A ninjs document the wire desk will not import; the message says why in the user's language."""


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

    @property
    def is_withdrawn(self) -> bool:
        return self.pubstatus in {"withheld", "canceled"}


# --- Reading files ----------------------------------------------------------------


def read_documents(path: Path) -> Iterator[tuple[str, object]]:
    """Yield (label, document) for each document in a file holding one document or a list.

    Raises DocumentRefused for a file that cannot be read as JSON at all.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DocumentRefused(
                _("The file is too large: more than %(limit)d MB.") % {"limit": MAX_FILE_BYTES // 1024 // 1024},
                code="file_size",
            )
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentRefused(_("The file is not UTF-8 text."), code="encoding") from error
    except OSError as error:
        raise DocumentRefused(
            _("The file cannot be read: %(reason)s") % {"reason": error.strerror or error}, code="unreadable"
        ) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DocumentRefused(
            _("Invalid JSON at line %(line)d, column %(column)d: %(reason)s")
            % {"line": error.lineno, "column": error.colno, "reason": error.msg},
            code="invalid_json",
        ) from error
    if isinstance(data, list):
        for index, document in enumerate(data):
            yield f"{path}[{index}]", document
    else:
        yield str(path), data


# --- Validation -----------------------------------------------------------------------


def _refuse_retrieval(uri: str):
    # Only the schemas registered below exist; nothing is ever fetched from the network.
    raise NoSuchResource(ref=uri)


@cache
def _registry() -> Registry:
    geojson = json.loads((SCHEMA_DIR / "GeoJSON.json").read_text(encoding="utf-8"))
    return Registry(retrieve=_refuse_retrieval).with_resource(
        GEOJSON_URI, Resource.from_contents(geojson, default_specification=DRAFT202012)
    )


@cache
def schema(version: str) -> dict:
    return json.loads((SCHEMA_DIR / f"ninjs-schema_{version}.json").read_text(encoding="utf-8"))


@cache
def validator(version: str):
    validator_class = Draft7Validator if version.startswith("1.") else Draft202012Validator
    return validator_class(schema(version), registry=_registry())


SCHEMA_FOR_GENERATION = {"1": "1.6", "2": "2.2", "3": "3.1"}


def schema_errors(document: dict, version: str) -> list:
    return list(validator(version).iter_errors(document))


def validate(document: dict, generation: str) -> None:
    version = SCHEMA_FOR_GENERATION[generation]
    checked = {key: value for key, value in document.items() if key not in TOLERATED_EXTENSIONS}
    error = best_match(validator(version).iter_errors(checked))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(document)"
        raise DocumentRefused(
            _("Not a valid ninjs %(version)s document: %(where)s: %(reason)s")
            % {"version": version, "where": where, "reason": error.message[:300]},
            code="schema",
        )


# --- Generations ----------------------------------------------------------------------

_V3_ONLY_KEYS = frozenset(
    {
        "versionCreated",
        "firstCreated",
        "contentCreated",
        "embargoedUntil",
        "pubStatus",
        "copyrightHolder",
        "copyrightNotice",
        "usageTerms",
        "edNote",
        "infoSources",
        "altIds",
        "trustIndicators",
        "rightsInfo",
        "representationType",
        "eventDetails",
        "plannedCoverage",
        "digitalSourceType",
    }
)
_V1_ONLY_KEYS = frozenset(
    {"headline", "byline", "subject", "person", "place", "organisation", "object", "event", "infosource", "genre"}
)


def generation(document: dict) -> str:
    """ "1", "2" or "3": which IPTC schema the document follows, from its own shape."""
    declared = document.get("standard") or document.get("$standard") or {}
    declared_version = str(declared.get("version", "")) if isinstance(declared, dict) else ""
    if document.keys() & _V3_ONLY_KEYS or declared_version.startswith("3"):
        return "3"
    if (
        document.keys() & _V1_ONLY_KEYS
        or any(key.startswith(("body_", "description_", "headline_")) for key in document)
        or isinstance(document.get("associations"), dict)
        or isinstance(document.get("renditions"), dict)
        or declared_version.startswith("1")
    ):
        return "1"
    return "2"


def _lower_keys(value):
    """ninjs 3.x is 2.x with camelCase names: lower-casing every key gives the 2.x names."""
    if isinstance(value, dict):
        return {str(key).lower(): _lower_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_lower_keys(item) for item in value]
    return value


_V1_RENAMES = {
    "byline": "by",
    "subject": "subjects",
    "person": "people",
    "place": "places",
    "organisation": "organisations",
    "object": "objects",
    "event": "events",
    "infosource": "infosources",
    "genre": "genres",
    "trustindicator": "trustindicators",
    "$standard": "standard",
}


def _content_type_of(suffix: str) -> str:
    if suffix in {"html", "xhtml"}:
        return "text/html"
    if suffix == "text":
        return "text/plain"
    return f"application/x-ninjs-{suffix}"


def _from_v1(document: dict) -> dict:
    """A ninjs 1.x document in the 2.x shape: arrays instead of objects keyed by name."""
    out: dict = {}
    bodies, descriptions = [], []
    for key, value in document.items():
        if key == "headline":
            out["headlines"] = [{"role": "main", "value": value}]
        elif key.startswith("body_"):
            bodies.append({"role": key[5:], "contenttype": _content_type_of(key[5:]), "value": value})
        elif key.startswith("description_"):
            suffix = key[12:]
            descriptions.append({"role": "", "contenttype": _content_type_of(suffix), "value": value})
        elif key == "associations" and isinstance(value, dict):
            out["associations"] = [{**_from_v1(item), "name": name} for name, item in value.items()]
        elif key == "renditions" and isinstance(value, dict):
            out["renditions"] = [
                {
                    **{k: v for k, v in item.items() if k != "mimetype"},
                    "name": name,
                    "contenttype": item.get("mimetype", ""),
                }
                for name, item in value.items()
            ]
        else:
            out[_V1_RENAMES.get(key, key)] = value
    # Markup first: the desk keeps paragraphs and links when the agency sends them.
    bodies.sort(key=lambda body: body["contenttype"] not in HTML_TYPES)
    if bodies:
        out["bodies"] = bodies
    if descriptions:
        descriptions.sort(key=lambda description: description["contenttype"] != "text/plain")
        out["descriptions"] = descriptions
    return out


def _v2_shape(document: dict, generation_: str) -> dict:
    if generation_ == "1":
        return _from_v1(document)
    return _lower_keys(document)


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
    """Check one ninjs document and read it; raises DocumentRefused with the reason."""
    if not isinstance(document, dict):
        raise DocumentRefused(_("A ninjs document is a JSON object; this is not one."), code="not_an_object")
    uri = document.get("uri")
    if not isinstance(uri, str) or not uri.strip():
        raise DocumentRefused(_("The document has no uri, which identifies it."), code="no_uri")
    item_type = _item_type(document)
    if item_type not in TEXT_TYPES | PICTURE_TYPES:
        message = _REFUSED_TYPES.get(item_type)
        raise DocumentRefused(
            message()
            if message
            else _("Unknown item type «%(type)s»: the wire desk imports text and pictures.") % {"type": item_type},
            code="item_type",
        )
    generation_ = generation(document)
    validate(document, generation_)
    shaped = _v2_shape(document, generation_)
    headline = _headline(shaped)
    if not headline:
        raise DocumentRefused(_("The document has no headline."), code="no_headline")
    is_picture = item_type in PICTURE_TYPES
    language, inferred = _language(shaped.get("language"), headline)
    return WireItem(
        uri=uri.strip(),
        generation=generation_,
        type="picture" if is_picture else "text",
        headline=headline,
        version=str(shaped.get("version") or "")[:50],
        versioncreated=_datetime(shaped.get("versioncreated")),
        firstcreated=_datetime(shaped.get("firstcreated")),
        embargoed=_datetime(shaped.get("embargoed") or shaped.get("embargoeduntil")),
        pubstatus=str(shaped.get("pubstatus") or "usable").lower(),
        language=language,
        is_language_inferred=inferred,
        dek="" if is_picture else _description(shaped, DEK_ROLES),
        body_html=_body(shaped),
        by=_text(shaped.get("by")),
        subjects=_names(shaped.get("subjects")),
        keywords=tuple(_text(k) for k in shaped.get("keywords") or () if isinstance(k, str) and _text(k)),
        infosources=tuple(
            Source(name=_text(s.get("name")), uri=_text(s.get("uri")))
            for s in shaped.get("infosources") or ()
            if isinstance(s, dict) and _text(s.get("name"))
        ),
        copyright_holder=_text(shaped.get("copyrightholder")),
        copyright_notice=_text(shaped.get("copyrightnotice")),
        usage_terms=_text(shaped.get("usageterms")),
        picture=_picture(shaped) if is_picture else _associated_picture(shaped),
    )


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


# --- Text and markup --------------------------------------------------------------------

_BREAK = re.compile(r"<\s*/?\s*br\s*/?\s*>", re.IGNORECASE)
_RENAMED_TAG = re.compile(r"<(/?)\s*(b|i|h4|h5|h6)(\s[^>]*)?>", re.IGNORECASE)
_RENAMES = {"b": "strong", "i": "em", "h4": "h3", "h5": "h3", "h6": "h3"}
_BLOCK = re.compile(r"<(p|h2|h3|ul|ol|blockquote)\b", re.IGNORECASE)

# A first pass that keeps the allow-list and drops whole elements that are not body text: the
# page's <head> and <title>, the <h1> that repeats the headline, figures and scripts. The
# story's field sanitises again on save (articles/sanitize.py), whatever this returns.
_preclean = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    clean_content_tags={"script", "style", "head", "title", "h1", "figure", "noscript", "template", "iframe"},
    link_rel=None,
    strip_comments=True,
)


def prepare_html(markup: str) -> str:
    """An agency's HTML body reduced to the paragraphs, headings, lists and links we keep."""
    markup = _BREAK.sub(" ", markup)
    markup = _RENAMED_TAG.sub(lambda m: f"<{m.group(1)}{_RENAMES[m.group(2).lower()]}>", markup)
    cleaned = " ".join(_preclean.clean(markup).split())
    if cleaned and not _BLOCK.search(cleaned):
        return f"<p>{cleaned}</p>"
    return cleaned


def text_to_html(text: str) -> str:
    """Plain text as escaped paragraphs: blank lines separate paragraphs (single lines when there are none)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    return "".join(f"<p>{html.escape(' '.join(block.split()), quote=False)}</p>" for block in blocks if block.strip())


def html_to_text(markup: str) -> str:
    return html.unescape(nh3.clean(_BREAK.sub(" ", markup), tags=set()))


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,،;؛.") + "…"


_BY_PREFIX = re.compile(r"^\s*(by|von|par|por|بقلم)[:\s]+", re.IGNORECASE)
_BY_SEPARATOR = re.compile(r"\s*(?:,|،|;|؛|&|\band\b)\s*", re.IGNORECASE)


def byline_names(by: str) -> list[str]:
    """«By Paulo Santalucia and Frances d'Emilio» → two names. Arabic «و» is never split: it starts names too."""
    names = []
    for name in _BY_SEPARATOR.split(_BY_PREFIX.sub("", by)):
        name = name.strip()
        if name and name not in names:
            names.append(name)
    return names


# --- Mapping onto the story --------------------------------------------------------------


def story_languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def language_name(code: str) -> str:
    try:
        return translation.get_language_info(code)["name_translated"]
    except KeyError:
        return ""


def story_fields(item: WireItem) -> tuple[dict[str, str], bool]:
    """The story's text columns for the item's language, and whether the Arabic still needs translating.

    Arabic copy fills the Arabic columns. English copy fills the English columns and, because
    every story needs an Arabic headline, the Arabic ones too, flagged for translation (such a
    story cannot be published until an editor translates it). Other languages are refused.
    """
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    if item.language not in story_languages():
        name = language_name(item.language)
        message = (
            _("The story is in %(language)s (%(code)s): the wire desk imports Arabic and English copy only.")
            if name
            else _("The story is in the language «%(code)s»: the wire desk imports Arabic and English copy only.")
        )
        raise DocumentRefused(message % {"language": name, "code": item.language}, code="language")
    values = {
        "headline": truncate(item.headline, 250),
        "dek": truncate(item.dek, 600),
        "body": item.body_html,
    }
    if item.type == "picture" and item.picture is not None:
        # A photo on its own becomes a photo story: its caption is the text an editor rewrites.
        values["body"] = text_to_html(item.picture.caption)
    fields = {f"{name}_{item.language}": value for name, value in values.items()}
    needs_translation = item.language != default
    if needs_translation:
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


# --- Export --------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


@dataclass
class ExportContext:
    """How to make absolute addresses: ``absolute(path)`` from the request."""

    absolute: Callable[[str], str]
    language: str = field(default_factory=lambda: settings.MODELTRANSLATION_DEFAULT_LANGUAGE)


def _translated(obj, name: str, language: str) -> str:
    return getattr(obj, f"{name}_{language}", "") or ""


def article_document(article, *, uri: str, context: ExportContext) -> dict:
    """A published story as a ninjs 2.1 document in ``context.language``.

    Expects ``for_listing()`` plus prefetched tags and cited sources: no query per relation.
    ``firstcreated`` is when the story was first public, so a partner (or our own import)
    that publishes it keeps our time.
    """
    language = context.language
    absolute = context.absolute
    versioncreated = max(article.updated_at, article.published_at)
    document: dict = {
        "uri": uri,
        "standard": {"name": "ninjs", "version": "2.1", "schema": EXPORT_SCHEMA_URI},
        "type": "text",
        "representationtype": "full",
        "firstcreated": _iso(article.published_at),
        "versioncreated": _iso(versioncreated),
        "pubstatus": "usable",
        "language": language,
        "headlines": [{"role": "main", "value": _translated(article, "headline", language)}],
        "copyrightholder": _("Sahifa"),
    }
    if article.embargo_until:
        document["embargoed"] = _iso(article.embargo_until)
    dek = _translated(article, "dek", language)
    if dek:
        document["descriptions"] = [{"role": "summary", "contenttype": "text/plain", "value": dek}]
    body = _translated(article, "body", language)
    if body:
        document["bodies"] = [{"role": "main", "contenttype": "text/html", "value": body}]
    names = [byline.name for byline in article.bylines.all()]
    if names:
        document["by"] = "، ".join(names) if language == "ar" else ", ".join(names)
    subjects = [
        {
            "name": _translated(article.section, "name", language) or article.section.name,
            "rel": "partOf",
            "uri": iri_to_uri(absolute(article.section.get_absolute_url())),
        }
    ]
    subjects += [
        {
            "name": _translated(tag, "name", language) or tag.name,
            "rel": "about",
            "uri": iri_to_uri(absolute(tag.get_absolute_url())),
        }
        for tag in article.tags.all()
    ]
    document["subjects"] = subjects
    sources = [
        {"name": _translated(cited.source, "name", language) or cited.source.name, "role": "source"}
        | ({"uri": iri_to_uri(cited.url)} if cited.url else {})
        for cited in article.cited_sources.all()
    ]
    if sources:
        document["infosources"] = sources
    if article.lead_image is not None:
        document["associations"] = [_image_association(article.lead_image, uri=uri, context=context)]
    return document


def _image_association(image, *, uri: str, context: ExportContext) -> dict:
    language = context.language
    descriptions = []
    caption = _translated(image, "caption", language)
    if caption:
        descriptions.append({"role": "caption", "contenttype": "text/plain", "value": caption})
    alt_text = _translated(image, "alt_text", language)
    if alt_text:
        descriptions.append({"role": "alttext", "contenttype": "text/plain", "value": alt_text})
    if image.credit is not None:
        credit = _translated(image.credit, "name", language) or image.credit.name
        descriptions.append({"role": "creditline", "contenttype": "text/plain", "value": credit})
    association: dict = {
        "name": "featureimage",
        "uri": f"{uri}#image-{image.pk}",
        "type": "picture",
        "representationtype": "full",
    }
    if descriptions:
        association["descriptions"] = descriptions
    if image.public_photographer:
        association["by"] = image.public_photographer
    if image.public_copyright_notice:
        association["copyrightnotice"] = image.public_copyright_notice
    if image.usage_terms:
        association["usageterms"] = image.usage_terms
    renditions = []
    for width in image.rendition_widths("full"):
        rendition_width, rendition_height = image.rendition_size("full", width)
        renditions.append(
            {
                "name": f"full-{width}",
                "href": iri_to_uri(context.absolute(image.rendition_url("full", width, "jpeg"))),
                "contenttype": "image/jpeg",
                "width": rendition_width,
                "height": rendition_height,
            }
        )
    if renditions:
        association["renditions"] = renditions
    return association
