"""Photo files as cameras, phones and photo software write them, made by the tests themselves.

Pillow writes MPO and CMYK JPEGs, pillow-heif writes HEIC; ICC profiles are written here
byte by byte (a matrix/curve RGB profile, ICC v2) and checked by ImageCms before use.
"""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
from PIL import Image as PILImage
from PIL import ImageCms

pillow_heif.register_heif_opener()

# Primaries adapted to D50, as the ICC profiles Apple and Adobe ship give them.
DISPLAY_P3 = ((0.5151, 0.2412, -0.0011), (0.2920, 0.6922, 0.0419), (0.1571, 0.0666, 0.7841))
ADOBE_RGB = ((0.6097, 0.3111, 0.0195), (0.2053, 0.6257, 0.0609), (0.1492, 0.0632, 0.7446))
D50 = (0.9642, 1.0, 0.8249)


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(values) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in values)


def _pad(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def rgb_profile(primaries, *, gamma: float = 2.2, name: str = "Test RGB") -> bytes:
    """An ICC v2 display profile: three primaries, a D50 white point and one gamma curve."""
    ascii_name = name.encode() + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(ascii_name)) + ascii_name + b"\0" * 8 + b"\0" * 3 + b"\0" * 67
    curve = b"curv\0\0\0\0" + struct.pack(">I", 1) + struct.pack(">H", round(gamma * 256))
    tags = [
        (b"desc", desc),
        (b"wtpt", _xyz(D50)),
        (b"rXYZ", _xyz(primaries[0])),
        (b"gXYZ", _xyz(primaries[1])),
        (b"bXYZ", _xyz(primaries[2])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text\0\0\0\0" + b"No copyright\0"),
    ]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table, body = struct.pack(">I", len(tags)), b""
    for signature, data in tags:
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += _pad(data)
    size = 128 + table_size + len(body)
    header = (
        struct.pack(">I", size)
        + b"\0\0\0\0"
        + bytes([2, 0x10, 0, 0])
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + b"".join(_s15(v) for v in D50)
        + b"\0" * 48
    )
    assert len(header) == 128
    profile = header + table + body
    ImageCms.ImageCmsProfile(io.BytesIO(profile))  # lcms must accept it, or the test is meaningless
    return profile


def grey_profile(*, gamma: float = 1.8, name: str = "Test Grey") -> bytes:
    """An ICC v2 grey display profile: a D50 white point and one gamma curve (as «Dot Gain» profiles)."""
    ascii_name = name.encode() + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(ascii_name)) + ascii_name + b"\0" * 8 + b"\0" * 3 + b"\0" * 67
    curve = b"curv\0\0\0\0" + struct.pack(">I", 1) + struct.pack(">H", round(gamma * 256))
    tags = [(b"desc", desc), (b"wtpt", _xyz(D50)), (b"kTRC", curve), (b"cprt", b"text\0\0\0\0No copyright\0")]
    offset = 128 + 4 + 12 * len(tags)
    table, body = struct.pack(">I", len(tags)), b""
    for signature, data in tags:
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += _pad(data)
    header = (
        struct.pack(">I", offset + len(body))
        + b"\0\0\0\0"
        + bytes([2, 0x10, 0, 0])
        + b"mntrGRAYXYZ "
        + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + b"".join(_s15(v) for v in D50)
        + b"\0" * 48
    )
    profile = header + table + body
    ImageCms.ImageCmsProfile(io.BytesIO(profile))
    return profile


def in_srgb(color: tuple[int, int, int], profile: bytes) -> tuple[int, int, int]:
    """What ``color``, written in ``profile``'s colour space, is in sRGB (computed by lcms)."""
    pixel = PILImage.new("RGB", (1, 1), color)
    converted = ImageCms.profileToProfile(
        pixel, ImageCms.ImageCmsProfile(io.BytesIO(profile)), ImageCms.createProfile("sRGB")
    )
    return converted.getpixel((0, 0))


def flat(color, *, size=(96, 64), mode="RGB") -> PILImage.Image:
    return PILImage.new(mode, size, color)


def encode(image: PILImage.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def mpo(first=(200, 30, 30), second=(30, 200, 30), size=(96, 64)) -> bytes:
    """A two-frame MPO, as an iPhone portrait or a camera with an MPF preview writes it."""
    return encode(flat(first, size=size), "MPO", save_all=True, append_images=[flat(second, size=size)])


def heic(color=(200, 30, 30), size=(96, 64)) -> bytes:
    return encode(flat(color, size=size), "HEIF", quality=95)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_chunk(kind: bytes, data: bytes, *, size=(96, 64)) -> bytes:
    """A PNG with an extra chunk placed before its image data."""
    png = encode(flat((90, 120, 150), size=size), "PNG")
    at = png.index(b"IDAT") - 4
    return png[:at] + png_chunk(kind, data) + png[at:]


def jpeg_with_segment(marker: int, payload: bytes, *, color=(90, 120, 150), size=(96, 64)) -> bytes:
    """A JPEG with one more segment (APPn or COM) right after its start."""
    jpeg = encode(flat(color, size=size), "JPEG", quality=90)
    segment = bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def photoshop_mac_block() -> bytes:
    """An APP13 Photoshop block carrying a print-settings plist, as Photoshop for Mac saves it."""
    plist = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
        b'<plist version="1.0"><dict><key>com.apple.print.PageFormat.PMHorizontalRes</key>'
        b"<real>72</real></dict></plist>\n"
    )
    plist += b"\0" * (len(plist) % 2)
    resource = b"8BIM" + struct.pack(">H", 0x0421) + b"\0\0" + struct.pack(">I", len(plist)) + plist
    return b"Photoshop 3.0\0" + resource


def scan_data_span(jpeg: bytes) -> tuple[int, int]:
    """Where the first scan's entropy-coded data starts and ends in a baseline JPEG."""
    sos = jpeg.index(b"\xff\xda")
    start = sos + 2 + struct.unpack(">H", jpeg[sos + 2 : sos + 4])[0]
    return start, jpeg.rindex(b"\xff\xd9")


def with_markup_in_pixels(jpeg: bytes, text: bytes = b"<svg ") -> bytes:
    """The JPEG with ``text`` written into its compressed pixels, as random data sometimes spells it."""
    start, end = scan_data_span(jpeg)
    at = (start + end) // 2
    # Keep clear of a stuffed 0xFF00 pair so the stream's markers stay where they are.
    while b"\xff" in jpeg[at - 1 : at + len(text) + 1]:
        at += 1
    return jpeg[:at] + text + jpeg[at + len(text) :]
