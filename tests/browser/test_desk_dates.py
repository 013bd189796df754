"""A journalist schedules a story by typing its date day first, as Arabic newsrooms write it."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from articles.models import Article

from .test_admin_editor import newsroom, site  # noqa: F401 - fixtures: an editor, a section; login and save

pytestmark = pytest.mark.browser

HEADLINE = "موعد افتتاح معرض الكتاب"
RIYADH = ZoneInfo("Asia/Riyadh")


def test_story_typed_for_6_december_is_scheduled_for_6_december(newsroom, site, browser, wait):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    # A year ahead, so «06/12» is in the future whenever the test runs; read month first it would
    # be June, and the story would be public for months.
    year = timezone.localtime().year + 1
    site.login()
    site.open("/admin/articles/article/add/")
    wait.until(EC.visibility_of_element_located((By.ID, "id_headline_ar"))).send_keys(HEADLINE)
    site.editor("id_body_ar").send_keys("يفتتح المعرض أبوابه للزوار في موعده.")
    site.choose_section(newsroom["section"])

    date = browser.find_element(By.ID, "id_published_at_0")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", date)
    # The field says which clock the time is on.
    row = date.find_element(By.XPATH, "ancestor::div[contains(@class, 'form-row')]")
    assert "بتوقيت غرفة الأخبار: Asia/Riyadh (UTC+03:00)." in row.text

    # The calendar writes the day first: pick the 15th (no month has 15 days' ambiguity).
    browser.find_element(By.ID, "calendarlink0").click()
    calendar = wait.until(EC.visibility_of_element_located((By.ID, "calendarbox0")))
    calendar.find_element(By.XPATH, ".//td[not(contains(@class, 'nonday'))]/a[normalize-space()='15']").click()
    # The calendar opens on the browser's month, which may not be the newsroom's on the 1st.
    assert re.fullmatch(r"15/(0[1-9]|1[0-2])/\d{4}", date.get_attribute("value")), date.get_attribute("value")

    # The journalist types the date instead, day first, and a time.
    date.clear()
    date.send_keys(f"06/12/{year}")
    time = browser.find_element(By.ID, "id_published_at_1")
    time.clear()
    time.send_keys("09:00")
    errors = site.save("schedule")
    assert not errors, f"the admin refused the story: {errors}"

    story = Article.objects.get(headline_ar=HEADLINE)
    assert story.published_at == datetime(year, 12, 6, 9, 0, tzinfo=RIYADH)
    assert not story.is_public
    assert not Article.objects.published().filter(pk=story.pk).exists()

    # Reopened, the form shows the date as it was typed.
    site.open(f"/admin/articles/article/{story.pk}/change/")
    shown_again = wait.until(EC.presence_of_element_located((By.ID, "id_published_at_0")))
    assert shown_again.get_attribute("value") == f"06/12/{year}"


def test_month_first_date_is_refused_with_a_message_in_arabic(newsroom, site, browser, wait):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    site.login()
    site.open("/admin/articles/article/add/")
    wait.until(EC.visibility_of_element_located((By.ID, "id_headline_ar"))).send_keys(HEADLINE)
    site.choose_section(newsroom["section"])
    embargo = browser.find_element(By.ID, "id_embargo_until_0")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", embargo)
    embargo.send_keys("12/31/2027")
    browser.find_element(By.ID, "id_embargo_until_1").send_keys("09:00")

    errors = site.save()

    assert any("اكتب التاريخ باليوم أولاً ثم الشهر ثم السنة" in error for error in errors), errors
    assert not Article.objects.filter(headline_ar=HEADLINE).exists()
    # What was typed stays in the form to be corrected.
    assert browser.find_element(By.ID, "id_headline_ar").get_attribute("value") == HEADLINE
