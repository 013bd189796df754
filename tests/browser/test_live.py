"""A journalist posts a live update from the desk and a reader's open page shows it without
reloading; with JavaScript off the live page reads in full."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from articles.live import services as live
from articles.models import Section
from articles.site.live import live_url
from articles.stories import services

pytestmark = pytest.mark.browser

PASSWORD = "sahifa-browser-live-5521"


@pytest.fixture
def coverage(transactional_db, settings):
    settings.LIVE_POLL_SECONDS = 1
    User = get_user_model()
    # A transactional test empties the tables the data migrations filled: the two roles, again.
    editors, _ = Group.objects.get_or_create(name="محرر")
    editors.permissions.add(*Permission.objects.filter(codename__in=["publish_article", "view_article"]))
    journalists, _ = Group.objects.get_or_create(name="صحفي")
    journalists.permissions.add(*Permission.objects.filter(codename__in=["view_article", "add_article"]))
    editor = User.objects.create_user("khaled", password=PASSWORD, is_staff=True, first_name="خالد", last_name="منصور")
    editor.groups.add(editors)
    journalist = User.objects.create_user(
        "sara", password=PASSWORD, is_staff=True, first_name="سارة", last_name="القاسم"
    )
    journalist.groups.add(journalists)
    section = Section.objects.create(name_ar="محليات", name_en="Local", slug="محليات")
    story = services.article_create(
        headline="فيضانات في الجنوب: تغطية مباشرة",
        section=section,
        body="<p>أمطار غزيرة تغمر المدن الجنوبية.</p>",
        publish=True,
        publish_at=timezone.now(),
    )
    coverage = live.live_start(article=story, by=editor)
    live.live_add_update(coverage=coverage, text="ارتفاع منسوب المياه في الوادي.", by=editor)
    live.live_grant(coverage=coverage, user=journalist, by=editor)
    return coverage


def test_journalist_posts_an_update_and_an_open_reader_page_shows_it(
    coverage, live_server, browser, wait, browser_settings, server_errors
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    address = live_server.url + live_url(coverage.article)
    browser.delete_all_cookies()
    browser.get(address)
    server_errors.check()
    assert "ارتفاع منسوب المياه" in browser.find_element(By.ID, "live-updates").text
    reader = browser.current_window_handle

    # The journalist, in a second window, posts from the coverage's quick form.
    browser.switch_to.new_window("window")
    browser.get(live_server.url + "/admin/login/?next=/admin/")
    wait.until(EC.visibility_of_element_located((By.NAME, "username"))).send_keys("sara")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()
    wait.until(EC.presence_of_element_located((By.ID, "user-tools")))
    browser.get(live_server.url + f"/admin/articles/livecoverage/{coverage.pk}/change/")
    box = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".live-desk__quick textarea")))
    box.send_keys("إجلاء مئة عائلة من الحي المنخفض.")
    browser.find_element(By.CSS_SELECTOR, '.live-desk__quick [name="_post_update"]').click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .success")))
    server_errors.check()
    browser.close()

    # Back on the reader's page, never reloaded: the update appears on top.
    browser.switch_to.window(reader)
    marker = browser.execute_script("window.__notReloaded = true; return window.__notReloaded;")
    assert marker
    wait.until(
        lambda driver: "إجلاء مئة عائلة" in driver.find_element(By.CSS_SELECTOR, "#live-updates .live-update").text,
        message="the new update never appeared on the open page",
    )
    assert browser.execute_script("return window.__notReloaded === true;")
    server_errors.check()


def test_live_page_reads_fully_without_javascript(
    coverage, live_server, browser, wait, browser_settings, server_errors
):
    from selenium.webdriver.common.by import By

    live.live_add_update(coverage=coverage, text="وصول فرق الإنقاذ.", by=None)
    browser.delete_all_cookies()
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(live_server.url + live_url(coverage.article))
        server_errors.check()
        text = browser.find_element(By.TAG_NAME, "main").text
        assert "أمطار غزيرة تغمر المدن الجنوبية" in text
        assert "وصول فرق الإنقاذ" in text and "ارتفاع منسوب المياه" in text
        # Each update's own link works as a plain link.
        link = browser.find_element(By.CSS_SELECTOR, ".live-update__meta a")
        link.click()
        assert "#update-" in browser.current_url
        browser.get(live_server.url + "/")
        assert "فيضانات في الجنوب" in browser.find_element(By.TAG_NAME, "main").text
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
