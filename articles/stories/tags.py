"""Tag parsing and identity: the Arabic comma «،» separates tags exactly like «,», and a typed
name resolves to the tag that has its comparison key.

taggit's parser splits on commas (or spaces when there is no comma) and keeps quoted groups whole;
we teach it the Arabic comma, so multi-word Arabic tags such as «الشرق الأوسط» stay whole. Every
typed name then passes tag_names(): direction controls removed, at most 100 characters, one
alphabet per word, and «الحكـــومة», «الحكومة» and «الحُكُومَة» are one tag, named as first written.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from taggit.utils import _edit_string_for_tags, _parse_tags

from .text import clean_text, name_key, validate_one_script

ARABIC_COMMA = "\u060c"
TAG_MAX_LENGTH = 100  # TagBase.name's column


def tag_names(names: Iterable[str]) -> list[str]:
    """The tags to file a story under for ``names`` as typed: checked, one per comparison key, each
    spelled as its existing tag is (the first spelling stays the name). Raises ValidationError."""
    from .catalogue import Tag  # the models import this module's neighbours

    by_key: dict[str, str] = {}
    for typed in names:
        name = " ".join((clean_text(typed) or "").split())
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(
                _("A tag has at most %(limit)d characters; «%(start)s…» has %(length)d.")
                % {"limit": TAG_MAX_LENGTH, "start": name[:30], "length": len(name)},
                code="tag_too_long",
            )
        validate_one_script(name)
        by_key.setdefault(name_key(name), name)
    if not by_key:
        return []
    existing = dict(Tag.objects.filter(key__in=by_key).values_list("key", "name_ar"))
    return [existing.get(key, name) for key, name in by_key.items()]


def parse_tags(tagstring: str | None) -> list[str]:
    if not tagstring:
        return []
    text = tagstring.replace(ARABIC_COMMA, ",")
    # A single tag with spaces and no comma is one multi-word tag in an
    # Arabic newsroom («الشرق الأوسط»), not one tag per word.
    if "," not in text and '"' not in text:
        text = text.strip()
        return tag_names([text]) if text else []
    # taggit's parser sorts the names; keep them in the order typed, so that of two spellings of
    # a new tag the first typed names it.
    return tag_names(sorted(_parse_tags(text), key=text.find))


def edit_string_for_tags(tags) -> str:
    return _edit_string_for_tags(tags).replace(", ", "، ") if tags else ""
