"""sitemap.xml (index and parts), the Google News sitemap and robots.txt."""

from datetime import timedelta
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from articles.stories import services

from .conftest import REFERENCE_TIME
from .factories import make_article, make_rich_articles, make_section

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def xml(response):
    assert response.status_code == 200
    assert "xml" in response["Content-Type"]
    return ElementTree.fromstring(response.content)


def absolute(article, language="ar") -> str:
    with translation.override(language):
        return f"http://testserver{article.get_absolute_url()}"


def entries(root) -> dict[str, dict[str, str]]:
    """<loc> → {hreflang: href} of each <url>."""
    return {
        url.findtext(f"{SM}loc"): {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
        for url in root.findall(f"{SM}url")
    }


@pytest.fixture
def stories(now):
    section = make_section(name="سياسة", name_en="Politics")
    translated = make_article(
        headline="الكرملين يرد على العقوبات",
        section=section,
        tags=["الكرملين"],
        english={"headline": "The Kremlin answers sanctions"},
    )
    kremlin = translated.tags.get()
    kremlin.name_en = "Kremlin"  # a tag has an English page only under an English name
    services.catalogue_save(obj=kremlin)
    arabic_only = make_article(headline="البرلمان يقر القانون", section=section, tags=["البرلمان"])
    draft = make_article(headline="مسودة", section=section, publish=False, tags=["مسودات"])
    scheduled = make_article(headline="مجدول", section=section, published_at=now + timedelta(hours=2))
    unpublished = services.article_unpublish(article=make_article(headline="مسحوب", section=section))
    old = make_article(headline="خبر قديم", section=section, published_at=now - timedelta(days=3))
    return {
        "translated": translated,
        "arabic_only": arabic_only,
        "draft": draft,
        "scheduled": scheduled,
        "unpublished": unpublished,
        "old": old,
        "section": section,
    }


class TestSitemapIndex:
    def test_index_lists_the_parts(self, client, stories):
        root = xml(client.get("/sitemap.xml"))

        locations = [node.findtext(f"{SM}loc") for node in root.findall(f"{SM}sitemap")]
        assert locations == [
            "http://testserver/sitemap-news.xml",
            "http://testserver/sitemap-sections.xml",
            "http://testserver/sitemap-tags.xml",
        ]


class TestStorySitemap:
    def test_public_stories_only_with_english_alternate_only_when_translated(self, client, stories):
        urls = entries(xml(client.get("/sitemap-news.xml")))

        ar, en = absolute(stories["translated"]), absolute(stories["translated"], "en")
        only = absolute(stories["arabic_only"])
        assert set(urls) == {ar, en, only, absolute(stories["old"])}
        assert urls[ar] == urls[en] == {"ar": ar, "en": en, "x-default": ar}
        assert urls[only] == {"ar": only, "x-default": only}
        for hidden in ("draft", "scheduled", "unpublished"):
            assert stories[hidden].slug_ar not in client.get("/sitemap-news.xml").content.decode()

    def test_arabic_addresses_are_percent_encoded(self, client, stories):
        urls = entries(xml(client.get("/sitemap-news.xml")))

        assert f"http://testserver/news/{quote(stories['arabic_only'].slug_ar)}/" in urls

    def test_lastmod_is_the_story_update_time(self, client, stories):
        root = xml(client.get("/sitemap-news.xml"))

        assert all(url.findtext(f"{SM}lastmod") for url in root.findall(f"{SM}url"))


class TestTagAndSectionSitemaps:
    def test_tags_of_public_stories_only_english_when_a_translated_story_has_them(self, client, stories):
        urls = entries(xml(client.get("/sitemap-tags.xml")))
        kremlin, parliament = stories["translated"].tags.get(), stories["arabic_only"].tags.get()

        assert set(urls) == {
            absolute(kremlin),
            absolute(kremlin, "en"),
            absolute(parliament),
        }
        assert "en" not in urls[absolute(parliament)]

    def test_sections_in_both_languages(self, client, stories):
        urls = entries(xml(client.get("/sitemap-sections.xml")))

        assert set(urls) == {absolute(stories["section"]), absolute(stories["section"], "en")}


class TestNewsSitemap:
    def test_only_the_last_48_hours_in_each_written_language(self, client, stories):
        root = xml(client.get("/news-sitemap.xml"))

        urls = root.findall(f"{SM}url")
        found = {
            url.findtext(f"{SM}loc"): (
                url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}language"),
                url.findtext(f"{NEWS}news/{NEWS}title"),
            )
            for url in urls
        }
        assert found == {
            absolute(stories["translated"]): ("ar", "الكرملين يرد على العقوبات"),
            absolute(stories["translated"], "en"): ("en", "The Kremlin answers sanctions"),
            absolute(stories["arabic_only"]): ("ar", "البرلمان يقر القانون"),
        }
        date = urls[0].findtext(f"{NEWS}news/{NEWS}publication_date")
        assert date == "2024-12-11T09:30:00+03:00"
        assert urls[0].findtext(f"{NEWS}news/{NEWS}publication/{NEWS}name")

    def test_at_most_a_thousand(self, client, now, monkeypatch):
        from articles.site import sitemaps

        monkeypatch.setattr(sitemaps, "NEWS_SITEMAP_LIMIT", 3)
        for n in range(3):
            make_article(headline=f"خبر {n}", english={"headline": f"Story {n}"})

        assert len(xml(client.get("/news-sitemap.xml")).findall(f"{SM}url")) == 3


class TestRobots:
    def test_robots_points_to_both_sitemaps_and_keeps_crawlers_out_of_admin_and_search(self, client, db):
        response = client.get("/robots.txt")

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        lines = response.content.decode().splitlines()
        assert "Sitemap: http://testserver/sitemap.xml" in lines
        assert "Sitemap: http://testserver/news-sitemap.xml" in lines
        assert {"Disallow: /admin/", "Disallow: /search/", "Disallow: /en/search/"} <= set(lines)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/sitemap.xml", "/sitemap-news.xml", "/sitemap-tags.xml", "/sitemap-sections.xml", "/news-sitemap.xml"]
)
def test_sitemap_queries_do_not_grow_with_stories(client, url, django_assert_max_num_queries, now):
    section = make_section()
    make_rich_articles(2, section=section, start=REFERENCE_TIME)
    few = _queries(client, url)

    make_rich_articles(10, section=section, start=REFERENCE_TIME)
    # The index counts each part's rows (and pages); a part reads its rows once.
    with django_assert_max_num_queries(5 if url == "/sitemap.xml" else 4):
        client.get(url)
    assert _queries(client, url) == few
