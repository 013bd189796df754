"""Live coverage: updates newest first, a pinned key update, paging by key, the script's JSON, the
feed, structured data, review rules and the seam."""

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from articles.live import services as live
from articles.live.models import LiveUpdate
from articles.site.live import UPDATES_PER_PAGE, live_url
from articles.stories import services

from .conftest import REFERENCE_TIME
from .factories import make_article, make_image
from .test_permissions import newsroom_user
from .test_views import html_of

pytestmark = pytest.mark.django_db


def commit(write, *args, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return write(*args, **kwargs)


@pytest.fixture
def editor():
    return newsroom_user("editor")


@pytest.fixture
def journalist():
    return newsroom_user("journalist")


@pytest.fixture
def coverage(now, editor):
    story = make_article(headline="زلزال في الشمال: تغطية مباشرة", body="<p>ضرب زلزال قوي المنطقة الشمالية.</p>")
    return live.live_start(article=story, by=editor)


def shown_updates(response) -> list[str]:
    return re.findall(r'<article class="live-update[^"]*" id="update-(\d+)"', html_of(response))


def add_many(coverage, count, by, monkeypatch):
    made = []
    for n in range(count):
        moment = REFERENCE_TIME + timedelta(minutes=n)
        monkeypatch.setattr("django.utils.timezone.now", lambda moment=moment: moment)
        made.append(live.live_add_update(coverage=coverage, text=f"تحديث رقم {n}", by=by))
    return made


class TestUpdates:
    def test_updates_show_newest_first_with_time_author_and_anchor(self, client, coverage, editor, monkeypatch):
        made = add_many(coverage, 3, editor, monkeypatch)
        response = client.get(live_url(coverage.article))
        assert response.status_code == 200
        assert shown_updates(response) == [str(u.pk) for u in reversed(made)]
        page = html_of(response)
        assert "خالد منصور" in page
        assert "تحديث رقم 2" in page
        assert (
            f'href="{reverse("articles:live-update", kwargs={"slug": coverage.article.slug, "pk": made[0].pk})}"'
            in page
        )
        # The lead text is the story itself.
        assert "ضرب زلزال قوي المنطقة الشمالية." in page

    def test_text_is_sanitised(self, client, coverage, editor):
        live.live_add_update(
            coverage=coverage, text="<p>نص</p><script>alert(1)</script><img src=x onerror=alert(1)>", by=editor
        )
        page = html_of(client.get(live_url(coverage.article)))
        assert "<script>alert" not in page and "onerror" not in page

    def test_plain_text_becomes_paragraphs_escaped(self, coverage, editor):
        update = live.live_add_update(coverage=coverage, text="سطر أول\n\nسطر <b>ثان</b>", by=editor)
        assert update.body.count("<p>") == 2 and "&lt;b&gt;" in update.body

    def test_pinned_update_tops_the_page(self, client, coverage, editor, monkeypatch):
        made = add_many(coverage, 3, editor, monkeypatch)
        live.live_pin(update=made[0], by=editor)
        page = html_of(client.get(live_url(coverage.article)))
        assert page.index(f'id="key-update-{made[0].pk}"') < page.index(f'id="update-{made[2].pk}"')
        live.live_pin(update=made[1], by=editor)
        assert LiveUpdate.objects.filter(coverage=coverage, is_pinned=True).get() == made[1]

    def test_breaking_mark_shows(self, client, coverage, editor):
        live.live_add_update(coverage=coverage, text="انهيار مبنى", is_breaking=True, by=editor)
        assert "live-update--breaking" in html_of(client.get(live_url(coverage.article)))

    def test_photo_without_credit_is_refused(self, coverage, editor):
        with pytest.raises(ValidationError):
            live.live_add_update(coverage=coverage, text="صورة", photo=make_image(credit=None), by=editor)

    def test_photo_with_credit_shows_with_its_credit(self, client, coverage, editor):
        live.live_add_update(coverage=coverage, text="صورة", photo=make_image(), by=editor)
        page = html_of(client.get(live_url(coverage.article)))
        assert 'class="credit"' in page

    def test_unpublished_story_hides_its_live_page(self, client, coverage, editor):
        services.article_unpublish(article=coverage.article)
        assert client.get(live_url(coverage.article)).status_code == 404


class TestReview:
    def test_journalist_update_waits_for_review(self, client, coverage, journalist):
        update = live.live_add_update(coverage=coverage, text="من الميدان", by=journalist)
        assert update.status == LiveUpdate.Status.REVIEW
        assert "من الميدان" not in html_of(client.get(live_url(coverage.article)))

    def test_editor_publishes_it(self, client, coverage, journalist, editor):
        update = live.live_add_update(coverage=coverage, text="من الميدان", by=journalist)
        live.live_publish_update(update=update, by=editor)
        assert "من الميدان" in html_of(client.get(live_url(coverage.article)))

    def test_live_rights_publish_at_once(self, client, coverage, journalist, editor):
        live.live_grant(coverage=coverage, user=journalist, by=editor)
        update = live.live_add_update(coverage=coverage, text="مباشرة", by=journalist)
        assert update.status == LiveUpdate.Status.PUBLISHED

    def test_journalist_cannot_pin_or_end(self, coverage, journalist, editor):
        update = live.live_add_update(coverage=coverage, text="نص", by=editor)
        with pytest.raises(PermissionDenied):
            live.live_pin(update=update, by=journalist)
        with pytest.raises(PermissionDenied):
            live.live_end(coverage=coverage, by=journalist)


class TestPaging:
    def test_a_thousand_updates_page_by_key_in_constant_queries(
        self, client, coverage, editor, django_assert_max_num_queries
    ):
        start = REFERENCE_TIME - timedelta(days=1)
        LiveUpdate.objects.bulk_create(
            LiveUpdate(
                coverage=coverage,
                body=f"<p>تحديث {n}</p>",
                status=LiveUpdate.Status.PUBLISHED,
                published_at=start + timedelta(seconds=n),
                author_name="خالد منصور",
            )
            for n in range(1000)
        )
        address = live_url(coverage.article)
        client.get(address)  # the menu and the breaking line are cached after the first page
        with django_assert_max_num_queries(6):
            first = client.get(address)
        ids = shown_updates(first)
        assert len(ids) == UPDATES_PER_PAGE
        older = re.search(r'href="\?before=(\d+)" rel="next"', html_of(first)).group(1)
        assert older == ids[-1]
        # Deep in the archive, the same cost.
        deep = LiveUpdate.objects.order_by("published_at")[30]
        with django_assert_max_num_queries(6):
            response = client.get(f"{address}?before={deep.pk}")
        assert len(shown_updates(response)) == 20
        assert int(shown_updates(response)[0]) < deep.pk

    def test_permanent_link_leads_to_the_page_with_the_update(self, client, coverage, editor, monkeypatch):
        made = add_many(coverage, UPDATES_PER_PAGE + 5, editor, monkeypatch)
        target = made[2]
        response = client.get(reverse("articles:live-update", kwargs={"slug": coverage.article.slug, "pk": target.pk}))
        assert response.status_code == 302
        assert response["Location"].endswith(f"#update-{target.pk}")
        page = client.get(response["Location"].split("#")[0])
        assert str(target.pk) in shown_updates(page)

    def test_unknown_key_is_a_404(self, client, coverage):
        assert client.get(live_url(coverage.article) + "?before=999999").status_code == 404


class TestSince:
    def test_script_gets_only_what_is_newer(self, client, coverage, editor, monkeypatch):
        made = add_many(coverage, 3, editor, monkeypatch)
        url = reverse("articles:live-since", kwargs={"slug": coverage.article.slug, "pk": made[0].pk})
        data = client.get(url).json()
        assert [u["id"] for u in data["updates"]] == [made[1].pk, made[2].pk]
        assert "تحديث رقم 2" in data["updates"][-1]["html"]
        assert data["live"] is True

    def test_since_answer_is_cached_and_refreshed_by_a_new_update(
        self, client, coverage, editor, settings, django_assert_num_queries
    ):
        settings.PAGE_CACHE_SECONDS = 600
        first = commit(live.live_add_update, coverage=coverage, text="أول", by=editor)
        url = reverse("articles:live-since", kwargs={"slug": coverage.article.slug, "pk": first.pk})
        assert client.get(url).json()["updates"] == []
        with django_assert_num_queries(0):
            assert client.get(url).json()["updates"] == []
        second = commit(live.live_add_update, coverage=coverage, text="ثان", by=editor)
        assert [u["id"] for u in client.get(url).json()["updates"]] == [second.pk]

    def test_new_update_refreshes_the_story_and_its_lists_only(self, client, coverage, editor, settings):
        settings.PAGE_CACHE_SECONDS = 600
        other = make_article(headline="خبر آخر")
        client.get(other.get_absolute_url())
        client.get(live_url(coverage.article))
        commit(live.live_add_update, coverage=coverage, text="جديد", by=editor)
        assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"
        response = client.get(live_url(coverage.article))
        assert response["X-Page-Cache"] == "miss" and "جديد" in html_of(response)


class TestArchiveFeedAndData:
    def test_ended_coverage_reads_as_archive_without_polling(self, client, coverage, editor):
        live.live_add_update(coverage=coverage, text="أول", by=editor)
        live.live_end(coverage=coverage, by=editor)
        page = html_of(client.get(live_url(coverage.article)))
        assert "data-since" not in page and "live.js" not in page
        assert "انتهت التغطية" in page
        with pytest.raises(ValidationError):
            live.live_add_update(coverage=coverage, text="بعد النهاية", by=editor)

    def test_json_ld_is_a_live_blog_posting(self, client, coverage, editor):
        update = live.live_add_update(coverage=coverage, text="أول </script> تحديث", by=editor)
        live.live_end(coverage=coverage, by=editor)
        page = html_of(client.get(live_url(coverage.article)))
        raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
        data = json.loads(raw)
        assert data["@type"] == "LiveBlogPosting"
        assert data["coverageStartTime"] and data["coverageEndTime"]
        assert data["liveBlogUpdate"][0]["url"].endswith(f"#update-{update.pk}")
        assert data["publisher"]["name"] == "صحيفة" and data["publisher"]["logo"]["url"].endswith(".png")

    def test_feed_lists_updates(self, client, coverage, editor, monkeypatch):
        add_many(coverage, 2, editor, monkeypatch)
        response = client.get(reverse("articles:live-feed", kwargs={"slug": coverage.article.slug}))
        body = response.content.decode()
        assert response.status_code == 200 and body.count("<item>") == 2 and "تحديث رقم 1" in body

    def test_story_page_links_to_the_live_page(self, client, coverage):
        page = html_of(client.get(coverage.article.get_absolute_url()))
        assert f'href="{live_url(coverage.article)}"' in page


class TestDesk:
    def test_quick_form_posts_an_update(self, client, coverage, editor):
        client.force_login(editor)
        change = reverse("admin:articles_livecoverage_change", args=[coverage.pk])
        page = client.get(change).content.decode()
        assert 'name="text"' in page
        response = client.post(
            reverse("admin:articles_livecoverage_add_update", args=[coverage.pk]), {"text": "من المكتب"}
        )
        assert response.status_code == 302
        client.logout()
        assert "من المكتب" in html_of(client.get(live_url(coverage.article)))

    def test_changelist_query_budget(self, client, coverage, editor, django_assert_max_num_queries):
        client.force_login(editor)
        for _n in range(5):
            live.live_start(article=make_article(), by=editor)
        with django_assert_max_num_queries(10):
            assert client.get(reverse("admin:articles_livecoverage_changelist")).status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get(reverse("admin:articles_liveupdate_changelist")).status_code == 200


class TestDeskForms:
    def test_editor_starts_coverage_from_the_add_form(self, client, now, editor):
        story = make_article(headline="انتخابات: تغطية مباشرة")
        client.force_login(editor)
        response = client.post(reverse("admin:articles_livecoverage_add"), {"article": story.pk})
        assert response.status_code == 302
        client.logout()
        assert client.get(live_url(story)).status_code == 200

    def test_update_with_an_uncredited_photo_is_refused_in_arabic(self, client, coverage, editor):
        client.force_login(editor)
        photo = make_image(credit=None)
        response = client.post(
            reverse("admin:articles_liveupdate_add"),
            {"coverage": coverage.pk, "body": "<p>صورة من الموقع</p>", "photo": photo.pk},
        )
        assert response.status_code == 200
        assert not LiveUpdate.objects.exists()
        assert "errorlist" in response.content.decode()

    def test_update_with_a_credited_photo_is_published_by_an_editor(self, client, coverage, editor):
        client.force_login(editor)
        photo = make_image()
        response = client.post(
            reverse("admin:articles_liveupdate_add"),
            {"coverage": coverage.pk, "body": "<p>صورة من الموقع</p>", "photo": photo.pk, "is_breaking": "on"},
        )
        assert response.status_code == 302
        update = LiveUpdate.objects.get()
        assert update.photo == photo and update.is_breaking and update.status == LiveUpdate.Status.PUBLISHED


class TestCaches:
    def test_the_scripts_answer_is_kept_only_seconds(self, client, coverage, editor, settings):
        settings.PAGE_CACHE_SECONDS = 600
        first = live.live_add_update(coverage=coverage, text="أول", by=editor)
        url = reverse("articles:live-since", kwargs={"slug": coverage.article.slug, "pk": first.pk})
        for _n in range(2):  # built, then served from the page cache with the same headers
            response = client.get(url)
            assert "max-age=15" in response["Cache-Control"] and "s-maxage=15" in response["Cache-Control"]

    def test_a_new_update_purges_the_live_page_from_the_cdn(self, coverage, editor, settings):
        from .test_changes import RecordingPurge

        settings.CDN_PURGE_BACKEND = "tests.test_changes.RecordingPurge"
        settings.CDN_PURGE_OPTIONS = {}
        RecordingPurge.purged = []
        commit(live.live_add_update, coverage=coverage, text="جديد", by=editor)
        purged = set(RecordingPurge.purged)
        assert live_url(coverage.article) in purged
        assert reverse("articles:live-feed", kwargs={"slug": coverage.article.slug}) in purged


def test_feed_and_script_answer_query_budgets(client, coverage, editor, monkeypatch, django_assert_max_num_queries):
    made = add_many(coverage, 25, editor, monkeypatch)
    feed = reverse("articles:live-feed", kwargs={"slug": coverage.article.slug})
    since = reverse("articles:live-since", kwargs={"slug": coverage.article.slug, "pk": made[0].pk})
    with django_assert_max_num_queries(3):
        assert client.get(feed).status_code == 200
    with django_assert_max_num_queries(4):
        assert len(client.get(since).json()["updates"]) == 24


def test_english_live_page_marks_arabic_updates(client, now, editor):
    story = make_article(headline="زلزال", english={"headline": "Earthquake: live"})
    coverage = live.live_start(article=story, by=editor)
    live.live_add_update(coverage=coverage, text="وصول فرق الإنقاذ", by=editor)
    live.live_add_update(coverage=coverage, text="Rescue teams arrive", by=editor)
    with translation.override("en"):
        address = live_url(story)
    page = html_of(client.get(address))
    assert '<div class="live-update__body" lang="ar" dir="rtl"><p>وصول فرق الإنقاذ</p>' in page
    assert '<div class="live-update__body"><p>Rescue teams arrive</p>' in page
