"""Where web page code can hide in a photo, and whether it does.

A browser that sniffs a file's type reads markup in text, never in compressed pixels.
Scanning every byte of a photo refuses good files: random entropy-coded data spells
``<svg`` in about one 10 MB photo in fifty. So each container is walked and only its
metadata segments, text chunks and the bytes after the image's end are scanned; the
compressed image data is skipped. Renditions are re-encoded from pixels whatever the
scan finds, so the scan is a second line of defence, not the only one.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator

# Markup a browser could sniff as HTML or SVG, and XML entity declarations (an XMP packet
# declaring entities is an attack on XML parsers). A plist's «<!DOCTYPE plist …>» (Photoshop
# for Mac's print settings) is neither: only an HTML doctype is refused.
MARKUP = re.compile(
    rb"<\s*(script|html|body|svg|iframe|object|embed|!doctype\s+html|!entity)\b|javascript:",
    re.IGNORECASE,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks and boxes that carry compressed pixels: random bytes, never read as text.
_PNG_PIXELS = {b"IDAT", b"fdAT"}
_WEBP_PIXELS = {b"VP8 ", b"VP8L", b"ALPH", b"ANMF"}
_ISOBMFF_PIXELS = {b"mdat"}


def has_markup(data: bytes) -> bool:
    """True if web page code sits anywhere a browser or an editor could read it as text."""
    return any(MARKUP.search(part) for part in text_parts(data))


def text_parts(data: bytes) -> Iterator[bytes]:
    """The parts of ``data`` that are not compressed image data; the whole file for an unknown container."""
    if data.startswith(b"\xff\xd8"):
        yield from _jpeg_parts(data)
    elif data.startswith(PNG_SIGNATURE):
        yield from _png_parts(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        yield from _webp_parts(data)
    elif data[4:8] == b"ftyp":
        yield from _isobmff_parts(data)
    else:
        yield data


def _jpeg_parts(data: bytes) -> Iterator[bytes]:
    """A JPEG's segments, frame after frame (an MPO's frames follow one another), then its trailer.

    Walked in a loop, never by recursion: a file of thousands of empty frames is a few kilobytes.
    """
    start = 0
    while True:
        end = yield from _frame_parts(data, start, descend=True)
        if end >= len(data):
            return
        if data.startswith(b"\xff\xd8", end):
            start = end  # the next frame of a multi-picture file, walked the same way
            continue
        yield from _trailer_parts(data[end:])
        return


def _frame_parts(data: bytes, start: int, *, descend: bool) -> Generator[bytes, None, int]:
    """The segments of the JPEG frame starting at ``start``; returns where the frame ends.

    With ``descend``, a JPEG inside an APPn segment (an EXIF thumbnail, a maker note's preview)
    is walked as well, its compressed pixels skipped; inside that one, no further.
    """
    size, pos = len(data), start + 2
    while pos < size:
        if data[pos] != 0xFF:
            # Not a marker where one must be: nothing here is image data we understand.
            yield data[pos:]
            return size
        if pos + 1 >= size:
            return size
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker == 0xD9:  # end of image
            return pos + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            pos += 2
            continue
        if pos + 4 > size:
            yield data[pos:]
            return size
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        payload = data[pos + 4 : pos + 2 + length]
        if descend and 0xE0 <= marker <= 0xEF:
            yield from _segment_parts(payload)
        else:
            yield payload
        pos += 2 + length
        if marker == 0xDA:
            pos = _end_of_scan(data, pos)
    return size


def embedded_parts(payload: bytes) -> Iterator[bytes]:
    """A metadata block's bytes (EXIF wherever it is kept), the pixels of JPEGs inside it skipped."""
    return _segment_parts(payload)


def _segment_parts(payload: bytes) -> Iterator[bytes]:
    """An APPn segment's bytes, with the compressed pixels of any JPEG inside it skipped: every
    camera writes an EXIF thumbnail, some a larger preview in their maker note."""
    pos = 0
    while (at := payload.find(b"\xff\xd8\xff", pos)) >= 0:
        yield payload[pos:at]
        pos = yield from _frame_parts(payload, at, descend=False)
    yield payload[pos:]


# Samsung's motion photos put this marker between the photo and its video; Google's put the video
# right after the photo's end.
_MOTION_PHOTO = b"MotionPhoto_Data"


def _trailer_parts(rest: bytes) -> Iterator[bytes]:
    """What follows a JPEG's end: a motion photo's MP4 is walked box by box (its compressed video
    skipped, as a photo's pixels are), anything else scanned whole."""
    if rest.startswith(_MOTION_PHOTO) and rest[len(_MOTION_PHOTO) + 4 : len(_MOTION_PHOTO) + 8] == b"ftyp":
        yield rest[: len(_MOTION_PHOTO)]
        yield from _isobmff_parts(rest[len(_MOTION_PHOTO) :])
    elif rest[4:8] == b"ftyp":
        yield from _isobmff_parts(rest)
    else:
        yield rest


def _end_of_scan(data: bytes, pos: int) -> int:
    """The position of the first marker after entropy-coded data (stuffed bytes and restarts skipped)."""
    size = len(data)
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= size:
            return size
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos += 2
        elif following == 0xFF:
            pos += 1
        else:
            return pos


def _png_parts(data: bytes) -> Iterator[bytes]:
    size, pos = len(data), len(PNG_SIGNATURE)
    while pos + 8 <= size:
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 8 + length + 4
        if kind == b"eXIf":
            yield from _segment_parts(data[pos + 8 : min(end - 4, size)])
        elif kind not in _PNG_PIXELS:
            yield data[pos + 8 : min(end - 4, size)]
        pos = end
        if kind == b"IEND":
            break
    if pos < size:
        yield data[pos:]


def _webp_parts(data: bytes) -> Iterator[bytes]:
    end_of_riff = min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    pos = 12
    while pos + 8 <= end_of_riff:
        kind = data[pos : pos + 4]
        length = int.from_bytes(data[pos + 4 : pos + 8], "little")
        if kind == b"EXIF":
            yield from _segment_parts(data[pos + 8 : pos + 8 + length])
        elif kind not in _WEBP_PIXELS:
            yield data[pos + 8 : pos + 8 + length]
        pos += 8 + length + (length & 1)
    if pos < len(data):
        yield data[max(pos, end_of_riff) :]


def _isobmff_parts(data: bytes) -> Iterator[bytes]:
    """HEIF and AVIF: every top-level box but the media data (metadata items there are read decoded)."""
    size, pos = len(data), 0
    while pos + 8 <= size:
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        header = 8
        if length == 1 and pos + 16 <= size:
            length, header = int.from_bytes(data[pos + 8 : pos + 16], "big"), 16
        elif length == 0:
            length = size - pos
        if length < header:
            yield data[pos:]
            return
        if kind not in _ISOBMFF_PIXELS:
            yield data[pos + header : pos + length]
        pos += length
