"""The photo library: photos, their credits (agencies' aliases, credits to confirm) and renditions."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..stories.catalogue import Agency
from ..stories.text import CleanCharField, CleanTextField, is_blank
from .metadata import has_arabic_letters


def image_upload_to(instance, filename: str) -> str:
    # Never keep the uploader's filename: it can collide, carry bidi controls or a path.
    suffix = PurePath(filename).suffix.lower()
    if suffix not in {".jpg", ".jpeg", ".png", ".webp", ".avif", ".heic"}:
        suffix = ".bin"
    now = timezone.now()
    return f"originals/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


def original_storage():
    """Originals live apart from public media: they keep GPS and camera data and are never served."""
    return storages["originals"]


class AgencyAlias(models.Model):
    """Another way an agency's name is written in photo credits («REUTERS», «رويترز»)."""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="aliases")
    name = CleanCharField(_("credit as written"), max_length=150)
    key = models.CharField(_("comparison key"), max_length=150, unique=True, editable=False)

    class Meta:
        verbose_name = _("agency alias")
        verbose_name_plural = _("agency aliases")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CreditSuggestion(models.Model):
    """A credit line found in a photo that matches no agency: an editor confirms it or maps it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an editor")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    text = CleanCharField(_("credit as found"), max_length=150)
    key = models.CharField(_("comparison key"), max_length=150, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
        help_text=_("Choose the agency this credit belongs to, or accept it as a new agency."),
    )
    created_at = models.DateTimeField(_("found at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit suggestion")
        verbose_name_plural = _("credit suggestions")
        ordering = ["status", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "dismissed"]), name="creditsuggestion_status_valid"
            ),
        ]

    def __str__(self):
        return self.text


# Photos whose Arabic alt text is missing, for database filters (the «missing» filter, the desk's
# count): the rule of Image.missing_for_publication(). Alt text of spaces, tatweel or invisible
# characters alone is stored as "" by its field (stories/text.py), and migration 0024 emptied
# older rows, so comparing with "" finds it without a regular expression over every row.
MISSING_ALT_TEXT = Q(alt_text_ar__isnull=True) | Q(alt_text_ar="")


class Image(models.Model):
    class Licence(models.TextChoices):
        STAFF = "staff", _("Staff photographer")
        AGENCY = "agency", _("Agency subscription")
        HANDOUT = "handout", _("Handout")
        CREATIVE_COMMONS = "cc", _("Creative Commons")
        SOCIAL = "social", _("Social media")

    file = models.FileField(
        _("original file"),
        upload_to=image_upload_to,
        storage=original_storage,
        max_length=200,
        help_text=_("JPEG, PNG, WebP, AVIF or HEIC. Readers only ever see copies made from its pixels."),
    )
    content_sha256 = models.CharField(
        _("content fingerprint"),
        max_length=64,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("The SHA-256 of the original file: the same file imported again is recognised."),
    )
    format = models.CharField(_("format"), max_length=8, editable=False, blank=True)
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    # No length limit: an agency's caption ends with the credit and the restrictions, and a cut
    # there would lose them.
    caption = CleanTextField(
        _("caption"),
        blank=True,
        help_text=_("What the photo shows. Do not type the credit here: it comes from the credit field."),
    )
    alt_text = CleanCharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_(
            "Describes the photo for readers who cannot see it. Required before a story using it is published."
        ),
    )
    credit = models.ForeignKey(
        Agency,
        verbose_name=_("credit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credited_images",
        help_text=_("The agency or publication the photo is credited to."),
    )
    credit_suggestion = models.ForeignKey(
        CreditSuggestion,
        verbose_name=_("unconfirmed credit"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="images",
    )
    credit_line = CleanCharField(
        _("credit line"),
        max_length=200,
        blank=True,
        help_text=_("The credit exactly as the agency wrote it, such as «AFP/Getty Images»."),
    )
    photographer = CleanCharField(
        _("photographer"),
        max_length=300,
        blank=True,
        help_text=_("Every photographer named in the file, separated by commas."),
    )
    is_photographer_anonymous = models.BooleanField(
        _("anonymous photographer"),
        default=False,
        help_text=_("Keep the photographer's name off everything readers see."),
    )
    copyright_notice = CleanCharField(_("copyright notice"), max_length=300, blank=True)
    licence = models.CharField(_("licence"), max_length=12, choices=Licence.choices, blank=True)
    usage_terms = CleanTextField(
        _("usage terms"),
        blank=True,
        help_text=_("Restrictions that come with the photo, such as «editorial use only»."),
    )
    rights_expire_at = models.DateField(
        _("rights expire on"), null=True, blank=True, help_text=_("After this day the photo may not be used.")
    )
    headline = CleanCharField(
        _("headline in the file"),
        max_length=300,
        blank=True,
        help_text=_("The short headline the agency or photographer gave the photo."),
    )
    keywords = CleanTextField(_("keywords in the file"), blank=True)
    photographed_on = models.DateField(_("date photographed"), null=True, blank=True)
    location = CleanCharField(
        _("place photographed"),
        max_length=300,
        blank=True,
        help_text=_("Place, city, region and country, as the file names them."),
    )
    focal_x = models.FloatField(
        _("focal point (across)"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 is the left edge, 1 the right edge. Crops keep this point in view."),
    )
    focal_y = models.FloatField(
        _("focal point (down)"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 is the top edge, 1 the bottom edge."),
    )
    rendition_key = models.CharField(_("rendition key"), max_length=16, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="uploaded_images",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            ),
            models.CheckConstraint(
                condition=Q(licence__in=["", "staff", "agency", "handout", "cc", "social"]),
                name="image_licence_valid",
            ),
        ]
        indexes = [models.Index(fields=["credit", "created_at"], name="image_credit_idx")]

    def __str__(self):
        return self.caption or self.alt_text or gettext("Photo %(number)s") % {"number": self.pk}

    @property
    def public_photographer(self) -> str:
        return "" if self.is_photographer_anonymous else self.photographer

    @property
    def public_copyright_notice(self) -> str:
        # A notice usually names the photographer («© Salma Al-Khatib/AFP»): an anonymous
        # photographer's photo is credited through its agency only.
        return "" if self.is_photographer_anonymous else self.copyright_notice

    def is_expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.rights_expire_at is not None and self.rights_expire_at < today

    @property
    def is_restricted(self) -> bool:
        return bool(self.usage_terms)

    def missing_for_publication(self) -> list[str]:
        missing = []
        if not self.credit_id:
            missing.append(gettext("credit"))
        # Alt text of spaces, tatweel or invisible characters (stored before the fields cleaned it,
        # or written past them) describes nothing.
        if is_blank(self.alt_text_ar):
            missing.append(gettext("alt text"))
        elif not has_arabic_letters(self.alt_text_ar):
            # English typed into the Arabic field is no Arabic alt text.
            missing.append(gettext("alt text in Arabic"))
        return missing

    # Renditions have deterministic names computed from the image; no query is needed to show them.
    def rendition_name(self, kind: str, width: int, fmt: str) -> str:
        return rendition_name(self, kind, width, fmt)

    def rendition_widths(self, kind: str = "full") -> list[int]:
        return rendition_widths(self, kind)

    def rendition_url(self, kind: str, width: int, fmt: str) -> str:
        return rendition_url(rendition_name(self, kind, width, fmt))

    def srcset(self, kind: str, fmt: str) -> str:
        return ", ".join(f"{self.rendition_url(kind, w, fmt)} {w}w" for w in self.rendition_widths(kind))

    def fallback_url(self, kind: str = "full", width: int = 960) -> str:
        widths = self.rendition_widths(kind)
        chosen = max([w for w in widths if w <= width] or widths[:1])
        return self.rendition_url(kind, chosen, "jpeg")

    def rendition_size(self, kind: str, width: int) -> tuple[int, int]:
        return rendition_size(self, kind, width)


RENDITION_WIDTHS = {"full": (320, 640, 960, 1280, 1920), "card": (320, 640, 960)}
RENDITION_RATIOS = {"full": None, "card": (3, 2)}
RENDITION_EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "avif": "avif"}


def _source_size(image: Image, kind: str) -> tuple[int, int]:
    ratio = RENDITION_RATIOS[kind]
    if ratio is None or not image.width or not image.height:
        return image.width, image.height
    if image.width / image.height > ratio[0] / ratio[1]:
        return round(image.height * ratio[0] / ratio[1]), image.height
    return image.width, round(image.width * ratio[1] / ratio[0])


def rendition_widths(image: Image, kind: str) -> list[int]:
    """Allow-listed widths up to the photo's own width: never upscaled."""
    source_width = _source_size(image, kind)[0]
    allowed = RENDITION_WIDTHS[kind]
    widths = [w for w in allowed if w < source_width]
    if source_width and (not widths or widths[-1] < min(source_width, allowed[-1])):
        widths.append(min(source_width, allowed[-1]))
    return widths


def rendition_size(image: Image, kind: str, width: int) -> tuple[int, int]:
    source_width, source_height = _source_size(image, kind)
    width = min(width, source_width)
    return width, max(1, round(source_height * width / max(1, source_width)))


def rendition_url(name: str) -> str:
    """A rendition's public URL. On the file system a rendition's name is plain ASCII, so its URL is
    the media URL followed by the name: a page lists dozens and skips the storage's quoting."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage) and storage.base_url.endswith("/"):
        return storage.base_url + name
    return storage.url(name)


def rendition_name(image: Image, kind: str, width: int, fmt: str) -> str:
    return f"renditions/{image.pk}/{image.rendition_key}/{kind}-{width}.{RENDITION_EXTENSIONS[fmt]}"
