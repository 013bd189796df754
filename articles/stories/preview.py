"""Signed, expiring links that let someone outside the newsroom (a lawyer, a source) read a draft."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from ..models import Article

SALT = "sahifa.article-preview"


def link_hours() -> int:
    return int(settings.PREVIEW_LINK_HOURS)


def share_url(*, article: Article) -> str:
    token = signing.dumps({"article": article.pk}, salt=SALT)
    return reverse("articles:shared-preview", kwargs={"token": token})


def article_for_token(token: str) -> Article | None:
    """The story a link points at, or None when the link is tampered with or expired."""
    try:
        data = signing.loads(token, salt=SALT, max_age=link_hours() * 3600)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("article"), int):
        return None
    return Article.objects.for_detail().filter(pk=data["article"]).first()
