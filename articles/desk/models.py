"""A writer's unsaved copy of a story's form, kept by autosave, seen by its writer only."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StoryDraft(models.Model):
    # Drafts are private working copies, never part of the archive: they go with their writer
    # and with their story (a deleted account's half-typed text must not stay behind).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("writer"),
        on_delete=models.CASCADE,
        related_name="story_drafts",
    )
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="drafts",
        help_text=_("Empty for a story that has not been saved yet."),
    )
    data = models.TextField(_("form contents"), help_text=_("The story form's fields as the browser last sent them."))
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("unsaved copy")
        verbose_name_plural = _("unsaved copies")
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="storydraft_one_per_story"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(article__isnull=True), name="storydraft_one_new_story"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.article_id or '+'}"
