"""Index every story again: after upgrading to the search (migration 0007_search), or after a
normaliser change. Each story is indexed in its own transaction through the same service the
admin and the other services call, so a running site keeps answering searches.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from ... import services
from ...models import Article, SearchDocument


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
        for article in stories.iterator():
            with transaction.atomic():
                services.article_refresh_search(article=article)
            if options["verbosity"] >= 2:
                self.stdout.write(f"#{article.pk} {article.headline}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{stories.count()} stories, {published} published, {SearchDocument.objects.count()} search documents."
            )
        )
