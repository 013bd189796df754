"""Fixtures for the real-browser tests: Debian's headless Chromium driven by Selenium.

Nothing here downloads a browser or a driver: both paths are given explicitly,
so Selenium Manager never runs. Without Chromium the tests fail under CI (which
must install it) and are skipped on a developer's machine that lacks it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1600",
)

# Generous for a loaded 2-core CI machine, short enough to fail fast on a real hang.
WAIT_SECONDS = 20


def _missing_browser_message() -> str | None:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if not missing:
        return None
    return (
        f"Browser tests need Debian's chromium and chromium-driver; missing: {', '.join(missing)}. "
        "Install them with: apt-get install -y chromium chromium-driver"
    )


@pytest.fixture(scope="session")
def chromium_paths():
    """The browser and driver paths, or a skip (a fail under CI) when they are not installed."""
    message = _missing_browser_message()
    if message:
        if os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return CHROMIUM, CHROMEDRIVER


@pytest.fixture(scope="session")
def browser(chromium_paths):
    """One headless Chromium for the session, with a fresh throwaway profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = chromium_paths
    profile = tempfile.mkdtemp(prefix="sahifa-chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={profile}")
    # The admin must come up in Arabic because the site defaults to it, not
    # because the browser asks for it: an English browser checks that.
    options.add_argument("--lang=en-US")
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(chromedriver))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def wait(browser):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, WAIT_SECONDS)


@pytest.fixture
def browser_settings(settings, tmp_path):
    """Uploads go to a temporary folder; static files are served unhashed (no collectstatic in tests)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return settings


class _ServerErrors(logging.Handler):
    """Collects what the live server logs as a failed request, tracebacks included."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def check(self):
        """Fail at once, with the server's traceback, instead of waiting for an element that never comes."""
        if self.records:
            formatter = logging.Formatter()
            details = "\n\n".join(
                record.getMessage() + ("\n" + formatter.formatException(record.exc_info) if record.exc_info else "")
                for record in self.records
            )
            pytest.fail(f"The live server failed a request:\n{details}", pytrace=False)


@pytest.fixture
def server_errors():
    handler = _ServerErrors()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failing browser test, keep a screenshot and the page's HTML, and say where."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    driver = item.funcargs.get("browser")
    if driver is None:
        return
    folder = Path(tempfile.mkdtemp(prefix="sahifa-browser-failure-"))
    name = re.sub(r"[^\w.-]+", "_", item.name)
    lines = []
    try:
        lines.append(f"page: {driver.current_url}")
        screenshot, html = folder / f"{name}.png", folder / f"{name}.html"
        driver.save_screenshot(str(screenshot))
        lines.append(f"screenshot: {screenshot}")
        html.write_text(driver.page_source, encoding="utf-8")
        lines.append(f"html: {html}")
        console = folder / f"{name}.console.txt"
        console.write_text(
            "\n".join(f"{entry['level']} {entry['message']}" for entry in driver.get_log("browser")), encoding="utf-8"
        )
        lines.append(f"browser console: {console}")
    except Exception as exc:  # noqa: BLE001 - a failed screenshot must not hide the real failure
        lines.append(f"could not save a screenshot: {exc!r}")
    text = "\n".join(lines)
    print(f"\nBrowser failure artefacts for {item.nodeid}:\n{text}")
    report.sections.append(("browser failure artefacts", text))
