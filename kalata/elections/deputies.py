"""Deputies per legislative constituency (Loi n°02-010 du 5 mars 2002, art. 1er; Art. 143).

The constituencies are the 49 cercles and the 6 communes of the District of Bamako (Loi n°02-007,
Art. 143). How many deputies each elects is fixed by the table annexed to Loi n°02-010 (art.
1er: 147 deputies): Kalata holds it as data, ``data/deputies.csv`` (source and doubtful rows in
``data/README.md``), which an administrator may correct — by editing the file, or by passing
``overrides`` to ``deputy_seats()`` (and ``create_election(deputies=…)``).

Art. 1er also states the rule the table was drawn from, on the 1996 census: one deputy per
60,000 inhabitants, one more for a remainder of 40,000 to 60,000, at least one seat.
``rule_seats()`` applies it; ``compare_with_rule()`` sets the table beside the rule applied to
other populations (the 2003 annex gives 163 seats, not 147): a check, never a replacement.

No Django here: the functions are pure but for reading the shipped files. The rule is a pure
law function and could move to ``kalata/law/`` later.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kalata.law.deputies import (  # noqa: F401  (the rule lives in the law engine)
    EXTRA_SEAT_FROM,
    INHABITANTS_PER_DEPUTY,
    REFERENCE_FR,
    RuleSeats,
    rule_seats,
)
from kalata.law.explain import LawError, Step

DATA_DIR = Path(__file__).resolve().parent / "data"
DEPUTIES_FILE = DATA_DIR / "deputies.csv"
TOTAL_DEPUTIES = 147  # Loi n°02-010, art. 1er
CONSTITUENCIES = 55  # 49 cercles + 6 communes of the District of Bamako (Art. 143)
SOURCE_FR = (
    "Répartition des 147 sièges de députés : tableau annexé à la loi n°02-010 du 5 mars 2002, "
    "tel que rapporté par la presse lors des législatives de 2007 et 2013 ; les 3 sièges de "
    "Nioro sont déduits du total de 147. Données corrigeables par l'administrateur."
)


_CODE_RE = re.compile(r"^(C\d{4}|CM0900\d{2})$")
_COLUMNS = ("code", "name", "seats", "note")
_ARTS = ("143",)


@dataclass(frozen=True)
class Constituency:
    """A legislative constituency of the table: territory code, name, seats, remark."""

    code: str
    name: str
    seats: int
    note: str = ""

    @property
    def is_bamako_commune(self) -> bool:
        return self.code.startswith("CM")

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "seats": self.seats, "note": self.note}


def _data_error(message: str, line: int | None = None) -> LawError:
    where = f"{DEPUTIES_FILE.name}, ligne {line} : " if line else f"{DEPUTIES_FILE.name} : "
    return LawError(
        code="deputies_data_invalid",
        message=where + message,
        articles=_ARTS,
        field="deputies",
        details={"line": line} if line else {},
    )


def parse_deputies(text: str) -> tuple[Constituency, ...]:
    """The constituencies of a deputies table in CSV (columns ``code,name,seats,note``).

    Checks the form only (codes, positive whole seats, no duplicate); whether the codes are
    exactly the cercles and Bamako communes of the territory is ``territory_problems()``'s job.
    French ``LawError`` naming the line otherwise (Art. 143; Loi n°02-010, art. 1er).
    """
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        found = ",".join(reader.fieldnames or ())
        raise _data_error(f"en-tête attendu « {','.join(_COLUMNS)} », trouvé « {found} ».")
    out: list[Constituency] = []
    seen: set[str] = set()
    for record in reader:
        line = reader.line_num
        code = (record.get("code") or "").strip()
        name = (record.get("name") or "").strip()
        raw = (record.get("seats") or "").strip()
        if not _CODE_RE.match(code):
            raise _data_error(
                f"code « {code} » invalide (cercle C0101…, commune de Bamako CM090001…).", line
            )
        if code in seen:
            raise _data_error(f"la circonscription {code} figure deux fois.", line)
        if not name:
            raise _data_error(f"nom manquant pour {code}.", line)
        if not raw.isdigit() or int(raw) < 1:
            raise _data_error(
                f"nombre de sièges « {raw} » invalide pour {name} ({code}) : "
                "un entier d'au moins 1.",
                line,
            )
        seen.add(code)
        out.append(Constituency(code, name, int(raw), (record.get("note") or "").strip()))
    if not out:
        raise _data_error("aucune circonscription.")
    return tuple(out)


def load_deputies(path: Path = DEPUTIES_FILE) -> tuple[Constituency, ...]:
    """The shipped deputies table (``data/deputies.csv``), validated (Art. 143; Loi n°02-010)."""
    return parse_deputies(path.read_text(encoding="utf-8"))


def _check_seats_value(code: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise LawError(
            code="deputies_override_invalid",
            message=(
                f"Nombre de députés « {value} » invalide pour {code} : chaque circonscription "
                "élit au moins un député (loi n°02-010, art. 1er)."
            ),
            articles=_ARTS,
            field="deputies",
        )
    return value


def deputy_seats(
    overrides: Mapping[str, int] | None = None,
    table: tuple[Constituency, ...] | None = None,
) -> dict[str, int]:
    """Seats per constituency code: the table, with an administrator's ``overrides`` applied.

    Art. 143 (the constituencies are fixed: an override can change a number of seats, never add
    or remove a constituency); Loi n°02-010, art. 1er (every constituency has at least one seat).
    """
    if table is None:
        table = load_deputies()
    seats = {c.code: c.seats for c in table}
    for code, value in (overrides or {}).items():
        if code not in seats:
            raise LawError(
                code="deputies_override_unknown",
                message=(
                    f"« {code} » n'est pas une circonscription législative (cercle ou commune "
                    "du District de Bamako) du tableau des députés."
                ),
                articles=_ARTS,
                field="deputies",
            )
        seats[code] = _check_seats_value(code, value)
    return seats


def territory_problems(
    table: tuple[Constituency, ...],
    cercles: Mapping[str, str],
    bamako_communes: Mapping[str, str],
) -> list[str]:
    """French descriptions of what does not match between the table and the territory (Art. 143).

    ``cercles`` and ``bamako_communes`` map codes to names. Every cercle and every commune of the
    District must be in the table exactly once, under its territory name; nothing else may be.
    An empty list means the table covers the constituencies of Art. 143.
    """
    expected = {**cercles, **bamako_communes}
    problems: list[str] = []
    by_code = {c.code: c for c in table}
    for code, name in sorted(expected.items()):
        row = by_code.get(code)
        if row is None:
            problems.append(f"{name} ({code}) n'a pas de nombre de députés.")
        elif row.name != name:
            problems.append(f"{code} s'appelle « {name} » dans le territoire, « {row.name} » ici.")
    for code in sorted(set(by_code) - set(expected)):
        problems.append(
            f"{by_code[code].name} ({code}) n'est ni un cercle ni une commune de Bamako."
        )
    return problems


# --- The rule of art. 1er, as a check -------------------------------------------------------


@dataclass(frozen=True)
class RuleComparisonRow:
    """One constituency: the seats of the table beside those of the rule."""

    code: str
    name: str
    population: int | None
    data_seats: int
    rule_seats: int | None

    @property
    def difference(self) -> int | None:
        """Rule minus table (None when the population is unknown)."""
        return None if self.rule_seats is None else self.rule_seats - self.data_seats

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "population": self.population,
            "data_seats": self.data_seats,
            "rule_seats": self.rule_seats,
            "difference": self.difference,
        }


@dataclass(frozen=True)
class RuleComparison:
    """The table against the rule of art. 1er applied to given populations."""

    rows: tuple[RuleComparisonRow, ...]
    steps: tuple[Step, ...]

    @property
    def data_total(self) -> int:
        return sum(r.data_seats for r in self.rows)

    @property
    def rule_total(self) -> int:
        return sum(r.rule_seats or 0 for r in self.rows)

    @property
    def differing(self) -> tuple[RuleComparisonRow, ...]:
        return tuple(r for r in self.rows if r.difference != 0)

    def as_dict(self) -> dict:
        return {
            "data_total": self.data_total,
            "rule_total": self.rule_total,
            "rows": [r.as_dict() for r in self.rows],
            "steps": [s.as_dict() for s in self.steps],
        }


def compare_with_rule(
    populations: Mapping[str, int | None],
    seats: Mapping[str, int] | None = None,
    table: tuple[Constituency, ...] | None = None,
) -> RuleComparison:
    """Per constituency: (code, name, population, seats of the table, seats of the rule).

    Loi n°02-010, art. 1er; Art. 143. ``populations`` maps constituency codes to inhabitants
    (None when unknown: no rule figure). ``seats`` defaults to ``deputy_seats()`` on ``table``.
    The rule was applied to the 1996 census; applied to other populations it differs, and the
    table stands.
    """
    if table is None:
        table = load_deputies()
    if seats is None:
        seats = deputy_seats(table=table)
    rows = []
    for c in table:
        population = populations.get(c.code)
        rule = None if population is None else rule_seats(population).seats
        rows.append(RuleComparisonRow(c.code, c.name, population, seats[c.code], rule))
    comparison = RuleComparison(rows=tuple(rows), steps=())
    steps = (
        Step(
            f"Le tableau annexé à la loi n°02-010 attribue {comparison.data_total} sièges ; la "
            f"règle de son article 1er appliquée à ces populations en donnerait "
            f"{comparison.rule_total}.",
            _ARTS,
        ),
        Step(
            "La loi a appliqué la règle au recensement administratif de 1996 et fixé la "
            "répartition par son tableau : c'est le tableau qui s'applique, la règle n'est "
            f"qu'un contrôle ({len(comparison.differing)} circonscription(s) diffèrent).",
            _ARTS,
        ),
    )
    return RuleComparison(rows=comparison.rows, steps=steps)


def annex_populations(territory: dict | None = None) -> dict[str, int | None]:
    """Population of each legislative constituency from the 2003 annex (``territory.json``).

    Art. 143: a cercle's is the sum of its communes; a Bamako commune's is its own. None when a
    commune's population is unknown.
    """
    if territory is None:
        from kalata.territory import annex

        territory = annex.load_shipped()
    out: dict[str, int | None] = {}
    for commune in territory["communes"]:
        key = commune["cercle"] or commune["code"]
        value = commune["population"]
        if key in out and out[key] is None:
            continue
        out[key] = None if value is None else out.get(key, 0) + value
    return out


__all__ = [
    "CONSTITUENCIES",
    "Constituency",
    "DEPUTIES_FILE",
    "REFERENCE_FR",
    "RuleComparison",
    "RuleComparisonRow",
    "RuleSeats",
    "SOURCE_FR",
    "TOTAL_DEPUTIES",
    "annex_populations",
    "compare_with_rule",
    "deputy_seats",
    "load_deputies",
    "parse_deputies",
    "rule_seats",
    "territory_problems",
]
