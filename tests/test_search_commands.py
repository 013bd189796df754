"""manage.py rebuild_search_index."""

from io import StringIO

import pytest
from django.core.management import call_command

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
