"""load_demo: a fresh install gets a believable newsroom, and running it again changes nothing."""

from functools import partial
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from articles import demo as demo_content
from articles.models import Article, Image, Section

from .factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_demo_photos(monkeypatch):
    # These tests check the newsroom the demo builds, not its renditions: drawing its photos
    # small makes each load several times faster.
    monkeypatch.setattr(demo_content, "draw_photo", partial(demo_content.draw_photo, width=480, height=320))


def load_demo(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(now):
    return load_demo()


def test_demo_stories_are_published_across_three_sections(demo, now):
    public = Article.objects.published()

    assert public.count() >= 12
    assert public.count() == Article.objects.count()
    per_section = dict(public.values_list("section__slug").annotate(n=Count("pk")).order_by())
    assert len(per_section) == 3
    assert all(n >= 1 for n in per_section.values())
    assert Section.objects.count() == 3


def test_every_demo_story_is_fully_dressed(demo):
    stories = Article.objects.select_related("lead_image__credit").prefetch_related("tags", "bylines", "cited_sources")

    for story in stories:
        assert story.dek_ar and story.body_ar, story.headline
        image = story.lead_image
        assert image is not None, story.headline
        assert image.caption_ar and image.alt_text_ar and image.credit is not None, story.headline
        assert image.width > 0 and image.height > 0
        assert image.file.storage.exists(image.file.name)
        assert story.tags.all(), story.headline
        assert story.bylines.all(), story.headline
        assert story.cited_sources.all(), story.headline


def test_three_demo_stories_are_translated(demo):
    translated = Article.objects.in_language("en")

    assert translated.count() == 3
    for story in translated:
        assert story.slug_en and story.body_en
        assert story.lead_image.caption_en and story.lead_image.alt_text_en


def test_demo_prints_what_it_loaded_and_the_accounts(demo):
    assert f"Loaded {Article.objects.count()} demo stories." in demo
    assert "journalist / sahifa-journalist-demo" in demo
    assert "editor / sahifa-editor-demo" in demo


def test_demo_accounts_can_log_in_to_the_admin(demo, client):
    for username, password in (("journalist", "sahifa-journalist-demo"), ("editor", "sahifa-editor-demo")):
        user = get_user_model().objects.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert user.groups.exists()
        # Through the real login form (login throttling needs the request).
        response = Client().post(
            reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}
        )
        assert response.status_code == 302 and response["Location"] == "/admin/", username


def test_running_the_demo_twice_adds_nothing(demo):
    counts = (Article.objects.count(), Image.objects.count(), Section.objects.count(), get_user_model().objects.count())

    again = load_demo()

    assert (
        Article.objects.count(),
        Image.objects.count(),
        Section.objects.count(),
        get_user_model().objects.count(),
    ) == counts
    assert "already there" in again
    assert "journalist / sahifa-journalist-demo" in again


def test_demo_counts_only_its_own_stories(now):
    make_article(headline="خبر كتبه المحرر قبل تحميل العرض")

    output = load_demo("--no-accounts")

    assert f"Loaded {Article.objects.count() - 1} demo stories." in output
    assert "sahifa-journalist-demo" not in output
    assert not get_user_model().objects.filter(username__in=["journalist", "editor"]).exists()
