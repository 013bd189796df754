"""Story bodies are sanitised on write: whatever is sent, only the allow-list is stored and shown."""

import re

import pytest
from django.urls import reverse

from articles.models import Article
from articles.stories import services
from articles.stories.sanitize import sanitize_html

from .factories import make_article, make_section

HOSTILE = {
    "script": '<p>قبل</p><script>alert("xss")</script><p>بعد</p>',
    "onerror": '<p>صورة <img src="x" onerror="alert(1)"></p>',
    "javascript link": '<p><a href="javascript:alert(1)">اضغط هنا</a></p>',
    "entity-encoded javascript link": '<p><a href="&#106;avascript:alert(1)">اضغط</a></p>',
    "style attribute": '<p style="position:fixed;top:0">نص</p>',
    "style element": "<style>body{display:none}</style><p>نص</p>",
    "img": '<p><img src="https://tracker.example/pixel.gif"></p>',
    "iframe": '<iframe src="https://evil.example/"></iframe><p>نص</p>',
    "data link": '<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">رابط</a></p>',
    "event handler on allowed tag": '<p onclick="alert(1)">نص</p>',
}

# What must never survive, in any form, for each hostile body.
FORBIDDEN = re.compile(
    r"<script|alert|onerror|onclick|javascript:|<img|<iframe|data:|style|display:none|position:fixed", re.I
)


def _body_on_page(html: str) -> str:
    match = re.search(r'<div class="article__body">(.*?)</div>', html, re.S)
    assert match, "the article page should have a body"
    return match.group(1)


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_sanitiser_removes_hostile_markup(hostile):
    assert not FORBIDDEN.search(sanitize_html(hostile))


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_body_is_neither_stored_nor_shown(client, hostile):
    story = make_article(body=hostile)

    stored = Article.objects.values_list("body_ar", flat=True).get(pk=story.pk)
    page = client.get(story.get_absolute_url())

    assert not FORBIDDEN.search(stored)
    assert page.status_code == 200
    assert not FORBIDDEN.search(_body_on_page(page.content.decode()))


@pytest.mark.django_db
def test_saving_the_model_directly_sanitises_every_language(client):
    story = make_article(english={"headline": "Sanctions", "body": "<p>Text</p>"})
    story.body_ar = HOSTILE["script"]
    story.body_en = HOSTILE["onerror"]

    story.save()

    story.refresh_from_db()
    assert story.body_ar == "<p>قبل</p><p>بعد</p>"
    assert not FORBIDDEN.search(story.body_en)
    assert "صورة" in story.body_en


@pytest.mark.django_db
def test_article_save_service_sanitises():
    story = make_article()
    story.body_ar = HOSTILE["javascript link"]

    services.article_save(article=story)

    story.refresh_from_db()
    assert story.body_ar == '<p><a rel="noopener">اضغط هنا</a></p>'


@pytest.mark.django_db
def test_admin_post_is_sanitised(staff_client):
    section = make_section()
    body = "".join(HOSTILE.values())

    response = staff_client.post(
        reverse("admin:articles_article_add"),
        {
            "headline_ar": "خبر بنص مشبوه",
            "body_ar": body,
            "section": section.pk,
            "desk_action": "draft",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "cited_sources-TOTAL_FORMS": "0",
            "cited_sources-INITIAL_FORMS": "0",
            "placements-TOTAL_FORMS": "0",
            "placements-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    stored = Article.objects.get().body_ar
    assert not FORBIDDEN.search(stored)
    assert "قبل" in stored and "بعد" in stored


def test_allowed_markup_is_kept():
    html = (
        "<p>فقرة <strong>مهمة</strong> و<em>مائلة</em></p>"
        "<h2>التفاصيل</h2><h3>خلفية</h3>"
        "<blockquote>إعادة الإعمار ليست مباني فقط</blockquote>"
        "<ul><li>أولاً</li></ul><ol><li>ثانياً</li></ol>"
    )

    assert sanitize_html(html) == html


@pytest.mark.parametrize(
    "href", ["https://www.reuters.com/world/", "http://example.com/a?b=1", "mailto:desk@sahifa.example"]
)
def test_safe_links_are_kept_with_noopener(href):
    cleaned = sanitize_html(f'<p><a href="{href}" target="_blank" rel="nofollow">المصدر</a></p>')

    assert cleaned == f'<p><a href="{href.replace("&", "&amp;")}" rel="noopener">المصدر</a></p>'


def test_headings_outside_the_allow_list_are_unwrapped_not_lost():
    cleaned = sanitize_html("<h1>عنوان</h1><h4>فرعي</h4><div><span>نص</span></div>")

    assert "<h1" not in cleaned and "<h4" not in cleaned and "<div" not in cleaned and "<span" not in cleaned
    for text in ("عنوان", "فرعي", "نص"):
        assert text in cleaned


@pytest.mark.parametrize("empty", ["", None, "<p></p>", "<p><br></p>", "  <script>x</script>  "])
def test_empty_editor_content_is_stored_empty(empty):
    assert sanitize_html(empty) == ""


def test_removed_line_breaks_and_cells_keep_the_words_apart():
    from articles.stories.sanitize import sanitize_html

    cleaned = sanitize_html(
        "<p>أخرى<br>سطر</p><div>خلية</div><div>ثانية</div><table><tr><td>أ</td><td>ب</td></tr></table>"
    )

    assert "أخرى سطر" in cleaned and "خلية ثانية" in cleaned and "أ ب" in cleaned
