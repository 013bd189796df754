"""The story list as an editor reads it in the browser."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ..factories import make_article
from .test_admin_editor import newsroom, site  # noqa: F401 - fixtures: an editor, a section; login

pytestmark = pytest.mark.browser

RIYADH = ZoneInfo("Asia/Riyadh")


def test_scheduled_story_is_listed_as_scheduled_with_its_time(newsroom, site, browser, wait):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    year = timezone.localtime().year + 1
    scheduled = make_article(
        headline="افتتاح الجسر الجديد",
        section=newsroom["section"],
        published_at=datetime(year, 12, 6, 9, tzinfo=RIYADH),
    )
    published = make_article(
        headline="نتائج الامتحانات", section=newsroom["section"], published_at=timezone.now() - timedelta(hours=2)
    )

    site.login()
    site.open("/admin/articles/article/")
    wait.until(EC.presence_of_element_located((By.ID, "result_list")))

    def status_of(story):
        row = browser.find_element(By.XPATH, f"//tr[.//a[normalize-space()='{story.headline_ar}']]")
        return row.find_element(By.CSS_SELECTOR, "td.field-status_shown").text

    assert status_of(scheduled) == f"مجدولة 06/12/{year} 9:00 ص"
    assert status_of(published) == "منشور"
