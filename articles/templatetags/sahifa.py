from django import template
from django.urls import reverse
from django.utils import translation

register = template.Library()


@register.simple_tag
def url_in_language(obj, language: str) -> str:
    """The address of ``obj`` (or of the home page when ``obj`` is None) in ``language``."""
    with translation.override(language):
        if obj is None:
            return reverse("articles:home")
        return obj.get_absolute_url()


@register.simple_tag(takes_context=True)
def absolute(context, path: str) -> str:
    return context["request"].build_absolute_uri(path)
