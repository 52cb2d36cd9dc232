"""Typing polling-station minutes: double entry with four eyes, resolution, acknowledgement,
discarding and reasoned corrections (the services behind ``docs/data-entry.md``).

Every service runs in one ``transaction.atomic()``: it locks the sheet, checks the move against
the state machine (``kalata.results.workflow``), writes, and records its audit events in the same
transaction — the data and its events commit or roll back together, nothing is half written.

Figures come in the shape of ``TallyFigures.as_dict()``; ``parse_figures`` checks the *shape* at
the edge (required keys present, ``votes`` an object, scalars where scalars belong) and refuses a
malformed payload with a French error naming the field. Inside that shape, values are **stored as
entered**: a negative, a word instead of a number or a candidate who does not stand are kept and
show as blocking checks (``kalata.law.tally``), never "fixed".

What is audited, and how ``kalata audit verify`` sees it
-------------------------------------------------------
Three models are registered as audited (``register_audit``, called by the app's ``ready()``):

- ``results.tallysheet`` keyed by its primary key. Its serialisation is the sheet's *dossier*:
  status, version, the definitive columns, ``figures``, ``check_codes``, the dates, every
  ``DataEntry`` of the sheet (figures as entered, codes, state, clerk) and its ``SheetVote`` rows
  (selection code -> votes). A definitive figure, a vote row or an entry changed behind the log's
  back is therefore reported by ``verify``. Not included: ``annulled`` (written by the Court's
  annulments, audited on their own) and the image of the minutes (``image``, ``image_sha256``).
- ``results.acknowledgement`` and ``results.correction`` (all their columns): each is a reasoned
  act with its own event (``tally.warning_acknowledged``; ``tally.corrected`` or
  ``court.correction``), whose reason is the act's reason.

Each transition records one event about the sheet (``tally.first_entry``, ``tally.second_entry``,
``tally.resolved``, ``tally.entries_discarded``), and each move that makes the sheet definitive —
agreed entries, resolution, acknowledgement, correction — records ``tally.definitive`` with the
figures copied into the columns. A sheet must be recorded when it is created (``record_expected``,
event ``tally.expected``), otherwise ``verify`` reports it as written outside the log.

Centralisation reads ``status = definitive`` sheets only (see ``kalata/results/models.py``):
``figures`` and ``check_codes`` already hold the *agreed* figures and their codes while a sheet
waits for acknowledgement or is blocked, but the scalar columns, ``SheetVote`` rows,
``definitive_at`` and ``version`` change only when the sheet becomes definitive.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone

from kalata.audit.canonical import Canonical, canonical_json
from kalata.audit.events import register_event_type
from kalata.audit.registry import model_serializer, register_audited_model
from kalata.audit.services import EventSpec, prepared_cursor, record_many, snapshot
from kalata.elections.models import Selection
from kalata.law.explain import fr_int
from kalata.law.tally import (
    CHECKS,
    FieldDifference,
    Severity,
    TallyFigures,
    TallyReport,
    check_tally,
    compare_entries,
    field_label,
)
from kalata.results.models import (
    Acknowledgement,
    Correction,
    DataEntry,
    SheetVote,
    TallySheet,
)
from kalata.results.workflow import (
    COMMISSION_ARTICLES,
    EVENT_DEFINITIVE,
    EVENT_DISCARDED,
    EVENT_EXPECTED,
    Action,
    Operation,
    WorkflowError,
    apply,
    require,
)

Status = TallySheet.Status

# The two event types the results app adds to the registry of kalata.audit.events.
TALLY_EXPECTED = register_event_type(EVENT_EXPECTED, "Procès-verbal attendu d'un bureau de vote")
TALLY_ENTRIES_DISCARDED = register_event_type(
    EVENT_DISCARDED,
    "Procès-verbal : saisies écartées par le président, PV à ressaisir",
    requires_reason=True,
)

# --------------------------------------------------------------------------------------------
# The edge: shape of the figures
# --------------------------------------------------------------------------------------------

REQUIRED_FIELDS = ("registered", "voters", "envelopes", "null_ballots", "valid_votes")
OPTIONAL_FIELDS = (
    "proxies_used",
    "cards_received",
    "cards_delivered",
    "cards_returned",
    "refusals_to_sign",
    "members_present",
)
ALLOWED_FIELDS = frozenset(
    (*REQUIRED_FIELDS, "votes", "null_breakdown", *OPTIONAL_FIELDS, "observations")
)
#: Largest absolute number accepted at the edge (a thousand million: beyond any station, and
#: within every database's integer columns). Larger numbers are refused, not stored.
MAX_ABS_FIGURE = 10**9
#: Longest text accepted where a number is expected (stored as entered, flagged E01).
MAX_SCALAR_TEXT = 50
MAX_OBSERVATIONS = 10_000
MAX_CODE = 20
MAX_CLIENT_KEY = 100


def _malformed(path: str, message: str) -> WorkflowError:
    return WorkflowError(
        "malformed_figures",
        f"Saisie refusée, « {field_label(path)} » ({path}) : {message}",
        ("84", "87"),
        field=path,
    )


def _text_ok(path: str, text: str, limit: int) -> str:
    if "\x00" in text:
        raise _malformed(path, "caractère nul interdit.")
    if len(text) > limit:
        raise _malformed(path, f"texte trop long ({len(text)} caractères, au plus {limit}).")
    return text


def _scalar(path: str, value: Any) -> Any:
    """A figure as entered: a JSON scalar, kept even when it is not a whole positive number."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _text_ok(path, value, MAX_SCALAR_TEXT)
    if isinstance(value, int):
        if abs(value) > MAX_ABS_FIGURE:
            raise _malformed(
                path, f"nombre hors limites (au plus {fr_int(MAX_ABS_FIGURE)} en valeur absolue)."
            )
        return value
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) > MAX_ABS_FIGURE:
            raise _malformed(
                path, f"nombre hors limites (au plus {fr_int(MAX_ABS_FIGURE)} en valeur absolue)."
            )
        return value + 0.0  # -0.0 -> 0.0: one value, one stored form on every database
    raise _malformed(path, f"valeur de type {type(value).__name__} au lieu d'un nombre.")


def _mapping(path: str, value: Any, *, key_limit: int) -> dict:
    if not isinstance(value, Mapping):
        raise _malformed(path, "un objet {code : nombre} est attendu.")
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip():
            raise _malformed(path, f"code invalide : {key!r}.")
        _text_ok(path, key, key_limit)
        out[key] = _scalar(f"{path}.{key}", item)
    return out


def parse_figures(payload: Any) -> dict:
    """Check the shape of entered figures and return them in the stored form (as entered).

    The stored form is ``TallyFigures.as_dict()``: the five required figures, ``votes``,
    ``null_breakdown`` (``None`` when not entered), the optional figures (``None`` when not
    entered) and ``observations`` (text). Refuses (``WorkflowError`` ``malformed_figures``,
    naming the field) a payload that is not an object, an unknown field, a missing required
    field, ``votes``/``null_breakdown`` that are not objects, a list or object where a number
    belongs, a number beyond ``MAX_ABS_FIGURE``. Everything else is kept as entered and judged
    by the numbered checks (Art. 84, 87).
    """
    if not isinstance(payload, Mapping):
        raise WorkflowError(
            "malformed_figures",
            "Saisie refusée : les chiffres du procès-verbal doivent être un objet"
            " {champ : valeur}.",
            ("84", "87"),
        )
    for key in payload:
        if key not in ALLOWED_FIELDS:
            raise WorkflowError(
                "malformed_figures",
                f"Saisie refusée : champ inconnu « {key} ». Champs possibles : "
                + ", ".join(sorted(ALLOWED_FIELDS))
                + ".",
                ("84", "87"),
                field=str(key),
            )
    for name in (*REQUIRED_FIELDS, "votes"):
        if name not in payload:
            raise _malformed(name, "champ obligatoire absent (une valeur nulle se saisit 0).")
    out: dict[str, Any] = {name: _scalar(name, payload[name]) for name in REQUIRED_FIELDS}
    out["votes"] = _mapping("votes", payload["votes"], key_limit=MAX_CODE)
    breakdown = payload.get("null_breakdown")
    out["null_breakdown"] = (
        None if breakdown is None else _mapping("null_breakdown", breakdown, key_limit=40)
    )
    for name in OPTIONAL_FIELDS:
        out[name] = _scalar(name, payload.get(name))
    observations = payload.get("observations")
    if observations is None:
        observations = ""
    if not isinstance(observations, str):
        raise _malformed("observations", "un texte est attendu.")
    out["observations"] = _text_ok("observations", observations, MAX_OBSERVATIONS)
    return out


def figures_value(stored: Mapping) -> TallyFigures:
    """The law's value for stored figures (the stored form is ``TallyFigures.as_dict()``)."""
    return TallyFigures(**stored)


def _same_figures(a: Any, b: Any) -> bool:
    return canonical_json(a) == canonical_json(b)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryResult:
    """What a service did to a sheet: its new status, the checks, the differences.

    - ``entry``: the entry written (``submit_entry``), else ``None``;
    - ``report``: the checks of that entry (``submit_entry``), else of the agreed figures;
    - ``agreed_report``: the checks of the agreed (or resolved, or corrected) figures, when the
      figures are agreed;
    - ``differences``: the fields on which the two active entries differ (status ``different``);
    - ``replayed``: True when an idempotent re-submission returned the original entry.
    """

    sheet: TallySheet
    status: str
    entry: DataEntry | None = None
    report: TallyReport | None = None
    agreed_report: TallyReport | None = None
    differences: tuple[FieldDifference, ...] = ()
    correction: Correction | None = None
    acknowledgements: tuple[Acknowledgement, ...] = ()
    replayed: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        return self.report.codes if self.report else ()

    @property
    def blocking(self) -> bool:
        return bool(self.agreed_report and self.agreed_report.blocking)

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet.pk,
            "status": self.status,
            "entry": None if self.entry is None else self.entry.number,
            "checks": None if self.report is None else self.report.as_dict(),
            "agreed_checks": None if self.agreed_report is None else self.agreed_report.as_dict(),
            "differences": [d.as_dict() for d in self.differences],
            "replayed": self.replayed,
        }


# --------------------------------------------------------------------------------------------
# Audited state of a sheet
# --------------------------------------------------------------------------------------------

SHEET_FIELDS = (
    "round_id",
    "contest_id",
    "station_id",
    "status",
    "version",
    "registered",
    "voters",
    "envelopes",
    "null_ballots",
    "valid_votes",
    "figures",
    "check_codes",
    "first_received_at",
    "definitive_at",
)
ENTRY_FIELDS = ("id", "number", "entered_by_id", "state", "figures", "check_codes", "client_key")


def _entry_state(entry: DataEntry | Mapping) -> dict:
    if isinstance(entry, Mapping):
        return {name: entry[name] for name in ENTRY_FIELDS}
    return {name: getattr(entry, name if name != "id" else "pk") for name in ENTRY_FIELDS}


def sheet_state(sheet: TallySheet, entries: Iterable, votes: Mapping[str, int]) -> dict:
    """The audited serialisation of a sheet, from its entries and its ``SheetVote`` rows."""
    out: dict[str, Any] = {name: getattr(sheet, name) for name in SHEET_FIELDS}
    out["entries"] = sorted((_entry_state(e) for e in entries), key=lambda e: e["id"])
    out["votes"] = {code: votes[code] for code in sorted(votes)}
    return out


def serialize_sheet(sheet: TallySheet) -> dict:
    """Registered serialiser of ``results.tallysheet``: reads the entries and votes (2 queries)."""
    db = sheet._state.db or "default"
    entries = DataEntry.objects.using(db).filter(sheet_id=sheet.pk).order_by().values(*ENTRY_FIELDS)
    votes = (
        SheetVote.objects.using(db)
        .filter(sheet_id=sheet.pk)
        .order_by()
        .values_list("selection__code", "votes")
    )
    return sheet_state(sheet, entries, dict(votes))


def serialize_sheets(sheets: Sequence[TallySheet]) -> list[dict]:
    """``serialize_sheet`` of many sheets, reading their entries and votes in two queries (by
    ranges of primary keys when the sheets are contiguous, as ``verify`` reads them)."""
    if not sheets:
        return []
    db = sheets[0]._state.db or "default"
    ids = {sheet.pk for sheet in sheets}
    entries: dict[int, list[dict]] = {pk: [] for pk in ids}
    votes: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    low, high = min(ids), max(ids)
    for chunk in [None] if high - low < 4 * len(ids) else _chunks(sorted(ids), 500):
        where = (
            {"sheet_id__gte": low, "sheet_id__lte": high}
            if chunk is None
            else {"sheet_id__in": chunk}
        )
        rows = (
            DataEntry.objects.using(db).filter(**where).order_by().values("sheet_id", *ENTRY_FIELDS)
        )
        for row in rows:
            if row["sheet_id"] in ids:
                entries[row["sheet_id"]].append(row)
        for sheet_id, code, n in (
            SheetVote.objects.using(db)
            .filter(**where)
            .order_by()
            .values_list("sheet_id", "selection__code", "votes")
        ):
            if sheet_id in ids:
                votes[sheet_id][code] = n
    return [sheet_state(sheet, entries[sheet.pk], votes[sheet.pk]) for sheet in sheets]


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def register_audit() -> None:
    """Declare the results models audited (called by ``ResultsConfig.ready()``)."""
    register_audited_model("results.tallysheet", serialize_sheet, serialize_many=serialize_sheets)
    register_audited_model("results.acknowledgement", model_serializer())
    register_audited_model("results.correction", model_serializer())


def record_expected(sheets: Iterable[TallySheet], actor) -> int:
    """Record ``tally.expected`` for newly created sheets (appended together: a few statements
    whatever their number); return the count.

    Call it in the transaction that creates the sheets: a sheet without any event is reported by
    ``kalata audit verify`` as written outside the log.
    """
    events = [
        EventSpec(TALLY_EXPECTED, actor, sheet, None, sheet_state(sheet, (), {}))
        for sheet in sheets
    ]
    record_many(events)
    return len(events)


# --------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Plain SQL for the hot path
# --------------------------------------------------------------------------------------------
#
# Election night is thousands of entries a minute: building an ORM query costs more than the
# database takes to run it. The few statements of an entry are therefore written once per
# connection, as plain SQL over the models' own column lists, and rows are turned into model
# instances with the backend's and the fields' own converters (what the ORM would do). They are
# the same reads and writes as the ORM ones they replace, but send no model signals (none is
# connected to these models); ``CaptureQueriesContext`` and query logging still see them. The
# events of an operation are appended together at its end (``_Dossier.flush``), so the audit
# chain's head stays locked only for that last statement and the commit.
#
# On PostgreSQL an entry is three round trips whatever the sheet: ``BEGIN`` and the locking read
# (the sheet, what authorization needs, the contest's selections, the sheet's entries and the new
# entry's id drawn from its sequence, in one prepared statement), then one statement with every
# write — the entry, the sheet's columns, its votes — and the audit events (data-modifying
# ``WITH`` clauses, ``record_many(writes=…)``), then ``COMMIT``. The sheet's ``UPDATE`` is
# written once, with every column the operation changed.


class _Columns:
    """The concrete columns of ``model`` under a table alias, and rows back to instances."""

    def __init__(self, model, alias: str, connection) -> None:
        qn = connection.ops.quote_name
        fields = model._meta.concrete_fields
        self.model = model
        self.width = len(fields)
        self.pk_index = next(i for i, f in enumerate(fields) if f.primary_key)
        self.attnames = [f.attname for f in fields]
        self.sql = ", ".join(f"{alias}.{qn(f.column)}" for f in fields)
        self.converters = []
        for i, f in enumerate(fields):
            col = f.get_col(alias)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                self.converters.append((i, found, col))

    def build(self, row, start: int, connection):
        values = list(row[start : start + self.width])
        for i, found, col in self.converters:
            value = values[i]
            for convert in found:
                value = convert(value, col, connection)
            values[i] = value
        return self.model.from_db(connection.alias, self.attnames, values)


class _Statements:
    """The plain SQL of the services for one connection (built once, kept on the connection)."""

    def __init__(self, connection) -> None:
        from kalata.elections.models import Election, PollingStation, Round
        from kalata.territory.models import Commune, Mission

        qn = connection.ops.quote_name
        self.vendor = connection.vendor
        self.sheet = _Columns(TallySheet, "s", connection)
        self.station = _Columns(PollingStation, "st", connection)
        self.mission = _Columns(Mission, "m", connection)
        self.commune = _Columns(Commune, "c", connection)
        self.round = _Columns(Round, "r", connection)
        self.election = _Columns(Election, "e", connection)
        self.entry = _Columns(DataEntry, "d", connection)
        #: The models read by the locking statement, in the order of its columns.
        self.columns = (
            self.sheet,
            self.station,
            self.mission,
            self.commune,
            self.round,
            self.election,
        )

        def table(model) -> str:
            return qn(model._meta.db_table)

        def col(model, name: str) -> str:
            return qn(model._meta.get_field(name).column)

        lock = ""
        if connection.features.has_select_for_update:
            lock = " FOR UPDATE"
            if connection.features.has_select_for_update_of:
                lock += " OF s"

        # The sheet, locked, with what authorization needs: its station and the station's mission
        # or commune (the commission's area), its round and election.
        def join(kind: str, model, alias: str, on: str) -> str:
            return f"{kind} JOIN {table(model)} {alias} ON {alias}.{qn('id')} = {on} "

        self.lock_sheet = (
            f"SELECT {self.sheet.sql}, {self.station.sql}, {self.mission.sql}, "
            f"{self.commune.sql}, {self.round.sql}, {self.election.sql} "
            f"FROM {table(TallySheet)} s "
            + join("INNER", PollingStation, "st", f"s.{col(TallySheet, 'station')}")
            + join("LEFT OUTER", Mission, "m", f"st.{col(PollingStation, 'mission')}")
            + join("LEFT OUTER", Commune, "c", f"st.{col(PollingStation, 'commune')}")
            + join("INNER", Round, "r", f"s.{col(TallySheet, 'round')}")
            + join("INNER", Election, "e", f"r.{col(Round, 'election')}")
            + f"WHERE s.{qn('id')} = %s{lock}"
        )
        self.entries = (
            f"SELECT {self.entry.sql} FROM {table(DataEntry)} d "
            f"WHERE d.{col(DataEntry, 'sheet')} = %s ORDER BY d.{qn('id')}"
        )
        self.selections = (
            f"SELECT {qn('id')}, {col(Selection, 'code')} FROM {table(Selection)} "
            f"WHERE {col(Selection, 'contest')} = %s "
            f"ORDER BY {col(Selection, 'order')}, {col(Selection, 'code')}, {qn('id')}"
        )
        entry_fields = [f for f in DataEntry._meta.concrete_fields if not f.primary_key]
        self.entry_fields = entry_fields
        self.insert_entry = (
            f"INSERT INTO {table(DataEntry)} ({', '.join(qn(f.column) for f in entry_fields)}) "
            f"VALUES ({', '.join(['%s'] * len(entry_fields))})"
        )
        self.returning = connection.features.can_return_columns_from_insert
        if self.returning:
            self.insert_entry += f" RETURNING {qn('id')}"
        # PostgreSQL: the contest's selections (ids and codes, in order) come with the locked
        # sheet, as two arrays: one statement less per entry. (SQLite statements cost no trip.)
        self.selections_in_lock = connection.vendor == "postgresql"
        if self.selections_in_lock:
            ordered = (
                f"FROM {table(Selection)} sel WHERE sel.{col(Selection, 'contest')} = "
                f"s.{col(TallySheet, 'contest')} ORDER BY sel.{col(Selection, 'order')}, "
                f"sel.{col(Selection, 'code')}, sel.{qn('id')}"
            )
            self.lock_sheet = self.lock_sheet.replace(
                " FROM ",
                f", ARRAY(SELECT sel.{qn('id')} {ordered}), "
                f"ARRAY(SELECT sel.{col(Selection, 'code')} {ordered}) FROM ",
                1,
            )
        # PostgreSQL: the sheet's entries come with the locked sheet too (one array per column,
        # in id order; read again if the sheet changed while its lock was awaited), and, for a
        # submission, the new entry's id from the table's sequence (so that every write can
        # wait for the last statement).
        self.entries_in_lock = connection.vendor == "postgresql"
        self.lock_sheet_submit = self.lock_sheet
        self.insert_entry_with_id = ""
        if self.entries_in_lock:
            entry_columns = [f.column for f in DataEntry._meta.concrete_fields]
            arrays = ", ".join(
                f"array_agg(d.{qn(c)} ORDER BY d.{qn('id')}) AS {qn('e_' + c)}"
                for c in entry_columns
            )
            picked = ", ".join(f"ent.{qn('e_' + c)}" for c in entry_columns)
            # The entries are read on the statement's snapshot, but a sheet locked after waiting
            # for another transaction is its newest version: ``fresh`` is false when that
            # version is not the one of the snapshot, and the entries are then read again.
            picked += (
                f", s.xmin = (SELECT s2.xmin FROM {table(TallySheet)} s2 "
                f"WHERE s2.{qn('id')} = s.{qn('id')})"
            )
            main_from = f" FROM {table(TallySheet)} s "
            main_where = f"WHERE s.{qn('id')} = %s"
            self.lock_sheet = self.lock_sheet.replace(main_from, f", {picked}{main_from}", 1)
            self.lock_sheet = self.lock_sheet.replace(
                main_where,
                f"LEFT JOIN LATERAL (SELECT {arrays} FROM {table(DataEntry)} d "
                f"WHERE d.{col(DataEntry, 'sheet')} = s.{qn('id')}) ent ON TRUE {main_where}",
                1,
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, %s)",
                    [DataEntry._meta.db_table, DataEntry._meta.pk.column],
                )
                sequence = cursor.fetchone()[0]
            draw = ", nextval('{}'::regclass)".format(sequence.replace("'", "''"))
            self.lock_sheet_submit = self.lock_sheet.replace(main_from, draw + main_from, 1)
            all_fields = DataEntry._meta.concrete_fields
            self.insert_entry_with_id = (
                f"INSERT INTO {table(DataEntry)} ({', '.join(qn(f.column) for f in all_fields)}) "
                f"VALUES ({', '.join(['%s'] * len(all_fields))})"
            )
        self.insert_votes = (
            f"INSERT INTO {table(SheetVote)} ({col(SheetVote, 'sheet')}, "
            f"{col(SheetVote, 'selection')}, {col(SheetVote, 'votes')}) VALUES "
        )
        self.votes_from_arrays = connection.vendor == "postgresql"
        self.insert_votes_arrays = self.insert_votes.replace(
            " VALUES ", " SELECT %s, unnest(%s::bigint[]), unnest(%s::integer[])"
        )
        self._updates: dict[tuple[str, ...], tuple[str, list]] = {}
        self._table, self._qn = table, qn

    def update_sheet(self, names: tuple[str, ...]) -> tuple[str, list]:
        found = self._updates.get(names)
        if found is None:
            fields = [TallySheet._meta.get_field(n) for n in names]
            sets = ", ".join(f"{self._qn(f.column)} = %s" for f in fields)
            sql = f"UPDATE {self._table(TallySheet)} SET {sets} WHERE {self._qn('id')} = %s"
            found = self._updates[names] = (sql, fields)
        return found


def _statements(connection) -> _Statements:
    found = getattr(connection, "_kalata_results_sql", None)
    if found is None:
        found = _Statements(connection)
        connection._kalata_results_sql = found
    return found


def _frozen(value):
    """A ``before``/``after`` value serialised now (``Canonical``), or None."""
    if value is None or type(value) is Canonical:
        return value
    return Canonical(snapshot(value))


class _Dossier:
    """A locked sheet with its entries, the contest's selections and its current votes.

    Also the events of the operation, appended together at its end (``flush``): one lock of the
    audit chain's head, one insert, whatever the number of events.
    """

    def __init__(self, sheet: TallySheet, *, submit: bool = False) -> None:
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.sql = sql = _statements(self.connection)
        self.events: list[EventSpec] = []
        # The operation's writes that wait for its last statement (``flush``): SQL and
        # parameters, and the sheet's columns to update (written once, with their last values).
        self.writes: list[tuple[str, list]] = []
        self.sheet_changes: dict[str, None] = {}
        self.next_entry_id: int | None = None
        # Lock the sheet row only (``OF s``), and read what authorization needs with it: the
        # station and its mission or commune (the commission's area), the round and election.
        self._cursor = None
        statement = sql.lock_sheet_submit if submit else sql.lock_sheet
        row = self.execute(statement, [sheet.pk]).fetchone()
        if row is None:
            raise TallySheet.DoesNotExist("TallySheet matching query does not exist.")
        self.sheet = self._sheet_from(row)
        end = sum(c.width for c in sql.columns)
        self._selections: list[tuple[int, str]] | None = None
        if sql.selections_in_lock:
            self._selections = list(zip(row[end], row[end + 1], strict=True))
            end += 2
        if sql.entries_in_lock:
            fresh = row[end + sql.entry.width]
            # Not fresh: another operation on this sheet committed while we waited for its lock.
            self.entries: list[DataEntry] = (
                self._entries_from(row, end) if fresh else self._read_entries()
            )
            end += sql.entry.width + 1
            if submit:
                self.next_entry_id = row[end]
        else:
            # A sheet never received has no entry (the first entry sets ``first_received_at``,
            # and discarding keeps it): one query less for most first entries.
            never_received = (
                self.sheet.status == Status.EXPECTED and self.sheet.first_received_at is None
            )
            self.entries = [] if never_received else self._read_entries()
        self.votes: dict[str, int] = self._votes()

    def _entries_from(self, row, start: int) -> list[DataEntry]:
        """The entries read with the lock: one array per column (NULL when there is none)."""
        columns = row[start : start + self.sql.entry.width]
        if columns[0] is None:
            return []
        build, conn = self.sql.entry.build, self.connection
        return [build(values, 0, conn) for values in zip(*columns, strict=True)]

    def _sheet_from(self, row) -> TallySheet:
        sql, conn = self.sql, self.connection
        start = 0
        parts = []
        for columns in sql.columns:
            present = row[start + columns.pk_index] is not None  # None: no mission, or no commune
            parts.append(columns.build(row, start, conn) if present else None)
            start += columns.width
        sheet, station, mission, commune, round_, election = parts
        # The same related objects ``select_related`` would have attached.
        station._state.fields_cache["mission"] = mission
        station._state.fields_cache["commune"] = commune
        round_._state.fields_cache["election"] = election
        sheet._state.fields_cache["station"] = station
        sheet._state.fields_cache["round"] = round_
        return sheet

    def _read_entries(self) -> list[DataEntry]:
        entry = self.sql.entry
        rows = self.execute(self.sql.entries, [self.sheet.pk]).fetchall()
        return [entry.build(row, 0, self.connection) for row in rows]

    def _votes(self) -> dict[str, int]:
        # Votes exist only on definitive sheets, and then equal the definitive figures: they are
        # written by ``_make_definitive`` alone. A row written behind the log's back is not
        # assumed here; ``verify`` reports it.
        if self.sheet.status != Status.DEFINITIVE or not isinstance(self.sheet.figures, Mapping):
            return {}
        return {code: self.sheet.figures["votes"][code] for code in self.codes}

    @property
    def selections(self) -> list[tuple[int, str]]:
        if self._selections is None:
            rows = self.execute(self.sql.selections, [self.sheet.contest_id]).fetchall()
            self._selections = [(pk, code) for pk, code in rows]
        return self._selections

    @property
    def codes(self) -> list[str]:
        return [code for _, code in self.selections]

    @property
    def active(self) -> list[DataEntry]:
        return sorted(
            (e for e in self.entries if e.state == DataEntry.State.ACTIVE), key=lambda e: e.number
        )

    def state(self) -> Canonical:
        """The sheet's audited state, serialised once (it may be the ``before`` of one event
        and the ``after`` of another)."""
        return Canonical(sheet_state(self.sheet, self.entries, self.votes))

    def check(self, figures: Mapping) -> TallyReport:
        return check_tally(figures_value(figures), self.codes)

    # -- writes ------------------------------------------------------------------------------
    def execute(self, statement: str, params: list):
        """Run a statement on the operation's cursor (one cursor for all its statements; on
        PostgreSQL a prepared one: the statements of the hot path are few and fixed)."""
        if self._cursor is None:
            self._cursor = prepared_cursor(self.connection)
        self._cursor.execute(statement, params)
        return self._cursor

    def save_sheet(self, *names: str) -> None:
        """``UPDATE`` the sheet's columns ``names`` (what ``save(update_fields=…)`` does), in
        the operation's last statement (``flush``), with their values at that moment."""
        self.sheet_changes.update(dict.fromkeys(names))

    def _sheet_update(self) -> tuple[str, list]:
        statement, fields = self.sql.update_sheet(tuple(self.sheet_changes))
        sheet, conn = self.sheet, self.connection
        params = [f.get_db_prep_save(getattr(sheet, f.attname), conn) for f in fields]
        return statement, [*params, sheet.pk]

    def insert_entry(self, entry: DataEntry) -> None:
        """``INSERT`` a new entry (what ``entry.save()`` does) and keep it in the dossier (on
        PostgreSQL in the operation's last statement, with the id drawn with the lock)."""
        conn = self.connection
        if self.next_entry_id is not None:
            entry.pk, self.next_entry_id = self.next_entry_id, None
            fields = DataEntry._meta.concrete_fields
            params = [f.get_db_prep_save(f.pre_save(entry, True), conn) for f in fields]
            self.writes.append((self.sql.insert_entry_with_id, params))
            entry._state.adding = False
            entry._state.db = conn.alias
        elif not self.sql.returning:  # pragma: no cover - SQLite >= 3.35 and PostgreSQL
            entry.save(force_insert=True)
        else:
            params = [
                f.get_db_prep_save(f.pre_save(entry, True), conn) for f in self.sql.entry_fields
            ]
            entry.pk = self.execute(self.sql.insert_entry, params).fetchone()[0]
            entry._state.adding = False
            entry._state.db = conn.alias
        self.entries.append(entry)

    def insert_votes(self, votes: Mapping[str, int]) -> None:
        """One multi-row ``INSERT`` of the sheet's ``SheetVote`` rows."""
        rows = [(self.sheet.pk, pk, votes[code]) for pk, code in self.selections]
        if not rows:  # pragma: no cover - a contest has at least one selection
            return
        if self.sql.votes_from_arrays:  # one statement text whatever the number of candidates
            params = [self.sheet.pk, [pk for _, pk, _ in rows], [n for _, _, n in rows]]
            self.writes.append((self.sql.insert_votes_arrays, params))
            return
        self.writes.append(
            (
                self.sql.insert_votes + ", ".join(["(%s, %s, %s)"] * len(rows)),
                [value for row in rows for value in row],
            )
        )

    def record(self, event_type, user, obj, before, after, reason: str = "") -> None:
        """Queue an audit event (its states serialised now); ``flush`` appends the queue at the
        end of the operation, in the same transaction."""
        self.events.append(
            EventSpec(event_type, user, obj, _frozen(before), _frozen(after), reason)
        )

    def flush(self) -> None:
        """The operation's waiting writes and its queued events, together (one statement on
        PostgreSQL): the end of the operation's writes."""
        if self._cursor is not None:
            self._cursor.close()
            self._cursor = None
        writes = self.writes
        if self.sheet_changes:
            writes.append(self._sheet_update())
        if self.events or writes:
            record_many(self.events, writes=writes)
        self.events, self.writes, self.sheet_changes = [], [], {}


def _outcome(report: TallyReport, blocked: Action, warnings: Action, agreed: Action) -> Action:
    if report.errors:
        return blocked
    if report.warnings:
        return warnings
    return agreed


def _set_agreed(d: _Dossier, figures: Mapping, report: TallyReport) -> None:
    d.sheet.figures = dict(figures)
    d.sheet.check_codes = list(report.codes)


_DEFINITIVE_COLUMNS = REQUIRED_FIELDS
_DEFINITIVE_UPDATE = (
    "status",
    *_DEFINITIVE_COLUMNS,
    "figures",
    "check_codes",
    "version",
    "definitive_at",
)


def _make_definitive(d: _Dossier, user, before: Canonical, *, replace_votes: bool) -> None:
    """Copy the agreed figures into the columns and ``SheetVote`` rows; audit ``tally.definitive``.

    The caller has moved the sheet to ``definitive`` through the table and checked that the
    figures carry no error (so every figure is a whole number and the votes name exactly the
    contest's selections).
    """
    sheet = d.sheet
    figures = sheet.figures
    votes = figures["votes"]
    if set(votes) != set(d.codes):  # pragma: no cover - E10/E11 make this impossible
        raise RuntimeError("definitive figures must name exactly the contest's selections")
    for name in _DEFINITIVE_COLUMNS:
        setattr(sheet, name, figures[name])
    sheet.version += 1
    sheet.definitive_at = timezone.now()
    if replace_votes:
        SheetVote.objects.filter(sheet_id=sheet.pk).delete()
    d.insert_votes(votes)
    d.votes = {code: votes[code] for code in d.codes}
    d.save_sheet(*_DEFINITIVE_UPDATE)
    d.record(EVENT_DEFINITIVE, user, sheet, before, d.state())


def _sync(target: TallySheet, source: TallySheet) -> None:
    """Copy the locked sheet's values onto the caller's instance (no query)."""
    if target is source:
        return
    for f in TallySheet._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def _four_eyes(d: _Dossier, user, what: str) -> None:
    """The president who settles must not have typed one of the entries in force."""
    clerks = {e.entered_by_id for e in d.active}
    if user.pk in clerks:
        raise WorkflowError(
            "four_eyes",
            f"{what} : vous avez vous-même saisi ce procès-verbal ; quatre yeux sont"
            " requis, un autre président (ou son suppléant) doit le faire.",
            COMMISSION_ARTICLES,
        )


def _clean_key(client_key: Any) -> str | None:
    if client_key is None:
        return None
    if not isinstance(client_key, str) or not client_key.strip():
        raise WorkflowError("client_key_invalid", "Clé d'idempotence invalide : texte non vide.")
    if len(client_key) > MAX_CLIENT_KEY:
        raise WorkflowError(
            "client_key_invalid",
            f"Clé d'idempotence trop longue ({len(client_key)} caractères, au plus"
            f" {MAX_CLIENT_KEY}).",
        )
    return client_key


def _reason(reason: Any, what: str) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise WorkflowError("reason_required", f"{what} : un motif écrit est obligatoire.")
    return text


# --------------------------------------------------------------------------------------------
# Entries
# --------------------------------------------------------------------------------------------


def submit_entry(
    sheet: TallySheet, user, figures: Any, client_key: str | None = None
) -> EntryResult:
    """Record one clerk's typing of a polling station's minutes (first or second entry).

    - First entry on an expected sheet; second entry by *another* clerk (four eyes); a third
      entry while two are in force, or any entry on a definitive sheet, is refused.
    - The entry is stored as entered with the codes of its numbered checks (Art. 84–87).
    - When the second entry equals the first (``compare_entries``), the agreed figures are
      judged: errors -> ``blocked``, warnings -> ``to_acknowledge``, none -> ``definitive``.
      When they differ -> ``different``, with the differing fields.
    - ``client_key`` makes the call idempotent: the same key with the same sheet, clerk and
      figures returns the original entry (``replayed``) without writing anything; the same key
      with anything else is refused.
    """
    data = parse_figures(figures)
    key = _clean_key(client_key)
    try:
        with transaction.atomic():
            result = _submit(sheet, user, data, key)
    except (IntegrityError, WorkflowError):
        # The key is looked up only when the submission fails (keeping the usual path one query
        # shorter): a re-sent request fails on the unique key, or earlier because the sheet has
        # moved on (second entry by the same clerk, definitive sheet…). Nothing was written.
        existing = DataEntry.objects.filter(client_key=key).first() if key else None
        if existing is None:
            raise
        result = _replay(existing, sheet, user, data)
    _sync(sheet, result.sheet)
    return result


def _replay(existing: DataEntry, sheet: TallySheet, user, data: dict) -> EntryResult:
    same = (
        existing.sheet_id == sheet.pk
        and existing.entered_by_id == getattr(user, "pk", None)
        and _same_figures(existing.figures, data)
    )
    if not same:
        raise WorkflowError(
            "client_key_conflict",
            f"La clé d'idempotence « {existing.client_key} » a déjà servi pour une autre saisie"
            " (autre procès-verbal, autre agent ou autres chiffres) : saisie refusée, rien n'a"
            " été enregistré.",
        )
    current = TallySheet.objects.get(pk=existing.sheet_id)
    codes = list(
        Selection.objects.filter(contest_id=current.contest_id)
        .order_by("order", "code", "pk")
        .values_list("code", flat=True)
    )
    report = check_tally(figures_value(existing.figures), codes)
    differences: tuple[FieldDifference, ...] = ()
    if current.status == Status.DIFFERENT:
        active = list(
            DataEntry.objects.filter(sheet_id=current.pk, state=DataEntry.State.ACTIVE).order_by(
                "number"
            )
        )
        if len(active) == 2:
            differences = compare_entries(
                figures_value(active[0].figures), figures_value(active[1].figures)
            )
    agreed = None
    if isinstance(current.figures, Mapping):
        agreed = check_tally(figures_value(current.figures), codes)
    return EntryResult(
        sheet=current,
        status=current.status,
        entry=existing,
        report=report,
        agreed_report=agreed,
        differences=differences,
        replayed=True,
    )


def _submit(sheet: TallySheet, user, data: dict, key: str | None) -> EntryResult:
    d = _Dossier(sheet, submit=True)
    result = _submit_to(d, user, data, key)
    d.flush()
    return result


def _submit_to(d: _Dossier, user, data: dict, key: str | None) -> EntryResult:
    require(d.sheet, Operation.SUBMIT, user)
    before = d.state()
    report = d.check(data)
    active = d.active
    number = len(active) + 1
    if number == 2 and active[0].entered_by_id == user.pk:
        raise WorkflowError(
            "same_clerk",
            "Seconde saisie refusée : elle doit être faite par un autre agent que la première"
            " (double saisie, quatre yeux).",
            COMMISSION_ARTICLES,
        )
    entry = DataEntry(
        sheet=d.sheet,
        number=number,
        entered_by=user,
        figures=data,
        check_codes=list(report.codes),
        client_key=key,
    )

    if number == 1:
        transition = apply(d.sheet, Action.FIRST_ENTRY, user)
        d.insert_entry(entry)
        if d.sheet.first_received_at is None:
            d.sheet.first_received_at = timezone.now()
        d.save_sheet("status", "first_received_at")
        d.record(transition.event, user, d.sheet, before, d.state())
        return EntryResult(d.sheet, d.sheet.status, entry, report)

    first = active[0]
    differences = compare_entries(figures_value(first.figures), figures_value(data))
    d.insert_entry(entry)
    if differences:
        transition = apply(d.sheet, Action.SECOND_ENTRY_DIFFERENT, user)
        d.save_sheet("status")
        d.record(transition.event, user, d.sheet, before, d.state())
        return EntryResult(d.sheet, d.sheet.status, entry, report, differences=differences)

    # Equal entries: the first is the agreed text (equal but for white space in observations).
    agreed = first.figures
    agreed_report = report if _same_figures(agreed, data) else d.check(agreed)
    action = _outcome(
        agreed_report,
        Action.SECOND_ENTRY_BLOCKED,
        Action.SECOND_ENTRY_WARNINGS,
        Action.SECOND_ENTRY_AGREED,
    )
    _settle(d, user, action, agreed, agreed_report, before)
    return EntryResult(d.sheet, d.sheet.status, entry, report, agreed_report)


def _settle(
    d: _Dossier,
    user,
    action: Action,
    agreed: Mapping,
    report: TallyReport,
    before: Canonical,
    reason: str = "",
) -> None:
    """Record the agreed figures, move the sheet and audit; make it definitive if it must be."""
    _set_agreed(d, agreed, report)
    if report.errors or report.warnings:
        transition = apply(d.sheet, action, user)
        d.save_sheet("status", "figures", "check_codes")
        d.record(transition.event, user, d.sheet, before, d.state(), reason)
        return
    # Two events: the move (agreed figures recorded), then the figures made definitive.
    middle = d.state()
    transition = apply(d.sheet, action, user)
    d.record(transition.event, user, d.sheet, before, middle, reason)
    _make_definitive(d, user, middle, replace_votes=False)


# --------------------------------------------------------------------------------------------
# President: resolve, acknowledge, discard
# --------------------------------------------------------------------------------------------

CHOICES = {"first": 0, "second": 1}
_CHOICE_LABELS = {"first": "1re saisie retenue", "second": "2e saisie retenue"}


def _set_path(target: dict, source: Mapping, path: str) -> None:
    """Copy field ``path`` ('voters', 'votes.C01', 'null_breakdown.blank') from source."""
    head, _, key = path.partition(".")
    if not key:
        target[head] = source.get(head)
        return
    src = source.get(head)
    src = src if isinstance(src, Mapping) else {}
    dst = target.get(head)
    dst = dict(dst) if isinstance(dst, Mapping) else {}
    if key in src:
        dst[key] = src[key]
    else:
        dst.pop(key, None)
    # A breakdown emptied by choosing a second entry that had none is "not entered" again.
    if not dst and head == "null_breakdown" and source.get(head) is None:
        dst = None
    target[head] = dst


def resolve(sheet: TallySheet, president, choices: Mapping[str, str]) -> EntryResult:
    """The commission's president settles each difference between the two entries.

    ``choices`` maps every differing field (``FieldDifference.field``: ``voters``, ``votes.C01``…)
    to ``"first"`` or ``"second"``. Both entries are kept as typed; the resolved figures become
    the sheet's agreed figures and are judged like agreed entries. Four eyes: the president must
    not be one of the two clerks (Art. 141, 149, 187: the commission totals the minutes as they
    arrive; its president settles what its typists disagree on).
    """
    with transaction.atomic():
        d = _Dossier(sheet)
        require(d.sheet, Operation.RESOLVE, president)
        _four_eyes(d, president, "Choix entre les saisies refusé")
        before = d.state()
        first, second = d.active
        differences = compare_entries(figures_value(first.figures), figures_value(second.figures))
        resolved = _resolved_figures(first.figures, second.figures, differences, choices)
        report = d.check(resolved)
        action = _outcome(
            report, Action.RESOLVE_BLOCKED, Action.RESOLVE_WARNINGS, Action.RESOLVE_AGREED
        )
        reason = " ; ".join(
            f"{diff} → {_CHOICE_LABELS[choices[diff.field]]}" for diff in differences
        )
        _settle(d, president, action, resolved, report, before, reason)
        d.flush()
    _sync(sheet, d.sheet)
    return EntryResult(
        d.sheet, d.sheet.status, report=report, agreed_report=report, differences=differences
    )


def _resolved_figures(
    first: Mapping,
    second: Mapping,
    differences: tuple[FieldDifference, ...],
    choices: Any,
) -> dict:
    if not isinstance(choices, Mapping):
        raise WorkflowError(
            "resolution_invalid", 'Choix refusés : un objet {champ : "first"|"second"}.'
        )
    fields = [diff.field for diff in differences]
    unknown = [f for f in choices if f not in fields]
    if unknown:
        raise WorkflowError(
            "resolution_invalid",
            f"Choix refusés : « {unknown[0]} » n'est pas un écart entre les deux saisies"
            f" (écarts : {', '.join(fields)}).",
            field=str(unknown[0]),
        )
    for diff in differences:
        choice = choices.get(diff.field)
        if choice is None:
            raise WorkflowError(
                "resolution_incomplete",
                f"Choix incomplets : indiquez quelle saisie est juste pour « {diff.label_fr} »"
                f" ({diff}).",
                field=diff.field,
            )
        if choice not in CHOICES:
            raise WorkflowError(
                "resolution_invalid",
                f"Choix refusé pour « {diff.label_fr} » : « {choice} » ; valeurs possibles"
                " « first » (1re saisie) ou « second » (2e saisie).",
                field=diff.field,
            )
    resolved = {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in first.items()}
    for diff in differences:
        if choices[diff.field] == "second":
            _set_path(resolved, second, diff.field)
    return resolved


def acknowledge(sheet: TallySheet, president, reasons: Mapping[str, str]) -> EntryResult:
    """The president acknowledges every warning of the agreed figures, each with a reason.

    ``reasons`` maps each warning code of the sheet (``W01``…) to a non-empty French reason;
    one ``Acknowledgement`` and one ``tally.warning_acknowledged`` event per warning, then the
    sheet becomes definitive. Four eyes: the president must not be one of the two clerks.
    """
    with transaction.atomic():
        d = _Dossier(sheet)
        require(d.sheet, Operation.ACKNOWLEDGE, president)
        _four_eyes(d, president, "Validation des avertissements refusée")
        before = d.state()
        warnings = [c for c in d.sheet.check_codes if CHECKS[c].severity is Severity.WARNING]
        texts = _ack_reasons(warnings, reasons)
        transition = apply(d.sheet, Action.ACKNOWLEDGE, president)
        acks = []
        for code in warnings:
            ack = Acknowledgement(
                sheet=d.sheet,
                code=code,
                reason=texts[code],
                by=president,
                sheet_version=d.sheet.version + 1,
            )
            ack.save()
            d.record(transition.event, president, ack, None, ack, texts[code])
            acks.append(ack)
        _make_definitive(d, president, before, replace_votes=False)
        d.flush()
        report = d.check(d.sheet.figures)
    _sync(sheet, d.sheet)
    return EntryResult(
        d.sheet,
        d.sheet.status,
        report=report,
        agreed_report=report,
        acknowledgements=tuple(acks),
    )


def _ack_reasons(warnings: list[str], reasons: Any) -> dict[str, str]:
    if not isinstance(reasons, Mapping):
        raise WorkflowError(
            "acknowledgement_invalid", "Validation refusée : un objet {code : motif}."
        )
    extra = [c for c in reasons if c not in warnings]
    if extra:
        raise WorkflowError(
            "acknowledgement_invalid",
            f"Validation refusée : « {extra[0]} » n'est pas un avertissement de ce procès-verbal"
            f" (avertissements : {', '.join(warnings)}).",
            field=str(extra[0]),
        )
    out = {}
    for code in warnings:
        text = reasons.get(code)
        text = text.strip() if isinstance(text, str) else ""
        if not text:
            spec = CHECKS[code]
            raise WorkflowError(
                "reason_required",
                f"Validation refusée : l'avertissement {code} « {spec.title_fr} » doit être validé"
                " avec un motif écrit.",
                spec.articles,
                field=code,
            )
        out[code] = text
    return out


def discard_entries(sheet: TallySheet, president, reason: str) -> EntryResult:
    """The president discards the entries in force: the paper minutes are typed again.

    Both entries are kept, marked ``discarded``; the sheet goes back to ``expected`` (its first
    reception date is kept). The reason is mandatory.
    """
    text = _reason(reason, "Abandon des saisies")
    with transaction.atomic():
        d = _Dossier(sheet)
        require(d.sheet, Operation.DISCARD, president)
        before = d.state()
        ids = [e.pk for e in d.active]
        DataEntry.objects.filter(pk__in=ids).update(state=DataEntry.State.DISCARDED)
        for e in d.entries:
            if e.pk in ids:
                e.state = DataEntry.State.DISCARDED
        transition = apply(d.sheet, Action.DISCARD, president)
        d.sheet.figures = None
        d.sheet.check_codes = []
        d.save_sheet("status", "figures", "check_codes")
        d.record(transition.event, president, d.sheet, before, d.state(), text)
        d.flush()
    _sync(sheet, d.sheet)
    return EntryResult(d.sheet, d.sheet.status)


# --------------------------------------------------------------------------------------------
# Corrections: the only way to change figures that are blocked or definitive
# --------------------------------------------------------------------------------------------


def correct(
    sheet: TallySheet,
    user,
    figures: Any,
    reason: str,
    kind: str = Correction.Kind.COMMISSION,
    reference: str = "",
) -> EntryResult:
    """A reasoned act replacing the figures of a blocked or definitive sheet.

    ``kind`` ``commission`` (the commission's president, Art. 141, 149, 187) or ``court`` (the
    Constitutional Court, Art. 142, 150, or the administrative judge for communal elections,
    Art. 188 — entered by the court's registry, ``reference`` mandatory). The new figures are
    checked: an error refuses the correction; warnings are stored with the figures, the act's
    reason standing for their acknowledgement. A ``Correction`` row keeps the figures before and
    after; the sheet's definitive columns and votes are replaced and its version bumped.
    """
    if kind not in Correction.Kind.values:
        raise WorkflowError(
            "correction_invalid",
            f"Nature de rectification inconnue : « {kind} » (commission ou court).",
        )
    operation = (
        Operation.COURT_CORRECTION
        if kind == Correction.Kind.COURT
        else Operation.COMMISSION_CORRECTION
    )
    text = _reason(reason, "Rectification")
    ref = reference.strip() if isinstance(reference, str) else ""
    if kind == Correction.Kind.COURT and not ref:
        raise WorkflowError(
            "reference_required",
            "Rectification par décision de justice : la référence de la décision est obligatoire.",
            ("142", "150"),
        )
    data = parse_figures(figures)
    with transaction.atomic():
        d = _Dossier(sheet)
        require(d.sheet, operation, user)
        before = d.state()
        report = d.check(data)
        if report.errors:
            raise WorkflowError(
                "correction_blocking",
                "Rectification refusée : les chiffres rectifiés sont eux-mêmes en erreur — "
                + " ; ".join(str(c) for c in report.errors),
                tuple(dict.fromkeys(a for c in report.errors for a in c.articles)),
                details={"codes": [c.code for c in report.errors]},
            )
        previous = d.sheet.figures
        if isinstance(previous, Mapping) and _same_figures(previous, data):
            raise WorkflowError(
                "correction_unchanged",
                "Rectification refusée : les chiffres proposés sont ceux déjà retenus.",
            )
        was_definitive = d.sheet.status == Status.DEFINITIVE
        action = (
            Action.COURT_CORRECTION
            if kind == Correction.Kind.COURT
            else Action.COMMISSION_CORRECTION
        )
        transition = apply(d.sheet, action, user)
        correction = Correction(
            sheet=d.sheet,
            kind=kind,
            before=previous,
            after=data,
            reason=text,
            reference=ref,
            by=user,
        )
        correction.save()
        d.record(transition.event, user, correction, None, correction, text)
        _set_agreed(d, data, report)
        _make_definitive(d, user, before, replace_votes=was_definitive)
        d.flush()
    _sync(sheet, d.sheet)
    return EntryResult(
        d.sheet, d.sheet.status, report=report, agreed_report=report, correction=correction
    )


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def differences(sheet: TallySheet) -> tuple[FieldDifference, ...]:
    """The fields on which the two entries in force differ (empty unless both exist)."""
    active = list(
        DataEntry.objects.filter(sheet_id=sheet.pk, state=DataEntry.State.ACTIVE).order_by("number")
    )
    if len(active) != 2:
        return ()
    return compare_entries(figures_value(active[0].figures), figures_value(active[1].figures))


__all__ = [
    "EntryResult",
    "TALLY_ENTRIES_DISCARDED",
    "TALLY_EXPECTED",
    "acknowledge",
    "correct",
    "differences",
    "discard_entries",
    "figures_value",
    "parse_figures",
    "record_expected",
    "register_audit",
    "resolve",
    "serialize_sheet",
    "serialize_sheets",
    "sheet_state",
    "submit_entry",
]
