from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, gettext_lazy
from django.views.generic import DetailView, ListView

from ..front import fronts
from ..models import Agency, Article, Author, CitedSource, Section, SitePage, Tag, TaggedArticle
from ..search import fulltext as search
from ..stories import permissions, preview
from ..wire import export as ninjs_export
from . import pagecache, storypage, translated
from .pagecache import CachedPageMixin
from .pagination import BoundedPaginator


def public_articles(now=None):
    """Every public path starts here: the published() gate, in the reader's language."""
    return Article.objects.published(now).in_language(get_language())


class PublicArticlesMixin:
    paginate_by = None
    paginator_class = BoundedPaginator

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_base_queryset(self):
        return public_articles().for_listing()


class HomeView(CachedPageMixin, PublicArticlesMixin, ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"

    def page_dependencies(self):
        return [pagecache.HOME]

    def get_queryset(self):
        return self.get_base_queryset().order_by("-published_at", "-pk")

    front_section = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(front_context(self, context, section=self.front_section))
        return context


def front_context(view, context, *, section) -> dict:
    """The first page leads with the editors' front (articles/front/fronts.py); later pages list."""
    page = context["page_obj"]
    articles = list(context["articles"])
    if page.number != 1 or not articles:
        return {"lead": None, "top": [], "latest": articles}
    base = view.get_base_queryset()
    if section is not None:
        base = base.filter(section=section)
    places = fronts.front_places(public=base, section=section, language=get_language(), newest=articles)
    shown = {article.pk for article in places}
    return {"lead": places[0], "top": places[1:], "latest": [a for a in articles if a.pk not in shown]}


class FilteredListView(CachedPageMixin, PublicArticlesMixin, ListView):
    """A list of stories belonging to one section, tag, source or author."""

    context_object_name = "articles"
    template_name = "articles/article_list.html"
    subject_model = None
    subject_filter = ""

    list_kind = ""
    subject_label = ""

    def page_dependencies(self):
        return [f"list:{self.list_kind}:{self.kwargs['slug']}"]

    def get_subject(self):
        return get_object_or_404(self.subject_model, slug=self.kwargs["slug"])

    def get_queryset(self):
        self.subject = self.get_subject()
        return self.get_base_queryset().filter(**{self.subject_filter: self.subject}).order_by("-published_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subject"] = self.subject
        context["subject_kind"] = self.subject_model._meta.model_name
        # Titles and attributes cannot mark a name's language: a name the page's language lacks
        # gives way to what the page lists.
        context["subject_title"] = translated.own_name(self.subject) or self.subject_label
        context["feed_url"] = reverse(FEEDS[context["subject_kind"]], kwargs={"slug": self.subject.slug})
        return context


FEEDS = {
    "section": "articles:section-feed",
    "tag": "articles:tag-feed",
    "agency": "articles:source-feed",
    "author": "articles:author-feed",
}


class SectionDetailView(FilteredListView):
    list_kind = "section"
    subject_label = gettext_lazy("Section")
    subject_model = Section
    subject_filter = "section"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(front_context(self, context, section=self.subject))
        return context


class TagDetailView(FilteredListView):
    list_kind = "tag"
    subject_model = Tag
    subject_filter = "tags"

    def get_subject(self):
        # A tag is shown only under its name in the page's language: without one, no page.
        tag = super().get_subject()
        if not translated.has_own_name(tag):
            raise Http404
        return tag

    def get_paginator(self, queryset, per_page, **kwargs):
        # The tag's rows alone give the keys, newest first by their copy of each story's time in
        # the reader's language (set only while the story is readable in it), and the page's rows
        # are checked by the public gate (BoundedPaginator's candidates).
        kwargs["candidates"] = TaggedArticle.newest_story_keys(self.subject, get_language())
        return super().get_paginator(queryset, per_page, **kwargs)


class SourceDetailView(FilteredListView):
    list_kind = "source"
    subject_label = gettext_lazy("Source")
    subject_model = Agency
    subject_filter = "cited_sources__source"


class AuthorDetailView(FilteredListView):
    list_kind = "author"
    subject_label = gettext_lazy("Author")
    subject_model = Author
    subject_filter = "bylines__author"

    def get_subject(self):
        # The author's page shows their portrait (with its credit) and biography above the list.
        queryset = Author.objects.select_related("photo", "photo__credit")
        return get_object_or_404(queryset, slug=self.kwargs["slug"])


class SitePageView(CachedPageMixin, DetailView):
    """An about or contact page; under /en/ only when it has an English title."""

    template_name = "articles/sitepage_detail.html"
    context_object_name = "page"

    def page_dependencies(self):
        return [f"page:{self.kwargs['slug']}"]

    def get_object(self, queryset=None):
        page = get_object_or_404(SitePage, slug=self.kwargs["slug"])
        if not translated.own(page, "title"):
            raise Http404
        return page


class ArticleDetailView(CachedPageMixin, DetailView):
    context_object_name = "article"
    template_name = "articles/article_detail.html"
    kept = None  # what storypage keeps for this story, looked up before the story is read

    def page_dependencies(self):
        return [f"article:{self.kwargs.get('slug')}"]

    def previews_drafts(self) -> bool:
        # A reader without a session cookie is no one's staff: the session is not read, so the
        # page does not vary on cookies and a CDN may keep one copy for every reader.
        if settings.SESSION_COOKIE_NAME not in self.request.COOKIES:
            return False
        user = self.request.user
        return user.is_authenticated and user.is_staff and user.has_perm("articles.view_article")

    def get_queryset(self):
        if self.previews_drafts():
            # Newsroom staff preview drafts and scheduled stories; such pages are never cached.
            # Another journalist's draft is theirs and the editors' (permissions.visible_articles).
            return permissions.visible_articles(Article.objects.in_language(get_language()), user=self.request.user)
        return public_articles()

    def kept_parts(self) -> storypage.KeptParts | None:
        # Staff read the story itself: a preview of a draft is never kept.
        return None if self.previews_drafts() else storypage.kept_parts(self.kwargs["slug"], self.request)

    def get(self, request, *args, **kwargs):
        self.kept = self.kept_parts()  # before the story is read (storypage.kept_parts)
        parts = self.kept.parts() if self.kept is not None else None
        if parts is None:
            return super().get(request, *args, **kwargs)
        # A public story whose rendered parts are all current: no query.
        return self.render_to_response({"parts": parts, "view": self})

    def get_object(self, queryset=None):
        try:
            return storypage.get(self.get_queryset() if queryset is None else queryset, slug=self.kwargs["slug"])
        except Article.DoesNotExist as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parts"] = storypage.rendered_parts(self.object, self.request, self.kept)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not context["parts"].is_public:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response


class SharedPreviewView(ArticleDetailView):
    """A story read through a signed preview link; a tampered or expired link is a 404."""

    def dispatch(self, request, *args, **kwargs):
        # Never through the page cache: each link is private to whoever holds it.
        return DetailView.dispatch(self, request, *args, **kwargs)

    def kept_parts(self) -> None:
        return None

    def get_object(self, queryset=None):
        article = preview.article_for_token(self.kwargs["token"])
        if article is None:
            raise Http404
        return article

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
        return response


class SearchView(CachedPageMixin, PublicArticlesMixin, ListView):
    """/search/?q=: public stories in the reader's language, headline matches first, then the newest."""

    template_name = "articles/search.html"
    context_object_name = "articles"

    def page_dependencies(self):
        # Any story's change may change any search's results.
        return [pagecache.ALL]

    def get_queryset(self):
        self.query = self.request.GET.get("q", "")
        return search.search_articles(self.get_base_queryset(), self.query, get_language())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        highlighter = search.Highlighter.for_query(self.query)
        context["results"] = [
            {
                "article": article,
                "headline": highlighter.mark(article.headline),
                "excerpt": highlighter.excerpt(
                    search.body_text(translated.own(article, "body")) or translated.own(article, "dek")
                ),
            }
            for article in context["articles"]
        ]
        context["query"] = self.query.strip()
        context["has_terms"] = bool(search.query_terms(self.query))
        return context


def robots_txt(request):
    """Crawlers may read everything public except the admin and search results; both sitemaps listed."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        *(f"Disallow: {path}" for path in _search_paths()),
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('news-sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _search_paths() -> list[str]:
    paths = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            paths.append(reverse("articles:search"))
    return paths


# --- ninjs: published stories as IPTC News in JSON for partners (articles/wire/ninjs.py) ---

NINJS_FEED_PAGE_SIZE = 20


def _ninjs_articles():
    return (
        public_articles()
        .for_listing()
        .prefetch_related("tags", Prefetch("cited_sources", queryset=CitedSource.objects.select_related("source")))
    )


def _ninjs_document(request, article: Article) -> dict:
    uri = request.build_absolute_uri(reverse("articles:article-ninjs", kwargs={"pk": article.pk}))
    context = ninjs_export.ExportContext(absolute=request.build_absolute_uri, language=get_language())
    return ninjs_export.article_document(article, uri=uri, context=context)


def article_ninjs(request, pk: int):
    """One published story as a ninjs 2.1 document, at an address that survives slug edits."""
    article = get_object_or_404(_ninjs_articles(), pk=pk)
    return JsonResponse(_ninjs_document(request, article), json_dumps_params={"ensure_ascii": False})


def ninjs_feed(request):
    """The latest published stories as a JSON list of ninjs documents; pages are linked in the Link header."""
    paginator = Paginator(_ninjs_articles().order_by("-published_at", "-pk"), NINJS_FEED_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except InvalidPage as error:
        raise Http404 from error
    response = JsonResponse(
        [_ninjs_document(request, article) for article in page.object_list],
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )
    links = []
    if page.has_next():
        links.append(f'<{request.build_absolute_uri(f"?page={page.next_page_number()}")}>; rel="next"')
    if page.has_previous():
        links.append(f'<{request.build_absolute_uri(f"?page={page.previous_page_number()}")}>; rel="prev"')
    if links:
        response["Link"] = ", ".join(links)
    return response


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors and no database: the page must render even when those fail.
    # The request id lets a reader's report be matched with the logged traceback.
    template = loader.get_template("500.html")
    context = {"LANGUAGE_CODE": get_language(), "request_id": getattr(request, "request_id", "")}
    return HttpResponseServerError(template.render(context))
