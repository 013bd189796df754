"""Import agency copy in IPTC ninjs (1.x, 2.x, 3.x) from files or folders: the wire desk.

Each document is imported in its own transaction by ``wire_services.article_import_ninjs``,
so a broken document (invalid JSON, an event, no headline, a hostile photo) is reported
and rolled back alone while the rest still import. Re-running over the same files changes
nothing: the ninjs ``uri`` identifies a story and its ``version``/``versioncreated`` say
whether a document is newer. Prints one line per document and a summary; exits non-zero
when any document failed.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ...models import Section
from ...wire import ninjs
from ...wire import services as wire_services
from ...wire import validation as ninjs_validation

OUTCOMES = ("imported", "updated", "unchanged", "skipped", "failed")


class Command(BaseCommand):
    help = (
        "Import agency stories in IPTC ninjs from JSON files or folders (a file holds one document or a list). "
        "New stories wait in review; prints one line per document and fails if any document was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="JSON files, or folders read recursively for *.json.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish new stories at the agency's first-created time (else its version time).",
        )
        parser.add_argument("--section", help="Slug of the section for stories whose subjects name none.")
        parser.add_argument("--dry-run", action="store_true", help="Check the documents without storing anything.")

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        files = list(self._files(options["paths"]))  # (file, the folder it was found under)
        if not files:
            raise CommandError("No JSON files found in the given paths.")
        section = None
        if options["section"]:
            section = Section.objects.filter(slug=options["section"]).first()
            if section is None:
                raise CommandError(f"No section with the slug {options['section']!r}.")
        counts = dict.fromkeys(OUTCOMES, 0)
        # Reasons are written in the newsroom's language, as the admin shows them.
        with translation.override(settings.LANGUAGE_CODE):
            for path, root in files:
                for outcome in self._import_file(path, root=root, section=section, options=options):
                    counts[outcome] += 1
        total = sum(counts.values())
        summary = f"{total} document{'s' if total != 1 else ''}: " + ", ".join(
            f"{counts[outcome]} {outcome}" for outcome in OUTCOMES
        )
        if options["dry_run"]:
            summary += " (dry run: nothing was stored)"
        self.stdout.write(summary + ".")
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} of {total} documents failed.")

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
        try:
            documents = list(ninjs_validation.read_documents(path))
        except ninjs.DocumentRefused as error:
            self._failed(str(path), error)
            yield "failed"
            return
        for label, document in documents:
            uri = document.get("uri") if isinstance(document, dict) else None
            name = f"{uri} ({label})" if isinstance(uri, str) and uri else label
            try:
                result = wire_services.article_import_ninjs(
                    document=document,
                    base_dir=path.parent,
                    root=root,
                    publish=options["publish"],
                    section=section,
                    dry_run=options["dry_run"],
                )
            except (ValidationError, PermissionDenied) as error:
                self._failed(name, error)
                yield "failed"
                continue
            except OSError as error:
                self._failed(name, error.strerror or str(error))
                yield "failed"
                continue
            self._report(result, uri or label)
            yield result.outcome

    def _failed(self, name: str, error) -> None:
        reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        self.stdout.write(self.style.ERROR(f"failed     {name}: {reason}"))

    def _report(self, result: wire_services.WireImport, uri: str) -> None:
        if self.verbosity == 0:
            return
        line = f"{result.outcome:<10} {uri}"
        if result.article is not None and result.article.pk is not None:
            line += f"  {result.article.get_absolute_url()}"
        if result.notes:
            line += "  — " + " ".join(result.notes)
        style = self.style.SUCCESS if result.outcome in {"imported", "updated"} else (lambda text: text)
        self.stdout.write(style(line))
