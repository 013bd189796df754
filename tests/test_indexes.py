"""Every list the reader pages serve is read from an index, on SQLite and on PostgreSQL.

The plans asserted here are the queries articles.site.pagination.BoundedPaginator runs: the keys of
the first MAX_LIST_PAGES pages in the list's order, then one page's rows by key. SQLite has no
statistics, so its plan on this small test database is the plan it uses at 100,000 stories.
"""

import pytest
from django.db import connection
from django.utils import translation

from articles.models import Article, SearchDocument, Tag
from articles.search import fulltext as search
from articles.site.feeds import TagFeed
from articles.site.pagination import BoundedPaginator
from articles.site.views import TagDetailView, public_articles
from articles.stories import services

from .factories import make_agency, make_article, make_author

pytestmark = pytest.mark.django_db

SQLITE = connection.vendor == "sqlite"
PUBLIC_KEYS = "article_public_key_idx"
TAG_DATES = "taggedarticle_tag_pub_idx"
TAG_DATES_EN = "taggedarticle_tag_pub_en_idx"


def tag_page(tag: Tag) -> BoundedPaginator:
    """The paginator the tag page builds, in the active language."""
    view = TagDetailView(kwargs={"slug": tag.slug})
    return view.get_paginator(view.get_queryset(), 12)


@pytest.fixture
def lists():
    agency, author = make_agency(), make_author()
    story = make_article(
        tags=["الطاقة"], sources=[agency], bylines=[author], english={"headline": "Energy", "dek": "Energy."}
    )
    make_article(headline="الكرملين يرد", body="<p>الطاقة</p>")
    tag = Tag.objects.get(slug="الطاقة")
    tag.name_en = "Energy"  # an English tag page exists only for a tag named in English
    services.catalogue_save(obj=tag)
    newest = public_articles().for_listing().order_by("-published_at", "-pk")
    with translation.override("en"):
        tag_in_english = tag_page(tag)
    return {
        "home": BoundedPaginator(newest, 12),
        "section": BoundedPaginator(newest.filter(section=story.section), 12),
        "tag": tag_page(tag),
        "tag_en": tag_in_english,
        "source": BoundedPaginator(newest.filter(cited_sources__source=agency), 12),
        "author": BoundedPaginator(newest.filter(bylines__author=author), 12),
        "search": BoundedPaginator(search.search_articles(public_articles().for_listing(), "الطاقة", "ar"), 12),
    }


def plan(queryset, *, in_order: bool = False) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # On a tiny test table the planner would rightly scan; forbidding that shows
            # whether an index can serve the query at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            if in_order:
                # It may as well sort the few rows any of the table's indexes finds; forbidding
                # the sort shows whether an index gives them in the list's order.
                cursor.execute("SET LOCAL enable_sort = off")
    return queryset.explain()


def keys_plan(paginator: BoundedPaginator, *, in_order: bool = False) -> str:
    return plan(paginator.keys_query, in_order=in_order)


def assert_no_scan_of_stories(text):
    if SQLITE:
        assert "SCAN articles_article" not in text, text
    else:
        assert "Seq Scan on articles_article" not in text, text


@pytest.mark.parametrize(
    ("name", "indexes"),
    [
        ("home", ("article_pub_idx",)),
        # Either serves a section newest first; PostgreSQL picks by its statistics.
        ("section", ("article_section_pub_idx", "article_pub_idx")),
    ],
)
def test_newest_first_lists_walk_their_index_in_order(lists, name, indexes):
    # On PostgreSQL with sorting switched off: on a tiny table the planner may as well sort the few
    # keys another index finds; what matters is that an index gives the list's order.
    text = keys_plan(lists[name], in_order=True)

    assert any(index in text for index in indexes), text
    assert_no_scan_of_stories(text)
    if SQLITE:
        # In index order: no sort of the whole list (at most of equal dates, by id).
        assert "USE TEMP B-TREE FOR ORDER BY" not in text, text


@pytest.mark.parametrize(
    ("name", "index"),
    [
        ("source", "citedsource_source_idx"),
        ("author", "articles_byline_author_id"),
    ],
)
def test_source_and_author_lists_start_from_their_own_rows(lists, name, index):
    text = keys_plan(lists[name])

    assert_no_scan_of_stories(text)
    if SQLITE:
        # The source's rows first, then each story by key, from the index of public stories'
        # keys: not every published story newest first, each checked for the source (what an
        # index led by status tempted SQLite into), and not each story's row (bodies come first).
        first, *rest = [line for line in text.splitlines() if "SEARCH" in line or "SCAN" in line]
        assert index in first, text
        assert any(f"articles_article USING COVERING INDEX {PUBLIC_KEYS}" in line for line in rest), text


@pytest.mark.parametrize(("name", "index"), [("tag", TAG_DATES), ("tag_en", TAG_DATES_EN)])
def test_a_tag_page_reads_its_keys_from_the_tags_rows_alone(lists, name, index):
    text = keys_plan(lists[name], in_order=True)

    # Newest first through the tag's own index for the page's language (the English copy is
    # set only on translated stories), stopping after the list's bound: no story is read (the
    # page's rows are checked when they are read) and nothing is sorted.
    assert index in text, text
    assert "articles_article" not in text, text
    if SQLITE:
        column = "published_at" if name == "tag" else "published_en_at"
        assert f"COVERING INDEX {index} (tag_id=? AND {column}<?)" in text, text
        assert "TEMP B-TREE" not in text, text
    else:
        assert "Seq Scan on articles_taggedarticle" not in text, text
        assert "Sort" not in text, text


def test_the_tag_feed_walks_the_tags_rows_newest_first(lists):
    tag = Tag.objects.get(slug="الطاقة")
    text = plan(TagFeed().items(tag), in_order=True)

    assert_no_scan_of_stories(text)
    if SQLITE:
        first, *rest = [line for line in text.splitlines() if "SEARCH" in line or "SCAN" in line]
        assert TAG_DATES in first, text
        assert any(f"articles_article USING INDEX {PUBLIC_KEYS}" in line for line in rest), text
        assert "TEMP B-TREE" not in text, text
    else:
        # PostgreSQL chooses by its statistics: on this tiny table walking the newest stories
        # serves as well as walking the tag's rows (it takes the tag's index on a real archive).
        # Either way the order comes from an index, with nothing sorted.
        assert TAG_DATES in text or "article_pub_idx" in text, text
        assert "Sort" not in text, text


def test_search_starts_from_its_candidates(lists):
    text = keys_plan(lists["search"])

    assert_no_scan_of_stories(text)
    if SQLITE:
        assert f"articles_article USING COVERING INDEX {PUBLIC_KEYS} (id=?" in text, text
        assert "article_pub_idx" not in text, text
        assert search.FTS_TABLE in text and search.HEADLINE_FTS_TABLE in text, text
        # Hits map to stories through the small index, never through the documents' text.
        assert f"COVERING INDEX {search.HITS_INDEX}" in text, text
    else:
        assert "Seq Scan on articles_searchdocument" not in text, text


@pytest.mark.parametrize("name", ["home", "section", "tag", "tag_en", "source", "author", "search"])
def test_a_page_reads_its_rows_by_key(lists, name):
    keys = lists[name].keys
    assert keys

    with translation.override("en" if name == "tag_en" else "ar"):  # the page's rows pass its language's gate
        text = plan(lists[name].read_rows(keys))

    if SQLITE:
        # A tag page's keys come from the tag's rows: its rows are read by key through the
        # index of public stories' keys, which checks they are still public.
        from_tag_rows = name in ("tag", "tag_en")
        by_key = f"articles_article USING INDEX {PUBLIC_KEYS} (id=?" if from_tag_rows else "INTEGER PRIMARY KEY"
        assert by_key in text, text
        assert "TEMP B-TREE" not in text, text  # rows with their bodies are never sorted
    # Only the keys filter: no tag, source, author or search condition to walk again.
    assert not any(table in text for table in ("taggedarticle", "citedsource", "byline", "searchdocument")), text


@pytest.mark.skipif(not SQLITE, reason="FTS5 is SQLite's")
def test_headline_index_follows_every_write():
    story = make_article(headline="الكرملين يرد")
    story.headline_ar = "موسكو ترد"
    services.article_save(article=story)
    services.article_unpublish(article=make_article(headline="الكرملين يحذر"))

    with connection.cursor() as cursor:
        table = search.HEADLINE_FTS_TABLE
        cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
        cursor.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", ['"موسكو"'])
        assert [row[0] for row in cursor.fetchall()] == list(SearchDocument.objects.values_list("pk", flat=True))
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH %s", ['"الكرملين"'])
        assert cursor.fetchone()[0] == 0


@pytest.mark.parametrize("status", ["draft", "review", "unpublished"])
def test_the_admin_status_lists_read_their_own_index(status):
    make_article(publish=False)
    stories = Article.objects.filter(status=status)

    for text in (plan(stories.order_by("-published_at", "-pk")[:50]), plan(stories.values("pk")[:1])):
        assert_no_scan_of_stories(text)
        if SQLITE:
            assert "article_desk_idx" in text, text


def test_no_reader_list_can_read_the_admin_status_index(lists):
    for paginator in lists.values():
        text = keys_plan(paginator)
        assert "article_desk_idx" not in text, text
