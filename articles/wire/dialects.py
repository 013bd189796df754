"""What real agencies send beside the IPTC's ninjs, read into the standard's own fields.

Superdesk writes ``guid`` (no ``uri``), ``body_html``, ``description_text``, ``authors[]`` with
roles, ``located`` as an object and its own ``source``, ``priority``, ``service``, ``extra``.
AP's media API puts per-request tokens in the ``uri`` (``?qt=…&et=…``), its stable id in
``altids.itemid``, ``version`` as a number, ``usageterms`` as a list, bylines as ``bylines[]``
and text bodies in NITF renditions. Distributors use types such as ``advisory``.

``normalise`` rewrites those spellings into the standard ones before the document is checked
against its schema, so the schema judges the values and not the vendor's names; the fields it
read are returned so the desk never lists them as unknown.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # serialising only; parsing goes through defusedxml
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from .validation import DocumentRefused

# Types the desk reads as text copy: an advisory is a note to editors, a text all the same.
TEXT_ALIASES = {"advisory": "text", "article": "text", "story": "text", "photo": "picture", "image": "picture"}

# Query parameters that change with every request (AP: qt, et; signed links: token, signature…),
# never part of an item's identity.
VOLATILE_PARAMETERS = frozenset(
    {
        "qt",
        "et",
        "ai",
        "token",
        "apikey",
        "api_key",
        "sig",
        "signature",
        "expires",
        "exp",
        "ts",
        "timestamp",
        "nonce",
        "session",
        "sessionid",
    }
)

# Vendor fields the desk reads (beside the schema's own).
READ_VENDOR_FIELDS = frozenset(
    {"guid", "authors", "bylines", "source", "priority", "summary", "keywords", "service", "slugline"}
)

WRITER_ROLES = frozenset({"", "writer", "author", "correspondent", "reporter", "journalist", "by", "editor-in-chief"})
PHOTOGRAPHER_ROLES = frozenset({"photographer", "camera", "photo"})

# After a comma, these words make a person's affiliation, not a second person.
_AFFILIATION = re.compile(
    r"\b(universit\w*|institut\w*|college|school|academy|foundation|center|centre|council|"
    r"hochschule|universität|université|ministry|associated press|reuters|afp|dpa|news|press|"
    r"times|post|agency|correspondent|editor|reporter|writer|staff)\b|جامعة|معهد|كلية|مركز|وكالة|مراسل|محرر",
    re.IGNORECASE,
)


def strip_volatile(uri: str) -> str:
    """The address without the per-request parameters (and without a fragment)."""
    parts = urlsplit(uri.strip())
    if not parts.query and not parts.fragment:
        return uri.strip()
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in VOLATILE_PARAMETERS]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), ""))


def identity(document: dict) -> str:
    """The item's identity: its ``uri``, else ``guid``, else ``altids.itemid`` with its provider."""
    for key in ("uri", "guid"):
        value = document.get(key)
        if isinstance(value, str) and value.strip():
            return strip_volatile(value)[:500]
    altids = document.get("altids") or document.get("altIds")
    if isinstance(altids, dict):
        itemid = altids.get("itemid") or altids.get("itemId")
        if isinstance(itemid, str | int) and str(itemid).strip():
            return f"{provider(document) or 'agency'}:{str(itemid).strip()}"[:500]
    return ""


def provider(document: dict) -> str:
    """The agency's name: Superdesk's ``source``, the first info source, or the copyright holder."""
    source = document.get("source")
    if isinstance(source, str) and source.strip():
        return source.strip()[:100]
    for key in ("infosources", "infoSources", "infosource"):
        for entry in document.get(key) or ():
            if isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"].strip():
                return entry["name"].strip()[:100]
    for key in ("copyrightholder", "copyrightHolder"):
        if isinstance(document.get(key), str) and document[key].strip():
            return document[key].strip()[:100]
    return ""


def version_text(value) -> str:
    """A version whatever its type: 0, "1", 2.0 → "0", "1", "2"."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:50]


def _joined(value) -> str:
    if isinstance(value, list):
        return " ".join(" ".join(v.split()) for v in value if isinstance(v, str) and v.strip())
    return value if isinstance(value, str) else ""


def dateline(value) -> str:
    """``located`` or ``place`` as a dateline: a string, Superdesk's {city, country}, or a list of places."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        for key in ("city", "name", "state", "country"):
            if isinstance(value.get(key), str) and value[key].strip():
                return " ".join(value[key].split())
    if isinstance(value, list):
        for entry in value:
            found = dateline(entry)
            if found:
                return found
    return ""


def is_affiliation(text: str) -> bool:
    """«Cairo University», «Associated Press», «مراسلة الشؤون الاقتصادية»: what follows a person's name."""
    return bool(_AFFILIATION.search(text))


def authors(document: dict) -> tuple[list[str], list[str]]:
    """Writers and photographers from Superdesk's ``authors[]`` and AP's ``bylines[]``.

    Each entry is one person: a comma inside a name («name, university») never makes two.
    """
    writers, photographers = [], []
    for entry in document.get("authors") or ():
        if not isinstance(entry, dict):
            continue
        name = " ".join(str(entry.get("name") or entry.get("sub_label") or "").split())
        role = str(entry.get("role") or "").lower()
        if not name:
            continue
        if role in PHOTOGRAPHER_ROLES:
            photographers.append(name)
        elif role in WRITER_ROLES:
            writers.append(name)
    for entry in document.get("bylines") or ():
        if isinstance(entry, dict) and isinstance(entry.get("by"), str) and entry["by"].strip():
            name = re.sub(r"^\s*by\s+", "", " ".join(entry["by"].split()), flags=re.IGNORECASE)
            title = " ".join(str(entry.get("title") or "").split())
            person = f"{name}, {title}" if title and title.lower() not in name.lower() else name
            (photographers if entry.get("parametric") == "PHOTOGRAPHER" else writers).append(person)
    return writers, photographers


def normalise(document: dict) -> dict:
    """The document with vendor spellings turned into the standard's (see the module's docstring)."""
    out = dict(document)
    if "version" in out:
        out["version"] = version_text(out["version"])
    for key in ("usageterms", "usageTerms"):
        if isinstance(out.get(key), list):
            out[key] = _joined(out[key])
    if isinstance(out.get("located"), dict | list):
        out["located"] = dateline(out["located"])
    if isinstance(out.get("type"), str):
        out["type"] = TEXT_ALIASES.get(out["type"].lower(), out["type"].lower())
    if isinstance(out.get("urgency"), str) and out["urgency"].strip().isdigit():
        out["urgency"] = int(out["urgency"])
    if isinstance(out.get("uri"), str):
        out["uri"] = strip_volatile(out["uri"])
    # Superdesk: the summary and the caption both come as description_text / description_html.
    if "summary" in out and isinstance(out["summary"], str) and not any(k.startswith("description") for k in out):
        out["description_summary"] = out["summary"]
    return out


# --- Bodies in renditions -------------------------------------------------------------

TEXT_RENDITION_TYPES = frozenset(
    {"text/xml", "application/xml", "application/nitf+xml", "text/vnd.iptc.nitf", "text/html", "application/xhtml+xml"}
)
TEXT_RENDITION_SUFFIXES = frozenset({".xml", ".nitf", ".html", ".htm", ".xhtml"})


def is_text_rendition(name: str, content_type: str, href: str) -> bool:
    if content_type in TEXT_RENDITION_TYPES or name.lower() in {"nitf", "html", "text"}:
        return True
    return Path(urlsplit(href).path).suffix.lower() in TEXT_RENDITION_SUFFIXES


def read_body_file(path: Path) -> str:
    """The body of a local NITF or HTML file, as markup for ``ninjs.prepare_html``."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DocumentRefused(
            _("The story's text file cannot be read: %(reason)s") % {"reason": error.strerror or error},
            code="body_file",
        ) from error
    text = raw.decode("utf-8", errors="replace")
    if path.suffix.lower() in {".html", ".htm", ".xhtml"} or "<nitf" not in text[:2000].lower():
        return text
    try:
        root = SafeET.fromstring(raw)
    except (SafeET.ParseError, DefusedXmlException) as error:
        raise DocumentRefused(
            _("The story's NITF file %(name)s is not well-formed XML.") % {"name": path.name}, code="body_file"
        ) from error
    content = root.find(".//body.content")
    if content is None:
        content = root.find(".//{*}body.content")
    if content is None:
        return ""
    # NITF's paragraphs are HTML's; the rest (block, hl2…) is reduced by prepare_html.
    return "".join(ET.tostring(child, encoding="unicode") for child in content)
