"""Rendition speed on a camera-size photo, against plain Pillow in the same run.

    .venv/bin/python bench/renditions.py [PATH_TO_JPEG] [--repeat N]

Baseline: Image.open + resize to 1280 px + JPEG save (what a naive thumbnailer does).
Ours: articles.photos.images (draft decoding, EXIF orientation, pixel-only re-encode) for the
same single 1280 px JPEG, and for the whole allow-listed set a photo gets at upload.
Prints medians and ratios; nothing here asserts a time.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from PIL import Image  # noqa: E402

from articles.models import RENDITION_RATIOS, RENDITION_WIDTHS  # noqa: E402
from articles.photos import images  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "samples" / "images" / "good" / "large_24mp.jpg"


def synthetic_photo() -> bytes:
    image = Image.radial_gradient("L").resize((6000, 4000)).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def median_time(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def plain_pillow(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    width = 1280
    image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    image.save(io.BytesIO(), "JPEG", quality=82)


def ours_single(data: bytes) -> None:
    pixels = images.open_for_rendering(data, 1280)
    images.render(pixels, width=1280, fmt="jpeg")


def ours_full_set(data: bytes) -> int:
    pixels = images.open_for_rendering(data, 1920)
    count = 0
    for kind, ratio in RENDITION_RATIOS.items():
        for width in RENDITION_WIDTHS[kind]:
            for fmt in settings.IMAGE_RENDITION_FORMATS:
                images.render(pixels, width=width, fmt=fmt, ratio=ratio)
                count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    path = Path(args.path)
    data = path.read_bytes() if path.exists() else synthetic_photo()
    source = path.name if path.exists() else "synthetic 6000×4000 JPEG"
    with Image.open(io.BytesIO(data)) as probe:
        size = f"{probe.width}×{probe.height}"
    baseline = median_time(lambda: plain_pillow(data), args.repeat)
    single = median_time(lambda: ours_single(data), args.repeat)
    full = median_time(lambda: ours_full_set(data), max(1, args.repeat // 2))
    files = ours_full_set(data)
    print(f"source: {source} ({size}, {len(data) / 1e6:.1f} MB), median of {args.repeat} runs")
    print(f"plain Pillow open+resize+save, 1280 px JPEG : {baseline * 1000:8.1f} ms")
    print(f"articles.photos.images, 1280 px JPEG : {single * 1000:8.1f} ms  ({baseline / single:.1f}× faster)")
    print(
        f"articles.photos.images, full upload set ({files} files, {'+'.join(settings.IMAGE_RENDITION_FORMATS)}): "
        f"{full * 1000:8.1f} ms  ({full / baseline:.2f}× one plain resize)"
    )


if __name__ == "__main__":
    main()
