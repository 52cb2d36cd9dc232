"""Server-side SVG maps of Mali from the geoBoundaries files in ``data/geo/`` (CC BY 4.0).

Two layers: ADM1 (8 regions + the District of Bamako) and ADM2 (49 cercles + Bamako), as they
stood before the 2016 reform — the units of the 2003 annex, which are the territory's units.
Shapes are matched to territory units *through the data* (``Region.geo_adm1``,
``Cercle.geo_adm2``, the District's ``Region.geo_adm2``): the caller passes the colour of each
shape by its ``shapeName``; nothing here knows a unit by name.

Projection: plain equirectangular, longitudes scaled by cos(latitude of Mali's centre), so the
country keeps its proportions; coordinates rounded to a tenth of a unit of a 1000-unit-wide
drawing (about 170 m): no further simplification, the files are already simplified. The
projected paths are computed once per process and kept in memory.

The District of Bamako is a few units wide at this scale: it is drawn again, magnified, in an
inset (an SVG ``<use>`` of the same path, so each unit keeps exactly one ``<path>``).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .colours import NO_DATA

GEO_DIR = Path(__file__).resolve().parent / "data" / "geo"
FILES = {
    "ADM1": "geoBoundaries-MLI-ADM1_simplified.geojson",
    "ADM2": "geoBoundaries-MLI-ADM2_simplified.geojson",
}
LEVELS = tuple(FILES)

#: The attribution the licence asks for, shown on every map in the reader's language.
ATTRIBUTION = gettext_noop(
    "Limites : geoBoundaries (wmgeolab, William & Mary), CC BY 4.0 — source DNCT/DNP (Mali), "
    "OCHA Mali."
)

WIDTH = 1000  # drawing units
PAD = 10
ATTRIBUTION_BAND = 34
STROKE = "#ffffff"

# Boxes in empty parts of the drawing (outside Mali): the legend in the north-west
# (Mauritania), the Bamako inset in the south-east (Burkina Faso / Niger).
LEGEND_X, LEGEND_Y = 14, 18
INSET_SIZE = 170


@dataclass(frozen=True)
class Projection:
    """lon/lat -> drawing units (y down)."""

    lon_min: float
    lat_max: float
    scale_x: float  # units per degree of longitude (scale × cos(lat0))
    scale_y: float  # units per degree of latitude
    width: int
    height: int  # map height, without the attribution band

    def point(self, lon: float, lat: float) -> tuple[int, int]:
        """The point in tenths of a drawing unit (integers: no float drift in the paths)."""
        x = PAD + (lon - self.lon_min) * self.scale_x
        y = PAD + (self.lat_max - lat) * self.scale_y
        return round(x * 10), round(y * 10)


@dataclass(frozen=True)
class Shape:
    """A projected shape: its SVG path data and its bounding box (drawing units)."""

    name: str
    d: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Area:
    """How to draw one shape: its fill, its accessible label and, optionally, a link."""

    code: str
    label: str
    fill: str
    href: str = ""


@dataclass(frozen=True)
class LegendItem:
    colour: str
    label: str


def _rings(geometry: Mapping) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    raise ValueError(f"unsupported geometry {geometry['type']}")


@functools.cache
def features(level: str) -> tuple[tuple[str, tuple], ...]:
    """``((shapeName, rings), …)`` of a layer, in file order (read once per process)."""
    with open(GEO_DIR / FILES[level], encoding="utf-8") as fh:
        data = json.load(fh)
    out = []
    for feature in data["features"]:
        rings = tuple(
            tuple((float(p[0]), float(p[1])) for p in ring) for ring in _rings(feature["geometry"])
        )
        out.append((feature["properties"]["shapeName"], rings))
    return tuple(out)


def shape_names(level: str) -> tuple[str, ...]:
    return tuple(name for name, _ in features(level))


@functools.cache
def projection() -> Projection:
    """The projection of the whole country (bounding box of the ADM1 layer)."""
    lons, lats = [], []
    for _name, rings in features("ADM1"):
        for ring in rings:
            for lon, lat in ring:
                lons.append(lon)
                lats.append(lat)
    lon_min, lon_max, lat_min, lat_max = min(lons), max(lons), min(lats), max(lats)
    cos0 = math.cos(math.radians((lat_min + lat_max) / 2))
    scale = (WIDTH - 2 * PAD) / ((lon_max - lon_min) * cos0)
    height = math.ceil((lat_max - lat_min) * scale) + 2 * PAD
    return Projection(lon_min, lat_max, scale * cos0, scale, WIDTH, height)


def _tenths(n: int) -> str:
    """12 -> '1.2', -3 -> '-.3', 40 -> '4'."""
    sign = "-" if n < 0 else ""
    whole, frac = divmod(abs(n), 10)
    if frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{frac}"


def _pair(dx: int, dy: int) -> str:
    y = _tenths(dy)
    return f"{_tenths(dx)}{'' if y.startswith('-') else ' '}{y}"


@functools.cache
def shapes(level: str) -> dict[str, Shape]:
    """Projected shapes of a layer by ``shapeName``, computed once per process.

    Each ring is a move-to then relative line-tos, closed; points that round to the previous
    one are written once (the drawing cannot show them apart).
    """
    proj = projection()
    out: dict[str, Shape] = {}
    for name, rings in features(level):
        parts: list[str] = []
        xs: list[int] = []
        ys: list[int] = []
        for ring in rings:
            points = [proj.point(lon, lat) for lon, lat in ring]
            x0, y0 = points[0]
            seg = [f"M{_tenths(x0)} {_tenths(y0)}l"]
            px, py = x0, y0
            pairs = []
            for x, y in points[1:]:
                if (x, y) == (px, py):
                    continue
                pairs.append(_pair(x - px, y - py))
                px, py = x, y
            seg.append(" ".join(pairs))
            seg.append("z")
            parts.append("".join(seg))
            xs += [p[0] for p in points]
            ys += [p[1] for p in points]
        box = (min(xs) / 10, min(ys) / 10, max(xs) / 10, max(ys) / 10)
        out[name] = Shape(name, "".join(parts), box)
    return out


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def render(
    level: str,
    areas: Mapping[str, Area],
    *,
    map_id: str,
    title: str,
    desc: str = "",
    legend: Sequence[LegendItem] = (),
    legend_title: str = "",
    names: Mapping[str, str] | None = None,
    inset: Sequence[str] = (),
    inset_label: str = "",
    no_data_label: str = "",
) -> SafeString:
    """The map of ``level`` (ADM1 or ADM2) as an inline, accessible SVG.

    ``areas`` maps a ``shapeName`` to how it is drawn; shapes without an area are drawn grey
    and named from ``names`` (shapeName -> unit name, from the territory data). ``inset``:
    shapes redrawn magnified in a box (the District of Bamako). Every shape is one ``<path>``
    carrying ``data-shape`` and, when known, ``data-code``.
    """
    proj = projection()
    names = names or {}
    all_shapes = shapes(level)
    height = proj.height + ATTRIBUTION_BAND
    ident = escape(map_id)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" id="{ident}" '
        f'viewBox="0 0 {proj.width} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" data-level="{escape(level)}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        '<g class="areas">',
    ]
    for name, shape in all_shapes.items():
        area = areas.get(name)
        fill = area.fill if area else NO_DATA
        label = area.label if area else f"{names.get(name, name)} — {no_data_label}"
        code_attr = f' data-code="{escape(area.code)}"' if area else ""
        path = (
            f'<path id="{ident}-{escape(_slug(name))}" d="{shape.d}" fill="{escape(fill)}" '
            f'stroke="{STROKE}" stroke-width="1.2" stroke-linejoin="round" '
            'vector-effect="non-scaling-stroke" '
            f'data-shape="{escape(name)}"{code_attr}><title>{escape(label)}</title></path>'
        )
        if area and area.href:
            out.append(f'<a href="{escape(area.href)}" aria-label="{escape(label)}">{path}</a>')
        else:
            out.append(path)
    out.append("</g>")
    out += _inset(ident, all_shapes, areas, inset, inset_label, proj)
    out += _legend(legend, legend_title)
    out.append(
        f'<text class="attribution" x="{PAD}" y="{height - 12}" font-size="15">'
        f"{escape(_(ATTRIBUTION))}</text>"
    )
    out.append("</svg>")
    return mark_safe("".join(out))


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name)


def _inset(ident, all_shapes, areas, inset, label, proj) -> list[str]:
    shown = [all_shapes[name] for name in inset if name in all_shapes]
    if not shown:
        return []
    x0 = min(s.box[0] for s in shown)
    y0 = min(s.box[1] for s in shown)
    x1 = max(s.box[2] for s in shown)
    y1 = max(s.box[3] for s in shown)
    size = INSET_SIZE
    bx, by = proj.width - PAD - size, proj.height - PAD - size
    inner = size - 36
    scale = inner / max(x1 - x0, y1 - y0, 1e-6)
    tx = bx + (size - (x1 - x0) * scale) / 2 - x0 * scale
    ty = by + 8 + (inner - (y1 - y0) * scale) / 2 - y0 * scale
    out = [
        '<g class="inset">',
        f'<rect x="{_num(bx)}" y="{_num(by)}" width="{size}" height="{size}" fill="#ffffff" '
        'stroke="#9e9e9e"/>',
    ]
    for shape in shown:
        area = areas.get(shape.name)
        use = (
            f'<use href="#{ident}-{escape(_slug(shape.name))}" '
            f'transform="translate({_num(tx)} {_num(ty)}) scale({_num(scale)})" '
            "/>"
        )
        if area and area.href:
            use = f'<a href="{escape(area.href)}" aria-label="{escape(area.label)}">{use}</a>'
        out.append(use)
    out.append(
        f'<text x="{_num(bx + size / 2)}" y="{_num(by + size - 10)}" text-anchor="middle" '
        f'font-size="15">{escape(label)}</text>'
    )
    out.append("</g>")
    return out


def _legend(items: Sequence[LegendItem], title: str) -> list[str]:
    if not items:
        return []
    out = ['<g class="legend">']
    y = LEGEND_Y
    if title:
        out.append(
            f'<text x="{LEGEND_X}" y="{y + 14}" font-size="17" font-weight="bold">'
            f"{escape(title)}</text>"
        )
        y += 26
    for item in items:
        out.append(
            f'<rect x="{LEGEND_X}" y="{y}" width="22" height="16" fill="{escape(item.colour)}" '
            'stroke="#757575" stroke-width="0.6"/>'
            f'<text x="{LEGEND_X + 30}" y="{y + 13}" font-size="15">{escape(item.label)}</text>'
        )
        y += 23
    out.append("</g>")
    return out
