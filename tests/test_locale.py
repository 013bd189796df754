"""Arabic translations: six plural forms everywhere, and a catalogue msgfmt accepts."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PO_FILE = Path(__file__).resolve().parent.parent / "locale" / "ar" / "LC_MESSAGES" / "django.po"


def _entries():
    return PO_FILE.read_text(encoding="utf-8").split("\n\n")


def test_every_plural_entry_has_six_arabic_forms():
    plural_entries = [entry for entry in _entries() if "msgid_plural" in entry]
    assert plural_entries, "the catalogue should hold the admin actions' plural messages"
    for entry in plural_entries:
        forms = re.findall(r'^msgstr\[(\d)\] "(.+)"$', entry, re.M)
        assert [int(index) for index, _ in forms] == [0, 1, 2, 3, 4, 5], entry
        assert all(text for _, text in forms), entry


def test_no_message_left_untranslated_or_fuzzy():
    for entry in _entries()[1:]:
        assert "#, fuzzy" not in entry, entry
        assert not re.search(r'^msgstr ""$(?!\n")', entry, re.M), entry


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_catalogue_passes_msgfmt_check(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO_FILE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_compiled_catalogue_matches_the_source():
    mo_file = PO_FILE.with_suffix(".mo")
    assert mo_file.exists(), "run `make messages` to compile the Arabic catalogue"
    with mo_file.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    entries = [
        (match.group(1), match.group(2), match.group(3))
        for entry in _entries()[1:]
        if (match := re.search(r'^(?:msgctxt "(.+)"\n)?msgid "(.+)"\nmsgstr "(.+)"$', entry, re.M))
    ]
    assert len(entries) > 50

    def compiled_text(context, msgid):
        msgid = msgid.replace('\\"', '"')
        return compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)

    stale = [msgid for context, msgid, msgstr in entries if compiled_text(context, msgid) != msgstr.replace('\\"', '"')]
    assert not stale, f"django.mo is older than django.po for: {stale[:5]}"
