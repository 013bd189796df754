"""Model rules: the one public gate, and integrity the database itself enforces."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from articles.models import Article, Byline, CitedSource

from .factories import make_agency, make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db


def _violates_database_rule(write):
    # Each violation runs in its own savepoint: on PostgreSQL a failed statement would
    # otherwise poison the rest of the test's transaction.
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


class TestPublishedGate:
    def test_draft_is_not_public(self, now):
        draft = make_article(publish=False)

        assert draft not in Article.objects.published()
        assert not draft.is_public

    def test_story_scheduled_for_later_is_not_public(self, now):
        scheduled = make_article(published_at=now + timedelta(minutes=5))

        assert scheduled not in Article.objects.published()
        assert not scheduled.is_public

    def test_story_published_in_the_past_is_public(self, now):
        story = make_article(published_at=now - timedelta(minutes=5))

        assert list(Article.objects.published()) == [story]
        assert story.is_public

    def test_scheduled_story_becomes_public_when_its_time_comes(self, now, monkeypatch):
        scheduled = make_article(published_at=now + timedelta(hours=2))
        assert not Article.objects.published().exists()

        later = now + timedelta(hours=2, seconds=1)
        monkeypatch.setattr("django.utils.timezone.now", lambda: later)

        assert list(Article.objects.published()) == [scheduled]


class TestDatabaseConstraints:
    def test_status_outside_the_choices_is_refused(self):
        story = make_article()

        _violates_database_rule(lambda: Article.objects.filter(pk=story.pk).update(status="archived"))

    def test_published_story_without_a_publication_time_is_refused(self):
        story = make_article(publish=False)

        _violates_database_rule(
            lambda: Article.objects.filter(pk=story.pk).update(status=Article.Status.PUBLISHED, published_at=None)
        )

    def test_draft_without_a_publication_time_is_allowed(self):
        story = make_article(publish=False)

        story.refresh_from_db()
        assert story.status == Article.Status.DRAFT
        assert story.published_at is None

    def test_byline_needs_an_author_or_a_written_name(self):
        story = make_article()

        _violates_database_rule(lambda: Byline.objects.create(article=story, author=None, text=""))

    def test_byline_cannot_have_both_an_author_and_a_written_name(self):
        story = make_article()
        author = make_author()

        _violates_database_rule(lambda: Byline.objects.create(article=story, author=author, text="وكالات"))

    def test_same_source_cannot_be_cited_twice_on_one_story(self):
        reuters = make_agency()
        story = make_article(sources=[reuters])

        _violates_database_rule(lambda: CitedSource.objects.create(article=story, source=reuters, position=1))

    def test_same_source_may_be_cited_by_two_stories(self):
        reuters = make_agency()
        make_article(sources=[reuters])
        make_article(sources=[reuters])

        assert CitedSource.objects.filter(source=reuters).count() == 2

    def test_two_stories_cannot_share_an_arabic_slug(self):
        first = make_article(headline="الكرملين يرد على العقوبات")
        second = make_article(headline="خبر آخر")

        _violates_database_rule(lambda: Article.objects.filter(pk=second.pk).update(slug_ar=first.slug_ar))


class TestDeletionProtection:
    def test_author_on_a_byline_cannot_be_deleted(self):
        author = make_author()
        story = make_article(bylines=[author])

        with pytest.raises(ProtectedError), transaction.atomic():
            author.delete()
        assert story.bylines.get().author == author

    def test_agency_credited_on_a_photo_cannot_be_deleted(self):
        afp = make_agency(name="فرانس برس", name_en="AFP")
        photo = make_image(credit=afp)

        with pytest.raises(ProtectedError), transaction.atomic():
            afp.delete()
        photo.refresh_from_db()
        assert photo.credit == afp

    def test_agency_cited_as_a_source_cannot_be_deleted(self):
        reuters = make_agency()
        make_article(sources=[reuters])

        with pytest.raises(ProtectedError), transaction.atomic():
            reuters.delete()

    def test_photo_used_as_a_lead_image_cannot_be_deleted(self):
        photo = make_image()
        story = make_article(lead_image=photo)

        with pytest.raises(ProtectedError), transaction.atomic():
            photo.delete()
        story.refresh_from_db()
        assert story.lead_image == photo

    def test_section_with_stories_cannot_be_deleted(self):
        section = make_section()
        make_article(section=section)

        with pytest.raises(ProtectedError), transaction.atomic():
            section.delete()

    def test_deleting_a_journalists_account_keeps_their_stories_and_photos(self):
        user = get_user_model().objects.create_user(username="former", password="not-a-real-password", is_staff=True)
        user.groups.add(Group.objects.get(name="صحفي"))
        author = make_author(user=user)
        photo = make_image(by=user)
        story = make_article(by=user, bylines=[author], lead_image=photo, publish=False)

        user.delete()

        story.refresh_from_db()
        photo.refresh_from_db()
        author.refresh_from_db()
        assert story.created_by is None
        assert photo.uploaded_by is None
        assert author.user is None
        assert story.bylines.get().author == author


class TestStrings:
    def test_byline_reads_as_the_author_or_the_written_name(self):
        author = make_author(name="ليلى حداد")
        story = make_article(bylines=[author, "وكالات"])

        assert [byline.name for byline in story.bylines.all()] == ["ليلى حداد", "وكالات"]
