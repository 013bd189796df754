from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newsroom")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import register_converter

        from .stories.converters import UnicodeSlugConverter

        register_converter(UnicodeSlugConverter, "uslug")
        self.register_history()
        # The derived copies (search documents, tag rows' times, cached pages, menu, CDN) listen
        # to the changes the services announce.
        from . import changes

        changes.connect()

    def register_history(self):
        """Every save of a story records a revision with its relations, in both languages.

        ``version`` is left out so restoring an old revision never rewinds the lost-edit counter.
        """
        import reversion

        from .models import Article, Byline, CitedSource, Correction, Placement, TaggedArticle

        for model in (Byline, CitedSource, Placement, Correction):
            if not reversion.is_registered(model):
                reversion.register(model)
        if not reversion.is_registered(TaggedArticle):
            # Its copies of the story's time are no part of its history: a restored tag
            # row is written without them, and the restore's save copies the story's again.
            reversion.register(TaggedArticle, exclude=("published_at", "published_en_at"))
        if not reversion.is_registered(Article):
            reversion.register(
                Article,
                follow=("bylines", "cited_sources", "placements", "tagged_items", "corrections"),
                exclude=("version",),
            )


class NewsroomAdminConfig(AdminConfig):
    default_site = "articles.desk.admin_site.NewsroomAdminSite"
