"""Who may do what: each role against each way into the newsroom, with forged requests.

Users are real members of the groups the data migrations create (صحفي, محرر), plus a
staff account with no group. Every request is built by hand, as a forger would, not
only what the forms offer; a refused request must leave the database as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from articles.desk import presence
from articles.models import (
    Agency,
    AgencyAlias,
    Article,
    Byline,
    CitedSource,
    Correction,
    CreditSuggestion,
    Image,
    Placement,
    Tag,
    TaggedArticle,
)
from articles.photos import services as photo_services
from articles.stories import permissions, services

from .conftest import REFERENCE_TIME
from .factories import make_agency, make_article, make_image, make_section
from .test_admin import form_data

pytestmark = pytest.mark.django_db

ROLES = ("journalist", "editor", "staff")
GROUPS = {"journalist": "صحفي", "editor": "محرر", "staff": None}
FULL_NAMES = {"journalist": ("سارة", "القاسم"), "editor": ("خالد", "منصور"), "staff": ("باسل", "حمدان")}
PASSWORD = "sahifa-test-password-8812"
MARK = "عنوان مزوّر في طلب مصطنع"


@pytest.fixture(autouse=True)
def _static_files_looked_up_per_request(settings):
    # Every test client builds its own middleware, and WhiteNoise would index every static
    # file for each (a third of a second); looking files up when asked serves these tests.
    settings.WHITENOISE_AUTOREFRESH = True


# --- People and clients (test_workflow.py and test_history.py use these too) --------


def newsroom_user(role: str, *, username: str | None = None, first_name: str = "", last_name: str = ""):
    """A staff account in the role's group, as the data migrations created it (no group for "staff")."""
    default_first, default_last = FULL_NAMES[role]
    user = get_user_model().objects.create_user(
        username=username or role,
        password=PASSWORD,
        is_staff=True,
        first_name=first_name or default_first,
        last_name=last_name or default_last,
    )
    if GROUPS[role]:
        user.groups.add(Group.objects.get(name=GROUPS[role]))
    return user


def story_form(story: Article) -> dict:
    """What a browser posts back from ``story``'s change form, built without opening the form.

    For stories without bylines, sources, photos or corrections (the inline forms are empty).
    """
    story = Article.objects.get(pk=story.pk)
    assert not (story.bylines.exists() or story.cited_sources.exists() or story.placements.exists())
    data = {
        f"{name}_{language}": getattr(story, f"{name}_{language}") or ""
        for name in ("headline", "dek", "slug", "body")
        for language in ("ar", "en")
    }
    data |= {
        "expected_version": story.version,
        "section": story.section_id,
        "tags": ", ".join(sorted(story.tags.names())),
        "lead_image": story.lead_image_id or "",
    }
    for name in ("published_at", "embargo_until"):
        moment = getattr(story, name)
        moment = timezone.localtime(moment) if moment else None
        data[f"{name}_0"] = f"{moment:%Y-%m-%d}" if moment else ""
        data[f"{name}_1"] = f"{moment:%H:%M:%S}" if moment else ""
    for prefix in ("bylines", "cited_sources", "placements", "corrections"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:articles_{name}", args=args)


def database_state(*, with_bookkeeping: bool = True) -> dict:
    """Every newsroom row, to compare before and after a request.

    ``with_bookkeeping=False`` leaves out what any accepted save touches (the story's
    version, updated_at/updated_by and its revision), for forms that save the allowed
    fields and ignore forged ones.
    """
    models = [Article, Byline, CitedSource, TaggedArticle, Tag, Placement, Correction, Image, Agency, AgencyAlias]
    models += [CreditSuggestion]
    state = {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}
    if with_bookkeeping:
        state["versions"] = list(Version.objects.order_by("pk").values("pk", "serialized_data"))
        state["revisions"] = Revision.objects.count()
    else:
        for row in state["articles.Article"]:
            for name in ("version", "updated_at", "updated_by_id"):
                row.pop(name)
    return state


# --- The newsroom each test works in -------------------------------------------------


class Newsroom:
    """People, and stories made on demand: each matrix test pays only for what it uses."""

    def __init__(self):
        self.users = {role: newsroom_user(role) for role in ROLES}
        self.colleague = newsroom_user("journalist", username="colleague", first_name="ريم", last_name="عيسى")
        self.desk_chief = get_user_model().objects.create_superuser("desk-chief", "chief@example.com", None)
        # Forged requests start from the form an editor's browser would post back.
        self.reader = logged_in(self.desk_chief)
        self.section = make_section()

    def story_of(self, role: str, *, headline: str, status: str = Article.Status.DRAFT) -> Article:
        """A story ``role``'s user wrote, in ``status`` (draft or review)."""
        user = self.users[role]
        writer = user if permissions.is_editor(user) or user.has_perm("articles.add_article") else None
        story = services.article_create(headline=headline, section=self.section, by=writer, tags=["زراعة"])
        if writer is None:
            Article.objects.filter(pk=story.pk).update(created_by=user)
            story.refresh_from_db()
        if status != story.status:
            story.status = status
            services.article_save(article=story, by=writer)
        return story

    @cached_property
    def colleague_draft(self) -> Article:
        return services.article_create(headline="مسودة زميلة عن المياه", section=self.section, by=self.colleague)

    @cached_property
    def published(self) -> Article:
        return make_article(headline="خبر منشور عن الانتخابات", section=self.section)

    @cached_property
    def edited_story(self) -> Article:
        """A published story whose headline an editor changed after publishing: two revisions."""
        story = make_article(headline="العنوان الأول للخبر", section=self.section)
        story.headline_ar = "العنوان الثاني للخبر"
        return services.article_save(article=story, by=self.users["editor"])

    @cached_property
    def deleted_version(self) -> Version:
        story = services.article_create(headline="خبر حُذف خطأً", section=self.section, tags=["أرشيف"])
        pk = story.pk
        services.article_delete(article=story, by=self.users["editor"])
        return Version.objects.get_deleted(Article).get(object_id=str(pk))

    @cached_property
    def suggestion(self) -> CreditSuggestion:
        return photo_services.credit_suggestion_for(text="وكالة الأنباء المحلية")

    @cached_property
    def agency(self) -> Agency:
        return make_agency(name="رويترز", name_en="Reuters")

    @cached_property
    def other_agency(self) -> Agency:
        return make_agency(name="أسوشيتد برس", name_en="AP")

    @cached_property
    def image(self) -> Image:
        return make_image(credit=self.agency)

    def photo_to_credit(self, role: str) -> Image:
        """A credited photo ``role``'s user uploaded (no story uses it, so a journalist may describe
        it), and the agency a forged request tries to credit it to instead."""
        self.other_agency  # noqa: B018 - created now, before the request is compared against
        Image.objects.filter(pk=self.image.pk).update(uploaded_by=self.users[role])
        return self.image

    def form_of(self, url: str) -> dict:
        response = self.reader.get(url)
        assert response.status_code == 200
        return form_data(response)

    def forged_change(self, client, story: Article, **changes):
        return client.post(admin_url("article_change", story.pk), {**story_form(story), **changes, "_save": "1"})


def _story(response_or_story) -> Article:
    return Article.objects.filter(pk=response_or_story.pk).first()


# --- The matrix --------------------------------------------------------------------------

TOMORROW = REFERENCE_TIME + timedelta(days=1)


@dataclass(frozen=True)
class Action:
    """``prepare`` makes what the request needs; ``run`` sends it; ``done`` says whether it took effect."""

    allowed: frozenset
    prepare: Callable
    run: Callable
    done: Callable
    # Status of a refused request, per role (403 unless said otherwise).
    refused: dict = field(default_factory=dict)
    # The form saves what the role may change and ignores the forged field.
    saves_the_rest: bool = False


EDITOR_ONLY = frozenset({"editor"})
WRITERS = frozenset({"journalist", "editor"})


def _add(w, client, target):
    data = {
        "headline_ar": MARK,
        "section": w.section.pk,
        "desk_action": "draft",
    }
    for prefix in ("bylines", "cited_sources", "placements"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return client.post(admin_url("article_add"), data)


def _changelist_action(url, action, pks, **extra):
    def run(w, client, target):
        return client.post(url, {"action": action, "_selected_action": pks(target), "index": "0", **extra})

    return run


def _revision_url(story: Article) -> str:
    first = Version.objects.get_for_object(story).order_by("pk").first()
    return admin_url("article_revision", story.pk, first.pk)


def _restore(w, client, story):
    data = w.form_of(_revision_url(story))
    return client.post(_revision_url(story), {**data, "_save": "1"})


def _recover(w, client, version):
    url = admin_url("article_recover", version.pk)
    return client.post(url, {**w.form_of(url), "_save": "1"})


def _compare(w, client, story):
    versions = list(Version.objects.get_for_object(story).order_by("pk").values_list("pk", flat=True))
    return client.get(admin_url("article_compare", story.pk), {"old": versions[0], "new": versions[-1]})


def _image_change(w, client, image):
    data = w.form_of(admin_url("image_change", image.pk))
    data.update(credit=w.other_agency.pk, _save="1")
    return client.post(admin_url("image_change", image.pk), data)


def _agency_change(w, client, agency):
    data = w.form_of(admin_url("agency_change", agency.pk))
    data.update(name_ar=MARK, _save="1")
    return client.post(admin_url("agency_change", agency.pk), data)


def _agency_add(w, client, target):
    data = w.form_of(admin_url("agency_add"))
    data.update(name_ar=MARK, name_en="Forged", slug="forged-agency", _save="1")
    return client.post(admin_url("agency_add"), data)


def _ok(response) -> bool:
    return response.status_code == 200


ACTIONS = {
    "add a story": Action(
        allowed=WRITERS,
        prepare=lambda w, role: None,
        run=_add,
        done=lambda w, target, response: Article.objects.filter(headline_ar=MARK).exists(),
    ),
    "change own draft": Action(
        allowed=WRITERS,
        prepare=lambda w, role: w.story_of(role, headline="مسودتي عن الطقس"),
        run=lambda w, client, story: w.forged_change(client, story, headline_ar=MARK),
        done=lambda w, story, response: _story(story).headline_ar == MARK,
    ),
    "send own draft for review": Action(
        allowed=WRITERS,
        prepare=lambda w, role: w.story_of(role, headline="مسودتي الجاهزة"),
        run=lambda w, client, story: w.forged_change(client, story, desk_action="review"),
        done=lambda w, story, response: _story(story).status == Article.Status.REVIEW,
    ),
    "change another's draft": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.colleague_draft,
        run=lambda w, client, story: w.forged_change(client, story, headline_ar=MARK),
        done=lambda w, story, response: _story(story).headline_ar == MARK,
        # Another journalist's draft is not theirs to open: the admin's «no such story».
        refused={"journalist": 302},
    ),
    "change own story in review": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.story_of(role, headline="قصتي قيد المراجعة", status=Article.Status.REVIEW),
        run=lambda w, client, story: w.forged_change(client, story, headline_ar=MARK),
        done=lambda w, story, response: _story(story).headline_ar == MARK,
    ),
    "change a published story": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.published,
        run=lambda w, client, story: w.forged_change(client, story, headline_ar=MARK),
        done=lambda w, story, response: _story(story).headline_ar == MARK,
    ),
    "set status published (forged)": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.story_of(role, headline="مسودة تُنشر خلسة"),
        run=lambda w, client, story: w.forged_change(client, story, desk_action="publish"),
        done=lambda w, story, response: _story(story).status == Article.Status.PUBLISHED,
        # A journalist's form takes «draft», «save» and «review» only: a form error.
        refused={"journalist": 200},
    ),
    "set status unpublished (forged)": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.story_of(role, headline="مسودة تُسحب خلسة"),
        run=lambda w, client, story: w.forged_change(client, story, desk_action="unpublish"),
        done=lambda w, story, response: _story(story).status == Article.Status.UNPUBLISHED,
        refused={"journalist": 200},
    ),
    "set published_at (forged)": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.story_of(role, headline="مسودة تُجدول خلسة"),
        run=lambda w, client, story: w.forged_change(
            client, story, published_at_0=f"{TOMORROW:%Y-%m-%d}", published_at_1="08:00:00"
        ),
        done=lambda w, story, response: _story(story).published_at is not None,
        # A journalist's form has no such field: the rest saves, the date is ignored.
        refused={"journalist": 302},
        saves_the_rest=True,
    ),
    "set embargo_until (forged)": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.story_of(role, headline="مسودة يُفرض عليها حظر"),
        run=lambda w, client, story: w.forged_change(
            client, story, embargo_until_0=f"{TOMORROW:%Y-%m-%d}", embargo_until_1="08:00:00"
        ),
        done=lambda w, story, response: _story(story).embargo_until is not None,
        refused={"journalist": 302},
        saves_the_rest=True,
    ),
    "publish action (forged name)": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.colleague_draft,
        run=_changelist_action(admin_url("article_changelist"), "publish_selected", lambda story: [story.pk]),
        done=lambda w, story, response: _story(story).status == Article.Status.PUBLISHED,
        # The admin does not offer the action: it answers with the list or a redirect to it.
        refused={"journalist": (200, 302)},
    ),
    "unpublish action (forged name)": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.published,
        run=_changelist_action(admin_url("article_changelist"), "unpublish_selected", lambda story: [story.pk]),
        done=lambda w, story, response: _story(story).status == Article.Status.UNPUBLISHED,
        refused={"journalist": (200, 302)},
    ),
    "delete own draft": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.story_of(role, headline="مسودة للحذف"),
        run=lambda w, client, story: client.post(admin_url("article_delete", story.pk), {"post": "yes"}),
        done=lambda w, story, response: _story(story) is None,
    ),
    "bulk delete": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: [w.story_of(role, headline="مسودة للحذف الجماعي"), w.colleague_draft],
        run=_changelist_action(
            admin_url("article_changelist"), "delete_selected", lambda stories: [s.pk for s in stories], post="yes"
        ),
        done=lambda w, stories, response: not Article.objects.filter(pk__in=[s.pk for s in stories]).exists(),
        refused={"journalist": (200, 302)},
    ),
    "history": Action(
        allowed=WRITERS,
        prepare=lambda w, role: w.story_of(role, headline="قصة لها تاريخ"),
        run=lambda w, client, story: client.get(admin_url("article_history", story.pk)),
        done=lambda w, story, response: _ok(response),
    ),
    "compare two revisions": Action(
        allowed=WRITERS,
        prepare=lambda w, role: w.story_of(role, headline="قصة تُقارن نسخها", status=Article.Status.REVIEW),
        run=lambda w, client, story: _compare(w, client, story),
        done=lambda w, story, response: _ok(response),
    ),
    "revision view": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.edited_story,
        run=lambda w, client, story: client.get(_revision_url(story)),
        done=lambda w, story, response: _ok(response),
    ),
    "restore a revision": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.edited_story,
        run=_restore,
        done=lambda w, story, response: _story(story).headline_ar == "العنوان الأول للخبر",
    ),
    "recover list": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.deleted_version,
        run=lambda w, client, version: client.get(admin_url("article_recoverlist")),
        done=lambda w, version, response: _ok(response),
    ),
    "recover a deleted story": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.deleted_version,
        run=_recover,
        done=lambda w, version, response: Article.objects.filter(pk=version.object_id).exists(),
    ),
    "heartbeat": Action(
        allowed=WRITERS,
        prepare=lambda w, role: w.published,
        run=lambda w, client, story: client.post(admin_url("article_heartbeat", story.pk)),
        done=lambda w, story, response: bool(presence.others_editing(article_id=story.pk, user=w.desk_chief)),
    ),
    "share link": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.colleague_draft,
        run=lambda w, client, story: client.post(admin_url("article_share", story.pk), follow=True),
        done=lambda w, story, response: _ok(response) and "/preview/" in response.content.decode(),
    ),
    "preview a draft on the site": Action(
        # A colleague's draft is for its authors and editors (test_privacy.py).
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.colleague_draft,
        run=lambda w, client, story: client.get(story.get_absolute_url()),
        done=lambda w, story, response: _ok(response),
        refused={"staff": 404, "journalist": 404},
    ),
    "section autocomplete": Action(
        allowed=WRITERS,
        prepare=lambda w, role: w.section,
        run=lambda w, client, section: client.get(
            reverse("admin:autocomplete"),
            {"app_label": "articles", "model_name": "article", "field_name": "section", "term": section.name_ar},
        ),
        done=lambda w, section, response: _ok(response) and str(section.pk) in response.content.decode(),
    ),
    "accept a credit suggestion": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.suggestion,
        run=_changelist_action(
            admin_url("creditsuggestion_changelist"), "accept_as_new_agency", lambda suggestion: [suggestion.pk]
        ),
        done=lambda w, suggestion, response: CreditSuggestion.objects.get(pk=suggestion.pk).status == "accepted",
    ),
    "map a credit suggestion to an agency": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: (w.suggestion, w.agency),
        run=lambda w, client, target: client.post(
            admin_url("creditsuggestion_change", target[0].pk), {"agency": target[1].pk, "_save": "1"}
        ),
        done=lambda w, target, response: CreditSuggestion.objects.get(pk=target[0].pk).agency_id == target[1].pk,
    ),
    "change an agency": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.agency,
        run=_agency_change,
        done=lambda w, agency, response: Agency.objects.get(pk=agency.pk).name_ar == MARK,
    ),
    "add an agency": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: None,
        run=_agency_add,
        done=lambda w, target, response: Agency.objects.filter(name_ar=MARK).exists(),
    ),
    "change a photo's credit": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.photo_to_credit(role),
        run=_image_change,
        done=lambda w, image, response: Image.objects.get(pk=image.pk).credit_id == w.other_agency.pk,
        # A journalist may still edit the photo's other fields; the credit stays.
        refused={"journalist": 302},
        saves_the_rest=True,
    ),
    "set credit action on photos": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.photo_to_credit(role),
        run=lambda w, client, image: client.post(
            admin_url("image_changelist"),
            {"action": "set_credit", "_selected_action": [image.pk], "agency": w.other_agency.pk, "index": "0"},
        ),
        done=lambda w, image, response: Image.objects.get(pk=image.pk).credit_id == w.other_agency.pk,
        refused={"journalist": (200, 302)},
    ),
    "add a correction (forged inline)": Action(
        allowed=EDITOR_ONLY,
        prepare=lambda w, role: w.published,
        run=lambda w, client, story: w.forged_change(
            client, story, **{"corrections-TOTAL_FORMS": "1", "corrections-0-note_ar": "صُحّح اسم الوزير."}
        ),
        done=lambda w, story, response: Correction.objects.filter(article=story).exists(),
    ),
}


def _expected_status(action: Action, role: str) -> tuple:
    status = action.refused.get(role, 403)
    return status if isinstance(status, tuple) else (status,)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ACTIONS)
def test_permission_matrix(name, role, now):
    action = ACTIONS[name]
    newsroom = Newsroom()
    target = action.prepare(newsroom, role)
    client = logged_in(newsroom.users[role])
    before = database_state(with_bookkeeping=not action.saves_the_rest)

    response = action.run(newsroom, client, target)

    if role in action.allowed:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200 and response.context and "adminform" in response.context:
            assert not response.context["adminform"].form.errors
        assert action.done(newsroom, target, response), f"{role} should be able to: {name}"
    else:
        assert response.status_code in _expected_status(action, role), response.status_code
        assert not action.done(newsroom, target, response), f"{role} must not be able to: {name}"
        assert database_state(with_bookkeeping=not action.saves_the_rest) == before


# --- The policy behind the admin: the services refuse the same things -------------------


@pytest.fixture
def journalist(db):
    return newsroom_user("journalist")


@pytest.fixture
def editor(db):
    return newsroom_user("editor")


@pytest.fixture
def bare_staff(db):
    return newsroom_user("staff")


def test_groups_come_from_the_data_migrations():
    journalist = Group.objects.get(name="صحفي")
    editor = Group.objects.get(name="محرر")
    journalist_codenames = set(journalist.permissions.values_list("codename", flat=True))

    assert editor.permissions.filter(codename="publish_article").exists()
    assert {"add_article", "change_article", "view_article", "add_image", "change_image"} <= journalist_codenames
    assert not journalist_codenames & {
        "publish_article",
        "delete_article",
        "add_correction",
        "change_agency",
        "add_agency",
        "change_creditsuggestion",
        "add_agencyalias",
    }


class TestServicesRefuseWhatTheRoleMayNotDo:
    def test_journalist_cannot_publish_schedule_or_embargo_own_draft(self, journalist, now):
        story = services.article_create(headline="مسودة صحفية", section=make_section(), by=journalist)
        before = database_state()

        for change in (
            {"status": Article.Status.PUBLISHED, "published_at": now},
            {"status": Article.Status.UNPUBLISHED},
            {"published_at": now + timedelta(hours=2)},
            {"embargo_until": now + timedelta(hours=2)},
        ):
            forged = Article.objects.get(pk=story.pk)
            for name, value in change.items():
                setattr(forged, name, value)
            with pytest.raises(PermissionDenied):
                services.article_save(article=forged, by=journalist)
        with pytest.raises(PermissionDenied):
            services.article_publish(article=Article.objects.get(pk=story.pk), by=journalist)

        assert database_state() == before

    def test_journalist_cannot_touch_another_story_delete_or_correct(self, journalist, editor, now):
        colleague = newsroom_user("journalist", username="colleague")
        others = services.article_create(headline="مسودة الزميل", section=make_section(), by=colleague)
        own = services.article_create(headline="مسودتي", section=make_section(), by=journalist)
        published = make_article()
        before = database_state()

        others.headline_ar = MARK
        with pytest.raises(PermissionDenied):
            services.article_save(article=others, by=journalist)
        with pytest.raises(PermissionDenied):
            services.article_delete(article=own, by=journalist)
        with pytest.raises(PermissionDenied):
            services.article_add_correction(article=published, note="تصحيح مزوّر", by=journalist)
        with pytest.raises(PermissionDenied):
            services.article_unpublish(article=published, by=journalist)

        assert database_state() == before

    def test_journalist_cannot_change_own_story_once_sent_for_review(self, journalist, now):
        story = services.article_create(headline="قصتي", section=make_section(), by=journalist)
        story.status = Article.Status.REVIEW
        services.article_save(article=story, by=journalist)
        before = database_state()

        story.headline_ar = MARK
        story.status = Article.Status.DRAFT
        with pytest.raises(PermissionDenied):
            services.article_save(article=story, by=journalist)

        assert database_state() == before

    def test_staff_without_a_role_can_do_nothing(self, bare_staff, now):
        published = make_article()
        before = database_state()

        with pytest.raises(PermissionDenied):
            services.article_create(headline=MARK, section=make_section(), by=bare_staff)
        published.headline_ar = MARK
        with pytest.raises(PermissionDenied):
            services.article_save(article=published, by=bare_staff)
        for refused in (services.article_unpublish, services.article_delete):
            with pytest.raises(PermissionDenied):
                refused(article=Article.objects.get(pk=published.pk), by=bare_staff)

        assert database_state() == before

    def test_editor_may_do_all_of_it(self, editor, now):
        colleague = newsroom_user("journalist", username="colleague")
        story = services.article_create(headline="مسودة الزميل", section=make_section(), by=colleague)

        story.embargo_until = now + timedelta(hours=1)
        services.article_save(article=story, by=editor)
        services.article_publish(article=story, by=editor, at=now + timedelta(hours=2))
        services.article_add_correction(article=story, note="صُحّح التاريخ.", by=editor)
        services.article_unpublish(article=story, by=editor)
        services.article_delete(article=story, by=editor)

        assert not Article.objects.filter(pk=story.pk).exists()


def test_journalist_form_offers_only_draft_and_review_and_no_dates(journalist, now):
    story = services.article_create(headline="مسودتي", section=make_section(), by=journalist)

    response = logged_in(journalist).get(admin_url("article_change", story.pk))

    names = set(form_data(response))
    assert not {"published_at_0", "embargo_until_0"} & names
    page = response.content.decode()
    buttons = re.findall(r'name="desk_action" value="(\w+)"', page)
    assert buttons == ["draft", "review"]
    assert 'name="status"' not in page  # no status drop-down: the buttons are the actions
    assert "publish_selected" not in response.content.decode()


def test_journalist_sees_a_published_story_read_only(journalist, now):
    story = make_article(headline="خبر منشور")

    response = logged_in(journalist).get(admin_url("article_change", story.pk))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.content.decode()


def test_admin_actions_offered_follow_the_role(journalist, editor):
    make_article()
    offered = {}
    for role, user in (("journalist", journalist), ("editor", editor)):
        response = logged_in(user).get(admin_url("article_changelist"))
        action_form = response.context["action_form"]
        choices = action_form.fields["action"].choices if action_form else []
        offered[role] = {value for value, _label in choices} - {""}

    assert offered["journalist"] == set()
    assert offered["editor"] == {"publish_selected", "unpublish_selected", "delete_selected"}


def test_desk_and_admin_home_show_nothing_to_staff_without_a_role(bare_staff, now):
    make_article()

    response = logged_in(bare_staff).get(reverse("admin:index"))

    assert response.status_code == 200
    assert response.context["app_list"] == []
    assert not response.context["desk"]
