"""Server-side HTML sanitising for story bodies (nh3, on write).

Whatever the editor, an import or a forged POST sends, only this allow-list is
stored: p, h2, h3, strong, em, a (http, https and mailto links only, given
``rel="noopener"``), blockquote (pull quotes) and lists. Direction controls are removed (the
marks U+200E/U+200F stay), and a body with no visible text is stored empty.
"""

import html
import re

import nh3
from django_prose_editor.fields import ProseEditorField

from .text import DIRECTION_CONTROLS, clean_text

ALLOWED_TAGS = frozenset({"p", "h2", "h3", "strong", "em", "a", "blockquote", "ul", "ol", "li"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener"

# The editor offers exactly what the sanitiser keeps.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel=LINK_REL,
    # Drop <script>/<style> with their content rather than keeping the text.
    clean_content_tags={"script", "style"},
    strip_comments=True,
)


# Tags the sanitiser removes whose edge separates words: a line break, a cell, a division. Their
# text stays, so a space keeps the words on either side apart («أخرى<br>سطر» is two words).
_WORD_BREAKS = re.compile(
    r"<\s*br\s*/?\s*>|<\s*/\s*(?:div|td|th|tr|dt|dd|section|article|figcaption)\s*>", re.IGNORECASE
)


def sanitize_html(markup: str | None) -> str:
    if not markup:
        return ""
    cleaned = _cleaner.clean(_WORD_BREAKS.sub(" ", markup)).translate(DIRECTION_CONTROLS).strip()
    # ProseMirror always sends at least one empty paragraph; that, or paragraphs holding only
    # spaces, zero-width characters or marks, is stored as empty.
    if not clean_text(html_text(cleaned)):
        return ""
    return cleaned


def html_text(markup: str) -> str:
    """The text of sanitised ``markup``, without its tags."""
    return html.unescape(nh3.clean(markup, tags=set()))


class SanitizedHTMLField(ProseEditorField):
    """A rich-text field that is sanitised every time it is written, whatever the caller."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config", {"extensions": EDITOR_EXTENSIONS})
        kwargs["sanitize"] = sanitize_html
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
