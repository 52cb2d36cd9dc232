"""Writes about people: accounts, role grants and revocations (audited), login throttling.

Every write goes with its audit event in the same transaction (``kalata.audit.services.record``):
``user.created``, ``role.granted``, ``role.revoked``. User errors are ``LawError`` values with a
French message and the field concerned.

Login throttling (``login_locked_until``, ``register_login_failure``, ``register_login_success``):
5 failed logins for the same username from the same IP address within 15 minutes (counted from
the first failure of the series: a fixed window, one row per pair, no history to scan) lock that
username *from that address* for 15 minutes. Counting per (username, IP) rather than per username
means an attacker cannot lock a clerk out of the commission's own computers by guessing from
elsewhere; counting per username as well as IP means a whole office behind one address is not
locked by one person's typing. While locked, attempts are refused without checking the password
and are not counted (the lock does not grow). A success clears the counter. The authentication
backend ``kalata.accounts.backends.ThrottledModelBackend`` applies it to every login.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kalata.accounts.models import SCOPE_FIELDS, LoginThrottle, Role, RoleAssignment
from kalata.audit.events import register_event_type
from kalata.audit.services import record, snapshot
from kalata.law.explain import LawError

USER_CREATED = register_event_type("user.created", "Compte utilisateur créé")
ROLE_GRANTED = register_event_type("role.granted", "Rôle attribué")
ROLE_REVOKED = register_event_type("role.revoked", "Rôle retiré")

MAX_LOGIN_FAILURES = 5
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_LOCKOUT = timedelta(minutes=15)

FIELD_FR = {
    "election": "scrutin",
    "region": "région",
    "cercle": "cercle",
    "commune": "commune",
    "mission": "ambassade ou consulat",
    "username": "identifiant",
    "role": "rôle",
}


# --- Look-ups by code -----------------------------------------------------------------------
def find_user(username: str):
    User = get_user_model()
    try:
        return User.objects.get(**{User.USERNAME_FIELD: username})
    except User.DoesNotExist:
        raise LawError(
            "user_unknown", f"Utilisateur inconnu : « {username} ».", field="username"
        ) from None


def _by_code(model, code: str, field: str, what: str):
    try:
        return model.objects.get(code=code)
    except model.DoesNotExist:
        raise LawError(f"{field}_unknown", f"{what} : « {code} ».", field=field) from None


@dataclass(frozen=True)
class Scope:
    """An election (or None: every election) and at most one territorial unit."""

    election: object = None
    region: object = None
    cercle: object = None
    commune: object = None
    mission: object = None

    def as_kwargs(self) -> dict:
        return {name: getattr(self, name) for name in ("election", *SCOPE_FIELDS)}


def scope_from_codes(
    election: str | None = None,
    region: str | None = None,
    cercle: str | None = None,
    commune: str | None = None,
    mission: str | None = None,
) -> Scope:
    """Resolve codes (``PRES-2026-04-26``, ``R01``/``D09``, ``C0101``, ``CM010101``, …)."""
    from kalata.elections.models import Election
    from kalata.territory.models import Cercle, Commune, Mission, Region

    codes = (region, cercle, commune, mission)
    given = [name for name, code in zip(SCOPE_FIELDS, codes, strict=True) if code]
    if len(given) > 1:
        raise LawError(
            "scope_ambiguous",
            "Un seul ressort peut être indiqué : région, cercle, commune ou ambassade/consulat.",
            field=given[1],
        )
    return Scope(
        election=_by_code(Election, election, "election", "Scrutin inconnu") if election else None,
        region=_by_code(Region, region, "region", "Région ou District inconnu") if region else None,
        cercle=_by_code(Cercle, cercle, "cercle", "Cercle inconnu") if cercle else None,
        commune=_by_code(Commune, commune, "commune", "Commune inconnue") if commune else None,
        mission=_by_code(Mission, mission, "mission", "Ambassade ou consulat inconnu")
        if mission
        else None,
    )


# --- Accounts -------------------------------------------------------------------------------
def create_user(
    username: str,
    password: str | None = None,
    *,
    staff: bool = False,
    email: str = "",
    actor=None,
):
    """Create an account (no password: unusable until one is set). Audited ``user.created``."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise LawError("username_missing", "L'identifiant est obligatoire.", field="username")
    try:
        User.username_validator(username)
    except ValidationError:
        raise LawError(
            "username_invalid",
            f"Identifiant invalide : « {username} » (lettres, chiffres et @ . + - _ "
            "seulement, 150 caractères au plus).",
            field="username",
        ) from None
    if len(username) > 150:
        raise LawError("username_invalid", "Identifiant trop long (150 au plus).", field="username")
    if User.objects.filter(username=username).exists():
        raise LawError(
            "username_taken", f"L'utilisateur « {username} » existe déjà.", field="username"
        )
    candidate = User(username=username, email=email, is_staff=staff)
    if password is not None:
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise LawError(
                "password_rejected",
                "Mot de passe refusé : " + " ".join(exc.messages),
                field="password",
            ) from None
    with transaction.atomic():
        user = User.objects.create_user(username, email=email, password=password, is_staff=staff)
        record(
            USER_CREATED,
            actor,
            ("auth.user", username),
            None,
            {"username": username, "is_staff": staff, "has_password": password is not None},
        )
    return user


# --- Roles ----------------------------------------------------------------------------------
def grant(
    user,
    role: str,
    *,
    election=None,
    region=None,
    cercle=None,
    commune=None,
    mission=None,
    granted_by=None,
    expires_at: datetime | None = None,
    note: str = "",
) -> RoleAssignment:
    """Give ``user`` a role (validated, audited ``role.granted``); return the assignment.

    An identical assignment already in force is refused (``role_already_granted``).
    """
    from kalata.accounts.permissions import validate_assignment

    if role not in Role.values:
        raise LawError(
            "role_unknown",
            f"Rôle inconnu : « {role} » (rôles : {', '.join(Role.values)}).",
            field="role",
        )
    assignment = RoleAssignment(
        user=user,
        role=role,
        election=election,
        region=region,
        cercle=cercle,
        commune=commune,
        mission=mission,
        granted_by=granted_by,
        expires_at=expires_at,
        note=note,
    )
    validate_assignment(assignment)
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise LawError(
            "expiry_in_the_past", "La date d'expiration est déjà passée.", field="expires_at"
        )
    with transaction.atomic():
        same = RoleAssignment.objects.active(now).filter(
            user=user,
            role=role,
            election=election,
            region=region,
            cercle=cercle,
            commune=commune,
            mission=mission,
        )
        if same.exists():
            raise LawError(
                "role_already_granted",
                f"{user.get_username()} a déjà ce rôle : {assignment.get_role_display()} — "
                f"{assignment.scope_label} ({assignment.election_label}).",
                field="role",
            )
        assignment.granted_at = now
        assignment.save()
        record(ROLE_GRANTED, granted_by, assignment, None, assignment, note)
    return assignment


def revoke(assignment: RoleAssignment, *, by=None, reason: str = "") -> RoleAssignment:
    """End an assignment now (audited ``role.revoked``). Revoking twice is refused."""
    with transaction.atomic():
        current = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
        if current.revoked_at is not None:
            when = timezone.localtime(current.revoked_at).strftime("%d/%m/%Y à %H:%M")
            raise LawError(
                "role_already_revoked", f"Ce rôle a déjà été retiré le {when}.", field="role"
            )
        before = snapshot(current)
        current.revoked_at = timezone.now()
        current.revoked_by = by
        current.save(update_fields=["revoked_at", "revoked_by"])
        record(ROLE_REVOKED, by, current, before, current, reason)
    assignment.revoked_at, assignment.revoked_by = current.revoked_at, current.revoked_by
    return current


def revoke_matching(
    user, role: str, scope: Scope, *, by=None, reason: str = ""
) -> list[RoleAssignment]:
    """Revoke the user's assignments in force with exactly this role, election and scope."""
    rows = list(RoleAssignment.objects.active().filter(user=user, role=role, **scope.as_kwargs()))
    if not rows:
        label = Role(role).label if role in Role.values else role
        raise LawError(
            "role_not_found",
            f"{user.get_username()} n'a pas ce rôle en vigueur : {label}.",
            field="role",
        )
    return [revoke(row, by=by, reason=reason) for row in rows]


def assignment_as_dict(a: RoleAssignment, at: datetime | None = None) -> dict:
    """The machine form of an assignment (``kalata accounts list --json``)."""

    def iso(value):
        return value.isoformat() if value else None

    return {
        "id": a.pk,
        "username": a.user.get_username(),
        "role": a.role,
        "role_label": a.get_role_display(),
        "election": a.election.code if a.election_id else None,
        "scope": {"level": a.scope_level, "code": a.scope_code or None, "label": a.scope_label},
        "granted_at": iso(a.granted_at),
        "granted_by": a.granted_by.get_username() if a.granted_by_id else None,
        "expires_at": iso(a.expires_at),
        "revoked_at": iso(a.revoked_at),
        "active": a.is_active(at),
    }


# --- Login throttling -----------------------------------------------------------------------
def _key(username: str | None, ip: str | None) -> tuple[str, str]:
    return (username or "").strip().lower()[:150], (ip or "")[:45]


def login_locked_until(username: str | None, ip: str | None, now: datetime | None = None):
    """When the lock on (username, IP) ends, or None if it is not locked."""
    now = now or timezone.now()
    name, address = _key(username, ip)
    locked = (
        LoginThrottle.objects.filter(username=name, ip=address, locked_until__gt=now)
        .values_list("locked_until", flat=True)
        .first()
    )
    return locked


def register_login_failure(username: str | None, ip: str | None, now: datetime | None = None):
    """Count a failed login; return the end of the lock it causes (or None)."""
    now = now or timezone.now()
    name, address = _key(username, ip)
    with transaction.atomic():
        purge_login_throttles(now)
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(
            username=name, ip=address, defaults={"window_started_at": now}
        )
        if row.locked_until is not None and row.locked_until > now:
            return row.locked_until  # already locked: not counted
        if row.failures == 0 or now - row.window_started_at > LOGIN_WINDOW:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        row.locked_until = None
        if row.failures >= MAX_LOGIN_FAILURES:
            row.locked_until = now + LOGIN_LOCKOUT
            row.failures = 0
        row.save()
        return row.locked_until


def purge_login_throttles(now: datetime | None = None) -> int:
    """Delete counters that no longer count nor lock (keeps the table small under a spray of
    usernames); return how many."""
    now = now or timezone.now()
    stale = LoginThrottle.objects.filter(window_started_at__lt=now - LOGIN_WINDOW).exclude(
        locked_until__gt=now
    )
    return stale.delete()[0]


def register_login_success(username: str | None, ip: str | None) -> None:
    """A successful login clears the counter of (username, IP)."""
    name, address = _key(username, ip)
    LoginThrottle.objects.filter(username=name, ip=address).delete()


def client_ip(request) -> str:
    """The client's address as the server saw it (``REMOTE_ADDR``).

    ``X-Forwarded-For`` is not read: any client can write it. Behind a reverse proxy, have the
    application server set ``REMOTE_ADDR`` from the proxy (gunicorn ``--forwarded-allow-ips``,
    uvicorn ``--proxy-headers``).
    """
    if request is None:
        return ""
    return (request.META.get("REMOTE_ADDR") or "")[:45]
