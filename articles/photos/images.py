"""Photo handling: one validation path for every upload, metadata in, renditions out.

Every way a photo comes in (admin upload, bulk ingest, wire import) goes through
``inspect_upload``; the public only ever sees renditions re-encoded from pixels
by ``render``, so no EXIF GPS, camera serial, maker note, XMP or IPTC block
survives, and the original file is never served.
"""

from __future__ import annotations

import io
import logging
import struct
import zlib
from dataclasses import dataclass, field, replace
from pathlib import PurePath

import pillow_heif
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps

from ..stories.text import clean_text
from . import colour, markup, metadata
from .metadata import PhotoMetadata

logger = logging.getLogger(__name__)

# HEIC/HEIF (the iPhone's own format) is read by pillow-heif's plugin for Pillow.
pillow_heif.register_heif_opener()

# The formats we decode. SVG and everything else is refused before Pillow sees it.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "AVIF", "HEIF")
# An MPO (iPhone HDR and portrait photos, cameras' MPF previews) is a JPEG followed by more
# frames: we keep it whole and use its first frame, so it is stored and counted as a JPEG.
SAME_AS = {"MPO": "JPEG"}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "AVIF": ".avif", "HEIF": ".heic"}
# Formats whose extra frames are other views of one photo (not an animation): only the first counts.
_FIRST_FRAME_ONLY = {"MPO", "HEIF"}

# What Pillow and its plugins raise on a file they cannot read: damaged or oversized chunks,
# truncated data, bad tables, decompression bombs. Each becomes a refusal, never a server error.
READ_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
    zlib.error,
    MemoryError,
    RecursionError,
    PILImage.DecompressionBombError,
)


class ImageRejected(ValidationError):
    """A file refused by the photo desk; the message says why in the user's language.

    ``reason`` is the why alone; the message names the file as well when its name is known.
    """

    def __init__(self, message, code=None, params=None, *, name: str = ""):
        self.reason = str(message)
        self.file_name = display_name(name)
        if self.file_name:
            message = _("«%(name)s» was refused: %(reason)s") % {"name": self.file_name, "reason": self.reason}
        super().__init__(message, code=code, params=params)

    def for_file(self, name: str) -> ImageRejected:
        if not name or self.file_name:
            return self
        return ImageRejected(self.reason, code=self.code, name=name)


def display_name(name: str) -> str:
    """The uploader's file name, without its folders or direction controls, short enough to quote."""
    base = clean_text(PurePath(str(name or "").replace("\\", "/")).name) or ""
    return base if len(base) <= 80 else f"{base[:77]}…"


@dataclass(frozen=True)
class InspectedImage:
    format: str
    width: int  # after EXIF orientation
    height: int
    frames: int
    metadata: PhotoMetadata = field(default_factory=PhotoMetadata)

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def max_pixels() -> int:
    return int(float(getattr(settings, "IMAGE_MAX_MEGAPIXELS", 40)) * 1_000_000)


def max_bytes() -> int:
    return int(float(getattr(settings, "IMAGE_MAX_UPLOAD_MB", 25)) * 1024 * 1024)


def damaged(exc: BaseException | None = None) -> ImageRejected:
    if isinstance(exc, PILImage.DecompressionBombError):
        return ImageRejected(
            _("The image has more pixels than we can safely decode (at most %(limit)d megapixels).")
            % {"limit": max_pixels() // 1_000_000},
            code="pixels",
        )
    return ImageRejected(_("The image is damaged or incomplete and cannot be read."), code="corrupt")


def _open_without_global_limits(data: bytes) -> PILImage.Image:
    """Identify the file among the allowed formats only, without decoding its pixels.

    Pillow's own bomb check raises before we can say which dimensions were refused;
    our own limit is applied by the caller with a message naming them.
    """
    PILImage.init()
    prefix = data[:16]
    recognised = None
    for name in ALLOWED_FORMATS:
        if name not in PILImage.OPEN:
            continue
        factory, accept = PILImage.OPEN[name]
        if accept is not None and not accept(prefix):
            continue
        try:
            return factory(io.BytesIO(data), "")
        except READ_ERRORS as exc:
            recognised = recognised or exc
            continue
    if recognised is not None:
        # The signature is a photo's, its headers are not: damaged, not the wrong kind of file.
        raise damaged(recognised) from recognised
    raise ImageRejected(
        _("This file is not a photo we accept. Upload a JPEG, PNG, WebP, AVIF or HEIC image."),
        code="format",
    )


def inspect_upload(data: bytes, *, name: str = "") -> InspectedImage:
    """Check an uploaded file completely; raise ImageRejected with a clear message if it is refused.

    This is the boundary of the reading path: whatever Pillow or a plugin raises while the
    file is identified, its metadata read or its pixels decoded becomes an ImageRejected
    naming the file.
    """
    try:
        return _inspect(data)
    except ImageRejected as refused:
        raise refused.for_file(name) from None
    except READ_ERRORS as exc:
        # The editor reads the refusal; the log keeps what Pillow said, for whoever looks into the file.
        logger.warning("Photo %r refused as unreadable: %r", display_name(name), exc, exc_info=exc)
        raise damaged(exc).for_file(name) from exc


def _inspect(data: bytes) -> InspectedImage:
    if not data:
        raise ImageRejected(_("The file is empty."), code="empty")
    limit = max_bytes()
    if len(data) > limit:
        raise ImageRejected(
            _("The file is too large: %(size).1f MB (at most %(limit)d MB).")
            % {"size": len(data) / 1024 / 1024, "limit": limit // 1024 // 1024},
            code="file_size",
        )
    if markup.has_markup(data):
        raise _markup_refusal()
    image = _open_without_global_limits(data)
    width, height = image.size
    frames = 1 if image.format in _FIRST_FRAME_ONLY else (getattr(image, "n_frames", 1) or 1)
    if width <= 0 or height <= 0:
        raise ImageRejected(_("This image has no pixels."), code="empty")
    if width * height * frames > max_pixels():
        raise ImageRejected(
            _("The image is too large: %(width)d×%(height)d pixels (at most %(limit)d megapixels).")
            % {"width": width, "height": height, "limit": max_pixels() // 1_000_000},
            code="pixels",
        )
    # Text that Pillow decoded for us (compressed PNG text, HEIF's XMP and EXIF items) is scanned too.
    if any(markup.MARKUP.search(value) for value in _info_texts(image)):
        raise _markup_refusal()
    orientation = image.getexif().get(0x0112, 1)
    # Decode every byte (at reduced scale for JPEG) so truncated or corrupt files are caught now,
    # before the metadata reader (which tolerates a damaged text chunk) touches the pixels.
    if image.format in ("JPEG", "MPO"):
        image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
    image.load()
    metadata = read_metadata(image)
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    fmt = SAME_AS.get(image.format, image.format)
    return InspectedImage(format=fmt, width=width, height=height, frames=frames, metadata=metadata)


def with_sidecar(inspected: InspectedImage, packet: bytes, *, name: str = "") -> InspectedImage:
    """The checked photo with its XMP sidecar's metadata; a sidecar holding web page code refuses the photo."""
    if markup.MARKUP.search(packet):
        raise _markup_refusal().for_file(name)
    return replace(inspected, metadata=metadata.with_sidecar(inspected.metadata, packet))


def _markup_refusal() -> ImageRejected:
    return ImageRejected(_("The file contains web page code (HTML or script) and was refused."), code="markup")


def _info_texts(image: PILImage.Image):
    for key, value in image.info.items():
        if key == "icc_profile":
            continue
        if key == "exif" and isinstance(value, bytes):
            # A camera's EXIF carries a JPEG thumbnail: its compressed pixels are not text.
            yield from markup.embedded_parts(value)
        elif isinstance(value, str):
            yield value.encode("utf-8", "replace")
        elif isinstance(value, bytes):
            yield value


# --- Metadata -----------------------------------------------------------------
# All reading of IPTC, XMP and EXIF lives in metadata.py; these names stay for the callers.


def _read_iptc(image: PILImage.Image) -> dict[str, str]:
    iim, _digest = metadata.iim_block(image)
    return metadata.read_iim(iim) if iim else {}


def _read_xmp(image: PILImage.Image) -> dict[str, str]:
    return metadata.read_xmp(metadata.xmp_packet(image))


def read_metadata(image: PILImage.Image) -> PhotoMetadata:
    return metadata.read_metadata(image)


# --- Renditions ---------------------------------------------------------------


def open_for_rendering(data: bytes, target_width: int) -> PILImage.Image:
    """Decode only as much as the target width needs: upright, in sRGB, with no metadata left.

    Raises ImageRejected (never a Pillow error) if the stored file cannot be decoded.
    """
    try:
        return _decode_for_rendering(data, target_width)
    except READ_ERRORS as exc:
        logger.warning("Stored photo could not be decoded for renditions: %r", exc, exc_info=exc)
        raise damaged(exc) from exc


def _decode_for_rendering(data: bytes, target_width: int) -> PILImage.Image:
    image = _open_without_global_limits(data)
    if image.format in ("JPEG", "MPO"):
        # JPEG can decode at 1/2, 1/4 or 1/8 scale: a 24 MP file is never fully decoded for 1280 px.
        width, height = image.size
        oriented_width = height if image.getexif().get(0x0112, 1) in (5, 6, 7, 8) else width
        scale = min(1.0, target_width / oriented_width)
        image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
    # A HEIC or AVIF may give its colour space as nclx codes (Display P3, BT.2020) instead of a profile.
    profile = image.info.get("icc_profile") or colour.icc_from_nclx(image.info.get("nclx_profile"))
    image = ImageOps.exif_transpose(image)
    image = to_srgb(image, profile)
    if image.width > target_width:
        # Resize once to the largest rendition; every smaller one is made from this copy.
        height = max(1, round(image.height * target_width / image.width))
        image = image.resize((target_width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
    # Renditions carry pixels only: no profile (sRGB is what browsers assume), EXIF, XMP or text.
    image.info = {}
    return image


# 16-bit greyscale to 8 bits: the top byte of each value (converting directly clips at 255: white).
_SIXTEEN_TO_EIGHT = [value >> 8 for value in range(65536)]


def to_srgb(image: PILImage.Image, profile: bytes | None) -> PILImage.Image:
    """``image`` as 8-bit RGB (RGBA if it has transparency), converted from its ICC profile to sRGB."""
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    target = "RGBA" if has_alpha else "RGB"
    grey_alpha = None
    if image.mode == "LA" and profile:
        # Grey with transparency under a grey profile (Photoshop's «Dot Gain 20%»): lcms converts
        # the grey alone, so the transparency is set aside and put back after.
        grey_alpha, image = image.getchannel("A"), image.getchannel("L")
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        image = image.convert("I").point(_SIXTEEN_TO_EIGHT, "L")
    elif image.mode == "P" or image.mode not in ("RGB", "RGBA", "CMYK", "L") or (has_alpha and grey_alpha is None):
        # Palette, grey with alpha, transparency given by a colour key: to RGBA (or RGB) first.
        image = image.convert(target)
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            output = "RGBA" if image.mode == "RGBA" else "RGB"
            image = ImageCms.profileToProfile(image, source, _srgb(), outputMode=output)
        except (ImageCms.PyCMSError, OSError, ValueError) as exc:
            # A damaged profile, or one for another colour space than the pixels': the pixels as they are.
            logger.warning("Embedded ICC profile not applied: %s", exc)
    if grey_alpha is not None:
        image = image.convert("RGB")
        image.putalpha(grey_alpha)
    if image.mode != target:
        image = image.convert(target)
    return image


def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def crop_box(size: tuple[int, int], ratio: tuple[int, int], focal: tuple[float, float]) -> tuple[int, int, int, int]:
    """The largest box of ``ratio`` inside ``size``, centred as near the focal point as it fits."""
    width, height = size
    want = ratio[0] / ratio[1]
    if width / height > want:
        crop_w, crop_h = round(height * want), height
    else:
        crop_w, crop_h = width, round(width / want)
    left = min(max(0, round(focal[0] * width - crop_w / 2)), width - crop_w)
    top = min(max(0, round(focal[1] * height - crop_h / 2)), height - crop_h)
    return left, top, left + crop_w, top + crop_h


def render(
    image: PILImage.Image,
    *,
    width: int,
    fmt: str,
    ratio: tuple[int, int] | None = None,
    focal: tuple[float, float] = (0.5, 0.5),
) -> tuple[bytes, int, int]:
    """Encode one rendition from pixels only (no metadata is copied); never upscales."""
    if ratio is not None:
        image = image.crop(crop_box(image.size, ratio, focal))
    width = min(width, image.size[0])
    height = max(1, round(image.size[1] * width / image.size[0]))
    if (width, height) != image.size:
        image = image.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
    buffer = io.BytesIO()
    if fmt == "jpeg":
        if image.mode != "RGB":
            image = _flatten(image)
        image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    elif fmt == "webp":
        image.save(buffer, "WEBP", quality=78, method=4)
    elif fmt == "avif":
        image.save(buffer, "AVIF", quality=60, speed=8)
    else:
        raise ValueError(f"unknown rendition format {fmt!r}")
    return buffer.getvalue(), width, height


def _flatten(image: PILImage.Image) -> PILImage.Image:
    background = PILImage.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
    return background
