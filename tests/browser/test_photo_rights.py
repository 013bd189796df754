"""A photo shown in a published story, in a real browser: a journalist finds it read-only with the
reason in Arabic; an editor who clears its credit and saves is told which story needs it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from articles.models import Image
from articles.stories import services

from ..factories import make_agency, make_image, make_section

pytestmark = pytest.mark.browser

PASSWORD = "sahifa-browser-test-6120"
HEADLINE = "افتتاح معرض الكتاب في الرياض"
JOURNALIST_PERMISSIONS = ("view_article", "add_article", "change_article", "view_image", "add_image", "change_image")


def _member(username, group_name, codenames, first_name, last_name):
    # Transactional tests empty the database between them, data migrations included: each group
    # is set up again with what migrations 0002/0006 give it.
    group, _created = Group.objects.get_or_create(name=group_name)
    permissions = Permission.objects.filter(content_type__app_label="articles")
    group.permissions.add(*(permissions.filter(codename__in=codenames) if codenames else permissions))
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=True, first_name=first_name, last_name=last_name
    )
    user.groups.add(group)
    return user


@pytest.fixture
def newsroom(transactional_db):
    journalist = _member("sara", "صحفي", JOURNALIST_PERMISSIONS, "سارة", "القاسم")
    editor = _member("hala", "محرر", None, "هالة", "سليم")
    agency = make_agency(name="رويترز", name_en="Reuters")
    photo = make_image(credit=agency, caption="زوار في جناح الكتب العربية")
    services.article_create(headline=HEADLINE, section=make_section(), lead_image=photo, publish=True)
    return {"journalist": journalist, "editor": editor, "photo": photo, "agency": agency}


def test_a_live_photo_is_read_only_for_a_journalist_and_keeps_its_credit_for_an_editor(
    newsroom, live_server, browser, wait, browser_settings, server_errors
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    photo = newsroom["photo"]
    photo_path = f"/admin/articles/image/{photo.pk}/change/"

    def open_page(path):
        browser.get(live_server.url + path)
        server_errors.check()

    def log_in(username):
        browser.delete_all_cookies()
        open_page("/admin/login/?next=/admin/")
        wait.until(EC.visibility_of_element_located((By.NAME, "username"))).send_keys(username)
        browser.find_element(By.NAME, "password").send_keys(PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()
        wait.until(EC.presence_of_element_located((By.ID, "user-tools")))

    # The journalist opens the photo: the reason, in Arabic, naming the story; nothing to type in.
    log_in("sara")
    open_page(photo_path)
    note = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".sahifa-locked")))
    assert "المحررون وحدهم يستطيعون تعديل هذه الصورة" in note.text
    assert f"«{HEADLINE}»" in note.text
    assert "زوار في جناح الكتب العربية" in browser.find_element(By.ID, "content-main").text
    assert not browser.find_elements(By.CSS_SELECTOR, 'input[name="_save"], #id_caption_ar, #id_file')

    # The editor clears the credit in its autocomplete box and saves: refused, naming the story.
    log_in("hala")
    open_page(photo_path)
    clear = wait.until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, ".field-credit .select2-selection__clear")),
        message="the credit's autocomplete box offers no clear button",
    )
    clear.click()
    browser.find_element(By.TAG_NAME, "body").click()  # close the list the box may have opened
    button = browser.find_element(By.CSS_SELECTOR, 'input[name="_save"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    errors = wait.until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".errorlist.nonfield")),
        message="saving without a credit showed no error",
    )
    server_errors.check()
    assert "لا يمكن حفظ هذه الصورة بلا حقوق الصورة" in errors.text
    assert f"«{HEADLINE}»" in errors.text
    assert Image.objects.get(pk=photo.pk).credit_id == newsroom["agency"].pk
