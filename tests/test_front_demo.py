"""load_demo shows the fronts and live coverage: a curated home page, a «عاجل» line and a live
story with at least eight updates, some with photos, one pinned."""

from functools import partial

import pytest
from django.urls import reverse

from articles import demo as demo_content
from articles.live.models import LiveCoverage, LiveUpdate
from articles.site.live import live_url

from .test_commands import load_demo
from .test_fronts import lead_of
from .test_views import html_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_demo_photos(monkeypatch):
    monkeypatch.setattr(demo_content, "draw_photo", partial(demo_content.draw_photo, width=480, height=320))


def test_demo_has_a_live_story_that_leads_a_curated_front_under_a_breaking_line(client, now):
    load_demo()
    coverage = LiveCoverage.objects.select_related("article").get()
    updates = LiveUpdate.objects.public().filter(coverage=coverage)
    assert updates.count() >= 8
    assert updates.filter(photo__isnull=False).count() >= 2
    assert updates.filter(is_pinned=True).count() == 1

    response = client.get(reverse("articles:home"))
    page = html_of(response)
    assert lead_of(response) == coverage.article.get_absolute_url()
    assert "عاجل" in page and f'href="{live_url(coverage.article)}"' in page

    live_page = html_of(client.get(live_url(coverage.article)))
    assert live_page.count('class="live-update') >= 9  # eight and more, and the pinned one on top
    assert "key-update-" in live_page
