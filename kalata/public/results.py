"""What the public site shows for a round and its contests, as plain data.

For each contest the figures come from one source, chosen by the acts of the authorities:

* the **final** proclamation of the contest's scope when there is one (Constitutional Court,
  Art. 142, 150; communal: Art. 188) — its stored snapshot;
* else the **provisional** proclamation (Ministry, Art. 17, 141, 149; communal commission,
  Art. 187) — its snapshot: what was proclaimed, not what has been annulled since (annulments
  pronounced after it are listed beside the figures);
* else the **live** recomputation from the definitive minutes (``kalata.results.tabulation``):
  partial results, not proclaimed, totalled as the minutes arrive (Art. 141, 149, 187).

Both a snapshot and a live computation have the shape of ``RoundResults.as_dict()``, so pages,
JSON and CSV are built from the same dicts whatever the source. The polling-station level is
always live (the minutes themselves).

Nothing here writes: reads only, no lock (``select_for_update`` never), so the public pages
never wait for a data-entry transaction.

Personal data: no elector appears anywhere. Candidates' birth dates are never shown; where the
tie-break of Art. 176 ("le plus âgé") used them, the explanation shows the candidate's age on
polling day instead (``redact_birth_dates``). The user names of staff (``by``) are removed.

Caching: ``round_state`` reads in one query what changes the round's figures (definitive and
annulled minutes, received minutes, the latest proclamation and annulment); its ``key`` is part
of every cache key and ETag, so a cached page is never older than the last change it shows by
more than the few seconds ``round_state`` itself is cached. Computed contests are also kept in
memory per process for the current state (``_memo``), so the pages of one contest (national,
region, cercle, commune) share one computation.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from kalata.elections.models import Contest, Election, Round
from kalata.law.explain import percent, round_half_up
from kalata.results.models import Annulment, Proclamation, TallySheet
from kalata.results.proclamation import compare
from kalata.results.tabulation import ROLLUP_LEVELS, articles_for, tabulate

from . import colours

PROVISIONAL = Proclamation.Kind.PROVISIONAL.value
FINAL = Proclamation.Kind.FINAL.value
DEFINITIVE = TallySheet.Status.DEFINITIVE.value
EXPECTED = TallySheet.Status.EXPECTED.value
BLOCKED = TallySheet.Status.BLOCKED.value

NATION, REGION, CERCLE, COMMUNE, STATION = "nation", "region", "cercle", "commune", "station"
BELOW = {NATION: REGION, REGION: CERCLE, CERCLE: COMMUNE, COMMUNE: STATION}
URL_LEVELS = (REGION, CERCLE, COMMUNE)

# Who proclaims (mirrors kalata.results.proclamation.AUTHORITIES, translatable).
AUTHORITIES = {
    Election.Kind.PRESIDENTIAL: {
        PROVISIONAL: _("le ministre chargé de l'Administration territoriale"),
        FINAL: _("la Cour constitutionnelle"),
    },
    Election.Kind.LEGISLATIVE: {
        PROVISIONAL: _("le ministre chargé de l'Administration territoriale"),
        FINAL: _("la Cour constitutionnelle"),
    },
    Election.Kind.REFERENDUM: {
        PROVISIONAL: _("le ministre chargé de l'Administration territoriale"),
        FINAL: _("la Cour constitutionnelle"),
    },
    Election.Kind.COMMUNAL: {
        PROVISIONAL: _("la commission de centralisation du cercle ou du District"),
        FINAL: _("la commission de centralisation, à l'expiration du délai de recours"),
    },
}

STATUS_LABELS = {
    FINAL: _("Résultats définitifs"),
    PROVISIONAL: _("Résultats provisoires"),
    "partial": _("Résultats partiels, non proclamés"),
    "setup": _("Scrutin en préparation"),
}
# The same labels, fixed in French for JSON and CSV (data files do not change with the reader).
STATUS_LABELS_FR = {
    FINAL: "Résultats définitifs",
    PROVISIONAL: "Résultats provisoires",
    "partial": "Résultats partiels, non proclamés",
    "setup": "Scrutin en préparation",
}
AUTHORITIES_FR = {
    kind: {
        PROVISIONAL: (
            "la commission de centralisation du cercle ou du District"
            if kind == Election.Kind.COMMUNAL
            else "le ministre chargé de l'Administration territoriale"
        ),
        FINAL: (
            "la commission de centralisation, à l'expiration du délai de recours"
            if kind == Election.Kind.COMMUNAL
            else "la Cour constitutionnelle"
        ),
    }
    for kind in AUTHORITIES
}


def page_seconds() -> int:
    """Lifetime of a cached page (and its ``max-age``)."""
    return int(getattr(settings, "KALATA_PUBLIC_CACHE_SECONDS", 20))


def state_seconds() -> int:
    """How long the state of a round is reused before it is read again."""
    return int(getattr(settings, "KALATA_PUBLIC_STATE_SECONDS", 2))


# --------------------------------------------------------------------------------------------
# Round lookup and state (the cache key)


@dataclass(frozen=True)
class RoundRef:
    id: int
    election_id: int
    election_code: str
    number: int


def round_ref(election_code: str, number: int) -> RoundRef | None:
    """The round of an election by its number, looked up once a minute at most."""
    key = f"kalata.public.round:{election_code}:{number}"
    found = cache.get(key)
    if found is None:
        row = (
            Round.objects.filter(election__code=election_code, number=number)
            .values_list("id", "election_id")
            .first()
        )
        if row is None:
            return None
        found = RoundRef(row[0], row[1], election_code, number)
        cache.set(key, found, 60)
    return found


@dataclass(frozen=True)
class RoundState:
    """What changes a round's public figures, read in one query."""

    round_id: int
    status: str
    expected: int
    definitive: int
    received: int
    blocked: int
    annulled: int
    last_definitive: datetime | None
    last_received: datetime | None
    proclamation: int | None
    proclamation_at: datetime | None
    annulment: int | None
    annulment_at: datetime | None

    @property
    def key(self) -> str:
        parts = (
            self.round_id,
            self.status,
            self.expected,
            self.definitive,
            self.received,
            self.blocked,
            self.annulled,
            self.last_definitive.isoformat() if self.last_definitive else "",
            self.last_received.isoformat() if self.last_received else "",
            self.proclamation or 0,
            self.annulment or 0,
        )
        return "|".join(str(p) for p in parts)

    @property
    def last_modified(self) -> datetime | None:
        stamps = [
            s
            for s in (
                self.last_definitive,
                self.last_received,
                self.proclamation_at,
                self.annulment_at,
            )
            if s is not None
        ]
        return max(stamps) if stamps else None


def read_round_state(round_id: int) -> RoundState:
    """One query: counts and latest dates of the round's minutes, latest proclamation and
    annulment."""
    latest_proclamation = Proclamation.objects.filter(round=OuterRef("pk")).order_by("-id")
    latest_annulment = Annulment.objects.filter(round=OuterRef("pk")).order_by("-id")
    row = (
        Round.objects.filter(pk=round_id)
        .annotate(
            n_expected=Count("sheets"),
            n_definitive=Count("sheets", filter=Q(sheets__status=DEFINITIVE)),
            n_received=Count("sheets", filter=~Q(sheets__status=EXPECTED)),
            n_blocked=Count("sheets", filter=Q(sheets__status=BLOCKED)),
            n_annulled=Count("sheets", filter=Q(sheets__annulled=True)),
            last_definitive=Max("sheets__definitive_at"),
            last_received=Max("sheets__first_received_at"),
            proclamation=Subquery(latest_proclamation.values("id")[:1]),
            proclamation_at=Subquery(latest_proclamation.values("at")[:1]),
            annulment=Subquery(latest_annulment.values("id")[:1]),
            annulment_at=Subquery(latest_annulment.values("at")[:1]),
        )
        .values_list(
            "status",
            "n_expected",
            "n_definitive",
            "n_received",
            "n_blocked",
            "n_annulled",
            "last_definitive",
            "last_received",
            "proclamation",
            "proclamation_at",
            "annulment",
            "annulment_at",
        )
        .first()
    )
    if row is None:
        raise Round.DoesNotExist(round_id)
    return RoundState(round_id, *row)


def forget_round(election_code: str, number: int) -> None:
    cache.delete(f"kalata.public.round:{election_code}:{number}")


def round_state(round_id: int) -> RoundState:
    """``read_round_state``, reused for ``state_seconds()``."""
    seconds = state_seconds()
    if seconds <= 0:
        return read_round_state(round_id)
    key = f"kalata.public.state:{round_id}"
    state = cache.get(key)
    if state is None:
        state = read_round_state(round_id)
        cache.set(key, state, seconds)
    return state


def catalogue_state() -> str:
    """The key of the list of elections and rounds (small tables: one query)."""
    seconds = state_seconds()
    key = "kalata.public.catalogue"
    found = cache.get(key) if seconds > 0 else None
    if found is None:
        rows = list(
            Round.objects.order_by("id").values_list(
                "id", "election_id", "status", "polling_date", "election__title"
            )
        )
        found = hashlib.sha1(repr(rows).encode()).hexdigest()
        if seconds > 0:
            cache.set(key, found, seconds)
    return found


# --------------------------------------------------------------------------------------------
# Birth dates (never published)

_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_MONTH_NUMBER = {m: i for i, m in enumerate(_MONTHS.split("|"), start=1)}
_DATE = rf"(1er|\d{{1,2}}) ({_MONTHS}) (\d{{4}})"
_BORN = re.compile(rf"né\(e\) le {_DATE}")
_SAME_DAY = re.compile(rf"sont nés le même jour \({_DATE}\)")
_ANY_DATE = re.compile(_DATE)


def _age(day: str, month: str, year: str, on: date) -> int:
    born = date(int(year), _MONTH_NUMBER[month], 1 if day == "1er" else int(day))
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def redact_birth_dates(text: str, polling_date: date) -> str:
    """Replace the candidates' birth dates of the Art. 176 tie-break by their age on polling day.

    "X, né(e) le 1er mai 1960" -> "X, âgé(e) de 65 ans le jour du scrutin"; "sont nés le même
    jour (…)" loses its date. Only the age is needed to follow the law's reasoning ("le plus
    âgé"); the date of birth is personal data the site does not publish.
    """

    def born(m: re.Match) -> str:
        age = _age(m.group(1), m.group(2), m.group(3), polling_date)
        return f"âgé(e) de {age} ans le jour du scrutin"

    text = _BORN.sub(born, text)
    return _SAME_DAY.sub("sont nés le même jour", text)


def _redact_steps(steps: Iterable[Mapping], polling_date: date) -> list[dict]:
    return [
        {**step, "text": redact_birth_dates(step.get("text", ""), polling_date)} for step in steps
    ]


def public_outcome(outcome: Mapping | None, polling_date: date) -> dict:
    """The outcome dict, its explanation without birth dates."""
    if not outcome:
        return {}
    out = dict(outcome)
    out["notes"] = _redact_steps(outcome.get("notes", ()), polling_date)
    decision = outcome.get("decision")
    if decision:
        out["decision"] = {
            **decision,
            "steps": _redact_steps(decision.get("steps", ()), polling_date),
        }
    return out


def public_annulment(info: Mapping) -> dict:
    """An annulment as published: scope, target, reason, reference, date — not the user."""
    return {k: v for k, v in info.items() if k != "by"}


def public_unit(unit: Mapping) -> dict:
    out = dict(unit)
    out["annulments"] = [public_annulment(a) for a in unit.get("annulments", ())]
    return out


# --------------------------------------------------------------------------------------------
# Status


@dataclass(frozen=True)
class Status:
    """The status of a contest's figures: final, provisional, partial (or setup)."""

    kind: str
    scope: str = ""
    election_kind: str = ""
    at: datetime | None = None
    forced: bool = False
    steps: tuple[dict, ...] = ()

    @property
    def label(self):
        return STATUS_LABELS[self.kind]

    @property
    def authority(self):
        if self.kind not in (PROVISIONAL, FINAL):
            return ""
        return AUTHORITIES.get(self.election_kind, AUTHORITIES[Election.Kind.PRESIDENTIAL])[
            self.kind
        ]

    @property
    def articles(self) -> tuple[str, ...]:
        if self.kind not in (PROVISIONAL, FINAL):
            return articles_for(self.election_kind, "centralisation") if self.election_kind else ()
        return articles_for(self.election_kind, self.kind)

    @property
    def proclaimed(self) -> bool:
        return self.kind in (PROVISIONAL, FINAL)

    def as_dict(self) -> dict:
        authority = ""
        if self.proclaimed:
            table = AUTHORITIES_FR.get(self.election_kind, AUTHORITIES_FR["presidential"])
            authority = table[self.kind]
        return {
            "kind": self.kind,
            "label": STATUS_LABELS_FR[self.kind],
            "authority": authority,
            "scope": self.scope,
            "at": self.at.isoformat() if self.at else None,
            "articles": list(self.articles),
            "forced": self.forced,
        }


# --------------------------------------------------------------------------------------------
# A contest's figures


@dataclass
class ContestData:
    """One contest of a round, its units at every level, outcome, status and comparison."""

    election: Mapping[str, Any]
    round: Mapping[str, Any]
    code: str
    name: str
    level: str
    seats: int
    scope: str
    selections: list[dict]
    levels: dict[str, list[dict]]
    outcome: dict
    status: Status
    provisional_source: dict | None = None  # the contest in the provisional snapshot
    final_source: dict | None = None  # the contest in the final snapshot
    later_annulments: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    colours: dict[str, str] = field(default_factory=dict)
    _index: dict = field(default_factory=dict, repr=False)
    _children: dict = field(default_factory=dict, repr=False)
    _compared: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.colours = colours.selection_colours(self.selections)
        for level, units in self.levels.items():
            for unit in units:
                self._index[(level, unit["code"])] = unit
                below = level
                above = {REGION: NATION, CERCLE: REGION, COMMUNE: CERCLE}.get(below)
                if above:
                    self._children.setdefault((above, unit["parent"]), []).append(unit)

    @property
    def total(self) -> dict:
        return self.levels[NATION][0]

    @property
    def codes(self) -> list[str]:
        return [s["code"] for s in self.selections]

    def selection(self, code: str) -> dict:
        for s in self.selections:
            if s["code"] == code:
                return s
        raise KeyError(code)

    def unit(self, level: str, code: str) -> dict:
        return self._index[(level, code)]

    def has(self, level: str, code: str) -> bool:
        return (level, code) in self._index

    def direct_children(self, level: str, code: str) -> list[dict]:
        return self._children.get((level, code), [])

    def children(self, level: str, code: str) -> tuple[str, list[dict]]:
        """``(level, units)``: the units one level down; when that level holds only the same
        unit again (the District as its own commission, a mission), one further down. Below a
        commune (or a mission): ``(STATION, [])`` — the stations come from the minutes."""
        while level in (NATION, REGION, CERCLE):
            kids = self.direct_children(level, code)
            if len(kids) == 1 and kids[0]["code"] == code:
                level = BELOW[level]
                continue
            return BELOW[level], kids
        return STATION, []

    def canonical(self, level: str, code: str) -> tuple[str, str]:
        """The deepest level at which this unit is still the same unit (same code)."""
        while level in (REGION, CERCLE):
            kids = self.direct_children(level, code)
            if len(kids) == 1 and kids[0]["code"] == code:
                level = BELOW[level]
            else:
                break
        return level, code

    def trail(self, level: str, code: str) -> list[tuple[str, dict]]:
        """The units above (and including) this one, from the nation down, without repeats."""
        chain = []
        current_level, current = level, self.unit(level, code)
        while True:
            chain.append((current_level, current))
            parent = current.get("parent")
            up = {COMMUNE: CERCLE, CERCLE: REGION, REGION: NATION}.get(current_level)
            if not up or parent is None or not self.has(up, parent):
                break
            current_level, current = up, self.unit(up, parent)
        chain.reverse()
        out: list[tuple[str, dict]] = []
        for lv, unit in chain:
            if out and out[-1][1]["code"] == unit["code"]:
                out[-1] = (lv, unit)  # the deeper level of the same unit
            else:
                out.append((lv, unit))
        return out

    @property
    def has_comparison(self) -> bool:
        return self.provisional_source is not None and self.final_source is not None

    def compared(self, level: str, code: str) -> dict | None:
        """Provisional and final figures of one unit side by side (``proclamation.compare``),
        computed for that unit only, on demand."""
        if not self.has_comparison:
            return None
        key = (level, code)
        if key not in self._compared:
            self._compared[key] = self._compare_one(level, code)
        return self._compared[key]

    def _compare_one(self, level: str, code: str) -> dict | None:
        def only(source: Mapping, kind: str) -> dict:
            units = [u for u in source["levels"].get(level, ()) if u["code"] == code]
            contest = {**source, "levels": {level: units}}
            return {
                "round": self.round["code"],
                "contests": [contest],
                "proclamation": {"kind": kind, "scope": self.scope},
            }

        result = compare(only(self.provisional_source, PROVISIONAL), only(self.final_source, FINAL))
        for contest in result.contests:
            for unit in contest["levels"].get(level, ()):
                if unit["code"] == code:
                    return public_unit_comparison(unit)
        return None


def public_unit_comparison(unit: Mapping) -> dict:
    out = dict(unit)
    out["annulments"] = [public_annulment(a) for a in unit.get("annulments", ())]
    return out


def _contest_scope(kind: str, cercle_code: str | None, region_code: str | None) -> str:
    """The proclamation scope of a contest: empty, or (communal) its cercle or the District."""
    if kind != Election.Kind.COMMUNAL:
        return ""
    return cercle_code or region_code or ""


def _election_dict(election: Election) -> dict:
    return {
        "code": election.code,
        "kind": election.kind,
        "title": election.title,
        "polling_date": election.polling_date.isoformat(),
        "question": election.question,
    }


def _round_dict(round: Round) -> dict:
    return {
        "code": round.code,
        "number": round.number,
        "polling_date": round.polling_date.isoformat(),
        "status": round.status,
    }


def _status(kind: str, scope: str, procs: Mapping[str, Proclamation], round: Round) -> Status:
    for which in (FINAL, PROVISIONAL):
        p = procs.get(which)
        if p is not None:
            meta = (p.results or {}).get("proclamation", {})
            return Status(
                which,
                scope,
                kind,
                p.at,
                bool(meta.get("forced")),
                tuple(meta.get("steps", ())),
            )
    return Status("setup" if round.status == Round.Status.SETUP else "partial", scope, kind)


def _later_annulments(
    round: Round, since: datetime, contest_code: str, unit_codes: set[str]
) -> list[dict]:
    """Annulments pronounced after the provisional proclamation that touch this contest."""
    rows = Annulment.objects.filter(round=round, at__gt=since).values(
        "scope",
        "station__code",
        "station__commune__code",
        "station__mission__code",
        "commune__code",
        "contest__code",
        "reason",
        "reference",
        "at",
    )
    out = []
    for r in rows.order_by("at", "id"):
        if r["scope"] == Annulment.Scope.CONTEST:
            hit, target = r["contest__code"] == contest_code, r["contest__code"]
        elif r["scope"] == Annulment.Scope.COMMUNE:
            hit, target = r["commune__code"] in unit_codes, r["commune__code"]
        else:
            unit = r["station__commune__code"] or r["station__mission__code"]
            hit, target = unit in unit_codes, r["station__code"]
        if hit:
            out.append(
                {
                    "scope": r["scope"],
                    "target": target,
                    "reason": r["reason"],
                    "reference": r["reference"],
                    "at": r["at"].isoformat(),
                }
            )
    return out


def _build_contests(
    round: Round, rows: Sequence[Mapping], *, whole_round: bool = False
) -> list[ContestData]:
    """The figures of the given contests of ``round`` (rows of ``Contest`` values; every
    contest of the round when ``whole_round``)."""
    election = round.election
    kind = election.kind
    scopes = {
        r["code"]: _contest_scope(kind, r["commune__cercle__code"], r["commune__region__code"])
        for r in rows
    }
    procs: dict[str, dict[str, Proclamation]] = {}
    for p in Proclamation.objects.filter(round=round, scope__in=set(scopes.values())).order_by(
        "id"
    ):
        procs.setdefault(p.scope, {})[p.kind] = p
    snapshot_contests: dict[int, dict[str, dict]] = {}

    def snapshot(p: Proclamation) -> dict[str, dict]:
        if p.pk not in snapshot_contests:
            snapshot_contests[p.pk] = {c["code"]: c for c in (p.results or {}).get("contests", ())}
        return snapshot_contests[p.pk]

    live_codes = [
        r["code"]
        for r in rows
        if not any(r["code"] in snapshot(p) for p in procs.get(scopes[r["code"]], {}).values())
    ]
    live: dict[str, dict] = {}
    warnings: list[str] = []
    if live_codes:
        every = whole_round and len(live_codes) == len(rows)
        results = tabulate(round, contest_codes=None if every else live_codes)
        live = {c.code: c.as_dict(ROLLUP_LEVELS) for c in results.contests}
        warnings = list(results.warnings)

    out = []
    e_dict, r_dict = _election_dict(election), _round_dict(round)
    for r in rows:
        code = r["code"]
        scope = scopes[code]
        scope_procs = procs.get(scope, {})
        status = _status(kind, scope, scope_procs, round)
        source = None
        if status.proclaimed:
            source = snapshot(scope_procs[status.kind]).get(code)
        if source is None:
            source = live.get(code)
            if status.proclaimed:  # not in the snapshot (cannot happen): show live, unproclaimed
                status = Status("partial", scope, kind)
        if source is None:
            continue
        prov, final = scope_procs.get(PROVISIONAL), scope_procs.get(FINAL)
        prov_source = snapshot(prov).get(code) if prov is not None else None
        final_source = snapshot(final).get(code) if final is not None else None
        levels = {
            lv: [public_unit(u) for u in source["levels"].get(lv, ())] for lv in ROLLUP_LEVELS
        }
        data = ContestData(
            election=e_dict,
            round=r_dict,
            code=code,
            name=source.get("name") or r["name"],
            level=source.get("level") or r["level"],
            seats=source.get("seats", r["seats"]),
            scope=scope,
            selections=list(source.get("selections", ())),
            levels=levels,
            outcome=public_outcome(source.get("outcome"), round.polling_date),
            status=status,
            provisional_source=prov_source,
            final_source=final_source,
            warnings=[w for w in warnings if code in w] if len(rows) > 1 else warnings,
        )
        if status.kind == PROVISIONAL and prov is not None:
            unit_codes = {u["code"] for u in levels.get(COMMUNE, ())}
            data.later_annulments = _later_annulments(round, prov.at, code, unit_codes)
        out.append(data)
    return out


_CONTEST_FIELDS = (
    "code",
    "name",
    "level",
    "seats",
    "commune__cercle__code",
    "commune__region__code",
)

# --------------------------------------------------------------------------------------------
# In-process memory of computed contests and rounds, for the current state only


class _Memo:
    """A small LRU of computations keyed by the round's state (thread-safe), computing each
    key once: a thread asking for a key being computed waits for that computation instead of
    starting its own (the national contest takes about a second; eight threads of a worker
    asking for it at once must not each compute it)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self.items: OrderedDict[tuple, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.pending: dict[tuple, threading.Lock] = {}  # key -> lock held while computing it

    def get(self, key: tuple, compute: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
            gate = self.pending.setdefault(key, threading.Lock())
        with gate:
            with self.lock:
                if key in self.items:  # computed by the thread we waited for
                    self.items.move_to_end(key)
                    return self.items[key]
            try:
                value = compute()
                with self.lock:
                    self.items[key] = value
                    while len(self.items) > self.size:
                        self.items.popitem(last=False)
            finally:
                with self.lock:
                    if self.pending.get(key) is gate:
                        del self.pending[key]
        return value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_memo = _Memo()


def _memo_enabled() -> bool:
    return state_seconds() > 0


def contest_data(round: Round, state: RoundState, code: str) -> ContestData | None:
    """The figures of one contest of ``round`` (None if the round has no such contest)."""

    def compute() -> ContestData | None:
        rows = list(Contest.objects.filter(round=round, code=code).values(*_CONTEST_FIELDS))
        if not rows:
            return None
        built = _build_contests(round, rows)
        return built[0] if built else None

    if not _memo_enabled():
        return compute()
    return _memo.get(("contest", state.key, code), compute)


@dataclass
class RoundData:
    """Every contest of a round, with what the round page and its maps need."""

    election: Mapping[str, Any]
    round: Mapping[str, Any]
    contests: list[ContestData]
    annulments: list[dict]

    @property
    def single(self) -> ContestData | None:
        return self.contests[0] if len(self.contests) == 1 else None

    def progress(self) -> dict:
        keys = (
            "sheets_expected",
            "sheets_received",
            "sheets_definitive",
            "sheets_blocked",
            "sheets_annulled",
            "sheets_pending",
            "registered_expected",
            "registered_annulled",
        )
        total = {k: sum(c.total["progress"].get(k, 0) for c in self.contests) for k in keys}
        counted = total["sheets_expected"] - total["sheets_annulled"]
        total["counted_percent"] = round_half_up(percent(total["sheets_definitive"], counted))
        total["complete"] = total["sheets_pending"] == 0
        return total

    def statuses(self) -> dict[str, int]:
        out: dict[str, int] = {}
        seen: set[str] = set()
        for c in self.contests:
            if c.scope in seen:
                continue
            seen.add(c.scope)
            out[c.status.kind] = out.get(c.status.kind, 0) + 1
        return out


def round_data(round: Round, state: RoundState) -> RoundData:
    def compute() -> RoundData:
        rows = list(Contest.objects.filter(round=round).order_by("code").values(*_CONTEST_FIELDS))
        contests = _build_contests(round, rows, whole_round=True)
        annulments = [
            {
                "scope": a["scope"],
                "target": a["station__code"] or a["commune__code"] or a["contest__code"] or "",
                "reason": a["reason"],
                "reference": a["reference"],
                "at": a["at"].isoformat(),
            }
            for a in Annulment.objects.filter(round=round)
            .order_by("at", "id")
            .values(
                "scope",
                "station__code",
                "commune__code",
                "contest__code",
                "reason",
                "reference",
                "at",
            )
        ]
        return RoundData(_election_dict(round.election), _round_dict(round), contests, annulments)

    if not _memo_enabled():
        return compute()
    return _memo.get(("round", state.key), compute)


def clear_memory() -> None:
    """Forget computed contests and this process's copy of the pages (tests)."""
    from .caching import forget_pages  # caching imports this module

    _memo.clear()
    forget_pages()


# --------------------------------------------------------------------------------------------
# Leaders


def leader(votes: Mapping[str, int]) -> tuple[str | None, bool]:
    """``(code, tie)``: the selection with the most votes; ``tie`` when several share the top;
    ``(None, False)`` without any vote."""
    if not votes:
        return None, False
    top = max(votes.values())
    if top <= 0:
        return None, False
    best = [code for code, v in votes.items() if v == top]
    return best[0], len(best) > 1
