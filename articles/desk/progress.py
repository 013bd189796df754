"""A progress bar for management commands, drawn only when the output is a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], *, total: int, label: str = "", stream: TextIO | None = None) -> Iterator[T]:
    stream = stream or sys.stderr
    draw = total > 0 and hasattr(stream, "isatty") and stream.isatty()
    for done, item in enumerate(items, start=1):
        yield item
        if draw:
            filled = int(30 * done / total)
            stream.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
            stream.flush()
    if draw:
        stream.write("\n")
        stream.flush()
