"""Communal seats (Art. 176), list sizes (Art. 58, 185) and vacancies (Art. 189)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import apportionment.methods as apportionment
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kalata.law.explain import LawError
from kalata.law.seats import (
    CandidateList,
    ListCandidate,
    allocate_communal_seats,
    fill_communal_vacancy,
    fr_average,
    fr_share_against,
)

OLD = date(1950, 1, 1)
MIDDLE = date(1960, 6, 15)
YOUNG = date(1980, 12, 31)


def make_list(code: str, votes: int, seats: int, births: dict[int, date | None] | None = None):
    """A list of ``seats`` candidates named '<code><rank>'; births by rank, else 1970."""
    births = births or {}
    return CandidateList(
        code,
        votes,
        tuple(
            ListCandidate(f"{code}{rank}", births.get(rank, date(1970, 1, rank % 28 + 1)))
            for rank in range(1, seats + 1)
        ),
    )


def plain(text: str) -> str:
    """French thousands are separated by a narrow no-break space; compare with a space."""
    return text.replace("\u202f", " ")


def texts(result) -> str:
    return plain("\n".join(step.text for step in result.steps))


# --------------------------------------------------------------------------------------------
# Worked examples, by hand


@pytest.mark.article("176")
def test_eleven_seat_commune_highest_average_by_hand():
    # 10 000 valid votes. Averages by hand (v / (seats won + 1)):
    #   A 4 100: 4 100, 2 050, 1 366.67, 1 025, 820, 683.33
    #   B 2 700: 2 700, 1 350, 900, 675
    #   C 1 600: 1 600, 800, 533.33
    #   D 1 100: 1 100, 550
    # The eleven highest: 4 100 A, 2 700 B, 2 050 A, 1 600 C, 1 366.67 A, 1 350 B, 1 100 D,
    # 1 025 A, 900 B, 820 A, 800 C; the next (683.33 A) comes too late.
    # E (420 = 4.20 %) and F (80 = 0.80 %) are under 5 %: not admitted.
    lists = [
        make_list("A", 4100, 11),
        make_list("B", 2700, 11),
        make_list("C", 1600, 11),
        make_list("D", 1100, 11),
        make_list("E", 420, 11),
        make_list("F", 80, 11),
    ]
    result = allocate_communal_seats(11, lists)
    assert dict(result.seats) == {"A": 5, "B": 3, "C": 2, "D": 1, "E": 0, "F": 0}
    assert result.excluded == ("E", "F")
    assert not result.unresolved_tie
    assert result.unallocated == 0
    assert result.valid_votes == 10000
    text = texts(result)
    assert "Liste E exclue : 420 voix sur 10 000, soit 4,20 % < 5 %" in text
    assert "liste A : 4 100 / 3 ≈ 1 366,67" in text
    assert "Siège n°11" in text and "le siège va à C2 (liste C, n°2)" in text
    assert all("176" in step.articles for step in result.steps)


@pytest.mark.article("176")
def test_seats_go_to_candidates_in_list_order():
    lists = [make_list("A", 4100, 11), make_list("B", 2700, 11), make_list("C", 1600, 11)]
    result = allocate_communal_seats(11, lists)
    elected = [(e.list_code, e.rank, e.name) for e in result.elected]
    for code in "ABC":
        ranks = [rank for lst, rank, _ in elected if lst == code]
        assert ranks == list(range(1, result.seats[code] + 1))
    assert ("A", 1, "A1") in elected
    assert result.as_dict()["elected"][0] == {"list": "A", "rank": 1, "name": "A1"}


# 11 seats, 10 000 valid votes. Nine lists of 997…989 votes, FIVE at exactly 5 % (500),
# JUST at 4.99 % (499) and SMALL at 0.64 % (64). With the threshold, the ten admitted lists
# each take a first seat (FIVE's 500 beats every second average, the best being
# 997 / 2 = 498.5), and the eleventh seat goes to A (498.5). Without the threshold JUST's
# 499 would beat 498.5 and take that seat.
BOUNDARY_VOTES = {
    "A": 997,
    "B": 996,
    "C": 995,
    "D": 994,
    "E": 993,
    "F": 992,
    "G": 991,
    "H": 990,
    "I": 989,
    "FIVE": 500,
    "JUST": 499,
    "SMALL": 64,
}


@pytest.mark.article("176")
def test_list_at_exactly_five_percent_is_admitted_and_can_win_a_seat():
    assert sum(BOUNDARY_VOTES.values()) == 10000
    lists = [make_list(code, votes, 11) for code, votes in BOUNDARY_VOTES.items()]
    result = allocate_communal_seats(11, lists)
    assert result.seats["FIVE"] == 1
    assert "FIVE" not in result.excluded
    assert "Liste FIVE : 500 voix sur 10 000, soit 5,00 % ≥ 5 % : admise" in texts(result)
    assert result.seats["A"] == 2
    assert sum(result.seats.values()) == 11


@pytest.mark.article("176")
def test_list_just_under_five_percent_gets_no_seat_even_one_dhondt_alone_would_give():
    lists = [make_list(code, votes, 11) for code, votes in BOUNDARY_VOTES.items()]
    result = allocate_communal_seats(11, lists)
    assert result.excluded == ("JUST", "SMALL")
    assert result.seats["JUST"] == 0
    assert "Liste JUST exclue : 499 voix sur 10 000, soit 4,99 % < 5 %" in texts(result)
    # Without the threshold, plain D'Hondt gives JUST the seat that goes to A here.
    plain = apportionment.compute("dhondt", list(BOUNDARY_VOTES.values()), 11)
    assert dict(zip(BOUNDARY_VOTES, plain, strict=True))["JUST"] == 1


@pytest.mark.article("176")
def test_threshold_is_compared_exactly_not_on_the_rounded_share():
    # 999 / 20 000 = 4.995 %: rounds to "5,00 %" but has not obtained 5 %.
    lists = [make_list("A", 19001, 3), make_list("B", 999, 3)]
    result = allocate_communal_seats(3, lists)
    assert result.excluded == ("B",)
    assert "soit 4,995 % < 5 %" in texts(result)
    assert fr_share_against(999, 20000) == "4,995 %"
    assert fr_share_against(1000, 20000) == "5,00 %"


@pytest.mark.article("176")
def test_threshold_base_is_the_declared_valid_votes_when_given():
    # B has 60 of the lists' 1 000 votes (6 %) but only 60 / 1 300 = 4.62 % of the valid
    # votes declared: excluded.
    lists = [make_list("A", 940, 3), make_list("B", 60, 3)]
    assert allocate_communal_seats(3, lists).excluded == ()  # base = 1 000: B has 6 %
    result = allocate_communal_seats(3, lists, valid_votes=1300)
    assert result.excluded == ("B",)
    assert result.valid_votes == 1300
    assert "60 voix sur 1 300, soit 4,62 % < 5 %" in texts(result)


@pytest.mark.article("176")
def test_tie_on_the_last_seat_goes_to_the_oldest_candidate_not_to_the_list_with_most_votes():
    # A 600, B 300, 2 seats. Seat 1: A (600). Seat 2: A 600 / 2 = 300 against B 300 / 1 = 300.
    # The French code (L.262) would give it to A (more votes); the Malian text goes straight
    # to the oldest candidate who would be elected: B's n°1, born 1950, against A's n°2.
    lists = [make_list("A", 600, 2, {2: YOUNG}), make_list("B", 300, 2, {1: OLD})]
    result = allocate_communal_seats(2, lists)
    assert dict(result.seats) == {"A": 1, "B": 1}
    assert not result.unresolved_tie
    assert [(e.list_code, e.rank) for e in result.elected] == [("A", 1), ("B", 1)]
    text = texts(result)
    assert "B1 (liste B, n°1), né(e) le 1er janvier 1950" in text
    assert "Siège n°2 attribué à la liste B" in text
    assert "L.262" in text


@pytest.mark.article("176")
def test_tie_goes_to_the_list_whose_next_candidate_is_oldest():
    # Same votes, but now A's n°2 is the oldest: A takes both seats.
    lists = [make_list("A", 600, 2, {2: OLD}), make_list("B", 300, 2, {1: YOUNG})]
    result = allocate_communal_seats(2, lists)
    assert dict(result.seats) == {"A": 2, "B": 0}
    assert [e.name for e in result.elected] == ["A1", "A2"]


@pytest.mark.article("176")
def test_equal_averages_with_enough_seats_left_need_no_tie_break():
    # A 600, B 300, C 100, 3 seats. Seat 1: A. Then A 300 and B 300 for 2 seats left: each
    # takes one; birth dates are not even needed (unknown here).
    unknown = {rank: None for rank in range(1, 4)}
    lists = [
        make_list("A", 600, 3, unknown),
        make_list("B", 300, 3, unknown),
        make_list("C", 100, 3, unknown),
    ]
    result = allocate_communal_seats(3, lists)
    assert dict(result.seats) == {"A": 2, "B": 1, "C": 0}
    assert not result.unresolved_tie
    assert "chacune en obtient un, sans départage" in texts(result)


@pytest.mark.article("176")
def test_tie_between_candidates_born_the_same_day_is_left_unresolved():
    lists = [make_list("A", 600, 2, {2: MIDDLE}), make_list("B", 300, 2, {1: MIDDLE})]
    result = allocate_communal_seats(2, lists)
    assert result.unresolved_tie
    assert result.unallocated == 1
    assert dict(result.seats) == {"A": 1, "B": 0}
    assert [e.name for e in result.elected] == ["A1"]
    text = texts(result)
    assert "sont nés le même jour (15 juin 1960)" in text
    assert "sans tirage au sort" in text
    assert result.as_dict()["unresolved_tie"] is True


@pytest.mark.article("176")
def test_tie_with_a_missing_birth_date_is_left_unresolved():
    lists = [make_list("A", 600, 2, {2: OLD}), make_list("B", 300, 2, {1: None})]
    result = allocate_communal_seats(2, lists)
    assert result.unresolved_tie
    assert dict(result.seats) == {"A": 1, "B": 0}
    assert "date de naissance de B1 (liste B, n°1) n'est pas connue" in texts(result)


@pytest.mark.article("176")
def test_three_way_tie_for_two_seats_gives_the_oldest_a_seat_and_leaves_the_other_open():
    # Three lists of 100 votes, 2 seats: averages all 100. The oldest (A1, 1950) surely takes
    # a seat; B1 and C1 were born the same day: the second seat stays open.
    lists = [
        make_list("A", 100, 2, {1: OLD}),
        make_list("B", 100, 2, {1: MIDDLE}),
        make_list("C", 100, 2, {1: MIDDLE}),
    ]
    result = allocate_communal_seats(2, lists)
    assert dict(result.seats) == {"A": 1, "B": 0, "C": 0}
    assert result.unresolved_tie and result.unallocated == 1
    assert "siège n°2 reste non attribué" in texts(result)


@pytest.mark.article("176")
def test_three_way_tie_for_two_seats_goes_to_the_two_oldest():
    lists = [
        make_list("A", 100, 2, {1: YOUNG}),
        make_list("B", 100, 2, {1: OLD}),
        make_list("C", 100, 2, {1: MIDDLE}),
    ]
    result = allocate_communal_seats(2, lists)
    assert dict(result.seats) == {"A": 0, "B": 1, "C": 1}
    assert not result.unresolved_tie
    text = texts(result)
    assert "Siège n°1 attribué à la liste B" in text  # the oldest first
    assert "Siège n°2 attribué à la liste C" in text


@pytest.mark.article("176")
def test_no_list_reaching_five_percent_leaves_every_seat_unallocated():
    lists = [make_list("A", 40, 11), make_list("B", 45, 11)]
    result = allocate_communal_seats(11, lists, valid_votes=1000)
    assert dict(result.seats) == {"A": 0, "B": 0}
    assert result.excluded == ("A", "B")
    assert result.unallocated == 11
    assert not result.unresolved_tie
    assert result.elected == ()
    assert "Aucune liste n'a obtenu 5 %" in texts(result)


@pytest.mark.article("176")
def test_no_valid_vote_allocates_no_seat():
    lists = [make_list("A", 0, 11), make_list("B", 0, 11)]
    result = allocate_communal_seats(11, lists)
    assert dict(result.seats) == {"A": 0, "B": 0}
    assert result.unallocated == 11
    assert "Aucun suffrage exprimé" in texts(result)


@pytest.mark.article("176")
def test_single_admitted_list_takes_every_seat():
    lists = [make_list("A", 960, 5), make_list("B", 40, 5)]
    result = allocate_communal_seats(5, lists)
    assert dict(result.seats) == {"A": 5, "B": 0}


@pytest.mark.article("58")
@pytest.mark.article("185")
def test_list_with_fewer_candidates_than_seats_is_refused():
    lists = [make_list("A", 600, 3), make_list("B", 300, 2)]
    with pytest.raises(LawError) as err:
        allocate_communal_seats(3, lists)
    assert err.value.field == "lists[1].candidates"
    assert err.value.articles == ("58", "185")
    assert "autant que de sièges" in err.value.message


@pytest.mark.article("176")
def test_declared_valid_votes_below_the_lists_votes_are_refused():
    with pytest.raises(LawError) as err:
        allocate_communal_seats(2, [make_list("A", 600, 2)], valid_votes=500)
    assert err.value.field == "valid_votes"


@pytest.mark.article("58")
def test_two_lists_with_the_same_code_are_refused():
    with pytest.raises(LawError) as err:
        allocate_communal_seats(2, [make_list("A", 6, 2), make_list("A", 3, 2)])
    assert err.value.field == "lists[1].code"


@pytest.mark.article("176")
def test_averages_are_written_exactly_or_marked_approximate():
    assert plain(fr_average(Fraction(4100, 1))) == "= 4 100"
    assert fr_average(Fraction(801, 2)) == "= 400,50"
    assert fr_average(Fraction(1234, 3)) == "≈ 411,33"
    assert plain(fr_average(Fraction(4100, 3))) == "≈ 1 366,67"


# --------------------------------------------------------------------------------------------
# Properties (Hypothesis)

BIRTHS = st.sampled_from([OLD, MIDDLE, YOUNG, None])
VOTES = st.one_of(st.integers(0, 30), st.integers(0, 3000))


@st.composite
def communes(draw, max_lists: int = 6, max_seats: int = 13):
    seats = draw(st.integers(1, max_seats))
    n = draw(st.integers(1, max_lists))
    lists = []
    for i in range(n):
        births = draw(st.lists(BIRTHS, min_size=seats, max_size=seats))
        lists.append(
            CandidateList(
                f"L{i}",
                draw(VOTES),
                tuple(ListCandidate(f"L{i}-{r}", b) for r, b in enumerate(births, 1)),
            )
        )
    return seats, lists


@pytest.mark.article("176")
@settings(max_examples=300, deadline=None)
@given(communes())
def test_property_allocated_and_unallocated_seats_add_up_to_the_council(commune):
    seats, lists = commune
    result = allocate_communal_seats(seats, lists)
    assert sum(result.seats.values()) + result.unallocated == seats
    assert len(result.elected) == sum(result.seats.values())
    admitted = [lst for lst in lists if lst.code not in result.excluded]
    if not result.unresolved_tie and any(lst.votes for lst in admitted):
        assert sum(result.seats.values()) == seats


@pytest.mark.article("176")
@settings(max_examples=300, deadline=None)
@given(communes())
def test_property_list_under_five_percent_never_wins_a_seat(commune):
    seats, lists = commune
    result = allocate_communal_seats(seats, lists)
    total = sum(lst.votes for lst in lists)
    for lst in lists:
        if lst.votes * 100 < 5 * total or total == 0:
            assert lst.code in result.excluded
            assert result.seats[lst.code] == 0


@pytest.mark.article("176")
@settings(max_examples=300, deadline=None)
@given(communes(), st.data())
def test_property_more_votes_never_cost_a_list_a_seat(commune, data):
    # Exact property: list i gains ``extra`` votes, every other list keeps its votes, so the
    # valid votes (the threshold base) grow by ``extra``. List i's share can only rise, the
    # others' shares fall (some may drop under 5 %, which only frees seats), and its
    # averages rise strictly: its allocated seats never decrease — counting only seats the
    # law attributes, ties left unresolved included.
    seats, lists = commune
    i = data.draw(st.integers(0, len(lists) - 1))
    extra = data.draw(st.integers(1, 1500))
    before = allocate_communal_seats(seats, lists)
    richer = list(lists)
    richer[i] = CandidateList(lists[i].code, lists[i].votes + extra, lists[i].candidates)
    after = allocate_communal_seats(seats, richer)
    assert after.seats[lists[i].code] >= before.seats[lists[i].code]


@pytest.mark.article("176")
@settings(max_examples=300, deadline=None)
@given(communes(), st.randoms(use_true_random=False))
def test_property_order_of_lists_does_not_change_the_result(commune, rnd):
    seats, lists = commune
    shuffled = list(lists)
    rnd.shuffle(shuffled)
    a = allocate_communal_seats(seats, lists)
    b = allocate_communal_seats(seats, shuffled)
    assert dict(a.seats) == dict(b.seats)
    assert set(a.excluded) == set(b.excluded)
    assert set(a.elected) == set(b.elected)
    assert (a.unresolved_tie, a.unallocated) == (b.unresolved_tie, b.unallocated)


@pytest.mark.article("176")
@settings(max_examples=400, deadline=None)
@given(communes(max_lists=8, max_seats=45))
def test_property_matches_the_apportionment_package_dhondt_on_tie_free_inputs(commune):
    # Independent oracle: the `apportionment` package's D'Hondt with a 5 % threshold
    # (excluded when votes < 5 % of the total, the same reading as ours).
    seats, lists = commune
    votes = [lst.votes for lst in lists]
    assume(any(v * 100 >= 5 * sum(votes) for v in votes) and sum(votes) > 0)
    try:
        expected = apportionment.compute(
            "dhondt", votes, seats, threshold=Fraction(1, 20), tiesallowed=False
        )
    except apportionment.TiesException:
        assume(False)
    result = allocate_communal_seats(seats, lists)
    assert not result.unresolved_tie
    assert [result.seats[lst.code] for lst in lists] == expected


# --------------------------------------------------------------------------------------------
# Vacancies (Art. 189)

MANDATE_END = date(2009, 5, 30)


@pytest.mark.article("189")
def test_vacant_seat_goes_to_the_candidate_right_after_the_last_elected():
    lst = make_list("A", 600, 11)
    outcome = fill_communal_vacancy(lst, 5, date(2006, 3, 1), MANDATE_END)
    assert outcome.successor is not None
    assert (outcome.successor.rank, outcome.successor.name) == (6, "A6")
    assert not outcome.by_election


@pytest.mark.article("189")
def test_vacancy_skips_candidates_who_cannot_sit_until_the_list_is_exhausted():
    lst = make_list("A", 600, 11)
    outcome = fill_communal_vacancy(lst, 9, date(2006, 3, 1), MANDATE_END, frozenset({10}))
    assert outcome.successor is not None and outcome.successor.rank == 11


@pytest.mark.article("189")
def test_exhausted_list_calls_a_by_election():
    lst = make_list("A", 600, 11)
    outcome = fill_communal_vacancy(lst, 11, date(2006, 3, 1), MANDATE_END)
    assert outcome.successor is None
    assert outcome.by_election
    assert "élection partielle" in outcome.steps[-1].text


@pytest.mark.article("189")
def test_exhausted_list_in_the_last_twelve_months_calls_no_by_election():
    lst = make_list("A", 600, 11)
    assert not fill_communal_vacancy(lst, 11, date(2008, 5, 30), MANDATE_END).by_election
    assert fill_communal_vacancy(lst, 11, date(2008, 5, 29), MANDATE_END).by_election


@pytest.mark.article("176")
@settings(max_examples=300, deadline=None)
@given(communes(), st.booleans())
def test_property_the_explanation_describes_the_decision_taken_without_it(commune, declared):
    # The seats are decided without writing the text; the text, written on demand, is the same
    # algorithm run again with its text on: both runs must take every decision alike.
    seats, lists = commune
    valid = sum(lst.votes for lst in lists) + 7 if declared else None
    result = allocate_communal_seats(seats, lists, valid)
    summary = [s.text for s in result.steps if s.text.startswith("Répartition : ")]
    assert len(summary) == 1
    for lst in lists:
        if lst.code in result.excluded:
            assert f"liste {lst.code} : exclue" in summary[0]
        else:
            won = result.seats[lst.code]
            word = "siège" if won < 2 else "sièges"
            assert f"liste {lst.code} : {won} {word}" in summary[0]
    assert result.steps is result.steps  # written once
