"""The story desk in a real browser: the preview button, the explicit actions, the writing surface,
axe-core on the desk's forms and lists, and screenshots of the story form.

A journalist and an editor do what they would do: type, pick from the autocomplete boxes, click
the buttons and follow the links. Nothing here posts to the URL behind a button.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from articles.models import Article, PreviewLink
from articles.stories import services

from ..factories import make_agency, make_author, make_image, make_section
from .test_accessibility import RUN_AXE_JS, WCAG_21_AA

pytestmark = pytest.mark.browser

PASSWORD = "sahifa-browser-test-7716"
ROOT = Path(__file__).resolve().parent.parent.parent
RESULTS = ROOT / "bench" / "results"

JOURNALIST_PERMISSIONS = (
    "view_article add_article change_article view_image add_image change_image view_tag add_tag view_section "
    "view_author view_agency view_byline add_byline change_byline delete_byline view_citedsource add_citedsource "
    "change_citedsource delete_citedsource view_taggedarticle add_taggedarticle change_taggedarticle "
    "delete_taggedarticle view_placement add_placement change_placement delete_placement view_correction"
).split()


def _user(username, first_name, last_name, role):
    # Transactional tests empty the database, data migrations included: the groups are set up
    # again as migrations 0002 and 0006 create them.
    articles = Permission.objects.filter(content_type__app_label="articles")
    group, _created = Group.objects.get_or_create(name=role)
    if role == "محرر":
        group.permissions.set(articles)
    else:
        group.permissions.set(articles.filter(codename__in=JOURNALIST_PERMISSIONS))
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=True, first_name=first_name, last_name=last_name
    )
    user.groups.add(group)
    return user


@pytest.fixture
def newsroom(transactional_db, browser_settings):
    afp = make_agency(name="فرانس برس", name_en="AFP")
    return {
        "journalist": _user("samar", "سمر", "الخطيب", "صحفي"),
        "editor": _user("hala", "هالة", "سليم", "محرر"),
        "section": make_section(name="اقتصاد", name_en="Economy", slug="اقتصاد"),
        "authors": [make_author(name="سمر الخطيب", name_en="Samar Khatib"), make_author(name="رامي خوري")],
        "agency": afp,
        "photo": make_image(
            credit=afp,
            width=640,
            height=427,
            caption="سوق الخضار في عمّان صباحاً",
            alt_text="باعة وزبائن بين صناديق الخضار",
        ),
    }


@pytest.fixture
def desk(live_server, browser, wait, server_errors):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    class Desk:
        url = live_server.url

        def open(self, path):
            browser.get(self.url + path)
            server_errors.check()

        def login(self, user):
            browser.delete_all_cookies()
            self.open("/admin/login/?next=/admin/")
            wait.until(EC.visibility_of_element_located((By.NAME, "username"))).send_keys(user.username)
            browser.find_element(By.NAME, "password").send_keys(PASSWORD)
            browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()
            wait.until(EC.presence_of_element_located((By.ID, "user-tools")))
            server_errors.check()

        def click(self, element):
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
            element.click()

        def press(self, css):
            """Click a button and wait for the next page's message."""
            button = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, css)))
            self.click(button)
            wait.until(EC.staleness_of(button))
            server_errors.check()
            return [element.text for element in browser.find_elements(By.CSS_SELECTOR, ".messagelist li")]

        def axe(self, axe_source):
            browser.set_script_timeout(60)
            browser.execute_script(axe_source)
            return browser.execute_async_script(RUN_AXE_JS, WCAG_21_AA)

    return Desk()


def test_the_preview_button_makes_a_link_that_opens_the_draft_and_revoking_it_stops_it(newsroom, desk, browser, wait):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    journalist = newsroom["journalist"]
    story = services.article_create(
        headline="تحقيق عن أسعار الخضار لم يُنشر بعد", section=newsroom["section"], by=journalist
    )
    desk.login(journalist)  # the story's author may share a preview
    desk.open(f"/admin/articles/article/{story.pk}/change/")
    assert browser.find_element(By.CSS_SELECTOR, ".sahifa-previews__none")

    messages = desk.press(".sahifa-previews__create")

    assert any("رابط المعاينة" in message for message in messages), messages
    listed = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".sahifa-previews__links a")))
    link = listed.get_attribute("href")
    assert PreviewLink.objects.get().article_id == story.pk

    # Someone outside the newsroom opens it: no session.
    browser.delete_all_cookies()
    desk.open(link.removeprefix(desk.url))
    h1 = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "h1")))
    assert h1.text == "تحقيق عن أسعار الخضار لم يُنشر بعد"

    desk.login(journalist)
    desk.open(f"/admin/articles/article/{story.pk}/change/")
    messages = desk.press(".sahifa-previews__revoke")

    assert messages == ["أُبطل رابط المعاينة: لم يعد يعرض شيئاً."]
    assert browser.find_element(By.CSS_SELECTOR, ".sahifa-previews__none")
    browser.delete_all_cookies()
    desk.open(link.removeprefix(desk.url))
    assert "تحقيق عن أسعار الخضار" not in browser.page_source


def _story_for_screens(newsroom):
    story = services.article_create(
        headline="أسعار الخضار ترتفع في أسواق عمّان مع بداية الشتاء",
        dek="ارتفاع بنسبة عشرة في المئة خلال أسبوع.",
        body="<p>شهدت أسواق الخضار في عمّان ارتفاعاً في الأسعار.</p><p>وقال تجار إن البرد أثّر في المحاصيل.</p>",
        section=newsroom["section"],
        by=newsroom["journalist"],
        lead_image=newsroom["photo"],
        tags=["أسعار", "الأردن"],
        bylines=[services.BylineInput(author=author) for author in newsroom["authors"]],
        sources=[services.SourceInput(source=newsroom["agency"])],
        translations={"en": {"headline": "Vegetable prices rise in Amman's markets"}},
    )
    return story


@pytest.fixture(scope="session")
def axe_source():
    from .test_accessibility import AXE, _need

    _need(AXE.exists(), f"{AXE} is missing: run `make install-dev` (npm ci)")
    return AXE.read_text(encoding="utf-8")


DESK_PAGES = ("story-ar", "story-en", "story-add", "photo", "story-list", "photo-list")


@pytest.mark.parametrize("page", DESK_PAGES)
def test_axe_finds_no_wcag_21_aa_violations_on_the_desk(page, newsroom, desk, browser, wait, axe_source):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    story = _story_for_screens(newsroom)
    desk.login(newsroom["editor"])
    path = {
        "story-ar": f"/admin/articles/article/{story.pk}/change/",
        "story-en": f"/admin/articles/article/{story.pk}/change/",
        "story-add": "/admin/articles/article/add/",
        "photo": f"/admin/articles/image/{newsroom['photo'].pk}/change/",
        "story-list": "/admin/articles/article/",
        "photo-list": "/admin/articles/image/",
    }[page]
    desk.open(path)
    wait.until(EC.presence_of_element_located((By.ID, "content-main")))
    if page.startswith("story-") and page != "story-list":
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".ProseMirror")))
    if page == "story-en":
        desk.click(wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".sahifa-language [data-language=en]"))))
        wait.until(EC.visibility_of_element_located((By.ID, "id_headline_en")))

    result = desk.axe(axe_source)

    assert result["violations"] == [], json.dumps(result["violations"], ensure_ascii=False, indent=2)
    assert result["passes"] > 10


@pytest.mark.parametrize("width", [1366, 390])
def test_screenshots_of_the_story_form(width, newsroom, desk, browser, wait):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    story = _story_for_screens(newsroom)
    desk.login(newsroom["editor"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    size = browser.get_window_size()
    try:
        browser.set_window_size(width, 1100)
        desk.open(f"/admin/articles/article/{story.pk}/change/")
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".ProseMirror")))
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(width, min(height + 200, 4000))
        arabic = RESULTS / f"story-form-ar-{width}.png"
        browser.save_screenshot(str(arabic))
        desk.click(wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".sahifa-language [data-language=en]"))))
        wait.until(EC.visibility_of_element_located((By.ID, "id_headline_en")))
        english = RESULTS / f"story-form-en-{width}.png"
        browser.save_screenshot(str(english))
    finally:
        browser.set_window_size(size["width"], size["height"])

    for shot in (arabic, english):
        assert shot.stat().st_size > 10_000
    assert Article.objects.filter(pk=story.pk).exists()


EDITOR_SURFACE_JS = """
const textarea = document.getElementById(arguments[0]);
const wrapper = textarea && textarea.closest('.prose-editor');
return wrapper ? wrapper.querySelector('.ProseMirror[contenteditable="true"]') : null;
"""


def test_a_journalist_writes_and_sends_for_review_and_an_editor_publishes(newsroom, desk, browser, wait):
    """Photo, two bylines, tags and a source, without a status drop-down or a number for an order."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC

    def choose(select_id, text):
        """Pick in an autocomplete box by typing, as a person does."""
        selection = browser.find_element(By.CSS_SELECTOR, f"#{select_id} + .select2 .select2-selection")
        desk.click(selection)
        search = wait.until(
            EC.visibility_of_element_located((By.CSS_SELECTOR, ".select2-container--open .select2-search__field"))
        )
        search.send_keys(text[:3])
        option = wait.until(
            EC.element_to_be_clickable(
                (
                    By.XPATH,
                    "//li[contains(@class, 'select2-results__option') and not(contains(@class, 'loading-results'))"
                    f" and contains(normalize-space(), '{text}')]",
                )
            ),
            message=f"the autocomplete never offered {text}",
        )
        option.click()
        wait.until(lambda driver: driver.find_element(By.ID, select_id).get_attribute("value"))

    journalist, editor = newsroom["journalist"], newsroom["editor"]
    samar, rami = newsroom["authors"]
    desk.login(journalist)
    desk.open("/admin/articles/article/add/")
    assert not browser.find_elements(By.CSS_SELECTOR, 'select[name="status"]')

    headline = wait.until(EC.visibility_of_element_located((By.ID, "id_headline_ar")))
    assert headline.get_attribute("spellcheck") == "true"
    headline.send_keys("أسعار الخضار ترتفع في عمّان")
    browser.find_element(By.ID, "id_dek_ar").send_keys("ارتفاع بنسبة عشرة في المئة خلال أسبوع.")
    choose("id_bylines-0-author", samar.name_ar)
    choose("id_bylines-1-author", rami.name_ar)
    choose("id_cited_sources-0-source", newsroom["agency"].name_ar)

    body = wait.until(lambda driver: driver.execute_script(EDITOR_SURFACE_JS, "id_body_ar"))
    assert body.get_attribute("spellcheck") == "true" and body.get_attribute("lang") == "ar"
    bold = browser.find_element(By.CSS_SELECTOR, '.field-body_ar .prose-menubar__button[data-name="bold"]')
    assert bold.get_attribute("title") == "عريض"
    options = browser.find_elements(By.CSS_SELECTOR, ".field-body_ar .prose-menubar__option")
    assert {option.get_attribute("textContent") for option in options} >= {"فقرة", "عنوان فرعي"}
    desk.click(body)
    body.send_keys("شهدت أسواق الخضار في عمّان ارتفاعاً في الأسعار هذا الأسبوع")
    counter = browser.find_element(By.ID, "sahifa-count")
    wait.until(lambda driver: counter.text.startswith("10 كلمات"), message="the word count never followed the typing")
    assert "دقيقة قراءة واحدة" in counter.text

    # The link dialog speaks Arabic.
    body.send_keys(Keys.CONTROL, "a")
    desk.click(browser.find_element(By.CSS_SELECTOR, '.field-body_ar .prose-menubar__button[data-name="link"]'))
    title = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".prose-editor-dialog-title")))
    assert title.text == "تعديل الرابط"
    dialog = title.find_element(By.XPATH, "ancestor::dialog")
    assert "العنوان (URL)" in dialog.text
    cancel = dialog.find_element(By.XPATH, ".//button[normalize-space()='إلغاء']")
    cancel.click()
    wait.until(EC.invisibility_of_element(title))

    choose("id_section", newsroom["section"].name_ar)
    browser.find_element(By.ID, "id_tags").send_keys("أسعار، الأردن")
    choose("id_lead_image", newsroom["photo"].caption_ar)
    card = wait.until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".sahifa-photo-card .sahifa-photo-card__credit"))
    )
    assert card.text == "المصدر: فرانس برس"  # shown when picked, before any save
    assert "النص البديل: باعة وزبائن" in browser.find_element(By.CSS_SELECTOR, ".sahifa-photo-card").text

    messages = desk.press('button[name="desk_action"][value="review"]')

    story = Article.objects.get()
    assert messages == [
        "أُرسلت القصة «أسعار الخضار ترتفع في عمّان» إلى المراجعة وهي الآن بين أيدي المحررين. لتعديلها اسحبها من المراجعة."
    ]
    assert story.status == Article.Status.REVIEW
    assert not browser.find_elements(By.CSS_SELECTOR, 'button[name="desk_action"]')  # read-only to its author now
    assert browser.find_element(By.CSS_SELECTOR, 'button[form="withdraw-form"]').is_displayed()

    desk.login(editor)
    desk.open(f"/admin/articles/article/{story.pk}/change/")
    messages = desk.press('button[name="desk_action"][value="publish"]')

    assert messages == ["نُشرت القصة «أسعار الخضار ترتفع في عمّان» ويراها القرّاء الآن."]
    story = Article.objects.get(pk=story.pk)
    assert story.is_public
    assert [byline.name for byline in story.bylines.all()] == [samar.name_ar, rami.name_ar]
    assert [cited.source for cited in story.cited_sources.all()] == [newsroom["agency"]]
    assert set(story.tags.names()) == {"الأردن", "أسعار"}
    assert story.lead_image == newsroom["photo"]
    assert story.created_by == journalist

    browser.delete_all_cookies()
    desk.open(story.get_absolute_url())
    assert wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "h1"))).text == "أسعار الخضار ترتفع في عمّان"


def test_an_editor_schedules_a_story_by_choosing_its_time(newsroom, desk, browser, wait):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    story = services.article_create(headline="خبر ينتظر موعده", section=newsroom["section"], by=newsroom["editor"])
    desk.login(newsroom["editor"])
    desk.open(f"/admin/articles/article/{story.pk}/change/")

    schedule = browser.find_element(By.CSS_SELECTOR, 'button[name="desk_action"][value="schedule"]')
    assert schedule.text == "جدولة…"
    desk.click(schedule)
    hint = wait.until(EC.visibility_of_element_located((By.ID, "sahifa-schedule-hint")))
    assert hint.text == "اختر تاريخ النشر ووقته، ثم اضغط «جدولة…» مرة أخرى."
    date = browser.switch_to.active_element
    assert date.get_attribute("id") == "id_published_at_0"
    assert Article.objects.get(pk=story.pk).status == Article.Status.DRAFT  # nothing was sent

    date.send_keys("2030-01-15")
    browser.find_element(By.ID, "id_published_at_1").send_keys("09:00")
    messages = desk.press('button[name="desk_action"][value="schedule"]')

    story = Article.objects.get(pk=story.pk)
    assert story.status == Article.Status.PUBLISHED and not story.is_public
    assert messages[0].startswith("جُدولت القصة «خبر ينتظر موعده» للنشر في ")
    assert "2030" in messages[0]


def test_an_editor_moves_the_first_byline_down_and_the_story_shows_the_new_order(newsroom, desk, browser, wait):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC

    first, second = newsroom["authors"]
    third = make_author(name="نادية سالم", name_en="Nadia Salem")
    story = services.article_create(
        headline="موازنة البلديات لعام جديد",
        body="<p>أقرت البلديات موازناتها.</p>",
        section=newsroom["section"],
        by=newsroom["editor"],
        bylines=[services.BylineInput(author=author) for author in (first, second, third)],
    )
    services.article_publish(article=story, by=newsroom["editor"])
    desk.login(newsroom["editor"])
    desk.open(f"/admin/articles/article/{story.pk}/change/")

    rows = "#bylines-group tbody tr.form-row.has_original"
    down = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f"{rows} .sahifa-row-down")))
    assert down.tag_name == "button" and down.get_attribute("type") == "button"
    assert down.get_attribute("aria-label") == "انقل الصف 1 إلى أسفل"
    desk.click(down)

    # The moved row is second now, and the focus stayed on its button.
    names = [row.text for row in browser.find_elements(By.CSS_SELECTOR, f"{rows} td.original p")]
    assert [name.splitlines()[0] for name in names] == ["رامي خوري", "سمر الخطيب", "نادية سالم"]
    focused = browser.switch_to.active_element
    assert focused == down and focused.get_attribute("aria-label") == "انقل الصف 2 إلى أسفل"
    # The keyboard does the same: ▲ on the last row, pressed with Enter, puts it first.
    up = browser.find_elements(By.CSS_SELECTOR, f"{rows} .sahifa-row-up")[2]
    up.send_keys(Keys.ENTER)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    names = [row.text.splitlines()[0] for row in browser.find_elements(By.CSS_SELECTOR, f"{rows} td.original p")]
    assert names == ["نادية سالم", "رامي خوري", "سمر الخطيب"]
    assert browser.switch_to.active_element == up

    messages = desk.press('button[name="desk_action"][value="save"]')

    assert any("موازنة البلديات" in message for message in messages), messages
    desk.open(story.get_absolute_url())
    byline = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".article__meta .byline")))
    assert byline.text.index("نادية سالم") < byline.text.index("رامي خوري") < byline.text.index("سمر الخطيب")


def test_a_new_byline_moved_to_the_top_survives_removing_another_added_row(newsroom, desk, browser, wait):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    first, second = newsroom["authors"]
    story = services.article_create(
        headline="البلديات تقر موازناتها",
        body="<p>أقرت البلديات موازناتها.</p>",
        section=newsroom["section"],
        by=newsroom["editor"],
        bylines=[services.BylineInput(author=author) for author in (first, second)],
    )
    services.article_publish(article=story, by=newsroom["editor"])
    desk.login(newsroom["editor"])
    desk.open(f"/admin/articles/article/{story.pk}/change/")

    add = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#bylines-group .add-row a")))
    desk.click(add)
    desk.click(add)
    typed = wait.until(EC.visibility_of_element_located((By.ID, "id_bylines-5-text")))
    typed.send_keys("مراسل الصحيفة")
    up = browser.find_element(By.CSS_SELECTOR, "#bylines-5 .sahifa-row-up")
    for _press in range(5):
        desk.click(up)
    rows = [row.get_attribute("id") for row in browser.find_elements(By.CSS_SELECTOR, "#bylines-group tr.form-row")]
    assert rows[0] == "bylines-5"
    # The other added row is removed: Django's script renumbers the rows that follow it.
    desk.click(browser.find_element(By.CSS_SELECTOR, "#bylines-4 .inline-deletelink"))
    wait.until(EC.presence_of_element_located((By.ID, "id_bylines-4-text")))
    assert browser.find_element(By.ID, "id_bylines-4-text").get_attribute("value") == "مراسل الصحيفة"
    rows = [row.get_attribute("id") for row in browser.find_elements(By.CSS_SELECTOR, "#bylines-group tr.form-row")]
    assert rows[0] == "bylines-4"

    desk.press('button[name="desk_action"][value="save"]')

    assert [byline.name for byline in Article.objects.get(pk=story.pk).bylines.all()] == [
        "مراسل الصحيفة",
        first.name,
        second.name,
    ]
    desk.open(story.get_absolute_url())
    byline = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".article__meta .byline")))
    assert byline.text.index("مراسل الصحيفة") < byline.text.index(first.name) < byline.text.index(second.name)
