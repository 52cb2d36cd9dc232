"""Councillors by commune population (Code des collectivités territoriales; annex 03-1879)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalata.law.councillors import (
    COUNCILLOR_NUMBERS,
    band_for_population,
    bands,
    councillors_for_population,
    is_scale_number,
)
from kalata.law.explain import LawError

pytestmark = pytest.mark.article("annex")


@pytest.mark.parametrize(
    ("population", "councillors"),
    [
        (10_000, 11),
        (10_001, 17),
        (20_000, 17),
        (20_001, 23),
        (40_000, 23),
        (40_001, 29),
        (70_000, 29),
        (70_001, 33),
        (100_000, 33),
        (100_001, 37),
        (150_000, 37),
        (150_001, 41),
        (200_000, 41),
        (200_001, 45),
    ],
)
def test_each_band_limit_belongs_to_the_lower_band(population, councillors):
    assert councillors_for_population(population).councillors == councillors


def test_commune_of_up_to_ten_thousand_elects_eleven():
    # Kiban (Banamba), 9 994 inhabitants in the annex: 11 councillors.
    assert councillors_for_population(9_994).councillors == 11


def test_commune_just_over_ten_thousand_elects_seventeen():
    # Dembéla (Sikasso), 10 005 inhabitants in the annex: 17 councillors.
    assert councillors_for_population(10_005).councillors == 17


def test_commune_just_over_twenty_thousand_elects_twenty_three():
    # Nioro, 20 002 inhabitants in the annex: 23 councillors.
    assert councillors_for_population(20_002).councillors == 23


def test_bamako_commune_over_two_hundred_thousand_elects_forty_five():
    # Commune VI of Bamako, 250 701 inhabitants in the annex: 45 councillors.
    assert councillors_for_population(250_701).councillors == 45


def test_empty_commune_still_gets_the_smallest_council():
    assert councillors_for_population(0).councillors == 11


def test_negative_population_is_refused_with_a_french_message():
    with pytest.raises(LawError) as err:
        councillors_for_population(-1)
    assert err.value.code == "population_negative"
    assert "négative" in err.value.message
    assert err.value.articles == ("annex",)


def test_non_integer_population_is_refused():
    with pytest.raises(LawError) as err:
        band_for_population(True)
    assert err.value.code == "population_not_integer"


def test_explanation_names_the_population_the_band_and_the_references():
    result = councillors_for_population(10_529)
    assert result.councillors == 17
    texts = [s.text for s in result.steps]
    assert "10\u202f529 habitants" in texts[0]
    assert "de 10\u202f001 à 20\u202f000 habitants" in texts[1]
    assert "Code des collectivités territoriales" in texts[1]
    assert "03-1879" in texts[1]
    assert all(s.articles == ("annex",) for s in result.steps)
    assert "Code des collectivités territoriales" in result.references
    assert result.as_dict()["band"] == {"low": 10_001, "high": 20_000}


def test_top_band_is_described_as_open():
    assert band_for_population(300_000).describe() == "plus de 200\u202f000 habitants"
    assert band_for_population(5).describe() == "jusqu'à 10\u202f000 habitants"


def test_bands_cover_every_population_without_gap_or_overlap():
    bs = bands()
    assert bs[0].low == 0
    for lower, upper in zip(bs, bs[1:], strict=False):
        assert upper.low == lower.high + 1
    assert bs[-1].high is None


def test_only_the_eight_scale_numbers_are_valid():
    assert COUNCILLOR_NUMBERS == {11, 17, 23, 29, 33, 37, 41, 45}
    assert is_scale_number(17)
    assert not is_scale_number(15)


@given(st.integers(min_value=0, max_value=2_000_000), st.integers(min_value=0, max_value=2_000_000))
def test_more_inhabitants_never_means_fewer_councillors(a, b):
    low, high = sorted((a, b))
    assert (
        councillors_for_population(low).councillors <= councillors_for_population(high).councillors
    )


@given(st.integers(min_value=0, max_value=2_000_000))
def test_result_is_always_a_scale_number_inside_its_band(population):
    result = councillors_for_population(population)
    assert is_scale_number(result.councillors)
    assert result.band.low <= population
    assert result.band.high is None or population <= result.band.high
