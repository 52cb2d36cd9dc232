"""Numbered checks of polling-station minutes (kalata.law.tally; Art. 50, 71, 74, 76, 80–97)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kalata.law.tally import (
    CHECKS,
    DEFAULT_THRESHOLDS,
    NULL_CATEGORY_LABELS,
    NullCategory,
    Severity,
    TallyFigures,
    TallyThresholds,
    check_tally,
    compare_entries,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "checks.md"

CONTEST = ("C1", "C2")

# A consistent sheet on which no check fires: 300 of 600 electors voted, 12 null ballots.
BASE = TallyFigures(
    registered=600,
    voters=300,
    envelopes=300,
    null_ballots=12,
    valid_votes=288,
    votes={"C1": 150, "C2": 138},
    null_breakdown={"blank": 7, "insufficient_designation": 5},
    proxies_used=4,
    cards_received=40,
    cards_delivered=25,
    cards_returned=15,
    refusals_to_sign=0,
    members_present=5,
    observations="RAS",
)


def codes(figures: TallyFigures, contest=CONTEST, thresholds=DEFAULT_THRESHOLDS) -> set[str]:
    return set(check_tally(figures, contest, thresholds).codes)


def articles(*numbers: str) -> list:
    return [pytest.mark.article(n) for n in numbers]


# --------------------------------------------------------------------------------------------
# The consistent sheet
# --------------------------------------------------------------------------------------------


@pytest.mark.article("84")
@pytest.mark.article("85")
@pytest.mark.article("87")
def test_consistent_minutes_raise_no_check_and_can_become_definitive():
    report = check_tally(BASE, CONTEST)
    assert report.checks == ()
    assert not report.blocking
    assert report.errors == () and report.warnings == ()
    # The steps say what was verified, each with its articles.
    texts = [s.text for s in report.steps]
    assert "Nuls (12) + exprimés (288) = votants (300) : conforme." in texts
    assert all(s.articles for s in report.steps)


# --------------------------------------------------------------------------------------------
# Each check on its smallest example: exactly the expected codes fire
# --------------------------------------------------------------------------------------------

NO_EXTRAS = {"null_breakdown": None, "proxies_used": None, "cards_received": None}
NO_CARDS = {"cards_received": None, "cards_delivered": None, "cards_returned": None}

EXAMPLES = {
    # code: (changes to BASE, contest, codes expected to fire, articles)
    "E01": ({"voters": None}, CONTEST, {"E01"}, ("84", "87")),
    "E02": ({"refusals_to_sign": -1}, CONTEST, {"E02"}, ("84", "87")),
    "E03": ({"valid_votes": 289, "votes": {"C1": 151, "C2": 138}}, CONTEST, {"E03"}, ("84", "85")),
    "E04": ({"votes": {"C1": 150, "C2": 137}}, CONTEST, {"E04"}, ("85", "87")),
    "E05": ({"registered": 299, **NO_CARDS}, CONTEST, {"E05"}, ("84", "94")),
    "E06": (
        {"null_ballots": 0, "valid_votes": 301, "votes": {"C1": 163, "C2": 138}, **NO_EXTRAS},
        CONTEST,
        {"E03", "E06"},
        ("84", "85"),
    ),
    "E07": (
        {"null_ballots": 301, "valid_votes": 0, "votes": {"C1": 0, "C2": 0}, **NO_EXTRAS},
        CONTEST,
        {"E03", "E07"},
        ("84", "85"),
    ),
    "E08": (
        {"null_breakdown": {"blank": 7, "insufficient_designation": 4}},
        CONTEST,
        {"E08"},
        ("85",),
    ),
    "E09": ({"null_breakdown": {"blank": 7, "spoiled": 5}}, CONTEST, {"E09"}, ("85",)),
    "E10": ({"votes": {"C1": 150, "C2": 138, "C3": 0}}, CONTEST, {"E10"}, ("69", "85")),
    "E11": ({}, ("C1", "C2", "C3"), {"E11"}, ("85", "87")),
    "E12": ({"proxies_used": 301}, CONTEST, {"E12"}, ("97",)),
    "E13": ({"cards_returned": 14}, CONTEST, {"E13"}, ("50",)),
    "W01": ({"envelopes": 301}, CONTEST, {"W01"}, ("84",)),
    "W02": (
        {"registered": 315, "cards_received": 10, "cards_delivered": 0, "cards_returned": 10},
        CONTEST,
        {"W02"},
        ("84",),
    ),
    "W03": ({"votes": {"C1": 285, "C2": 3}}, CONTEST, {"W03"}, ("85", "87")),
    "W04": (
        {"null_ballots": 60, "valid_votes": 240, "votes": {"C1": 120, "C2": 120}, **NO_EXTRAS},
        CONTEST,
        {"W04"},
        ("85",),
    ),
    "W05": (
        {
            "voters": 0,
            "envelopes": 0,
            "null_ballots": 0,
            "valid_votes": 0,
            "votes": {"C1": 0, "C2": 0},
            **NO_EXTRAS,
            **NO_CARDS,
        },
        CONTEST,
        {"W05"},
        ("80", "84"),
    ),
    "W06": ({"refusals_to_sign": 1}, CONTEST, {"W06"}, ("87",)),
    "W07": ({"members_present": 2}, CONTEST, {"W07"}, ("76",)),
    "W08": ({"registered": 701}, CONTEST, {"W08"}, ("71",)),
    "W09": (
        {"cards_received": 400, "cards_delivered": 99, "cards_returned": 301},
        CONTEST,
        {"W09"},
        ("50",),
    ),
    "W10": ({"members_present": 6}, CONTEST, {"W10"}, ("74",)),
    "W11": (
        {"cards_received": 601, "cards_delivered": 301, "cards_returned": 300},
        CONTEST,
        {"W11"},
        ("50",),
    ),
    "W12": ({"proxies_used": 201}, CONTEST, {"W12"}, ("96", "97")),
    "W13": (
        {"observations": "Le délégué de C2 conteste le décompte de la table 2."},
        CONTEST,
        {"W13"},
        ("86",),
    ),
}


@pytest.mark.article("84")
def test_every_code_of_the_catalogue_has_a_smallest_example():
    assert set(EXAMPLES) == set(CHECKS)


@pytest.mark.parametrize(
    ("changes", "contest", "expected"),
    [
        pytest.param(changes, contest, expected, id=code, marks=articles(*arts))
        for code, (changes, contest, expected, arts) in EXAMPLES.items()
    ],
)
def test_check_fires_on_its_smallest_example(changes, contest, expected):
    report = check_tally(replace(BASE, **changes), contest)
    assert set(report.codes) == expected
    assert report.blocking == any(c.startswith("E") for c in expected)
    for check in report.checks:
        spec = CHECKS[check.code]
        assert check.severity is spec.severity
        assert check.articles == spec.articles
        assert check.fields
        assert check.message_fr


# --------------------------------------------------------------------------------------------
# Messages and readings of the law, one by one
# --------------------------------------------------------------------------------------------


@pytest.mark.article("84")
@pytest.mark.article("85")
def test_null_plus_valid_must_equal_the_signatures_with_the_figures_in_the_message():
    sheet = TallyFigures(
        registered=700,
        voters=495,
        envelopes=495,
        null_ballots=12,
        valid_votes=480,
        votes={"C1": 300, "C2": 180},
    )
    report = check_tally(sheet, CONTEST)
    assert report.codes == ("E03",)
    (error,) = report.errors
    assert error.message_fr == "Nuls (12) + exprimés (480) = 492 ≠ votants (495)."
    assert error.fields == ("null_ballots", "valid_votes", "voters")
    assert error.articles == ("84", "85")


@pytest.mark.article("84")
def test_count_matching_envelopes_but_not_signatures_is_blocked_for_the_commission():
    # 301 envelopes for 300 signatures, and the count found 301 ballots: the voters stay the
    # signatures (Art. 84); the difference is recorded (W01) and the minutes are blocked (E03).
    sheet = replace(BASE, envelopes=301, valid_votes=289, votes={"C1": 151, "C2": 138})
    report = check_tally(sheet, CONTEST)
    assert set(report.codes) == {"E03", "W01"}
    (error,) = report.errors
    assert "enveloppes trouvées dans l'urne (301)" in error.message_fr
    assert "commission de centralisation" in error.message_fr
    assert "écart de +1" in report.warnings[0].message_fr


@pytest.mark.article("84")
@pytest.mark.article("85")
def test_envelopes_differing_from_signatures_is_only_a_warning_when_the_count_matches():
    # 299 envelopes, one ballot found without envelope (null, Art. 85): 300 ballots counted.
    sheet = replace(
        BASE,
        envelopes=299,
        null_breakdown={"blank": 6, "no_or_irregular_envelope": 1, "insufficient_designation": 5},
    )
    report = check_tally(sheet, CONTEST)
    assert report.codes == ("W01",)
    assert not report.blocking
    assert "écart de −1" in report.warnings[0].message_fr


@pytest.mark.article("94")
@pytest.mark.article("97")
def test_proxy_votes_do_not_let_voters_exceed_registered_electors():
    # Every elector of the station voted, 8 of them by proxy: the holders are on the same list.
    full = replace(BASE, registered=300, **NO_CARDS)
    assert "E05" not in codes(full)
    assert "E05" in codes(replace(full, registered=299))


@pytest.mark.article("84")
def test_voters_above_registered_message_names_the_figures():
    report = check_tally(replace(BASE, registered=299, **NO_CARDS), CONTEST)
    (error,) = report.errors
    assert error.message_fr.startswith("Votants (300) > inscrits (299)")


@pytest.mark.article("84")
@pytest.mark.article("87")
def test_non_integer_values_are_errors_and_skip_the_checks_that_need_them():
    for bad in (12.5, 3.0, "12", True):
        report = check_tally(replace(BASE, null_ballots=bad), CONTEST)
        assert "E01" in report.codes, bad
        assert "E03" not in report.codes
        assert any("Contrôle E03 non effectué" in s.text for s in report.steps)
    report = check_tally(replace(BASE, votes={"C1": "150", "C2": 138}), CONTEST)
    assert report.codes == ("E01",)
    assert report.errors[0].fields == ("votes.C1",)


@pytest.mark.article("84")
def test_missing_required_figure_is_an_error_missing_optional_figure_is_not():
    report = check_tally(replace(BASE, envelopes=None), CONTEST)
    assert report.codes == ("E01",)
    assert report.errors[0].message_fr == (
        "« enveloppes trouvées dans l'urne » : valeur obligatoire non saisie."
    )
    assert codes(replace(BASE, members_present=None, proxies_used=None, **NO_CARDS)) == set()


@pytest.mark.article("84")
def test_negative_figure_is_an_error_on_its_field():
    report = check_tally(
        replace(BASE, null_breakdown={"blank": -1, "insufficient_designation": 13}), CONTEST
    )
    assert report.codes == ("E02",)
    assert report.errors[0].fields == ("null_breakdown.blank",)
    assert report.errors[0].message_fr == "« nuls — bulletins blancs » : nombre négatif (-1)."


@pytest.mark.article("85")
def test_null_breakdown_may_be_partial_but_must_add_up():
    assert codes(replace(BASE, null_breakdown={"blank": 12})) == set()
    report = check_tally(replace(BASE, null_breakdown={"blank": 11}), CONTEST)
    assert report.codes == ("E08",)
    assert report.errors[0].message_fr == (
        "Ventilation des nuls : bulletins blancs (11) = 11 ≠ bulletins nuls (12)."
    )


@pytest.mark.article("85")
def test_null_categories_are_the_causes_of_article_85():
    assert [c.value for c in NullCategory] == [
        "blank",
        "multiple_different",
        "insufficient_designation",
        "voter_identifiable",
        "no_or_irregular_envelope",
        "recognition_marks",
        "insulting",
    ]
    assert set(NULL_CATEGORY_LABELS) == set(NullCategory)
    every = {c.value: 0 for c in NullCategory} | {"blank": 12}
    assert codes(replace(BASE, null_breakdown=every)) == set()


@pytest.mark.article("85")
@pytest.mark.article("87")
def test_a_zero_must_be_entered_for_a_candidate_without_votes():
    contest = ("C1", "C2", "C3")
    report = check_tally(BASE, contest)
    assert report.codes == ("E11",)
    assert report.errors[0].fields == ("votes.C3",)
    assert "saisir 0" in report.errors[0].message_fr
    assert codes(replace(BASE, votes={"C1": 150, "C2": 138, "C3": 0}), contest) == set()


@pytest.mark.article("69")
def test_votes_for_a_code_not_in_the_contest_are_an_error_even_when_zero():
    report = check_tally(replace(BASE, votes={"C1": 150, "C2": 138, "X9": 0}), CONTEST)
    assert report.codes == ("E10",)
    assert report.errors[0].fields == ("votes.X9",)
    assert "« X9 » inconnu" in report.errors[0].message_fr


@pytest.mark.article("84")
def test_turnout_warning_fires_at_the_threshold_and_not_below():
    tiny = TallyFigures(
        registered=20,
        voters=19,
        envelopes=19,
        null_ballots=0,
        valid_votes=19,
        votes={"C1": 10, "C2": 9},
    )
    report = check_tally(tiny, CONTEST)
    assert report.codes == ("W02",)
    assert report.warnings[0].message_fr == (
        "Participation de 95,00 % (19 votants sur 20 inscrits), au seuil de 95,00 % ou au-delà."
    )
    assert "W02" not in codes(replace(tiny, registered=21))
    assert "W02" not in codes(tiny, thresholds=TallyThresholds(turnout=None))
    assert "W02" in codes(replace(tiny, registered=21), thresholds=TallyThresholds(turnout=90))


@pytest.mark.article("85")
@pytest.mark.article("87")
def test_landslide_warning_needs_fifty_valid_votes_and_two_candidates():
    sheet = TallyFigures(
        registered=600,
        voters=50,
        envelopes=50,
        null_ballots=0,
        valid_votes=50,
        votes={"C1": 48, "C2": 2},
    )
    report = check_tally(sheet, CONTEST)
    assert report.codes == ("W03",)
    assert report.warnings[0].message_fr == (
        "« C1 » obtient 96,00 % des suffrages exprimés (48 sur 50), au seuil de 95,00 % ou au-delà."
    )
    # 49 valid votes: near-unanimity in a small station says nothing.
    small = replace(sheet, voters=49, envelopes=49, valid_votes=49, votes={"C1": 47, "C2": 2})
    assert "W03" not in codes(small)
    # 47 of 50 = 94 %: below the threshold.
    assert "W03" not in codes(replace(sheet, votes={"C1": 47, "C2": 3}))
    # A single list always has 100 %.
    alone = replace(sheet, votes={"C1": 50})
    assert codes(alone, contest=("C1",)) == set()
    # Switched off, e.g. for a referendum with an expected landslide.
    assert "W03" not in codes(sheet, thresholds=TallyThresholds(candidate_share=None))


@pytest.mark.article("85")
def test_null_ballot_warning_fires_from_twenty_percent_of_voters():
    sheet = replace(
        BASE, null_ballots=60, valid_votes=240, votes={"C1": 120, "C2": 120}, null_breakdown=None
    )
    report = check_tally(sheet, CONTEST)
    assert report.codes == ("W04",)
    assert report.warnings[0].message_fr == (
        "Bulletins nuls : 20,00 % des votants (60 sur 300), au seuil de 20,00 % ou au-delà."
    )
    below = replace(sheet, null_ballots=59, valid_votes=241, votes={"C1": 121, "C2": 120})
    assert "W04" not in codes(below)
    lower = TallyThresholds(null_share=Fraction(10))
    assert "W04" in codes(below, thresholds=lower)


@pytest.mark.article("80")
@pytest.mark.article("84")
def test_zero_voters_warns_only_where_electors_are_registered():
    empty = replace(BASE, **EXAMPLES["W05"][0])
    assert codes(empty) == {"W05"}
    assert codes(replace(empty, registered=0)) == set()


@pytest.mark.article("87")
def test_refusals_to_sign_are_a_warning():
    report = check_tally(replace(BASE, refusals_to_sign=2), CONTEST)
    assert report.codes == ("W06",)
    assert report.warnings[0].message_fr.startswith("2 refus de signer le procès-verbal")
    assert codes(replace(BASE, refusals_to_sign=0)) == set()


@pytest.mark.article("76")
@pytest.mark.article("74")
def test_bureau_of_three_to_five_members_present_raises_nothing():
    for n in (3, 4, 5):
        assert codes(replace(BASE, members_present=n)) == set()
    assert codes(replace(BASE, members_present=2)) == {"W07"}
    assert codes(replace(BASE, members_present=0)) == {"W07"}
    assert codes(replace(BASE, members_present=6)) == {"W10"}


@pytest.mark.article("71")
def test_station_of_more_than_700_electors_is_a_warning_not_an_error():
    assert codes(replace(BASE, registered=700)) == set()
    report = check_tally(replace(BASE, registered=701), CONTEST)
    assert report.codes == ("W08",) and not report.blocking
    assert report.warnings[0].message_fr == (
        "701 inscrits : un bureau de vote sert au plus 700 électeurs (art. 71)."
    )


@pytest.mark.article("50")
@pytest.mark.article("81")
def test_uncollected_cards_cannot_exceed_electors_who_did_not_vote_without_a_warning():
    at_bound = replace(BASE, cards_received=400, cards_delivered=100, cards_returned=300)
    assert codes(at_bound) == set()
    report = check_tally(replace(at_bound, cards_delivered=99, cards_returned=301), CONTEST)
    assert report.codes == ("W09",)
    assert "(600 − 300 = 300)" in report.warnings[0].message_fr


@pytest.mark.article("50")
def test_cards_received_are_delivered_or_returned():
    report = check_tally(replace(BASE, cards_delivered=26), CONTEST)
    assert report.codes == ("E13",)
    assert report.errors[0].message_fr == (
        "Cartes reçues sous pli (40) ≠ remises aux titulaires (26) + retournées (15) = 41."
    )
    # Only some card figures entered: nothing to add up.
    assert codes(replace(BASE, cards_delivered=None)) == set()


@pytest.mark.article("96")
@pytest.mark.article("97")
def test_proxies_above_two_thirds_of_voters_mean_a_holder_used_more_than_two():
    assert codes(replace(BASE, proxies_used=200)) == set()
    report = check_tally(replace(BASE, proxies_used=201), CONTEST)
    assert report.codes == ("W12",)
    assert "au moins 101 mandataires parmi les 99 autres votants" in report.warnings[0].message_fr
    assert codes(replace(BASE, proxies_used=300)) == {"W12"}
    assert codes(replace(BASE, proxies_used=301)) == {"E12"}


@pytest.mark.article("86")
def test_observations_saying_nothing_to_report_are_not_observations():
    for text in ("", "   ", "RAS", "R.A.S.", "Néant", "néant.", "Rien à signaler"):
        assert codes(replace(BASE, observations=text)) == set(), text
    report = check_tally(replace(BASE, observations="Urne  ouverte\nà 17 h."), CONTEST)
    assert report.codes == ("W13",)
    assert report.warnings[0].message_fr.endswith("« Urne ouverte à 17 h. ».")


@pytest.mark.article("84")
@pytest.mark.article("85")
def test_report_lists_errors_before_warnings_and_serialises_to_json():
    sheet = replace(BASE, envelopes=301, members_present=2, votes={"C1": 150, "C2": 137})
    report = check_tally(sheet, CONTEST)
    assert report.codes == ("E04", "W01", "W07")
    assert report.blocking
    data = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
    assert data["blocking"] is True
    assert [e["code"] for e in data["errors"]] == ["E04"]
    assert [w["code"] for w in data["warnings"]] == ["W01", "W07"]
    assert data["errors"][0]["severity"] == "error"
    assert data["errors"][0]["articles"] == ["85", "87"]
    assert data["steps"]


# --------------------------------------------------------------------------------------------
# Catalogue and its documentation
# --------------------------------------------------------------------------------------------

ROW = re.compile(r"^\|\s*([EW]\d{2})\s*\|\s*(\w+)\s*\|[^|]*\|\s*([^|]*?)\s*\|", re.MULTILINE)


@pytest.mark.article("84")
@pytest.mark.article("85")
def test_catalogue_codes_are_stable_and_numbered_in_order():
    errors = [c for c, s in CHECKS.items() if s.severity is Severity.ERROR]
    warnings = [c for c, s in CHECKS.items() if s.severity is Severity.WARNING]
    assert errors == [f"E{i:02d}" for i in range(1, len(errors) + 1)]
    assert warnings == [f"W{i:02d}" for i in range(1, len(warnings) + 1)]
    for spec in CHECKS.values():
        assert spec.articles and spec.title_fr and spec.description_en
        assert spec.as_dict()["severity"] in ("error", "warning")


@pytest.mark.article("84")
@pytest.mark.article("85")
def test_docs_list_exactly_the_codes_of_the_catalogue_with_severity_and_articles():
    rows = ROW.findall(DOC.read_text(encoding="utf-8"))
    documented = {
        code: (severity, tuple(a.strip() for a in arts.split(","))) for code, severity, arts in rows
    }
    assert len(rows) == len(documented), "a code is documented twice"
    assert documented == {
        code: (str(spec.severity), spec.articles) for code, spec in CHECKS.items()
    }


# --------------------------------------------------------------------------------------------
# Double entry
# --------------------------------------------------------------------------------------------


@pytest.mark.article("141")
@pytest.mark.article("149")
@pytest.mark.article("187")
def test_identical_entries_have_no_difference():
    assert compare_entries(BASE, replace(BASE)) == ()
    same_text = replace(BASE, observations="  RAS ")
    assert compare_entries(BASE, same_text) == ()


@pytest.mark.article("141")
@pytest.mark.article("149")
@pytest.mark.article("187")
def test_differing_entries_list_each_field_with_both_values_in_form_order():
    second = replace(
        BASE,
        valid_votes=287,
        votes={"C1": 149, "C2": 138},
        null_breakdown={"blank": 7},
        members_present=None,
        observations="Incident à 10 h",
    )
    diffs = compare_entries(BASE, second)
    assert [(d.field, d.first, d.second) for d in diffs] == [
        ("valid_votes", 288, 287),
        ("votes.C1", 150, 149),
        ("null_breakdown.insufficient_designation", 5, None),
        ("members_present", 5, None),
        ("observations", "RAS", "Incident à 10 h"),
    ]
    assert diffs[1].label_fr == "voix de « C1 »"
    assert str(diffs[2]) == (
        "nuls — désignation insuffisante : 5 (1re saisie) ≠ non saisi (2e saisie)"
    )
    assert diffs[0].as_dict() == {
        "field": "valid_votes",
        "label_fr": "suffrages exprimés",
        "first": 288,
        "second": 287,
    }


@pytest.mark.article("141")
@pytest.mark.article("187")
def test_a_vote_left_empty_differs_from_a_zero_and_true_differs_from_one():
    a = replace(BASE, votes={"C1": 288, "C2": 0}, valid_votes=288)
    b = replace(BASE, votes={"C1": 288}, valid_votes=288)
    assert [(d.field, d.first, d.second) for d in compare_entries(a, b)] == [("votes.C2", 0, None)]
    c = replace(BASE, refusals_to_sign=True)
    d = replace(BASE, refusals_to_sign=1)
    assert [x.field for x in compare_entries(c, d)] == ["refusals_to_sign"]


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


def _split(draw, total: int, parts: int) -> list[int]:
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    bounds = [0, *cuts, total]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


@st.composite
def consistent_sheets(draw):
    """A sheet whose figures agree: votes split the valid votes, nulls their breakdown."""
    n = draw(st.integers(1, 6))
    contest = tuple(f"C{i}" for i in range(1, n + 1))
    registered = draw(st.integers(0, 1500))
    voters = draw(st.integers(0, registered))
    null = draw(st.integers(0, voters))
    valid = voters - null
    votes = dict(zip(contest, _split(draw, valid, n), strict=True))
    breakdown = None
    if draw(st.booleans()):
        keys = draw(st.lists(st.sampled_from(list(NullCategory)), min_size=1, unique=True))
        breakdown = dict(zip((k.value for k in keys), _split(draw, null, len(keys)), strict=True))
    cards = {}
    if draw(st.booleans()):
        delivered, returned = draw(st.integers(0, 300)), draw(st.integers(0, 300))
        cards = {
            "cards_received": delivered + returned,
            "cards_delivered": delivered,
            "cards_returned": returned,
        }
    sheet = TallyFigures(
        registered=registered,
        voters=voters,
        envelopes=draw(st.integers(max(0, voters - 2), voters + 2)),
        null_ballots=null,
        valid_votes=valid,
        votes=votes,
        null_breakdown=breakdown,
        proxies_used=draw(st.none() | st.integers(0, voters)),
        refusals_to_sign=draw(st.none() | st.integers(0, 3)),
        members_present=draw(st.none() | st.integers(0, 7)),
        observations=draw(st.sampled_from(["", "RAS", "Contestation du délégué"])),
        **cards,
    )
    return sheet, contest


@pytest.mark.article("84")
@pytest.mark.article("85")
@pytest.mark.article("94")
@settings(max_examples=300, deadline=None)
@given(consistent_sheets())
def test_consistent_minutes_never_raise_an_error(case):
    sheet, contest = case
    report = check_tally(sheet, contest)
    assert report.errors == (), report.errors
    assert not report.blocking
    assert all(c.code in CHECKS for c in report.warnings)


def _perturb(sheet: TallyFigures, path: str, delta: int) -> tuple[TallyFigures, int]:
    if "." in path:
        name, key = path.split(".", 1)
        mapping = dict(getattr(sheet, name))
        mapping[key] += delta
        return replace(sheet, **{name: mapping}), mapping[key]
    value = getattr(sheet, path) + delta
    return replace(sheet, **{path: value}), value


# Figure -> the errors that perturbing it by one must raise (besides E02 when it goes negative).
EXPECTED_ERRORS = {
    "voters": {"E03"},
    "null_ballots": {"E03"},
    "valid_votes": {"E03", "E04"},
    "votes": {"E04"},
    "null_breakdown": {"E08"},
    "cards_received": {"E13"},
    "cards_delivered": {"E13"},
    "cards_returned": {"E13"},
}


@pytest.mark.article("84")
@pytest.mark.article("85")
@pytest.mark.article("50")
@settings(max_examples=300, deadline=None)
@given(consistent_sheets(), st.data())
def test_perturbing_one_figure_of_consistent_minutes_by_one_raises_its_error(case, data):
    sheet, contest = case
    paths = ["voters", "null_ballots", "valid_votes", *(f"votes.{c}" for c in contest)]
    if sheet.null_breakdown is not None:
        paths += [f"null_breakdown.{k}" for k in sheet.null_breakdown]
    if sheet.cards_received is not None:
        paths += ["cards_received", "cards_delivered", "cards_returned"]
    path = data.draw(st.sampled_from(paths))
    delta = data.draw(st.sampled_from([-1, 1]))
    if path == "null_ballots" and sheet.null_breakdown is not None:
        expected = {"E03", "E08"}
    else:
        expected = EXPECTED_ERRORS[path.split(".")[0]]
    perturbed, value = _perturb(sheet, path, delta)
    got = set(check_tally(perturbed, contest).codes)
    if value < 0:
        assert "E02" in got
    else:
        assert expected <= got, (path, delta, got)


@pytest.mark.article("84")
@pytest.mark.article("94")
@settings(max_examples=200, deadline=None)
@given(consistent_sheets(), st.sampled_from([-1, 1]))
def test_registered_electors_off_by_one_is_an_error_only_below_the_voters(case, delta):
    sheet, contest = case
    perturbed = replace(sheet, registered=sheet.registered + delta)
    errors = {c.code for c in check_tally(perturbed, contest).errors}
    if perturbed.registered < 0:
        assert "E02" in errors
    elif perturbed.registered < sheet.voters:
        assert errors == {"E05"}
    else:
        assert errors == set()


@pytest.mark.article("84")
@settings(max_examples=200, deadline=None)
@given(consistent_sheets(), st.integers(-3, 3))
def test_envelopes_never_raise_an_error_only_a_warning_when_they_differ(case, delta):
    sheet, contest = case
    envelopes = sheet.voters + delta
    if envelopes < 0:
        return
    report = check_tally(replace(sheet, envelopes=envelopes), contest)
    assert not report.blocking
    assert ("W01" in report.codes) == (delta != 0)
