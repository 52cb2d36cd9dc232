"""A small presidential election on the real territory, built with the real services.

``create_election`` (with electors per commune and mission, so ``create_stations`` splits them
into polling stations of at most 700), ``add_presidential_candidates``, ``open_round``; the
minutes are made definitive by two clerks of each commission through ``submit_entry`` (double
entry, four eyes). Leaders differ by region so that the maps have several colours: C01 leads in
Kayes, C02 in Koulikoro, C03 in the District of Bamako.

Two sheets stay undecided: one at first entry (received) and one not received.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kalata.accounts.models import Role
from kalata.accounts.services import create_user, grant
from kalata.elections.models import Election, Round
from kalata.elections.services import add_presidential_candidates, create_election, open_round
from kalata.results.entry import submit_entry
from kalata.results.models import TallySheet
from kalata.territory.models import Cercle, Mission, Region

POLLING_DATE = date(2026, 4, 26)
CANDIDATES = (
    {
        "code": "C01",
        "name": "Aminata Diallo",
        "party": "Union pour la République",
        "birth_date": date(1961, 3, 14),
    },
    {
        "code": "C02",
        "name": "Boubacar Keïta",
        "party": "Rassemblement du Peuple",
        "birth_date": date(1958, 11, 2),
    },
    {
        "code": "C03",
        "name": "Cheick Traoré",
        "party": "Alliance démocratique",
        "birth_date": date(1970, 7, 9),
    },
)
# Registered electors per commune or mission (stations of at most 700, Art. 71).
ELECTORS = {
    "CM010101": 1500,  # Bangassi, cercle of Kayes (C0101), region of Kayes (R01): 3 stations
    "CM010102": 900,  # Colimbiné, C0101: 2 stations
    "CM010201": 650,  # Bafoulabé, cercle C0102: 1 station
    "CM020101": 1200,  # Dinandougou, cercle of Koulikoro (C0201), region R02: 2 stations
    "CM090001": 2000,  # Commune I of Bamako (District D09): 3 stations
    "CM090002": 700,  # Commune II: 1 station
    "AMB-SN-DAKAR": 800,  # embassy in Dakar: 2 stations
}
# Share of the valid votes per candidate, by region-level unit (percent).
WEIGHTS = {
    "R01": {"C01": 50, "C02": 30, "C03": 20},
    "R02": {"C01": 25, "C02": 55, "C03": 20},
    "D09": {"C01": 30, "C02": 20, "C03": 50},
    "EXT": {"C01": 60, "C02": 25, "C03": 15},
}
FIRST_ENTRY_ONLY = "CM090001-BV003"
NOT_RECEIVED = "CM010101-BV003"


@dataclass
class Scenario:
    election: Election
    round: Round
    clerks: tuple
    admin: object
    figures: dict[str, dict] = field(default_factory=dict)  # station code -> definitive figures

    @property
    def base(self) -> str:
        return f"/scrutins/{self.election.code}/tour-{self.round.number}/"


def region_of(station_code: str) -> str:
    unit = station_code.split("-BV")[0]
    if unit.startswith("CM09"):
        return "D09"
    if unit.startswith("CM01"):
        return "R01"
    if unit.startswith("CM02"):
        return "R02"
    return "EXT"


def figures_for(station_code: str, registered: int, index: int) -> dict:
    """Plausible minutes without any warning: turnout 45–60 %, 3 % null ballots."""
    voters = registered * (45 + (index * 7) % 15) // 100
    null_ballots = voters * 3 // 100
    valid = voters - null_ballots
    weights = WEIGHTS[region_of(station_code)]
    votes = {code: valid * w // 100 for code, w in weights.items()}
    votes["C01"] += valid - sum(votes.values())
    return {
        "registered": registered,
        "voters": voters,
        "envelopes": voters,
        "null_ballots": null_ballots,
        "valid_votes": valid,
        "votes": votes,
    }


def build_presidential(
    polling_date: date = POLLING_DATE, electors: dict[str, int] | None = None
) -> Scenario:
    admin = create_user(f"admin-{polling_date.isoformat()}")
    setup = create_election(
        "presidential", polling_date, actor=admin, electors=electors or ELECTORS
    )
    election, rnd = setup.election, setup.round
    add_presidential_candidates(rnd, list(CANDIDATES), actor=admin)
    open_round(rnd, admin)
    clerks = []
    for name in ("agent-a", "agent-b"):
        clerk = create_user(f"{name}-{polling_date.isoformat()}")
        for cercle in Cercle.objects.filter(code__in=["C0101", "C0102", "C0201"]):
            grant(clerk, Role.CLERK, election=election, cercle=cercle)
        grant(clerk, Role.CLERK, election=election, region=Region.objects.get(code="D09"))
        grant(
            clerk, Role.CLERK, election=election, mission=Mission.objects.get(code="AMB-SN-DAKAR")
        )
        clerks.append(clerk)
    scenario = Scenario(election, Round.objects.get(pk=rnd.pk), tuple(clerks), admin)
    sheets = (
        TallySheet.objects.filter(round=rnd).select_related("station").order_by("station__code")
    )
    for index, sheet in enumerate(sheets):
        code = sheet.station.code
        if code == NOT_RECEIVED:
            continue
        figures = figures_for(code, sheet.station.registered, index)
        submit_entry(sheet, clerks[0], figures)
        if code == FIRST_ENTRY_ONLY:
            continue
        result = submit_entry(sheet, clerks[1], figures)
        assert result.status == TallySheet.Status.DEFINITIVE, (code, result.as_dict())
        scenario.figures[code] = figures
    scenario.round.refresh_from_db()
    return scenario


def complete(scenario: Scenario) -> None:
    """Make the two undecided sheets definitive (the second entry equal to the first)."""
    for sheet in TallySheet.objects.filter(round=scenario.round).exclude(
        status=TallySheet.Status.DEFINITIVE
    ):
        first = sheet.entries.filter(number=1).first()
        if first is None:
            figures = figures_for(sheet.station.code, sheet.station.registered, 3)
            submit_entry(sheet, scenario.clerks[0], figures)
        else:
            figures = {
                k: first.figures[k]
                for k in (
                    "registered",
                    "voters",
                    "envelopes",
                    "null_ballots",
                    "valid_votes",
                    "votes",
                )
            }
        result = submit_entry(sheet, scenario.clerks[1], figures)
        assert result.status == TallySheet.Status.DEFINITIVE, result.as_dict()
        scenario.figures[sheet.station.code] = figures
