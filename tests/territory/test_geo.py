"""Regions and cercles matched to geoBoundaries shapes (ADM1, ADM2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kalata.territory import annex, geo
from kalata.territory.annex import build_territory
from kalata.territory.geo import GeoMatchError, normalise

GEO_DIR = Path("/work/shared/data/geo")


@pytest.fixture(scope="module")
def territory() -> dict:
    return build_territory()


def _shapes(level: str) -> list[str]:
    text = annex.SHAPES_FILE.read_text(encoding="utf-8")
    return [s["shapeName"] for s in geo.read_shapes(text)[level]]


def test_normalised_names_ignore_accents_case_and_hyphens():
    assert normalise("Ségou") == normalise("Segou") == "segou"
    assert normalise("Abéïbara") == "abeibara"
    assert normalise("Gourma-Rharous") == normalise("Gourma Rharous")


def test_every_region_and_the_district_match_exactly_one_adm1_shape(territory):
    matched = [r["geo_adm1"] for r in territory["regions"]]
    assert sorted(matched) == sorted(_shapes("ADM1"))
    assert len(set(matched)) == 9
    koulikoro = next(r for r in territory["regions"] if r["code"] == "R02")
    assert koulikoro["geo_adm1"] == "Koulikouro"  # upstream spelling, exception table


def test_every_cercle_and_bamako_match_exactly_one_adm2_shape(territory):
    matched = [c["geo_adm2"] for c in territory["cercles"]]
    matched += [r["geo_adm2"] for r in territory["regions"] if r["kind"] == "district"]
    assert sorted(matched) == sorted(_shapes("ADM2"))
    assert len(set(matched)) == 50
    assert all(r["geo_adm2"] is None for r in territory["regions"] if r["kind"] == "region")


def test_cercles_fall_in_the_region_geoboundaries_puts_them_in(territory):
    # From the geo README (point-in-polygon against ADM1).
    region_of = {r["code"]: r["geo_adm1"] for r in territory["regions"]}
    got = {}
    for c in territory["cercles"]:
        got.setdefault(region_of[c["region"]], set()).add(c["geo_adm2"])
    assert got["Gao"] == {"Ansongo", "Bourem", "Gao", "Menaka"}
    assert got["Segou"] == {"Baroueli", "Bla", "Macina", "Niono", "San", "Segou", "Tominian"}


def test_a_unit_without_a_shape_stops_the_build():
    shapes = annex.SHAPES_FILE.read_text(encoding="utf-8")
    without_nara = "\n".join(line for line in shapes.split("\n") if ",Nara," not in line)
    with pytest.raises(GeoMatchError, match="Nara"):
        build_territory(shapes_text=without_nara)


def test_a_shape_matched_twice_stops_the_build():
    with pytest.raises(GeoMatchError, match="Koulikouro"):
        geo.match(
            [("R02", "Koulikoro"), ("X", "Koulikouro")],
            "ADM1",
            "level,shapeName,shapeID,shapeISO\nADM1,Koulikouro,x,ML-2\n",
            "level,unit_name,shapeName,reason\nADM1,Koulikoro,Koulikouro,r\n",
        )


@pytest.mark.skipif(not GEO_DIR.exists(), reason="shared geo folder not present")
def test_shape_list_is_the_one_in_the_geoboundaries_files():
    for level in ("ADM1", "ADM2"):
        path = GEO_DIR / f"geoBoundaries-MLI-{level}_simplified.geojson"
        names = [f["properties"]["shapeName"] for f in json.loads(path.read_text())["features"]]
        assert names == _shapes(level)
