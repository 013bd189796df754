"""The wire queue: every agency item as it arrived, the copy editors see on the desk."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..stories.models import Article
from ..stories.sanitize import SanitizedHTMLField


class AgencyItem(models.Model):
    """One agency item (its newest version), kept beside the story made from it.

    The item holds the agency's own text, whatever its language, so a translator reads it
    beside the story; ``story_text`` is what the wire last wrote into the story, so the desk
    can tell an editor's change from the agency's and never overwrite the former.
    """

    class Status(models.TextChoices):
        INCOMING = "incoming", _("incoming")
        TRANSLATION = "translation", _("waiting for translation")
        STORY = "story", _("story made")
        WITHDRAWN = "withdrawn", _("withdrawn by the agency")

    uri = models.CharField(
        _("agency identifier"),
        max_length=500,
        unique=True,
        help_text=_("The item's identity: its uri, else its guid, else the agency's item id, without request tokens."),
    )
    provider = models.CharField(_("agency"), max_length=100, blank=True, default="")
    language = models.CharField(_("language"), max_length=20, blank=True, default="")
    kind = models.CharField(_("type"), max_length=30, blank=True, default="")
    version = models.CharField(_("agency version"), max_length=50, blank=True, default="")
    version_created_at = models.DateTimeField(_("agency version time"), null=True, blank=True)
    headline = models.CharField(_("headline"), max_length=500)
    dek = models.TextField(_("summary"), blank=True, default="")
    body = SanitizedHTMLField(_("agency text"), blank=True, default="")
    byline = models.CharField(_("byline"), max_length=500, blank=True, default="")
    dateline = models.CharField(_("dateline"), max_length=200, blank=True, default="")
    slugline = models.CharField(_("slugline"), max_length=200, blank=True, default="")
    ednote = models.TextField(
        _("note to editors"),
        blank=True,
        default="",
        help_text=_("The agency's note to editors; never shown to readers."),
    )
    urgency = models.PositiveSmallIntegerField(_("urgency"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), null=True, blank=True)
    embargoed_until = models.DateTimeField(_("embargoed until"), null=True, blank=True)
    pubstatus = models.CharField(_("agency status"), max_length=20, blank=True, default="usable")
    usage_terms = models.TextField(_("usage terms"), blank=True, default="")
    copyright_holder = models.CharField(_("copyright holder"), max_length=300, blank=True, default="")
    copyright_notice = models.CharField(_("copyright notice"), max_length=500, blank=True, default="")
    body_href = models.CharField(
        _("text on the web"),
        max_length=2000,
        blank=True,
        default="",
        help_text=_("The agency sent its text only as a web address, which is never fetched: an editor must get it."),
    )
    unknown_fields = models.JSONField(_("unknown fields"), default=list, blank=True)
    document = models.JSONField(_("agency document"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INCOMING)
    article = models.OneToOneField(
        Article,
        verbose_name=_("story"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agency_item",
    )
    story_text = models.JSONField(_("text written into the story"), default=dict, blank=True)
    has_newer_version = models.BooleanField(
        _("newer agency version"),
        default=False,
        help_text=_("The agency sent a newer version after an editor changed the story: it waits to be applied."),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last received"), default=timezone.now)

    class Meta:
        verbose_name = _("agency item")
        verbose_name_plural = _("agency items")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["incoming", "translation", "story", "withdrawn"]),
                name="agencyitem_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="agencyitem_desk_idx"),
        ]

    def __str__(self):
        return self.headline

    @property
    def direction(self) -> str:
        """The writing direction of the agency's own text, for its ``dir`` attribute."""
        return "rtl" if self.language.startswith(("ar", "fa", "he", "ur")) else "ltr"

    @property
    def language_name(self) -> str:
        """The language's name in the reader's language (the tag itself when Django does not know it)."""
        try:
            return translation.get_language_info(self.language)["name_translated"]
        except KeyError:
            return self.language

    @property
    def is_urgent(self) -> bool:
        """Urgency 1 and 2 are flashes and alerts: «عاجل» on the desk."""
        return self.urgency is not None and 1 <= self.urgency <= 2
