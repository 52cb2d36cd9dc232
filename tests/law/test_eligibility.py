"""Electors and candidates (Art. 18–24, 27–28, 51–54, 130–131, 176, 178–183)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalata.law.eligibility import (
    BannedRight,
    Conviction,
    CourtBan,
    ElectedCouncillor,
    ElectionKind,
    Kinship,
    KinshipLink,
    OffenceCategory,
    Office,
    OfficeKind,
    Person,
    add_months,
    age_on,
    candidate_eligibility,
    communal_candidate_eligibility,
    councillor_incompatibility,
    elector_eligibility,
    kinship_conflicts,
    multiple_council_conflicts,
    presidential_campaign_opening,
    presidential_candidate_eligibility,
)
from kalata.law.explain import LawError

PRES_2002 = date(2002, 4, 28)  # first round of the 2002 presidential election
COMMUNAL_2004 = date(2004, 5, 23)  # décret n°04-073/P-RM
COMMUNE = "KATI"

VOTER = Person(
    birth_date=date(1960, 1, 1),
    residence_since=date(1990, 1, 1),
    resides_in=COMMUNE,
    voter_list=COMMUNE,
    malian_by_origin=True,
)


def conviction(category=OffenceCategory.OTHER, final_on=date(2000, 3, 10), **kw) -> Conviction:
    return Conviction(category=category, final_on=final_on, **kw)


def convicted(*convictions: Conviction, **kw) -> Person:
    return replace(VOTER, convictions=convictions, **kw)


# --- Elector: Art. 18 ---------------------------------------------------------------------


@pytest.mark.article("18")
def test_malian_of_18_with_civic_rights_resident_six_months_is_an_elector():
    result = elector_eligibility(VOTER, PRES_2002)
    assert result.eligible
    assert result.codes == ("malian", "age_18", "civic_rights", "residence_six_months")
    assert not result.blocking
    assert all(s.articles for s in result.steps)


@pytest.mark.article("18")
def test_foreigner_is_not_an_elector():
    result = elector_eligibility(replace(VOTER, malian=False), PRES_2002)
    assert not result.eligible
    assert result.blocking[0].code == "not_malian"


@pytest.mark.article("18")
def test_person_without_civic_and_political_rights_is_not_an_elector():
    result = elector_eligibility(replace(VOTER, civic_rights=False), PRES_2002)
    assert not result.eligible
    assert "no_civic_rights" in result.codes


# --- Elector: age, Art. 18 and 24 al. 2 ---------------------------------------------------


@pytest.mark.article("18")
@pytest.mark.article("24")
def test_turning_18_later_in_the_year_of_the_vote_suffices():
    # Born 15 November 1984: 17 on 28 April 2002, 18 before the end of 2002.
    young = replace(VOTER, birth_date=date(1984, 11, 15))
    result = elector_eligibility(young, PRES_2002)
    assert result.eligible
    age = result.reasons[1]
    assert age.code == "age_18_in_election_year"
    assert "15 novembre 2002" in age.text_fr
    assert age.articles == ("18", "24")


@pytest.mark.article("18")
@pytest.mark.article("24")
@pytest.mark.parametrize(
    ("birth", "eligible"),
    [(date(1984, 12, 31), True), (date(1985, 1, 1), False), (date(1984, 4, 28), True)],
)
def test_age_of_18_is_assessed_in_the_calendar_year_of_the_vote(birth, eligible):
    result = elector_eligibility(replace(VOTER, birth_date=birth), PRES_2002)
    assert result.eligible is eligible
    if not eligible:
        assert result.blocking[0].code == "under_18"


@pytest.mark.article("24")
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_elector_age_depends_only_on_the_year_of_birth(birth):
    result = elector_eligibility(replace(VOTER, birth_date=birth), PRES_2002)
    assert result.eligible is (birth.year <= 1984)


# --- Elector: exclusions, Art. 19–22 ------------------------------------------------------


@pytest.mark.article("19")
def test_crime_conviction_excludes_during_the_prescription_of_the_sentence():
    c = conviction(OffenceCategory.CRIME, prescription_ends=date(2020, 3, 10))
    during = elector_eligibility(convicted(c), PRES_2002)
    assert not during.eligible
    assert during.blocking[0].code == "crime_conviction"
    after = elector_eligibility(convicted(c), date(2020, 3, 15))
    assert after.eligible
    assert "crime_conviction_over" in after.codes


@pytest.mark.article("19")
def test_unknown_end_of_prescription_keeps_the_exclusion_running():
    result = elector_eligibility(convicted(conviction(OffenceCategory.CRIME)), date(2040, 1, 1))
    assert not result.eligible
    assert "n'est pas renseignée" in result.blocking[0].text_fr


@pytest.mark.article("19")
@pytest.mark.parametrize(
    ("months", "excluded"),
    [(1, False), (Fraction(31, 30), True), (2, True)],
)
def test_listed_offence_excludes_above_one_month_of_prison(months, excluded):
    c = conviction(
        OffenceCategory.LISTED,
        label="vol",
        prison_months=months,
        prison_suspended=True,
        prescription_ends=date(2005, 3, 10),
    )
    result = elector_eligibility(convicted(c), PRES_2002)
    assert result.eligible is not excluded
    if excluded:
        assert result.blocking[0].code == "listed_offence_over_one_month"
        assert "vol" in result.blocking[0].text_fr


@pytest.mark.article("19")
@pytest.mark.article("20")
@pytest.mark.parametrize(
    ("months", "code"),
    [
        (1, "conviction_no_exclusion"),
        (2, "offence_one_to_three_months"),
        (3, "offence_one_to_three_months"),
        (4, "offence_over_three_months"),
    ],
)
def test_other_offences_exclude_by_length_of_prison(months, code):
    c = conviction(prison_months=months, prescription_ends=date(2005, 3, 10))
    result = elector_eligibility(convicted(c), PRES_2002)
    assert code in result.codes
    assert result.eligible is (code == "conviction_no_exclusion")
    if code == "offence_one_to_three_months":
        assert result.blocking[0].articles == ("20",)


@pytest.mark.article("20")
def test_five_years_run_from_the_day_the_conviction_became_final():
    p = convicted(conviction(prison_months=2, final_on=date(2000, 3, 10)))
    assert not elector_eligibility(p, date(2005, 3, 10)).eligible
    later = elector_eligibility(p, date(2005, 3, 11))
    assert later.eligible
    assert "offence_one_to_three_months_over" in later.codes


@pytest.mark.article("20")
@pytest.mark.parametrize(
    ("fine", "suspended", "excluded"),
    [(200_000, False, False), (200_001, False, True), (500_000, True, False)],
)
def test_unsuspended_fine_above_200000_francs_excludes_five_years(fine, suspended, excluded):
    c = conviction(OffenceCategory.LISTED, label="escroquerie", fine=fine, fine_suspended=suspended)
    result = elector_eligibility(convicted(c), PRES_2002)
    assert result.eligible is not excluded
    if excluded:
        assert result.blocking[0].code == "fine_over_200000"


@pytest.mark.article("21")
def test_court_ban_on_voting_lasts_as_long_as_the_judgment_says():
    ban = CourtBan(BannedRight.VOTE, pronounced_on=date(2001, 1, 15), until=date(2003, 1, 14))
    p = replace(VOTER, court_bans=(ban,))
    during = elector_eligibility(p, PRES_2002)
    assert not during.eligible
    assert during.blocking[0].articles == ("21",)
    assert elector_eligibility(p, date(2003, 1, 15)).eligible


@pytest.mark.article("19")
def test_court_ban_on_voting_without_term_excludes():
    ban = CourtBan(BannedRight.VOTE, pronounced_on=date(2001, 1, 15))
    result = elector_eligibility(replace(VOTER, court_bans=(ban,)), date(2030, 1, 1))
    assert not result.eligible
    assert result.blocking[0].code == "court_vote_ban"


@pytest.mark.article("22")
def test_negligence_offence_does_not_exclude_unless_with_hit_and_run():
    c = conviction(OffenceCategory.NEGLIGENCE, prison_months=6, prescription_ends=date(2005, 3, 10))
    plain = elector_eligibility(convicted(c), PRES_2002)
    assert plain.eligible
    assert "negligence_no_exclusion" in plain.codes
    fled = elector_eligibility(convicted(replace(c, hit_and_run=True)), PRES_2002)
    assert not fled.eligible
    assert {"negligence_hit_and_run", "offence_over_three_months"} <= set(fled.codes)


@pytest.mark.article("19")
@pytest.mark.parametrize(
    ("flag", "code"),
    [
        ("in_contumacy", "contumacy"),
        ("undischarged_bankrupt", "undischarged_bankrupt"),
        ("incapable_adult", "incapable_adult"),
    ],
)
def test_contumax_undischarged_bankrupt_and_incapable_adult_are_not_registered(flag, code):
    result = elector_eligibility(replace(VOTER, **{flag: True}), PRES_2002)
    assert not result.eligible
    assert result.blocking[0].code == code


@pytest.mark.article("19")
def test_conviction_not_yet_final_on_polling_day_does_not_exclude():
    c = conviction(prison_months=6, final_on=date(2002, 5, 1), prescription_ends=date(2007, 5, 1))
    result = elector_eligibility(convicted(c), PRES_2002)
    assert result.eligible
    assert "offence_over_three_months_not_yet" in result.codes


@pytest.mark.article("19")
@pytest.mark.article("20")
def test_every_ground_of_exclusion_is_reported():
    crime = conviction(OffenceCategory.CRIME, prescription_ends=date(2020, 1, 1))
    fine = conviction(fine=300_000)
    result = elector_eligibility(convicted(crime, fine, in_contumacy=True), PRES_2002)
    assert {r.code for r in result.blocking} == {
        "contumacy",
        "crime_conviction",
        "fine_over_200000",
    }


@pytest.mark.article("19")
def test_negative_sentence_is_refused():
    with pytest.raises(LawError):
        conviction(prison_months=-1)
    with pytest.raises(LawError):
        conviction(fine=-5)


# --- Elector: residence, Art. 24, 27, 28 --------------------------------------------------


@pytest.mark.article("24")
@pytest.mark.parametrize(
    ("since", "eligible"),
    [(date(2001, 7, 1), True), (date(2001, 7, 2), False), (date(2001, 6, 30), True)],
)
def test_six_months_of_residence_at_31_december_before_the_vote(since, eligible):
    result = elector_eligibility(replace(VOTER, residence_since=since), PRES_2002)
    assert result.eligible is eligible
    assert "31 décembre 2001" in result.reasons[-1].text_fr


@pytest.mark.article("24")
def test_residence_at_closing_of_an_exceptional_revision():
    p = replace(VOTER, residence_since=date(2001, 9, 1))
    assert not elector_eligibility(p, PRES_2002).eligible
    assert elector_eligibility(p, PRES_2002, list_closed_on=date(2002, 3, 1)).eligible


@pytest.mark.article("24")
def test_unknown_residence_is_not_presumed():
    result = elector_eligibility(replace(VOTER, residence_since=None), PRES_2002)
    assert not result.eligible
    assert result.blocking[0].code == "residence_unknown"


@pytest.mark.article("27")
def test_soldier_in_service_is_registered_where_he_resides_without_six_months():
    soldier = replace(VOTER, residence_since=date(2001, 11, 1), forces_member=True)
    result = elector_eligibility(soldier, PRES_2002)
    assert result.eligible
    assert result.reasons[-1].code == "forces_registered_where_resident"


@pytest.mark.article("28")
def test_malian_abroad_votes_if_registered_at_the_consulate_or_embassy():
    abroad = replace(VOTER, residence_since=None, resides_abroad=True)
    assert not elector_eligibility(abroad, PRES_2002).eligible
    registered = elector_eligibility(replace(abroad, consular_registration=True), PRES_2002)
    assert registered.eligible
    assert registered.reasons[-1].articles == ("28",)


# --- Candidates, general: Art. 51–54 ------------------------------------------------------


@pytest.mark.article("51")
@pytest.mark.article("52")
@pytest.mark.parametrize("kind", ["legislative", "national_councillors"])
def test_general_eligibility_rules_do_not_apply_to_deputies_and_national_councillors(kind):
    with pytest.raises(LawError) as err:
        candidate_eligibility(VOTER, PRES_2002, kind)
    assert err.value.code == "chapter_vi_not_applicable"
    assert "51" in err.value.articles


@pytest.mark.article("52")
def test_registered_malian_is_eligible():
    result = candidate_eligibility(VOTER, PRES_2002, ElectionKind.PRESIDENTIAL)
    assert result.eligible
    assert "registered" in result.codes


@pytest.mark.article("52")
def test_unregistered_person_who_shows_he_should_be_registered_is_eligible():
    result = candidate_eligibility(replace(VOTER, voter_list=None), PRES_2002, "communal")
    assert result.eligible
    assert "entitled_to_registration" in result.codes


@pytest.mark.article("52")
def test_unregistered_person_without_the_conditions_of_registration_is_not_eligible():
    p = replace(VOTER, voter_list=None, residence_since=date(2001, 12, 1))
    result = candidate_eligibility(p, PRES_2002, "communal")
    assert not result.eligible
    assert result.blocking[0].code == "not_registered"
    assert "moins de six mois" in result.blocking[0].text_fr


@pytest.mark.article("53")
def test_person_deprived_of_the_vote_is_ineligible():
    result = candidate_eligibility(replace(VOTER, in_contumacy=True), PRES_2002, "presidential")
    assert not result.eligible
    assert result.blocking[0].code == "contumacy"
    assert "53" in result.blocking[0].articles


@pytest.mark.article("53")
@pytest.mark.article("20")
def test_temporary_deprivation_makes_ineligible_for_double_the_period():
    # Art. 20: five years from 10 March 2000; Art. 53: ten years, until 10 March 2010.
    p = convicted(conviction(prison_months=2, final_on=date(2000, 3, 10)))
    assert elector_eligibility(p, date(2007, 4, 29)).eligible
    during = candidate_eligibility(p, date(2007, 4, 29), "presidential")
    assert not during.eligible
    assert during.blocking[0].code == "offence_one_to_three_months_ineligible"
    assert "10 mars 2010" in during.blocking[0].text_fr
    assert not candidate_eligibility(p, date(2010, 3, 10), "presidential").eligible
    after = candidate_eligibility(p, date(2010, 3, 11), "presidential")
    assert after.eligible
    assert "offence_one_to_three_months_double_over" in after.codes


@pytest.mark.article("53")
@pytest.mark.article("21")
def test_court_ban_on_voting_doubles_for_eligibility():
    ban = CourtBan(BannedRight.VOTE, pronounced_on=date(2001, 1, 1), until=date(2002, 1, 1))
    p = replace(VOTER, court_bans=(ban,))
    assert elector_eligibility(p, date(2002, 6, 1)).eligible
    assert not candidate_eligibility(p, date(2002, 6, 1), "communal").eligible
    assert not candidate_eligibility(p, date(2003, 1, 1), "communal").eligible
    assert candidate_eligibility(p, date(2003, 1, 2), "communal").eligible


@pytest.mark.article("54")
def test_judicial_deprivation_of_eligibility():
    ban = CourtBan(BannedRight.ELIGIBILITY, pronounced_on=date(2001, 1, 1), until=date(2004, 1, 1))
    p = replace(VOTER, court_bans=(ban,))
    assert elector_eligibility(p, PRES_2002).eligible
    result = candidate_eligibility(p, PRES_2002, "presidential")
    assert not result.eligible
    assert result.blocking[0].code == "court_eligibility_ban"
    assert candidate_eligibility(p, COMMUNAL_2004, "communal").eligible


@pytest.mark.article("54")
def test_electoral_corruption_makes_ineligible_for_two_years():
    c = conviction(final_on=date(2002, 6, 1), fine=100_000, electoral_corruption=True)
    p = convicted(c)
    assert elector_eligibility(p, date(2004, 6, 1)).eligible
    during = candidate_eligibility(p, date(2004, 6, 1), "communal")
    assert not during.eligible
    assert during.blocking[0].code == "electoral_corruption"
    after = candidate_eligibility(p, date(2004, 6, 2), "communal")
    assert after.eligible
    assert "electoral_corruption_over" in after.codes


# --- President: Art. 130–131 --------------------------------------------------------------


@pytest.mark.article("130")
def test_malian_by_origin_aged_35_on_polling_day_is_eligible_to_the_presidency():
    result = presidential_candidate_eligibility(VOTER, PRES_2002)
    assert result.eligible
    assert {"malian_by_origin", "age_35", "not_forces_member"} <= set(result.codes)


@pytest.mark.article("130")
@pytest.mark.parametrize(
    ("birth", "eligible"), [(date(1967, 4, 28), True), (date(1967, 4, 29), False)]
)
def test_presidential_candidate_must_be_35_on_polling_day_itself(birth, eligible):
    result = presidential_candidate_eligibility(replace(VOTER, birth_date=birth), PRES_2002)
    assert result.eligible is eligible


@pytest.mark.article("130")
def test_naturalised_malian_cannot_stand_for_president():
    result = presidential_candidate_eligibility(replace(VOTER, malian_by_origin=False), PRES_2002)
    assert not result.eligible
    assert result.blocking[0].code == "not_malian_by_origin"


@pytest.mark.article("130")
def test_candidate_without_civic_rights_cannot_stand_for_president():
    result = presidential_candidate_eligibility(replace(VOTER, civic_rights=False), PRES_2002)
    assert not result.eligible
    assert "130" in result.blocking[0].articles


@pytest.mark.article("59")
def test_presidential_campaign_opens_on_the_21st_day_before_the_vote():
    assert presidential_campaign_opening(PRES_2002) == date(2002, 4, 7)


@pytest.mark.article("131")
@pytest.mark.parametrize(
    ("left_on", "code"),
    [
        (date(2001, 10, 7), "forces_resigned_in_time"),
        (date(2001, 10, 8), "forces_resigned_too_late"),
        (None, "forces_not_resigned"),
    ],
)
def test_soldier_must_resign_six_months_before_the_campaign_opens(left_on, code):
    # Campaign opens 7 April 2002: resignation on 7 October 2001 at the latest.
    soldier = replace(VOTER, forces_member=True, forces_left_on=left_on)
    result = presidential_candidate_eligibility(soldier, PRES_2002)
    assert code in result.codes
    assert result.eligible is (code == "forces_resigned_in_time")


@pytest.mark.article("131")
def test_campaign_opening_given_by_the_decree_is_used():
    soldier = replace(VOTER, forces_member=True, forces_left_on=date(2001, 10, 8))
    result = presidential_candidate_eligibility(soldier, PRES_2002, campaign_opens=date(2002, 4, 8))
    assert result.eligible


# --- Communal councillors: Art. 176, 178–182 ----------------------------------------------


@pytest.mark.article("176")
def test_elector_of_the_commune_turning_21_in_the_year_of_the_vote_is_eligible():
    young = replace(VOTER, birth_date=date(1983, 12, 15))
    result = communal_candidate_eligibility(young, COMMUNAL_2004, COMMUNE)
    assert result.eligible
    assert "age_21_in_election_year" in result.codes


@pytest.mark.article("176")
def test_turning_21_the_year_after_the_vote_is_too_late():
    result = communal_candidate_eligibility(
        replace(VOTER, birth_date=date(1984, 1, 1)), COMMUNAL_2004, COMMUNE
    )
    assert not result.eligible
    assert [r.code for r in result.blocking] == ["under_21"]


@pytest.mark.article("176")
def test_candidate_must_be_an_elector_of_the_commune():
    result = communal_candidate_eligibility(VOTER, COMMUNAL_2004, "KOULIKORO")
    assert not result.eligible
    assert result.blocking[0].code == "not_elector_of_commune"


@pytest.mark.article("178")
@pytest.mark.parametrize(
    ("ended_on", "eligible"),
    [(None, False), (date(2004, 1, 10), False), (date(2003, 11, 23), True)],
)
def test_official_cannot_be_elected_where_he_served_less_than_six_months_ago(ended_on, eligible):
    office = Office(OfficeKind.MAGISTRATE, area=COMMUNE, ended_on=ended_on)
    result = communal_candidate_eligibility(
        replace(VOTER, offices=(office,)), COMMUNAL_2004, COMMUNE
    )
    assert result.eligible is eligible
    if not eligible:
        assert result.blocking[0].articles == ("178",)


@pytest.mark.article("178")
def test_office_over_a_cercle_bars_its_communes_but_not_others():
    prefect = Office(OfficeKind.STATE_REPRESENTATIVE, area="CERCLE-KATI")
    p = replace(VOTER, offices=(prefect,))
    barred = communal_candidate_eligibility(p, COMMUNAL_2004, COMMUNE, areas=["CERCLE-KATI"])
    assert not barred.eligible
    assert communal_candidate_eligibility(p, COMMUNAL_2004, COMMUNE, areas=["CERCLE-X"]).eligible


@pytest.mark.article("179")
@pytest.mark.parametrize(
    "flag",
    ["statute_bars_eligibility", "exempt_from_communal_charges", "permanent_public_assistance"],
)
def test_statuses_that_make_ineligible_to_communal_councils(flag):
    result = communal_candidate_eligibility(replace(VOTER, **{flag: True}), COMMUNAL_2004, COMMUNE)
    assert not result.eligible
    assert result.blocking[0].code == flag
    assert result.blocking[0].articles == ("179",)


@pytest.mark.article("180")
def test_communal_employee_ineligible_during_functions_and_six_months_after():
    working = Office(OfficeKind.COMMUNAL_EMPLOYEE, area=COMMUNE)
    left = Office(OfficeKind.COMMUNAL_ACCOUNTANT, area=COMMUNE, ended_on=date(2003, 12, 1))
    long_ago = Office(OfficeKind.PUBLIC_WORKS, area=COMMUNE, ended_on=date(2003, 11, 1))
    for office, eligible in ((working, False), (left, False), (long_ago, True)):
        result = communal_candidate_eligibility(
            replace(VOTER, offices=(office,)), COMMUNAL_2004, COMMUNE
        )
        assert result.eligible is eligible


@pytest.mark.article("180")
def test_professional_paid_by_the_commune_for_his_services_only_is_not_barred():
    doctor = Office(OfficeKind.COMMUNAL_EMPLOYEE, area=COMMUNE, professional_fee_only=True)
    result = communal_candidate_eligibility(
        replace(VOTER, offices=(doctor,)), COMMUNAL_2004, COMMUNE
    )
    assert result.eligible
    assert "communal_fee_professional" in result.codes


@pytest.mark.article("180")
def test_communal_function_in_another_commune_does_not_bar():
    clerk = Office(OfficeKind.COMMUNAL_EMPLOYEE, area="KOULIKORO")
    p = replace(VOTER, offices=(clerk,))
    assert communal_candidate_eligibility(p, COMMUNAL_2004, COMMUNE).eligible


@pytest.mark.article("181")
def test_councillor_declared_resigned_is_ineligible_at_the_next_renewal():
    p = replace(VOTER, declared_resigned_on=(date(2001, 6, 1),))
    at_renewal = communal_candidate_eligibility(
        p, COMMUNAL_2004, COMMUNE, previous_renewal=date(1999, 6, 6)
    )
    assert not at_renewal.eligible
    assert at_renewal.blocking[0].code == "declared_resigned"
    by_election = communal_candidate_eligibility(p, COMMUNAL_2004, COMMUNE, general_renewal=False)
    assert by_election.eligible
    assert "resigned_not_renewal" in by_election.codes


@pytest.mark.article("181")
def test_resignation_declared_in_an_earlier_mandate_no_longer_bars():
    p = replace(VOTER, declared_resigned_on=(date(1998, 6, 1),))
    result = communal_candidate_eligibility(
        p, COMMUNAL_2004, COMMUNE, previous_renewal=date(1999, 6, 6)
    )
    assert result.eligible
    assert "declared_resigned_before" in result.codes


@pytest.mark.article("182")
def test_nobody_may_sit_on_two_communal_councils():
    p = replace(VOTER, sits_on=("KOULIKORO",))
    by_election = communal_candidate_eligibility(p, COMMUNAL_2004, COMMUNE, general_renewal=False)
    assert not by_election.eligible
    assert by_election.blocking[0].code == "member_of_other_council"
    renewal = communal_candidate_eligibility(p, COMMUNAL_2004, COMMUNE)
    assert renewal.eligible


@pytest.mark.article("182")
def test_person_elected_in_two_communes_is_reported():
    elected = [
        ElectedCouncillor("Moussa", "KATI", "L1"),
        ElectedCouncillor("Moussa", "KOULIKORO", "L9"),
        ElectedCouncillor("Awa", "KATI", "L1"),
    ]
    conflicts = multiple_council_conflicts(elected)
    assert len(conflicts) == 1
    assert conflicts[0].persons == ("Moussa",)
    assert conflicts[0].reason.articles == ("182",)


# --- Art. 184 -----------------------------------------------------------------------------


@pytest.mark.article("184")
def test_councillor_taking_a_communal_function_must_opt_within_thirty_days():
    office = Office(OfficeKind.COMMUNAL_ACCOUNTANT, area=COMMUNE)
    arose = date(2005, 3, 1)
    within = councillor_incompatibility(office, COMMUNE, arose, date(2005, 3, 31))
    assert within.eligible and within.codes == ("must_opt",)
    late = councillor_incompatibility(office, COMMUNE, arose, date(2005, 4, 1))
    assert not late.eligible
    assert late.codes == ("declared_resigned_incompatibility",)
    opted = councillor_incompatibility(office, COMMUNE, arose, date(2005, 4, 1), opted=True)
    assert opted.eligible


@pytest.mark.article("184")
def test_only_article_180_functions_in_the_commune_are_incompatible():
    other = Office(OfficeKind.MAGISTRATE, area=COMMUNE)
    assert councillor_incompatibility(other, COMMUNE, date(2005, 3, 1), date(2006, 1, 1)).eligible
    elsewhere = Office(OfficeKind.COMMUNAL_EMPLOYEE, area="KOULIKORO")
    assert councillor_incompatibility(
        elsewhere, COMMUNE, date(2005, 3, 1), date(2006, 1, 1)
    ).eligible


# --- Art. 183 -----------------------------------------------------------------------------


@pytest.mark.article("183")
def test_spouses_on_the_same_list_cannot_sit_together():
    elected = [ElectedCouncillor("A", COMMUNE, "L1"), ElectedCouncillor("B", COMMUNE, "L1")]
    conflicts = kinship_conflicts(elected, [KinshipLink("A", "B", Kinship.SPOUSE)])
    assert len(conflicts) == 1
    assert conflicts[0].persons == ("A", "B")
    assert "conjoints" in conflicts[0].reason.text_fr
    assert "ne dit pas lequel" in conflicts[0].reason.text_fr


@pytest.mark.article("183")
def test_relatives_of_different_parties_on_different_lists_may_sit_together():
    elected = [
        ElectedCouncillor("A", COMMUNE, "L1", party="ADEMA"),
        ElectedCouncillor("B", COMMUNE, "L2", party="RPM"),
    ]
    assert kinship_conflicts(elected, [KinshipLink("A", "B", Kinship.SIBLING)]) == ()


@pytest.mark.article("183")
def test_siblings_of_the_same_party_on_different_lists_cannot_sit_together():
    # Siblings known through their common parent.
    elected = [
        ElectedCouncillor("A", COMMUNE, "L1", party="ADEMA"),
        ElectedCouncillor("B", COMMUNE, "L2", party="ADEMA"),
    ]
    links = [KinshipLink("P", "A", Kinship.PARENT), KinshipLink("P", "B", Kinship.PARENT)]
    conflicts = kinship_conflicts(elected, links)
    assert len(conflicts) == 1
    assert "frères ou sœurs" in conflicts[0].reason.text_fr


@pytest.mark.article("183")
def test_grandparent_and_grandchild_are_ascendant_and_descendant():
    elected = [ElectedCouncillor("G", COMMUNE, "L1"), ElectedCouncillor("C", COMMUNE, "L1")]
    links = [KinshipLink("G", "P", Kinship.PARENT), KinshipLink("P", "C", Kinship.PARENT)]
    conflicts = kinship_conflicts(elected, links)
    assert [c.persons for c in conflicts] == [("C", "G")]
    assert "ascendant" in conflicts[0].reason.text_fr


@pytest.mark.article("183")
def test_in_laws_and_other_communes_are_not_covered():
    elected = [
        ElectedCouncillor("A", COMMUNE, "L1"),
        ElectedCouncillor("C", COMMUNE, "L1"),
        ElectedCouncillor("B", "KOULIKORO", "L1"),
    ]
    # A's spouse B sits elsewhere; C is B's sibling, A's in-law.
    links = [KinshipLink("A", "B", Kinship.SPOUSE), KinshipLink("B", "C", Kinship.SIBLING)]
    assert kinship_conflicts(elected, links) == ()


# --- Dates --------------------------------------------------------------------------------


@pytest.mark.article("20")
def test_date_arithmetic_clamps_to_month_end_and_counts_birthdays():
    assert add_months(date(2001, 8, 31), 6) == date(2002, 2, 28)
    assert add_months(date(2002, 1, 1), -6) == date(2001, 7, 1)
    assert age_on(date(1984, 2, 29), date(2002, 2, 28)) == 17
    assert age_on(date(1984, 2, 29), date(2002, 3, 1)) == 18
