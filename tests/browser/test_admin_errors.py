"""A journalist who follows a link to something their role does not allow gets the admin's
own page in Arabic, and a way back to the desk."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from reversion.models import Version

from articles.models import Section
from articles.stories import services

from .test_admin_editor import site  # noqa: F401 - fixture: login and page loads on the live server

pytestmark = pytest.mark.browser

PASSWORD = "sahifa-browser-test-7730"


@pytest.fixture
def journalist_story(transactional_db):
    journalist = get_user_model().objects.create_user(
        "sara", password=PASSWORD, is_staff=True, first_name="سارة", last_name="القاسم"
    )
    journalist.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles", codename__in=["view_article", "add_article", "change_article"]
        )
    )
    section = Section.objects.create(name_ar="محليات", name_en="Local", slug="محليات")
    story = services.article_create(headline="قصة سارة", section=section, by=journalist)
    return journalist, story


def test_refused_page_is_arabic_in_the_admin_look_with_a_way_back(journalist_story, site, browser, wait):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    _journalist, story = journalist_story
    version = Version.objects.get_for_object(story).first()
    site.login(username="sara", password=PASSWORD)

    # Restoring an old version is for editors; the journalist opens its address all the same.
    site.open(f"/admin/articles/article/{story.pk}/history/{version.pk}/")

    heading = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#content h1")))
    assert heading.text == "لا تملك صلاحية هذا الإجراء"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    assert browser.find_element(By.ID, "site-name").text == "غرفة أخبار صحيفة"
    assert "Forbidden" not in browser.find_element(By.TAG_NAME, "body").text

    browser.find_element(By.LINK_TEXT, "العودة إلى مكتب التحرير").click()
    wait.until(EC.url_to_be(site.url + "/admin/"))
    assert wait.until(EC.visibility_of_element_located((By.ID, "user-tools")))
