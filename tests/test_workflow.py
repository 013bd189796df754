"""The editorial workflow: scheduling on every public path, embargo, corrections, no lost
edits (conflicts, presence, expired sessions), preview links, the desk and login throttling."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from articles.models import Article, Correction
from articles.stories import services

from .conftest import REFERENCE_TIME
from .factories import make_agency, make_article, make_author, make_image, make_section
from .test_admin import form_data, form_fields
from .test_permissions import PASSWORD, admin_url, database_state, logged_in, newsroom_user, story_form

pytestmark = pytest.mark.django_db

EMBARGO_MESSAGE = "القصة محظورة النشر: لا يمكن نشرها قبل انتهاء الحظر."


@pytest.fixture(autouse=True)
def _static_files_looked_up_per_request(settings):
    # Each test client builds its own middleware; WhiteNoise would index every static file each time.
    settings.WHITENOISE_AUTOREFRESH = True


class Clock:
    """timezone.now() for the code under test; the test moves it."""

    def __init__(self, moment):
        self.moment = moment

    def set(self, moment):
        self.moment = moment

    def now(self):
        return self.moment.astimezone(UTC)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(REFERENCE_TIME)
    monkeypatch.setattr(timezone, "now", clock.now)
    return clock


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a write and what it schedules for after its commit (the test's transaction never commits)."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


@pytest.fixture
def editor(db):
    return newsroom_user("editor")


@pytest.fixture
def journalist(db):
    return newsroom_user("journalist")


# --- Scheduling: a story appears on every public path exactly at its time ----------------

PUBLISH_AT = REFERENCE_TIME + timedelta(hours=2)
SEARCH_WORD = "الزيتون"


def _tag(story):
    return story.tags.get()


# name: (language, address of the page for the story, what shows the story on that page)
PUBLIC_PATHS = {
    "home": ("ar", lambda s: reverse("articles:home"), "story"),
    "section": ("ar", lambda s: s.section.get_absolute_url(), "story"),
    "tag": ("ar", lambda s: _tag(s).get_absolute_url(), "story"),
    "source": ("ar", lambda s: s.cited_sources.get().source.get_absolute_url(), "story"),
    "author": ("ar", lambda s: s.bylines.get().author.get_absolute_url(), "story"),
    "story page": ("ar", lambda s: s.get_absolute_url(), "story"),
    "home (en)": ("en", lambda s: reverse("articles:home"), "story"),
    "story page (en)": ("en", lambda s: s.get_absolute_url(), "story"),
    "search": ("ar", lambda s: f"{reverse('articles:search')}?q={SEARCH_WORD}", "story"),
    "feed": ("ar", lambda s: reverse("articles:feed"), "story"),
    "feed (en)": ("en", lambda s: reverse("articles:feed"), "story"),
    "section feed": ("ar", lambda s: reverse("articles:section-feed", kwargs={"slug": s.section.slug}), "story"),
    "tag feed": ("ar", lambda s: reverse("articles:tag-feed", kwargs={"slug": _tag(s).slug}), "story"),
    "source feed": (
        "ar",
        lambda s: reverse("articles:source-feed", kwargs={"slug": s.cited_sources.get().source.slug}),
        "story",
    ),
    "author feed": (
        "ar",
        lambda s: reverse("articles:author-feed", kwargs={"slug": s.bylines.get().author.slug}),
        "story",
    ),
    "sitemap": ("ar", lambda s: reverse("django.contrib.sitemaps.views.sitemap", kwargs={"section": "news"}), "story"),
    "tag sitemap": (
        "ar",
        lambda s: reverse("django.contrib.sitemaps.views.sitemap", kwargs={"section": "tags"}),
        "tag",
    ),
    "news sitemap": ("ar", lambda s: reverse("news-sitemap"), "story"),
    "ninjs feed": ("ar", lambda s: reverse("articles:ninjs-feed"), "story"),
    "ninjs story": ("ar", lambda s: reverse("articles:article-ninjs", kwargs={"pk": s.pk}), "story"),
}


def _shows(client, story, language, address, marker) -> bool:
    """Whether the page at ``address`` lists or shows ``story`` (a 404 shows nothing)."""
    with translation.override(language):
        url = address(story)
        if marker == "tag":
            markers = [_tag(story).get_absolute_url()]
        else:
            markers = [story.get_absolute_url(), getattr(story, f"headline_{language}")]
    response = client.get(url)
    if response.status_code == 404:
        return False
    assert response.status_code == 200, (url, response.status_code)
    content = unescape(response.content.decode())
    return any(marker in content for marker in markers)


@pytest.fixture
def scheduled(clock, commit, editor):
    """A translated story with a tag, an author and a source, scheduled by an editor for PUBLISH_AT."""
    story = make_article(
        headline=f"مهرجان {SEARCH_WORD} يفتتح في جرش",
        publish=False,
        tags=["مهرجان الزيتون"],
        bylines=[make_author(name="منى الشريف", name_en="Mona Al-Sharif")],
        sources=[make_agency(name="بترا", name_en="Petra")],
        english={"headline": "Olive festival opens in Jerash"},
    )
    commit(services.article_publish, article=story, by=editor, at=PUBLISH_AT)
    return story


@pytest.mark.parametrize("page_cache", [False, True], ids=["uncached", "page cache on"])
@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_scheduled_story_appears_exactly_at_its_time_and_leaves_when_unpublished(
    path, page_cache, settings, client, clock, commit, editor, scheduled
):
    if page_cache:
        settings.PAGE_CACHE_SECONDS = 600
    language, address, marker = PUBLIC_PATHS[path]
    try:
        with translation.override(language):
            address(scheduled)
    except NoReverseMatch:
        pytest.skip(f"{path} does not exist (yet)")

    clock.set(PUBLISH_AT - timedelta(seconds=1))
    assert not _shows(client, scheduled, language, address, marker), "visible one second early"

    clock.set(PUBLISH_AT)
    assert _shows(client, scheduled, language, address, marker), "not visible at its time"

    clock.set(PUBLISH_AT + timedelta(minutes=5))
    commit(services.article_unpublish, article=Article.objects.get(pk=scheduled.pk), by=editor)
    assert not _shows(client, scheduled, language, address, marker), "still visible after unpublishing"


def test_staff_preview_a_scheduled_story_on_its_page_with_a_banner(clock, scheduled, editor):
    clock.set(PUBLISH_AT - timedelta(minutes=1))

    response = logged_in(editor).get(scheduled.get_absolute_url())

    assert response.status_code == 200
    assert 'class="draft-banner"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


# --- Embargo: nobody publishes before it ends ---------------------------------------------


@pytest.fixture
def embargoed(editor, now):
    story = make_article(headline="نتائج الامتحانات العامة", publish=False)
    story.embargo_until = now + timedelta(hours=3)
    return services.article_save(article=story, by=editor)


class TestEmbargo:
    def test_the_service_refuses_an_editor_publishing_before_the_embargo(self, editor, embargoed, now):
        before = database_state()

        for at in (None, now + timedelta(hours=3) - timedelta(seconds=1)):
            with pytest.raises(ValidationError) as refused:
                services.article_publish(article=Article.objects.get(pk=embargoed.pk), by=editor, at=at)
            assert EMBARGO_MESSAGE in refused.value.messages

        assert database_state() == before

    def test_scheduling_for_the_end_of_the_embargo_is_allowed(self, editor, embargoed, now):
        services.article_publish(article=embargoed, by=editor, at=embargoed.embargo_until)

        embargoed.refresh_from_db()
        assert embargoed.status == Article.Status.PUBLISHED
        assert embargoed.published_at == now + timedelta(hours=3)
        assert not Article.objects.published().exists()

    def test_the_admin_form_refuses_it(self, editor, embargoed):
        before = database_state()

        response = logged_in(editor).post(
            admin_url("article_change", embargoed.pk), {**story_form(embargoed), "desk_action": "publish"}
        )

        assert response.status_code == 200
        assert EMBARGO_MESSAGE in response.context["adminform"].form.non_field_errors()
        assert database_state() == before

    def test_the_publish_action_refuses_it_and_says_why(self, editor, embargoed):
        before = database_state()

        response = logged_in(editor).post(
            admin_url("article_changelist"),
            {"action": "publish_selected", "_selected_action": [embargoed.pk], "index": "0"},
            follow=True,
        )

        messages = [str(message) for message in response.context["messages"]]
        assert any(EMBARGO_MESSAGE in message and embargoed.headline_ar in message for message in messages)
        assert database_state() == before

    def test_the_database_refuses_it_whatever_the_code(self, embargoed, now):
        with pytest.raises(IntegrityError), transaction.atomic():
            Article.objects.filter(pk=embargoed.pk).update(status="published", published_at=now)

        embargoed.refresh_from_db()
        assert embargoed.status == Article.Status.DRAFT


# --- Corrections -----------------------------------------------------------------------------


def _corrections(page: str) -> list[str]:
    section = re.search(r'<section class="article__corrections".*?</section>', page, re.S)
    assert section, "the story page shows no corrections"
    return [re.sub(r"<[^>]+>|\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", section.group(0), re.S)]


def _date_modified(page: str):
    for block in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S):
        data = json.loads(block)
        if data.get("@type") == "NewsArticle":
            return datetime.fromisoformat(data["dateModified"])
    raise AssertionError("no NewsArticle structured data on the story page")


def test_editor_adds_corrections_in_the_admin_and_readers_see_them_in_order(clock, editor, client):
    story = make_article(headline="الوزير يفتتح المستشفى الجديد", english={"headline": "Minister opens new hospital"})
    change_url = admin_url("article_change", story.pk)
    editor_client = logged_in(editor)

    for hours, note_ar, note_en in (
        (1, "ورد اسم المستشفى خطأً في النسخة الأولى.", "The hospital's name was wrong in the first version."),
        (2, "المستشفى في إربد لا في عمّان.", "The hospital is in Irbid, not Amman."),
    ):
        clock.set(REFERENCE_TIME + timedelta(hours=hours))
        data = form_data(editor_client.get(change_url))
        assert data["corrections-TOTAL_FORMS"] == str(hours - 1)
        data.update(
            {
                "corrections-TOTAL_FORMS": str(hours),
                f"corrections-{hours - 1}-note_ar": note_ar,
                f"corrections-{hours - 1}-note_en": note_en,
                "_save": "1",
            }
        )
        response = editor_client.post(change_url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    assert [c.created_by for c in Correction.objects.filter(article=story)] == [editor, editor]
    story.refresh_from_db()
    assert story.updated_at == REFERENCE_TIME + timedelta(hours=2)

    page = client.get(story.get_absolute_url()).content.decode()
    notes = _corrections(page)
    assert [note.split(" (")[0].strip() for note in notes] == ["تصحيح", "تصحيح"]
    assert notes[0].endswith("ورد اسم المستشفى خطأً في النسخة الأولى.")
    assert notes[1].endswith("المستشفى في إربد لا في عمّان.")
    assert _date_modified(page) == REFERENCE_TIME + timedelta(hours=2)

    with translation.override("en"):
        english = client.get(story.get_absolute_url()).content.decode()
    assert [note.split(" (")[0].strip() for note in _corrections(english)] == ["Correction", "Correction"]
    assert _corrections(english)[1].endswith("The hospital is in Irbid, not Amman.")


def test_correction_moves_date_modified_without_changing_the_story(clock, editor, client):
    story = make_article(headline="ارتفاع أسعار الوقود")
    clock.set(REFERENCE_TIME + timedelta(minutes=30))

    services.article_add_correction(article=story, note="النسبة 5% لا 50%.", by=editor)

    stored = Article.objects.get(pk=story.pk)
    assert stored.updated_at == REFERENCE_TIME + timedelta(minutes=30)
    assert (stored.headline_ar, stored.status, stored.published_at) == (
        story.headline_ar,
        story.status,
        story.published_at,
    )
    assert _date_modified(client.get(story.get_absolute_url()).content.decode()) == stored.updated_at


def test_corrections_are_for_published_stories_only(editor, now):
    draft = make_article(publish=False)

    with pytest.raises(ValidationError):
        services.article_add_correction(article=draft, note="لا معنى لتصحيح مسودة.", by=editor)

    assert not Correction.objects.exists()


def test_journalist_gets_no_corrections_form_and_cannot_add_one(journalist, now):
    story = make_article()

    response = logged_in(journalist).get(admin_url("article_change", story.pk))

    assert not any(name.startswith("corrections-") for name in form_data(response))
    with pytest.raises(PermissionDenied):
        services.article_add_correction(article=story, note="تصحيح مزوّر", by=journalist)
    assert not Correction.objects.exists()


# --- No lost edits ---------------------------------------------------------------------------


def test_second_save_is_refused_naming_who_saved_first_and_keeps_the_writers_text(journalist, editor, now):
    story = services.article_create(
        headline="الحكومة تعلن خطة للنقل العام", body="<p>النص الأول.</p>", section=make_section(), by=journalist
    )
    url = admin_url("article_change", story.pk)
    mine, theirs = logged_in(journalist), logged_in(editor)
    my_form, their_form = form_data(mine.get(url)), form_data(theirs.get(url))

    their_form.update(headline_ar="الحكومة تعلن خطة جديدة للنقل العام", _save="1")
    assert theirs.post(url, their_form).status_code == 302

    my_headline, my_body = "خطة النقل العام: حافلات كهربائية في عمّان", "<p>فقرة كتبتها الصحفية بنفسها.</p>"
    my_form.update(headline_ar=my_headline, body_ar=my_body, _save="1")
    refused = mine.post(url, my_form)

    assert refused.status_code == 200
    errors = refused.context["adminform"].form.non_field_errors()
    assert len(errors) == 1
    assert "خالد منصور" in errors[0]
    assert date_format(timezone.localtime(now), "DATETIME_FORMAT") in errors[0]
    assert "خالد منصور" in unescape(refused.content.decode())
    resent = form_data(refused)
    assert (resent["headline_ar"], resent["body_ar"].lstrip("\n")) == (my_headline, my_body)
    story.refresh_from_db()
    assert story.headline_ar == "الحكومة تعلن خطة جديدة للنقل العام"

    # Having seen the message, the writer saves again: this time knowingly over the other version.
    accepted = mine.post(url, {**resent, "_save": "1"})

    assert accepted.status_code == 302
    story.refresh_from_db()
    assert (story.headline_ar, story.body_ar) == (my_headline, my_body)
    assert story.updated_by == journalist
    assert story.version == 3


def test_service_refuses_a_save_from_an_outdated_copy(journalist, editor, now):
    story = services.article_create(headline="خبر", section=make_section(), by=journalist)
    outdated = Article.objects.get(pk=story.pk)
    story.headline_ar = "خبر بعد تعديل المحرر"
    services.article_save(article=story, by=editor, expected_version=1)

    outdated.headline_ar = "خبر بعد تعديل الصحفية"
    with pytest.raises(services.EditConflict) as conflict:
        services.article_save(article=outdated, by=journalist, expected_version=1)

    assert "خالد منصور" in conflict.value.messages[0]
    assert Article.objects.get(pk=story.pk).headline_ar == "خبر بعد تعديل المحرر"


def test_the_change_form_shows_who_else_has_the_story_open(journalist, editor, now, monkeypatch):
    story = services.article_create(headline="خبر يحرره اثنان", section=make_section(), by=journalist)
    heartbeat = admin_url("article_heartbeat", story.pk)
    mine, theirs = logged_in(journalist), logged_in(editor)

    assert theirs.post(heartbeat).json() == {"others": []}
    page = mine.get(admin_url("article_change", story.pk)).content.decode()

    presence = re.search(r'<p class="sahifa-presence"[^>]*>.*?</p>', page, re.S).group(0)
    assert " hidden" not in presence.split(">")[0]
    assert "يحرّر هذا الخبر الآن:" in presence
    assert "خالد منصور" in presence
    assert mine.post(heartbeat).json() == {"others": ["خالد منصور"]}
    assert theirs.post(heartbeat).json() == {"others": ["سارة القاسم"]}
    assert mine.get(heartbeat).status_code == 405

    # Without a heartbeat the name goes away after a short while.
    later = time.time() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert mine.post(heartbeat).json() == {"others": []}


def test_text_sent_after_the_session_expired_is_offered_back_to_its_writer_only(journalist, editor, now):
    story = services.article_create(headline="مسودة قبل انتهاء الجلسة", section=make_section(), by=journalist)
    url = admin_url("article_change", story.pk)
    login = reverse("admin:login")
    client = Client()
    assert client.post(login, {"username": "journalist", "password": PASSWORD}).status_code == 302
    page = client.get(url)
    data = {name: value for name, value, _attrs in form_fields(page) if name != "q"}
    assert data["csrfmiddlewaretoken"]

    # The session ends on the server (expired, or logged out elsewhere); the browser still sends its cookie.
    Session.objects.all().delete()
    typed_headline, typed_body = "عنوان كتبته والجلسة منتهية", "<p>فقرة طويلة لا أريد أن أفقدها.</p>"
    before = database_state()
    response = client.post(url, {**data, "headline_ar": typed_headline, "body_ar": typed_body, "_save": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith(f"{login}?next=")
    assert database_state() == before

    # Someone else logs in on the same browser: nothing of the journalist's is offered.
    assert client.post(login, {"username": "editor", "password": PASSWORD}).status_code == 302
    page = client.get(url).content.decode()
    assert typed_headline not in page
    assert "استعادة النص غير المحفوظ" not in page
    assert form_data(client.get(f"{url}?draft=restore"))["headline_ar"] == story.headline_ar
    client.logout()

    assert client.post(login, {"username": "journalist", "password": PASSWORD}).status_code == 302
    offer = client.get(url)
    page = unescape(offer.content.decode())
    assert "استعادة النص غير المحفوظ" in page
    assert "<ins>فقرة طويلة لا أريد أن أفقدها.</ins>" in page
    assert form_data(offer)["headline_ar"] == story.headline_ar  # offered, not imposed

    restored = client.get(f"{url}?draft=restore")
    fields = form_data(restored)
    assert (fields["headline_ar"], fields["body_ar"].lstrip("\n")) == (typed_headline, typed_body)
    messages = [(message.level_tag, str(message)) for message in restored.context["messages"]]
    assert ("warning", "عاد نصك غير المحفوظ إلى النموذج. راجعه ثم احفظه.") in messages
    # The writer saves it, and the unsaved copy is gone.
    assert client.post(url, {**fields, "_save": "1"}).status_code == 302
    assert Article.objects.get(pk=story.pk).headline_ar == typed_headline
    assert "استعادة النص غير المحفوظ" not in client.get(url).content.decode()


# --- Preview links ------------------------------------------------------------------------------


def _share_link(editor, story) -> str:
    response = logged_in(editor).post(admin_url("article_share", story.pk), follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any("رابط المعاينة، صالح لمدة 48 ساعة" in message for message in messages)
    link = next(re.search(r"href='([^']+)'", message).group(1) for message in messages if "href=" in message)
    return link.removeprefix("http://testserver")


def test_share_link_lets_an_outsider_read_the_draft_never_cached_nor_indexed(editor, client, now):
    story = make_article(headline="تحقيق لم يُنشر بعد", publish=False)

    response = client.get(_share_link(editor, story))

    assert response.status_code == 200
    page = response.content.decode()
    assert "تحقيق لم يُنشر بعد" in page
    assert 'class="draft-banner"' in page
    assert {"no-cache", "no-store", "private", "max-age=0"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in page
    assert client.get(story.get_absolute_url()).status_code == 404


def test_unknown_share_links_are_not_found(editor, client, now):
    story = make_article(publish=False)
    link = _share_link(editor, story)
    token = link.rstrip("/").rsplit("/", 1)[1]

    assert client.get(link).status_code == 200
    for tampered in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        token[: len(token) // 2],
        token + "A",
        "not-a-token",
        "x" * 300,
    ):
        assert client.get(reverse("articles:shared-preview", kwargs={"token": tampered})).status_code == 404


def test_share_links_expire(editor, client, settings, clock):
    story = make_article(publish=False)
    settings.PREVIEW_LINK_HOURS = 48
    link = _share_link(editor, story)

    clock.set(REFERENCE_TIME + timedelta(hours=47))
    assert client.get(link).status_code == 200
    clock.set(REFERENCE_TIME + timedelta(hours=49))
    assert client.get(link).status_code == 404

    settings.PREVIEW_LINK_HOURS = 1
    clock.set(REFERENCE_TIME)
    response = logged_in(editor).post(admin_url("article_share", story.pk), follow=True)
    assert any("صالح لمدة 1 ساعة" in str(message) for message in response.context["messages"])
    shorter = story.preview_links.order_by("-pk").first()
    clock.set(REFERENCE_TIME + timedelta(hours=2))
    assert client.get(reverse("articles:shared-preview", kwargs={"token": shorter.token})).status_code == 404


# --- The desk ------------------------------------------------------------------------------------


def _seed_desk(journalist, colleague, editor, now):
    """Stories and photos in every state the desk counts, and some just outside each count."""
    section = make_section()

    def story(headline, **fields):
        created = services.article_create(headline=headline, section=section)
        Article.objects.filter(pk=created.pk).update(**fields)
        return created.pk

    expected = {
        "بانتظار المراجعة": {
            story("للمراجعة", status="review"),
            # Sent for review by the journalist: waiting for review, no longer among their drafts.
            story("مسودتي أُرسلت للمراجعة", created_by=journalist, status="review"),
        },
        "مجدولة لليوم": {story("مجدول اليوم", status="published", published_at=now + timedelta(hours=4))},
        "نُشرت خلال آخر 24 ساعة": {
            story("نُشر للتو", status="published", published_at=now - timedelta(minutes=5)),
            story("نُشر صباحاً", status="published", published_at=now - timedelta(hours=23)),
        },
        "مسوداتي": {story("مسودتي 1", created_by=journalist), story("مسودتي 2", created_by=journalist)},
        # Scheduled for later, held by an embargo: a story every journalist may open.
        "حظر نشر ينتهي خلال 24 ساعة": {
            story(
                "حظر قريب",
                status="published",
                published_at=now + timedelta(days=2),
                embargo_until=now + timedelta(hours=6),
            )
        },
    }
    # Just outside each count.
    story("مجدول للغد", status="published", published_at=now + timedelta(days=1))
    story("نُشر أول أمس", status="published", published_at=now - timedelta(hours=25))
    story("مسودة الزميلة", created_by=colleague)
    story("حظر بعيد", embargo_until=now + timedelta(days=3))
    photos = {make_image(credit=None).pk, make_image(alt_text="").pk}
    make_image()
    return expected, photos


PHOTOS_MISSING = "صور بلا حقوق أو نص بديل"


def _desk(response) -> dict:
    return {str(item.label): item for item in response.context["desk"]}


def test_the_desk_counts_match_and_each_link_lists_exactly_those_stories(journalist, editor, now):
    colleague = newsroom_user("journalist", username="colleague")
    expected, photos = _seed_desk(journalist, colleague, editor, now)
    client = logged_in(journalist)
    desk = _desk(client.get(reverse("admin:index")))

    assert set(desk) == {*expected, PHOTOS_MISSING}
    for label, pks in expected.items():
        assert desk[label].count == len(pks), label
        listed = client.get(desk[label].url)
        assert listed.status_code == 200
        assert {story.pk for story in listed.context["cl"].queryset} == pks, label
    assert desk[PHOTOS_MISSING].count == 2
    assert {image.pk for image in client.get(desk[PHOTOS_MISSING].url).context["cl"].queryset} == photos


def test_an_editors_drafts_are_their_own(journalist, editor, now):
    colleague = newsroom_user("journalist", username="colleague")
    _seed_desk(journalist, colleague, editor, now)

    assert _desk(logged_in(editor).get(reverse("admin:index")))["مسوداتي"].count == 0
    assert _desk(logged_in(colleague).get(reverse("admin:index")))["مسوداتي"].count == 1


DESK_QUERY_BUDGET = 7


def test_the_desk_page_makes_the_same_queries_however_many_stories(journalist, editor, now):
    colleague = newsroom_user("journalist", username="colleague")
    client = logged_in(journalist)
    _seed_desk(journalist, colleague, editor, now)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:index")).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(3):
        _seed_desk(journalist, colleague, editor, now)
    many = queries()

    assert many == few <= DESK_QUERY_BUDGET


# --- Login throttling ---------------------------------------------------------------------------


def test_five_wrong_passwords_lock_that_username_from_that_address(journalist, client):
    login = reverse("admin:login")

    for attempt in range(4):
        response = client.post(login, {"username": "journalist", "password": f"wrong-{attempt}"})
        assert response.status_code == 200, attempt
        assert response.context["form"].errors
    locked = client.post(login, {"username": "journalist", "password": "wrong-5"})

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "محاولات دخول فاشلة كثيرة" in page
    assert "أُغلق هذا الحساب مؤقتاً" in page
    assert '<html lang="ar" dir="rtl">' in page
    # Locked even with the right password now.
    assert client.post(login, {"username": "journalist", "password": PASSWORD}).status_code == 429
    assert "_auth_user_id" not in client.session
    # The lock is on this username from this address only.
    from_elsewhere = Client(REMOTE_ADDR="203.0.113.7")
    assert from_elsewhere.post(login, {"username": "journalist", "password": PASSWORD}).status_code == 302
    newsroom_user("editor")
    assert client.post(login, {"username": "editor", "password": PASSWORD}).status_code == 302
