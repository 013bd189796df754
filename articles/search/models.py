"""The search documents: a published story's text in one language, normalised for search."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..stories.models import Article


class SearchDocument(models.Model):
    """A published story's text in one language, normalised for search (articles/search/fulltext.py).

    Kept up to date by the seam's handler (articles/changes/search_documents.py) in the
    transaction that changes the story. SQLite indexes it with FTS5 (external content, kept by
    triggers, migration 0007_search); PostgreSQL with GIN indexes on stored to_tsvector('simple', …)
    columns (migration 0013_headline_search).
    """

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="search_documents"
    )
    language = models.CharField(_("language"), max_length=8)
    headline = models.TextField(_("headline, normalised"))
    body = models.TextField(_("text, normalised"), help_text=_("Dek, body, tags, bylines and sources."))

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="unique_search_document_per_language"),
        ]

    def __str__(self):
        return f"{self.article_id} ({self.language})"
