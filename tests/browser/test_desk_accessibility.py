"""The desk's own screens checked by axe-core in headless Chromium (WCAG 2.1 AA), as the reader
pages are: history, compare, restore and recover, a journalist's read-only story, the held
conflict and the autosave offer, the wire queue, the people admin, the admin's 403/404 pages and
the dashboard; and pictures of the screens a person reads on a laptop and on a phone.

The admin is always Arabic (newsroom.middleware.AdminLanguageMiddleware): there is no English
admin to check. The story form's own fields are checked where that form is built; here axe looks
at what these screens add to it (the conflict table, the autosave offer).
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from reversion.models import Version

from articles.models import AgencyItem, Article, Section
from articles.stories import services
from articles.wire import services as wire_services

from ..factories import make_agency, make_image, make_placement
from .test_accessibility import WCAG_21_AA, axe_source  # noqa: F401 - fixture: axe's script
from .test_drafts import PASSWORD, TYPED_BYLINE, TYPED_HEADLINE, Desk, new_browser, screenshot  # noqa: F401 - fixture
from .test_wire_queue import document

pytestmark = pytest.mark.browser

RUN_AXE_IN_JS = """
const done = arguments[arguments.length - 1];
const context = {include: [[arguments[1] || 'html']], exclude: arguments[2] ? [[arguments[2]]] : []};
axe.run(context, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(result => done({passes: result.passes.length, violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + n.failureSummary)}))}))
  .catch(error => done({passes: 0, violations: [{id: 'axe-error', help: String(error), nodes: []}]}));
"""


def _person(username, first_name, last_name, *, superuser=False, codenames=()):
    model = get_user_model()
    if superuser:
        user = model.objects.create_superuser(username, f"{username}@example.com", PASSWORD)
        user.first_name, user.last_name = first_name, last_name
        user.save()
        return user
    user = model.objects.create_user(
        username, password=PASSWORD, is_staff=True, first_name=first_name, last_name=last_name
    )
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))
    return user


@pytest.fixture
def desk_screens(transactional_db):
    """A newsroom with something on every desk screen: a story saved twice (text, a photo placed
    in it and a cited source changed), a deleted story to recover, a journalist, wire copy."""
    editor = _person("rania", "رانيا", "الخطيب", superuser=True)
    journalist = _person(
        "sara", "سارة", "القاسم", codenames=["view_article", "add_article", "change_article", "view_agencyitem"]
    )
    section = Section.objects.create(name_ar="محليات", name_en="Local", slug="محليات")
    reuters = make_agency(name="رويترز", name_en="Reuters")
    photo = make_image(credit=reuters, caption="الحديقة العامة", alt_text="أشجار وممرات في حديقة عامة")

    story = services.article_create(
        headline="افتتاح الحديقة العامة",
        section=section,
        body="<p>افتتحت البلدية الحديقة العامة صباح اليوم.</p>",
        by=editor,
    )
    services.article_set_sources(
        article=story, sources=[services.SourceInput(source=reuters, url="https://www.reuters.com/park")]
    )
    make_placement(article=story, image=photo, after_paragraph=1, caption="زوار الحديقة في يومها الأول")
    story.headline_ar = "افتتاح الحديقة الكبرى في عمّان"
    story.body_ar = "<p>افتتحت البلدية الحديقة الكبرى مساء اليوم بحضور الأهالي.</p>"
    story = services.article_save(article=story, by=editor)

    published = services.article_create(
        headline="البلدية تزرع ألف شجرة",
        section=section,
        body="<p>زرعت البلدية <strong>ألف شجرة</strong> في الأحياء الشرقية.</p>",
        by=editor,
        publish=True,
    )
    gone = services.article_create(headline="خبر حُذف خطأً", section=section, body="<p>نص قصير.</p>", by=editor)
    services.article_delete(article=gone, by=editor)

    for relative in ("dpa/german.json", "afp/french.json", "superdesk/text-ar-v2.json"):
        wire_services.article_import_ninjs(document=document(relative))
    # The agency's newer version of a story changed on the desk: held, its item page shows the difference.
    wired = Article.objects.get(agency_item__isnull=False)
    wired.body_ar = "<p>الغردقة — نص حرّره المحرر بعناية.</p>"
    services.article_save(article=wired)
    assert wire_services.article_import_ninjs(document=document("superdesk/text-ar-v3.json")).outcome == "held"
    return {
        "editor": editor,
        "journalist": journalist,
        "story": story,
        "published": published,
        "gone_version": Version.objects.get_deleted(Article).get(),
        "versions": list(Version.objects.get_for_object(story).order_by("pk")),
    }


def _axe(desk, script, scope=None, *, leave_out=None):
    desk.driver.set_script_timeout(60)
    desk.driver.execute_script(script)
    return desk.driver.execute_async_script(RUN_AXE_IN_JS, WCAG_21_AA, scope, leave_out)


def _assert_clean(result):
    assert result["violations"] == [], json.dumps(result["violations"], ensure_ascii=False, indent=2)
    assert result["passes"] > 5, "axe should have checked the screen"


# Elements wider than the window, so that the page scrolls sideways (a phone's screen).
OVERFLOW_JS = """
const scope = arguments[0] || document.body;
const width = document.documentElement.clientWidth;
return [...scope.querySelectorAll('*')]
  .filter(element => element.getBoundingClientRect().right > width + 1 || element.getBoundingClientRect().left < -1)
  .map(element => element.tagName + '.' + element.className);
"""


COLUMN_WIDTHS_JS = """
const cells = arguments[0].querySelectorAll('thead th');
return {table: arguments[0].getBoundingClientRect().width,
        before: cells[1].getBoundingClientRect().width, after: cells[2].getBoundingClientRect().width};
"""
# Selects a person sees that offer nothing to choose.
EMPTY_SELECTS_JS = """
return [...document.querySelectorAll('select')]
  .filter(select => select.offsetParent !== null && select.options.length === 0).map(select => select.id);
"""


def _assert_fits_a_phone(desk, css):
    size = desk.driver.get_window_size()
    desk.driver.set_window_size(390, 1000)
    try:
        assert desk.driver.execute_script(OVERFLOW_JS, desk.find(css)) == []
    finally:
        desk.driver.set_window_size(size["width"], size["height"])


def _go_dark(desk):
    """Click the admin's theme button, as a person does, until the page is dark."""
    for _click in range(3):
        if desk.driver.execute_script("return document.documentElement.dataset.theme;") == "dark":
            return
        desk.click(desk.find("button.theme-toggle"))
    assert desk.driver.execute_script("return document.documentElement.dataset.theme;") == "dark"


def _theme_back(desk):
    desk.driver.execute_script(
        "localStorage.setItem('theme', 'light'); document.documentElement.dataset.theme = 'light';"
    )


def _log_in(desk, username):
    desk.driver.delete_all_cookies()
    desk.log_in(username)


# Each screen: who looks at it, its address (from the fixture's objects) and what shows it is there.
SCREENS = {
    "dashboard": ("rania", lambda s: "/admin/", "#content-main"),
    "history": ("rania", lambda s: f"/admin/articles/article/{s['story'].pk}/history/", "#change-history"),
    "restore": (
        "rania",
        lambda s: f"/admin/articles/article/{s['story'].pk}/history/{s['versions'][0].pk}/",
        "#article_form",
    ),
    "recover-list": ("rania", lambda s: "/admin/articles/article/recover/", "#content-main"),
    "recover": (
        "rania",
        lambda s: f"/admin/articles/article/recover/{s['gone_version'].pk}/",
        "#article_form",
    ),
    "read-only": ("sara", lambda s: f"/admin/articles/article/{s['published'].pk}/change/", ".sahifa-readonly-body"),
    "wire-queue": ("rania", lambda s: "/admin/articles/agencyitem/", "#result_list"),
    "wire-item": (
        "rania",
        lambda s: f"/admin/articles/agencyitem/{AgencyItem.objects.get(has_newer_version=True).pk}/change/",
        ".wire-diff",
    ),
    "people": ("rania", lambda s: "/admin/auth/user/", "#result_list"),
    "person": ("rania", lambda s: f"/admin/auth/user/{s['journalist'].pk}/change/", "#user_form"),
    "new-person": ("rania", lambda s: "/admin/auth/user/add/", "#user_form"),
    "role": ("rania", lambda s: "/admin/auth/group/add/", "#group_form"),
    "forbidden": (
        "sara",
        lambda s: f"/admin/articles/article/{s['story'].pk}/history/{s['versions'][0].pk}/",
        "#content h1",
    ),
    "not-found": ("rania", lambda s: "/admin/articles/no-such-thing/", "#content h1"),
}


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("screen", SCREENS)
def test_axe_finds_no_wcag_21_aa_violations_on_the_desks_screens(
    screen,
    theme,
    desk_screens,
    live_server,
    browser,
    browser_settings,
    server_errors,
    axe_source,  # noqa: F811 - fixtures
):
    username, path, ready, *leave_out = SCREENS[screen]
    desk = Desk(browser, live_server, server_errors)
    _log_in(desk, username)
    # The admin's own theme switch keeps the choice in the browser, as a person's click does.
    browser.execute_script("localStorage.setItem('theme', arguments[0]);", theme)
    try:
        desk.open(path(desk_screens))
        desk.visible(ready)
        assert browser.execute_script("return document.documentElement.dataset.theme;") == theme

        _assert_clean(_axe(desk, axe_source, leave_out=leave_out[0] if leave_out else None))
    finally:
        _theme_back(desk)


def test_compare_of_two_revisions_with_a_photo_and_a_source_passes_axe(
    desk_screens,
    live_server,
    browser,
    browser_settings,
    server_errors,
    axe_source,  # noqa: F811 - fixtures
):
    story = desk_screens["story"]
    desk = Desk(browser, live_server, server_errors)
    _log_in(desk, "rania")
    desk.open(f"/admin/articles/article/{story.pk}/history/")
    desk.click(desk.find("#content-main form button[type=submit]"))
    table = desk.visible("table.sahifa-compare")
    server_errors.check()
    # What the editor came for is on the screen: the text, the photo placed and the source.
    assert "الكبرى" in table.text and "زوار الحديقة في يومها الأول" in table.text and "رويترز" in table.text

    _assert_clean(_axe(desk, axe_source))
    _go_dark(desk)
    _assert_clean(_axe(desk, axe_source))
    _theme_back(desk)
    screenshot(desk, "#content", "compare")
    size = browser.get_window_size()
    browser.set_window_size(390, 1000)
    try:
        # On a phone, "before" and "after" each get room to be read, and nothing runs off the side.
        widths = browser.execute_script(COLUMN_WIDTHS_JS, table)
        assert min(widths["before"], widths["after"]) >= 0.3 * widths["table"], widths
        assert browser.execute_script(OVERFLOW_JS, table) == []
    finally:
        browser.set_window_size(size["width"], size["height"])


def test_journalists_read_only_story_and_the_refused_page_pass_axe_at_a_phones_width(
    desk_screens,
    live_server,
    browser,
    browser_settings,
    server_errors,
    axe_source,  # noqa: F811 - fixtures
):
    desk = Desk(browser, live_server, server_errors)
    _log_in(desk, "sara")
    for path, ready, name in (
        (f"/admin/articles/article/{desk_screens['published'].pk}/change/", ".sahifa-readonly-body", "read-only"),
        (
            f"/admin/articles/article/{desk_screens['story'].pk}/history/{desk_screens['versions'][0].pk}/",
            "#content h1",
            "forbidden",
        ),
    ):
        desk.open(path)
        desk.visible(ready)
        assert browser.execute_script(EMPTY_SELECTS_JS) == [], name
        screenshot(desk, "#content", name)
        size = browser.get_window_size()
        browser.set_window_size(390, 1000)
        try:
            # Nothing runs off the side of a phone's screen, and axe finds nothing at that width either.
            assert browser.execute_script(OVERFLOW_JS) == [], name
            _assert_clean(_axe(desk, axe_source))
        finally:
            browser.set_window_size(size["width"], size["height"])


def test_autosave_offer_passes_axe(desk_screens, live_server, browser, browser_settings, server_errors, axe_source):  # noqa: F811
    story = desk_screens["story"]
    change = f"/admin/articles/article/{story.pk}/change/"
    desk = Desk(browser, live_server, server_errors)
    _log_in(desk, "rania")
    desk.open(change)
    desk.type_into("#id_headline_ar", TYPED_HEADLINE, clear=True)
    desk.type_into("#id_bylines-0-text", TYPED_BYLINE)
    desk.wait_for_autosave([TYPED_BYLINE])
    desk.open(change)  # back to the story later, unsaved text waiting
    offer = desk.visible(".sahifa-draft-offer")
    assert TYPED_BYLINE in offer.text
    # Fields named in words, as in the revision compare, not by language codes.
    assert "العنوان [عربي]" in offer.text and "[ar]" not in offer.text

    _assert_clean(_axe(desk, axe_source, ".sahifa-draft-offer"))
    _go_dark(desk)
    _assert_clean(_axe(desk, axe_source, ".sahifa-draft-offer"))
    _theme_back(desk)
    screenshot(desk, ".sahifa-draft-offer", "autosave-restore")
    _assert_fits_a_phone(desk, ".sahifa-draft-offer")


def test_held_conflict_screen_passes_axe(
    desk_screens,
    live_server,
    browser,
    new_browser,  # noqa: F811 - fixture
    browser_settings,
    server_errors,
    axe_source,  # noqa: F811 - fixtures
):
    story = desk_screens["story"]
    change = f"/admin/articles/article/{story.pk}/change/"
    _person("khaled", "خالد", "منصور", superuser=True)
    browser.delete_all_cookies()
    rania = Desk(browser, live_server, server_errors)
    khaled = Desk(new_browser(), live_server, server_errors)
    rania.log_in("rania")
    khaled.log_in("khaled")
    rania.open(change)
    khaled.open(change)
    rania.type_into("#id_headline_ar", TYPED_HEADLINE, clear=True)
    rania.save()
    assert rania.finds(".messagelist .success")
    khaled.type_into("#id_dek_ar", "سطر تمهيدي كتبه خالد")
    khaled.save()
    conflict = khaled.visible(".sahifa-conflict")
    assert "رانيا الخطيب" in conflict.text
    assert "العنوان [عربي]" in conflict.text and "[ar]" not in conflict.text

    _assert_clean(_axe(khaled, axe_source, ".sahifa-conflict"))
    _go_dark(khaled)
    _assert_clean(_axe(khaled, axe_source, ".sahifa-conflict"))
    _theme_back(khaled)
    screenshot(khaled, ".sahifa-conflict", "conflict")
    _assert_fits_a_phone(khaled, ".sahifa-conflict")
