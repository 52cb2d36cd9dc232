"""Check the annex of arrêté n°03-1879/MATCL-SG against the councillor scale. Pure.

Input: a territory structure (the shape of ``territory.json``, or the same built from the
database). Output: a list of items ``{"code", "name", "cercle", "issue", "detail"}`` sorted by
code, ``issue`` a stable key, ``detail`` a French sentence with the figures. Nothing is changed:
the annex, as published, is what the 2004 election used; the check only shows what to look at.

Issues:
- ``councillors_band_mismatch`` — the printed number of councillors is not the one the scale of
  the Code des collectivités territoriales gives for the printed population.
- ``councillors_not_in_scale`` — the printed number is none of 11, 17, 23, 29, 33, 37, 41, 45.
- ``population_missing`` — no population (unknown).
- ``population_not_numeric`` — the population as printed is not a number (whatever was
  corrected since: the correction is named in the detail).
- ``implausible_population`` — below ``IMPLAUSIBLE_POPULATION_FLOOR``.
- ``repeated_population`` — the same population as another commune of the same cercle (or of
  the District): a possible copy of the line above or below. Both communes are listed.
- ``uncertain_correction`` — a recorded correction whose certainty is ``uncertain``.

Not an issue: a rural commune larger than the commune of its cercle's chief town (Goundam,
3 625, is smaller than Tonka, 27 193): chief towns are often small, this is how Mali is.
"""

from __future__ import annotations

from collections import defaultdict

from kalata.law.councillors import councillors_for_population, is_scale_number
from kalata.law.explain import fr_int
from kalata.territory.annex import parse_population

# A commune below 500 inhabitants is implausible: the 1996 law that created the communes
# (Loi n°96-059) grouped villages and fractions into viable units, the smallest population the
# annex prints apart from TinAïcha is 1 354 (Tinzaouatène), and a council of 11 (the minimum)
# elected from lists that each carry 11 candidates of at least 21 years needs several hundred
# adults. A figure under this floor is most likely truncated or mistyped.
IMPLAUSIBLE_POPULATION_FLOOR = 500

ISSUES = (
    "councillors_band_mismatch",
    "councillors_not_in_scale",
    "population_missing",
    "population_not_numeric",
    "implausible_population",
    "repeated_population",
    "uncertain_correction",
)

FIELD_FR = {
    "name": "nom",
    "population": "population",
    "councillors": "nombre de conseillers",
    "row": "ligne",
    "region_name": "nom de région",
    "cercle_name": "nom de cercle",
}


def _place(territory: dict) -> dict[str, str]:
    """Code of a region or cercle -> the name shown in the ``cercle`` column."""
    out = {}
    for r in territory["regions"]:
        out[r["code"]] = r.get("label") or r["name"]
    for c in territory["cercles"]:
        out[c["code"]] = c["name"]
    return out


def _printed_is_number(text: str) -> bool:
    return parse_population(text) is not None


def check_territory(territory: dict) -> list[dict]:
    """Every commune the scale disagrees with, every implausible value, every uncertain
    correction (Code des collectivités territoriales; arrêté n°03-1879/MATCL-SG, annexe)."""
    place = _place(territory)
    items: list[dict] = []

    def add(commune: dict | None, unit_code: str, name: str, cercle: str, issue: str, detail):
        items.append(
            {
                "code": commune["code"] if commune else unit_code,
                "name": name,
                "cercle": cercle,
                "issue": issue,
                "detail": detail,
            }
        )

    corrections = {c["id"]: c for c in territory.get("corrections", [])}
    groups: dict[str, list[dict]] = defaultdict(list)

    for c in territory["communes"]:
        cercle = place[c["cercle"] or c["region"]]
        pop = c["population"]
        printed = c.get("printed") or {}
        groups[c["cercle"] or c["region"]].append(c)

        printed_pop = printed.get("population")
        if printed_pop and not _printed_is_number(printed_pop):
            fixed = [
                corrections[i]
                for i in c.get("corrections", [])
                if i in corrections and corrections[i]["field"] == "population"
            ]
            after = ""
            if fixed and pop is not None:
                certainty = "certaine" if fixed[0]["certainty"] == "certain" else "incertaine"
                after = f" ; corrigée en {fr_int(pop)} (correction {certainty} {fixed[0]['id']})"
            add(
                c,
                "",
                c["name"],
                cercle,
                "population_not_numeric",
                f"La population imprimée « {printed_pop} » n'est pas un nombre{after}.",
            )

        if pop is None:
            add(
                c,
                "",
                c["name"],
                cercle,
                "population_missing",
                f"Population inconnue : le nombre de conseillers ({c['councillors']}) "
                "ne peut pas être vérifié par le barème.",
            )
        else:
            if pop < IMPLAUSIBLE_POPULATION_FLOOR:
                add(
                    c,
                    "",
                    c["name"],
                    cercle,
                    "implausible_population",
                    f"Population de {fr_int(pop)} habitants invraisemblable pour une commune "
                    f"(seuil : {fr_int(IMPLAUSIBLE_POPULATION_FLOOR)}) : chiffre probablement "
                    "tronqué ou mal saisi ; le chiffre publié est conservé.",
                )
            expected = councillors_for_population(pop)
            if expected.councillors != c["councillors"]:
                add(
                    c,
                    "",
                    c["name"],
                    cercle,
                    "councillors_band_mismatch",
                    f"{fr_int(pop)} habitants donnent {expected.councillors} conseillers selon "
                    f"le barème (tranche {expected.band.describe()}), l'annexe en fixe "
                    f"{c['councillors']} ; le nombre publié est celui de l'élection de 2004.",
                )
        if not is_scale_number(c["councillors"]):
            add(
                c,
                "",
                c["name"],
                cercle,
                "councillors_not_in_scale",
                f"{c['councillors']} conseillers : ce nombre n'est pas un de ceux du barème "
                "(11, 17, 23, 29, 33, 37, 41, 45).",
            )

    for key, members in groups.items():
        by_pop: dict[int, list[dict]] = defaultdict(list)
        for c in members:
            if c["population"] is not None:
                by_pop[c["population"]].append(c)
        for pop, same in by_pop.items():
            if len(same) < 2:
                continue
            for c in same:
                others = ", ".join(o["name"] for o in same if o is not c)
                add(
                    c,
                    "",
                    c["name"],
                    place[key],
                    "repeated_population",
                    f"Même population ({fr_int(pop)} habitants) que {others}, dans le même "
                    f"{'cercle' if key.startswith('C') else 'District'} : copie possible "
                    "d'une ligne voisine, à vérifier sur le recensement.",
                )

    communes = {c["code"]: c for c in territory["communes"]}
    for corr in territory.get("corrections", []):
        if corr["certainty"] != "uncertain":
            continue
        unit = corr["unit"]
        commune = communes.get(unit)
        if commune is not None:
            name = commune["name"]
            cercle = place[commune["cercle"] or commune["region"]]
        else:
            name = place.get(unit, unit)
            cercle = place.get(unit, "")
        corrected = f"« {corr['corrected']} »" if corr["corrected"] != "" else "inconnu"
        add(
            commune,
            unit,
            name,
            cercle,
            "uncertain_correction",
            f"Correction incertaine ({corr['id']}) du champ {FIELD_FR[corr['field']]} : "
            f"imprimé « {corr['printed']} », retenu {corrected}. {corr['reason']}",
        )

    order = {k: i for i, k in enumerate(ISSUES)}
    items.sort(key=lambda it: (it["code"], order[it["issue"]]))
    return items
