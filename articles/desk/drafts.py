"""Autosave: each writer's unsaved copy of the story form, per story, private to its writer.

The change form carries a signed token naming its writer and story. The browser sends the
form's fields with it every few seconds; the copy is stored for that writer and that story
only, and offered back to that writer alone («استعادة النص غير المحفوظ»). The token keeps
working when the session has ended (the cookie expired in the browser, or the session was
deleted on the server): the text typed up to the moment of the save is kept for the person
who was writing it, never for whoever logs in next on that browser.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.http import QueryDict

from ..stories import permissions
from ..stories.models import Article
from .models import StoryDraft

TOKEN_FIELD = "draft_token"
_SALT = "articles.desk.drafts"
# What the browser sends besides the story's own fields: never part of a copy.
_NOT_KEPT = frozenset({"csrfmiddlewaretoken", TOKEN_FIELD, "_save", "_continue", "_addanother", "_saveasnew"})


def draft_token(*, user, article_id) -> str:
    return signing.TimestampSigner(salt=_SALT).sign_object({"u": user.pk, "a": article_id})


def draft_owner(token: str | None) -> tuple[object, int | None] | None:
    """The writer and story id a token was issued for, or None (forged, too old, account gone)."""
    if not token:
        return None
    try:
        claims = signing.TimestampSigner(salt=_SALT).unsign_object(token, max_age=settings.ADMIN_STASH_SECONDS)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=claims.get("u"), is_active=True, is_staff=True).first()
    if user is None:
        return None
    return user, claims.get("a")


def may_keep(*, user, article_id: int | None) -> bool:
    """Whether ``user`` may still write that story (or a new one): a copy is kept only then."""
    if article_id is None:
        return user.has_perm("articles.add_article")
    article = Article.objects.filter(pk=article_id).first()
    return article is not None and permissions.can_change_article(user, article)


def kept_fields(data: QueryDict) -> QueryDict:
    kept = QueryDict(mutable=True)
    for name, values in data.lists():
        if name not in _NOT_KEPT and not name.startswith("merge_"):
            kept.setlist(name, values)
    return kept


@transaction.atomic
def draft_keep(*, user, article_id: int | None, data: QueryDict) -> StoryDraft:
    """Store (or replace) ``user``'s unsaved copy of the story ``article_id`` (None: a new story)."""
    encoded = kept_fields(data).urlencode()
    draft = StoryDraft.objects.select_for_update().filter(user=user, article_id=article_id).first()
    if draft is None:
        return StoryDraft.objects.create(user=user, article_id=article_id, data=encoded)
    draft.data = encoded
    draft.save(update_fields=["data", "saved_at"])
    return draft


def draft_for(*, user, article_id: int | None) -> StoryDraft | None:
    """Only ever the asking user's own copy: nobody else's, whatever their role."""
    if not user.is_authenticated:
        return None
    return StoryDraft.objects.filter(user=user, article_id=article_id).first()


# An autosave already on its way when the writer pressed «save» lands just after the save.
LATE_AUTOSAVE = timedelta(seconds=10)


def is_outrun_by_own_save(draft: StoryDraft, article) -> bool:
    """A copy of the form the writer has since saved themselves (the story's version moved on
    by their own save, moments before the copy arrived): nothing in it is unsaved."""
    try:
        started_from = int(QueryDict(draft.data).get("expected_version") or 0)
    except ValueError:
        return False
    return (
        article is not None
        and article.updated_by_id == draft.user_id
        and started_from < article.version
        and article.updated_at is not None
        and draft.saved_at <= article.updated_at + LATE_AUTOSAVE
    )


def draft_discard(*, user, article_id: int | None) -> None:
    if user.is_authenticated:
        StoryDraft.objects.filter(user=user, article_id=article_id).delete()
