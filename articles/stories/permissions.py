"""Who may do what with a story: the one policy every way in (admin, actions, services) asks.

Journalists (صحفي) write and edit their own drafts and send them for review.
Editors (محرر, holding ``articles.publish_article``) do everything else: publish,
schedule, embargo, unpublish, edit anyone's story, delete, correct, manage credits.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..models import Article

EDITOR_PERMISSION = "articles.publish_article"
JOURNALIST_STATUSES = frozenset({Article.Status.DRAFT, Article.Status.REVIEW})
# Fields only editors may set; a journalist's form never shows them and the service refuses them.
EDITOR_ONLY_FIELDS = ("published_at", "embargo_until")


def is_editor(user) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(EDITOR_PERMISSION))


def can_change_article(user, article: Article) -> bool:
    if is_editor(user):
        return True
    if user is None or not user.has_perm("articles.change_article"):
        return False
    return article.created_by_id == user.pk and article.status == Article.Status.DRAFT


def can_view_article(user, article: Article) -> bool:
    return user is not None and user.is_active and user.is_staff and user.has_perm("articles.view_article")


def check_article_write(*, user, article: Article, previous: Article | None) -> None:
    """Raise PermissionDenied unless ``user`` may save ``article`` (``previous`` is the stored row).

    ``user`` None means the system itself (management commands, imports): always allowed.
    """
    if user is None or is_editor(user):
        return
    if previous is None:
        if not user.has_perm("articles.add_article"):
            raise PermissionDenied(_("You may not write stories."))
    elif not can_change_article(user, previous):
        raise PermissionDenied(_("Only editors can change this story."))
    if article.status not in JOURNALIST_STATUSES:
        raise PermissionDenied(_("Only editors can publish or unpublish a story."))
    for field in EDITOR_ONLY_FIELDS:
        if getattr(article, field) != (getattr(previous, field) if previous else None):
            raise PermissionDenied(_("Only editors can schedule or embargo a story."))


def is_author(user, article: Article) -> bool:
    """The journalist who wrote the story (its creator)."""
    return bool(user is not None and user.is_active and article.created_by_id == user.pk)


def can_share_preview(user, article: Article) -> bool:
    """Editors, and the story's author, may create and revoke its preview links."""
    if user is None or article.pk is None:
        return False
    return is_editor(user) or (is_author(user, article) and user.has_perm("articles.change_article"))


def can_withdraw(user, article: Article) -> bool:
    """A story in review goes back to its draft for its author (to fix a typo) or an editor."""
    if user is None or article.status != Article.Status.REVIEW:
        return False
    return is_editor(user) or (is_author(user, article) and user.has_perm("articles.change_article"))


# The story form's explicit actions, in the order its buttons show; journalists have the first three.
ACTIONS = ("draft", "save", "review", "publish", "schedule", "unpublish")
JOURNALIST_ACTIONS = ("draft", "save", "review")


def role_actions(user) -> tuple[str, ...]:
    """The actions a user's role may take at all (a forged one is a form error)."""
    return ACTIONS if is_editor(user) else JOURNALIST_ACTIONS


def desk_actions(user, article: Article | None) -> tuple[str, ...]:
    """The actions ``user`` may take on the story form (``article`` None for a new story).

    «draft» saves as a draft and «save» keeps the story's status; «review» sends a draft to the
    editors; «publish», «schedule» and «unpublish» are the editors'. Withdrawing from review is
    its own form (``can_withdraw``): a journalist's story in review is read-only to them.
    """
    editor = is_editor(user)
    if article is None or article.pk is None:
        actions = {"draft", "review"} | ({"publish", "schedule"} if editor else set())
    elif not (editor or can_change_article(user, article)):
        return ()
    elif article.status == Article.Status.DRAFT:
        actions = {"draft", "review"} | ({"publish", "schedule"} if editor else set())
    elif not editor:
        return ()
    elif article.status == Article.Status.REVIEW:
        actions = {"save", "draft", "publish", "schedule"}
    elif article.status == Article.Status.PUBLISHED:
        # A scheduled story can be published now or moved; a public one only saved or taken down.
        actions = {"save", "unpublish"} if article.is_public else {"save", "publish", "schedule", "unpublish"}
    else:  # unpublished
        actions = {"draft", "publish", "schedule"}
    return tuple(action for action in ACTIONS if action in actions)
