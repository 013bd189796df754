"""Arabic text normalisation, shared by search and by every comparison of names.

One normaliser, applied on both sides of a comparison: NFKC; bidi and zero-width
controls dropped; tashkeel and tatweel dropped; alef/hamza forms, ى/ي, ة/ه and
Persian letters folded; Arabic-Indic digits to ASCII; casefold.
"""

import re
import unicodedata

_CONTROLS = dict.fromkeys(
    [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x061C, 0xFEFF], None
)
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        # Persian and Urdu letters to their Arabic counterparts.
        "ی": "ي",
        "ے": "ي",
        "ۓ": "ي",
        "ک": "ك",
        "ڪ": "ك",
        "ە": "ه",
        "ہ": "ه",
        "ھ": "ه",
        "ۀ": "ه",
        "ۂ": "ه",
        "ۃ": "ه",
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)
# One table, one pass: controls dropped and letters folded together.
_TABLE = {**_CONTROLS, **_FOLD}
_SPACE = re.compile(r"\s+")


def normalize(text: str | None) -> str:
    """The folded form of ``text``: equal for «الأسد» and «الاسد», for «REUTERS» and «Reuters»."""
    if not text:
        return ""
    text = _MARKS.sub("", unicodedata.normalize("NFKC", text)).translate(_TABLE).casefold()
    return _SPACE.sub(" ", text).strip()
