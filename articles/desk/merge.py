"""Edit conflicts that lose nobody's work.

A save based on an outdated copy of a story is held: nothing is written. The form comes back
with, for every field and list of rows where the two versions differ, the other person's text
beside the writer's (as words, removed and added marked), and a choice «احتفظ بنسختي» /
«خذ نسختهم». A field only the other person changed defaults to theirs, so a merged save never
quietly puts back what they replaced; a field the writer changed defaults to the writer's.

The state the writer started from travels with the form as text (``base_state``), so that
"who changed what" is known without asking the history. Rows the other person deleted are
dropped from the writer's formsets (``without_deleted_rows``): they never block a save.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from ..stories.history import word_diff
from .story_text import STORY_FIELDS

BASE_FIELD = "base_state"
MINE, THEIRS = "mine", "theirs"


def choice_name(key: str) -> str:
    return f"merge_{key}"


@dataclass(frozen=True)
class FieldConflict:
    key: str
    label: str
    theirs: SafeString
    mine: SafeString
    changed_by_them: bool
    changed_by_me: bool
    choice: str

    @property
    def input_name(self) -> str:
        return choice_name(self.key)


def encode_base(texts: dict[str, tuple[str, str]]) -> str:
    return json.dumps({key: text for key, (_label, text) in texts.items()}, ensure_ascii=False)


def decode_base(value: str | None) -> dict[str, str]:
    try:
        base = json.loads(value or "{}")
    except ValueError:
        return {}
    return base if isinstance(base, dict) else {}


def compare(
    *, base: dict[str, str], theirs: dict[str, tuple[str, str]], mine: dict[str, tuple[str, str]]
) -> list[FieldConflict]:
    """Every field or list of rows where the stored version and the writer's differ."""
    conflicts = []
    for key, (label, their_text) in theirs.items():
        my_text = mine.get(key, (label, their_text))[1]
        if my_text == their_text:
            continue
        started = base.get(key, their_text)
        by_them, by_me = started != their_text, started != my_text
        their_html, my_html = word_diff(their_text, my_text)
        conflicts.append(FieldConflict(key, label, their_html, my_html, by_them, by_me, MINE if by_me else THEIRS))
    return conflicts


def conflict_message(current) -> str:
    who = current.updated_by.get_full_name() or current.updated_by.get_username() if current.updated_by else ""
    when = date_format(timezone.localtime(current.updated_at), "DATETIME_FORMAT")
    return gettext(
        "%(who)s saved this story at %(when)s, after you opened it. Nothing of yours was saved and "
        "nothing was lost: choose below, field by field, between your version and theirs, then "
        "save the merged version."
    ) % {"who": who or gettext("someone"), "when": when}


def chosen_theirs(data) -> set[str]:
    """The fields and row lists for which the writer chose the stored version."""
    return {
        key
        for key in (*STORY_FIELDS, *(name.removeprefix("merge_") for name in data if name.startswith("merge_")))
        if data.get(choice_name(key)) == THEIRS
    }


def stored_value(article, name):
    if name == "tags":
        return [tag.name for tag in article.tags.all()]
    return getattr(article, name)


def without_deleted_rows(data: QueryDict, *, prefix: str, pk_name: str, existing: set[str]) -> tuple[QueryDict, int]:
    """The formset's data minus the rows whose stored row no longer exists, renumbered."""
    try:
        initial = int(data.get(f"{prefix}-INITIAL_FORMS", 0))
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except ValueError:
        return data, 0  # a broken management form is reported by the formset itself
    gone = {index for index in range(initial) if data.get(f"{prefix}-{index}-{pk_name}") not in existing}
    if not gone:
        return data, 0
    row_prefix = f"{prefix}-"
    kept = QueryDict(mutable=True)
    for name, values in data.lists():
        if not name.startswith(row_prefix):
            kept.setlist(name, values)
    renumbered = {old: new for new, old in enumerate(index for index in range(total) if index not in gone)}
    for name, values in data.lists():
        if not name.startswith(row_prefix):
            continue
        index, _sep, field = name.removeprefix(row_prefix).partition("-")
        if index.isdigit() and field:
            if int(index) in renumbered:
                kept.setlist(f"{row_prefix}{renumbered[int(index)]}-{field}", values)
        else:
            kept.setlist(name, values)
    kept[f"{prefix}-INITIAL_FORMS"] = str(initial - len(gone))
    kept[f"{prefix}-TOTAL_FORMS"] = str(total - len(gone))
    return kept, len(gone)
