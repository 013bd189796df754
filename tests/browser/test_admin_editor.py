"""An editor writes an Arabic story in the admin, in a real browser, and a reader sees it.

Driven by Selenium in Debian's headless Chromium against pytest-django's live
server. What only a browser can show is checked here: the Arabic admin is right
to left, the rich-text editor (django-prose-editor's ProseMirror) types Arabic
right to left and English left to right, its menu formats text, the section's
autocomplete box works, and the published story reads right to left.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from articles.models import Agency, Article, Section

pytestmark = pytest.mark.browser

USERNAME = "rania"
PASSWORD = "sahifa-browser-test-9431"

HEADLINE = "افتتاح مكتبة عامة جديدة في وسط عمّان"
PARAGRAPH_START = "استقبلت المكتبة زوارها الأوائل صباح اليوم "
PARAGRAPH_BOLD = "بحضور مئات القرّاء"
QUOTE = "المكتبة بيت لكل من يحب القراءة"

# The ProseMirror editing surface of a field, found from its textarea's .prose-editor wrapper.
EDITOR_JS = """
const textarea = document.getElementById(arguments[0]);
const wrapper = textarea && textarea.closest('.prose-editor');
return wrapper ? wrapper.querySelector('.ProseMirror[contenteditable="true"]') : null;
"""
# Where a paragraph's text, a list's indent and a quote's rule sit inside an editor, in pixels.
SIDES_JS = """
const editor = arguments[0];
const px = value => parseFloat(value);
const gaps = (outer, inner) => ({left: inner.left - outer.left, right: outer.right - inner.right});
const contentBox = element => {
  const rect = element.getBoundingClientRect(), style = getComputedStyle(element);
  return {
    left: rect.left + px(style.borderLeftWidth) + px(style.paddingLeft),
    right: rect.right - px(style.borderRightWidth) - px(style.paddingRight),
  };
};
const paragraph = editor.querySelector(':scope > p');
const range = document.createRange();
range.selectNodeContents(paragraph);
const list = editor.querySelector('ul');
const quote = getComputedStyle(editor.querySelector('blockquote'));
return {
  // From the edges of the paragraph's content box to its text.
  text: gaps(contentBox(paragraph), range.getBoundingClientRect()),
  // From the list's edges to its first item: the indent, where the bullet hangs.
  list: gaps(list.getBoundingClientRect(), list.querySelector('li').getBoundingClientRect()),
  quote: {left: px(quote.borderLeftWidth), right: px(quote.borderRightWidth)},
};
"""
COMPUTED_STYLE_JS = "return getComputedStyle(arguments[0]).getPropertyValue(arguments[1]);"


@pytest.fixture
def newsroom(transactional_db):
    """An editor account, a section to file under and an agency, as a live newsroom would have."""
    user = get_user_model().objects.create_superuser(USERNAME, "rania@example.com", PASSWORD)
    section = Section.objects.create(name_ar="ثقافة", name_en="Culture", slug="ثقافة")
    agency = Agency.objects.create(
        name_ar="رويترز", name_en="Reuters", slug="reuters", website="https://www.reuters.com/"
    )
    return {"user": user, "section": section, "agency": agency}


@pytest.fixture
def site(live_server, browser, wait, browser_settings, server_errors):
    """Navigation helpers bound to the live server; each page load fails fast on a server error."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    class Site:
        url = live_server.url

        def open(self, path):
            browser.get(self.url + path)
            server_errors.check()

        def login(self, username=USERNAME, password=PASSWORD):
            browser.delete_all_cookies()
            self.open("/admin/login/?next=/admin/")
            wait.until(EC.visibility_of_element_located((By.NAME, "username"))).send_keys(username)
            browser.find_element(By.NAME, "password").send_keys(password)
            browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()
            wait.until(EC.presence_of_element_located((By.ID, "user-tools")))
            server_errors.check()

        def editor(self, textarea_id):
            """Wait for django-prose-editor to replace the textarea and return its editing surface."""
            return wait.until(
                lambda driver: driver.execute_script(EDITOR_JS, textarea_id),
                message=f"no ProseMirror editor appeared for #{textarea_id}",
            )

        def style(self, element, prop):
            return browser.execute_script(COMPUTED_STYLE_JS, element, prop)

        def show_language_tab(self, field_id):
            """Bring a translated field to the front with the story form's language switch
            («العربية» / «English version»), as a writer would."""
            language = field_id.rsplit("_", 1)[1]
            switches = browser.find_elements(By.CSS_SELECTOR, f'.sahifa-language [data-language="{language}"]')
            if switches:
                switches[0].click()
                wait.until(
                    lambda driver: (
                        driver.find_element(By.ID, field_id)
                        .find_element(By.XPATH, "ancestor::div[contains(@class, 'form-row')]")
                        .is_displayed()
                    )
                )

        def choose_section(self, section):
            """Pick the section in its autocomplete (select2) box by typing, as an editor would."""
            from selenium.webdriver.support.ui import Select

            selection = browser.find_element(By.CSS_SELECTOR, "#id_section + .select2 .select2-selection")
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", selection)
            selection.click()
            search = wait.until(
                EC.visibility_of_element_located((By.CSS_SELECTOR, ".select2-container--open .select2-search__field"))
            )
            search.send_keys(section.name_ar[:2])
            option = wait.until(
                EC.element_to_be_clickable(
                    (
                        By.XPATH,
                        "//li[contains(@class, 'select2-results__option')"
                        " and not(contains(@class, 'loading-results'))"
                        f" and normalize-space()='{section.name_ar}']",
                    )
                ),
                message=f"the section autocomplete never offered {section.name_ar}",
            )
            option.click()
            wait.until(lambda driver: Select(driver.find_element(By.ID, "id_section")).first_selected_option.text)
            assert browser.find_element(By.ID, "id_section").get_attribute("value") == str(section.pk)

        def save(self, action="draft"):
            """Press an action's button (save draft, publish now…), or with action=None the plain
            «احفظ» button of a form without actions (a front's place, the restore page), and
            return the form's error messages (none when the admin took it)."""
            if action is None:
                button = browser.find_element(By.CSS_SELECTOR, 'input[type="submit"][name="_save"]')
            else:
                button = browser.find_element(By.CSS_SELECTOR, f'button[name="desk_action"][value="{action}"]')
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
            button.click()
            wait.until(
                lambda driver: (
                    driver.find_elements(By.CSS_SELECTOR, ".messagelist .success")
                    or driver.find_elements(By.CSS_SELECTOR, ".errornote, .errorlist")
                ),
                message="saving led neither to a success message nor to form errors",
            )
            server_errors.check()
            return [element.text for element in browser.find_elements(By.CSS_SELECTOR, ".errornote, .errorlist")]

    return Site()


def test_editor_writes_arabic_story_that_readers_see_right_to_left(newsroom, site, browser, wait):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC

    section = newsroom["section"]
    site.login()

    # The admin is in Arabic, right to left, though the browser asks for English.
    site.open("/admin/articles/article/add/")
    html = wait.until(EC.presence_of_element_located((By.TAG_NAME, "html")))
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "ar"

    headline = wait.until(EC.visibility_of_element_located((By.ID, "id_headline_ar")))
    assert headline.get_attribute("dir") == "rtl"
    assert site.style(headline, "direction") == "rtl"
    headline.send_keys(HEADLINE)
    assert headline.get_attribute("value") == HEADLINE

    # The Arabic body: types right to left, bold and a pull quote from the editor's menu.
    body_ar = site.editor("id_body_ar")
    assert site.style(body_ar, "direction") == "rtl"
    assert site.style(body_ar, "text-align") in {"start", "right"}
    menu = body_ar.find_element(By.XPATH, "ancestor::div[contains(@class, 'prose-editor')]")

    def menu_button(name):
        return menu.find_element(By.CSS_SELECTOR, f'.prose-menubar__button[data-name="{name}"]')

    body_ar.click()
    body_ar.send_keys(PARAGRAPH_START)
    menu_button("bold").click()
    body_ar.send_keys(PARAGRAPH_BOLD)
    menu_button("bold").click()
    body_ar.send_keys(".", Keys.ENTER, QUOTE)
    menu_button("blockquote").click()
    wait.until(lambda driver: body_ar.find_elements(By.CSS_SELECTOR, "blockquote"))
    assert body_ar.find_element(By.CSS_SELECTOR, "strong").text == PARAGRAPH_BOLD
    quote = body_ar.find_element(By.CSS_SELECTOR, "blockquote")
    assert quote.text == QUOTE
    # The quote's rule sits on the reading side: the right in Arabic.
    assert site.style(quote, "direction") == "rtl"
    assert site.style(quote, "border-right-width") != "0px"
    assert site.style(quote, "border-left-width") == "0px"

    # The English body of the same story types left to right inside the Arabic admin.
    site.show_language_tab("id_body_en")
    body_en = site.editor("id_body_en")
    assert browser.find_element(By.ID, "id_body_en").get_attribute("dir") == "ltr"
    assert site.style(body_en, "direction") == "ltr"
    assert site.style(body_en, "text-align") in {"start", "left"}

    # The section is an autocomplete (select2) box: search it as an editor would.
    site.show_language_tab("id_headline_ar")
    site.choose_section(section)

    # No time typed: «publish now» stamps the story with the current time.
    assert not browser.find_element(By.ID, "id_published_at_0").get_attribute("value")
    errors = site.save("publish")
    assert not errors, f"the admin refused the story: {errors}"

    article = Article.objects.get(headline_ar=HEADLINE)
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None
    assert article.is_public
    assert article.section == section
    assert article.created_by == newsroom["user"]
    assert f"<strong>{PARAGRAPH_BOLD}</strong>" in article.body_ar
    assert f"<blockquote><p>{QUOTE}</p></blockquote>" in article.body_ar
    assert not article.body_en
    assert article.slug_ar and all("\u0600" <= ch <= "\u06ff" or ch == "-" for ch in article.slug_ar)

    # A reader, not logged in, opens the story at its Arabic address.
    browser.delete_all_cookies()
    with translation.override("ar"):
        path = article.get_absolute_url()
    site.open(path)
    h1 = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "h1")))
    assert unquote(browser.current_url).endswith(f"/news/{article.slug_ar}/")
    html = browser.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("lang") == "ar"
    assert html.get_attribute("dir") == "rtl"
    assert h1.text == HEADLINE
    assert site.style(h1, "direction") == "rtl"
    body = browser.find_element(By.CSS_SELECTOR, ".article__body")
    assert PARAGRAPH_START.strip() in body.text
    assert body.find_element(By.CSS_SELECTOR, "strong").text == PARAGRAPH_BOLD
    assert body.find_element(By.CSS_SELECTOR, "blockquote").text == QUOTE
    assert not browser.find_elements(By.CSS_SELECTOR, ".draft-banner")


def test_editor_direction_follows_the_field_not_the_admin(newsroom, site, browser, wait):
    """In the right-to-left admin, the Arabic body edits right to left and the English body left to right:
    text, pull quotes and list indents all sit on each language's reading side."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    site.login()
    site.open("/admin/articles/article/add/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"

    for language, direction, start, end, (text, item, quote) in (
        ("ar", "rtl", "right", "left", (PARAGRAPH_START.strip(), "بند أول", QUOTE)),
        ("en", "ltr", "left", "right", ("The library opened this morning", "First item", "A home for every reader")),
    ):
        # With modeltranslation's tabs working only one language shows at a time.
        site.show_language_tab(f"id_body_{language}")
        editor = site.editor(f"id_body_{language}")
        assert site.style(editor, "direction") == direction
        menu = editor.find_element(By.XPATH, "ancestor::div[contains(@class, 'prose-editor')]")
        editor.click()
        editor.send_keys(text, Keys.ENTER, item)
        menu.find_element(By.CSS_SELECTOR, '.prose-menubar__button[data-name="bulletList"]').click()
        wait.until(lambda driver, editor=editor: editor.find_elements(By.CSS_SELECTOR, "ul li"))
        # Two Enters leave the list; the next paragraph becomes a quote.
        editor.send_keys(Keys.ENTER, Keys.ENTER, quote)
        menu.find_element(By.CSS_SELECTOR, '.prose-menubar__button[data-name="blockquote"]').click()
        wait.until(lambda driver, editor=editor: editor.find_elements(By.CSS_SELECTOR, "blockquote"))

        where = browser.execute_script(SIDES_JS, editor)
        assert where["text"][start] < 2 < 50 < where["text"][end], f"{language}: text not flush {start}: {where}"
        assert where["list"][end] < 2 < 20 < where["list"][start], f"{language}: list not indented {start}: {where}"
        assert where["quote"][start] > 0, f"{language}: no quote rule on the {start}: {where}"
        assert where["quote"][end] == 0, f"{language}: a quote rule on the {end}: {where}"


def test_article_form_loads_its_scripts_from_this_site_and_forms_its_language_switch(newsroom, site, browser, wait):
    from selenium.webdriver.common.by import By

    browser.get_log("browser")  # start from an empty console
    site.login()
    site.open("/admin/articles/article/add/")
    site.editor("id_body_ar")
    sources = browser.execute_script(
        "return [...document.querySelectorAll('script[src], link[rel=stylesheet]')]"
        ".map(element => element.src || element.href);"
    )
    foreign = [source for source in sources if not source.startswith(site.url + "/")]
    assert not foreign, f"the admin loads code from other sites: {foreign}"
    script_errors = [entry["message"] for entry in browser.get_log("browser") if entry["source"] == "javascript"]
    assert not script_errors, f"the page threw: {script_errors}"
    # One switch for the story's language versions.
    assert not browser.find_element(By.ID, "id_headline_en").is_displayed()
    browser.find_element(By.CSS_SELECTOR, '.sahifa-language [data-language="en"]').click()
    assert browser.find_element(By.ID, "id_headline_en").is_displayed()
    assert not browser.find_element(By.ID, "id_headline_ar").is_displayed()
