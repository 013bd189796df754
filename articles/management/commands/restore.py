"""Load a backup made by `manage.py backup` into this (fresh) instance.

The database must be of the same kind (SQLite or PostgreSQL) and hold no stories, unless
--force. After loading, migrations run forward, so a backup from an older release fits.
Files are stored under their own names; ones already present are kept.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ...desk.backup import BackupError, restore_backup
from ...stories import services


class Command(BaseCommand):
    help = "Restore the database and the photos from a backup archive into a fresh instance."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz written by `manage.py backup`.")
        parser.add_argument("--no-media", action="store_true", help="Restore the database only.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that already holds stories (its content is lost)."
        )

    def handle(self, *args, **options):
        try:
            summary = restore_backup(
                archive_path=options["archive"], include_media=not options["no_media"], force=options["force"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        call_command("migrate", interactive=False, verbosity=max(options["verbosity"] - 1, 0))
        # What was derived from the old database (cached pages, menu, CDN) follows the loaded one.
        services.backup_announce_restored()
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {summary.vendor} database and {summary.files} files from {summary.path} "
                f"(backed up at {summary.created_at})."
            )
        )
