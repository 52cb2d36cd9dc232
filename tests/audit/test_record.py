"""Appending to the log: one event per write, chained, inside the writer's transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import transaction

from kalata.audit import events
from kalata.audit.models import GENESIS_HASH, AuditEvent
from kalata.audit.services import AuditError, ObjRef, head, record, ref, snapshot, verify

from .conftest import GROUP_SAVED

pytestmark = pytest.mark.django_db


def test_first_event_chains_from_genesis_and_each_next_from_the_one_before():
    first = record(events.TERRITORY_LOADED, None, None, None, {"communes": 703})
    second = record(events.ELECTION_CREATED, "admin", ("election.election", "PRES-2007"), None, {})
    third = record("tally.first_entry", "awa", ("scratch.minutes", "BV-0001"), None, {"a": 1})
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    assert head().seq == 3
    assert head().hash == third.hash
    assert verify().ok


def test_empty_log_has_the_genesis_head_and_verifies():
    assert head().seq == 0
    assert head().hash == GENESIS_HASH
    report = verify()
    assert report.ok
    assert report.events_checked == 0


def test_stored_event_recomputes_to_its_hash():
    event = record(events.TERRITORY_LOADED, "system", None, None, {"x": Decimal("2.50")})
    stored = AuditEvent.objects.get(seq=event.seq)
    assert stored.compute_hash() == stored.hash == event.hash
    assert stored.after == '{"x":"2.5"}'
    assert stored.after_data == {"x": "2.5"}
    assert stored.before_data is None


def test_timestamp_is_now_in_utc_unless_given():
    bamako = timezone(timedelta(0))
    given = datetime(2007, 4, 29, 23, 59, 59, 123456, tzinfo=bamako)
    event = record(events.TALLY_FIRST_ENTRY, "awa", None, None, {}, timestamp=given)
    assert AuditEvent.objects.get(seq=event.seq).timestamp == given
    before = datetime.now(UTC)
    now_event = record(events.TALLY_FIRST_ENTRY, "awa", None, None, {})
    assert before <= AuditEvent.objects.get(seq=now_event.seq).timestamp <= datetime.now(UTC)
    with pytest.raises(AuditError):
        record(events.TALLY_FIRST_ENTRY, "awa", None, None, {}, timestamp=datetime(2007, 4, 29))


def test_corrections_and_rulings_need_a_reason():
    with pytest.raises(AuditError, match="motif est obligatoire"):
        record(events.TALLY_CORRECTED, "president", ("scratch.minutes", "BV-1"), {}, {})
    with pytest.raises(AuditError, match="motif est obligatoire"):
        record(events.COURT_ANNULMENT, "cour", ("scratch.minutes", "BV-1"), {}, {}, reason=" ")
    event = record(
        events.COURT_ANNULMENT,
        "cour",
        ("scratch.minutes", "BV-1"),
        {"annulled": False},
        {"annulled": True},
        reason="Bourrage d'urnes constaté (arrêt de la Cour constitutionnelle)",
    )
    assert event.reason.startswith("Bourrage")


def test_unknown_event_type_is_refused():
    with pytest.raises(AuditError, match="inconnu"):
        record("tally.edited_quietly", "x", None, None, {})
    assert AuditEvent.objects.count() == 0


def test_event_type_registry_is_extensible_and_stable():
    added = events.register_event_type("test.extension", "Extension (test)")
    assert events.register_event_type("test.extension", "Extension (test)") == added
    assert events.get_event_type("test.extension") is added
    with pytest.raises(ValueError):
        events.register_event_type("test.extension", "Autre libellé")
    with pytest.raises(ValueError):
        events.register_event_type("Pas Une Clé", "x")
    keys = {t.key for t in events.all_event_types()}
    assert {
        "territory.loaded",
        "tally.first_entry",
        "tally.second_entry",
        "tally.resolved",
        "tally.definitive",
        "tally.corrected",
        "court.annulment",
        "results.proclaimed",
        "user.login",
        "user.login_failed",
    } <= keys


def test_actor_is_a_username_a_user_or_system():
    user = User.objects.create_user("awa.traore")
    assert record(GROUP_SAVED, user, None, None, {}).actor == "awa.traore"
    assert record(GROUP_SAVED, None, None, None, {}).actor == "system"
    assert record(GROUP_SAVED, AnonymousUser(), None, None, {}).actor == "anonymous"
    with pytest.raises(AuditError):
        record(GROUP_SAVED, "", None, None, {})


def test_object_reference_from_instance_pair_or_objref():
    group = Group.objects.create(name="Commission de Kati")
    assert ref(group) == ObjRef("auth.group", str(group.pk))
    assert ref((Group, 7)) == ObjRef("auth.group", "7")
    assert ref(("Territory.Commune", "ML0401")) == ObjRef("territory.commune", "ML0401")
    assert ref(None) == ObjRef("", "")
    with pytest.raises(AuditError):
        ref(("nodot", "1"))
    with pytest.raises(AuditError):
        ref(Group(name="pas enregistré"))
    event = record(GROUP_SAVED, "admin", group, None, group)
    assert (event.object_model, event.object_pk) == ("auth.group", str(group.pk))
    assert event.after_data == {"id": group.pk, "name": "Commission de Kati"}


def test_snapshot_of_an_audited_model_uses_its_registered_serializer(audited_groups):
    from kalata.audit.registry import register_audited_model

    group = Group.objects.create(name="Commission de Kita")
    register_audited_model("auth.group", lambda g: {"name": g.name}, key=lambda g: g.name)
    assert snapshot(group) == {"name": "Commission de Kita"}
    assert ref(group) == ObjRef("auth.group", "Commission de Kita")


def test_event_rolls_back_with_the_write_it_audits():
    record(events.TERRITORY_LOADED, None, None, None, {})
    with pytest.raises(RuntimeError), transaction.atomic():
        group = Group.objects.create(name="Commission annulée")
        record(GROUP_SAVED, "admin", group, None, group)
        raise RuntimeError("la saisie échoue après l'écriture")
    assert not Group.objects.filter(name="Commission annulée").exists()
    assert AuditEvent.objects.count() == 1
    assert head().seq == 1
    # The next event continues the chain without a gap.
    assert record(GROUP_SAVED, "admin", None, None, {}).seq == 2
    assert verify().ok


def test_many_sequential_appends_stay_gapless_and_verify():
    for i in range(200):
        with transaction.atomic():
            record(
                events.TALLY_FIRST_ENTRY, f"agent{i % 7}", ("scratch.minutes", i), None, {"i": i}
            )
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 201))
    report = verify()
    assert report.ok
    assert report.events_checked == 200
    assert report.last_seq == 200


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    with pytest.raises(AuditError, match="transaction"):
        record(events.TERRITORY_LOADED, None, None, None, {})
    with transaction.atomic():
        record(events.TERRITORY_LOADED, None, None, None, {})
    assert verify().ok


def test_docs_list_exactly_the_built_in_event_types():
    import re
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "audit.md").read_text(encoding="utf-8")
    section = doc.split("## Event types", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_.]+)` \| (.+?) \| (yes|no) \|$", section, re.M)
    documented = {key: (label, flag == "yes") for key, label, flag in rows}
    built_in = {
        value.key: (value.label, value.requires_reason)
        for value in vars(events).values()
        if isinstance(value, events.EventType)
    }
    assert documented == built_in
