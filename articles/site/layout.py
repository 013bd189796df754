"""Lays a story out: its (already sanitised) body split into blocks with photos placed between paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe

VOID_ELEMENTS = frozenset({"br", "hr", "img"})
_NEWLINE = re.compile("\n")


class _TopLevelBlocks(HTMLParser):
    """Records where each top-level element of a fragment ends, and whether it is a paragraph."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.ends: list[tuple[int, bool]] = []  # (offset just after the element, is a paragraph)
        self.line_starts = [0, *(match.end() for match in _NEWLINE.finditer(html))]
        self.html = html

    def handle_starttag(self, tag, attrs):
        if tag not in VOID_ELEMENTS:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        self.depth = max(0, self.depth - 1)
        if self.depth == 0:
            line, column = self.getpos()
            tag_start = self.line_starts[line - 1] + column
            self.ends.append((self.html.index(">", tag_start) + 1, tag == "p"))


@dataclass(frozen=True)
class Block:
    html: SafeString | None = None
    placement: object | None = None


def body_blocks(body: str, placements) -> tuple[list[Block], list]:
    """The body as blocks with in-body photos after their paragraph, and the photos left for the gallery.

    ``body`` must be sanitised HTML (it is, on every write); a placement asking for a
    paragraph beyond the last one goes to the end of the body.
    """
    placements = list(placements)
    inline = sorted((p for p in placements if p.after_paragraph), key=lambda p: (p.after_paragraph, p.position, p.pk))
    gallery = [p for p in placements if not p.after_paragraph]
    if not body:
        return [Block(placement=p) for p in inline], gallery
    parser = _TopLevelBlocks(body)
    parser.feed(body)
    parser.close()
    blocks, start, paragraph = [], 0, 0
    pending = list(inline)
    for end, is_paragraph in parser.ends:
        blocks.append(Block(html=mark_safe(body[start:end])))  # noqa: S308 - the body is sanitised on write
        start = end
        if is_paragraph:
            paragraph += 1
            while pending and pending[0].after_paragraph <= paragraph:
                blocks.append(Block(placement=pending.pop(0)))
    if body[start:].strip():
        blocks.append(Block(html=mark_safe(body[start:])))  # noqa: S308 - the body is sanitised on write
    blocks.extend(Block(placement=p) for p in pending)
    return blocks, gallery
