"""The Content-Security-Policy in a real browser: nothing it blocks is needed, and it does block.

Chromium reports every CSP violation on its console. The admin's story form (the rich-text
editor with its inline import map, the language tabs, the section autocomplete) and a reader's
story page must load with none; a script injected without the page's nonce must not run.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from articles.models import Section

pytestmark = pytest.mark.browser

USERNAME = "csp-editor"
PASSWORD = "sahifa-browser-csp-5521"
EDITOR_JS = """
const textarea = document.getElementById(arguments[0]);
const wrapper = textarea && textarea.closest('.prose-editor');
return wrapper ? wrapper.querySelector('.ProseMirror[contenteditable="true"]') : null;
"""


def _violations(browser) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]


@pytest.fixture
def signed_in(transactional_db, live_server, browser, wait, browser_settings, server_errors):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    get_user_model().objects.create_superuser(USERNAME, "csp@example.com", PASSWORD)
    browser.delete_all_cookies()
    browser.get(live_server.url + "/admin/login/?next=/admin/")
    wait.until(EC.visibility_of_element_located((By.NAME, "username"))).send_keys(USERNAME)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()
    wait.until(EC.presence_of_element_located((By.ID, "user-tools")))
    server_errors.check()
    browser.get_log("browser")  # start from an empty console
    return live_server.url


def test_admin_story_form_runs_its_editor_under_the_policy(signed_in, browser, wait, server_errors):
    browser.get(signed_in + "/admin/articles/article/add/")
    server_errors.check()

    editor = wait.until(
        lambda driver: driver.execute_script(EDITOR_JS, "id_body_ar"), message="the rich-text editor never started"
    )
    # The editor's base styles (white-space: pre-wrap) are injected at run time; they must apply.
    assert browser.execute_script("return getComputedStyle(arguments[0]).whiteSpace;", editor) in (
        "pre-wrap",
        "break-spaces",
    )
    assert _violations(browser) == []


def test_a_script_without_the_nonce_is_blocked(signed_in, browser, server_errors):
    browser.get(signed_in + "/admin/articles/article/add/")
    server_errors.check()
    browser.get_log("browser")

    ran = browser.execute_script(
        """
        window.__injected = false;
        const script = document.createElement('script');
        script.textContent = 'window.__injected = true;';
        document.head.appendChild(script);
        return window.__injected;
        """
    )

    assert ran is False
    assert _violations(browser), "Chromium reports the blocked script"


def test_reader_story_page_loads_without_violations(
    transactional_db, live_server, browser, browser_settings, server_errors
):
    from tests.factories import make_article

    with translation.override("ar"):
        section = Section.objects.create(name_ar="ثقافة", name_en="Culture", slug="ثقافة-csp")
        article = make_article(headline="مهرجان الكتاب يفتح أبوابه في عمّان", section=section)
        url = article.get_absolute_url()
    browser.delete_all_cookies()
    browser.get(live_server.url + "/")
    browser.get_log("browser")

    browser.get(live_server.url + url)
    server_errors.check()

    assert "مهرجان الكتاب" in browser.page_source
    assert _violations(browser) == []
