"""An editor arranges the home page in the desk, in a real browser, and a reader sees the order."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.stories import services

from .test_admin_editor import newsroom, site  # noqa: F401 - fixtures shared with the editor's tests

pytestmark = pytest.mark.browser


def front_order(browser) -> list[str]:
    """The headlines of the lead and the top places, top to bottom, as the reader's page shows them."""
    from selenium.webdriver.common.by import By

    return [
        element.text
        for element in browser.find_elements(
            By.CSS_SELECTOR, '[data-front="lead"] .card__headline, [data-front="top"] .card__headline'
        )
    ]


def test_editor_rearranges_the_front_page_and_a_reader_sees_it(newsroom, site, browser, wait):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select

    now = timezone.now()
    headlines = ["الأمطار تغمر الشوارع", "افتتاح معرض الكتاب", "فوز المنتخب في النهائي"]
    for hours, headline in enumerate(headlines):
        services.article_create(
            headline=headline,
            section=newsroom["section"],
            body="<p>نص</p>",
            publish=True,
            publish_at=now - timedelta(hours=hours + 1),
        )
    chosen = headlines[2]  # the oldest: without the editor it would be third

    site.login()
    site.open("/admin/articles/frontslot/add/")
    # Pick the story in its autocomplete box by typing part of its headline.
    selection = browser.find_element(By.CSS_SELECTOR, "#id_article + .select2 .select2-selection")
    selection.click()
    search = wait.until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".select2-container--open .select2-search__field"))
    )
    search.send_keys("المنتخب")
    wait.until(
        EC.element_to_be_clickable(
            (By.XPATH, f"//li[contains(@class, 'select2-results__option') and contains(normalize-space(), '{chosen}')]")
        )
    ).click()
    Select(browser.find_element(By.ID, "id_place")).select_by_value("0")
    assert site.save(None) == []

    # A second story in the first top place, then the editor moves it up with its button.
    site.open("/admin/articles/frontslot/add/")
    browser.find_element(By.CSS_SELECTOR, "#id_article + .select2 .select2-selection").click()
    wait.until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".select2-container--open .select2-search__field"))
    ).send_keys("معرض")
    wait.until(
        EC.element_to_be_clickable(
            (By.XPATH, "//li[contains(@class, 'select2-results__option') and contains(normalize-space(), 'معرض')]")
        )
    ).click()
    Select(browser.find_element(By.ID, "id_place")).select_by_value("1")
    assert site.save(None) == []

    up = browser.find_element(By.CSS_SELECTOR, 'button[name="step"][value="-1"]:not([disabled])')
    assert "معرض" in up.get_attribute("aria-label")
    up.click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .success")))

    # A reader (no session) opens the home page.
    browser.delete_all_cookies()
    site.open("/")
    order = front_order(browser)
    assert order[:3] == ["افتتاح معرض الكتاب", chosen, "الأمطار تغمر الشوارع"]
    assert re.search("lead-story--text", browser.page_source)
