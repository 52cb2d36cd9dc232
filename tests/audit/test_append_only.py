"""Append-only: neither the ORM nor raw SQL may change or remove an audit event."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from kalata.audit import events, guards
from kalata.audit.models import AuditEvent, AuditImmutableError
from kalata.audit.services import head, record, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return record(events.TALLY_FIRST_ENTRY, "awa", ("scratch.minutes", "BV-1"), None, {"v": 1})


def test_saving_an_existing_event_is_refused(event):
    stored = AuditEvent.objects.get(seq=event.seq)
    stored.after = '{"v":2}'
    with pytest.raises(AuditImmutableError, match="ajout seul"):
        stored.save()
    with pytest.raises(AuditImmutableError):
        event.save()
    assert AuditEvent.objects.get(seq=event.seq).after == '{"v":1}'


def test_deleting_an_event_through_the_orm_is_refused(event):
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.get(seq=event.seq).delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(seq=event.seq).update(actor="quelqu'un d'autre")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.bulk_update([event], ["actor"])
    assert AuditEvent.objects.count() == 1


def test_inserting_an_event_without_record_is_refused(event):
    forged = AuditEvent(
        seq=2,
        timestamp=event.timestamp,
        actor="intrus",
        event_type=event.event_type,
        prev_hash=event.hash,
        hash="f" * 64,
    )
    with pytest.raises(AuditImmutableError, match="Empreinte"):
        forged.save()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.bulk_create([forged])
    assert AuditEvent.objects.count() == 1


def test_database_triggers_are_installed():
    assert guards.missing_triggers(connection) == []
    assert set(guards.expected_triggers(connection)) <= guards.active_triggers(connection)


def test_database_refuses_a_raw_update(event):
    with pytest.raises(IntegrityError, match="ajout seul"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET actor = 'intrus'")
    assert AuditEvent.objects.get(seq=event.seq).actor == "awa"


def test_database_refuses_a_raw_delete(event):
    with pytest.raises(IntegrityError, match="ajout seul"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 1


def test_postgresql_refuses_truncate(event):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE n'existe pas sous SQLite")
    with pytest.raises(IntegrityError, match="ajout seul"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 1


def test_missing_triggers_are_reported_by_verify(event, tamper):
    tamper._drop_guards()
    report = verify()
    assert report.ok  # nothing was changed…
    assert any("déclencheurs" in w for w in report.warnings)  # …but the guard is gone


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_keeps_the_triggers():
    with transaction.atomic():
        record(events.TERRITORY_LOADED, None, None, None, {})
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    assert head().seq == 0
    assert guards.missing_triggers(connection) == []
    with transaction.atomic():
        assert record(events.TERRITORY_LOADED, None, None, None, {}).seq == 1
