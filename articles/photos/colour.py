"""An ICC profile for a HEIC or AVIF that states its colour space as nclx codes instead of a profile.

Phones writing HEIC and AVIF (Android cameras, and browsers' AVIF encoders) often give their wide
colour space (Display P3, BT.2020) only as CICP codes in an ``nclx`` colour box: primaries and a
transfer function, no ICC profile. Without a profile the pixels would be taken as sRGB and a
Display P3 photo would look dull. lcms converts from ICC profiles only, so the codes are turned
into a small ICC v2 matrix/curve profile here: the primaries adapted to D50 (Bradford), as ICC
requires, and the transfer function as a sampled curve. HDR transfers (PQ, HLG) need tone
mapping, not a profile: they are left alone, as are codes that already mean sRGB.
"""

from __future__ import annotations

import struct

# Transfer characteristics (ITU-T H.273) and what decodes them to linear light.
_SRGB, _BT709, _LINEAR, _GAMMA22, _GAMMA28 = 13, (1, 6, 14, 15), 8, 4, 5
_UNSPECIFIED = 2
_D50 = (0.9642, 1.0, 0.8249)
_BRADFORD = ((0.8951, 0.2664, -0.1614), (-0.7502, 1.7135, 0.0367), (0.0389, -0.0685, 1.0296))
_CURVE_POINTS = 1024


def icc_from_nclx(nclx) -> bytes | None:
    """An ICC profile for the nclx box pillow-heif reads (``image.info["nclx_profile"]``), or None
    when the codes mean sRGB, are unspecified, or describe HDR."""
    if not isinstance(nclx, dict):
        return None
    primaries, transfer = nclx.get("color_primaries"), nclx.get("transfer_characteristics")
    decode = _transfer(transfer if transfer != _UNSPECIFIED else _SRGB)
    if decode is None or (primaries in (None, 1, _UNSPECIFIED) and transfer in (_SRGB, _UNSPECIFIED, *_BT709)):
        return None
    try:
        xy = [
            (float(nclx[f"color_primary_{colour}_x"]), float(nclx[f"color_primary_{colour}_y"]))
            for colour in ("red", "green", "blue", "white")
        ]
        columns = _rgb_to_xyz_d50(xy)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return _profile(columns, [decode(n / (_CURVE_POINTS - 1)) for n in range(_CURVE_POINTS)])


def _transfer(code):
    if code == _SRGB:
        return lambda v: v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    if code in _BT709:
        return lambda v: v / 4.5 if v < 0.081 else ((v + 0.099) / 1.099) ** (1 / 0.45)
    if code == _LINEAR:
        return lambda v: v
    if code == _GAMMA22:
        return lambda v: v**2.2
    if code == _GAMMA28:
        return lambda v: v**2.8
    return None


def _xyz(x: float, y: float) -> list[float]:
    return [x / y, 1.0, (1 - x - y) / y]


def _mul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)] for i in range(3)]


def _apply(m, v):
    return [sum(m[i][k] * v[k] for k in range(3)) for i in range(3)]


def _inverse(m):
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return [
        [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
        [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
        [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
    ]


def _rgb_to_xyz_d50(xy) -> list[list[float]]:
    """The XYZ (D50) of the red, green and blue primaries at full intensity: the profile's columns."""
    red, green, blue, white = (_xyz(*point) for point in xy)
    primaries = [[red[i], green[i], blue[i]] for i in range(3)]
    scale = _apply(_inverse(primaries), white)
    to_xyz = [[primaries[i][j] * scale[j] for j in range(3)] for i in range(3)]
    source, target = _apply(_BRADFORD, white), _apply(_BRADFORD, list(_D50))
    cone = [[target[i] / source[i] if i == j else 0.0 for j in range(3)] for i in range(3)]
    adapt = _mul(_inverse(_BRADFORD), _mul(cone, _BRADFORD))
    to_d50 = _mul(adapt, to_xyz)
    return [[to_d50[i][column] for i in range(3)] for column in range(3)]


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz_tag(values) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in values)


def _profile(columns, curve_values) -> bytes:
    name = b"Colour space from nclx\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(name)) + name + b"\0" * 8 + b"\0" * 3 + b"\0" * 67
    curve = b"curv\0\0\0\0" + struct.pack(">I", len(curve_values))
    curve += b"".join(struct.pack(">H", min(65535, max(0, round(v * 65535)))) for v in curve_values)
    tags = [
        (b"desc", desc),
        (b"wtpt", _xyz_tag(_D50)),
        (b"rXYZ", _xyz_tag(columns[0])),
        (b"gXYZ", _xyz_tag(columns[1])),
        (b"bXYZ", _xyz_tag(columns[2])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text\0\0\0\0No copyright\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = struct.pack(">I", len(tags)), b""
    for signature, data in tags:
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    size = offset + len(body)
    header = (
        struct.pack(">I", size)
        + b"\0\0\0\0"
        + bytes([2, 0x10, 0, 0])
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + b"".join(_s15(v) for v in _D50)
        + b"\0" * 48
    )
    return header + table + body
