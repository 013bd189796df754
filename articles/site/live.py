"""Live coverage pages: the story's lead text, the pinned key update, then updates newest first.

Older updates are paged by key (``?before=<id>``: the updates published before that one), so a
coverage with a thousand updates reads each page in the same few queries. A script
(static/js/live.js) asks ``…/since/<id>/`` for what is newer than the newest update it shows; that
answer is cached like a page (the page cache, keyed by its path and refreshed with the story's
key), so a spike of readers asking after the same update costs what one costs. Without the script
the page is complete: it is the same HTML.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.generic import TemplateView, View

from ..live.models import LiveCoverage, LiveUpdate
from ..models import Article
from ..stories.addresses import slug_url
from . import seo
from .pagecache import CachedPageMixin
from .views import public_articles

UPDATES_PER_PAGE = 20
SINCE_LIMIT = 50


def live_url(article: Article) -> str:
    return slug_url("articles:live-detail", article.slug)


def live_of(article: Article) -> LiveCoverage | None:
    """The story's live coverage, or None (read with the story through select_related)."""
    try:
        return article.live_coverage
    except LiveCoverage.DoesNotExist:
        return None


def coverage_for(slug: str) -> LiveCoverage:
    """The live coverage of the public story at ``slug`` in the reader's language, or a 404."""
    try:
        article = (
            public_articles()
            .select_related("section", "lead_image", "lead_image__credit", "live_coverage")
            .prefetch_related("bylines__author")
            .get(slug=slug)
        )
    except Article.DoesNotExist as exc:
        raise Http404 from exc
    coverage = live_of(article)
    if coverage is None:
        raise Http404
    coverage.article = article
    return coverage


def _updates(coverage: LiveCoverage):
    return LiveUpdate.objects.public().filter(coverage=coverage).select_related("photo", "photo__credit")


def _after_key(update: LiveUpdate) -> Q:
    """Updates shown after ``update`` (older), in the order (-published_at, -pk)."""
    return Q(published_at__lt=update.published_at) | Q(published_at=update.published_at, pk__lt=update.pk)


def _key_update(coverage: LiveCoverage, pk) -> LiveUpdate | None:
    try:
        return LiveUpdate.objects.public().only("pk", "published_at").get(coverage=coverage, pk=int(pk))
    except (LiveUpdate.DoesNotExist, ValueError, TypeError):
        return None


class LiveDetailView(CachedPageMixin, TemplateView):
    template_name = "articles/live_detail.html"

    def page_dependencies(self):
        return [f"article:{self.kwargs['slug']}"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coverage = coverage_for(self.kwargs["slug"])
        updates = _updates(coverage)
        before = self.request.GET.get("before")
        key = None
        if before is not None:
            key = _key_update(coverage, before)
            if key is None:
                raise Http404
            updates = updates.filter(_after_key(key))
        page = list(updates.newest_first()[: UPDATES_PER_PAGE + 1])
        has_older = len(page) > UPDATES_PER_PAGE
        page = page[:UPDATES_PER_PAGE]
        pinned = None if key is not None else _updates(coverage).filter(is_pinned=True).first()
        article = coverage.article
        context.update(
            {
                "coverage": coverage,
                "article": article,
                "subject": article,
                "updates": page,
                "pinned": pinned,
                "older_url": f"?before={page[-1].pk}" if has_older and page else "",
                "is_first_page": key is None,
                "since_url": (
                    reverse("articles:live-since", kwargs={"slug": article.slug, "pk": page[0].pk if page else 0})
                    if coverage.is_live and key is None
                    else ""
                ),
                "feed_url": slug_url("articles:live-feed", article.slug),
                # How often the page's script asks for new updates (milliseconds).
                "poll_interval": int(getattr(settings, "LIVE_POLL_SECONDS", 15) * 1000),
                "json_ld": seo.json_ld_script(live_blog_posting(coverage, page, self.request)),
            }
        )
        return context


def live_blog_posting(coverage: LiveCoverage, updates, request) -> dict:
    article = coverage.article
    url = request.build_absolute_uri(live_url(article))
    data = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": article.headline,
        "url": url,
        "inLanguage": get_language(),
        "datePublished": seo.iso(article.published_at),
        "coverageStartTime": seo.iso(coverage.started_at),
        "publisher": {
            "@type": "Organization",
            "name": str(settings.SITE_NAME),
            "url": request.build_absolute_uri("/"),
            "logo": {"@type": "ImageObject", "url": request.build_absolute_uri(static(settings.SITE_LOGO))},
        },
        "liveBlogUpdate": [
            {
                "@type": "BlogPosting",
                "headline": update_headline(update),
                "url": f"{url}#update-{update.pk}",
                "datePublished": seo.iso(update.published_at),
                "articleBody": update_text(update),
                **({"author": {"@type": "Person", "name": update.author_name}} if update.author_name else {}),
            }
            for update in updates
        ],
    }
    if coverage.ended_at:
        data["coverageEndTime"] = seo.iso(coverage.ended_at)
    return data


def update_text(update: LiveUpdate) -> str:
    from ..stories.sanitize import html_text

    return " ".join(html_text(update.body).split())


def update_headline(update: LiveUpdate) -> str:
    text = update_text(update)
    return text if len(text) <= 110 else text[:109] + "…"


class LiveSinceView(CachedPageMixin, View):
    """The updates newer than ``pk``, rendered, for the page's script; oldest of them first."""

    def page_dependencies(self):
        return [f"article:{self.kwargs['slug']}"]

    def get(self, request, slug, pk):
        coverage = coverage_for(slug)
        updates = _updates(coverage)
        if pk:
            key = _key_update(coverage, pk)
            if key is None:
                raise Http404
            updates = updates.filter(
                Q(published_at__gt=key.published_at) | Q(published_at=key.published_at, pk__gt=key.pk)
            )
        newer = list(updates.order_by("published_at", "pk")[:SINCE_LIMIT])
        article = coverage.article
        response = JsonResponse(
            {
                "live": coverage.is_live,
                "updates": [
                    {
                        "id": update.pk,
                        "html": render_to_string(
                            "articles/includes/_live_update.html", {"update": update, "article": article}, request
                        ),
                    }
                    for update in newer
                ],
                "next": reverse("articles:live-since", kwargs={"slug": slug, "pk": newer[-1].pk}) if newer else "",
            },
            json_dumps_params={"ensure_ascii": False},
        )
        # A CDN or browser keeps the answer a few seconds only: its address names the newest update
        # the reader has, so it cannot be purged when a newer one comes.
        seconds = int(getattr(settings, "LIVE_POLL_SECONDS", 15))
        patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds)
        return response


def live_update_link(request, slug, pk):
    """An update's permanent address: the page of updates that starts with it, at its anchor."""
    coverage = coverage_for(slug)
    update = get_object_or_404(LiveUpdate.objects.public(), coverage=coverage, pk=pk)
    newer = _updates(coverage).filter(
        Q(published_at__gt=update.published_at) | Q(published_at=update.published_at, pk__gt=update.pk)
    )
    address = live_url(coverage.article)
    previous = newer.select_related(None).order_by("published_at", "pk").values_list("pk", flat=True).first()
    if previous is not None:
        # The page of updates older than the next newer one starts with this one.
        address += f"?before={previous}"
    return HttpResponseRedirect(f"{address}#update-{update.pk}")
