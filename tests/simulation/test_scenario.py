"""The simulated electorate and minutes (``kalata.simulation.scenario``): pure, no database."""

from __future__ import annotations

import random
from datetime import date

import pytest

from kalata.law.polling import station_sizes
from kalata.law.tally import TallyFigures, check_tally
from kalata.simulation import scenario as sc
from kalata.territory.annex import load_shipped


def national_electors(seed: int = 2007) -> dict[str, int]:
    territory = load_shipped()
    communes = [(c["code"], c["population"] or 0) for c in territory["communes"]]
    missions = list(sc.MISSION_WEIGHTS)
    return sc.electors_by_unit(
        seed, communes, missions, sc.DEFAULT_DOMESTIC_ELECTORS, sc.DEFAULT_ABROAD_ELECTORS
    )


def test_apportion_is_exact_and_proportional():
    parts = sc.apportion(10, [("A", 1), ("B", 1), ("C", 1)])
    assert sum(parts.values()) == 10
    assert sorted(parts.values()) == [3, 3, 4]
    assert sc.apportion(7, [("A", 3), ("B", 1)]) == {"A": 5, "B": 2}


@pytest.mark.article("71")
def test_seven_million_electors_need_about_ten_thousand_stations():
    electors = national_electors()
    assert sum(electors.values()) == 7_000_000
    abroad = sum(n for code, n in electors.items() if not code.startswith("CM"))
    assert abroad == sc.DEFAULT_ABROAD_ELECTORS
    stations = sum(len(station_sizes(n).sizes) for n in electors.values())
    assert 10_000 <= stations <= 11_000


def test_electors_follow_population_and_the_seed():
    a, b = national_electors(1), national_electors(1)
    assert a == b
    c = national_electors(2)
    assert a != c and sum(c.values()) == sum(a.values())
    # Bamako's six communes hold about 11.6 % of the population.
    bamako = sum(n for code, n in a.items() if code.startswith("CM09"))
    assert 0.10 < bamako / 6_700_000 < 0.13


def test_binomial_stays_within_bounds():
    rng = random.Random(1)
    for n, p in [(0, 0.5), (5, 0.01), (700, 0.38), (700, 0.999), (300, 1.0), (300, 0.0)]:
        for _ in range(50):
            k = sc.binomial(rng, n, p)
            assert 0 <= k <= n
    draws = [sc.binomial(rng, 600, 0.4) for _ in range(2000)]
    assert 235 < sum(draws) / len(draws) < 245


@pytest.mark.article("84")
@pytest.mark.article("85")
def test_true_minutes_add_up_and_pass_every_blocking_check():
    weights = sc.presidential_weights("R05", runoff=False)
    codes = list(weights)
    for i in range(200):
        profile = sc.unit_profile(7, f"NATION:U{i}", "presidential", 1, "R05", weights, codes)
        figures = sc.station_figures(7, 1, f"S{i}", 650, profile)
        assert figures["null_ballots"] + figures["valid_votes"] == figures["voters"]
        assert sum(figures["votes"].values()) == figures["valid_votes"]
        report = check_tally(TallyFigures(**figures), codes)
        assert not report.errors


@pytest.mark.article("84")
@pytest.mark.article("85")
@pytest.mark.article("86")
@pytest.mark.article("87")
def test_each_injected_fault_fires_its_check():
    weights = sc.presidential_weights("R02", runoff=False)
    codes = list(weights)
    profile = sc.unit_profile(3, "NATION:U", "presidential", 1, "R02", weights, codes)
    truth = sc.station_figures(3, 1, "S", 600, profile)
    for fault in sc.FAULT_CODES:
        paper = sc.paper_figures(truth, fault, 3, f"1:S:{fault}")
        fired = check_tally(TallyFigures(**paper), codes).codes
        assert fault in fired, (fault, fired)


def test_a_typo_changes_exactly_one_field():
    truth = {"voters": 253, "envelopes": 253, "votes": {"C01": 120, "C02": 80}}
    for i in range(30):
        typed = sc.with_typo(truth, "voters", 1, f"x{i}")
        assert typed["voters"] != 253 and typed["votes"] == truth["votes"]
        typed = sc.with_typo(truth, "votes.C02", 1, f"y{i}")
        assert typed["votes"]["C02"] != 80 and typed["votes"]["C01"] == 120


def test_every_fault_is_present_in_a_small_simulation():
    plans = {f"S{i}": sc.Plan(None, None, None) for i in range(40)}
    plans = sc.ensure_each_fault(plans, sorted(plans))
    assert {p.fault for p in plans.values()} >= set(sc.FAULT_CODES)


def test_shares_are_modelled_on_2007():
    country = sc.presidential_weights("R04", runoff=False)
    bamako = sc.presidential_weights("D09", runoff=False)
    assert 0.65 < country["C01"] < 0.78 and 0.12 < country["C02"] < 0.22
    assert 0.50 < bamako["C01"] < 0.60 and 0.30 < bamako["C02"] < 0.42
    assert sc.turnout_base("presidential", 1, "D09") == pytest.approx(0.24)
    runoff = sc.presidential_weights("R04", runoff=True)
    assert max(runoff.values()) < 0.4


def test_lists_have_as_many_candidates_as_seats_and_never_share_a_party():
    for i in range(30):
        specs, strength = sc.list_candidacies(i, "communal", f"CM{i}", 23, date(2026, 6, 7))
        assert 3 <= len(specs) <= 8 and set(strength) == {s["code"] for s in specs}
        parties = [s["party"] for s in specs if s["party"]]
        assert len(parties) == len(set(parties))
        people = [(m[1], m[2]) for s in specs for m in s["members"]]
        assert len(people) == len(set(people)) == 23 * len(specs)
    specs, _ = sc.list_candidacies(1, "legislative", "C0801", 1, date(2026, 7, 5))
    assert all(s["kind"] == "candidate" for s in specs) and 2 <= len(specs) <= 6
