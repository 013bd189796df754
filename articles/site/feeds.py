"""RSS 2.0 feeds: the latest stories, and per section, tag, source and author.

Every feed starts from views.public_articles() (published, in the reader's language), so
drafts, scheduled and unpublished stories never appear, and /en/ feeds hold only
translated stories. The lead image travels as an <enclosure> and as a Media RSS
<media:content> that carries its caption and credit.
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import storages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ..models import Agency, Author, Byline, Section, Tag
from .translated import byline_label, credit_label, has_own_name, own, own_name, plain, shown_tags
from .views import public_articles

FEED_ITEMS = 30
MEDIA_RSS = "http://search.yahoo.com/mrss/"


class MediaRssFeed(Rss201rev2Feed):
    """RSS 2.0 with Media RSS, so a photo's caption and credit travel with it."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_RSS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        media = item.get("media")
        if not media:
            return
        handler.startElement(
            "media:content",
            {
                "url": media["url"],
                "type": "image/jpeg",
                "medium": "image",
                "width": str(media["width"]),
                "height": str(media["height"]),
            },
        )
        if media["caption"]:
            handler.addQuickElement("media:description", media["caption"], {"type": "plain"})
        if media["credit"]:
            handler.addQuickElement("media:credit", media["credit"])
        if media["photographer"]:
            handler.addQuickElement("media:credit", media["photographer"], {"role": "photographer"})
        if media["copyright"]:
            handler.addQuickElement("media:copyright", media["copyright"])
        handler.endElement("media:content")


def _lead_rendition(image) -> tuple[str, int, int, str]:
    """The JPEG rendition a feed offers: (storage name, width, height, url)."""
    widths = image.rendition_widths("full")
    width = max([w for w in widths if w <= 960] or widths[:1])
    name = image.rendition_name("full", width, "jpeg")
    rendered_width, height = image.rendition_size("full", width)
    return name, rendered_width, height, storages["default"].url(name)


class LatestArticlesFeed(Feed):
    feed_type = MediaRssFeed

    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request: keep the request on a copy, never on it.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def title(self, obj=None):
        return _("%(site)s: latest news") % {"site": str(settings.SITE_NAME)}

    def link(self, obj=None):
        return reverse("articles:home")

    def description(self, obj=None):
        return _("The latest stories from %(site)s.") % {"site": str(settings.SITE_NAME)}

    def articles(self, obj):
        """The feed's stories, newest first."""
        return public_articles().order_by("-published_at", "-pk")

    def items(self, obj=None):
        return (
            self.articles(obj)
            .select_related("section", "lead_image", "lead_image__credit")
            .prefetch_related("tags", Prefetch("bylines", queryset=Byline.objects.select_related("author")))[
                :FEED_ITEMS
            ]
        )

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return own(item, "dek")

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        # Names without a form in the feed's language are left out: a feed cannot mark them.
        names = [label for label in map(byline_label, item.bylines.all()) if label]
        return ("، " if get_language() == "ar" else ", ").join(names) or None

    def item_categories(self, item):
        return [tag.name for tag in shown_tags(item)]

    def item_enclosures(self, item):
        image = item.lead_image
        if image is None or not image.rendition_key:
            return []
        name, _width, _height, url = _lead_rendition(image)
        try:
            length = storages["default"].size(name)
        except OSError:
            length = 0
        return [Enclosure(self.request.build_absolute_uri(url), str(length), "image/jpeg")]

    def item_extra_kwargs(self, item):
        image = item.lead_image
        if image is None or not image.rendition_key:
            return {}
        _name, width, height, url = _lead_rendition(image)
        return {
            "media": {
                "url": self.request.build_absolute_uri(url),
                "width": width,
                "height": height,
                "caption": own(image, "caption"),
                "credit": credit_label(image),
                "photographer": plain(image.public_photographer),
                "copyright": plain(image.public_copyright_notice),
            }
        }


class SubjectFeed(LatestArticlesFeed):
    """The latest stories of one section, tag, source or author."""

    model = None
    article_filter = ""

    subject_label = ""

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def subject(self, obj) -> str:
        # A name the feed's language lacks gives way to what the feed lists.
        return own_name(obj) or str(self.subject_label)

    def title(self, obj=None):
        return f"{str(settings.SITE_NAME)}: {self.subject(obj)}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return _("The latest stories: %(subject)s") % {"subject": self.subject(obj)}

    def articles(self, obj):
        return public_articles().filter(**{self.article_filter: obj}).order_by("-published_at", "-pk")


class SectionFeed(SubjectFeed):
    model = Section
    subject_label = gettext_lazy("Section")
    article_filter = "section"


class TagFeed(SubjectFeed):
    model = Tag

    def get_object(self, request, slug):
        # As the tag's page: no feed in a language the tag has no name in.
        tag = super().get_object(request, slug)
        if not has_own_name(tag):
            raise Http404
        return tag

    def articles(self, obj):
        # The tag's newest rows first, without sorting every story that ever carried it.
        return public_articles().tag_list(obj)


class SourceFeed(SubjectFeed):
    model = Agency
    subject_label = gettext_lazy("Source")
    article_filter = "cited_sources__source"


class AuthorFeed(SubjectFeed):
    model = Author
    subject_label = gettext_lazy("Author")
    article_filter = "bylines__author"


class LiveUpdatesFeed(Feed):
    """A live coverage's updates, newest first: each links to its permanent address."""

    feed_type = Rss201rev2Feed

    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request: what a request needs is kept on a copy.
        feed = copy.copy(self)
        feed.slug = kwargs.get("slug", "")
        return Feed.__call__(feed, request, *args, **kwargs)

    def get_object(self, request, slug):
        from .live import coverage_for

        return coverage_for(slug)

    def title(self, obj):
        return f"{obj.article.headline} — {_('Live')}"

    def link(self, obj):
        from .live import live_url

        return live_url(obj.article)

    def description(self, obj):
        return own(obj.article, "dek") or obj.article.headline

    def items(self, obj):
        from ..live.models import LiveUpdate

        return LiveUpdate.objects.public().filter(coverage=obj).newest_first()[:FEED_ITEMS]

    def item_title(self, item):
        from .live import update_headline

        return update_headline(item)

    def item_description(self, item):
        return item.body

    def item_link(self, item):
        return reverse("articles:live-update", kwargs={"slug": self.slug, "pk": item.pk})

    def item_pubdate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.author_name or None
