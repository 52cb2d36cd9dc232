"""A small country for authorization tests, built with the ORM.

- Région de Kayes (R01): cercle de Kayes (C0101: communes Kayes, Khouloum), cercle de
  Bafoulabé (C0102: commune Bafoulabé);
- Région de Koulikoro (R02): cercle de Kati (C0201: commune Kati);
- District de Bamako (D09): Commune I, Commune II (no cercle);
- Ambassade à Abidjan, Consulat général à Paris.

Elections: two presidential elections (``PRES`` and ``PRES2``, one station per commune and
mission, one contest ``NATION``), a communal election (``COM``, one contest per commune), a
national councillors' election (``CN``, one contest per region, a station in each cercle's
chef-lieu and in Commune I) and a legislative election (``LEG``, no stations). One sheet per
station and contest of the first round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.contrib.auth.models import User

from kalata.accounts import services
from kalata.elections.models import Contest, Election, PollingStation, Round
from kalata.results.models import TallySheet
from kalata.territory.models import Cercle, Commune, Mission, Region

COMMUNES = {
    # code: (name, region, cercle)
    "CM010101": ("Kayes", "R01", "C0101"),
    "CM010102": ("Khouloum", "R01", "C0101"),
    "CM010201": ("Bafoulabé", "R01", "C0102"),
    "CM020101": ("Kati", "R02", "C0201"),
    "CM090001": ("Commune I", "D09", None),
    "CM090002": ("Commune II", "D09", None),
}
CN_STATIONS = ("CM010101", "CM010201", "CM020101", "CM090001")  # chefs-lieux (Art. 167)


@dataclass
class World:
    units: dict = field(default_factory=dict)  # code -> Region/Cercle/Commune/Mission
    elections: dict = field(default_factory=dict)  # key -> Election
    rounds: dict = field(default_factory=dict)  # key -> Round (first round)
    contests: dict = field(default_factory=dict)  # (key, code) -> Contest
    stations: dict = field(default_factory=dict)  # (key, unit code) -> PollingStation
    sheets: dict = field(default_factory=dict)  # (key, unit code) -> TallySheet

    def unit(self, code):
        return self.units[code]

    def sheet(self, key, unit_code):
        return self.sheets[(key, unit_code)]

    def person(self, username, role=None, *, election=None, scope=None, password=None, **kwargs):
        """A user, with a role granted through the service (``scope``: a unit code).

        No password unless asked: hashing one costs a third of a second.
        """
        user = User.objects.create_user(username, password=password)
        if role is not None:
            self.give(user, role, election=election, scope=scope, **kwargs)
        return user

    def give(self, user, role, *, election=None, scope=None, **kwargs):
        unit = self.units[scope] if scope else None
        where = {}
        if unit is not None:
            where[type(unit).__name__.lower()] = unit
        return services.grant(
            user,
            role,
            election=self.elections[election] if election else None,
            **where,
            **kwargs,
        )


def _election(world, key, kind, code, day):
    election = Election.objects.create(code=code, kind=kind, title=code, polling_date=day)
    world.elections[key] = election
    world.rounds[key] = Round.objects.create(election=election, number=1, polling_date=day)
    return election


def _station(world, key, unit):
    election = world.elections[key]
    where = {"mission": unit} if isinstance(unit, Mission) else {"commune": unit}
    station = PollingStation.objects.create(
        election=election, code=f"{unit.code}-BV001", number=1, registered=500, **where
    )
    world.stations[(key, unit.code)] = station
    return station


def _sheet(world, key, contest, station, unit_code):
    world.sheets[(key, unit_code)] = TallySheet.objects.create(
        round=world.rounds[key], contest=contest, station=station
    )


@pytest.fixture
def world(db) -> World:
    w = World()
    for code, kind, number, name in (
        ("R01", "region", 1, "Kayes"),
        ("R02", "region", 2, "Koulikoro"),
        ("D09", "district", 9, "Bamako"),
    ):
        w.units[code] = Region.objects.create(
            code=code, kind=kind, number=number, name=name, printed_name=name
        )
    for code, region, number, name in (
        ("C0101", "R01", 1, "Kayes"),
        ("C0102", "R01", 2, "Bafoulabé"),
        ("C0201", "R02", 1, "Kati"),
    ):
        w.units[code] = Cercle.objects.create(
            code=code, region=w.units[region], number=number, name=name, printed_name=name
        )
    for order, (code, (name, region, cercle)) in enumerate(COMMUNES.items(), start=1):
        w.units[code] = Commune.objects.create(
            code=code,
            name=name,
            region=w.units[region],
            cercle=w.units[cercle] if cercle else None,
            order=order,
            councillors=23,
        )
    for code, kind, name, city, country in (
        ("AMB-CI-ABIDJAN", "ambassade", "Ambassade du Mali à Abidjan", "Abidjan", "CI"),
        ("CG-FR-PARIS", "consulat", "Consulat général du Mali à Paris", "Paris", "FR"),
    ):
        w.units[code] = Mission.objects.create(
            code=code, kind=kind, name=name, city=city, country=country
        )
    missions = ("AMB-CI-ABIDJAN", "CG-FR-PARIS")

    # Two presidential elections: one contest NATION, a station per commune and mission.
    for key, code, day in (
        ("PRES", "PRES-2026-04-26", date(2026, 4, 26)),
        ("PRES2", "PRES-2031-04-27", date(2031, 4, 27)),
    ):
        _election(w, key, "presidential", code, day)
        nation = Contest.objects.create(
            round=w.rounds[key], code="NATION", name="Territoire national", level="nation"
        )
        w.contests[(key, "NATION")] = nation
        for unit_code in (*COMMUNES, *missions):
            station = _station(w, key, w.units[unit_code])
            _sheet(w, key, nation, station, unit_code)

    # Communal election: one contest per commune (Art. 177).
    _election(w, "COM", "communal", "COM-2026-11-15", date(2026, 11, 15))
    for unit_code in COMMUNES:
        commune = w.units[unit_code]
        contest = Contest.objects.create(
            round=w.rounds["COM"],
            code=unit_code,
            name=commune.name,
            level="commune",
            region=commune.region,
            cercle=commune.cercle,
            commune=commune,
            seats=23,
        )
        w.contests[("COM", unit_code)] = contest
        _sheet(w, "COM", contest, _station(w, "COM", commune), unit_code)

    # National councillors: one contest per region and the District (Art. 155, 174).
    _election(w, "CN", "national-councillors", "CN-2027-03-14", date(2027, 3, 14))
    for region_code in ("R01", "R02", "D09"):
        region = w.units[region_code]
        w.contests[("CN", region_code)] = Contest.objects.create(
            round=w.rounds["CN"], code=region_code, name=region.name, level="region", region=region
        )
    for unit_code in CN_STATIONS:
        commune = w.units[unit_code]
        contest = w.contests[("CN", commune.region.code)]
        _sheet(w, "CN", contest, _station(w, "CN", commune), unit_code)

    _election(w, "LEG", "legislative", "LEG-2027-07-04", date(2027, 7, 4))
    return w
