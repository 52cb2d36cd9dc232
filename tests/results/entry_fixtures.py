"""Fixtures for the data-entry tests: one presidential contest, one station, its sheet, and users.

Imported explicitly by ``test_workflow.py`` and ``test_entry.py`` (not a conftest: other results
tests keep their own fixtures).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from kalata.accounts import services as accounts
from kalata.accounts.models import Role
from kalata.elections.models import Contest, Election, PollingStation, Round, Selection
from kalata.results.entry import record_expected
from kalata.results.models import TallySheet
from kalata.territory.models import Mission

CODES = ("C01", "C02", "C03")


def make_sheet(code: str = "PRES-2026-04-26", station_code: str = "MDAKAR-BV001") -> TallySheet:
    """A presidential first round with three candidates and one station abroad, its sheet
    recorded as expected in the audit log."""
    election = Election.objects.create(
        code=code,
        kind=Election.Kind.PRESIDENTIAL,
        title="Élection du Président de la République",
        polling_date=date(2026, 4, 26),
    )
    rnd = Round.objects.create(election=election, number=1, polling_date=date(2026, 4, 26))
    contest = Contest.objects.create(
        round=rnd, code="NATION", name="Territoire national", level=Contest.Level.NATION
    )
    for order, sel in enumerate(CODES, start=1):
        Selection.objects.create(
            contest=contest,
            code=sel,
            kind=Selection.Kind.CANDIDATE,
            name=f"Candidat {sel}",
            order=order,
        )
    mission = dakar()
    station = PollingStation.objects.create(
        election=election, code=station_code, number=1, mission=mission, registered=500
    )
    sheet = TallySheet.objects.create(round=rnd, contest=contest, station=station)
    with transaction.atomic():
        record_expected([sheet], "system")
    return sheet


def figures(**changes) -> dict:
    """Consistent minutes without any warning; keyword arguments override fields.

    ``votes=`` replaces the votes; ``C01=…`` changes one candidate's votes.
    """
    out = {
        "registered": 500,
        "voters": 300,
        "envelopes": 300,
        "null_ballots": 10,
        "valid_votes": 290,
        "votes": {"C01": 150, "C02": 100, "C03": 40},
    }
    for key, value in changes.items():
        if key in CODES:
            out["votes"] = {**out["votes"], key: value}
        else:
            out[key] = value
    return out


def dakar() -> Mission:
    """The embassy in Dakar: a centralisation commission for the presidential vote (Art. 141)."""
    mission, _ = Mission.objects.get_or_create(
        code="AMB-SN-DAKAR",
        defaults={
            "name": "Ambassade du Mali à Dakar",
            "kind": "ambassade",
            "city": "Dakar",
            "country": "SN",
        },
    )
    return mission


def user_with(username: str, *roles: str, mission: Mission | None = None) -> User:
    """A user with roles granted through ``kalata.accounts`` for every election: clerks and
    presidents in the Dakar embassy's commission (or ``mission``), the court nationally."""
    user = User.objects.create_user(username)
    for role in roles:
        if role == Role.COURT:
            accounts.grant(user, role)
        else:
            accounts.grant(user, role, mission=mission or dakar())
    return user


@pytest.fixture(name="sheet")
def sheet_fixture(db) -> TallySheet:
    return make_sheet()


@pytest.fixture(name="awa")
def awa_fixture(db) -> User:
    return user_with("awa", Role.CLERK)


@pytest.fixture(name="moussa")
def moussa_fixture(db) -> User:
    return user_with("moussa", Role.CLERK)


@pytest.fixture(name="fatou")
def fatou_fixture(db) -> User:
    return user_with("fatou", Role.CLERK)


@pytest.fixture(name="president")
def president_fixture(db) -> User:
    return user_with("president", Role.PRESIDENT)


@pytest.fixture(name="deputy")
def deputy_fixture(db) -> User:
    """A president who is also a clerk (a small commission)."""
    return user_with("adjoint", Role.PRESIDENT, Role.CLERK)


@pytest.fixture(name="registry")
def registry_fixture(db) -> User:
    return user_with("greffe", Role.COURT)
