"""Reader pages, as a reader's browser receives them, in Arabic and under /en/."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from articles.stories import services

from .factories import (
    make_agency,
    make_article,
    make_author,
    make_image,
    make_placement,
    make_rich_articles,
    make_section,
)

pytestmark = pytest.mark.django_db

RTL_ROOT = '<html lang="ar" dir="rtl">'
LTR_ROOT = '<html lang="en" dir="ltr">'
LIST_KINDS = ("home", "section", "tag", "source", "author")


def html_of(response) -> str:
    return response.content.decode()


def listed(response) -> list[str]:
    """The addresses of the stories a list page shows, top to bottom."""
    return re.findall(r'class="card__headline"><a href="([^"]+)"', html_of(response))


def url_in(language: str, obj=None, name: str | None = None) -> str:
    with translation.override(language):
        if name:
            return reverse(name)
        return obj.get_absolute_url()


class Newsroom:
    """One fully dressed story, plus the people and places it links to."""

    def __init__(self):
        self.section = make_section(name="سياسة", name_en="Politics")
        self.layla = make_author(name="ليلى حداد", name_en="Layla Haddad")
        self.reuters = make_agency(name="رويترز", name_en="Reuters")
        self.nbc = make_agency(name="NBC News", name_en="NBC News")
        self.afp = make_agency(name="فرانس برس", name_en="AFP")
        self.photo = make_image(
            caption="وزراء الخارجية خلال الجلسة الافتتاحية في عمّان",
            alt_text="طاولة اجتماعات طويلة يجلس حولها مسؤولون",
            credit=self.afp,
            width=90,
            height=60,
            translations={"en": {"caption": "Ministers at the opening session", "alt_text": "A long table"}},
        )
        # Just after midnight in Riyadh, still the 10th in UTC: the page must show the 11th.
        self.published_at = datetime(2024, 12, 11, 0, 30, tzinfo=ZoneInfo("Asia/Riyadh"))
        self.story = make_article(
            headline="وزراء خارجية عرب يبحثون في عمّان خطة لإعادة الإعمار",
            dek="الاجتماع التشاوري يناقش صندوقاً مشتركاً.",
            body="<p>افتتح وزراء خارجية عدد من الدول العربية اجتماعاً تشاورياً.</p>",
            section=self.section,
            published_at=self.published_at,
            lead_image=self.photo,
            tags=["الشرق الأوسط", "الدبلوماسية"],
            bylines=[self.layla, "وكالات"],
            sources=[self.reuters, self.nbc],
            english={
                "headline": "Arab foreign ministers discuss a reconstruction plan",
                "dek": "The meeting weighs a joint fund.",
                "body": "<p>Foreign ministers opened a consultative meeting.</p>",
            },
        )
        self.arabic_only = make_article(
            headline="البرلمان يقر قانوناً جديداً لحماية البيانات",
            section=self.section,
            published_at=self.published_at - timedelta(hours=1),
            tags=["الشرق الأوسط"],
            bylines=[self.layla],
            sources=[self.reuters],
        )
        self.tag = self.story.tags.get(name="الشرق الأوسط")
        # An English page shows only tags named in English (tests/test_english_pages.py).
        self.tag.name_en = "Middle East"
        services.catalogue_save(obj=self.tag)

    def url(self, kind: str, language: str = "ar") -> str:
        subject = {
            "home": None,
            "section": self.section,
            "tag": self.tag,
            "source": self.reuters,
            "author": self.layla,
            "article": self.story,
        }[kind]
        if subject is None:
            return url_in(language, name="articles:home")
        return url_in(language, subject)


@pytest.fixture
def newsroom(settings):
    settings.TIME_ZONE = "Asia/Riyadh"
    return Newsroom()


class TestArabicPages:
    @pytest.mark.parametrize("kind", [*LIST_KINDS, "article"])
    def test_page_is_arabic_right_to_left(self, client, newsroom, kind):
        response = client.get(newsroom.url(kind))

        assert response.status_code == 200
        assert RTL_ROOT in html_of(response)

    @pytest.mark.parametrize("kind", LIST_KINDS)
    def test_lists_show_every_public_story_newest_first(self, client, newsroom, kind):
        response = client.get(newsroom.url(kind))

        assert listed(response) == [url_in("ar", newsroom.story), url_in("ar", newsroom.arabic_only)]
        assert newsroom.arabic_only.headline_ar in html_of(response)

    @pytest.mark.parametrize("kind", LIST_KINDS)
    def test_lists_leave_out_drafts_and_scheduled_stories(self, client, newsroom, kind, now):
        for publish, published_at, headline in (
            (False, None, "مسودة لم تنشر بعد"),
            (True, now + timedelta(hours=1), "خبر مجدول للغد"),
        ):
            make_article(
                headline=headline,
                publish=publish,
                published_at=published_at,
                section=newsroom.section,
                tags=["الشرق الأوسط"],
                bylines=[newsroom.layla],
                sources=[newsroom.reuters],
            )

        response = client.get(newsroom.url(kind))

        assert listed(response) == [url_in("ar", newsroom.story), url_in("ar", newsroom.arabic_only)]
        assert "مسودة لم تنشر بعد" not in html_of(response)
        assert "خبر مجدول للغد" not in html_of(response)


class TestArticlePage:
    @pytest.fixture
    def page(self, client, newsroom):
        response = client.get(newsroom.url("article"))
        assert response.status_code == 200
        return html_of(response)

    def test_story_is_one_article_with_one_h1_headline(self, page, newsroom):
        # Related stories below it are cards (<article class="card">) outside the story's own <article>.
        assert page.count('<article class="article"') == 1
        assert re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.S) == [newsroom.story.headline_ar]

    def test_dek_and_body_follow_the_headline(self, page, newsroom):
        headline_at = page.index(newsroom.story.headline_ar)
        assert headline_at < page.index(newsroom.story.dek_ar) < page.index(newsroom.story.body_ar)

    def test_date_is_machine_readable_with_offset_and_written_day_first_in_arabic(self, page, newsroom):
        header = re.search(r'<p class="article__meta meta">(.*?)</p>', page, re.S).group(1)
        times = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', header)

        assert len(times) == 1
        machine, shown = times[0]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", machine)
        assert datetime.fromisoformat(machine) == newsroom.published_at
        assert shown == "11 ديسمبر 2024"

    def test_lead_image_sits_in_a_figure_with_size_alt_caption_and_credit(self, page, newsroom):
        figure = re.search(r"<figure[^>]*>(.*?)</figure>", page, re.S)
        assert figure, "the lead image should be in a <figure>"
        img = re.search(r"<img ([^>]*)>", figure.group(1)).group(1)
        assert 'width="90"' in img and 'height="60"' in img
        assert f'alt="{newsroom.photo.alt_text_ar}"' in img
        # A rendition re-encoded from the pixels, never the original (which has no public URL).
        assert f'src="{newsroom.photo.rendition_url("full", 90, "jpeg")}"' in img
        assert "originals/" not in page and newsroom.photo.file.name not in page

        caption = re.search(r"<figcaption>(.*?)</figcaption>", figure.group(1), re.S).group(1)
        credit = re.search(r'<span class="credit">\((.*?)\)</span>', caption)
        assert credit, "the credit should follow the caption in its own span"
        assert caption.index(newsroom.photo.caption_ar) < credit.start()
        assert re.sub(r"<[^>]+>", "", credit.group(1)) == "فرانس برس"

    def test_sources_line_isolates_each_name(self, page):
        sources = re.search(r'<p class="article__sources">(.*?)</p>', page, re.S).group(1)

        names = [re.sub(r"<[^>]+>", "", inner) for inner in re.findall(r"<bdi>(.*?)</bdi>", sources)]
        assert names == ["رويترز", "NBC News"]

    def test_bylines_link_authors_and_keep_written_names(self, page, newsroom):
        byline = re.search(r'<span class="byline">(.*?)</span>', page, re.S).group(1)

        assert f'<a href="{newsroom.layla.get_absolute_url()}" rel="author">ليلى حداد</a>' in byline
        assert byline.index("ليلى حداد") < byline.index("وكالات")

    def test_tags_link_to_their_pages(self, page, newsroom):
        links = re.findall(r'<a href="([^"]+)" rel="tag">(.*?)</a>', page)

        expected = {tag.get_absolute_url(): tag.name for tag in newsroom.story.tags.all()}
        assert {href: re.sub(r"<[^>]+>", "", text) for href, text in links} == expected
        assert len(links) == 2

    def test_canonical_address_is_the_story_address(self, page, newsroom):
        assert f'<link rel="canonical" href="http://testserver{newsroom.story.get_absolute_url()}">' in page

    def test_arabic_address_keeps_arabic_slug(self, newsroom):
        assert newsroom.url("article") == reverse(
            "articles:article-detail", kwargs={"slug": "وزراء-خارجية-عرب-يبحثون-في-عمان-خطة-لإعادة-الإعمار"}
        )

    def test_public_story_may_be_cached(self, client, newsroom):
        response = client.get(newsroom.url("article"))

        assert "no-store" not in response.get("Cache-Control", "")


class TestEnglishPages:
    @pytest.mark.parametrize("kind", [*LIST_KINDS, "article"])
    def test_page_is_english_left_to_right(self, client, newsroom, kind):
        url = newsroom.url(kind, "en")
        response = client.get(url)

        assert url.startswith("/en/")
        assert response.status_code == 200
        assert LTR_ROOT in html_of(response)

    @pytest.mark.parametrize("kind", LIST_KINDS)
    def test_english_lists_show_only_translated_stories(self, client, newsroom, kind):
        response = client.get(newsroom.url(kind, "en"))

        assert listed(response) == [url_in("en", newsroom.story)]
        page = html_of(response)
        assert "Arab foreign ministers discuss a reconstruction plan" in page
        assert newsroom.arabic_only.headline_ar not in page

    def test_english_address_uses_the_english_slug(self, client, newsroom):
        url = newsroom.url("article", "en")
        response = client.get(url)

        assert url == "/en/news/arab-foreign-ministers-discuss-a-reconstruction-plan/"
        assert re.findall(r"<h1[^>]*>(.*?)</h1>", html_of(response), re.S) == [
            "Arab foreign ministers discuss a reconstruction plan"
        ]
        assert f'<link rel="canonical" href="http://testserver{url}">' in html_of(response)

    def test_untranslated_story_has_no_english_page(self, client, newsroom):
        assert client.get(f"/en/news/{newsroom.arabic_only.slug_ar}/").status_code == 404

    def test_arabic_page_links_to_the_english_translation(self, client, newsroom):
        page = html_of(client.get(newsroom.url("article")))

        assert f'<a href="{newsroom.url("article", "en")}" hreflang="en"' in page


class TestPreviews:
    @pytest.fixture
    def draft(self):
        return make_article(headline="مسودة لم تنشر بعد", publish=False)

    @pytest.fixture
    def scheduled(self, now):
        return make_article(headline="خبر مجدول للغد", published_at=now + timedelta(days=1))

    def test_draft_is_hidden_from_readers(self, client, draft):
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_scheduled_story_is_hidden_from_readers(self, client, scheduled):
        assert client.get(scheduled.get_absolute_url()).status_code == 404

    @pytest.mark.parametrize("story", ["draft", "scheduled"])
    def test_staff_preview_is_never_cached(self, staff_client, request, story):
        article = request.getfixturevalue(story)

        response = staff_client.get(article.get_absolute_url())

        assert response.status_code == 200
        assert article.headline_ar in html_of(response)
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "max-age=0" in cache_control
        assert '<meta name="robots" content="noindex">' in html_of(response)


class TestBadAddresses:
    @pytest.mark.parametrize("kind", LIST_KINDS)
    def test_bad_page_numbers_are_not_found(self, client, newsroom, kind):
        bad = ["abc", "0", "-1", "99999", "1.5"]

        statuses = {page: client.get(newsroom.url(kind), {"page": page}).status_code for page in bad}

        assert statuses == dict.fromkeys(bad, 404)

    @pytest.mark.parametrize("kind", LIST_KINDS)
    def test_second_page_exists_when_there_are_more_stories(self, client, newsroom, settings, kind):
        settings.ARTICLES_PER_PAGE = 1

        response = client.get(newsroom.url(kind), {"page": "2"})

        assert response.status_code == 200
        assert listed(response) == [url_in("ar", newsroom.arabic_only)]

    @pytest.mark.parametrize("prefix", ["", "/en"])
    @pytest.mark.parametrize("path", ["news", "section", "tags", "sources", "authors"])
    def test_unknown_slug_is_not_found(self, client, newsroom, prefix, path):
        assert client.get(f"{prefix}/{path}/لا-يوجد-شيء/").status_code == 404


class TestNotFoundPage:
    def test_not_found_page_is_arabic(self, client, settings, db):
        settings.DEBUG = False
        with translation.override("ar"):
            title = gettext("Page not found")

        response = client.get("/news/لا-يوجد-شيء/")

        assert response.status_code == 404
        page = html_of(response)
        assert RTL_ROOT in page
        assert title != "Page not found", "the Arabic catalogue should translate the 404 title"
        assert f"<h1>{title}</h1>" in page

    def test_not_found_page_is_english_under_en(self, client, settings, db):
        settings.DEBUG = False

        response = client.get("/en/news/no-such-story/")

        assert response.status_code == 404
        page = html_of(response)
        assert LTR_ROOT in page
        assert "<h1>Page not found</h1>" in page


# Queries a page may make, whatever the number of stories, tags, bylines and sources it shows.
# The article page's sixth query prefetches its placed photos (with their credits).
QUERY_BUDGETS = {"home": 4, "section": 5, "tag": 5, "source": 5, "author": 5, "article": 6}

# A story page's own queries (story, bylines, tags, sources, placed photos, corrections, section
# menu) plus the related stories («اقرأ أيضاً») and their bylines.
QUERY_BUDGETS["article"] = 9


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


class TestQueryBudgets:
    @pytest.fixture
    def shared(self):
        return {
            "section": make_section(),
            "authors": [make_author(name="سامر العلي"), make_author()],
            "sources": [make_agency(name="بلومبيرغ"), make_agency(name="NBC News")],
            "credit": make_agency(name="فرانس برس"),
        }

    def _url(self, kind, language, stories, shared):
        first = stories[0]
        subject = {
            "home": None,
            "section": shared["section"],
            "tag": first.tags.get(name="الاقتصاد"),
            "source": shared["sources"][0],
            "author": shared["authors"][0],
        }[kind]
        if kind == "tag":
            # An English tag page exists only for a tag named in English.
            subject.name_en = "Economy"
            services.catalogue_save(obj=subject)
        return url_in(language, name="articles:home") if subject is None else url_in(language, subject)

    @pytest.mark.parametrize("language", ["ar", "en"])
    @pytest.mark.parametrize("kind", LIST_KINDS)
    def test_list_page_queries_do_not_grow_with_stories(
        self, client, shared, kind, language, django_assert_max_num_queries
    ):
        stories = make_rich_articles(3, **shared)
        url = self._url(kind, language, stories, shared)
        client.get(url)  # the section menu is cached after the first page
        with_three = _queries(client, url)

        make_rich_articles(12, **shared)
        with django_assert_max_num_queries(QUERY_BUDGETS[kind]):
            response = client.get(url)

        assert len(listed(response)) == 12
        assert _queries(client, url) == with_three

    def test_article_page_queries_do_not_grow_with_relations(self, client, shared, django_assert_max_num_queries):
        plain = make_article(
            section=shared["section"], tags=["الاقتصاد"], bylines=["وكالات"], sources=[shared["sources"][0]]
        )
        dressed = make_article(
            section=shared["section"],
            lead_image=make_image(credit=shared["credit"]),
            tags=["الاقتصاد", "الشرق الأوسط", "النفط", "البنوك", "الأسواق", "الذهب"],
            bylines=[*shared["authors"], make_author(name="نور الهدى منصور"), "وكالات"],
            sources=[*shared["sources"], shared["credit"], make_agency(name="أسوشيتد برس")],
        )
        client.get(plain.get_absolute_url())  # the section menu is cached after the first page
        plain_count = _queries(client, plain.get_absolute_url())

        with django_assert_max_num_queries(QUERY_BUDGETS["article"]):
            client.get(dressed.get_absolute_url())

        assert _queries(client, dressed.get_absolute_url()) == plain_count

    def test_a_fully_dressed_story_is_eight_queries(self, client, shared):
        """30 tags, 10 photos, 5 sources and 4 bylines: still the story, its five relations and «read also»."""
        tags = [f"وسم {n}" for n in range(30)]
        story = make_article(
            section=shared["section"],
            body="".join(f"<p>الفقرة {n}.</p>" for n in range(12)),
            lead_image=make_image(credit=shared["credit"]),
            tags=tags,
            bylines=[*shared["authors"], make_author(name="نور الهدى منصور"), "وكالات"],
            sources=[*shared["sources"], shared["credit"], make_agency(name="أسوشيتد برس"), make_agency(name="CNN")],
        )
        for n in range(10):
            make_placement(article=story, image=make_image(credit=shared["credit"]), position=n, after_paragraph=n % 3)
        for n in range(6):
            make_article(section=shared["section"], tags=tags[n : n + 3], lead_image=make_image())
        client.get(story.get_absolute_url())  # the section menu is cached after the first page
        with CaptureQueriesContext(connection) as queries:
            response = client.get(story.get_absolute_url())
        page = html_of(response)
        assert len(queries) == 8
        assert page.count('rel="tag"') == 30
        assert page.count("<figure") == 11
        related = re.search(r'<section class="related"[^>]*>(.*?)</section>', page, re.S).group(1)
        assert related.count('class="card__headline"') == 4


class TestSectionMenu:
    def _menu(self, response) -> list[tuple[str, str, bool]]:
        nav = html_of(response).split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
        return [
            (href, name, bool(current))
            for href, current, name in re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav)
        ]

    @pytest.mark.parametrize("language", ["ar", "en"])
    def test_menu_names_and_links_sections_in_the_page_language(self, client, language):
        politics = make_section(name="سياسة", name_en="Politics", position=0)
        economy = make_section(name="اقتصاد", name_en="Economy", position=1)
        make_article(section=economy)
        menu = self._menu(client.get(url_in(language, economy)))
        names = ["سياسة", "اقتصاد"] if language == "ar" else ["Politics", "Economy"]
        assert menu == [
            (url_in(language, politics), names[0], False),
            (url_in(language, economy), names[1], True),
        ]

    def test_only_the_section_being_read_is_marked_current(self, client):
        section = make_section(name="سياسة")
        story = make_article(section=section, tags=["النفط"])
        tag = story.tags.get()
        # Neither the home page, a story nor a tag is the section, whatever their numbers.
        assert [current for _href, _name, current in self._menu(client.get("/"))] == [False]
        assert [current for _href, _name, current in self._menu(client.get(url_in("ar", tag)))] == [False]
        assert [current for _href, _name, current in self._menu(client.get(url_in("ar", story)))] == [False]
        assert [current for _href, _name, current in self._menu(client.get(url_in("ar", section)))] == [True]

    def test_a_renamed_section_is_renamed_and_relinked_in_the_menu(self, client, django_capture_on_commit_callbacks):
        section = make_section(name="سياسة", slug="siyasa")
        make_article(section=section)
        assert [name for _href, name, _current in self._menu(client.get("/"))] == ["سياسة"]
        section.name, section.slug = "الشؤون السياسية", "politics"
        with django_capture_on_commit_callbacks(execute=True):
            services.catalogue_save(obj=section)
        assert self._menu(client.get("/")) == [(url_in("ar", section), "الشؤون السياسية", False)]
