"""Reader lists page through the newest MAX_LIST_PAGES pages at a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.search import fulltext as search
from articles.site.pagination import BoundedPaginator
from articles.site.views import public_articles
from articles.stories import services

from .conftest import REFERENCE_TIME
from .factories import make_agency, make_article, make_author, make_section
from .test_views import listed

pytestmark = pytest.mark.django_db

KINDS = ("home", "section", "tag", "source", "author", "search")


@pytest.fixture
def archive(settings, now):
    """Nine public stories sharing a section, tag, source, author and a word, newest first; two
    share a publication time (their order is by id), and a draft and a scheduled story hide."""
    settings.ARTICLES_PER_PAGE = 2
    settings.MAX_LIST_PAGES = 3
    section, agency, author = make_section(), make_agency(), make_author()
    shared = {"section": section, "tags": ["الطاقة"], "sources": [agency], "bylines": [author]}
    times = [REFERENCE_TIME - timedelta(hours=hours) for hours in (9, 3, 5, 1, 7, 3, 2, 8, 6)]
    stories = [make_article(headline=f"الطاقة خبر {n}", published_at=t, **shared) for n, t in enumerate(times)]
    make_article(headline="الطاقة مسودة", publish=False, **shared)
    make_article(headline="الطاقة مجدول", published_at=REFERENCE_TIME + timedelta(days=1), **shared)
    newest = sorted(stories, key=lambda story: (story.published_at, story.pk), reverse=True)
    urls = {
        "home": reverse("articles:home"),
        "section": section.get_absolute_url(),
        "tag": stories[0].tags.get().get_absolute_url(),
        "source": agency.get_absolute_url(),
        "author": author.get_absolute_url(),
        "search": reverse("articles:search") + "?q=خبر",
    }
    return newest, urls


def page_url(url: str, number: int) -> str:
    return f"{url}{'&' if '?' in url else '?'}page={number}"


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("kind", KINDS)
def test_pages_show_the_list_in_order_up_to_the_bound(client, archive, kind):
    newest, urls = archive
    if kind == "search":
        # Ranked among the newest documents that match (search.candidate_limit), all in the headline.
        newest = list(search.search_articles(public_articles(), "خبر", "ar"))

    pages = [listed(client.get(page_url(urls[kind], number))) for number in (1, 2, 3)]

    assert pages == [[story.get_absolute_url() for story in newest[i : i + 2]] for i in (0, 2, 4)]
    assert client.get(page_url(urls[kind], 4)).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_the_deepest_page_costs_the_queries_of_the_first(client, archive, kind):
    _newest, urls = archive
    client.get(urls[kind])  # the section menu is cached after the first page

    assert queries(client, page_url(urls[kind], 3)) == queries(client, urls[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_queries_do_not_grow_with_the_page_size(client, archive, settings, kind):
    _newest, urls = archive
    client.get(urls[kind])
    small = queries(client, urls[kind])

    settings.ARTICLES_PER_PAGE = 6

    assert len(listed(client.get(urls[kind]))) == 6
    assert queries(client, urls[kind]) == small


def test_count_is_bounded_and_pages_follow_it(archive):
    newest, _urls = archive
    paginator = BoundedPaginator(public_articles().order_by("-published_at", "-pk"), 2)

    assert paginator.count == 6 and paginator.num_pages == 3
    assert paginator.keys == [story.pk for story in newest[:6]]


def test_orphans_join_the_last_page(archive):
    newest, _urls = archive
    paginator = BoundedPaginator(public_articles().order_by("-published_at", "-pk"), 4, orphans=1)

    assert paginator.count == 9 and paginator.num_pages == 2  # within the bound of 3 × 4
    assert list(paginator.page(2)) == newest[4:]


def test_an_empty_list_has_one_empty_page(db):
    paginator = BoundedPaginator(Article.objects.none(), 2)

    assert paginator.count == 0 and list(paginator.page(1)) == []


def test_a_page_brings_its_relations_without_more_queries(archive, django_assert_num_queries):
    newest, _urls = archive
    paginator = BoundedPaginator(public_articles().for_listing().order_by("-published_at", "-pk"), 2)
    assert paginator.num_pages == 3

    # The page's rows (with section, photo and credit), then their bylines.
    with django_assert_num_queries(2):
        page = paginator.page(3)
        shown = [(story.section.name, story.lead_image, [str(b) for b in story.bylines.all()]) for story in page]

    assert [story.pk for story in page] == [story.pk for story in newest[4:6]]
    assert all(section and bylines for section, _image, bylines in shown)


def test_a_story_unpublished_between_the_two_queries_is_left_out(archive):
    newest, _urls = archive
    paginator = BoundedPaginator(public_articles().order_by("-published_at", "-pk"), 2)
    assert paginator.keys[0] == newest[0].pk
    newest[0].delete()

    assert list(paginator.page(1)) == [newest[1]]


def test_search_pages_rank_headline_matches_first(client, archive, settings):
    _newest, urls = archive
    settings.ARTICLES_PER_PAGE = 3
    in_headline = make_article(headline="زيارة الكرملين", published_at=REFERENCE_TIME - timedelta(days=9))
    services.article_set_tags(article=in_headline, tags=["الطاقة"])
    in_text = make_article(headline="خبر", body="<p>قال الكرملين</p>", published_at=REFERENCE_TIME)

    found = search.search_articles(public_articles(), "الكرملين", "ar")
    paginator = BoundedPaginator(found, 3)

    assert paginator.count == 2
    assert list(paginator.page(1)) == [in_headline, in_text]
