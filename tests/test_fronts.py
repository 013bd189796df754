"""Front pages arranged by editors, and the breaking line («عاجل»)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from articles.front import services as front
from articles.front.models import PLACES, BreakingNews, FrontSlot
from articles.stories import services

from .conftest import REFERENCE_TIME
from .factories import make_article, make_image, make_section
from .test_permissions import newsroom_user
from .test_views import html_of, listed

pytestmark = pytest.mark.django_db


def commit(write, *args, **kwargs):
    """Run a write and what it schedules for after its commit (the tests' transaction never commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return write(*args, **kwargs)


def home(client, language="ar"):
    with translation.override(language):
        return client.get(reverse("articles:home"))


def lead_of(response) -> str:
    match = re.search(r'data-front="lead">.*?class="card__headline"><a href="([^"]+)"', html_of(response), re.S)
    return match.group(1) if match else ""


def top_of(response) -> list[str]:
    return re.findall(
        r'data-front="top"><article class="card">.*?class="card__headline"><a href="([^"]+)"', html_of(response), re.S
    )


def stories(count, **kwargs):
    """``count`` public stories, the newest first, an hour apart."""
    made = [
        make_article(headline=f"خبر {n}", published_at=REFERENCE_TIME - timedelta(hours=n + 1), **kwargs)
        for n in range(count)
    ]
    return made


class TestHomeFront:
    def test_without_curation_the_newest_story_leads(self, client, now):
        newest, *_older = stories(3)
        assert lead_of(home(client)) == newest.get_absolute_url()

    def test_editor_chosen_lead_and_order_show_and_the_rest_fill_with_the_newest(self, client, now):
        made = stories(8)
        commit(front.front_place, article=made[5], language="ar", position=0)
        commit(front.front_place, article=made[7], language="ar", position=1)
        response = home(client)
        assert lead_of(response) == made[5].get_absolute_url()
        top = top_of(response)
        assert top[0] == made[7].get_absolute_url()
        # Empty places: the newest stories not already on the front, newest first.
        assert top[1:] == [made[0].get_absolute_url(), made[1].get_absolute_url(), made[2].get_absolute_url()]
        # Nothing is shown twice on the page.
        assert len(listed(response)) == len(set(listed(response)))

    def test_placing_a_new_lead_moves_the_others_down(self, client, now):
        made = stories(4)
        commit(front.front_place, article=made[2], language="ar", position=0)
        commit(front.front_place, article=made[3], language="ar", position=0)
        response = home(client)
        assert lead_of(response) == made[3].get_absolute_url()
        assert top_of(response)[0] == made[2].get_absolute_url()

    def test_move_up_and_down_swaps_neighbours(self, client, now):
        made = stories(4)
        commit(front.front_place, article=made[2], language="ar", position=0)
        second = commit(front.front_place, article=made[3], language="ar", position=1)
        commit(front.front_move, slot=second, step=-1)
        response = home(client)
        assert lead_of(response) == made[3].get_absolute_url()
        assert top_of(response)[0] == made[2].get_absolute_url()

    def test_unpublished_story_leaves_its_place_at_once(self, client, now, settings):
        settings.PAGE_CACHE_SECONDS = 600
        made = stories(3)
        commit(front.front_place, article=made[2], language="ar", position=0)
        assert lead_of(home(client)) == made[2].get_absolute_url()
        commit(services.article_unpublish, article=made[2])
        response = home(client)
        assert lead_of(response) == made[0].get_absolute_url()
        assert made[2].get_absolute_url() not in listed(response)

    def test_scheduled_lead_takes_over_at_its_time_even_from_the_page_cache(self, client, now, settings, monkeypatch):
        settings.PAGE_CACHE_SECONDS = 600
        made = stories(3)
        commit(
            front.front_place, article=made[2], language="ar", position=0, starts_at=REFERENCE_TIME + timedelta(hours=1)
        )
        assert lead_of(home(client)) == made[0].get_absolute_url()
        assert home(client)["X-Page-Cache"] == "hit"
        later = REFERENCE_TIME + timedelta(hours=1, minutes=1)
        monkeypatch.setattr("django.utils.timezone.now", lambda: later)
        assert lead_of(home(client)) == made[2].get_absolute_url()

    def test_fronts_are_per_language(self, client, now):
        made = [
            make_article(
                headline=f"خبر {n}",
                english={"headline": f"Story {n}"},
                published_at=REFERENCE_TIME - timedelta(hours=n + 1),
            )
            for n in range(3)
        ]
        commit(front.front_place, article=made[2], language="en", position=0)
        assert lead_of(home(client, "ar")) == made[0].get_absolute_url()
        with translation.override("en"):
            expected = made[2].get_absolute_url()
        assert lead_of(home(client, "en")) == expected

    def test_lead_without_a_photo_gets_the_text_layout(self, client, now):
        with_photo = make_article(headline="مع صورة", lead_image=make_image())
        response = home(client)
        assert 'class="lead-story"' in html_of(response)
        commit(front.front_place, article=make_article(headline="بلا صورة"), language="ar", position=0)
        response = home(client)
        assert "lead-story lead-story--text" in html_of(response)
        assert with_photo.get_absolute_url() in top_of(response)

    def test_only_public_stories_can_be_placed(self, now):
        draft = make_article(publish=False)
        with pytest.raises(ValidationError):
            commit(front.front_place, article=draft, language="ar", position=0)
        assert not FrontSlot.objects.exists()

    def test_a_place_beyond_the_front_is_refused(self, now):
        with pytest.raises(ValidationError):
            commit(front.front_place, article=make_article(), language="ar", position=PLACES)

    def test_home_queries_stay_constant_with_curation(self, client, now, django_assert_max_num_queries):
        made = stories(14)
        home(client)  # the menu, the breaking line and the front's places are cached after the first page
        with django_assert_max_num_queries(3):
            home(client)
        # Five places held by the oldest stories, none of them among the page's newest.
        for position in range(PLACES):
            commit(front.front_place, article=made[13 - position], language="ar", position=position)
        home(client)
        # Those stories and their bylines: two queries more, however many places.
        with django_assert_max_num_queries(5):
            response = home(client)
        assert lead_of(response) == made[13].get_absolute_url()


class TestSectionFront:
    def test_section_front_leads_with_its_chosen_story(self, client, now):
        section = make_section()
        made = stories(3, section=section)
        commit(front.front_place, article=made[2], language="ar", section=section, position=0)
        response = client.get(section.get_absolute_url())
        assert lead_of(response) == made[2].get_absolute_url()
        # The home page is not arranged by a section's front.
        assert lead_of(home(client)) == made[0].get_absolute_url()

    def test_section_front_takes_only_its_own_stories(self, now):
        with pytest.raises(ValidationError):
            commit(front.front_place, article=make_article(), language="ar", section=make_section(), position=0)

    def test_section_front_change_refreshes_that_section_only(self, client, now, settings):
        settings.PAGE_CACHE_SECONDS = 600
        section = make_section()
        made = stories(3, section=section)
        client.get(section.get_absolute_url())
        home(client)
        commit(front.front_place, article=made[2], language="ar", section=section, position=0)
        assert home(client)["X-Page-Cache"] == "hit"
        response = client.get(section.get_absolute_url())
        assert response["X-Page-Cache"] == "miss"
        assert lead_of(response) == made[2].get_absolute_url()


class TestBreakingLine:
    def test_line_shows_on_every_reader_page_in_its_language(self, client, now):
        story = make_article(headline="زلزال بقوة 6 درجات")
        commit(front.breaking_set, language="ar", text="زلزال يضرب المنطقة", article=story)
        for url in (reverse("articles:home"), story.get_absolute_url(), story.section.get_absolute_url()):
            page = html_of(client.get(url))
            assert "عاجل" in page and "زلزال يضرب المنطقة" in page
            assert f'<a href="{story.get_absolute_url()}">زلزال يضرب المنطقة</a>' in page
        assert "زلزال يضرب المنطقة" not in html_of(home(client, "en"))

    def test_cached_pages_show_a_new_line_and_lose_a_removed_one(self, client, now, settings):
        settings.PAGE_CACHE_SECONDS = 600
        make_article()
        home(client)
        assert home(client)["X-Page-Cache"] == "hit"
        line = commit(front.breaking_set, language="ar", text="انفجار في الميناء")
        assert "انفجار في الميناء" in html_of(home(client))
        commit(front.breaking_remove, line=line)
        assert "انفجار في الميناء" not in html_of(home(client))

    def test_line_disappears_when_it_expires(self, client, now, settings, monkeypatch):
        settings.PAGE_CACHE_SECONDS = 600
        make_article()
        commit(front.breaking_set, language="ar", text="إغلاق الطرق", expires_at=REFERENCE_TIME + timedelta(minutes=30))
        assert "إغلاق الطرق" in html_of(home(client))
        monkeypatch.setattr("django.utils.timezone.now", lambda: REFERENCE_TIME + timedelta(minutes=31))
        assert "إغلاق الطرق" not in html_of(home(client))

    def test_link_goes_when_its_story_is_unpublished(self, client, now):
        story = make_article()
        commit(front.breaking_set, language="ar", text="خبر عاجل", article=story)
        assert f'href="{story.get_absolute_url()}">خبر عاجل' in html_of(home(client))
        commit(services.article_unpublish, article=story)
        page = html_of(home(client))
        assert "خبر عاجل" in page and f'href="{story.get_absolute_url()}">خبر عاجل' not in page

    def test_a_new_line_replaces_the_current_one(self, client, now):
        commit(front.breaking_set, language="ar", text="الأول")
        commit(front.breaking_set, language="ar", text="الثاني")
        page = html_of(home(client))
        assert "الثاني" in page and "الأول" not in page
        assert BreakingNews.objects.current("ar").count() == 1

    def test_expiry_in_the_past_is_refused(self, now):
        with pytest.raises(ValidationError):
            commit(front.breaking_set, language="ar", text="قديم", expires_at=REFERENCE_TIME - timedelta(minutes=1))


class TestDesk:
    @pytest.fixture
    def editor_client(self, client):
        client.force_login(newsroom_user("editor"))
        return client

    def test_editor_places_a_lead_from_the_desk_form(self, editor_client, now):
        made = stories(3)
        response = editor_client.post(
            reverse("admin:articles_frontslot_add"),
            {
                "article": made[2].pk,
                "section": "",
                "language": "ar",
                "place": "0",
                "starts_at_0": "",
                "starts_at_1": "",
            },
        )
        assert response.status_code == 302
        editor_client.logout()
        assert lead_of(home(editor_client)) == made[2].get_absolute_url()

    def test_a_draft_is_refused_with_an_arabic_message(self, editor_client, now):
        draft = make_article(publish=False)
        response = editor_client.post(
            reverse("admin:articles_frontslot_add"),
            {"article": draft.pk, "section": "", "language": "ar", "place": "0", "starts_at_0": "", "starts_at_1": ""},
        )
        assert response.status_code == 200
        assert "لا يوضع في الواجهة إلا خبر منشور." in response.content.decode()
        assert not FrontSlot.objects.exists()

    def test_move_button_posts_reorder(self, editor_client, now):
        made = stories(3)
        commit(front.front_place, article=made[2], language="ar", position=0)
        second = commit(front.front_place, article=made[1], language="ar", position=1)
        response = editor_client.post(reverse("admin:articles_frontslot_move", args=[second.pk]), {"step": "-1"})
        assert response.status_code == 302
        editor_client.logout()
        assert lead_of(home(editor_client)) == made[1].get_absolute_url()

    def test_journalists_cannot_arrange_the_front(self, client, now):
        client.force_login(newsroom_user("journalist"))
        assert client.get(reverse("admin:articles_frontslot_changelist")).status_code == 403
        assert client.get(reverse("admin:articles_breakingnews_add")).status_code == 403

    def test_front_changelist_query_budget(self, editor_client, now, django_assert_max_num_queries):
        made = stories(PLACES)
        for position, article in enumerate(made):
            commit(front.front_place, article=article, language="ar", position=position)
        with django_assert_max_num_queries(12):
            response = editor_client.get(reverse("admin:articles_frontslot_changelist"))
        assert response.status_code == 200
        assert response.content.decode().count('name="step"') == 2 * PLACES

    def test_breaking_line_from_the_desk_form(self, editor_client, now):
        response = editor_client.post(
            reverse("admin:articles_breakingnews_add"),
            {"language": "ar", "text": "عاجل من المكتب", "article": "", "expires_at_0": "", "expires_at_1": ""},
        )
        assert response.status_code == 302
        editor_client.logout()
        assert "عاجل من المكتب" in html_of(home(editor_client))

    def test_breaking_changelist_query_budget_and_remove_action(
        self, editor_client, now, django_assert_max_num_queries
    ):
        lines = [commit(front.breaking_set, language="ar", text=f"سطر {n}") for n in range(5)]
        with django_assert_max_num_queries(10):
            assert editor_client.get(reverse("admin:articles_breakingnews_changelist")).status_code == 200
        editor_client.post(
            reverse("admin:articles_breakingnews_changelist"),
            {"action": "remove_selected", "_selected_action": [lines[-1].pk]},
        )
        assert not BreakingNews.objects.current("ar").exists()


def test_editor_group_exists():
    assert Group.objects.filter(name="محرر").exists()
