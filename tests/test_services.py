"""Services: the only way stories and photos are written with their rules."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from articles.models import Article, Image, Tag
from articles.photos import services as photo_services
from articles.stories import services

from .factories import jpeg_upload, make_agency, make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db


class TestArticleCreate:
    def test_creates_a_story_with_all_its_relations(self, superuser):
        section = make_section(name="اقتصاد", name_en="Economy")
        layla, samer = make_author(name="ليلى حداد"), make_author(name="سامر العلي")
        bloomberg, nbc = make_agency(name="بلومبيرغ", name_en="Bloomberg"), make_agency(name="NBC News")

        story = services.article_create(
            headline="البنك المركزي يثبت أسعار الفائدة",
            dek="القرار جاء متوقعاً.",
            body="<p>أبقى البنك المركزي أسعار الفائدة دون تغيير.</p>",
            section=section,
            tags=["الاقتصاد", "البنوك"],
            bylines=[
                services.BylineInput(author=samer),
                services.BylineInput(text="وكالات"),
                services.BylineInput(author=layla),
            ],
            sources=[
                services.SourceInput(source=nbc, url="https://www.nbcnews.com/report"),
                services.SourceInput(source=bloomberg),
            ],
            translations={"en": {"headline": "Central bank holds rates", "dek": "As expected."}},
            by=superuser,
        )

        story = Article.objects.get(pk=story.pk)
        assert story.headline_ar == "البنك المركزي يثبت أسعار الفائدة"
        assert story.headline_en == "Central bank holds rates"
        assert story.dek_en == "As expected."
        assert story.section == section
        assert sorted(story.tags.values_list("name", flat=True)) == ["الاقتصاد", "البنوك"]
        assert [byline.name for byline in story.bylines.all()] == ["سامر العلي", "وكالات", "ليلى حداد"]
        assert [(cited.source, cited.url) for cited in story.cited_sources.all()] == [
            (nbc, "https://www.nbcnews.com/report"),
            (bloomberg, ""),
        ]
        assert story.created_by == superuser
        assert story.status == Article.Status.DRAFT
        assert story.published_at is None

    def test_a_refused_relation_leaves_no_half_written_story(self):
        author = make_author()

        with pytest.raises(ValidationError):
            services.article_create(
                headline="خبر بلا كاتب صحيح",
                section=make_section(),
                bylines=[services.BylineInput(author=author, text="وكالات")],
            )

        assert not Article.objects.exists()

    def test_arabic_slug_comes_from_the_arabic_headline(self):
        story = make_article(headline="الكرملين يرد على العقوبات الجديدة")

        assert story.slug_ar == "الكرملين-يرد-على-العقوبات-الجديدة"
        assert story.slug_en in (None, "")

    def test_english_slug_comes_from_the_english_headline(self):
        story = make_article(
            headline="الكرملين يرد على العقوبات الجديدة", english={"headline": "The Kremlin answers new sanctions"}
        )

        assert story.slug_ar == "الكرملين-يرد-على-العقوبات-الجديدة"
        assert story.slug_en == "the-kremlin-answers-new-sanctions"

    def test_same_headline_gets_a_numbered_slug(self):
        first = make_article(headline="انطلاق الانتخابات البلدية")
        second = make_article(headline="انطلاق الانتخابات البلدية")
        third = make_article(headline="انطلاق الانتخابات البلدية")

        assert first.slug_ar == "انطلاق-الانتخابات-البلدية"
        assert second.slug_ar == "انطلاق-الانتخابات-البلدية-2"
        assert third.slug_ar == "انطلاق-الانتخابات-البلدية-3"

    def test_headline_of_punctuation_only_still_gets_an_address(self):
        story = make_article(headline="؟!")

        assert story.slug_ar
        assert story.get_absolute_url().startswith("/news/")

    def test_resaving_keeps_the_slug(self):
        story = make_article(headline="انطلاق الانتخابات البلدية")
        story.headline_ar = "انطلاق الانتخابات البلدية في 40 مدينة"

        services.article_save(article=story)

        story.refresh_from_db()
        assert story.slug_ar == "انطلاق-الانتخابات-البلدية"

    def test_existing_tags_are_reused_whatever_the_active_language(self):
        first = make_article(tags=["الكرملين"])

        with translation.override("en"):
            second = make_article(tags=["الكرملين", "بوتين"])

        assert Tag.objects.filter(name_ar="الكرملين").count() == 1
        assert list(first.tags.all()) == [Tag.objects.get(name_ar="الكرملين")]
        assert sorted(second.tags.values_list("name_ar", flat=True)) == ["الكرملين", "بوتين"]


class TestPublishing:
    def test_publish_stamps_the_current_time_and_makes_it_public(self, now):
        story = make_article(publish=False)

        services.article_publish(article=story)

        story.refresh_from_db()
        assert story.status == Article.Status.PUBLISHED
        assert story.published_at == now
        assert list(Article.objects.published()) == [story]

    def test_publishing_with_a_future_time_schedules_it(self, now):
        story = make_article(publish=False)
        at = now + timedelta(days=1)

        services.article_publish(article=story, at=at)

        story.refresh_from_db()
        assert story.status == Article.Status.PUBLISHED
        assert story.published_at == at
        assert not Article.objects.published().exists()

    def test_publishing_a_scheduled_story_now_brings_its_time_forward(self, now):
        story = make_article(published_at=now + timedelta(days=1))

        services.article_publish(article=story)

        story.refresh_from_db()
        assert story.published_at == now
        assert story.is_public

    def test_republishing_keeps_the_original_publication_time(self, now):
        original = now - timedelta(days=3)
        story = make_article(published_at=original)
        services.article_unpublish(article=story)

        services.article_publish(article=story)

        story.refresh_from_db()
        assert story.published_at == original

    def test_create_with_publish_stamps_the_time(self, now):
        story = services.article_create(headline="خبر عاجل", section=make_section(), publish=True)

        assert story.published_at == now
        assert story.is_public

    def test_unpublish_takes_the_story_off_public_pages(self, now):
        story = make_article()

        services.article_unpublish(article=story)

        story.refresh_from_db()
        assert story.status == Article.Status.UNPUBLISHED
        assert not Article.objects.published().exists()


class TestImageDelete:
    def test_refuses_while_stories_use_it_and_names_them(self):
        photo = make_image()
        make_article(headline="وزراء خارجية عرب يبحثون خطة الإعمار", lead_image=photo)
        make_article(headline="البرلمان يقر قانون حماية البيانات", lead_image=photo)

        with pytest.raises(ValidationError) as refused:
            photo_services.image_delete(image=photo)

        message = " ".join(refused.value.messages)
        assert "وزراء خارجية عرب يبحثون خطة الإعمار" in message
        assert "البرلمان يقر قانون حماية البيانات" in message
        assert Image.objects.filter(pk=photo.pk).exists()
        assert photo.file.storage.exists(photo.file.name)

    def test_deletes_an_unused_photo_and_its_file(self, django_capture_on_commit_callbacks):
        photo = make_image()
        path = Path(photo.file.path)
        assert path.is_file()

        with django_capture_on_commit_callbacks(execute=True):
            photo_services.image_delete(image=photo)

        assert not Image.objects.filter(pk=photo.pk).exists()
        assert not path.exists()


class TestImageCreate:
    def test_stores_the_original_privately_under_a_generated_name_with_its_size(self, settings, _media_root):
        photo = photo_services.image_create(
            file=jpeg_upload("photo.jpg", width=120, height=80), alt_text="مؤتمر صحفي", caption="المتحدث"
        )

        assert "photo" not in photo.file.name
        assert photo.file.name.endswith(".jpg")
        # Originals keep their camera metadata: they live outside MEDIA_ROOT and are never served.
        assert Path(photo.file.path).is_relative_to(settings.PRIVATE_MEDIA_ROOT)
        assert not Path(photo.file.path).is_relative_to(_media_root)
        assert Path(photo.file.path).is_file()
        assert (photo.width, photo.height) == (120, 80)
        assert photo.alt_text_ar == "مؤتمر صحفي"

    def test_two_uploads_with_the_same_name_never_collide(self):
        first = make_image(name="photo.jpg", width=30, height=20)
        second = make_image(name="photo.jpg", width=40, height=30)

        assert first.file.name != second.file.name
        assert Path(first.file.path).is_file()
        assert Path(second.file.path).is_file()
        assert (first.width, second.width) == (30, 40)

    def test_uploaders_path_and_bidi_controls_are_not_kept(self):
        photo = make_image(name="../../\u202egpj.exe.jpg")

        assert ".." not in photo.file.name
        assert "\u202e" not in photo.file.name
        assert "exe" not in photo.file.name
        assert photo.file.name.startswith("originals/")

    def test_a_photo_without_alt_text_is_stored_but_cannot_be_published(self):
        # Alt text may come later (from the file's metadata or an editor); publication needs it.
        photo = photo_services.image_create(file=jpeg_upload(), alt_text="", credit=make_agency())

        assert Image.objects.get() == photo
        assert photo.missing_for_publication() == [translation.gettext("alt text")]

    def test_records_the_uploader(self, superuser):
        photo = make_image(by=superuser, credit=make_agency())

        assert photo.uploaded_by == superuser
