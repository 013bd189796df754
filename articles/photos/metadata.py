"""What a photo file says about itself: IPTC IIM, XMP and EXIF, read without the database.

Agencies, cameras and photo software write the same facts in three places, in several
character sets and several XML forms. This module reads all of them and reconciles them:

- IPTC IIM from a JPEG's Photoshop block, or from a PNG's «Raw profile type iptc/8bim» text
  chunk; each value decoded by the coded character set the file declares (1:90), else by what
  its bytes are (UTF-8, Windows-1256 Arabic, else Latin-1).
- XMP from a JPEG, WebP or AVIF packet, or a PNG's iTXt chunk before or after the image data;
  properties written as elements or as attributes, with rdf:Alt language alternatives and
  rdf:Seq/rdf:Bag lists kept whole.
- EXIF ImageDescription, Artist, Copyright and DateTimeOriginal as fallbacks.

When IIM and XMP disagree the newer one wins (``iim_is_newer``). Nothing here raises on a
damaged block: a block that cannot be read is skipped, and the file's own check decides.
"""

from __future__ import annotations

import binascii
import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from PIL import Image as PILImage

# Errors Pillow or a damaged block may raise while metadata is read.
_READ_ERRORS = (SyntaxError, OSError, ValueError, IndexError, KeyError, TypeError, EOFError, UnicodeError)


@dataclass(frozen=True)
class PhotoMetadata:
    caption: str = ""
    alt_text: str = ""
    credit: str = ""  # the credit line exactly as written («AFP/Getty Images»)
    creator: str = ""  # every by-line, joined
    copyright_notice: str = ""
    source: str = ""
    creators: tuple[str, ...] = ()
    headline: str = ""
    keywords: tuple[str, ...] = ()
    date_created: date | None = None
    location: str = ""
    usage_terms: str = ""  # special instructions (IIM 2:40) and XMP usage terms, restrictions first
    # Language alternatives an XMP rdf:Alt names explicitly: (field, language, text).
    languages: tuple[tuple[str, str, str], ...] = ()


# --- Language of a text -----------------------------------------------------------


def text_language(text: str | None) -> str:
    """«ar» when a quarter or more of the letters of ``text`` are Arabic script, «en» when Latin, else "".

    Arabic captions carry Latin names, agency credits and restrictions, often longer than the
    Arabic text itself («متظاهرون في القاهرة. REUTERS/Mohamed Abd El Ghany (EGYPT)»); an English
    caption quotes Arabic script seldom and briefly.
    """
    arabic = latin = 0
    for char in text or "":
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("ARABIC"):
            arabic += 1
        elif name.startswith("LATIN"):
            latin += 1
    if not arabic and not latin:
        return ""
    return "ar" if arabic * 3 >= latin else "en"


def has_arabic_letters(text: str | None) -> bool:
    return any(char.isalpha() and unicodedata.name(char, "").startswith("ARABIC") for char in text or "")


def join_names(names) -> str:
    """Several names as one line, with the comma of their script."""
    names = [name for name in names if name]
    separator = "، " if text_language(" ".join(names)) == "ar" else ", "
    return separator.join(names)


# --- IPTC IIM ---------------------------------------------------------------------

# Coded character set (1:90): ISO 2022 escape sequences agencies use.
_CHARSETS = {
    b"\x1b%G": "utf-8",
    b"\x1b%/I": "utf-8",
    b"\x1b-A": "latin-1",
    b"\x1b.A": "latin-1",
    b"\x1b-B": "iso8859-2",
    b"\x1b-F": "iso8859-7",
    b"\x1b-G": "iso8859-6",
    b"\x1b-L": "iso8859-5",
    b"\x1b-M": "iso8859-9",
}

_IIM_CHARSET = (1, 90)
_IIM = {
    "object_name": (2, 5),
    "keywords": (2, 25),
    "instructions": (2, 40),
    "date_created": (2, 55),
    "creator": (2, 80),
    "city": (2, 90),
    "sublocation": (2, 92),
    "province": (2, 95),
    "country": (2, 101),
    "headline": (2, 105),
    "credit": (2, 110),
    "source": (2, 115),
    "copyright_notice": (2, 116),
    "caption": (2, 120),
}
_PHOTOSHOP_IPTC = 0x0404
_PHOTOSHOP_IPTC_DIGEST = 0x0425


def parse_iim(data: bytes) -> dict[tuple[int, int], list[bytes]]:
    """IIM datasets (record, number) → values in file order; stops at the first byte that is not a tag."""
    values: dict[tuple[int, int], list[bytes]] = {}
    pos = 0
    while pos + 5 <= len(data) and data[pos] == 0x1C:
        record, number = data[pos + 1], data[pos + 2]
        length = int.from_bytes(data[pos + 3 : pos + 5], "big")
        pos += 5
        if length & 0x8000:  # extended dataset: the low bits count the length's own bytes
            size = length & 0x7FFF
            if size > 4:
                break
            length = int.from_bytes(data[pos : pos + size], "big")
            pos += size
        if pos + length > len(data):
            break
        values.setdefault((record, number), []).append(data[pos : pos + length])
        pos += length
    return values


def parse_photoshop_resources(data: bytes) -> dict[int, bytes]:
    """Photoshop image resource blocks («8BIM», id, Pascal name, size, data), as Pillow reads them from JPEG."""
    blocks: dict[int, bytes] = {}
    pos = 0
    while pos + 12 <= len(data) and data[pos : pos + 4] == b"8BIM":
        resource = int.from_bytes(data[pos + 4 : pos + 6], "big")
        name_length = data[pos + 6]
        pos += 6 + name_length + 1
        pos += pos % 2  # the name is padded to an even size
        size = int.from_bytes(data[pos : pos + 4], "big")
        pos += 4
        blocks[resource] = data[pos : pos + size]
        pos += size + size % 2
    return blocks


def decode_iim(value: bytes, charset: str | None = None) -> str:
    """An IIM value as text: by its declared character set, else UTF-8, Windows-1256 or Latin-1.

    IIM ends lines with a carriage return (Photo Mechanic, agencies' systems): read as a new line.
    """
    value = value.rstrip(b"\x00")
    if charset:
        try:
            return _lines(value.decode(charset))
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong declaration: read the bytes for what they are
    return _lines(_decode_undeclared(value))


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


# What separates words in a caption or a credit line, in either script.
_WORD_BREAK = re.compile(r"[\s\d.,;:!?()\[\]{}\"'/\\|+=*&%#@<>~_\-\u2010-\u2015«»،؛؟]+")


def _decode_undeclared(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Not UTF-8: legacy Arabic (Windows-1256) or Western European text. Read as Windows-1256,
    # Arabic text gives whole words of Arabic letters (beside whole Latin words: «REUTERS/…»,
    # a place name), whereas a Latin text gives words with an Arabic letter inside a Latin one:
    # «Dateigröße» reads «Dateigrِكe». The count of letters alone misleads on a line that names
    # more in Latin than it says in Arabic («تصوير: REUTERS/Mohamed Abd El Ghany»).
    arabic_reading = value.decode("cp1256", errors="replace")
    arabic_words = mixed_words = 0
    for word in _WORD_BREAK.split(arabic_reading):
        scripts = {_script(char) for char in word if char.isalpha()}
        if "ARABIC" in scripts:
            if len(scripts) > 1:
                mixed_words += 1
            else:
                arabic_words += 1
    if arabic_words > mixed_words:
        return arabic_reading
    try:
        return value.decode("cp1252")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _script(char: str) -> str:
    return unicodedata.name(char, "").split(" ")[0]


def _iim_charset(values: dict[tuple[int, int], list[bytes]]) -> str | None:
    declared = (values.get(_IIM_CHARSET) or [b""])[0].strip()
    return _CHARSETS.get(declared) if declared else None


def iim_block(image: PILImage.Image) -> tuple[bytes, bytes]:
    """The raw IIM bytes and the Photoshop digest of them (b"" when absent)."""
    photoshop = image.info.get("photoshop")
    if isinstance(photoshop, dict) and photoshop.get(_PHOTOSHOP_IPTC):
        return photoshop[_PHOTOSHOP_IPTC], photoshop.get(_PHOTOSHOP_IPTC_DIGEST, b"")
    for key, kind in (("Raw profile type iptc", "iptc"), ("Raw profile type 8bim", "8bim")):
        raw = _png_text(image).get(key)
        if not raw:
            continue
        data = _raw_profile(raw)
        if data.startswith(b"8BIM") or kind == "8bim":
            blocks = parse_photoshop_resources(data)
            if blocks.get(_PHOTOSHOP_IPTC):
                return blocks[_PHOTOSHOP_IPTC], blocks.get(_PHOTOSHOP_IPTC_DIGEST, b"")
        elif data.startswith(b"\x1c"):
            return data, b""
    return b"", b""


def _raw_profile(text: str) -> bytes:
    """ImageMagick's «Raw profile type» text: a newline, the type, the length, then hex digits."""
    parts = text.strip().split("\n", 2)
    if len(parts) < 3:
        return b""
    try:
        length = int(parts[1].strip())
        return binascii.unhexlify(re.sub(r"\s+", "", parts[2]))[:length]
    except (ValueError, binascii.Error):
        return b""


def read_iim(data: bytes) -> dict:
    values = parse_iim(data)
    charset = _iim_charset(values)

    def texts(name):
        return [text for raw in values.get(_IIM[name], []) if (text := decode_iim(raw, charset))]

    def first(name):
        found = texts(name)
        return found[0] if found else ""

    result = {
        "caption": first("caption"),
        "credit": first("credit"),
        "source": first("source"),
        "copyright_notice": first("copyright_notice"),
        "headline": first("headline") or first("object_name"),
        "creators": tuple(texts("creator")),
        "keywords": tuple(texts("keywords")),
        "instructions": _instructions(first("instructions")),
        "date_created": _date(first("date_created")),
        "location": _location(first("sublocation"), first("city"), first("province"), first("country")),
    }
    return {name: value for name, value in result.items() if value}


# Facebook and Instagram stamp every photo they serve with a tracking code in the special
# instructions («FBMD0a000a…»): not an instruction, never a restriction on use.
_TRACKING_CODE = re.compile(r"^FBMD[0-9a-f]{20,}$", re.I)


def _instructions(text: str) -> str:
    return "" if _TRACKING_CODE.match(text) else text


# --- XMP --------------------------------------------------------------------------

_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _qname(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


def xmp_packet(image: PILImage.Image) -> bytes:
    """The XMP packet: Pillow's reading (JPEG, WebP, AVIF, PNG before the pixels), else PNG text chunks."""
    raw = image.info.get("xmp")
    if not raw and image.format == "PNG":
        text = _png_text(image)
        raw = text.get("XML:com.adobe.xmp") or image.info.get("xmp")
        if not raw and text.get("Raw profile type xmp"):
            raw = _raw_profile(text["Raw profile type xmp"])
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    return (raw or b"").strip(b"\x00 \r\n\t")


def _png_text(image: PILImage.Image) -> dict:
    """A PNG's text chunks, those after the image data included (reading them decodes the image)."""
    if image.format != "PNG":
        return {}
    try:
        return dict(image.text)
    except _READ_ERRORS:
        return {key: value for key, value in image.info.items() if isinstance(value, str)}


def _xmp_property(root, name: str) -> list[tuple[str, str]]:
    """Every value of one property, as (language, text): element or attribute form, Alt, Seq or Bag."""
    qname = _qname(name)
    found: list[tuple[str, str]] = []
    for description in root.iter(_qname("rdf:Description")):
        attribute = description.get(qname)
        if attribute and attribute.strip():
            found.append(("", attribute.strip()))
        for element in description.findall(qname):
            items = element.findall(".//rdf:li", _NS)
            if items:
                found += [(item.get(_XML_LANG, ""), item.text.strip()) for item in items if (item.text or "").strip()]
            elif (element.text or "").strip():
                found.append((element.get(_XML_LANG, ""), element.text.strip()))
            elif element.get(_qname("rdf:resource")):
                found.append(("", element.get(_qname("rdf:resource")).strip()))
    return found


def read_xmp(packet: bytes) -> dict:
    if not packet:
        return {}
    try:
        # defusedxml refuses DTDs, entity expansion and external references.
        root = SafeElementTree.fromstring(packet, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (SafeElementTree.ParseError, DefusedXmlException, ValueError):
        return {}
    languages: list[tuple[str, str, str]] = []

    def alternative(field: str, name: str) -> str:
        """The default value of a language alternative; the others go to ``languages``."""
        values = _xmp_property(root, name)
        if not values:
            return ""
        chosen = next((text for lang, text in values if lang.lower() == "x-default"), values[0][1])
        for lang, text in values:
            code = lang.lower().split("-")[0]
            if code in ("ar", "en"):
                languages.append((field, code, text))
        return chosen

    def first(name: str) -> str:
        values = _xmp_property(root, name)
        return values[0][1] if values else ""

    def every(name: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(text for _lang, text in _xmp_property(root, name)))

    result = {
        "caption": alternative("caption", "dc:description"),
        "alt_text": alternative("alt_text", "Iptc4xmpCore:AltTextAccessibility"),
        "copyright_notice": alternative("copyright_notice", "dc:rights"),
        "headline": first("photoshop:Headline") or alternative("headline", "dc:title"),
        "credit": first("photoshop:Credit"),
        "source": first("photoshop:Source"),
        "creators": every("dc:creator"),
        "keywords": every("dc:subject"),
        "instructions": first("photoshop:Instructions"),
        "terms": alternative("usage_terms", "xmpRights:UsageTerms"),
        "date_created": _date(first("photoshop:DateCreated")),
        "location": _location(
            first("Iptc4xmpCore:Location"),
            first("photoshop:City"),
            first("photoshop:State"),
            first("photoshop:Country"),
        ),
        "metadata_date": first("xmp:MetadataDate"),
        "languages": tuple(entry for entry in languages if entry[0] != "usage_terms"),
    }
    return {name: value for name, value in result.items() if value}


# --- EXIF -------------------------------------------------------------------------


def _exif_text(value) -> str:
    if isinstance(value, bytes):
        return _decode_undeclared(value.rstrip(b"\x00")).strip()
    if not isinstance(value, str):
        return ""
    # Pillow reads EXIF ASCII as Latin-1; cameras and phones often write UTF-8 there.
    try:
        value = value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        pass
    return value.replace("\x00", " ").strip()


# What cameras and phones write in EXIF ImageDescription when nobody wrote a caption: their own
# name, or a word such as «Exif_JPEG_PICTURE» (Huawei, Samsung). Never a caption.
_PLACEHOLDER_DESCRIPTIONS = {
    "olympus digital camera",
    "sony dsc",
    "konica minolta digital camera",
    "minolta digital camera",
    "digital camera",
    "exif_jpeg_picture",
    "exif jpeg",
    "jpeg",
    "picture",
    "image",
    "default",
    "dcim",
    "samsung camera pictures",
    "hdr",
}


def _placeholder(description: str, exif) -> bool:
    text = " ".join(description.split()).casefold()
    own_names = {" ".join(str(exif.get(tag) or "").split()).casefold() for tag in (0x010F, 0x0110)}
    make_model = " ".join(str(exif.get(tag) or "") for tag in (0x010F, 0x0110))
    own_names.add(" ".join(make_model.split()).casefold())
    return text in _PLACEHOLDER_DESCRIPTIONS or text in own_names - {""} or text.startswith("<kenox")


def read_exif(image: PILImage.Image) -> dict:
    try:
        exif = image.getexif()
        taken = exif.get_ifd(0x8769).get(0x9003) or exif.get(0x0132)
    except _READ_ERRORS:
        return {}
    # EXIF Copyright may hold the photographer's and the editor's notices apart, separated by NUL.
    copyright_notice = " ".join(part.strip() for part in str(exif.get(0x8298) or "").split("\x00") if part.strip())
    description = _exif_text(exif.get(0x010E))
    result = {
        "caption": "" if _placeholder(description, exif) else description,
        "creators": tuple(name for name in [_exif_text(exif.get(0x013B))] if name),
        "copyright_notice": _exif_text(copyright_notice),
        "date_created": _date(_exif_text(taken)),
    }
    return {name: value for name, value in result.items() if value}


# The PNG specification's own text keywords, as GIMP, ImageMagick and design tools write them:
# fallbacks like EXIF's, for graphics and screenshots that carry no IPTC or XMP.
_PNG_KEYWORDS = {"Description": "caption", "Author": "creators", "Copyright": "copyright_notice"}


def read_png_text(image: PILImage.Image) -> dict:
    text = _png_text(image)
    result: dict = {}
    for keyword, name in _PNG_KEYWORDS.items():
        value = text.get(keyword)
        if isinstance(value, str) and value.strip():
            value = " ".join(value.split()) if name != "caption" else value.strip()
            result[name] = (value,) if name == "creators" else value
    return result


# --- Reconciling ------------------------------------------------------------------


def _date(text: str) -> date | None:
    digits = re.sub(r"[^0-9]", "", text or "")[:8]
    if len(digits) < 8:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _location(*parts: str) -> str:
    return join_names(dict.fromkeys(part for part in parts if part))


def _join_terms(*terms: str) -> str:
    unique = []
    for term in terms:
        if term and all(term.casefold() not in seen.casefold() for seen in unique):
            unique.append(term)
    return " — ".join(unique)


def iim_is_newer(iim: bytes, digest: bytes, xmp: dict) -> bool:
    """Whether the IIM block was written after the XMP.

    With a digest, the Metadata Working Group's rule: Photoshop and every tool that keeps both
    in step stores an MD5 digest of the IIM block (resource 0x0425) when it writes them
    together. A digest that matches: the two agree and the XMP is read (it is Unicode and
    richer). A digest that does not match: a tool that knows only IIM changed it later, so the
    IIM wins. Without a digest, our rule: the XMP wins when it carries an xmp:MetadataDate (a
    tool that keeps metadata current wrote it), else the IIM, which agencies fill first.
    """
    if not iim:
        return False
    if digest:
        return hashlib.md5(iim, usedforsecurity=False).digest() != digest
    return not xmp.get("metadata_date")


# What agencies put in the by-line when the photographer is not named: a stringer, a handout,
# a dash. Printed on a story page they would read as a name.
_UNNAMED = {"str", "stringer", "ho", "handout", "-", "--", "staff", "unknown", "n/a", "na", "none"}


def _no_name(name: str) -> bool:
    text = " ".join(name.split()).casefold()
    return text in _UNNAMED or not any(char.isalpha() for char in text)


def read_metadata(image: PILImage.Image) -> PhotoMetadata:
    """Caption, credit line, by-lines, rights, headline, keywords, date and place from the file."""
    try:
        iim, digest = iim_block(image)
    except _READ_ERRORS:
        iim, digest = b"", b""
    try:
        xmp = read_xmp(xmp_packet(image))
    except _READ_ERRORS:
        xmp = {}
    iim_values = read_iim(iim) if iim else {}
    exif = {**read_png_text(image), **read_exif(image)}
    newer, older = (iim_values, xmp) if iim_is_newer(iim, digest, xmp) else (xmp, iim_values)
    values: dict = {}
    for source in (exif, older, newer):  # each later source overrides what it has
        values.update(source)
    # Language alternatives belong to the XMP's text: kept only where its caption is the one used.
    languages = xmp.get("languages", ())
    languages = tuple(entry for entry in languages if values.get(entry[0]) == xmp.get(entry[0]))
    creators = tuple(name for name in values.get("creators", ()) if not _no_name(name))
    return PhotoMetadata(
        caption=values.get("caption", ""),
        alt_text=values.get("alt_text", ""),
        credit=values.get("credit", ""),
        creator=join_names(creators),
        copyright_notice=values.get("copyright_notice", ""),
        source=values.get("source", ""),
        creators=tuple(creators),
        headline=values.get("headline", ""),
        keywords=tuple(values.get("keywords", ())),
        date_created=values.get("date_created"),
        location=values.get("location", ""),
        # Special instructions by the newest source; XMP usage terms have no IIM counterpart.
        usage_terms=_join_terms(values.get("instructions", ""), xmp.get("terms", "")),
        languages=languages,
    )


def with_sidecar(found: PhotoMetadata, packet: bytes) -> PhotoMetadata:
    """``found`` with what an XMP sidecar file says (``DSC_0001.xmp`` beside ``DSC_0001.JPG``, as
    Photo Mechanic, Lightroom and darktable write it): the sidecar is the photographer's latest
    word, so each value it has wins; what it lacks stays as the file says."""
    side = read_xmp(packet)
    if not side:
        return found
    creators = tuple(name for name in side.get("creators", ()) if not _no_name(name)) or found.creators
    named = {entry[0] for entry in side.get("languages", ())}
    return replace(
        found,
        caption=side.get("caption") or found.caption,
        alt_text=side.get("alt_text") or found.alt_text,
        credit=side.get("credit") or found.credit,
        creators=creators,
        creator=join_names(creators),
        copyright_notice=side.get("copyright_notice") or found.copyright_notice,
        source=side.get("source") or found.source,
        headline=side.get("headline") or found.headline,
        keywords=side.get("keywords") or found.keywords,
        date_created=side.get("date_created") or found.date_created,
        location=side.get("location") or found.location,
        usage_terms=_join_terms(side.get("instructions", ""), side.get("terms", "")) or found.usage_terms,
        languages=(
            *side.get("languages", ()),
            *(entry for entry in found.languages if entry[0] not in named and not side.get(entry[0])),
        ),
    )
