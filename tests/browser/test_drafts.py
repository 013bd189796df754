"""Never lose work, in real browsers: autosave keeps each writer's unsaved text on the server
for them alone, through a crash, a closed browser or an expired session; and two editors saving
the same story each keep what they wrote."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.http import QueryDict

from articles.models import Article, Section, StoryDraft
from articles.stories import services

from .conftest import CHROMIUM_ARGS, WAIT_SECONDS

pytestmark = pytest.mark.browser

PASSWORD = "sahifa-browser-test-5307"
HEADLINE = "الحكومة تقر خطة النقل العام"
TYPED_HEADLINE = "البرلمان يناقش خطة الحافلات الكهربائية في عمّان"
TYPED_PARAGRAPH = "قال وزير النقل إن أول خط سيعمل في الربيع المقبل"
TYPED_BYLINE = "ريم الخطيب"
RESTORE = "استعادة النص غير المحفوظ"

# The ProseMirror editing surface of a field, found from its textarea's .prose-editor wrapper.
EDITOR_JS = """
const textarea = document.getElementById(arguments[0]);
const wrapper = textarea && textarea.closest('.prose-editor');
return wrapper ? wrapper.querySelector('.ProseMirror[contenteditable="true"]') : null;
"""


def _editor(username, first_name, last_name):
    # Transactional tests empty the database, data migrations included: the editors' group again.
    group, _created = Group.objects.get_or_create(name="محرر")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="articles"))
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=True, first_name=first_name, last_name=last_name
    )
    user.groups.add(group)
    return user


@pytest.fixture
def newsroom(transactional_db):
    hala = _editor("hala", "هالة", "سليم")
    khaled = _editor("khaled", "خالد", "منصور")
    section = Section.objects.create(name_ar="محليات", name_en="Local", slug="محليات")
    story = services.article_create(headline=HEADLINE, body="<p>فقرة أولى عن الخطة.</p>", section=section, by=khaled)
    return {"hala": hala, "khaled": khaled, "section": section, "story": story}


@pytest.fixture
def new_browser(chromium_paths):
    """Start more Chromiums (a fresh profile each), as a person opens a new browser; all quit at the end."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    started = []

    def start():
        chromium, chromedriver = chromium_paths
        profile = tempfile.mkdtemp(prefix="sahifa-chromium-profile-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(chromium)
        for arg in CHROMIUM_ARGS:
            options.add_argument(arg)
        options.add_argument(f"--user-data-dir={profile}")
        options.add_argument("--lang=en-US")
        driver = webdriver.Chrome(options=options, service=Service(executable_path=str(chromedriver)))
        driver.set_page_load_timeout(60)
        started.append((driver, profile))
        return driver

    yield start
    for driver, profile in started:
        try:
            driver.quit()
        except Exception:  # noqa: BLE001 - a browser the test already quit
            pass
        shutil.rmtree(profile, ignore_errors=True)


class Desk:
    """One person at one browser."""

    def __init__(self, driver, live_server, server_errors):
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver = driver
        self.url = live_server.url
        self.server_errors = server_errors
        self.wait = WebDriverWait(driver, WAIT_SECONDS)

    def open(self, path):
        self.driver.get(self.url + path)
        self.server_errors.check()

    def find(self, css):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def finds(self, css):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def visible(self, css):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC

        return self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)), message=css)

    def log_in(self, username, *, next_path="/admin/"):
        self.open(f"/admin/login/?next={next_path}")
        self.fill_login(username)

    def fill_login(self, username):
        self.visible("#id_username").send_keys(username)
        self.find("#id_password").send_keys(PASSWORD)
        self.click(self.find("#login-form [type=submit]"))
        self.visible("#user-tools")
        self.server_errors.check()

    def click(self, element):
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()

    def type_into(self, css, text, *, clear=False):
        element = self.visible(css)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        if clear:
            element.clear()
        element.send_keys(text)

    def body_editor(self, textarea_id="id_body_ar"):
        return self.wait.until(
            lambda driver: driver.execute_script(EDITOR_JS, textarea_id), message=f"no editor for #{textarea_id}"
        )

    def type_paragraph(self, text):
        from selenium.webdriver.common.keys import Keys

        editor = self.body_editor()
        self.click(editor)
        editor.send_keys(Keys.CONTROL, Keys.END)
        editor.send_keys(Keys.ENTER, text)

    def wait_for_autosave(self, contains):
        """Wait, as a writer does, for the «kept» note; and until the copy holds the last words typed."""
        self.wait.until(
            lambda driver: "حُفظت نسخة" in self.find(".sahifa-autosave__status").text,
            message="autosave never said it kept the text",
        )
        self.wait.until(
            lambda driver: any(all(text in _values(draft) for text in contains) for draft in StoryDraft.objects.all()),
            message="the unsaved copy never held the typed text",
        )

    def save(self, action="draft"):
        """Press one of the story form's action buttons («حفظ المسودة» unless told)."""
        from selenium.webdriver.support import expected_conditions as EC

        button = self.find(f'button[name="desk_action"][value="{action}"]')
        self.click(button)
        # The page it was pressed on may already show a message: wait for the next page first.
        self.wait.until(EC.staleness_of(button), message="the pressed button never led to another page")
        self.wait.until(
            lambda driver: self.finds(".messagelist .success") or self.finds(".errornote, .errorlist"),
            message="saving led neither to a success message nor to form errors",
        )
        self.server_errors.check()


SCREENSHOTS = Path(settings.BASE_DIR) / "bench" / "results"


def screenshot(desk, css, name):
    """The screen a person sees, at a laptop's width and a phone's, for the desk's record."""
    size = desk.driver.get_window_size()
    try:
        for width in (1366, 390):
            desk.driver.set_window_size(width, 1000)
            desk.driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", desk.find(css))
            desk.driver.save_screenshot(str(SCREENSHOTS / f"desk-{name}-{width}.png"))
    finally:
        desk.driver.set_window_size(size["width"], size["height"])


def _values(draft) -> str:
    return "\n".join(value for _name, values in QueryDict(draft.data).lists() for value in values)


def test_text_typed_before_the_browser_died_comes_back_after_logging_in_again(
    newsroom, live_server, new_browser, browser_settings, server_errors, settings
):
    settings.SESSION_COOKIE_AGE = 30
    story = newsroom["story"]
    change = f"/admin/articles/article/{story.pk}/change/"

    first = Desk(new_browser(), live_server, server_errors)
    first.log_in("hala")
    logged_in_at = time.monotonic()
    first.open(change)
    first.type_into("#id_headline_ar", TYPED_HEADLINE, clear=True)
    first.type_paragraph(TYPED_PARAGRAPH)
    first.type_into("#id_bylines-0-text", TYPED_BYLINE)
    first.wait_for_autosave([TYPED_BYLINE, TYPED_PARAGRAPH])
    first.driver.quit()  # the browser crashes; nothing was saved

    assert Article.objects.get(pk=story.pk).headline_ar == HEADLINE
    time.sleep(max(0.0, settings.SESSION_COOKIE_AGE + 1 - (time.monotonic() - logged_in_at)))

    second = Desk(new_browser(), live_server, server_errors)
    second.open(change)
    second.fill_login("hala")  # the session has expired: the login form comes first
    second.open(change)
    offer = second.visible(".sahifa-draft-offer")
    assert "البرلمان يناقش خطة الحافلات الكهربائية" in offer.text
    assert TYPED_BYLINE in offer.text
    screenshot(second, ".sahifa-draft-offer", "autosave-restore")
    # Offered, not imposed: the form still shows the stored story until the writer chooses.
    assert second.find("#id_headline_ar").get_attribute("value") == HEADLINE

    second.click(second.driver.find_element("link text", RESTORE))

    assert second.visible("#id_headline_ar").get_attribute("value") == TYPED_HEADLINE
    assert TYPED_PARAGRAPH in second.body_editor().text
    assert second.find("#id_bylines-0-text").get_attribute("value") == TYPED_BYLINE
    assert not second.finds(".sahifa-draft-offer")

    second.save()
    assert second.finds(".messagelist .success")
    stored = Article.objects.get(pk=story.pk)
    assert stored.headline_ar == TYPED_HEADLINE
    assert TYPED_PARAGRAPH in stored.body_ar
    assert [byline.text for byline in stored.bylines.all()] == [TYPED_BYLINE]
    assert not StoryDraft.objects.exists()  # the saved story cleared the copy
    second.open(change)
    assert not second.finds(".sahifa-draft-offer")


def test_someone_else_logging_in_on_the_same_browser_is_offered_nothing(
    newsroom, live_server, browser, browser_settings, server_errors, settings
):
    settings.SESSION_COOKIE_AGE = 12
    story = newsroom["story"]
    change = f"/admin/articles/article/{story.pk}/change/"
    browser.delete_all_cookies()
    desk = Desk(browser, live_server, server_errors)

    desk.log_in("hala")
    logged_in_at = time.monotonic()
    desk.open(change)
    desk.type_into("#id_headline_ar", TYPED_HEADLINE, clear=True)
    desk.type_into("#id_bylines-0-text", TYPED_BYLINE)
    desk.wait_for_autosave([TYPED_BYLINE])
    desk.open("/admin/")  # hala walks away; her session runs out
    time.sleep(max(0.0, settings.SESSION_COOKIE_AGE + 1 - (time.monotonic() - logged_in_at)))

    desk.open(change)
    desk.fill_login("khaled")
    desk.open(change)
    desk.visible("#id_headline_ar")
    page = desk.driver.page_source
    assert RESTORE not in page
    assert TYPED_HEADLINE not in page
    assert TYPED_BYLINE not in page
    assert desk.find("#id_headline_ar").get_attribute("value") == HEADLINE
    desk.open(change + "?draft=restore")  # even asking for it by address gives him nothing
    assert desk.visible("#id_headline_ar").get_attribute("value") == HEADLINE
    assert TYPED_BYLINE not in desk.driver.page_source
    # Hala's copy is still there, hers alone.
    assert list(StoryDraft.objects.values_list("user__username", flat=True)) == ["hala"]


def test_text_typed_while_the_session_cookie_expires_survives_the_login(
    newsroom, live_server, browser, browser_settings, server_errors, settings
):
    settings.SESSION_COOKIE_AGE = 8
    story = newsroom["story"]
    change = f"/admin/articles/article/{story.pk}/change/"
    browser.delete_all_cookies()
    desk = Desk(browser, live_server, server_errors)

    desk.log_in("hala")
    logged_in_at = time.monotonic()
    desk.open(change)
    desk.type_into("#id_headline_ar", TYPED_HEADLINE, clear=True)
    # Still writing when the cookie runs out in the browser.
    time.sleep(max(0.0, settings.SESSION_COOKIE_AGE + 1 - (time.monotonic() - logged_in_at)))
    assert not any(cookie["name"] == settings.SESSION_COOKIE_NAME for cookie in browser.get_cookies())
    desk.type_paragraph(TYPED_PARAGRAPH)
    desk.type_into("#id_bylines-0-text", TYPED_BYLINE)
    desk.click(desk.find('button[name="desk_action"][value="draft"]'))

    desk.fill_login("hala")  # the admin asks her to log in again, and brings her back to the story
    assert Article.objects.get(pk=story.pk).headline_ar == HEADLINE  # nothing saved behind her back
    desk.open(change)
    offer = desk.visible(".sahifa-draft-offer")
    assert TYPED_BYLINE in offer.text
    desk.click(desk.driver.find_element("link text", RESTORE))

    assert desk.visible("#id_headline_ar").get_attribute("value") == TYPED_HEADLINE
    assert TYPED_PARAGRAPH in desk.body_editor().text
    assert desk.find("#id_bylines-0-text").get_attribute("value") == TYPED_BYLINE


THEIR_HEADLINE = "الحكومة تقر خطة النقل العام بعد نقاش طويل"
THEIR_PARAGRAPH = "وصوّت المجلس بالإجماع على الخطة"
MY_DEK = "سطر تمهيدي كتبه خالد في متصفح آخر"


def test_two_editors_save_one_story_and_both_keep_their_work(
    newsroom, live_server, browser, new_browser, browser_settings, server_errors
):
    from selenium.webdriver.support import expected_conditions as EC

    story = newsroom["story"]
    services.article_set_bylines(
        article=story, bylines=[services.BylineInput(text="هالة سليم"), services.BylineInput(text="وكالات")]
    )
    change = f"/admin/articles/article/{story.pk}/change/"
    browser.delete_all_cookies()
    hala = Desk(browser, live_server, server_errors)
    khaled = Desk(new_browser(), live_server, server_errors)
    hala.log_in("hala")
    khaled.log_in("khaled")
    hala.open(change)
    khaled.open(change)

    # Hala removes the second byline, rewrites the headline, adds a paragraph and saves.
    hala.click(hala.visible("#id_bylines-1-DELETE"))
    hala.type_into("#id_headline_ar", THEIR_HEADLINE, clear=True)
    hala.type_paragraph(THEIR_PARAGRAPH)
    hala.save()
    assert hala.finds(".messagelist .success")

    # Khaled, on the page he opened before, writes a dek and sends the story for review: held.
    khaled.type_into("#id_dek_ar", MY_DEK)
    khaled.save("review")
    stored = Article.objects.get(pk=story.pk)
    assert (stored.headline_ar, stored.dek_ar, stored.status) == (THEIR_HEADLINE, "", Article.Status.DRAFT)
    errors = " ".join(element.text for element in khaled.finds(".errorlist"))
    assert "هالة سليم" in errors and "لم يُحفظ شيء من نسختك" in errors
    assert "هالة سليم" in khaled.find(".sahifa-conflict").text
    rows = {row.get_attribute("data-field"): row for row in khaled.finds(".sahifa-conflict__row")}
    assert THEIR_HEADLINE.split()[-1] in rows["headline_ar"].find_element("css selector", "td").text
    assert "غيّروه هم" in rows["headline_ar"].text
    assert THEIR_PARAGRAPH in rows["body_ar"].text
    assert MY_DEK in rows["dek_ar"].text
    assert "bylines" not in rows  # the byline she deleted neither blocks the save nor comes back

    def chosen(field):
        return rows[field].find_element("css selector", "input[type=radio]:checked").get_attribute("value")

    assert (chosen("headline_ar"), chosen("body_ar"), chosen("dek_ar")) == ("theirs", "theirs", "mine")
    labels = rows["headline_ar"].text
    assert "احتفظ بنسختي" in labels and "خذ نسختهم" in labels

    screenshot(khaled, ".sahifa-conflict", "conflict")
    merged_save = khaled.find(".sahifa-conflict__save")
    khaled.click(merged_save)
    khaled.wait.until(EC.staleness_of(merged_save), message="the merged save never left the conflict screen")
    khaled.wait.until(
        lambda driver: khaled.finds(".messagelist .success") or khaled.finds(".errornote"),
        message="the merged save led nowhere",
    )
    server_errors.check()
    assert not khaled.finds(".errornote"), khaled.find(".errornote").text
    stored = Article.objects.get(pk=story.pk)
    assert stored.headline_ar == THEIR_HEADLINE
    assert THEIR_PARAGRAPH in stored.body_ar
    assert stored.dek_ar == MY_DEK
    assert stored.status == Article.Status.REVIEW  # the merged save did what he had asked
    assert khaled.find(".messagelist .success").text.startswith(f"أُرسلت القصة «{THEIR_HEADLINE}» إلى المراجعة")
    assert [byline.text for byline in stored.bylines.all()] == ["هالة سليم"]
    assert stored.updated_by == newsroom["khaled"]

    # And he saves again later without any error.
    khaled.type_into("#id_dek_ar", " اليوم")
    khaled.save()
    assert khaled.finds(".messagelist .success") and not khaled.finds(".errornote")
    assert Article.objects.get(pk=story.pk).dek_ar == MY_DEK + " اليوم"


def test_a_new_story_typed_in_a_tab_that_closed_comes_back_on_the_add_form(
    newsroom, live_server, new_browser, browser_settings, server_errors
):
    add = "/admin/articles/article/add/"
    first = Desk(new_browser(), live_server, server_errors)
    first.log_in("hala")
    first.open(add)
    first.type_into("#id_headline_ar", TYPED_HEADLINE)
    first.type_paragraph(TYPED_PARAGRAPH)
    first.type_into("#id_bylines-0-text", TYPED_BYLINE)
    first.wait_for_autosave([TYPED_HEADLINE, TYPED_PARAGRAPH, TYPED_BYLINE])
    first.driver.quit()
    assert not Article.objects.filter(headline_ar=TYPED_HEADLINE).exists()

    second = Desk(new_browser(), live_server, server_errors)
    second.log_in("hala")
    second.open(add)
    assert TYPED_BYLINE in second.visible(".sahifa-draft-offer").text
    assert second.find("#id_headline_ar").get_attribute("value") == ""
    second.click(second.driver.find_element("link text", RESTORE))

    assert second.visible("#id_headline_ar").get_attribute("value") == TYPED_HEADLINE
    assert TYPED_PARAGRAPH in second.body_editor().text
    assert second.find("#id_bylines-0-text").get_attribute("value") == TYPED_BYLINE

    # Khaled, on his own browser, starts from an empty form.
    third = Desk(new_browser(), live_server, server_errors)
    third.log_in("khaled")
    third.open(add)
    assert third.visible("#id_headline_ar").get_attribute("value") == ""
    assert not third.finds(".sahifa-draft-offer")
