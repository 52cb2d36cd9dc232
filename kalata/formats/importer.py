"""Bulk import of polling-station minutes typed by a commission in CSV or Excel.

The centralisation commissions total the minutes "au fur et à mesure de l'arrivée des
procès-verbaux" (Art. 141, 149, 187); many type them in spreadsheets. ``import_minutes`` turns
such a file into entries of the double-entry workflow (``kalata.results.entry.submit_entry``):
each row is one typing of one station's minutes (Art. 87) by the importing user, entry 1 or 2
depending on the sheet's state — the four-eyes rule stays with the workflow (a second entry must
come from another clerk, and the same file can never serve as both entries).

All or nothing
--------------
Every row is parsed and validated first, and **every** error is collected, by row and column,
in French (``ligne 12, colonne « votants » : « 3O4 » n'est pas un nombre entier``): unknown or
missing columns, unknown station, station not expected in the round, duplicate station in the
file, missing value, non-integer or negative number, a candidate or list that does not stand in
the station's contest, minutes already definitive, annulled or waiting for the president, a
station outside the user's area (``kalata.accounts.permissions.can(user, "enter_minutes",
sheet)``), a second entry by the clerk of the first. If there is any error, nothing is written.
Otherwise every row is submitted in one transaction with a deterministic idempotency key per
file and row (``import:<SHA-256 of the file>:<row>``): importing the same file again writes
nothing and reports the rows as replayed. The import itself is audited (``results.imported``:
file SHA-256, name, format, round, rows, entries written) in the same transaction.

Minutes that are inconsistent (null + valid ≠ voters…) are *not* import errors: the workflow
stores them as entered and blocks them with their check codes (Art. 84–87), reported per row.

File layout (``docs/formats.md``): a header row of column names (accents, case, spaces and
hyphens do not matter), one row per station; required ``bureau``, ``inscrits``, ``votants``,
``enveloppes``, ``bulletins_nuls``, ``suffrages_exprimes`` and one column per candidate, list
or answer code of the contests concerned (``C01``, or ``voix_C01``); optional
``circonscription``, ``nom_bureau`` (ignored), ``procurations``, ``cartes_recues``,
``cartes_remises``, ``cartes_retournees``, ``refus_de_signer``, ``membres_presents``, the null
ballots by cause of Art. 85 (``nuls_blancs``…) and ``observations``. CSV: UTF-8 (BOM or not)
or Windows-1252, separated by commas, semicolons or tabs. Excel: the sheet ``PV``, else the
first sheet; the header in row 1.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from kalata.audit.canonical import canonical_json
from kalata.audit.services import record
from kalata.elections.models import Contest, PollingStation, Round, Selection
from kalata.formats import RESULTS_IMPORTED
from kalata.law.explain import LawError, fr_int
from kalata.law.tally import FIELD_LABELS, NULL_CATEGORY_LABELS, check_tally
from kalata.results.entry import MAX_ABS_FIGURE, figures_value, parse_figures, submit_entry
from kalata.results.models import DataEntry, TallySheet
from kalata.results.workflow import Operation, WorkflowError, refusal

__all__ = [
    "COLUMN_DESCRIPTIONS",
    "FIELD_COLUMNS",
    "ImportIssue",
    "ImportReport",
    "NULL_COLUMNS",
    "OPTIONAL_FIELD_COLUMNS",
    "REQUIRED_COLUMNS",
    "RowResult",
    "client_key",
    "import_minutes",
    "import_template",
    "read_table",
]

ARTICLES = ("87", "141", "149", "187")
Status = TallySheet.Status

STATION_COLUMN = "bureau"
CONTEST_COLUMN = "circonscription"
NAME_COLUMN = "nom_bureau"
OBSERVATIONS_COLUMN = "observations"
#: Required figure columns -> field of the minutes (``TallyFigures``).
FIELD_COLUMNS = {
    "inscrits": "registered",
    "votants": "voters",
    "enveloppes": "envelopes",
    "bulletins_nuls": "null_ballots",
    "suffrages_exprimes": "valid_votes",
}
REQUIRED_COLUMNS = (STATION_COLUMN, *FIELD_COLUMNS)
#: Optional figure columns -> field of the minutes.
OPTIONAL_FIELD_COLUMNS = {
    "procurations": "proxies_used",
    "cartes_recues": "cards_received",
    "cartes_remises": "cards_delivered",
    "cartes_retournees": "cards_returned",
    "refus_de_signer": "refusals_to_sign",
    "membres_presents": "members_present",
}
#: Null ballots by cause (Art. 85) -> ``NullCategory`` key.
NULL_COLUMNS = {
    "nuls_blancs": "blank",
    "nuls_bulletins_differents": "multiple_different",
    "nuls_designation_insuffisante": "insufficient_designation",
    "nuls_votant_identifiable": "voter_identifiable",
    "nuls_enveloppe_irreguliere": "no_or_irregular_envelope",
    "nuls_signes_reconnaissance": "recognition_marks",
    "nuls_mentions_injurieuses": "insulting",
}
_ALL_FIELDS = {**FIELD_COLUMNS, **OPTIONAL_FIELD_COLUMNS}

COLUMN_DESCRIPTIONS: Mapping[str, str] = {
    STATION_COLUMN: "code du bureau de vote (ex. CM010101-BV001) — obligatoire",
    NAME_COLUMN: "nom du bureau (pour le lecteur ; ignoré à l'import)",
    CONTEST_COLUMN: "code de la circonscription (facultatif ; vérifié s'il est rempli)",
    **{col: f"{FIELD_LABELS[f]} — obligatoire" for col, f in FIELD_COLUMNS.items()},
    **{col: f"{FIELD_LABELS[f]} — facultatif" for col, f in OPTIONAL_FIELD_COLUMNS.items()},
    **{
        col: f"bulletins nuls : {NULL_CATEGORY_LABELS[k]} (art. 85) — facultatif"
        for col, k in NULL_COLUMNS.items()
    },
    OBSERVATIONS_COLUMN: "observations et réclamations portées au procès-verbal — facultatif",
}

MAX_ROWS = 100_000
XLSX_SHEET = "PV"
KEY_PREFIX = "import"


# --------------------------------------------------------------------------------------------
# Values


@dataclass(frozen=True)
class ImportIssue:
    """One error of a file: row (1 = header; None: the file itself), column, value, message."""

    code: str
    message: str
    line: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column is not None:
            where.append(f"colonne « {self.column} »")
        return (", ".join(where) + " : " if where else "fichier : ") + self.message

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "message": str(self),
        }


@dataclass(frozen=True)
class RowResult:
    """What became of one row: the entry written (1 or 2), the sheet's state, the checks."""

    line: int
    station: str
    contest: str
    entry: int | None
    status: str | None
    codes: tuple[str, ...]
    replayed: bool = False

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "station": self.station,
            "contest": self.contest,
            "entry": self.entry,
            "status": self.status,
            "codes": list(self.codes),
            "replayed": self.replayed,
        }

    def describe_fr(self) -> str:
        from kalata.results.workflow import STATUS_LABELS

        what = f"saisie n°{self.entry}" if self.entry else "saisie"
        text = f"ligne {self.line}, bureau {self.station} ({self.contest}) : {what}"
        if self.replayed:
            text += " déjà importée (rien de nouveau)"
        if self.status:
            text += f" ; PV « {STATUS_LABELS.get(self.status, self.status)} »"
        if self.codes:
            text += f" ; contrôles : {', '.join(self.codes)}"
        return text


@dataclass(frozen=True)
class ImportReport:
    """The outcome of an import: refused with its errors, or the rows and what they became."""

    round: str
    file_sha256: str
    filename: str
    format: str
    rows: int
    errors: tuple[ImportIssue, ...] = ()
    results: tuple[RowResult, ...] = ()
    dry_run: bool = False
    written: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def entries_written(self) -> int:
        return sum(1 for r in self.results if not r.replayed) if self.written else 0

    def as_dict(self) -> dict:
        return {
            "round": self.round,
            "file_sha256": self.file_sha256,
            "filename": self.filename,
            "format": self.format,
            "rows": self.rows,
            "ok": self.ok,
            "dry_run": self.dry_run,
            "written": self.written,
            "entries_written": self.entries_written,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": list(self.warnings),
            "results": [r.as_dict() for r in self.results],
        }

    def lines_fr(self) -> list[str]:
        name = self.filename or "fichier"
        if self.errors:
            lines = [
                f"Import refusé ({name}, tour {self.round}) : {fr_int(len(self.errors))} "
                f"erreur(s) ; rien n'a été enregistré."
            ]
            lines += [f"  - {e}" for e in self.errors]
            return lines
        if self.dry_run:
            head = f"Essai à blanc ({name}, tour {self.round}) : {fr_int(self.rows)} ligne(s) " + (
                "valables ; rien n'a été enregistré."
            )
        else:
            head = (
                f"Import de {name} (tour {self.round}) : {fr_int(self.rows)} ligne(s), "
                f"{fr_int(self.entries_written)} saisie(s) enregistrée(s)."
            )
        warnings = [f"Attention : {w}" for w in self.warnings]
        return [head, *warnings, *(f"  - {r.describe_fr()}" for r in self.results)]


# --------------------------------------------------------------------------------------------
# Reading a table


def _norm(name: Any) -> str:
    text = "" if name is None else str(name)
    text = unicodedata.normalize("NFKD", text.replace("\ufeff", "")).encode("ascii", "ignore")
    text = re.sub(r"[\s\-]+", "_", text.decode().strip().lower())
    return re.sub(r"_+", "_", text).strip("_")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _detect_format(data: bytes, filename: str, fmt: str | None) -> str:
    if fmt:
        return fmt
    if filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        return "xlsx"
    return "csv"


def read_table(data: bytes, fmt: str) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    """The header and the non-empty rows (with their spreadsheet row number) of a file.

    Raises ``LawError`` (French) when the file cannot be read at all.
    """
    if fmt == "xlsx":
        return _read_xlsx(data)
    if fmt == "csv":
        return _read_csv(data)
    raise LawError("import_format", f"format inconnu : « {fmt} » (csv ou xlsx)", (), "format")


def _read_csv(data: bytes) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's French "CSV (séparateur : point-virgule)" is saved in Windows-1252.
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=lambda d: (first.count(d), d == ","))
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise LawError("import_unreadable", f"fichier CSV illisible ({exc})", ARTICLES) from None
    return _split(table)


def _read_xlsx(data: bytes) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise LawError(
            "import_unreadable",
            f"fichier Excel illisible ({type(exc).__name__}) : enregistrez-le au format .xlsx",
            ARTICLES,
        ) from None
    try:
        sheet = (
            workbook[XLSX_SHEET] if XLSX_SHEET in workbook.sheetnames else workbook.worksheets[0]
        )
        table = [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        workbook.close()
    return _split(table)


def _split(table: list[list[Any]]) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    if not table or all(_is_blank(v) for v in table[0]):
        raise LawError(
            "import_empty",
            "fichier vide ou sans ligne d'en-tête (la première ligne doit nommer les colonnes)",
            ARTICLES,
        )
    header = list(table[0])
    while header and _is_blank(header[-1]):
        header.pop()
    rows = [
        (number, list(row))
        for number, row in enumerate(table[1:], start=2)
        if not all(_is_blank(v) for v in row)
    ]
    return header, rows


# --------------------------------------------------------------------------------------------
# Cells

_GROUPED = re.compile(r"^-?\d{1,3}(?:[ \u00a0\u202f]\d{3})+$")
_PLAIN = re.compile(r"^-?\d+$")


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_NOT_INTEGER = ("not_integer", "n'est pas un nombre entier")


def _integer(value: Any) -> tuple[int | None, tuple[str, str] | None]:
    """(the integer, None) or (None, (error code, French reason)): a count of ballots or votes
    is a whole number, positive or zero. Thousands may be separated by spaces (``1 234``);
    Excel's numbers are accepted when whole (``304.0``)."""
    if isinstance(value, bool):
        return None, _NOT_INTEGER
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None, _NOT_INTEGER
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not (_PLAIN.match(text) or _GROUPED.match(text)):
            return None, _NOT_INTEGER
        number = int(re.sub(r"[ \u00a0\u202f]", "", text))
    else:  # a date or a time Excel made of what was typed
        return None, _NOT_INTEGER
    if number < 0:
        return None, ("negative", "est négatif : un nombre de bulletins ou de voix ne l'est jamais")
    if number > MAX_ABS_FIGURE:
        return None, ("out_of_range", f"dépasse {fr_int(MAX_ABS_FIGURE)} : nombre hors limites")
    return number, None


# --------------------------------------------------------------------------------------------
# Columns


@dataclass
class _Columns:
    """Where each known column is in the file (index), with the header as written."""

    station: int | None = None
    contest: int | None = None
    observations: int | None = None
    fields: dict[str, int] = field(default_factory=dict)  # field name -> index
    nulls: dict[str, int] = field(default_factory=dict)  # null category -> index
    selections: dict[str, int] = field(default_factory=dict)  # selection code -> index
    names: dict[int, str] = field(default_factory=dict)  # index -> header as written


def _columns(header: Sequence[Any], codes: Sequence[str]) -> tuple[_Columns, list[ImportIssue]]:
    cols = _Columns()
    errors: list[ImportIssue] = []
    exact = {code: code for code in codes}
    folded: dict[str, set[str]] = {}
    for code in codes:
        folded.setdefault(_norm(code), set()).add(code)
    seen: dict[str, int] = {}
    for index, raw in enumerate(header):
        shown = "" if raw is None else str(raw).strip()
        cols.names[index] = shown or f"n°{index + 1}"
        key = _norm(raw)
        if not key:
            errors.append(
                ImportIssue(
                    "column_unnamed",
                    "colonne sans nom : nommez-la ou supprimez-la",
                    1,
                    cols.names[index],
                )
            )
            continue
        code = exact.get(shown)
        if code is None and key.startswith("voix_"):
            code = exact.get(shown[5:])
        if code is None:
            candidates = folded.get(key) or folded.get(key.removeprefix("voix_")) or set()
            code = next(iter(candidates)) if len(candidates) == 1 else None
        reserved = (
            key in (STATION_COLUMN, CONTEST_COLUMN, NAME_COLUMN, OBSERVATIONS_COLUMN)
            or key in _ALL_FIELDS
            or key in NULL_COLUMNS
        )
        ident = key if reserved or code is None else f"code:{code}"
        if ident in seen:
            errors.append(
                ImportIssue(
                    "column_duplicate",
                    f"colonne en double (déjà en colonne n°{seen[ident] + 1})",
                    1,
                    cols.names[index],
                )
            )
            continue
        seen[ident] = index
        if key == STATION_COLUMN:
            cols.station = index
        elif key == CONTEST_COLUMN:
            cols.contest = index
        elif key == NAME_COLUMN:
            pass
        elif key == OBSERVATIONS_COLUMN:
            cols.observations = index
        elif key in _ALL_FIELDS:
            cols.fields[_ALL_FIELDS[key]] = index
        elif key in NULL_COLUMNS:
            cols.nulls[NULL_COLUMNS[key]] = index
        elif code is not None:
            cols.selections[code] = index
        else:
            errors.append(
                ImportIssue(
                    "column_unknown",
                    "colonne inconnue : ni un champ du procès-verbal ni le code d'un candidat, "
                    "d'une liste ou d'une réponse de ce tour",
                    1,
                    cols.names[index],
                )
            )
    for name in REQUIRED_COLUMNS:
        if name == STATION_COLUMN:
            present = cols.station is not None
        else:
            present = FIELD_COLUMNS[name] in cols.fields
        if not present:
            errors.append(
                ImportIssue("column_missing", f"colonne obligatoire absente : « {name} »", 1)
            )
    return cols, errors


# --------------------------------------------------------------------------------------------
# Import


def client_key(sha256: str, user_pk: int, line: int) -> str:
    """The idempotency key of one row of one file imported by one user.

    The user is part of the key: two clerks who type the same minutes correctly and
    independently in the same template produce byte-identical files, and the second must be
    accepted as the second entry (the report warns that the file is the same, and the audit log
    shows it: same SHA-256).
    """
    return f"{KEY_PREFIX}:{sha256}:{user_pk}:{line}"


@dataclass
class _Planned:
    line: int
    sheet: TallySheet
    figures: dict
    key: str
    replay: DataEntry | None = None


def _cell(row: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index]


def import_minutes(
    round: Round,
    data: bytes,
    *,
    user=None,
    filename: str = "",
    fmt: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import the minutes of a CSV or Excel file into ``round`` as entries of ``user``.

    All or nothing (see the module docstring): returns an ``ImportReport`` whose ``errors``
    list every problem found (nothing written), or whose ``results`` say, per row, which entry
    was written and the sheet's resulting state and check codes (Art. 84–87). ``dry_run``
    does everything in a transaction rolled back at the end. Without ``user`` the file is only
    validated (nothing can be entered without a clerk).
    """
    rnd = Round.objects.select_related("election").get(pk=round.pk)
    sha = hashlib.sha256(data).hexdigest()
    fmt = _detect_format(data, filename, fmt)
    base = {"round": rnd.code, "file_sha256": sha, "filename": filename, "format": fmt}
    try:
        header, rows = read_table(data, fmt)
    except LawError as exc:
        issue = ImportIssue(exc.code, exc.message)
        return ImportReport(**base, rows=0, errors=(issue,), dry_run=dry_run)
    if len(rows) > MAX_ROWS:
        issue = ImportIssue(
            "import_too_large",
            f"{fr_int(len(rows))} lignes : au plus {fr_int(MAX_ROWS)} par fichier",
        )
        return ImportReport(**base, rows=len(rows), errors=(issue,), dry_run=dry_run)

    codes_by_contest: dict[int, list[str]] = {}
    for contest_id, code in (
        Selection.objects.filter(contest__round=rnd)
        .order_by("contest_id", "order", "code")
        .values_list("contest_id", "code")
    ):
        codes_by_contest.setdefault(contest_id, []).append(code)
    all_codes = sorted({c for codes in codes_by_contest.values() for c in codes})
    cols, errors = _columns(header, all_codes)
    planned, row_errors = _validate_rows(rnd, rows, cols, codes_by_contest, user, sha)
    errors += row_errors
    if errors:
        return ImportReport(**base, rows=len(rows), errors=tuple(errors), dry_run=dry_run)
    if user is None:
        return ImportReport(
            **base,
            rows=len(rows),
            results=tuple(_predicted(p, codes_by_contest) for p in planned),
            dry_run=True,
        )
    warnings = _same_file_warnings(sha, user)
    try:
        results = _write(rnd, planned, user, base, dry_run)
    except _RowFailed as failed:
        # The state changed between validation and writing (another clerk, the president):
        # everything is rolled back.
        issue = ImportIssue(failed.error.code, failed.error.message, failed.line)
        return ImportReport(**base, rows=len(rows), errors=(issue,), dry_run=dry_run)
    return ImportReport(
        **base,
        rows=len(rows),
        results=tuple(results),
        dry_run=dry_run,
        written=not dry_run,
        warnings=warnings,
    )


def _same_file_warnings(sha: str, user) -> tuple[str, ...]:
    """A warning when other clerks imported this very file (same SHA-256): accepted — correct
    minutes typed twice independently in the same template give identical files — but the
    president should make sure the second entry was typed, not copied (four eyes)."""
    others = sorted(
        set(
            DataEntry.objects.filter(client_key__startswith=f"{KEY_PREFIX}:{sha}:")
            .exclude(entered_by=user)
            .values_list("entered_by__username", flat=True)
        )
    )
    if not others:
        return ()
    return (
        f"ce même fichier (SHA-256 {sha[:12]}…) a déjà été importé par {', '.join(others)} : "
        "la seconde saisie doit avoir été tapée indépendamment de la première (quatre yeux) ; "
        "le journal d'audit montre les deux imports",
    )


class _Rollback(Exception):
    pass


class _RowFailed(Exception):
    def __init__(self, line: int, error: LawError) -> None:
        super().__init__(error.message)
        self.line = line
        self.error = error


def _write(rnd: Round, planned: list[_Planned], user, base: dict, dry_run: bool) -> list:
    results: list[RowResult] = []
    try:
        with transaction.atomic():
            for p in planned:
                try:
                    result = submit_entry(p.sheet, user, p.figures, client_key=p.key)
                except LawError as exc:
                    raise _RowFailed(p.line, exc) from exc
                except IntegrityError as exc:  # a concurrent write won a race on this sheet
                    conflict = LawError(
                        "write_conflict",
                        f"le procès-verbal du bureau {p.sheet.station.code} a été modifié "
                        "pendant l'import : rien n'a été enregistré, réimportez le fichier",
                        ARTICLES,
                    )
                    raise _RowFailed(p.line, conflict) from exc
                results.append(
                    RowResult(
                        line=p.line,
                        station=p.sheet.station.code,
                        contest=p.sheet.contest.code,
                        entry=result.entry.number if result.entry is not None else None,
                        status=result.status,
                        codes=tuple(result.codes),
                        replayed=result.replayed,
                    )
                )
            written = [r for r in results if not r.replayed]
            if written:
                record(
                    RESULTS_IMPORTED,
                    user,
                    ("results.import", base["file_sha256"]),
                    None,
                    {
                        **base,
                        "rows": len(results),
                        "entries_written": len(written),
                        "first_entries": sum(1 for r in written if r.entry == 1),
                        "second_entries": sum(1 for r in written if r.entry == 2),
                        "replayed": len(results) - len(written),
                        "stations": [r.station for r in written],
                    },
                )
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return results


def _predicted(p: _Planned, codes_by_contest: Mapping[int, list[str]]) -> RowResult:
    """Validation without a user: the entry the row would be, with the law's checks."""
    report = check_tally(figures_value(p.figures), codes_by_contest.get(p.sheet.contest_id, []))
    entry = None
    if p.replay is None:
        entry = 1 if p.sheet.status == Status.EXPECTED else 2
    return RowResult(
        line=p.line,
        station=p.sheet.station.code,
        contest=p.sheet.contest.code,
        entry=entry if p.replay is None else p.replay.number,
        status=None,
        codes=tuple(report.codes),
        replayed=p.replay is not None,
    )


def _validate_rows(
    rnd: Round,
    rows: list[tuple[int, list[Any]]],
    cols: _Columns,
    codes_by_contest: Mapping[int, list[str]],
    user,
    sha: str,
) -> tuple[list[_Planned], list[ImportIssue]]:
    errors: list[ImportIssue] = []

    # Stations, sheets, first entries and earlier imports of the rows: a few queries, in
    # chunks (SQLite limits the number of parameters of one query).
    typed = {
        line: _shown(_cell(row, cols.station))
        for line, row in rows
        if not _is_blank(_cell(row, cols.station))
    }
    wanted = sorted(set(typed.values()) | {c.upper() for c in typed.values()})
    known: dict[str, int] = {}
    for chunk in _chunks(wanted):
        known.update(
            PollingStation.objects.filter(election=rnd.election, code__in=chunk).values_list(
                "code", "pk"
            )
        )
    sheets: dict[str, TallySheet] = {}
    for chunk in _chunks(sorted(known.values())):
        for s in TallySheet.objects.filter(round=rnd, station_id__in=chunk).select_related(
            "station__mission", "station__commune", "round__election", "contest"
        ):
            sheets[s.station.code] = s
    first_clerks: dict[int, int] = {}
    for chunk in _chunks(sorted(s.pk for s in sheets.values())):
        first_clerks.update(
            DataEntry.objects.filter(
                sheet_id__in=chunk, state=DataEntry.State.ACTIVE, number=1
            ).values_list("sheet_id", "entered_by_id")
        )
    keys = {line: client_key(sha, user.pk, line) if user else "" for line, _ in rows}
    existing: dict[str, DataEntry] = {}
    for chunk in _chunks(sorted(k for k in keys.values() if k)):
        existing.update((e.client_key, e) for e in DataEntry.objects.filter(client_key__in=chunk))
    authorizer = None
    if user is not None:
        from kalata.accounts.permissions import Authorizer

        authorizer = Authorizer(user)

    missing_columns: dict[str, set[str]] = {}  # selection code -> contests needing it
    seen: dict[str, int] = {}
    planned: list[_Planned] = []
    for line, row in rows:
        row_errors: list[ImportIssue] = []

        def issue(code: str, message: str, index: int | None, value: Any = None) -> None:
            column = None if index is None else cols.names.get(index)
            shown = None if value is None else _shown(value)
            row_errors.append(ImportIssue(code, message, line, column, shown))  # noqa: B023

        # The station and its sheet.
        sheet = None
        if cols.station is not None:
            raw = _cell(row, cols.station)
            if _is_blank(raw):
                issue("missing_value", "code du bureau de vote manquant", cols.station)
            else:
                code = _shown(raw)
                code = code if code in known else code.upper()
                if code not in known:
                    issue(
                        "station_unknown",
                        f"« {_shown(raw)} » : bureau de vote inconnu dans le scrutin "
                        f"{rnd.election.code}",
                        cols.station,
                        raw,
                    )
                elif code in seen:
                    issue(
                        "station_duplicate",
                        f"« {code} » : bureau déjà présent ligne {seen[code]} (un procès-verbal "
                        "par bureau et par fichier)",
                        cols.station,
                        raw,
                    )
                elif code not in sheets:
                    issue(
                        "station_not_in_round",
                        f"« {code} » : aucun procès-verbal n'est attendu de ce bureau au tour "
                        f"{rnd.code} (sa circonscription n'est pas en jeu à ce tour)",
                        cols.station,
                        raw,
                    )
                else:
                    sheet = sheets[code]
                if code in known and code not in seen:
                    seen[code] = line

        # The contest, when given.
        if sheet is not None and cols.contest is not None:
            raw = _cell(row, cols.contest)
            if not _is_blank(raw) and _shown(raw) != sheet.contest.code:
                issue(
                    "contest_mismatch",
                    f"« {_shown(raw)} » : le bureau {sheet.station.code} vote dans la "
                    f"circonscription « {sheet.contest.code} »",
                    cols.contest,
                    raw,
                )

        # The figures.
        figures: dict[str, Any] = {}
        for name, index in cols.fields.items():
            raw = _cell(row, index)
            if _is_blank(raw):
                if name in FIELD_COLUMNS.values():
                    issue(
                        "missing_value",
                        "valeur manquante (une valeur nulle se saisit 0)",
                        index,
                    )
                else:
                    figures[name] = None
                continue
            number, why = _integer(raw)
            if why:
                issue(why[0], f"« {_shown(raw)} » {why[1]}", index, raw)
            else:
                figures[name] = number
        breakdown: dict[str, int] = {}
        for category, index in cols.nulls.items():
            raw = _cell(row, index)
            if _is_blank(raw):
                continue
            number, why = _integer(raw)
            if why:
                issue(why[0], f"« {_shown(raw)} » {why[1]}", index, raw)
            else:
                breakdown[category] = number
        figures["null_breakdown"] = breakdown or None
        votes: dict[str, int] = {}
        standing = codes_by_contest.get(sheet.contest_id, []) if sheet is not None else []
        for code, index in cols.selections.items():
            raw = _cell(row, index)
            if sheet is not None and code not in standing:
                if not _is_blank(raw):
                    issue(
                        "selection_not_in_contest",
                        f"« {code} » ne se présente pas dans la circonscription "
                        f"« {sheet.contest.code} » du bureau {sheet.station.code} : laissez la "
                        "case vide",
                        index,
                        raw,
                    )
                continue
            if _is_blank(raw):
                if sheet is not None:
                    issue(
                        "missing_value",
                        "valeur manquante (une valeur nulle se saisit 0)",
                        index,
                    )
                continue
            number, why = _integer(raw)
            if why:
                issue(why[0], f"« {_shown(raw)} » {why[1]}", index, raw)
            else:
                votes[code] = number
        if sheet is not None:
            for code in standing:
                if code not in cols.selections:
                    missing_columns.setdefault(code, set()).add(sheet.contest.code)
        figures["votes"] = votes
        observations = _cell(row, cols.observations)
        figures["observations"] = "" if _is_blank(observations) else str(observations).strip()

        # The sheet's state, the user's rights, the four eyes, a file already imported.
        replay = None
        key = keys[line]
        if sheet is not None:
            previous = existing.get(key)
            if previous is not None and previous.state == DataEntry.State.DISCARDED:
                issue(
                    "entry_discarded",
                    f"cette ligne de ce fichier a déjà été importée (saisie n°{previous.number}), "
                    "puis le président a écarté les saisies : le procès-verbal du bureau "
                    f"{sheet.station.code} doit être ressaisi, dans un nouveau fichier",
                    cols.station,
                )
            elif previous is not None:
                if (
                    previous.sheet_id == sheet.pk
                    and not row_errors
                    and _same(previous.figures, figures)
                ):
                    replay = previous  # this very row already imported: nothing to write
                else:  # pragma: no cover - the same bytes give the same station and figures
                    issue(
                        "already_imported",
                        f"cette ligne de ce fichier a déjà été importée (saisie n°"
                        f"{previous.number}) pour un autre bureau ou avec d'autres chiffres",
                        None,
                    )
            if previous is None:
                _check_sheet(sheet, user, authorizer, first_clerks, issue, cols.station)

        if sheet is not None and not row_errors:
            try:
                parsed = parse_figures(figures)
            except WorkflowError as exc:
                issue("malformed", exc.message, None)
            else:
                planned.append(_Planned(line, sheet, parsed, key, replay))
        errors.extend(row_errors)

    for code in sorted(missing_columns):
        contests = ", ".join(sorted(missing_columns[code]))
        errors.append(
            ImportIssue(
                "column_missing",
                f"colonne absente : « {code} » (candidat, liste ou réponse de la circonscription "
                f"{contests}) ; une voix nulle se saisit 0",
                1,
            )
        )
    errors.sort(key=lambda e: (e.line or 0,))
    return planned, errors


def _chunks(items: Sequence, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _same(stored: Any, figures: Mapping) -> bool:
    try:
        return canonical_json(stored) == canonical_json(parse_figures(figures))
    except WorkflowError:
        return False


def _check_sheet(sheet: TallySheet, user, authorizer, first_clerks, issue, station_index) -> None:
    if sheet.annulled:
        issue(
            "sheet_annulled",
            f"le procès-verbal du bureau {sheet.station.code} a été annulé par décision de "
            "justice : il ne se saisit plus",
            station_index,
        )
        return
    if sheet.status == Status.DEFINITIVE:
        issue(
            "already_definitive",
            f"le procès-verbal du bureau {sheet.station.code} est déjà définitif : seule une "
            "rectification motivée peut en changer les chiffres",
            station_index,
        )
        return
    if sheet.status not in (Status.EXPECTED, Status.FIRST_ENTRY):
        issue("state_refused", refusal(sheet.status, Operation.SUBMIT).message, station_index)
        return
    if authorizer is not None:
        decision = authorizer.can("enter_minutes", sheet)
        if not decision:
            issue("not_allowed", decision.reason, station_index)
            return
    if (
        user is not None
        and sheet.status == Status.FIRST_ENTRY
        and first_clerks.get(sheet.pk) == user.pk
    ):
        issue(
            "same_clerk",
            f"vous avez fait la première saisie du bureau {sheet.station.code} : la seconde doit "
            "être faite par un autre agent (double saisie, quatre yeux)",
            station_index,
        )


# --------------------------------------------------------------------------------------------
# Template


def _template_contest(rnd: Round, contest_code: str | None) -> Contest:
    contests = list(Contest.objects.filter(round=rnd).order_by("code"))
    if contest_code:
        for c in contests:
            if c.code == contest_code:
                return c
        raise LawError(
            "contest_unknown",
            f"circonscription inconnue au tour {rnd.code} : « {contest_code} »",
            (),
            "contest",
        )
    if len(contests) == 1:
        return contests[0]
    if not contests:
        raise LawError("no_contest", f"le tour {rnd.code} n'a aucune circonscription", ())
    sample = ", ".join(c.code for c in contests[:5]) + ("…" if len(contests) > 5 else "")
    raise LawError(
        "contest_required",
        f"le tour {rnd.code} a {fr_int(len(contests))} circonscriptions ({sample}) : indiquez "
        "laquelle (--contest)",
        (),
        "contest",
    )


def template_columns(contest: Contest, optional: bool = False) -> list[tuple[str, str]]:
    """The columns of the template of ``contest``: (name, French description)."""
    cols = [(STATION_COLUMN, COLUMN_DESCRIPTIONS[STATION_COLUMN])]
    cols.append((NAME_COLUMN, COLUMN_DESCRIPTIONS[NAME_COLUMN]))
    cols += [(name, COLUMN_DESCRIPTIONS[name]) for name in FIELD_COLUMNS]
    for sel in contest.selections.order_by("order", "code"):
        label = sel.name + (f" ({sel.party})" if sel.party else "")
        cols.append((sel.code, f"voix de {label} — obligatoire (0 si aucune)"))
    if optional:
        cols += [(name, COLUMN_DESCRIPTIONS[name]) for name in OPTIONAL_FIELD_COLUMNS]
        cols += [(name, COLUMN_DESCRIPTIONS[name]) for name in NULL_COLUMNS]
    cols.append((OBSERVATIONS_COLUMN, COLUMN_DESCRIPTIONS[OBSERVATIONS_COLUMN]))
    return cols


def import_template(
    round: Round,
    contest_code: str | None = None,
    *,
    unit_code: str | None = None,
    fmt: str = "csv",
    optional: bool = False,
) -> bytes:
    """A file to type minutes in: the columns of a contest of ``round`` and one row per
    station still expected to send its minutes (not definitive, not annulled), restricted to
    the stations of a region, cercle, commune or mission when ``unit_code`` is given (the
    commission's area, Art. 141, 149, 187). ``fmt``: ``csv`` (UTF-8 with BOM) or ``xlsx``
    (sheet ``PV`` with whole-number checks on the figures, sheet ``Colonnes`` describing each
    column)."""
    rnd = Round.objects.select_related("election").get(pk=round.pk)
    contest = _template_contest(rnd, contest_code)
    sheets = TallySheet.objects.filter(round=rnd, contest=contest, annulled=False).exclude(
        status=Status.DEFINITIVE
    )
    if unit_code:
        sheets = sheets.filter(
            Q(station__commune__code=unit_code)
            | Q(station__commune__cercle__code=unit_code)
            | Q(station__commune__region__code=unit_code)
            | Q(station__mission__code=unit_code)
        )
    stations = list(sheets.order_by("station__code").values_list("station__code", "station__name"))
    columns = template_columns(contest, optional)
    names = [name for name, _ in columns]
    rows = [[code, name] + [None] * (len(names) - 2) for code, name in stations]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
        return buffer.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        return _xlsx_template(rnd, contest, columns, rows)
    raise LawError("template_format", f"format inconnu : « {fmt} » (csv ou xlsx)", (), "format")


def _xlsx_template(rnd: Round, contest: Contest, columns, rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = XLSX_SHEET
    names = [name for name, _ in columns]
    ws.append(names)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "C2"
    last = max(len(rows) + 1, 2) + 500
    numeric = [
        i
        for i, name in enumerate(names, start=1)
        if name not in (STATION_COLUMN, NAME_COLUMN, OBSERVATIONS_COLUMN)
    ]
    check = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2=str(MAX_ABS_FIGURE),
        showErrorMessage=True,
        errorTitle="Nombre entier attendu",
        error="Saisissez un nombre entier positif ou nul (0 si aucun).",
    )
    for i in numeric:
        letter = get_column_letter(i)
        check.add(f"{letter}2:{letter}{last}")
    ws.add_data_validation(check)
    for i, name in enumerate(names, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(name) + 4))
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 24

    help_ws = wb.create_sheet("Colonnes")
    help_ws.append(["colonne", "contenu"])
    for cell in help_ws[1]:
        cell.font = Font(bold=True)
    for name, text in columns:
        help_ws.append([name, text])
    help_ws.append([])
    help_ws.append(
        [
            "tour",
            f"{rnd.code} — circonscription {contest.code} ({contest.name}). Une ligne par "
            "bureau ; les chiffres tels qu'ils figurent sur le procès-verbal (art. 87).",
        ]
    )
    help_ws.column_dimensions["A"].width = 28
    help_ws.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
