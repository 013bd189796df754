"""An editor works the wire queue in a real browser: finds German copy, makes it a story to
translate, and applies an agency's newer version to a story changed on the desk."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from articles.models import AgencyItem, Article, Section
from articles.stories.services import article_save
from articles.wire import services as wire_services

from ..factories import data_path

pytestmark = pytest.mark.browser

USERNAME = "nadia"
PASSWORD = "sahifa-wire-browser-test-5120"
DIALECTS = data_path("ninjs-dialects")


def document(relative: str) -> dict:
    return json.loads((DIALECTS / relative).read_text(encoding="utf-8"))


@pytest.fixture
def wire_desk(transactional_db):
    get_user_model().objects.create_superuser(USERNAME, "nadia@example.com", PASSWORD)
    Section.objects.create(name_ar="العالم", name_en="World", slug="world")
    for relative in ("dpa/german.json", "afp/french.json", "superdesk/text-ar-v2.json"):
        wire_services.article_import_ninjs(document=document(relative))
    story = Article.objects.get()
    story.body_ar = "<p>الغردقة — نص حرّره المحرر بعناية.</p>"
    article_save(article=story)
    assert wire_services.article_import_ninjs(document=document("superdesk/text-ar-v3.json")).outcome == "held"
    return story


@pytest.fixture
def desk(live_server, browser, wait, browser_settings, server_errors):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select

    class Desk:
        def open(self, path):
            browser.get(live_server.url + path)
            server_errors.check()

        def login(self):
            browser.delete_all_cookies()
            self.open("/admin/login/?next=/admin/")
            wait.until(EC.visibility_of_element_located((By.NAME, "username"))).send_keys(USERNAME)
            browser.find_element(By.NAME, "password").send_keys(PASSWORD)
            browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()
            wait.until(EC.presence_of_element_located((By.ID, "user-tools")))

        def row(self, text):
            return wait.until(
                lambda driver: next(
                    (row for row in driver.find_elements(By.CSS_SELECTOR, "#result_list tbody tr") if text in row.text),
                    None,
                )
            )

        def run_action(self, row_text, action):
            self.row(row_text).find_element(By.CSS_SELECTOR, "input.action-select").click()
            Select(browser.find_element(By.NAME, "action")).select_by_value(action)
            browser.find_element(By.CSS_SELECTOR, 'button[name="index"]').click()
            wait.until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".messagelist li"))
            server_errors.check()
            return [li.text for li in browser.find_elements(By.CSS_SELECTOR, ".messagelist li")]

    return Desk()


def test_editor_makes_german_copy_a_story_and_applies_a_newer_version(wire_desk, desk, browser, wait):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    desk.login()
    desk.open("/admin/articles/agencyitem/")

    assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    urgent = desk.row("Séisme de magnitude 6")
    assert "عاجل" in urgent.text, "AFP's urgency 1 is flagged for the desk"
    assert "نسخة أحدث من الوكالة" in desk.row("مصر تفتتح أكبر محطة").text

    search = browser.find_element(By.ID, "searchbar")
    search.send_keys("Wasserstoff", Keys.ENTER)
    wait.until(lambda driver: "q=Wasserstoff" in driver.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert len(rows) == 1 and "Bundesregierung" in rows[0].text

    messages = desk.run_action("Bundesregierung", "make_story")

    assert any("صُنعت قصة واحدة" in message for message in messages), messages
    entry = AgencyItem.objects.get(language="de")
    assert entry.article is not None and entry.article.is_translation_needed
    assert entry.article.status == Article.Status.REVIEW

    held = AgencyItem.objects.get(has_newer_version=True)
    desk.open(f"/admin/articles/agencyitem/{held.pk}/change/")
    diff = wait.until(lambda driver: driver.find_element(By.CSS_SELECTOR, ".wire-diff"))
    assert "حرّره" in diff.find_element(By.CSS_SELECTOR, "del").text
    assert any("مئتي" in ins.text for ins in diff.find_elements(By.CSS_SELECTOR, "ins"))

    desk.open("/admin/articles/agencyitem/")
    messages = desk.run_action("مصر تفتتح أكبر محطة", "apply_newer_version")

    assert any("طُبّقت النسخة الأحدث على قصة واحدة" in message for message in messages), messages
    wire_desk.refresh_from_db()
    assert "مئتي ألف متر مكعب" in wire_desk.body_ar and wire_desk.wire_version == "3"
    assert "نسخة أحدث من الوكالة" not in desk.row("مصر تفتتح أكبر محطة").text


def test_translator_reads_the_agency_original_beside_the_story(wire_desk, desk, browser, wait):
    from selenium.webdriver.common.by import By

    desk.login()
    desk.open("/admin/articles/agencyitem/")
    desk.run_action("Bundesregierung", "make_story")
    link = desk.row("Bundesregierung").find_element(By.CSS_SELECTOR, 'a[href*="/admin/articles/article/"]')
    # The queue's table is wider than the window: the editor scrolls to the story's column.
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center'});", link)
    link.click()

    panel = wait.until(lambda driver: driver.find_element(By.CSS_SELECTOR, "details.sahifa-original"))
    original = panel.find_element(By.CSS_SELECTOR, ".sahifa-original__text")
    assert original.get_attribute("lang") == "de" and original.get_attribute("dir") == "ltr"
    assert original.is_displayed(), "a story waiting for translation opens with its original shown"
    assert "Das Bundeskabinett hat am Freitag" in original.text and "Anna Schmidt" in original.text
    assert "الألمانيّة" in panel.find_element(By.TAG_NAME, "summary").text

    panel.find_element(By.TAG_NAME, "summary").click()
    wait.until(lambda driver: not original.is_displayed())
    panel.find_element(By.TAG_NAME, "summary").click()
    wait.until(lambda driver: original.is_displayed())
