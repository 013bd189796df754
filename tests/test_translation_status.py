"""The story form says what a reader of the English page would miss before it goes out."""

from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Placement, Tag
from articles.stories import services
from articles.stories.translation_status import untranslated, untranslated_stories

from .factories import make_agency, make_article, make_author, make_image
from .test_admin import form_data

pytestmark = pytest.mark.django_db

ENGLISH_PHOTO = {"en": {"alt_text": "A long meeting table", "caption": "Foreign ministers in Amman"}}


def _translated_story(**kwargs):
    """A story whose English page misses nothing."""
    story = make_article(
        dek="سطر تمهيدي قصير.",
        tags=["الطاقة"],
        bylines=[make_author(), "وكالات"],
        sources=[make_agency()],
        lead_image=make_image(translations=ENGLISH_PHOTO),
        english={"headline": "Ministers meet in Amman", "dek": "A short dek.", "body": "<p>Ministers met.</p>"},
        **kwargs,
    )
    Tag.objects.filter(name_ar="الطاقة").update(name_en="Energy")
    return story


class _Box(HTMLParser):
    """The items of the «English version is incomplete» box on the change form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = False
        self.items = []
        self._depth = 0
        self._item = None

    def handle_starttag(self, tag, attrs):
        if tag == "section" and "sahifa-untranslated" in (dict(attrs).get("class") or ""):
            self.found = True
            self._depth = 1
        elif self._depth and tag == "section":
            self._depth += 1
        elif self._depth and tag == "li":
            self._item = ""

    def handle_data(self, data):
        if self._item is not None:
            self._item += data

    def handle_endtag(self, tag):
        if self._depth and tag == "li" and self._item is not None:
            self.items.append(self._item.strip())
            self._item = None
        elif self._depth and tag == "section":
            self._depth -= 1


def _box(response) -> _Box:
    box = _Box()
    box.feed(response.content.decode())
    return box


def test_translated_story_misses_nothing():
    assert untranslated(_translated_story()) == []


def test_arabic_only_story_lists_nothing():
    story = make_article(dek="سطر تمهيدي.", tags=["الطاقة"], lead_image=make_image())

    assert untranslated(story) == []


def test_missing_dek_untranslated_tag_and_photo_without_english_alt_text_are_listed():
    story = make_article(
        dek="سطر تمهيدي قصير.",
        tags=["الطاقة"],
        lead_image=make_image(caption="وزراء الخارجية في عمّان"),
        english={"headline": "Ministers meet in Amman", "body": "<p>Ministers met.</p>"},
    )

    assert untranslated(story) == [
        "العنوان الفرعي بالإنجليزية فارغ",
        "الصورة «وزراء الخارجية في عمّان» بلا نص بديل بالإنجليزية",
        "الصورة «وزراء الخارجية في عمّان» بلا تعليق بالإنجليزية",
        "الوسم «الطاقة» بلا اسم إنجليزي",
    ]


def test_names_placements_and_corrections_without_english_are_listed(superuser):
    story = _translated_story()
    author = make_author(name="سامر العلي", name_en="")
    story.bylines.create(author=author, position=5)
    story.bylines.create(text="مراسل خاص", position=6)
    story.cited_sources.create(source=make_agency(name="وكالة محلية", name_en=""), position=3)
    photo = make_image(caption="", alt_text="حشد في الساحة", translations=None)
    Placement.objects.create(article=story, image=photo, caption_override_ar="المتظاهرون في الساحة")
    story.section.name_en = ""
    story.section.save()
    services.article_add_correction(article=story, note="صُحح اسم الوزير.", by=superuser)

    assert untranslated(story) == [
        "الصورة «حشد في الساحة» بلا نص بديل بالإنجليزية",
        "الصورة «حشد في الساحة» بلا تعليق بالإنجليزية",
        f"القسم «{story.section.name_ar}» بلا اسم إنجليزي",
        "الكاتب «سامر العلي» بلا اسم إنجليزي",
        "اسم الكاتب «مراسل خاص» بلا صيغة إنجليزية",
        "الوكالة «وكالة محلية» بلا اسم إنجليزي",
        "التصحيح «صُحح اسم الوزير.» بلا نص إنجليزي",
    ]


def test_several_stories_are_checked_in_a_fixed_number_of_queries(django_assert_num_queries):
    stories = [_translated_story() for _ in range(4)]

    with django_assert_num_queries(6):
        gaps = untranslated_stories(story.pk for story in stories)

    assert gaps == {story.pk: [] for story in stories}


class TestStoryForm:
    def test_change_form_shows_the_gaps_in_a_box(self, staff_client):
        story = make_article(dek="سطر تمهيدي قصير.", tags=["الطاقة"], english={"headline": "Ministers meet"})

        response = staff_client.get(reverse("admin:articles_article_change", args=[story.pk]))

        box = _box(response)
        assert box.found
        assert box.items == [
            "العنوان الفرعي بالإنجليزية فارغ",
            "النص بالإنجليزية فارغ",
            "الوسم «الطاقة» بلا اسم إنجليزي",
        ]
        assert '<html lang="ar" dir="rtl">' in response.content.decode()

    @pytest.mark.parametrize("english", [None, "complete"])
    def test_no_box_without_an_english_version_or_with_nothing_missing(self, staff_client, english):
        story = _translated_story() if english else make_article(dek="سطر تمهيدي.", tags=["الطاقة"])

        response = staff_client.get(reverse("admin:articles_article_change", args=[story.pk]))

        assert response.status_code == 200
        assert not _box(response).found

    def test_saving_an_incomplete_english_version_warns_and_saves(self, staff_client, now):
        story = make_article(dek="سطر تمهيدي قصير.", publish=False, english={"headline": "Ministers meet"})
        change_url = reverse("admin:articles_article_change", args=[story.pk])
        data = form_data(staff_client.get(change_url))
        data["headline_en"] = "Ministers meet in Amman"
        data["desk_action"] = "publish"
        data["_save"] = "1"

        response = staff_client.post(change_url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
        story.refresh_from_db()
        assert story.headline_en == "Ministers meet in Amman"
        assert story.status == "published"
        warnings = [message for message in get_messages(response.wsgi_request) if message.level_tag == "warning"]
        assert len(warnings) == 1
        assert "العنوان الفرعي بالإنجليزية فارغ" in str(warnings[0])
        assert "النص بالإنجليزية فارغ" in str(warnings[0])

    def test_saving_a_complete_english_version_does_not_warn(self, staff_client):
        story = _translated_story(publish=False)
        change_url = reverse("admin:articles_article_change", args=[story.pk])
        data = form_data(staff_client.get(change_url))
        data["_save"] = "1"

        response = staff_client.post(change_url, data)

        assert response.status_code == 302
        assert not [message for message in get_messages(response.wsgi_request) if message.level_tag == "warning"]

    def test_publish_action_warns_about_incomplete_english_versions(self, staff_client, now):
        story = make_article(publish=False, tags=["الطاقة"], english={"headline": "Ministers meet", "body": "<p>x</p>"})

        response = staff_client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "publish_selected", "_selected_action": [story.pk]},
        )

        assert response.status_code == 302
        warnings = [str(message) for message in get_messages(response.wsgi_request) if message.level_tag == "warning"]
        assert len(warnings) == 1 and "الوسم «الطاقة» بلا اسم إنجليزي" in warnings[0]
