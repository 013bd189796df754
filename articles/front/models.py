"""What editors put on the fronts: slots on the home page and section fronts, and the breaking line.

A slot names a story for one place on one front (the home page, or a section's page) in one
language, from a moment on: the row with the latest ``starts_at`` not in the future holds the
place, so «at 06:00 make this the lead» is a row that starts at 06:00. The story is shown only
while ``published()`` lets it (articles/front/fronts.py), so an unpublished story leaves its place
at once; empty places are filled with the newest stories.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..stories.addresses import slug_url
from ..stories.catalogue import Section
from ..stories.models import Article
from ..stories.sanitize import SanitizedHTMLField
from ..stories.text import CleanCharField

# The lead (place 0) and the top places under it.
TOP_SLOTS = 4
PLACES = TOP_SLOTS + 1


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")


class FrontSlot(models.Model):
    section = models.ForeignKey(
        Section,
        verbose_name=_("section front"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="front_slots",
        help_text=_("Leave empty for the home page."),
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ARABIC)
    position = models.PositiveSmallIntegerField(_("place"), default=0)
    article = models.ForeignKey(Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="front_slots")
    starts_at = models.DateTimeField(
        _("from"), default=timezone.now, help_text=_("The story takes this place from this time on.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("arranged by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("front page place")
        verbose_name_plural = _("front page places")
        ordering = ("section", "language", "position", "-starts_at")
        constraints = [
            models.CheckConstraint(condition=Q(language__in=Language.values), name="frontslot_language_valid"),
            models.CheckConstraint(condition=Q(position__lt=PLACES), name="frontslot_position_in_range"),
            models.UniqueConstraint(
                fields=("section", "language", "position", "starts_at"),
                condition=Q(section__isnull=False),
                name="frontslot_one_story_per_section_place",
            ),
            models.UniqueConstraint(
                fields=("language", "position", "starts_at"),
                condition=Q(section__isnull=True),
                name="frontslot_one_story_per_home_place",
            ),
        ]
        indexes = [models.Index(fields=("language", "section", "starts_at"), name="frontslot_front_idx")]

    def __str__(self):
        return f"{self.place_label()}: {self.article}"

    def place_label(self) -> str:
        return str(_("Lead")) if self.position == 0 else str(_("Top %(n)d")) % {"n": self.position}


class BreakingNewsQuerySet(models.QuerySet):
    def current(self, language: str, now=None):
        """The lines shown now in ``language``: not removed and not expired, newest first."""
        now = now or timezone.now()
        return (
            self.filter(language=language, removed_at__isnull=True, starts_at__lte=now)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .order_by("-starts_at", "-pk")
        )


class BreakingNews(models.Model):
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ARABIC)
    text = CleanCharField(_("text"), max_length=160, help_text=_("One short line, shown on every reader page."))
    article = models.ForeignKey(
        Article,
        verbose_name=_("linked story"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="breaking_lines",
        help_text=_("Optional: the story or live coverage the line links to. Shown only while it is published."),
    )
    starts_at = models.DateTimeField(_("shown from"), default=timezone.now)
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Optional: the line disappears at this time.")
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = BreakingNewsQuerySet.as_manager()

    class Meta:
        verbose_name = _("breaking news line")
        verbose_name_plural = _("breaking news lines")
        ordering = ("-starts_at", "-pk")
        constraints = [
            models.CheckConstraint(condition=Q(language__in=Language.values), name="breakingnews_language_valid"),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("starts_at")),
                name="breakingnews_expires_after_start",
            ),
        ]
        indexes = [models.Index(fields=("language", "removed_at", "starts_at"), name="breakingnews_current_idx")]

    def __str__(self):
        return self.text


class SitePage(models.Model):
    """A page editors write about the site itself (about us, contact), linked from the footer."""

    title = CleanCharField(_("title"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True, allow_unicode=True)
    body = SanitizedHTMLField(_("text"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position in the footer"), default=0, help_text=_("Pages are listed in the footer in this order.")
    )
    is_in_footer = models.BooleanField(_("linked from the footer"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        ordering = ("position", "pk")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("articles:site-page", self.slug)
