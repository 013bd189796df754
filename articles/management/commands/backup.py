"""Write the whole newsroom (database and every stored file) to one .tar.gz.

SQLite is copied through its online backup API and PostgreSQL through pg_dump, so the
site keeps serving while the backup runs. Restore it with `manage.py restore`.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...desk.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and the stored photos into one archive (restore it with `restore`)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=Path("backups"), help="Folder for the archive (default: backups/)."
        )
        parser.add_argument("--no-media", action="store_true", help="The database only, without the photos.")

    def handle(self, *args, **options):
        try:
            summary = create_backup(output=options["output"], include_media=not options["no_media"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Backed up the {summary.vendor} database and {summary.files} files to {summary.path}")
        )
