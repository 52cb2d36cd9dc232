"""Who may do what, where: one decision function, ``can(user, action, target)``.

Every view, API endpoint and command that acts for a person asks ``can()`` first, and list
screens filter with ``visible_stations()`` / ``visible_sheets()`` (the same rules, as SQL).

- ``Action``: the stable list of things a person may be allowed to do.
- ``POLICY``: for each action, the ``Rule``s granting it — a role, a *reach* and, where the law
  gives the act to different bodies by type of election, the election kinds concerned:

  * ``commission`` — the role's scope must be the area of the centralisation commission
    competent for the target: a cercle, the District of Bamako or an embassy/consulate for the
    presidential election and the referendum (Art. 141, 12), a cercle or the District for the
    legislative (Art. 149) and communal elections (Art. 187), a region or the District for the
    national councillors (Art. 174). A clerk of the Kayes *region* therefore enters nothing in
    a presidential election: there is no regional commission for it;
  * ``ressort`` — the target must lie within the role's scope (a cercle covers its communes and
    their stations; a region its cercles; the District Bamako's six communes; a mission its
    stations; no scope covers the whole country);
  * ``national`` — the role must have no territorial scope.

  The table is shown in ``docs/roles.md`` (a test keeps the two identical).
- ``decide(grants, action, subject)`` is pure: plain values in, a ``Decision`` (allowed + French
  reason + articles) out. ``can()`` only loads the user's assignments in force and resolves the
  target (a ``TallySheet``, ``PollingStation``, ``Contest``, ``Round``, ``Election``, a territory
  unit, or any object with a ``sheet``/``station``/``contest``/``commune``… and ``round``) into
  its area and election.

Legal readings (see ``docs/roles.md`` for the full reasoning):

- The Constitutional Court's jurisdiction over the referendum, the presidential and the
  legislative elections is national and exclusive (Art. 142, 150, 154): for those, only a
  ``court`` assignment *without* territorial scope annuls, corrects or proclaims.
- For communal elections the competent judge is the administrative tribunal of the area (Art.
  188), on appeal the Supreme Court; for national councillors the Supreme Court (Art. 175). Both
  are the ``court`` role scoped appropriately (a region for a tribunal, nothing for the Supreme
  Court), acting within their scope.
- Provisional results of the referendum, presidential and legislative elections are proclaimed
  by the Ministry (Art. 17, 141, 149). Communal results are proclaimed by the cercle/District
  commission (Art. 187) and those of the national councillors by the regional commission
  (Art. 174): in Kalata, their president records that proclamation (``proclaim_provisional``);
  the Ministry does not (Art. 17 gives it only the centralisation and keeping of the minutes).
- ``proclaim_final`` for communal and national councillors' elections — the results as they
  stand once the claims period is over or the judge has ruled — is recorded by the competent
  ``court`` assignment (Art. 175, 188).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kalata.accounts.models import Role, RoleAssignment
from kalata.law.explain import LawError

__all__ = [
    "Action",
    "Area",
    "Authorizer",
    "Decision",
    "Grant",
    "POLICY",
    "Reach",
    "Rule",
    "Subject",
    "active_grants",
    "can",
    "decide",
    "policy_table",
    "require",
    "resolve",
    "validate_assignment",
    "visible_sheets",
    "visible_stations",
]


class Action(StrEnum):
    VIEW_MINUTES = "view_minutes"
    ENTER_MINUTES = "enter_minutes"
    UPLOAD_SCAN = "upload_scan"
    RESOLVE_ENTRIES = "resolve_entries"
    ACKNOWLEDGE_WARNING = "acknowledge_warning"
    DISCARD_ENTRIES = "discard_entries"
    CORRECT_MINUTES = "correct_minutes"
    SIGN_COLLATION = "sign_collation"
    PROCLAIM_PROVISIONAL = "proclaim_provisional"
    ANNUL = "annul"
    COURT_CORRECTION = "court_correction"
    PROCLAIM_FINAL = "proclaim_final"
    RECORD_OBSERVATION = "record_observation"
    SUBMIT_DELEGATE_COPY = "submit_delegate_copy"
    MANAGE_USERS = "manage_users"
    MANAGE_ELECTIONS = "manage_elections"


ACTION_LABELS: dict[Action, str] = {
    Action.VIEW_MINUTES: "consulter les procès-verbaux",
    Action.ENTER_MINUTES: "saisir les procès-verbaux",
    Action.UPLOAD_SCAN: "déposer la photo ou le scan d'un procès-verbal",
    Action.RESOLVE_ENTRIES: "trancher les écarts entre les deux saisies",
    Action.ACKNOWLEDGE_WARNING: "valider un avertissement",
    Action.DISCARD_ENTRIES: "écarter des saisies",
    Action.CORRECT_MINUTES: "rectifier un procès-verbal (commission)",
    Action.SIGN_COLLATION: "signer le procès-verbal récapitulatif",
    Action.PROCLAIM_PROVISIONAL: "proclamer les résultats provisoires",
    Action.ANNUL: "prononcer une annulation",
    Action.COURT_CORRECTION: "prononcer une rectification juridictionnelle",
    Action.PROCLAIM_FINAL: "proclamer les résultats définitifs",
    Action.RECORD_OBSERVATION: "consigner une observation",
    Action.SUBMIT_DELEGATE_COPY: "déposer la copie du résultat remise au délégué",
    Action.MANAGE_USERS: "gérer les comptes et les rôles",
    Action.MANAGE_ELECTIONS: "gérer les scrutins",
}


class Reach(StrEnum):
    NATIONAL = "national"
    COMMISSION = "commission"
    AREA = "ressort"


# Election kinds (``Election.Kind`` values).
PRESIDENTIAL = "presidential"
LEGISLATIVE = "legislative"
REFERENDUM = "referendum"
COMMUNAL = "communal"
NATIONAL_COUNCILLORS = "national-councillors"
ALL_KINDS = (PRESIDENTIAL, LEGISLATIVE, REFERENDUM, COMMUNAL, NATIONAL_COUNCILLORS)
# Disputes of these belong to the Constitutional Court (Art. 154); the Ministry proclaims their
# provisional results (Art. 17).
CONSTITUTIONAL = frozenset({PRESIDENTIAL, LEGISLATIVE, REFERENDUM})
KIND_CODES = {
    PRESIDENTIAL: "PRES",
    LEGISLATIVE: "LEG",
    REFERENDUM: "REF",
    COMMUNAL: "COM",
    NATIONAL_COUNCILLORS: "CN",
}
KIND_LABELS = {
    PRESIDENTIAL: "élection présidentielle",
    LEGISLATIVE: "élections législatives",
    REFERENDUM: "référendum",
    COMMUNAL: "élections communales",
    NATIONAL_COUNCILLORS: "élection des conseillers nationaux",
}

# The areas of the centralisation commissions, by kind of election: ``cercle``, ``district``
# (the District of Bamako), ``mission`` (embassy or consulate), ``region``.
COMMISSION_LEVELS: dict[str, frozenset[str]] = {
    # Art. 141: District, each cercle, embassy, consulate. The referendum has no article of
    # its own on centralisation; Art. 17 gives it the same chain as the presidential election
    # and Art. 12 gives embassy and consulate commissions the referendum and the presidential.
    PRESIDENTIAL: frozenset({"cercle", "district", "mission"}),
    REFERENDUM: frozenset({"cercle", "district", "mission"}),
    # Art. 149 and 187: District and each cercle (no vote abroad, Art. 12, 143, 177).
    LEGISLATIVE: frozenset({"cercle", "district"}),
    COMMUNAL: frozenset({"cercle", "district"}),
    # Art. 174: each region and the District.
    NATIONAL_COUNCILLORS: frozenset({"region", "district"}),
}
COMMISSION_ARTICLES = {
    PRESIDENTIAL: ("141",),
    REFERENDUM: ("12", "17", "141"),
    LEGISLATIVE: ("149",),
    COMMUNAL: ("187",),
    NATIONAL_COUNCILLORS: ("174",),
}
ANY_COMMISSION = frozenset().union(*COMMISSION_LEVELS.values())


@dataclass(frozen=True)
class Rule:
    """``role`` may do the action with this ``reach``, for these election kinds (None: all)."""

    role: str
    reach: Reach
    kinds: frozenset[str] | None = None
    articles: tuple[str, ...] = ()

    def applies_to(self, kind: str | None) -> bool:
        return self.kinds is None or (kind is not None and kind in self.kinds)


_C, _P = Role.CLERK.value, Role.PRESIDENT.value
_COMMISSION_WORK = ("141", "149", "174", "187")
_LOCAL = frozenset({COMMUNAL, NATIONAL_COUNCILLORS})

POLICY: dict[Action, tuple[Rule, ...]] = {
    Action.VIEW_MINUTES: (
        Rule(_C, Reach.COMMISSION, None, _COMMISSION_WORK),
        Rule(_P, Reach.COMMISSION, None, _COMMISSION_WORK),
        Rule(Role.MINISTRY, Reach.NATIONAL, None, ("17", "141", "149")),
        Rule(Role.COURT, Reach.NATIONAL, CONSTITUTIONAL, ("142", "150", "154")),
        Rule(Role.COURT, Reach.AREA, _LOCAL, ("175", "188")),
        Rule(Role.CENI, Reach.AREA, None, ("9", "10", "11", "12")),
        Rule(Role.DELEGATE, Reach.AREA, None, ("86", "87")),
    ),
    Action.ENTER_MINUTES: (Rule(_C, Reach.COMMISSION, None, ("87", *_COMMISSION_WORK)),),
    Action.UPLOAD_SCAN: (
        Rule(_C, Reach.COMMISSION, None, ("87", *_COMMISSION_WORK)),
        Rule(_P, Reach.COMMISSION, None, ("87", *_COMMISSION_WORK)),
    ),
    Action.RESOLVE_ENTRIES: (Rule(_P, Reach.COMMISSION, None, _COMMISSION_WORK),),
    Action.ACKNOWLEDGE_WARNING: (Rule(_P, Reach.COMMISSION, None, _COMMISSION_WORK),),
    Action.DISCARD_ENTRIES: (Rule(_P, Reach.COMMISSION, None, _COMMISSION_WORK),),
    Action.CORRECT_MINUTES: (Rule(_P, Reach.COMMISSION, None, _COMMISSION_WORK),),
    Action.SIGN_COLLATION: (Rule(_P, Reach.COMMISSION, None, _COMMISSION_WORK),),
    Action.PROCLAIM_PROVISIONAL: (
        Rule(Role.MINISTRY, Reach.NATIONAL, CONSTITUTIONAL, ("17", "141", "149")),
        Rule(_P, Reach.COMMISSION, frozenset({COMMUNAL}), ("187",)),
        Rule(_P, Reach.COMMISSION, frozenset({NATIONAL_COUNCILLORS}), ("174",)),
    ),
    Action.ANNUL: (
        Rule(Role.COURT, Reach.NATIONAL, CONSTITUTIONAL, ("150", "154")),
        Rule(Role.COURT, Reach.AREA, frozenset({COMMUNAL}), ("188",)),
        Rule(Role.COURT, Reach.AREA, frozenset({NATIONAL_COUNCILLORS}), ("175",)),
    ),
    Action.COURT_CORRECTION: (
        Rule(Role.COURT, Reach.NATIONAL, CONSTITUTIONAL, ("142", "150", "154")),
        Rule(Role.COURT, Reach.AREA, frozenset({COMMUNAL}), ("188",)),
        Rule(Role.COURT, Reach.AREA, frozenset({NATIONAL_COUNCILLORS}), ("175",)),
    ),
    Action.PROCLAIM_FINAL: (
        Rule(Role.COURT, Reach.NATIONAL, CONSTITUTIONAL, ("142", "150")),
        Rule(Role.COURT, Reach.AREA, frozenset({COMMUNAL}), ("188",)),
        Rule(Role.COURT, Reach.AREA, frozenset({NATIONAL_COUNCILLORS}), ("175",)),
    ),
    Action.RECORD_OBSERVATION: (Rule(Role.CENI, Reach.AREA, None, ("9", "187")),),
    Action.SUBMIT_DELEGATE_COPY: (Rule(Role.DELEGATE, Reach.AREA, None, ("86", "87")),),
    Action.MANAGE_USERS: (Rule(Role.ADMIN, Reach.NATIONAL),),
    Action.MANAGE_ELECTIONS: (Rule(Role.ADMIN, Reach.NATIONAL),),
}
assert set(POLICY) == set(Action)  # every action has its rules (none is granted by default)

ROLE_ORDER = [r.value for r in Role]
ROLE_LABELS = {r.value: r.label for r in Role}


# --- Areas, subjects, grants (plain values) -------------------------------------------------
@dataclass(frozen=True)
class Area:
    """A place in the territory: the ids of its units (those that apply) and its French label."""

    region_id: int | None = None
    cercle_id: int | None = None
    commune_id: int | None = None
    mission_id: int | None = None
    district: bool = False  # in the District of Bamako
    label: str = "tout le pays"

    @property
    def level(self) -> str:
        """The most precise unit: ``mission``, ``commune``, ``cercle``, ``region`` or ``nation``."""
        if self.mission_id is not None:
            return "mission"
        if self.commune_id is not None:
            return "commune"
        if self.cercle_id is not None:
            return "cercle"
        if self.region_id is not None:
            return "region"
        return "nation"

    @property
    def commission_kind(self) -> str:
        """As a commission's area: ``district`` for the District, else the level."""
        level = self.level
        return "district" if level == "region" and self.district else level

    def covers(self, other: Area) -> bool:
        """Whether this area (as a scope) contains ``other``."""
        level = self.level
        if level == "nation":
            return True
        if level == "region":
            return other.region_id == self.region_id
        if level == "cercle":
            return other.cercle_id == self.cercle_id
        if level == "commune":
            return other.commune_id == self.commune_id
        return other.mission_id == self.mission_id


NATION = Area()


@dataclass(frozen=True)
class Subject:
    """What an action is about: its area, its election (if any) and a French description."""

    area: Area
    election_id: int | None = None
    election_kind: str | None = None
    election_code: str = ""
    label: str = "l'application"


@dataclass(frozen=True)
class Grant:
    """A role assignment in force, as a plain value."""

    role: str
    scope: Area = NATION
    election_id: int | None = None
    election_code: str = ""

    @property
    def description(self) -> str:
        where = self.scope.label
        which = f"scrutin {self.election_code}" if self.election_id else "tous les scrutins"
        return f"« {ROLE_LABELS[self.role]} » ({where}, {which})"


@dataclass(frozen=True)
class Decision:
    """Allowed or not, why (French), the articles applied, and the role that allowed it."""

    allowed: bool
    reason: str
    articles: tuple[str, ...] = ()
    role: str | None = None

    def __bool__(self) -> bool:
        return self.allowed

    def as_dict(self) -> dict:
        return {
            "allowed": self.allowed,
            "reason": self.reason,
            "articles": list(self.articles),
            "role": self.role,
        }


def _articles(rules: Iterable[Rule]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for rule in rules:
        for article in rule.articles:
            seen.setdefault(article, None)
    return tuple(sorted(seen, key=lambda a: (len(a), a)))


def _roles_text(rules: Iterable[Rule]) -> str:
    roles = []
    for rule in rules:
        label = ROLE_LABELS[str(rule.role)]
        if rule.reach == Reach.COMMISSION:
            label += " (commission compétente)"
        elif rule.reach == Reach.AREA:
            label += " (ressort compétent)"
        elif rule.reach == Reach.NATIONAL and rule.role == Role.COURT:
            label += " (portée nationale : Cour constitutionnelle)"
        if label not in roles:
            roles.append(label)
    return ", ".join(roles)


def _reach_failure(grant: Grant, rule: Rule, subject: Subject) -> str | None:
    """Why ``grant`` does not satisfy ``rule`` for ``subject`` (None: it does)."""
    role = ROLE_LABELS[grant.role]
    if grant.election_id is not None and grant.election_id != subject.election_id:
        if subject.election_id is None:
            return (
                f"votre rôle « {role} » ne vaut que pour le scrutin {grant.election_code} ; "
                "le scrutin concerné doit être précisé"
            )
        return (
            f"votre rôle « {role} » vaut pour le scrutin {grant.election_code}, "
            f"pas pour le scrutin {subject.election_code}"
        )
    scope = grant.scope
    if rule.reach == Reach.NATIONAL:
        if scope.level != "nation":
            return (
                f"cet acte demande le rôle « {role} » de portée nationale ; le vôtre s'exerce "
                f"dans le ressort « {scope.label} »"
            )
        return None
    if rule.reach == Reach.COMMISSION:
        levels = (
            COMMISSION_LEVELS[subject.election_kind] if subject.election_kind else ANY_COMMISSION
        )
        if scope.commission_kind not in levels:
            kind = KIND_LABELS.get(subject.election_kind or "", "type inconnu")
            return (
                f"« {scope.label} » n'est pas le ressort d'une commission de centralisation "
                f"pour ce scrutin ({kind})"
            )
    if not scope.covers(subject.area):
        return (
            f"votre rôle « {role} » s'exerce dans le ressort « {scope.label} » ; "
            f"{subject.label} ({subject.area.label}) est hors de ce ressort"
        )
    return None


def decide(grants: Iterable[Grant], action: Action | str, subject: Subject) -> Decision:
    """Whether the holder of ``grants`` may do ``action`` on ``subject``, and why (pure)."""
    action = Action(action)
    label = ACTION_LABELS[action]
    grants = list(grants)
    rules = POLICY[action]
    applicable = [rule for rule in rules if rule.applies_to(subject.election_kind)]
    failures: list[tuple[str, tuple[str, ...]]] = []
    for rule in applicable:
        for grant in grants:
            if grant.role != rule.role:
                continue
            failure = _reach_failure(grant, rule, subject)
            if failure is None:
                return Decision(
                    True,
                    f"Autorisé : {label}, au titre du rôle {grant.description}.",
                    rule.articles,
                    grant.role,
                )
            failures.append((failure, rule.articles))
    if not grants:
        return Decision(False, f"Refusé : {label} — vous n'avez aucun rôle en vigueur.")
    if failures:
        # Prefer a failure about the area over one about another election.
        failures.sort(key=lambda f: "scrutin" in f[0])
        text, articles = failures[0]
        return Decision(False, f"Refusé : {label} — {text}.", articles)
    if not applicable:
        return Decision(
            False,
            f"Refusé : {label} — cet acte dépend du type de scrutin, qui doit être précisé.",
            _articles(rules),
        )
    held = {g.role for g in grants}
    if subject.election_kind and any(rule.role in held for rule in rules):
        kind = KIND_LABELS[subject.election_kind]
        return Decision(
            False,
            f"Refusé : {label} — pour ce scrutin ({kind}), cet acte revient à : "
            f"{_roles_text(applicable)}.",
            _articles(applicable),
        )
    return Decision(
        False,
        f"Refusé : {label} — cet acte est réservé à : {_roles_text(applicable)}.",
        _articles(applicable),
    )


# --- From the database to plain values ------------------------------------------------------
def _area_of_region(region) -> Area:
    return Area(region_id=region.pk, district=region.kind == "district", label=region.label)


def _area_of_cercle(cercle) -> Area:
    return Area(region_id=cercle.region_id, cercle_id=cercle.pk, label=f"cercle de {cercle.name}")


def _area_of_commune(commune) -> Area:
    return Area(
        region_id=commune.region_id,
        cercle_id=commune.cercle_id,
        commune_id=commune.pk,
        district=commune.cercle_id is None,  # Bamako's six communes have no cercle
        label=f"commune de {commune.name}",
    )


def _area_of_mission(mission) -> Area:
    return Area(mission_id=mission.pk, label=mission.name)


def _area_of_station(station) -> Area:
    if station.mission_id is not None:
        return _area_of_mission(station.mission)
    return _area_of_commune(station.commune)


def _area_of_contest(contest) -> Area:
    if contest.commune_id is not None:
        return _area_of_commune(contest.commune)
    if contest.cercle_id is not None:
        return _area_of_cercle(contest.cercle)
    if contest.region_id is not None:
        return _area_of_region(contest.region)
    return NATION


def _subject(area: Area, election, label: str) -> Subject:
    if election is None:
        return Subject(area, label=label)
    return Subject(area, election.pk, election.kind, election.code, label)


def _election_of(context):
    """An ``Election`` from an ``Election`` or a ``Round`` (or None)."""
    from kalata.elections.models import Election, Round

    if context is None or isinstance(context, Election):
        return context
    if isinstance(context, Round):
        return context.election
    raise TypeError(f"Scrutin attendu (Election ou Round), reçu : {context!r}")


def resolve(target, election=None) -> Subject:
    """The area, election and description of ``target``.

    ``election`` (an ``Election`` or a ``Round``) gives the election of a target that has none
    of its own (a territory unit: the summary minutes of a cercle in a round…).
    """
    from django.contrib.auth.models import AbstractBaseUser
    from django.db import models

    from kalata.elections.models import Contest, Election, PollingStation, Round
    from kalata.results.models import TallySheet
    from kalata.territory.models import Cercle, Commune, Mission, Region

    context = _election_of(election)
    own = None
    if target is None or isinstance(target, AbstractBaseUser):
        area, label = NATION, "l'application"
    elif isinstance(target, Election):
        area, label, own = NATION, f"le scrutin {target.code}", target
    elif isinstance(target, Round):
        area, label, own = NATION, f"le tour {target.code}", target.election
    elif isinstance(target, Contest):
        area, label = _area_of_contest(target), f"la circonscription {target.code}"
        own = target.round.election
    elif isinstance(target, TallySheet):
        area = _area_of_station(target.station)
        label = f"le procès-verbal du bureau {target.station.code}"
        own = target.round.election
    elif isinstance(target, PollingStation):
        area, label, own = _area_of_station(target), f"le bureau {target.code}", target.election
    elif isinstance(target, Region):
        area = _area_of_region(target)
        label = area.label if area.district else f"la région de {target.name}"
    elif isinstance(target, Cercle):
        area, label = _area_of_cercle(target), f"le cercle de {target.name}"
    elif isinstance(target, Commune):
        area, label = _area_of_commune(target), f"la commune de {target.name}"
    elif isinstance(target, Mission):
        area, label = _area_of_mission(target), target.name
    elif isinstance(target, models.Model):
        # Objects about a sheet, a station, a contest or a unit (entries, corrections,
        # annulments, future summary minutes…): resolve the most precise one they name.
        inner = None
        for name in ("sheet", "station", "contest", "commune", "cercle", "region", "mission"):
            if getattr(target, f"{name}_id", None) is not None:
                inner = getattr(target, name)
                break
        if inner is None:
            raise TypeError(f"Cible d'autorisation non prise en charge : {target!r}")
        for name in ("round", "election"):
            if getattr(target, f"{name}_id", None) is not None and context is None:
                context = _election_of(getattr(target, name))
        return resolve(inner, context)
    else:
        raise TypeError(f"Cible d'autorisation non prise en charge : {target!r}")
    if own is not None and context is not None and own.pk != context.pk:
        raise ValueError(
            f"La cible appartient au scrutin {own.code}, pas au scrutin {context.code}."
        )
    return _subject(area, own or context, label)


def _scope_area(assignment: RoleAssignment) -> Area:
    if assignment.region_id is not None:
        return _area_of_region(assignment.region)
    if assignment.cercle_id is not None:
        return _area_of_cercle(assignment.cercle)
    if assignment.commune_id is not None:
        return _area_of_commune(assignment.commune)
    if assignment.mission_id is not None:
        return _area_of_mission(assignment.mission)
    return NATION


def grant_of(assignment: RoleAssignment) -> Grant:
    return Grant(
        role=assignment.role,
        scope=_scope_area(assignment),
        election_id=assignment.election_id,
        election_code=assignment.election.code if assignment.election_id else "",
    )


def active_grants(user, at: datetime | None = None) -> list[Grant]:
    """The user's assignments in force at ``at`` (default now), in one query."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    rows = (
        RoleAssignment.objects.active(at)
        .filter(user_id=user.pk)
        .select_related("election", "region", "cercle", "commune", "mission")
    )
    return [grant_of(row) for row in rows]


_SUPERUSER_ACTIONS = frozenset({Action.MANAGE_USERS, Action.MANAGE_ELECTIONS})


class Authorizer:
    """A user's rights, loaded once (one query) for several decisions in the same request."""

    def __init__(self, user, at: datetime | None = None):
        self.user = user
        self.grants = active_grants(user, at)

    def can(self, action: Action | str, target=None, *, election=None) -> Decision:
        action = Action(action)
        user = self.user
        label = ACTION_LABELS[action]
        if user is None or not getattr(user, "is_authenticated", False):
            return Decision(False, f"Refusé : {label} — connexion requise.")
        if not user.is_active:
            return Decision(False, f"Refusé : {label} — compte désactivé.")
        subject = resolve(target, election)
        decision = decide(self.grants, action, subject)
        if not decision and action in _SUPERUSER_ACTIONS and user.is_superuser:
            # Bootstrap: the Django superuser created at installation administers accounts
            # and elections — and nothing else (no electoral act comes with it).
            return Decision(True, f"Autorisé : {label}, au titre de superutilisateur.")
        return decision


def can(user, action: Action | str, target=None, *, election=None, at=None) -> Decision:
    """Whether ``user`` may do ``action`` on ``target``: a ``Decision`` with a French reason.

    ``target``: a ``TallySheet``, ``PollingStation``, ``Contest``, ``Round``, ``Election``,
    a ``Region``/``Cercle``/``Commune``/``Mission`` (with ``election=`` a round or election
    when the act belongs to one, e.g. the summary minutes of a cercle), an object naming one
    of those (an entry, an annulment…), or None for the application (``manage_users``).
    """
    return Authorizer(user, at).can(action, target, election=election)


def require(user, action: Action | str, target=None, *, election=None) -> Decision:
    """``can()``, raising ``PermissionDenied`` with the French reason when refused."""
    from django.core.exceptions import PermissionDenied

    decision = can(user, action, target, election=election)
    if not decision:
        raise PermissionDenied(decision.reason)
    return decision


# --- List screens: the same rules as SQL filters --------------------------------------------
def _scope_q(scope: Area, prefix: str):
    from django.db.models import Q

    level = scope.level
    if level == "region":
        return Q(**{f"{prefix}commune__region_id": scope.region_id})
    if level == "cercle":
        return Q(**{f"{prefix}commune__cercle_id": scope.cercle_id})
    if level == "commune":
        return Q(**{f"{prefix}commune_id": scope.commune_id})
    return Q(**{f"{prefix}mission_id": scope.mission_id})


def _visible_filter(user, election, prefix: str, at):
    """``None`` (nothing), ``True`` (everything) or a ``Q`` on stations (with ``prefix``)."""
    grants = active_grants(user, at)
    rules = [r for r in POLICY[Action.VIEW_MINUTES] if r.applies_to(election.kind)]
    levels = COMMISSION_LEVELS[election.kind]
    q = None
    for grant in grants:
        if grant.election_id is not None and grant.election_id != election.pk:
            continue
        for rule in rules:
            if rule.role != grant.role:
                continue
            if rule.reach == Reach.NATIONAL and grant.scope.level != "nation":
                continue
            if rule.reach == Reach.COMMISSION and grant.scope.commission_kind not in levels:
                continue
            if grant.scope.level == "nation":
                return True
            part = _scope_q(grant.scope, prefix)
            q = part if q is None else q | part
    return q


def visible_stations(user, election, at: datetime | None = None):
    """The polling stations of ``election`` whose minutes ``user`` may consult (a queryset)."""
    from kalata.elections.models import PollingStation

    stations = PollingStation.objects.filter(election=election)
    q = _visible_filter(user, election, "", at)
    if q is None:
        return stations.none()
    return stations if q is True else stations.filter(q)


def visible_sheets(user, round_, at: datetime | None = None):
    """The minutes (``TallySheet``) of ``round_`` that ``user`` may consult (a queryset)."""
    from kalata.results.models import TallySheet

    sheets = TallySheet.objects.filter(round=round_)
    q = _visible_filter(user, round_.election, "station__", at)
    if q is None:
        return sheets.none()
    return sheets if q is True else sheets.filter(q)


# --- Grant-time validation ------------------------------------------------------------------
def validate_assignment(assignment: RoleAssignment) -> None:
    """Raise ``LawError`` (French, with the field) when the scope does not suit the role.

    - at most one scope (region, cercle, commune or mission);
    - ``ministry`` and ``admin``: the whole country; ``admin`` for every election;
    - ``clerk`` and ``president``: the area of a centralisation commission for the election
      (Art. 141, 149, 174, 187) — a cercle, the District, an embassy/consulate (presidential,
      referendum), a region (national councillors) —, never a commune nor the whole country;
    - ``court`` for a referendum, presidential or legislative election: the whole country
      (Art. 154: the Constitutional Court).
    """
    role = assignment.role
    if role not in ROLE_LABELS:
        raise LawError("role_unknown", f"Rôle inconnu : « {role} ».", field="role")
    set_fields = [
        name
        for name in ("region", "cercle", "commune", "mission")
        if getattr(assignment, f"{name}_id") is not None
    ]
    if len(set_fields) > 1:
        raise LawError(
            "scope_ambiguous",
            "Un seul ressort peut être indiqué : région, cercle, commune ou ambassade/consulat "
            f"(reçu : {', '.join(set_fields)}).",
            field=set_fields[1],
        )
    field = set_fields[0] if set_fields else None
    scope = _scope_area(assignment)
    label = ROLE_LABELS[role]
    election = assignment.election if assignment.election_id else None
    kind = election.kind if election else None
    if role in (Role.MINISTRY, Role.ADMIN) and field:
        raise LawError(
            "scope_must_be_national",
            f"Le rôle « {label} » est national : aucun ressort ne doit être indiqué.",
            ("17",) if role == Role.MINISTRY else (),
            field=field,
        )
    if role == Role.ADMIN and election is not None:
        raise LawError(
            "admin_for_every_election",
            "Le rôle d'administrateur vaut pour tous les scrutins : aucun scrutin ne doit être "
            "indiqué.",
            field="election",
        )
    if role in (Role.CLERK, Role.PRESIDENT):
        levels = COMMISSION_LEVELS[kind] if kind else ANY_COMMISSION
        if scope.commission_kind not in levels:
            names = {
                "cercle": "un cercle",
                "district": "le District de Bamako",
                "mission": "une ambassade ou un consulat",
                "region": "une région (conseillers nationaux)",
            }
            allowed = ", ".join(
                names[k] for k in ("cercle", "district", "region", "mission") if k in levels
            )
            articles = COMMISSION_ARTICLES[kind] if kind else ("141", "149", "174", "187")
            raise LawError(
                "scope_not_a_commission",
                f"Le rôle « {label} » s'exerce dans le ressort d'une commission de "
                f"centralisation : {allowed} (reçu : {scope.label}).",
                articles,
                field=field or ("cercle" if kind != NATIONAL_COUNCILLORS else "region"),
            )
    if role == Role.COURT and kind in CONSTITUTIONAL and field:
        raise LawError(
            "court_must_be_national",
            f"Pour le scrutin {election.code} ({KIND_LABELS[kind]}), la juridiction compétente "
            "est la Cour constitutionnelle, de portée nationale : aucun ressort ne doit être "
            "indiqué.",
            ("154",),
            field=field,
        )


def policy_table() -> list[tuple[str, list[str]]]:
    """The policy as table rows: (action key, one cell per role in ``Role`` order).

    A cell lists the reaches granted to the role (``commission``, ``ressort``, ``national``),
    each followed by the election kinds it is limited to; ``—`` when the role may not.
    """
    rows = []
    for action in Action:
        cells = []
        for role in ROLE_ORDER:
            reaches: dict[str, set[str] | None] = {}
            for rule in POLICY[action]:
                if rule.role != role:
                    continue
                kinds = reaches.get(rule.reach, set())
                if rule.kinds is None or kinds is None:
                    reaches[rule.reach] = None
                else:
                    reaches[rule.reach] = kinds | set(rule.kinds)
            parts = []
            for reach in Reach:
                if reach not in reaches:
                    continue
                kinds = reaches[reach]
                if kinds is None:
                    parts.append(reach.value)
                else:
                    codes = ", ".join(KIND_CODES[k] for k in ALL_KINDS if k in kinds)
                    parts.append(f"{reach.value} ({codes})")
            cells.append(" ; ".join(parts) or "—")
        rows.append((action.value, cells))
    return rows
