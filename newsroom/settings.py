"""Settings for Sahifa, driven by environment variables.

Every value a deployment changes comes from a ``DJANGO_*`` (or ``DATABASE_URL``)
variable; see the settings table in README.md. Production fails closed: with
debug off there is no default secret key.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production refuses to start without it; "
            "set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "development-only-insecure-key"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so its tabbed admin and
    # translation fields register first.
    "modeltranslation",
    # Django's admin with the newsroom's own site (the desk on its home page).
    "articles.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "axes",
    "django_prose_editor",
    "csp",
    "articles.apps.ArticlesConfig",
]

MIDDLEWARE = [
    # First, so every log line and error page of the request carries its id.
    "newsroom.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Fresh cached reader pages, whole, before anything below runs (articles/site/pagecache.py).
    "articles.site.pagecache.PageCacheMiddleware",
    # django-csp, with inline styles allowed in the admin only (its rich-text editor).
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    # TRACE refused, Permissions-Policy, nonces on the admin's import map.
    "newsroom.middleware.HardeningMiddleware",
    # With a read replica: the admin, staff and writes read the primary (newsroom/routers.py).
    "newsroom.middleware.PrimaryDatabaseMiddleware",
    # ETag and Last-Modified for every page, answering conditional GETs with 304.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "newsroom.middleware.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A busy database or a full disk gets a clear page (503, 507), not a bare 500.
    "newsroom.middleware.FaultMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling: after 5 failed logins for one username from one address, that pair
# is locked out for 15 minutes. The database handler is shared by every app server.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("DJANGO_AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_HANDLER = os.environ.get("DJANGO_AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler")

# A story form's autosave token (articles/desk/drafts.py) keeps a writer's unsaved text, even after
# their session ended, for this long.
ADMIN_STASH_SECONDS = 24 * 60 * 60
# Presence on the story form: «someone is editing this story» lasts this long without a heartbeat.
EDITING_PRESENCE_SECONDS = 45
# Signed preview links for people outside the newsroom expire after this long.
PREVIEW_LINK_HOURS = int(os.environ.get("DJANGO_PREVIEW_LINK_HOURS", "48"))

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        # Reader pages (templates/jinja2/): compiled to Python once per process, the fast path.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "articles.site.jinja.environment",
            "context_processors": ["articles.site.context_processors.navigation"],
        },
    },
    {
        # The admin, feeds, sitemaps and plain error pages.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "articles.site.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One machine serving readers while editors publish: WAL lets pages read while a story
    # is written; IMMEDIATE takes the write lock when a transaction starts (a transaction
    # that upgrades later fails at once instead of waiting); the timeout is how long a write
    # waits for another before the editor sees the "busy" page (newsroom.middleware).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": float(os.environ.get("DJANGO_SQLITE_TIMEOUT", "20")),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if os.environ.get("DATABASE_REPLICA_URL"):
    # A PostgreSQL streaming replica for readers' queries; writes and the admin stay on the primary.
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Arabic is the default and is served unprefixed; English lives under /en/.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Riyadh")
# Django's ar locale has no DATETIME_FORMAT; ours gives «11 ديسمبر 2024».
FORMAT_MODULE_PATH = ["newsroom.formats"]

MODELTRANSLATION_DEFAULT_LANGUAGE = "ar"
MODELTRANSLATION_LANGUAGES = ("ar", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("ar",)
# The admin's language tabs need jQuery UI; modeltranslation would load it from a CDN.
# It is self-hosted (npm jquery-ui, MIT) so the admin works offline and under a strict CSP.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# Tags: the Arabic comma separates tags like ",", and slugs keep Arabic letters.
TAGGIT_TAGS_FROM_STRING = "articles.stories.tags.parse_tags"
TAGGIT_STRING_FROM_TAGS = "articles.stories.tags.edit_string_for_tags"
TAGGIT_CASE_INSENSITIVE = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# A separate media domain in production (https://media.example/): no cookies reach it and
# nothing served there can read the site's. See docs/deploy.md.
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
# One machine without a media server: the app serves renditions itself (articles/photos/mediafiles.py).
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA")
MEDIA_MAX_AGE = int(os.environ.get("DJANGO_MEDIA_MAX_AGE", str(30 * 24 * 60 * 60)))
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded originals keep their GPS and camera metadata: they live outside MEDIA_ROOT
# and are never served; readers get renditions re-encoded from pixels.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", BASE_DIR / "media_private"))

STORAGES = {
    # Files appear under their name only when completely written (newsroom/storage.py).
    "default": {"BACKEND": "newsroom.storage.AtomicFileSystemStorage"},
    "originals": {"BACKEND": "newsroom.storage.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

MEDIA_STORAGE = os.environ.get("DJANGO_MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "s3":
    # S3-compatible object storage (django-storages): renditions under a public prefix that
    # the media domain serves; originals in a private bucket, or a private prefix of the same
    # bucket that no policy makes public. Keys from the variables below or boto3's own chain.
    _s3 = {
        "endpoint_url": os.environ.get("DJANGO_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("DJANGO_S3_REGION") or None,
        "access_key": os.environ.get("DJANGO_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("DJANGO_S3_SECRET_ACCESS_KEY") or None,
        "file_overwrite": False,
    }
    _s3_bucket = os.environ.get("DJANGO_S3_BUCKET", "")
    _s3_private_bucket = os.environ.get("DJANGO_S3_PRIVATE_BUCKET", "")
    if not _s3_bucket:
        raise ImproperlyConfigured("DJANGO_MEDIA_STORAGE=s3 needs DJANGO_S3_BUCKET.")
    STORAGES["default"] = {
        "BACKEND": "newsroom.storage.PublicS3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": _s3_bucket,
            "location": os.environ.get("DJANGO_S3_PUBLIC_PREFIX", "media"),
            "custom_domain": os.environ.get("DJANGO_S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": False,
            "object_parameters": {"CacheControl": f"public, max-age={MEDIA_MAX_AGE}"},
        },
    }
    STORAGES["originals"] = {
        "BACKEND": "newsroom.storage.PrivateS3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": _s3_private_bucket or _s3_bucket,
            "location": "" if _s3_private_bucket else os.environ.get("DJANGO_S3_PRIVATE_PREFIX", "private"),
            "querystring_auth": True,
            "default_acl": "private",
        },
    }
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured("DJANGO_MEDIA_STORAGE is 'filesystem' (the default) or 's3'.")

LOGIN_URL = "admin:login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_AGE", str(60 * 60 * 12)))
CSRF_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: the admin's scripts take the token from the form.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# HTTPS. Production runs behind a proxy that terminates TLS (docs/deploy.md): with
# DJANGO_BEHIND_PROXY=1 its X-Forwarded-Proto tells Django the request came over HTTPS
# (the proxy must set or strip that header). DJANGO_HTTPS=1 redirects plain HTTP, marks
# cookies Secure and sends HSTS for a year, subdomains included.
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The address a login comes from (django-axes, through django-ipware). Behind the proxy every
# request's REMOTE_ADDR is the proxy's, so one attacker's failures would lock everyone out:
# there, the client is the address the proxy appended to X-Forwarded-For, counted from the
# right past DJANGO_PROXY_HOPS - 1 further trusted proxies (a CDN before the balancer: 2).
# Whatever a client writes into the header itself sits further left and is never read.
# Without a proxy, the header is ignored and REMOTE_ADDR is the address.
if env_bool("DJANGO_BEHIND_PROXY"):
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = max(int(os.environ.get("DJANGO_PROXY_HOPS", "1")) - 1, 0)
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
AXES_IPWARE_PROXY_ORDER = "left-most"  # X-Forwarded-For lists the client first, each proxy appends
# A chain longer than the trusted hops (a client's own forged entries) is read, not discarded:
# discarding it would fall back to the proxy's address.
IPWARE_STRICT = False
HTTPS = env_bool("DJANGO_HTTPS")
SECURE_SSL_REDIRECT = HTTPS
# Load balancers and monitoring probe the health checks over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/deep)?$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60))) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Asking browsers to preload HSTS is a promise for the whole domain: the owner opts in.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
# Browser features no page of ours uses (newsroom.middleware.HardeningMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# Where photos come from when they are not on this site's own origin.
_media_origins = [
    origin
    for origin in (
        _origin(MEDIA_URL),
        f"https://{os.environ['DJANGO_S3_CUSTOM_DOMAIN']}" if os.environ.get("DJANGO_S3_CUSTOM_DOMAIN") else None,
        _origin(os.environ.get("DJANGO_S3_ENDPOINT_URL", "")) if MEDIA_STORAGE == "s3" else None,
    )
    if origin
]
# Content-Security-Policy (django-csp): no inline script runs without the request's nonce
# (the admin's import map gets one: newsroom.middleware), nothing may frame us, no plugins,
# no <base>. Reader pages carry no inline script at all, so the page cache stays valid.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_media_origins],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
        **({"upgrade-insecure-requests": True} if HTTPS else {}),
    },
}

# The photo desk's limits (see articles/photos/images.py).
IMAGE_MAX_MEGAPIXELS = float(os.environ.get("DJANGO_IMAGE_MAX_MEGAPIXELS", "40"))
IMAGE_MAX_UPLOAD_MB = float(os.environ.get("DJANGO_IMAGE_MAX_UPLOAD_MB", "25"))
# Every upload is a photo: reading stops as soon as a file passes IMAGE_MAX_UPLOAD_MB, before
# Django's own handlers have stored more (articles/photos/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "articles.photos.uploads.PhotoSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Rendition formats in <picture> order; the last one is the <img> fallback. Add "avif" first
# for smaller files at the cost of slower encoding.
IMAGE_RENDITION_FORMATS = tuple(env_list("DJANGO_IMAGE_RENDITION_FORMATS", "webp,jpeg"))

# A cache every app process shares (the page cache and presence on the story form rely on it):
# files on this machine by default; REDIS_URL for several machines.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / ".cache")),
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}
if os.environ.get("REDIS_URL"):
    # Django's Redis backend, made to degrade to misses if Redis goes away (newsroom/cache.py):
    # pages are then built from the database instead of failing.
    CACHES["default"] = {
        "BACKEND": "newsroom.cache.ResilientRedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "TIMEOUT": 600,
        "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "sahifa"),
    }
    if env_bool("DJANGO_SESSIONS_IN_CACHE"):
        # Sessions read from Redis and written through to the database, so they outlive it.
        SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Reader pages: whole-page cache for anonymous readers (articles/site/pagecache.py) and the
# Cache-Control a CDN sees. PAGE_CACHE_SECONDS=0 turns the page cache off.
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))
# A worker serving a page it has already checked asks the shared cache whether anything changed
# at most this often: a change made by another worker reaches its readers within this delay.
PAGE_CACHE_RECHECK_SECONDS = float(os.environ.get("DJANGO_PAGE_CACHE_RECHECK_SECONDS", "0.5"))
# A story page's rendered parts (article, head, «read also») are kept this long under the same
# dependency versions, whole pages cached or not (articles/site/storypage.py). 0 keeps none.
STORY_PARTS_SECONDS = int(os.environ.get("DJANGO_STORY_PARTS_SECONDS", "600"))
PUBLIC_MAX_AGE = int(os.environ.get("DJANGO_PUBLIC_MAX_AGE", "60"))
PUBLIC_S_MAXAGE = int(os.environ.get("DJANGO_PUBLIC_S_MAXAGE", "300"))
PUBLIC_STALE_WHILE_REVALIDATE = int(os.environ.get("DJANGO_PUBLIC_STALE_WHILE_REVALIDATE", "600"))
# A CDN's copies are purged when a change reaches them (articles/changes/cdn.py): a backend class
# with purge(paths), or nothing. With DJANGO_CDN_PURGE_URL, PURGE requests go to that base address.
CDN_PURGE_BACKEND = os.environ.get("DJANGO_CDN_PURGE_BACKEND", "")
CDN_PURGE_OPTIONS = {"base_url": os.environ["DJANGO_CDN_PURGE_URL"]} if os.environ.get("DJANGO_CDN_PURGE_URL") else {}

SITE_NAME = _("Sahifa")
ARTICLES_PER_PAGE = int(os.environ.get("DJANGO_ARTICLES_PER_PAGE", "12"))
# Lists serve at most this many pages (bounded counts, no deep OFFSET scans).
MAX_LIST_PAGES = int(os.environ.get("DJANGO_MAX_LIST_PAGES", "50"))
# The publisher's logo in structured data (a static file, raster as Google News requires).
SITE_LOGO = os.environ.get("DJANGO_SITE_LOGO", "img/logo.png")

# Dates on Arabic pages (ARABIC.md §Dates): digits "latin" (2024) or "arabic" (٢٠٢٤); month
# names "standard" (ديسمبر) or "levantine" (كانون الأول). Story pages add the Hijri date.
DATE_DIGITS = os.environ.get("DJANGO_DATE_DIGITS", "latin")
DATE_MONTH_NAMES = os.environ.get("DJANGO_DATE_MONTH_NAMES", "standard")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsroom.middleware.RequestIdLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes logs every successful login at INFO; lock-outs are warnings and still show.
    "loggers": {"axes": {"level": "WARNING"}},
}
