"""Import photos from files or folders (the photo desk's hot folder).

Every file goes through the same validation as an admin upload; each is imported
on its own, so one bad file never stops the others. Credits found in the files'
IPTC/XMP map to agencies or become suggestions for an editor.
"""

from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ...desk.progress import progress
from ...photos import images
from ...photos import services as photo_services
from ...photos.images import ImageRejected


class Command(BaseCommand):
    help = "Import photos from files or folders; prints one line per file and fails if any file was refused."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files or folders (folders are read recursively).")
        parser.add_argument("--dry-run", action="store_true", help="Check the files without storing anything.")

    def handle(self, *args, **options):
        files = list(self._files(options["paths"]))
        if not files:
            raise CommandError("No files found in the given paths.")
        imported = refused = 0
        with translation.override("ar"):
            for path in progress(files, total=len(files), label="import_images"):
                try:
                    image = self._import(path, dry_run=options["dry_run"])
                except ImageRejected as error:
                    refused += 1
                    self.stdout.write(self.style.ERROR(f"refused  {path}: {' '.join(error.messages)}"))
                    continue
                except OSError as error:
                    refused += 1
                    self.stdout.write(self.style.ERROR(f"refused  {path}: {error.strerror or error}"))
                    continue
                imported += 1
                if image is None:
                    self.stdout.write(f"valid    {path}")
                else:
                    credit = image.credit or (image.credit_suggestion and f"? {image.credit_suggestion}") or "—"
                    self.stdout.write(f"imported {path} → #{image.pk} {image.width}×{image.height}, credit: {credit}")
        summary = f"{imported} imported, {refused} refused."
        if refused:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def _files(self, paths):
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            elif path.exists():
                yield path
            else:
                raise CommandError(f"No such file or folder: {raw}")

    def _import(self, path: Path, *, dry_run: bool):
        with path.open("rb") as handle:
            upload = ContentFile(handle.read(images.max_bytes() + 1), name=path.name)
        if dry_run:
            photo_services.image_inspect(file=upload)
            return None
        return photo_services.image_create(file=upload)
