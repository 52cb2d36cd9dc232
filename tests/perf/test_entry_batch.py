"""The fast paths of data entry: plain-SQL reads and writes, batched audit of expected sheets,
batched data check of ``verify``.

Correctness only (no timing): the fast paths read and write exactly what the ORM would, their
number of statements does not grow with the number of candidates or sheets, and ``verify``
still catches a row changed behind the log's back in any batch.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kalata.accounts import services as accounts
from kalata.accounts.models import Role
from kalata.audit import verification
from kalata.audit.models import AuditEvent
from kalata.audit.services import snapshot, verify
from kalata.audit.verification import CHANGED, DELETED, UNAUDITED
from kalata.elections.models import Contest, Election, PollingStation, Round, Selection
from kalata.elections.services import open_round
from kalata.results.entry import (
    discard_entries,
    serialize_sheet,
    serialize_sheets,
    submit_entry,
)
from kalata.results.models import DataEntry, SheetVote, TallySheet
from kalata.results.workflow import WorkflowError
from tests.results.entry_fixtures import dakar, user_with

pytestmark = pytest.mark.django_db
Status = TallySheet.Status


def national_round(stations: int, candidates: int = 3, code: str = "PRES-2026-04-26"):
    """A presidential first round with ``stations`` stations in Dakar, opened (its sheets
    created and recorded as expected by ``open_round``)."""
    election = Election.objects.create(
        code=code,
        kind=Election.Kind.PRESIDENTIAL,
        title="Élection du Président de la République",
        polling_date=date(2026, 4, 26),
    )
    rnd = Round.objects.create(election=election, number=1, polling_date=date(2026, 4, 26))
    contest = Contest.objects.create(
        round=rnd, code="NATION", name="Territoire national", level=Contest.Level.NATION
    )
    for order in range(1, candidates + 1):
        Selection.objects.create(
            contest=contest,
            code=f"C{order:02d}",
            kind=Selection.Kind.CANDIDATE,
            name=f"Candidat {order}",
            order=order,
        )
    mission = dakar()
    PollingStation.objects.bulk_create(
        [
            PollingStation(
                election=election,
                code=f"MDAKAR-BV{i:03d}",
                number=i,
                mission=mission,
                registered=500,
            )
            for i in range(1, stations + 1)
        ]
    )
    open_round(rnd, "system")
    return list(TallySheet.objects.filter(round=rnd).order_by("pk"))


def figures(candidates: int = 3, **changes) -> dict:
    """Consistent minutes without warnings: 300 voters of 500, 290 valid votes shared out."""
    votes = {f"C{k:02d}": 290 // candidates for k in range(1, candidates + 1)}
    votes["C01"] += 290 - sum(votes.values())
    out = {
        "registered": 500,
        "voters": 300,
        "envelopes": 300,
        "null_ballots": 10,
        "valid_votes": 290,
        "votes": votes,
    }
    out.update(changes)
    return out


@pytest.fixture(name="clerks")
def clerks_fixture(db):
    return user_with("awa", Role.CLERK), user_with("moussa", Role.CLERK)


def _sql(statement: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


# --- open_round: one tally.expected per sheet, appended together --------------------------------


def test_open_round_records_each_expected_sheet_in_one_chain():
    sheets = national_round(40)
    expected = AuditEvent.objects.filter(event_type="tally.expected").order_by("seq")
    assert [e.object_pk for e in expected] == [str(s.pk) for s in sheets]
    assert [e.after for e in expected] == [
        AuditEvent.objects.get(seq=e.seq).after for e in expected
    ]
    assert all(e.before == "null" for e in expected)
    assert all(e.after_data == snapshot(s) for e, s in zip(expected, sheets, strict=True))
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    report = verify()
    assert report.ok, report.lines_fr()


def test_opening_a_round_costs_the_same_statements_for_10_or_60_stations():
    national_round(1, code="PRES-0")  # the chain head exists and the connection knows it
    counts = []
    for n, code in ((10, "PRES-A"), (60, "PRES-B")):
        with CaptureQueriesContext(connection) as ctx:
            national_round(n, code=code)
        audit = [q for q in ctx.captured_queries if "audit_" in q["sql"]]
        counts.append(len(audit))
    assert counts[0] == counts[1], counts


# --- submit_entry: plain SQL reads and writes ---------------------------------------------------


def _concrete(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_a_submission_returns_what_the_orm_reads_back(clerks):
    awa, moussa = clerks
    sheet = national_round(2)[0]
    typed = figures(null_breakdown={"blank": 4, "multiple_different": 6})
    first = submit_entry(sheet, awa, typed)
    stored_entry = DataEntry.objects.get(pk=first.entry.pk)
    assert _concrete(first.entry) == _concrete(stored_entry)
    second = submit_entry(sheet, moussa, typed)
    assert second.status == Status.DEFINITIVE
    stored = TallySheet.objects.select_related(
        "station__mission", "station__commune", "round__election"
    ).get(pk=sheet.pk)
    assert _concrete(second.sheet) == _concrete(stored)
    assert _concrete(sheet) == _concrete(stored)  # the caller's instance is brought up to date
    with CaptureQueriesContext(connection) as ctx:  # related objects came with the lock
        assert _concrete(second.sheet.station) == _concrete(stored.station)
        assert _concrete(second.sheet.station.mission) == _concrete(stored.station.mission)
        assert second.sheet.station.commune is None
        assert _concrete(second.sheet.round) == _concrete(stored.round)
        assert _concrete(second.sheet.round.election) == _concrete(stored.round.election)
    assert ctx.captured_queries == []
    votes = dict(SheetVote.objects.filter(sheet=sheet).values_list("selection__code", "votes"))
    assert votes == figures()["votes"]
    assert verify().ok


def test_a_station_of_a_commune_is_read_with_its_commune(db):
    from kalata.territory.models import Commune
    from kalata.territory.services import load_territory

    load_territory()
    commune = Commune.objects.exclude(cercle=None).order_by("code").first()
    election = Election.objects.create(
        code="PRES-2026-04-26",
        kind=Election.Kind.PRESIDENTIAL,
        title="Élection du Président de la République",
        polling_date=date(2026, 4, 26),
    )
    rnd = Round.objects.create(election=election, number=1, polling_date=date(2026, 4, 26))
    contest = Contest.objects.create(
        round=rnd, code="NATION", name="Territoire national", level=Contest.Level.NATION
    )
    for order in (1, 2, 3):
        Selection.objects.create(
            contest=contest, code=f"C{order:02d}", kind="candidate", name=f"C{order}", order=order
        )
    PollingStation.objects.create(
        election=election, code=f"{commune.code}-BV001", number=1, commune=commune, registered=500
    )
    open_round(rnd, "system")

    clerk = User.objects.create_user("sali")
    accounts.grant(clerk, Role.CLERK, cercle=commune.cercle)
    sheet = TallySheet.objects.get(round=rnd)
    result = submit_entry(sheet, clerk, figures())
    assert result.status == Status.FIRST_ENTRY
    assert result.sheet.station.mission is None
    assert _concrete(result.sheet.station.commune) == _concrete(commune)
    outsider = User.objects.create_user("autre")
    other = Commune.objects.exclude(cercle=commune.cercle).exclude(cercle=None).first()
    accounts.grant(outsider, Role.CLERK, cercle=other.cercle)
    with pytest.raises(WorkflowError) as refused:  # another commission's clerk
        submit_entry(sheet, outsider, figures(voters=99))
    assert refused.value.code == "role_refused"
    assert verify().ok


def _queries_of(fn) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def test_a_submission_costs_the_same_statements_for_3_or_12_candidates(clerks):
    awa, moussa = clerks
    warm_up = national_round(1, code="PRES-0")[0]  # roles loaded, the chain head known
    submit_entry(warm_up, awa, figures())
    submit_entry(warm_up, moussa, figures())
    counts = {}
    for candidates, code in ((3, "PRES-A"), (12, "PRES-B")):
        sheet = national_round(1, candidates, code=code)[0]
        first = _queries_of(lambda s=sheet, c=candidates: submit_entry(s, awa, figures(c)))
        second = _queries_of(lambda s=sheet, c=candidates: submit_entry(s, moussa, figures(c)))
        assert TallySheet.objects.get(pk=sheet.pk).status == Status.DEFINITIVE
        counts[candidates] = (len(first), len(second))
    assert counts[3] == counts[12], counts
    first, second = counts[3]
    # Savepoint and release (the test's transaction), the sheet locked with what authorization
    # needs, the selections (with the lock on PostgreSQL), the entries (second entry only), the
    # entry, the sheet, the votes (second entry only), the audit events (one or two statements).
    assert first <= 8 and second <= 11, counts


def test_the_two_events_of_a_definitive_second_entry_are_chained_in_order(clerks):
    awa, moussa = clerks
    sheet = national_round(1)[0]
    submit_entry(sheet, awa, figures())
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    submit_entry(sheet, moussa, figures())
    second, definitive = AuditEvent.objects.filter(seq__gt=seq).order_by("seq")
    assert (second.event_type, definitive.event_type) == ("tally.second_entry", "tally.definitive")
    assert definitive.prev_hash == second.hash
    assert definitive.before == second.after  # the state between the two is serialised once
    assert definitive.after_data == snapshot(TallySheet.objects.get(pk=sheet.pk))
    assert verify().ok


# --- verify: the data check by batches ----------------------------------------------------------


def _sheets_in_every_state(clerks) -> list[TallySheet]:
    awa, moussa = clerks
    sheets = national_round(9)
    submit_entry(sheets[1], awa, figures())  # first entry
    for s in sheets[2:5]:  # definitive
        submit_entry(s, awa, figures())
        submit_entry(s, moussa, figures())
    submit_entry(sheets[5], awa, figures())  # different
    submit_entry(sheets[5], moussa, figures(voters=150))
    president = user_with("president", Role.PRESIDENT)
    discard_entries(sheets[5], president, "PV illisible, à ressaisir")
    return sheets


def test_the_batch_serialiser_equals_the_one_by_one_serialiser(clerks):
    sheets = _sheets_in_every_state(clerks)
    fresh = list(TallySheet.objects.order_by("pk"))
    assert serialize_sheets(fresh) == [serialize_sheet(s) for s in fresh]
    scattered = [fresh[0], fresh[4], fresh[-1]]  # not contiguous: read by lists of ids
    assert serialize_sheets(scattered) == [serialize_sheet(s) for s in scattered]
    assert serialize_sheets([]) == []
    assert len(sheets) == len(fresh)


def test_verify_reads_the_data_in_a_bounded_number_of_queries(clerks, monkeypatch):
    _sheets_in_every_state(clerks)
    monkeypatch.setattr(verification, "VERIFY_BATCH", 1000)
    few = len(_queries_of(verify))
    national_round(40, code="PRES-B")
    many = len(_queries_of(verify))
    assert many == few


def test_verify_catches_a_change_in_any_batch(clerks, monkeypatch):
    monkeypatch.setattr(verification, "VERIFY_BATCH", 2)
    sheets = _sheets_in_every_state(clerks)
    report = verify()
    assert report.ok, report.lines_fr()
    assert report.rows_checked >= len(sheets)
    # A vote row, a definitive figure and an entry changed, a sheet deleted, a sheet created,
    # each in a different batch.
    _sql("UPDATE results_sheetvote SET votes = votes + 1 WHERE sheet_id = %s", [sheets[4].pk])
    _sql("UPDATE results_tallysheet SET voters = voters + 1 WHERE id = %s", [sheets[3].pk])
    _sql(
        "UPDATE results_dataentry SET check_codes = %s WHERE sheet_id = %s",
        ['["E99"]', sheets[1].pk],
    )
    _sql("DELETE FROM results_tallysheet WHERE id = %s", [sheets[8].pk])
    extra = TallySheet.objects.create(
        round=sheets[0].round, contest=sheets[0].contest, station=sheets[8].station
    )
    found = {(m.key, m.kind) for m in verify().data_mismatches}
    assert found == {
        (str(sheets[4].pk), CHANGED),
        (str(sheets[3].pk), CHANGED),
        (str(sheets[1].pk), CHANGED),
        (str(sheets[8].pk), DELETED),
        (str(extra.pk), UNAUDITED),
    }
