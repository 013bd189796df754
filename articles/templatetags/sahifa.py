from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation

register = template.Library()


@register.simple_tag
def url_in_language(obj, language: str) -> str:
    """The address of ``obj`` (or of the home page when there is none) in ``language``."""
    with translation.override(language):
        if not obj:
            return reverse("articles:home")
        return obj.get_absolute_url()


@register.simple_tag(takes_context=True)
def absolute(context, path: str) -> str:
    return context["request"].build_absolute_uri(path)


MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}


@register.simple_tag
def picture_sources(image, kind: str = "full") -> dict:
    """What a <picture> needs for one image: a <source> per modern format and the JPEG fallback."""
    formats = list(settings.IMAGE_RENDITION_FORMATS)
    widths = image.rendition_widths(kind)
    fallback_width = max([w for w in widths if w <= 960] or widths[:1])
    width, height = image.rendition_size(kind, fallback_width)
    return {
        "sources": [{"type": MIME_TYPES[fmt], "srcset": image.srcset(kind, fmt)} for fmt in formats if fmt != "jpeg"],
        "src": image.rendition_url(kind, fallback_width, "jpeg"),
        "srcset": image.srcset(kind, "jpeg"),
        "width": width,
        "height": height,
    }
