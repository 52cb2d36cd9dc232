"""Writing to the audit log, and reading its head.

Every write in Kalata goes with one ``record()`` call, in the same transaction::

    from django.db import transaction
    from kalata.audit.events import TALLY_CORRECTED
    from kalata.audit.services import record, snapshot

    with transaction.atomic():
        before = snapshot(sheet)
        sheet.null_ballots = 12
        sheet.save()
        record(TALLY_CORRECTED, request.user, sheet, before, sheet,
               reason="Erreur de report constatée par la commission")

so that the data and its event commit or roll back together. ``record_many()`` appends several
events at once (one lock of the head, bulk inserts): the same chain as one ``record()`` each.
``verify`` (re-exported here from ``kalata.audit.verification``) recomputes the chain and
compares audited rows with the log.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.utils import CursorDebugWrapper
from django.utils import timezone

from kalata.audit.canonical import Canonical, plain_json, to_plain, utc_text
from kalata.audit.events import EventType, get_event_type
from kalata.audit.models import (
    GENESIS_HASH,
    HASH_FORMAT,
    HEAD_ID,
    AuditChainHead,
    AuditEvent,
    plain_event_hash,
)
from kalata.audit.registry import audited_model, model_serializer
from kalata.audit.verification import VerifyReport, verify

__all__ = [
    "SYSTEM",
    "AuditError",
    "Canonical",
    "EventSpec",
    "ObjRef",
    "VerifyReport",
    "head",
    "prepared_cursor",
    "record",
    "record_many",
    "ref",
    "snapshot",
    "verify",
]

SYSTEM = "system"
ANONYMOUS = "anonymous"


class AuditError(Exception):
    """A misuse of the audit log (unknown event type, missing reason, no transaction…)."""


@dataclass(frozen=True)
class ObjRef:
    """What an event is about: a model label (``territory.commune``) and a stable key."""

    model: str
    key: str

    def __str__(self) -> str:
        return f"{self.model}:{self.key}" if self.model else ""


def ref(obj) -> ObjRef:
    """The reference of ``obj``: an instance, an ``ObjRef``, a ``(label, key)`` pair, or None.

    For an instance of an audited model, the key is the registered one (e.g. its code);
    otherwise its primary key.
    """
    if obj is None:
        return ObjRef("", "")
    if isinstance(obj, ObjRef):
        return obj
    if isinstance(obj, models.Model):
        if obj.pk is None:
            raise AuditError(f"Objet non enregistré (sans identifiant) : {obj!r}.")
        entry = audited_model(obj)
        key = entry.key_of(obj) if entry else str(to_plain(obj.pk))
        return ObjRef(obj._meta.label_lower, key)
    if isinstance(obj, tuple) and len(obj) == 2:
        label, key = obj
        if isinstance(label, type) and issubclass(label, models.Model):
            label = label._meta.label_lower
        label = str(label).lower()
        if label.count(".") != 1 or len(label) > 100:
            raise AuditError(f"Modèle invalide : {label!r} (attendu : « app.modele »).")
        key = str(to_plain(key))
        if not key or len(key) > 255:
            raise AuditError(f"Identifiant d'objet invalide : {key!r}.")
        return ObjRef(label, key)
    raise AuditError(f"Référence d'objet invalide : {obj!r}.")


def snapshot(obj):
    """The canonical plain form of ``obj`` for ``before``/``after``.

    An instance of an audited model is serialised with its registered serialiser (what
    ``verify`` compares); another instance with all its concrete fields; a dict or None as is.
    """
    if isinstance(obj, models.Model):
        entry = audited_model(obj)
        if entry is not None:
            return entry.serialize(obj)
        return to_plain(model_serializer()(obj))
    return to_plain(obj)


def _actor(actor) -> str:
    if actor is None:
        return SYSTEM
    if isinstance(actor, str):
        name = actor
    elif getattr(actor, "is_anonymous", False):
        name = ANONYMOUS
    elif hasattr(actor, "get_username"):
        name = actor.get_username()
    else:
        raise AuditError(f"Auteur invalide : {actor!r}.")
    if not name or len(name) > 150:
        raise AuditError(f"Auteur invalide : {name!r}.")
    return name


@dataclass(frozen=True)
class EventSpec:
    """One event for ``record_many()``: the arguments of ``record()``."""

    event_type: str | EventType
    actor: object
    obj_ref: object
    before: object = None
    after: object = None
    reason: str = ""
    timestamp: datetime | None = None


def _state_text(value) -> str:
    """The canonical JSON text stored for a ``before``/``after`` value (see ``snapshot()``)."""
    if value is None:
        return "null"
    if type(value) is Canonical:
        return str.__str__(value)
    return plain_json(snapshot(value))


def _prepare(spec: EventSpec, now: datetime, times: dict) -> dict:
    """Check one event's arguments and return its stored fields (all but the chain's).

    ``now``: the time of writing, for events given no timestamp; ``times`` memoises the
    canonical text of each timestamp (the events of a batch share one).
    """
    try:
        etype = get_event_type(spec.event_type)
    except KeyError as exc:
        raise AuditError(exc.args[0]) from None
    reason = (spec.reason or "").strip()
    if etype.requires_reason and not reason:
        raise AuditError(f"Un motif est obligatoire pour « {etype.label} » ({etype.key}).")
    timestamp = spec.timestamp
    if timestamp is None:
        timestamp = now
    elif timezone.is_naive(timestamp):
        raise AuditError("L'horodatage doit comporter un fuseau horaire.")
    found = times.get(timestamp)
    if found is None:
        utc = timestamp.astimezone(UTC)
        found = times[timestamp] = (utc, utc_text(utc))
    target = ref(spec.obj_ref)
    return {
        "timestamp": found[0],
        "timestamp_text": found[1],
        "actor": _actor(spec.actor),
        "event_type": etype.key,
        "object_model": target.model,
        "object_pk": target.key,
        "before": _state_text(spec.before),
        "after": _state_text(spec.after),
        "reason": reason,
    }


def _require_transaction(using: str) -> None:
    if not transaction.get_connection(using).in_atomic_block:
        raise AuditError(
            "record() doit être appelé dans la transaction de l'écriture auditée "
            "(transaction.atomic())."
        )


def record(
    event_type: str | EventType,
    actor,
    obj_ref,
    before,
    after,
    reason: str = "",
    *,
    timestamp: datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> AuditEvent:
    """Append one event to the audit log, inside the caller's transaction; return it.

    - ``event_type``: a registered key or ``EventType`` (``kalata.audit.events``);
    - ``actor``: a username, a user object, or None for ``"system"``;
    - ``obj_ref``: see ``ref()``; ``before``/``after``: see ``snapshot()`` (None for a creation
      or a deletion), or a ``Canonical`` text, computed once when a state is the ``after`` of
      one event and the ``before`` of the next;
    - ``reason``: French, mandatory for types that require it (corrections, rulings);
    - ``timestamp``: aware datetime, default now (stored in UTC).
    """
    _require_transaction(using)
    spec = EventSpec(event_type, actor, obj_ref, before, after, reason, timestamp)
    fields = _prepare(spec, timestamp or timezone.now(), {})
    return _append(using, [fields])[0]


def record_many(
    events: Iterable[EventSpec | tuple],
    *,
    using: str = DEFAULT_DB_ALIAS,
    writes: Sequence[tuple[str, Sequence]] = (),
) -> list[AuditEvent]:
    """Append several events, in order, inside the caller's transaction; return them.

    Each item is an ``EventSpec`` or a tuple of ``record()``'s positional arguments
    (``event_type, actor, obj_ref, before, after[, reason]``). Every event is checked first (one
    refused, nothing is written); then the chain head is locked once, the events are inserted
    in bulk and the head is moved once. The chain is exactly what as many ``record()`` calls
    would have written: consecutive numbers, each event chained to the one before. Events given
    no timestamp share one: the time of writing.

    ``writes``: the audited operation's own last writes, ``(sql, params)`` pairs of plain
    ``INSERT``/``UPDATE``/``DELETE`` statements (no ``RETURNING``, no ``;``), run just before
    the events. On PostgreSQL they are sent in the same statement as the append (data-modifying
    ``WITH`` clauses: one round trip for the operation's writes and its audit), so they must not
    depend on one another's effects (PostgreSQL runs them on one snapshot) nor write a row
    twice; elsewhere they run one after the other. An error in one writes nothing.
    """
    _require_transaction(using)
    now, times = timezone.now(), {}
    prepared = [
        _prepare(item if isinstance(item, EventSpec) else EventSpec(*item), now, times)
        for item in events
    ]
    if not prepared:
        if writes:
            _run_writes(connections[using], writes)
        return []
    return _append(using, prepared, writes)


# --- Appending: the chain head and the inserts --------------------------------------------------
#
# PostgreSQL, up to ``SERVER_CHAIN_MAX`` events (every operation of the entry workflow): one
# statement locks the head row (``SELECT … FOR UPDATE``), numbers and hashes the events on the
# server, inserts them and moves the head. Python sends each event's canonical hashed text cut
# around its two chain fields (``_hash_parts``: the text is ``p0 + prev_hash + p1 + seq + p2``),
# so the server computes exactly ``plain_event_hash`` (SHA-256 of those UTF-8 bytes) — which
# ``verify`` recomputes in Python. The head is locked only from that statement to the commit,
# whoever wrote before: concurrent clerks queue on the head for the shortest time, and never
# retry. Larger batches (the sheets of a round) and SQLite take the path below.
#
# The minimum is: lock the head, insert the events, move the head. Each connection remembers the
# head it last wrote; the next append first tries to move the head *from that value* with one
# conditional ``UPDATE … WHERE seq = %s AND hash = %s``. The database checks the guess under the
# row lock (on PostgreSQL a concurrent writer waits for the holder's commit, then the condition
# is evaluated again on the committed row), so an event is only ever chained to the true head.
# When the guess is stale — another process wrote, a transaction rolled back, the log was
# emptied — nothing is written and the head is read under lock as before. On PostgreSQL the
# conditional move and the inserts are one statement (a data-modifying ``WITH``): one round
# trip per append in the usual case.

#: From this many events, PostgreSQL receives them by ``COPY`` rather than ``INSERT``.
COPY_FROM = 200
#: Below this many events, PostgreSQL chains them itself, in the append statement.
SERVER_CHAIN_MAX = COPY_FROM - 1
_GUESS = "_kalata_audit_head"
_ROWS = "<rows>"
_SQL = "_kalata_audit_sql"
_EVENT_COLUMNS = (
    "seq",
    "timestamp",
    "actor",
    "event_type",
    "object_model",
    "object_pk",
    "before",
    "after",
    "reason",
    "prev_hash",
    "hash",
)
if tuple(f.attname for f in AuditEvent._meta.concrete_fields) != _EVENT_COLUMNS:
    raise RuntimeError("AuditEvent's columns changed: update _EVENT_COLUMNS (AuditEvent(*values))")


# Markers standing for ``prev_hash`` and ``seq`` in an event's hashed text (random per process,
# so that no stored value can contain them by chance; checked anyway).
_PREV_MARK = "prev-" + uuid.uuid4().hex
_SEQ_MARK = "seq-" + uuid.uuid4().hex
_SEQ_TOKEN = f'"{_SEQ_MARK}"'


def _hash_parts(fields: dict) -> tuple[bytes, bytes, bytes] | None:
    """The text ``plain_event_hash`` hashes for ``fields``, cut around its chain fields: UTF-8
    ``(p0, p1, p2)`` such that the text is ``p0 + prev_hash + p1 + str(seq) + p2`` (canonical
    JSON, keys sorted: ``prev_hash`` comes before ``seq``). None if a marker is ambiguous."""
    text = plain_json(
        {
            "format": HASH_FORMAT,
            "seq": _SEQ_MARK,
            "timestamp": fields["timestamp_text"],
            "actor": fields["actor"],
            "event_type": fields["event_type"],
            "object_model": fields["object_model"],
            "object_pk": fields["object_pk"],
            "before": fields["before"],
            "after": fields["after"],
            "reason": fields["reason"],
            "prev_hash": _PREV_MARK,
        }
    )
    if text.count(_PREV_MARK) != 1 or text.count(_SEQ_TOKEN) != 1:  # pragma: no cover
        return None
    p0, _, rest = text.partition(_PREV_MARK)
    p1, _, p2 = rest.partition(_SEQ_TOKEN)
    if _SEQ_MARK in p0:  # pragma: no cover - keys are sorted: prev_hash, reason, seq
        return None
    return p0.encode("utf-8"), p1.encode("utf-8"), p2.encode("utf-8")


def _event_values(fields: dict, seq: int, prev_hash: str, digest: str) -> tuple:
    """An event's column values, in the order of the audit table's insert."""
    return (
        seq,
        fields["timestamp"],
        fields["actor"],
        fields["event_type"],
        fields["object_model"],
        fields["object_pk"],
        fields["before"],
        fields["after"],
        fields["reason"],
        prev_hash,
        digest,
    )


def _chain(rows: list[dict], seq: int, prev_hash: str) -> list[tuple]:
    """Number and hash ``rows`` after the head ``(seq, prev_hash)``: one value tuple each."""
    out = []
    for fields in rows:
        seq += 1
        digest = plain_event_hash(
            seq,
            fields["timestamp_text"],
            fields["actor"],
            fields["event_type"],
            fields["object_model"],
            fields["object_pk"],
            fields["before"],
            fields["after"],
            fields["reason"],
            prev_hash,
        )
        out.append(_event_values(fields, seq, prev_hash, digest))
        prev_hash = digest
    return out


def _statements(connection) -> dict:
    """The SQL of an append for this connection's backend (built once per connection)."""
    cached = getattr(connection, _SQL, None)
    if cached is not None:
        return cached
    qn = connection.ops.quote_name
    events = qn(AuditEvent._meta.db_table)
    head_table = qn(AuditChainHead._meta.db_table)
    lock = (
        f" {connection.ops.for_update_sql()}" if connection.features.has_select_for_update else ""
    )
    columns = ", ".join(qn(c) for c in _EVENT_COLUMNS)
    seq, hash_, id_ = qn("seq"), qn("hash"), qn("id")
    move = (
        f"UPDATE {head_table} SET {seq} = %s, {hash_} = %s "
        f"WHERE {id_} = %s AND {seq} = %s AND {hash_} = %s"
    )
    max_params = connection.features.max_query_params or 65535
    cached = {
        "server_chain": connection.vendor == "postgresql",
        "server_chain_sql": {},
        "events": events,
        "head_table": head_table,
        "columns": columns,
        "read": f"SELECT {seq}, {hash_} FROM {head_table} WHERE {id_} = %s{lock}",
        "move": move,
        "insert": f"INSERT INTO {events} ({columns}) VALUES ",
        "row": "(" + ", ".join(["%s"] * len(_EVENT_COLUMNS)) + ")",
        "rows_per_insert": max(1, min(500, max_params // len(_EVENT_COLUMNS))),
        "copy": f"COPY {events} ({columns}) FROM STDIN"
        if connection.vendor == "postgresql"
        else None,
        # PostgreSQL: move the head (if it is the guessed one) and insert, in one statement.
        "move_insert": (
            f"WITH moved AS ({move} RETURNING {id_}) INSERT INTO {events} ({columns}) "
            f"SELECT * FROM (VALUES {_ROWS}) AS new_events ({columns}) "
            "WHERE EXISTS (SELECT 1 FROM moved)"
        )
        if connection.vendor == "postgresql"
        else None,
    }
    setattr(connection, _SQL, cached)
    return cached


def _lock_head(using: str) -> tuple[int, str]:
    """Lock the chain head row (created on first use) and return its ``(seq, hash)``.

    On PostgreSQL ``SELECT … FOR UPDATE`` makes concurrent writers wait for each other's commit;
    SQLite has no row locks, but a single writer holds the database write lock, and the primary
    key on ``seq`` turns any race into an error rather than a fork.
    """
    connection = connections[using]
    read = _statements(connection)["read"]
    with connection.cursor() as cursor:
        cursor.execute(read, [HEAD_ID])
        row = cursor.fetchone()
        if row is not None:
            return row[0], row[1]
        # First use. Another writer may be creating the head at the same moment: the insert
        # waits for it and does nothing, and the head is read again (locked).
        AuditChainHead.objects.using(using).bulk_create(
            [AuditChainHead(id=HEAD_ID, seq=0, hash=GENESIS_HASH)], ignore_conflicts=True
        )
        cursor.execute(read, [HEAD_ID])
        seq, digest = cursor.fetchone()
    if seq == 0 and AuditEvent.objects.using(using).exists():
        raise AuditError(
            "La tête de la chaîne d'audit a disparu alors que le journal contient des "
            "événements : lancez « kalata audit verify »."
        )
    return seq, digest


def _params(connection, values: list[tuple]) -> list:
    adapt, adapted = connection.ops.adapt_datetimefield_value, {}
    out = []
    for value in values:
        timestamp = adapted.get(value[1])
        if timestamp is None:
            timestamp = adapted[value[1]] = adapt(value[1])
        out.extend((value[0], timestamp, *value[2:]))
    return out


def _insert(connection, cursor, sql: dict, values: list[tuple]) -> None:
    if sql["copy"] is not None and len(values) >= COPY_FROM:
        # PostgreSQL, a large batch (the sheets of a round): COPY streams the rows without
        # quoting them into a statement. Constraints apply as for INSERT.
        with connection.wrap_database_errors, cursor.copy(sql["copy"]) as copy:
            for value in values:
                copy.write_row(value)
        return
    size = sql["rows_per_insert"]
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        rows = ", ".join([sql["row"]] * len(chunk))
        cursor.execute(sql["insert"] + rows, _params(connection, chunk))


def _try_guess(connection, cursor, sql: dict, guess, values: list[tuple]) -> bool:
    """Append ``values`` if the head is still ``guess``; False (nothing written) otherwise."""
    move = [values[-1][0], values[-1][-1], HEAD_ID, guess[0], guess[1]]
    if sql["move_insert"] is not None and len(values) <= sql["rows_per_insert"]:
        rows = ", ".join([sql["row"]] * len(values))
        cursor.execute(sql["move_insert"].replace(_ROWS, rows), move + _params(connection, values))
        return cursor.rowcount == len(values)
    cursor.execute(sql["move"], move)
    if cursor.rowcount != 1:
        return False
    _insert(connection, cursor, sql, values)
    return True


_CHAIN_INPUT = (
    ("timestamp", "timestamptz"),
    ("actor", "varchar"),
    ("event_type", "varchar"),
    ("object_model", "varchar"),
    ("object_pk", "varchar"),
    ("before", "text"),
    ("after", "text"),
    ("reason", "text"),
)


def _server_chain_sql(connection, sql: dict, writes: Sequence[str]) -> str:
    """PostgreSQL: the statement that runs ``writes``, then locks the head, chains the events
    to it, inserts them and moves the head; it returns ``(seq, prev_hash, hash)`` of each (no
    row when the head row does not exist yet). The events come as one array per column, so the
    statement is the same whatever their number (prepared once)."""
    key = tuple(writes)
    found = sql["server_chain_sql"].get(key)
    if found is not None:
        return found
    qn = connection.ops.quote_name
    seq, hash_, id_, prev = qn("seq"), qn("hash"), qn("id"), qn("prev_hash")
    # Binary arrays: the states go as they are, without the text format's quoting.
    arrays = ", ".join(f"%b::{kind}[]" for _, kind in _CHAIN_INPUT)
    names = ", ".join(name for name, _ in _CHAIN_INPUT)
    ctes = [f"w{i} AS ({statement})" for i, statement in enumerate(writes)]
    ctes += [
        f"head AS (SELECT {seq}, {hash_} FROM {sql['head_table']} WHERE {id_} = %s FOR UPDATE)",
        f"input AS (SELECT * FROM unnest({arrays}, %b::bytea[], %b::bytea[], %b::bytea[])"
        f" WITH ORDINALITY AS t ({names}, p0, p1, p2, i))",
        "chain (i, seq, prev_hash, hash) AS ("
        f"SELECT 0::bigint, head.{seq}, ''::varchar, head.{hash_}::varchar FROM head UNION ALL "
        "SELECT input.i, chain.seq + 1, chain.hash, encode(sha256(input.p0"
        " || convert_to(chain.hash, 'UTF8') || input.p1"
        " || convert_to((chain.seq + 1)::text, 'UTF8') || input.p2), 'hex')::varchar"
        " FROM chain JOIN input ON input.i = chain.i + 1)",
        f"inserted AS (INSERT INTO {sql['events']} ({sql['columns']}) SELECT chain.seq, "
        + ", ".join(f"input.{name}" for name, _ in _CHAIN_INPUT)
        + f", chain.prev_hash, chain.hash FROM chain JOIN input USING (i)"
        f" RETURNING {seq}, {prev}, {hash_})",
        f"moved AS (UPDATE {sql['head_table']} SET {seq} = last.seq, {hash_} = last.hash"
        " FROM (SELECT seq, hash FROM chain ORDER BY i DESC LIMIT 1) AS last"
        f" WHERE {sql['head_table']}.{id_} = %s RETURNING 1)",
    ]
    found = (
        "WITH RECURSIVE "
        + ", ".join(ctes)
        + f" SELECT {seq}, {prev}, {hash_} FROM inserted ORDER BY {seq}"
    )
    if len(sql["server_chain_sql"]) < 100:
        sql["server_chain_sql"][key] = found
    return found


def _append_on_server(
    connection, rows: list[dict], writes: Sequence[tuple[str, Sequence]]
) -> list[tuple] | None:
    """PostgreSQL: ``writes`` and the chained events in one statement (see above); the events'
    values, or None when nothing was appended (then ``writes`` ran only if ``rows`` came
    back empty: the head row did not exist; see ``_append``)."""
    parts = [_hash_parts(fields) for fields in rows]
    if any(p is None for p in parts):  # pragma: no cover - see _hash_parts
        return None
    sql = _statements(connection)
    params: list = [value for _, write_params in writes for value in write_params]
    params.append(HEAD_ID)
    params += ([fields[name] for fields in rows] for name, _ in _CHAIN_INPUT)
    params += ([p[k] for p in parts] for k in range(3))
    params.append(HEAD_ID)
    statement = _server_chain_sql(connection, sql, [w for w, _ in writes])
    with prepared_cursor(connection) as cursor:
        cursor.execute(statement, params)
        chained = cursor.fetchall()
    if not chained:
        return []
    if len(chained) != len(rows):  # pragma: no cover - one row per event, or none at all
        raise AuditError("Ajout au journal d'audit incomplet : la transaction est annulée.")
    return [
        _event_values(fields, seq, prev_hash, digest)
        for fields, (seq, prev_hash, digest) in zip(rows, chained, strict=True)
    ]


def _run_writes(connection, writes: Sequence[tuple[str, Sequence]]) -> None:
    with connection.cursor() as cursor:
        for statement, params in writes:
            cursor.execute(statement, params)


def _append(
    using: str, rows: list[dict], writes: Sequence[tuple[str, Sequence]] = ()
) -> list[AuditEvent]:
    """Chain ``rows`` to the head, insert them and move the head (see the comment above)."""
    connection = connections[using]
    sql = _statements(connection)
    if sql["server_chain"] and len(rows) <= SERVER_CHAIN_MAX:
        values = _append_on_server(connection, rows, writes)
        if values:
            setattr(connection, _GUESS, (values[-1][0], values[-1][-1]))
            return _events(using, values)
        if values is not None:  # the writes ran; the head row is created below
            writes = ()
    if writes:
        _run_writes(connection, writes)
    guess = getattr(connection, _GUESS, None)
    setattr(connection, _GUESS, None)  # set again below only once the append succeeded
    with connection.cursor() as cursor:
        values = None
        if guess is not None:
            values = _chain(rows, *guess)
            if not _try_guess(connection, cursor, sql, guess, values):
                values = None
        if values is None:
            current = _lock_head(using)
            values = _chain(rows, *current)
            cursor.execute(sql["move"], [values[-1][0], values[-1][-1], HEAD_ID, *current])
            if cursor.rowcount != 1:  # pragma: no cover - the head is locked (or SQLite's lock)
                raise AuditError("La tête de la chaîne d'audit a changé pendant l'écriture.")
            _insert(connection, cursor, sql, values)
    setattr(connection, _GUESS, (values[-1][0], values[-1][-1]))
    return _events(using, values)


def _events(using: str, values: list[tuple]) -> list[AuditEvent]:
    events = []
    for value in values:
        event = AuditEvent(*value)
        event._state.adding = False
        event._state.db = using
        events.append(event)
    return events


# --- Prepared statements (PostgreSQL) ------------------------------------------------------------


def _preparing_cursor_class():
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        """Binds parameters on the server and asks for the statement to be prepared (kept
        parsed and planned by the session after its first use; psycopg keeps the most recent
        ones). Preparing only happens when the connection's ``prepare_threshold`` is set (the
        ``DATABASES`` option, see ``kalata/settings.py``); otherwise the statement is sent
        unprepared."""

        def execute(self, query, params=None, *, prepare=True, binary=None):
            return super().execute(query, params, prepare=prepare, binary=binary)

    return PreparingCursor


class _LoggedCursor(CursorDebugWrapper):
    """Django's query log for a prepared cursor: the statement as written, with its parameters
    (psycopg keeps no interpolated text of a prepared statement)."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params, use_last_executed_query=False):
            return super(CursorDebugWrapper, self).execute(sql, params)


_PREPARING_CURSOR = None


def prepared_cursor(connection):
    """A cursor for the hot path's fixed statements: on PostgreSQL, one that binds parameters on
    the server and prepares the statement (see ``PreparingCursor``), wrapped as Django wraps its
    own cursors (database errors translated, queries logged when Django logs them); elsewhere,
    the connection's usual cursor. Every other query keeps Django's client-side binding."""
    global _PREPARING_CURSOR
    if connection.vendor != "postgresql":
        return connection.cursor()
    if _PREPARING_CURSOR is None:
        _PREPARING_CURSOR = _preparing_cursor_class()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = _PREPARING_CURSOR(connection.connection)
    if connection.queries_logged:
        return _LoggedCursor(raw, connection)
    return connection.make_cursor(raw)


@dataclass(frozen=True)
class Head:
    """The head of the chain: the number and hash of the last event — the value to publish."""

    seq: int
    hash: str

    def as_dict(self) -> dict:
        return {"seq": self.seq, "hash": self.hash}


def head(using: str = DEFAULT_DB_ALIAS) -> Head:
    """The current head (``seq`` 0 and the genesis hash for an empty log)."""
    row = AuditChainHead.objects.using(using).filter(pk=HEAD_ID).first()
    if row is None:
        return Head(0, GENESIS_HASH)
    return Head(row.seq, row.hash)
