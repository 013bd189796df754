import errno
import logging
import re
import uuid
from contextvars import ContextVar

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from js_asset import Media as JsAssetMedia

from . import routers

logger = logging.getLogger("newsroom.faults")


class AdminLanguageMiddleware:
    """The newsroom's admin is always in the default language (Arabic, right to left).

    Editors write both languages from the same Arabic admin, behind its language switch; letting a
    browser's Accept-Language switch the admin to English would also switch which
    column untranslated lookups (tags, autocomplete) read and write.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        if self.prefix is None:
            self.prefix = reverse("admin:index")
        if request.path_info.startswith(self.prefix):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)


# --- Production: request ids, hardening, faults, the primary database ------------------

_request_id: ContextVar[str] = ContextVar("sahifa_request_id", default="-")
_REQUEST_ID_SHAPE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Give every request an id: in the logs, the ``X-Request-ID`` header and the error pages.

    A proxy's ``X-Request-ID`` is kept when it looks like one, so the proxy's and our logs
    match; otherwise a new one is made.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get("X-Request-ID", "")
        request.request_id = offered if _REQUEST_ID_SHAPE.match(offered) else uuid.uuid4().hex
        token = _request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds ``request_id`` to every log record (``-`` outside a request)."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with inline styles allowed in the admin only.

    The rich-text editor (Tiptap) injects its base <style> at run time; scripts stay
    nonce-only. Reader pages allow no inline style at all. Extending get_policy_parts is
    how django-csp asks for such per-request changes.
    """

    admin_prefix = None

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        if request.path_info.startswith(self.admin_prefix):
            update = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", []), UNSAFE_INLINE]
            parts.update = update
        return parts


class HardeningMiddleware:
    """What Django's SecurityMiddleware does not do: refuse TRACE, send Permissions-Policy,
    put the request's nonce on the admin's import map."""

    REFUSED_METHODS = frozenset({"TRACE", "TRACK"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in self.REFUSED_METHODS:
            response = HttpResponseNotAllowed(["GET", "HEAD", "POST", "OPTIONS"])
        else:
            response = self.get_response(request)
        policy = settings.PERMISSIONS_POLICY
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response

    def process_template_response(self, request, response):
        # django-prose-editor's widget needs an inline <script type="importmap"> (rendered by
        # django-js-asset's Media). Under our CSP it runs only with the request's nonce, which
        # js_asset's Media puts on every tag it renders.
        context = response.context_data
        media = context.get("media") if isinstance(context, dict) else None
        nonce = getattr(request, "csp_nonce", None)
        if isinstance(media, JsAssetMedia) and nonce is not None:
            context["media"] = media.with_nonce(str(nonce))
        return response


class PrimaryDatabaseMiddleware:
    """The admin, signed-in staff and every request that changes something read the primary.

    Only matters when a read replica is configured (newsroom/routers.py).
    """

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        if (
            request.method not in self.SAFE_METHODS
            or request.path_info.startswith(self.admin_prefix)
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            with routers.primary():
                return self.get_response(request)
        return self.get_response(request)


class FaultMiddleware:
    """Infrastructure failures a person can act on get a clear page, not a bare 500.

    The database locked by another writer (SQLite) → 503 with Retry-After; the disk full
    while saving a file → 507. The services' transactions have rolled back by then, and
    the storage removed its partial file: nothing was saved, so trying again is safe.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and is_database_busy(exception):
            logger.error("Database busy: %s %s: %s", request.method, request.path, exception)
            response = _plain_page("503.html", status=503)
            response["Retry-After"] = "5"
            return response
        if isinstance(exception, OSError) and exception.errno in DISK_FULL_ERRNOS:
            logger.error("Disk full: %s %s: %s", request.method, request.path, exception)
            return _plain_page("507.html", status=507)
        return None


def _plain_page(template_name: str, *, status: int) -> HttpResponse:
    # No context processors: they query the database, which may be the thing that failed.
    content = loader.get_template(template_name).render(
        {"LANGUAGE_CODE": translation.get_language(), "request_id": current_request_id()}
    )
    response = HttpResponse(content, status=status)
    add_never_cache_headers(response)
    return response


DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_database_busy(exception: BaseException) -> bool:
    message = str(exception).lower()
    return "database is locked" in message or "database table is locked" in message
