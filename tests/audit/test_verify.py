"""verify: every way of tampering with the log, or with audited data, is caught."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from kalata.audit import events
from kalata.audit.models import AuditChainHead, AuditEvent, event_hash
from kalata.audit.services import record, verify
from kalata.audit.verification import (
    CHANGED,
    DELETED,
    GAP,
    HASH_MISMATCH,
    HEAD_MISMATCH,
    HEAD_MISSING,
    NOT_CANONICAL,
    NOT_DELETED,
    PREV_HASH_MISMATCH,
    TRUNCATED,
    UNAUDITED,
)

from .conftest import GROUP_DELETED, GROUP_SAVED

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """Five events about five polling stations' minutes."""
    return [
        record(
            events.TALLY_FIRST_ENTRY,
            "awa",
            ("scratch.minutes", f"BV-{n}"),
            None,
            {"voters": 300 + n, "valid": 290 + n},
        )
        for n in range(1, 6)
    ]


def kinds(report):
    return [(p.seq, p.kind) for p in report.chain_problems]


def test_an_intact_log_verifies(chain):
    report = verify()
    assert report.ok
    assert report.events_checked == 5
    assert report.last_seq == 5
    assert report.last_hash == chain[-1].hash
    assert report.first_break is None
    assert report.lines_fr()[-1] == "Résultat : intègre."


def test_changing_the_after_of_an_event_is_caught(chain, tamper):
    tamper.sql(
        "UPDATE audit_auditevent SET after = %s WHERE seq = 3", ['{"valid":393,"voters":303}']
    )
    report = verify()
    assert not report.ok
    assert kinds(report) == [(3, HASH_MISMATCH)]
    assert "n° 3" in report.first_break.message
    assert "modifié" in report.first_break.message


def test_changing_an_event_and_recomputing_its_hash_breaks_the_next_link(chain, tamper):
    ev = AuditEvent.objects.get(seq=3)
    forged_after = '{"valid":393,"voters":303}'
    forged_hash = event_hash(
        seq=3,
        timestamp=ev.timestamp,
        actor=ev.actor,
        event_type=ev.event_type,
        object_model=ev.object_model,
        object_pk=ev.object_pk,
        before=ev.before,
        after=forged_after,
        reason=ev.reason,
        prev_hash=ev.prev_hash,
    )
    tamper.sql(
        "UPDATE audit_auditevent SET after = %s, hash = %s WHERE seq = 3",
        [forged_after, forged_hash],
    )
    assert kinds(verify()) == [(4, PREV_HASH_MISMATCH)]


def test_deleting_an_event_is_caught(chain, tamper):
    tamper.sql("DELETE FROM audit_auditevent WHERE seq = 2")
    report = verify()
    assert kinds(report) == [(3, GAP)]
    assert "l'événement n° 2 manque" in report.first_break.message


def test_deleting_the_last_events_is_caught_by_the_head(chain, tamper):
    tamper.sql("DELETE FROM audit_auditevent WHERE seq >= 4")
    report = verify()
    assert kinds(report) == [(4, TRUNCATED)]
    assert "n° 5" in report.first_break.message


def test_deleting_the_head_is_caught(chain, tamper):
    AuditChainHead.objects.all().delete()
    assert kinds(verify()) == [(5, HEAD_MISSING)]


def test_appending_a_well_forged_event_is_caught_by_the_head(chain, tamper):
    last = chain[-1]
    fields = dict(
        timestamp=last.timestamp,
        actor="intrus",
        event_type="tally.definitive",
        object_model="scratch.minutes",
        object_pk="BV-9",
        before="null",
        after='{"valid":1000,"voters":1000}',
        reason="",
    )
    digest = event_hash(seq=6, prev_hash=last.hash, **fields)
    tamper.insert(seq=6, prev_hash=last.hash, hash=digest, **fields)
    report = verify()
    assert kinds(report) == [(6, HEAD_MISMATCH)]
    assert "sans passer par Kalata" in report.first_break.message


def test_inserting_an_event_in_the_middle_is_caught(chain, tamper):
    # Make room at n° 3 by renumbering the later events, then slip a forged event in.
    tamper.sql("UPDATE audit_auditevent SET seq = seq + 1000000 WHERE seq >= 3")
    tamper.sql("UPDATE audit_auditevent SET seq = seq - 999999 WHERE seq >= 1000000")
    second = chain[1]
    fields = dict(
        timestamp=second.timestamp,
        actor="intrus",
        event_type="tally.definitive",
        object_model="scratch.minutes",
        object_pk="BV-2",
        before="null",
        after='{"valid":1,"voters":1}',
        reason="",
    )
    digest = event_hash(seq=3, prev_hash=second.hash, **fields)
    tamper.insert(seq=3, prev_hash=second.hash, hash=digest, **fields)
    report = verify()
    assert not report.chain_ok
    # The forged event itself is well formed; the first renumbered event betrays it.
    assert report.first_break.seq == 4
    assert (4, HASH_MISMATCH) in kinds(report)
    assert (4, PREV_HASH_MISMATCH) in kinds(report)


def test_reordering_two_events_is_caught(chain, tamper):
    tamper.sql("UPDATE audit_auditevent SET seq = 1000003 WHERE seq = 3")
    tamper.sql("UPDATE audit_auditevent SET seq = 3 WHERE seq = 2")
    tamper.sql("UPDATE audit_auditevent SET seq = 2 WHERE seq = 1000003")
    report = verify()
    assert report.first_break.seq == 2
    assert report.first_break.kind == HASH_MISMATCH
    assert {(2, HASH_MISMATCH), (3, HASH_MISMATCH)} <= set(kinds(report))


def test_reformatted_json_is_caught_even_with_a_recomputed_chain(tamper):
    ev = record(events.TALLY_FIRST_ENTRY, "awa", None, None, {"a": 1})
    loose = '{"a": 1}'
    fields = dict(
        timestamp=ev.timestamp,
        actor=ev.actor,
        event_type=ev.event_type,
        object_model="",
        object_pk="",
        before="null",
        after=loose,
        reason="",
    )
    digest = event_hash(seq=1, prev_hash=ev.prev_hash, **fields)
    tamper.sql("UPDATE audit_auditevent SET after = %s, hash = %s WHERE seq = 1", [loose, digest])
    AuditChainHead.objects.filter(pk=1).update(hash=digest)
    assert kinds(verify()) == [(1, NOT_CANONICAL)]


def test_a_consistent_rewrite_of_the_whole_chain_is_not_detectable_without_an_anchor(tamper):
    """The documented limit: only a head hash published elsewhere can reveal this."""
    ev = record(events.TALLY_FIRST_ENTRY, "awa", None, None, {"valid": 100})
    published_head = ev.hash
    fields = dict(
        timestamp=ev.timestamp,
        actor="awa",
        event_type=ev.event_type,
        object_model="",
        object_pk="",
        before="null",
        after='{"valid":999}',
        reason="",
    )
    digest = event_hash(seq=1, prev_hash=ev.prev_hash, **fields)
    tamper.sql(
        "UPDATE audit_auditevent SET after = %s, hash = %s WHERE seq = 1", [fields["after"], digest]
    )
    AuditChainHead.objects.filter(pk=1).update(hash=digest)
    report = verify()
    assert report.chain_ok
    assert report.last_hash != published_head  # the published anchor no longer matches


# --- Data changed behind the log's back --------------------------------------------------


def save_group(group: Group, actor: str = "admin") -> None:
    with transaction.atomic():
        group.save()
        record(GROUP_SAVED, actor, group, None, group)


def test_audited_rows_matching_their_latest_event_verify(audited_groups):
    kati = Group(name="Commission de Kati")
    save_group(kati)
    kati.name = "Commission de centralisation de Kati"
    save_group(kati)
    report = verify()
    assert report.ok
    # Other apps register their models too (results, accounts): only the group rows exist here.
    assert "auth.group" in report.models_checked
    assert report.rows_checked == 1


def test_a_row_changed_without_an_event_is_caught(audited_groups):
    kati = Group(name="Commission de Kati")
    save_group(kati)
    Group.objects.filter(pk=kati.pk).update(name="Commission de Koulikoro")
    report = verify()
    assert report.chain_ok
    assert not report.ok
    [mismatch] = report.data_mismatches
    assert (mismatch.model, mismatch.key, mismatch.kind) == ("auth.group", str(kati.pk), CHANGED)
    assert mismatch.fields == ("name",)
    assert mismatch.details["name"] == {
        "journal": "Commission de Kati",
        "base": "Commission de Koulikoro",
    }
    assert "modifiée hors journal" in mismatch.message


def test_a_row_deleted_without_an_event_is_caught(audited_groups):
    kati = Group(name="Commission de Kati")
    save_group(kati)
    pk = kati.pk
    Group.objects.filter(pk=pk).delete()
    [mismatch] = verify().data_mismatches
    assert (mismatch.key, mismatch.kind) == (str(pk), DELETED)


def test_a_row_created_without_an_event_is_caught(audited_groups):
    ghost = Group.objects.create(name="Commission fantôme")
    [mismatch] = verify().data_mismatches
    assert (mismatch.key, mismatch.kind) == (str(ghost.pk), UNAUDITED)


def test_an_audited_deletion_verifies_and_a_logged_deletion_of_a_live_row_is_caught(
    audited_groups,
):
    kati = Group(name="Commission de Kati")
    save_group(kati)
    with transaction.atomic():
        record(GROUP_DELETED, "admin", kati, kati, None)
        Group.objects.filter(pk=kati.pk).delete()
    assert verify().ok
    kita = Group(name="Commission de Kita")
    save_group(kita)
    with transaction.atomic():
        record(GROUP_DELETED, "admin", kita, kita, None)  # the row is "forgotten"
    [mismatch] = verify().data_mismatches
    assert (mismatch.key, mismatch.kind) == (str(kita.pk), NOT_DELETED)


def test_verify_can_be_limited_to_chosen_models_or_to_the_chain(audited_groups):
    Group.objects.create(name="Commission fantôme")
    assert not verify(["auth.group"]).ok
    assert verify([]).ok
    report = verify(data=False)
    assert report.ok
    assert not report.data_checked
    with pytest.raises(KeyError):
        verify(["auth.permission"])


def test_report_as_dict_names_the_first_break_and_mismatches(chain, tamper, audited_groups):
    Group.objects.create(name="Commission fantôme")
    tamper.sql("DELETE FROM audit_auditevent WHERE seq = 2")
    data = verify().as_dict()
    assert data["ok"] is False
    assert data["first_break"]["seq"] == 3
    assert data["first_break"]["kind"] == GAP
    assert data["data_mismatches"][0]["kind"] == UNAUDITED
    assert data["events_checked"] == 4
