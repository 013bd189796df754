"""Logins behind the TLS proxy, and who may manage accounts.

Lockouts count failures per (username, address). Behind the proxy every request comes from
the proxy's own address, so the address must be the one the proxy appended to
X-Forwarded-For, and a client's forged entries must never be read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from .test_settings import PROJECT

pytestmark = pytest.mark.django_db

PASSWORD = "sahifa-login-test-5521"
PROXY = "10.0.0.2"
JOURNALIST_DESK = "203.0.113.7"
LOGIN_SETTINGS = (
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "AXES_IPWARE_PROXY_COUNT",
    "AXES_IPWARE_PROXY_ORDER",
    "IPWARE_STRICT",
)

PROBE = f"""
import json
from newsroom import settings
print(json.dumps({{name: getattr(settings, name) for name in {LOGIN_SETTINGS!r}}}))
"""


def deployment_settings(**environ) -> dict:
    """The login settings newsroom.settings computes from ``environ``, in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(PROJECT),
            "DJANGO_SECRET_KEY": "test-only-not-a-secret",
            **environ,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def deployed(settings):
    """Apply the login settings of a deployment described by its environment."""

    def apply(**environ):
        for name, value in deployment_settings(**environ).items():
            setattr(settings, name, value)

    return apply


@pytest.fixture
def journalist(db):
    return get_user_model().objects.create_user("sara", password=PASSWORD, is_staff=True)


def try_login(*, password: str, remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    client = Client(**headers)
    response = client.post(reverse("admin:login"), {"username": "sara", "password": password, "next": "/admin/"})
    return response, client


def logged_in(response) -> bool:
    return response.status_code == 302 and response.url == "/admin/"


def test_attacker_behind_the_proxy_cannot_lock_a_journalist_out(deployed, journalist):
    deployed(DJANGO_BEHIND_PROXY="1")
    # Twenty wrong passwords from twenty addresses, all through the proxy.
    for n in range(20):
        try_login(password="wrong", remote=PROXY, forwarded=f"198.51.100.{n + 1}")

    response, _client = try_login(password=PASSWORD, remote=PROXY, forwarded=JOURNALIST_DESK)

    assert logged_in(response)


def test_attacker_behind_the_proxy_is_locked_out_at_their_own_address(deployed, journalist):
    deployed(DJANGO_BEHIND_PROXY="1")
    for _ in range(5):
        try_login(password="wrong", remote=PROXY, forwarded="198.51.100.9")

    # Even with the right password now, and with a forged entry in front of the real one.
    locked, _client = try_login(password=PASSWORD, remote=PROXY, forwarded="203.0.113.7, 198.51.100.9")

    assert not logged_in(locked)
    assert locked.status_code == 429
    assert logged_in(try_login(password=PASSWORD, remote=PROXY, forwarded=JOURNALIST_DESK)[0])


def test_forged_forwarded_for_does_not_dodge_the_lockout_behind_the_proxy(deployed, journalist):
    deployed(DJANGO_BEHIND_PROXY="1")
    # The client writes a new address into the header each time; the proxy appends the real one.
    for n in range(5):
        try_login(password="wrong", remote=PROXY, forwarded=f"192.0.2.{n + 1}, 198.51.100.9")

    locked, _client = try_login(password=PASSWORD, remote=PROXY, forwarded="192.0.2.77, 198.51.100.9")

    assert locked.status_code == 429


def test_without_a_proxy_the_forwarded_header_is_ignored(deployed, journalist):
    deployed()
    for n in range(5):
        try_login(password="wrong", remote="198.51.100.9", forwarded=f"192.0.2.{n + 1}")

    locked, _client = try_login(password=PASSWORD, remote="198.51.100.9", forwarded="192.0.2.77")

    assert locked.status_code == 429
    assert logged_in(try_login(password=PASSWORD, remote=JOURNALIST_DESK)[0])


# --- Accounts, groups and permissions: superusers only -----------------------------------


@pytest.fixture
def account_clerk(db):
    """A staff user who was given every permission on users and groups, but is no superuser."""
    user = get_user_model().objects.create_user("basel", password=PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    return user


def clerk_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_with_change_user_cannot_make_themselves_superuser(account_clerk):
    client = clerk_client(account_clerk)
    url = reverse("admin:auth_user_change", args=[account_clerk.pk])

    response = client.post(
        url,
        {
            "username": "basel",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "user_permissions": list(Permission.objects.values_list("pk", flat=True)),
            "date_joined_0": "05/12/2026",
            "date_joined_1": "09:00",
        },
    )

    assert response.status_code == 403
    account_clerk.refresh_from_db()
    assert not account_clerk.is_superuser
    assert account_clerk.user_permissions.count() == Permission.objects.filter(content_type__app_label="auth").count()


def test_staff_with_user_permissions_cannot_add_users_groups_or_grant_permissions(account_clerk):
    client = clerk_client(account_clerk)
    editors = Group.objects.get(name="محرر")
    before = set(editors.permissions.values_list("pk", flat=True))

    added = client.post(
        reverse("admin:auth_user_add"),
        {"username": "intruder", "password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    group = client.post(
        reverse("admin:auth_group_change", args=[editors.pk]),
        {"name": editors.name, "permissions": list(Permission.objects.values_list("pk", flat=True))},
    )
    colleague = get_user_model().objects.create_user("khaled", password=PASSWORD, is_staff=True)
    password = client.post(
        reverse("admin:auth_user_password_change", args=[colleague.pk]),
        {"password1": "taken-over-9911", "password2": "taken-over-9911"},
    )

    assert (added.status_code, group.status_code, password.status_code) == (403, 403, 403)
    assert not get_user_model().objects.filter(username="intruder").exists()
    assert set(editors.permissions.values_list("pk", flat=True)) == before
    colleague.refresh_from_db()
    assert colleague.check_password(PASSWORD)
    # They may still look (the author form's account box needs it), with nothing to save.
    page = client.get(reverse("admin:auth_user_change", args=[colleague.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_superuser_still_manages_accounts(db):
    chief = get_user_model().objects.create_superuser("chief", "chief@example.com", PASSWORD)
    clerk = get_user_model().objects.create_user("basel", password=PASSWORD, is_staff=True)
    client = clerk_client(chief)

    response = client.post(
        reverse("admin:auth_user_change", args=[clerk.pk]),
        {
            "username": "basel",
            "is_active": "on",
            "is_staff": "on",
            "groups": [Group.objects.get(name="محرر").pk],
            "date_joined_0": "05/12/2026",
            "date_joined_1": "09:00",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(clerk.groups.values_list("name", flat=True)) == ["محرر"]
