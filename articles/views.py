from django.conf import settings
from django.http import Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView

from . import preview
from .layout import body_blocks
from .models import Agency, Article, Author, Section, Tag


def public_articles():
    """Every public path starts here: the published() gate, in the reader's language."""
    return Article.objects.published().in_language(get_language())


class PublicArticlesMixin:
    paginate_by = None

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_base_queryset(self):
        return public_articles().for_listing()


class HomeView(PublicArticlesMixin, ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"

    def get_queryset(self):
        return self.get_base_queryset().order_by("-published_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        articles = list(context["articles"])
        # The lead story tops the first page only.
        if page.number == 1 and articles:
            context["lead"], context["latest"] = articles[0], articles[1:]
        else:
            context["lead"], context["latest"] = None, articles
        return context


class FilteredListView(PublicArticlesMixin, ListView):
    """A list of stories belonging to one section, tag, source or author."""

    context_object_name = "articles"
    template_name = "articles/article_list.html"
    subject_model = None
    subject_filter = ""

    def get_subject(self):
        return get_object_or_404(self.subject_model, slug=self.kwargs["slug"])

    def get_queryset(self):
        self.subject = self.get_subject()
        return self.get_base_queryset().filter(**{self.subject_filter: self.subject}).order_by("-published_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subject"] = self.subject
        context["subject_kind"] = self.subject_model._meta.model_name
        return context


class SectionDetailView(FilteredListView):
    subject_model = Section
    subject_filter = "section"


class TagDetailView(FilteredListView):
    subject_model = Tag
    subject_filter = "tags"


class SourceDetailView(FilteredListView):
    subject_model = Agency
    subject_filter = "cited_sources__source"


class AuthorDetailView(FilteredListView):
    subject_model = Author
    subject_filter = "bylines__author"


class ArticleDetailView(DetailView):
    context_object_name = "article"
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        user = self.request.user
        if user.is_authenticated and user.is_staff and user.has_perm("articles.view_article"):
            # Newsroom staff preview drafts and scheduled stories; such pages are never cached.
            return Article.objects.in_language(get_language()).for_detail()
        return public_articles().for_detail()

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        try:
            return queryset.get(slug=self.kwargs["slug"])
        except Article.DoesNotExist as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["body_blocks"], context["gallery"] = body_blocks(self.object.body, self.object.placements.all())
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response


class SharedPreviewView(ArticleDetailView):
    """A story read through a signed preview link; a tampered or expired link is a 404."""

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


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors and no database: the page must render even when those fail.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"LANGUAGE_CODE": get_language()}))
