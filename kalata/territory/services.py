"""Writes and reads of the territory in the database.

- ``load_territory()`` loads ``data/territory.json`` and the seeded missions: idempotent
  (re-running updates what changed and never duplicates), all-or-nothing (one transaction).
- ``territory_stats()``, ``territory_snapshot()``, ``territory_check()`` read it back.
- ``validate_mission()`` / ``add_mission()`` for the missions an administrator adds (Art. 23, 28).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from django.db import DatabaseError, transaction

from kalata.law.explain import LawError
from kalata.territory import annex, checks
from kalata.territory.models import AnnexCorrection, Cercle, Commune, Mission, Region

MISSIONS_FILE = annex.DATA_DIR / "missions.csv"
MISSION_ARTICLES = ("23", "28")

NOT_LOADED_FR = "Le territoire n'est pas chargé : lancez « kalata territory load »."
NOT_MIGRATED_FR = (
    "La base de données n'est pas prête : lancez « kalata migrate » puis « kalata territory load »."
)


class TerritoryNotLoaded(Exception):
    """The territory tables are missing or empty; ``message`` is French."""

    def __init__(self, message: str = NOT_LOADED_FR):
        super().__init__(message)
        self.message = message


# -- loading -----------------------------------------------------------------------------------


def _upsert(model, key: str, rows: list[dict], counts: dict) -> dict:
    """Create or update ``rows`` by their ``key`` field; returns {key value: instance}."""
    existing = {getattr(o, key): o for o in model.objects.all()}
    out = {}
    for values in rows:
        obj = existing.get(values[key])
        if obj is None:
            obj = model.objects.create(**values)
            counts["created"] += 1
        else:
            changed = [f for f, v in values.items() if getattr(obj, f) != v]
            if changed:
                for f in changed:
                    setattr(obj, f, values[f])
                obj.save(update_fields=changed)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        out[values[key]] = obj
    return out


def read_seed_missions(path: Path = MISSIONS_FILE) -> list[dict]:
    """The seeded missions (``data/missions.csv``), validated."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [validate_mission(**rec) for rec in csv.DictReader(fh)]


def load_territory(territory: dict | None = None) -> dict:
    """Load regions, the District, cercles, communes, corrections and seeded missions.

    Idempotent: units are matched on their stable code and updated in place; corrections on
    their identifier (those no longer in the data are removed, they are derived data); seeded
    missions are created when missing and never overwritten (an administrator may have edited
    them). One transaction: on any error nothing is written. Returns the counts.
    """
    if territory is None:
        territory = annex.load_shipped()
    missions = read_seed_missions()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        regions = _upsert(
            Region,
            "code",
            [
                {
                    "code": r["code"],
                    "kind": r["kind"],
                    "number": r["number"],
                    "name": r["name"],
                    "printed_name": r["printed_name"],
                    "ocha_pcode": r["ocha_pcode"] or "",
                    "geo_adm1": r["geo_adm1"] or "",
                    "geo_adm2": r["geo_adm2"] or "",
                    "source_line": r["line"],
                }
                for r in territory["regions"]
            ],
            counts,
        )
        cercles = _upsert(
            Cercle,
            "code",
            [
                {
                    "code": c["code"],
                    "region": regions[c["region"]],
                    "number": c["number"],
                    "name": c["name"],
                    "printed_name": c["printed_name"],
                    "ocha_pcode": c["ocha_pcode"] or "",
                    "geo_adm2": c["geo_adm2"] or "",
                    "source_line": c["line"],
                }
                for c in territory["cercles"]
            ],
            counts,
        )
        communes = _upsert(
            Commune,
            "code",
            [
                {
                    "code": c["code"],
                    "name": c["name"],
                    "region": regions[c["region"]],
                    "cercle": cercles[c["cercle"]] if c["cercle"] else None,
                    "order": c["order"],
                    "population": c["population"],
                    "councillors": c["councillors"],
                    "printed_name": c["printed"]["name"],
                    "printed_population": c["printed"]["population"],
                    "printed_councillors": c["printed"]["councillors"],
                    "source_lines": list(c["lines"]),
                    "flags": list(c["flags"]),
                }
                for c in territory["communes"]
            ],
            counts,
        )
        idents = [c["id"] for c in territory["corrections"]]
        AnnexCorrection.objects.exclude(ident__in=idents).delete()
        _upsert(
            AnnexCorrection,
            "ident",
            [
                {
                    "ident": c["id"],
                    "line": c["line"],
                    "seed_line": c["seed_line"],
                    "field": c["field"],
                    "unit_code": c["unit"],
                    "commune": communes.get(c["unit"]),
                    "commune_name": c["commune"],
                    "printed": c["printed"],
                    "corrected": c["corrected"],
                    "reason": c["reason"],
                    "certainty": c["certainty"],
                }
                for c in territory["corrections"]
            ],
            counts,
        )
        missions_created = 0
        for m in missions:
            _, created = Mission.objects.get_or_create(code=m["code"], defaults=m)
            missions_created += int(created)
    return {
        "regions": sum(1 for r in regions.values() if r.kind == Region.Kind.REGION),
        "districts": sum(1 for r in regions.values() if r.kind == Region.Kind.DISTRICT),
        "cercles": len(cercles),
        "communes": len(communes),
        "corrections": len(idents),
        "missions": len(missions),
        "missions_created": missions_created,
        **counts,
    }


# -- reading -----------------------------------------------------------------------------------


def ensure_loaded() -> None:
    """Raise ``TerritoryNotLoaded`` (French message) unless the territory is in the database."""
    try:
        loaded = Commune.objects.exists()
    except DatabaseError:
        raise TerritoryNotLoaded(NOT_MIGRATED_FR) from None
    if not loaded:
        raise TerritoryNotLoaded()


def territory_stats() -> dict:
    """Exactly ``{"regions", "districts", "cercles", "communes", "councillors", "population"}``.

    The District of Bamako counts as a district (not a region or a cercle); councillors are
    summed over every commune; population over the communes whose population is known.
    """
    ensure_loaded()
    from django.db.models import Sum

    sums = Commune.objects.aggregate(c=Sum("councillors"), p=Sum("population"))
    return {
        "regions": Region.objects.filter(kind=Region.Kind.REGION).count(),
        "districts": Region.objects.filter(kind=Region.Kind.DISTRICT).count(),
        "cercles": Cercle.objects.count(),
        "communes": Commune.objects.count(),
        "councillors": int(sums["c"] or 0),
        "population": int(sums["p"] or 0),
    }


def territory_snapshot() -> dict:
    """The database's territory in the shape of ``territory.json`` (for ``checks``)."""
    ensure_loaded()
    regions = [
        {"code": r.code, "kind": r.kind, "name": r.name, "label": r.label}
        for r in Region.objects.all()
    ]
    cercles = [
        {"code": c.code, "region": c.region.code, "name": c.name}
        for c in Cercle.objects.select_related("region")
    ]
    corrections_by_commune: dict[int, list[str]] = {}
    corrections = []
    for c in AnnexCorrection.objects.all():
        corrections.append(
            {
                "id": c.ident,
                "line": c.line,
                "unit": c.unit_code,
                "field": c.field,
                "printed": c.printed,
                "corrected": c.corrected,
                "reason": c.reason,
                "certainty": c.certainty,
            }
        )
        if c.commune_id:
            corrections_by_commune.setdefault(c.commune_id, []).append(c.ident)
    communes = [
        {
            "code": c.code,
            "name": c.name,
            "region": c.region.code,
            "cercle": c.cercle.code if c.cercle_id else None,
            "population": c.population,
            "councillors": c.councillors,
            "printed": {
                "name": c.printed_name,
                "population": c.printed_population,
                "councillors": c.printed_councillors,
            },
            "corrections": corrections_by_commune.get(c.id, []),
        }
        for c in Commune.objects.select_related("region", "cercle")
    ]
    return {
        "regions": regions,
        "cercles": cercles,
        "communes": communes,
        "corrections": corrections,
    }


def territory_check() -> list[dict]:
    """The annex check (``checks.check_territory``) on the database's territory."""
    return checks.check_territory(territory_snapshot())


def list_corrections() -> list[dict]:
    """Every recorded correction, in annex order."""
    ensure_loaded()
    return [
        {
            "id": c.ident,
            "line": c.line,
            "seed_line": c.seed_line,
            "unit": c.unit_code,
            "commune": c.commune.name if c.commune_id else c.commune_name,
            "field": c.field,
            "printed": c.printed,
            "corrected": c.corrected,
            "reason": c.reason,
            "certainty": c.certainty,
        }
        for c in AnnexCorrection.objects.select_related("commune")
    ]


# -- missions (Art. 23, 28) --------------------------------------------------------------------

_CODE_RE = re.compile(r"(?P<prefix>AMB|CG|CONS)-(?P<country>[A-Z]{2})-[A-Z0-9]+(?:-[A-Z0-9]+)*")
_PREFIX_KIND = {"AMB": "ambassade", "CG": "consulat", "CONS": "consulat"}


def _mission_error(code: str, message: str, field: str) -> LawError:
    return LawError(code=code, message=message, articles=MISSION_ARTICLES, field=field)


def validate_mission(
    code: str, name: str, kind: str, city: str, country: str, jurisdiction: str = ""
) -> dict:
    """Check and normalise a mission (Art. 23: a voter list per embassy or consulate;
    Art. 28: Malians residing abroad). Raises ``LawError`` with a French message.

    Code: ``AMB-<country>-<CITY>`` for an embassy, ``CG-…`` (consulate general) or ``CONS-…``
    for a consulate, upper case; the country in the code is the mission's country, an
    ISO 3166 alpha-2 code other than ML (a mission is abroad, Art. 28).
    """
    code = (code or "").strip().upper()
    country = (country or "").strip().upper()
    kind = (kind or "").strip().lower()
    name = (name or "").strip()
    city = (city or "").strip()
    if kind not in _PREFIX_KIND.values():
        raise _mission_error(
            "mission_kind", f"Nature « {kind} » inconnue : « ambassade » ou « consulat ».", "kind"
        )
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise _mission_error(
            "mission_country",
            f"Pays « {country} » invalide : code ISO 3166 à deux lettres attendu (ex. CI, SN).",
            "country",
        )
    if country == "ML":
        raise _mission_error(
            "mission_in_mali",
            "Une ambassade ou un consulat du Mali est à l'étranger : le pays ne peut pas être ML.",
            "country",
        )
    m = _CODE_RE.fullmatch(code)
    if m is None or len(code) > 40:
        raise _mission_error(
            "mission_code",
            f"Code « {code} » invalide : forme attendue AMB-CI-ABIDJAN (ambassade) ou "
            "CG-CI-BOUAKE (consulat général), en majuscules, 40 caractères au plus.",
            "code",
        )
    if _PREFIX_KIND[m["prefix"]] != kind:
        raise _mission_error(
            "mission_code_kind",
            f"Le code « {code} » commence par {m['prefix']}, qui ne désigne pas un(e) {kind}.",
            "code",
        )
    if m["country"] != country:
        raise _mission_error(
            "mission_code_country",
            f"Le pays du code ({m['country']}) n'est pas celui de la mission ({country}).",
            "code",
        )
    if not name:
        raise _mission_error("mission_name", "Le nom de la mission est obligatoire.", "name")
    if not city:
        raise _mission_error("mission_city", "La ville de la mission est obligatoire.", "city")
    return {
        "code": code,
        "name": name[:200],
        "kind": kind,
        "city": city[:100],
        "country": country,
        "jurisdiction": (jurisdiction or "").strip(),
    }


def add_mission(**fields) -> Mission:
    """Add a mission after validation; refuses a code already used (Art. 23, 28)."""
    values = validate_mission(**fields)
    with transaction.atomic():
        if Mission.objects.filter(code=values["code"]).exists():
            raise _mission_error(
                "mission_exists", f"La mission {values['code']} existe déjà.", "code"
            )
        return Mission.objects.create(**values)


def list_missions() -> list[dict]:
    """Every mission, by code."""
    try:
        return [
            {
                "code": m.code,
                "name": m.name,
                "kind": m.kind,
                "city": m.city,
                "country": m.country,
                "jurisdiction": m.jurisdiction,
            }
            for m in Mission.objects.all()
        ]
    except DatabaseError:
        raise TerritoryNotLoaded(NOT_MIGRATED_FR) from None
