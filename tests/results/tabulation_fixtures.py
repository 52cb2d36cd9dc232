"""Small, faithful fixtures for the centralisation and proclamation tests.

Built with the ORM directly (the election setup and double-entry services are written
elsewhere). A sheet is made definitive as the contract of ``kalata.results.models`` says: its
figure columns are filled and it has one ``SheetVote`` row per selection.

Territory: region R01 (cercles C0101 and C0102, two communes each), region R02 (cercle C0201,
two communes), the District of Bamako D09 (communes CM090001, CM090002, no cercle) and one
embassy (AMB-SN-DAKAR) — 2 regions, the District, 3 cercles, 8 communes, 1 mission.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model

from kalata.elections.models import (
    Contest,
    Election,
    ListMember,
    PollingStation,
    Round,
    Selection,
)
from kalata.results.models import SheetVote, TallySheet
from kalata.territory.models import Cercle, Commune, Mission, Region

POLLING_DATE = date(2026, 4, 26)


@dataclass
class Territory:
    regions: dict[str, Region] = field(default_factory=dict)
    cercles: dict[str, Cercle] = field(default_factory=dict)
    communes: dict[str, Commune] = field(default_factory=dict)
    missions: dict[str, Mission] = field(default_factory=dict)


def build_territory() -> Territory:
    t = Territory()
    for number, code, kind, name in (
        (1, "R01", Region.Kind.REGION, "Kayes"),
        (2, "R02", Region.Kind.REGION, "Koulikoro"),
        (9, "D09", Region.Kind.DISTRICT, "Bamako"),
    ):
        t.regions[code] = Region.objects.create(
            code=code, kind=kind, number=number, name=name, printed_name=name.upper()
        )
    for code, region, number, name in (
        ("C0101", "R01", 1, "Kayes"),
        ("C0102", "R01", 2, "Bafoulabé"),
        ("C0201", "R02", 1, "Kati"),
    ):
        t.cercles[code] = Cercle.objects.create(
            code=code, region=t.regions[region], number=number, name=name, printed_name=name
        )
    for order, (code, cercle, region, name, councillors) in enumerate(
        (
            ("CM010101", "C0101", "R01", "Kayes", 29),
            ("CM010102", "C0101", "R01", "Bangassi", 17),
            ("CM010201", "C0102", "R01", "Bafoulabé", 23),
            ("CM010202", "C0102", "R01", "Diokéli", 11),
            ("CM020101", "C0201", "R02", "Kati", 33),
            ("CM020102", "C0201", "R02", "Baguineda-Camp", 29),
            ("CM090001", None, "D09", "Commune I", 41),
            ("CM090002", None, "D09", "Commune II", 37),
        ),
        start=1,
    ):
        t.communes[code] = Commune.objects.create(
            code=code,
            name=name,
            region=t.regions[region],
            cercle=t.cercles[cercle] if cercle else None,
            order=order,
            councillors=councillors,
        )
    t.missions["AMB-SN-DAKAR"] = Mission.objects.create(
        code="AMB-SN-DAKAR",
        name="Ambassade du Mali au Sénégal",
        kind=Mission.Kind.EMBASSY,
        city="Dakar",
        country="SN",
    )
    return t


def make_user(username: str = "cour"):
    return get_user_model().objects.create_user(username=username, password="x")


def make_election(kind: str, polling_date: date = POLLING_DATE, title: str = "") -> Election:
    prefix = Election.PREFIX[kind]
    return Election.objects.create(
        code=f"{prefix}-{polling_date.isoformat()}",
        kind=kind,
        title=title or Election.Kind(kind).label,
        polling_date=polling_date,
    )


def make_round(election: Election, number: int = 1, polling_date: date | None = None) -> Round:
    return Round.objects.create(
        election=election,
        number=number,
        polling_date=polling_date or election.polling_date,
        status=Round.Status.COUNTING,
    )


def make_contest(rnd: Round, code: str, name: str, level: str, seats: int = 1, **where) -> Contest:
    return Contest.objects.create(
        round=rnd, code=code, name=name, level=level, seats=seats, **where
    )


def make_selections(
    contest: Contest, codes: Sequence[str], kind: str = Selection.Kind.CANDIDATE
) -> list[Selection]:
    return [
        Selection.objects.create(
            contest=contest, code=code, kind=kind, name=f"Candidat {code}", order=i
        )
        for i, code in enumerate(codes, start=1)
    ]


def make_list(
    contest: Contest, code: str, order: int, members: Sequence[tuple[str, date | None]]
) -> Selection:
    selection = Selection.objects.create(
        contest=contest, code=code, kind=Selection.Kind.LIST, name=f"Liste {code}", order=order
    )
    ListMember.objects.bulk_create(
        ListMember(selection=selection, rank=rank, name=name, birth_date=birth)
        for rank, (name, birth) in enumerate(members, start=1)
    )
    return selection


def add_stations(
    election: Election, unit: Commune | Mission, registered: Sequence[int]
) -> list[PollingStation]:
    where = {"commune": unit} if isinstance(unit, Commune) else {"mission": unit}
    start = PollingStation.objects.filter(election=election).count()
    in_unit = PollingStation.objects.filter(election=election, **where).count()
    stations = []
    for i, reg in enumerate(registered, start=1):
        stations.append(
            PollingStation.objects.create(
                election=election,
                code=f"{unit.code}-BV{in_unit + i:03d}",
                number=start + i,
                name=f"École {i}",
                registered=reg,
                **where,
            )
        )
    return stations


def add_sheets(rnd: Round, contest: Contest, stations: Sequence[PollingStation]):
    return [TallySheet.objects.create(round=rnd, contest=contest, station=s) for s in stations]


def make_definitive(
    sheet: TallySheet,
    *,
    registered: int,
    voters: int,
    null_ballots: int,
    votes: Mapping[str, int],
) -> TallySheet:
    """Write the definitive figures as the contract says: columns + one SheetVote per selection."""
    valid = sum(votes.values())
    assert null_ballots + valid == voters <= registered, (sheet, voters, null_ballots, valid)
    selections = {s.code: s for s in sheet.contest.selections.all()}
    assert set(votes) == set(selections), (set(votes), set(selections))
    sheet.status = TallySheet.Status.DEFINITIVE
    sheet.registered = registered
    sheet.voters = voters
    sheet.envelopes = voters
    sheet.null_ballots = null_ballots
    sheet.valid_votes = valid
    sheet.figures = {
        "registered": registered,
        "voters": voters,
        "envelopes": voters,
        "null_ballots": null_ballots,
        "valid_votes": valid,
        "votes": dict(votes),
    }
    sheet.save()
    SheetVote.objects.bulk_create(
        SheetVote(sheet=sheet, selection=selections[code], votes=v) for code, v in votes.items()
    )
    return sheet


def random_votes(rng: random.Random, valid: int, weights: Mapping[str, float]) -> dict[str, int]:
    codes = list(weights)
    counts = dict.fromkeys(codes, 0)
    for code in rng.choices(codes, weights=[weights[c] for c in codes], k=valid):
        counts[code] += 1
    return counts


def fill_randomly(
    rng: random.Random,
    sheets: Sequence[TallySheet],
    weights: Mapping[str, float],
    *,
    not_definitive: Sequence[str] = (),
) -> None:
    """Definitive random figures for every sheet; ``not_definitive[i]`` (a status) for some.

    Registered from the minutes equals the station's, except on a few sheets where the
    commission found a different figure on the list (so "registered from the minutes" and
    "registered expected" differ).
    """
    statuses = list(not_definitive)
    for i, sheet in enumerate(sheets):
        if i < len(statuses):
            sheet.status = statuses[i]
            sheet.save()
            continue
        registered = sheet.station.registered - (rng.randint(1, 5) if i % 7 == 3 else 0)
        voters = rng.randint(registered * 3 // 10, registered * 8 // 10)
        null_ballots = rng.randint(0, voters // 20)
        votes = random_votes(rng, voters - null_ballots, weights)
        make_definitive(
            sheet,
            registered=registered,
            voters=voters,
            null_ballots=null_ballots,
            votes=votes,
        )


@dataclass
class Scenario:
    territory: Territory
    election: Election
    round: Round
    contests: dict[str, Contest]
    sheets: list[TallySheet]


PRESIDENTIAL_WEIGHTS = {"C01": 44, "C02": 27, "C03": 15, "C04": 8, "C05": 4, "C06": 2}

# Stations per commune or mission (registered electors of each, Art. 71: at most 700).
STATIONS = {
    "CM010101": (700, 650, 420, 380),
    "CM010102": (560, 300, 240),
    "CM010201": (690, 610, 500),
    "CM010202": (350, 330, 120),
    "CM020101": (700, 700, 680, 540),
    "CM020102": (610, 450, 200),
    "CM090001": (700, 700, 700, 690, 650),
    "CM090002": (700, 690, 620),
    "AMB-SN-DAKAR": (480, 260),
}


def presidential_scenario(
    seed: int = 2026,
    *,
    territory: Territory | None = None,
    polling_date: date = POLLING_DATE,
) -> Scenario:
    """A presidential first round on the whole small territory: 30 stations, 6 candidates.

    Three sheets are left undecided (one blocked, one at first entry, one not received); the
    others are definitive with seeded random figures.
    """
    rng = random.Random(seed)
    t = territory or build_territory()
    election = make_election(Election.Kind.PRESIDENTIAL, polling_date)
    rnd = make_round(election)
    nation = make_contest(rnd, "NATION", "Territoire national", Contest.Level.NATION)
    make_selections(nation, list(PRESIDENTIAL_WEIGHTS))
    sheets: list[TallySheet] = []
    for code, registered in STATIONS.items():
        unit = t.communes.get(code) or t.missions[code]
        sheets += add_sheets(rnd, nation, add_stations(election, unit, registered))
    # Undecided sheets spread over several communes: a blocked one in Kayes, one at first entry
    # in Commune I of Bamako, one not yet received in Kati.
    undecided = {
        "CM010101-BV002": TallySheet.Status.BLOCKED,
        "CM090001-BV005": TallySheet.Status.FIRST_ENTRY,
        "CM020101-BV003": TallySheet.Status.EXPECTED,
    }
    decided = [s for s in sheets if s.station.code not in undecided]
    for sheet in sheets:
        if sheet.station.code in undecided:
            sheet.status = undecided[sheet.station.code]
            sheet.save()
    fill_randomly(rng, decided, PRESIDENTIAL_WEIGHTS)
    return Scenario(t, election, rnd, {"NATION": nation}, sheets)


def record_sheets_in_audit_log(rnd: Round, actor: str = "fixture") -> int:
    """Record one audit event per sheet of the round, as the entry services would have, so that
    ``kalata audit verify`` finds no sheet written outside the log (end-to-end tests only)."""
    from django.db import transaction

    from kalata.audit.services import record
    from kalata.results.workflow import EVENT_DEFINITIVE, EVENT_EXPECTED

    n = 0
    with transaction.atomic():
        for sheet in TallySheet.objects.filter(round=rnd).order_by("id"):
            definitive = sheet.status == TallySheet.Status.DEFINITIVE
            record(EVENT_DEFINITIVE if definitive else EVENT_EXPECTED, actor, sheet, None, sheet)
            n += 1
    return n


def spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` near-equal integers (the first ones one larger)."""
    q, r = divmod(total, parts)
    return [q + (1 if i < r else 0) for i in range(parts)]
