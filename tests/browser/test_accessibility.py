"""Reader pages checked by real tools: axe-core in headless Chromium (WCAG 2.1 AA) and the Nu Html Checker.

Both come from npm (package.json, installed by `make install-dev` with `npm ci`); nothing is
downloaded while the tests run. Java runs vnu.jar. Without them the tests fail under CI and
are skipped on a developer's machine that lacks them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.utils import translation

from articles.front import services as front_services
from articles.live import services as live_services
from articles.site.live import live_url

from ..factories import make_agency, make_article, make_author, make_image, make_section

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = ("home", "story", "tag", "search", "english-story", "live")

RUN_AXE_JS = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(result => done({passes: result.passes.length, violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + n.failureSummary)}))}))
  .catch(error => done({passes: 0, violations: [{id: 'axe-error', help: String(error), nodes: []}]}));
"""


def _need(paths_ok: bool, message: str):
    if paths_ok:
        return
    if os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def axe_source() -> str:
    _need(AXE.exists(), f"{AXE} is missing: run `make install-dev` (npm ci)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    java = shutil.which("java")
    _need(VNU.exists(), f"{VNU} is missing: run `make install-dev` (npm ci)")
    _need(java is not None, "Java is needed for the Nu Html Checker: apt-get install -y default-jre-headless")
    return [java, "-jar", str(VNU)]


@pytest.fixture
def reader_site(transactional_db, live_server, browser_settings):
    """A small newsroom with every kind of thing a reader page shows."""
    section = make_section(name="سياسة", name_en="Politics", slug="سياسة")
    make_section(name="اقتصاد", name_en="Economy", slug="اقتصاد")
    author = make_author(name="ليلى حداد", name_en="Layla Haddad")
    afp = make_agency(name="فرانس برس", name_en="AFP")
    nbc = make_agency(name="NBC News", name_en="NBC News")
    photo = make_image(
        credit=afp,
        width=640,
        height=427,
        caption="وزراء الخارجية خلال الجلسة الافتتاحية",
        alt_text="طاولة اجتماعات طويلة يجلس حولها مسؤولون",
        translations={"en": {"caption": "Ministers at the opening session", "alt_text": "A long meeting table"}},
    )
    story = make_article(
        headline="وزراء خارجية عرب يبحثون في عمّان خطة لإعادة الإعمار",
        dek="الاجتماع التشاوري يناقش صندوقاً مشتركاً.",
        body="<p>افتتح وزراء الخارجية اجتماعاً تشاورياً.</p><blockquote><p>الإعمار يبدأ الآن</p></blockquote>"
        "<p>وقال مسؤول لشبكة NBC News إن الخطة جاهزة.</p>",
        section=section,
        lead_image=photo,
        tags=["الشرق الأوسط", "الدبلوماسية"],
        bylines=[author, "وكالات"],
        sources=[nbc, afp],
        english={
            "headline": "Arab foreign ministers discuss a reconstruction plan",
            "dek": "The meeting weighs a joint fund.",
            "body": "<p>Foreign ministers opened a consultative meeting.</p>",
        },
    )
    for n in range(3):
        make_article(
            headline=f"خبر مرتبط رقم {n} عن الإعمار",
            section=section,
            tags=["الشرق الأوسط"],
            bylines=[author],
            lead_image=make_image(credit=afp, width=640, height=427),
        )
    with translation.override("ar"):
        tag_url = story.tags.get(name="الشرق الأوسط").get_absolute_url()
        story_url = story.get_absolute_url()
    with translation.override("en"):
        english_url = story.get_absolute_url()
    # A live coverage with a pinned and a breaking update, leading the front under a breaking line.
    coverage = live_services.live_start(article=story)
    for text, breaking in (("بدء الاجتماع", False), ("اتفاق مبدئي على الصندوق", True)):
        update = live_services.live_add_update(coverage=coverage, text=text, is_breaking=breaking)
    live_services.live_pin(update=update)
    front_services.front_place(article=story, language="ar", position=0)
    front_services.breaking_set(language="ar", text="اتفاق مبدئي على صندوق الإعمار", article=story)
    with translation.override("ar"):
        live_address = live_url(story)
    return {
        "live": live_address,
        "home": "/",
        "story": story_url,
        "tag": tag_url,
        "search": "/search/?q=" + quote("الإعمار"),
        "english-story": english_url,
    }


@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_no_wcag_21_aa_violations(page, reader_site, live_server, browser, axe_source, server_errors):
    browser.get(live_server.url + reader_site[page])
    server_errors.check()
    browser.set_script_timeout(60)
    browser.execute_script(axe_source)

    result = browser.execute_async_script(RUN_AXE_JS, WCAG_21_AA)

    assert result["violations"] == [], json.dumps(result["violations"], ensure_ascii=False, indent=2)
    assert result["passes"] > 10, "axe should have checked the page"  # it ran, and checked something


@pytest.mark.parametrize("page", PAGES)
def test_nu_html_checker_finds_no_errors(page, reader_site, live_server, vnu_command, tmp_path):
    # The HTML as the server sends it, not as the browser has since changed it.
    with urllib.request.urlopen(live_server.url + reader_site[page], timeout=30) as response:  # noqa: S310 - the live server
        assert response.status == 200
        html = response.read()
    document = tmp_path / f"{page}.html"
    document.write_bytes(html)

    result = subprocess.run(
        [*vnu_command, "--errors-only", "--format", "json", "--stdout", str(document)],
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert result.returncode in (0, 1), result.stderr
    messages = json.loads(result.stdout)["messages"]
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert errors == [], json.dumps(errors, ensure_ascii=False, indent=2)
