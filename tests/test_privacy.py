"""Privacy between journalists: another journalist's draft, its history and its differences
are for its authors and editors only, whatever URL is typed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from articles.models import Article, Author
from articles.stories import services

from .factories import make_section
from .test_permissions import admin_url, logged_in, newsroom_user

pytestmark = pytest.mark.django_db

SECRET = "مسودة سرية عن مصدر في الوزارة"


@pytest.fixture
def people(db):
    return {
        "writer": newsroom_user("journalist", username="reem", first_name="ريم", last_name="عيسى"),
        "other": newsroom_user("journalist", username="sara"),
        "coauthor": newsroom_user("journalist", username="nour", first_name="نور", last_name="سالم"),
        "editor": newsroom_user("editor"),
    }


@pytest.fixture
def draft(people, now):
    """Reem's draft, saved twice (two versions), with Nour on its byline."""
    coauthor = Author.objects.create(name_ar="نور سالم", slug="nour", user=people["coauthor"])
    story = services.article_create(
        headline=SECRET,
        section=make_section(),
        by=people["writer"],
        bylines=[services.BylineInput(author=coauthor)],
    )
    story.dek_ar = "تفاصيل لم تُنشر بعد"
    return services.article_save(article=story, by=people["writer"])


def two_versions(story):
    versions = list(Version.objects.get_for_object(story).order_by("pk").values_list("pk", flat=True))
    assert len(versions) >= 2
    return {"old": versions[0], "new": versions[-1]}


def test_other_journalist_does_not_see_the_draft_in_the_story_list(people, draft):
    client = logged_in(people["other"])

    listed = client.get(admin_url("article_changelist")).content.decode()
    searched = client.get(admin_url("article_changelist"), {"q": "سرية"}).content.decode()

    assert SECRET not in listed
    assert SECRET not in searched


def test_other_journalist_cannot_open_the_draft_its_history_or_its_differences(people, draft):
    client = logged_in(people["other"])
    version = two_versions(draft)

    change = client.get(admin_url("article_change", draft.pk), follow=True)
    history = client.get(admin_url("article_history", draft.pk), follow=True)
    compare = client.get(admin_url("article_compare", draft.pk), version)
    revision = client.get(admin_url("article_revision", draft.pk, version["old"]))
    heartbeat = client.post(admin_url("article_heartbeat", draft.pk))

    for response in (change, history, compare, revision, heartbeat):
        assert SECRET not in response.content.decode()
    assert compare.status_code == 403
    assert revision.status_code == 403
    assert heartbeat.status_code == 403
    # Django's «doesn't exist» for the form and the history: no hint that the story is there.
    assert change.redirect_chain[-1][0] == reverse("admin:index")
    assert history.redirect_chain[-1][0] == reverse("admin:index")


def test_other_journalist_cannot_preview_the_draft_on_the_site(people, draft):
    client = logged_in(people["other"])
    with translation.override("ar"):
        url = draft.get_absolute_url()

    response = client.get(url)

    assert response.status_code == 404
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize("who", ["writer", "coauthor", "editor"])
def test_authors_and_editors_read_the_draft_its_history_and_differences(people, draft, who):
    client = logged_in(people[who])
    with translation.override("ar"):
        url = draft.get_absolute_url()

    assert SECRET in client.get(admin_url("article_changelist")).content.decode()
    assert client.get(admin_url("article_change", draft.pk)).status_code == 200
    assert client.get(admin_url("article_history", draft.pk)).status_code == 200
    assert client.get(admin_url("article_compare", draft.pk), two_versions(draft)).status_code == 200
    assert client.get(url).status_code == 200


def test_story_in_review_is_read_by_every_journalist_but_its_history_by_its_authors(people, draft):
    draft.status = Article.Status.REVIEW
    services.article_save(article=draft, by=people["writer"])
    client = logged_in(people["other"])

    assert SECRET in client.get(admin_url("article_changelist")).content.decode()
    assert client.get(admin_url("article_change", draft.pk)).status_code == 200
    assert client.get(admin_url("article_history", draft.pk)).status_code == 403
    assert client.get(admin_url("article_compare", draft.pk), two_versions(draft)).status_code == 403


def test_story_list_keeps_its_query_budget_for_a_journalist(people, draft, django_assert_max_num_queries):
    client = logged_in(people["other"])
    client.get(admin_url("article_changelist"))  # sessions, content types and permissions cached

    with django_assert_max_num_queries(11):
        response = client.get(admin_url("article_changelist"))

    assert response.status_code == 200
