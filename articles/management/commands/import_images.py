"""Import photos from files or folders (the photo desk's hot folder).

Every file goes through the same validation as an admin upload; each is imported
on its own, so one bad file never stops the others. A file already in the library
(the same bytes, by their fingerprint) is reported with its number and not imported
again, so the same folder can be imported twice. Credits found in the files'
IPTC/XMP map to agencies or become suggestions for an editor.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from ...desk.progress import progress
from ...photos import images
from ...photos import services as photo_services
from ...photos.images import ImageRejected

# What operating systems and file servers leave in a shared folder beside the photos: hidden
# files and folders (macOS «._IMG_0001.JPG» copies of resource forks, «.DS_Store»), Windows'
# thumbnail caches, a zip's «__MACOSX» folder, and a Synology NAS's «@eaDir» of thumbnails, which
# are JPEGs and would be imported as photos.
_SYSTEM_FOLDERS = {"__MACOSX", "@eaDir", "#recycle", "$RECYCLE.BIN"}
_SYSTEM_FILES = {"thumbs.db", "ehthumbs.db", "desktop.ini"}


def _system_file(relative: Path) -> bool:
    return (
        any(part.startswith(".") or part in _SYSTEM_FOLDERS for part in relative.parts)
        or relative.name.casefold() in _SYSTEM_FILES
    )


# An XMP sidecar is read with its photo, never imported on its own; a few hundred kilobytes at most.
_SIDECAR_MAX_BYTES = 1024 * 1024


def _sidecar(path: Path) -> bytes:
    """The XMP file beside a photo: «DSC_0001.xmp» (Photo Mechanic, Lightroom) or «DSC_0001.JPG.xmp» (darktable)."""
    for candidate in (path.with_suffix(".xmp"), path.with_suffix(".XMP"), path.with_name(f"{path.name}.xmp")):
        if candidate.is_file():
            with candidate.open("rb") as handle:
                return handle.read(_SIDECAR_MAX_BYTES)
    return b""


class Command(BaseCommand):
    help = (
        "Import photos from files or folders; prints one line per file, skips files already in the library "
        "and fails if any file was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files or folders (folders are read recursively).")
        parser.add_argument("--dry-run", action="store_true", help="Check the files without storing anything.")

    def handle(self, *args, **options):
        files = list(self._files(options["paths"]))
        if not files:
            raise CommandError("No files found in the given paths.")
        imported = already = 0
        refused: list[tuple[Path, str]] = []
        with translation.override("ar"):
            for path in progress(files, total=len(files), label="import_images"):
                try:
                    outcome, image = self._import(path, dry_run=options["dry_run"])
                except ImageRejected as error:
                    refused.append((path, error.reason))
                except ValidationError as error:
                    refused.append((path, " ".join(error.messages)))
                except OSError as error:
                    refused.append((path, error.strerror or str(error)))
                else:
                    if outcome == "already":
                        already += 1
                        message = _("already in the library #%(number)s") % {"number": image.pk}
                        self.stdout.write(self.style.WARNING(f"already  {path}: {message}"))
                    elif outcome == "valid":
                        imported += 1
                        self.stdout.write(f"valid    {path}")
                    else:
                        imported += 1
                        self.stdout.write(self._imported_line(path, image))
                    continue
                self.stdout.write(self.style.ERROR(f"refused  {path}: {refused[-1][1]}"))
        summary = f"{imported} imported, {already} already in the library, {len(refused)} refused."
        if refused:
            # The refusals again at the end, where the operator reads first.
            self.stdout.write(summary)
            for path, reason in refused:
                self.stdout.write(self.style.ERROR(f"  {path}: {reason}"))
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def _imported_line(self, path: Path, image) -> str:
        credit = image.credit or (image.credit_suggestion and f"? {image.credit_suggestion}") or "—"
        return f"imported {path} → #{image.pk} {image.width}×{image.height}, credit: {credit}"

    def _files(self, paths):
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                yield from sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and not _system_file(p.relative_to(path)) and p.suffix.lower() != ".xmp"
                )
            elif path.exists():
                yield path
            else:
                raise CommandError(f"No such file or folder: {raw}")

    def _import(self, path: Path, *, dry_run: bool):
        with path.open("rb") as handle:
            data = handle.read(images.max_bytes() + 1)
        existing = photo_services.image_with_content(data=data)
        if existing is not None:
            return "already", existing
        upload = ContentFile(data, name=path.name)
        if dry_run:
            photo_services.image_inspect(file=upload)
            return "valid", None
        return "imported", photo_services.image_create(file=upload, sidecar=_sidecar(path))
