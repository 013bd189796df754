"""Who may do what with a story: the one policy every way in (admin, actions, services) asks.

Journalists (صحفي) write and edit their own drafts and send them for review.
Editors (محرر, holding ``articles.publish_article``) do everything else: publish,
schedule, embargo, unpublish, edit anyone's story, delete, correct, manage credits.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Article, Byline

EDITOR_PERMISSION = "articles.publish_article"
JOURNALIST_STATUSES = frozenset({Article.Status.DRAFT, Article.Status.REVIEW})
# Stories every journalist may read; a draft (or a story taken down) is for its authors and editors.
SHARED_STATUSES = frozenset({Article.Status.REVIEW, Article.Status.PUBLISHED})
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


def is_author(user, article: Article) -> bool:
    """``user`` wrote the story or is on its byline."""
    if user is None or not user.is_authenticated or article.pk is None:
        return False
    return article.created_by_id == user.pk or article.bylines.filter(author__user=user).exists()


def can_view_article(user, article: Article) -> bool:
    if user is None or not (user.is_active and user.is_staff and user.has_perm("articles.view_article")):
        return False
    return is_editor(user) or article.status in SHARED_STATUSES or is_author(user, article)


def can_read_history(user, article: Article) -> bool:
    """Earlier versions (drafts included) and their differences: the story's authors and editors."""
    return is_editor(user) or (can_view_article(user, article) and is_author(user, article))


def visible_articles(queryset, *, user):
    """The stories ``user`` may open in the newsroom, as ``can_view_article`` decides for one."""
    if is_editor(user):
        return queryset
    if user is None or not user.is_authenticated:
        return queryset.none()
    on_byline = Exists(Byline.objects.filter(article=OuterRef("pk"), author__user=user))
    return queryset.filter(Q(status__in=SHARED_STATUSES) | Q(created_by=user) | on_byline)


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


# --- Photos ---------------------------------------------------------------------------
# A photo's caption, alt text, credit, photographer, anonymity and file are what readers see
# beside a story (and what feeds and ninjs carry): once a story other than the journalist's own
# draft shows it, only editors change it. A journalist changes a photo used only by their own
# drafts, or used by no story and uploaded by them.


def image_lock_reason(user, image, *, stories) -> str:
    """Why ``user`` may not change the stored photo ``image`` ("" when they may).

    ``stories`` are the stories showing it now (lead photo, gallery or body); ``user`` None is
    the system itself (imports, commands).
    """
    if user is None or is_editor(user):
        return ""
    if not user.has_perm("articles.change_image"):
        return _("You may not change photos.")
    others = [story for story in stories if story.status != Article.Status.DRAFT or story.created_by_id != user.pk]
    live = [story for story in others if story.status == Article.Status.PUBLISHED]
    if live:
        return _("Only editors can change this photo: it is shown in a published or scheduled story: %(stories)s.") % {
            "stories": story_names(live)
        }
    if others:
        return _("Only editors can change this photo: it is used by stories that are not your drafts: %(stories)s.") % {
            "stories": story_names(others)
        }
    if not stories and image.uploaded_by_id != user.pk:
        return _("Only editors and the journalist who uploaded this photo can change it.")
    return ""


def can_change_image(user, image, *, stories) -> bool:
    return not image_lock_reason(user, image, stories=stories)


def check_image_write(*, user, previous, stories) -> None:
    """Raise PermissionDenied unless ``user`` may save a photo whose stored row is ``previous``
    (None for a new photo), shown in ``stories``."""
    if previous is None:
        if user is not None and not is_editor(user) and not user.has_perm("articles.add_image"):
            raise PermissionDenied(_("You may not add photos."))
        return
    reason = image_lock_reason(user, previous, stories=stories)
    if reason:
        raise PermissionDenied(reason)


STORY_NAMES_SHOWN = 5


def story_names(stories) -> str:
    """The stories' headlines for a message; past a few, how many more (a library photo can be in
    dozens of stories)."""
    stories = list(stories)
    names = "، ".join(f"«{story.headline}»" for story in stories[:STORY_NAMES_SHOWN])
    rest = len(stories) - STORY_NAMES_SHOWN
    if rest > 0:
        names += " " + ngettext("and %(count)d more story", "and %(count)d more stories", rest) % {"count": rest}
    return names


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
