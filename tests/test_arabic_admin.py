"""Django's own Arabic as an editor meets it in the admin: counts, messages, confirmations, durations."""

import json
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.timesince import timesince

from articles.desk import django_messages
from articles.models import Article

from .factories import REFERENCE_TIME, make_article, make_image, make_section
from .test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db


def _paginator_text(response) -> str:
    match = re.search(r'<p class="paginator">(.*?)</p>', response.content.decode(), re.S)
    assert match, "the changelist has no paginator"
    return " ".join(strip_tags(match.group(1)).split())


def _messages(response) -> list[str]:
    return [strip_tags(str(message)) for message in response.context["messages"]]


@pytest.mark.parametrize(
    ("stories", "count_text"),
    [(1, "قصة واحدة"), (2, "قصتان"), (3, "3 قصص"), (10, "10 قصص"), (13, "13 قصة")],
)
def test_story_changelist_counts_with_the_noun_form_the_number_takes(staff_client, stories, count_text):
    section = make_section()
    for _ in range(stories):
        make_article(section=section)

    text = _paginator_text(staff_client.get(admin_url("article_changelist")))

    assert text == count_text
    assert "القصص" not in text


def test_every_admin_changelist_has_an_arabic_count():
    registered = [model for model in apps.get_models() if admin.site.is_registered(model)]
    assert registered
    with translation.override("ar"):
        for model in registered:
            text = translation.npgettext(model._meta.model_name, "%(counter)s result", "%(counter)s results", 13)
            assert "result" not in text, f"no Arabic count for {model._meta.label}"


def test_selecting_all_stories_names_them_before_the_count():
    with translation.override("ar"):
        everything = translation.gettext("Select all %(total_count)s %(module_name)s") % {
            "total_count": 13,
            "module_name": Article._meta.verbose_name_plural,
        }
        none = translation.gettext("0 of %(cnt)s selected") % {"cnt": 13}

    assert everything == "اختيار كل القصص (13)"
    assert none == "0 من 13 محدد"  # as the admin's script writes it once a row is ticked: «1 من 13 محدد»


def test_adding_and_changing_a_story_are_reported_without_a_masculine_verb_and_in_guillemets(staff_client):
    section = make_section()
    headline = "الكرملين يرد على العقوبات الجديدة"
    management = {
        f"{prefix}-{field}": "0"
        for prefix in ("bylines", "cited_sources", "placements")
        for field in ("TOTAL_FORMS", "INITIAL_FORMS")
    }

    added = staff_client.post(
        admin_url("article_add"),
        {
            "headline_ar": headline,
            "body_ar": "<p>قال المتحدث إن العقوبات لن تغير شيئاً.</p>",
            "section": section.pk,
            **management,
            "_continue": "1",
        },
        follow=True,
    )

    assert _messages(added) == [f"تمت إضافة قصة «{headline}» بنجاح. يمكنك متابعة التعديل أدناه."]

    story = Article.objects.get()
    data = form_data(staff_client.get(admin_url("article_change", story.pk)))
    data["_save"] = "1"
    changed = staff_client.post(admin_url("article_change", story.pk), data, follow=True)

    assert _messages(changed) == [f"تم تعديل قصة «{headline}» بنجاح."]
    for page in (added, changed):
        text = page.content.decode()
        assert "أُضيف " not in text and "”" not in text


def test_links_beside_the_story_section_do_not_agree_with_a_noun_they_cannot_know(staff_client):
    page = staff_client.get(admin_url("article_add")).content.decode()

    titles = set(re.findall(r'id="(?:change|add|delete|view)_id_section"[^>]*?title="([^"]*)"', page, re.S))

    assert "إضافة القسم" in titles, titles
    assert "تعديل المختار: القسم" in titles, titles
    assert not any("المختارة" in title or "آخر" in title for title in titles), titles


def test_deleting_a_story_asks_with_the_headline_in_guillemets(staff_client):
    story = make_article(headline="البرلمان يقر قانون حماية البيانات")

    page = staff_client.get(admin_url("article_delete", story.pk)).content.decode()

    assert "هل أنت متأكد من حذف قصة «البرلمان يقر قانون حماية البيانات»؟" in page
    assert '"البرلمان' not in page


def test_deleting_a_photo_in_use_names_it_in_guillemets(staff_client):
    photo = make_image()
    make_article(lead_image=photo)

    page = staff_client.get(admin_url("image_delete", photo.pk)).content.decode()

    assert f"لا يمكن حذف صورة «{photo}» دون حذف العناصر المحمية المرتبطة التالية:" in page


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(minutes=1), "دقيقة واحدة"),
        (timedelta(minutes=2), "دقيقتين"),
        (timedelta(minutes=3), "3 دقائق"),
        (timedelta(minutes=11), "11 دقيقة"),
        (timedelta(hours=11), "11 ساعة"),
        (timedelta(days=3), "3 أيام"),
        (timedelta(days=1, hours=2), "يوم واحد، ساعتين"),
    ],
)
def test_durations_take_the_noun_form_the_number_takes(ago, text):
    with translation.override("ar"):
        assert timesince(REFERENCE_TIME - ago, REFERENCE_TIME) == text.replace(" ", "\xa0").replace("،\xa0", "، ")


@pytest.mark.parametrize(
    ("unit", "eleven", "hundred"),
    [
        ("year", "11 سنة", "100 سنة"),
        ("month", "11 شهراً", "100 شهر"),
        ("week", "11 أسبوعاً", "100 أسبوع"),
        ("day", "11 يوماً", "100 يوم"),
        ("hour", "11 ساعة", "100 ساعة"),
    ],
)
def test_eleven_takes_the_singular_accusative_and_a_hundred_the_singular(unit, eleven, hundred):
    with translation.override("ar"):
        for number, text in ((11, eleven), (100, hundred)):
            assert translation.ngettext(f"%(num)d {unit}", f"%(num)d {unit}s", number) % {"num": number} == text


def test_every_overridden_django_message_reads_in_arabic_with_guillemets():
    messages = (
        django_messages.SELECTION[1:]  # the first is a plural, checked on the page
        + django_messages.SAVED[:-1]  # the last is a plural too
        + django_messages.HISTORY
        + django_messages.DELETION
        + django_messages.FORMS
    )
    with translation.override("ar"):
        for message in messages:
            text = str(message)
            assert re.search("[\u0621-\u064a]", text), text
            assert not re.search("[”“\"']", text), text


def test_the_admins_scripts_read_our_arabic_for_the_selection_counter_and_time_notes(staff_client):
    """What the admin's JavaScript shows (actions.js, DateTimeShortcuts.js) comes from its script
    catalogue: ours is merged over Django's, which says «لا شي محدد» and «3 ساعة»."""
    # The catalogue is a JSON object (with \u escapes) inside the script: read it as the browser does.
    page = staff_client.get(reverse("admin:jsi18n")).content.decode()
    script = json.dumps(json.loads(re.search(r"const newcatalog = (\{.*?\});\n", page, re.S)[1]), ensure_ascii=False)

    assert "لا شي محدد" not in script and "لم يُحدَّد شيء من %(cnt)s" in script
    assert "حُدِّدت %(sel)s عناصر من %(cnt)s" in script
    assert "متقدم بـ %s ساعات عن وقت الخادم" in script and "متأخر بساعتين عن وقت الخادم" in script
    assert "اختر تاريخاً" in script and "إختر" not in script
