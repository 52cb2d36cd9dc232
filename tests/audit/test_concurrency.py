"""Concurrent writers must not fork the chain (PostgreSQL: the chain head row is locked)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections, transaction

from kalata.audit import events
from kalata.audit.models import AuditEvent
from kalata.audit.services import head, record, verify

from .conftest import GROUP_SAVED

WRITERS = 6
EVENTS_PER_WRITER = 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_append_one_gapless_chain_on_postgresql(audited_groups):
    if connection.vendor != "postgresql":
        pytest.skip("concurrence testée sur PostgreSQL ; SQLite sérialise les écritures")
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(EVENTS_PER_WRITER):
                with transaction.atomic():
                    group = Group.objects.create(name=f"Commission {n}-{i}")
                    record(GROUP_SAVED, f"agent{n}", group, None, group)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = WRITERS * EVENTS_PER_WRITER
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    report = verify()
    assert report.ok, report.lines_fr()
    assert report.rows_checked == total
    assert head().seq == total


@pytest.mark.django_db(transaction=True)
def test_a_writer_that_rolls_back_leaves_no_hole_for_the_others():
    if connection.vendor != "postgresql":
        pytest.skip("concurrence testée sur PostgreSQL")
    started = threading.Event()
    release = threading.Event()

    def slow_writer_that_fails() -> None:
        try:
            with transaction.atomic():
                record(events.TALLY_FIRST_ENTRY, "lent", None, None, {})
                started.set()
                release.wait(timeout=10)
                raise RuntimeError("abandon")
        except RuntimeError:
            pass
        finally:
            connections.close_all()

    def fast_writer() -> None:
        try:
            with transaction.atomic():
                record(events.TALLY_FIRST_ENTRY, "rapide", None, None, {})
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_writer_that_fails)
    slow.start()
    assert started.wait(timeout=10)
    fast = threading.Thread(target=fast_writer)
    fast.start()
    fast.join(timeout=0.5)
    assert fast.is_alive()  # waits on the chain head held by the slow writer
    release.set()
    slow.join()
    fast.join()
    assert list(AuditEvent.objects.values_list("seq", "actor")) == [(1, "rapide")]
    assert verify().ok
