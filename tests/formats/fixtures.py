"""Fixtures for the data in/out tests, built with the services on the real territory.

A presidential election of 26 April 2026 with stations in two communes of the cercle of Kayes
(C0101), Commune I of Bamako (District D09) and the embassy in Dakar: 3 + 2 + 2 + 1 = 8
stations (Art. 71: at most 700 electors each), three candidates (two with a party), no
majority in the first round (40 / 35 / 25 %), so that a second round follows (Art. 127).
Clerks are granted the three commissions (Art. 141: cercle, District, embassy); an outsider
clerk holds the commission of the cercle of Bafoulabé (C0102) only.

Imported explicitly by the tests (not a conftest).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model

from kalata.accounts.models import Role
from kalata.accounts.services import grant
from kalata.elections.models import Election, PollingStation, Round
from kalata.elections.services import (
    add_presidential_candidates,
    create_election,
    create_second_round,
    create_stations,
    open_round,
)
from kalata.results.entry import submit_entry
from kalata.results.models import TallySheet
from kalata.results.proclamation import annul, proclaim
from kalata.results.tabulation import second_round_candidates, tabulate
from kalata.territory.models import Cercle, Mission, Region
from kalata.territory.services import load_territory

POLLING_DATE = date(2026, 4, 26)
ELECTORS = {"CM010101": 1500, "CM010102": 1200, "CM090001": 1300, "AMB-SN-DAKAR": 650}
CANDIDATES = (
    {"code": "C01", "name": "Amadou Traoré", "party": "Alliance pour la Démocratie au Mali"},
    {"code": "C02", "name": "Fatoumata Keïta", "party": "Rassemblement pour le Mali"},
    {"code": "C03", "name": "Ibrahim Diallo", "party": ""},
)
#: Share of the valid votes, in tenths, per candidate code (no absolute majority).
WEIGHTS = {"C01": 4, "C02": 3.5, "C03": 2.5}


@dataclass
class Presidential:
    election: Election
    round: Round
    awa: object
    moussa: object
    outsider: object
    officer: object

    def stations(self) -> list[PollingStation]:
        return list(PollingStation.objects.filter(election=self.election).order_by("code"))

    def sheets(self, rnd: Round | None = None) -> list[TallySheet]:
        return list(
            TallySheet.objects.filter(round=rnd or self.round)
            .select_related("station", "contest")
            .order_by("station__code")
        )


def clerk(username: str, election: Election, *, cercle: str = "C0101", all_areas: bool = True):
    user = get_user_model().objects.create_user(username)
    grant(user, Role.CLERK, election=election, cercle=Cercle.objects.get(code=cercle))
    if all_areas:
        grant(user, Role.CLERK, election=election, region=Region.objects.get(code="D09"))
        grant(user, Role.CLERK, election=election, mission=Mission.objects.get(code="AMB-SN-DAKAR"))
    return user


def presidential(*, territory: bool = True) -> Presidential:
    """The election set up with the services, round 1 opened (8 sheets expected)."""
    if territory:
        load_territory()
    officer = get_user_model().objects.create_user("officier")
    setup = create_election("presidential", POLLING_DATE, actor=officer)
    create_stations(setup.election, ELECTORS, officer)
    add_presidential_candidates(setup.election, [dict(c) for c in CANDIDATES], actor=officer)
    open_round(setup.round, officer)
    election = setup.election
    return Presidential(
        election=election,
        round=Round.objects.get(pk=setup.round.pk),
        awa=clerk("awa", election),
        moussa=clerk("moussa", election),
        outsider=clerk("outsider", election, cercle="C0102", all_areas=False),
        officer=officer,
    )


def minutes(station: PollingStation, codes: Sequence[str], weights: Mapping[str, float] = WEIGHTS):
    """Consistent minutes of a station (no warning): about 55 % turnout, a few null ballots,
    the valid votes split by ``weights`` (the remainder to the first candidate)."""
    registered = station.registered
    voters = registered * 55 // 100 + station.number % 7
    null_ballots = 3 + station.number % 5
    valid = voters - null_ballots
    total = sum(weights[c] for c in codes)
    votes = {c: int(valid * weights[c] / total) for c in codes}
    votes[codes[0]] += valid - sum(votes.values())
    return {
        "registered": registered,
        "voters": voters,
        "envelopes": voters,
        "null_ballots": null_ballots,
        "valid_votes": valid,
        "votes": votes,
    }


def codes_of(sheet: TallySheet) -> list[str]:
    return list(sheet.contest.selections.order_by("order", "code").values_list("code", flat=True))


def enter(
    sheets: Iterable[TallySheet],
    clerks: Sequence,
    weights: Mapping[str, float] = WEIGHTS,
) -> None:
    """Type each sheet's minutes once per clerk given (two clerks: definitive)."""
    for sheet in sheets:
        data = minutes(sheet.station, codes_of(sheet), weights)
        for user in clerks:
            submit_entry(sheet, user, data)


def decided_first_round(p: Presidential) -> None:
    """Round 1 fully typed (two entries each): every sheet definitive."""
    enter(p.sheets(), (p.awa, p.moussa))


ANNULLED_STATION = "CM010102-BV001"


def with_second_round(p: Presidential, *, complete: bool = False) -> Round:
    """Round 1 proclaimed provisional, one station annulled by the Court (Art. 142), final
    results proclaimed, round 2 between C01 and C02 created and opened (Art. 127); round 2's
    minutes typed for every station but the last (or all, when ``complete``)."""
    decided_first_round(p)
    proclaim(p.round, "provisional", p.officer)
    annul(
        p.round,
        "station",
        ANNULLED_STATION,
        "Bourrage d'urne constaté par la Cour",
        "Arrêt n°2026-01/CC-EP",
        p.officer,
    )
    proclaim(p.round, "final", p.officer)
    pairs = second_round_candidates(tabulate(p.round))
    assert pairs == {"NATION": ["C01", "C02"]}, pairs
    setup = create_second_round(p.round, pairs, actor=p.officer)
    open_round(setup.round, p.officer)
    r2 = Round.objects.get(pk=setup.round.pk)
    sheets = p.sheets(r2)
    typed = sheets if complete else sheets[:-1]
    enter(typed, (p.awa, p.moussa), {"C01": 5.2, "C02": 4.8})
    return r2


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


IMPORT_HEADER = (
    "bureau",
    "inscrits",
    "votants",
    "enveloppes",
    "bulletins_nuls",
    "suffrages_exprimes",
    "C01",
    "C02",
    "C03",
)


def import_rows(sheets: Iterable[TallySheet]) -> list[list]:
    """One row of the import layout per sheet, with ``minutes()``'s figures."""
    rows = []
    for sheet in sheets:
        m = minutes(sheet.station, ["C01", "C02", "C03"])
        rows.append(
            [
                sheet.station.code,
                m["registered"],
                m["voters"],
                m["envelopes"],
                m["null_ballots"],
                m["valid_votes"],
                *(m["votes"][c] for c in ("C01", "C02", "C03")),
            ]
        )
    return rows
