"""The catalogue stories are filed under: sections, authors, agencies and tags."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.models import ItemBase, TagBase

from .addresses import slug_url
from .text import CleanCharField, CleanTextField, KeyField, name_key, slug_form, slugify, validate_one_script


class Section(models.Model):
    name = CleanCharField(_("name"), max_length=100)
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

    def clean(self):
        self.slug = slug_form(self.slug)
        validate_one_script(self.slug or "", field="slug")


class Author(models.Model):
    name = CleanCharField(_("name"), max_length=150)
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
    bio = CleanTextField(_("short bio"), blank=True)
    photo = models.ForeignKey(
        "articles.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="author_portraits",
        help_text=_("A portrait shown on the author's page, with its credit and alt text."),
    )

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("articles:author-detail", self.slug)

    def clean(self):
        self.slug = slug_form(self.slug)
        validate_one_script(self.slug or "", field="slug")


class Agency(models.Model):
    """A news agency or publication: cited as a story's source and credited on photos."""

    name = CleanCharField(_("name"), max_length=150)
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

    def clean(self):
        self.slug = slug_form(self.slug)
        validate_one_script(self.slug or "", field="slug")


class Tag(TagBase):
    """A bilingual tag; taggit's own tag model cannot be translated."""

    # TagBase's name and slug are unique; a 100-character name holds any real tag. The name is
    # TagBase's, cleaned on write (articles/stories/text.py).
    name = CleanCharField(verbose_name=pgettext_lazy("A tag name", "name"), unique=True, max_length=100)
    # One tag per word however it is spelled: «الحكـــومة», «الحكومة» and «الحُكُومَة» share this
    # key (the search normaliser's form of the Arabic name), and the first spelling is the name.
    key = KeyField(
        _("comparison key"),
        source="name_ar",
        max_length=300,
        editable=False,
        default="",
        help_text=_("The name without tatweel, tashkeel or letter variants: two tags never share it."),
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="tag_slug_not_empty"),
            models.UniqueConstraint(
                fields=["key"],
                name="tag_key_unique",
                violation_error_message=_("A tag with this name, spelled differently, already exists."),
            ),
        ]

    def get_absolute_url(self):
        return slug_url("articles:tag-detail", self.slug)

    def clean(self):
        self.slug = slug_form(self.slug)
        # The key the save will write, so that a duplicate is reported by the unique constraint's
        # validation (full_clean) instead of failing in the database.
        key = name_key(self.name_ar)
        if not (self.key or "").startswith(f"{key}#"):
            self.key = key
            same = type(self)._default_manager.filter(key=key).exclude(pk=self.pk).first()
            if same is not None:
                raise ValidationError(
                    {"name_ar": _("This is the tag «%(name)s», spelled differently.") % {"name": same.name_ar}},
                    code="same_tag",
                )
        for field in ("name_ar", "name_en", "slug"):
            validate_one_script(getattr(self, field) or "", field=field)

    def slugify(self, tag, i=None):
        # A name made only of punctuation («؟؟») slugifies to nothing; slugs are never empty.
        slug = slugify(tag) or "tag"
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
        (articles.site.pagination.BoundedPaginator)."""
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
        from .models import Article  # stories/models.py imports this module

        published = Article.objects.filter(pk=OuterRef("content_object_id"), status=Article.Status.PUBLISHED)
        copies = {
            cls.publication_field(language): Subquery(published.in_language(language).values("published_at"))
            for language, _name in settings.LANGUAGES
        }
        ids, updated = list(article_ids), 0
        for start in range(0, len(ids), 10_000):
            updated += cls._default_manager.filter(content_object_id__in=ids[start : start + 10_000]).update(**copies)
        return updated
