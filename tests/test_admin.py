"""The newsroom admin, driven through its forms like an editor would."""

import json
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import ngettext

from articles.models import Article, Image

from .factories import jpeg_upload, make_agency, make_article, make_author, make_image, make_rich_articles, make_section

pytestmark = pytest.mark.django_db

MODELS = ("article", "image", "tag", "section", "author", "agency")


class _FormFields(HTMLParser):
    """Collects (name, value, attrs) of every field in a rendered admin form, as a browser would submit it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields = []  # [name, value, attrs]
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file"} or (kind in {"checkbox", "radio"} and "checked" not in attrs):
                return
            self.fields.append([name, attrs.get("value", "on" if kind == "checkbox" else ""), attrs])
        elif tag == "textarea" and name:
            self._textarea = [name, "", attrs]
            self.fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = [name, "", attrs]
            self.fields.append(self._select)
        elif tag == "option" and self._select is not None and "selected" in attrs:
            self._select[1] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(response):
    parser = _FormFields()
    parser.feed(response.content.decode())
    return [field for field in parser.fields if "__prefix__" not in field[0]]


def form_data(response) -> dict:
    """The form as the browser would post it back unchanged (minus the search box and CSRF)."""
    return {name: value for name, value, _ in form_fields(response) if name not in {"q", "csrfmiddlewaretoken"}}


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:articles_{name}", args=args)


class TestChangelists:
    @pytest.mark.parametrize("model", MODELS)
    def test_changelist_opens(self, staff_client, model):
        make_rich_articles(2)

        response = staff_client.get(admin_url(f"{model}_changelist"))

        assert response.status_code == 200

    def test_article_changelist_shows_bylines_and_tags(self, staff_client):
        author = make_author(name="ليلى حداد")
        make_article(headline="الكرملين يرد", tags=["الكرملين", "بوتين"], bylines=[author, "وكالات"])

        page = staff_client.get(admin_url("article_changelist")).content.decode()

        assert "ليلى حداد، وكالات" in page
        assert "الكرملين، بوتين" in page

    def test_tag_changelist_counts_stories(self, staff_client):
        make_article(tags=["الكرملين", "بوتين"])
        make_article(tags=["الكرملين"])

        response = staff_client.get(admin_url("tag_changelist"))

        counts = {tag.name: tag.num_articles for tag in response.context["cl"].result_list}
        assert counts == {"الكرملين": 2, "بوتين": 1}


# Queries each changelist may make, however many rows and relations it shows. The image list
# pays for its credit filter, its date hierarchy (two queries) and the agency list of its
# "set credit" action; the agency list for its aliases.
CHANGELIST_BUDGETS = {"article": 11, "image": 9, "tag": 5, "section": 5, "author": 5, "agency": 6}


def _populate(stories: int, django_user_model):
    # Each call adds a section, authors (one with an account), agencies, photos, tags and stories,
    # so every changelist grows.
    for _ in range(stories):
        make_rich_articles(1)
        user = django_user_model.objects.create_user(username=f"journalist{Article.objects.count()}")
        make_author(name="نور الهدى منصور", user=user)


def _changelist_queries(client, model) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(f"{model}_changelist"))
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


@pytest.mark.parametrize("model", MODELS)
def test_changelist_queries_do_not_grow_with_rows(
    staff_client, django_user_model, model, django_assert_max_num_queries
):
    _populate(3, django_user_model)
    few, few_rows = _changelist_queries(staff_client, model)

    _populate(12, django_user_model)
    with django_assert_max_num_queries(CHANGELIST_BUDGETS[model]):
        staff_client.get(admin_url(f"{model}_changelist"))
    many, many_rows = _changelist_queries(staff_client, model)

    assert many_rows > few_rows
    assert many == few


class TestDateHierarchy:
    """The story list's dates, from the first and the last story alone (articles.admin.DateRangeQuerySetMixin)."""

    RIYADH = ZoneInfo("Asia/Riyadh")

    def _hierarchy(self, client, **params) -> tuple[list[str], list[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(admin_url("article_changelist"), params)
        assert response.status_code == 200
        links = re.findall(r'<a href="\?([^"]*published_at__[^"]*)"', response.content.decode())
        return links, [query["sql"] for query in queries]

    def test_years_from_the_first_to_the_last_story_without_an_aggregate_over_the_archive(self, staff_client):
        make_article(published_at=datetime(2022, 3, 1, 9, tzinfo=self.RIYADH))
        make_article(published_at=datetime(2024, 12, 11, 9, tzinfo=self.RIYADH))
        make_article(publish=False)  # a draft without a date counts for nothing

        links, sql = self._hierarchy(staff_client)

        assert [link for link in links if re.fullmatch(r"published_at__year=\d+", link)] == [
            f"published_at__year={year}" for year in (2022, 2023, 2024)
        ]
        assert not [query for query in sql if "MIN(" in query or "MAX(" in query]
        assert len([query for query in sql if '"published_at" IS NOT NULL' in query]) == 2

    def test_one_month_of_stories_opens_on_its_days(self, staff_client):
        make_article(published_at=datetime(2024, 12, 9, 9, tzinfo=self.RIYADH))
        make_article(published_at=datetime(2024, 12, 11, 9, tzinfo=self.RIYADH))

        links, _sql = self._hierarchy(staff_client)

        days = sorted(int(day) for day in re.findall(r"published_at__day=(\d+)", " ".join(links)))
        assert days == [9, 10, 11]

    def test_status_filter_narrows_the_dates(self, staff_client):
        make_article(published_at=datetime(2022, 3, 1, 9, tzinfo=self.RIYADH))
        review = make_article(publish=False)
        review.status, review.published_at = Article.Status.REVIEW, datetime(2024, 5, 2, 9, tzinfo=self.RIYADH)
        review.save()

        links, _sql = self._hierarchy(staff_client, status__exact="review")

        assert any("published_at__day=2" in link and "published_at__month=5" in link for link in links), links


class TestArticleForm:
    def _management(self, prefix, total):
        return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}

    def test_add_form_has_the_byline_and_source_inlines(self, staff_client):
        response = staff_client.get(admin_url("article_add"))

        names = {name for name, _, _ in form_fields(response)}
        for prefix in ("bylines", "cited_sources"):
            assert {f"{prefix}-TOTAL_FORMS", f"{prefix}-INITIAL_FORMS"} <= names
        assert {"bylines-0-author", "bylines-0-text", "cited_sources-0-source", "cited_sources-0-url"} <= names

    def test_add_then_change_a_story(self, staff_client, superuser, now):
        section = make_section()
        layla, samer = make_author(name="ليلى حداد"), make_author(name="سامر العلي")
        reuters, nbc = make_agency(), make_agency(name="NBC News")
        photo = make_image()

        response = staff_client.post(
            admin_url("article_add"),
            {
                "headline_ar": "الكرملين يرد على العقوبات الجديدة",
                "headline_en": "The Kremlin answers new sanctions",
                "dek_ar": "ردّ سريع من موسكو.",
                "body_ar": "<p>قال المتحدث باسم الكرملين إن العقوبات لن تغير شيئاً.</p><script>alert(1)</script>",
                "body_en": "<p>The Kremlin's spokesman said the sanctions change nothing.</p>",
                "section": section.pk,
                "tags": "الكرملين، بوتين",
                "lead_image": photo.pk,
                "desk_action": "draft",
                **self._management("bylines", 3),
                "bylines-0-author": samer.pk,
                "bylines-1-text": "وكالات",
                "bylines-2-author": layla.pk,
                **self._management("cited_sources", 2),
                **self._management("placements", 0),
                "cited_sources-0-source": nbc.pk,
                "cited_sources-0-url": "https://www.nbcnews.com/world/report",
                "cited_sources-1-source": reuters.pk,
                "_save": "1",
            },
        )

        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
        story = Article.objects.get()
        assert story.headline_ar == "الكرملين يرد على العقوبات الجديدة"
        assert story.headline_en == "The Kremlin answers new sanctions"
        assert story.slug_ar == "الكرملين-يرد-على-العقوبات-الجديدة"
        assert story.slug_en == "the-kremlin-answers-new-sanctions"
        assert story.body_ar == "<p>قال المتحدث باسم الكرملين إن العقوبات لن تغير شيئاً.</p>"
        assert sorted(story.tags.values_list("name", flat=True)) == ["الكرملين", "بوتين"]
        assert [byline.name for byline in story.bylines.all()] == ["سامر العلي", "وكالات", "ليلى حداد"]
        assert [(cited.source, cited.url) for cited in story.cited_sources.all()] == [
            (nbc, "https://www.nbcnews.com/world/report"),
            (reuters, ""),
        ]
        assert story.lead_image == photo
        assert story.created_by == superuser
        assert story.status == Article.Status.DRAFT

        # Change it: the form as rendered, with the editor's edits, posted back.
        change_url = admin_url("article_change", story.pk)
        data = form_data(staff_client.get(change_url))
        assert data["tags"] and data["bylines-INITIAL_FORMS"] == "3"
        data["headline_en"] = "The Kremlin answers the new sanctions"
        data["tags"] += "، الشرق الأوسط"
        # Samer leaves the byline and Rami joins it at the end: rows keep their order on the page.
        data["bylines-0-DELETE"] = "on"
        rami = make_author(name="رامي خوري")
        data["bylines-TOTAL_FORMS"] = str(int(data["bylines-TOTAL_FORMS"]) + 1)
        new_row = int(data["bylines-TOTAL_FORMS"]) - 1
        data[f"bylines-{new_row}-author"] = rami.pk
        data[f"bylines-{new_row}-article"] = story.pk
        data["cited_sources-1-DELETE"] = "on"
        data["desk_action"] = "publish"

        response = staff_client.post(change_url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
        story.refresh_from_db()
        assert story.headline_en == "The Kremlin answers the new sanctions"
        assert story.headline_ar == "الكرملين يرد على العقوبات الجديدة"
        assert story.slug_ar == "الكرملين-يرد-على-العقوبات-الجديدة"
        assert sorted(story.tags.values_list("name", flat=True)) == ["الشرق الأوسط", "الكرملين", "بوتين"]
        assert [byline.name for byline in story.bylines.all()] == ["وكالات", "ليلى حداد", "رامي خوري"]
        assert [cited.source for cited in story.cited_sources.all()] == [nbc]
        assert story.status == Article.Status.PUBLISHED
        assert story.published_at == now
        assert story.created_by == superuser

    def test_publishing_with_a_future_time_schedules_the_story(self, staff_client, now):
        response = staff_client.post(
            admin_url("article_add"),
            {
                "headline_ar": "خبر مجدول للغد",
                "section": make_section().pk,
                "desk_action": "schedule",
                "published_at_0": "2024-12-12",
                "published_at_1": "08:00:00",
                **self._management("bylines", 0),
                **self._management("cited_sources", 0),
                **self._management("placements", 0),
            },
        )

        assert response.status_code == 302
        story = Article.objects.get()
        assert story.published_at == datetime(2024, 12, 12, 8, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
        assert not Article.objects.published().exists()

    def test_story_needs_an_arabic_headline(self, staff_client):
        response = staff_client.post(
            admin_url("article_add"),
            {
                "headline_ar": "",
                "headline_en": "English only",
                "section": make_section().pk,
                "desk_action": "draft",
                **self._management("bylines", 0),
                **self._management("cited_sources", 0),
                **self._management("placements", 0),
            },
        )

        assert response.status_code == 200
        assert "headline_ar" in response.context["adminform"].form.errors
        assert not Article.objects.exists()

    def test_byline_with_both_author_and_name_is_refused_with_a_message(self, staff_client):
        response = staff_client.post(
            admin_url("article_add"),
            {
                "headline_ar": "خبر",
                "section": make_section().pk,
                "desk_action": "draft",
                **self._management("bylines", 1),
                "bylines-0-author": make_author().pk,
                "bylines-0-text": "وكالات",
                **self._management("cited_sources", 0),
                **self._management("placements", 0),
            },
        )

        assert response.status_code == 200
        assert not Article.objects.exists()
        assert "errorlist" in response.content.decode()


def _add_or_change_url(form: str) -> str:
    if form == "article_change":
        return admin_url("article_change", make_article(english={"headline": "Sanctions"}).pk)
    return admin_url(form)


@pytest.mark.parametrize("form", [*(f"{model}_add" for model in MODELS), "article_change"])
def test_inputs_type_in_the_direction_of_their_language(staff_client, form):
    response = staff_client.get(_add_or_change_url(form))

    translated = [
        (name, attrs) for name, _, attrs in form_fields(response) if re.search(r"_(ar|en)$", name) and "-" not in name
    ]
    assert translated, f"the {form} form should have translated fields"
    for name, attrs in translated:
        expected = "rtl" if name.endswith("_ar") else "ltr"
        assert attrs.get("dir") == expected, name


class TestActions:
    def _run(self, client, action, stories):
        return client.post(
            admin_url("article_changelist"),
            {"action": action, "_selected_action": [story.pk for story in stories], "index": "0"},
            follow=True,
        )

    def test_publish_selected(self, staff_client, now):
        drafts = [make_article(publish=False), make_article(publish=False)]
        untouched = make_article(publish=False)

        response = self._run(staff_client, "publish_selected", drafts)

        assert response.status_code == 200
        assert set(Article.objects.published()) == set(drafts)
        assert {story.published_at for story in Article.objects.published()} == {now}
        untouched.refresh_from_db()
        assert untouched.status == Article.Status.DRAFT
        expected = ngettext("%(count)d story published.", "%(count)d stories published.", 2) % {"count": 2}
        assert [str(message) for message in response.context["messages"]] == [expected]
        assert expected != "2 stories published.", "the confirmation should be in Arabic"

    def test_unpublish_selected(self, staff_client, now):
        published = [make_article(), make_article()]
        kept = make_article()

        response = self._run(staff_client, "unpublish_selected", published)

        assert response.status_code == 200
        assert list(Article.objects.published()) == [kept]
        assert {story.status for story in Article.objects.filter(pk__in=[s.pk for s in published])} == {"unpublished"}


class TestImageDeletion:
    def test_deleting_a_photo_in_use_is_refused_and_names_the_story(self, staff_client):
        photo = make_image()
        story = make_article(headline="وزراء خارجية عرب يبحثون خطة الإعمار", lead_image=photo)
        url = admin_url("image_delete", photo.pk)

        confirmation = staff_client.get(url)
        response = staff_client.post(url, {"post": "yes"})

        for page in (confirmation, response):
            assert page.status_code == 200
            assert story.headline_ar in page.content.decode()
        assert Image.objects.filter(pk=photo.pk).exists()
        assert Article.objects.filter(pk=story.pk, lead_image=photo).exists()
        assert Path(photo.file.path).is_file()

    def test_bulk_deleting_photos_in_use_is_refused(self, staff_client):
        used, unused = make_image(), make_image()
        story = make_article(headline="البرلمان يقر قانون حماية البيانات", lead_image=used)

        response = staff_client.post(
            admin_url("image_changelist"),
            {"action": "delete_selected", "_selected_action": [used.pk, unused.pk], "post": "yes"},
        )

        assert story.headline_ar in response.content.decode()
        assert Image.objects.count() == 2

    def test_deleting_an_unused_photo_removes_its_file(self, staff_client, django_capture_on_commit_callbacks):
        photo = make_image()
        path = Path(photo.file.path)

        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(admin_url("image_delete", photo.pk), {"post": "yes"})

        assert response.status_code == 302
        assert not Image.objects.exists()
        assert not path.exists()


def test_uploaded_photo_gets_a_generated_name_and_its_uploader(staff_client, superuser):
    response = staff_client.post(
        admin_url("image_add"),
        {
            "file": jpeg_upload("photo.jpg", width=120, height=80),
            "caption_ar": "المتحدث خلال المؤتمر",
            "alt_text_ar": "رجل يتحدث أمام ميكروفونات",
            "credit": make_agency().pk,
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )

    assert response.status_code == 302
    photo = Image.objects.get()
    assert "photo" not in photo.file.name
    assert Path(photo.file.path).is_file()
    assert (photo.width, photo.height) == (120, 80)
    assert photo.uploaded_by == superuser
    # The original is stored once: no orphaned copy (with its GPS data) left beside it.
    originals = [path for path in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if path.is_file()]
    assert originals == [Path(photo.file.path)]


def test_tag_autocomplete_suggests_matching_tags(staff_client):
    make_article(tags=["الكرملين", "بوتين", "الشرق الأوسط"])

    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "tags", "term": "الكرم"},
    )

    assert response.status_code == 200
    assert [item["text"] for item in json.loads(response.content)["results"]] == ["الكرملين"]


def test_tag_autocomplete_is_for_staff_only(client):
    make_article(tags=["الكرملين"])

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "tags", "term": "الكرم"},
    )

    assert response.status_code == 302
    assert "الكرملين" not in response.content.decode()


@pytest.mark.parametrize("accept_language", ["ar", "en"])
def test_admin_is_arabic_right_to_left(staff_client, accept_language):
    response = staff_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=accept_language)

    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.content.decode()
