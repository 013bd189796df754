from .models import Section


def navigation(request):
    """The site menu's sections, read lazily so pages that do not show it pay nothing."""
    return {"nav_sections": Section.objects.order_by("position", "pk")}
