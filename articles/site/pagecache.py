"""Whole-page cache for anonymous readers, with precise invalidation.

Each cached page names the dependency keys it was built from (known from the URL
before any query runs: ``list:home``, ``article:<slug>``, ``list:tag:<slug>``, ``nav``…)
and stores the version token each key had at that moment. A write bumps the tokens
of exactly the keys it affects, on commit (the seam's handler, articles/changes/pages.py);
a page whose tokens no longer match is rebuilt. So publishing one story refreshes the home
page, its section, its tags, sources and authors and its own page, and nothing else.

Scheduled stories need no write to appear: the earliest future publication time is
kept under ``schedule:next``; pages built before it are stale once it has passed.

Every bump and every new schedule also changes one ``pages:generation`` token, written last in
the same call. A page this process has checked stays fresh while the generation is the one it
was checked at, so a hit reads one small key from the shared cache, not one per dependency.

A miss on a hot page is rebuilt by one request (a lock in the cache); the others
get the stale copy if there is one, or wait briefly for the fresh one.

A page is stored with the headers the middleware inside ``PageCacheMiddleware`` gave it (CSP,
ETag, Vary, Cache-Control…), so a fresh copy is served by that middleware before the URL is
resolved, the language activated or any other middleware run (``early_hit``), the way Django's
own FetchFromCacheMiddleware serves whole responses. The view hands the page it stored to the
middleware through a context variable the middleware sets for each request (``pending_page``).

A page's key is its scheme, validated host (pages print their own address), language, path and
only the query-string parameters the page reads (``PAGE_PARAMETERS``, normalised): tracking
parameters and other junk get the canonical page and never a new entry.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language, get_language_from_path, override

from ..models import Article, BreakingNews, FrontSlot

NAV = "nav"
ALL = "list:all"
HOME = "list:home"
# Every reader page shows the breaking line in its language: one key for all of them.
BREAKING = "breaking"
SCHEDULE_KEY = "schedule:next"
GENERATION = "pages:generation"
LOCK_SECONDS = 10
WAIT_FOR_PEER_SECONDS = 2.0
NOT_SCHEDULED = float("inf")


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _now() -> float:
    # The same clock as published_at comparisons, so scheduled stories and cached pages agree.
    return timezone.now().timestamp()


def _token() -> str:
    return uuid.uuid4().hex[:16]


def _dep(key: str) -> str:
    # Keys carry Arabic slugs; hashed, they suit every cache backend.
    return "dep:" + hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


@dataclass
class Entry:
    content: bytes
    content_type: str
    versions: dict[str, str]
    built_at: float
    # The response's headers as PageCacheMiddleware saw them; None until it has (or for an
    # entry stored before headers were kept), and such an entry is only served by the view.
    headers: list[tuple[str, str]] | None = None


# --- Dependency versions ----------------------------------------------------------


def current_versions(keys: Iterable[str]) -> dict[str, str]:
    cache = _cache()
    keys = sorted(set(keys))
    found = cache.get_many([_dep(key) for key in keys])
    versions, missing = {}, {}
    for key in keys:
        token = found.get(_dep(key))
        if token is None:
            token = missing[_dep(key)] = _token()
        versions[key] = token
    if missing:
        cache.set_many(missing, timeout=None)
    return versions


def bump(keys: Iterable[str]) -> None:
    keys = set(keys)
    if keys:
        # The generation last: whoever reads it after this reads the new versions too.
        _cache().set_many({**{_dep(key): _token() for key in keys}, GENERATION: _token()}, timeout=None)
        _forget_generation()


# The shared generation as this process last read it, and when (time.monotonic()). A hit on a page
# this process has checked reads the shared generation at most once per PAGE_CACHE_RECHECK_SECONDS:
# a change made in this process is seen at once (bump() forgets what was read), one made by another
# process within that interval. Threaded workers share it, hence the lock.
_generation_seen: tuple[str | None, float] | None = None
_generation_lock = threading.Lock()


def _forget_generation() -> None:
    global _generation_seen
    with _generation_lock:
        _generation_seen = None


def _shared_generation() -> str | None:
    global _generation_seen
    interval = settings.PAGE_CACHE_RECHECK_SECONDS
    now = time.monotonic()
    with _generation_lock:
        seen = _generation_seen
    if seen is not None and now - seen[1] < interval:
        return seen[0]
    generation = _cache().get(GENERATION)
    with _generation_lock:
        _generation_seen = (generation, now)
    return generation


def bump_on_commit(keys: Iterable[str]) -> None:
    keys = set(keys)
    if keys:
        transaction.on_commit(lambda: bump(keys))


# --- The schedule --------------------------------------------------------------------


def refresh_schedule() -> float:
    """Remember when the next scheduled change reaches readers: a story going public, a front's
    place changing hands or a breaking line appearing or expiring (one indexed query each)."""
    now = timezone.now()
    moments = [
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first(),
        FrontSlot.objects.filter(starts_at__gt=now).order_by("starts_at").values_list("starts_at", flat=True).first(),
        BreakingNews.objects.filter(removed_at__isnull=True, starts_at__gt=now)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first(),
        BreakingNews.objects.filter(removed_at__isnull=True, expires_at__gt=now)
        .order_by("expires_at")
        .values_list("expires_at", flat=True)
        .first(),
    ]
    moment = min((found.timestamp() for found in moments if found is not None), default=NOT_SCHEDULED)
    _cache().set_many({SCHEDULE_KEY: moment, GENERATION: _token()}, timeout=None)
    _forget_generation()
    return moment


def _next_scheduled() -> float:
    moment = _cache().get(SCHEDULE_KEY)
    return refresh_schedule() if moment is None else moment


# --- Serving -------------------------------------------------------------------------

# The query-string parameters each cached page reads, by URL name. A page's key holds only these,
# normalised, so every other parameter (utm_*, fbclid, a cache-buster) gets the canonical page and
# never a new entry. A page not named here reads none.
PAGE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "articles:home": ("page",),
    "articles:section-detail": ("page",),
    "articles:tag-detail": ("page",),
    "articles:source-detail": ("page",),
    "articles:author-detail": ("page",),
    "articles:search": ("q", "page"),
    "articles:live-detail": ("before",),
}
_ANY_PAGE_PARAMETER = frozenset(name for names in PAGE_PARAMETERS.values() for name in names)


def is_cacheable_request(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def page_language(request) -> str:
    """The language a reader page's address asks for: its prefix (``/en/…``), else the default,
    as LocaleMiddleware decides for our i18n_patterns(prefix_default_language=False)."""
    return get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _view_name(request) -> str | None:
    """The URL name of the page asked for: known once the URL is resolved, else resolved here."""
    if request.resolver_match is not None:
        return request.resolver_match.view_name
    return _resolved_view_name(get_urlconf(), page_language(request), request.path_info)


@lru_cache(maxsize=1024)
def _resolved_view_name(urlconf: str | None, language: str, path: str) -> str | None:
    # In the page's language: the prefix of i18n_patterns depends on the active one. Remembered,
    # since an address's view only changes with the URLconf, which is part of the key.
    with override(language):
        try:
            return resolve(path, urlconf).view_name
        except Resolver404:
            return None


def page_parameters(request) -> list[tuple[str, str]] | None:
    """The parameters that make this page what it is, normalised (``page=1`` is no ``page``);
    None when one cannot name a page (``page=abc``, ``page=0``, past the list's last page): the
    view answers those itself, uncached."""
    if not request.META.get("QUERY_STRING") or _ANY_PAGE_PARAMETER.isdisjoint(request.GET):
        return []
    used = []
    for name in PAGE_PARAMETERS.get(_view_name(request), ()):
        value = request.GET.get(name, "")
        if name == "page" and value:
            # As ListView reads it: int(), so " 2", "02" and "٢" are page 2 too.
            try:
                number = int(value)
            except ValueError:
                return None
            if not 1 <= number <= settings.MAX_LIST_PAGES:
                return None
            value = "" if number == 1 else str(number)
        if value:
            used.append((name, value))
    return used


def page_key(request) -> str | None:
    """The cache key of the page ``request`` asks for, or None when it is not one to cache.

    Pages print their own address (canonical links, structured data), so the scheme and the host
    are part of the key. ``get_host()`` raises DisallowedHost for a host not in ALLOWED_HOSTS,
    which Django's handler answers with a 400, as for any other page.
    """
    host = request.get_host()
    parameters = page_parameters(request)
    if parameters is None:
        return None
    address = f"{request.scheme}://{host}|{page_language(request)}|{request.path_info}?{urlencode(parameters)}"
    return "page:" + hashlib.blake2b(address.encode(), digest_size=16).hexdigest()


def _too_old(entry: Entry) -> bool:
    return _now() - entry.built_at > settings.PAGE_CACHE_SECONDS


def _published_since(entry: Entry, moment: float) -> bool:
    """A scheduled story has gone public since the page was built."""
    return moment <= _now() and entry.built_at < moment


def _check(entry: Entry | None) -> tuple[str | None, float] | None:
    """The full check of a page against the shared cache: its age, the schedule and every
    dependency's version. Returns what it was checked at, (generation, next scheduled moment),
    or None for a page that is missing or stale."""
    if entry is None or _too_old(entry):
        return None
    cache = _cache()
    # The generation first: a bump that changes it after this read is seen by the next hit.
    found = cache.get_many([GENERATION, SCHEDULE_KEY])
    generation = found.get(GENERATION)
    if generation is None:  # never set, or evicted: start one (or read the one just written)
        cache.add(GENERATION, _token(), timeout=None)
        generation = cache.get(GENERATION)
    moment = found.get(SCHEDULE_KEY)
    if moment is None:
        moment = refresh_schedule()
    if _published_since(entry, moment) or current_versions(entry.versions) != entry.versions:
        return None
    return generation, moment


def _response(entry: Entry, state: str) -> HttpResponse:
    response = HttpResponse(entry.content, content_type=entry.content_type)
    response["Content-Language"] = get_language()
    response["X-Page-Cache"] = state
    return response


def public_cache_headers(response) -> None:
    """Let a CDN hold reader pages briefly and serve them stale while it refreshes."""
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PUBLIC_MAX_AGE,
        s_maxage=settings.PUBLIC_S_MAXAGE,
        stale_while_revalidate=settings.PUBLIC_STALE_WHILE_REVALIDATE,
    )


# Pages this process served lately, each with what it was last checked at (the generation and
# the next scheduled moment). One is served from here only while the shared cache's generation is
# the one it was checked at (no bump and no new schedule since, from any process) and no scheduled
# story has gone public since it was built; otherwise it gets the full check again. What is saved
# is reading each dependency's version, and reading and decompressing the page itself.
# Threaded workers (gthread) share it, hence the lock.
_recent: OrderedDict[str, tuple[Entry, str | None, float]] = OrderedDict()
_recent_lock = threading.Lock()
RECENT_PAGES = 256


def _recall(key: str) -> Entry | None:
    """This process's copy of the page if it is fresh."""
    with _recent_lock:
        recent = _recent.get(key)
        if recent is not None:
            _recent.move_to_end(key)
    if recent is None:
        return None
    entry, generation, moment = recent
    if _too_old(entry):
        return None
    if generation is None or _shared_generation() != generation:
        checked = _check(entry)
        if checked is None:
            return None
        _remember(key, entry, checked)
    elif _published_since(entry, moment):
        return None
    return entry


def _remember(key: str, entry: Entry, checked: tuple[str | None, float] | None = None) -> None:
    """Keep ``entry`` in this process; without ``checked`` its next hit gets the full check."""
    generation, moment = checked or (None, NOT_SCHEDULED)
    with _recent_lock:
        _recent[key] = (entry, generation, moment)
        _recent.move_to_end(key)
        while len(_recent) > RECENT_PAGES:
            _recent.popitem(last=False)


@dataclass
class PendingPage:
    """A page stored during this request, waiting for PageCacheMiddleware to add the headers it
    leaves the middleware with."""

    key: str | None = None
    entry: Entry | None = None
    response: HttpResponse | None = None


# Set for each request by PageCacheMiddleware; None outside it (a view called on its own), and then
# pages are stored without headers and served by the view alone.
pending_page: ContextVar[PendingPage | None] = ContextVar("sahifa_pending_page", default=None)


def serve(request, dependencies: Iterable[str], render) -> HttpResponse:
    """Serve a reader page from the cache when fresh, else build it once with ``render()``."""
    if not is_cacheable_request(request):
        return render()
    key = page_key(request)
    if key is None:
        return render()
    cache = _cache()
    entry = _recall(key)
    if entry is not None:
        return _response(entry, "hit")
    entry = cache.get(key)
    checked = _check(entry)
    if checked is not None:
        _remember(key, entry, checked)
        return _response(entry, "hit")
    lock = f"lock:{key}"
    if not cache.add(lock, 1, LOCK_SECONDS):
        # Someone else is rebuilding this page: serve what we have, or wait for theirs.
        if entry is not None:
            return _response(entry, "stale")
        deadline = time.monotonic() + WAIT_FOR_PEER_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.02)
            entry = cache.get(key)
            if entry is not None:
                return _response(entry, "wait")
    try:
        if _next_scheduled() <= _now():
            refresh_schedule()
        built_at = _now()
        versions = current_versions([NAV, BREAKING, *dependencies])
        response = render()
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if _storable(response) and page_language(request) == get_language():
            entry = Entry(response.content, response["Content-Type"], versions, built_at)
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            _remember(key, entry)
            pending = pending_page.get()
            if pending is not None:
                pending.key, pending.entry, pending.response = key, entry, response
        response["X-Page-Cache"] = "miss"
        return response
    finally:
        cache.delete(lock)


def _storable(response) -> bool:
    return response.status_code == 200 and not response.cookies and not response.has_header("Set-Cookie")


# Headers that belong to one response, never to the stored page.
_UNSTORED_HEADERS = frozenset({"x-page-cache", "set-cookie", "date", "x-request-id"})


def early_hit(request) -> HttpResponse | None:
    """The stored response for this address if it is fresh and was stored with its headers;
    None sends the request down the usual path (which also deals with stale copies and misses)."""
    if not is_cacheable_request(request):
        return None
    key = page_key(request)  # DisallowedHost (400) for a host Django would refuse
    if key is None:
        return None
    try:
        entry = _recall(key)
        if entry is None or entry.headers is None:
            entry = _cache().get(key)
            if entry is None or entry.headers is None:
                return None
            checked = _check(entry)
            if checked is None:
                return None
            _remember(key, entry, checked)
    except (DatabaseError, OSError):
        # The schedule needed the database, or the cache's disk failed: the usual path has the
        # middleware that turns those into proper pages.
        return None
    response = HttpResponse(entry.content, headers=dict(entry.headers))
    response["X-Page-Cache"] = "hit"
    if request.method != "GET" or not _CONDITIONAL_HEADERS.intersection(request.META):
        return response
    last_modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )


# What makes a GET conditional (django.utils.cache.get_conditional_response reads these four).
_CONDITIONAL_HEADERS = frozenset(
    {"HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE"}
)


def keep_headers(pending: PendingPage, response) -> None:
    """Store the page built in this request again, with the headers it leaves the middleware with."""
    if pending.response is not response or not _storable(response):
        return
    entry = pending.entry
    entry.headers = [(name, value) for name, value in response.items() if name.lower() not in _UNSTORED_HEADERS]
    _cache().set(pending.key, entry, settings.PAGE_CACHE_SECONDS)
    _remember(pending.key, entry)


class CachedPageMixin:
    """For reader views: the page's dependency keys, and serving through the page cache."""

    def page_dependencies(self) -> list[str]:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        def render():
            return super(CachedPageMixin, self).dispatch(request, *args, **kwargs)

        response = serve(request, self.page_dependencies(), render)
        if is_cacheable_request(request) and response.status_code == 200 and not response.has_header("Cache-Control"):
            public_cache_headers(response)
        return response


class PageCacheMiddleware:
    """Fresh reader pages straight from the page cache, with the headers they were stored with.

    Placed after WhiteNoise and before everything that shapes a reader page's response (CSP,
    ETag, language, Cache-Control): a hit skips URL resolution, sessions, locale and the rest;
    on the way out of a page just built, its final headers are stored with it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = early_hit(request)
        if response is not None:
            return response
        token = pending_page.set(PendingPage())
        try:
            response = self.get_response(request)
            keep_headers(pending_page.get(), response)
        finally:
            pending_page.reset(token)
        return response
