"""Maps and charts built from the results data (``results.ContestData`` / ``RoundData``).

Shapes are matched to units through the territory data: a region-level unit (region or
District) by ``Region.geo_adm1``, a cercle-level unit by ``Cercle.geo_adm2`` — the District,
its own cercle-level unit, by ``Region.geo_adm2``. Missions abroad have no shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kalata.territory.models import Cercle, Region

from . import charts, colours, maps
from .formatting import fmt_int, fmt_pct, share
from .results import CERCLE, REGION, ContestData, RoundData, leader

#: Map URL segments: level of the map and what colours it.
MAP_LEVELS = {"regions": ("ADM1", REGION), "cercles": ("ADM2", CERCLE)}
MEASURES = ("tete", "participation")
MAX_CHART_BARS = 60


@dataclass(frozen=True)
class GeoIndex:
    """Territory codes <-> geoBoundaries shapes, read from the territory tables."""

    shape_of: Mapping[tuple[str, str], str]  # (ADM1|ADM2, unit code) -> shapeName
    names: Mapping[str, Mapping[str, str]]  # ADM1|ADM2 -> shapeName -> unit name
    district: Mapping[str, tuple[str, ...]]  # ADM1|ADM2 -> shapes of the District


def geo_index() -> GeoIndex:
    """Two small queries, kept five minutes (the territory changes by law, not by night)."""
    key = "kalata.public.geo"
    found = cache.get(key)
    if found is not None:
        return found
    shape_of: dict[tuple[str, str], str] = {}
    names: dict[str, dict[str, str]] = {"ADM1": {}, "ADM2": {}}
    district: dict[str, list[str]] = {"ADM1": [], "ADM2": []}
    for region in Region.objects.all():
        if region.geo_adm1:
            shape_of[("ADM1", region.code)] = region.geo_adm1
            names["ADM1"][region.geo_adm1] = region.label
            if region.kind == Region.Kind.DISTRICT:
                district["ADM1"].append(region.geo_adm1)
        if region.geo_adm2:
            shape_of[("ADM2", region.code)] = region.geo_adm2
            names["ADM2"][region.geo_adm2] = region.label
            if region.kind == Region.Kind.DISTRICT:
                district["ADM2"].append(region.geo_adm2)
    for code, name, shape in Cercle.objects.values_list("code", "name", "geo_adm2"):
        if shape:
            shape_of[("ADM2", code)] = shape
            names["ADM2"][shape] = f"Cercle de {name}"
    found = GeoIndex(shape_of, names, {k: tuple(v) for k, v in district.items()})
    cache.set(key, found, 300)
    return found


@dataclass
class MapUnit:
    """A unit as a map or chart sees it: its figures, votes per key and its page."""

    code: str
    name: str
    registered: int = 0
    voters: int = 0
    valid_votes: int = 0
    votes: dict[str, int] = field(default_factory=dict)
    href: str = ""


@dataclass(frozen=True)
class Keys:
    """What the votes are counted by (selections of one contest, or parties of a round)."""

    colours: Mapping[str, str]
    labels: Mapping[str, str]
    title: str  # "Candidat en tête", "Liste en tête"…


def contest_keys(data: ContestData) -> Keys:
    labels = {s["code"]: s["name"] for s in data.selections}
    kinds = {s["kind"] for s in data.selections}
    if kinds == {"answer"}:
        title = _("Réponse en tête")
    elif kinds == {"list"}:
        title = _("Liste en tête")
    else:
        title = _("Candidat en tête")
    return Keys(data.colours, labels, title)


def contest_units(data: ContestData, level: str, href: Callable[[str, str], str]) -> list[MapUnit]:
    out = []
    for u in data.levels.get(level, ()):
        lv, code = data.canonical(level, u["code"])
        out.append(
            MapUnit(
                u["code"],
                u["name"],
                u["registered"],
                u["voters"],
                u["valid_votes"],
                dict(u["votes"]),
                href(lv, code),
            )
        )
    return out


def party_key(selection: Mapping) -> str:
    """Lists of several constituencies are grouped by party or grouping (else their name)."""
    return (selection.get("party") or selection.get("name") or selection["code"]).strip()


def round_keys(data: RoundData) -> Keys:
    single = data.single
    if single is not None:
        return contest_keys(single)
    keys = {party_key(s) for c in data.contests for s in c.selections}
    return Keys(colours.keyed_colours(keys), {k: k for k in keys}, _("Parti ou groupement en tête"))


def round_units(data: RoundData, level: str, href: Callable[[str, str, str], str]) -> list[MapUnit]:
    """Units of ``level`` over every contest of the round; votes by party when the round has
    several contests. A unit covered by one contest only links to that contest's page."""
    single = data.single
    if single is not None:
        return contest_units(single, level, lambda lv, code: href(single.code, lv, code))
    agg: dict[str, MapUnit] = {}
    covering: dict[str, list[tuple[str, str, str]]] = {}
    for contest in data.contests:
        keys = {s["code"]: party_key(s) for s in contest.selections}
        for u in contest.levels.get(level, ()):
            unit = agg.get(u["code"])
            if unit is None:
                unit = agg[u["code"]] = MapUnit(u["code"], u["name"])
            unit.registered += u["registered"]
            unit.voters += u["voters"]
            unit.valid_votes += u["valid_votes"]
            for code, v in u["votes"].items():
                k = keys.get(code, code)
                unit.votes[k] = unit.votes.get(k, 0) + v
            lv, code = contest.canonical(level, u["code"])
            covering.setdefault(u["code"], []).append((contest.code, lv, code))
    for code, unit in agg.items():
        if len(covering[code]) == 1:
            unit.href = href(*covering[code][0])
    return list(agg.values())


def _leader_area(unit: MapUnit, keys: Keys) -> tuple[str, str, str | None]:
    """(fill, label, key) of a unit on the leader map."""
    code, tie = leader(unit.votes)
    if code is None:
        return colours.NO_DATA, f"{unit.name} — {_('pas encore de résultats')}", None
    if tie:
        return colours.TIE, f"{unit.name} — {_('égalité en tête')}", "__tie__"
    text = _("%(name)s — en tête : %(leader)s (%(share)s des suffrages exprimés)") % {
        "name": unit.name,
        "leader": keys.labels.get(code, code),
        "share": fmt_pct(share(unit.votes[code], unit.valid_votes)),
    }
    return keys.colours.get(code, colours.TIE), text, code


def _turnout_area(unit: MapUnit) -> tuple[str, str, int | None]:
    index = colours.turnout_class(unit.voters, unit.registered)
    if index is None or not unit.voters:
        return colours.NO_DATA, f"{unit.name} — {_('pas encore de résultats')}", None
    text = _(
        "%(name)s — participation : %(rate)s (%(voters)s votants, %(registered)s inscrits)"
    ) % {
        "name": unit.name,
        "rate": fmt_pct(share(unit.voters, unit.registered)),
        "voters": fmt_int(unit.voters),
        "registered": fmt_int(unit.registered),
    }
    return colours.TURNOUT_CLASSES[index][1], text, index


def render_map(
    units: Iterable[MapUnit],
    *,
    level: str,
    measure: str,
    keys: Keys,
    map_id: str,
    title: str,
) -> SafeString:
    """The SVG map of ``units`` (``level``: ``regions`` or ``cercles``; ``measure``: ``tete``
    or ``participation``), with its legend and the attribution."""
    geo_level, unit_level = MAP_LEVELS[level]
    geo = geo_index()
    areas: dict[str, maps.Area] = {}
    used: list = []
    for unit in units:
        shape = geo.shape_of.get((geo_level, unit.code))
        if shape is None:
            continue  # missions abroad, units without a shape
        if measure == "tete":
            fill, label, key = _leader_area(unit, keys)
        else:
            fill, label, key = _turnout_area(unit)
        if key is not None and key not in used:
            used.append(key)
        areas[shape] = maps.Area(unit.code, label, fill, unit.href)
    legend: list[maps.LegendItem] = []
    if measure == "tete":
        ordered = sorted(
            (k for k in used if k != "__tie__"), key=lambda k: list(keys.colours).index(k)
        )
        legend = [maps.LegendItem(keys.colours[k], keys.labels.get(k, k)) for k in ordered]
        if "__tie__" in used:
            legend.append(maps.LegendItem(colours.TIE, _("Égalité en tête")))
        legend_title = str(keys.title)
    else:
        legend = [
            maps.LegendItem(colour, str(label)) for _low, colour, label in colours.TURNOUT_CLASSES
        ]
        legend_title = _("Participation")
    legend.append(maps.LegendItem(colours.NO_DATA, _("Pas encore de résultats")))
    desc = "; ".join(a.label for a in areas.values())
    return maps.render(
        geo_level,
        areas,
        map_id=map_id,
        title=title,
        desc=desc,
        legend=legend,
        legend_title=legend_title,
        names=geo.names[geo_level],
        inset=geo.district[geo_level],
        inset_label=_("District de Bamako"),
        no_data_label=_("pas encore de résultats"),
    )


def shares_chart(
    votes: Mapping[str, int],
    valid_votes: int,
    data: ContestData,
    *,
    chart_id: str,
    title: str,
) -> SafeString:
    bars = [
        charts.Bar(
            label=s["name"],
            value=share(votes.get(s["code"], 0), valid_votes),
            text=_("%(share)s — %(votes)s voix")
            % {
                "share": fmt_pct(share(votes.get(s["code"], 0), valid_votes)),
                "votes": fmt_int(votes.get(s["code"], 0)),
            },
            colour=data.colours[s["code"]],
        )
        for s in data.selections
    ]
    desc = "; ".join(_("%(label)s : %(value)s") % {"label": b.label, "value": b.text} for b in bars)
    return charts.bar_chart(bars, chart_id=chart_id, title=title, desc=desc)


def turnout_chart(units: Sequence[MapUnit], *, chart_id: str, title: str) -> SafeString | None:
    """Turnout of each unit, coloured by turnout class (None when there are too many)."""
    if not units or len(units) > MAX_CHART_BARS:
        return None
    bars = []
    for u in units:
        index = colours.turnout_class(u.voters, u.registered)
        bars.append(
            charts.Bar(
                label=u.name,
                value=share(u.voters, u.registered),
                text=_("%(rate)s (%(voters)s / %(registered)s)")
                % {
                    "rate": fmt_pct(share(u.voters, u.registered)),
                    "voters": fmt_int(u.voters),
                    "registered": fmt_int(u.registered),
                },
                colour=colours.NO_DATA if index is None else colours.TURNOUT_CLASSES[index][1],
                href=u.href,
            )
        )
    desc = "; ".join(_("%(label)s : %(value)s") % {"label": b.label, "value": b.text} for b in bars)
    return charts.bar_chart(bars, chart_id=chart_id, title=title, desc=desc)
