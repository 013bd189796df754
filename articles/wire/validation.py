"""Agency documents read from files and checked against the IPTC's ninjs schemas, held locally (ninjs_schemas/)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from jsonschema import Draft7Validator, Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "ninjs_schemas"
GEOJSON_URI = "https://geojson.org/schema/GeoJSON.json"
# A wire file larger than this is refused before it is parsed.
MAX_FILE_BYTES = 20 * 1024 * 1024

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/html5", "application/xhtml"})


class DocumentRefused(ValidationError):
    """A ninjs document the wire desk will not import; the message says why in the user's language."""


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
    documents = unwrap(data)
    if len(documents) == 1 and documents[0][0] == "":
        yield str(path), documents[0][1]
        return
    for where, document in documents:
        yield f"{path}{where}", document


def unwrap(data) -> list[tuple[str, object]]:
    """The documents inside a file, each with where it was found (``[2]``, ``.data.items[0].item``).

    Agencies wrap their items: a plain document, a list, AP's media API (``{"data": {"item": …}}``
    for one item, ``{"data": {"items": [{"item": …}, …]}}`` for a feed page, saved as it came),
    and distributors' ``{"item": [...]}`` (or ``{"items": [...]}``). Wrappers nest in any order.
    """
    if isinstance(data, list):
        found = []
        for index, entry in enumerate(data):
            found += [(f"[{index}]{where}", document) for where, document in unwrap(entry)]
        return found
    if isinstance(data, dict) and not _looks_like_item(data):
        for key in ("data", "item", "items"):
            if key in data and isinstance(data[key], dict | list):
                return [(f".{key}{where}", document) for where, document in unwrap(data[key])]
    return [("", data)]


# A key that only an item has: a wrapper never carries one of these beside its "data"/"item".
_ITEM_KEYS = frozenset({"uri", "guid", "headline", "headlines", "type", "altids", "altIds", "bodies", "body_html"})


def _looks_like_item(data: dict) -> bool:
    return bool(data.keys() & _ITEM_KEYS)


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


@cache
def known_names(version: str) -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """The top-level property names the IPTC schema of ``version`` defines, and its name patterns."""
    document_schema = schema(version)
    defined = document_schema.get("$defs", {}).get("ninjsType", document_schema)
    patterns = tuple(re.compile(pattern) for pattern in defined.get("patternProperties", {}))
    return frozenset(defined.get("properties", {})), patterns


def is_known(name: str, version: str) -> bool:
    names, patterns = known_names(version)
    return name in names or any(pattern.match(name) for pattern in patterns)


# The fields the desk reads, in every generation's spelling: only these are checked against the
# schema, so a mistake in a field the newsroom never uses does not refuse a story.
USED_FIELDS = frozenset(
    {
        "uri",
        "version",
        "versioncreated",
        "versionCreated",
        "firstcreated",
        "firstCreated",
        "embargoed",
        "embargoedUntil",
        "pubstatus",
        "pubStatus",
        "language",
        "headline",
        "headlines",
        "bodies",
        "descriptions",
        "by",
        "byline",
        "subject",
        "subjects",
        "keywords",
        "infosource",
        "infosources",
        "infoSources",
        "copyrightholder",
        "copyrightHolder",
        "copyrightnotice",
        "copyrightNotice",
        "usageterms",
        "usageTerms",
        "associations",
        "renditions",
        "located",
        "place",
        "places",
        "ednote",
        "edNote",
        "urgency",
    }
)
_USED_PREFIXES = ("headline_", "body_", "description_")
# Errors that only say a name is not in the schema: vendors add their own, the desk keeps them.
_TOLERATED_ERRORS = frozenset({"additionalProperties", "unevaluatedProperties"})


def _checked_fields(document: dict, version: str) -> dict:
    return {
        key: value
        for key, value in document.items()
        if (key in USED_FIELDS or key.startswith(_USED_PREFIXES)) and is_known(key, version)
    }


def check_errors(document: dict, version: str) -> list:
    """The schema's complaints about the fields the desk uses (types, formats, allowed values)."""
    checked = _checked_fields(document, version)
    return [
        error
        for error in validator(version).iter_errors(checked)
        if error.validator not in _TOLERATED_ERRORS and not (error.validator == "required" and not error.path)
    ]


def validate(document: dict, generation: str) -> str:
    """Check the fields the desk uses against the schema of the document's generation.

    Returns the generation whose schema was used: the declared or apparent one, else another
    generation's schema that the document does follow (a 2.x document with a 1.x-looking vendor
    field is not judged by the 1.x rules). Raises DocumentRefused naming the field and the version.
    """
    version = SCHEMA_FOR_GENERATION[generation]
    errors = check_errors(document, version)
    if not errors:
        return generation
    if not declared_generation(document):
        # Another generation counts only if its schema checks every field this one did.
        checked = _checked_fields(document, version).keys()
        for other in SCHEMA_FOR_GENERATION:
            other_version = SCHEMA_FOR_GENERATION[other]
            if (
                other != generation
                and checked <= _checked_fields(document, other_version).keys()
                and not check_errors(document, other_version)
            ):
                return other
    error = best_match(errors)
    where = "/".join(str(part) for part in error.absolute_path) or "(document)"
    raise DocumentRefused(
        _("Not a valid ninjs %(version)s document: %(where)s: %(reason)s")
        % {"version": version, "where": where, "reason": error.message[:300]},
        code="schema",
    )


def unknown_fields(document: dict, generation: str, *, read: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Top-level names neither the document's schema defines nor the desk reads (vendor fields)."""
    version = SCHEMA_FOR_GENERATION[generation]
    return tuple(sorted(key for key in document if not is_known(key, version) and key not in read))


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


def declared_generation(document: dict) -> str:
    declared = document.get("standard") or document.get("$standard") or {}
    declared_version = str(declared.get("version", "")) if isinstance(declared, dict) else ""
    return declared_version[:1] if declared_version[:1] in SCHEMA_FOR_GENERATION else ""


def generation(document: dict) -> str:
    """ "1", "2" or "3": which IPTC schema the document follows, from its declaration or its shape."""
    declared = declared_generation(document)
    if declared:
        return declared
    if document.keys() & _V3_ONLY_KEYS:
        return "3"
    if (
        document.keys() & _V1_ONLY_KEYS
        or any(key.startswith(("body_", "description_", "headline_")) for key in document)
        or isinstance(document.get("associations"), dict)
        or isinstance(document.get("renditions"), dict)
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


# A suffix after body_/description_/headline_ names either the markup (ninjs 1.0–1.2, Superdesk)
# or, from ninjs 1.3 on, the text's role (``description_caption``, ``body_summary``).
_SUFFIX_TYPES = {
    "html": "text/html",
    "xhtml": "text/html",
    "text": "text/plain",
    "plain": "text/plain",
}
_MARKUP = re.compile(r"<\s*(p|br|div|span|a|strong|em|b|i|ul|ol|li|h[1-6])\b", re.IGNORECASE)


def _role_and_type(suffix: str, value) -> tuple[str, str]:
    lowered = suffix.lower()
    if lowered in _SUFFIX_TYPES:
        return "", _SUFFIX_TYPES[lowered]
    for known, content_type in _SUFFIX_TYPES.items():
        if lowered.endswith(f"_{known}"):
            return lowered[: -len(known) - 1], content_type
    is_markup = isinstance(value, str) and _MARKUP.search(value)
    return lowered, "text/html" if is_markup else "text/plain"


def _from_v1(document: dict) -> dict:
    """A ninjs 1.x document in the 2.x shape: arrays instead of objects keyed by name."""
    out: dict = {}
    headlines, bodies, descriptions = [], [], []
    for key, value in document.items():
        if key == "headline":
            headlines.insert(0, {"role": "main", "value": value})
        elif key.startswith("headline_"):
            role, content_type = _role_and_type(key[9:], value)
            headlines.append({"role": role or "main", "contenttype": content_type, "value": value})
        elif key.startswith("body_"):
            role, content_type = _role_and_type(key[5:], value)
            bodies.append({"role": role, "contenttype": content_type, "value": value})
        elif key.startswith("description_"):
            role, content_type = _role_and_type(key[12:], value)
            descriptions.append({"role": role, "contenttype": content_type, "value": value})
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
                if isinstance(item, dict)
            ]
        else:
            out[_V1_RENAMES.get(key, key)] = value
    if headlines and "headlines" not in out:
        out["headlines"] = headlines
    # Markup first: the desk keeps paragraphs and links when the agency sends them.
    bodies.sort(key=lambda body: body["contenttype"] not in HTML_TYPES)
    if bodies and "bodies" not in out:
        out["bodies"] = bodies
    if descriptions and "descriptions" not in out:
        descriptions.sort(key=lambda description: description["contenttype"] != "text/plain")
        out["descriptions"] = descriptions
    return out


def _v2_shape(document: dict, generation_: str) -> dict:
    if generation_ == "1":
        return _from_v1(document)
    return _lower_keys(document)
