"""Match regions and cercles to geoBoundaries shapes (``shared/data/geo``). Pure.

The shapes (``shapeName`` at ADM1 and ADM2) are listed in ``data/geoboundaries_shapes.csv``,
taken from the geoBoundaries gbOpen files for Mali (CC BY 4.0). A unit matches a shape when their
normalised names are equal (accents, case, spaces and hyphens ignored), or through the explicit
exception table ``data/geoboundaries_exceptions.csv`` for upstream spellings that differ. Every
region, the District, and every cercle must match exactly one shape, and every shape exactly one
unit; otherwise ``GeoMatchError``.
"""

from __future__ import annotations

import csv
import io
import unicodedata


class GeoMatchError(ValueError):
    """A unit matched no shape or several, or a shape matched no unit or several."""


def normalise(name: str) -> str:
    """'Gourma-Rharous' -> 'gourmarharous', 'Ségou' -> 'segou', 'Abéïbara' -> 'abeibara'."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in bare.casefold() if ch.isalnum())


def read_shapes(text: str) -> dict[str, list[dict]]:
    """``geoboundaries_shapes.csv`` -> {'ADM1': [rows], 'ADM2': [rows]}."""
    out: dict[str, list[dict]] = {"ADM1": [], "ADM2": []}
    for rec in csv.DictReader(io.StringIO(text)):
        out.setdefault(rec["level"], []).append(rec)
    return out


def read_exceptions(text: str) -> dict[tuple[str, str], str]:
    """``geoboundaries_exceptions.csv`` -> {(level, unit name): shapeName}."""
    return {
        (rec["level"], rec["unit_name"]): rec["shapeName"]
        for rec in csv.DictReader(io.StringIO(text))
    }


def match(units: list[tuple[str, str]], level: str, shapes_text: str, exceptions_text: str):
    """Match ``(code, name)`` units to the shapes of ``level``; returns {code: shapeName}."""
    shapes = read_shapes(shapes_text).get(level, [])
    exceptions = read_exceptions(exceptions_text)
    names = [s["shapeName"] for s in shapes]
    result: dict[str, str] = {}
    for code, name in units:
        if (level, name) in exceptions:
            wanted = exceptions[(level, name)]
            found = [n for n in names if n == wanted]
        else:
            found = [n for n in names if normalise(n) == normalise(name)]
        if len(found) != 1:
            raise GeoMatchError(f"{level} : « {name} » ({code}) correspond à {found or 'aucune'}")
        result[code] = found[0]
    used = list(result.values())
    for n in names:
        if used.count(n) != 1:
            raise GeoMatchError(f"{level} : la forme « {n} » correspond à {used.count(n)} unités")
    unused_exceptions = [
        k for k in exceptions if k[0] == level and k[1] not in {name for _, name in units}
    ]
    if unused_exceptions:
        raise GeoMatchError(f"{level} : exceptions sans unité : {unused_exceptions}")
    return result


def attach_shapes(
    regions: list[dict], cercles: list[dict], shapes_text: str, exceptions_text: str
) -> None:
    """Fill ``geo_adm1`` (regions, District) and ``geo_adm2`` (cercles, District) in place."""
    adm1 = match([(r["code"], r["name"]) for r in regions], "ADM1", shapes_text, exceptions_text)
    adm2_units = [(c["code"], c["name"]) for c in cercles]
    adm2_units += [(r["code"], r["name"]) for r in regions if r["kind"] == "district"]
    adm2 = match(adm2_units, "ADM2", shapes_text, exceptions_text)
    for r in regions:
        r["geo_adm1"] = adm1[r["code"]]
        r["geo_adm2"] = adm2.get(r["code"])
    for c in cercles:
        c["geo_adm2"] = adm2[c["code"]]
