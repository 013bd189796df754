"""Every ordering the reader pages serve is backed by an index, on SQLite and on PostgreSQL."""

import pytest
from django.db import connection

from articles.views import public_articles

from .factories import make_agency, make_article, make_author

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists():
    agency, author = make_agency(), make_author()
    story = make_article(tags=["الطاقة"], sources=[agency], bylines=[author])
    newest = public_articles().order_by("-published_at", "-pk")
    return {
        # Either index serves newest-first; the planner picks by its statistics.
        "home": (newest, ("article_status_pub_idx", "article_pub_idx")),
        "section": (newest.filter(section=story.section), ("article_section_pub_idx", "article_pub_idx")),
        "tag": (newest.filter(tags__slug="الطاقة"), None),
        "source": (newest.filter(cited_sources__source=agency), None),
        "author": (newest.filter(bylines__author=author), None),
    }


def plan(queryset) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # On a tiny test table the planner would rightly scan; forbidding that shows
            # whether an index can serve the query at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset[:12].explain()
    return queryset[:12].explain()


@pytest.mark.parametrize("name", ["home", "section", "tag", "source", "author"])
def test_list_query_is_served_by_an_index(lists, name):
    queryset, index = lists[name]
    text = plan(queryset)
    if index:
        assert any(name in text for name in index), text
    if connection.vendor == "postgresql":
        assert "Seq Scan on articles_article" not in text, text
    else:
        assert "SCAN articles_article" not in text.replace("SEARCH articles_article", ""), text
