"""Arabic search: the normaliser at index and query time, on SQLite (FTS5) and PostgreSQL (GIN).

Every case here runs on whichever database the suite runs on; CI runs it on both.
"""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from articles.changes import search_documents
from articles.models import Article, SearchDocument
from articles.search import fulltext as search
from articles.site.views import public_articles
from articles.stories import services

from .conftest import REFERENCE_TIME
from .factories import make_agency, make_article, make_author, make_rich_articles, make_section

pytestmark = pytest.mark.django_db


def found(query: str, language: str = "ar") -> list[Article]:
    with translation.override(language):
        return list(search.search_articles(public_articles(), query, language))


def result_headlines(response) -> list[str]:
    """The result headlines as a reader sees them, highlighting removed."""
    items = re.findall(r'<h2 class="card__headline"><a href="[^"]*">(.*?)</a></h2>', response.content.decode(), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in items]


def search_page(client, query, language="ar", **params):
    with translation.override(language):
        url = reverse("articles:search")
    return client.get(url, {"q": query, **params})


class TestNormaliser:
    def test_tokens_fold_hamza_taa_marbuta_alef_maqsura_tatweel_tashkeel_and_digits(self):
        assert search.tokens("الأسد المدرسة مستشفى اجتمـــاع مُحَمَّدٌ ٢٠٢٤ NBC") == [
            "الاسد",
            "المدرسه",
            "مستشفي",
            "اجتماع",
            "محمد",
            "2024",
            "nbc",
        ]

    def test_arabic_punctuation_breaks_words(self):
        assert search.tokens("الكرملين،بوتين؛ موسكو؟«كييف»") == ["الكرملين", "بوتين", "موسكو", "كييف"]

    def test_bidi_and_zero_width_controls_do_not_split_or_change_words(self):
        assert search.tokens("الكر\u200fملين \u2067بوتين\u2069") == ["الكرملين", "بوتين"]

    @pytest.mark.parametrize(
        ("word", "bare"),
        [("والكرملين", "كرملين"), ("بالمدرسة", "مدرسه"), ("للمدرسة", "مدرسه"), ("الاسد", "اسد"), ("ال", "ال")],
    )
    def test_words_are_also_indexed_without_their_proclitic(self, word, bare):
        assert search.forms(search.tokens(word)[0])[-1] == bare

    def test_short_words_keep_their_letters(self):
        # «الب» would leave one letter: it is indexed only as written.
        assert search.forms("الب") == ("الب",)

    def test_no_suffix_stemming_so_names_stay_whole(self):
        # Written names are indexed whole, nothing is cut from their end, and a query for a name
        # looks for the name alone.
        assert search.index_text("بوتين بلومبيرغ").split()[:2] == ["بوتين", "بلومبيرغ"]
        assert search.forms("بوتين") == ("بوتين",)
        assert search.query_terms("بوتين بلومبيرغ") == [("بوتين",), ("بلومبيرغ",)]

    def test_long_queries_are_cut(self):
        terms = search.query_terms("كلمة " * 5000 + " ".join(f"w{n}" for n in range(50)))
        assert len(terms) <= search.MAX_QUERY_TOKENS
        assert all(len(form) <= search.MAX_TOKEN_LENGTH for group in terms for form in group)


# ARABIC.md §Search S2: what a reader types, what the story says, and whether it is found.
CASES = [
    ("الاسد", "الأسد يلقي خطاباً", True),
    ("الاسد", "الأسود يفوز بالمباراة", False),
    ("محمد", "مُحَمَّدٌ يفتتح المعرض", True),
    ("المدرسه", "افتتاح المدرسة الجديدة", True),
    ("مستشفي", "افتتاح مستشفى الأطفال", True),
    ("اجتماع", "اجتمـــاع وزراء الخارجية", True),
    ("2024", "ميزانية عام ٢٠٢٤", True),
    ("٢٠٢٤", "ميزانية عام 2024", True),
    ("الكرملين", "موسكو والكرملين يردان", True),
    ("nbc", "تقرير NBC News عن الانتخابات", True),
    ("NBC", "تقرير nbc news عن الانتخابات", True),
    ("مُحَمَّد", "محمد يفتتح المعرض", True),
    ("إيران", "ايران تعلن", True),
    ("القاهرة", "القاهره تستضيف القمة", True),
    ("بوتين", "بوتين يلتقي", True),
    ("بوتين", "وتين", False),
    ("المدرسة الكرملين", "المدرسة فقط", False),
    ("المدرسة الجديدة", "افتتاح المدرسة الجديدة", True),
    ("ی", "ي", True),
]


class TestArabicMatching:
    @pytest.mark.parametrize(("query", "headline", "expected"), CASES)
    def test_search_case(self, query, headline, expected):
        story = make_article(headline=headline, body="<p>نص.</p>")

        assert (story in found(query)) is expected

    @pytest.mark.parametrize(("query", "body", "expected"), CASES)
    def test_same_case_in_the_body(self, query, body, expected):
        story = make_article(headline="خبر", body=f"<p>{body}</p>")

        assert (story in found(query)) is expected

    def test_tags_bylines_and_sources_are_searchable(self):
        story = make_article(
            tags=["الطاقة النووية"],
            bylines=[make_author(name="سامر العلي"), "وكالات"],
            sources=[make_agency(name="NBC News")],
        )

        for query in ("الطاقة", "النوويه", "سامر", "وكالات", "nbc news"):
            assert found(query) == [story], query

    def test_markup_in_the_body_is_not_indexed(self):
        story = make_article(body='<p>خبر <a href="https://example.com/strong">رابط</a></p>')

        assert found("رابط") == [story]
        assert found("strong") == [] and found("href") == []


# Proclitics (articles/search/proclitics.py): a word after و، ف، ب، ك، ل, alone or with ال, is
# found by the word alone; words that only start with those letters stay whole.
PROCLITIC_CASES = [
    ("فرنسا", "وفرنسا تعلن موقفها", True),
    ("فرنسا", "ففرنسا لم ترد", True),
    ("القدس", "مسيرة بالقدس", True),
    ("قدس", "مسيرة بالقدس", True),
    ("القدس", "وبالقدس مسيرة أخرى", True),
    ("مصر", "وفد بمصر", True),
    ("لبنان", "زيارة ولبنان", True),
    ("لبنان", "دعم للبنان", True),
    ("لبنان", "قرار بلبنان", True),
    ("المدرسة", "هدية للمدرسة", True),
    ("المدرسة", "وللمدرسة هدية", True),
    ("الحكومة", "فالحكومة ترد", True),
    ("العادة", "كالعادة", True),
    ("الكرملين", "وبالكرملين اجتماع", True),
    ("الكرملين", "فالكرملين يرد", True),
    ("ايران", "لإيران موقف", True),
    ("وزير", "وزير الخارجية يصل", True),
    ("وزير", "ووزير الخارجية يصل", True),
    ("كتاب", "بكتاب جديد", True),
    ("بلد", "بلد جديد", True),
    ("وفرنسا", "فرنسا تعلن", True),
    ("والكرملين", "الكرملين يرد", True),
    ("بالقدس", "القدس", True),
    # Readings a reader did not mean: a query keeps its own first letters.
    ("وزير", "زير", False),
    ("بوتين", "وتين", False),
    ("كمال", "مال وفير", False),
    ("فراس", "على رأس الوفد", False),
    ("الجنة", "اجتماع لجنة الخبراء", False),
    ("والي", "قال إلى اللقاء", False),
    ("بلد", "لد", False),
]


class TestProclitics:
    @pytest.mark.parametrize(
        ("word", "stems"),
        [
            ("وفرنسا", {"فرنسا"}),
            ("بالقدس", {"القدس", "قدس"}),
            ("وبالقدس", {"بالقدس", "القدس", "قدس"}),
            ("فبالقدس", {"بالقدس", "القدس", "قدس"}),
            ("للمدرسة", {"المدرسه", "مدرسه"}),
            ("وللمدرسة", {"للمدرسه", "المدرسه", "مدرسه"}),
            ("كالعادة", {"العاده", "عاده"}),
            ("ولبنان", {"لبنان"}),
            ("للبنان", {"لبنان"}),
            ("بمصر", {"مصر"}),
            ("وكتاب", {"كتاب"}),
            ("وزير", {"زير"}),
        ],
    )
    def test_words_are_indexed_as_written_and_with_each_stem(self, word, stems):
        token = search.tokens(word)[0]
        indexed = search.forms(token)

        assert indexed[0] == token
        assert stems <= set(indexed)

    @pytest.mark.parametrize("word", ["بلد", "ولد", "كان", "ومن", "بعد", "والي", "بالي", "والد", "بوتين", "بولندا"])
    def test_short_stems_and_names_stay_whole_in_the_index(self, word):
        assert search.forms(word) == (word,)

    @pytest.mark.parametrize("word", ["وزير", "كتاب", "لبنان", "بلد", "بوتين", "كمال", "فراس", "مصر"])
    def test_a_query_word_without_proclitic_looks_for_itself_alone(self, word):
        assert search.query_terms(word) == [(word,)]

    @pytest.mark.parametrize(
        ("query", "forms"),
        [
            ("والكرملين", {"والكرملين", "الكرملين"}),
            ("بالقدس", {"بالقدس", "القدس"}),
            ("للمدرسة", {"للمدرسه", "المدرسه"}),
            ("وفرنسا", {"وفرنسا", "فرنسا"}),
        ],
    )
    def test_a_query_word_drops_what_comes_before_al_and_a_lone_conjunction(self, query, forms):
        assert set(search.query_terms(query)[0]) == forms

    def test_a_query_never_drops_al_itself(self):
        assert search.query_terms("الجنة") == [("الجنه",)]

    @pytest.mark.parametrize(("query", "headline", "expected"), PROCLITIC_CASES)
    def test_search_case(self, query, headline, expected):
        story = make_article(headline=headline, body="<p>نص.</p>")

        assert (story in found(query)) is expected

    @pytest.mark.parametrize(("query", "body", "expected"), PROCLITIC_CASES)
    def test_same_case_in_the_body(self, query, body, expected):
        story = make_article(headline="خبر", body=f"<p>{body}</p>")

        assert (story in found(query)) is expected

    def test_a_word_after_wa_and_after_bi_is_found_and_marked(self, client):
        story = make_article(headline="زيارة رسمية", body="<p>التقى الوفد وفرنسا ثم اجتمع بالقدس مع المسؤولين.</p>")

        assert found("فرنسا") == found("القدس") == found("قدس") == found("فرنسا القدس") == [story]
        page = search_page(client, "فرنسا").content.decode()
        assert "<mark>وفرنسا</mark>" in page


class TestBlockBoundaries:
    def test_body_text_puts_a_line_between_blocks_and_joins_inline_elements(self):
        text = search.body_text(
            "<h2>الخلفية</h2><p>بدأت <strong>الأز</strong>مة منذ <a href='https://example.com'>عام</a>.</p>"
            "<ul><li>القاهرة</li><li>عمان</li></ul><ol><li>أولاً</li><li>ثانياً</li></ol>"
            "<blockquote><p>قال</p></blockquote><h3>التفاصيل</h3><p>سطر<br>آخر</p><p>منزل.</p><p>الشمس</p>"
            "<figure><figcaption>تعليق</figcaption></figure><p>&lt;نص&gt; &amp; رموز</p>"
        )

        assert text.split("\n") == [
            "الخلفية",
            "بدأت الأزمة منذ عام.",
            "القاهرة",
            "عمان",
            "أولاً",
            "ثانياً",
            "قال",
            "التفاصيل",
            "سطر",
            "آخر",
            "منزل.",
            "الشمس",
            "تعليق",
            "<نص> & رموز",
        ]

    def test_body_text_of_nothing_and_of_hidden_elements(self):
        assert search.body_text(None) == search.body_text("") == ""
        assert search.body_text("<p>نص</p><script>alert(1)</script><style>p{}</style>") == "نص"

    def test_a_heading_and_the_next_paragraph_are_two_words(self):
        story = make_article(headline="خبر", body="<h2>الخلفية</h2><p>بدأت الأزمة</p><h3>التفاصيل</h3><p>وقال</p>")

        for query in ("الخلفية", "بدأت", "الأزمة", "التفاصيل", "قال"):
            assert found(query) == [story], query
        assert found("الخلفيةبدأت") == found("الازمهالتفاصيل") == []

    def test_list_items_do_not_run_together(self):
        story = make_article(headline="خبر", body="<ul><li>القاهرة</li><li>عمان</li></ul><ol><li>بغداد</li></ol>")

        for query in ("القاهرة", "عمان", "بغداد"):
            assert found(query) == [story], query
        assert found("القاهرةعمان") == found("عمانبغداد") == []

    def test_a_quote_is_its_own_words(self):
        story = make_article(headline="خبر", body="<blockquote><p>السلام</p></blockquote><p>الحرب</p>")

        assert found("السلام") == found("الحرب") == [story]

    def test_excerpt_keeps_a_space_between_paragraphs(self):
        body = "<p>" + "كلام تمهيدي طويل " * 20 + "عاد إلى المنزل.</p><p>الشمس مشرقة.</p>"
        excerpt = search.Highlighter.for_query("الشمس").excerpt(search.body_text(body))

        assert "المنزل. <mark>الشمس</mark> مشرقة." in excerpt
        assert "المنزل.الشمس" not in excerpt

    def test_search_page_excerpt_keeps_blocks_apart(self, client):
        make_article(headline="خبر", body="<h2>الخلفية</h2><p>عاد إلى المنزل.</p><p>الشمس مشرقة.</p>")

        page = search_page(client, "الشمس").content.decode()

        assert "الخلفية عاد إلى المنزل. <mark>الشمس</mark> مشرقة." in page
        assert "المنزل.الشمس" not in page and "الخلفيةعاد" not in page


NASTY = [
    "",
    " ",
    '"',
    '"الاسد',
    "'",
    "NEAR(",
    "NEAR(الاسد خبر)",
    "AND",
    "OR NOT",
    "الاسد AND",
    "؟؟",
    "«»،؛",
    "*",
    "الاس*",
    "^الاسد",
    "-الاسد",
    "headline:الاسد",
    "{headline body}: x",
    "(((",
    ")",
    "\\",
    "'; DROP TABLE articles_article; --",
    "!!! & | <-> :*",
    "<script>alert(1)</script>",
    "\u200f\u202e",
    "ـــ",
    "الاسد" * 2500,
    "الاسد " * 2000,
    "و",
    "وال",
    "لل",
    "وبال فلل كال",
    "وبالقدس" * 100,
]


class TestAnyInputGivesAPage:
    @pytest.mark.parametrize("query", NASTY)
    def test_search_function_never_raises(self, query):
        make_article(headline="الأسد يلقي خطاباً")

        found(query)

    @pytest.mark.parametrize("query", NASTY)
    def test_search_page_answers(self, client, query):
        make_article(headline="الأسد يلقي خطاباً")

        response = search_page(client, query)

        assert response.status_code == 200

    def test_nul_character_gives_a_page(self, client):
        # PostgreSQL refuses NUL in text; the tokeniser drops it before any query.
        assert found("الاسد\x00") == []
        assert search_page(client, "\x00").status_code == 200

    def test_query_without_words_touches_no_index(self, client, django_assert_max_num_queries):
        make_article(headline="الأسد")
        with CaptureQueriesContext(connection) as queries:
            response = search_page(client, "؟؟ «» ...")

        assert response.status_code == 200
        assert not [q for q in queries.captured_queries if "MATCH" in q["sql"] or "tsquery" in q["sql"]]
        assert "articles_article" not in " ".join(q["sql"] for q in queries.captured_queries)

    def test_quotes_are_words_not_syntax(self):
        story = make_article(headline="قال «الأسد» إن")

        assert found('"الاسد"') == [story]
        assert found("الاسد OR محمد") == []  # OR is a word the story lacks, not an operator


class TestRanking:
    def test_headline_matches_come_before_body_matches_then_the_newest(self):
        old_headline = make_article(headline="الكرملين يرد", published_at=REFERENCE_TIME - timedelta(days=3))
        new_body = make_article(headline="رد روسي", body="<p>قال الكرملين</p>", published_at=REFERENCE_TIME)
        new_headline = make_article(headline="والكرملين يحذر", published_at=REFERENCE_TIME - timedelta(days=1))
        old_body = make_article(
            headline="تحذير", body="<p>الكرملين</p>", published_at=REFERENCE_TIME - timedelta(days=5)
        )

        assert found("الكرملين") == [new_headline, old_headline, new_body, old_body]

    def test_every_word_must_match(self):
        both = make_article(headline="بوتين في الكرملين")
        make_article(headline="بوتين في بكين")

        assert found("بوتين الكرملين") == [both]


class TestOnlyPublicStories:
    def test_drafts_scheduled_and_unpublished_stories_are_never_found(self, now):
        public = make_article(headline="الكرملين خبر منشور")
        make_article(headline="الكرملين مسودة", publish=False)
        make_article(headline="الكرملين مجدول", published_at=now + timedelta(hours=2))
        services.article_unpublish(article=make_article(headline="الكرملين سحب"))

        assert found("الكرملين") == [public]

    def test_scheduled_story_is_found_once_its_time_comes(self, monkeypatch, now):
        from django.utils import timezone

        story = make_article(headline="الكرملين مجدول", published_at=now + timedelta(hours=2))
        assert found("الكرملين") == []

        monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=3))
        assert found("الكرملين") == [story]

    def test_english_search_finds_only_translated_stories_in_english(self):
        translated = make_article(headline="الكرملين", english={"headline": "The Kremlin answers"})
        arabic_only = make_article(headline="الكرملين وحده")

        assert found("kremlin", "en") == [translated]
        assert found("الكرملين", "en") == []
        assert set(found("الكرملين", "ar")) == {translated, arabic_only}


class TestIndexFollowsEveryWrite:
    def test_create_update_unpublish_and_delete(self):
        story = make_article(headline="الكرملين يرد")
        assert found("الكرملين") == [story]

        story.headline_ar = "موسكو ترد"
        services.article_save(article=story)
        assert found("الكرملين") == [] and found("موسكو") == [story]

        services.article_unpublish(article=story)
        assert found("موسكو") == [] and not SearchDocument.objects.filter(article=story).exists()

        services.article_publish(article=story)
        assert found("موسكو") == [story]

        story.delete()
        assert found("موسكو") == [] and not SearchDocument.objects.exists()

    def test_tags_bylines_and_sources_set_later_are_indexed(self):
        story = make_article(headline="خبر")

        services.article_set_tags(article=story, tags=["الطاقة"])
        services.article_set_bylines(article=story, bylines=[services.BylineInput(text="سامر")])
        services.article_set_sources(article=story, sources=[services.SourceInput(source=make_agency(name="رويترز"))])

        assert found("الطاقة") == found("سامر") == found("رويترز") == [story]

        services.article_set_tags(article=story, tags=[])
        assert found("الطاقة") == []

    def test_adding_an_english_translation_adds_an_english_document(self):
        story = make_article(headline="الكرملين")
        assert found("kremlin", "en") == []

        story.headline_en = "The Kremlin"
        services.article_save(article=story)

        assert found("kremlin", "en") == [story]
        assert set(SearchDocument.objects.filter(article=story).values_list("language", flat=True)) == {"ar", "en"}

    def test_a_rolled_back_write_leaves_the_index_as_it_was(self):
        with pytest.raises(RuntimeError), transaction.atomic():
            make_article(headline="الكرملين لن يبقى")
            assert len(found("الكرملين")) == 1  # visible inside the transaction
            raise RuntimeError

        assert found("الكرملين") == []
        assert not SearchDocument.objects.exists()

    def test_unchanged_story_rewrites_nothing(self):
        story = make_article(headline="الكرملين")
        document = SearchDocument.objects.get(article=story, language="ar")

        with CaptureQueriesContext(connection) as queries:
            search_documents.reindex([story.pk])

        assert not [q for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]
        assert SearchDocument.objects.get(pk=document.pk).headline == document.headline

    def test_admin_tags_and_inlines_are_indexed(self, staff_client):
        section, author, source = make_section(), make_author(name="سامر العلي"), make_agency(name="بلومبيرغ")

        response = staff_client.post(
            reverse("admin:articles_article_add"),
            {
                "headline_ar": "خبر من المحرر",
                "body_ar": "<p>نص.</p>",
                "section": section.pk,
                "tags": "الطاقة النووية، الخليج",
                "desk_action": "publish",
                "bylines-TOTAL_FORMS": "1",
                "bylines-INITIAL_FORMS": "0",
                "bylines-0-position": "0",
                "bylines-0-author": author.pk,
                "cited_sources-TOTAL_FORMS": "1",
                "cited_sources-INITIAL_FORMS": "0",
                "cited_sources-0-position": "0",
                "cited_sources-0-source": source.pk,
                "placements-TOTAL_FORMS": "0",
                "placements-INITIAL_FORMS": "0",
                "corrections-TOTAL_FORMS": "0",
                "corrections-INITIAL_FORMS": "0",
                "_save": "1",
            },
        )

        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
        story = Article.objects.get()
        for query in ("النوويه", "الخليج", "سامر", "بلومبيرغ"):
            assert found(query) == [story], query


class TestSearchPage:
    def test_results_show_marked_headline_and_excerpt_escaped(self, client):
        make_article(
            headline="<b>الأسد</b> يلقي خطاباً",
            body="<p>" + "كلام تمهيدي طويل " * 30 + "ثم تحدث والأسد &lt;script&gt; عن الخطة.</p>",
        )

        page = search_page(client, "الاسد").content.decode()

        assert "<mark>الأسد</mark>" in page
        assert "&lt;b&gt;<mark>الأسد</mark>&lt;/b&gt;" in page
        assert "<mark>والأسد</mark> &lt;script&gt;" in page
        assert "<script>" not in page.split("<main", 1)[1]

    def test_summary_counts_results_in_arabic(self, client):
        make_article(headline="الكرملين")
        make_article(headline="الكرملين مرة أخرى")

        page = search_page(client, "الكرملين").content.decode()

        # Arabic has a dual: two stories are «قصتان», not «2 قصص».
        assert '<p class="search-summary" role="status">قصتان عن «<bdi>الكرملين</bdi>».</p>' in page

    def test_results_paginate_and_keep_the_query(self, client, settings):
        settings.ARTICLES_PER_PAGE = 2
        stories = [
            make_article(headline=f"الكرملين {n}", published_at=REFERENCE_TIME - timedelta(hours=n))
            for n in range(1, 6)
        ]

        first = search_page(client, "الكرملين")
        third = search_page(client, "الكرملين", page="3")

        assert result_headlines(first) == [story.headline for story in stories[:2]]
        assert result_headlines(third) == [story.headline for story in stories[4:]]
        assert "?q=%D8%A7%D9%84%D9%83%D8%B1%D9%85%D9%84%D9%8A%D9%86&amp;page=2" in first.content.decode()
        assert search_page(client, "الكرملين", page="9").status_code == 404

    def test_english_search_page(self, client):
        make_article(headline="الكرملين", english={"headline": "The Kremlin answers", "body": "<p>Moscow said.</p>"})

        response = search_page(client, "moscow", "en")

        assert response.status_code == 200
        page = response.content.decode()
        assert '<html lang="en" dir="ltr">' in page
        assert "The Kremlin answers" in page and "<mark>Moscow</mark>" in page

    def test_search_page_sets_no_cookie_has_no_csrf_form_and_is_not_indexed(self, client):
        make_article(headline="الكرملين")

        response = search_page(client, "الكرملين")

        assert not response.cookies
        page = response.content.decode()
        assert "csrfmiddlewaretoken" not in page
        assert 'method="get"' in page and 'method="post"' not in page
        assert '<meta name="robots" content="noindex, follow">' in page

    def test_language_switch_keeps_the_query(self, client):
        page = search_page(client, "الكرملين").content.decode()

        assert '<a href="/en/search/?q=%D8%A7%D9%84%D9%83%D8%B1%D9%85%D9%84%D9%8A%D9%86" hreflang="en"' in page


def _queries(client, query) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = search_page(client, query)
    assert response.status_code == 200
    return len(queries)


class TestQueryBudget:
    def test_search_page_queries_do_not_grow_with_results(self, client, django_assert_max_num_queries):
        shared = {
            "section": make_section(),
            "authors": [make_author(name="سامر العلي"), make_author()],
            "sources": [make_agency(name="بلومبيرغ"), make_agency(name="NBC News")],
            "credit": make_agency(name="فرانس برس"),
        }
        make_rich_articles(2, **shared)
        search_page(client, "الاقتصاد")  # warm what the site caches between requests (the section menu)
        few = _queries(client, "الاقتصاد")

        make_rich_articles(12, **shared)
        # Count, results (with section and lead image), bylines, section menu.
        with django_assert_max_num_queries(4):
            response = search_page(client, "الاقتصاد")

        assert len(result_headlines(response)) == 12
        assert _queries(client, "الاقتصاد") == few


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgresql_matching_is_served_by_the_gin_index():
    make_article(headline="الكرملين")
    matching, _query = search.postgresql_matching(search.query_terms("الكرملين"))
    sql, params = matching.values("article_id").query.sql_with_params()
    with connection.cursor() as cursor:
        # With so few rows the planner would rather scan the table; forbid that to see what serves the match.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on articles_searchdocument_tsv" in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 is SQLite's")
def test_sqlite_index_stays_consistent_with_the_documents():
    story = make_article(headline="الكرملين")
    services.article_unpublish(article=story)
    services.article_publish(article=story)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}, rank) VALUES ('integrity-check', 1)")
        cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE}")
        assert cursor.fetchone()[0] == SearchDocument.objects.count() == 1
