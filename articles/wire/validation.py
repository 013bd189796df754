"""Agency documents read from files and checked against the IPTC's ninjs schemas, held locally (ninjs_schemas/)."""

from __future__ import annotations

import json
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
# Read although no IPTC schema lists them (Superdesk and others add them); left out of validation.
TOLERATED_EXTENSIONS = ("keywords",)

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
