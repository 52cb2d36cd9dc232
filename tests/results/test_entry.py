"""Double entry of polling-station minutes with four eyes: the services, end to end."""

from __future__ import annotations

import pytest
from django.db import connection

from kalata.audit.models import AuditEvent
from kalata.audit.services import verify
from kalata.audit.verification import CHANGED, UNAUDITED
from kalata.elections.models import PollingStation
from kalata.results.entry import (
    acknowledge,
    correct,
    differences,
    discard_entries,
    parse_figures,
    resolve,
    submit_entry,
)
from kalata.results.models import Acknowledgement, Correction, DataEntry, SheetVote, TallySheet
from kalata.results.workflow import WorkflowError

from .entry_fixtures import (  # noqa: F401  (fixtures are requested by name)
    awa_fixture,
    deputy_fixture,
    fatou_fixture,
    figures,
    make_sheet,
    moussa_fixture,
    president_fixture,
    registry_fixture,
    sheet_fixture,
)

Status = TallySheet.Status
pytestmark = pytest.mark.django_db

WARNING_FIGURES = figures(envelopes=301)  # W01: envelopes ≠ signatures (Art. 84)
ERROR_FIGURES = figures(C01=151)  # E04: votes add up to 291, valid votes 290 (Art. 85, 87)


def events(kind: str | None = None) -> list[AuditEvent]:
    qs = AuditEvent.objects.order_by("seq")
    return list(qs.filter(event_type=kind) if kind else qs)


def event_types_after(seq: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("event_type", flat=True)
    )


def last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def refused(code: str, fn, *args, **kwargs) -> WorkflowError:
    """Call ``fn``, expect a French refusal with ``code``, and check nothing was written."""
    before = (last_seq(), DataEntry.objects.count(), SheetVote.objects.count())
    before_sheets = list(TallySheet.objects.order_by("pk").values())
    with pytest.raises(WorkflowError) as err:
        fn(*args, **kwargs)
    assert err.value.code == code, err.value.message
    assert (last_seq(), DataEntry.objects.count(), SheetVote.objects.count()) == before
    assert list(TallySheet.objects.order_by("pk").values()) == before_sheets
    return err.value


def assert_verified():
    report = verify()
    assert report.ok, report.lines_fr()


def make_definitive(sheet, first, second, data=None):
    data = data or figures()
    submit_entry(sheet, first, data)
    return submit_entry(sheet, second, data)


# --- first and second entries -----------------------------------------------------------------


def test_first_entry_is_stored_with_its_checks_and_audited(sheet, awa):
    seq = last_seq()
    result = submit_entry(sheet, awa, figures())
    assert result.status == sheet.status == Status.FIRST_ENTRY
    assert result.entry.number == 1 and result.entry.entered_by == awa
    assert result.entry.figures == parse_figures(figures())
    assert result.entry.check_codes == []
    assert sheet.first_received_at is not None
    assert event_types_after(seq) == ["tally.first_entry"]
    ev = events("tally.first_entry")[-1]
    assert ev.actor == "awa"
    assert (ev.object_model, ev.object_pk) == ("results.tallysheet", str(sheet.pk))
    assert_verified()


def test_second_entry_by_the_same_clerk_is_refused(sheet, awa):
    submit_entry(sheet, awa, figures())
    err = refused("same_clerk", submit_entry, sheet, awa, figures())
    assert "autre agent" in err.message
    assert TallySheet.objects.get(pk=sheet.pk).status == Status.FIRST_ENTRY


def test_a_user_without_the_clerk_role_cannot_type_minutes(sheet, president):
    err = refused("role_refused", submit_entry, sheet, president, figures())
    assert "agent de saisie" in err.message


@pytest.mark.article("84")
@pytest.mark.article("85")
def test_equal_entries_without_checks_become_definitive(sheet, awa, moussa):
    seq = last_seq()
    submit_entry(sheet, awa, figures())
    result = submit_entry(sheet, moussa, figures())
    assert result.status == Status.DEFINITIVE
    assert result.differences == ()
    assert result.agreed_report.checks == ()
    assert event_types_after(seq) == ["tally.first_entry", "tally.second_entry", "tally.definitive"]
    assert_verified()


def test_a_definitive_sheet_carries_its_figures_in_columns_and_vote_rows(sheet, awa, moussa):
    make_definitive(sheet, awa, moussa)
    fresh = TallySheet.objects.get(pk=sheet.pk)
    assert fresh.status == Status.DEFINITIVE
    assert (fresh.registered, fresh.voters, fresh.envelopes) == (500, 300, 300)
    assert (fresh.null_ballots, fresh.valid_votes) == (10, 290)
    assert fresh.figures == parse_figures(figures())
    assert fresh.check_codes == []
    assert fresh.version == 1
    assert fresh.definitive_at is not None
    votes = dict(SheetVote.objects.filter(sheet=fresh).values_list("selection__code", "votes"))
    assert votes == {"C01": 150, "C02": 100, "C03": 40}
    # The caller's instance is brought up to date too.
    assert sheet.status == Status.DEFINITIVE and sheet.version == 1
    definitive = events("tally.definitive")[-1]
    assert '"voters":300' in definitive.after


@pytest.mark.article("84")
def test_equal_entries_with_a_warning_wait_for_acknowledgement(sheet, awa, moussa):
    submit_entry(sheet, awa, WARNING_FIGURES)
    result = submit_entry(sheet, moussa, WARNING_FIGURES)
    assert result.status == Status.TO_ACKNOWLEDGE
    fresh = TallySheet.objects.get(pk=sheet.pk)
    assert fresh.check_codes == ["W01"]
    assert fresh.figures == parse_figures(WARNING_FIGURES)
    assert fresh.voters is None and fresh.version == 0
    assert not SheetVote.objects.filter(sheet=fresh).exists()
    assert_verified()


@pytest.mark.article("85")
@pytest.mark.article("87")
def test_inconsistent_minutes_are_blocked_as_entered_with_their_codes(sheet, awa, moussa):
    submit_entry(sheet, awa, ERROR_FIGURES)
    result = submit_entry(sheet, moussa, ERROR_FIGURES)
    assert result.status == Status.BLOCKED
    assert result.blocking
    fresh = TallySheet.objects.get(pk=sheet.pk)
    assert fresh.check_codes == ["E04"]
    # Stored as entered, never "fixed": C01 still has the 151 votes typed.
    assert fresh.figures["votes"]["C01"] == 151
    for entry in DataEntry.objects.filter(sheet=fresh):
        assert entry.figures["votes"]["C01"] == 151
        assert entry.check_codes == ["E04"]
    assert fresh.valid_votes is None and fresh.definitive_at is None
    assert not SheetVote.objects.filter(sheet=fresh).exists()
    assert_verified()


@pytest.mark.article("84")
@pytest.mark.article("87")
@pytest.mark.article("69")
def test_words_negatives_and_unknown_candidates_are_kept_and_flagged(sheet, awa, moussa):
    bad = figures(voters="trois cents", null_ballots=-1, votes={"C01": 150, "C02": 100, "C99": 40})
    first = submit_entry(sheet, awa, bad)
    assert first.entry.figures["voters"] == "trois cents"
    assert first.entry.figures["null_ballots"] == -1
    assert first.entry.figures["votes"]["C99"] == 40
    assert {"E01", "E02", "E10", "E11"} <= set(first.entry.check_codes)
    second = submit_entry(sheet, moussa, bad)
    assert second.status == Status.BLOCKED
    assert {"E01", "E02", "E10", "E11"} <= set(TallySheet.objects.get(pk=sheet.pk).check_codes)
    assert_verified()


# --- shape of the payload ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({k: v for k, v in figures().items() if k != "voters"}, "voters"),
        ({k: v for k, v in figures().items() if k != "votes"}, "votes"),
        (figures(votes=[150, 100, 40]), "votes"),
        (figures(votes="150"), "votes"),
        (figures(voters=[300]), "voters"),
        (figures(voters={"n": 300}), "voters"),
        (figures(voters=10**12), "voters"),
        (figures(null_breakdown=[1, 2]), "null_breakdown"),
        (figures(observations=12), "observations"),
        (figures(votants=300), "votants"),
        (figures(votes={"C01": [150], "C02": 100, "C03": 40}), "votes.C01"),
    ],
)
def test_a_payload_of_the_wrong_shape_is_refused_naming_the_field(sheet, awa, payload, field):
    err = refused("malformed_figures", submit_entry, sheet, awa, payload)
    assert err.field == field
    assert err.message.startswith("Saisie refusée")


def test_a_payload_that_is_not_an_object_is_refused(sheet, awa):
    refused("malformed_figures", submit_entry, sheet, awa, [1, 2, 3])


# --- third entry, definitive sheet -------------------------------------------------------------


@pytest.mark.parametrize(
    ("second", "status"),
    [
        (figures(voters=301, valid_votes=291, C01=151), Status.DIFFERENT),
        (WARNING_FIGURES, Status.TO_ACKNOWLEDGE),
        (ERROR_FIGURES, Status.BLOCKED),
    ],
)
def test_a_third_entry_while_two_are_in_force_is_refused(sheet, awa, moussa, fatou, second, status):
    first = figures() if status == Status.DIFFERENT else second
    submit_entry(sheet, awa, first)
    assert submit_entry(sheet, moussa, second).status == status
    err = refused("transition_refused", submit_entry, sheet, fatou, figures())
    assert "déjà en vigueur" in err.message


def test_a_definitive_sheet_refuses_entries_rectification_only(sheet, awa, moussa, fatou):
    make_definitive(sheet, awa, moussa)
    err = refused("transition_refused", submit_entry, sheet, fatou, figures())
    assert "définitif" in err.message and "rectification" in err.message


# --- differing entries and resolution ----------------------------------------------------------


def test_differing_entries_list_each_differing_field(sheet, awa, moussa):
    submit_entry(sheet, awa, figures())
    result = submit_entry(sheet, moussa, figures(C02=110, valid_votes=300, voters=310))
    assert result.status == Status.DIFFERENT
    assert [d.field for d in result.differences] == ["voters", "valid_votes", "votes.C02"]
    assert [(d.first, d.second) for d in result.differences] == [(300, 310), (290, 300), (100, 110)]
    assert differences(sheet) == result.differences
    assert_verified()


def test_the_president_resolves_field_by_field_and_both_entries_are_kept(
    sheet, awa, moussa, president
):
    submit_entry(sheet, awa, figures(C02=110))  # typo on the first entry
    submit_entry(sheet, moussa, figures(envelopes=299))  # typo on the second
    assert [d.field for d in differences(sheet)] == ["envelopes", "votes.C02"]
    seq = last_seq()
    result = resolve(sheet, president, {"envelopes": "first", "votes.C02": "second"})
    assert result.status == Status.DEFINITIVE
    fresh = TallySheet.objects.get(pk=sheet.pk)
    assert fresh.figures == parse_figures(figures())
    assert fresh.envelopes == 300
    assert SheetVote.objects.get(sheet=fresh, selection__code="C02").votes == 100
    entries = DataEntry.objects.filter(sheet=fresh, state=DataEntry.State.ACTIVE)
    assert sorted(e.figures["votes"]["C02"] for e in entries) == [100, 110]
    assert event_types_after(seq) == ["tally.resolved", "tally.definitive"]
    resolved = events("tally.resolved")[-1]
    assert resolved.actor == "president"
    assert "2e saisie retenue" in resolved.reason and "1re saisie retenue" in resolved.reason
    assert '"valid_votes":290' in resolved.after  # the resolved figures are in the event
    assert_verified()


def test_a_clerk_of_the_entries_cannot_resolve_them_four_eyes(sheet, awa, deputy, president):
    submit_entry(sheet, awa, figures())
    submit_entry(sheet, deputy, figures(C02=110))  # the deputy typed the second entry
    err = refused("four_eyes", resolve, sheet, deputy, {"votes.C02": "first"})
    assert "quatre yeux" in err.message
    assert resolve(sheet, president, {"votes.C02": "first"}).status == Status.DEFINITIVE


@pytest.mark.parametrize(
    ("choices", "code"),
    [
        ({}, "resolution_incomplete"),
        ({"votes.C02": "both"}, "resolution_invalid"),
        ({"votes.C02": "first", "voters": "second"}, "resolution_invalid"),
        (["votes.C02"], "resolution_invalid"),
    ],
)
def test_incomplete_or_invalid_choices_are_refused(sheet, awa, moussa, president, choices, code):
    submit_entry(sheet, awa, figures())
    submit_entry(sheet, moussa, figures(C02=110))
    refused(code, resolve, sheet, president, choices)


@pytest.mark.article("85")
@pytest.mark.article("87")
def test_a_resolution_to_inconsistent_figures_blocks_the_minutes(sheet, awa, moussa, president):
    submit_entry(sheet, awa, figures())
    submit_entry(sheet, moussa, figures(C02=110))
    result = resolve(sheet, president, {"votes.C02": "second"})
    assert result.status == Status.BLOCKED
    assert TallySheet.objects.get(pk=sheet.pk).check_codes == ["E04"]
    assert_verified()


@pytest.mark.article("84")
def test_a_resolution_to_figures_with_warnings_waits_for_acknowledgement(
    sheet, awa, moussa, president
):
    submit_entry(sheet, awa, figures())
    submit_entry(sheet, moussa, WARNING_FIGURES)
    result = resolve(sheet, president, {"envelopes": "second"})
    assert result.status == Status.TO_ACKNOWLEDGE
    assert TallySheet.objects.get(pk=sheet.pk).check_codes == ["W01"]


def test_a_resolution_can_take_a_null_breakdown_and_observations_from_either_entry(
    sheet, awa, moussa, president
):
    submit_entry(sheet, awa, figures(observations="RAS"))
    submit_entry(sheet, moussa, figures(null_breakdown={"blank": 10}))
    fields = [d.field for d in differences(sheet)]
    assert fields == ["null_breakdown.blank", "observations"]
    resolve(sheet, president, {"null_breakdown.blank": "second", "observations": "second"})
    fresh = TallySheet.objects.get(pk=sheet.pk)
    assert fresh.status == Status.DEFINITIVE
    assert fresh.figures["null_breakdown"] == {"blank": 10}
    assert fresh.figures["observations"] == ""


# --- acknowledgement --------------------------------------------------------------------------


@pytest.mark.article("84")
def test_a_warning_acknowledged_with_an_empty_reason_is_refused(sheet, awa, moussa, president):
    make_definitive(sheet, awa, moussa, WARNING_FIGURES)
    err = refused("reason_required", acknowledge, sheet, president, {"W01": "   "})
    assert "W01" in err.message and "motif" in err.message
    refused("reason_required", acknowledge, sheet, president, {})
    refused("acknowledgement_invalid", acknowledge, sheet, president, {"W01": "vu", "W02": "vu"})


@pytest.mark.article("84")
def test_every_warning_acknowledged_with_a_reason_makes_the_minutes_definitive(
    sheet, awa, moussa, president
):
    make_definitive(sheet, awa, moussa, WARNING_FIGURES)
    seq = last_seq()
    reason = "Une enveloppe vide trouvée dans l'urne, mentionnée au PV (art. 84)."
    result = acknowledge(sheet, president, {"W01": reason})
    assert result.status == Status.DEFINITIVE
    ack = Acknowledgement.objects.get(sheet=sheet)
    assert (ack.code, ack.reason, ack.by, ack.sheet_version) == ("W01", reason, president, 1)
    assert event_types_after(seq) == ["tally.warning_acknowledged", "tally.definitive"]
    assert events("tally.warning_acknowledged")[-1].reason == reason
    fresh = TallySheet.objects.get(pk=sheet.pk)
    assert (fresh.envelopes, fresh.check_codes, fresh.version) == (301, ["W01"], 1)
    assert_verified()


def test_a_clerk_of_the_entries_cannot_acknowledge_their_warnings(sheet, awa, deputy, president):
    make_definitive(sheet, awa, deputy, WARNING_FIGURES)
    refused("four_eyes", acknowledge, sheet, deputy, {"W01": "vu"})


# --- discarding entries -----------------------------------------------------------------------


def test_blocked_minutes_can_be_discarded_and_typed_again(sheet, awa, moussa, fatou, president):
    make_definitive(sheet, awa, moussa, ERROR_FIGURES)
    refused("reason_required", discard_entries, sheet, president, " ")
    refused("role_refused", discard_entries, sheet, awa, "erreur de saisie")
    seq = last_seq()
    result = discard_entries(sheet, president, "Le PV papier a été mal lu : à ressaisir.")
    assert result.status == Status.EXPECTED
    assert event_types_after(seq) == ["tally.entries_discarded"]
    fresh = TallySheet.objects.get(pk=sheet.pk)
    assert fresh.figures is None and fresh.check_codes == []
    assert fresh.first_received_at is not None
    states = list(DataEntry.objects.filter(sheet=fresh).values_list("state", flat=True))
    assert states == [DataEntry.State.DISCARDED, DataEntry.State.DISCARDED]
    # The same clerk may type the minutes again; the second entry needs another one.
    submit_entry(sheet, awa, figures())
    assert submit_entry(sheet, fatou, figures()).status == Status.DEFINITIVE
    assert DataEntry.objects.filter(sheet=fresh).count() == 4
    assert_verified()


@pytest.mark.parametrize("state", ["first_entry", "different", "to_acknowledge"])
def test_entries_in_force_can_be_discarded_before_definitive(sheet, awa, moussa, president, state):
    submit_entry(sheet, awa, WARNING_FIGURES)
    if state == "different":
        submit_entry(sheet, moussa, figures())
    elif state == "to_acknowledge":
        submit_entry(sheet, moussa, WARNING_FIGURES)
    assert sheet.status == state
    assert discard_entries(sheet, president, "Saisies douteuses").status == Status.EXPECTED


def test_nothing_to_discard_on_an_expected_or_definitive_sheet(sheet, awa, moussa, president):
    refused("transition_refused", discard_entries, sheet, president, "rien")
    make_definitive(sheet, awa, moussa)
    refused("transition_refused", discard_entries, sheet, president, "trop tard")


# --- corrections ------------------------------------------------------------------------------


@pytest.mark.article("87")
def test_a_commission_correction_unblocks_minutes_with_consistent_figures(
    sheet, awa, moussa, president
):
    make_definitive(sheet, awa, moussa, ERROR_FIGURES)
    seq = last_seq()
    reason = "Report erroné des voix de C01 ; la feuille de dépouillement annexée porte 150."
    result = correct(sheet, president, figures(), reason, "commission")
    assert result.status == Status.DEFINITIVE
    c = Correction.objects.get(sheet=sheet)
    assert c.kind == "commission" and c.reason == reason and c.by == president
    assert c.before["votes"]["C01"] == 151 and c.after["votes"]["C01"] == 150
    assert event_types_after(seq) == ["tally.corrected", "tally.definitive"]
    assert SheetVote.objects.get(sheet=sheet, selection__code="C01").votes == 150
    assert_verified()


@pytest.mark.article("150")
def test_correcting_a_definitive_sheet_is_an_audited_act_with_before_and_after(
    sheet, awa, moussa, president
):
    make_definitive(sheet, awa, moussa)
    seq = last_seq()
    new = figures(C01=140, C03=50)
    reason = "Inversion de deux lignes constatée sur le PV original par la commission."
    correct(sheet, president, new, reason, "commission", "PV de la commission n° 12")
    fresh = TallySheet.objects.get(pk=sheet.pk)
    assert fresh.version == 2
    assert fresh.figures == parse_figures(new)
    votes = dict(SheetVote.objects.filter(sheet=fresh).values_list("selection__code", "votes"))
    assert votes == {"C01": 140, "C02": 100, "C03": 50}
    assert SheetVote.objects.filter(sheet=fresh).count() == 3
    c = Correction.objects.get(sheet=fresh)
    assert c.before == parse_figures(figures()) and c.after == parse_figures(new)
    assert c.reference == "PV de la commission n° 12"
    corrected, definitive = AuditEvent.objects.filter(seq__gt=seq).order_by("seq")
    assert corrected.event_type == "tally.corrected" and corrected.reason == reason
    assert (corrected.object_model, corrected.object_pk) == ("results.correction", str(c.pk))
    assert '"C01":150' in corrected.after and '"C01":140' in corrected.after
    assert definitive.event_type == "tally.definitive"
    assert '"C01":150' in definitive.before and '"C01":140' in definitive.after
    assert_verified()


@pytest.mark.article("142")
@pytest.mark.article("150")
def test_a_court_ruling_is_recorded_by_the_registry_with_its_reference(
    sheet, awa, moussa, president, registry
):
    make_definitive(sheet, awa, moussa)
    new = figures(C01=140, C03=50)
    refused("role_refused", correct, sheet, president, new, "Arrêt", "court", "Arrêt n° 1")
    with pytest.raises(WorkflowError) as err:
        correct(sheet, registry, new, "Arrêt de la Cour", "court", "")
    assert err.value.code == "reference_required"
    correct(sheet, registry, new, "Recensement général des votes", "court", "Arrêt n° 2026-01")
    assert events("court.correction")[-1].actor == "greffe"
    assert Correction.objects.get(sheet=sheet).kind == "court"
    assert_verified()


@pytest.mark.article("85")
def test_a_correction_with_errors_or_without_change_is_refused(sheet, awa, moussa, president):
    make_definitive(sheet, awa, moussa)
    err = refused("correction_blocking", correct, sheet, president, ERROR_FIGURES, "motif")
    assert "E04" in err.message
    refused("correction_unchanged", correct, sheet, president, figures(), "motif")
    refused("reason_required", correct, sheet, president, figures(C01=140, C03=50), "  ")


@pytest.mark.article("84")
def test_a_correction_may_bring_warnings_its_reason_standing_for_their_acknowledgement(
    sheet, awa, moussa, president
):
    make_definitive(sheet, awa, moussa, ERROR_FIGURES)
    correct(sheet, president, WARNING_FIGURES, "Enveloppe surnuméraire constatée", "commission")
    fresh = TallySheet.objects.get(pk=sheet.pk)
    assert (fresh.status, fresh.check_codes, fresh.envelopes) == (Status.DEFINITIVE, ["W01"], 301)
    assert not Acknowledgement.objects.exists()
    assert_verified()


@pytest.mark.article("84")
def test_a_decimal_or_boolean_figure_is_kept_as_entered_and_flagged(sheet, awa):
    result = submit_entry(sheet, awa, figures(voters=300.5, envelopes=True))
    assert result.entry.figures["voters"] == 300.5
    assert result.entry.figures["envelopes"] is True
    assert "E01" in result.entry.check_codes
    assert_verified()


def test_a_correction_of_minutes_still_being_typed_is_refused(sheet, awa, president):
    refused("transition_refused", correct, sheet, president, figures(), "motif")
    submit_entry(sheet, awa, figures())
    refused("transition_refused", correct, sheet, president, figures(), "motif")


# --- idempotence ------------------------------------------------------------------------------


def test_resending_the_same_key_and_figures_returns_the_original_without_writing(sheet, awa):
    first = submit_entry(sheet, awa, figures(), client_key="tablette-7:0001")
    seq, count = last_seq(), DataEntry.objects.count()
    again = submit_entry(sheet, awa, figures(), client_key="tablette-7:0001")
    assert again.replayed and not first.replayed
    assert again.entry.pk == first.entry.pk
    assert again.status == Status.FIRST_ENTRY
    assert (last_seq(), DataEntry.objects.count()) == (seq, count)


def test_a_replay_after_the_sheet_moved_on_still_writes_nothing(sheet, awa, moussa):
    submit_entry(sheet, awa, figures(), client_key="k1")
    submit_entry(sheet, moussa, figures(), client_key="k2")
    seq = last_seq()
    again = submit_entry(sheet, moussa, figures(), client_key="k2")
    assert again.replayed and again.status == Status.DEFINITIVE
    assert again.entry.number == 2
    assert last_seq() == seq


def test_the_same_key_with_other_figures_or_another_clerk_is_refused(sheet, awa, moussa):
    submit_entry(sheet, awa, figures(), client_key="k1")
    err = refused("client_key_conflict", submit_entry, sheet, awa, figures(C01=149), "k1")
    assert "déjà servi" in err.message
    refused("client_key_conflict", submit_entry, sheet, moussa, figures(), "k1")
    other = make_sheet("PRES-2026-05-10", "MDAKAR-BV002")
    refused("client_key_conflict", submit_entry, other, awa, figures(), "k1")


# --- audit verification -----------------------------------------------------------------------


def _full_workflow(sheet, awa, moussa, fatou, president):
    submit_entry(sheet, awa, figures(C02=110))
    submit_entry(sheet, moussa, figures())
    resolve(sheet, president, {"votes.C02": "second"})
    correct(sheet, president, figures(C01=140, C03=50), "Erreur de report", "commission")
    second = make_sheet("PRES-2026-05-10", "MDAKAR-BV002")
    make_definitive(second, awa, fatou, WARNING_FIGURES)
    acknowledge(second, president, {"W01": "Enveloppe vide"})
    return second


def test_verify_passes_after_a_whole_workflow(sheet, awa, moussa, fatou, president):
    _full_workflow(sheet, awa, moussa, fatou, president)
    report = verify()
    assert report.ok, report.lines_fr()
    assert {"results.tallysheet", "results.correction", "results.acknowledgement"} <= set(
        report.models_checked
    )


def _sql(statement: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_verify_detects_a_definitive_figure_changed_by_raw_sql(sheet, awa, moussa):
    make_definitive(sheet, awa, moussa)
    _sql("UPDATE results_tallysheet SET voters = 310, valid_votes = 300 WHERE id = %s", [sheet.pk])
    report = verify()
    assert not report.ok
    [mismatch] = report.data_mismatches
    assert (mismatch.model, mismatch.key, mismatch.kind) == (
        "results.tallysheet",
        str(sheet.pk),
        CHANGED,
    )
    assert set(mismatch.fields) == {"voters", "valid_votes"}


def test_verify_detects_a_vote_row_changed_by_raw_sql(sheet, awa, moussa):
    make_definitive(sheet, awa, moussa)
    _sql("UPDATE results_sheetvote SET votes = votes + 100 WHERE sheet_id = %s", [sheet.pk])
    [mismatch] = verify().data_mismatches
    assert mismatch.kind == CHANGED and mismatch.fields == ("votes",)


def test_verify_detects_an_entry_changed_by_raw_sql(sheet, awa):
    submit_entry(sheet, awa, figures())
    _sql("UPDATE results_dataentry SET check_codes = %s WHERE sheet_id = %s", ['["E99"]', sheet.pk])
    [mismatch] = verify().data_mismatches
    assert mismatch.fields == ("entries",)


def test_verify_reports_a_sheet_created_outside_the_log(sheet):
    assert verify().ok
    station = PollingStation.objects.create(
        election=sheet.station.election,
        code="MDAKAR-BV009",
        number=9,
        mission=sheet.station.mission,
        registered=400,
    )
    other = TallySheet.objects.create(round=sheet.round, contest=sheet.contest, station=station)
    kinds = {(m.key, m.kind) for m in verify().data_mismatches}
    assert (str(other.pk), UNAUDITED) in kinds


# --- admin ------------------------------------------------------------------------------------


def test_the_admin_shows_minutes_read_only(client, sheet, awa, moussa):
    from django.contrib.auth.models import User

    make_definitive(sheet, awa, moussa)
    admin = User.objects.create_superuser("admin")
    client.force_login(admin)
    listing = client.get("/admin/results/tallysheet/")
    assert listing.status_code == 200
    assert "MDAKAR-BV001" in listing.content.decode()
    detail = client.get(f"/admin/results/tallysheet/{sheet.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.get("/admin/results/tallysheet/add/").status_code == 403
    assert client.post(f"/admin/results/tallysheet/{sheet.pk}/delete/").status_code == 403
    entry = DataEntry.objects.filter(sheet=sheet).first()
    assert client.get(f"/admin/results/dataentry/{entry.pk}/change/").status_code == 200
    for model in ("dataentry", "correction", "acknowledgement"):
        assert client.get(f"/admin/results/{model}/").status_code == 200
        assert client.get(f"/admin/results/{model}/add/").status_code == 403


# --- concurrency (PostgreSQL: the sheet row is locked) -----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_clerks_racing_for_the_second_entry_get_one_second_entry(sheet, awa, moussa, fatou):
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrence testée sur PostgreSQL ; SQLite sérialise les écritures")
    submit_entry(sheet, awa, figures())
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def second(user, key):
        try:
            barrier.wait()
            submit_entry(TallySheet.objects.get(pk=sheet.pk), user, figures(), client_key=key)
            outcomes.append("ok")
        except WorkflowError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=second, args=(moussa, "m-1")),
        threading.Thread(target=second, args=(fatou, "f-1")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "transition_refused"]
    assert DataEntry.objects.filter(sheet=sheet).count() == 2
    assert TallySheet.objects.get(pk=sheet.pk).status == Status.DEFINITIVE
    assert_verified()
