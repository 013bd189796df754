"""Import agency copy in IPTC ninjs (1.x, 2.x, 3.x and the agencies' dialects): the wire desk.

Each document is imported in its own transaction by ``wire_services.article_import_ninjs``,
so a broken document (invalid JSON, an event, no headline, a hostile photo) is reported
and rolled back alone while the rest still import. Re-running over the same files changes
nothing: the item's identity (uri, guid or altids.itemid, without request tokens) and its
version say whether a document is new, newer or the same. Prints one line per document
(with the vendor fields the desk does not read) and a summary; exits non-zero when any
document failed.

``--watch DIR`` is a drop folder: new *.json files are imported as agencies drop them and
moved to DIR/done/, or to DIR/failed/ beside a ``.reason.txt`` saying why, until interrupted.
A file is left for a later look until it has not changed for ``--settle`` seconds; agencies
should still write each file under another name and rename it when complete.
"""

import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from ...models import Section
from ...wire import dialects as wire_dialects
from ...wire import ninjs
from ...wire import services as wire_services
from ...wire import validation as ninjs_validation

OUTCOMES = ("imported", "queued", "updated", "held", "unchanged", "skipped", "failed")


class Command(BaseCommand):
    help = (
        "Import agency stories in IPTC ninjs from JSON files or folders (a file holds one document or a list). "
        "New stories wait in review; prints one line per document and fails if any document was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="JSON files, or folders read recursively for *.json.")
        parser.add_argument(
            "--watch",
            metavar="DIR",
            help="A drop folder: import new *.json files as they arrive, moving each to done/ or failed/.",
        )
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between two looks at the drop folder (default 5)."
        )
        parser.add_argument(
            "--settle",
            type=float,
            default=2.0,
            help="Leave a dropped file alone until it has not changed for this many seconds (default 2).",
        )
        parser.add_argument(
            "--max-polls", type=int, default=0, help="Stop watching after this many looks (default: until interrupted)."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish new stories at the agency's first-created time (else its version time).",
        )
        parser.add_argument("--section", help="Slug of the section for stories whose subjects name none.")
        parser.add_argument("--dry-run", action="store_true", help="Check the documents without storing anything.")

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        self.dry_run_seen: dict = {}  # a dry run's documents, as if stored (see article_import_ninjs)
        if not options["paths"] and not options["watch"]:
            raise CommandError("Give JSON files or folders to import, or --watch DIR.")
        section = None
        if options["section"]:
            section = Section.objects.filter(slug=options["section"]).first()
            if section is None:
                raise CommandError(f"No section with the slug {options['section']!r}.")
        counts = dict.fromkeys(OUTCOMES, 0)
        # Reasons are written in the newsroom's language, as the admin shows them.
        with translation.override(settings.LANGUAGE_CODE):
            if options["watch"]:
                self._watch(Path(options["watch"]), counts=counts, section=section, options=options)
            else:
                files = list(self._files(options["paths"]))  # (file, the folder it was found under)
                if not files:
                    raise CommandError("No JSON files found in the given paths.")
                for path, root in files:
                    for outcome, _reason in self._import_file(path, root=root, section=section, options=options):
                        counts[outcome] += 1
        total = sum(counts.values())
        summary = f"{total} document{'s' if total != 1 else ''}: " + ", ".join(
            f"{counts[outcome]} {outcome}" for outcome in OUTCOMES
        )
        if options["dry_run"]:
            summary += " (dry run: nothing was stored)"
        self.stdout.write(summary + ".")
        if counts["failed"] and not options["watch"]:
            raise CommandError(f"{counts['failed']} of {total} documents failed.")

    def _watch(self, folder: Path, *, counts: dict, section, options) -> None:
        """Poll the drop folder until interrupted (or ``--max-polls``); each file is handled once."""
        if not folder.is_dir():
            raise CommandError(f"No such folder: {folder}")
        done, failed = folder / "done", folder / "failed"
        seen: set[Path] = set()  # a dry run moves nothing, so it remembers what it has reported
        polls = 0
        try:
            while True:
                for path in sorted(p for p in folder.glob("*.json") if p.is_file() and not p.name.startswith(".")):
                    if path in seen or time.time() - path.stat().st_mtime < options["settle"]:
                        continue  # reported already (dry run), or still being written
                    reasons = []
                    for outcome, reason in self._import_file(path, root=folder, section=section, options=options):
                        counts[outcome] += 1
                        if reason:
                            reasons.append(reason)
                    if options["dry_run"]:
                        seen.add(path)
                    else:
                        self._file_away(path, failed if reasons else done, reasons)
                polls += 1
                if options["max_polls"] and polls >= options["max_polls"]:
                    return
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            self.stdout.write("Stopped watching.")

    def _file_away(self, path: Path, into: Path, reasons: list[str]) -> None:
        into.mkdir(exist_ok=True)
        target = into / path.name
        if target.exists():  # the same name dropped again: keep both
            target = into / f"{path.stem}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns()}{path.suffix}"
        path.replace(target)
        if reasons:
            target.with_name(target.name + ".reason.txt").write_text("\n".join(reasons) + "\n", encoding="utf-8")

    def _files(self, paths):
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                found = sorted(p for p in path.rglob("*.json") if p.is_file() and not p.name.startswith("."))
                yield from ((file, path) for file in found)
            elif path.is_file():
                yield path, path.parent
            else:
                raise CommandError(f"No such file or folder: {raw}")

    def _import_file(self, path: Path, *, root: Path, section, options):
        """Yield (outcome, reason for a failure or "") for each document of the file."""
        try:
            documents = list(ninjs_validation.read_documents(path))
        except ninjs.DocumentRefused as error:
            yield "failed", self._failed(str(path), error)
            return
        for label, document in documents:
            uri = wire_dialects.identity(document) if isinstance(document, dict) else ""
            name = f"{uri} ({label})" if uri else label
            try:
                result = wire_services.article_import_ninjs(
                    document=document,
                    base_dir=path.parent,
                    root=root,
                    publish=options["publish"],
                    section=section,
                    dry_run=options["dry_run"],
                    dry_run_seen=self.dry_run_seen,
                )
            except (ValidationError, PermissionDenied) as error:
                yield "failed", self._failed(name, error)
                continue
            except OSError as error:
                yield "failed", self._failed(name, error.strerror or str(error))
                continue
            self._report(result, uri or label)
            yield result.outcome, ""

    def _failed(self, name: str, error) -> str:
        reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        self.stdout.write(self.style.ERROR(f"failed     {name}: {reason}"))
        return f"{name}: {reason}"

    def _report(self, result: wire_services.WireImport, uri: str) -> None:
        if self.verbosity == 0:
            return
        line = f"{result.outcome:<10} {uri}"
        if result.article is not None and result.article.pk is not None:
            line += f"  {result.article.get_absolute_url()}"
        notes = list(result.notes)
        if result.unknown_fields:
            notes.append(_("Unknown fields: %(names)s") % {"names": ", ".join(result.unknown_fields)})
        if notes:
            line += "  — " + " ".join(notes)
        style = self.style.SUCCESS if result.outcome in {"imported", "updated", "queued"} else (lambda text: text)
        self.stdout.write(style(line))
