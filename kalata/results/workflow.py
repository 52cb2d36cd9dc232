"""The state machine of polling-station minutes (``TallySheet``): double entry with four eyes.

One table, ``TRANSITIONS``, lists every allowed move: ``(from status, action) -> to status``, the
role allowed to make it and the audit event it records. Nothing else moves a sheet: the services
of ``kalata.results.entry`` decide *which* action applies (e.g. whether a second entry agrees with
the first) and call ``apply``, which refuses, in French, any move the table does not list or a
user whose role does not allow it. ``docs/data-entry.md`` shows the same table (a test checks it)
and a diagram.

The law does not organise double entry: it is a procedure of the centralisation commissions,
which total the minutes "au fur et à mesure de l'arrivée des procès-verbaux" (Art. 141, 149, 187)
and are presided over by the State's representative (Art. 141, 187). The commission's president
settles what the typists disagree on, acknowledges the warnings and makes the commission's
reasoned corrections; the Constitutional Court (Art. 142, 150) — or, for communal elections, the
administrative judge (Art. 188) — rules on definitive figures.

Who may make a move is decided by ``kalata.accounts.permissions`` (roles scoped to an election
and to the area of a centralisation commission, ``docs/roles.md``): each operation maps to one
permission (``OPERATION_PERMISSIONS``), asked of ``can(user, permission, sheet)``; the ``role``
column of the table names the only role that permission is given to (a test keeps the two in
step). The state machine adds what authorization does not know: the sheet's state, and four eyes
(a second entry by another clerk; a president who typed an entry does not settle it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from kalata.accounts.models import Role
from kalata.law.explain import LawError
from kalata.results.models import TallySheet

Status = TallySheet.Status

#: Articles on which the commission's procedure rests (centralisation as the minutes arrive).
COMMISSION_ARTICLES = ("141", "149", "187")


class WorkflowError(LawError):
    """A move of the minutes that the state machine or the four-eyes rule refuses (French)."""


class Action(StrEnum):
    """The moves of the minutes. Actions that end in different states have different names."""

    FIRST_ENTRY = "first_entry"
    SECOND_ENTRY_DIFFERENT = "second_entry_different"
    SECOND_ENTRY_BLOCKED = "second_entry_blocked"
    SECOND_ENTRY_WARNINGS = "second_entry_warnings"
    SECOND_ENTRY_AGREED = "second_entry_agreed"
    RESOLVE_BLOCKED = "resolve_blocked"
    RESOLVE_WARNINGS = "resolve_warnings"
    RESOLVE_AGREED = "resolve_agreed"
    ACKNOWLEDGE = "acknowledge"
    DISCARD = "discard"
    COMMISSION_CORRECTION = "commission_correction"
    COURT_CORRECTION = "court_correction"


ACTION_LABELS = MappingProxyType(
    {
        Action.FIRST_ENTRY: "première saisie",
        Action.SECOND_ENTRY_DIFFERENT: "seconde saisie différente de la première",
        Action.SECOND_ENTRY_BLOCKED: "seconde saisie identique, chiffres en erreur",
        Action.SECOND_ENTRY_WARNINGS: "seconde saisie identique, avec avertissements",
        Action.SECOND_ENTRY_AGREED: "seconde saisie identique, sans erreur ni avertissement",
        Action.RESOLVE_BLOCKED: "écarts tranchés, chiffres en erreur",
        Action.RESOLVE_WARNINGS: "écarts tranchés, avec avertissements",
        Action.RESOLVE_AGREED: "écarts tranchés, sans erreur ni avertissement",
        Action.ACKNOWLEDGE: "validation motivée de chaque avertissement",
        Action.DISCARD: "saisies écartées, PV à ressaisir",
        Action.COMMISSION_CORRECTION: "rectification motivée de la commission",
        Action.COURT_CORRECTION: "rectification par décision de justice",
    }
)


class Operation(StrEnum):
    """What a user asks for; the service picks the action (outcome) within the operation."""

    SUBMIT = "submit"
    RESOLVE = "resolve"
    ACKNOWLEDGE = "acknowledge"
    DISCARD = "discard"
    COMMISSION_CORRECTION = "commission_correction"
    COURT_CORRECTION = "court_correction"


OPERATION_ACTIONS = MappingProxyType(
    {
        Operation.SUBMIT: (
            Action.FIRST_ENTRY,
            Action.SECOND_ENTRY_DIFFERENT,
            Action.SECOND_ENTRY_BLOCKED,
            Action.SECOND_ENTRY_WARNINGS,
            Action.SECOND_ENTRY_AGREED,
        ),
        Operation.RESOLVE: (Action.RESOLVE_BLOCKED, Action.RESOLVE_WARNINGS, Action.RESOLVE_AGREED),
        Operation.ACKNOWLEDGE: (Action.ACKNOWLEDGE,),
        Operation.DISCARD: (Action.DISCARD,),
        Operation.COMMISSION_CORRECTION: (Action.COMMISSION_CORRECTION,),
        Operation.COURT_CORRECTION: (Action.COURT_CORRECTION,),
    }
)
_ACTION_OPERATION = {a: op for op, actions in OPERATION_ACTIONS.items() for a in actions}

#: The permission of ``kalata.accounts.permissions`` each operation needs (``Action`` values there).
OPERATION_PERMISSIONS = MappingProxyType(
    {
        Operation.SUBMIT: "enter_minutes",
        Operation.RESOLVE: "resolve_entries",
        Operation.ACKNOWLEDGE: "acknowledge_warning",
        Operation.DISCARD: "discard_entries",
        Operation.COMMISSION_CORRECTION: "correct_minutes",
        Operation.COURT_CORRECTION: "court_correction",
    }
)

# Audit event keys (registered in kalata.audit.events, or by kalata.results.entry for the two
# that the results app adds: ``tally.expected`` and ``tally.entries_discarded``).
EVENT_FIRST_ENTRY = "tally.first_entry"
EVENT_SECOND_ENTRY = "tally.second_entry"
EVENT_RESOLVED = "tally.resolved"
EVENT_ACKNOWLEDGED = "tally.warning_acknowledged"
EVENT_DEFINITIVE = "tally.definitive"
EVENT_CORRECTED = "tally.corrected"
EVENT_COURT_CORRECTION = "court.correction"
EVENT_DISCARDED = "tally.entries_discarded"
EVENT_EXPECTED = "tally.expected"


@dataclass(frozen=True)
class Transition:
    """One allowed move of the minutes."""

    from_status: str
    action: Action
    to_status: str
    role: Role
    event: str

    @property
    def label_fr(self) -> str:
        return ACTION_LABELS[self.action]

    @property
    def operation(self) -> Operation:
        return _ACTION_OPERATION[self.action]

    def as_dict(self) -> dict:
        return {
            "from": self.from_status,
            "action": str(self.action),
            "to": self.to_status,
            "role": str(self.role),
            "event": self.event,
            "label_fr": self.label_fr,
        }


def _t(frm: str, action: Action, to: str, role: Role, event: str) -> Transition:
    return Transition(str(frm), action, str(to), role, event)


S = Status
A = Action
_ROWS = (
    _t(S.EXPECTED, A.FIRST_ENTRY, S.FIRST_ENTRY, Role.CLERK, EVENT_FIRST_ENTRY),
    _t(S.FIRST_ENTRY, A.SECOND_ENTRY_DIFFERENT, S.DIFFERENT, Role.CLERK, EVENT_SECOND_ENTRY),
    _t(S.FIRST_ENTRY, A.SECOND_ENTRY_BLOCKED, S.BLOCKED, Role.CLERK, EVENT_SECOND_ENTRY),
    _t(S.FIRST_ENTRY, A.SECOND_ENTRY_WARNINGS, S.TO_ACKNOWLEDGE, Role.CLERK, EVENT_SECOND_ENTRY),
    _t(S.FIRST_ENTRY, A.SECOND_ENTRY_AGREED, S.DEFINITIVE, Role.CLERK, EVENT_SECOND_ENTRY),
    _t(S.FIRST_ENTRY, A.DISCARD, S.EXPECTED, Role.PRESIDENT, EVENT_DISCARDED),
    _t(S.DIFFERENT, A.RESOLVE_BLOCKED, S.BLOCKED, Role.PRESIDENT, EVENT_RESOLVED),
    _t(S.DIFFERENT, A.RESOLVE_WARNINGS, S.TO_ACKNOWLEDGE, Role.PRESIDENT, EVENT_RESOLVED),
    _t(S.DIFFERENT, A.RESOLVE_AGREED, S.DEFINITIVE, Role.PRESIDENT, EVENT_RESOLVED),
    _t(S.DIFFERENT, A.DISCARD, S.EXPECTED, Role.PRESIDENT, EVENT_DISCARDED),
    _t(S.TO_ACKNOWLEDGE, A.ACKNOWLEDGE, S.DEFINITIVE, Role.PRESIDENT, EVENT_ACKNOWLEDGED),
    _t(S.TO_ACKNOWLEDGE, A.DISCARD, S.EXPECTED, Role.PRESIDENT, EVENT_DISCARDED),
    _t(S.BLOCKED, A.DISCARD, S.EXPECTED, Role.PRESIDENT, EVENT_DISCARDED),
    _t(S.BLOCKED, A.COMMISSION_CORRECTION, S.DEFINITIVE, Role.PRESIDENT, EVENT_CORRECTED),
    _t(S.BLOCKED, A.COURT_CORRECTION, S.DEFINITIVE, Role.COURT, EVENT_COURT_CORRECTION),
    _t(S.DEFINITIVE, A.COMMISSION_CORRECTION, S.DEFINITIVE, Role.PRESIDENT, EVENT_CORRECTED),
    _t(S.DEFINITIVE, A.COURT_CORRECTION, S.DEFINITIVE, Role.COURT, EVENT_COURT_CORRECTION),
)
del S, A

#: The state machine: ``(from_status, action) -> Transition``. Nothing else moves a sheet.
#: Every transition whose target is ``definitive`` also records ``tally.definitive`` (the
#: figures copied into the sheet's columns and ``SheetVote`` rows, version bumped).
TRANSITIONS = MappingProxyType({(t.from_status, t.action): t for t in _ROWS})

STATUS_LABELS = MappingProxyType({str(value): label for value, label in Status.choices})


def transitions_from(status: str) -> tuple[Transition, ...]:
    """The moves allowed from ``status``, in table order."""
    return tuple(t for t in _ROWS if t.from_status == str(status))


# --------------------------------------------------------------------------------------------
# Authorization (kalata.accounts)
# --------------------------------------------------------------------------------------------

_AUTHORIZER = "_kalata_results_authorizer"
#: How long a user's role assignments, loaded once, are trusted (seconds): a batch of entries
#: by one clerk costs one query for the roles, and a revocation takes effect within a minute.
AUTHORIZER_TTL = 60.0


def _authorizer(user):
    from kalata.accounts.permissions import Authorizer

    if user is None or not getattr(user, "is_authenticated", False):
        return Authorizer(user)
    cached = getattr(user, _AUTHORIZER, None)
    now = time.monotonic()
    if cached is None or now - cached[0] > AUTHORIZER_TTL:
        cached = (now, Authorizer(user))
        setattr(user, _AUTHORIZER, cached)
    return cached[1]


def forget_authorization(user) -> None:
    """Drop the role assignments cached on ``user`` (after a grant or a revocation)."""
    if hasattr(user, _AUTHORIZER):
        delattr(user, _AUTHORIZER)


def authorize(user, operation: Operation, sheet: TallySheet) -> None:
    """Refuse, in French, a user whom ``kalata.accounts`` does not allow ``operation`` here.

    The sheet should carry ``station`` (with its ``mission``/``commune``) and ``round.election``
    (select_related) so that deciding costs no query.
    """
    decision = _authorizer(user).can(OPERATION_PERMISSIONS[operation], sheet)
    if not decision:
        raise WorkflowError(
            "role_refused",
            decision.reason,
            decision.articles,
            details={"operation": str(operation), "permission": OPERATION_PERMISSIONS[operation]},
        )


# --------------------------------------------------------------------------------------------
# Applying a move
# --------------------------------------------------------------------------------------------

_OPERATION_LABELS = MappingProxyType(
    {
        Operation.SUBMIT: "la saisie",
        Operation.RESOLVE: "le choix entre les deux saisies",
        Operation.ACKNOWLEDGE: "la validation des avertissements",
        Operation.DISCARD: "l'abandon des saisies",
        Operation.COMMISSION_CORRECTION: "la rectification par la commission",
        Operation.COURT_CORRECTION: "la rectification par décision de justice",
    }
)

# Why an operation is refused in a given status: what the user should do instead.
_HINTS = {
    (Status.DEFINITIVE, Operation.SUBMIT): (
        "le procès-verbal est définitif : il ne se saisit plus ; seule une rectification motivée"
        " (commission ou décision de justice) peut en changer les chiffres"
    ),
    (Status.DIFFERENT, Operation.SUBMIT): (
        "deux saisies sont déjà en vigueur et diffèrent : le président de la commission doit"
        " trancher les écarts, ou écarter les saisies pour faire ressaisir le PV"
    ),
    (Status.TO_ACKNOWLEDGE, Operation.SUBMIT): (
        "deux saisies concordantes sont déjà en vigueur : le président doit valider les"
        " avertissements, ou écarter les saisies pour faire ressaisir le PV"
    ),
    (Status.BLOCKED, Operation.SUBMIT): (
        "deux saisies concordantes sont déjà en vigueur et les chiffres sont en erreur : le"
        " président doit écarter les saisies pour faire ressaisir le PV, ou le rectifier par une"
        " décision motivée"
    ),
    (Status.EXPECTED, Operation.DISCARD): "aucune saisie n'est en vigueur",
    (Status.DEFINITIVE, Operation.DISCARD): (
        "le procès-verbal est définitif : seule une rectification motivée peut en changer les"
        " chiffres"
    ),
}


def refusal(status: str, operation: Operation) -> WorkflowError:
    """The French error for an operation that the table does not allow from ``status``."""
    status = str(status)
    label = _OPERATION_LABELS[operation]
    hint = _HINTS.get((status, operation))
    if hint is None:
        possible = transitions_from(status)
        ops = list(dict.fromkeys(_OPERATION_LABELS[t.operation] for t in possible))
        hint = f"le procès-verbal est « {STATUS_LABELS[status]} »" + (
            f" ; possible : {', '.join(ops)}" if ops else " ; aucune action possible"
        )
    return WorkflowError(
        "transition_refused",
        f"{label[:1].upper()}{label[1:]} est impossible : {hint}.",
        COMMISSION_ARTICLES,
        details={"status": status, "operation": str(operation)},
    )


def require(sheet: TallySheet, operation: Operation, user) -> Transition:
    """Check that ``operation`` is possible from the sheet's status and that ``user`` may do it.

    Returns the first candidate row. Raises ``WorkflowError`` (French) otherwise. The state is
    checked first: asking for an impossible move says why, whoever asks.
    """
    status = str(sheet.status)
    candidates = [TRANSITIONS.get((status, a)) for a in OPERATION_ACTIONS[operation]]
    candidates = [t for t in candidates if t is not None]
    if not candidates:
        raise refusal(status, operation)
    authorize(user, operation, sheet)
    return candidates[0]


def apply(sheet: TallySheet, action: Action | str, user) -> Transition:
    """Move ``sheet`` by ``action`` (in memory: the caller saves and audits); return the row.

    Refuses (``WorkflowError``, French) a move the table does not list from the sheet's status,
    or a user whom ``kalata.accounts`` does not allow the move's operation on this sheet.
    """
    action = Action(action)
    transition = TRANSITIONS.get((str(sheet.status), action))
    if transition is None:
        raise refusal(sheet.status, _ACTION_OPERATION[action])
    authorize(user, transition.operation, sheet)
    sheet.status = transition.to_status
    return transition


__all__ = [
    "ACTION_LABELS",
    "COMMISSION_ARTICLES",
    "OPERATION_ACTIONS",
    "OPERATION_PERMISSIONS",
    "STATUS_LABELS",
    "TRANSITIONS",
    "Action",
    "Operation",
    "Role",
    "Transition",
    "WorkflowError",
    "apply",
    "authorize",
    "forget_authorization",
    "refusal",
    "require",
    "transitions_from",
]
