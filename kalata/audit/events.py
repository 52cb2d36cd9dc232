"""Typed audit events: a registry of stable keys.

Each kind of write has a stable key (``tally.first_entry``) that never changes once events carry
it, a French label, and whether a reason is required (corrections and rulings must say why).
Other apps add their own types at import time, typically in ``AppConfig.ready()``::

    from kalata.audit.events import register_event_type

    CANDIDACY_FILED = register_event_type("candidacy.filed", "Candidature déposée")

``record()`` refuses a key that is not registered, so a typo cannot create a new kind of event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "EventType",
    "all_event_types",
    "get_event_type",
    "register_event_type",
]

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_REGISTRY: dict[str, EventType] = {}


@dataclass(frozen=True)
class EventType:
    """A kind of audited write: stable key, French label, whether a reason is mandatory."""

    key: str
    label: str
    requires_reason: bool = False

    def __str__(self) -> str:
        return self.key


def register_event_type(key: str, label: str, *, requires_reason: bool = False) -> EventType:
    """Add an event type to the registry (idempotent for an identical definition)."""
    if not _KEY_RE.match(key) or len(key) > 64:
        raise ValueError(
            f"Clé de type d'événement invalide : {key!r} (attendu : « domaine.action », "
            "minuscules, au plus 64 caractères)."
        )
    event_type = EventType(key, label, requires_reason)
    existing = _REGISTRY.get(key)
    if existing is not None:
        if existing != event_type:
            raise ValueError(f"Type d'événement déjà enregistré autrement : {key!r}.")
        return existing
    _REGISTRY[key] = event_type
    return event_type


def get_event_type(key: str | EventType) -> EventType:
    """The registered type for ``key``; ``KeyError`` with a French message when unknown."""
    if isinstance(key, EventType):
        key = key.key
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"Type d'événement inconnu : {key!r}.") from None


def all_event_types() -> list[EventType]:
    """Every registered type, sorted by key."""
    return sorted(_REGISTRY.values(), key=lambda t: t.key)


# --- Built-in types -------------------------------------------------------------------------
# Territory and elections
TERRITORY_LOADED = register_event_type("territory.loaded", "Territoire chargé")
ELECTION_CREATED = register_event_type("election.created", "Élection créée")
# Polling-station minutes (double entry, four eyes)
TALLY_FIRST_ENTRY = register_event_type("tally.first_entry", "Procès-verbal : première saisie")
TALLY_SECOND_ENTRY = register_event_type("tally.second_entry", "Procès-verbal : seconde saisie")
TALLY_WARNING_ACKNOWLEDGED = register_event_type(
    "tally.warning_acknowledged", "Procès-verbal : avertissement acquitté", requires_reason=True
)
TALLY_RESOLVED = register_event_type(
    "tally.resolved", "Procès-verbal : écarts de saisie tranchés par le président"
)
TALLY_DEFINITIVE = register_event_type("tally.definitive", "Procès-verbal devenu définitif")
TALLY_CORRECTED = register_event_type(
    "tally.corrected", "Procès-verbal rectifié par la commission", requires_reason=True
)
# Centralisation, rulings and proclamation
COURT_ANNULMENT = register_event_type(
    "court.annulment", "Annulation prononcée par la Cour constitutionnelle", requires_reason=True
)
COURT_CORRECTION = register_event_type(
    "court.correction",
    "Rectification prononcée par la Cour constitutionnelle",
    requires_reason=True,
)
RESULTS_PROCLAIMED = register_event_type("results.proclaimed", "Résultats proclamés")
# Accounts
USER_LOGIN = register_event_type("user.login", "Connexion")
USER_LOGIN_FAILED = register_event_type("user.login_failed", "Échec de connexion")
USER_LOGOUT = register_event_type("user.logout", "Déconnexion")
