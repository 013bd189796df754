"""Derived copy: the site menu's sections, cached per language (articles/site/context_processors.py)."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver

from ..site.context_processors import nav_cache_key
from .events import catalogue_changed


@receiver(catalogue_changed, dispatch_uid="menu.catalogue")
def on_catalogue_changed(sender, **kwargs):
    if sender.__name__ != "Section":
        return
    keys = [nav_cache_key(language) for language, _name in settings.LANGUAGES]
    transaction.on_commit(lambda: cache.delete_many(keys))
