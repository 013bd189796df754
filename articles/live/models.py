"""Live coverage: a story (its headline, dek and body are the lead text) followed by short updates.

Updates are read newest first and paged by key (``before``: the id the previous page ended at),
so the thousandth update costs what the first does. Only published updates reach readers
(``LiveUpdateQuerySet.public``), by the same rule as stories: the coverage's story must itself
pass ``published()``, which the reader views check first.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..photos.models import Image
from ..stories.models import Article
from ..stories.sanitize import SanitizedHTMLField


class LiveCoverage(models.Model):
    article = models.OneToOneField(
        Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="live_coverage"
    )
    started_at = models.DateTimeField(_("coverage started at"), default=timezone.now)
    ended_at = models.DateTimeField(
        _("coverage ended at"),
        null=True,
        blank=True,
        help_text=_("Set when the coverage ends; the page then reads as an archive."),
    )
    live_writers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("journalists with live rights"),
        blank=True,
        related_name="live_coverages",
        help_text=_("Their updates to this coverage are published at once, without review."),
    )

    class Meta:
        verbose_name = _("live coverage")
        verbose_name_plural = _("live coverages")
        ordering = ("-started_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="livecoverage_ends_after_start",
            )
        ]

    def __str__(self):
        return str(self.article)

    @property
    def is_live(self) -> bool:
        return self.ended_at is None


class LiveUpdateQuerySet(models.QuerySet):
    def public(self, now=None):
        return self.filter(status=LiveUpdate.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def newest_first(self):
        return self.order_by("-published_at", "-pk")


class LiveUpdate(models.Model):
    class Status(models.TextChoices):
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    coverage = models.ForeignKey(
        LiveCoverage, verbose_name=_("live coverage"), on_delete=models.CASCADE, related_name="updates"
    )
    body = SanitizedHTMLField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="live_updates",
    )
    author_name = models.CharField(_("author name"), max_length=150, blank=True, editable=False)
    photo = models.ForeignKey(
        Image, verbose_name=_("photo"), null=True, blank=True, on_delete=models.PROTECT, related_name="live_updates"
    )
    is_breaking = models.BooleanField(_("breaking"), default=False)
    is_pinned = models.BooleanField(_("pinned key update"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REVIEW)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = LiveUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("live update")
        verbose_name_plural = _("live updates")
        ordering = ("-published_at", "-pk")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["review", "published"]), name="liveupdate_status_valid"),
            models.CheckConstraint(
                condition=Q(status="review") | Q(published_at__isnull=False), name="liveupdate_published_has_time"
            ),
            models.UniqueConstraint(
                fields=("coverage",), condition=Q(is_pinned=True), name="liveupdate_one_pinned_per_coverage"
            ),
        ]
        indexes = [
            models.Index(fields=("coverage", "status", "-published_at", "-id"), name="liveupdate_page_idx"),
        ]

    def __str__(self):
        return f"{self.coverage_id}#{self.pk}"
