"""Photos in live stories: who may change a photo, the publish guard while a story shows it, and a
replaced file reaching every page that shows it.

The matrix sends forged requests: the form an editor's browser would post back, changed in one
field (or the file), sent by a journalist and by an editor, for a photo used in each kind of
story. A refused request leaves every row and every stored file as it was.
"""

from __future__ import annotations

import importlib
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from articles.desk import dashboard
from articles.models import Article, Image
from articles.photos import services as photo_services
from articles.stories import services
from articles.stories.text import clean_text, is_blank

from .conftest import REFERENCE_TIME
from .factories import jpeg_bytes, make_agency, make_article, make_image, make_placement, make_section
from .test_admin import form_data
from .test_media import served_media  # noqa: F401 - a fixture
from .test_permissions import admin_url, database_state, logged_in, newsroom_user

pytestmark = pytest.mark.django_db

PROTECTED_NAME = "سلمى الخطيب"
TOMORROW = REFERENCE_TIME + timedelta(days=1)


def stored_files() -> dict[str, list[str]]:
    """Every file in the public media and the private originals."""
    return {
        root: sorted(str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file())
        for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
    }


class Desk:
    """A journalist, a colleague, an editor, the desk chief whose form a forger starts from, and
    one photo: credited, described, its photographer kept anonymous."""

    def __init__(self):
        self.journalist = newsroom_user("journalist")
        self.colleague = newsroom_user("journalist", username="colleague", first_name="ريم", last_name="عيسى")
        self.editor = newsroom_user("editor")
        self.chief = logged_in(newsroom_user("editor", username="chief", first_name="هند", last_name="سالم"))
        self.section = make_section()
        self.agency = make_agency()
        self.other_agency = make_agency(name="فرانس برس", name_en="AFP")
        self.photo = make_image(credit=self.agency)
        Image.objects.filter(pk=self.photo.pk).update(photographer=PROTECTED_NAME, is_photographer_anonymous=True)
        self.photo.refresh_from_db()

    def user(self, role: str):
        return {"journalist": self.journalist, "editor": self.editor}[role]

    def draft_by(self, user, *, status=Article.Status.DRAFT) -> Article:
        story = services.article_create(
            headline=f"مسودة {user.first_name} عن المياه", section=self.section, lead_image=self.photo, by=user
        )
        if status != story.status:
            story.status = status
            services.article_save(article=story, by=user)
        return story

    def published(self, *, at=None, placed_after: int | None = 0) -> Article:
        """A story showing the photo: as its lead photo (``placed_after`` 0), between paragraphs
        (a number) or in its gallery (None)."""
        lead = self.photo if placed_after == 0 else None
        story = make_article(
            headline="خبر منشور عن الانتخابات", section=self.section, lead_image=lead, published_at=at, by=self.editor
        )
        if placed_after != 0:
            make_placement(article=story, image=self.photo, after_paragraph=placed_after)
        return story

    def form(self, **changes) -> dict:
        data = form_data(self.chief.get(admin_url("image_change", self.photo.pk)))
        data.update(changes, _save="1")
        return {name: value for name, value in data.items() if value is not None}


# Where the photo is used, made for the role whose request is tested.
SITUATIONS = {
    "unused, uploaded by them": lambda d, role: Image.objects.filter(pk=d.photo.pk).update(uploaded_by=d.user(role)),
    "unused, uploaded by a colleague": lambda d, role: Image.objects.filter(pk=d.photo.pk).update(
        uploaded_by=d.colleague
    ),
    "their own draft": lambda d, role: d.draft_by(d.user(role)),
    "their own story in review": lambda d, role: d.draft_by(d.user(role), status=Article.Status.REVIEW),
    "a colleague's draft": lambda d, role: d.draft_by(d.colleague),
    "a published story (lead photo)": lambda d, role: d.published(),
    "a published story (gallery)": lambda d, role: d.published(placed_after=None),
    "a scheduled story (in the body)": lambda d, role: d.published(
        at=REFERENCE_TIME + timedelta(days=1), placed_after=1
    ),
}
JOURNALIST_MAY = {"unused, uploaded by them", "their own draft"}

NEW_FILE = "new-file"
CREDIT = "credit"  # to another agency: editors only, whatever the story (a journalist's form shows it read-only)
# Each field a forged request changes: the value posted (None: the field left out, as an unticked
# box is) and the value the photo then has.
CHANGES = {
    "caption_ar": ("تعليق مزوّر على الصورة", "تعليق مزوّر على الصورة"),
    "caption_en": ("A forged caption", "A forged caption"),
    "alt_text_ar": ("وصف آخر للصورة", "وصف آخر للصورة"),
    "alt_text_en": ("Another description", "Another description"),
    "copyright_notice": ("© مزوّر", "© مزوّر"),
    "photographer": ("اسم آخر", "اسم آخر"),
    "is_photographer_anonymous": (None, False),  # the protected name would reach readers
    "licence": ("handout", "handout"),
    "usage_terms": ("", ""),
    "rights_expire_at": ("2024-12-01", date(2024, 12, 1)),
    "focal_x": ("0.2", 0.2),
    NEW_FILE: (None, None),
    CREDIT: (None, None),
}


def _post(d: Desk, client, field: str):
    if field == NEW_FILE:
        upload = SimpleUploadedFile("replacement.jpg", jpeg_bytes(120, 90, color=(200, 40, 40)), "image/jpeg")
        return client.post(admin_url("image_change", d.photo.pk), {**d.form(), "file": upload})
    if field == CREDIT:
        return client.post(admin_url("image_change", d.photo.pk), d.form(credit=d.other_agency.pk))
    posted, _value = CHANGES[field]
    return client.post(admin_url("image_change", d.photo.pk), d.form(**{field: posted}))


def _changed(d: Desk, field: str) -> bool:
    photo = Image.objects.get(pk=d.photo.pk)
    if field == NEW_FILE:
        return photo.file.name != d.photo.file.name and photo.width == 120
    if field == CREDIT:
        return photo.credit_id == d.other_agency.pk
    return getattr(photo, field) == CHANGES[field][1]


@pytest.mark.parametrize("field", CHANGES)
@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("role", ("journalist", "editor"))
def test_photo_permission_matrix(role, situation, field, now):
    d = Desk()
    d.photo.usage_terms = "للاستخدام التحريري فقط"
    Image.objects.filter(pk=d.photo.pk).update(usage_terms=d.photo.usage_terms)
    SITUATIONS[situation](d, role)
    client = logged_in(d.user(role))
    before, files = database_state(), stored_files()

    response = _post(d, client, field)

    if role == "editor" or situation in JOURNALIST_MAY:
        assert response.status_code == 302, response.content.decode()[:3000]
        if role == "journalist" and field == CREDIT:
            # The rest of the form saves; the forged credit is ignored.
            assert not _changed(d, field)
            assert Image.objects.get(pk=d.photo.pk).credit_id == d.agency.pk
        else:
            assert _changed(d, field), f"{role} should change {field} of a photo in {situation}"
    else:
        assert response.status_code == 403
        assert not _changed(d, field)
        assert database_state() == before
        assert stored_files() == files


# --- The services refuse the same, whatever calls them ----------------------------------------


@pytest.fixture
def desk(db, now):
    return Desk()


def test_journalist_cannot_change_a_published_storys_photo_through_the_services(desk):
    desk.published()
    before, files = database_state(), stored_files()

    forged = Image.objects.get(pk=desk.photo.pk)
    forged.is_photographer_anonymous = False
    with pytest.raises(PermissionDenied) as refused:
        photo_services.image_update(image=forged, by=desk.journalist)
    assert "خبر منشور عن الانتخابات" in str(refused.value)

    data = jpeg_bytes(120, 90, color=(10, 200, 10))
    _data, inspected = photo_services.image_inspect(file=ContentFile(data, name="new.jpg"))
    with pytest.raises(PermissionDenied):
        photo_services.image_store(
            image=Image.objects.get(pk=desk.photo.pk), data=data, inspected=inspected, by=desk.journalist
        )
    with pytest.raises(PermissionDenied):
        photo_services.image_set_credit(
            images_qs=Image.objects.filter(pk=desk.photo.pk), agency=make_agency(name="وام"), by=desk.journalist
        )

    assert Image.objects.get(pk=desk.photo.pk).credit_id == desk.agency.pk
    assert Image.objects.get(pk=desk.photo.pk).is_photographer_anonymous
    assert {k: v for k, v in database_state().items() if k != "articles.Agency"} == {
        k: v for k, v in before.items() if k != "articles.Agency"
    }
    assert stored_files() == files


def test_journalist_changes_the_photo_of_their_own_draft_through_the_services(desk):
    desk.draft_by(desk.journalist)
    photo = Image.objects.get(pk=desk.photo.pk)
    photo.caption_ar = "تعليق الصحفية على صورتها"

    photo_services.image_update(image=photo, by=desk.journalist)

    assert Image.objects.get(pk=desk.photo.pk).caption_ar == "تعليق الصحفية على صورتها"


def test_journalist_sees_a_live_photo_read_only_with_the_reason_in_arabic(desk):
    desk.published()

    response = logged_in(desk.journalist).get(admin_url("image_change", desk.photo.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in page
    assert not {"caption_ar", "alt_text_ar", "photographer", "file"} & set(form_data(response))
    assert "المحررون وحدهم يستطيعون تعديل هذه الصورة: فهي تظهر في قصة منشورة أو مجدولة" in page
    assert "«خبر منشور عن الانتخابات»" in page
    assert "يمكنك الاطلاع عليها دون تعديلها." in page


def test_journalist_edits_the_photo_of_their_own_draft_without_a_warning(desk):
    desk.draft_by(desk.journalist)

    response = logged_in(desk.journalist).get(admin_url("image_change", desk.photo.pk))

    page = response.content.decode()
    assert 'name="_save"' in page
    assert "caption_ar" in form_data(response)
    assert "sahifa-locked" not in page


def test_editor_sees_no_lock_and_the_page_costs_no_extra_query(desk, django_assert_max_num_queries):
    desk.published()
    client = logged_in(desk.editor)
    client.get(admin_url("image_change", desk.photo.pk))

    with django_assert_max_num_queries(8):  # 7 measured
        response = client.get(admin_url("image_change", desk.photo.pk))

    assert 'name="_save"' in response.content.decode()
    assert "sahifa-locked" not in response.content.decode()


def test_journalists_locked_photo_page_has_a_query_budget(desk, django_assert_max_num_queries):
    desk.published()
    client = logged_in(desk.journalist)
    client.get(admin_url("image_change", desk.photo.pk))

    # 9 measured: the stories showing the photo are read once (two queries), however many times
    # the admin asks for the change permission.
    with django_assert_max_num_queries(9):
        response = client.get(admin_url("image_change", desk.photo.pk))

    assert response.status_code == 200


# --- The publish guard holds for as long as a story shows the photo ---------------------------

BLANK_ALT_TEXTS = {
    "spaces": "   \t ",
    "zero-width space": "\u200b\u200b",
    "direction marks": "\u200e\u200f\u061c",
    "isolates": "\u2066\u2067\u2068\u2069",
    "tatweel only": "ـــــ",
    "tashkeel only": "\u064e\u0650\u0651",
    "no-break space and joiners": "\u00a0\u200c\u200d\u2060\ufeff",
}


@pytest.mark.parametrize("alt", BLANK_ALT_TEXTS.values(), ids=BLANK_ALT_TEXTS.keys())
def test_blank_alt_text_counts_as_empty(alt):
    assert is_blank(alt)
    assert clean_text(alt) == ""


def test_text_with_a_letter_is_not_blank():
    assert not is_blank("صورة\u200f")
    assert not is_blank("ـمـ")
    assert not is_blank("2024")


@pytest.mark.parametrize(
    "situation",
    ["lead", "gallery", "body", "scheduled"],
)
def test_editor_cannot_remove_the_credit_of_a_shown_photo_in_the_admin(desk, situation):
    story = {
        "lead": lambda: desk.published(),
        "gallery": lambda: desk.published(placed_after=None),
        "body": lambda: desk.published(placed_after=2),
        "scheduled": lambda: desk.published(at=REFERENCE_TIME + timedelta(hours=3), placed_after=1),
    }[situation]()
    before = database_state()

    response = logged_in(desk.editor).post(admin_url("image_change", desk.photo.pk), desk.form(credit=""))

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "لا يمكن حفظ هذه الصورة بلا حقوق الصورة: فهي تظهر في قصة منشورة أو مجدولة" in errors
    assert f"«{story.headline}»" in errors
    assert database_state() == before


@pytest.mark.parametrize("alt", BLANK_ALT_TEXTS.values(), ids=BLANK_ALT_TEXTS.keys())
def test_editor_cannot_empty_the_alt_text_of_a_shown_photo_in_the_admin(desk, alt):
    desk.published(placed_after=None)
    before = database_state()

    response = logged_in(desk.editor).post(admin_url("image_change", desk.photo.pk), desk.form(alt_text_ar=alt))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert database_state() == before
    assert Image.objects.get(pk=desk.photo.pk).alt_text_ar == desk.photo.alt_text_ar


@pytest.mark.parametrize("alt", BLANK_ALT_TEXTS.values(), ids=BLANK_ALT_TEXTS.keys())
def test_the_service_refuses_a_blank_alt_text_while_a_story_shows_the_photo(desk, alt):
    story = desk.published(placed_after=1)
    before = database_state()
    photo = Image.objects.get(pk=desk.photo.pk)
    photo.alt_text_ar = alt

    with pytest.raises(ValidationError) as refused:
        photo_services.image_update(image=photo, by=desk.editor)

    assert "النص البديل" in refused.value.messages[0]
    assert f"«{story.headline}»" in refused.value.messages[0]
    assert database_state() == before


@pytest.mark.parametrize(("count", "more"), [(5, ""), (6, " وقصة أخرى"), (7, " وقصتان أخريان"), (9, " و4 قصص أخرى")])
def test_a_photo_in_many_stories_names_a_few_and_counts_the_rest(desk, count, more):
    headlines = [f"خبر رقم {n} عن المعرض" for n in range(1, count + 1)]
    for headline in headlines:
        make_article(headline=headline, section=desk.section, lead_image=desk.photo)
    photo = Image.objects.get(pk=desk.photo.pk)
    photo.credit = None

    with pytest.raises(ValidationError) as refused:
        photo_services.image_update(image=photo, by=desk.editor)

    named = "، ".join(f"«{headline}»" for headline in headlines[:5])
    assert refused.value.messages[0].endswith(f"{named}{more}.")


def test_the_system_too_cannot_remove_the_credit_of_a_shown_photo(desk):
    desk.published(at=REFERENCE_TIME + timedelta(days=2))
    photo = Image.objects.get(pk=desk.photo.pk)
    photo.credit = None

    with pytest.raises(ValidationError):
        photo_services.image_update(image=photo)

    assert Image.objects.get(pk=desk.photo.pk).credit_id == desk.agency.pk


def test_a_photo_in_drafts_or_unpublished_stories_may_lose_its_credit(desk):
    desk.draft_by(desk.editor)
    withdrawn = desk.published(placed_after=None)
    services.article_unpublish(article=withdrawn, by=desk.editor)
    photo = Image.objects.get(pk=desk.photo.pk)
    photo.credit = None

    photo_services.image_update(image=photo, by=desk.editor)

    assert Image.objects.get(pk=desk.photo.pk).credit_id is None


def test_a_replaced_file_keeps_the_guard(desk):
    """A photo that lost its credit (a row from before the guard) gets no new file while a published
    story shows it: it is credited first."""
    desk.published()
    Image.objects.filter(pk=desk.photo.pk).update(credit=None)  # as a row from before the guard
    files = stored_files()
    data = jpeg_bytes(120, 90)
    _data, inspected = photo_services.image_inspect(file=ContentFile(data, name="new.jpg"))

    with pytest.raises(ValidationError):
        photo_services.image_store(image=Image.objects.get(pk=desk.photo.pk), data=data, inspected=inspected)

    assert stored_files() == files


def _store_blank_alt_text_as_an_old_row(photo: Image, alt: str) -> None:
    # Rows written before the text fields treated these characters alone as empty: raw SQL, past
    # the field.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Image._meta.db_table} SET alt_text_ar = %s WHERE id = %s", [alt, photo.pk])


@pytest.mark.parametrize("alt", ["ـــ", "\u200b\u200f", " \u2066\u2069 ", "\u064e\u0651"])
def test_an_old_row_with_blank_alt_text_is_missing_everywhere(desk, alt, staff_client):
    _store_blank_alt_text_as_an_old_row(desk.photo, alt)
    described = make_image()
    photo = Image.objects.get(pk=desk.photo.pk)
    assert photo.alt_text_ar == alt

    # Read from the row as it is: the publish guard and the warnings column.
    assert photo.missing_for_publication() == ["النص البديل"]
    assert "بلا نص بديل" in staff_client.get(admin_url("image_changelist")).content.decode()
    story = services.article_create(headline="قصة تنتظر النشر", section=desk.section, lead_image=photo)
    with pytest.raises(ValidationError):
        services.article_publish(article=story, by=desk.editor)
    assert Article.objects.get(pk=story.pk).status == Article.Status.DRAFT

    # The migration stores it as every write now does, for the «missing» filter and the desk's count.
    importlib.import_module("articles.migrations.0024_photo_rights").empty_blank_alt_texts(django_apps, None)

    assert Image.objects.get(pk=photo.pk).alt_text_ar == ""
    assert Image.objects.get(pk=described.pk).alt_text_ar == described.alt_text_ar
    listed = staff_client.get(admin_url("image_changelist"), {"missing": "alt"}).context["cl"].result_list
    assert [p.pk for p in listed] == [photo.pk]
    counts = {str(item.label): item.count for item in dashboard.desk_items(user=desk.editor)}
    assert counts["صور بلا حقوق أو نص بديل"] == 1


@pytest.mark.parametrize("alt", BLANK_ALT_TEXTS.values(), ids=BLANK_ALT_TEXTS.keys())
def test_every_write_stores_blank_alt_text_as_empty(desk, alt):
    Image.objects.filter(pk=desk.photo.pk).update(alt_text_ar=alt)
    assert Image.objects.get(pk=desk.photo.pk).alt_text_ar == ""
    photo = make_image(alt_text="وصف", caption="")
    photo.alt_text_ar = alt
    photo.save()
    assert Image.objects.get(pk=photo.pk).alt_text_ar == ""


# --- A replaced file reaches every page that shows the photo -------------------------------------

RENDITION = re.compile(r"/media/(renditions/[^\s\"',]+)")


def _renditions_shown(page: str) -> set[str]:
    return set(RENDITION.findall(page))


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.STORY_PARTS_SECONDS = 600


@pytest.mark.parametrize("change", ["a new file", "a moved focal point"])
def test_a_replaced_photo_reaches_the_story_and_home_pages_without_a_broken_image(
    change,
    desk,
    client,
    page_cache_on,
    served_media,  # noqa: F811 - the fixture imported above
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    story = desk.published()
    make_placement(article=story, image=make_image(), after_paragraph=None)  # another photo, unchanged
    pages = [story.get_absolute_url(), reverse("articles:home")]
    feed = reverse("articles:feed")  # its enclosure: a rendition too
    old = {url: _renditions_shown(client.get(url).content.decode()) for url in [*pages, feed]}
    old_names = {name for name in photo_services.rendition_names(desk.photo)}
    assert all(old[url] & old_names for url in [*pages, feed])
    assert all(client.get(url).headers.get("X-Page-Cache") == "hit" for url in pages)  # readers get kept copies

    # When the old renditions are deleted, the pages readers get already show the new ones.
    seen_at_deletion = []
    delete_files = photo_services.delete_files

    def deleting(storage, names):
        if set(names) & old_names:
            seen_at_deletion.extend(_renditions_shown(client.get(url).content.decode()) for url in pages)
        delete_files(storage, names)

    monkeypatch.setattr(photo_services, "delete_files", deleting)
    if change == "a new file":
        upload = SimpleUploadedFile("replacement.jpg", jpeg_bytes(400, 300, color=(200, 40, 40)), "image/jpeg")
        data = {**desk.form(), "file": upload}
    else:  # new crops under new names
        data = desk.form(focal_x="0.1", focal_y="0.9")
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(desk.editor).post(admin_url("image_change", desk.photo.pk), data)
    assert response.status_code == 302

    new_names = set(photo_services.rendition_names(Image.objects.get(pk=desk.photo.pk)))
    assert seen_at_deletion and all(not shown & old_names for shown in seen_at_deletion)
    for url in [*pages, feed]:
        shown = _renditions_shown(client.get(url).content.decode())
        assert shown & new_names, url
        assert not shown & old_names, url
        for name in shown:
            assert client.get(f"/media/{name}").status_code == 200, name
    for name in old_names:
        assert client.get(f"/media/{name}").status_code == 404, name
