"""Two people edit one story: in a real browser, the second save is refused with a message
naming who saved first, and the text typed in the browser is still in the form to save again."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from articles.models import Article, Section
from articles.stories import services

pytestmark = pytest.mark.browser

PASSWORD = "sahifa-browser-test-5307"
TYPED_HEADLINE = "الحكومة تقر خطة النقل العام بعد نقاش طويل"
TYPED_DEK = "سطر تمهيدي كتبته المحررة في المتصفح ولا تريد أن تفقده."


def _editor(username, first_name, last_name):
    # Transactional tests empty the database between them, data migrations included: the
    # editors' group is set up again as migration 0002/0006 create it.
    group, _created = Group.objects.get_or_create(name="محرر")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="articles"))
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=True, first_name=first_name, last_name=last_name
    )
    user.groups.add(group)
    return user


@pytest.fixture
def newsroom(transactional_db):
    me = _editor("hala", "هالة", "سليم")
    colleague = _editor("khaled", "خالد", "منصور")
    section = Section.objects.create(name_ar="محليات", name_en="Local", slug="محليات")
    story = services.article_create(headline="الحكومة تناقش خطة النقل", section=section, by=colleague)
    return {"me": me, "colleague": colleague, "story": story}


def test_second_save_shows_who_changed_the_story_and_keeps_the_typed_text(
    newsroom, live_server, browser, wait, browser_settings, server_errors
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    story = newsroom["story"]

    def open_page(path):
        browser.get(live_server.url + path)
        server_errors.check()

    def save():
        button = browser.find_element(By.CSS_SELECTOR, 'button[name="desk_action"][value="draft"]')
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        button.click()
        # The page it was pressed on may already show the conflict's errors: wait for the next page.
        wait.until(EC.staleness_of(button), message="the pressed button never led to another page")
        wait.until(
            lambda driver: (
                driver.find_elements(By.CSS_SELECTOR, ".messagelist .success")
                or driver.find_elements(By.CSS_SELECTOR, ".errornote, .errorlist")
            ),
            message="saving led neither to a success message nor to form errors",
        )
        server_errors.check()

    browser.delete_all_cookies()
    open_page("/admin/login/?next=/admin/")
    wait.until(EC.visibility_of_element_located((By.NAME, "username"))).send_keys("hala")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()
    wait.until(EC.presence_of_element_located((By.ID, "user-tools")))

    open_page(f"/admin/articles/article/{story.pk}/change/")
    headline = wait.until(EC.visibility_of_element_located((By.ID, "id_headline_ar")))
    headline.clear()
    headline.send_keys(TYPED_HEADLINE)
    dek = browser.find_element(By.ID, "id_dek_ar")
    dek.send_keys(TYPED_DEK)

    # Meanwhile the colleague saves the same story from elsewhere.
    theirs = Article.objects.get(pk=story.pk)
    theirs.headline_ar = "الحكومة تناقش خطة النقل العام"
    services.article_save(article=theirs, by=newsroom["colleague"])

    save()

    errors = " ".join(element.text for element in browser.find_elements(By.CSS_SELECTOR, ".errorlist"))
    assert "خالد منصور" in errors, errors
    assert browser.find_element(By.ID, "id_headline_ar").get_attribute("value") == TYPED_HEADLINE
    assert browser.find_element(By.ID, "id_dek_ar").get_attribute("value").strip() == TYPED_DEK
    assert Article.objects.get(pk=story.pk).headline_ar == "الحكومة تناقش خطة النقل العام"

    # Having read the message, the editor saves again, knowingly replacing the colleague's version.
    save()

    assert browser.find_elements(By.CSS_SELECTOR, ".messagelist .success")
    stored = Article.objects.get(pk=story.pk)
    assert (stored.headline_ar, stored.dek_ar) == (TYPED_HEADLINE, TYPED_DEK)
    assert stored.updated_by == newsroom["me"]
