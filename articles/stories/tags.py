"""Tag parsing: the Arabic comma «،» separates tags exactly like «,».

taggit's parser splits on commas (or spaces when there is no comma) and keeps
quoted groups whole; we only teach it the Arabic comma, so multi-word Arabic
tags such as «الشرق الأوسط» stay whole.
"""

from taggit.utils import _edit_string_for_tags, _parse_tags

ARABIC_COMMA = "\u060c"


def parse_tags(tagstring: str | None) -> list[str]:
    if not tagstring:
        return []
    text = tagstring.replace(ARABIC_COMMA, ",")
    # A single tag with spaces and no comma is one multi-word tag in an
    # Arabic newsroom («الشرق الأوسط»), not one tag per word.
    if "," not in text and '"' not in text:
        text = text.strip()
        return [text] if text else []
    return _parse_tags(text)


def edit_string_for_tags(tags) -> str:
    return _edit_string_for_tags(tags).replace(", ", "، ") if tags else ""
