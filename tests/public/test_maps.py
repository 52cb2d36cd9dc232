"""Maps of Mali (geoBoundaries, CC BY 4.0) and charts, rendered server-side as SVG."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from django.test import Client

from kalata.public import charts, colours, maps
from kalata.territory.models import Cercle, Region
from tests.public.scenario import WEIGHTS

pytestmark = pytest.mark.django_db

ATTRIBUTION = (
    "Limites : geoBoundaries (wmgeolab, William &amp; Mary), CC BY 4.0 — source DNCT/DNP (Mali), "
    "OCHA Mali."
)
PATH = re.compile(r"<path ([^>]*)>")
ATTR = re.compile(r'([a-z-]+)="([^"]*)"')


def paths(svg: str) -> list[dict[str, str]]:
    return [dict(ATTR.findall(m.group(1))) for m in PATH.finditer(svg)]


def the_svg(html: str, ident: str) -> str:
    start = html.index(f'<svg xmlns="http://www.w3.org/2000/svg" class="map" id="{ident}"')
    return html[start : html.index("</svg>", start) + 6]


def leader_colour(region: str) -> str:
    weights = WEIGHTS[region]
    best = max(weights, key=weights.get)
    return colours.PALETTE[["C01", "C02", "C03"].index(best)]


def test_the_copied_boundaries_keep_their_licence_and_attribution():
    folder = Path(maps.GEO_DIR)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme and "geoBoundaries" in readme
    assert maps.ATTRIBUTION.replace("&", "&amp;") == ATTRIBUTION
    for level in ("ADM1", "ADM2"):
        meta = json.loads((folder / f"geoBoundaries-MLI-{level}-metaData.json").read_text())
        assert "CC BY 4.0" in meta["boundaryLicense"]
        assert (folder / f"geoBoundaries-MLI-{level}-metaData.txt").exists()
    assert len(maps.shape_names("ADM1")) == 9
    assert len(maps.shape_names("ADM2")) == 50


def test_shapes_match_the_territory_units_through_the_data(territory):
    adm1 = set(maps.shape_names("ADM1"))
    adm2 = set(maps.shape_names("ADM2"))
    regions = list(Region.objects.values_list("geo_adm1", flat=True))
    cercles = list(Cercle.objects.values_list("geo_adm2", flat=True))
    district = list(Region.objects.filter(kind="district").values_list("geo_adm2", flat=True))
    assert sorted(regions) == sorted(adm1)
    assert sorted(cercles + district) == sorted(adm2)


def test_equirectangular_projection_scaled_by_the_cosine_of_the_centre_latitude():
    proj = maps.projection()
    lats = [lat for _n, rings in maps.features("ADM1") for r in rings for _lon, lat in r]
    centre = (min(lats) + max(lats)) / 2
    assert math.isclose(proj.scale_x / proj.scale_y, math.cos(math.radians(centre)))
    # Kayes (west) left of Gao (east), Kidal (north) above Sikasso (south).
    boxes = maps.shapes("ADM1")
    assert boxes["Kayes"].box[2] < boxes["Gao"].box[0] + 1
    assert boxes["Kidal"].box[3] < boxes["Sikasso"].box[1]
    assert maps.shapes("ADM1") is maps.shapes("ADM1")  # computed once per process


def test_region_map_one_path_per_region_coloured_by_the_leader_with_attribution(pres):
    html = Client().get(pres.base + "NATION/").content.decode()
    svg = the_svg(html, "carte-regions")
    found = paths(svg)
    assert len(found) == 9
    by_code = {p["data-code"]: p for p in found if "data-code" in p}
    assert set(by_code) == {"R01", "R02", "D09"}
    for code in ("R01", "R02", "D09"):
        assert by_code[code]["fill"] == leader_colour(code), code
    assert by_code["R02"]["data-shape"] == "Koulikouro"  # upstream spelling, matched by data
    for p in found:
        if "data-code" not in p:
            assert p["fill"] == colours.NO_DATA
    assert ATTRIBUTION in svg
    assert '<use href="#carte-regions-Bamako"' in svg  # the District, magnified
    assert "<title" in svg and 'role="img"' in svg
    assert "Région de Kayes — en tête : Aminata Diallo" in svg
    assert f'href="{pres.base}NATION/region/R01/"' in svg


def test_cercle_maps_by_leader_and_by_turnout(pres):
    client = Client()
    svg = client.get(pres.base + "NATION/carte/cercles/tete.svg")
    assert svg["Content-Type"].startswith("image/svg+xml")
    text = svg.content.decode()
    found = paths(text)
    assert len(found) == 50
    by_code = {p["data-code"]: p for p in found if "data-code" in p}
    assert set(by_code) == {"C0101", "C0102", "C0201", "D09"}
    assert by_code["C0201"]["fill"] == leader_colour("R02")
    assert by_code["D09"]["data-shape"] == "Bamako"
    assert ATTRIBUTION in text

    turnout = client.get(pres.base + "NATION/carte/cercles/participation/").content.decode()
    svg = the_svg(turnout, "carte")
    expected = {
        "C0101": client.get(pres.base + "NATION/cercle/C0101.json").json()["unit"],
        "D09": client.get(pres.base + "NATION/cercle/D09.json").json()["unit"],
    }
    by_code = {p["data-code"]: p for p in paths(svg) if "data-code" in p}
    for code, unit in expected.items():
        index = colours.turnout_class(unit["voters"], unit["registered"])
        assert by_code[code]["fill"] == colours.TURNOUT_CLASSES[index][1]
    assert "moins de 30 %" in svg and "60 % et plus" in svg
    assert ATTRIBUTION in svg


def test_round_maps_and_turnout_chart_on_the_round_page(pres):
    html = Client().get(pres.base).content.decode()
    svg = the_svg(html, "carte-regions")
    assert len(paths(svg)) == 9
    assert "Participation par région" in html
    assert ATTRIBUTION in svg


def test_charts_are_accessible_svg_with_text_labels(pres):
    html = Client().get(pres.base + "NATION/").content.decode()
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="parts"')
    chart = html[start : html.index("</svg>", start)]
    assert 'role="img"' in chart and 'aria-labelledby="parts-title parts-desc"' in chart
    for name in ("Aminata Diallo", "Boubacar Keïta", "Cheick Traoré"):
        assert f">{name}</text>" in chart
    assert "voix" in chart
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def test_bar_chart_scale_is_0_to_100_percent():
    from fractions import Fraction

    svg = charts.bar_chart(
        [
            charts.Bar("A", Fraction(50), "50 %", "#000000"),
            charts.Bar("B", Fraction(100), "x", "#1"),
        ],
        chart_id="t",
        title="T",
    )
    bars = r'<rect x="260" y="\d+" width="([\d.]+)" height="18" fill="#\w+" stroke="#616161"'
    widths = re.findall(bars, svg)
    assert widths == [str(charts.BAR_W // 2), str(charts.BAR_W)]
