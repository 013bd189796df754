"""Plain text as it is written to the database: direction controls removed, empty when nothing is
visible, slugs that one spelling of a word shares with its variants, one script per word.

Direction controls (U+202A–U+202E, U+2066–U+2069) can disguise text: «gpj.exe» after U+202E
reads «exe.jpg». They are removed from every text field on write. The marks U+200E/U+200F, which
Arabic typists use to place punctuation, are kept. The fields below do it wherever a value is
written from: a form, a service's full_clean(), save(), bulk_create() or QuerySet.update().
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify as django_slugify
from django.utils.translation import gettext_lazy as _

from ..search.arabic import normalize

DIRECTION_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], None)
# Characters that say nothing on their own: whitespace; zero-width spaces and joiners, the
# direction marks (LRM, RLM, the Arabic letter mark), direction controls and isolates, invisible
# operators, the soft hyphen and the byte-order mark; and, without a letter to sit on, tatweel and
# the Arabic marks (tashkeel, Quranic marks). Text made only of these is empty («ـــ» is no alt
# text): the fields below store it as "", so a database filter compares with "" (migration 0024
# emptied older rows).
BLANK_CHARACTERS = (
    " \t\n\r\f\v\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"  # whitespace
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff\u00ad\u034f\u180e"  # invisible
    "\u0640\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"  # tatweel and marks
)
_BLANK = re.compile(f"^[{BLANK_CHARACTERS}]*$")

ZWNJ = "\u200c"
_SLUG_DROP = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # tashkeel and tatweel
_SLUG_TABLE = {
    **DIRECTION_CONTROLS,
    ord(ZWNJ): " ",  # two words joined for display are two words in an address
    **{0x0660 + d: str(d) for d in range(10)},
    **{0x06F0 + d: str(d) for d in range(10)},
}


def clean_text(value):
    """``value`` without direction controls; "" when only whitespace or invisible characters remain."""
    if not isinstance(value, str) or not value:
        return value
    value = value.translate(DIRECTION_CONTROLS)
    return "" if is_blank(value) else value


def is_blank(value) -> bool:
    """True when ``value`` shows a reader nothing: None, "", or only the characters above."""
    return not value or _BLANK.match(value) is not None


def name_key(name: str | None) -> str:
    """The comparison key of a name: equal for «الحكـــومة», «الحكومة» and «الحُكُومَة»."""
    return normalize(name)


def slugify(text: str | None) -> str:
    """An address part keeping Arabic letters: no tatweel or tashkeel, ASCII digits, a hyphen for a
    zero-width non-joiner. «عام ٢٠٢٦» and «عام 2026» both give «عام-2026»."""
    text = unicodedata.normalize("NFKC", text or "").translate(_SLUG_TABLE)
    return django_slugify(_SLUG_DROP.sub("", text), allow_unicode=True)


def slug_form(slug: str | None) -> str | None:
    """A typed slug in the form slugify() gives: no tatweel or tashkeel, ASCII digits, a hyphen
    for a zero-width non-joiner; its letters and their case as typed."""
    if not slug:
        return slug
    return _SLUG_DROP.sub("", unicodedata.normalize("NFKC", slug).translate(_SLUG_TABLE)).replace(" ", "-")


def _script(char: str) -> str | None:
    if not char.isalpha():
        return None
    # The first word of a letter's Unicode name is its script: LATIN, CYRILLIC, GREEK, ARABIC…
    script = unicodedata.name(char, "").split(" ", 1)[0]
    return script if script not in {"", "MODIFIER"} else None


def mixed_script_words(text: str | None) -> list[str]:
    """The words of ``text`` that mix scripts, such as «Pаris» with a Cyrillic «а». Arabic letters
    next to Latin ones («bالأسدb» from «<b>الأسد</b>») cannot pass for each other and are allowed;
    Latin, Cyrillic and Greek letters can."""
    words = []
    for word in re.findall(r"[^\s\-_/.,،؛:;!?؟«»\"'()\[\]]+", text or ""):
        scripts = {script for char in word if (script := _script(char))} - {"ARABIC"}
        if len(scripts) > 1:
            words.append(word)
    return words


def validate_one_script(value: str, *, field: str | None = None) -> None:
    """Refuse a name or slug with a word written in two scripts (a look-alike letter); with
    ``field``, the error is that field's."""
    words = mixed_script_words(value)
    if words:
        error = ValidationError(
            _(
                "«%(word)s» mixes letters of different alphabets in one word (for example a Cyrillic "
                "letter in a Latin word). Type the word again in one alphabet."
            ),
            code="mixed_script",
            params={"word": words[0]},
        )
        raise ValidationError({field: error}) if field else error


class CleanFormField(forms.CharField):
    """A form's text field: what is typed is cleaned before «required» is checked."""

    def to_python(self, value):
        value = clean_text(super().to_python(value))
        # A control removed from either end may leave a space there.
        return value.strip() if self.strip and isinstance(value, str) else value


class _CleanTextMixin:
    # The class is an implementation detail of writing, not of the schema: migrations see the
    # plain Django field, so moving or renaming this class never needs one.
    schema_path: str

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, self.schema_path, args, kwargs

    def to_python(self, value):
        return clean_text(super().to_python(value))

    def get_prep_value(self, value):
        return clean_text(super().get_prep_value(value))

    def pre_save(self, model_instance, add):
        # What is written, not the instance's attribute: modeltranslation's original field reads
        # and writes the active language's value, so setting it back could fill another language.
        return clean_text(super().pre_save(model_instance, add))

    def formfield(self, **kwargs):
        if not self.choices:
            kwargs.setdefault("form_class", CleanFormField)
        return super().formfield(**kwargs)


class CleanCharField(_CleanTextMixin, models.CharField):
    """A CharField whose value loses its direction controls on every write."""

    schema_path = "django.db.models.CharField"


class CleanTextField(_CleanTextMixin, models.TextField):
    """A TextField whose value loses its direction controls on every write."""

    schema_path = "django.db.models.TextField"


class KeyField(models.CharField):
    """The comparison key (name_key) of another field, ``source``, written with every save."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, path, args, {**kwargs, "source": self.source}

    def pre_save(self, model_instance, add):
        key = name_key(getattr(model_instance, self.source))
        current = getattr(model_instance, self.attname) or ""
        # A key «<key>#<id>» marks a duplicate that migration 0016 found among older rows: it
        # stays until the row is renamed or merged, so that the unique key holds.
        if not current.startswith(f"{key}#"):
            setattr(model_instance, self.attname, key)
        return getattr(model_instance, self.attname)
