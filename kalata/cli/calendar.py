"""``kalata calendar TYPE AAAA-MM-JJ [--json] [--decreed FICHIER] [--explain]``.

The legal calendar of an election (``kalata.law.calendar``): every deadline the law sets for
the election type and polling date, with its articles; ``--decreed`` checks a decreed calendar,
a JSON object ``{"event": "YYYY-MM-DD" | "YYYY-MM-DDTHH:MM"}`` ("T24:00" is the end of the day),
and names each deviation.

JSON output (stable contract)::

    {"election": TYPE, "polling_date": "YYYY-MM-DD",
     "deadlines": [{"event", "date", "time"?, "articles", "label", "kind", "relative_to"?,
                    "explanation"}],
     "relative_deadlines": [... same, "date": null ...],
     "warnings": ["… (art. 78)"], "steps": [{"text", "articles"}],
     "deviations": [{"event", "label", "decreed", "legal_date", "legal_time"?, "kind", "status",
                     "breach", "articles", "message"}]            # only with --decreed
    }
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from kalata.cli import CliError, print_json
from kalata.law.calendar import (
    Calendar,
    Deviation,
    ElectionType,
    check_decreed_calendar,
    fr_date,
    fr_time,
    legal_calendar,
)
from kalata.law.explain import LawError

_TYPES = ", ".join(t.value for t in ElectionType)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})")


def register(sub) -> None:
    p = sub.add_parser(
        "calendar",
        help="calendrier légal d'une élection : échéances, articles, écarts d'un décret",
        description=(
            "Calendrier légal d'une élection (Loi n°02-007 modifiée) : chaque échéance fixée "
            "par la loi pour le type d'élection et la date du scrutin, avec ses articles."
        ),
    )
    # Optional for argparse so that a missing argument gets a French message (exit 2).
    p.add_argument("type", metavar="TYPE", nargs="?", help=f"type d'élection : {_TYPES}")
    p.add_argument("date", metavar="AAAA-MM-JJ", nargs="?", help="date du scrutin (premier tour)")
    p.add_argument("--json", action="store_true", help="sortie JSON (contrat stable)")
    p.add_argument(
        "--decreed",
        metavar="FICHIER",
        help='calendrier décrété à vérifier : JSON {"événement": "AAAA-MM-JJ[THH:MM]"}',
    )
    p.add_argument("--explain", action="store_true", help="explique le calcul de chaque date")
    p.set_defaults(func=_calendar)


# --- Parsing at the edge ---------------------------------------------------------------------


def parse_type(text: str | None) -> ElectionType:
    if text is None:
        raise CliError(f"argument TYPE manquant : type d'élection parmi {_TYPES}")
    try:
        return ElectionType(text)
    except ValueError:
        raise CliError(
            f"argument TYPE : type d'élection inconnu « {text} » ; types possibles : {_TYPES}"
        ) from None


def parse_polling_date(text: str | None) -> date:
    if text is None:
        raise CliError("argument AAAA-MM-JJ manquant : date du scrutin (par exemple 2004-05-23)")
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(
            f"argument AAAA-MM-JJ : date de scrutin invalide « {text} » ; format attendu "
            "AAAA-MM-JJ (par exemple 2004-05-23)"
        ) from None


def parse_decreed_value(key: str, value: object) -> date | datetime:
    """'YYYY-MM-DD' -> date; 'YYYY-MM-DDTHH:MM' -> datetime ('T24:00' -> next day 0:00)."""
    error = CliError(
        f"--decreed : valeur invalide pour « {key} » : {json.dumps(value, ensure_ascii=False)} ; "
        "format attendu AAAA-MM-JJ ou AAAA-MM-JJTHH:MM"
    )
    if not isinstance(value, str):
        raise error
    try:
        if _DATE.fullmatch(value):
            return date.fromisoformat(value)
        match = _DATETIME.fullmatch(value)
        if not match:
            raise ValueError
        day = date.fromisoformat(match.group(1))
        hours, minutes = int(match.group(2)), int(match.group(3))
        if (hours, minutes) == (24, 0):
            return datetime.combine(day + timedelta(days=1), datetime.min.time())
        return datetime(day.year, day.month, day.day, hours, minutes)
    except ValueError:
        raise error from None


def read_decreed(path: str) -> dict[str, date | datetime]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(
            f"--decreed : impossible de lire le fichier « {path} » ({exc.strerror})"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(
            f"--decreed : le fichier « {path} » n'est pas un JSON valide "
            f"(ligne {exc.lineno}, colonne {exc.colno})"
        ) from None
    if not isinstance(data, dict):
        raise CliError(
            f'--decreed : le fichier « {path} » doit contenir un objet JSON {{"événement": '
            '"AAAA-MM-JJ"}'
        )
    return {key: parse_decreed_value(key, value) for key, value in data.items()}


# --- Command ---------------------------------------------------------------------------------


def _calendar(args) -> int:
    election_type = parse_type(args.type)
    polling_date = parse_polling_date(args.date)
    cal = legal_calendar(election_type, polling_date)
    deviations: list[Deviation] | None = None
    if args.decreed:
        decreed = read_decreed(args.decreed)
        try:
            deviations = check_decreed_calendar(election_type, polling_date, decreed)
        except LawError as exc:
            raise CliError(f"--decreed : {exc.message}") from None
    if args.json:
        out = cal.as_dict()
        if deviations is not None:
            out["deviations"] = [d.as_dict() for d in deviations]
        print_json(out)
        return 0
    print(render_text(cal, deviations, explain=args.explain, decreed_path=args.decreed))
    return 0


def _articles(articles: tuple[str, ...]) -> str:
    return "art. " + ", ".join(articles)


def render_text(
    cal: Calendar,
    deviations: list[Deviation] | None = None,
    *,
    explain: bool = False,
    decreed_path: str | None = None,
) -> str:
    """The calendar as a French table, then relative deadlines, warnings and deviations."""
    lines = [
        f"Calendrier légal — {cal.election_type.label_fr}",
        f"Scrutin : {fr_date(cal.polling_date)}",
        "",
    ]
    rows = [
        (fr_date(d.date), fr_time(d.time) if d.time else "", _articles(d.articles), d.label_fr)
        for d in cal.deadlines
    ]
    header = ("Date", "Heure", "Articles", "Échéance")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]

    def row(cells: tuple[str, str, str, str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells[:3], widths, strict=True)) + (
            "  " + cells[3]
        )

    lines.append(row(header))
    lines.append(row(tuple("-" * w for w in widths) + ("-" * len(header[3]),)))
    for deadline, cells in zip(cal.deadlines, rows, strict=True):
        lines.append(row(cells))
        if explain:
            lines.append(" " * (sum(widths) + 6) + "→ " + deadline.explanation_fr)

    if cal.relative_deadlines:
        lines += ["", "Délais qui courent d'un acte que la loi ne date pas :"]
        for d in cal.relative_deadlines:
            lines.append(f"- {d.label_fr} ({_articles(d.articles)}) : {d.explanation_fr}")
    if cal.warnings:
        lines += ["", "Avertissements :"]
        lines += [f"- {w}" for w in cal.warnings]
    if explain and cal.steps:
        lines += ["", "Dispositions applicables :"]
        lines += [f"- {s}" for s in cal.steps]
    if deviations is not None:
        source = f" ({decreed_path})" if decreed_path else ""
        lines += ["", f"Calendrier décrété{source} :"]
        if not deviations:
            lines.append("- aucun écart avec la loi.")
        tags = {
            "too_late": "ÉCART",
            "too_early": "ÉCART",
            "not_in_law": "HORS LOI",
            "unverifiable": "NON VÉRIFIABLE",
        }
        lines += [f"- [{tags[d.status]}] {d.message_fr}" for d in deviations]
    return "\n".join(lines)
