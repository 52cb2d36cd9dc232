"""Logins, failed logins and logouts in the audit log (``user.login``, ``user.login_failed``,
``user.logout``), each in its own transaction.

A failed login is recorded with the actor ``anonymous``, the object ``("auth.user", <username
tried>)`` and, in ``after``, the username, the IP address and whether the attempt was refused by
the throttle — never the password, not even a wrong one (Django masks it in ``credentials``;
only the username is read here).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction

from kalata.accounts.services import client_ip
from kalata.audit.events import USER_LOGIN, USER_LOGIN_FAILED, USER_LOGOUT
from kalata.audit.services import ANONYMOUS, record


def _user_ref(username: str):
    username = (username or "")[:150]
    return ("auth.user", username) if username else None


def on_logged_in(sender, request, user, **kwargs) -> None:
    with transaction.atomic():
        record(
            USER_LOGIN,
            user,
            _user_ref(user.get_username()),
            None,
            {"username": user.get_username(), "ip": client_ip(request)},
        )


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    field = get_user_model().USERNAME_FIELD
    username = credentials.get("username") or credentials.get(field) or ""
    username = str(username)[:150]
    locked = getattr(request, "kalata_login_locked_until", None) is not None
    with transaction.atomic():
        record(
            USER_LOGIN_FAILED,
            ANONYMOUS,
            _user_ref(username),
            None,
            {"username": username, "ip": client_ip(request), "locked": locked},
        )


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        return  # logging out without being logged in: nothing happened
    with transaction.atomic():
        record(
            USER_LOGOUT,
            user,
            _user_ref(user.get_username()),
            None,
            {"username": user.get_username(), "ip": client_ip(request)},
        )


def connect() -> None:
    """Connect the handlers (``AccountsConfig.ready``); idempotent thanks to ``dispatch_uid``."""
    user_logged_in.connect(on_logged_in, dispatch_uid="kalata.accounts.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="kalata.accounts.login_failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="kalata.accounts.logout")
