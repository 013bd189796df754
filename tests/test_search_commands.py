"""manage.py rebuild_search_index, and the migration that indexes every story again."""

import importlib
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection

from articles.models import SearchDocument
from articles.search import fulltext as search
from articles.site.views import public_articles

from .factories import make_article

pytestmark = pytest.mark.django_db


def test_rebuild_indexes_stories_whose_documents_are_missing():
    story = make_article(headline="الكرملين يرد", english={"headline": "The Kremlin answers"})
    make_article(headline="مسودة", publish=False)
    SearchDocument.objects.all().delete()  # as after upgrading a database that had stories
    out = StringIO()

    call_command("rebuild_search_index", stdout=out)

    assert list(search.search_articles(public_articles(), "الكرملين", "ar")) == [story]
    assert SearchDocument.objects.count() == 2
    assert "2 stories, 1 published, 2 search documents." in out.getvalue()


def test_dry_run_changes_nothing():
    make_article(headline="الكرملين يرد")
    SearchDocument.objects.all().delete()
    out = StringIO()

    call_command("rebuild_search_index", "--dry-run", stdout=out)

    assert not SearchDocument.objects.exists()
    assert "1 stories, 1 published would be indexed; 0 search documents now." in out.getvalue()


def test_migration_0017_reindexes_published_stories_with_the_new_word_rules():
    # Documents as the earlier rules wrote them: heading and paragraph glued, no stems after و.
    story = make_article(headline="خبر", body="<h2>الخلفية</h2><p>وفرنسا تعلن</p>")
    draft = make_article(headline="مسودة", publish=False)
    SearchDocument.objects.filter(article=story).update(body="الخلفيهوفرنسا تعلن")
    assert list(search.search_articles(public_articles(), "فرنسا", "ar")) == []

    migration = importlib.import_module("articles.migrations.0017_search_reindex")
    migration.reindex_published_stories(django_apps, SimpleNamespace(connection=connection))

    for query in ("الخلفية", "فرنسا"):
        assert list(search.search_articles(public_articles(), query, "ar")) == [story], query
    assert not SearchDocument.objects.filter(article=draft).exists()
