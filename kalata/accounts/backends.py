"""Authentication with login throttling (``services.login_*``).

Use it in place of Django's ``ModelBackend``::

    AUTHENTICATION_BACKENDS = ["kalata.accounts.backends.ThrottledModelBackend"]

A locked (username, IP) pair is refused before the password is checked: the backend raises
``PermissionDenied``, so ``django.contrib.auth.authenticate()`` returns None at once and sends
``user_login_failed`` (audited, with ``locked: true``). The login view can tell the person when
they may try again with ``request.kalata_login_locked_until`` (set on the request) or
``services.login_locked_until(username, client_ip(request))``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from kalata.accounts import services


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = services.client_ip(request)
        locked_until = services.login_locked_until(username, ip)
        if locked_until is not None:
            if request is not None:
                request.kalata_login_locked_until = locked_until
            raise PermissionDenied("Trop d'échecs de connexion : réessayez plus tard.")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            locked_until = services.register_login_failure(username, ip)
            if locked_until is not None and request is not None:
                request.kalata_login_locked_until = locked_until
        else:
            services.register_login_success(username, ip)
        return user
