"""People on the desk: another journalist's draft stays theirs on a photo's page, and colleagues
are shown by their names, not their logins, wherever the admin names them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.models import Author
from articles.stories import services

from .factories import make_image, make_placement, make_section
from .test_permissions import admin_url, logged_in, newsroom_user

pytestmark = pytest.mark.django_db

SECRET = "مسودة سرية عن مصدر في الوزارة"


@pytest.fixture
def shared_photo(now):
    """One photo: the lead of Reem's draft, placed in Sara's draft and in a published story."""
    reem = newsroom_user("journalist", username="reem", first_name="ريم", last_name="عيسى")
    sara = newsroom_user("journalist", username="sara.q", first_name="سارة", last_name="القاسم")
    editor = newsroom_user("editor")
    section = make_section()
    photo = make_image()
    photo.uploaded_by = sara
    photo.save()
    mine = services.article_create(headline="مسودة سارة عن السوق", section=section, body="<p>نص.</p>", by=sara)
    secret = services.article_create(headline=SECRET, section=section, lead_image=photo, by=reem)
    published = services.article_create(
        headline="السوق يفتح أبوابه", section=section, body="<p>نص.</p>", by=editor, publish=True
    )
    make_placement(article=mine, image=photo, after_paragraph=1)
    make_placement(article=published, image=photo, after_paragraph=1)
    return {"photo": photo, "sara": sara, "editor": editor, "mine": mine, "secret": secret, "published": published}


def test_photo_page_names_no_other_journalists_draft_but_says_the_photo_is_used(
    shared_photo, django_assert_max_num_queries
):
    client = logged_in(shared_photo["sara"])
    url = admin_url("image_change", shared_photo["photo"].pk)
    client.get(url)

    # 11 measured, three stories using the photo: they are listed in one query, marked by who may open them.
    with django_assert_max_num_queries(11):
        response = client.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert SECRET not in page
    assert admin_url("article_change", shared_photo["secret"].pk) not in page
    assert "مسودة سارة عن السوق" in page and "السوق يفتح أبوابه" in page
    assert "وقصة أخرى لا يمكنك فتحها" in page


def test_editor_sees_every_story_using_the_photo(shared_photo):
    page = logged_in(shared_photo["editor"]).get(admin_url("image_change", shared_photo["photo"].pk)).content.decode()

    assert SECRET in page and "مسودة سارة عن السوق" in page and "السوق يفتح أبوابه" in page
    assert "لا يمكنك فتحها" not in page


def test_photo_page_names_who_uploaded_it_by_name(shared_photo):
    page = logged_in(shared_photo["editor"]).get(admin_url("image_change", shared_photo["photo"].pk)).content.decode()

    assert "سارة القاسم" in page
    assert "sara.q" not in page


def test_account_box_of_an_author_offers_and_shows_people_by_name(superuser):
    holder = get_user_model().objects.create_user(
        "s.qasem", first_name="سارة", last_name="القاسم", is_staff=True, password="sahifa-test-8812"
    )
    author = Author.objects.create(name_ar="سارة القاسم", slug="sara", user=holder)
    client = logged_in(superuser)

    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "author", "field_name": "user", "term": "القاسم"},
    ).json()
    page = client.get(admin_url("author_change", author.pk)).content.decode()

    assert found["results"] == [{"id": str(holder.pk), "text": "سارة القاسم"}]
    assert f'<option value="{holder.pk}" selected>سارة القاسم</option>' in page
    assert "s.qasem" not in page
