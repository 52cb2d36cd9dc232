"""Polling stations, booths, station members and hours (Art. 71, 74, 76, 80, 81)."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalata.law.explain import LawError
from kalata.law.polling import (
    POLLS_CLOSE,
    POLLS_OPEN,
    StationAttendance,
    admitted_to_vote,
    booths_required,
    check_composition,
    check_quorum,
    polls_open_at,
    split_electors,
    station_sizes,
    stations_required,
)

# --- Art. 71 ------------------------------------------------------------------------------


@pytest.mark.article("71")
@pytest.mark.parametrize(
    ("electors", "stations"),
    [(1, 1), (699, 1), (700, 1), (701, 2), (1400, 2), (1401, 3)],
)
def test_one_station_per_700_electors_or_fraction_of_700(electors, stations):
    assert stations_required(electors).stations == stations


@pytest.mark.article("71")
def test_fraction_of_700_gets_its_own_station_and_is_explained():
    result = stations_required(701)
    assert result.stations == 2
    assert any("fraction de 1" in s.text and s.articles == ("71",) for s in result.steps)


@pytest.mark.article("71")
def test_list_without_electors_needs_no_station_and_says_why():
    result = stations_required(0)
    assert result.stations == 0
    assert "aucun électeur" in result.steps[0].text
    assert station_sizes(0).sizes == ()
    assert split_electors([]) == ()


@pytest.mark.article("71")
@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_elector_count_must_be_a_non_negative_integer(bad):
    with pytest.raises(LawError) as err:
        stations_required(bad)
    assert err.value.articles == ("71",)
    assert err.value.field == "electors"


@pytest.mark.article("71")
def test_stations_are_balanced_first_ones_take_the_extra_elector():
    assert station_sizes(1401).sizes == (467, 467, 467)
    assert station_sizes(1402).sizes == (468, 467, 467)
    assert station_sizes(701).sizes == (351, 350)


@pytest.mark.article("71")
@given(st.integers(min_value=0, max_value=200_000))
def test_split_gives_the_legal_number_of_stations_each_at_most_700_sizes_within_one(n):
    split = station_sizes(n)
    assert split.stations == stations_required(n).stations == -(-n // 700)
    assert sum(split.sizes) == n
    if n:
        assert max(split.sizes) <= 700
        assert max(split.sizes) - min(split.sizes) <= 1
        assert list(split.sizes) == sorted(split.sizes, reverse=True)
    assert station_sizes(n) == split  # deterministic


@pytest.mark.article("71")
@given(st.lists(st.integers(), max_size=3000))
def test_splitting_a_list_keeps_every_elector_once_in_order(electors):
    stations = split_electors(electors)
    assert [e for station in stations for e in station] == electors
    assert tuple(len(s) for s in stations) == station_sizes(len(electors)).sizes


# --- Art. 81 ------------------------------------------------------------------------------


@pytest.mark.article("81")
@pytest.mark.parametrize(("registered", "booths"), [(1, 1), (500, 1), (501, 2), (700, 2)])
def test_one_booth_per_500_registered_electors_or_fraction(registered, booths):
    assert booths_required(registered).booths == booths


@pytest.mark.article("81")
def test_every_station_has_at_least_one_booth():
    result = booths_required(0)
    assert result.booths == 1
    assert any("au moins un" in s.text for s in result.steps)


@pytest.mark.article("81")
def test_booth_ratio_is_as_far_as_possible_not_a_cause_of_nullity():
    assert any("autant que possible" in s.text.lower() for s in booths_required(600).steps)


# --- Art. 74, 76 --------------------------------------------------------------------------


@pytest.mark.article("74")
def test_station_is_a_president_and_four_assessors():
    assert check_composition(has_president=True, assessors=4).ok
    assert check_composition(has_president=True, assessors=4).codes == ("composition_ok",)


@pytest.mark.article("74")
def test_missing_assessors_or_president_are_reported_with_the_replacement_rule():
    result = check_composition(has_president=False, assessors=3)
    assert not result.ok
    assert result.codes == ("no_president", "assessors_missing")
    assert "assesseur le plus âgé" in result.reasons[0].text_fr
    assert not check_composition(has_president=True, assessors=5).ok


@pytest.mark.article("76")
def test_three_members_with_president_and_secretary_may_sit():
    result = check_quorum(StationAttendance(3, president_present=True, secretary_present=True))
    assert result.ok
    assert result.reasons[0].articles == ("76",)


@pytest.mark.article("76")
def test_never_fewer_than_three_members_present():
    result = check_quorum(StationAttendance(2, president_present=True, secretary_present=True))
    assert not result.ok
    assert result.codes == ("too_few_members",)


@pytest.mark.article("76")
def test_president_or_representative_and_secretary_must_be_among_those_present():
    result = check_quorum(StationAttendance(4, president_present=False, secretary_present=False))
    assert not result.ok
    assert set(result.codes) == {"president_absent", "secretary_absent"}
    assert all(r.blocking for r in result.reasons)


@pytest.mark.article("76")
def test_attendance_cannot_count_fewer_members_than_the_officers_present():
    with pytest.raises(LawError):
        StationAttendance(1, president_present=True, secretary_present=True)


# --- Art. 80 ------------------------------------------------------------------------------


@pytest.mark.article("80")
def test_polls_open_at_eight_and_close_at_eighteen():
    assert POLLS_OPEN == time(8, 0) and POLLS_CLOSE == time(18, 0)
    assert not polls_open_at(time(7, 59))
    assert polls_open_at(time(8, 0))
    assert polls_open_at(time(17, 59))
    assert not polls_open_at(time(18, 0))


@pytest.mark.article("80")
def test_voters_present_at_closing_are_admitted_later_arrivals_are_not():
    assert admitted_to_vote(time(18, 0)).ok
    assert admitted_to_vote(time(18, 0)).codes == ("present_at_closing",)
    late = admitted_to_vote(time(18, 1))
    assert not late.ok
    assert late.codes == ("after_closing",)


@pytest.mark.article("80")
def test_early_arrival_votes_at_opening():
    result = admitted_to_vote(time(7, 30))
    assert result.ok and result.codes == ("before_opening",)
    assert admitted_to_vote(time(12, 0)).codes == ("during_hours",)


@pytest.mark.article("80")
def test_force_majeure_hours_replace_the_legal_ones():
    assert not admitted_to_vote(time(17, 30), opening=time(9, 0), closing=time(17, 0)).ok
    assert admitted_to_vote(time(17, 0), opening=time(9, 0), closing=time(17, 0)).ok
    with pytest.raises(LawError):
        admitted_to_vote(time(10, 0), opening=time(18, 0), closing=time(8, 0))
