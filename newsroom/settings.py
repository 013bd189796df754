"""Settings for Sahifa, driven by environment variables.

Every value a deployment changes comes from a ``DJANGO_*`` (or ``DATABASE_URL``)
variable; see the settings table in README.md. Production fails closed: with
debug off there is no default secret key.
"""

import os
from pathlib import Path

import dj_database_url
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
    "articles.apps.ArticlesConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag and Last-Modified for every page, answering conditional GETs with 304.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "articles.middleware.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

# Unsaved text survives an expired session for this long (articles.admin_site).
ADMIN_STASH_SECONDS = 24 * 60 * 60
# Presence on the story form: «someone is editing this story» lasts this long without a heartbeat.
EDITING_PRESENCE_SECONDS = 45
# Signed preview links for people outside the newsroom expire after this long.
PREVIEW_LINK_HOURS = int(os.environ.get("DJANGO_PREVIEW_LINK_HOURS", "48"))

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "articles.context_processors.navigation",
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
TAGGIT_TAGS_FROM_STRING = "articles.tags.parse_tags"
TAGGIT_STRING_FROM_TAGS = "articles.tags.edit_string_for_tags"
TAGGIT_CASE_INSENSITIVE = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded originals keep their GPS and camera metadata: they live outside MEDIA_ROOT
# and are never served; readers get renditions re-encoded from pixels.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", BASE_DIR / "media_private"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "originals": {"BACKEND": "articles.storage.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_AGE", str(60 * 60 * 12)))
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# The photo desk's limits (see articles/images.py).
IMAGE_MAX_MEGAPIXELS = float(os.environ.get("DJANGO_IMAGE_MAX_MEGAPIXELS", "40"))
IMAGE_MAX_UPLOAD_MB = float(os.environ.get("DJANGO_IMAGE_MAX_UPLOAD_MB", "25"))
# Rendition formats in <picture> order; the last one is the <img> fallback. Add "avif" first
# for smaller files at the cost of slower encoding.
IMAGE_RENDITION_FORMATS = tuple(env_list("DJANGO_IMAGE_RENDITION_FORMATS", "webp,jpeg"))

# A cache every app process shares (the page cache, presence on the story form, unsaved-text
# stashes rely on it): files on this machine by default; REDIS_URL for several machines.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / ".cache")),
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}

# Reader pages: whole-page cache for anonymous readers (articles/pagecache.py) and the
# Cache-Control a CDN sees. PAGE_CACHE_SECONDS=0 turns the page cache off.
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))
PUBLIC_MAX_AGE = int(os.environ.get("DJANGO_PUBLIC_MAX_AGE", "60"))
PUBLIC_S_MAXAGE = int(os.environ.get("DJANGO_PUBLIC_S_MAXAGE", "300"))
PUBLIC_STALE_WHILE_REVALIDATE = int(os.environ.get("DJANGO_PUBLIC_STALE_WHILE_REVALIDATE", "600"))

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
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes logs every successful login at INFO; lock-outs are warnings and still show.
    "loggers": {"axes": {"level": "WARNING"}},
}
