"""Authentication of API requests: ``Authorization: Bearer <token>`` (``kalata.api.tokens``).

A missing header gives 401 (with ``WWW-Authenticate: Bearer``); an unknown, revoked or expired
token, or a token whose account is deactivated, gives 401 with a French message saying which.
The request then acts as the token's user (``request.auth`` and ``request.user``).
"""

from __future__ import annotations

from ninja.security import HttpBearer

from kalata.api.tokens import authenticate_token


class BearerToken(HttpBearer):
    """The commissions' tablets: a bearer token standing for its user."""

    def authenticate(self, request, token: str):
        user = authenticate_token(token.strip())  # raises TokenRefused -> 401
        request.user = user
        return user


bearer = BearerToken()
