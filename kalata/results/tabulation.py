"""Centralisation of the polling-station minutes, at every level, and the outcome of each contest.

The centralisation commissions total the results "dès la clôture du scrutin et au fur et à
mesure de l'arrivée des procès-verbaux" (Art. 141 presidential, Art. 149 legislative, Art. 187
communal; for the referendum the Ministry centralises, Art. 17, and the minutes go to the
Constitutional Court, Art. 87). Here the results are *recomputed* from the definitive,
non-annulled polling-station minutes whenever they are asked for: nothing is stored, so nothing
can drift from the minutes.

Levels (``LEVELS``), for each contest of a round:

* ``station`` — one polling station's minutes (drill-down only: ``station_results``);
* ``commune`` — a commune, or a diplomatic mission (embassy or consulate, Art. 141);
* ``cercle`` — the centralisation commission: a cercle, the District of Bamako (its communes have
  no cercle), or a mission (Art. 141, 149, 187);
* ``region`` — a region, the District of Bamako counted as its own region-level unit, and
  "Maliens de l'extérieur" (``EXT``) grouping the missions (display only: the law centralises at
  the cercle/District level);
* ``nation`` — the whole contest (``ML``). For a presidential election or a referendum it is the
  national constituency (Art. 125, 140); for a legislative or communal contest it is the total of
  that constituency (it only holds that constituency's stations).

For each unit: registered electors *from the minutes*, voters, null ballots, valid votes, votes
per selection, turnout and shares as exact ``Fraction`` (display strings half-up, two decimals),
and the progress: sheets expected / received (at least one entry) / definitive / blocked /
annulled / pending, registered electors expected (from the stations) and annulled.

Speed: the rows tabulation needs — one per sheet, one per ``SheetVote`` — are kept as columns
in memory between calls and brought up to date before every call (``kalata.results.columns``:
nothing committed since the last call, nothing read; otherwise only the sheets whose status,
version or annulment changed). Every call then sums *all* the rows again for every level with
``numpy.bincount``: the results are always recomputed from the minutes, never stored.

Outcomes come from the law engine (``kalata.law.outcomes``, ``kalata.law.seats``); nothing of
the rules is re-implemented here.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import numpy as np
from django.db.models import Q

from kalata.elections.models import Contest, Election, Round, Selection
from kalata.law.explain import LawError, Step, fr_int, fr_percent, percent, round_half_up
from kalata.law.outcomes import (
    Contestant,
    legislative_first_round,
    legislative_second_round,
    presidential_first_round,
    presidential_second_round,
    referendum_outcome,
)
from kalata.law.seats import CandidateList, ListCandidate, allocate_communal_seats
from kalata.results.columns import FIELDS, round_columns
from kalata.results.models import Annulment, SheetVote, TallySheet
from kalata.territory.models import Commune, Mission, Region

__all__ = [
    "LEVELS",
    "ROLLUP_LEVELS",
    "NATION_CODE",
    "ABROAD_CODE",
    "ARTICLES",
    "articles_for",
    "AnnulmentInfo",
    "Progress",
    "UnitResult",
    "SelectionInfo",
    "ContestOutcome",
    "ContestResults",
    "RoundResults",
    "get_round",
    "scope_contests_q",
    "tabulate",
    "station_results",
    "second_round_candidates",
]

STATION, COMMUNE, CERCLE, REGION, NATION = "station", "commune", "cercle", "region", "nation"
LEVELS = (NATION, REGION, CERCLE, COMMUNE, STATION)
ROLLUP_LEVELS = (NATION, REGION, CERCLE, COMMUNE)

NATION_CODE, NATION_NAME = "ML", "Mali"
ABROAD_CODE, ABROAD_NAME = "EXT", "Maliens de l'extérieur"

MAX_READS = 3  # reads of the two GROUP BY queries before reporting unbalanced units

DEFINITIVE = TallySheet.Status.DEFINITIVE.value
BLOCKED = TallySheet.Status.BLOCKED.value
EXPECTED = TallySheet.Status.EXPECTED.value

# The articles of each step, by kind of election.
#   centralisation: who totals the minutes as they arrive;
#   provisional / final: who proclaims; annulment: who may annul.
# Referendum: the law names no centralisation commission for it; the Ministry centralises and
# proclaims the provisional results of referendums (Art. 17) and the minutes go to the
# Constitutional Court (Art. 87), which proclaims the final results (Constitution, art. 86).
ARTICLES: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        Election.Kind.PRESIDENTIAL: {
            "centralisation": ("141",),
            "provisional": ("17", "141"),
            "final": ("142",),
            "annulment": ("142",),
        },
        Election.Kind.LEGISLATIVE: {
            "centralisation": ("149",),
            "provisional": ("17", "149"),
            "final": ("150",),
            "annulment": ("150",),
        },
        Election.Kind.REFERENDUM: {
            "centralisation": ("17", "87"),
            "provisional": ("17",),
            "final": ("87",),
            "annulment": ("87",),
        },
        Election.Kind.COMMUNAL: {
            "centralisation": ("187",),
            "provisional": ("187",),
            "final": ("188",),
            "annulment": ("188",),
        },
        Election.Kind.NATIONAL_COUNCILLORS: {
            "centralisation": ("174",),
            "provisional": ("174",),
            "final": ("175",),
            "annulment": ("175",),
        },
    }
)


def articles_for(kind: str, what: str) -> tuple[str, ...]:
    return ARTICLES.get(kind, ARTICLES[Election.Kind.PRESIDENTIAL])[what]


# --------------------------------------------------------------------------------------------
# Immutable result values


@dataclass(frozen=True)
class AnnulmentInfo:
    """An annulment pronounced by the Court or the judge (Art. 150, 188), as shown in results."""

    id: int
    scope: str
    target: str
    contest: str
    reason: str
    reference: str
    by: str
    at: str

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "scope": self.scope,
            "target": self.target,
            "contest": self.contest,
            "reason": self.reason,
            "reference": self.reference,
            "by": self.by,
            "at": self.at,
        }

    def describe_fr(self) -> str:
        what = {"station": "bureau", "commune": "commune", "contest": "circonscription"}
        return (
            f"{what.get(self.scope, self.scope)} {self.target} annulé(e) — {self.reason} "
            f"({self.reference})"
        )


@dataclass(frozen=True)
class Progress:
    """How far the centralisation has gone in a unit: always "received / expected"."""

    sheets_expected: int = 0
    sheets_received: int = 0
    sheets_definitive: int = 0
    sheets_blocked: int = 0
    sheets_annulled: int = 0
    registered_expected: int = 0
    registered_annulled: int = 0

    @property
    def sheets_pending(self) -> int:
        """Sheets still awaited: neither definitive nor annulled (received or not)."""
        return self.sheets_expected - self.sheets_definitive - self.sheets_annulled

    @property
    def complete(self) -> bool:
        return self.sheets_pending == 0

    @property
    def counted(self) -> Fraction:
        """Share of the sheets that can still count (not annulled) that are definitive."""
        return percent(self.sheets_definitive, self.sheets_expected - self.sheets_annulled)

    def as_dict(self) -> dict:
        return {
            "sheets_expected": self.sheets_expected,
            "sheets_received": self.sheets_received,
            "sheets_definitive": self.sheets_definitive,
            "sheets_blocked": self.sheets_blocked,
            "sheets_annulled": self.sheets_annulled,
            "sheets_pending": self.sheets_pending,
            "registered_expected": self.registered_expected,
            "registered_annulled": self.registered_annulled,
            "counted_percent": round_half_up(self.counted),
            "complete": self.complete,
        }

    def describe_fr(self) -> str:
        text = (
            f"PV : {fr_int(self.sheets_definitive)} définitifs sur "
            f"{fr_int(self.sheets_expected)} attendus ({fr_percent(self.counted)}) ; "
            f"{fr_int(self.sheets_received)} reçus, {fr_int(self.sheets_blocked)} bloqués, "
            f"{fr_int(self.sheets_pending)} en attente"
        )
        if self.sheets_annulled:
            text += (
                f", {fr_int(self.sheets_annulled)} annulés "
                f"({fr_int(self.registered_annulled)} inscrits)"
            )
        return text


@dataclass(frozen=True)
class UnitResult:
    """The totals of one unit (station, commune, cercle, region or nation) for one contest."""

    level: str
    kind: str
    code: str
    name: str
    parent: str | None
    registered: int
    voters: int
    null_ballots: int
    valid_votes: int
    votes: Mapping[str, int]
    progress: Progress
    annulments: tuple[AnnulmentInfo, ...] = ()

    @property
    def turnout(self) -> Fraction:
        """Voters over registered electors of the counted minutes, exact."""
        return percent(self.voters, self.registered)

    @property
    def shares(self) -> Mapping[str, Fraction]:
        """Each selection's percentage of the valid votes, exact."""
        return MappingProxyType({k: percent(v, self.valid_votes) for k, v in self.votes.items()})

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "kind": self.kind,
            "code": self.code,
            "name": self.name,
            "parent": self.parent,
            "registered": self.registered,
            "voters": self.voters,
            "null_ballots": self.null_ballots,
            "valid_votes": self.valid_votes,
            "turnout": round_half_up(self.turnout),
            "votes": dict(self.votes),
            "shares": {k: round_half_up(v) for k, v in self.shares.items()},
            "progress": self.progress.as_dict(),
            "annulments": [a.as_dict() for a in self.annulments],
        }


@dataclass(frozen=True)
class SelectionInfo:
    """A candidate, list or answer of a contest, in ballot order."""

    code: str
    name: str
    party: str
    kind: str
    order: int
    withdrawn: bool

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "party": self.party,
            "kind": self.kind,
            "order": self.order,
            "withdrawn": self.withdrawn,
        }


@dataclass(frozen=True)
class ContestOutcome:
    """The law engine's decision on a contest's current totals, with its French steps.

    ``decision`` is the law engine's value (``PresidentialOutcome``, ``LegislativeOutcome``,
    ``SeatAllocation``, ``ReferendumOutcome``) or None when the law could not decide on these
    figures, in which case ``error`` says why. ``notes`` come first: partial results,
    annulments.
    """

    rule: str
    articles: tuple[str, ...]
    complete: bool
    notes: tuple[Step, ...]
    decision: Any = None
    error: LawError | None = None

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.notes + (tuple(self.decision.steps) if self.decision is not None else ())

    @property
    def second_round(self) -> tuple[str, str] | None:
        return getattr(self.decision, "second_round", None)

    def as_dict(self) -> dict:
        out = {
            "rule": self.rule,
            "articles": list(self.articles),
            "complete": self.complete,
            "notes": [s.as_dict() for s in self.notes],
            "decision": self.decision.as_dict() if self.decision is not None else None,
            "unresolved_tie": bool(getattr(self.decision, "unresolved_tie", False)),
            "error": self.error.as_dict() if self.error is not None else None,
        }
        return out


@dataclass(frozen=True)
class ContestResults:
    """One contest of a round: its selections, its units per level and its outcome."""

    code: str
    name: str
    level: str
    seats: int
    selections: tuple[SelectionInfo, ...]
    units: Mapping[str, tuple[UnitResult, ...]]
    outcome: ContestOutcome

    @property
    def total(self) -> UnitResult:
        """The whole contest (the ``nation`` level unit)."""
        return self.units[NATION][0]

    def unit(self, level: str, code: str) -> UnitResult:
        for u in self.units[level]:
            if u.code == code:
                return u
        raise KeyError(f"{level} {code}")

    def as_dict(self, levels: Sequence[str] = ROLLUP_LEVELS) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "seats": self.seats,
            "selections": [s.as_dict() for s in self.selections],
            "outcome": self.outcome.as_dict(),
            "levels": {
                lv: [u.as_dict() for u in self.units[lv]] for lv in levels if lv in self.units
            },
        }


@dataclass(frozen=True)
class RoundResults:
    """The results of a round, every contest at every level, as computed now."""

    election: str
    election_kind: str
    election_title: str
    round: str
    round_number: int
    polling_date: date
    contests: tuple[ContestResults, ...]
    annulments: tuple[AnnulmentInfo, ...]
    warnings: tuple[str, ...] = ()

    def contest(self, code: str) -> ContestResults:
        for c in self.contests:
            if c.code == code:
                return c
        raise KeyError(code)

    @property
    def progress(self) -> Progress:
        """Progress over every contest of the round."""
        totals = [c.total.progress for c in self.contests]
        return Progress(
            *(sum(getattr(p, f) for p in totals) for f in Progress.__dataclass_fields__)
        )

    def as_dict(
        self, levels: Sequence[str] = ROLLUP_LEVELS, contests: Iterable[str] | None = None
    ) -> dict:
        wanted = None if contests is None else set(contests)
        return {
            "election": self.election,
            "election_kind": self.election_kind,
            "election_title": self.election_title,
            "round": self.round,
            "round_number": self.round_number,
            "polling_date": self.polling_date.isoformat(),
            "progress": self.progress.as_dict(),
            "annulments": [a.as_dict() for a in self.annulments],
            "warnings": list(self.warnings),
            "contests": [
                c.as_dict(levels) for c in self.contests if wanted is None or c.code in wanted
            ],
        }


# --------------------------------------------------------------------------------------------
# Lookups


def get_round(code: str) -> Round:
    """The round ``PRES-2026-04-26-T1`` (election code + ``-T`` + number), or a ``LawError``."""
    election_code, sep, number = code.rpartition("-T")
    if not sep or not number.isdigit():
        raise LawError(
            "round_code_invalid",
            f"code de tour invalide : « {code} » (attendu : code du scrutin suivi de -T1 ou -T2)",
            (),
            "round",
        )
    found = (
        Round.objects.select_related("election")
        .filter(election__code=election_code, number=int(number))
        .first()
    )
    if found is None:
        raise LawError("round_unknown", f"tour inconnu : « {code} »", (), "round")
    return found


def scope_contests_q(scope: str, prefix: str = "") -> Q:
    """Contests of a communal proclamation scope: the communes of a cercle, or of the District
    of Bamako given by its region code (Art. 187). Empty scope: every contest."""
    if not scope:
        return Q()
    return Q(**{f"{prefix}commune__cercle__code": scope}) | Q(
        **{f"{prefix}commune__cercle__isnull": True, f"{prefix}commune__region__code": scope}
    )


# --------------------------------------------------------------------------------------------
# Computation


# A unit's identity while computing: (level, kind, database id).
_UnitKey = tuple[str, str, int]
_NATION_KEY: _UnitKey = (NATION, "nation", 0)
_ABROAD_KEY: _UnitKey = (REGION, "abroad", 0)


class _Territory:
    """Names, codes, parents and display order of the units above the stations."""

    def __init__(self, commune_ids: Iterable[int], mission_ids: Iterable[int]) -> None:
        commune_ids = sorted(set(commune_ids))
        mission_ids = sorted(set(mission_ids))
        self.meta: dict[_UnitKey, tuple[str, str, str | None, tuple]] = {
            _NATION_KEY: (NATION_CODE, NATION_NAME, None, (0,)),
            _ABROAD_KEY: (ABROAD_CODE, ABROAD_NAME, NATION_CODE, (1, 0)),
        }
        self.chains: dict[tuple[str, int], tuple[_UnitKey, ...]] = {}
        communes = list(
            Commune.objects.filter(id__in=commune_ids).values_list(
                "id", "code", "name", "cercle_id", "cercle__code", "cercle__name", "region_id"
            )
        )
        regions = {r.id: r for r in Region.objects.filter(id__in={c[6] for c in communes})}
        for region in regions.values():
            kind = "district" if region.kind == Region.Kind.DISTRICT else "region"
            self.meta[(REGION, kind, region.id)] = (
                region.code,
                region.label,
                NATION_CODE,
                (0, region.number),
            )
            if kind == "district":
                self.meta[(CERCLE, kind, region.id)] = (
                    region.code,
                    region.label,
                    region.code,
                    (0, region.number, ""),
                )
        for cid, code, name, cercle_id, cercle_code, cercle_name, region_id in communes:
            region = regions[region_id]
            region_kind = "district" if region.kind == Region.Kind.DISTRICT else "region"
            region_key = (REGION, region_kind, region_id)
            if cercle_id is not None:
                cercle_key = (CERCLE, "cercle", cercle_id)
                self.meta[cercle_key] = (
                    cercle_code,
                    f"Cercle de {cercle_name}",
                    region.code,
                    (0, region.number, cercle_code),
                )
            else:
                cercle_key = (CERCLE, "district", region_id)
            commune_key = (COMMUNE, "commune", cid)
            self.meta[commune_key] = (
                code,
                name,
                self.meta[cercle_key][0],
                (0, region.number, cercle_code or "", code),
            )
            self.chains[("c", cid)] = (commune_key, cercle_key, region_key, _NATION_KEY)
        for mid, code, name in Mission.objects.filter(id__in=mission_ids).values_list(
            "id", "code", "name"
        ):
            commune_key = (COMMUNE, "mission", mid)
            cercle_key = (CERCLE, "mission", mid)
            self.meta[commune_key] = (code, name, code, (1, 0, "", code))
            self.meta[cercle_key] = (code, name, ABROAD_CODE, (1, 0, code))
            self.chains[("m", mid)] = (commune_key, cercle_key, _ABROAD_KEY, _NATION_KEY)


def _annulment_infos(round: Round) -> list[tuple[AnnulmentInfo, int | None, tuple | None]]:
    """The round's annulments, each with its contest id (contest scope) or base key."""
    rows = (
        Annulment.objects.filter(round=round)
        .order_by("at", "id")
        .values_list(
            "id",
            "scope",
            "station__code",
            "station__commune_id",
            "station__mission_id",
            "commune_id",
            "commune__code",
            "contest_id",
            "contest__code",
            "reason",
            "reference",
            "by__username",
            "at",
        )
    )
    out = []
    for (
        aid,
        scope,
        st_code,
        st_commune,
        st_mission,
        commune_id,
        commune_code,
        contest_id,
        contest_code,
        reason,
        reference,
        by,
        at,
    ) in rows:
        if scope == Annulment.Scope.STATION:
            target = st_code
            base = ("c", st_commune) if st_commune is not None else ("m", st_mission)
        elif scope == Annulment.Scope.COMMUNE:
            target, base = commune_code, ("c", commune_id)
        else:
            target, base = contest_code, None
        info = AnnulmentInfo(
            id=aid,
            scope=scope,
            target=target or "",
            contest=contest_code or "",
            reason=reason,
            reference=reference,
            by=by or "",
            at=at.isoformat() if at else "",
        )
        out.append((info, contest_id if base is None else None, base))
    return out


def tabulate(
    round: Round, *, scope: str = "", contest_codes: Iterable[str] | None = None
) -> RoundResults:
    """Recompute the results of ``round`` from its definitive, non-annulled minutes, at every
    level from the commune to the nation, with each contest's outcome (Art. 141, 149, 187;
    outcomes Art. 125–127, 135, 144, 176).

    ``scope`` restricts to the communal contests of a cercle or of the District (Art. 187);
    ``contest_codes`` to the given contests.
    """
    with _collector_paused():
        return _tabulate(round, scope=scope, contest_codes=contest_codes)


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector while results are built.

    A recomputation builds tens of thousands of small objects (units, selections, candidates
    elected) that hold no reference cycle and are freed by reference counting; as they are
    created the collector would traverse them again and again — about 40 % of the time of a
    communal recomputation (703 communes) when measured. It runs again as soon as the results
    are built. Another thread's objects are not lost meanwhile, only collected a moment later;
    a collector the application disabled stays disabled.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _tabulate(round: Round, *, scope: str, contest_codes: Iterable[str] | None) -> RoundResults:
    election = round.election
    kind = election.kind
    wanted: set[int] | None = None  # contest ids, None: every contest
    codes_wanted = None if contest_codes is None else set(contest_codes)
    if scope:
        cq = scope_contests_q(scope)
        if codes_wanted is not None:
            cq &= Q(code__in=sorted(codes_wanted))
        wanted = set(Contest.objects.filter(round=round).filter(cq).values_list("id", flat=True))

    # The minutes are read in more than one statement: minutes becoming definitive (or
    # annulled, or corrected) between them would leave a unit whose votes do not add up to its
    # valid votes. Definitive minutes always add up (blocking check E, kalata.law.tally), so a
    # difference means a concurrent write: read again. A difference that persists is a breach
    # of the minutes' contract and is reported in ``warnings``, never hidden.
    for _attempt in range(MAX_READS):
        columns, minutes = round_columns(round)
        ref = columns.reference
        if codes_wanted is not None and not scope:
            wanted = {row[0] for row in ref.contests if row[1] in codes_wanted}
        sums = columns.sums(minutes)
        figures, votes = sums[0]
        wrong = np.nonzero(votes.sum(axis=1) != figures[:, FIELDS.index("valid_votes")])[0]
        unbalanced = [
            int(g)
            for g in wrong
            if wanted is None or ref.contests[ref.groups[0][g][0]][0] in wanted
        ]
        if not unbalanced:
            break
        columns.marker = None  # read the sheets again

    territory = ref.territory
    contest_count = len(ref.contests)
    selected = [
        ci for ci in range(contest_count) if wanted is None or ref.contests[ci][0] in wanted
    ]

    # Annulments, attached to the units they cover (per level, by group).
    annulment_rows = _annulment_infos(round)
    contest_pos = {row[0]: ci for ci, row in enumerate(ref.contests)}
    is_selected = set(selected)
    attached: list[dict[int, set[int]]] = [defaultdict(set) for _ in range(4)]
    infos: dict[int, AnnulmentInfo] = {}
    for info, contest_id, bkey in annulment_rows:
        if contest_id is not None:
            ci = contest_pos.get(contest_id)
            if ci is None or ci not in is_selected or not ref.contest_groups[0][ci]:
                continue
            for level in range(4):
                for gid in ref.contest_groups[level][ci]:
                    attached[level][gid].add(info.id)
            infos[info.id] = info
            continue
        chain = territory.chains.get(bkey)
        if chain is None:
            continue
        for ci in selected:
            if (ci, chain[0]) not in ref.group_index[0]:
                continue
            for level in range(4):
                attached[level][ref.group_index[level][(ci, chain[level])]].add(info.id)
            infos[info.id] = info

    warnings = [
        _unbalanced_warning(
            ref.contests[ref.groups[0][g][0]][1],
            territory.meta[ref.groups[0][g][1]][0],
            int(votes[g].sum()),
            int(figures[g, FIELDS.index("valid_votes")]),
        )
        for g in unbalanced
    ]
    if minutes.foreign_votes:
        warnings.append(
            f"{fr_int(minutes.foreign_votes)} ligne(s) de voix de procès-verbaux définitifs "
            "portent sur un candidat ou une liste d'une autre circonscription : elles ne sont "
            "pas comptées ; procès-verbaux à examiner."
        )

    level_names = (COMMUNE, CERCLE, REGION, NATION)
    as_lists = [(f.tolist(), v.tolist()) for f, v in sums]
    contests = []
    for ci in selected:
        cid, code, name, level, seats = ref.contests[ci]
        sel_rows = ref.selections_by_contest[ci]
        codes = [row[2] for row in sel_rows]
        units: dict[str, tuple[UnitResult, ...]] = {}
        for lv, level_name in enumerate(level_names):
            fig_rows, vote_rows = as_lists[lv]
            groups = ref.groups[lv]
            level_attached = attached[lv]
            built = []
            for gid in ref.contest_groups[lv][ci]:
                key = groups[gid][1]
                unit_code, unit_name, parent = territory.meta[key][:3]
                f = fig_rows[gid]
                ids = level_attached.get(gid)
                built.append(
                    _frozen(
                        UnitResult,
                        {
                            "level": level_name,
                            "kind": key[1],
                            "code": unit_code,
                            "name": unit_name,
                            "parent": parent,
                            "registered": f[7],
                            "voters": f[8],
                            "null_ballots": f[9],
                            "valid_votes": f[10],
                            "votes": MappingProxyType(
                                dict(zip(codes, vote_rows[gid], strict=False))
                            ),
                            "progress": _frozen(Progress, dict(zip(_PROGRESS, f, strict=False))),
                            "annulments": tuple(infos[i] for i in sorted(ids)) if ids else (),
                        },
                    )
                )
            units[level_name] = tuple(built)
        selections = ref.selection_infos[ci]
        total = units[NATION][0]
        outcome = _outcome(kind, round.number, seats, selections, total, sel_rows, ref.members)
        contests.append(
            ContestResults(
                code=code,
                name=name,
                level=level,
                seats=seats,
                selections=selections,
                units=MappingProxyType({lv: units[lv] for lv in ROLLUP_LEVELS}),
                outcome=outcome,
            )
        )

    return RoundResults(
        election=election.code,
        election_kind=kind,
        election_title=election.title,
        round=round.code,
        round_number=round.number,
        polling_date=round.polling_date,
        contests=tuple(contests),
        annulments=tuple(info for info, _, _ in annulment_rows if info.id in infos),
        warnings=tuple(warnings),
    )


# The fields of ``Progress`` in the order of the first columns of ``columns.FIELDS``.
_PROGRESS = (
    "sheets_expected",
    "sheets_received",
    "sheets_definitive",
    "sheets_blocked",
    "sheets_annulled",
    "registered_expected",
    "registered_annulled",
)


def _frozen(cls, values: dict):
    """An instance of the frozen dataclass ``cls`` from the complete mapping of its field values,
    without the generated ``__init__`` setting each field through ``object.__setattr__``:
    thousands of units are built at every recomputation. The instance is the same as
    ``cls(**values)`` (equality, hashing, immutability); ``values`` must name every field."""
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj


def _unbalanced_warning(contest: str, unit: str, votes: int, valid_votes: int) -> str:
    return (
        f"Circonscription {contest}, {unit} : les voix ({fr_int(votes)}) ne "
        f"font pas le total des suffrages exprimés ({fr_int(valid_votes)}) des "
        "procès-verbaux définitifs ; procès-verbaux à examiner."
    )


# --------------------------------------------------------------------------------------------
# Outcomes (the law engine decides)


def _outcome(
    kind: str,
    round_number: int,
    seats: int,
    selections: Sequence[SelectionInfo],
    total: UnitResult,
    sel_rows: Sequence[tuple],
    members: Mapping[int, list[ListCandidate]],
) -> ContestOutcome:
    progress = total.progress
    notes: list[Step] = []
    if not progress.complete:
        notes.append(
            Step(
                f"Résultats partiels, totalisés au fur et à mesure de l'arrivée des "
                f"procès-verbaux : {fr_int(progress.sheets_definitive)} procès-verbaux "
                f"définitifs sur {fr_int(progress.sheets_expected)} attendus, "
                f"{fr_int(progress.sheets_pending)} encore en attente. La décision ci-dessous "
                "vaut pour ces seuls procès-verbaux et peut changer.",
                articles_for(kind, "centralisation"),
            )
        )
    if progress.sheets_annulled:
        notes.append(
            Step(
                f"{fr_int(progress.sheets_annulled)} procès-verbal(aux) annulé(s) "
                f"({fr_int(progress.registered_annulled)} électeurs inscrits) ne sont pas "
                "comptés : " + " ; ".join(a.describe_fr() for a in total.annulments) + ".",
                articles_for(kind, "annulment"),
            )
        )
    contestants = (
        tuple(Contestant(s.code, total.votes[s.code]) for s in selections)
        if kind in (Election.Kind.PRESIDENTIAL, Election.Kind.LEGISLATIVE)
        else ()
    )
    rule = ""
    articles: tuple[str, ...] = ()
    try:
        if kind == Election.Kind.PRESIDENTIAL:
            if round_number == 1:
                rule, articles = "presidential_first_round", ("127", "135", "139")
                decision = presidential_first_round(
                    contestants,
                    total.valid_votes,
                    withdrawn=[s.code for s in selections if s.withdrawn],
                )
            else:
                rule, articles = "presidential_second_round", ("127",)
                decision = presidential_second_round(contestants, total.valid_votes)
        elif kind == Election.Kind.LEGISLATIVE:
            if round_number == 1:
                rule, articles = "legislative_first_round", ("144",)
                decision = legislative_first_round(seats, contestants, total.valid_votes)
            else:
                rule, articles = "legislative_second_round", ("144",)
                decision = legislative_second_round(seats, contestants, total.valid_votes)
        elif kind == Election.Kind.REFERENDUM:
            rule, articles = "referendum_outcome", ("125", "126")
            codes = {s.code for s in selections}
            if codes != {"OUI", "NON"}:
                raise LawError(
                    "referendum_answers",
                    "un référendum oppose exactement deux réponses, « OUI » et « NON » "
                    f"(trouvé : {', '.join(sorted(codes)) or 'aucune'})",
                    ("126",),
                    "selections",
                )
            decision = referendum_outcome(total.votes["OUI"], total.votes["NON"])
        elif kind == Election.Kind.COMMUNAL:
            rule, articles = "allocate_communal_seats", ("176",)
            if round_number != 1:
                raise LawError(
                    "communal_single_round",
                    "l'élection des conseillers communaux se fait en un seul tour, à la "
                    "représentation proportionnelle : il n'y a pas de second tour",
                    ("176",),
                    "round",
                )
            lists = tuple(
                CandidateList(
                    code=row[2],
                    votes=total.votes[row[2]],
                    candidates=tuple(members.get(row[0], ())),
                )
                for row in sel_rows
            )
            decision = allocate_communal_seats(seats, lists, total.valid_votes)
        else:
            rule, articles = "none", ("155",)
            raise LawError(
                "indirect_election",
                "les conseillers nationaux sont élus au suffrage indirect par les conseillers "
                "communaux : il n'y a pas de procès-verbaux de bureau de vote à totaliser",
                ("155",),
            )
    except LawError as exc:
        return ContestOutcome(rule, articles, progress.complete, tuple(notes), None, exc)
    return ContestOutcome(rule, articles, progress.complete, tuple(notes), decision, None)


def second_round_candidates(round1_results: RoundResults) -> dict[str, list[str]]:
    """The contests the law sends to a second round, with the two candidates or lists, in
    first-round order (Art. 127 presidential, with withdrawals; Art. 144 legislative).

    Decided on the results given: pass the *final* results of round 1 (Art. 142, 150).
    Contests decided in round 1, or where a tie the law does not settle leaves the second
    round unformed, are absent.
    """
    out: dict[str, list[str]] = {}
    for contest in round1_results.contests:
        pair = contest.outcome.second_round
        if pair:
            out[contest.code] = [pair[0], pair[1]]
    return out


# --------------------------------------------------------------------------------------------
# Station level (drill-down)


def station_results(
    round: Round, *, contest_code: str | None = None, unit_code: str | None = None
) -> dict[str, tuple[UnitResult, ...]]:
    """Each polling station's minutes as a unit, per contest code (drill-down, Art. 87).

    ``unit_code`` restricts to the stations of a commune or a mission. A sheet that is not
    definitive, or annulled, shows zero figures and its progress says why.
    """
    sheets = TallySheet.objects.filter(round=round)
    if contest_code:
        sheets = sheets.filter(contest__code=contest_code)
    if unit_code:
        sheets = sheets.filter(
            Q(station__commune__code=unit_code) | Q(station__mission__code=unit_code)
        )
    rows = list(
        sheets.order_by("contest__code", "station__code").values_list(
            "id",
            "contest_id",
            "contest__code",
            "station_id",
            "station__code",
            "station__name",
            "station__registered",
            "station__commune_id",
            "station__commune__code",
            "station__mission__code",
            "status",
            "annulled",
            "registered",
            "voters",
            "null_ballots",
            "valid_votes",
        )
    )
    counted = [r[0] for r in rows if r[10] == DEFINITIVE and not r[11]]
    votes: dict[int, dict[str, int]] = defaultdict(dict)
    if counted:
        vote_rows = SheetVote.objects.filter(sheet__in=sheets).filter(
            sheet__status=DEFINITIVE, sheet__annulled=False
        )
        for sheet_id, code, v in vote_rows.values_list("sheet_id", "selection__code", "votes"):
            votes[sheet_id][code] = v
    selection_codes: dict[int, list[str]] = defaultdict(list)
    for cid, code in (
        Selection.objects.filter(contest__round=round)
        .order_by("contest_id", "order", "code")
        .values_list("contest_id", "code")
    ):
        selection_codes[cid].append(code)
    annulments = _annulment_infos(round)

    out: dict[str, list[UnitResult]] = defaultdict(list)
    for (
        sheet_id,
        cid,
        ccode,
        _station_id,
        st_code,
        st_name,
        st_registered,
        commune_id,
        commune_code,
        mission_code,
        status,
        annulled,
        reg,
        vot,
        nul,
        val,
    ) in rows:
        counts = status == DEFINITIVE and not annulled
        bkey = ("c", commune_id) if commune_id is not None else None
        covering = tuple(
            info
            for info, contest_id, akey in annulments
            if (contest_id == cid)
            or (info.scope == Annulment.Scope.STATION and info.target == st_code)
            or (info.scope == Annulment.Scope.COMMUNE and bkey is not None and akey == bkey)
        )
        sheet_votes = votes.get(sheet_id, {})
        out[ccode].append(
            UnitResult(
                level=STATION,
                kind="station",
                code=st_code,
                name=st_name or st_code,
                parent=commune_code or mission_code,
                registered=int(reg or 0) if counts else 0,
                voters=int(vot or 0) if counts else 0,
                null_ballots=int(nul or 0) if counts else 0,
                valid_votes=int(val or 0) if counts else 0,
                votes=MappingProxyType(
                    {code: sheet_votes.get(code, 0) for code in selection_codes[cid]}
                ),
                progress=Progress(
                    sheets_expected=1,
                    sheets_received=int(status != EXPECTED),
                    sheets_definitive=int(counts),
                    sheets_blocked=int(status == BLOCKED and not annulled),
                    sheets_annulled=int(annulled),
                    registered_expected=st_registered,
                    registered_annulled=st_registered if annulled else 0,
                ),
                annulments=covering if annulled else (),
            )
        )
    return {code: tuple(units) for code, units in out.items()}
