"""What a reader page shows in its own language, never Arabic passed off as English.

modeltranslation falls back to Arabic when a field has no English text
(``MODELTRANSLATION_FALLBACK_LANGUAGES``): right for the admin, wrong for a reader of an
English page, who would meet an Arabic subheading, caption or correction as if it were the
story's English. Reader pages, feeds and head elements read texts through here instead:

- a story's or photo's text (dek, body, caption, alt text, correction note) is the page
  language's own field, or nothing (``own``);
- a tag without a name in the page's language is not shown (``shown_tags``); its page there is
  a 404 (``has_own_name``);
- a section, author or agency shown in HTML without a name in the page's language keeps its
  Arabic name, marked ``lang="ar" dir="rtl"`` (``name_html``); where no element can mark it
  (titles, attributes, JSON-LD, feeds) it is left out (``own_name``);
- a free-text byline has its English form when it is a common one («وكالات»: "Agencies",
  ``byline_label``); other untranslated text is shown marked or left out, as names are.

On Arabic pages (the default language, always written) every helper returns what the field
itself returns, so those pages are unchanged. No helper runs a query: each reads what the view
already loaded.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from modeltranslation.utils import build_localized_fieldname

from ..search.arabic import normalize

ARABIC_LETTERS = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")

# Free-text bylines newsrooms write for copy without a named author, by their folded form
# (search.arabic.normalize: «وكالات» and «وكالات» with tatweel are one).
BYLINE_FORMS = {
    normalize(arabic): english
    for arabic, english in (
        ("وكالات", gettext_lazy("Agencies")),
        ("وكالات الأنباء", gettext_lazy("News agencies")),
        ("فريق التحرير", gettext_lazy("Editorial team")),
        ("هيئة التحرير", gettext_lazy("Editorial board")),
        ("قسم الأخبار", gettext_lazy("News desk")),
        ("مراسلنا", gettext_lazy("Our correspondent")),
        ("مراسلونا", gettext_lazy("Our correspondents")),
    )
}


def has_arabic(text: str | None) -> bool:
    return bool(text) and ARABIC_LETTERS.search(text) is not None


def _is_default_language() -> bool:
    return get_language() == settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def own(obj, field: str) -> str:
    """``obj.<field>`` written in the page's language: "" when it has no such translation."""
    if obj is None:
        return ""
    if _is_default_language():
        return getattr(obj, field) or ""
    return getattr(obj, build_localized_fieldname(field, get_language()), "") or ""


def has_own_name(obj) -> bool:
    return bool(own(obj, "name"))


def own_name(obj) -> str:
    """The name in the page's language, or "" (for titles, attributes, JSON-LD and feeds)."""
    return own(obj, "name")


def plain(text: str | None) -> str:
    """Untranslated free text (a photographer, a copyright line) where no element can mark its
    language: "" on a page in another language when it is written in Arabic."""
    if not text or (not _is_default_language() and has_arabic(text)):
        return ""
    return text


def lang_of(text: str | None) -> str:
    """ "ar" for text with Arabic letters on a page in another language (a reader's search words),
    for an element's ``lang``; else ""."""
    return "ar" if not _is_default_language() and has_arabic(text) else ""


def marked(text: str, *, is_arabic: bool) -> SafeString:
    """``text`` escaped; Arabic text on a page in another language marked as Arabic."""
    if is_arabic and not _is_default_language():
        return format_html('<span lang="ar" dir="rtl">{}</span>', text)
    return format_html("{}", text)


def name_html(obj) -> SafeString:
    """A section's, author's or agency's name for HTML: its own, else the Arabic one marked."""
    name = own_name(obj)
    if name:
        return format_html("{}", name)
    return marked(obj.name_ar if hasattr(obj, "name_ar") else str(obj), is_arabic=True)


def credit_label(image) -> str:
    """A photo's credit for text without markup: the credit line as the agency wrote it («AFP/Getty
    Images») when it is written in the page's script, else the credited agency's name."""
    line = image.credit_line
    if line and has_arabic(line) == _is_default_language():
        return line
    return own_name(image.credit) if image.credit_id else ""


def credit_html(image) -> SafeString:
    """A photo's credit for HTML, as ``credit_label``; an agency without a name in the page's
    language is shown in Arabic, marked."""
    label = credit_label(image)
    if label or not image.credit_id:
        return format_html("{}", label)
    return name_html(image.credit)


def byline_label(byline) -> str:
    """A byline's name in the page's language for text without markup (feeds, JSON-LD): "" if
    it has none."""
    if byline.author_id:
        return own_name(byline.author)
    if _is_default_language():
        return byline.text
    english = BYLINE_FORMS.get(normalize(byline.text))
    return str(english) if english is not None else plain(byline.text)


def byline_html(byline) -> SafeString:
    """A byline's name for HTML: as ``byline_label``, else the written Arabic name marked."""
    if byline.author_id:
        return name_html(byline.author)
    label = byline_label(byline)
    if label:
        return format_html("{}", label)
    return marked(byline.text, is_arabic=True)


def caption(placement) -> str:
    """A placed photo's caption in the page's language: this story's own, else the photo's."""
    return own(placement, "caption_override") or own(placement.image, "caption")


def shown_tags(article) -> list:
    """The story's tags that have a name in the page's language (prefetched ``tags``)."""
    return [tag for tag in article.tags.all() if has_own_name(tag)]


def shown_corrections(article) -> list:
    """The story's corrections written in the page's language (prefetched ``corrections``)."""
    return [correction for correction in article.corrections.all() if own(correction, "note")]
