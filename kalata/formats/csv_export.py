"""The results of a round (or of every round of an election) as CSV, one row per unit.

The figures are those of the centralisation, recomputed now from the definitive, non-annulled
minutes (``kalata.results.tabulation``; Art. 141, 149, 187), at the levels asked for: the whole
constituency (``nation``), regions and the District, cercles (and the District, and the
missions), communes (and the missions), polling stations (``bureau``; Art. 87: each station's
minutes). One file holds every contest of the round: the ``circonscription`` column says which,
and there is a pair of columns ``voix_<CODE>`` / ``part_<CODE>`` per candidate, list or answer
code of any contest (empty where the code does not stand in the row's contest).

Format: comma-separated, UTF-8 with a byte order mark (so that Excel shows French accents),
CRLF line ends (RFC 4180), header of stable French machine names (``docs/formats.md``).
Numbers are integers; percentages exact values rounded half-up for display, two decimals with
a point (``71.20``). ``read_csv`` reads such a file back into typed rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kalata.elections.models import Election, Round
from kalata.law.explain import LawError, round_half_up
from kalata.results.tabulation import ROLLUP_LEVELS, UnitResult, station_results, tabulate

__all__ = [
    "FIXED_COLUMNS",
    "INT_COLUMNS",
    "LEVELS",
    "LEVEL_NAMES",
    "KIND_NAMES",
    "export_csv",
    "export_rows",
    "read_csv",
]

#: Levels as asked for (French machine names) -> tabulation level.
LEVEL_NAMES = {
    "nation": "nation",
    "region": "region",
    "cercle": "cercle",
    "commune": "commune",
    "bureau": "station",
}
LEVELS = tuple(LEVEL_NAMES)
_LEVEL_FR = {v: k for k, v in LEVEL_NAMES.items()}
#: Kind of unit (tabulation) -> French machine name in the ``type`` column.
KIND_NAMES = {
    "nation": "nation",
    "region": "region",
    "district": "district",
    "abroad": "exterieur",
    "cercle": "cercle",
    "mission": "mission",
    "commune": "commune",
    "station": "bureau",
}

FIXED_COLUMNS = (
    "tour",
    "circonscription",
    "niveau",
    "type",
    "code",
    "nom",
    "parent",
    "inscrits",
    "votants",
    "bulletins_nuls",
    "suffrages_exprimes",
    "participation",
    "pv_attendus",
    "pv_recus",
    "pv_definitifs",
    "pv_bloques",
    "pv_annules",
    "pv_en_attente",
    "inscrits_attendus",
    "inscrits_annules",
)
INT_COLUMNS = frozenset(
    {
        "inscrits",
        "votants",
        "bulletins_nuls",
        "suffrages_exprimes",
        "pv_attendus",
        "pv_recus",
        "pv_definitifs",
        "pv_bloques",
        "pv_annules",
        "pv_en_attente",
        "inscrits_attendus",
        "inscrits_annules",
    }
)


def _rounds(target: Election | Round | str) -> list[Round]:
    if isinstance(target, str):
        election = Election.objects.filter(code=target).first()
        if election is None:
            from kalata.results.tabulation import get_round

            return [get_round(target)]
        target = election
    if isinstance(target, Round):
        return [target]
    return list(Round.objects.filter(election=target).select_related("election").order_by("number"))


def _levels(levels: Iterable[str] | None) -> tuple[str, ...]:
    if levels is None:
        return tuple(LEVEL_NAMES.values())
    out = []
    for name in levels:
        if name not in LEVEL_NAMES:
            raise LawError(
                "export_level",
                f"niveau inconnu : « {name} » (possibles : {', '.join(LEVELS)})",
                (),
                "level",
            )
        out.append(LEVEL_NAMES[name])
    return tuple(lv for lv in (*ROLLUP_LEVELS, "station") if lv in out)


@dataclass(frozen=True)
class _Row:
    round: str
    contest: str
    unit: UnitResult


def export_rows(
    target: Election | Round | str,
    levels: Iterable[str] | None = None,
    contest: str | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """The header and the rows (dicts of typed values) of the CSV export.

    ``levels``: French level names (``nation``, ``region``, ``cercle``, ``commune``,
    ``bureau``), default all; ``contest``: one contest code. Rows by round, contest, level
    (from the nation down) and the tabulation's display order.
    """
    wanted = _levels(levels)
    rows: list[_Row] = []
    codes: list[str] = []
    for rnd in _rounds(target):
        if rnd.status == Round.Status.SETUP:
            continue
        results = tabulate(rnd, contest_codes=[contest] if contest else None)
        stations = station_results(rnd, contest_code=contest) if "station" in wanted else {}
        for c in results.contests:
            for s in c.selections:
                if s.code not in codes:
                    codes.append(s.code)
            for level in wanted:
                units = stations.get(c.code, ()) if level == "station" else c.units[level]
                seen: set[str] = set()
                for unit in units:
                    if unit.code in seen:
                        continue
                    seen.add(unit.code)
                    rows.append(_Row(results.round, c.code, unit))
    header = list(FIXED_COLUMNS)
    for code in codes:
        header += [f"voix_{code}", f"part_{code}"]
    return header, [_row_dict(r) for r in rows]


def _row_dict(row: _Row) -> dict[str, Any]:
    u = row.unit
    p = u.progress
    out: dict[str, Any] = {
        "tour": row.round,
        "circonscription": row.contest,
        "niveau": _LEVEL_FR[u.level],
        "type": KIND_NAMES.get(u.kind, u.kind),
        "code": u.code,
        "nom": u.name,
        "parent": u.parent or "",
        "inscrits": u.registered,
        "votants": u.voters,
        "bulletins_nuls": u.null_ballots,
        "suffrages_exprimes": u.valid_votes,
        "participation": round_half_up(u.turnout),
        "pv_attendus": p.sheets_expected,
        "pv_recus": p.sheets_received,
        "pv_definitifs": p.sheets_definitive,
        "pv_bloques": p.sheets_blocked,
        "pv_annules": p.sheets_annulled,
        "pv_en_attente": p.sheets_pending,
        "inscrits_attendus": p.registered_expected,
        "inscrits_annules": p.registered_annulled,
    }
    shares = u.shares
    for code, votes in u.votes.items():
        out[f"voix_{code}"] = votes
        out[f"part_{code}"] = round_half_up(shares[code])
    return out


def write_csv(header: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Rows as CSV bytes: UTF-8 with BOM, comma, CRLF, empty cells for missing values."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), restval="", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


def export_csv(
    target: Election | Round | str,
    levels: Iterable[str] | None = None,
    contest: str | None = None,
) -> bytes:
    """The CSV export of a round or an election (see the module docstring and
    ``docs/formats.md``)."""
    header, rows = export_rows(target, levels, contest)
    return write_csv(header, rows)


def read_csv(data: bytes | str) -> list[dict[str, Any]]:
    """Read an export back: integers as ``int``, percentages and texts as ``str``, empty
    cells (a code that does not stand in the row's contest) left out."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    out = []
    for raw in csv.DictReader(io.StringIO(text, newline="")):
        row: dict[str, Any] = {}
        for key, value in raw.items():
            if value == "":
                if key in FIXED_COLUMNS:
                    row[key] = value
                continue
            if key in INT_COLUMNS or key.startswith("voix_"):
                row[key] = int(value)
            else:
                row[key] = value
        out.append(row)
    return out
