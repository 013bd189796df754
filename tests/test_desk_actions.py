"""The story form's explicit actions (save draft, send for review, withdraw, publish now, schedule,
unpublish) and its preview links: who sees which button, what each does, what it says."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, PreviewLink
from articles.stories import services

from .conftest import REFERENCE_TIME
from .factories import make_article, make_image, make_section
from .test_admin import form_data
from .test_permissions import admin_url, logged_in, newsroom_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return newsroom_user("editor")


@pytest.fixture
def journalist(db):
    return newsroom_user("journalist")


def buttons(response) -> list[str]:
    return re.findall(r'name="desk_action" value="(\w+)"', response.content.decode())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def own_draft(journalist, headline="مسودة الصحفي"):
    return services.article_create(headline=headline, section=make_section(), by=journalist)


# --- Which buttons each role sees --------------------------------------------------------------


def test_a_journalist_sees_save_draft_and_send_for_review_only(journalist, now):
    story = own_draft(journalist)

    response = logged_in(journalist).get(admin_url("article_change", story.pk))

    assert buttons(response) == ["draft", "review"]
    page = response.content.decode()
    assert "حفظ المسودة" in page and "إرسال للمراجعة" in page
    assert "انشر الآن" not in page
    assert 'name="status"' not in page


def test_an_editor_sees_publish_and_schedule_on_a_draft_and_unpublish_on_a_public_story(editor, now):
    draft = make_article(publish=False)
    public = make_article(headline="خبر منشور")
    client = logged_in(editor)

    assert buttons(client.get(admin_url("article_change", draft.pk))) == ["draft", "review", "publish", "schedule"]
    assert buttons(client.get(admin_url("article_change", public.pk))) == ["save", "unpublish"]
    assert buttons(client.get(admin_url("article_add"))) == ["draft", "review", "publish", "schedule"]


# --- What each does and says -----------------------------------------------------------------


def test_send_for_review_then_withdraw_to_fix_a_typo(journalist, now):
    story = own_draft(journalist, headline="خبر فيه خطأ مطبعي")
    client = logged_in(journalist)
    url = admin_url("article_change", story.pk)

    sent = client.post(url, {**form_data(client.get(url)), "desk_action": "review"}, follow=True)

    assert Article.objects.get(pk=story.pk).status == Article.Status.REVIEW
    assert messages_of(sent) == [
        "أُرسلت القصة «خبر فيه خطأ مطبعي» إلى المراجعة وهي الآن بين أيدي المحررين. لتعديلها اسحبها من المراجعة."
    ]
    page = sent.content.decode()
    assert "يمكنك تعديله مجدداً أدناه" not in page
    assert buttons(sent) == []  # read-only now
    assert 'form="withdraw-form"' in page and "سحب من المراجعة" in page

    withdrawn = client.post(admin_url("article_withdraw", story.pk), follow=True)

    assert Article.objects.get(pk=story.pk).status == Article.Status.DRAFT
    assert messages_of(withdrawn) == ["سُحبت القصة «خبر فيه خطأ مطبعي» من المراجعة وعادت مسودة: يمكنك تعديلها."]
    assert buttons(withdrawn) == ["draft", "review"]
    data = form_data(client.get(url))
    data |= {"headline_ar": "خبر بلا خطأ مطبعي", "desk_action": "draft"}
    saved = client.post(url, data, follow=True)
    assert Article.objects.get(pk=story.pk).headline_ar == "خبر بلا خطأ مطبعي"
    assert messages_of(saved) == ["حُفظت مسودة «خبر بلا خطأ مطبعي»."]


def test_another_journalist_cannot_withdraw_a_story_from_review(journalist, now):
    story = own_draft(journalist)
    services.article_send_for_review(article=story, by=journalist)
    colleague = newsroom_user("journalist", username="colleague")

    response = logged_in(colleague).post(admin_url("article_withdraw", story.pk))

    assert response.status_code == 403
    assert Article.objects.get(pk=story.pk).status == Article.Status.REVIEW


def test_publish_now_schedule_and_unpublish_from_the_form(editor, now):
    story = make_article(publish=False, headline="خبر المحرر")
    client = logged_in(editor)
    url = admin_url("article_change", story.pk)

    refused = client.post(url, {**form_data(client.get(url)), "desk_action": "schedule"})
    assert refused.status_code == 200
    assert "اختر وقتاً للنشر في المستقبل" in refused.content.decode()

    later = timezone.localtime(REFERENCE_TIME + timedelta(days=1))
    data = {
        **form_data(client.get(url)),
        "desk_action": "schedule",
        "published_at_0": f"{later:%Y-%m-%d}",
        "published_at_1": f"{later:%H:%M:%S}",
    }
    scheduled = client.post(url, data, follow=True)
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED and not story.is_public
    assert messages_of(scheduled)[0].startswith("جُدولت القصة «خبر المحرر» للنشر في ")
    assert "مجدولة للنشر في" in scheduled.content.decode()

    published = client.post(url, {**form_data(client.get(url)), "desk_action": "publish"}, follow=True)
    story.refresh_from_db()
    assert story.is_public and story.published_at == now
    assert messages_of(published) == ["نُشرت القصة «خبر المحرر» ويراها القرّاء الآن."]

    unpublished = client.post(url, {**form_data(client.get(url)), "desk_action": "unpublish"}, follow=True)
    assert Article.objects.get(pk=story.pk).status == Article.Status.UNPUBLISHED
    assert messages_of(unpublished) == ["أُلغي نشر القصة «خبر المحرر»: لم يعد القرّاء يرونها، وأُبطلت روابط معاينتها."]


def test_a_journalist_cannot_forge_publish(journalist, now):
    story = own_draft(journalist)
    client = logged_in(journalist)
    url = admin_url("article_change", story.pk)

    response = client.post(url, {**form_data(client.get(url)), "desk_action": "publish"})

    assert response.status_code == 200
    assert "لا يمكنك القيام بهذا" in response.content.decode()
    assert Article.objects.get(pk=story.pk).status == Article.Status.DRAFT


# --- Preview links ------------------------------------------------------------------------------


def _create_link(client, story) -> str:
    response = client.post(admin_url("article_share", story.pk), follow=True)
    assert response.status_code == 200
    link = story.preview_links.order_by("-pk").first()
    return reverse("articles:shared-preview", kwargs={"token": link.token})


def test_the_author_shares_a_preview_and_the_link_is_listed_on_the_story(journalist, client, now):
    story = own_draft(journalist, headline="تحقيق الصحفي")
    author = logged_in(journalist)

    link = _create_link(author, story)

    assert client.get(link).status_code == 200
    page = author.get(admin_url("article_change", story.pk)).content.decode()
    assert link in page
    assert 'form="revoke-share-form"' in page


def test_another_journalist_can_neither_share_nor_see_the_links(journalist, now):
    story = own_draft(journalist)
    colleague = logged_in(newsroom_user("journalist", username="colleague"))

    assert colleague.post(admin_url("article_share", story.pk)).status_code == 403
    assert not PreviewLink.objects.exists()


def test_a_revoked_link_shows_nothing_and_others_still_work(editor, client, now):
    story = make_article(publish=False, headline="مسودة تحت المراجعة")
    staff = logged_in(editor)
    first, second = _create_link(staff, story), _create_link(staff, story)
    revoked = story.preview_links.get(token=first.rstrip("/").rsplit("/", 1)[1])

    response = staff.post(admin_url("article_revoke_share", story.pk), {"link": revoked.pk}, follow=True)

    assert messages_of(response) == ["أُبطل رابط المعاينة: لم يعد يعرض شيئاً."]
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    page = response.content.decode()
    assert second in page and first not in page


def test_unpublishing_revokes_every_preview_link(editor, client, now):
    story = make_article(publish=False, headline="خبر سيُسحب")
    staff = logged_in(editor)
    link = _create_link(staff, story)
    services.article_publish(article=Article.objects.get(pk=story.pk), by=editor)
    assert client.get(link).status_code == 200

    url = admin_url("article_change", story.pk)
    staff.post(url, {**form_data(staff.get(url)), "desk_action": "unpublish"})

    assert client.get(link).status_code == 404
    # Saved as a draft again, the story's old link still shows nothing: a new one is needed.
    services.article_save_draft(article=Article.objects.get(pk=story.pk), by=editor)
    assert client.get(link).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# The story form's queries for an editor, whatever the number of preview links listed on it.
STORY_FORM_BUDGET = 20


def test_the_story_form_stays_within_its_query_budget_with_preview_links(editor, now, django_assert_max_num_queries):
    story = make_article(publish=False)
    staff = logged_in(editor)
    url = admin_url("article_change", story.pk)
    _create_link(staff, story)
    staff.get(url)
    few = _queries(staff, url)
    for _ in range(5):
        _create_link(staff, story)

    with django_assert_max_num_queries(STORY_FORM_BUDGET):
        page = staff.get(url).content.decode()

    assert page.count('form="revoke-share-form"') == 6
    assert _queries(staff, url) == few


# --- The lead photo's card -----------------------------------------------------------------------


def test_the_photo_card_says_what_a_picked_photo_lacks(journalist, now):
    complete = make_image(caption="صورة مكتملة")
    bare = make_image(credit=None, alt_text="", caption="صورة ناقصة")
    client = logged_in(journalist)

    shown = client.get(admin_url("article_photo_card"), {"id": complete.pk}).json()
    lacking = client.get(admin_url("article_photo_card"), {"id": bare.pk}).json()

    assert shown["credit"] == f"المصدر: {complete.credit}" and shown["alt"].startswith("النص البديل: ")
    assert shown["flags"] == ""
    assert lacking["credit"] == lacking["alt"] == ""
    assert "بلا حقوق" in lacking["flags"] and "بلا نص بديل" in lacking["flags"]
    assert client.get(admin_url("article_photo_card"), {"id": "x"}).status_code == 404


def test_the_photo_card_is_for_the_newsroom_only(db, client, now):
    photo = make_image()
    outsider = newsroom_user("staff", username="outsider")

    assert logged_in(outsider).get(admin_url("article_photo_card"), {"id": photo.pk}).status_code == 403
    assert client.get(admin_url("article_photo_card"), {"id": photo.pk}).status_code == 302  # to the login


def test_the_list_s_unpublish_action_revokes_preview_links_too(editor, client, now):
    story = make_article(headline="خبر منشور له رابط")
    staff = logged_in(editor)
    link = _create_link(staff, story)
    assert client.get(link).status_code == 200

    staff.post(
        admin_url("article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [story.pk], "index": "0"},
    )

    assert Article.objects.get(pk=story.pk).status == Article.Status.UNPUBLISHED
    assert client.get(link).status_code == 404
    assert not PreviewLink.objects.filter(revoked_at__isnull=True).exists()
