"""Screenshots of the demo's front page and live coverage page at 1366 and 390 px wide.

    .venv/bin/python bench/screenshots.py

A throwaway SQLite database gets ``load_demo`` (a curated front, a «عاجل» line and a live story),
gunicorn serves it on loopback for the few seconds the shots take, and Debian's headless Chromium
saves full-page PNGs to bench/results/screenshot-<page>-<width>.png (git-ignored).
"""

from __future__ import annotations

import re
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import ROOT, Server, environment, free_port, manage  # noqa: E402

RESULTS = ROOT / "bench" / "results"
WIDTHS = (1366, 390)
MAX_HEIGHT = 6000


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"):
        options.add_argument(arg)
    return webdriver.Chrome(options=options, service=Service(executable_path="/usr/bin/chromedriver"))


def shoot(driver, url: str, name: str) -> list[Path]:
    saved = []
    for width in WIDTHS:
        driver.set_window_size(width, 900)
        driver.get(url)
        height = min(driver.execute_script("return document.documentElement.scrollHeight"), MAX_HEIGHT)
        driver.set_window_size(width, height)
        path = RESULTS / f"screenshot-{name}-{width}.png"
        driver.save_screenshot(str(path))
        saved.append(path)
    return saved


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sahifa-shots-") as folder:
        workdir = Path(folder)
        env = environment(workdir, page_cache=True)
        env["DJANGO_SERVE_MEDIA"] = "1"  # the demo's photos, served by the application itself
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "load_demo", "--no-accounts")
        port = free_port()
        with Server(env, port):
            base = f"http://127.0.0.1:{port}"
            home = urllib.request.urlopen(base + "/", timeout=30).read().decode()  # noqa: S310 - loopback
            live = re.search(r'href="(/live/[^"]+/)"', home).group(1)
            driver = browser()
            try:
                saved = shoot(driver, base + "/", "front") + shoot(driver, base + live, "live")
            finally:
                driver.quit()
    for path in saved:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
