"""import_ninjs: one line per document, a summary, failures isolated, and a second run changes nothing."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import AgencyItem, Article, Image

from .factories import make_agency, make_section
from .test_ninjs import EXAMPLES, SAMPLES, picture_association, text_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def section(db):
    return make_section(name="العالم", name_en="World", slug="world")


def run(*args) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("import_ninjs", *[str(arg) for arg in args], stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def lines_starting(output: str, word: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(word)]


def write(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_every_iptc_example_imports_or_fails_with_its_reason():
    output, error = run(EXAMPLES)

    assert output.splitlines()[-1] == (
        "54 documents: 12 imported, 5 queued, 0 updated, 0 held, 14 unchanged, 0 skipped, 23 failed."
    ), "later generations of the same example find the story (or the queue entry) already there"
    assert error is not None and "23 of 54" in str(error)
    assert len(output.splitlines()) == 55, "one line per document and the summary"
    assert Article.objects.count() == 12
    assert all(story.status == Article.Status.REVIEW for story in Article.objects.all())
    imported = lines_starting(output, "imported")
    assert any("http://ninjs.example.com/newsitems/20130709simp123  /news/" in line for line in imported)
    failed = "\n".join(lines_starting(output, "failed"))
    assert "ap_audio.json" in failed and "ap_video.json" in failed
    assert "20231016-event-timeline-sample.json[13]" in failed
    # German, Norwegian and Swedish copy waits in the queue for translation, never refused.
    assert "dpa_text.json" not in failed and "tt_text_image_3.json" not in failed
    assert AgencyItem.objects.filter(status=AgencyItem.Status.TRANSLATION).count() == 5


def test_a_second_run_changes_nothing():
    run(EXAMPLES)
    versions = dict(Article.objects.values_list("pk", "version"))

    output, _error = run(EXAMPLES)

    assert output.splitlines()[-1] == (
        "54 documents: 0 imported, 0 queued, 0 updated, 0 held, 31 unchanged, 0 skipped, 23 failed."
    )
    assert dict(Article.objects.values_list("pk", "version")) == versions


def test_a_broken_document_in_a_list_fails_alone(tmp_path):
    documents = [
        text_document(uri="urn:wire:1"),
        {"uri": "urn:wire:2", "type": "text", "bodies": [{"value": "بلا عنوان"}]},
        text_document(uri="urn:wire:3", headlines=[{"value": "خبر ثالث"}]),
    ]
    path = write(tmp_path / "batch.json", documents)

    output, error = run(path)

    lines = output.splitlines()
    assert lines[0].startswith("imported   urn:wire:1  /news/")
    assert lines[1].startswith(f"failed     urn:wire:2 ({path}[1]): ")
    assert lines[2].startswith("imported   urn:wire:3  /news/")
    assert lines[3] == ("3 documents: 2 imported, 0 queued, 0 updated, 0 held, 0 unchanged, 0 skipped, 1 failed.")
    assert error is not None
    assert sorted(Article.objects.values_list("wire_uri", flat=True)) == ["urn:wire:1", "urn:wire:3"]


def test_invalid_json_fails_its_file_only(tmp_path):
    (tmp_path / "a-broken.json").write_text('{"uri": "urn:wire:1",', encoding="utf-8")
    write(tmp_path / "b-good.json", text_document())

    output, error = run(tmp_path)

    assert lines_starting(output, "failed")[0].startswith(f"failed     {tmp_path / 'a-broken.json'}: ")
    assert len(lines_starting(output, "imported")) == 1
    assert error is not None and Article.objects.count() == 1


def test_a_hostile_photo_fails_its_document_and_leaves_nothing(tmp_path, settings):
    shutil.copyfile(SAMPLES / "hostile" / "polyglot_html.jpg", tmp_path / "lead.jpg")
    write(tmp_path / "story.json", text_document(associations=[picture_association("lead.jpg")]))

    output, error = run(tmp_path / "story.json")

    assert lines_starting(output, "failed")
    assert error is not None
    assert not Article.objects.exists() and not Image.objects.exists()
    for root in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)):
        assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_publish_publishes_at_the_agencys_time_and_says_what_it_held_back(tmp_path):
    make_agency(name="فرانس برس", name_en="AFP")
    shutil.copyfile(SAMPLES / "good" / "small_400x300.jpg", tmp_path / "lead.jpg")
    write(tmp_path / "1-text.json", text_document(uri="urn:wire:text"))
    write(
        tmp_path / "2-photo.json", text_document(uri="urn:wire:photo", associations=[picture_association("lead.jpg")])
    )

    output, error = run(tmp_path, "--publish")

    assert error is None
    text, photo = Article.objects.get(wire_uri="urn:wire:text"), Article.objects.get(wire_uri="urn:wire:photo")
    assert text.status == Article.Status.PUBLISHED and text.published_at.isoformat() == "2024-12-11T06:00:00+00:00"
    assert photo.status == Article.Status.REVIEW and photo.lead_image is not None
    photo_line = lines_starting(output, "imported   urn:wire:photo")[0]
    assert "—" in photo_line, "the line says why the story was not published"


def test_a_newer_version_is_reported_as_updated(tmp_path):
    run(write(tmp_path / "v1.json", text_document()))
    newer = write(tmp_path / "v2.json", text_document(version="2", versioncreated="2024-12-11T09:00:00Z"))
    older = write(tmp_path / "v0.json", text_document(version="0", versioncreated="2024-12-11T05:00:00Z"))

    assert run(newer)[0].startswith("updated    urn:newsml:example.org:20241211:wire-1  /news/")
    assert run(older)[0].startswith("skipped    urn:newsml:example.org:20241211:wire-1")
    assert Article.objects.get().wire_version == "2"


def test_dry_run_stores_nothing(tmp_path):
    output, error = run(write(tmp_path / "story.json", text_document()), "--dry-run")

    assert error is None
    assert output.splitlines()[-1].endswith("(dry run: nothing was stored).")
    assert not Article.objects.exists()


def test_section_option_files_stories_without_a_matching_subject(tmp_path):
    sport = make_section(name="رياضة", name_en="Sport", slug="sport")
    run(write(tmp_path / "story.json", text_document(subjects=[])), "--section", "sport")
    assert Article.objects.get().section == sport

    with pytest.raises(CommandError, match="No section"):
        call_command("import_ninjs", str(tmp_path), "--section", "nowhere", stdout=StringIO())


def test_missing_paths_are_an_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_ninjs", str(tmp_path / "nowhere.json"), stdout=StringIO())
    with pytest.raises(CommandError, match="No JSON files"):
        call_command("import_ninjs", str(tmp_path), stdout=StringIO())


def test_photos_in_a_sibling_folder_of_the_imported_folder_are_read(tmp_path):
    """A drop folder with json/ and images/ side by side: «../images/…» stays inside what was imported."""
    shutil.copyfile(SAMPLES / "good" / "small_400x300.jpg", write(tmp_path / "images" / "x", {}).with_name("lead.jpg"))
    write(tmp_path / "json" / "story.json", text_document(associations=[picture_association("../images/lead.jpg")]))

    output, error = run(tmp_path)

    assert error is None, output
    assert Article.objects.get().lead_image is not None
    # The same file imported on its own may not climb out of its folder.
    Article.objects.all().delete()
    AgencyItem.objects.all().delete()
    output, error = run(tmp_path / "json" / "story.json")
    assert error is not None and lines_starting(output, "failed")
