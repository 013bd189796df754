"""One word, one identity: tags and slugs written in any variant resolve to one tag or slug;
direction controls never reach a page; lengths and alphabets are checked by the forms."""

import importlib
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from articles.models import Article, Image, Section, Tag
from articles.photos import services as photo_services
from articles.stories import services
from articles.stories.text import clean_text, mixed_script_words, name_key, slugify

from .factories import jpeg_upload, make_agency, make_article, make_placement, make_section
from .test_admin import admin_url, form_data
from .test_ninjs import import_document, text_document

pytestmark = pytest.mark.django_db

SPELLINGS = ("الحكـــومة", "الحكومة", "الحُكُومَة")  # tatweel, plain, tashkeel
RLO = "\u202e"  # right-to-left override: f"عاجل {RLO}gpj.exe" reads «عاجل exe.jpg»
CYRILLIC_A = "\u0430"


def _management(prefix: str, total: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}


def _add_story(client, **fields):
    data = {
        "headline_ar": "الحكومة تعلن خطة جديدة",
        "section": make_section().pk,
        "desk_action": "draft",
        **_management("bylines"),
        **_management("cited_sources"),
        **_management("placements"),
        "_save": "1",
        **fields,
    }
    return client.post(admin_url("article_add"), data)


def _errors(response) -> str:
    return str(response.context["adminform"].form.errors) if response.context else ""


class TestOneTagPerWord:
    def test_three_spellings_typed_in_the_story_form_are_one_tag(self, staff_client):
        response = _add_story(staff_client, tags="، ".join(SPELLINGS))

        assert response.status_code == 302, _errors(response)
        story = Article.objects.get()
        assert [tag.name for tag in story.tags.all()] == ["الحكـــومة"]
        assert Tag.objects.count() == 1

    def test_of_two_new_spellings_in_the_tag_box_the_first_typed_names_the_tag(self, staff_client):
        response = _add_story(staff_client, tags="الحُكُومَة، الحكـــومة، الحكومة")

        assert response.status_code == 302, _errors(response)
        assert [tag.name for tag in Tag.objects.all()] == ["الحُكُومَة"]

    @pytest.mark.parametrize("typed", SPELLINGS[1:])
    def test_a_later_spelling_typed_in_the_form_is_the_first_tag(self, staff_client, typed):
        first = make_article(tags=[SPELLINGS[0]]).tags.get()

        response = _add_story(staff_client, headline_ar="خبر ثان", tags=typed)

        assert response.status_code == 302, _errors(response)
        assert list(Article.objects.get(headline_ar="خبر ثان").tags.all()) == [first]
        assert Tag.objects.count() == 1
        # The story form shows the tag as it is named.
        change = staff_client.get(admin_url("article_change", Article.objects.get(headline_ar="خبر ثان").pk))
        assert form_data(change)["tags"] == "الحكـــومة"

    def test_services_resolve_every_spelling_to_the_first(self):
        stories = [make_article(tags=[spelling]) for spelling in SPELLINGS]

        tag = Tag.objects.get()
        assert tag.name == "الحكـــومة"
        assert all(list(story.tags.all()) == [tag] for story in stories)

    @pytest.mark.parametrize(
        ("first", "later"),
        [
            ("كتاب", "کتاب"),  # Persian keheh
            ("علي", "علی"),  # Persian yeh
            ("مدرسة", "مدرسە"),  # Kurdish ae
            ("الأسد", "الاسد"),
            ("عام ٢٠٢٦", "عام 2026"),
            ("Reuters", "REUTERS"),
            ("الشرق الأوسط", "الشرق   الأوسط"),
        ],
    )
    def test_letter_variants_are_one_tag(self, first, later):
        make_article(tags=[first])
        story = make_article(tags=[later])

        assert [tag.name for tag in story.tags.all()] == [first]
        assert Tag.objects.count() == 1

    def test_under_english_pages_the_arabic_name_still_decides(self):
        make_article(tags=["الحكومة"])
        with translation.override("en"):
            story = make_article(tags=["الحكـــومة"])

        assert Tag.objects.count() == 1
        assert story.tags.get().name_ar == "الحكومة"

    def test_a_new_tag_spelled_like_an_existing_one_is_refused_in_the_tag_form(self, staff_client):
        make_article(tags=["الحكومة"])

        response = staff_client.post(
            admin_url("tag_add"), {"name_ar": "الحُكُومَة", "name_en": "", "slug": "hukuma", "_save": "1"}
        )

        assert response.status_code == 200
        assert "name_ar" in response.context["adminform"].form.errors
        assert "الحكومة" in str(response.context["adminform"].form.errors["name_ar"])
        assert Tag.objects.count() == 1

    def test_renaming_a_tag_keeps_its_key_in_step(self, staff_client):
        tag = make_article(tags=["الحكومة"]).tags.get()
        data = form_data(staff_client.get(admin_url("tag_change", tag.pk)))
        data["name_ar"] = "البرلمان"

        response = staff_client.post(admin_url("tag_change", tag.pk), {**data, "_save": "1"})

        assert response.status_code == 302, _errors(response)
        story = make_article(tags=["البرلمـــان"])
        assert list(story.tags.all()) == [tag]

    def test_a_duplicate_left_by_the_migration_keeps_its_suffixed_key_when_saved(self):
        # Migration 0016 keeps later duplicates with «<key>#<id>»; saving one must not collide.
        first = make_article(tags=["الحكومة"]).tags.get()
        later = Tag.objects.create(name_ar="حكومة مؤقتة", slug="later")
        Tag.objects.filter(pk=later.pk).update(name_ar="الحكـــومة", key=f"{first.key}#{later.pk}")
        later.refresh_from_db()

        services.catalogue_save(obj=later)

        later.refresh_from_db()
        assert later.key == f"{first.key}#{later.pk}"


def test_migration_keeps_existing_duplicates_apart():
    migration = importlib.import_module("articles.migrations.0016_tag_keys")

    found = migration.keys({7: "الحكـــومة", 3: "الحكومة", 5: "الحُكُومَة", 9: "کتاب"})

    assert found == {3: "الحكومه", 5: "الحكومه#5", 7: "الحكومه#7", 9: "كتاب"}
    assert {name: migration._key(name) == name_key(name) for name in SPELLINGS} == dict.fromkeys(SPELLINGS, True)


class TestSlugs:
    @pytest.mark.parametrize(
        ("text", "slug"),
        [
            ("عام ٢٠٢٦", "عام-2026"),
            ("عام 2026", "عام-2026"),
            ("عام ۲۰۲۶", "عام-2026"),  # Persian digits
            ("الحكـــومة", "الحكومة"),
            ("الحُكُومَة", "الحكومة"),
            ("می\u200cخواهم", "می-خواهم"),  # a zero-width non-joiner separates
            ("عاجل" + RLO + "exe", "عاجلexe"),
        ],
    )
    def test_slug_variants(self, text, slug):
        assert slugify(text) == slug

    def test_story_slugs_of_digit_variants_share_their_base(self):
        first = make_article(headline="عام ٢٠٢٦")
        second = make_article(headline="عام 2026")

        assert (first.slug_ar, second.slug_ar) == ("عام-2026", "عام-2026-2")
        assert unquote(reverse("articles:article-detail", kwargs={"slug": first.slug_ar})).endswith("/عام-2026/")

    def test_story_slug_typed_with_tatweel_and_zwnj_in_the_form(self, staff_client):
        response = _add_story(staff_client, headline_ar="الحكـــومة تعلن\u200cخطة ١٠")

        assert response.status_code == 302, _errors(response)
        assert Article.objects.get().slug_ar == "الحكومة-تعلن-خطة-10"

    def test_tag_slugs(self):
        story = make_article(tags=["عام ٢٠٢٦", "الحكـــومة", "می\u200cخواهم"])

        assert sorted(story.tags.values_list("slug", flat=True)) == sorted(["عام-2026", "الحكومة", "می-خواهم"])

    def test_a_slug_typed_in_the_section_form_is_put_in_normal_form(self, staff_client):
        response = staff_client.post(
            admin_url("section_add"),
            {"name_ar": "عام ٢٠٢٦", "name_en": "2026", "slug": "عامـ-٢٠٢٦", "position": "0", "_save": "1"},
        )

        assert response.status_code == 302, _errors(response)
        assert Section.objects.get(name_ar="عام ٢٠٢٦").slug == "عام-2026"

    def test_agency_slug_from_a_credit(self):
        assert photo_services.unique_agency_slug("وكالة ٢٤") == "وكالة-24"


class TestScripts:
    def test_mixed_script_words(self):
        assert mixed_script_words(f"P{CYRILLIC_A}ris") == [f"P{CYRILLIC_A}ris"]
        assert mixed_script_words(f"P{CYRILLIC_A}risباريس") == [f"P{CYRILLIC_A}risباريس"]
        assert mixed_script_words("Paris باريس COVID-19 Москва bالأسدb iPhoneالجديد") == []

    def test_a_cyrillic_letter_in_a_latin_tag_is_refused_in_the_story_form(self, staff_client):
        response = _add_story(staff_client, tags=f"الحكومة، P{CYRILLIC_A}ris")

        assert response.status_code == 200
        errors = str(response.context["adminform"].form.errors["tags"])
        assert "يخلط" in errors and f"P{CYRILLIC_A}ris" in errors
        assert not Article.objects.exists() and not Tag.objects.exists()

    def test_a_mixed_tag_is_refused_by_the_services(self):
        with pytest.raises(ValidationError):
            make_article(tags=[f"P{CYRILLIC_A}ris"])
        assert not Tag.objects.exists()

    def test_a_headline_whose_address_would_mix_alphabets_is_refused_in_the_story_form(self, staff_client):
        response = _add_story(staff_client, headline_ar=f"زيارة إلى P{CYRILLIC_A}ris")

        assert response.status_code == 200
        assert "headline_ar" in response.context["adminform"].form.errors
        assert not Article.objects.exists()

    def test_a_mixed_slug_typed_in_the_story_form_is_refused(self, staff_client):
        response = _add_story(staff_client, slug_ar=f"p{CYRILLIC_A}ris")

        assert response.status_code == 200
        assert "slug_ar" in response.context["adminform"].form.errors

    def test_a_mixed_section_slug_is_refused_in_its_form(self, staff_client):
        response = staff_client.post(
            admin_url("section_add"),
            {"name_ar": "فرنسا", "name_en": "France", "slug": f"p{CYRILLIC_A}ris", "position": "0", "_save": "1"},
        )

        assert response.status_code == 200
        assert "slug" in response.context["adminform"].form.errors


class TestLengths:
    def test_a_150_character_tag_is_refused_with_an_arabic_message(self, staff_client):
        response = _add_story(staff_client, tags="و" * 150)

        assert response.status_code == 200
        errors = str(response.context["adminform"].form.errors["tags"])
        assert "100" in errors and "150" in errors and "حرف" in errors
        assert not Article.objects.exists() and not Tag.objects.exists()

    def test_a_100_character_tag_is_accepted(self, staff_client):
        response = _add_story(staff_client, tags="و" * 100)

        assert response.status_code == 302, _errors(response)
        assert Tag.objects.get().name == "و" * 100

    def test_the_services_refuse_a_long_tag(self):
        with pytest.raises(ValidationError):
            make_article(tags=["و" * 101])

    def test_a_long_caption_is_kept_whole_in_the_photo_form(self, staff_client):
        # Captions have no limit (agencies end them with credits and restrictions): never cut.
        image = photo_services.image_create(file=jpeg_upload(), alt_text="وصف", credit=make_agency())
        data = form_data(staff_client.get(admin_url("image_change", image.pk)))
        data["caption_ar"] = "صورة " * 600

        response = staff_client.post(admin_url("image_change", image.pk), {**data, "_save": "1"})

        assert response.status_code == 302
        image.refresh_from_db()
        assert image.caption_ar == ("صورة " * 600).strip()


class TestDirectionControls:
    def test_clean_text(self):
        assert clean_text(f"a{RLO}b\u2066c\u2069\u200f") == "abc\u200f"
        assert clean_text(" \u200b\u200f\u200e\u00a0") == ""
        assert clean_text(None) is None

    def test_controls_typed_in_the_admin_never_reach_a_page(self, client, staff_client, now):
        image = photo_services.image_create(
            file=jpeg_upload(),
            alt_text=f"وصف {RLO}الصورة",
            caption=f"تعليق {RLO}gpj.exe",
            photographer=f"مصور{RLO} الوكالة",
            credit=make_agency(),
        )
        response = _add_story(
            staff_client,
            headline_ar=f"عاجل {RLO}gpj.exe",
            dek_ar=f"موجز {RLO}",
            body_ar=f"<p>نص {RLO}الخبر\u200f.</p>",
            tags=f"وسم{RLO}، الحكومة",
            lead_image=image.pk,
            status="published",
            **_management("placements", 1),
            **{"placements-0-position": "0", "placements-0-image": image.pk},
            **{"placements-0-caption_override_ar": f"تعليق {RLO}آخر"},
        )

        assert response.status_code == 302, _errors(response)
        story = Article.objects.get()
        assert story.headline_ar == "عاجل gpj.exe"
        assert story.dek_ar == "موجز"
        assert story.body_ar == "<p>نص الخبر\u200f.</p>"  # the right-to-left mark stays
        assert sorted(story.tags.values_list("name", flat=True)) == ["الحكومة", "وسم"]
        assert story.placements.get().caption_override_ar == "تعليق آخر"
        image.refresh_from_db()
        assert (image.caption_ar, image.photographer) == ("تعليق gpj.exe", "مصور الوكالة")
        pages = [
            story.get_absolute_url(),
            reverse("articles:tag-detail", kwargs={"slug": "وسم"}),
            reverse("articles:home"),
            reverse("articles:feed"),
        ]
        for path in pages:
            page = client.get(path)
            assert page.status_code == 200, path
            assert RLO not in page.content.decode(), path

    def test_controls_sent_to_the_services_are_removed(self):
        image = photo_services.image_create(
            file=jpeg_upload(), alt_text=f"{RLO}وصف", photographer=f"{RLO}مصور", credit=make_agency()
        )
        story = make_article(headline=f"عاجل {RLO}gpj.exe", tags=[f"وسم{RLO}"], lead_image=image)
        make_placement(article=story, image=image, caption=f"{RLO}تعليق")

        assert Article.objects.get().headline_ar == "عاجل gpj.exe"
        assert story.headline_ar == "عاجل gpj.exe"
        assert Tag.objects.get().name == "وسم"
        assert Image.objects.get().photographer == "مصور"
        assert story.placements.get().caption_override_ar == "تعليق"

    def test_a_bulk_update_is_cleaned_too(self):
        story = make_article()

        Article.objects.filter(pk=story.pk).update(headline_ar=f"{RLO}عنوان")

        assert Article.objects.get().headline_ar == "عنوان"

    @pytest.mark.parametrize("invisible", ["\u200f", " \u200b ", "\u202e", "\u200e\u200c\u00a0"])
    def test_a_headline_of_invisible_characters_is_empty_and_refused(self, staff_client, invisible):
        response = _add_story(staff_client, headline_ar=invisible)

        assert response.status_code == 200
        assert "headline_ar" in response.context["adminform"].form.errors
        assert not Article.objects.exists()

    def test_a_body_of_invisible_characters_is_stored_empty(self):
        story = make_article(body="<p>\u200f \u200b</p><p><br></p>")

        assert Article.objects.get(pk=story.pk).body_ar == ""


def test_wire_subjects_in_other_spellings_resolve_to_the_existing_tag():
    make_section(name="العالم", name_en="World", slug="world")
    first = make_article(tags=["الحكومة"]).tags.get()

    import_document(
        text_document(
            headlines=[{"role": "main", "value": f"عاجل {RLO}gpj.exe"}],
            subjects=[{"name": "الحكـــومة"}, {"name": "الحُكُومَة"}, {"name": f"الأردن{RLO}"}],
        )
    )

    story = Article.objects.get(wire_uri="urn:newsml:example.org:20241211:wire-1")
    assert story.headline_ar == "عاجل gpj.exe"
    assert sorted(tag.name for tag in story.tags.all()) == ["الأردن", "الحكومة"]
    assert story.tags.get(name="الحكومة") == first


def test_saving_under_english_pages_leaves_an_untranslated_headline_empty():
    # The cleaning happens on what is written: the original field of a translated one reads the
    # active language with its fallback, and must never copy the Arabic into the English.
    story = make_article(english={"headline": "Oil and gas"})

    with translation.override("en"):
        story.headline_en = ""
        services.article_save(article=story)

    assert Article.objects.values_list("headline_ar", "headline_en").get() == (story.headline_ar, "")
