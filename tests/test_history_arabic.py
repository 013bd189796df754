"""History and restore pages in our Arabic: field names, reversion's own messages, people by name."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation
from reversion.models import Version

from articles.desk import django_messages
from articles.models import Article

from .factories import make_article
from .test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_editor(superuser):
    superuser.first_name, superuser.last_name = "رانيا", "الخطيب"
    superuser.save()
    return superuser


def test_every_history_field_name_and_reversion_message_reads_in_arabic():
    with translation.override("ar"):
        for message in django_messages.HISTORY_FIELDS + django_messages.REVERSION:
            text = str(message)
            assert re.search("[\u0621-\u064a]", text), text
            assert not re.search("[”“\"']", text), text
            assert "إسترجع" not in text


def test_every_field_of_the_story_form_has_an_arabic_name_for_history_notes(superuser):
    """Django keeps the untranslated label of each changed field; a new field needs an entry too."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    story_admin = admin.site.get_model_admin(Article)
    labels = set()
    with translation.override(None):
        forms = [story_admin.get_form(request)] + [
            inline.get_formset(request).form for inline in story_admin.get_inline_instances(request)
        ]
        for form in forms:
            labels |= {str(field.label) for name, field in form.base_fields.items() if name != "expected_version"}
    with translation.override("ar"):
        untranslated = {label for label in labels if translation.gettext(label) == label}

    assert not untranslated


def test_history_note_names_the_changed_fields_in_arabic_and_the_editor_by_name(staff_client, named_editor, now):
    story = make_article(headline="خبر عن الطقس", publish=False)
    data = form_data(staff_client.get(admin_url("article_change", story.pk)))
    data.update(desk_action="review", headline_ar="خبر عن الطقس غداً")
    assert staff_client.post(admin_url("article_change", story.pk), data).status_code == 302

    page = staff_client.get(admin_url("article_history", story.pk)).content.decode()

    assert "الحالة" in page and "العنوان [عربي]" in page
    assert "Status" not in page and "Headline" not in page
    assert "رانيا الخطيب" in page
    # The first version was written by the system (no one): shown as «—», not a failed page.
    assert "<td>—</td>" in page


def test_story_form_names_who_wrote_and_changed_the_story(staff_client, named_editor, now):
    story = make_article(headline="خبر عن الطقس", publish=False, by=named_editor)

    page = staff_client.get(admin_url("article_change", story.pk)).content.decode()

    assert "رانيا الخطيب" in page
    assert f">{named_editor.username}<" not in page


def test_restore_page_reads_in_our_arabic(staff_client, now):
    story = make_article(headline="خبر عن الطقس")
    version = Version.objects.get_for_object(story).first()

    page = staff_client.get(admin_url("article_revision", story.pk, version.pk)).content.decode()

    assert "إسترجع" not in page
    assert "استعادة قصة" in page
    assert "اضغط «حفظ» أدناه لاستعادة هذه النسخة." in page


def test_a_save_that_only_drops_the_stamps_fraction_of_a_second_shows_no_date_change(staff_client, now):
    story = make_article(headline="خبر عن الطقس", published_at=now.replace(second=12, microsecond=345678))
    data = form_data(staff_client.get(admin_url("article_change", story.pk)))
    data.update(headline_ar="خبر عن الطقس غداً")  # the form shows the time to the second
    assert staff_client.post(admin_url("article_change", story.pk), data).status_code == 302
    story.refresh_from_db()
    assert story.published_at.microsecond == 0  # the stored value did change, by a fraction
    old, new = Version.objects.get_for_object(story).order_by("pk")

    response = staff_client.get(admin_url("article_compare", story.pk), {"old": old.pk, "new": new.pk})

    labels = [str(difference.label) for difference in response.context["differences"]]
    assert labels == ["العنوان [عربي]"]


def test_compare_keeps_its_query_budget(staff_client, now, django_assert_max_num_queries):
    story = make_article(
        headline="خبر عن الطقس", tags=["طقس", "أمطار", "شتاء"], bylines=["وكالات", "مراسلنا", "فريق التحرير"]
    )
    data = form_data(staff_client.get(admin_url("article_change", story.pk)))
    data.update(headline_ar="خبر عن الطقس غداً", body_ar="<p>أمطار غزيرة.</p>")
    assert staff_client.post(admin_url("article_change", story.pk), data).status_code == 302
    old, new = Version.objects.get_for_object(story).order_by("pk")
    url = admin_url("article_compare", story.pk)
    staff_client.get(url, {"old": old.pk, "new": new.pk})

    with django_assert_max_num_queries(17):
        response = staff_client.get(url, {"old": old.pk, "new": new.pk})

    assert response.status_code == 200


def test_author_list_names_the_account_holder_not_the_login(staff_client, django_user_model):
    from articles.models import Author

    reporter = django_user_model.objects.create_user("s.qasem", first_name="سارة", last_name="القاسم", is_staff=True)
    Author.objects.create(name_ar="سارة القاسم", slug="sara", user=reporter)

    page = staff_client.get(admin_url("author_changelist")).content.decode()

    assert "s.qasem" not in page
    assert page.count("سارة القاسم") >= 2  # the byline name and the account's holder
