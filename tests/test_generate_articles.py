"""generate_articles: realistic stories in bulk, findable and listed, removable as a set."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, SearchDocument

from .factories import make_article

pytestmark = pytest.mark.django_db


def test_generated_stories_are_complete_public_and_searchable(client, capsys):
    call_command("generate_articles", count=30, seed=3)
    generated = Article.objects.filter(is_generated=True)
    assert generated.count() == 30
    assert "Generated 30 stories" in capsys.readouterr().out
    for article in generated.prefetch_related("tags", "bylines", "cited_sources"):
        assert article.tags.count() >= 2 and article.bylines.count() >= 1 and article.cited_sources.count() >= 1
        assert article.lead_image_id and article.slug_ar and article.is_public
    assert SearchDocument.objects.filter(article__in=generated, language="ar").count() == 30
    story = generated.order_by("-published_at").first()
    assert client.get(story.get_absolute_url()).status_code == 200
    section_page = client.get(reverse("articles:section-detail", kwargs={"slug": story.section.slug}))
    assert section_page.status_code == 200 and story.headline in section_page.content.decode()


def test_remove_deletes_only_generated_stories(capsys):
    kept = make_article(headline="قصة كتبها صحفي")
    call_command("generate_articles", count=12)
    call_command("generate_articles", remove=True)
    assert list(Article.objects.all()) == [kept]
    assert "Removed 12 generated stories" in capsys.readouterr().out
