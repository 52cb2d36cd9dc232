"""Electoral commissions: composition, who may sit, challenges (Art. 3–8)."""

from __future__ import annotations

from datetime import date

import pytest

from kalata.law.commissions import (
    COMMISSION_SIZES,
    Bar,
    CeniCategory,
    CommissionKind,
    CommissionMember,
    appointing_act,
    check_commission_challenge,
    check_commission_composition,
    commission_challenge_deadlines,
    member_may_sit,
)
from kalata.law.explain import LawError


def _ceni(majority: int = 5, opposition: int = 5, **overrides) -> list[CommissionMember]:
    members = [
        CommissionMember(f"Majorité {i}", CeniCategory.PARTY_MAJORITY) for i in range(majority)
    ]
    members += [
        CommissionMember(f"Opposition {i}", CeniCategory.PARTY_OPPOSITION)
        for i in range(opposition)
    ]
    for cat in (
        CeniCategory.RELIGIOUS,
        CeniCategory.MAGISTRATES,
        CeniCategory.BAR,
        CeniCategory.HUMAN_RIGHTS,
        CeniCategory.WOMEN,
    ):
        if overrides.get(cat.value, True):
            members.append(CommissionMember(f"Membre {cat.value}", cat))
    return members


@pytest.mark.article("4")
def test_ceni_of_fifteen_with_every_designating_body_is_valid():
    check = check_commission_composition("ceni", _ceni())
    assert check.valid, check.blocking
    assert check.size == check.expected_size == 15
    assert "party_split_ok" in check.codes


@pytest.mark.article("4")
def test_ceni_missing_the_bar_is_short_and_names_the_missing_seat():
    check = check_commission_composition(CommissionKind.CENI, _ceni(bar=False))
    assert not check.valid
    assert {"wrong_size", "seat_bar"} <= set(check.codes)
    assert "Conseil de l'Ordre des avocats" in str(check.as_dict())


@pytest.mark.article("4")
def test_ceni_party_seats_must_be_ten_and_both_sides_represented():
    eleven = check_commission_composition("ceni", _ceni(6, 5))
    assert not eleven.valid and "party_seats" in eleven.codes
    no_opposition = check_commission_composition("ceni", _ceni(10, 0))
    assert not no_opposition.valid and "party_split_unfair" in no_opposition.codes
    unequal = check_commission_composition("ceni", _ceni(6, 4))
    assert unequal.valid  # the law does not quantify "équitable"
    assert "party_split_unequal" in unequal.codes


@pytest.mark.article("4")
def test_body_that_did_not_designate_renounces_its_seat():
    check = check_commission_composition("ceni", _ceni(women=False), renounced=["women"])
    assert check.valid, check.blocking
    assert check.expected_size == 14
    assert "renounced_women" in check.codes
    with pytest.raises(LawError) as err:
        check_commission_composition("commune", [], renounced=["women"])
    assert err.value.field == "renounced" and err.value.articles == ("5",)


@pytest.mark.article("3")
@pytest.mark.parametrize(
    ("kind", "size"),
    [("district", 6), ("cercle", 6), ("commune", 6), ("embassy", 3), ("ceni", 15)],
)
def test_sizes_of_the_commissions(kind, size):
    assert COMMISSION_SIZES[CommissionKind(kind)] == size
    if kind == "ceni":
        return
    members = [CommissionMember(f"M{i}") for i in range(size)]
    assert check_commission_composition(kind, members).valid
    assert not check_commission_composition(kind, members[:-1]).valid
    extra = [*members, CommissionMember("En trop")]
    check = check_commission_composition(kind, extra)
    assert not check.valid and "wrong_size" in check.codes


@pytest.mark.article("3")
def test_unknown_commission_and_duplicate_member_are_refused():
    with pytest.raises(LawError) as err:
        check_commission_composition("province", [])
    assert err.value.code == "unknown_commission" and err.value.field == "kind"
    members = [CommissionMember("Awa Traoré"), CommissionMember("awa traoré ")]
    members += [CommissionMember("B"), CommissionMember("C")]
    members += [CommissionMember("D"), CommissionMember("E")]
    check = check_commission_composition("commune", members)
    assert check.codes.count("duplicate_member") == 1


@pytest.mark.article("6")
def test_convicted_contumax_bankrupt_and_deprived_may_not_sit():
    for bar in (Bar.CONVICTED, Bar.CONTUMACE, Bar.BANKRUPT, Bar.CIVIC_RIGHTS_DEPRIVED):
        verdict = member_may_sit(CommissionMember("X", bars=frozenset({bar})), "commune")
        assert not verdict.eligible
        assert verdict.blocking[0].articles == ("6",)
    assert member_may_sit(CommissionMember("Y"), "commune").eligible


@pytest.mark.article("7")
def test_ministers_party_leaders_candidates_and_state_representatives_may_not_sit():
    member = CommissionMember(
        "Z", bars=frozenset({Bar.GOVERNMENT_MEMBER, Bar.CANDIDATE, Bar.CONSUL})
    )
    verdict = member_may_sit(member, "embassy")
    assert not verdict.eligible
    assert len(verdict.blocking) == 3  # every ground, not only the first
    assert {r.articles for r in verdict.blocking} == {("7",)}
    members = [member, CommissionMember("A"), CommissionMember("B")]
    check = check_commission_composition("embassy", members)
    assert not check.valid and check.codes.count("bar_candidate") == 1


@pytest.mark.article("4")
@pytest.mark.article("6")
def test_ceni_members_need_civil_and_political_rights():
    member = CommissionMember("W", CeniCategory.BAR, civil_and_political_rights=False)
    assert not member_may_sit(member, "ceni").eligible
    assert member_may_sit(member, "commune").eligible  # Art. 4 speaks of the CENI


@pytest.mark.article("8")
def test_challenge_within_fifteen_days_of_publication_and_ruling_within_ten():
    d = commission_challenge_deadlines(date(2004, 3, 1))
    assert d.challenge_deadline == date(2004, 3, 16)
    assert d.ruling_deadline == date(2004, 3, 26)
    seized = commission_challenge_deadlines(date(2004, 3, 1), seized_on=date(2004, 3, 5))
    assert seized.ruling_deadline == date(2004, 3, 15)
    assert "quinze jours" in seized.steps[0].text


@pytest.mark.article("8")
def test_challenge_receivability():
    pub = date(2007, 2, 1)
    assert check_commission_challenge(pub, date(2007, 2, 16), "party").eligible
    late = check_commission_challenge(pub, date(2007, 2, 17), "candidate")
    assert not late.eligible and late.codes == ("challenge_late",)
    other = check_commission_challenge(pub, date(2007, 2, 2), "other")
    assert not other.eligible and "challenger_not_entitled" in other.codes
    with pytest.raises(LawError) as err:
        check_commission_challenge(pub, date(2007, 1, 31), "party")
    assert err.value.field == "seized_on"


@pytest.mark.article("8")
def test_appointing_act_decree_for_ceni_decision_for_the_others():
    assert "décret pris en Conseil des Ministres" in appointing_act("ceni").text
    assert "décision de la C.E.N.I." in appointing_act("cercle").text
