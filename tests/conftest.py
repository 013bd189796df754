import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

# Every test that cares about time runs at this moment (a Wednesday morning in Riyadh).
REFERENCE_TIME = datetime(2024, 12, 11, 10, 30, tzinfo=ZoneInfo("Asia/Riyadh"))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads go to throwaway directories, never into the project's media/ or media_private/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media_private"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _static_storage(settings):
    # `make test` runs collectstatic first, so pages render with the production manifest
    # storage. A bare `pytest` without collected files falls back to plain storage instead of
    # failing every page on a missing manifest.
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """Each test gets an empty in-memory cache; the page cache is off unless a test turns it on."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"test-{uuid.uuid4()}"}
    }
    settings.PAGE_CACHE_SECONDS = 0
    settings.STORY_PARTS_SECONDS = 0
    settings.PAGE_CACHE_RECHECK_SECONDS = 0  # every hit asks the shared cache (a test may change it)


@pytest.fixture(autouse=True)
def _static_files_without_a_scan(settings):
    # WhiteNoise indexes every static file for each new test client (about 0.3 s each);
    # looking files up on request is the same for tests and much faster.
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher takes half a second per password by design; tests only need it to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _arabic():
    """Arabic is the site's default language; tests start in it like a reader's request does."""
    with translation.override("ar"):
        yield


@pytest.fixture
def now(monkeypatch):
    """Freeze the clock at REFERENCE_TIME for the code under test and return it."""
    monkeypatch.setattr(timezone, "now", lambda: REFERENCE_TIME.astimezone(UTC))
    return REFERENCE_TIME


@pytest.fixture
def superuser(db, django_user_model):
    # No password: tests log in with force_login.
    return django_user_model.objects.create_superuser(username="rania", email="rania@example.com", password=None)


@pytest.fixture
def staff_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts without the agency catalogue migration 0019 ships: the tests
    name their own agencies. Tests of the catalogue ask for ``agency_catalogue``."""
    from articles.models import Agency

    with django_db_blocker.unblock():
        Agency.objects.all().delete()


@pytest.fixture
def agency_catalogue(db):
    """The agencies a fresh install has: migration 0019's own loading, run on this test's database."""
    from importlib import import_module

    from django.apps import apps

    import_module("articles.migrations.0019_agency_catalogue").load_agency_catalogue(apps)
