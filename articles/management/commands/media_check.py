"""List stored files no photo owns, files left half-written, and photos whose original is gone.

A process killed while storing an upload (a worker restarted, a full disk) can leave a
``*.part-*`` file or a complete file whose row never committed. Nothing points at those,
so they are only wasted space; this command finds them and, with ``--delete``, removes
them. Files younger than ``--older-than`` minutes are left alone: an upload in progress
stores its file before its row is committed. A photo whose original is missing is
reported (it cannot be repaired from here) and makes the command exit with status 1.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from ...photos import mediafiles


class Command(BaseCommand):
    help = "Find orphaned and partial media files (and remove them with --delete); report missing originals."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Remove the orphaned and partial files found.")
        parser.add_argument("--dry-run", action="store_true", help="With --delete: say what would be removed.")
        parser.add_argument(
            "--older-than",
            type=float,
            default=60,
            metavar="MINUTES",
            help="Only consider files older than this many minutes (default 60).",
        )
        parser.add_argument("--verify", action="store_true", help="Also decode every original to check it is whole.")

    def handle(self, *args, **options):
        if options["older_than"] < 0:
            raise CommandError("--older-than must be zero or more minutes.")
        report = mediafiles.check_media(older_than=timedelta(minutes=options["older_than"]), verify=options["verify"])
        verbosity = options["verbosity"]
        for stored in report.partial:
            self.stdout.write(f"partial   {stored.storage}:{stored.name}")
        for stored in report.orphaned:
            self.stdout.write(f"orphaned  {stored.storage}:{stored.name} ({stored.reason})")
        for pk, name in report.missing:
            self.stderr.write(self.style.ERROR(f"missing   photo #{pk}: original {name or '(none)'} is not stored"))
        for pk, name in report.unreadable:
            self.stderr.write(self.style.ERROR(f"unreadable photo #{pk}: original {name} does not decode"))

        removable = report.removable
        if options["delete"] and removable:
            if options["dry_run"]:
                self.stdout.write(f"Would remove {len(removable)} files (dry run).")
            else:
                removed = mediafiles.remove_files(removable)
                self.stdout.write(self.style.SUCCESS(f"Removed {removed} files."))
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{report.checked_files} files checked: {len(report.partial)} partial, "
                    f"{len(report.orphaned)} orphaned, {len(report.missing)} photos missing their original, "
                    f"{len(report.unreadable)} unreadable."
                )
            )
        if report.missing or report.unreadable:
            raise SystemExit(1)
