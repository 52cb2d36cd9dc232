"""Seats and the elected on the public pages: communal councillors per commune (Art. 176, 187),
the elected list per legislative constituency and the second-round designations (Art. 144).

Built with the small territory of ``tests/results/tabulation_fixtures.py`` (ORM fixtures, read
only here)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from kalata.elections.models import Contest, Election, Selection
from kalata.results.proclamation import proclaim
from tests.results.tabulation_fixtures import (
    add_sheets,
    add_stations,
    build_territory,
    make_contest,
    make_definitive,
    make_election,
    make_list,
    make_round,
    make_selections,
    make_user,
)

pytestmark = pytest.mark.django_db

BORN = {
    "Awa Diarra": date(1965, 3, 1),
    "Bakary Coulibaly": date(1962, 5, 2),
    "Fatoumata Traoré": date(1960, 1, 1),
    "Issa Keïta": date(1980, 1, 1),
    "Mamadou Sidibé": date(1951, 8, 15),
    "Oumou Sangaré": date(1985, 1, 1),
}


def members(prefix: str, count: int):
    return [(f"{prefix} {i:02d}", date(1970, 1, 1)) for i in range(1, count + 1)]


@pytest.fixture
def communal(db):
    t = build_territory()
    election = make_election(Election.Kind.COMMUNAL)
    rnd = make_round(election)
    dioke = t.communes["CM010202"]  # Diokéli, cercle C0102: 11 councillors
    contest = make_contest(
        rnd, dioke.code, dioke.name, Contest.Level.COMMUNE, seats=11, commune=dioke
    )
    for order, code in enumerate(("L1", "L2", "L3", "L4"), start=1):
        make_list(contest, code, order, members(f"Candidat {code}", 11))
    sheets = add_sheets(rnd, contest, add_stations(election, dioke, [350, 330, 120]))
    for sheet, votes, nulls in zip(
        sheets,
        (
            {"L1": 130, "L2": 60, "L3": 25, "L4": 5},
            {"L1": 125, "L2": 60, "L3": 20, "L4": 3},
            {"L1": 50, "L2": 25, "L3": 10, "L4": 2},
        ),
        (10, 10, 5),
        strict=True,
    ):
        make_definitive(
            sheet,
            registered=sheet.station.registered,
            voters=sum(votes.values()) + nulls,
            null_ballots=nulls,
            votes=votes,
        )
    # Commune II of Bamako: two seats, equal averages settled by age (Art. 176).
    c2 = t.communes["CM090002"]
    tie = make_contest(rnd, c2.code, c2.name, Contest.Level.COMMUNE, seats=2, commune=c2)
    make_list(
        tie,
        "L1",
        1,
        [("Awa Diarra", BORN["Awa Diarra"]), ("Bakary Coulibaly", BORN["Bakary Coulibaly"])],
    )
    make_list(
        tie,
        "L2",
        2,
        [("Fatoumata Traoré", BORN["Fatoumata Traoré"]), ("Issa Keïta", BORN["Issa Keïta"])],
    )
    make_list(
        tie,
        "L3",
        3,
        [("Mamadou Sidibé", BORN["Mamadou Sidibé"]), ("Oumou Sangaré", BORN["Oumou Sangaré"])],
    )
    (sheet,) = add_sheets(rnd, tie, add_stations(election, c2, [700]))
    make_definitive(
        sheet, registered=700, voters=410, null_ballots=10, votes={"L1": 200, "L2": 100, "L3": 100}
    )
    return election, rnd


@pytest.mark.article("176")
def test_communal_seats_per_list_and_the_named_councillors(communal):
    election, rnd = communal
    client = Client()
    url = f"/scrutins/{election.code}/tour-1/CM010202/"
    payload = client.get(url.rstrip("/") + ".json").json()
    decision = payload["outcome"]["decision"]
    assert decision["seats"] == {"L1": 7, "L2": 3, "L3": 1, "L4": 0}
    html = client.get(url).content.decode()
    assert "Sièges par liste" in html
    for rank in range(1, 8):
        assert f"Candidat L1 {rank:02d}" in html
    assert "Candidat L1 08" not in html
    assert "Candidat L3 01" in html and "Candidat L3 02" not in html
    assert "Listes n'ayant pas atteint le seuil" in html
    # Drill-down to the stations of the commune.
    commune = client.get(url + "commune/CM010202.json").json()
    assert commune["children_level"] == "station"
    assert len(commune["children"]) == 3


@pytest.mark.article("176")
def test_the_age_tie_break_shows_ages_never_birth_dates(communal):
    election, rnd = communal
    client = Client()
    url = f"/scrutins/{election.code}/tour-1/CM090002/"
    html = client.get(url).content.decode()
    data = client.get(url.rstrip("/") + ".json").content.decode()
    assert "Mamadou Sidibé" in html  # elected, the oldest of the contenders
    assert "âgé(e) de 74 ans le jour du scrutin" in data  # born 15 August 1951, vote 2026-04-26
    assert "âgé(e) de 74 ans le jour du scrutin" in html
    for born in BORN.values():
        for text in (html, data):
            assert str(born.year) not in text and born.isoformat() not in text


@pytest.mark.article("187")
def test_each_commission_proclaims_its_communes_and_the_round_shows_progress(communal):
    election, rnd = communal
    client = Client()
    proclaim(rnd, "provisional", make_user("commission-c0102"), scope="C0102")
    dioke = client.get(f"/scrutins/{election.code}/tour-1/CM010202.json").json()
    assert dioke["status"]["kind"] == "provisional"
    assert dioke["status"]["scope"] == "C0102"
    assert dioke["status"]["authority"] == (
        "la commission de centralisation du cercle ou du District"
    )
    bamako = client.get(f"/scrutins/{election.code}/tour-1/CM090002.json").json()
    assert bamako["status"]["kind"] == "partial"
    round_page = client.get(f"/scrutins/{election.code}/tour-1/").content.decode()
    assert "Proclamations en cours" in round_page
    assert "Sièges proclamés par parti ou groupement" in round_page
    # Only the proclaimed commune's 11 seats count as proclaimed.
    assert "11 sièges attribués par des résultats proclamés, sur 13 à pourvoir" in round_page
    summary = client.get(f"/scrutins/{election.code}/tour-1.json").json()
    assert summary["statuses"] == {"provisional": 1, "partial": 1}


@pytest.mark.article("144")
def test_legislative_elected_list_and_second_round_per_constituency(db):
    t = build_territory()
    election = make_election(Election.Kind.LEGISLATIVE, date(2027, 7, 4))
    rnd = make_round(election)
    kayes = make_contest(
        rnd, "C0101", "Cercle de Kayes", Contest.Level.CERCLE, seats=2, cercle=t.cercles["C0101"]
    )
    bamako = make_contest(
        rnd,
        "CM090001",
        "Commune I du District de Bamako",
        Contest.Level.BAMAKO_COMMUNE,
        seats=1,
        commune=t.communes["CM090001"],
    )
    make_selections(kayes, ["L1", "L2"], kind=Selection.Kind.LIST)
    make_selections(bamako, ["L1", "L2", "L3"], kind=Selection.Kind.LIST)
    (k,) = add_sheets(rnd, kayes, add_stations(election, t.communes["CM010101"], [700]))
    make_definitive(k, registered=700, voters=405, null_ballots=5, votes={"L1": 300, "L2": 100})
    (b,) = add_sheets(rnd, bamako, add_stations(election, t.communes["CM090001"], [700]))
    make_definitive(
        b, registered=700, voters=500, null_ballots=10, votes={"L1": 200, "L2": 190, "L3": 100}
    )
    client = Client()
    base = f"/scrutins/{election.code}/tour-1/"
    kayes_html = client.get(base + "C0101/").content.decode()
    assert "Liste élue (2 siège(s)) : Candidat L1" in kayes_html
    bamako_json = client.get(base + "CM090001.json").json()
    assert bamako_json["outcome"]["decision"]["second_round"] == ["L1", "L2"]
    assert (
        "Second tour entre Candidat L1 et Candidat L2"
        in client.get(base + "CM090001/").content.decode()
    )
    summary = client.get(base.rstrip("/") + ".json").json()
    assert [c["code"] for c in summary["contests"]] == ["C0101", "CM090001"]
    round_html = client.get(base).content.decode()
    assert "Liste élue (2 siège(s)) : Candidat L1" in round_html
    # The round's maps group the lists by party (here: by list name, no party given).
    assert "Parti ou groupement en tête" in round_html
