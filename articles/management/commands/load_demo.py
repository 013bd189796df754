"""Load the demo newsroom (sections, people, agencies, photos and 13 stories) and the demo accounts.

Safe to run again: existing demo content is kept, and the demo accounts' passwords are reset.
"""

from django.core.management.base import BaseCommand
from django.utils import translation

from ... import demo


class Command(BaseCommand):
    help = "Load demo content and create the demo journalist and editor accounts."

    def add_arguments(self, parser):
        parser.add_argument("--no-accounts", action="store_true", help="Do not create the demo accounts.")

    def handle(self, *args, **options):
        with translation.override("ar"):
            accounts = [] if options["no_accounts"] else demo.ensure_accounts()
            created = demo.load_demo()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {created} demo stories."))
        elif options["verbosity"] >= 1:
            self.stdout.write("Demo content is already there; nothing loaded.")
        for username, password, role in accounts:
            self.stdout.write(f"  {role}: {username} / {password}")
