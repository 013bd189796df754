"""Reader pages a newsroom signs off: the hour of publication, «آخر تحديث» after a correction,
share links without any third-party script."""

import re

import pytest

from articles.stories import services

from .factories import make_article
from .test_views import html_of

pytestmark = pytest.mark.django_db


def test_story_shows_the_hour_beside_the_date(client, now):
    story = make_article()  # an hour before 10:30 in Riyadh
    page = html_of(client.get(story.get_absolute_url()))
    assert re.search(r'<span class="article__hour">9:30 ص</span>', page)


def test_last_updated_appears_once_corrected(client, now):
    story = make_article()
    assert "آخر تحديث" not in html_of(client.get(story.get_absolute_url()))
    services.article_add_correction(article=story, note="صُحّح اسم الوزير.")
    page = html_of(client.get(story.get_absolute_url()))
    assert re.search(r'آخر تحديث <time datetime="[^"]+\+03:00">[^<]+، [^<]+ [صم]</time>', page)


def test_share_links_are_plain_links_to_each_network(client, now):
    story = make_article(headline="افتتاح المكتبة")
    page = html_of(client.get(story.get_absolute_url()))
    share = re.search(r'<ul class="share".*?</ul>', page, re.S).group(0)
    for network in ("https://wa.me/", "https://t.me/share/url", "https://x.com/intent/post", "facebook.com/sharer"):
        assert network in share
    assert "data-copy=" in share
    assert "<script" not in share
    # No script from anywhere else on the page.
    assert not re.search(r'<script[^>]+src="https?://', page)
