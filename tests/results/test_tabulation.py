"""Centralisation at every level, recomputed from the definitive minutes (Art. 141, 149, 187),
and the outcome of each contest from the law engine (Art. 125–127, 135, 144, 176).

The reference in these tests is an *independent recount*: plain Python over the sheets one by
one (``recount``), never the code under test.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from fractions import Fraction

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from kalata.cli import main
from kalata.elections.models import Contest, Election, Selection
from kalata.law.explain import round_half_up
from kalata.results.models import Annulment, TallySheet
from kalata.results.tabulation import (
    ABROAD_CODE,
    NATION_CODE,
    ROLLUP_LEVELS,
    second_round_candidates,
    station_results,
    tabulate,
)
from tests.results.tabulation_fixtures import (
    STATIONS,
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
    presidential_scenario,
    spread,
)

pytestmark = pytest.mark.django_db

FIGURES = ("registered", "voters", "null_ballots", "valid_votes")


# --------------------------------------------------------------------------------------------
# The independent recount


def _unit_codes(station) -> dict[str, str]:
    if station.commune_id is not None:
        commune = station.commune
        cercle = commune.cercle.code if commune.cercle_id else commune.region.code
        return {
            "commune": commune.code,
            "cercle": cercle,
            "region": commune.region.code,
            "nation": "ML",
        }
    mission = station.mission.code
    return {"commune": mission, "cercle": mission, "region": "EXT", "nation": "ML"}


def recount(rnd, contest_code: str) -> dict[str, dict[str, dict]]:
    """Every level of one contest, summed sheet by sheet in plain Python."""

    def blank():
        return {
            "registered": 0,
            "voters": 0,
            "null_ballots": 0,
            "valid_votes": 0,
            "votes": Counter(),
            "expected": 0,
            "received": 0,
            "definitive": 0,
            "blocked": 0,
            "annulled": 0,
            "registered_expected": 0,
            "registered_annulled": 0,
        }

    levels: dict[str, dict[str, dict]] = {lv: defaultdict(blank) for lv in ROLLUP_LEVELS}
    sheets = TallySheet.objects.filter(round=rnd, contest__code=contest_code).select_related(
        "station__commune__cercle", "station__commune__region", "station__mission"
    )
    for sheet in sheets:
        station = sheet.station
        counted = sheet.status == TallySheet.Status.DEFINITIVE and not sheet.annulled
        votes = {sv.selection.code: sv.votes for sv in sheet.sheet_votes.all()}
        for level, code in _unit_codes(station).items():
            u = levels[level][code]
            u["expected"] += 1
            u["registered_expected"] += station.registered
            u["received"] += sheet.status != TallySheet.Status.EXPECTED
            if sheet.annulled:
                u["annulled"] += 1
                u["registered_annulled"] += station.registered
            elif sheet.status == TallySheet.Status.BLOCKED:
                u["blocked"] += 1
            if counted:
                u["definitive"] += 1
                for name in FIGURES:
                    u[name] += getattr(sheet, name)
                u["votes"].update(votes)
    return levels


def assert_equal_to_recount(results, rnd, contest_code: str) -> None:
    contest = results.contest(contest_code)
    expected = recount(rnd, contest_code)
    for level in ROLLUP_LEVELS:
        units = {u.code: u for u in contest.units[level]}
        assert set(units) == set(expected[level]), level
        for code, ref in expected[level].items():
            unit = units[code]
            for name in FIGURES:
                assert getattr(unit, name) == ref[name], (level, code, name)
            for sel in contest.selections:
                assert unit.votes[sel.code] == ref["votes"][sel.code], (level, code, sel.code)
            p = unit.progress
            assert (
                p.sheets_expected,
                p.sheets_received,
                p.sheets_definitive,
                p.sheets_blocked,
                p.sheets_annulled,
                p.registered_expected,
                p.registered_annulled,
            ) == (
                ref["expected"],
                ref["received"],
                ref["definitive"],
                ref["blocked"],
                ref["annulled"],
                ref["registered_expected"],
                ref["registered_annulled"],
            ), (level, code)


@pytest.fixture
def pres():
    return presidential_scenario()


# --------------------------------------------------------------------------------------------
# Levels and progress


@pytest.mark.article("141")
@pytest.mark.article("142")
def test_every_level_equals_an_independent_recount_of_the_minutes(pres):
    results = tabulate(pres.round)
    assert_equal_to_recount(results, pres.round, "NATION")
    levels = results.contest("NATION").units
    assert [len(levels[lv]) for lv in ROLLUP_LEVELS] == [1, 4, 5, 9]


@pytest.mark.article("141")
@pytest.mark.article("142")
def test_several_seeds_all_equal_the_recount():
    territory = build_territory()
    for seed, day in ((1, 3), (7, 10)):
        scenario = presidential_scenario(seed, territory=territory, polling_date=date(2031, 5, day))
        assert_equal_to_recount(tabulate(scenario.round), scenario.round, "NATION")


@pytest.mark.article("141")
def test_only_definitive_minutes_count_and_progress_is_received_over_expected(pres):
    total = tabulate(pres.round).contest("NATION").total
    p = total.progress
    assert p.sheets_expected == 30
    assert p.sheets_definitive == 27
    assert p.sheets_blocked == 1
    assert p.sheets_received == 29  # the first-entry and blocked sheets were received
    assert p.sheets_pending == 3
    assert not p.complete
    assert p.registered_expected == sum(sum(v) for v in STATIONS.values())
    # Registered from the minutes counts only the definitive ones.
    definitive = TallySheet.objects.filter(round=pres.round, status="definitive")
    assert total.registered == sum(s.registered for s in definitive)
    assert total.registered < p.registered_expected
    assert p.as_dict()["counted_percent"] == "90.00"


@pytest.mark.article("141")
def test_minutes_arriving_later_are_counted_at_the_next_recomputation(pres):
    before = tabulate(pres.round).contest("NATION")
    late = TallySheet.objects.get(round=pres.round, station__code="CM020101-BV003")
    make_definitive(
        late,
        registered=680,
        voters=400,
        null_ballots=10,
        votes={"C01": 100, "C02": 90, "C03": 80, "C04": 70, "C05": 40, "C06": 10},
    )
    after = tabulate(pres.round).contest("NATION")
    assert after.total.progress.sheets_definitive == before.total.progress.sheets_definitive + 1
    assert after.total.valid_votes == before.total.valid_votes + 390
    assert after.unit("commune", "CM020101").votes["C03"] == (
        before.unit("commune", "CM020101").votes["C03"] + 80
    )
    assert after.unit("region", "R01") == before.unit("region", "R01")
    assert_equal_to_recount(tabulate(pres.round), pres.round, "NATION")


@pytest.mark.article("141")
@pytest.mark.article("149")
def test_the_district_of_bamako_is_its_own_commission_and_region_level_unit(pres):
    contest = tabulate(pres.round).contest("NATION")
    commune = contest.unit("commune", "CM090001")
    assert commune.parent == "D09"
    district = contest.unit("cercle", "D09")
    assert district.kind == "district"
    assert district.name == "District de Bamako"
    assert district.parent == "D09"
    region = contest.unit("region", "D09")
    assert region.kind == "district"
    assert (
        region.valid_votes
        == district.valid_votes
        == (
            contest.unit("commune", "CM090001").valid_votes
            + contest.unit("commune", "CM090002").valid_votes
        )
    )
    cercle = contest.unit("cercle", "C0101")
    assert (cercle.kind, cercle.parent, cercle.name) == ("cercle", "R01", "Cercle de Kayes")


@pytest.mark.article("141")
@pytest.mark.article("140")
def test_embassy_results_are_centralised_by_the_mission_and_grouped_abroad(pres):
    contest = tabulate(pres.round).contest("NATION")
    mission = contest.unit("cercle", "AMB-SN-DAKAR")
    assert mission.kind == "mission"
    assert mission.parent == ABROAD_CODE
    abroad = contest.unit("region", ABROAD_CODE)
    assert abroad.kind == "abroad"
    assert abroad.votes == mission.votes
    assert abroad.progress.sheets_expected == 2
    # The abroad unit comes last, after the regions and the District, and counts in the nation.
    regions = contest.units["region"]
    assert [u.code for u in regions] == ["R01", "R02", "D09", ABROAD_CODE]
    nation = contest.total
    assert nation.code == NATION_CODE
    for sel in contest.selections:
        assert nation.votes[sel.code] == sum(u.votes[sel.code] for u in regions)


@pytest.mark.article("141")
def test_units_are_listed_in_territorial_order(pres):
    contest = tabulate(pres.round).contest("NATION")
    assert [u.code for u in contest.units["cercle"]] == [
        "C0101",
        "C0102",
        "C0201",
        "D09",
        "AMB-SN-DAKAR",
    ]
    assert [u.code for u in contest.units["commune"]][-3:] == [
        "CM090001",
        "CM090002",
        "AMB-SN-DAKAR",
    ]


@pytest.mark.article("87")
def test_station_drill_down_shows_each_minutes_and_sums_to_the_commune(pres):
    units = station_results(pres.round, unit_code="CM010101")["NATION"]
    assert [u.code for u in units] == [f"CM010101-BV00{i}" for i in range(1, 5)]
    blocked = units[1]
    assert blocked.progress.sheets_blocked == 1
    assert blocked.valid_votes == 0 and blocked.parent == "CM010101"
    commune = tabulate(pres.round).contest("NATION").unit("commune", "CM010101")
    assert sum(u.valid_votes for u in units) == commune.valid_votes
    for code in commune.votes:
        assert sum(u.votes[code] for u in units) == commune.votes[code]
    sheet = TallySheet.objects.get(round=pres.round, station__code="CM010101-BV001")
    assert units[0].voters == sheet.voters
    assert units[0].progress.registered_expected == 700


# --------------------------------------------------------------------------------------------
# Annulments


@pytest.mark.article("150")
@pytest.mark.article("142")
def test_annulled_minutes_are_excluded_and_the_annulment_is_shown(pres):
    before = tabulate(pres.round).contest("NATION")
    judge = make_user()
    station = TallySheet.objects.get(round=pres.round, station__code="CM010201-BV002")
    annulment = Annulment.objects.create(
        round=pres.round,
        scope="station",
        station=station.station,
        reason="Bourrage d'urne constaté",
        reference="Arrêt n°2026-01/CC-EP",
        by=judge,
    )
    TallySheet.objects.filter(pk=station.pk).update(annulled=True)
    after = tabulate(pres.round)
    contest = after.contest("NATION")
    assert_equal_to_recount(after, pres.round, "NATION")
    assert contest.total.valid_votes == before.total.valid_votes - station.valid_votes
    commune = contest.unit("commune", "CM010201")
    assert commune.progress.sheets_annulled == 1
    assert commune.progress.registered_annulled == 610
    assert [a.reason for a in commune.annulments] == ["Bourrage d'urne constaté"]
    assert contest.unit("region", "R01").annulments[0].id == annulment.id
    assert contest.unit("commune", "CM010101").annulments == ()
    assert contest.unit("region", "R02").annulments == ()
    assert after.annulments[0].target == "CM010201-BV002"
    note = contest.outcome.notes[-1]
    assert "Bourrage d'urne constaté" in note.text and note.articles == ("142",)
    # An annulled sheet no longer counts as pending.
    assert contest.total.progress.sheets_pending == before.total.progress.sheets_pending


@pytest.mark.article("150")
def test_an_annulled_sheet_still_awaited_stops_being_pending(pres):
    judge = make_user()
    sheet = TallySheet.objects.get(round=pres.round, station__code="CM020101-BV003")
    Annulment.objects.create(
        round=pres.round,
        scope="contest",
        contest=sheet.contest,
        reason="x",
        reference="y",
        by=judge,
    )
    TallySheet.objects.filter(pk=sheet.pk).update(annulled=True)
    total = tabulate(pres.round).contest("NATION").total
    assert total.progress.sheets_pending == 2
    assert total.progress.sheets_annulled == 1
    # A contest-wide annulment is shown at every level of that contest.
    assert all(
        u.annulments
        for lv in ROLLUP_LEVELS
        for u in tabulate(pres.round).contest("NATION").units[lv]
    )


# --------------------------------------------------------------------------------------------
# Exact shares, display


@pytest.mark.article("127")
def test_shares_and_turnout_are_exact_fractions_displayed_half_up(pres):
    total = tabulate(pres.round).contest("NATION").total
    assert sum(total.shares.values()) == 100
    for code, share in total.shares.items():
        assert isinstance(share, Fraction)
        assert share == Fraction(100 * total.votes[code], total.valid_votes)
    assert total.turnout == Fraction(100 * total.voters, total.registered)
    data = total.as_dict()
    assert data["shares"] == {k: round_half_up(v) for k, v in total.shares.items()}
    assert data["turnout"] == round_half_up(total.turnout)


@pytest.mark.article("125")
@pytest.mark.article("126")
def test_referendum_outcome_and_a_half_share_rounded_up():
    t = build_territory()
    election = make_election(Election.Kind.REFERENDUM)
    rnd = make_round(election)
    nation = make_contest(rnd, "NATION", "Territoire national", Contest.Level.NATION)
    make_selections(nation, ["OUI", "NON"], kind=Selection.Kind.ANSWER)
    sheets = add_sheets(rnd, nation, add_stations(election, t.communes["CM090001"], [700, 700]))
    make_definitive(
        sheets[0], registered=700, voters=410, null_ballots=10, votes={"OUI": 1, "NON": 399}
    )
    make_definitive(
        sheets[1], registered=700, voters=405, null_ballots=5, votes={"OUI": 0, "NON": 400}
    )
    contest = tabulate(rnd).contest("NATION")
    # 1 "oui" out of 800: 0.125 % is shown 0.13 (half-up), 99.875 % is shown 99.88.
    assert contest.total.as_dict()["shares"] == {"OUI": "0.13", "NON": "99.88"}
    decision = contest.outcome.decision
    assert decision.adopted is False
    assert contest.outcome.complete


# --------------------------------------------------------------------------------------------
# Presidential outcome


@pytest.mark.article("127")
@pytest.mark.article("135")
def test_presidential_outcome_and_deposit_refunds_follow_the_recount(pres):
    contest = tabulate(pres.round).contest("NATION")
    ref = recount(pres.round, "NATION")["nation"]["ML"]
    valid = ref["valid_votes"]
    ranked = sorted(ref["votes"].items(), key=lambda kv: -kv[1])
    assert ranked[1][1] != ranked[2][1]  # the seeded figures have no tie at the boundary
    decision = contest.outcome.decision
    assert contest.outcome.rule == "presidential_first_round"
    if ranked[0][1] * 2 > valid:
        assert decision.elected == ranked[0][0]
    else:
        assert decision.elected is None
        assert decision.second_round == (ranked[0][0], ranked[1][0])
    refunded = {code for code, v in ref["votes"].items() if v * 100 >= 5 * valid}
    assert set(decision.deposit_refunded) == refunded
    assert {"C01", "C02", "C03"} <= refunded and "C06" not in refunded
    texts = [s.text for s in contest.outcome.steps]
    assert texts[0].startswith("Résultats partiels")
    assert any("Cautionnement remboursé" in t for t in texts)
    assert second_round_candidates(tabulate(pres.round)) == {"NATION": ["C01", "C02"]}


@pytest.mark.article("127")
@pytest.mark.article("139")
def test_a_withdrawn_candidate_is_replaced_by_the_next_in_first_round_order(pres):
    Selection.objects.filter(contest__round=pres.round, code="C02").update(withdrawn=True)
    results = tabulate(pres.round)
    decision = results.contest("NATION").outcome.decision
    assert decision.second_round == ("C01", "C03")
    assert "C02" in decision.deposit_refunded  # a withdrawal after round 1 keeps the refund
    assert second_round_candidates(results) == {"NATION": ["C01", "C03"]}
    assert results.contest("NATION").selections[1].withdrawn is True


@pytest.mark.article("127")
def test_second_round_elects_the_candidate_with_the_absolute_majority():
    t = build_territory()
    election = make_election(Election.Kind.PRESIDENTIAL)
    rnd = make_round(election, 2, date(2026, 5, 10))
    nation = make_contest(rnd, "NATION", "Territoire national", Contest.Level.NATION)
    make_selections(nation, ["C01", "C03"])
    sheets = add_sheets(rnd, nation, add_stations(election, t.communes["CM010101"], [700, 650]))
    make_definitive(
        sheets[0], registered=700, voters=500, null_ballots=12, votes={"C01": 250, "C03": 238}
    )
    make_definitive(
        sheets[1], registered=650, voters=300, null_ballots=8, votes={"C01": 141, "C03": 151}
    )
    outcome = tabulate(rnd).contest("NATION").outcome
    assert outcome.rule == "presidential_second_round"
    assert outcome.decision.elected == "C01"  # 391 of 780
    assert outcome.decision.deposit_refunded == ()
    assert second_round_candidates(tabulate(rnd)) == {}


@pytest.mark.article("127")
def test_outcome_the_law_cannot_decide_reports_the_law_error():
    t = build_territory()
    election = make_election(Election.Kind.PRESIDENTIAL)
    rnd = make_round(election, 2, date(2026, 5, 10))
    nation = make_contest(rnd, "NATION", "Territoire national", Contest.Level.NATION)
    make_selections(nation, ["C01", "C02", "C03"])
    add_sheets(rnd, nation, add_stations(election, t.communes["CM010101"], [700]))
    outcome = tabulate(rnd).contest("NATION").outcome
    assert outcome.decision is None
    assert outcome.error.code == "second_round_not_two"
    assert outcome.as_dict()["error"]["code"] == "second_round_not_two"


# --------------------------------------------------------------------------------------------
# Legislative: one contest per constituency (Art. 143, 144, 149)


@pytest.mark.article("144")
@pytest.mark.article("149")
def test_legislative_results_and_outcome_per_constituency():
    t = build_territory()
    election = make_election(Election.Kind.LEGISLATIVE)
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
    make_selections(kayes, ["L1", "L2", "L3"], kind=Selection.Kind.LIST)
    make_selections(bamako, ["L1", "L2", "L3"], kind=Selection.Kind.LIST)
    kayes_sheets = add_sheets(
        rnd, kayes, add_stations(election, t.communes["CM010101"], [700, 600])
    ) + add_sheets(rnd, kayes, add_stations(election, t.communes["CM010102"], [500]))
    bamako_sheets = add_sheets(
        rnd, bamako, add_stations(election, t.communes["CM090001"], [700, 700])
    )
    for sheet, votes in zip(
        kayes_sheets,
        (
            {"L1": 200, "L2": 100, "L3": 50},
            {"L1": 150, "L2": 120, "L3": 30},
            {"L1": 90, "L2": 80, "L3": 10},
        ),
        strict=True,
    ):
        valid = sum(votes.values())
        make_definitive(
            sheet,
            registered=sheet.station.registered,
            voters=valid + 5,
            null_ballots=5,
            votes=votes,
        )
    for sheet, votes in zip(
        bamako_sheets,
        ({"L1": 200, "L2": 190, "L3": 100}, {"L1": 150, "L2": 170, "L3": 60}),
        strict=True,
    ):
        valid = sum(votes.values())
        make_definitive(sheet, registered=700, voters=valid + 3, null_ballots=3, votes=votes)

    results = tabulate(rnd)
    for code in ("C0101", "CM090001"):
        assert_equal_to_recount(results, rnd, code)
    kayes_r = results.contest("C0101")
    assert [u.code for u in kayes_r.units["commune"]] == ["CM010101", "CM010102"]
    assert [u.code for u in kayes_r.units["region"]] == ["R01"]
    # Kayes: L1 440 of 830 — absolute majority, the list takes both seats.
    assert kayes_r.outcome.decision.elected_list == "L1"
    assert "les 2 sièges" in kayes_r.outcome.steps[-1].text
    # Commune I: L1 350, L2 360, L3 160 of 870 — a second round between L2 and L1.
    bamako_r = results.contest("CM090001")
    assert bamako_r.outcome.decision.elected_list is None
    assert second_round_candidates(results) == {"CM090001": ["L2", "L1"]}
    only = tabulate(rnd, contest_codes=["CM090001"])
    assert [c.code for c in only.contests] == ["CM090001"]
    assert only.contest("CM090001").total == bamako_r.total


# --------------------------------------------------------------------------------------------
# Communal: seats and named councillors per commune (Art. 176, 187)


def _members(prefix: str, count: int, born: date = date(1970, 1, 1)):
    return [(f"{prefix} {i:02d}", born) for i in range(1, count + 1)]


@pytest.mark.article("176")
@pytest.mark.article("187")
def test_communal_seats_by_highest_average_and_the_named_councillors():
    t = build_territory()
    election = make_election(Election.Kind.COMMUNAL)
    rnd = make_round(election)
    commune = t.communes["CM010202"]  # Diokéli: 11 councillors
    contest = make_contest(
        rnd, commune.code, commune.name, Contest.Level.COMMUNE, seats=11, commune=commune
    )
    for order, code in enumerate(("L1", "L2", "L3", "L4"), start=1):
        make_list(contest, code, order, _members(f"Candidat {code}", 11))
    sheets = add_sheets(rnd, contest, add_stations(election, commune, [350, 330, 120]))
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
        voters = sum(votes.values()) + nulls
        make_definitive(
            sheet,
            registered=sheet.station.registered,
            voters=voters,
            null_ballots=nulls,
            votes=votes,
        )

    result = tabulate(rnd).contest(commune.code)
    assert_equal_to_recount(tabulate(rnd), rnd, commune.code)
    # L1 305, L2 145, L3 55, L4 10 of 515: L4 (1,94 %) is excluded. Highest averages, by hand:
    # 305, 152.5 (L1), 145 (L2), 101.7, 76.25 (L1), 72.5 (L2), 61 (L1), 55 (L3), 50.8 (L1),
    # 48.3 (L2), 43.6 (L1); the next would be 38.1 (L1) > 36.25 (L2).
    decision = result.outcome.decision
    assert dict(decision.seats) == {"L1": 7, "L2": 3, "L3": 1, "L4": 0}
    assert decision.excluded == ("L4",)
    elected = [(e.list_code, e.rank, e.name) for e in decision.elected]
    assert elected == (
        [("L1", r, f"Candidat L1 {r:02d}") for r in range(1, 8)]
        + [("L2", r, f"Candidat L2 {r:02d}") for r in range(1, 4)]
        + [("L3", 1, "Candidat L3 01")]
    )
    data = result.outcome.as_dict()
    assert data["decision"]["elected"][0] == {"list": "L1", "rank": 1, "name": "Candidat L1 01"}
    assert result.level == "commune" and result.seats == 11


@pytest.mark.article("176")
def test_communal_equal_averages_go_to_the_oldest_candidate_from_the_lists():
    t = build_territory()
    election = make_election(Election.Kind.COMMUNAL)
    rnd = make_round(election)
    commune = t.communes["CM090002"]
    # A two-seat council keeps the example small; the rule does not depend on the size.
    contest = make_contest(
        rnd, commune.code, commune.name, Contest.Level.COMMUNE, seats=2, commune=commune
    )
    make_list(
        contest, "L1", 1, [("Awa Diarra", date(1965, 3, 1)), ("Bakary Coulibaly", date(1962, 5, 2))]
    )
    make_list(
        contest, "L2", 2, [("Fatoumata Traoré", date(1960, 1, 1)), ("Issa Keïta", date(1980, 1, 1))]
    )
    make_list(
        contest,
        "L3",
        3,
        [("Mamadou Sidibé", date(1951, 8, 15)), ("Oumou Sangaré", date(1985, 1, 1))],
    )
    (sheet,) = add_sheets(rnd, contest, add_stations(election, commune, [700]))
    make_definitive(
        sheet, registered=700, voters=410, null_ballots=10, votes={"L1": 200, "L2": 100, "L3": 100}
    )
    decision = tabulate(rnd).contest(commune.code).outcome.decision
    # Seat 1: L1 (200). Seat 2: L1 200/2 = L2 100 = L3 100; the oldest of the candidates who
    # could be elected (L1 n°2 born 1962, L2 n°1 born 1960, L3 n°1 born 1951) takes it.
    assert dict(decision.seats) == {"L1": 1, "L2": 0, "L3": 1}
    assert [e.name for e in decision.elected] == ["Awa Diarra", "Mamadou Sidibé"]


# --------------------------------------------------------------------------------------------
# Stable JSON, speed by design


@pytest.mark.article("141")
def test_results_json_is_stable_and_carries_codes_names_figures_shares_progress(pres):
    first = json.dumps(tabulate(pres.round).as_dict(), ensure_ascii=False, sort_keys=False)
    second = json.dumps(tabulate(pres.round).as_dict(), ensure_ascii=False, sort_keys=False)
    assert first == second
    data = json.loads(first)
    assert data["round"] == "PRES-2026-04-26-T1"
    contest = data["contests"][0]
    assert list(contest["levels"]) == ["nation", "region", "cercle", "commune"]
    nation = contest["levels"]["nation"][0]
    assert set(nation) >= {"code", "name", "registered", "votes", "shares", "progress", "turnout"}
    assert list(nation["votes"]) == ["C01", "C02", "C03", "C04", "C05", "C06"]
    assert all(isinstance(v, str) for v in nation["shares"].values())
    assert nation["progress"]["sheets_expected"] == 30
    assert data["progress"]["sheets_pending"] == 3
    only_nation = tabulate(pres.round).as_dict(levels=("nation",))
    assert list(only_nation["contests"][0]["levels"]) == ["nation"]


@pytest.mark.article("141")
def test_recomputation_takes_the_same_few_queries_whatever_the_number_of_minutes(pres):
    with CaptureQueriesContext(connection) as small:
        tabulate(pres.round)
    contest = pres.contests["NATION"]
    more = add_sheets(
        pres.round,
        contest,
        add_stations(pres.election, pres.territory.communes["CM010102"], [700] * 20),
    )
    for sheet in more:
        make_definitive(
            sheet,
            registered=700,
            voters=300,
            null_ballots=0,
            votes=dict(
                zip(["C01", "C02", "C03", "C04", "C05", "C06"], spread(300, 6), strict=True)
            ),
        )
    with CaptureQueriesContext(connection) as large:
        results = tabulate(pres.round)
    assert len(large.captured_queries) == len(small.captured_queries) <= 10
    assert results.contest("NATION").total.progress.sheets_expected == 50


@pytest.mark.article("141")
def test_a_read_torn_by_a_concurrent_write_is_read_again(pres, monkeypatch):
    from kalata.results import columns

    original = columns.RoundColumns.sums
    calls = []

    def torn(self, minutes):
        out = original(self, minutes)
        if not calls:  # as if a sheet became definitive between the reads of its rows
            figures, _votes = out[0]
            figures[0, columns.FIELDS.index("valid_votes")] += 250
        calls.append(1)
        return out

    monkeypatch.setattr(columns.RoundColumns, "sums", torn)
    results = tabulate(pres.round)
    assert len(calls) == 2
    assert results.warnings == ()
    assert_equal_to_recount(results, pres.round, "NATION")


@pytest.mark.article("141")
def test_votes_that_do_not_add_up_to_the_valid_votes_are_reported_not_hidden(pres):
    sheet = TallySheet.objects.get(round=pres.round, station__code="CM020102-BV001")
    sheet.sheet_votes.filter(selection__code="C01").update(votes=F("votes") + 7)
    results = tabulate(pres.round)
    (warning,) = results.warnings
    assert warning.startswith("Circonscription NATION, CM020102 : les voix")
    assert results.as_dict()["warnings"] == [warning]


# --------------------------------------------------------------------------------------------
# Command line


@pytest.mark.article("141")
def test_cli_tabulate_json_is_the_results_as_dict(pres, capsys):
    assert main(["results", "tabulate", pres.round.code, "--json", "--level", "region"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == json.loads(json.dumps(tabulate(pres.round).as_dict(levels=("region",))))
    assert [u["code"] for u in data["contests"][0]["levels"]["region"]] == [
        "R01",
        "R02",
        "D09",
        "EXT",
    ]


@pytest.mark.article("141")
def test_cli_tabulate_text_in_french_with_progress_and_decision(pres, capsys):
    assert main(["results", "tabulate", pres.round.code, "--level", "cercle"]) == 0
    out = capsys.readouterr().out
    assert "Circonscription NATION — Territoire national" in out
    assert "C0102 — Cercle de Bafoulabé" in out
    assert "PV : 27 définitifs sur 30 attendus" in out
    assert "Second tour entre les candidats C01 et C02" in out


@pytest.mark.article("87")
def test_cli_tabulate_station_level_for_one_commune(pres, capsys):
    args = ["results", "tabulate", pres.round.code, "--json", "--level", "station"]
    assert main([*args, "--unit", "CM090002"]) == 0
    data = json.loads(capsys.readouterr().out)
    stations = data["contests"][0]["levels"]["station"]
    assert [s["code"] for s in stations] == [f"CM090002-BV00{i}" for i in (1, 2, 3)]


def test_cli_tabulate_unknown_round_or_contest_is_a_french_error(pres, capsys):
    assert main(["results", "tabulate", "PRES-2099-01-01-T1"]) == 2
    assert "tour inconnu" in capsys.readouterr().err
    assert main(["results", "tabulate", pres.round.code, "--contest", "C9999"]) == 2
    assert "circonscription inconnue" in capsys.readouterr().err
