"""English pages never show unmarked Arabic (ARABIC.md E5, issue 17).

Under /en/ a reader page does not fall back to Arabic field values: a missing English dek, body,
caption, alt text or correction is left out; a tag without an English name is not shown and
has no English page; a free-text byline has its English form («وكالات»: "Agencies"); a name
that must appear in Arabic is marked ``lang="ar" dir="rtl"``. The English feeds follow the same
rules. The crawl walks every English page of the demo and finds no Arabic outside such marks.
"""

from __future__ import annotations

import io
import json
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from articles import demo
from articles.models import Agency, Author, Section, Tag
from articles.stories import services

from .factories import make_agency, make_article, make_author, make_image, make_placement, make_section

pytestmark = pytest.mark.django_db

ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


class UnmarkedArabic(HTMLParser):
    """Collects Arabic text and attribute values outside any element marked ``lang="ar"``.

    An element's language is its own ``lang`` or its parent's, as in HTML: ``lang="en"`` inside a
    ``lang="ar"`` element is English again. The marked element's own attributes count as marked.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = [("#document", "")]
        self.found: list[str] = []

    def _language(self) -> str:
        return self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        language = (attributes.get("lang") or self._language()).split("-")[0].lower()
        if language != "ar":
            self.found += [f"<{tag} {name}={value!r}>" for name, value in attrs if value and ARABIC.search(value)]
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, language))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if self._language() != "ar" and ARABIC.search(data):
            self.found.append(f"<{self.stack[-1][0]}> {data.strip()!r}")

    def handle_comment(self, data):
        self.handle_data(data)


def unmarked_arabic(html: str) -> list[str]:
    parser = UnmarkedArabic()
    parser.feed(html)
    parser.close()
    return parser.found


def address_in(language: str, obj=None, name: str | None = None, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None) if name else obj.get_absolute_url()


def english(obj=None, name: str | None = None, **kwargs) -> str:
    return address_in("en", obj, name, **kwargs)


def arabic(obj=None, name: str | None = None, **kwargs) -> str:
    return address_in("ar", obj, name, **kwargs)


def page(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return response.content.decode()


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def meta(html: str, prop: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)">', html)


def feed_items(client, address: str) -> list[ElementTree.Element]:
    response = client.get(address)
    assert response.status_code == 200, address
    return ElementTree.fromstring(response.content).findall("channel/item")


DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


# --- The crawl --------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.pages: list[str] = []
        self.feeds: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.pages.append(attributes["href"])
        elif tag == "link" and attributes.get("type") == "application/rss+xml":
            self.feeds.append(attributes["href"])


def crawl(client, starts: list[str]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Every English page reachable from ``starts`` by links under /en/: (page → Arabic found
    unmarked, feed → its XML)."""
    pages: dict[str, list[str]] = {}
    feeds: dict[str, str] = {}
    queue = deque(starts)
    while queue:
        address = queue.popleft()
        if address in pages:
            continue
        response = client.get(address)
        assert response.status_code == 200, address
        html = response.content.decode()
        pages[address] = unmarked_arabic(html)
        links = _Links()
        links.feed(html)
        for href in links.feeds:
            feed = urlsplit(urljoin(address, href)).path
            if feed.startswith("/en/") and feed not in feeds:
                feeds[feed] = client.get(feed).content.decode()
        for href in links.pages:
            target, _fragment = urldefrag(urljoin(address, href))
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or not parts.path.startswith("/en/"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in pages:
                queue.append(local)
    return pages, feeds


def test_no_english_page_of_the_demo_shows_unmarked_arabic(client):
    call_command("load_demo", stdout=io.StringIO())
    starts = [
        english(name="articles:home"),
        *(english(section) for section in Section.objects.all()),
        f"{english(name='articles:search')}?q=central+bank",
        f"{english(name='articles:search')}?q=solar",
        english(name="articles:feed"),
    ]
    pages, feeds = crawl(client, starts[:-1])
    feeds.setdefault(starts[-1], client.get(starts[-1]).content.decode())

    kinds = {kind: [p for p in pages if f"/{kind}/" in p] for kind in ("news", "section", "tags", "sources", "authors")}
    assert all(kinds.values()), f"the crawl reached every kind of page: {kinds}"
    assert len(kinds["news"]) == 3, "every English demo story"
    assert {address: found for address, found in pages.items() if found} == {}
    assert len(feeds) > 1
    assert {address: ARABIC.findall(xml) for address, xml in feeds.items() if ARABIC.search(xml)} == {}


def test_the_crawl_sees_unmarked_arabic_and_lets_marked_arabic_pass():
    assert unmarked_arabic('<html lang="en"><p>An <span lang="ar" dir="rtl">عربي</span> word</p></html>') == []
    assert unmarked_arabic('<html lang="en"><a href="/" lang="ar" title="عربي">العربية</a></html>') == []
    assert unmarked_arabic('<html lang="en"><p>وكالات</p></html>')
    assert unmarked_arabic('<html lang="en"><img alt="صورة"></html>')
    assert unmarked_arabic('<html lang="en"><p lang="ar">نص <span lang="en">وكالات</span></p></html>')
    assert unmarked_arabic('<html lang="en"><script type="application/ld+json">{"name": "ليلى"}</script></html>')


# --- Texts without an English version are left out ------------------------------------------------


@pytest.fixture
def half_translated():
    """A story translated in its headline and body only: dek, caption, alt text and the placed
    photo's caption are Arabic only."""
    photo = make_image(caption="الوزراء في الجلسة", alt_text="طاولة اجتماعات", width=90, height=60)
    placed = make_image(caption="سفينة في البحر", alt_text="سفينة شحن", width=90, height=60)
    story = make_article(
        headline="وزراء يبحثون خطة",
        dek="الاجتماع يناقش صندوقاً مشتركاً.",
        body="<p>افتتح الوزراء اجتماعاً.</p><p>وتابعوا النقاش.</p>",
        lead_image=photo,
        english={"headline": "Ministers discuss a plan", "body": "<p>Ministers met.</p><p>They talked.</p>"},
    )
    make_placement(article=story, image=placed, after_paragraph=1, caption="سفينة تعبر")
    return story


def test_an_english_story_page_leaves_out_what_is_not_translated(client, half_translated):
    html = page(client, english(half_translated))

    assert "Ministers met." in html
    assert unmarked_arabic(html) == []
    assert 'class="article__dek"' not in html and '<meta name="description"' not in html
    assert meta(html, "og:description") == meta(html, "twitter:description") == []
    assert meta(html, "og:image:alt") == meta(html, "twitter:image:alt") == []
    assert 'alt=""' in html  # an image without English alt text is described as decorative, not in Arabic
    data = json_ld(html)
    assert "description" not in data and all("caption" not in image for image in data["image"])


def test_an_english_story_without_an_english_body_shows_no_arabic_body(client):
    story = make_article(body="<p>نص عربي فقط.</p>", english={"headline": "Only a headline"})

    html = page(client, english(story))

    assert "نص عربي فقط" not in html and unmarked_arabic(html) == []


def test_english_captions_and_alt_text_are_shown_when_written(client, half_translated):
    photo = half_translated.lead_image
    photo.caption_en, photo.alt_text_en = "Ministers at the session", "A meeting table"
    photo.save()
    placement = half_translated.placements.get()
    placement.image.caption_en = "A ship at sea"
    placement.image.save()

    html = page(client, english(half_translated))

    assert "Ministers at the session" in html and 'alt="A meeting table"' in html
    assert "A ship at sea" in html  # the story's own caption is Arabic only: the photo's English one
    assert meta(html, "og:image:alt") == ["A meeting table"]


def test_lists_and_search_leave_out_a_dek_without_english(client, half_translated):
    for address in (english(name="articles:home"), f"{english(name='articles:search')}?q=ministers"):
        html = page(client, address)
        assert "discuss a plan" in html and unmarked_arabic(html) == [], address
        assert "الاجتماع يناقش" not in html


def test_the_english_feed_leaves_out_a_dek_and_caption_without_english(client, half_translated):
    (item,) = feed_items(client, english(name="articles:feed"))

    assert item.findtext("description") in (None, "")
    assert item.find("{http://search.yahoo.com/mrss/}content/{http://search.yahoo.com/mrss/}description") is None


def test_arabic_pages_keep_their_arabic_texts(client, half_translated):
    html = page(client, arabic(half_translated))

    assert "الاجتماع يناقش صندوقاً مشتركاً." in html and "الوزراء في الجلسة" in html
    assert 'alt="طاولة اجتماعات"' in html and "سفينة تعبر" in html


def test_arabic_words_searched_on_an_english_page_are_marked(client, half_translated):
    html = page(client, f"{english(name='articles:search')}?q=الوزراء")

    assert html.count('value="الوزراء" lang="ar" dir="auto"') == 2
    assert '<bdi><span lang="ar" dir="rtl">الوزراء</span></bdi>' in html
    assert "<title>Search — Sahifa</title>" in html
    assert unmarked_arabic(html) == []


def test_arabic_search_pages_are_unchanged(client, half_translated):
    html = page(client, f"{arabic(name='articles:search')}?q=الوزراء")

    assert 'value="الوزراء" maxlength' in html and "<bdi>الوزراء</bdi>" in html


# --- Tags ------------------------------------------------------------------------------------


@pytest.fixture
def tagged():
    story = make_article(tags=["النفط", "الطاقة"], english={"headline": "Oil prices rise"})
    oil = Tag.objects.get(name_ar="النفط")
    oil.name_en = "Oil"
    services.catalogue_save(obj=oil)
    return story


def test_english_pages_show_only_tags_named_in_english(client, tagged):
    html = page(client, english(tagged))

    assert re.findall(r'rel="tag"><bdi>([^<]*)</bdi>', html) == ["Oil"]
    assert json_ld(html)["keywords"] == ["Oil"]
    assert meta(html, "article:tag") == ["Oil"]
    assert unmarked_arabic(html) == []


def test_the_english_feed_lists_only_tags_named_in_english(client, tagged):
    (item,) = feed_items(client, english(name="articles:feed"))

    assert [category.text for category in item.findall("category")] == ["Oil"]


def test_a_tag_without_an_english_name_has_no_english_page_until_it_has_one(client, tagged):
    energy = Tag.objects.get(name_ar="الطاقة")
    address = english(energy)

    assert client.get(address).status_code == 404
    assert client.get(english(name="articles:tag-feed", slug=energy.slug)).status_code == 404

    energy.name_en = "Energy"
    services.catalogue_save(obj=energy)

    html = page(client, address)
    assert "Oil prices rise" in html and "<bdi>Energy</bdi>" in html
    assert client.get(english(name="articles:tag-feed", slug=energy.slug)).status_code == 200


def test_an_arabic_tag_page_links_to_the_english_home_while_the_tag_has_no_english_name(client, tagged):
    energy = Tag.objects.get(name_ar="الطاقة")
    switch = re.search(r'<p class="language-switch">(.*?)</p>', page(client, arabic(energy)), re.S)

    assert 'href="/en/" hreflang="en"' in switch.group(1)


def test_the_sitemap_lists_a_tags_english_page_only_under_an_english_name(client, tagged):
    sitemap = client.get("/sitemap-tags.xml").content.decode()

    assert f"http://testserver{english(Tag.objects.get(name_ar='النفط'))}" in sitemap
    assert f"http://testserver{english(Tag.objects.get(name_ar='الطاقة'))}" not in sitemap
    assert f"http://testserver{arabic(Tag.objects.get(name_ar='الطاقة'))}" in sitemap


def test_arabic_pages_show_every_tag(client, tagged):
    html = page(client, arabic(tagged))

    assert set(re.findall(r'rel="tag"><bdi>([^<]*)</bdi>', html)) == {"النفط", "الطاقة"}
    assert page(client, arabic(Tag.objects.get(name_ar="الطاقة")))


# --- Bylines and names -----------------------------------------------------------------------------


@pytest.fixture
def bylined():
    return make_article(
        section=make_section(name="رياضة", name_en=""),
        bylines=[
            make_author(name="ليلى حداد", name_en="Layla Haddad"),
            make_author(name="سامر العلي", name_en=""),
            "وكالات",
            "مكتب دمشق",
        ],
        sources=[make_agency(name="الجزيرة", name_en="")],
        english={"headline": "A story with many names"},
    )


def test_agencies_byline_reads_agencies_in_english(client, bylined):
    html = page(client, english(bylined))

    assert "<bdi>Agencies</bdi>" in html
    assert unmarked_arabic(html) == []


def test_names_without_a_latin_spelling_are_marked_arabic(client, bylined):
    html = page(client, english(bylined))

    assert '<span lang="ar" dir="rtl">سامر العلي</span>' in html
    assert '<span lang="ar" dir="rtl">مكتب دمشق</span>' in html
    assert '<span lang="ar" dir="rtl">الجزيرة</span>' in html
    assert '<span lang="ar" dir="rtl">رياضة</span>' in html  # the section
    assert re.search(r'<a href="[^"]+" lang="ar" dir="rtl">رياضة</a>', html), "the menu marks it too"
    assert "Layla Haddad</a></bdi>, " in html and "، " not in html


def test_structured_data_leaves_out_names_without_english(client, bylined):
    html = page(client, english(bylined))
    data = json_ld(html)

    assert [author.get("name") for author in data["author"]] == ["Layla Haddad", None, "Agencies"]
    assert "articleSection" not in data and meta(html, "article:section") == []
    assert data.get("citation", []) == []


def test_the_english_feed_names_bylines_in_english_only(client, bylined):
    (item,) = feed_items(client, english(name="articles:feed"))

    assert item.findtext(DC_CREATOR) == "Layla Haddad, Agencies"


def test_the_arabic_feed_keeps_the_written_bylines(client, bylined):
    (item,) = feed_items(client, arabic(name="articles:feed"))

    assert item.findtext(DC_CREATOR) == "ليلى حداد، سامر العلي، وكالات، مكتب دمشق"


def test_an_author_page_without_a_latin_spelling_is_titled_without_arabic(client, bylined):
    author = Author.objects.get(name_ar="سامر العلي")
    html = page(client, english(author))

    assert "<title>Author — Sahifa</title>" in html
    assert '<bdi><span lang="ar" dir="rtl">سامر العلي</span></bdi>' in html
    assert unmarked_arabic(html) == []
    feed = client.get(english(name="articles:author-feed", slug=author.slug)).content.decode()
    assert not ARABIC.search(feed)


def test_a_source_and_section_without_english_keep_their_pages(client, bylined):
    for subject in (Agency.objects.get(name_ar="الجزيرة"), Section.objects.get(name_ar="رياضة")):
        html = page(client, english(subject))
        assert unmarked_arabic(html) == []


def test_arabic_pages_keep_the_written_bylines(client, bylined):
    html = page(client, arabic(bylined))

    assert "<bdi>وكالات</bdi>" in html and "<bdi>مكتب دمشق</bdi>" in html and '<span lang="ar"' not in html


# --- Corrections ----------------------------------------------------------------------------------


def test_a_correction_appears_on_english_pages_only_with_english_text(client):
    story = make_article(english={"headline": "Ministers meet"})
    services.article_add_correction(article=story, note="صُحّح اسم الوزير.")

    html = page(client, english(story))
    assert "article__corrections" not in html and unmarked_arabic(html) == []

    services.article_add_correction(
        article=story, note="صُحّح التاريخ.", translations={"en": {"note": "The date was corrected."}}
    )

    html = page(client, english(story))
    assert "The date was corrected." in html and "صُحّح" not in html and unmarked_arabic(html) == []
    html = page(client, arabic(story))
    assert "صُحّح اسم الوزير." in html and "صُحّح التاريخ." in html


# --- The demo -------------------------------------------------------------------------------------


def test_the_demo_names_its_tags_sections_authors_and_agencies_in_english():
    call_command("load_demo", stdout=io.StringIO())

    for model in (Tag, Section, Author, Agency):
        unnamed = list(model.objects.filter(name_en__in=["", None]).values_list("name_ar", flat=True))
        assert model.objects.exists() and unnamed == [], model.__name__
        assert not any(ARABIC.search(name) for name in model.objects.values_list("name_en", flat=True))
    assert {name for name, _english in demo.TAGS} == set(Tag.objects.values_list("name_ar", flat=True))
