"""What a reader of a story's English page would miss, for the desk before it publishes.

English pages never fall back to Arabic (articles/site/translated.py): a dek, body, caption, alt
text or correction without English is left out, a tag without an English name is not shown, and a
name without an English form appears in Arabic, marked. The story form lists these gaps so an
editor can fill them before (or after) the English version goes out; nothing here refuses a save.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext

from ..search.arabic import normalize

# The reader pages' own rules, so the list says exactly what those pages leave out or mark.
from ..site.translated import BYLINE_FORMS, has_arabic
from .models import Article, Byline, CitedSource, Placement

# Long captions and correction notes are named by their start.
NAME_LENGTH = 60


def untranslated(article: Article) -> list[str]:
    """The gaps in ``article``'s English version as it is stored, one short sentence each; empty
    for a story without an English headline or with nothing missing. Six queries."""
    if article.pk is None:
        return []
    return untranslated_stories([article.pk]).get(article.pk, [])


def untranslated_stories(ids: Iterable[int]) -> dict[int, list[str]]:
    """``untranslated`` for several stories at once, by id, in the same six queries."""
    stories = (
        Article.objects.filter(pk__in=list(ids))
        .exclude(headline_en="")
        .exclude(headline_en__isnull=True)
        .select_related("section", "lead_image", "lead_image__credit")
        .prefetch_related(
            "tags",
            Prefetch("placements", queryset=Placement.objects.select_related("image", "image__credit")),
            "corrections",
            Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            Prefetch("cited_sources", queryset=CitedSource.objects.select_related("source")),
        )
    )
    return {story.pk: _gaps(story) for story in stories}


def _has_text(html: str | None) -> bool:
    return bool(strip_tags(html or "").strip())


def _short(text: str) -> str:
    return Truncator(text).chars(NAME_LENGTH)


def _gaps(story: Article) -> list[str]:
    gaps = []
    if _has_text(story.dek_ar) and not _has_text(story.dek_en):
        gaps.append(gettext("The English dek is empty"))
    if _has_text(story.body_ar) and not _has_text(story.body_en):
        gaps.append(gettext("The English body is empty"))

    # Photos: the lead image with its own caption, then each placement with this story's caption
    # or the photo's. Alt text is required in Arabic, so English alt text is always missed.
    photos = []
    if story.lead_image is not None:
        image = story.lead_image
        photos.append((image, image.caption_ar, image.caption_en))
    for placement in story.placements.all():
        image = placement.image
        photos.append(
            (
                image,
                placement.caption_override_ar or image.caption_ar,
                placement.caption_override_en or image.caption_en,
            )
        )
    seen_photos = set()
    agencies = {}
    for image, caption_ar, caption_en in photos:
        name = _short(image.caption_ar or image.alt_text_ar or str(image))
        if image.pk not in seen_photos and not image.alt_text_en:
            gaps.append(gettext("The photo «%(photo)s» has no English alt text") % {"photo": name})
        if caption_ar and not caption_en:
            gaps.append(gettext("The photo «%(photo)s» has no English caption") % {"photo": name})
        seen_photos.add(image.pk)
        if image.credit is not None:
            agencies[image.credit.pk] = image.credit

    if story.section is not None and not story.section.name_en:
        gaps.append(gettext("The section «%(section)s» has no English name") % {"section": story.section.name_ar})
    for byline in story.bylines.all():
        if byline.author_id:
            if not byline.author.name_en:
                gaps.append(gettext("The author «%(author)s» has no English name") % {"author": byline.author.name_ar})
        elif has_arabic(byline.text) and normalize(byline.text) not in BYLINE_FORMS:
            gaps.append(gettext("The byline «%(name)s» has no English form") % {"name": byline.text})
    for cited in story.cited_sources.all():
        agencies[cited.source.pk] = cited.source
    for agency in agencies.values():
        if not agency.name_en:
            gaps.append(gettext("The agency «%(agency)s» has no English name") % {"agency": agency.name_ar})
    for tag in story.tags.all():
        if not tag.name_en:
            gaps.append(gettext("The tag «%(tag)s» has no English name") % {"tag": tag.name_ar})
    for correction in story.corrections.all():
        if not correction.note_en:
            gaps.append(gettext("The correction «%(note)s» has no English text") % {"note": _short(correction.note_ar)})
    return gaps
