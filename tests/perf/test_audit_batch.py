"""The audit log's batch and fast paths: ``record_many``, the guessed chain head, ``Canonical``.

Correctness only (no timing): a batch writes exactly the chain that one ``record()`` per event
would have written, refuses as a whole, and an append never chains to anything but the true
head, whatever the connection believes.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from kalata.audit import events
from kalata.audit.canonical import Canonical, canonical_json
from kalata.audit.events import register_event_type
from kalata.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, event_hash
from kalata.audit.services import (
    AuditError,
    EventSpec,
    head,
    record,
    record_many,
    verify,
)

pytestmark = pytest.mark.django_db

PERF_EVENT = register_event_type("test.perf_event", "Événement de test (perf)")
T0 = datetime(2026, 4, 26, 18, 0, tzinfo=UTC)


def specs(n: int, start: int = 0) -> list[EventSpec]:
    return [
        EventSpec(
            PERF_EVENT,
            f"agent{i % 3}",
            ("scratch.minutes", f"BV-{i:04d}"),
            None if i % 2 else {"i": i - 1},
            {"i": i, "texte": "procès-verbal n° " + str(i)},
            timestamp=T0 + timedelta(seconds=i),
        )
        for i in range(start, start + n)
    ]


def rows() -> list[tuple]:
    return list(
        AuditEvent.objects.order_by("seq").values_list(
            "seq",
            "timestamp",
            "actor",
            "event_type",
            "object_pk",
            "before",
            "after",
            "prev_hash",
            "hash",
        )
    )


class Undo(Exception):
    pass


def test_record_many_writes_exactly_the_chain_of_sequential_records():
    record(events.TERRITORY_LOADED, None, None, None, {"communes": 703}, timestamp=T0)
    batch = specs(7)
    with pytest.raises(Undo), transaction.atomic():
        for s in batch:
            record(s.event_type, s.actor, s.obj_ref, s.before, s.after, timestamp=s.timestamp)
        sequential = rows()
        raise Undo
    assert head().seq == 1
    written = record_many(batch)
    assert rows() == sequential
    assert [e.seq for e in written] == list(range(2, 9))
    assert [e.hash for e in written] == [r[-1] for r in sequential[1:]]
    assert written[0].prev_hash == sequential[0][-1]
    assert (head().seq, head().hash) == (8, written[-1].hash)
    for event in AuditEvent.objects.all():
        assert event.compute_hash() == event.hash
    assert verify().ok


def test_record_many_accepts_tuples_like_record_arguments():
    written = record_many(
        [
            (events.TALLY_FIRST_ENTRY, "awa", ("scratch.minutes", "BV-1"), None, {"a": 1}),
            (events.TALLY_CORRECTED, "président", ("scratch.minutes", "BV-1"), {}, {}, "Report"),
        ]
    )
    assert [(e.seq, e.event_type, e.reason) for e in written] == [
        (1, "tally.first_entry", ""),
        (2, "tally.corrected", "Report"),
    ]
    assert written[0].timestamp == written[1].timestamp  # one time of writing for the batch
    assert verify().ok


def test_record_many_refuses_the_whole_batch_when_one_event_is_invalid():
    record(PERF_EVENT, "awa", None, None, {})
    bad = [*specs(3), EventSpec(events.TALLY_CORRECTED, "président", None, {}, {})]
    with pytest.raises(AuditError, match="motif est obligatoire"):
        record_many(bad)
    with pytest.raises(AuditError, match="inconnu"):
        record_many([*specs(2), EventSpec("tally.edited_quietly", "x", None)])
    assert AuditEvent.objects.count() == 1
    assert head().seq == 1


def test_record_many_of_nothing_writes_nothing():
    assert record_many([]) == []
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_record_many_outside_a_transaction_is_refused():
    with pytest.raises(AuditError, match="transaction"):
        record_many(specs(2))


def test_a_large_batch_spans_several_inserts_and_stays_gapless():
    record(PERF_EVENT, "awa", None, None, {})
    written = record_many(specs(1234))
    assert len(written) == 1234
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 1236))
    report = verify()
    assert report.ok, report.lines_fr()
    assert report.events_checked == 1235


def test_a_batch_and_single_records_interleave_in_one_chain():
    record(PERF_EVENT, "a", None, None, {"n": 1})
    record_many(specs(3))
    record(PERF_EVENT, "b", None, None, {"n": 2})
    record_many(specs(2, start=10))
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 8))
    assert verify().ok


def test_an_append_costs_two_statements_when_the_head_is_known():
    record(PERF_EVENT, "awa", None, None, {})  # the connection now knows the head
    with CaptureQueriesContext(connection) as ctx:
        record(PERF_EVENT, "awa", None, None, {"x": 1})
    statements = [q["sql"] for q in ctx.captured_queries]
    if connection.vendor == "postgresql":
        assert len(statements) == 1  # conditional head move and insert in one statement
    else:
        assert len(statements) == 2  # conditional head move, insert
    assert "UPDATE" in statements[0]
    with CaptureQueriesContext(connection) as ctx:
        record_many(specs(50))
    assert len(ctx.captured_queries) <= 2
    assert verify().ok


def test_a_stale_head_guess_writes_nothing_and_the_event_chains_to_the_true_head():
    first = record(PERF_EVENT, "awa", None, None, {"n": 1})
    record(PERF_EVENT, "awa", None, None, {"n": 2})
    # The connection believes the head is still event 1 (as after another process wrote).
    connection._kalata_audit_head = (first.seq, first.hash)
    third = record(PERF_EVENT, "awa", None, None, {"n": 3})
    assert third.seq == 3
    assert third.prev_hash == AuditEvent.objects.get(seq=2).hash
    # A guess that names no event at all.
    connection._kalata_audit_head = (99, "f" * 64)
    assert record(PERF_EVENT, "awa", None, None, {"n": 4}).seq == 4
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2, 3, 4]
    assert verify().ok


def test_a_head_left_by_a_rolled_back_write_is_not_trusted():
    record(PERF_EVENT, "awa", None, None, {"n": 1})
    with pytest.raises(Undo), transaction.atomic():
        record_many(specs(3))
        raise Undo
    # The connection remembers seq 4, the database is back at seq 1.
    event = record(PERF_EVENT, "awa", None, None, {"n": 2})
    assert event.seq == 2
    assert event.prev_hash == AuditEvent.objects.get(seq=1).hash
    assert verify().ok


def test_the_head_is_created_on_first_use_from_the_genesis():
    assert not AuditChainHead.objects.exists()
    connection._kalata_audit_head = (0, GENESIS_HASH)  # a guess from an emptied database
    event = record(PERF_EVENT, "awa", None, None, {})
    assert (event.seq, event.prev_hash) == (1, GENESIS_HASH)
    assert AuditChainHead.objects.get().seq == 1


def test_an_append_is_refused_when_the_head_row_is_gone_but_events_exist():
    record(PERF_EVENT, "awa", None, None, {})
    AuditChainHead.objects.all().delete()
    with pytest.raises(AuditError, match="disparu"), transaction.atomic():
        record(PERF_EVENT, "awa", None, None, {})
    with pytest.raises(AuditError, match="disparu"), transaction.atomic():
        record_many(specs(2))
    assert AuditEvent.objects.count() == 1


def test_a_canonical_state_is_stored_as_is_and_hashes_like_its_value():
    state = {"b": [1, 2], "a": T0, "texte": "Kayes"}
    frozen = Canonical(state)
    assert frozen == canonical_json(state)
    assert Canonical(frozen) is frozen
    assert frozen.value == {"a": "2026-04-26T18:00:00.000000Z", "b": [1, 2], "texte": "Kayes"}
    assert canonical_json(frozen) == canonical_json(state)
    by_value = record(PERF_EVENT, "awa", None, state, state, timestamp=T0)
    by_text = record(PERF_EVENT, "awa", None, frozen, frozen, timestamp=T0)
    assert by_text.before == by_text.after == by_value.after == str(frozen)
    assert by_text.hash == event_hash(
        seq=2,
        timestamp=T0,
        actor="awa",
        event_type=PERF_EVENT.key,
        object_model="",
        object_pk="",
        before=str(frozen),
        after=str(frozen),
        reason="",
        prev_hash=by_value.hash,
    )
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_and_records_append_one_gapless_chain_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrence testée sur PostgreSQL ; SQLite sérialise les écritures")
    writers, rounds = 5, 12
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(rounds):
                with transaction.atomic():
                    if (n + i) % 2:
                        record(PERF_EVENT, f"agent{n}", ("scratch.minutes", f"{n}-{i}"), None, {})
                    else:
                        record_many(specs(3, start=100 * n + 10 * i))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = AuditEvent.objects.count()
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    report = verify()
    assert report.ok, report.lines_fr()
    assert head().seq == total


@pytest.mark.parametrize("size", [1, 3, 250])
def test_an_event_appended_behind_the_logs_back_makes_the_next_append_fail(size):
    """Small and large batches (PostgreSQL: a statement, or COPY) collide on the number of an
    event inserted without moving the head: a database error, nothing written."""
    from django.db import IntegrityError

    first = record(PERF_EVENT, "awa", None, None, {})
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (seq, timestamp, actor, event_type, object_model, "
            "object_pk, before, after, reason, prev_hash, hash) "
            "VALUES (%s, %s, 'intrus', 'test.perf_event', '', '', 'null', 'null', '', %s, %s)",
            [2, connection.ops.adapt_datetimefield_value(T0), first.hash, "e" * 64],
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        record_many(specs(size))
    assert AuditEvent.objects.count() == 2
    assert head().seq == 1
    assert {p.kind for p in verify().chain_problems} == {"head_mismatch", "hash_mismatch"}
