import uuid
from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from .addresses import slug_url
from .sanitize import SanitizedHTMLField


class Section(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        allow_unicode=True,
        help_text=_("Used in the section's address; Arabic letters are kept."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Sections are listed in the site menu in this order.")
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("articles:section-detail", self.slug)


class Author(models.Model):
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True, allow_unicode=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text=_("The staff account of this author, if they have one."),
    )
    bio = models.TextField(_("short bio"), blank=True)

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("articles:author-detail", self.slug)


class Agency(models.Model):
    """A news agency or publication: cited as a story's source and credited on photos."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True, allow_unicode=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("agency / source")
        verbose_name_plural = _("agencies / sources")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("articles:source-detail", self.slug)


class Tag(TagBase):
    """A bilingual tag; taggit's own tag model cannot be translated."""

    # TagBase's name and slug are unique; a 100-character name holds any real tag.

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="tag_slug_not_empty"),
        ]

    def get_absolute_url(self):
        return slug_url("articles:tag-detail", self.slug)

    def slugify(self, tag, i=None):
        # A name made only of punctuation («؟؟») slugifies to nothing; slugs are never empty.
        slug = super().slugify(tag) or "tag"
        return f"{slug}_{i}" if i is not None else slug


class TaggedArticle(ItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="tagged_items")
    # A copy of the story's publication time, so that a tag page reads its newest stories from
    # the tag's own rows in order (taggedarticle_tag_pub_idx) instead of sorting every story
    # that ever carried the tag. Kept by copy_publication_times() in every write that changes a
    # story's status, time, English headline or tags. Readers never trust it alone: a tag page's
    # rows pass published() when they are read (BoundedPaginator), the feed checks each story
    # (tag_list()).
    published_at = models.DateTimeField(
        _("story published at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The story's publication time while it is published; empty otherwise."),
    )
    # The same for the English tag page, which lists only translated stories: one copy per
    # reader language, named by publication_field(); a language added to LANGUAGES gets its own.
    published_en_at = models.DateTimeField(
        _("story published in English at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The story's publication time while it is published with an English headline; empty otherwise."),
    )

    class Meta:
        verbose_name = _("tagged article")
        verbose_name_plural = _("tagged articles")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_article"),
        ]
        indexes = [
            # «Read also» walks a tag's stories newest first by id.
            models.Index(fields=["tag", "-content_object"], name="taggedarticle_tag_story_idx"),
            # Tag pages and feeds walk a tag's public stories by publication time.
            models.Index(fields=["tag", "-published_at", "-content_object"], name="taggedarticle_tag_pub_idx"),
            models.Index(fields=["tag", "-published_en_at", "-content_object"], name="taggedarticle_tag_pub_en_idx"),
        ]

    @staticmethod
    def publication_field(language: str) -> str:
        """The copy a tag page in ``language`` walks: every story is in the default language."""
        if language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
            return "published_at"
        return f"published_{language}_at"

    @classmethod
    def newest_story_keys(cls, tag, language: str | None = None, now=None):
        """The keys of the stories carrying ``tag`` by their copied time in ``language`` (default:
        the active one), newest first: read from the copy's index alone. Candidates: that each
        story is still public and readable in the language, the reader of its row checks
        (articles.pagination.BoundedPaginator)."""
        field = cls.publication_field(language or translation.get_language())
        return (
            cls._default_manager.filter(tag=tag, **{f"{field}__lte": now or timezone.now()})
            .order_by(f"-{field}", "-content_object_id")
            .values_list("content_object_id", flat=True)
        )

    @classmethod
    def copy_publication_times(cls, *, article_ids: Iterable[int]) -> int:
        """Copy each story's publication time onto its tag rows, once per reader language (NULL
        unless it is published and readable in that language, ArticleQuerySet.in_language): one
        UPDATE per 10,000 stories, read from the stories themselves in the caller's transaction."""
        published = Article.objects.filter(pk=OuterRef("content_object_id"), status=Article.Status.PUBLISHED)
        copies = {
            cls.publication_field(language): Subquery(published.in_language(language).values("published_at"))
            for language, _name in settings.LANGUAGES
        }
        ids, updated = list(article_ids), 0
        for start in range(0, len(ids), 10_000):
            updated += cls._default_manager.filter(content_object_id__in=ids[start : start + 10_000]).update(**copies)
        return updated


def image_upload_to(instance, filename: str) -> str:
    # Never keep the uploader's filename: it can collide, carry bidi controls or a path.
    suffix = PurePath(filename).suffix.lower()
    if suffix not in {".jpg", ".jpeg", ".png", ".webp", ".avif"}:
        suffix = ".bin"
    now = timezone.now()
    return f"originals/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


def original_storage():
    """Originals live apart from public media: they keep GPS and camera data and are never served."""
    return storages["originals"]


class AgencyAlias(models.Model):
    """Another way an agency's name is written in photo credits («REUTERS», «رويترز»)."""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("credit as written"), max_length=150)
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

    text = models.CharField(_("credit as found"), max_length=150)
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
        help_text=_("JPEG, PNG, WebP or AVIF. Readers only ever see copies made from its pixels."),
    )
    format = models.CharField(_("format"), max_length=8, editable=False, blank=True)
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    caption = models.CharField(
        _("caption"),
        max_length=500,
        blank=True,
        help_text=_("What the photo shows. Do not type the credit here: it comes from the credit field."),
    )
    alt_text = models.CharField(
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
    photographer = models.CharField(_("photographer"), max_length=150, blank=True)
    is_photographer_anonymous = models.BooleanField(
        _("anonymous photographer"),
        default=False,
        help_text=_("Keep the photographer's name off everything readers see."),
    )
    copyright_notice = models.CharField(_("copyright notice"), max_length=300, blank=True)
    licence = models.CharField(_("licence"), max_length=12, choices=Licence.choices, blank=True)
    usage_terms = models.CharField(
        _("usage terms"),
        max_length=300,
        blank=True,
        help_text=_("Restrictions that come with the photo, such as «editorial use only»."),
    )
    rights_expire_at = models.DateField(
        _("rights expire on"), null=True, blank=True, help_text=_("After this day the photo may not be used.")
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
        if not self.alt_text_ar:
            missing.append(gettext("alt text"))
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


# Fields a bulk update() may change without announcing it: they show on no reader page.
QUIET_FIELDS = frozenset({"version", "updated_at", "updated_by", "updated_by_id", "created_by", "created_by_id"})


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """The one gate for everything public: published, and its time has come (by ``now``)."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def tag_list(self, tag, now=None):
        """Stories carrying ``tag``, newest first, found in that order on the tag's own rows.

        A tag row's ``published_at`` is a copy of its story's (TaggedArticle): walking the tag's
        rows through taggedarticle_tag_pub_idx from ``now`` back stops after the rows a list
        needs, where ordering by the story's own date would first join and sort every story that
        ever carried the tag. The copy only orders and bounds: chained after published(), each
        story is checked by its own status and date, and a row whose copy disagrees with its
        story's date is left out, so a stale copy can drop a story from the list, never show one
        that is not public nor misplace one. The order is the stories' (-published_at, -pk).
        """
        return self.filter(
            tagged_items__tag=tag,
            tagged_items__published_at__lte=now or timezone.now(),
            tagged_items__published_at=F("published_at"),
        ).order_by("-tagged_items__published_at", "-tagged_items__content_object_id")

    def update(self, **kwargs):
        # A bulk change of what readers see (status, time, texts, relations) is a change like any
        # other: it is announced (articles/changes/), so tag rows, search documents and cached
        # pages follow in the same transaction. Bookkeeping fields are written quietly.
        if set(kwargs) <= QUIET_FIELDS:
            return super().update(**kwargs)
        from .changes.events import StoryChange

        with transaction.atomic(using=self.db):
            ids = list(self.values_list("pk", flat=True))
            with StoryChange(ids=ids):
                return super().update(**kwargs)

    def in_language(self, language: str | None = None):
        """Stories readable in ``language``: every story in Arabic, translated ones in English."""
        language = language or translation.get_language()
        if language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
            return self
        return self.exclude(**{f"headline_{language}": ""}).exclude(**{f"headline_{language}__isnull": True})

    def for_listing(self):
        return self.select_related("section", "lead_image", "lead_image__credit").prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )

    def for_detail(self):
        return self.for_listing().prefetch_related(
            "tags",
            models.Prefetch("cited_sources", queryset=CitedSource.objects.select_related("source")),
            models.Prefetch("placements", queryset=Placement.objects.select_related("image", "image__credit")),
            "corrections",
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    headline = models.CharField(_("headline"), max_length=250)
    dek = models.TextField(
        _("dek"), blank=True, max_length=600, help_text=_("One or two sentences under the headline.")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=250,
        allow_unicode=True,
        blank=True,
        help_text=_("The story's address. Filled from the headline; Arabic letters are kept."),
    )
    body = SanitizedHTMLField(_("body"), blank=True)
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles")
    lead_image = models.ForeignKey(
        Image,
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_of",
    )
    tags = TaggableManager(
        verbose_name=_("tags"),
        through=TaggedArticle,
        blank=True,
        help_text=_("Separate tags with a comma (، or ,). A tag may have several words."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("Readers see the story from this time on. Set automatically when you publish."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="created_articles",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    embargo_until = models.DateTimeField(
        _("embargoed until"),
        null=True,
        blank=True,
        help_text=_("The story cannot be published before this time, whoever tries."),
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Goes up by one on every save; stops lost edits.")
    )
    is_generated = models.BooleanField(
        _("generated for load tests"),
        default=False,
        editable=False,
        help_text=_("Made by the generate_articles command; removed with its --remove option."),
    )
    # The wire desk (articles/ninjs.py): which agency document the story came from, and which version.
    wire_uri = models.CharField(
        _("agency identifier"),
        max_length=500,
        blank=True,
        default="",
        editable=False,
        help_text=_("The ninjs uri of the agency document this story was imported from."),
    )
    wire_version = models.CharField(_("agency version"), max_length=50, blank=True, default="", editable=False)
    wire_versioncreated = models.DateTimeField(_("agency version time"), null=True, blank=True, editable=False)
    wire_image_href = models.CharField(
        _("agency photo address"),
        max_length=2000,
        blank=True,
        default="",
        editable=False,
        help_text=_("Where the agency keeps the story's photo. Photos on the web are never downloaded automatically."),
    )
    is_translation_needed = models.BooleanField(
        _("needs translation"),
        default=False,
        help_text=_(
            "The Arabic fields still hold the agency's English text. Translate them, then untick this box: "
            "the story cannot be published before."
        ),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        permissions = [
            ("publish_article", _("Can publish, schedule, unpublish and edit any story")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published")
                | Q(embargo_until__isnull=True)
                | Q(published_at__gte=F("embargo_until")),
                name="article_not_before_embargo",
                violation_error_message=_("The story is under embargo: it cannot be published before it ends."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "published", "unpublished"]), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
            # slug_ar / slug_en are added by modeltranslation (translation.py).
            models.UniqueConstraint(
                fields=["slug_ar"],
                name="article_slug_ar_unique",
                violation_error_message=_("Another story already uses this address."),
            ),
            models.UniqueConstraint(
                fields=["slug_en"],
                condition=Q(slug_en__gt=""),
                name="article_slug_en_unique",
                violation_error_message=_("Another story already uses this English address."),
            ),
            models.UniqueConstraint(
                fields=["wire_uri"],
                condition=Q(wire_uri__gt=""),
                name="article_wire_uri_unique",
                violation_error_message=_("Another story was already imported from this agency document."),
            ),
        ]
        indexes = [
            # Newest first, for readers (home, feeds, sitemaps: status is read from the index) and
            # for the admin (every status, its status filter and date hierarchy). Not led by status:
            # SQLite has no statistics and would take an index starting with status for a selective
            # one, walking every published story to find a tag's or a search's few.
            models.Index(fields=["-published_at", "-id", "status"], name="article_pub_idx"),
            # The admin's draft, review and unpublished lists and their counts. Partial, with the
            # statuses as an OR of equalities: SQLite proves that from «status = 'review'», and
            # never from a reader's «status = 'published'», which must not be led here.
            models.Index(
                fields=["status", "-published_at", "-id"],
                condition=Q(status="draft") | Q(status="review") | Q(status="unpublished"),
                name="article_desk_idx",
            ),
            models.Index(fields=["section", "status", "-published_at"], name="article_section_pub_idx"),
            # Whether a story is public and when, by key: a tag's, source's, author's or search's
            # candidates are checked and sorted from here, not from their rows (migration 0012).
            models.Index(
                fields=["id", "status", "published_at"], condition=Q(status="published"), name="article_public_key_idx"
            ),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return slug_url("articles:article-detail", self.slug)

    def clean(self):
        if self.status == self.Status.PUBLISHED and self.is_translation_needed:
            raise ValidationError(
                gettext(
                    "This story is agency copy whose Arabic text has not been translated yet: "
                    "translate it and untick «needs translation» before publishing."
                ),
                code="translation_needed",
            )

    @property
    def is_image_missing(self) -> bool:
        """An agency photo the wire desk could not read (a web address is never fetched)."""
        return bool(self.wire_image_href) and self.lead_image_id is None

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def has_translation(self, language: str) -> bool:
        return bool(getattr(self, f"headline_{language}", ""))


class Byline(models.Model):
    """One name on a story's byline, in order: a staff author or free text («وكالات»)."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(
        Author,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bylines",
    )
    text = models.CharField(
        _("name as written"),
        max_length=150,
        blank=True,
        help_text=_("For a name without an author page, such as «وكالات». Leave empty when you pick an author."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(author__isnull=False) & Q(text="")) | (Q(author__isnull=True) & ~Q(text="")),
                name="byline_author_xor_text",
                violation_error_message=_("Choose an author or write a name, not both and not neither."),
            ),
            models.UniqueConstraint(
                fields=["article", "author"],
                condition=Q(author__isnull=False),
                name="unique_author_per_article",
                violation_error_message=_("This author is already on the byline."),
            ),
        ]

    def __str__(self):
        return self.author.name if self.author_id else self.text

    @property
    def name(self) -> str:
        return str(self)


class CitedSource(models.Model):
    """A source a story cites («المصدر: بلومبيرغ»), in order, with an optional link to its report."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="cited_sources"
    )
    source = models.ForeignKey(Agency, verbose_name=_("source"), on_delete=models.PROTECT, related_name="citations")
    url = models.URLField(_("link to the original report"), blank=True, max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("cited source")
        verbose_name_plural = _("cited sources")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "source"],
                name="unique_source_per_article",
                violation_error_message=_("This source is already cited."),
            ),
        ]
        indexes = [models.Index(fields=["source", "article"], name="citedsource_source_idx")]

    def __str__(self):
        return str(self.source)


class Placement(models.Model):
    """A photo shown in a story's gallery or between its paragraphs, with an optional caption for this use."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="placements")
    image = models.ForeignKey(Image, verbose_name=_("image"), on_delete=models.PROTECT, related_name="placements")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    after_paragraph = models.PositiveSmallIntegerField(
        _("after paragraph"),
        null=True,
        blank=True,
        help_text=_(
            "Show the photo after this paragraph of the body (1 is the first). Empty: in the gallery at the end."
        ),
    )
    caption_override = models.CharField(
        _("caption for this story"),
        max_length=500,
        blank=True,
        help_text=_("Replaces the photo's own caption in this story only. The credit is always added."),
    )

    class Meta:
        verbose_name = _("photo in the story")
        verbose_name_plural = _("photos in the story")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "image"],
                name="unique_image_per_article",
                violation_error_message=_("This photo is already in the story."),
            ),
        ]

    def __str__(self):
        return str(self.image)

    @property
    def caption(self) -> str:
        return self.caption_override or self.image.caption


class Correction(models.Model):
    """A dated correction note shown to readers under a published story («تصحيح»)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="corrections"
    )
    note = models.TextField(_("correction"), help_text=_("What was wrong and what is correct now."))
    created_at = models.DateTimeField(_("corrected at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.note[:80]


class SearchDocument(models.Model):
    """A published story's text in one language, normalised for search (articles/search.py).

    Kept up to date by services.article_refresh_search in the transaction that changes the
    story. SQLite indexes it with FTS5 (external content, kept by triggers); PostgreSQL with
    a GIN index on to_tsvector('simple', …). Both are created in migration 0007_search.
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
