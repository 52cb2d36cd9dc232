"""The annex of arrêté n°03-1879/MATCL-SG: verbatim source, corrections, derived territory."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest

from kalata.territory import annex
from kalata.territory.annex import AnnexError, build_territory, dumps, parse_population

pytestmark = pytest.mark.article("annex")

SEED = Path("/work/shared/seeds/003_c915b76f961f21cc.txt")


@pytest.fixture(scope="module")
def territory() -> dict:
    return build_territory()


@pytest.fixture(scope="module")
def by_code(territory) -> dict:
    return {c["code"]: c for c in territory["communes"]}


def _annex() -> str:
    return annex.ANNEX_FILE.read_text(encoding="utf-8")


def _corrections() -> str:
    return annex.CORRECTIONS_FILE.read_text(encoding="utf-8")


# -- the source -----------------------------------------------------------------------------


def test_annex_file_is_the_published_table_byte_for_byte():
    # The annex as published, typing errors included (sha256 pinned; the seed when present).
    text = _annex()
    assert text.startswith("**ANNEXE A L'ARRETE N°03-1879/MATCL-SG DU 27 AOÛT 2003\n")
    assert text.endswith("Commune VI\t250 701\t45")
    assert "Maréna-Diombougou\t9 648I\t11" in text
    assert "4. Région de Ségo :" in text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert digest == "dbd3a6b0011dbe0b8c901a3dea0b8434bd809de4b761f854a48950d1716dbd3a"
    if SEED.exists():
        seed_lines = SEED.read_text(encoding="utf-8").split("\n")
        assert "\n".join(seed_lines[annex.SEED_LINE_OFFSET :]) == text


def test_shipped_territory_json_equals_a_fresh_build(territory):
    # Nobody edits the derived file by hand: `python -m kalata.territory.build` rewrites it.
    assert annex.TERRITORY_FILE.read_text(encoding="utf-8") == dumps(territory)


# -- counts -----------------------------------------------------------------------------------


def test_annex_gives_eight_regions_one_district_forty_nine_cercles(territory):
    kinds = [r["kind"] for r in territory["regions"]]
    assert kinds == ["region"] * 8 + ["district"]
    assert len(territory["cercles"]) == 49


def test_annex_gives_seven_hundred_and_three_communes(territory):
    assert len(territory["communes"]) == 703
    assert territory["totals"] == {
        "regions": 8,
        "districts": 1,
        "cercles": 49,
        "communes": 703,
        "councillors": 10_789,
        "population": 10_198_064,
    }


def test_bamako_has_its_six_communes_with_commune_six_as_printed(by_code):
    bamako = [c for c in by_code.values() if c["region"] == "D09"]
    assert [c["name"] for c in bamako] == [f"Commune {n}" for n in "I II III IV V VI".split()]
    six = by_code["CM090006"]
    # The last line of the annex (no final newline): Commune VI, 250 701 inhabitants, 45.
    assert (six["population"], six["councillors"], six["cercle"]) == (250_701, 45, None)
    assert six["corrections"] == []


def test_cercles_per_region_follow_the_annex_headings(territory):
    per_region = {}
    for c in territory["cercles"]:
        per_region[c["region"]] = per_region.get(c["region"], 0) + 1
    assert per_region == {
        "R01": 7,
        "R02": 7,
        "R03": 7,
        "R04": 7,
        "R05": 8,
        "R06": 5,
        "R07": 4,
        "R08": 4,
    }


# -- codes ------------------------------------------------------------------------------------


def test_codes_are_unique_although_names_repeat(territory):
    codes = [u["code"] for key in ("regions", "cercles", "communes") for u in territory[key]]
    assert len(codes) == len(set(codes))
    names = [c["name"] for c in territory["communes"]]
    assert names.count("Benkadi") == 4
    assert names.count("Diédougou") == 3


def test_pinned_codes_are_stable(territory, by_code):
    regions = {r["code"]: r["name"] for r in territory["regions"]}
    assert regions == {
        "R01": "Kayes",
        "R02": "Koulikoro",
        "R03": "Sikasso",
        "R04": "Ségou",
        "R05": "Mopti",
        "R06": "Tombouctou",
        "R07": "Gao",
        "R08": "Kidal",
        "D09": "Bamako",
    }
    cercles = {c["code"]: c["name"] for c in territory["cercles"]}
    assert cercles["C0101"] == "Kayes"
    assert cercles["C0107"] == "Yélimané"
    assert cercles["C0301"] == "Kadiolo"  # Sikasso's cercles in annex order
    assert cercles["C0804"] == "Tessalit"
    assert by_code["CM010101"]["name"] == "Bangassi"
    assert by_code["CM010128"]["name"] == "Kayes"
    assert by_code["CM010128"]["population"] == 83_122
    assert by_code["CM010701"]["name"] == "Diafounou-Gory"
    assert by_code["CM030743"]["name"] == "Sikasso"
    assert by_code["CM090001"]["name"] == "Commune I"
    assert by_code["CM090006"]["name"] == "Commune VI"


def test_commune_code_is_cercle_digits_plus_order(territory):
    for c in territory["communes"]:
        if c["cercle"]:
            assert c["code"] == f"CM{c['cercle'][1:]}{c['order']:02d}"
        else:
            assert c["code"] == f"CM0900{c['order']:02d}"


def test_regions_carry_ocha_pcodes_and_cercles_leave_them_unconfirmed(territory):
    assert [r["ocha_pcode"] for r in territory["regions"]] == [f"ML0{n}" for n in range(1, 10)]
    assert all(c["ocha_pcode"] is None for c in territory["cercles"])


# -- corrections ------------------------------------------------------------------------------


def test_every_correction_is_present_with_what_was_printed(territory):
    got = {
        (c["line"], c["field"]): (c["printed"], c["corrected"]) for c in territory["corrections"]
    }
    assert got == {
        (23, "population"): ("9 648I", "9 648"),
        (145, "name"): ("", "Diafounou-Gory"),
        (146, "row"): ("Diafounou-Gory", ""),
        (458, "region_name"): ("Ségo", "Ségou"),
        (783, "name"): ("Quinerden", "Ouinerden"),
    }
    for c in territory["corrections"]:
        assert c["reason"] and c["certainty"] in ("certain", "uncertain")
        assert c["seed_line"] == c["line"] + 1297


def test_printed_values_are_what_the_annex_prints(by_code):
    lines = _annex().split("\n")
    for c in by_code.values():
        p = c["printed"]
        assert lines[c["line"] - 1] == f"{p['name']}\t{p['population']}\t{p['councillors']}"


def test_stray_letter_in_population_is_corrected_and_recorded(by_code):
    marena = by_code["CM010115"]
    assert marena["name"] == "Maréna-Diombougou"
    assert marena["population"] == 9_648
    assert marena["printed"]["population"] == "9 648I"
    assert marena["corrections"] == ["L0023-population"]


def test_name_split_from_its_figures_is_joined_into_one_commune(territory, by_code):
    joined = by_code["CM010701"]
    assert (joined["population"], joined["councillors"]) == (15_678, 17)
    assert joined["lines"] == [145, 146]
    assert joined["corrections"] == ["L0145-name", "L0146-row"]
    yelimane = [c for c in territory["communes"] if c["cercle"] == "C0107"]
    assert len(yelimane) == 12


def test_region_heading_typo_keeps_the_printed_name(territory):
    segou = next(r for r in territory["regions"] if r["code"] == "R04")
    assert (segou["name"], segou["printed_name"]) == ("Ségou", "Ségo")
    assert segou["corrections"] == ["L0458-region_name"]


def test_populations_with_and_without_thousands_space_are_read_alike():
    assert parse_population("12 479") == parse_population("12479") == 12_479
    assert parse_population("250 701") == 250_701
    assert parse_population("9 648I") is None
    assert parse_population("12 47") is None


# -- failing loudly ---------------------------------------------------------------------------


def test_unknown_line_stops_the_build_with_its_line_number():
    lines = _annex().split("\n")
    lines.insert(10, "Une ligne qui n'est pas du tableau")
    with pytest.raises(AnnexError) as err:
        build_territory(annex_text="\n".join(lines))
    assert err.value.line == 11
    assert "ligne non comprise" in str(err.value)


def test_unreadable_population_without_correction_stops_the_build():
    no_corrections = _corrections().split("\n")[0] + "\n"
    with pytest.raises(AnnexError) as err:
        build_territory(corrections_text=no_corrections)
    assert err.value.line == 23
    assert "9 648I" in str(err.value)


def test_row_without_name_is_never_silently_dropped():
    rows = list(csv.reader(io.StringIO(_corrections())))
    kept = [r for r in rows if r[0] not in ("145", "146")]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(kept)
    with pytest.raises(AnnexError) as err:
        build_territory(corrections_text=buf.getvalue())
    assert err.value.line == 145
    assert "sans nom" in str(err.value)


def test_correction_must_match_what_is_printed():
    wrong = _corrections().replace(
        "23,Maréna-Diombougou,population,9 648I,", "23,X,population,9 649,"
    )
    with pytest.raises(AnnexError) as err:
        build_territory(corrections_text=wrong)
    assert "imprime « 9 648I »" in str(err.value)


def test_correction_on_a_line_without_that_field_is_refused():
    # Line 3 of the annex is blank: a population correction there would have no effect.
    extra = _corrections() + "3,,population,1,2,raison,certain\n"
    with pytest.raises(AnnexError) as err:
        build_territory(corrections_text=extra)
    assert "sans effet" in str(err.value) and "L0003-population" in str(err.value)


def test_correction_that_changes_nothing_is_refused():
    extra = _corrections() + "12,Djélébou,population,12479,12479,raison,certain\n"
    with pytest.raises(AnnexError, match="ne change rien"):
        build_territory(corrections_text=extra)


def test_correction_without_reason_is_refused():
    bad = _corrections() + "12,Djélébou,name,Djélébou,Djelebou,,certain\n"
    with pytest.raises(AnnexError, match="raison"):
        build_territory(corrections_text=bad)


def test_missing_cercle_heading_stops_the_build():
    text = _annex().replace("1.2. Cercle de Bafoulabé\n", "Cercle de Bafoulabé\n")
    with pytest.raises(AnnexError):
        build_territory(annex_text=text)
