"""Preview links: private addresses that let someone outside the newsroom (a lawyer, a source) read
a story before it is public. Each link is a row (``PreviewLink``), so it is listed on the story,
revocable one by one, and revoked with every other link of the story when the story is unpublished.
Links are created and revoked through the story services (``preview_link_create``,
``preview_link_revoke``); this module reads them."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ..models import Article, PreviewLink


def link_hours() -> int:
    return int(settings.PREVIEW_LINK_HOURS)


def link_url(link: PreviewLink) -> str:
    return reverse("articles:shared-preview", kwargs={"token": link.token})


def live_links(article: Article):
    """The story's links that still show it, newest first."""
    return article.preview_links.filter(revoked_at__isnull=True, expires_at__gt=timezone.now()).select_related(
        "created_by"
    )


def article_for_token(token: str) -> Article | None:
    """The story a link points at, or None when the link is unknown, expired or revoked."""
    if not token or len(token) > 64:
        return None
    return (
        Article.objects.for_detail()
        .filter(
            preview_links__token=token,
            preview_links__revoked_at__isnull=True,
            preview_links__expires_at__gt=timezone.now(),
        )
        .first()
    )
