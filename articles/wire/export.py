"""Our published stories as ninjs 2.1 documents, for partners (the ninjs feed and each story's document)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _

EXPORT_SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"


# --- Export --------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


@dataclass
class ExportContext:
    """How to make absolute addresses: ``absolute(path)`` from the request."""

    absolute: Callable[[str], str]
    language: str = field(default_factory=lambda: settings.MODELTRANSLATION_DEFAULT_LANGUAGE)


def _translated(obj, name: str, language: str) -> str:
    return getattr(obj, f"{name}_{language}", "") or ""


def article_document(article, *, uri: str, context: ExportContext) -> dict:
    """A published story as a ninjs 2.1 document in ``context.language``.

    Expects ``for_listing()`` plus prefetched tags and cited sources: no query per relation.
    ``firstcreated`` is when the story was first public, so a partner (or our own import)
    that publishes it keeps our time.
    """
    language = context.language
    absolute = context.absolute
    versioncreated = max(article.updated_at, article.published_at)
    document: dict = {
        "uri": uri,
        "standard": {"name": "ninjs", "version": "2.1", "schema": EXPORT_SCHEMA_URI},
        "type": "text",
        "representationtype": "full",
        "firstcreated": _iso(article.published_at),
        "versioncreated": _iso(versioncreated),
        "pubstatus": "usable",
        "language": language,
        "headlines": [{"role": "main", "value": _translated(article, "headline", language)}],
        "copyrightholder": _("Sahifa"),
    }
    if article.embargo_until:
        document["embargoed"] = _iso(article.embargo_until)
    dek = _translated(article, "dek", language)
    if dek:
        document["descriptions"] = [{"role": "summary", "contenttype": "text/plain", "value": dek}]
    body = _translated(article, "body", language)
    if body:
        document["bodies"] = [{"role": "main", "contenttype": "text/html", "value": body}]
    names = [byline.name for byline in article.bylines.all()]
    if names:
        document["by"] = "، ".join(names) if language == "ar" else ", ".join(names)
    subjects = [
        {
            "name": _translated(article.section, "name", language) or article.section.name,
            "rel": "partOf",
            "uri": iri_to_uri(absolute(article.section.get_absolute_url())),
        }
    ]
    subjects += [
        {
            "name": _translated(tag, "name", language) or tag.name,
            "rel": "about",
            "uri": iri_to_uri(absolute(tag.get_absolute_url())),
        }
        for tag in article.tags.all()
    ]
    document["subjects"] = subjects
    sources = [
        {"name": _translated(cited.source, "name", language) or cited.source.name, "role": "source"}
        | ({"uri": iri_to_uri(cited.url)} if cited.url else {})
        for cited in article.cited_sources.all()
    ]
    if sources:
        document["infosources"] = sources
    if article.lead_image is not None:
        document["associations"] = [_image_association(article.lead_image, uri=uri, context=context)]
    return document


def _image_association(image, *, uri: str, context: ExportContext) -> dict:
    language = context.language
    descriptions = []
    caption = _translated(image, "caption", language)
    if caption:
        descriptions.append({"role": "caption", "contenttype": "text/plain", "value": caption})
    alt_text = _translated(image, "alt_text", language)
    if alt_text:
        descriptions.append({"role": "alttext", "contenttype": "text/plain", "value": alt_text})
    if image.credit is not None:
        # The credit line as the agency wrote it is what a licence asks to be printed.
        credit = image.credit_line or _translated(image.credit, "name", language) or image.credit.name
        descriptions.append({"role": "creditline", "contenttype": "text/plain", "value": credit})
    association: dict = {
        "name": "featureimage",
        "uri": f"{uri}#image-{image.pk}",
        "type": "picture",
        "representationtype": "full",
    }
    if descriptions:
        association["descriptions"] = descriptions
    if image.public_photographer:
        association["by"] = image.public_photographer
    if image.public_copyright_notice:
        association["copyrightnotice"] = image.public_copyright_notice
    if image.usage_terms:
        association["usageterms"] = image.usage_terms
    renditions = []
    for width in image.rendition_widths("full"):
        rendition_width, rendition_height = image.rendition_size("full", width)
        renditions.append(
            {
                "name": f"full-{width}",
                "href": iri_to_uri(context.absolute(image.rendition_url("full", width, "jpeg"))),
                "contenttype": "image/jpeg",
                "width": rendition_width,
                "height": rendition_height,
            }
        )
    if renditions:
        association["renditions"] = renditions
    return association
