"""Derived copy: each tag row's copy of its story's publication time, per reader language.

Tag pages walk a tag's newest stories from its own rows (TaggedArticle.copy_publication_times);
the copies are written in the transaction of the change.
"""

from django.dispatch import receiver

from .events import stories_changed


@receiver(stories_changed, dispatch_uid="tag_dates.stories")
def on_stories_changed(sender, ids, **kwargs):
    from ..models import TaggedArticle

    if ids:
        TaggedArticle.copy_publication_times(article_ids=ids)
