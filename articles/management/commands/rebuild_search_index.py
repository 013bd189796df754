"""Index every story again: after upgrading to the search (migration 0007_search), or after a
normaliser change. Stories are indexed a batch per transaction by the same handler that keeps
the documents in step with every change (articles/changes/search_documents.py), so a running
site keeps answering searches.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from ...changes.search_documents import reindex
from ...models import Article, SearchDocument

BATCH = 500


class Command(BaseCommand):
    help = "Rebuild the search documents of every story (published stories are indexed, others removed)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be indexed; change nothing.")

    def handle(self, *args, **options):
        stories = Article.objects.order_by("pk")
        published = stories.filter(status=Article.Status.PUBLISHED).count()
        if options["dry_run"]:
            self.stdout.write(
                f"{stories.count()} stories, {published} published would be indexed; "
                f"{SearchDocument.objects.count()} search documents now."
            )
            return
        ids = list(stories.values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            with transaction.atomic():
                reindex(batch)
            if options["verbosity"] >= 2:
                self.stdout.write(f"#{batch[0]}–#{batch[-1]}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{stories.count()} stories, {published} published, {SearchDocument.objects.count()} search documents."
            )
        )
