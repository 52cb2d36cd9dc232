"""API tokens: creation (shown once), revocation, authentication. Writes are audited.

A token is ``klt_`` followed by 43 URL-safe characters (256 random bits). Only its SHA-256 is
stored: a leaked database does not give working tokens, and a plain (fast) hash is enough for a
secret of that strength. A token acts as its user: what it may do is what the user's roles allow
(``kalata.accounts.permissions``), at the moment of the request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kalata.api.models import ApiToken
from kalata.audit.events import register_event_type
from kalata.audit.services import record, snapshot
from kalata.law.explain import LawError

TOKEN_CREATED = register_event_type("api.token_created", "Jeton d'API créé")
TOKEN_REVOKED = register_event_type("api.token_revoked", "Jeton d'API révoqué")

TOKEN_PREFIX = "klt_"
#: Characters of the token kept in clear to recognise it in lists (``klt_AbCd1234``).
SHOWN_CHARS = len(TOKEN_PREFIX) + 8
MAX_TOKEN_LENGTH = 200
MAX_NAME = 100
#: Longest validity accepted (days): a token is for one electoral season, not for ever.
MAX_DAYS = 3650
#: ``last_used_at`` is written at most this often per token (a usage hint, not a log).
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenRefused(Exception):
    """A bearer token that does not authenticate: French message for the 401 response."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class NewToken:
    """A token just created, with its clear value (shown once, never stored)."""

    token: ApiToken
    clear: str


def hash_token(clear: str) -> str:
    """The SHA-256 (hex) of a clear token, as stored."""
    return hashlib.sha256(clear.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(
    user, name: str, *, days: int | None = None, actor=None, now: datetime | None = None
) -> NewToken:
    """Create a token for ``user`` named ``name`` (the tablet), valid ``days`` days (None: no
    expiry). Audited ``api.token_created`` (the event holds the hash, never the token)."""
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise LawError("token_name_missing", "Le nom du jeton est obligatoire.", field="name")
    if len(text) > MAX_NAME or any(ord(c) < 32 for c in text):
        raise LawError(
            "token_name_invalid",
            f"Nom de jeton invalide : {MAX_NAME} caractères imprimables au plus.",
            field="name",
        )
    if not user.is_active:
        raise LawError(
            "user_inactive",
            f"Le compte « {user.get_username()} » est désactivé : aucun jeton ne peut être créé.",
            field="user",
        )
    now = now or timezone.now()
    expires_at = None
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
            raise LawError(
                "token_days_invalid",
                f"Durée de validité invalide : un nombre de jours entre 1 et {MAX_DAYS}.",
                field="days",
            )
        expires_at = now + timedelta(days=days)
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=text,
        prefix=clear[:SHOWN_CHARS],
        key_hash=hash_token(clear),
        created_at=now,
        expires_at=expires_at,
    )
    with transaction.atomic():
        token.save()
        record(TOKEN_CREATED, actor, token, None, token)
    return NewToken(token, clear)


def find_token(token_id) -> ApiToken:
    try:
        pk = int(token_id)
    except (TypeError, ValueError):
        pk = None
    token = ApiToken.objects.select_related("user").filter(pk=pk).first() if pk else None
    if token is None:
        raise LawError("token_unknown", f"Jeton inconnu : « {token_id} ».", field="id")
    return token


def revoke_token(token: ApiToken | int | str, *, actor=None, reason: str = "") -> ApiToken:
    """Revoke a token now (audited ``api.token_revoked``). Revoking twice is refused."""
    pk = token.pk if isinstance(token, ApiToken) else find_token(token).pk
    with transaction.atomic():
        current = ApiToken.objects.select_for_update().select_related("user").get(pk=pk)
        if current.revoked_at is not None:
            when = timezone.localtime(current.revoked_at).strftime("%d/%m/%Y à %H:%M")
            raise LawError(
                "token_already_revoked",
                f"Le jeton n°{current.pk} ({current.prefix}…) a déjà été révoqué le {when}.",
                field="id",
            )
        before = snapshot(current)
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        record(TOKEN_REVOKED, actor, current, before, current, reason)
    if isinstance(token, ApiToken):
        token.revoked_at = current.revoked_at
    return current


def token_status(token: ApiToken, now: datetime | None = None) -> str:
    """``active``, ``revoked`` or ``expired``."""
    now = now or timezone.now()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


STATUS_LABELS = {"active": "actif", "revoked": "révoqué", "expired": "expiré"}


def authenticate_token(clear: str, now: datetime | None = None):
    """The active user a clear token stands for; ``TokenRefused`` (French) otherwise.

    One query (the token with its user); ``last_used_at`` is written at most once a minute.
    """
    if not clear or len(clear) > MAX_TOKEN_LENGTH:
        raise TokenRefused("token_invalid", "Jeton d'API invalide.")
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=hash_token(clear))
    except ApiToken.DoesNotExist:
        raise TokenRefused("token_invalid", "Jeton d'API invalide.") from None
    now = now or timezone.now()
    status = token_status(token, now)
    if status == "revoked":
        raise TokenRefused("token_revoked", "Jeton d'API révoqué : demandez-en un nouveau.")
    if status == "expired":
        raise TokenRefused("token_expired", "Jeton d'API expiré : demandez-en un nouveau.")
    if not token.user.is_active:
        raise TokenRefused("user_inactive", "Le compte de ce jeton est désactivé.")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_as_dict(token: ApiToken, now: datetime | None = None) -> dict:
    """The machine form of a token (never its value nor its hash)."""

    def iso(value):
        return value.isoformat() if value else None

    return {
        "id": token.pk,
        "username": token.user.get_username(),
        "name": token.name,
        "prefix": token.prefix,
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
        "expires_at": iso(token.expires_at),
        "revoked_at": iso(token.revoked_at),
        "status": token_status(token, now),
    }


__all__ = [
    "NewToken",
    "TOKEN_CREATED",
    "TOKEN_REVOKED",
    "TokenRefused",
    "authenticate_token",
    "create_token",
    "find_token",
    "hash_token",
    "revoke_token",
    "token_as_dict",
    "token_status",
]
