"""Voter lists: annual revision calendar and its rules (Art. 29–47)."""

from __future__ import annotations

from datetime import date

import pytest

from kalata.law.explain import LawError
from kalata.law.register import (
    Claim,
    ClosingEvent,
    Registration,
    check_registration_request,
    check_removal,
    check_tableau,
    closing_modifications,
    distribution,
    elector_number,
    is_working_day,
    last_working_day_on_or_before,
    list_serving,
    refusal_deadlines,
    register_claims,
    resolve_multiple_registration,
    revision_calendar,
)


@pytest.mark.article("31")
@pytest.mark.article("44")
def test_revision_runs_from_1_september_to_31_december_and_serves_the_next_year():
    cal = revision_calendar(2003)
    assert cal["revision_opens"].date == date(2003, 9, 1)
    assert cal["lists_closed"].date == date(2003, 12, 31)
    assert (cal.serves_from, cal.serves_until) == (date(2004, 1, 1), date(2004, 12, 31))
    assert list_serving(date(2004, 5, 30))[0] == 2003
    assert list_serving(date(2007, 4, 29))[0] == 2006


@pytest.mark.article("33")
def test_requests_close_on_15_october_when_it_is_a_working_day():
    cal = revision_calendar(2003)  # Wednesday 15 October 2003
    assert cal["registration_requests_deadline"].date == date(2003, 10, 15)


@pytest.mark.article("33")
@pytest.mark.parametrize(
    ("year", "deadline"),
    [
        (2006, date(2006, 10, 13)),  # Sunday -> Friday 13
        (2005, date(2005, 10, 14)),  # Saturday -> Friday 14
    ],
)
def test_requests_close_on_the_last_working_day_before_a_weekend_15_october(year, deadline):
    cal = revision_calendar(year)
    assert cal["registration_requests_deadline"].date == deadline
    assert "dernier jour ouvrable" in cal["registration_requests_deadline"].explanation_fr
    # The deposit of the tableau stays on 15 October: Art. 39 sets no alternative.
    assert cal["tableau_deposited"].date == date(year, 10, 15)


@pytest.mark.article("33")
def test_holidays_named_by_the_caller_are_not_working_days():
    holiday = date(2003, 10, 15)
    assert not is_working_day(holiday, [holiday])
    assert last_working_day_on_or_before(holiday, [holiday, date(2003, 10, 14)]) == date(
        2003, 10, 13
    )
    cal = revision_calendar(2003, holidays=[holiday])
    assert cal["registration_requests_deadline"].date == date(2003, 10, 14)


@pytest.mark.article("33")
@pytest.mark.article("34")
def test_registration_request_in_time_late_or_before_the_revision():
    assert check_registration_request(date(2006, 10, 13)).eligible
    late = check_registration_request(date(2006, 10, 15))  # Sunday, after Friday 13
    assert not late.eligible and late.codes == ("request_late",)
    early = check_registration_request(date(2006, 8, 31))
    assert not early.eligible and early.codes == ("before_revision",)
    unnamed = check_registration_request(date(2006, 9, 10), third_party=True, names=[" "])
    assert not unnamed.eligible and "third_party_unnamed" in unnamed.codes
    named = check_registration_request(date(2006, 9, 10), third_party=True, names=["A. Keïta"])
    assert named.eligible


@pytest.mark.article("35")
def test_an_elector_to_be_struck_is_informed_free_of_charge_and_heard():
    assert check_removal(date(2006, 10, 1), date(2006, 9, 20)).eligible
    assert check_removal(date(2006, 10, 1), None).codes == ("not_informed",)
    assert check_removal(date(2006, 10, 1), date(2006, 10, 2)).codes == ("not_informed",)
    paid = check_removal(date(2006, 10, 1), date(2006, 9, 20), fee_charged=True)
    assert paid.codes == ("fee_charged",)
    unheard = check_removal(date(2006, 10, 1), date(2006, 9, 20), observations_allowed=False)
    assert unheard.codes == ("not_heard",)


@pytest.mark.article("36")
@pytest.mark.article("39")
def test_tableau_deposited_on_15_october_copy_within_two_days_claims_for_twenty_days():
    cal = revision_calendar(2006)
    assert cal["tableau_deposited"].date == date(2006, 10, 15)
    assert cal["tableau_copy_sent"].date == date(2006, 10, 17)
    assert cal["claims_deadline"].date == date(2006, 11, 4)
    assert cal["party_representatives_notified"].date == date(2006, 8, 27)  # Art. 32
    assert cal.events == (
        "party_representatives_notified",
        "revision_opens",
        "registration_requests_deadline",
        "commission_operations_close",
        "tableau_deposited",
        "tableau_copy_sent",
        "claims_deadline",
        "lists_closed",
    )


@pytest.mark.article("37")
@pytest.mark.article("38")
def test_tableau_entries_carry_identity_and_motive_and_every_member_signs():
    entry = {
        "change": "added",
        "last_name": "Diarra",
        "first_names": "Fatoumata",
        "birth_date": "1986-03-02",
        "birth_place": "Ségou",
        "address": "Hamdallaye",
        "motive": "atteint 18 ans au 31 décembre",
    }
    members = ["Président", "Délégué A", "Délégué B"]
    ok = check_tableau(
        [entry], members, signed_by=["Président", "Délégué A"], fingerprints=["Délégué B"]
    )
    assert ok.eligible
    no_motive = check_tableau([{**entry, "motive": ""}], members, signed_by=members)
    assert not no_motive.eligible and no_motive.codes == ("entry_incomplete",)
    unsigned = check_tableau([entry], members, signed_by=["Président"])
    assert unsigned.codes == ("tableau_unsigned",)
    assert "Délégué A" in unsigned.reasons[0].text_fr
    neither = check_tableau([{**entry, "change": "moved"}], members, signed_by=members)
    assert neither.codes == ("entry_change",)


@pytest.mark.article("41")
def test_claims_are_numbered_chronologically_each_with_a_receipt():
    claims = [
        Claim(date(2006, 10, 20), "Moussa Coulibaly", "Badalabougou", "omis"),
        Claim(date(2006, 10, 16), "Awa Sidibé", "Lafiabougou", "inscription indue", oral=True),
        Claim(date(2006, 11, 5), "Ibrahim Touré", "Niarela", "omis"),
        Claim(date(2006, 10, 18), "", "Kalaban", ""),
    ]
    entries = register_claims(claims, 2006)
    assert [e.claim.claimant for e in entries] == [
        "Awa Sidibé",
        "",
        "Moussa Coulibaly",
        "Ibrahim Touré",
    ]
    assert [e.order for e in entries] == [1, 2, 3, 4]
    assert entries[0].receivable and "réclamation verbale" in entries[0].receipt_fr
    assert {r.code for r in entries[1].reasons} == {"missing_claimant", "missing_grounds"}
    assert not entries[3].receivable  # 5 November: after the 20 days (4 November)
    assert all(e.receipt_fr.startswith(f"Récépissé n°{e.order}") for e in entries)


@pytest.mark.article("42")
@pytest.mark.article("43")
def test_refusal_notified_in_five_days_then_ten_ten_seven_and_fifteen():
    d = refusal_deadlines(date(2006, 10, 1))
    assert d["refusal_notified"].date == date(2006, 10, 6)
    assert d["judge_seizure_deadline"].date == date(2006, 10, 16)
    assert d["judgment_deadline"].date == date(2006, 10, 26)
    assert d["judgment_notified"].date == date(2006, 11, 2)
    assert d["appeal_deadline"].date == date(2006, 11, 17)


@pytest.mark.article("42")
@pytest.mark.article("43")
def test_refusal_deadlines_run_from_the_actual_acts():
    d = refusal_deadlines(
        date(2006, 10, 1),
        notified_on=date(2006, 10, 3),
        judge_seized_on=date(2006, 10, 4),
        judgment_date=date(2006, 10, 9),
        judgment_notified_on=date(2006, 10, 10),
    )
    assert d["judge_seizure_deadline"].date == date(2006, 10, 13)
    assert d["judgment_deadline"].date == date(2006, 10, 14)
    assert d["judgment_notified"].date == date(2006, 10, 16)
    assert d["appeal_deadline"].date == date(2006, 10, 25)
    with pytest.raises(LawError) as err:
        refusal_deadlines(date(2006, 10, 1), notified_on=date(2006, 9, 30))
    assert err.value.field == "notified_on"


@pytest.mark.article("29")
def test_multiple_registration_option_within_eight_days_is_honoured():
    regs = [Registration("Kati", date(2001, 5, 1)), Registration("Commune IV", date(2005, 2, 1))]
    out = resolve_multiple_registration(
        regs, date(2006, 9, 10), on=date(2006, 9, 30), option="Kati", option_date=date(2006, 9, 18)
    )
    assert (out.kept, out.struck, out.option_deadline) == (
        "Kati",
        ("Commune IV",),
        date(2006, 9, 18),
    )


@pytest.mark.article("29")
def test_multiple_registration_without_option_keeps_the_last_residence():
    regs = [Registration("Kati", date(2001, 5, 1)), Registration("Commune IV", date(2005, 2, 1))]
    pending = resolve_multiple_registration(regs, date(2006, 9, 10), on=date(2006, 9, 18))
    assert pending.pending and pending.kept is None and pending.struck == ()
    out = resolve_multiple_registration(regs, date(2006, 9, 10), on=date(2006, 9, 19))
    assert (out.kept, out.struck) == ("Commune IV", ("Kati",))
    late = resolve_multiple_registration(
        regs, date(2006, 9, 10), on=date(2006, 9, 25), option="Kati", option_date=date(2006, 9, 19)
    )
    assert late.kept == "Commune IV"
    no_notice = resolve_multiple_registration(regs, None, on=date(2006, 9, 25))
    assert no_notice.pending
    tie = [Registration("A", date(2005, 1, 1)), Registration("B", date(2005, 1, 1))]
    with pytest.raises(LawError) as err:
        resolve_multiple_registration(tie, date(2006, 9, 10), on=date(2006, 10, 1))
    assert err.value.code == "last_residence_ambiguous"


@pytest.mark.article("30")
def test_elector_number_is_chronological_number_then_census_order():
    assert elector_number(1204, 37) == "1204/37"
    with pytest.raises(LawError) as err:
        elector_number(0, 37)
    assert err.value.field == "chronological"


@pytest.mark.article("44")
@pytest.mark.article("45")
def test_closing_on_31_december_applies_judge_decisions_deaths_and_final_deprivations():
    events = [
        ClosingEvent("A", "judge", date(2006, 11, 20), outcome="add"),
        ClosingEvent("B", "death", date(2006, 11, 1)),
        ClosingEvent("C", "death", date(2006, 10, 1)),
        ClosingEvent("D", "deprivation", date(2006, 12, 1), final=False),
        ClosingEvent("E", "deprivation", date(2006, 12, 1)),
        ClosingEvent("F", "death", date(2007, 1, 2)),
    ]
    codes = [r.code for _, r in closing_modifications(2006, events)]
    assert codes == [
        "judge_applied",
        "death_removed",
        "death_before_tableau",
        "deprivation_not_final",
        "deprivation_removed",
        "after_closing",
    ]


@pytest.mark.article("46")
@pytest.mark.article("47")
def test_tableau_in_four_copies_new_list_in_three():
    tableau = distribution("tableau")
    assert len(tableau) == 4 and all(s.articles == ("46",) for s in tableau)
    lists = distribution("list")
    assert len(lists) == 3 and "secrétariat de la commune" in lists[0].text
    with pytest.raises(LawError):
        distribution("carte")
