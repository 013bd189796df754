"""RSS 2.0 feeds: latest stories and one per section, tag, source and author, in both languages."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from articles.stories import services

from .conftest import REFERENCE_TIME
from .factories import make_agency, make_article, make_author, make_image, make_rich_articles, make_section

pytestmark = pytest.mark.django_db

MEDIA = "{http://search.yahoo.com/mrss/}"
KINDS = ("latest", "section", "tag", "source", "author")


def feed_url(kind: str, subject=None, language: str = "ar") -> str:
    with translation.override(language):
        if kind == "latest":
            return reverse("articles:feed")
        return reverse(f"articles:{kind}-feed", kwargs={"slug": subject.slug})


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ElementTree.fromstring(response.content)


@pytest.fixture
def desk():
    section = make_section(name="اقتصاد", name_en="Economy")
    author = make_author(name="ليلى حداد", name_en="Layla Haddad")
    source = make_agency(name="رويترز", name_en="Reuters")
    afp = make_agency(name="فرانس برس", name_en="AFP")
    photo = make_image(credit=afp, caption="الوزراء في الجلسة", width=90, height=60)
    photo.photographer = "سامي خليل"
    photo.copyright_notice = "© فرانس برس 2024"
    photo.save()
    common = {"section": section, "tags": ["النفط"], "bylines": [author, "وكالات"], "sources": [source]}
    story = make_article(
        headline="أسعار النفط ترتفع",
        dek="ارتفاع جديد.",
        lead_image=photo,
        english={"headline": "Oil prices rise", "dek": "A new rise."},
        **common,
    )
    arabic_only = make_article(headline="البورصة تغلق", published_at=REFERENCE_TIME - timedelta(hours=2), **common)
    # An English feed lists only tags named in English, and a tag's English feed needs that name.
    tag = story.tags.get()
    tag.name_en = "Oil"
    services.catalogue_save(obj=tag)
    return {"section": section, "author": author, "source": source, "story": story, "arabic_only": arabic_only}


def subject_of(kind, desk):
    if kind == "latest":
        return None
    if kind == "tag":
        return desk["story"].tags.get()
    return desk[kind]


class TestFeedContents:
    @pytest.mark.parametrize("kind", KINDS)
    def test_arabic_feed_lists_public_stories_with_language(self, client, desk, kind, now):
        for extra in (
            {"publish": False, "headline": "مسودة النفط"},
            {"published_at": now + timedelta(hours=3), "headline": "مجدول النفط"},
        ):
            make_article(
                section=desk["section"], tags=["النفط"], bylines=[desk["author"]], sources=[desk["source"]], **extra
            )
        services.article_unpublish(
            article=make_article(
                headline="مسحوب النفط",
                section=desk["section"],
                tags=["النفط"],
                bylines=[desk["author"]],
                sources=[desk["source"]],
            )
        )

        rss = parse(client.get(feed_url(kind, subject_of(kind, desk))))

        channel = rss.find("channel")
        assert rss.get("version") == "2.0"
        assert channel.findtext("language") == "ar"
        titles = [item.findtext("title") for item in channel.findall("item")]
        assert titles == ["أسعار النفط ترتفع", "البورصة تغلق"]

    @pytest.mark.parametrize("kind", KINDS)
    def test_english_feed_lists_only_translated_stories(self, client, desk, kind):
        rss = parse(client.get(feed_url(kind, subject_of(kind, desk), "en")))

        channel = rss.find("channel")
        assert channel.findtext("language") == "en"
        assert [item.findtext("title") for item in channel.findall("item")] == ["Oil prices rise"]
        assert channel.find("item").findtext("link") == "http://testserver/en/news/oil-prices-rise/"

    def test_item_has_link_date_author_categories_and_lead_image_with_credit(self, client, desk):
        rss = parse(client.get(feed_url("latest")))
        item = rss.find("channel").find("item")
        photo = desk["story"].lead_image

        assert item.findtext("link") == f"http://testserver{desk['story'].get_absolute_url()}"
        assert item.findtext("description") == "ارتفاع جديد."
        assert item.findtext("pubDate")
        assert [c.text for c in item.findall("category")] == ["النفط"]
        enclosure = item.find("enclosure")
        assert enclosure.get("url") == f"http://testserver{photo.fallback_url()}"
        assert enclosure.get("type") == "image/jpeg" and int(enclosure.get("length")) > 0
        media = item.find(f"{MEDIA}content")
        assert media.get("url") == enclosure.get("url") and media.get("medium") == "image"
        assert media.findtext(f"{MEDIA}description") == "الوزراء في الجلسة"
        credits = {c.get("role"): c.text for c in media.findall(f"{MEDIA}credit")}
        assert credits == {None: "فرانس برس", "photographer": "سامي خليل"}
        assert media.findtext(f"{MEDIA}copyright") == "© فرانس برس 2024"

    def test_anonymous_photographer_is_not_named(self, client, desk):
        photo = desk["story"].lead_image
        photo.is_photographer_anonymous = True
        photo.save()

        body = client.get(feed_url("latest")).content.decode()

        assert "سامي خليل" not in body
        assert "فرانس برس" in body

    def test_unknown_subject_is_not_found(self, client, db):
        assert client.get("/tags/لا-يوجد/feed/").status_code == 404


class TestFeedLinks:
    def test_every_page_links_the_latest_feed_and_its_own(self, client, desk):
        home = client.get(reverse("articles:home")).content.decode()
        tag = desk["story"].tags.get()
        tag_page = client.get(tag.get_absolute_url()).content.decode()

        latest = f'<link rel="alternate" type="application/rss+xml" href="{feed_url("latest")}"'
        assert latest in home and latest in tag_page
        assert f'<link rel="alternate" type="application/rss+xml" href="{feed_url("tag", tag)}"' in tag_page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("kind", KINDS)
def test_feed_queries_do_not_grow_with_stories(client, kind, django_assert_max_num_queries):
    shared = {
        "section": make_section(),
        "authors": [make_author(name="سامر العلي"), make_author()],
        "sources": [make_agency(name="بلومبيرغ"), make_agency(name="NBC News")],
        "credit": make_agency(name="فرانس برس"),
    }
    stories = make_rich_articles(2, **shared)
    subject = {
        "latest": None,
        "section": shared["section"],
        "tag": stories[0].tags.get(name="الاقتصاد"),
        "source": shared["sources"][0],
        "author": shared["authors"][0],
    }[kind]
    if kind == "tag":
        subject.name_en = "Economy"
        services.catalogue_save(obj=subject)
    url = feed_url(kind, subject)
    few = _queries(client, url)

    make_rich_articles(10, **shared)
    # Subject, stories (with section, lead image and credit), tags, bylines.
    with django_assert_max_num_queries(4):
        client.get(url)
    assert _queries(client, url) == few
