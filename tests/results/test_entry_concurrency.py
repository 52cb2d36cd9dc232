"""Clerks typing at the same time (PostgreSQL: real concurrent connections, one per thread).

The sheet row is locked for the whole submission and the audit head from the append to the
commit: whatever the interleaving, each sheet gets one first and one second entry by two
different clerks, nothing is lost, and the audit chain verifies.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from kalata.accounts.models import Role
from kalata.audit.models import AuditEvent
from kalata.audit.services import verify
from kalata.results.entry import submit_entry
from kalata.results.models import DataEntry, TallySheet
from kalata.results.workflow import WorkflowError

from .entry_fixtures import figures, make_sheet, user_with

Status = TallySheet.Status


def _run_together(jobs) -> list:
    """Run each job in its own thread (own connection), all released at once; their outcomes
    (a result or the exception raised), in order."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait()
            outcomes[i] = job()
        except BaseException as exc:  # noqa: BLE001 - returned to the test
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.fixture
def on_postgresql(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("concurrence testée sur PostgreSQL ; SQLite sérialise les écritures")


def test_clerks_typing_their_own_sheets_at_once_lose_nothing(on_postgresql):
    clerks = [user_with(f"agent{i}", Role.CLERK) for i in range(6)]
    sheets = [make_sheet(f"PRES-2026-04-{i:02d}", f"MDAKAR-BV{i:03d}") for i in range(1, 4)]

    def pile(first, second, sheet):
        def job():
            submit_entry(TallySheet.objects.get(pk=sheet.pk), first, figures())
            return submit_entry(TallySheet.objects.get(pk=sheet.pk), second, figures()).status

        return job

    jobs = [pile(clerks[2 * i], clerks[2 * i + 1], s) for i, s in enumerate(sheets)]
    # and, at the same time, first entries on other sheets by the same clerks
    others = [make_sheet(f"PRES-2026-05-{i:02d}", f"MDAKAR-BW{i:03d}") for i in range(1, 4)]
    jobs += [
        (lambda s=s, c=c: submit_entry(TallySheet.objects.get(pk=s.pk), c, figures()).status)
        for s, c in zip(others, clerks[::2], strict=True)
    ]
    outcomes = _run_together(jobs)
    assert outcomes == [Status.DEFINITIVE] * 3 + [Status.FIRST_ENTRY] * 3, outcomes
    assert DataEntry.objects.count() == 9
    assert AuditEvent.objects.filter(event_type="tally.definitive").count() == 3
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    report = verify()
    assert report.ok, report.lines_fr()


def test_two_clerks_racing_on_one_sheet_make_one_first_and_one_second_entry(on_postgresql):
    awa, moussa = user_with("awa", Role.CLERK), user_with("moussa", Role.CLERK)
    sheet = make_sheet()
    outcomes = _run_together(
        [
            lambda: submit_entry(TallySheet.objects.get(pk=sheet.pk), awa, figures()).status,
            lambda: submit_entry(TallySheet.objects.get(pk=sheet.pk), moussa, figures()).status,
        ]
    )
    assert sorted(map(str, outcomes)) == [Status.DEFINITIVE, Status.FIRST_ENTRY], outcomes
    entries = list(DataEntry.objects.order_by("number").values_list("number", "entered_by_id"))
    assert [n for n, _ in entries] == [1, 2]
    assert {u for _, u in entries} == {awa.pk, moussa.pk}
    assert verify().ok


def test_one_clerk_sending_twice_at_once_cannot_make_both_entries(on_postgresql):
    awa = user_with("awa", Role.CLERK)
    sheet = make_sheet()
    outcomes = _run_together(
        [
            lambda: submit_entry(TallySheet.objects.get(pk=sheet.pk), awa, figures()).status,
            lambda: submit_entry(TallySheet.objects.get(pk=sheet.pk), awa, figures()).status,
        ]
    )
    refused = [o for o in outcomes if isinstance(o, WorkflowError)]
    assert Status.FIRST_ENTRY in outcomes and len(refused) == 1, outcomes
    assert refused[0].code == "same_clerk"
    assert DataEntry.objects.count() == 1
    assert TallySheet.objects.get(pk=sheet.pk).status == Status.FIRST_ENTRY
    assert verify().ok
