"""The «someone else is editing this story» banner is readable in the admin's light and dark schemes."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from articles.desk import presence
from articles.stories import services

from .test_admin_editor import newsroom, site  # noqa: F401 - fixtures: an editor, a section; login

pytestmark = pytest.mark.browser

# WCAG 2.1 contrast of an element's text against its own background.
CONTRAST_JS = """
const style = getComputedStyle(arguments[0]);
const channels = value => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
const luminance = rgb => {
  const [r, g, b] = rgb.map(c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const [a, b] = [luminance(channels(style.color)), luminance(channels(style.backgroundColor))];
return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
"""


def test_presence_banner_has_readable_contrast_in_light_and_dark_mode(newsroom, site, browser, wait):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    story = services.article_create(headline="جلسة البرلمان", section=newsroom["section"], by=newsroom["user"])
    colleague = get_user_model().objects.create_user("khaled", first_name="خالد", last_name="منصور", is_staff=True)
    presence.mark_editing(article_id=story.pk, user=colleague)
    site.login()

    def banner_contrast(theme):
        browser.execute_script("localStorage.setItem('theme', arguments[0]);", theme)
        site.open(f"/admin/articles/article/{story.pk}/change/")
        banner = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".sahifa-presence")))
        assert "خالد منصور" in banner.text
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("data-theme") == theme
        return browser.execute_script(CONTRAST_JS, banner)

    try:
        assert banner_contrast("light") >= 4.5
        assert banner_contrast("dark") >= 4.5
        # «Auto» follows the system's scheme: a dark system.
        browser.execute_cdp_cmd(
            "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]}
        )
        assert banner_contrast("auto") >= 4.5
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        browser.execute_script("localStorage.removeItem('theme');")
