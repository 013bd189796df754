"""Photo handling: one validation path for every upload, metadata in, renditions out.

Every way a photo comes in (admin upload, bulk ingest, wire import) goes through
``inspect_upload``; the public only ever sees renditions re-encoded from pixels
by ``render``, so no EXIF GPS, camera serial, maker note, XMP or IPTC block
survives, and the original file is never served.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps

from . import metadata
from .metadata import PhotoMetadata

# The formats we decode. SVG and everything else is refused before Pillow sees it.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "AVIF")
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "AVIF": ".avif"}

# Markup that must never ride inside a file we keep: polyglots that a browser could sniff as HTML or SVG.
_MARKUP = re.compile(rb"<\s*(script|html|body|svg|iframe|object|embed|!doctype)\b|javascript:", re.IGNORECASE)


class ImageRejected(ValidationError):
    """A file refused by the photo desk; the message says why in the user's language."""


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


def _open_without_global_limits(data: bytes) -> PILImage.Image:
    """Identify the file among the allowed formats only, without decoding its pixels.

    Pillow's own bomb check raises before we can say which dimensions were refused;
    our own limit is applied by the caller with a message naming them.
    """
    PILImage.init()
    prefix = data[:16]
    for name in ALLOWED_FORMATS:
        if name not in PILImage.OPEN:
            continue
        factory, accept = PILImage.OPEN[name]
        if accept is not None and not accept(prefix):
            continue
        try:
            return factory(io.BytesIO(data), "")
        except (SyntaxError, OSError, ValueError, IndexError, TypeError, EOFError):
            continue
    raise ImageRejected(
        _("This file is not a photo we accept. Upload a JPEG, PNG, WebP or AVIF image."),
        code="format",
    )


def inspect_upload(data: bytes) -> InspectedImage:
    """Check an uploaded file completely; raise ImageRejected with a clear message if it is refused."""
    if not data:
        raise ImageRejected(_("The file is empty."), code="empty")
    limit = max_bytes()
    if len(data) > limit:
        raise ImageRejected(
            _("The file is too large: %(size).1f MB (at most %(limit)d MB).")
            % {"size": len(data) / 1024 / 1024, "limit": limit // 1024 // 1024},
            code="file_size",
        )
    if _MARKUP.search(data):
        raise ImageRejected(
            _("The file contains web page code (HTML or script) and was refused."),
            code="markup",
        )
    image = _open_without_global_limits(data)
    width, height = image.size
    frames = getattr(image, "n_frames", 1) or 1
    if width <= 0 or height <= 0:
        raise ImageRejected(_("This image has no pixels."), code="empty")
    if width * height * frames > max_pixels():
        raise ImageRejected(
            _("The image is too large: %(width)d×%(height)d pixels (at most %(limit)d megapixels).")
            % {"width": width, "height": height, "limit": max_pixels() // 1_000_000},
            code="pixels",
        )
    metadata = read_metadata(image)
    orientation = image.getexif().get(0x0112, 1)
    try:
        # Decode every byte (at reduced scale for JPEG) so truncated or corrupt files are caught now.
        if image.format == "JPEG":
            image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected(
            _("The image is damaged or incomplete and cannot be read."),
            code="corrupt",
        ) from exc
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return InspectedImage(format=image.format, width=width, height=height, frames=frames, metadata=metadata)


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
    """Decode only as much as the target width needs, apply EXIF orientation, convert to RGB."""
    image = _open_without_global_limits(data)
    if image.format == "JPEG":
        # JPEG can decode at 1/2, 1/4 or 1/8 scale: a 24 MP file is never fully decoded for 1280 px.
        width, height = image.size
        oriented_width = height if image.getexif().get(0x0112, 1) in (5, 6, 7, 8) else width
        scale = min(1.0, target_width / oriented_width)
        image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
    if image.width > target_width:
        # Resize once to the largest rendition; every smaller one is made from this copy.
        height = max(1, round(image.height * target_width / image.width))
        image = image.resize((target_width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
    return image


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
