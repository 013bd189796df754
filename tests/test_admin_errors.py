"""Refused, missing and failed admin pages: in Arabic and in the admin's look, never Django's bare English."""

from __future__ import annotations

import pytest
from django.test import Client
from reversion.models import Version

from articles.desk.admin import ArticleAdmin
from articles.stories import services

from .factories import make_section
from .test_permissions import admin_url, logged_in, newsroom_user

pytestmark = pytest.mark.django_db

HEADER = "غرفة أخبار صحيفة"


@pytest.fixture
def journalist(db):
    return newsroom_user("journalist")


def test_refused_action_is_an_arabic_page_in_the_admin_look(journalist, now):
    story = services.article_create(headline="قصتي", section=make_section(), by=journalist)
    version = Version.objects.get_for_object(story).first()

    response = logged_in(journalist).get(admin_url("article_revision", story.pk, version.pk))

    page = response.content.decode()
    assert response.status_code == 403
    assert "403 Forbidden" not in page
    assert '<html lang="ar" dir="rtl">' in page
    assert HEADER in page
    assert "لا تملك صلاحية هذا الإجراء" in page
    assert 'id="user-tools"' in page  # signed in: the admin's header, with their name and logout
    assert "العودة إلى مكتب التحرير" in page


def test_missing_admin_page_is_an_arabic_page_in_the_admin_look(journalist):
    response = logged_in(journalist).get("/admin/articles/no-such-thing/")

    page = response.content.decode()
    assert response.status_code == 404
    assert HEADER in page
    assert "الصفحة غير موجودة" in page
    assert "العودة إلى مكتب التحرير" in page


def test_failed_admin_page_is_an_arabic_page_in_the_admin_look(journalist, monkeypatch):
    def broken(self, request, **kwargs):
        raise RuntimeError("a bug in the story list")

    monkeypatch.setattr(ArticleAdmin, "get_changelist", broken)
    client = Client(raise_request_exception=False)
    client.force_login(journalist)

    response = client.get(admin_url("article_changelist"))

    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="ar" dir="rtl">' in page
    assert HEADER in page
    assert "حدث خطأ من جهتنا" in page


def test_reader_pages_keep_the_sites_own_404(db):
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert HEADER not in response.content.decode()
