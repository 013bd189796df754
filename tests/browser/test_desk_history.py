"""History an editor reads and restores, in the browser."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from reversion.models import Version

from articles.models import Article
from articles.stories import services

from .test_admin_editor import EDITOR_JS, newsroom, site  # noqa: F401 - fixtures: an editor, a section; login

pytestmark = pytest.mark.browser

FIRST = "<p>افتتحت البلدية الحديقة العامة صباح اليوم.</p>"
SECOND = "<p>افتتحت البلدية الحديقة الكبرى مساء اليوم.</p>"


def _violations(browser) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]


@pytest.fixture
def edited_story(newsroom):  # noqa: F811
    editor = newsroom["user"]
    story = services.article_create(headline="افتتاح الحديقة", section=newsroom["section"], body=FIRST, by=editor)
    story.body_ar = SECOND
    return services.article_save(article=story, by=editor)


def test_restore_page_runs_its_editor_under_the_policy_and_restores(edited_story, site, browser, wait):  # noqa: F811
    from selenium.webdriver.common.by import By

    site.login()
    site.open(f"/admin/articles/article/{edited_story.pk}/history/")
    browser.get_log("browser")  # start from an empty console
    first = Version.objects.get_for_object(edited_story).order_by("pk").first()
    browser.find_element(By.CSS_SELECTOR, f'a[href$="/history/{first.pk}/"]').click()

    editor = wait.until(
        lambda driver: driver.execute_script(EDITOR_JS, "id_body_ar"),
        message="the rich-text editor never started on the restore page",
    )
    assert "الحديقة العامة صباح" in editor.text
    assert _violations(browser) == []

    # The restore page's own button («احفظ»), as its instructions say.
    errors = site.save(None)
    assert not errors, errors
    edited_story.refresh_from_db()
    assert "الحديقة العامة صباح" in edited_story.body_ar


def test_compare_shows_words_added_and_removed_in_the_text_with_labels(edited_story, site, browser, wait):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    site.login()
    site.open(f"/admin/articles/article/{edited_story.pk}/history/")
    browser.find_element(By.CSS_SELECTOR, "#content-main form button[type=submit]").click()
    table = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "table.sahifa-compare")))

    row = table.find_element(By.XPATH, ".//tr[th[normalize-space()='النص [عربي]']]")
    removed = [element.text for element in row.find_elements(By.CSS_SELECTOR, "del")]
    added = [element.text for element in row.find_elements(By.CSS_SELECTOR, "ins")]
    assert removed == ["العامة صباح"]
    assert added == ["الكبرى مساء"]
    assert "<p>" not in row.text
    # Colours an editor can tell apart, and words that say which is which.
    deleted_background = browser.execute_script(
        "return getComputedStyle(arguments[0]).backgroundColor;", row.find_element(By.CSS_SELECTOR, "del")
    )
    added_background = browser.execute_script(
        "return getComputedStyle(arguments[0]).backgroundColor;", row.find_element(By.CSS_SELECTOR, "ins")
    )
    assert deleted_background != added_background
    legend = browser.find_element(By.CSS_SELECTOR, ".sahifa-compare__legend").text
    assert "حُذف" in legend and "أُضيف" in legend


def test_journalist_reads_a_published_story_as_readers_see_its_text(newsroom, site, browser, wait):  # noqa: F811
    from django.contrib.auth.models import Permission
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    journalist = get_user_model().objects.create_user("sara", password="sahifa-browser-test-3315", is_staff=True)
    journalist.user_permissions.set(
        Permission.objects.filter(content_type__app_label="articles", codename__in=["view_article", "change_article"])
    )
    story = services.article_create(
        headline="افتتاح الحديقة",
        section=newsroom["section"],
        body="<p>افتتحت البلدية <strong>الحديقة</strong> صباح اليوم.</p>",
        by=newsroom["user"],
        publish=True,
    )
    assert Article.objects.get(pk=story.pk).status == Article.Status.PUBLISHED
    site.login(username="sara", password="sahifa-browser-test-3315")
    site.open(f"/admin/articles/article/{story.pk}/change/")

    body = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".sahifa-readonly-body[lang=ar]")))
    assert body.text == "افتتحت البلدية الحديقة صباح اليوم."
    assert body.find_element(By.CSS_SELECTOR, "strong").text == "الحديقة"
    assert "<p>" not in browser.find_element(By.ID, "content-main").text
    assert browser.execute_script("return getComputedStyle(arguments[0]).direction;", body) == "rtl"


def test_history_names_changed_fields_in_arabic_and_people_by_name(edited_story, newsroom, site, browser, wait):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    editor = newsroom["user"]
    editor.first_name, editor.last_name = "رانيا", "الخطيب"
    editor.save()
    site.login()
    site.open(f"/admin/articles/article/{edited_story.pk}/change/")
    headline = wait.until(EC.visibility_of_element_located((By.ID, "id_headline_ar")))
    headline.send_keys(" الكبرى")
    assert not site.save("review")
    message = browser.find_element(By.CSS_SELECTOR, ".messagelist .success").text
    assert "«" in message and "”" not in message and "نجحت" not in message

    # The desk's buttons leave the editor on the story: from there, its history.
    assert browser.find_element(By.ID, "id_headline_ar").get_attribute("value") == edited_story.headline_ar + " الكبرى"
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "a.historylink"))).click()
    table = wait.until(EC.visibility_of_element_located((By.ID, "change-history")))
    latest = table.find_element(By.CSS_SELECTOR, "tbody tr")
    assert "العنوان [عربي]" in latest.text and "الحالة" in latest.text
    assert "Status" not in table.text and "Headline" not in table.text
    assert "رانيا الخطيب" in latest.text
