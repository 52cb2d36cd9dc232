"""Login throttling: 5 failures per username and IP within 15 minutes lock for 15 minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.test import RequestFactory, override_settings
from django.utils import timezone

from kalata.accounts import services
from kalata.accounts.models import LoginThrottle
from kalata.audit.models import AuditEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("throttled_backend"),
]

PASSWORD = "Tombouctou-2026!"


@pytest.fixture
def throttled_backend():
    with override_settings(
        AUTHENTICATION_BACKENDS=["kalata.accounts.backends.ThrottledModelBackend"],
        # A fast hasher: these tests check many passwords.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


@pytest.fixture
def awa():
    return User.objects.create_user("awa", password=PASSWORD)


def _login(password, ip="10.0.0.1", username="awa"):
    request = RequestFactory().post("/connexion/", REMOTE_ADDR=ip)
    return authenticate(request, username=username, password=password), request


def test_five_failures_lock_the_username_from_that_address(awa):
    for _ in range(4):
        assert _login("faux")[0] is None
    assert _login(PASSWORD)[0] == awa  # 4 failures: still open, and the success resets
    for _ in range(5):
        assert _login("faux")[0] is None
    user, request = _login(PASSWORD)
    assert user is None  # the right password, refused while locked
    assert request.kalata_login_locked_until > timezone.now() + timedelta(minutes=14)
    locked_event = AuditEvent.objects.filter(event_type="user.login_failed").last()
    assert '"locked":true' in locked_event.after


def test_another_address_is_not_locked(awa):
    for _ in range(5):
        _login("faux", ip="10.0.0.66")
    assert _login(PASSWORD, ip="10.0.0.66")[0] is None
    assert _login(PASSWORD, ip="10.0.0.1")[0] == awa


def test_the_lock_ends_after_fifteen_minutes(awa):
    for _ in range(5):
        _login("faux")
    assert _login(PASSWORD)[0] is None
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert _login(PASSWORD)[0] == awa
    assert not LoginThrottle.objects.exists()  # the success cleared the counter


def test_the_username_is_counted_whatever_its_case(awa):
    for name in ("awa", "AWA", "Awa", "aWa", "awA"):
        _login("faux", username=name)
    assert _login(PASSWORD)[0] is None


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock():
    start = timezone.now()
    for minute in (0, 4, 8, 12):
        when = start + timedelta(minutes=minute)
        assert services.register_login_failure("awa", "10.0.0.1", when) is None
    later = start + timedelta(minutes=16)
    assert services.register_login_failure("awa", "10.0.0.1", later) is None
    assert services.login_locked_until("awa", "10.0.0.1", later) is None


def test_the_fifth_failure_in_the_window_locks_for_fifteen_minutes_and_does_not_grow():
    start = timezone.now()
    for second in range(4):
        services.register_login_failure("awa", "10.0.0.1", start + timedelta(seconds=second))
    fifth = start + timedelta(minutes=14)
    until = services.register_login_failure("awa", "10.0.0.1", fifth)
    assert until == fifth + timedelta(minutes=15)
    # Attempts while locked are not counted and do not extend the lock.
    again = services.register_login_failure("awa", "10.0.0.1", fifth + timedelta(minutes=10))
    assert again == until
    assert services.login_locked_until("awa", "10.0.0.1", until - timedelta(seconds=1)) == until
    assert services.login_locked_until("awa", "10.0.0.1", until) is None
    # After the lock, counting starts again from one.
    assert services.register_login_failure("awa", "10.0.0.1", until) is None
    assert LoginThrottle.objects.get().failures == 1


def test_a_request_without_credentials_is_not_counted(awa):
    request = RequestFactory().post("/connexion/", REMOTE_ADDR="10.0.0.1")
    assert authenticate(request, username="awa") is None
    assert not LoginThrottle.objects.exists()


def test_x_forwarded_for_is_ignored(awa):
    for n in range(5):
        request = RequestFactory().post(
            "/connexion/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        )
        authenticate(request, username="awa", password="faux")
    assert _login(PASSWORD)[0] is None


def test_stale_counters_are_purged_but_locks_are_kept():
    start = timezone.now() - timedelta(hours=2)
    services.register_login_failure("oublie", "10.0.0.9", start)
    for _ in range(5):
        services.register_login_failure("verrouille", "10.0.0.9")
    assert services.register_login_failure("nouveau", "10.0.0.9") is None
    assert set(LoginThrottle.objects.values_list("username", flat=True)) == {
        "verrouille",
        "nouveau",
    }
    assert services.login_locked_until("verrouille", "10.0.0.9") is not None
