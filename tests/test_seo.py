"""What story pages tell search engines and social networks, dates, the language switch, related stories."""

import json
import re
from datetime import date, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from articles.site import dates
from articles.stories import services

from .factories import make_agency, make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2024, 12, 11, 0, 30, tzinfo=ZoneInfo("Asia/Riyadh"))


class Head(HTMLParser):
    """Collects <script type=application/ld+json> bodies, <meta> and <link> tags of a page."""

    def __init__(self):
        super().__init__()
        self.scripts, self.metas, self.links, self._in_json = [], [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json = True
            self.scripts.append("")
        elif tag == "meta":
            self.metas.append(attrs)
        elif tag == "link":
            self.links.append(attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.scripts[-1] += data


def head_of(response) -> Head:
    assert response.status_code == 200
    head = Head()
    head.feed(response.content.decode())
    return head


def url_in(language, obj) -> str:
    with translation.override(language):
        return obj.get_absolute_url()


@pytest.fixture
def story(settings):
    settings.TIME_ZONE = "Asia/Riyadh"
    afp = make_agency(name="فرانس برس", name_en="AFP")
    photo = make_image(credit=afp, caption="وزراء في عمّان", width=200, height=100)
    photo.photographer = "سامي خليل"
    photo.copyright_notice = "© فرانس برس"
    photo.save()
    return make_article(
        headline="وزراء عرب يبحثون خطة الإعمار",
        dek="الاجتماع يناقش صندوقاً مشتركاً.",
        section=make_section(name="سياسة", name_en="Politics"),
        published_at=PUBLISHED,
        lead_image=photo,
        tags=["الشرق الأوسط", "الدبلوماسية"],
        bylines=[make_author(name="ليلى حداد", name_en="Layla Haddad"), "وكالات"],
        sources=[make_agency(name="رويترز", name_en="Reuters")],
        english={"headline": "Arab ministers discuss a plan", "dek": "A joint fund."},
    )


class TestNewsArticleJsonLd:
    def test_fields_one_by_one(self, client, story):
        head = head_of(client.get(story.get_absolute_url()))

        assert len(head.scripts) == 1
        data = json.loads(head.scripts[0])
        url = f"http://testserver{story.get_absolute_url()}"
        photo = story.lead_image
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "NewsArticle"
        assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
        assert data["url"] == url
        assert data["headline"] == "وزراء عرب يبحثون خطة الإعمار"
        assert data["description"] == "الاجتماع يناقش صندوقاً مشتركاً."
        assert data["inLanguage"] == "ar"
        assert data["datePublished"] == "2024-12-11T00:30:00+03:00"
        assert datetime.fromisoformat(data["dateModified"]).utcoffset() is not None
        assert data["author"] == [
            {
                "@type": "Person",
                "name": "ليلى حداد",
                "url": f"http://testserver{story.bylines.all()[0].author.get_absolute_url()}",
            },
            {"@type": "Organization", "name": "وكالات"},
        ]
        assert data["articleSection"] == "سياسة"
        assert sorted(data["keywords"]) == ["الدبلوماسية", "الشرق الأوسط"]
        assert data["publisher"]["@type"] == "Organization"
        assert data["publisher"]["name"]
        assert data["publisher"]["logo"]["@type"] == "ImageObject"
        assert data["publisher"]["logo"]["url"].startswith("http://testserver/static/img/logo")
        assert data["image"] == [
            {
                "@type": "ImageObject",
                "url": f"http://testserver{photo.fallback_url('full', 1920)}",
                "width": 200,
                "height": 100,
                "caption": "وزراء في عمّان",
                "creditText": "فرانس برس",
                "creator": {"@type": "Person", "name": "سامي خليل"},
                "copyrightNotice": "© فرانس برس",
            }
        ]
        assert "originals/" not in head.scripts[0]
        assert data["citation"] == [{"@type": "CreativeWork", "name": "رويترز"}]
        assert data["workTranslation"] == [
            {"@type": "NewsArticle", "inLanguage": "en", "url": f"http://testserver{url_in('en', story)}"}
        ]

    def test_english_page_describes_the_english_story(self, client, story):
        data = json.loads(head_of(client.get(url_in("en", story))).scripts[0])

        assert data["inLanguage"] == "en"
        assert data["headline"] == "Arab ministers discuss a plan"
        assert data["articleSection"] == "Politics"
        assert data["translationOfWork"][0]["inLanguage"] == "ar"

    def test_anonymous_photographer_is_credited_to_the_agency_only(self, client, story):
        photo = story.lead_image
        photo.is_photographer_anonymous = True
        photo.save()

        response = client.get(story.get_absolute_url())

        image = json.loads(head_of(response).scripts[0])["image"][0]
        assert image["creator"] == {"@type": "Organization", "name": "فرانس برس"}
        assert "سامي خليل" not in response.content.decode()

    def test_script_end_tag_in_any_field_cannot_break_out(self, client):
        nasty = 'خبر </script><script>alert("x")</script> <!-- &'
        story = make_article(headline=nasty, dek=nasty, tags=["</script>"])

        response = client.get(story.get_absolute_url())

        page = response.content.decode()
        script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
        assert "<" not in script and ">" not in script and "&" not in script
        data = json.loads(script)
        assert data["headline"] == nasty and data["description"] == nasty and data["keywords"] == ["</script>"]
        assert page.count("<script") == 1

    def test_untranslated_story_lists_no_translation(self, client):
        story = make_article(headline="خبر بالعربية فقط")

        data = json.loads(head_of(client.get(story.get_absolute_url())).scripts[0])

        assert "workTranslation" not in data


def metas(head, key="property") -> dict[str, list[str]]:
    found = {}
    for meta in head.metas:
        if key in meta:
            found.setdefault(meta[key], []).append(meta.get("content"))
    return found


class TestSharingAndAlternates:
    def test_open_graph_and_twitter(self, client, story):
        head = head_of(client.get(story.get_absolute_url()))
        og, twitter = metas(head), metas(head, "name")

        assert og["og:type"] == ["article"]
        assert og["og:title"] == ["وزراء عرب يبحثون خطة الإعمار"]
        assert og["og:locale"] == ["ar_AR"]
        assert og["og:locale:alternate"] == ["en_US"]
        assert og["og:url"] == [f"http://testserver{story.get_absolute_url()}"]
        assert og["og:image"] == [f"http://testserver{story.lead_image.fallback_url('full', 1920)}"]
        assert og["og:image:alt"] == [story.lead_image.alt_text_ar]
        assert og["article:published_time"] == ["2024-12-11T00:30:00+03:00"]
        assert sorted(og["article:tag"]) == ["الدبلوماسية", "الشرق الأوسط"]
        assert twitter["twitter:card"] == ["summary_large_image"]
        assert twitter["twitter:title"] == ["وزراء عرب يبحثون خطة الإعمار"]

    def test_english_locale_and_arabic_alternate(self, client, story):
        og = metas(head_of(client.get(url_in("en", story))))

        assert og["og:locale"] == ["en_US"] and og["og:locale:alternate"] == ["ar_AR"]

    def test_no_alternate_locale_without_a_translation(self, client):
        story = make_article(headline="خبر بالعربية فقط")

        head = head_of(client.get(story.get_absolute_url()))

        assert "og:locale:alternate" not in metas(head)
        assert not [link for link in head.links if link.get("hreflang")]

    def test_hreflang_pairs_are_absolute_and_reciprocal(self, client, story):
        pairs = []
        for language in ("ar", "en"):
            head = head_of(client.get(url_in(language, story)))
            pairs.append({link["hreflang"]: link["href"] for link in head.links if link.get("hreflang")})
            canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
            assert canonical == [f"http://testserver{url_in(language, story)}"]

        expected = {
            "ar": f"http://testserver{url_in('ar', story)}",
            "en": f"http://testserver{url_in('en', story)}",
            "x-default": f"http://testserver{url_in('ar', story)}",
        }
        assert pairs == [expected, expected]


class TestLanguageSwitch:
    def _switch(self, response) -> str:
        return re.search(r'<p class="language-switch">(.*?)</p>', response.content.decode(), re.S).group(1)

    def test_links_to_the_translation_or_the_other_home(self, client, story):
        arabic_only = make_article(headline="خبر بالعربية فقط")

        assert f'href="{url_in("en", story)}" hreflang="en"' in self._switch(client.get(story.get_absolute_url()))
        assert f'href="{url_in("ar", story)}" hreflang="ar"' in self._switch(client.get(url_in("en", story)))
        assert 'href="/en/" hreflang="en"' in self._switch(client.get(url_in("ar", arabic_only)))

    def test_list_pages_link_to_their_counterpart(self, client, story):
        tag = story.tags.get(name="الشرق الأوسط")
        tag.name_en = "Middle East"  # a tag without an English name has no English page
        services.catalogue_save(obj=tag)

        switch = self._switch(client.get(tag.get_absolute_url()))

        assert f'href="{url_in("en", tag)}" hreflang="en"' in switch

    @pytest.mark.parametrize("path", ["/", "/en/", "story", "tag", "/search/?q=الكرملين"])
    def test_reader_pages_set_no_cookie_and_hold_no_csrf_form(self, client, story, path):
        if path == "story":
            path = story.get_absolute_url()
        elif path == "tag":
            path = story.tags.get(name="الشرق الأوسط").get_absolute_url()

        response = client.get(path)

        assert response.status_code == 200
        assert not response.cookies
        page = response.content.decode()
        assert "csrfmiddlewaretoken" not in page and 'method="post"' not in page.lower()

    def test_switch_links_stay_on_this_site(self, client, story):
        for url in (story.get_absolute_url(), url_in("en", story), "/search/?q=//evil.example"):
            for href in re.findall(r'href="([^"]+)"', self._switch(client.get(url))):
                assert href.startswith("/") and not href.startswith("//"), href


class TestDates:
    def test_story_shows_the_hijri_date_beside_the_gregorian(self, client, story):
        page = client.get(story.get_absolute_url()).content.decode()

        meta = re.search(r'<p class="article__meta meta">(.*?)</p>', page, re.S).group(1)
        assert re.search(
            r">11 ديسمبر 2024</time>\s*<span class=\"article__hijri\">\(10 جمادى الآخرة 1446 هـ\)</span>", meta
        )

    def test_english_story_shows_both_dates_in_english(self, client, story):
        page = client.get(url_in("en", story)).content.decode()

        assert ">11 December 2024</time>" in page
        assert "(10 Jumada al-Akhirah 1446 AH)" in page

    def test_levantine_months_and_arabic_indic_digits_are_settings(self, settings):
        settings.DATE_MONTH_NAMES = "levantine"
        settings.DATE_DIGITS = "arabic"

        assert dates.gregorian(PUBLISHED, "ar") == "١١ كانون الأول ٢٠٢٤"
        assert dates.hijri(PUBLISHED, "ar") == "١٠ جمادى الآخرة ١٤٤٦ هـ"

    def test_date_is_converted_in_the_site_time_zone(self, settings):
        settings.TIME_ZONE = "Asia/Riyadh"
        # 22:30 UTC on the 10th is already the 11th in Riyadh.
        moment = datetime(2024, 12, 10, 22, 30, tzinfo=ZoneInfo("UTC"))

        assert dates.gregorian(moment, "ar") == "11 ديسمبر 2024"
        assert dates.hijri(moment, "ar") == "10 جمادى الآخرة 1446 هـ"

    @pytest.mark.parametrize("day", [date(1900, 1, 1), date(2100, 6, 1)])
    def test_outside_the_hijri_tables_only_the_gregorian_date(self, day):
        assert dates.hijri(day, "ar") == ""
        assert dates.gregorian(day, "ar").endswith(str(day.year))


def related_headlines(page: str) -> list[str]:
    """The headlines under «اقرأ أيضاً», in the order a reader sees them."""
    match = re.search(r'<section class="related"[^>]*>(.*?)</section>', page, re.S)
    return re.findall(r'class="card__headline"><a href="[^"]*">([^<]*)</a>', match.group(1)) if match else []


class TestRelatedStories:
    def test_read_also_lists_stories_sharing_most_tags(self, client, story, now):
        two = make_article(headline="يشارك وسمين", tags=["الشرق الأوسط", "الدبلوماسية"])
        one = make_article(headline="يشارك وسماً", tags=["الدبلوماسية"])
        make_article(headline="لا يشارك شيئاً", tags=["الرياضة"])
        make_article(headline="مسودة تشارك", tags=["الدبلوماسية"], publish=False)

        response = client.get(story.get_absolute_url())

        page = response.content.decode()
        section = re.search(r'<section class="related"[^>]*>(.*?)</section>', page, re.S).group(1)
        assert related_headlines(page) == [two.headline, one.headline]
        assert "اقرأ أيضاً" in section
        assert "يشارك وسمين" in section and "لا يشارك شيئاً" not in section and "مسودة تشارك" not in section

    def test_no_related_section_without_tags(self, client):
        story = make_article(headline="بلا وسوم")
        make_article(headline="آخر")

        assert 'class="related"' not in client.get(story.get_absolute_url()).content.decode()

    def test_english_page_relates_only_translated_stories(self, client, story):
        make_article(headline="عربي فقط", tags=["الدبلوماسية"])
        translated = make_article(headline="مترجم", tags=["الدبلوماسية"], english={"headline": "Translated"})

        response = client.get(url_in("en", story))

        assert related_headlines(response.content.decode()) == [translated.headline_en]


def test_home_search_and_story_link_search_form(client, story):
    page = client.get(reverse("articles:home")).content.decode()

    assert '<form class="site-search" role="search" method="get" action="/search/">' in page
