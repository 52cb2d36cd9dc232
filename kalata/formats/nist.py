"""The results of an election as a NIST SP 1500-100 v2 Election Results Reporting document.

``election_report(election_or_round)`` builds one ``ElectionReport`` (a plain dict, ready for
``json.dumps``) from the results *recomputed now* from the definitive, non-annulled
polling-station minutes (``kalata.results.tabulation``: Art. 141, 149, 187 — the commissions
total the minutes as they arrive), for every round of the election (or the one round given).
``validate(report)`` checks it against the official JSON schema (draft-04, shipped with NIST's
README and licence in ``kalata/formats/nist/``) and checks that every reference names an
object of the document. The mapping, field by field, is in ``docs/formats.md``; in short:

* ``Status``: ``certified`` when every round's final results are proclaimed (Art. 142, 150;
  communal: Art. 188), ``unofficial-complete`` when provisional results are proclaimed or every
  expected minutes is definitive or annulled, ``unofficial-partial`` while minutes are pending,
  ``pre-election`` before any round is opened; the least advanced round decides.
* ``Issuer``: the Constitutional Court for certified results of the presidential election, the
  legislative elections and the referendum (Art. 142, 150, 87); otherwise the Ministry in charge
  of territorial administration, which centralises the results (Art. 17, 141, 149) — for
  communal elections it publishes the compilation of what the cercle and District commissions
  proclaimed (Art. 187) and what became final under Art. 188.
* ``GpUnit``: a ``ReportingUnit`` for the nation, each region and the District of Bamako,
  "Maliens de l'extérieur", each cercle, commune, embassy or consulate, and each polling
  station, composed into a tree by ``ComposingGpUnitIds``; Kalata codes and OCHA p-codes as
  ``ExternalIdentifier``; ``VotersRegistered`` = electors on the lists of the stations (Art. 71).
* One ``Election`` per round (``Type`` ``general`` then ``runoff``), with its ``Contest``s
  (``CandidateContest``; ``BallotMeasureContest`` for the referendum), ``Candidate``s,
  ``ContestSelection``s whose ``VoteCounts`` (``Type`` ``total``) give the votes in every unit
  where at least one minutes counts, and ``BallotCounts`` per unit: ``BallotsCast`` = voters
  (votants), ``BallotsRejected`` = null ballots (bulletins nuls, blank included, Art. 85).

Ids are stable, derived from codes (``gpu-CM010101-BV001``, ``ctst-PRES-2026-04-26-T1-NATION``);
objects and keys are sorted: the same data and the same ``generated_at`` give the same bytes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from typing import Any

from kalata import __version__
from kalata.elections.models import Contest, Election, ListMember, PollingStation, Round, Selection
from kalata.law.explain import LawError
from kalata.results.tabulation import (
    ABROAD_CODE,
    ABROAD_NAME,
    NATION_CODE,
    NATION_NAME,
    ROLLUP_LEVELS,
    RoundResults,
    UnitResult,
    station_results,
    tabulate,
)

__all__ = [
    "COURT",
    "MINISTRY",
    "SCHEMA_FILE",
    "STATUS_RANK",
    "check_references",
    "dumps",
    "election_report",
    "gpu_id",
    "load_schema",
    "report_status",
    "round_status",
    "validate",
    "validate_strict",
]

SCHEMA_FILE = "NIST_V2_election_results_reporting.json"
LANGUAGE = "fr"

MINISTRY = (
    "Ministère de l'Administration Territoriale et des Collectivités Locales",
    "MATCL",
)
COURT = ("Cour constitutionnelle du Mali", "CCM")
#: Kinds whose final results the Constitutional Court proclaims (Art. 142, 150; referendum 87).
COURT_CERTIFIES = frozenset(
    {Election.Kind.PRESIDENTIAL, Election.Kind.LEGISLATIVE, Election.Kind.REFERENDUM}
)

PRE_ELECTION = "pre-election"
PARTIAL = "unofficial-partial"
COMPLETE = "unofficial-complete"
CERTIFIED = "certified"
STATUS_RANK = {PRE_ELECTION: 0, PARTIAL: 1, COMPLETE: 2, CERTIFIED: 3}

#: The lowest level of the counts: ``station`` gives a precinct-level report.
DETAIL_LEVELS = ("station", "commune", "cercle", "region", "nation")

_VOTE_VARIATION = {
    Election.Kind.PRESIDENTIAL: "majority",  # Art. 127: absolute majority, else a runoff
    Election.Kind.LEGISLATIVE: "majority",  # Art. 144: majority list vote in two rounds
    Election.Kind.COMMUNAL: "proportional",  # Art. 176: proportional representation
}


# --------------------------------------------------------------------------------------------
# Small builders


def _text(content: str) -> dict:
    return {
        "@type": "ElectionResults.InternationalizedText",
        "Text": [
            {"@type": "ElectionResults.LanguageString", "Content": content, "Language": LANGUAGE}
        ],
    }


def _ext(value: str, other_type: str = "kalata", label: str | None = None) -> dict:
    out = {
        "@type": "ElectionResults.ExternalIdentifier",
        "OtherType": other_type,
        "Type": "other",
        "Value": value,
    }
    if label:
        out["Label"] = label
    return out


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def _safe(code: str) -> str:
    """A code as it may appear in an XML ID (the XML form of the standard uses xsd:ID)."""
    return _ID_UNSAFE.sub("_", code)


def gpu_id(code: str) -> str:
    """The ``@id`` of the GpUnit of a Kalata unit code (``ML``, ``R01``, ``CM010101-BV001``…)."""
    return f"gpu-{_safe(code)}"


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("generated_at must be an aware datetime")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").upper()
    return slug or "P"


# --------------------------------------------------------------------------------------------
# Status and issuer


def round_status(rnd: Round, results: RoundResults | None) -> str:
    """The NIST status of one round's results.

    ``certified`` once the final results are proclaimed (Art. 142, 150; communal, Art. 188);
    ``unofficial-complete`` once provisional results are proclaimed (Art. 141, 149, 187) or when
    every expected minutes is definitive or annulled; ``unofficial-partial`` while some are
    pending; ``pre-election`` for a round not opened yet (no minutes expected).
    """
    if rnd.status == Round.Status.FINAL:
        return CERTIFIED
    if rnd.status == Round.Status.PROVISIONAL:
        return COMPLETE
    if rnd.status == Round.Status.SETUP:
        return PRE_ELECTION
    if results is not None and results.contests and results.progress.complete:
        return COMPLETE
    return PARTIAL


def report_status(statuses: Iterable[str]) -> str:
    """The status of a report holding several rounds: the least advanced one.

    A round not opened yet (a second round being set up) makes the election's results
    partial, not "pre-election", once another round has results.
    """
    statuses = list(statuses)
    if not statuses or all(s == PRE_ELECTION for s in statuses):
        return PRE_ELECTION
    ranks = [STATUS_RANK[PARTIAL] if s == PRE_ELECTION else STATUS_RANK[s] for s in statuses]
    low = min(ranks)
    return next(s for s, r in STATUS_RANK.items() if r == low)


def _issuer(kind: str, status: str) -> tuple[str, str]:
    if status == CERTIFIED and kind in COURT_CERTIFIES:
        return COURT
    return MINISTRY


# --------------------------------------------------------------------------------------------
# The territory as GpUnits


@dataclass
class _GpUnit:
    code: str
    name: str
    type: str
    other_type: str | None
    parent: str | None
    order: tuple
    pcode: str = ""
    registered: int = 0
    children: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return gpu_id(self.code)

    def as_dict(self, included: set[str]) -> dict:
        out: dict[str, Any] = {
            "@id": self.id,
            "@type": "ElectionResults.ReportingUnit",
            "Name": _text(self.name),
            "Type": self.type,
            "VotersRegistered": self.registered,
        }
        if self.other_type:
            out["OtherType"] = self.other_type
        children = [c for c in self.children if c in included]
        if children:
            out["ComposingGpUnitIds"] = [gpu_id(c) for c in children]
        ext = [_ext(self.code)]
        if self.pcode:
            ext.append(_ext(self.pcode, "ocha-pcode"))
        out["ExternalIdentifier"] = ext
        return out


class _Tree:
    """Every unit of the election that has stations or is a constituency, up to the nation."""

    def __init__(self, election: Election) -> None:
        self.units: dict[str, _GpUnit] = {}
        self.station_codes: set[str] = set()
        self._add(_GpUnit(NATION_CODE, NATION_NAME, "country", None, None, (0,), pcode="ML"))
        stations = (
            PollingStation.objects.filter(election=election)
            .select_related("commune__cercle__region", "commune__region", "mission")
            .order_by("code")
        )
        for st in stations:
            parent = self._commune(st.commune) if st.commune_id else self._mission(st.mission)
            unit = _GpUnit(
                st.code,
                st.name or f"Bureau de vote {st.code}",
                "precinct",
                None,
                parent,
                (*self.units[parent].order, st.code),
                registered=st.registered,
            )
            self._add(unit)
            self.station_codes.add(st.code)
            code: str | None = parent
            while code is not None:
                self.units[code].registered += st.registered
                code = self.units[code].parent
        contests = Contest.objects.filter(round__election=election).select_related(
            "cercle__region", "commune__cercle__region", "commune__region", "region"
        )
        for contest in contests:
            if contest.commune_id:
                self._commune(contest.commune)
            elif contest.cercle_id:
                self._cercle(contest.cercle)
            elif contest.region_id:
                self._region(contest.region)
        for unit in self.units.values():
            if unit.parent is not None:
                self.units[unit.parent].children.append(unit.code)
        for unit in self.units.values():
            unit.children.sort(key=lambda c: self.units[c].order)

    def _add(self, unit: _GpUnit) -> str:
        self.units.setdefault(unit.code, unit)
        return unit.code

    def _region(self, region) -> str:
        if region.code in self.units:
            return region.code
        district = region.kind == region.Kind.DISTRICT
        return self._add(
            _GpUnit(
                region.code,
                region.label,
                "other",
                "district" if district else "region",
                NATION_CODE,
                (0, region.number),
                pcode=region.ocha_pcode or "",
            )
        )

    def _cercle(self, cercle) -> str:
        if cercle.code in self.units:
            return cercle.code
        region = self._region(cercle.region)
        return self._add(
            _GpUnit(
                cercle.code,
                f"Cercle de {cercle.name}",
                "other",
                "cercle",
                region,
                (*self.units[region].order, cercle.code),
                pcode=cercle.ocha_pcode or "",
            )
        )

    def _commune(self, commune) -> str:
        if commune.code in self.units:
            return commune.code
        # Bamako's communes have no cercle: their parent is the District (Art. 141, 149).
        parent = self._cercle(commune.cercle) if commune.cercle_id else self._region(commune.region)
        return self._add(
            _GpUnit(
                commune.code,
                commune.name,
                "municipality",
                None,
                parent,
                (*self.units[parent].order, commune.code),
            )
        )

    def _mission(self, mission) -> str:
        if mission.code not in self.units:
            if ABROAD_CODE not in self.units:
                self._add(_GpUnit(ABROAD_CODE, ABROAD_NAME, "other", "abroad", NATION_CODE, (1,)))
            self._add(
                _GpUnit(
                    mission.code, mission.name, "other", "mission", ABROAD_CODE, (1, mission.code)
                )
            )
        return mission.code

    def ordered(self, with_stations: bool) -> list[_GpUnit]:
        """Depth first from the nation, children in display order."""
        out: list[_GpUnit] = []
        stack = [NATION_CODE]
        while stack:
            unit = self.units[stack.pop()]
            if unit.type == "precinct" and not with_stations:
                continue
            out.append(unit)
            stack.extend(reversed(unit.children))
        return out


# --------------------------------------------------------------------------------------------
# Parties and candidates


def _party_ids(selections: Iterable[Selection]) -> dict[str, str]:
    """Stable ids of the parties named by the selections: the ASCII slug of the name, with a
    numbered suffix when two different names give the same slug (in sorted order)."""
    names = sorted({s.party.strip() for s in selections if s.party.strip()})
    by_slug: dict[str, list[str]] = {}
    for name in names:
        by_slug.setdefault(_slug(name), []).append(name)
    out = {}
    for slug, group in by_slug.items():
        for i, name in enumerate(group, start=1):
            out[name] = f"party-{slug}" if len(group) == 1 else f"party-{slug}-{i}"
    return out


def _party(name: str, pid: str) -> dict:
    return {"@id": pid, "@type": "ElectionResults.Party", "Name": _text(name)}


# --------------------------------------------------------------------------------------------
# Counts


@dataclass
class _RoundCounts:
    """Per contest: the units with counted minutes; per unit: voters and null ballots."""

    votes: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # contest->gpu->sel
    ballots: dict[str, list[int]] = field(default_factory=dict)  # gpu -> [voters, null]


def _counted_units(units: Iterable[UnitResult]) -> dict[str, UnitResult]:
    """Units with at least one counted minutes, by GpUnit id (the District and the missions
    appear at two levels of the tabulation with the same figures: kept once)."""
    out: dict[str, UnitResult] = {}
    for unit in units:
        if unit.progress.sheets_definitive > 0:
            out.setdefault(gpu_id(unit.code), unit)
    return out


def _round_counts(
    results: RoundResults, stations: Mapping[str, Sequence[UnitResult]], levels: Sequence[str]
) -> _RoundCounts:
    counts = _RoundCounts()
    for contest in results.contests:
        units: list[UnitResult] = []
        for level in levels:
            units.extend(contest.units[level])
        units.extend(stations.get(contest.code, ()))
        counted = _counted_units(units)
        counts.votes[contest.code] = {gid: dict(u.votes) for gid, u in counted.items()}
        for gid, unit in counted.items():
            acc = counts.ballots.setdefault(gid, [0, 0])
            acc[0] += unit.voters
            acc[1] += unit.null_ballots
    return counts


def _vote_counts(per_unit: Mapping[str, Mapping[str, int]], code: str, order: Mapping) -> list:
    return [
        {
            "@type": "ElectionResults.VoteCounts",
            "Count": per_unit[gid][code],
            "GpUnitId": gid,
            "Type": "total",
        }
        for gid in sorted(per_unit, key=order.__getitem__)
    ]


def _count_status(progress) -> list[dict]:
    if progress.complete and progress.sheets_expected:
        status = "completed"
    elif progress.sheets_received or progress.sheets_definitive or progress.sheets_annulled:
        status = "in-process"
    else:
        status = "not-processed"
    return [{"@type": "ElectionResults.CountStatus", "Status": status, "Type": "total"}]


# --------------------------------------------------------------------------------------------
# Post-election status of candidates (only once results are proclaimed)


def _winners(contest_results, kind: str) -> tuple[set[str], set[str], set[tuple[str, int]]]:
    """(selections elected, selections sent to the runoff, list members elected (code, rank))."""
    decision = contest_results.outcome.decision
    if decision is None or getattr(decision, "unresolved_tie", False):
        return set(), set(), set()
    elected: set[str] = set()
    runoff = set(getattr(decision, "second_round", None) or ())
    members: set[tuple[str, int]] = set()
    if kind == Election.Kind.PRESIDENTIAL and decision.elected:
        elected.add(decision.elected)
    elif kind == Election.Kind.LEGISLATIVE and decision.elected_list:
        elected.add(decision.elected_list)
    elif kind == Election.Kind.COMMUNAL:
        members = {(e.list_code, e.rank) for e in decision.elected}
        elected = {code for code, seats in decision.seats.items() if seats}
    return elected, runoff, members


def _post_status(
    proclaimed: str | None, withdrawn: bool, won: bool, runoff: bool, has_decision: bool
) -> str | None:
    if withdrawn:
        return "withdrawn"
    if proclaimed is None or not has_decision:
        return None
    if won:
        return "winner" if proclaimed == CERTIFIED else "projected-winner"
    if runoff:
        return "advanced-to-runoff"
    return "defeated"


# --------------------------------------------------------------------------------------------
# The report


def _load_target(target: Election | Round | str) -> tuple[Election, list[Round]]:
    if isinstance(target, str):
        election = Election.objects.filter(code=target).first()
        if election is not None:
            target = election
        else:
            from kalata.results.tabulation import get_round

            target = get_round(target)
    if isinstance(target, Round):
        rnd = Round.objects.select_related("election").get(pk=target.pk)
        return rnd.election, [rnd]
    if isinstance(target, Election):
        rounds = list(Round.objects.filter(election=target).order_by("number"))
        for rnd in rounds:
            rnd.election = target
        return target, rounds
    raise TypeError(f"unsupported target: {target!r}")


def _round_name(election: Election, rnd: Round, rounds_total: int) -> str:
    if (
        rnd.number == 1
        and rounds_total == 1
        and election.kind
        in (
            Election.Kind.REFERENDUM,
            Election.Kind.COMMUNAL,
        )
    ):
        return election.title
    which = "premier tour" if rnd.number == 1 else "second tour"
    return f"{election.title} — {which}"


def election_report(
    target: Election | Round | str,
    *,
    generated_at: datetime | None = None,
    level: str = "station",
) -> dict:
    """The NIST SP 1500-100 v2 ``ElectionReport`` of an election (every round) or one round.

    ``level`` is the lowest level of the counts: ``station`` (default) gives a
    ``precinct-level`` report with a GpUnit and counts for every polling station; a higher level
    gives a ``summary-contest`` report without the stations. ``generated_at`` (aware datetime,
    default now) is the only part of the output that does not come from the data.
    Results are recomputed from the definitive minutes (Art. 141, 149, 187) and show the
    annulments pronounced (Art. 142, 150, 188) in ``Notes``.
    """
    if level not in DETAIL_LEVELS:
        raise LawError(
            "export_level",
            f"niveau inconnu : « {level} » (possibles : {', '.join(DETAIL_LEVELS)})",
            (),
            "level",
        )
    from kalata.audit.services import head

    election, rounds = _load_target(target)
    with_stations = level == "station"
    rollup = (
        ROLLUP_LEVELS[: ROLLUP_LEVELS.index(level) + 1] if level != "station" else ROLLUP_LEVELS
    )
    chain_head = head()
    tree = _Tree(election)
    gp_units = tree.ordered(with_stations)
    order = {u.id: i for i, u in enumerate(gp_units)}
    included = {u.code for u in gp_units}

    all_selections = list(
        Selection.objects.filter(contest__round__in=rounds).select_related("contest__round")
    )
    party_ids = _party_ids(all_selections)
    members: dict[int, list[ListMember]] = {}
    for m in ListMember.objects.filter(selection__contest__round__in=rounds).order_by(
        "selection_id", "rank"
    ):
        members.setdefault(m.selection_id, []).append(m)
    selections_by_contest: dict[int, list[Selection]] = {}
    for s in sorted(all_selections, key=lambda s: (s.order, s.code)):
        selections_by_contest.setdefault(s.contest_id, []).append(s)

    statuses = []
    elections = []
    notes: list[str] = []
    for rnd in rounds:
        results = tabulate(rnd) if rnd.status != Round.Status.SETUP else None
        status = round_status(rnd, results)
        statuses.append(status)
        elections.append(
            _election(
                election,
                rnd,
                len(rounds),
                results,
                status,
                with_stations,
                rollup,
                order,
                party_ids,
                members,
                selections_by_contest,
            )
        )
        if results is not None:
            notes.extend(f"{rnd.code} : annulation — {a.describe_fr()}" for a in results.annulments)
            notes.extend(f"{rnd.code} : anomalie — {w}" for w in results.warnings)
    status = report_status(statuses)
    issuer, abbreviation = _issuer(election.kind, status)
    report: dict[str, Any] = {
        "@type": "ElectionResults.ElectionReport",
        "Election": elections,
        "ExternalIdentifier": [
            _ext(election.code, label="scrutin"),
            _ext(f"{chain_head.seq}:{chain_head.hash}", "kalata-audit-head"),
        ],
        "Format": "precinct-level" if with_stations else "summary-contest",
        "GeneratedDate": _utc(generated_at or datetime.now(UTC)),
        "GpUnit": [u.as_dict(included) for u in gp_units],
        "Issuer": issuer,
        "IssuerAbbreviation": abbreviation,
        "SequenceEnd": 1,
        "SequenceStart": 1,
        "Status": status,
        "VendorApplicationId": f"Kalata {__version__}",
    }
    parties = sorted(party_ids.items(), key=lambda item: item[1])
    if parties:
        report["Party"] = [_party(name, pid) for name, pid in parties]
    if notes:
        report["Notes"] = "\n".join(notes)
    return report


def _election(
    election: Election,
    rnd: Round,
    rounds_total: int,
    results: RoundResults | None,
    status: str,
    with_stations: bool,
    rollup: Sequence[str],
    order: Mapping[str, int],
    party_ids: Mapping[str, str],
    members: Mapping[int, list[ListMember]],
    selections_by_contest: Mapping[int, list[Selection]],
) -> dict:
    kind = election.kind
    stations = station_results(rnd) if (with_stations and results is not None) else {}
    counts = _round_counts(results, stations, rollup) if results is not None else _RoundCounts()
    proclaimed = status if rnd.status in (Round.Status.PROVISIONAL, Round.Status.FINAL) else None
    contest_results = {c.code: c for c in results.contests} if results is not None else {}

    candidates: list[dict] = []
    contests: list[dict] = []
    for seq, contest in enumerate(
        Contest.objects.filter(round=rnd).select_related("cercle", "commune").order_by("code"),
        start=1,
    ):
        cres = contest_results.get(contest.code)
        per_unit = counts.votes.get(contest.code, {})
        elected, runoff, elected_members = (
            _winners(cres, kind) if cres is not None and proclaimed else (set(), set(), set())
        )
        has_decision = cres is not None and cres.outcome.decision is not None
        cid = f"ctst-{_safe(rnd.code)}-{_safe(contest.code)}"
        district = gpu_id(
            contest.commune.code
            if contest.commune_id
            else contest.cercle.code
            if contest.cercle_id
            else NATION_CODE
        )
        selections = []
        for sel_order, sel in enumerate(selections_by_contest.get(contest.pk, []), start=1):
            sid = f"sel-{_safe(rnd.code)}-{_safe(contest.code)}-{_safe(sel.code)}"
            votes = _vote_counts(per_unit, sel.code, order)
            if kind == Election.Kind.REFERENDUM:
                item = {
                    "@id": sid,
                    "@type": "ElectionResults.BallotMeasureSelection",
                    "ExternalIdentifier": [_ext(sel.code)],
                    "Selection": _text(sel.name or sel.code),
                    "SequenceOrder": sel_order,
                    "VoteCounts": votes,
                }
                selections.append(item)
                continue
            base = f"cand-{_safe(rnd.code)}-{_safe(contest.code)}-{_safe(sel.code)}"
            party = party_ids.get(sel.party.strip())
            list_members = members.get(sel.pk, [])
            people: list[tuple[str, str, str, bool]] = []  # id, name, kalata code, won
            list_title = sel.name if sel.kind == Selection.Kind.LIST and list_members else None
            if sel.kind == Selection.Kind.LIST and list_members:
                for m in list_members:
                    won = (
                        (sel.code, m.rank) in elected_members
                        if kind == Election.Kind.COMMUNAL
                        else sel.code in elected
                    )
                    people.append((f"{base}-{m.rank:02d}", m.name, f"{sel.code}-{m.rank:02d}", won))
            else:
                people.append((base, sel.name, sel.code, sel.code in elected))
            for pid, name, code, won in people:
                cand = {
                    "@id": pid,
                    "@type": "ElectionResults.Candidate",
                    "BallotName": _text(name),
                    "ExternalIdentifier": [_ext(code, label=list_title)],
                    "PreElectionStatus": "qualified",
                }
                if party:
                    cand["PartyId"] = party
                post = _post_status(
                    proclaimed, sel.withdrawn, won, sel.code in runoff, has_decision
                )
                if post:
                    cand["PostElectionStatus"] = post
                candidates.append(cand)
            # A CandidateSelection has no ExternalIdentifier in the schema: its Kalata code is
            # in its id and in its candidates' identifiers (``L01-03`` for a list member).
            item = {
                "@id": sid,
                "@type": "ElectionResults.CandidateSelection",
                "CandidateIds": [p[0] for p in people],
                "SequenceOrder": sel_order,
                "VoteCounts": votes,
            }
            if party:
                item["EndorsementPartyIds"] = [party]
            if (
                kind == Election.Kind.COMMUNAL
                and proclaimed
                and has_decision
                and not cres.outcome.decision.unresolved_tie
            ):
                # Seats won by the list (Art. 176), on the commune: NIST's "seats" count type.
                item["VoteCounts"] = votes + [
                    {
                        "@type": "ElectionResults.VoteCounts",
                        "Count": cres.outcome.decision.seats.get(sel.code, 0),
                        "GpUnitId": district,
                        "Type": "seats",
                    }
                ]
            selections.append(item)

        item: dict[str, Any] = {
            "@id": cid,
            "Abbreviation": contest.code,
            "ContestSelection": selections,
            "ElectionDistrictId": district,
            "ExternalIdentifier": [_ext(contest.code)],
            "Name": contest.name,
            "SequenceOrder": seq,
        }
        if cres is not None:
            progress = cres.total.progress
            item["CountStatus"] = _count_status(progress)
            item["SubUnitsReported"] = progress.sheets_definitive + progress.sheets_annulled
            item["TotalSubUnits"] = progress.sheets_expected
        if kind == Election.Kind.REFERENDUM:
            item["@type"] = "ElectionResults.BallotMeasureContest"
            item["Type"] = "referendum"
            if election.question:
                item["FullText"] = _text(election.question)
        else:
            item["@type"] = "ElectionResults.CandidateContest"
            item["NumberElected"] = contest.seats
            item["VotesAllowed"] = 1
            variation = _VOTE_VARIATION.get(kind)
            if variation:
                item["VoteVariation"] = variation
        contests.append(item)

    out: dict[str, Any] = {
        "@type": "ElectionResults.Election",
        "ElectionScopeId": gpu_id(NATION_CODE),
        "EndDate": rnd.polling_date.isoformat(),
        "ExternalIdentifier": [_ext(rnd.code, label="tour")],
        "Name": _text(_round_name(election, rnd, rounds_total)),
        "StartDate": rnd.polling_date.isoformat(),
        "Type": "general" if rnd.number == 1 else "runoff",
    }
    if contests:
        out["Contest"] = contests
    if candidates:
        out["Candidate"] = candidates
    if counts.ballots:
        out["BallotCounts"] = [
            {
                "@type": "ElectionResults.BallotCounts",
                "BallotsCast": counts.ballots[gid][0],
                "BallotsRejected": counts.ballots[gid][1],
                "GpUnitId": gid,
                "Type": "total",
            }
            for gid in sorted(counts.ballots, key=order.__getitem__)
        ]
    if results is not None:
        out["CountStatus"] = _count_status(results.progress)
    return out


# --------------------------------------------------------------------------------------------
# Output and validation


def dumps(report: Mapping) -> str:
    """The report as JSON text: UTF-8 characters kept, keys sorted, two-space indent."""
    return json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@lru_cache(maxsize=1)
def load_schema() -> dict:
    """The official NIST SP 1500-100 v2 JSON schema shipped with Kalata (draft-04)."""
    path = resources.files("kalata.formats") / "nist" / SCHEMA_FILE
    return json.loads(path.read_text(encoding="utf-8"))


_REF_KEYS = re.compile(r"(Id|Ids)$")
_NOT_REFS = frozenset({"VendorApplicationId"})


def check_references(report: Mapping) -> list[str]:
    """French errors for duplicate ``@id``s and references to ids the document does not hold
    (the JSON schema cannot check them: ``GpUnitId``, ``ComposingGpUnitIds``, ``PartyId``…)."""
    ids: dict[str, int] = {}
    refs: list[tuple[str, str]] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, Mapping):
            if "@id" in node:
                ids[node["@id"]] = ids.get(node["@id"], 0) + 1
            for key, value in node.items():
                where = f"{path}/{key}"
                if _REF_KEYS.search(key) and key not in _NOT_REFS:
                    for target in value if isinstance(value, list) else [value]:
                        refs.append((where, target))
                else:
                    walk(value, where)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}/{i}")

    walk(report, "")
    errors = [f"identifiant « {i} » présent {n} fois" for i, n in sorted(ids.items()) if n > 1]
    errors += [
        f"{where} : renvoie à « {target} », absent du document"
        for where, target in refs
        if target not in ids
    ]
    return errors


@lru_cache(maxsize=1)
def _validator_class():
    """Draft-04 validation with a faster ``oneOf`` for this schema, giving the same verdict.

    Every alternative of the schema's ``oneOf``s is a ``$ref`` to a definition whose ``@type``
    is a one-value enum (``ElectionResults.CandidateSelection``…). An object whose ``@type``
    names exactly one alternative therefore fails every other one, and it is valid under
    exactly one alternative if and only if it is valid under that one: only that one is
    checked (and its errors are the ones reported). Anything else goes to the standard
    ``oneOf``. Without this, the arrays of counts are checked once per alternative of every
    enclosing ``oneOf`` (twelve times each), which makes a national export minutes long.
    """
    from jsonschema import Draft4Validator
    from jsonschema.validators import extend

    definitions = load_schema()["definitions"]
    types: dict[str, str] = {}
    for name, definition in definitions.items():
        enum = definition.get("properties", {}).get("@type", {}).get("enum", [])
        if len(enum) == 1:
            types[f"#/definitions/{name}"] = enum[0]
    standard = Draft4Validator.VALIDATORS["oneOf"]

    def one_of(validator, alternatives, instance, schema):
        if isinstance(instance, dict) and isinstance(instance.get("@type"), str):
            refs = [alt.get("$ref") if isinstance(alt, dict) else None for alt in alternatives]
            if all(ref in types for ref in refs):
                matching = [i for i, ref in enumerate(refs) if types[ref] == instance["@type"]]
                if len(matching) == 1:
                    index = matching[0]
                    yield from validator.descend(instance, alternatives[index], schema_path=index)
                    return
        yield from standard(validator, alternatives, instance, schema)

    return extend(Draft4Validator, {"oneOf": one_of})


def validate(report: Mapping) -> list[str]:
    """Every error of the report, in French: against the official JSON schema (draft-04, with
    format checks), then its internal references. Empty when the report is valid."""
    from jsonschema import Draft4Validator
    from jsonschema.exceptions import best_match

    cls = _validator_class()
    validator = cls(load_schema(), format_checker=Draft4Validator.FORMAT_CHECKER)
    errors = []
    for error in sorted(validator.iter_errors(report), key=lambda e: str(list(e.absolute_path))):
        # "not valid under any of the given schemas" (oneOf) says little: show the failure of
        # the alternative that came closest.
        while error.context:
            error = best_match(error.context)
        where = "/".join(str(p) for p in error.absolute_path)
        message = error.message if len(error.message) <= 300 else error.message[:299] + "…"
        errors.append(f"non conforme au schéma NIST en « /{where} » : {message}")
    return errors + check_references(report)


def validate_strict(report: Mapping) -> bool:
    """Whether the plain draft-04 validator of ``jsonschema`` accepts the report (slow on large
    reports; the tests check that it agrees with ``validate``)."""
    from jsonschema import Draft4Validator

    validator = Draft4Validator(load_schema(), format_checker=Draft4Validator.FORMAT_CHECKER)
    return validator.is_valid(report)
