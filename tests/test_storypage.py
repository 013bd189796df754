"""A story page: what it reads, «read also», and its rendered parts, kept while they are current."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import translation

from articles.models import Article
from articles.photos import services as photo_services
from articles.site import storypage
from articles.stories import services

from .conftest import REFERENCE_TIME
from .factories import make_agency, make_article, make_author, make_image, make_placement, make_section

pytestmark = pytest.mark.django_db


def related_pks(story) -> list[int]:
    return [card.pk for card in storypage.related_articles(Article.objects.get(pk=story.pk))]


# --- What the page reads ---------------------------------------------------------------------


def test_a_story_and_everything_its_page_shows_is_six_queries(django_assert_num_queries):
    story = make_article(
        tags=["الاقتصاد", "النفط"],
        bylines=[make_author(name="سامر العلي"), make_author(), "وكالات"],
        sources=[make_agency(name="بلومبيرغ")],
        lead_image=make_image(credit=make_agency(name="رويترز")),
    )
    make_placement(article=story, image=make_image(credit=make_agency(name="فرانس برس")), after_paragraph=1)
    services.article_add_correction(article=story, note="صُحّح اسم الوزير.")

    # The story with its section, photo and credit; then bylines, tags, sources, photos, corrections.
    with django_assert_num_queries(6):
        loaded = storypage.with_relations(storypage.get(Article.objects.published(), slug=story.slug))
        shown = {
            "tags": sorted(tag.name for tag in loaded.tags.all()),
            "bylines": [b.author.name if b.author_id else b.text for b in loaded.bylines.all()],
            "sources": [cited.source.name for cited in loaded.cited_sources.all()],
            "photos": [(p.image.credit.name, p.caption) for p in loaded.placements.all()],
            "corrections": [c.note for c in loaded.corrections.all()],
            "lead": (loaded.section.name, loaded.lead_image.credit.name),
        }

    assert shown == {
        "tags": ["الاقتصاد", "النفط"],
        "bylines": ["سامر العلي", "ليلى حداد", "وكالات"],
        "sources": ["بلومبيرغ"],
        "photos": [("فرانس برس", "وزراء الخارجية خلال الجلسة الافتتاحية في عمّان")],
        "corrections": ["صُحّح اسم الوزير."],
        "lead": ("سياسة", "رويترز"),
    }


def test_a_story_outside_the_queryset_is_not_found():
    draft = make_article(publish=False)

    with pytest.raises(Article.DoesNotExist):
        storypage.get(Article.objects.published(), slug=draft.slug)


# --- «Read also» -----------------------------------------------------------------------------


def test_read_also_ranks_by_shared_tags_then_date_and_hides_what_is_not_public(now):
    section = make_section()
    story = make_article(section=section, tags=["النفط", "الذهب", "الأسواق"])
    two_shared = make_article(section=section, tags=["النفط", "الذهب"], published_at=REFERENCE_TIME - timedelta(days=3))
    one_newer = make_article(section=section, tags=["الأسواق"], published_at=REFERENCE_TIME - timedelta(minutes=5))
    one_older = make_article(section=section, tags=["النفط"], published_at=REFERENCE_TIME - timedelta(days=9))
    make_article(section=section, tags=["النفط", "الذهب", "الأسواق"], publish=False)
    make_article(section=section, tags=["النفط", "الذهب", "الأسواق"], published_at=now + timedelta(days=1))
    make_article(section=section, tags=["الرياضة"])

    assert related_pks(story) == [two_shared.pk, one_newer.pk, one_older.pk]


def test_read_also_shows_four_stories_at_most_and_never_the_story_itself():
    story = make_article(tags=["النفط"])
    others = [make_article(tags=["النفط"], published_at=REFERENCE_TIME - timedelta(hours=n)) for n in range(2, 8)]

    assert related_pks(story) == [other.pk for other in others[:4]]


def test_read_also_is_empty_for_a_story_without_tags_or_neighbours():
    untagged = make_article()
    alone = make_article(tags=["موضوع لا يتكرر"])

    assert related_pks(untagged) == []
    assert related_pks(alone) == []


def test_read_also_is_in_the_readers_language():
    story = make_article(tags=["النفط"], english={"headline": "Oil rises"})
    translated = make_article(tags=["النفط"], english={"headline": "Oil output cut"})
    arabic_only = make_article(tags=["النفط"])

    assert set(related_pks(story)) == {translated.pk, arabic_only.pk}
    with translation.override("en"):
        assert related_pks(story) == [translated.pk]


# --- Rendered parts, kept while current ------------------------------------------------------


@pytest.fixture
def kept(settings):
    """Parts are kept, whole pages cached or not: every write bumps the versions they are keyed by."""
    settings.STORY_PARTS_SECONDS = 600


def read(client, url) -> str:
    """The page as a reader the page cache does not answer (one with a session cookie) gets it:
    built by the view, from kept parts where they are current."""
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    response = client.get(url)
    assert response.status_code == 200, url
    assert "X-Page-Cache" not in response
    return response.content.decode()


def kept_page(story):
    """The story's kept parts if every one is current, else None."""
    kept = storypage.kept_parts(story.slug, RequestFactory().get(story.get_absolute_url()))
    return kept.parts() if kept is not None else None


@pytest.fixture
def dressed(kept):
    photo = make_image(caption="ناقلة نفط في الميناء", alt_text="ناقلة نفط", credit=make_agency(name="رويترز"))
    story = make_article(
        headline="أسعار النفط ترتفع",
        section=make_section(name="اقتصاد"),
        body="<p>ارتفعت الأسعار.</p><p>وقال محللون.</p>",
        tags=["النفط"],
        bylines=[make_author(name="سامر العلي")],
        lead_image=photo,
    )
    neighbour = make_article(headline="أوبك تجتمع", tags=["النفط"])
    return story, photo, neighbour


def test_a_kept_story_page_is_the_page_rendered_from_the_story(client, dressed, settings):
    story, _photo, _neighbour = dressed
    first = read(client, story.get_absolute_url())

    assert read(client, story.get_absolute_url()) == first
    settings.STORY_PARTS_SECONDS = 0  # nothing kept: every part rendered from the database
    assert read(client, story.get_absolute_url()) == first


def test_a_kept_story_page_reads_nothing_from_the_database(client, dressed, django_assert_max_num_queries):
    story, _photo, _neighbour = dressed
    read(client, story.get_absolute_url())

    # The one query left is the reader's session cookie being looked up.
    with django_assert_max_num_queries(1):
        page = read(client, story.get_absolute_url())
    assert "أسعار النفط ترتفع" in page and "أوبك تجتمع" in page
    with django_assert_max_num_queries(0):
        assert kept_page(story) is not None


def test_kept_parts_follow_an_edit_of_the_story(client, dressed, django_capture_on_commit_callbacks):
    story, _photo, _neighbour = dressed
    read(client, story.get_absolute_url())

    story.body_ar = "<p>تراجعت الأسعار بعد الظهر.</p>"
    with django_capture_on_commit_callbacks(execute=True):
        services.article_save(article=story)

    page = read(client, story.get_absolute_url())
    assert "تراجعت الأسعار بعد الظهر." in page and "ارتفعت الأسعار." not in page


def test_kept_parts_follow_a_renamed_tag(client, dressed, django_capture_on_commit_callbacks):
    story, _photo, _neighbour = dressed
    read(client, story.get_absolute_url())
    tag = story.tags.get()

    tag.name_ar = "الخام"
    with django_capture_on_commit_callbacks(execute=True):
        services.catalogue_save(obj=tag)

    page = read(client, story.get_absolute_url())
    assert re.findall(r'rel="tag"><bdi>([^<]+)</bdi>', page) == ["الخام"]
    assert '"keywords":["الخام"]' in page


def test_kept_parts_follow_an_edit_of_the_photo(client, dressed, django_capture_on_commit_callbacks):
    story, photo, _neighbour = dressed
    read(client, story.get_absolute_url())

    photo.caption_ar, photo.alt_text_ar = "ناقلة نفط تغادر الميناء", "سفينة كبيرة"
    with django_capture_on_commit_callbacks(execute=True):
        photo_services.image_update(image=photo)

    page = read(client, story.get_absolute_url())
    assert "ناقلة نفط تغادر الميناء" in page and 'alt="سفينة كبيرة"' in page
    assert "ناقلة نفط في الميناء" not in page


def test_kept_parts_follow_a_renamed_author_and_section(client, dressed, django_capture_on_commit_callbacks):
    story, _photo, _neighbour = dressed
    read(client, story.get_absolute_url())
    author, section = story.bylines.get().author, story.section

    author.name_ar, section.name_ar = "سامر علي", "الاقتصاد والأعمال"
    with django_capture_on_commit_callbacks(execute=True):
        services.catalogue_save(obj=author)
        services.catalogue_save(obj=section)

    page = read(client, story.get_absolute_url())
    assert 'rel="author">سامر علي</a>' in page
    assert f'<a class="article__section" href="{section.get_absolute_url()}">الاقتصاد والأعمال</a>' in page


def test_kept_read_also_follows_other_stories(client, dressed, django_capture_on_commit_callbacks):
    story, _photo, neighbour = dressed
    assert "أوبك تجتمع" in read(client, story.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=neighbour)
    assert "أوبك تجتمع" not in read(client, story.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        newcomer = make_article(headline="النفط يقفز عشرة في المئة", tags=["النفط"])
    assert newcomer.headline in read(client, story.get_absolute_url())


def test_parts_rendered_from_a_story_read_before_a_write_are_not_served_after_it(
    client, dressed, django_capture_on_commit_callbacks
):
    story, _photo, _neighbour = dressed
    request = RequestFactory().get(story.get_absolute_url())
    kept = storypage.kept_parts(story.slug, request)  # a reader's request begins
    read_before_the_write = storypage.get(Article.objects.published(), slug=story.slug)

    story.body_ar = "<p>تراجعت الأسعار بعد الظهر.</p>"
    with django_capture_on_commit_callbacks(execute=True):
        services.article_save(article=story)
    # The first reader's page, from what it read, is kept under the versions it began with.
    storypage.rendered_parts(read_before_the_write, request, kept)

    assert "تراجعت الأسعار بعد الظهر." in read(client, story.get_absolute_url())


def test_an_unpublished_story_is_not_served_from_kept_parts(client, dressed, django_capture_on_commit_callbacks):
    story, _photo, _neighbour = dressed
    read(client, story.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=story)

    assert kept_page(story) is None
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    assert client.get(story.get_absolute_url()).status_code == 404


def test_parts_are_kept_per_language_and_per_host(client, kept):
    story = make_article(headline="أسعار النفط ترتفع", english={"headline": "Oil prices rise"})
    arabic = read(client, story.get_absolute_url())
    with translation.override("en"):
        english = read(client, story.get_absolute_url())
    assert "Oil prices rise" in english and "Oil prices rise" not in arabic

    client.defaults["HTTP_HOST"] = "localhost"
    elsewhere = read(client, story.get_absolute_url())
    assert '<link rel="canonical" href="http://localhost/' in elsewhere
    assert '<link rel="canonical" href="http://testserver/' in arabic


def test_parts_are_not_kept_when_keeping_them_is_off(client, settings):
    settings.STORY_PARTS_SECONDS = 0
    story = make_article(tags=["النفط"])
    read(client, story.get_absolute_url())

    assert kept_page(story) is None


def test_a_staff_preview_of_a_draft_is_never_kept(staff_client, kept):
    draft = make_article(headline="مسودة لم تنشر", publish=False, tags=["النفط"])

    page = staff_client.get(draft.get_absolute_url())

    assert page.status_code == 200 and "مسودة لم تنشر" in page.content.decode()
    assert 'class="draft-banner"' in page.content.decode()
    assert kept_page(draft) is None


def test_parts_are_kept_and_follow_changes_with_whole_pages_off(client, settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS, settings.STORY_PARTS_SECONDS = 0, 600
    story = make_article(headline="أسعار النفط ترتفع", tags=["النفط"])
    read(client, story.get_absolute_url())
    assert kept_page(story) is not None

    with django_capture_on_commit_callbacks(execute=True):
        story.headline_ar = "أسعار النفط تنخفض"
        services.article_save(article=story)

    assert "أسعار النفط تنخفض" in read(client, story.get_absolute_url())
