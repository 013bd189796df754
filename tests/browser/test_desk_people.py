"""An editor links a byline name to a colleague's account, in the browser: the account box
offers colleagues by their names, as the newsroom knows them, not by their logins."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from articles.models import Author

from .test_drafts import PASSWORD, Desk

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db):
    model = get_user_model()
    model.objects.create_superuser("rania", "rania@example.com", PASSWORD)
    holder = model.objects.create_user("s.qasem", first_name="سارة", last_name="القاسم", is_staff=True)
    author = Author.objects.create(name_ar="سارة القاسم", slug="sara")
    return {"holder": holder, "author": author}


def test_account_box_offers_colleagues_by_name(people, live_server, browser, browser_settings, server_errors):
    from selenium.webdriver.common.keys import Keys

    browser.delete_all_cookies()
    desk = Desk(browser, live_server, server_errors)
    desk.log_in("rania")
    desk.open(f"/admin/articles/author/{people['author'].pk}/change/")

    desk.click(desk.visible(".field-user .select2-selection"))
    desk.visible(".select2-search__field").send_keys("القاسم")
    # What the box offers once it has searched: each colleague whose name matches, by name.
    offered = desk.wait.until(
        lambda driver: (
            texts
            if (texts := [option.text for option in desk.finds(".select2-results__option")])
            and all("القاسم" in text for text in texts)
            else None
        ),
        message="the box never offered the colleague by name",
    )
    assert offered == ["سارة القاسم"]
    desk.visible(".select2-search__field").send_keys(Keys.ENTER)
    assert desk.find(".field-user .select2-selection__rendered").text.strip("×\n ") == "سارة القاسم"

    desk.click(desk.find('input[name="_continue"]'))
    desk.visible(".messagelist .success")
    people["author"].refresh_from_db()
    assert people["author"].user == people["holder"]
    assert desk.find(".field-user .select2-selection__rendered").text.strip("×\n ") == "سارة القاسم"
    assert "s.qasem" not in desk.find("#content-main").text
