"""The seam: every way a change happens × every copy derived from it.

Each write path below changes something a reader sees: through a service, the admin (forms,
actions, «delete selected»), a bulk update, a command or a restore. Each derived copy is then
checked against the database as it is after the change:

- search documents: indexing the stories again writes nothing (the copy is already right), and
  where the change put a new word on a story, a reader's search finds it;
- the tag rows' publication times: copying them again changes nothing;
- the page cache: every page that showed the changed things before or shows them now has a new
  version (so its cached copy is rebuilt), and a story the change did not touch keeps its page;
- the section menu: dropped from the cache when a section changes;
- the CDN: the changed story's address (and a changed list's) is purged after the commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from io import StringIO
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from articles.changes import pages, search_documents
from articles.changes.events import story_places
from articles.models import Article, Image, Section, Tag, TaggedArticle
from articles.photos import services as photo_services
from articles.site import pagecache
from articles.site.context_processors import nav_cache_key
from articles.site.views import public_articles
from articles.stories import services

from .factories import jpeg_bytes, make_agency, make_article, make_author, make_image, make_section
from .test_admin import admin_url, form_data
from .test_ninjs import text_document

pytestmark = pytest.mark.django_db


class RecordingPurge:
    """A CDN purge backend that remembers what it was asked to purge."""

    purged: list[str] = []

    def __init__(self, **options):
        pass

    def purge(self, paths):
        RecordingPurge.purged.extend(paths)


@pytest.fixture
def world(settings, now, superuser):
    settings.PAGE_CACHE_SECONDS = 600
    settings.CDN_PURGE_BACKEND = "tests.test_changes.RecordingPurge"
    settings.CDN_PURGE_OPTIONS = {}
    RecordingPurge.purged = []
    economy = make_section(name="اقتصاد", name_en="Economy", slug="economy")
    sport = make_section(name="رياضة", name_en="Sport", slug="sport", position=1)
    layla = make_author(name="ليلى حداد", slug="layla")
    bloomberg = make_agency(name="بلومبيرغ", name_en="Bloomberg", slug="bloomberg")
    photo = make_image(credit=bloomberg)
    story = make_article(
        headline="أسعار الطاقة ترتفع في الأسواق",
        section=economy,
        tags=["الطاقة"],
        bylines=[layla],
        sources=[bloomberg],
        lead_image=photo,
    )
    other = make_article(headline="مباراة ودية في عمّان", section=sport, tags=["كرة القدم"])
    return SimpleNamespace(
        economy=economy,
        sport=sport,
        layla=layla,
        bloomberg=bloomberg,
        photo=photo,
        story=story,
        other=other,
        tag=Tag.objects.get(name_ar="الطاقة"),
    )


@dataclass
class Expect:
    """What a write path changed, for the checks: the stories and lists whose pages must follow."""

    stories: list[int] = field(default_factory=list)
    lists: list[tuple[str, str]] = field(default_factory=list)  # (kind, slug) of a list page
    menu: bool = False  # a section changed: the menu and every page's «nav»
    finds: tuple[str, int] | None = None  # (query, story id) a reader's search must now find


# --- The write paths -------------------------------------------------------------------------


def service_edit(w, client, tmp_path):
    w.story.headline_ar = "أسعار النفط ترتفع في الأسواق"
    services.article_save(article=w.story)
    return Expect(stories=[w.story.pk], finds=("النفط", w.story.pk))


def service_unpublish(w, client, tmp_path):
    services.article_unpublish(article=w.story)
    return Expect(stories=[w.story.pk])


def service_tags(w, client, tmp_path):
    services.article_set_tags(article=w.story, tags=["الطاقة", "الغاز"])
    return Expect(stories=[w.story.pk], finds=("الغاز", w.story.pk))


def service_bylines(w, client, tmp_path):
    services.article_set_bylines(article=w.story, bylines=[services.BylineInput(text="مراسلة خاصة")])
    return Expect(stories=[w.story.pk], lists=[("author", "layla")], finds=("مراسلة", w.story.pk))


def service_correction(w, client, tmp_path):
    services.article_add_correction(article=w.story, note="صُحّح اسم الوزير.")
    return Expect(stories=[w.story.pk])


def service_delete(w, client, tmp_path):
    services.article_delete(article=w.story)
    return Expect(stories=[w.story.pk])


def admin_change_form(w, client, tmp_path):
    url = admin_url("article_change", w.story.pk)
    data = form_data(client.get(url))
    data["headline_ar"] = "أسعار الذهب ترتفع في الأسواق"
    response = client.post(url, {**data, "_save": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Expect(stories=[w.story.pk], finds=("الذهب", w.story.pk))


def _action(client, name, action, pks):
    response = client.post(
        admin_url(f"{name}_changelist"), {"action": action, "_selected_action": pks, "index": "0", "post": "yes"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def admin_unpublish_selected(w, client, tmp_path):
    _action(client, "article", "unpublish_selected", [w.story.pk])
    return Expect(stories=[w.story.pk])


def admin_publish_selected(w, client, tmp_path):
    draft = make_article(headline="مسودة عن الطاقة الشمسية", section=w.economy, tags=["الطاقة"], publish=False)
    _action(client, "article", "publish_selected", [draft.pk])
    return Expect(stories=[draft.pk], finds=("الشمسية", draft.pk))


def admin_delete_selected_stories(w, client, tmp_path):
    _action(client, "article", "delete_selected", [w.story.pk])
    assert not Article.objects.filter(pk=w.story.pk).exists()
    return Expect(stories=[w.story.pk])


def admin_rename_tag(w, client, tmp_path):
    url = admin_url("tag_change", w.tag.pk)
    data = form_data(client.get(url))
    data["name_ar"] = "الطاقة المتجددة"
    response = client.post(url, {**data, "_save": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Expect(stories=[w.story.pk], lists=[("tag", w.tag.slug)], finds=("المتجددة", w.story.pk))


def admin_delete_selected_tags(w, client, tmp_path):
    _action(client, "tag", "delete_selected", [w.tag.pk])
    assert not Tag.objects.filter(pk=w.tag.pk).exists()
    return Expect(stories=[w.story.pk], lists=[("tag", w.tag.slug)])


def service_rename_author(w, client, tmp_path):
    w.layla.name_ar = "ليلى الحداد الصحفية"
    services.catalogue_save(obj=w.layla)
    return Expect(stories=[w.story.pk], lists=[("author", "layla")], finds=("الصحفيه", w.story.pk))


def service_rename_agency(w, client, tmp_path):
    w.bloomberg.name_ar = "بلومبيرغ نيوز"
    services.catalogue_save(obj=w.bloomberg)
    return Expect(stories=[w.story.pk], lists=[("source", "bloomberg")], finds=("نيوز", w.story.pk))


def service_rename_section(w, client, tmp_path):
    w.economy.name_ar = "الاقتصاد والأعمال"
    services.catalogue_save(obj=w.economy)
    return Expect(lists=[("section", "economy")], menu=True)


def admin_delete_selected_sections(w, client, tmp_path):
    empty = make_section(name="منوعات", name_en="Misc", slug="misc", position=2)
    _action(client, "section", "delete_selected", [empty.pk])
    assert not Section.objects.filter(pk=empty.pk).exists()
    return Expect(lists=[("section", "misc")], menu=True)


def bulk_update(w, client, tmp_path):
    Article.objects.filter(pk=w.story.pk).update(status=Article.Status.UNPUBLISHED)
    return Expect(stories=[w.story.pk])


def photo_replaced(w, client, tmp_path):
    data = jpeg_bytes(120, 90, color=(200, 40, 40))
    _bytes, inspected = photo_services.image_inspect(file=ContentFile(data, name="new.jpg"))
    photo_services.image_store(image=Image.objects.get(pk=w.photo.pk), data=data, inspected=inspected)
    return Expect(stories=[w.story.pk])


def photo_caption_in_admin(w, client, tmp_path):
    url = admin_url("image_change", w.photo.pk)
    data = form_data(client.get(url))
    data["caption_ar"] = "تعليق جديد على الصورة"
    data["focal_x"] = "0.2"
    response = client.post(url, {**data, "_save": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Expect(stories=[w.story.pk])


def photo_credit_action(w, client, tmp_path):
    reuters = make_agency(name="رويترز", name_en="Reuters", slug="reuters")
    response = client.post(
        admin_url("image_changelist"),
        {"action": "set_credit", "_selected_action": [w.photo.pk], "agency": reuters.pk, "index": "0"},
    )
    assert response.status_code == 302
    assert Image.objects.get(pk=w.photo.pk).credit == reuters
    return Expect(stories=[w.story.pk])


def command_import_ninjs(w, client, tmp_path):
    document = text_document(headlines=[{"role": "main", "value": "وزراء الطاقة يجتمعون في عمّان"}])
    path = tmp_path / "wire.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    call_command("import_ninjs", str(path), "--publish", "--section", "economy", stdout=StringIO())
    imported = Article.objects.get(wire_uri=document["uri"])
    return Expect(stories=[imported.pk], finds=("وزراء", imported.pk))


def command_generate_articles(w, client, tmp_path):
    call_command("generate_articles", count=3, seed=7, stdout=StringIO())
    generated = list(Article.objects.filter(is_generated=True).values_list("pk", flat=True))
    assert len(generated) == 3
    return Expect(stories=generated)


def admin_restore_revision(w, client, tmp_path):
    w.story.headline_ar = "عنوان لم يدم طويلاً"
    services.article_save(article=w.story)
    from reversion.models import Version

    first = Version.objects.get_for_object_reference(Article, w.story.pk).order_by("pk").first()
    url = admin_url("article_revision", w.story.pk, first.pk)
    response = client.post(url, {**form_data(client.get(url)), "_save": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(pk=w.story.pk).headline_ar == "أسعار الطاقة ترتفع في الأسواق"
    return Expect(stories=[w.story.pk], finds=("الطاقه", w.story.pk))


def backup_restored(w, client, tmp_path):
    # What a restore leaves: the database replaced behind the site's back (here, stale tag copies).
    TaggedArticle.objects.update(published_at=None)
    services.backup_announce_restored()
    return Expect(stories=[w.story.pk, w.other.pk], menu=True)


WRITE_PATHS = {
    "service: edit a story": service_edit,
    "service: unpublish": service_unpublish,
    "service: set tags": service_tags,
    "service: set bylines": service_bylines,
    "service: add a correction": service_correction,
    "service: delete a story": service_delete,
    "admin: change form": admin_change_form,
    "admin: publish selected": admin_publish_selected,
    "admin: unpublish selected": admin_unpublish_selected,
    "admin: delete selected stories": admin_delete_selected_stories,
    "admin: rename a tag": admin_rename_tag,
    "admin: delete selected tags": admin_delete_selected_tags,
    "admin: delete selected sections": admin_delete_selected_sections,
    "admin: restore a revision": admin_restore_revision,
    "service: rename an author": service_rename_author,
    "service: rename an agency": service_rename_agency,
    "service: rename a section": service_rename_section,
    "bulk update()": bulk_update,
    "photo: file replaced": photo_replaced,
    "photo: caption and focal point in the admin": photo_caption_in_admin,
    "photo: set credit action": photo_credit_action,
    "command: import_ninjs": command_import_ninjs,
    "command: generate_articles": command_generate_articles,
    "restore: backup loaded": backup_restored,
}
COPIES = ("search documents", "tag publication times", "page cache", "section menu", "CDN purge")


def _languages():
    return [language for language, _name in django_settings.LANGUAGES]


def _story_urls(places) -> set[str]:
    urls = set()
    for language, slug in places.slugs:
        with translation.override(language):
            urls.add(reverse("articles:article-detail", kwargs={"slug": slug}))
    return urls


@pytest.mark.parametrize("copy", COPIES)
@pytest.mark.parametrize("path", WRITE_PATHS)
def test_every_write_path_keeps_every_derived_copy_in_step(
    path, copy, world, staff_client, tmp_path, django_capture_on_commit_callbacks
):
    before = story_places(Article.objects.values_list("pk", flat=True))
    every_key = {key for places in before.values() for key in pages.story_keys(places)}
    every_key |= {f"list:{kind}:{slug}" for kind in ("section", "tag", "source", "author") for slug in ["misc"]}
    every_key |= {pagecache.NAV, "list:section:economy", "list:section:sport"}
    tokens = pagecache.current_versions(every_key)
    for language in _languages():
        cache.set(nav_cache_key(language), ["a menu built before the change"])
    RecordingPurge.purged = []

    write = WRITE_PATHS[path]
    with django_capture_on_commit_callbacks(execute=True):
        expect = write(world, staff_client, tmp_path)

    after = story_places(expect.stories)
    if copy == "search documents":
        assert search_documents.reindex(Article.objects.values_list("pk", flat=True)) == 0, "documents were stale"
        if expect.finds:
            query, pk = expect.finds
            found = search_found(query)
            assert pk in found, f"a search for «{query}» misses the changed story"
    elif copy == "tag publication times":
        rows = lambda: sorted(TaggedArticle.objects.values_list("pk", "published_at", "published_en_at"))  # noqa: E731
        current = rows()
        TaggedArticle.copy_publication_times(article_ids=Article.objects.values_list("pk", flat=True))
        assert rows() == current, "tag rows kept an old publication time"
    elif copy == "page cache":
        keys = {f"list:{kind}:{slug}" for kind, slug in expect.lists}
        for pk in expect.stories:
            for places in (before.get(pk), after.get(pk)):
                if places is not None:
                    keys |= pages.story_keys(places)
        if expect.menu:
            keys.add(pagecache.NAV)
        now_tokens = pagecache.current_versions(keys)
        stale = sorted(key for key in keys if key in tokens and now_tokens[key] == tokens[key])
        assert not stale, f"pages kept their cached copy: {stale}"
        untouched = f"article:{world.other.slug_ar}"
        if world.other.pk not in expect.stories and not expect.menu:
            assert pagecache.current_versions([untouched])[untouched] == tokens[untouched], (
                "an unrelated page was dropped"
            )
    elif copy == "section menu":
        menus = [cache.get(nav_cache_key(language)) for language in _languages()]
        if expect.menu:
            assert menus == [None] * len(menus), "the cached menu survived a section change"
        else:
            assert all(menu is not None for menu in menus), "the menu was dropped by a change that is not a section's"
    elif copy == "CDN purge":
        purged = set(RecordingPurge.purged)
        wanted = set()
        for pk in expect.stories:
            for places in (before.get(pk), after.get(pk)):
                if places is not None:
                    wanted |= _story_urls(places)
        for kind, slug in expect.lists:
            wanted.add(reverse(f"articles:{kind}-detail", kwargs={"slug": slug}))
        assert wanted <= purged, f"not purged: {sorted(wanted - purged)}"


def search_found(query: str) -> list[int]:
    from articles.search import fulltext as search

    return [story.pk for story in search.search_articles(public_articles(), query, "ar")]


def test_renaming_a_tag_is_found_by_search_at_once_and_its_pages_show_it(
    world, client, django_capture_on_commit_callbacks
):
    assert "الطاقة" in client.get(world.story.get_absolute_url()).content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        world.tag.name_ar = "الطاقة النظيفة"
        services.catalogue_save(obj=world.tag)

    assert world.story.pk in search_found("النظيفة")
    assert "الطاقة النظيفة" in client.get(world.story.get_absolute_url()).content.decode()


def test_deleting_tags_with_the_admin_action_refreshes_the_pages_that_showed_them(
    world, staff_client, django_capture_on_commit_callbacks
):
    reader = Client()
    assert "الطاقة" in reader.get(world.story.get_absolute_url()).content.decode()
    assert reader.get(world.story.get_absolute_url())["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        _action(staff_client, "tag", "delete_selected", [world.tag.pk])

    page = reader.get(world.story.get_absolute_url())
    assert page["X-Page-Cache"] == "miss"
    assert world.tag.get_absolute_url() not in page.content.decode()


def test_replacing_a_photo_refreshes_every_page_that_shows_it(world, client, django_capture_on_commit_callbacks):
    home, story = client.get("/").content.decode(), client.get(world.story.get_absolute_url()).content.decode()
    old_key = Image.objects.get(pk=world.photo.pk).rendition_key
    assert old_key in home and old_key in story

    with django_capture_on_commit_callbacks(execute=True):
        photo_replaced(world, None, None)

    new_key = Image.objects.get(pk=world.photo.pk).rendition_key
    for url in ("/", world.story.get_absolute_url()):
        page = client.get(url).content.decode()
        assert new_key in page and old_key not in page, url


def test_a_failed_write_announces_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        world.story.headline_ar = ""  # refused: a story needs an Arabic headline
        with pytest.raises(ValidationError):
            services.article_save(article=world.story)
    assert callbacks == [] and RecordingPurge.purged == []
    assert world.story.pk in search_found("الطاقه")


def test_the_cdn_backend_sends_purge_requests(world, settings, django_capture_on_commit_callbacks):
    """HttpPurge against a server on loopback: one PURGE per address, and a refused one is logged."""
    import http.server
    import threading

    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_PURGE(self):  # noqa: N802 (the HTTP method's name)
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.CDN_PURGE_BACKEND = "articles.changes.cdn.HttpPurge"
        settings.CDN_PURGE_OPTIONS = {"base_url": f"http://127.0.0.1:{server.server_address[1]}/"}
        with django_capture_on_commit_callbacks(execute=True):
            services.article_unpublish(article=world.story)
    finally:
        server.shutdown()
    from urllib.parse import quote

    assert quote(world.story.get_absolute_url()) in seen or world.story.get_absolute_url() in seen
    assert "/" in seen


def test_a_changed_photo_refreshes_the_page_of_the_author_it_portrays(
    world, client, django_capture_on_commit_callbacks
):
    portrait = make_image(credit=world.bloomberg, name="portrait.jpg")
    world.layla.photo = portrait
    services.catalogue_save(obj=world.layla)
    omar = make_author(name="عمر سالم", slug="omar")
    omar.photo = make_image(credit=world.bloomberg, name="omar.jpg")
    services.catalogue_save(obj=omar)
    author_url = reverse("articles:author-detail", kwargs={"slug": "layla"})
    old_key = Image.objects.get(pk=portrait.pk).rendition_key
    assert old_key in client.get(author_url).content.decode()  # now cached
    assert client.get(author_url)["X-Page-Cache"] == "hit"
    keys = ["list:author:layla", "list:author:omar", f"article:{world.other.slug_ar}"]
    tokens = pagecache.current_versions(keys)
    RecordingPurge.purged = []

    data = jpeg_bytes(120, 90, color=(40, 200, 40))
    _bytes, inspected = photo_services.image_inspect(file=ContentFile(data, name="new-portrait.jpg"))
    with django_capture_on_commit_callbacks(execute=True):
        photo_services.image_store(image=Image.objects.get(pk=portrait.pk), data=data, inspected=inspected)

    now_tokens = pagecache.current_versions(keys)
    assert now_tokens["list:author:layla"] != tokens["list:author:layla"]
    assert now_tokens["list:author:omar"] == tokens["list:author:omar"], "an unrelated author's page was dropped"
    assert now_tokens[keys[2]] == tokens[keys[2]], "an unrelated story's page was dropped"
    assert author_url in RecordingPurge.purged
    assert reverse("articles:author-detail", kwargs={"slug": "omar"}) not in RecordingPurge.purged
    page = client.get(author_url)
    new_key = Image.objects.get(pk=portrait.pk).rendition_key
    assert page["X-Page-Cache"] == "miss"
    assert new_key in page.content.decode() and old_key not in page.content.decode()
