"""Stories and what hangs on them: bylines, cited sources, photo placements, corrections."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from ..photos.models import Image
from .addresses import slug_url
from .catalogue import Agency, Author, Section, TaggedArticle
from .sanitize import SanitizedHTMLField
from .text import CleanCharField, CleanTextField, slug_form, validate_one_script

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
        from ..changes.events import StoryChange

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

    headline = CleanCharField(_("headline"), max_length=250)
    dek = CleanTextField(_("dek"), blank=True, max_length=600, help_text=_("One or two sentences under the headline."))
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
    # The wire desk (articles/wire/ninjs.py): which agency document the story came from, and which version.
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
        for language, _name in settings.LANGUAGES:
            slug = slug_form(getattr(self, f"slug_{language}", ""))
            setattr(self, f"slug_{language}", slug)
            validate_one_script(slug or "", field=f"slug_{language}")
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
    text = CleanCharField(
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
    caption_override = CleanCharField(
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
    note = CleanTextField(_("correction"), help_text=_("What was wrong and what is correct now."))
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


class PreviewLink(models.Model):
    """A private address that shows a story before it is public, to whoever holds it (a lawyer,
    a source). It stops working when it expires, when it is revoked, or when the story is unpublished."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="preview_links"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires at"), help_text=_("After this time the link shows nothing."))
    revoked_at = models.DateTimeField(
        _("revoked at"), null=True, blank=True, help_text=_("When the link was withdrawn; it shows nothing since.")
    )

    class Meta:
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.article_id}: {self.created_at:%Y-%m-%d %H:%M}"

    def is_live(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
