"""Agency text made ours: HTML reduced to what a story keeps, plain text as paragraphs, bylines
split into people (an affiliation after a comma stays with its person), the dateline first."""

from __future__ import annotations

import html
import re

import nh3

from ..stories.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from . import dialects

_BREAK = re.compile(r"<\s*/?\s*br\s*/?\s*>", re.IGNORECASE)
_RENAMED_TAG = re.compile(r"<(/?)\s*(b|i|h4|h5|h6)(\s[^>]*)?>", re.IGNORECASE)
_RENAMES = {"b": "strong", "i": "em", "h4": "h3", "h5": "h3", "h6": "h3"}
_BLOCK = re.compile(r"<(p|h2|h3|ul|ol|blockquote)\b", re.IGNORECASE)

# A first pass that keeps the allow-list and drops whole elements that are not body text: the
# page's <head> and <title>, the <h1> that repeats the headline, figures and scripts. The
# story's field sanitises again on save (articles/stories/sanitize.py), whatever this returns.
_preclean = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    clean_content_tags={"script", "style", "head", "title", "h1", "figure", "noscript", "template", "iframe"},
    link_rel=None,
    strip_comments=True,
)


def prepare_html(markup: str) -> str:
    """An agency's HTML body reduced to the paragraphs, headings, lists and links we keep."""
    markup = _BREAK.sub(" ", markup)
    markup = _RENAMED_TAG.sub(lambda m: f"<{m.group(1)}{_RENAMES[m.group(2).lower()]}>", markup)
    cleaned = " ".join(_preclean.clean(markup).split())
    if cleaned and not _BLOCK.search(cleaned):
        return f"<p>{cleaned}</p>"
    return cleaned


def text_to_html(text: str) -> str:
    """Plain text as escaped paragraphs: blank lines separate paragraphs (single lines when there are none)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    return "".join(f"<p>{html.escape(' '.join(block.split()), quote=False)}</p>" for block in blocks if block.strip())


def html_to_text(markup: str) -> str:
    return html.unescape(nh3.clean(_BREAK.sub(" ", markup), tags=set()))


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,،;؛.") + "…"


_BY_PREFIX = re.compile(r"^\s*(by|von|par|por|بقلم)[:\s]+", re.IGNORECASE)
_BY_SEPARATOR = re.compile(r"\s*(,|،|;|؛|&|\band\b)\s*", re.IGNORECASE)


def byline_names(by: str) -> list[str]:
    """«By Paulo Santalucia and Frances d'Emilio» → two names. Arabic «و» is never split: it starts names too.

    A comma before an affiliation keeps it with the person: «Ahmad Salem, Cairo University» and
    «ليلى حداد، مراسلة الشؤون الاقتصادية» are one byline each (dialects.is_affiliation).
    """
    parts = _BY_SEPARATOR.split(_BY_PREFIX.sub("", by))
    names: list[str] = []
    joined_last = False
    for index in range(0, len(parts), 2):
        name = parts[index].strip()
        separator = parts[index - 1] if index else ""
        if not name:
            continue
        if names and separator in {",", "،"} and not joined_last and dialects.is_affiliation(name):
            names[-1] = f"{names[-1]}{separator} {name}"
            joined_last = True
            continue
        joined_last = False
        if name not in names:
            names.append(name)
    return names


def with_dateline(body: str, dateline: str) -> str:
    """The body opening with the dateline («القاهرة — …»), unless the agency's text already does."""
    if not dateline or not body:
        return body
    if html_to_text(body).lstrip().casefold().startswith(dateline.casefold()):
        return body
    opening = f"{html.escape(dateline, quote=False)} — "
    if body.startswith("<p>"):
        return f"<p>{opening}{body[3:]}"
    return f"<p>{opening.rstrip(' —')}</p>{body}"
