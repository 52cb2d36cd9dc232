"""Presidential (Art. 127, 135, 139), legislative (Art. 144) and referendum (Art. 125–126)."""

from __future__ import annotations

import pytest

from kalata.law.explain import LawError
from kalata.law.outcomes import (
    Contestant,
    legislative_first_round,
    legislative_second_round,
    presidential_first_round,
    presidential_second_round,
    referendum_outcome,
)


def plain(text: str) -> str:
    return text.replace("\u202f", " ")


def texts(outcome) -> str:
    return plain("\n".join(step.text for step in outcome.steps))


def field(**votes: int) -> list[Contestant]:
    return [Contestant(code, v) for code, v in votes.items()]


# 2007, first round, final results of the Constitutional Court (12 May 2007): 2 265 483 valid
# votes; Touré 1 612 912 (71.20 %) and Keïta 433 897 (19.15 %) as in seed 000; the others as
# read out by the Court and reported by the press (afribone.com, maliweb.net). Maguiraga's
# votes (the remaining 6 856) are left out: they still count in the valid votes.
COURT_2007 = field(
    ATT=1612912,
    IBK=433897,
    DRAME=68956,
    MARIKO=61670,
    SANGARE=35776,
    MAIGA=32973,
    SIDIBE=12443,
)
VALID_2007 = 2265483

# 2002, first round (Court's figures): Touré 449 176, Cissé 333 525, Keïta 329 143 — the three
# leaders of 24 candidates; the others are not needed to know who goes to the second round.
FIRST_2002 = field(ATT=449176, CISSE=333525, IBK=329143)


# --------------------------------------------------------------------------------------------
# Presidential


@pytest.mark.article("127")
def test_2007_toure_elected_in_the_first_round_with_the_absolute_majority():
    outcome = presidential_first_round(COURT_2007, valid_votes=VALID_2007)
    assert outcome.elected == "ATT"
    assert outcome.second_round is None
    assert outcome.shares["ATT"] == "71.20"
    assert outcome.shares["IBK"] == "19.15"
    assert outcome.shares["DRAME"] == "3.04"
    assert outcome.shares["MARIKO"] == "2.72"
    assert outcome.shares["SIDIBE"] == "0.55"
    # "majorité absolue, 1 132 742" in the Court's decision.
    assert "majorité absolue : 1 132 742 voix" in texts(outcome)
    assert "6 856 suffrages exprimés se portent sur des candidats non détaillés" in texts(outcome)


@pytest.mark.article("135")
def test_2007_deposit_refunded_only_to_candidates_with_five_percent_in_the_first_round():
    outcome = presidential_first_round(COURT_2007, valid_votes=VALID_2007)
    assert outcome.deposit_refunded == ("ATT", "IBK")
    assert "Non remboursé : DRAME, MARIKO, SANGARE, MAIGA, SIDIBE" in texts(outcome)


@pytest.mark.article("135")
def test_deposit_refunded_at_exactly_five_percent_and_not_below():
    # B: 500 / 10 000 = 5 % exactly; C: 499 / 10 000 = 4.99 %.
    outcome = presidential_first_round(field(A=9001, B=500, C=499))
    assert outcome.deposit_refunded == ("A", "B")
    assert "C" not in outcome.deposit_refunded


@pytest.mark.article("127")
def test_exactly_half_of_the_valid_votes_is_not_an_absolute_majority():
    outcome = presidential_first_round(field(A=50, B=30, C=20))
    assert outcome.elected is None
    assert outcome.second_round == ("A", "B")
    outcome = presidential_first_round(field(A=51, B=29, C=20))
    assert outcome.elected == "A"


@pytest.mark.article("127")
def test_2002_no_absolute_majority_sends_the_two_leaders_to_a_second_round():
    outcome = presidential_first_round(FIRST_2002)
    assert outcome.elected is None
    assert outcome.second_round == ("ATT", "CISSE")
    assert not outcome.unresolved_tie
    assert "Second tour entre les candidats ATT et CISSE." in texts(outcome)
    assert outcome.as_dict()["second_round"] == ["ATT", "CISSE"]


@pytest.mark.article("127")
def test_withdrawal_of_a_finalist_lets_the_next_in_first_round_order_stand():
    # Had Cissé withdrawn after the 2002 first round, Keïta (3rd) would have faced Touré.
    outcome = presidential_first_round(FIRST_2002, withdrawn=["CISSE"])
    assert outcome.second_round == ("ATT", "IBK")
    assert "Le candidat CISSE (2e au premier tour) s'est désisté" in texts(outcome)


@pytest.mark.article("127")
def test_withdrawal_of_both_finalists_brings_up_the_third_and_fourth():
    outcome = presidential_first_round(field(A=40, B=30, C=20, D=10), withdrawn=["A", "B"])
    assert outcome.second_round == ("C", "D")


@pytest.mark.article("127")
def test_tie_for_second_place_is_not_settled_and_no_second_round_is_composed():
    outcome = presidential_first_round(field(A=40, B=30, C=30))
    assert outcome.elected is None
    assert outcome.second_round is None
    assert outcome.unresolved_tie
    text = texts(outcome)
    assert "égalité de suffrages (30 voix) entre B et C" in text
    assert "aucun tirage au sort" in text


@pytest.mark.article("127")
def test_withdrawal_of_one_of_the_tied_candidates_removes_the_tie():
    outcome = presidential_first_round(field(A=40, B=30, C=30), withdrawn=["B"])
    assert outcome.second_round == ("A", "C")
    assert "Le candidat B (2e ex aequo au premier tour) s'est désisté" in texts(outcome)


@pytest.mark.article("127")
def test_two_leaders_tied_for_first_place_both_go_to_the_second_round():
    outcome = presidential_first_round(field(A=40, B=40, C=20))
    assert outcome.second_round == ("A", "B")
    assert not outcome.unresolved_tie


@pytest.mark.article("135")
@pytest.mark.article("139")
def test_candidate_who_withdraws_before_the_second_round_keeps_the_deposit_refund():
    outcome = presidential_first_round(FIRST_2002, withdrawn=["CISSE"])
    assert "CISSE" in outcome.deposit_refunded
    assert "Remboursement maintenu" in texts(outcome)
    refund_steps = [s for s in outcome.steps if "139" in s.articles]
    assert refund_steps and refund_steps[0].articles == ("135", "139", "127")


@pytest.mark.article("127")
def test_withdrawal_has_no_effect_when_the_first_round_elects():
    outcome = presidential_first_round(field(A=60, B=40), withdrawn=["B"])
    assert outcome.elected == "A"
    assert outcome.second_round is None
    assert "Les désistements déclarés sont sans effet" in texts(outcome)


@pytest.mark.article("127")
def test_fewer_than_two_candidates_left_after_withdrawals_is_reported():
    outcome = presidential_first_round(field(A=40, B=35, C=25), withdrawn=["B", "C"])
    assert outcome.second_round is None
    assert outcome.unresolved_tie
    assert "il ne reste que 1 en lice" in texts(outcome)


@pytest.mark.article("127")
@pytest.mark.article("135")
def test_no_valid_vote_elects_nobody_and_refunds_nothing():
    outcome = presidential_first_round(field(A=0, B=0))
    assert outcome.elected is None and outcome.second_round is None
    assert outcome.deposit_refunded == ()
    assert outcome.shares == {"A": "0.00", "B": "0.00"}


@pytest.mark.article("127")
def test_unknown_withdrawn_candidate_is_refused():
    with pytest.raises(LawError) as err:
        presidential_first_round(field(A=40, B=60), withdrawn=["Z"])
    assert err.value.field == "withdrawn"


@pytest.mark.article("127")
@pytest.mark.article("135")
def test_2002_second_round_toure_elected_with_65_01_percent():
    outcome = presidential_second_round(field(ATT=926243, CISSE=498503))
    assert outcome.elected == "ATT"
    assert outcome.shares == {"ATT": "65.01", "CISSE": "34.99"}
    assert outcome.deposit_refunded == ()
    assert outcome.as_dict()["deposit_refunded"] == []
    assert "premier tour seulement" in texts(outcome)


@pytest.mark.article("127")
def test_exact_tie_in_the_second_round_elects_nobody():
    outcome = presidential_second_round(field(A=500, B=500))
    assert outcome.elected is None
    assert outcome.unresolved_tie
    assert "égalité parfaite (500 voix chacun)" in texts(outcome)


@pytest.mark.article("127")
def test_second_round_with_three_candidates_is_refused():
    with pytest.raises(LawError) as err:
        presidential_second_round(field(A=5, B=4, C=1))
    assert err.value.field == "candidates"
    assert err.value.articles == ("127",)


@pytest.mark.article("127")
def test_second_round_valid_votes_must_be_the_two_candidates_votes():
    with pytest.raises(LawError) as err:
        presidential_second_round(field(A=5, B=4), valid_votes=10)
    assert err.value.field == "valid_votes"


@pytest.mark.article("127")
def test_negative_votes_and_duplicate_codes_are_refused():
    with pytest.raises(LawError) as err:
        presidential_first_round(field(A=5, B=-1))
    assert err.value.field == "candidates[1].votes"
    with pytest.raises(LawError) as err:
        presidential_first_round([Contestant("A", 5), Contestant("A", 4)])
    assert err.value.field == "candidates[1].code"


# --------------------------------------------------------------------------------------------
# Legislative


@pytest.mark.article("144")
def test_list_with_absolute_majority_in_the_first_round_wins_every_seat():
    # Like ADEMA-RND in Mopti, 2007: three seats won in the first round.
    outcome = legislative_first_round(3, field(ADEMA_RND=5200, URD=3000, RPM=1800))
    assert outcome.elected_list == "ADEMA_RND"
    assert outcome.second_round is None
    assert outcome.shares == {"ADEMA_RND": "52.00", "URD": "30.00", "RPM": "18.00"}
    assert "remporte les 3 sièges" in texts(outcome)


@pytest.mark.article("144")
def test_no_list_elected_at_exactly_half_and_second_round_between_the_two_leading_lists():
    outcome = legislative_first_round(2, field(A=500, B=300, C=200))
    assert outcome.elected_list is None
    assert outcome.second_round == ("A", "B")
    assert "nul n'est élu au premier tour" in texts(outcome)


@pytest.mark.article("144")
def test_legislative_tie_for_second_place_is_reported_unresolved():
    outcome = legislative_first_round(2, field(A=400, B=300, C=300))
    assert outcome.second_round is None
    assert outcome.unresolved_tie
    assert "égalité de suffrages (300 voix) entre B et C" in texts(outcome)


@pytest.mark.article("144")
def test_second_round_list_with_the_most_valid_votes_is_elected():
    outcome = legislative_second_round(7, field(A=501, B=499))
    assert outcome.elected_list == "A"
    assert "remporte les 7 sièges" in texts(outcome)
    assert outcome.as_dict() == {
        "elected_list": "A",
        "second_round": None,
        "shares": {"A": "50.10", "B": "49.90"},
        "steps": [s.as_dict() for s in outcome.steps],
    }


@pytest.mark.article("144")
def test_legislative_second_round_tie_elects_no_list():
    outcome = legislative_second_round(1, field(A=700, B=700))
    assert outcome.elected_list is None
    assert outcome.unresolved_tie
    assert "aucune liste n'est déclarée élue" in texts(outcome)


@pytest.mark.article("144")
def test_legislative_second_round_with_three_lists_is_refused():
    with pytest.raises(LawError) as err:
        legislative_second_round(2, field(A=5, B=4, C=1))
    assert err.value.field == "lists"
    assert err.value.articles == ("144",)


@pytest.mark.article("144")
def test_constituency_needs_at_least_one_seat():
    with pytest.raises(LawError) as err:
        legislative_first_round(0, field(A=5, B=4))
    assert err.value.field == "seats"


# --------------------------------------------------------------------------------------------
# Referendum


@pytest.mark.article("125")
@pytest.mark.article("126")
def test_referendum_adopted_when_yes_has_the_majority_of_valid_votes():
    outcome = referendum_outcome(yes=712, no=288)
    assert outcome.adopted
    assert outcome.shares == {"yes": "71.20", "no": "28.80"}
    assert "le texte est adopté" in texts(outcome)


@pytest.mark.article("125")
@pytest.mark.article("126")
def test_referendum_tie_is_not_a_majority_and_the_text_is_not_adopted():
    outcome = referendum_outcome(yes=500, no=500)
    assert not outcome.adopted
    assert "Égalité des « oui » et des « non »" in texts(outcome)


@pytest.mark.article("125")
@pytest.mark.article("126")
def test_referendum_rejected_when_no_wins_and_without_votes():
    assert not referendum_outcome(yes=499, no=501).adopted
    empty = referendum_outcome(yes=0, no=0)
    assert not empty.adopted
    assert empty.shares == {"yes": "0.00", "no": "0.00"}
    assert empty.as_dict()["adopted"] is False
