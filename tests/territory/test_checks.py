"""The check of the annex against the councillor scale (pure)."""

from __future__ import annotations

import copy

import pytest

from kalata.territory.annex import build_territory
from kalata.territory.checks import IMPLAUSIBLE_POPULATION_FLOOR, ISSUES, check_territory

pytestmark = pytest.mark.article("annex")


@pytest.fixture(scope="module")
def territory() -> dict:
    return build_territory()


@pytest.fixture(scope="module")
def items(territory) -> list[dict]:
    return check_territory(territory)


def _find(items, code, issue):
    return [it for it in items if it["code"] == code and it["issue"] == issue]


def test_items_have_the_stable_shape(items):
    assert items
    for it in items:
        assert set(it) == {"code", "name", "cercle", "issue", "detail"}
        assert it["issue"] in ISSUES


def test_diamou_disagrees_with_the_scale_and_keeps_its_published_number(items, territory):
    (diamou,) = _find(items, "CM010103", "councillors_band_mismatch")
    assert diamou["name"] == "Diamou"
    assert diamou["cercle"] == "Kayes"
    assert "10\u202f529 habitants donnent 17 conseillers" in diamou["detail"]
    assert "l'annexe en fixe 11" in diamou["detail"]
    commune = next(c for c in territory["communes"] if c["code"] == "CM010103")
    assert commune["councillors"] == 11
    assert commune["flags"] == ["councillors_band_mismatch"]


def test_diamou_is_the_only_band_mismatch(items):
    assert [it["name"] for it in items if it["issue"] == "councillors_band_mismatch"] == ["Diamou"]


def test_tinaicha_population_of_31_is_flagged_implausible(items):
    (tin,) = _find(items, "CM060314", "implausible_population")
    assert tin["name"] == "TinAïcha"
    assert tin["cercle"] == "Goundam"
    assert "31 habitants" in tin["detail"]
    assert IMPLAUSIBLE_POPULATION_FLOOR == 500


def test_population_printed_with_a_letter_is_listed_with_its_correction(items):
    (marena,) = _find(items, "CM010115", "population_not_numeric")
    assert "« 9 648I »" in marena["detail"]
    assert "corrigée en 9\u202f648" in marena["detail"]


def test_uncertain_correction_is_listed(items):
    (ouinerden,) = _find(items, "CM060406", "uncertain_correction")
    assert "Quinerden" in ouinerden["detail"]
    assert ouinerden["cercle"] == "Gourma-Rharous"


def test_certain_corrections_are_not_listed_as_uncertain(items):
    uncertain = {it["code"] for it in items if it["issue"] == "uncertain_correction"}
    assert uncertain == {"CM060406"}


def test_identical_populations_in_one_cercle_are_both_listed(items):
    repeated = {it["name"] for it in items if it["issue"] == "repeated_population"}
    assert repeated == {
        "Guiré",
        "Ouagadou",
        "Finkolo-Ganadougou",
        "Finkolo",
        "Diganidougou",
        "N' Koumandougou",
        "Massala",
        "Sama-Foulala",
    }


def test_rural_commune_larger_than_the_chief_town_is_not_an_issue(items):
    # Goundam (chief town) 3 625 inhabitants, Tonka 27 193: not flagged.
    assert not [it for it in items if it["name"] in ("Goundam", "Tonka")]


def test_bamako_commune_items_name_the_district(territory):
    t = copy.deepcopy(territory)
    six = next(c for c in t["communes"] if c["code"] == "CM090006")
    six["population"] = None
    (item,) = _find(check_territory(t), "CM090006", "population_missing")
    assert item["cercle"] == "District de Bamako"
    assert "45" in item["detail"]


def test_number_outside_the_scale_is_listed(territory):
    t = copy.deepcopy(territory)
    bangassi = next(c for c in t["communes"] if c["code"] == "CM010101")
    bangassi["councillors"] = 12
    found = {it["issue"] for it in check_territory(t) if it["code"] == "CM010101"}
    assert found == {"councillors_not_in_scale", "councillors_band_mismatch"}


def test_check_changes_nothing(territory):
    before = copy.deepcopy(territory)
    check_territory(territory)
    assert territory == before
