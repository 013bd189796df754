"""An editor uploads photos in a real browser: a phone's HEIC is accepted, a file over the
size limit is refused on the form in Arabic, naming it, and nothing is stored."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from articles.models import Image
from tests import photo_files

pytestmark = pytest.mark.browser

PASSWORD = "sahifa-browser-test-8141"


@pytest.fixture
def editor(transactional_db):
    return get_user_model().objects.create_superuser("salma", "salma@example.com", PASSWORD)


def test_a_heic_is_accepted_and_a_file_over_the_limit_is_refused_by_name(
    editor, live_server, browser, wait, browser_settings, server_errors, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    browser_settings.PRIVATE_MEDIA_ROOT = tmp_path / "media_private"
    browser_settings.IMAGE_MAX_UPLOAD_MB = 1
    phone = tmp_path / "IMG_4021.HEIC"
    phone.write_bytes(photo_files.heic((200, 30, 30), size=(640, 480)))
    huge = tmp_path / "scan_200mb.jpg"
    huge.write_bytes(photo_files.encode(photo_files.flat((9, 9, 9)), "JPEG") + b"\0" * (3 * 1024 * 1024))

    def upload(path):
        browser.get(live_server.url + "/admin/articles/image/add/")
        server_errors.check()
        wait.until(EC.presence_of_element_located((By.ID, "id_file"))).send_keys(str(path))
        browser.find_element(By.ID, "id_alt_text_ar").send_keys("صورة من هاتف المراسل")
        button = browser.find_element(By.CSS_SELECTOR, 'input[name="_save"]')
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

    browser.delete_all_cookies()
    browser.get(live_server.url + "/admin/login/?next=/admin/")
    wait.until(EC.visibility_of_element_located((By.NAME, "username"))).send_keys("salma")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()
    wait.until(EC.presence_of_element_located((By.ID, "user-tools")))

    upload(phone)

    assert browser.find_elements(By.CSS_SELECTOR, ".messagelist .success")
    photo = Image.objects.get()
    assert (photo.format, photo.width, photo.height) == ("HEIF", 640, 480)

    upload(huge)

    errors = " ".join(element.text for element in browser.find_elements(By.CSS_SELECTOR, ".errorlist"))
    assert "«scan_200mb.jpg»" in errors and "أكبر من 1 ميغابايت" in errors, errors
    assert Image.objects.count() == 1
