"""Writes that have rules go through here: the admin, views and commands call these."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Agency, Article, Author, Byline, CitedSource, Image

SLUG_MAX_LENGTH = 200


def _unique_slug(*, text: str, field: str, exclude_pk: int | None) -> str:
    base = slugify(text, allow_unicode=True)[:SLUG_MAX_LENGTH].strip("-") or "story"
    candidate, n = base, 2
    others = Article.objects.exclude(pk=exclude_pk) if exclude_pk else Article.objects.all()
    while others.filter(**{field: candidate}).exists():
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def article_fill_slugs(*, article: Article) -> None:
    """Give the story an address in each language it is written in, keeping Arabic letters."""
    for language, _name in settings.LANGUAGES:
        slug_field, headline = f"slug_{language}", getattr(article, f"headline_{language}", "") or ""
        if headline and not getattr(article, slug_field):
            setattr(article, slug_field, _unique_slug(text=headline, field=slug_field, exclude_pk=article.pk))


def publication_time(*, status: str | None, published_at: datetime | None) -> datetime | None:
    """When a story goes public: its own time, or now when it is published without one."""
    if status == Article.Status.PUBLISHED and published_at is None:
        return timezone.now()
    return published_at


def _stamp_publication(article: Article) -> None:
    article.published_at = publication_time(status=article.status, published_at=article.published_at)


@transaction.atomic
def article_save(*, article: Article, by=None) -> Article:
    """Validate and save a story written in the admin or elsewhere."""
    if article.pk is None and by is not None and by.is_authenticated:
        article.created_by = by
    article_fill_slugs(article=article)
    _stamp_publication(article)
    article.full_clean()
    article.save()
    return article


@dataclass(frozen=True)
class BylineInput:
    author: Author | None = None
    text: str = ""


@dataclass(frozen=True)
class SourceInput:
    source: Agency
    url: str = ""


@transaction.atomic
def article_create(
    *,
    headline: str,
    section,
    body: str = "",
    dek: str = "",
    by=None,
    lead_image: Image | None = None,
    tags: Iterable[str] = (),
    bylines: Sequence[BylineInput] = (),
    sources: Sequence[SourceInput] = (),
    translations: dict[str, dict[str, str]] | None = None,
    publish_at: datetime | None = None,
    publish: bool = False,
) -> Article:
    """Create a story with its relations in one transaction: all of it or nothing."""
    article = Article(
        headline_ar=headline,
        dek_ar=dek,
        body_ar=body,
        section=section,
        lead_image=lead_image,
        status=Article.Status.PUBLISHED if publish else Article.Status.DRAFT,
        published_at=publish_at,
    )
    for language, fields in (translations or {}).items():
        for name, value in fields.items():
            setattr(article, f"{name}_{language}", value)
    article_save(article=article, by=by)
    if tags:
        article_set_tags(article=article, tags=tags)
    article_set_bylines(article=article, bylines=bylines)
    article_set_sources(article=article, sources=sources)
    return article


@transaction.atomic
def article_set_tags(*, article: Article, tags: Iterable[str]) -> None:
    # modeltranslation rewrites taggit's lookups by name into the active language, so under
    # /en/ an existing Arabic tag is not found and creating it again breaks its unique name.
    # Tags are typed by their default-language (Arabic) name whatever the page's language.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        article.tags.set(list(tags))


@transaction.atomic
def article_set_bylines(*, article: Article, bylines: Sequence[BylineInput]) -> None:
    article.bylines.all().delete()
    for position, item in enumerate(bylines):
        byline = Byline(article=article, author=item.author, text=item.text, position=position)
        byline.full_clean()
        byline.save()


@transaction.atomic
def article_set_sources(*, article: Article, sources: Sequence[SourceInput]) -> None:
    article.cited_sources.all().delete()
    for position, item in enumerate(sources):
        cited = CitedSource(article=article, source=item.source, url=item.url, position=position)
        cited.full_clean()
        cited.save()


@transaction.atomic
def article_publish(*, article: Article, by=None, at: datetime | None = None) -> Article:
    """Publish now, or at ``at`` (a future time schedules it: readers see it from then)."""
    article.status = Article.Status.PUBLISHED
    if at is not None:
        article.published_at = at
    elif article.published_at is None or article.published_at > timezone.now():
        article.published_at = timezone.now()
    return article_save(article=article, by=by)


@transaction.atomic
def article_unpublish(*, article: Article, by=None) -> Article:
    article.status = Article.Status.DRAFT
    return article_save(article=article, by=by)


def image_articles_using(*, image: Image) -> list[Article]:
    return list(Article.objects.filter(lead_image=image).order_by("pk"))


@transaction.atomic
def image_delete(*, image: Image) -> None:
    """Delete a photo, refusing while any story uses it (the message names the stories)."""
    using = image_articles_using(image=image)
    if using:
        names = "، ".join(f"«{article.headline}»" for article in using)
        raise ValidationError(
            _("This image cannot be deleted: it is used by %(articles)s.") % {"articles": names},
            code="image_in_use",
        )
    stored = image.file.name
    storage = image.file.storage
    image.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def image_create(
    *,
    file,
    alt_text: str,
    caption: str = "",
    credit: Agency | None = None,
    photographer: str = "",
    copyright_notice: str = "",
    translations: dict[str, dict[str, str]] | None = None,
    by=None,
) -> Image:
    """Store a photo with its caption and credit; a refused file leaves nothing behind."""
    image = Image(
        alt_text_ar=alt_text,
        caption_ar=caption,
        credit=credit,
        photographer=photographer,
        copyright_notice=copyright_notice,
        uploaded_by=by if by is not None and by.is_authenticated else None,
    )
    for language, fields in (translations or {}).items():
        for name, value in fields.items():
            setattr(image, f"{name}_{language}", value)
    image.file.save(getattr(file, "name", None) or "upload.jpg", file, save=False)
    stored = image.file.name
    try:
        image.full_clean()
        image.save()
    except (ValidationError, IntegrityError):
        image.file.storage.delete(stored)
        raise
    return image
