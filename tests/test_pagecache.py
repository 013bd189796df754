"""The reader page cache: served without queries, refreshed exactly where a change shows."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.photos import services as photo_services
from articles.site import pagecache
from articles.stories import services

from .conftest import REFERENCE_TIME
from .factories import make_agency, make_article, make_image, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings, now):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a write schedules for after its commit (the tests' transaction never commits)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def state(response) -> str:
    return response.headers.get("X-Page-Cache", "")


def test_second_anonymous_visit_is_served_from_the_cache_without_queries(client, django_assert_num_queries):
    story = make_article(headline="خبر مخزن في الذاكرة", tags=["اقتصاد"])
    first = client.get(story.get_absolute_url())
    assert state(first) == "miss"
    with django_assert_num_queries(0):
        second = client.get(story.get_absolute_url())
    assert state(second) == "hit"
    assert second.content == first.content
    assert "خبر مخزن في الذاكرة" in second.content.decode()


def test_reader_pages_set_no_cookie_and_allow_a_cdn_to_keep_them(client):
    make_article()
    response = client.get(reverse("articles:home"))
    assert not response.cookies
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "s-maxage=" in cache_control and "stale-while-revalidate=" in cache_control
    assert response.has_header("ETag")
    again = client.get(reverse("articles:home"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_staff_with_a_session_never_get_the_shared_copy(client, staff_client):
    story = make_article()
    client.get(story.get_absolute_url())
    response = staff_client.get(story.get_absolute_url())
    assert state(response) == ""


def test_publishing_refreshes_the_home_page_but_not_an_unrelated_tag_page(client, commit):
    section = make_section()
    commit(make_article, headline="خبر قديم", section=section, tags=["رياضة"])
    client.get(reverse("articles:home"))
    tag_url = reverse("articles:tag-detail", kwargs={"slug": "رياضة"})
    client.get(tag_url)

    commit(make_article, headline="خبر جديد عاجل", section=section, tags=["طاقة"])

    home = client.get(reverse("articles:home"))
    assert state(home) == "miss" and "خبر جديد عاجل" in home.content.decode()
    assert state(client.get(tag_url)) == "hit"


def test_editing_a_story_refreshes_its_page_and_lists_but_not_another_story(client, commit):
    story = commit(make_article, headline="العنوان الأول")
    other = commit(make_article, headline="قصة أخرى")
    client.get(story.get_absolute_url())
    client.get(other.get_absolute_url())

    story.headline_ar = "العنوان بعد التعديل"
    commit(services.article_save, article=story)

    page = client.get(story.get_absolute_url())
    assert state(page) == "miss" and "العنوان بعد التعديل" in page.content.decode()
    assert state(client.get(other.get_absolute_url())) == "hit"


def test_removing_a_tag_refreshes_the_old_tag_page(client, commit):
    story = commit(make_article, headline="خبر موسوم", tags=["قديم"])
    old_tag_url = reverse("articles:tag-detail", kwargs={"slug": "قديم"})
    assert "خبر موسوم" in client.get(old_tag_url).content.decode()

    commit(services.article_set_tags, article=story, tags=["جديد"])

    page = client.get(old_tag_url)
    assert state(page) == "miss" and "خبر موسوم" not in page.content.decode()


def test_unpublishing_removes_the_story_from_the_cached_home_page(client, commit):
    story = commit(make_article, headline="خبر سيُسحب")
    assert "خبر سيُسحب" in client.get(reverse("articles:home")).content.decode()
    commit(services.article_unpublish, article=story)
    assert "خبر سيُسحب" not in client.get(reverse("articles:home")).content.decode()
    assert client.get(story.get_absolute_url()).status_code == 404


def test_renaming_a_tag_refreshes_the_stories_that_show_it(client, commit):
    story = commit(make_article, tags=["الطاقة"])
    client.get(story.get_absolute_url())
    tag = story.tags.get()
    tag.name_ar = "الطاقة المتجددة"
    commit(services.catalogue_save, obj=tag)
    page = client.get(story.get_absolute_url())
    assert state(page) == "miss" and "الطاقة المتجددة" in page.content.decode()


def test_changing_a_photo_credit_refreshes_the_story_that_shows_it(client, commit):
    story = commit(make_article, lead_image=make_image(credit=make_agency(name="رويترز")))
    assert "رويترز" in client.get(story.get_absolute_url()).content.decode()
    afp = make_agency(name="فرانس برس", name_en="AFP")
    commit(
        photo_services.image_set_credit,
        images_qs=type(story.lead_image).objects.filter(pk=story.lead_image_id),
        agency=afp,
    )
    page = client.get(story.get_absolute_url())
    assert state(page) == "miss" and "فرانس برس" in page.content.decode()


def test_a_scheduled_story_appears_at_its_time_without_any_write(client, commit, monkeypatch):
    commit(make_article, headline="خبر منشور")
    at = REFERENCE_TIME + timedelta(minutes=5)
    commit(make_article, headline="خبر مجدول", published_at=at)
    home = client.get(reverse("articles:home"))
    assert "خبر مجدول" not in home.content.decode()
    assert state(client.get(reverse("articles:home"))) == "hit"

    later = at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    home = client.get(reverse("articles:home"))
    assert state(home) == "miss" and "خبر مجدول" in home.content.decode()


def test_a_miss_on_a_hot_page_is_built_once_and_others_get_the_stale_copy(client, commit):
    story = commit(make_article, headline="خبر عاجل جداً")
    url = story.get_absolute_url()
    client.get(url)
    story.headline_ar = "خبر عاجل محدث"
    commit(services.article_save, article=story)

    # Another worker is rebuilding the page right now: this request must not rebuild it too.
    from django.test import RequestFactory
    from django.utils import translation

    with translation.override("ar"):
        key = pagecache.page_key(RequestFactory().get(url))
    cache.add(f"lock:{key}", 1, 10)
    stale = client.get(url)
    assert state(stale) == "stale" and "خبر عاجل جداً" in stale.content.decode()
    cache.delete(f"lock:{key}")
    fresh = client.get(url)
    assert state(fresh) == "miss" and "خبر عاجل محدث" in fresh.content.decode()


def test_the_page_cache_can_be_switched_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    story = make_article()
    client.get(story.get_absolute_url())
    assert state(client.get(story.get_absolute_url())) == ""
    assert Article.objects.count() == 1


def test_lists_stop_at_their_page_bound_with_a_404(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.ARTICLES_PER_PAGE = 2
    settings.MAX_LIST_PAGES = 3
    for n in range(8):
        make_article(headline=f"خبر رقم {n}")
    assert client.get(reverse("articles:home") + "?page=3").status_code == 200
    assert client.get(reverse("articles:home") + "?page=4").status_code == 404


def test_a_repeated_search_is_served_from_the_cache_and_follows_new_stories(client, commit):
    commit(make_article, headline="أسعار النفط ترتفع")
    url = reverse("articles:search") + "?q=النفط"
    client.get(url)
    assert state(client.get(url)) == "hit"
    commit(make_article, headline="النفط يتراجع مجدداً")
    page = client.get(url)
    assert state(page) == "miss" and "يتراجع مجدداً" in page.content.decode()


def test_a_change_made_by_another_worker_shows_at_once_despite_this_workers_recent_pages(client):
    """Another process only touches the shared cache: bumping a key there must refresh this
    process's copy too, and so must a flushed shared cache."""
    story = make_article(headline="العنوان الأول")
    url = story.get_absolute_url()
    assert state(client.get(url)) == "miss"
    assert state(client.get(url)) == "hit"

    Article.objects.filter(pk=story.pk).update(headline_ar="العنوان بعد التعديل")
    pagecache.bump([f"article:{story.slug}"])  # what the other worker's commit does
    refreshed = client.get(url)
    assert state(refreshed) == "miss"
    assert "العنوان بعد التعديل" in refreshed.content.decode()

    Article.objects.filter(pk=story.pk).update(headline_ar="العنوان الثالث")
    cache.clear()
    assert "العنوان الثالث" in client.get(url).content.decode()


def test_a_hit_is_served_before_the_url_is_resolved_with_the_headers_of_the_page_built(client, monkeypatch):
    story = make_article(
        headline="خبر بالعربية", english={"headline": "A story in English", "slug": "a-story", "body": "<p>Text.</p>"}
    )
    from django.utils import translation

    urls = {"ar": story.get_absolute_url()}
    with translation.override("en"):
        urls["en"] = story.get_absolute_url()
    built = {language: client.get(url) for language, url in urls.items()}
    assert {state(response) for response in built.values()} == {"miss"}

    def no_resolving(self, request):
        raise AssertionError("a fresh cached page must not reach URL resolution")

    monkeypatch.setattr("django.core.handlers.base.BaseHandler.resolve_request", no_resolving)
    for language, url in urls.items():
        hit = client.get(url)
        assert state(hit) == "hit"
        assert hit.content == built[language].content
        per_response = {"X-Page-Cache", "X-Request-ID"}
        expected = {name: value for name, value in built[language].items() if name not in per_response}
        assert {name: value for name, value in hit.items() if name not in per_response} == expected
        assert hit["Content-Language"] == language
        for header in ("Content-Security-Policy", "Cache-Control", "ETag", "Permissions-Policy"):
            assert hit.has_header(header), header
        # Readers without a session never make a page vary on cookies: one copy for a CDN.
        assert "Cookie" not in hit.get("Vary", "")
    assert "A story in English" in client.get(urls["en"]).content.decode()
    assert client.get(urls["ar"], HTTP_IF_NONE_MATCH=built["ar"]["ETag"]).status_code == 304


def test_a_repeated_hit_reads_only_the_generation_until_something_changes(client, monkeypatch):
    story = make_article()
    url = story.get_absolute_url()
    client.get(url)
    client.get(url)  # checked in full, then remembered by this process
    page_cache = pagecache.caches[pagecache.settings.PAGE_CACHE_ALIAS]
    reads = []
    get, get_many = page_cache.get, page_cache.get_many
    monkeypatch.setattr(page_cache, "get", lambda key, *args, **kwargs: reads.append(key) or get(key, *args, **kwargs))
    monkeypatch.setattr(page_cache, "get_many", lambda keys, **kwargs: reads.extend(keys) or get_many(keys, **kwargs))

    assert state(client.get(url)) == "hit"
    assert reads == [pagecache.GENERATION]

    reads.clear()
    pagecache.bump(["list:tag:unrelated"])  # another page changed: this one is checked again
    assert state(client.get(url)) == "hit"
    assert len(reads) > 1
    reads.clear()
    assert state(client.get(url)) == "hit"
    assert reads == [pagecache.GENERATION]


def test_a_stale_page_still_goes_the_usual_way(client, commit):
    story = commit(make_article, headline="العنوان القديم")
    url = story.get_absolute_url()
    client.get(url)
    assert state(client.get(url)) == "hit"
    story.headline_ar = "العنوان الجديد"
    commit(services.article_save, article=story)
    rebuilt = client.get(url)
    assert state(rebuilt) == "miss" and "العنوان الجديد" in rebuilt.content.decode()
    assert state(client.get(url)) == "hit"


# --- Which addresses share a page ---------------------------------------------------------


@pytest.fixture
def stored_pages(monkeypatch):
    """The keys of the pages stored from now on (a stored page is an ``Entry``)."""
    keys = []
    page_cache = pagecache.caches[pagecache.settings.PAGE_CACHE_ALIAS]
    store = page_cache.set

    def spy(key, value, *args, **kwargs):
        if isinstance(value, pagecache.Entry):
            keys.append(key)
        return store(key, value, *args, **kwargs)

    monkeypatch.setattr(page_cache, "set", spy)
    return keys


def test_tracking_parameters_get_the_canonical_page_without_a_new_entry(
    client, stored_pages, django_assert_num_queries
):
    make_article(headline="خبر الصفحة الأولى")
    home = reverse("articles:home")
    canonical = client.get(home)
    assert state(canonical) == "miss"
    assert state(client.get(home)) == "hit"  # now stored with its headers
    stored_pages.clear()
    for n in range(60):
        with django_assert_num_queries(0):
            response = client.get(f"{home}?utm_x={uuid.uuid4().hex}&fbclid={n}")
        assert state(response) == "hit"
        assert response.content == canonical.content
    assert stored_pages == []


def test_the_first_request_with_junk_parameters_builds_the_canonical_page(client, stored_pages):
    story = make_article()
    built = client.get(story.get_absolute_url() + "?utm_source=newsletter&page=2")
    assert state(built) == "miss"
    assert state(client.get(story.get_absolute_url())) == "hit"
    assert len(set(stored_pages)) == 1


def test_each_page_of_a_list_is_its_own_entry_and_page_one_is_the_list(client, settings, stored_pages):
    settings.ARTICLES_PER_PAGE = 2
    for n in range(5):
        make_article(headline=f"خبر رقم {n}")
    home = reverse("articles:home")
    first = client.get(home)
    second = client.get(home + "?page=2")
    assert state(first) == state(second) == "miss"
    assert first.content != second.content
    assert len(set(stored_pages)) == 2
    assert state(client.get(home + "?page=1")) == "hit"
    assert client.get(home + "?page=1").content == first.content
    assert state(client.get(home + "?page=02&utm_medium=x")) == "hit"
    assert client.get(home + "?page=02").content == second.content
    assert len(set(stored_pages)) == 2


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "999"])
def test_a_page_number_that_names_no_page_is_a_404_and_never_stored(client, settings, stored_pages, page):
    settings.MAX_LIST_PAGES = 50
    make_article()
    client.get(reverse("articles:home"))
    stored_pages.clear()
    response = client.get(reverse("articles:home") + f"?page={page}")
    assert response.status_code == 404
    assert state(response) == ""
    assert stored_pages == []


def test_a_search_keys_on_its_query_and_ignores_the_rest(client, stored_pages):
    make_article(headline="أسعار النفط ترتفع")
    make_article(headline="الذهب يتراجع")
    search = reverse("articles:search")
    oil = client.get(search + "?q=النفط")
    assert state(oil) == "miss"
    again = client.get(search + "?utm=y&q=النفط")
    assert state(again) == "hit" and again.content == oil.content
    gold = client.get(search + "?q=الذهب&utm=y")
    assert state(gold) == "miss" and "يتراجع" in gold.content.decode()
    assert len(set(stored_pages)) == 2


def test_every_paginated_cached_page_keys_on_its_page_number():
    """PAGE_PARAMETERS follows the URLs: a new list view must be named there."""
    from django.urls import URLResolver, get_resolver
    from django.views.generic.list import MultipleObjectMixin

    def cached_views(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from cached_views(pattern.url_patterns, inner)
                continue
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is not None and issubclass(view_class, pagecache.CachedPageMixin):
                yield f"{namespace}{pattern.name}", view_class

    views = dict(cached_views(get_resolver().url_patterns))
    assert set(pagecache.PAGE_PARAMETERS) <= set(views)
    for name, view_class in views.items():
        paginated = issubclass(view_class, MultipleObjectMixin)
        assert paginated == ("page" in pagecache.PAGE_PARAMETERS.get(name, ())), name
        assert not paginated or view_class.page_kwarg == "page", name


# --- Hosts -------------------------------------------------------------------------------


def test_a_cached_page_is_refused_to_an_unknown_host(client):
    story = make_article()
    url = story.get_absolute_url()
    client.get(url)
    assert state(client.get(url)) == "hit"
    assert client.get(url, headers={"host": "attacker.example"}).status_code == 400
    assert client.get(url + "?utm_source=x", headers={"host": "attacker.example"}).status_code == 400


def test_each_allowed_host_gets_a_page_with_its_own_address(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "www.sahifa.example"]
    make_article()
    home = reverse("articles:home")
    assert state(client.get(home)) == "miss"
    other = client.get(home, headers={"host": "www.sahifa.example"})
    assert state(other) == "miss"
    assert "http://www.sahifa.example/" in other.content.decode()
    assert "testserver" not in other.content.decode()


def test_a_worker_asks_whether_anything_changed_at_most_once_per_recheck_interval(client, settings, monkeypatch):
    """A page this worker has checked is served without asking the shared cache again until
    PAGE_CACHE_RECHECK_SECONDS have passed (another worker's change reaches readers within that
    delay); a change made by this worker is seen at once."""
    settings.PAGE_CACHE_RECHECK_SECONDS = 0.5
    clock = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock[0])
    story = make_article(headline="العنوان الأول")
    url = story.get_absolute_url()
    client.get(url)
    client.get(url)  # checked in full, then remembered with the generation it was checked at
    page_cache = pagecache.caches[settings.PAGE_CACHE_ALIAS]
    reads = []
    get, get_many = page_cache.get, page_cache.get_many
    monkeypatch.setattr(page_cache, "get", lambda key, *args, **kwargs: reads.append(key) or get(key, *args, **kwargs))
    monkeypatch.setattr(page_cache, "get_many", lambda keys, **kwargs: reads.extend(keys) or get_many(keys, **kwargs))

    clock[0] += 0.1
    assert state(client.get(url)) == "hit"
    reads.clear()
    clock[0] += 0.1
    assert state(client.get(url)) == "hit" and reads == []  # within the interval: nothing asked
    clock[0] += 0.5
    assert state(client.get(url)) == "hit" and reads == [pagecache.GENERATION]  # then asked again

    Article.objects.filter(pk=story.pk).update(headline_ar="العنوان بعد التعديل")
    pagecache.bump([f"article:{story.slug}"])  # this worker's own change: no waiting
    refreshed = client.get(url)
    assert state(refreshed) == "miss" and "العنوان بعد التعديل" in refreshed.content.decode()
