"""Dates typed in the admin are read day first, as the newsroom writes them, in its time zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import translation

from articles.desk.admin_base import DayFirstDateTimeField
from articles.models import Article

from .factories import make_article, make_section
from .test_admin import admin_url, form_data

RIYADH = ZoneInfo("Asia/Riyadh")
DAY_FIRST_MESSAGE = "اكتب التاريخ باليوم أولاً ثم الشهر ثم السنة: 06/12/2026 (أو 2026-12-06)."


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("typed", ["06/12/2026", "06-12-2026", "2026-12-06"])
def test_typed_dates_are_read_day_first_in_both_languages(language, typed):
    with translation.override(language):
        value = DayFirstDateTimeField().clean([typed, "09:00"])

    assert value == datetime(2026, 12, 6, 9, 0, tzinfo=RIYADH)


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize(
    "typed",
    [
        "12/31/2026",  # month first
        "31/02/2026",  # no such day
        "06/12/26",  # which century?
        "2026/12/06",
        "6 Dec 2026",
    ],
)
def test_month_first_impossible_and_ambiguous_dates_are_refused(language, typed):
    with translation.override(language), pytest.raises(forms.ValidationError):
        DayFirstDateTimeField().clean([typed, "09:00"])


def test_refused_date_says_how_to_write_it_in_arabic():
    with pytest.raises(forms.ValidationError) as refused:
        DayFirstDateTimeField().clean(["12/31/2026", "09:00"])

    assert refused.value.messages == [DAY_FIRST_MESSAGE]


@pytest.fixture
def story(db):
    return make_article(headline="موازنة العام المقبل", section=make_section(), publish=False)


def test_story_scheduled_day_first_is_saved_for_that_day_and_not_public(staff_client, story, now):
    data = form_data(staff_client.get(admin_url("article_change", story.pk)))
    data.update(
        status=Article.Status.PUBLISHED,
        published_at_0="06/12/2026",
        published_at_1="09:00",
        embargo_until_0="05-12-2026",
        embargo_until_1="18:30",
    )

    response = staff_client.post(admin_url("article_change", story.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    story.refresh_from_db()
    assert story.published_at == datetime(2026, 12, 6, 9, 0, tzinfo=RIYADH)
    assert story.embargo_until == datetime(2026, 12, 5, 18, 30, tzinfo=RIYADH)
    assert not Article.objects.published().filter(pk=story.pk).exists()


@pytest.mark.parametrize("field", ["published_at", "embargo_until"])
def test_month_first_date_in_the_story_form_is_refused_with_arabic_message(staff_client, story, field):
    data = form_data(staff_client.get(admin_url("article_change", story.pk)))
    data.update({f"{field}_0": "12/31/2026", f"{field}_1": "09:00"})

    response = staff_client.post(admin_url("article_change", story.pk), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [DAY_FIRST_MESSAGE]
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT


def test_story_form_shows_dates_day_first_and_the_newsroom_time_zone(staff_client, story):
    story.published_at = datetime(2026, 12, 6, 9, 0, tzinfo=RIYADH)
    Article.objects.filter(pk=story.pk).update(published_at=story.published_at)

    page = staff_client.get(admin_url("article_change", story.pk)).content.decode()

    assert 'name="published_at_0" value="06/12/2026"' in page
    assert "بتوقيت غرفة الأخبار: Asia/Riyadh (UTC+03:00)." in page
