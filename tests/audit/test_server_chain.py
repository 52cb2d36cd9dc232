"""The append path of PostgreSQL: the server numbers and hashes the events in the append
statement itself (``kalata.audit.services._append_on_server``) — the hashes must be exactly the
ones ``verify`` recomputes in Python, whatever the text; an operation's own writes can ride in
the same statement (``record_many(writes=…)``). On SQLite the same calls take the Python path:
the tests hold there too."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from kalata.audit import services
from kalata.audit.canonical import utc_text
from kalata.audit.models import AuditChainHead, AuditEvent, plain_event_hash
from kalata.audit.services import EventSpec, head, record, record_many, verify

from .conftest import GROUP_SAVED

pytestmark = pytest.mark.django_db

AWKWARD = [
    "Sévaré — Mopti, « PV n°3 »",
    'guillemets " et \\ barre oblique inverse',
    "lignes\nnouvelles\tet tabulations\u2028séparateur",
    "emoji 🗳️ et caractères ߒߞߏ (n'ko)",
    services._PREV_MARK[:10] + " prev-hash seq",
    "",
]


def _python_hash(event: AuditEvent) -> str:
    return plain_event_hash(
        event.seq,
        utc_text(event.timestamp),
        event.actor,
        event.event_type,
        event.object_model,
        event.object_pk,
        event.before,
        event.after,
        event.reason,
        event.prev_hash,
    )


def test_hash_parts_rebuild_the_hashed_text():
    fields = services._prepare(
        EventSpec(GROUP_SAVED, "awa", None, {"a": AWKWARD}, {"n": 10**12}, AWKWARD[0]),
        services.timezone.now(),
        {},
    )
    p0, p1, p2 = services._hash_parts(fields)
    digest = hashlib.sha256(p0 + ("ab" * 32).encode() + p1 + b"1234" + p2).hexdigest()
    assert digest == plain_event_hash(
        1234,
        fields["timestamp_text"],
        fields["actor"],
        fields["event_type"],
        fields["object_model"],
        fields["object_pk"],
        fields["before"],
        fields["after"],
        fields["reason"],
        "ab" * 32,
    )


def test_events_chained_by_the_database_carry_the_python_hashes():
    record(GROUP_SAVED, "awa", None, None, {"n": 0})
    with transaction.atomic():
        written = record_many(
            [
                EventSpec(GROUP_SAVED, actor, ("auth.group", text or "x"), {"t": text}, text, text)
                for actor, text in zip(
                    ["awa", "moussa", "fatou", "sali", "adama", "kadi"], AWKWARD, strict=True
                )
            ]
        )
    stored = list(AuditEvent.objects.filter(seq__gt=1).order_by("seq"))
    assert [e.seq for e in written] == [e.seq for e in stored] == list(range(2, 8))
    for returned, row in zip(written, stored, strict=True):
        assert (returned.hash, returned.prev_hash) == (row.hash, row.prev_hash)
        assert row.hash == _python_hash(row)
    assert stored[0].prev_hash == AuditEvent.objects.get(seq=1).hash
    assert head().seq == 7 and head().hash == stored[-1].hash
    report = verify()
    assert report.ok, report.lines_fr()


def test_an_append_is_one_statement_with_the_operations_writes_on_postgresql():
    record(GROUP_SAVED, "awa", None, None, {})
    table = connection.ops.quote_name(Group._meta.db_table)
    name = connection.ops.quote_name("name")
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        events = record_many(
            [(GROUP_SAVED, "awa", None, None, {"n": 1}), (GROUP_SAVED, "awa", None, None, {})],
            writes=[
                (f"INSERT INTO {table} ({name}) VALUES (%s)", ["Commission de Kayes"]),
                (f"INSERT INTO {table} ({name}) VALUES (%s)", ["Commission de Ségou"]),
            ],
        )
    statements = [q["sql"] for q in ctx.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    if connection.vendor == "postgresql":
        assert len(statements) == 1, statements
        assert "sha256" in statements[0] and "INSERT INTO" in statements[0]
    else:
        assert len(statements) >= 3  # the two writes, then the append
    assert sorted(Group.objects.values_list("name", flat=True)) == [
        "Commission de Kayes",
        "Commission de Ségou",
    ]
    assert [e.seq for e in events] == [2, 3]
    assert verify().ok


def test_a_failing_write_appends_nothing():
    record(GROUP_SAVED, "awa", None, None, {})
    before = head()
    Group.objects.create(name="Commission de Kayes")
    table = connection.ops.quote_name(Group._meta.db_table)
    with pytest.raises(IntegrityError), transaction.atomic():
        record_many(
            [(GROUP_SAVED, "awa", None, None, {"n": 1})],
            writes=[(f'INSERT INTO {table} ("name") VALUES (%s)', ["Commission de Kayes"])],
        )
    assert head() == before
    assert AuditEvent.objects.count() == before.seq
    assert verify().ok


def test_the_first_append_creates_the_head_and_runs_the_writes_once():
    assert not AuditChainHead.objects.exists()
    table = connection.ops.quote_name(Group._meta.db_table)
    with transaction.atomic():
        events = record_many(
            [(GROUP_SAVED, "awa", None, None, {"n": 1})],
            writes=[(f'INSERT INTO {table} ("name") VALUES (%s)', ["Commission de Kayes"])],
        )
    assert Group.objects.filter(name="Commission de Kayes").count() == 1
    assert [e.seq for e in events] == [1]
    assert head().seq == 1
    assert verify().ok


def test_a_batch_above_the_server_limit_takes_the_python_path_in_the_same_chain():
    record(GROUP_SAVED, "awa", None, None, {})
    with transaction.atomic():
        record_many(
            [(GROUP_SAVED, "awa", None, None, {"n": i}) for i in range(services.SERVER_CHAIN_MAX)]
        )
        record_many(
            [
                (GROUP_SAVED, "awa", None, None, {"n": i})
                for i in range(services.SERVER_CHAIN_MAX + 1)
            ]
        )
    total = 1 + services.SERVER_CHAIN_MAX + services.SERVER_CHAIN_MAX + 1
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    assert all(e.hash == _python_hash(e) for e in AuditEvent.objects.all())
    assert verify().ok
