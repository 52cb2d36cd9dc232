"""The legal calendar (kalata.law.calendar): deadlines, counting of delays, decreed calendars."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalata.law.calendar import (
    ARTICLES,
    EVENT_LABELS,
    Bound,
    ElectionType,
    check_decreed_calendar,
    fr_date,
    legal_calendar,
    months_before,
    parse_election_type,
    second_sunday_after,
)
from kalata.law.explain import LawError

P = ElectionType.PRESIDENTIAL
L = ElectionType.LEGISLATIVE
C = ElectionType.COMMUNAL
R = ElectionType.REFERENDUM
N = ElectionType.NATIONAL_COUNCILLORS

COMMUNAL_2004 = date(2004, 5, 23)
PRESIDENTIAL_2007 = date(2007, 4, 29)
PRESIDENTIAL_2002 = date(2002, 4, 28)
LEGISLATIVE_2007 = date(2007, 7, 1)

sundays = st.dates(date(2000, 1, 1), date(2099, 12, 31)).map(
    lambda d: d + timedelta(days=(6 - d.weekday()) % 7)
)
types = st.sampled_from(list(ElectionType))


def when(election_type, polling_date, event):
    """(date, time) of an event of the legal calendar."""
    d = legal_calendar(election_type, polling_date)[event]
    return d.date, d.time


def deviations(election_type, polling_date, **decreed):
    return check_decreed_calendar(election_type, polling_date, decreed)


# --- The seed facts: 2004 communal (decrees 04-073, 04-074) ----------------------------------


@pytest.mark.article("59")
def test_communal_2004_campaign_opens_friday_7_may_at_0h_and_closes_friday_21_may_at_midnight():
    assert when(C, COMMUNAL_2004, "campaign_opens") == (date(2004, 5, 7), "00:00")
    assert when(C, COMMUNAL_2004, "campaign_closes") == (date(2004, 5, 21), "24:00")
    # As decree n°04-074 writes them.
    assert fr_date(date(2004, 5, 7)) == "vendredi 7 mai 2004"
    assert fr_date(date(2004, 5, 21)) == "vendredi 21 mai 2004"


@pytest.mark.article("77")
def test_communal_2004_convocation_of_5_march_is_at_least_sixty_days_before():
    assert when(C, COMMUNAL_2004, "convocation_latest") == (date(2004, 3, 24), None)
    assert deviations(C, COMMUNAL_2004, convocation_latest=date(2004, 3, 5)) == []


@pytest.mark.article("59")
@pytest.mark.article("77")
@pytest.mark.article("78")
def test_communal_2004_decreed_calendar_has_no_deviation():
    decreed = {
        "convocation_latest": date(2004, 3, 5),  # decree 04-073 of 5 March 2004
        "campaign_opens": datetime(2004, 5, 7, 0, 0),  # "le vendredi 07 mai 2004 à 0 heure"
        "campaign_closes": datetime(2004, 5, 22, 0, 0),  # "le vendredi 21 mai 2004 à minuit"
        "polling_day": date(2004, 5, 23),  # "le dimanche 23 mai 2004"
    }
    assert check_decreed_calendar(C, COMMUNAL_2004, decreed) == []
    assert legal_calendar(C, COMMUNAL_2004).warnings == ()


# --- The seed facts: presidential 2002 and 2007 ----------------------------------------------


@pytest.mark.article("59")
def test_presidential_2007_campaign_runs_8_april_to_midnight_27_april():
    assert when(P, PRESIDENTIAL_2007, "campaign_opens") == (date(2007, 4, 8), "00:00")
    assert when(P, PRESIDENTIAL_2007, "campaign_closes") == (date(2007, 4, 27), "24:00")


@pytest.mark.article("127")
def test_presidential_second_round_is_the_second_sunday_after():
    assert when(P, PRESIDENTIAL_2007, "second_round") == (date(2007, 5, 13), None)
    assert when(P, PRESIDENTIAL_2002, "second_round") == (date(2002, 5, 12), None)


@pytest.mark.article("49")
def test_presidential_2007_card_distribution_begins_thirty_days_before_on_30_march():
    assert when(P, PRESIDENTIAL_2007, "card_distribution_opens") == (date(2007, 3, 30), None)


@pytest.mark.article("141")
def test_presidential_2007_provisional_results_due_within_five_days_by_4_may():
    assert when(P, PRESIDENTIAL_2007, "provisional_results_deadline") == (date(2007, 5, 4), None)
    # Full provisional results were announced on 3 May, revised on 4 May: both in time.
    assert deviations(P, PRESIDENTIAL_2007, provisional_results_deadline=date(2007, 5, 4)) == []
    late = deviations(P, PRESIDENTIAL_2007, provisional_results_deadline=date(2007, 5, 5))
    assert [(d.status, d.articles) for d in late] == [("too_late", ("141",))]


@pytest.mark.article("49")
@pytest.mark.article("59")
@pytest.mark.article("127")
@pytest.mark.article("141")
def test_presidential_2007_decreed_calendar_has_no_deviation():
    decreed = {
        "card_distribution_opens": date(2007, 3, 30),
        "campaign_opens": date(2007, 4, 8),
        "campaign_closes": datetime(2007, 4, 28, 0, 0),
        "polling_day": PRESIDENTIAL_2007,
        "provisional_results_deadline": date(2007, 5, 4),
        "second_round": date(2007, 5, 13),
    }
    assert check_decreed_calendar(P, PRESIDENTIAL_2007, decreed) == []


# --- The seed facts: legislative 2007 --------------------------------------------------------


@pytest.mark.article("59")
@pytest.mark.article("149")
def test_legislative_2007_campaign_10_to_29_june_and_provisional_results_by_6_july():
    assert when(L, LEGISLATIVE_2007, "campaign_opens") == (date(2007, 6, 10), "00:00")
    assert when(L, LEGISLATIVE_2007, "campaign_closes") == (date(2007, 6, 29), "24:00")
    assert when(L, LEGISLATIVE_2007, "provisional_results_deadline") == (date(2007, 7, 6), None)


@pytest.mark.article("144")
def test_legislative_second_round_is_the_second_sunday_after_the_first_round():
    assert when(L, LEGISLATIVE_2007, "second_round") == (date(2007, 7, 15), None)


@pytest.mark.article("144")
@pytest.mark.article("149")
def test_legislative_2007_second_round_held_22_july_is_named_as_a_deviation_from_art_144():
    # The 2007 run-off was held three weeks after the first round (see the comment on the
    # second_round rule in kalata/law/calendar.py): the law's date is 15 July.
    decreed = {
        "campaign_opens": date(2007, 6, 10),
        "campaign_closes": date(2007, 6, 29),
        "polling_day": LEGISLATIVE_2007,
        "provisional_results_deadline": date(2007, 7, 6),
        "second_round": date(2007, 7, 22),
        # Counted from the decreed run-off, the second-round results are not late.
        "second_round_provisional_results_deadline": date(2007, 7, 27),
    }
    found = check_decreed_calendar(L, LEGISLATIVE_2007, decreed)
    assert len(found) == 1
    (deviation,) = found
    assert deviation.event == "second_round"
    assert deviation.articles == ("144",)
    assert deviation.status == "too_late" and deviation.breach
    assert deviation.legal_date == date(2007, 7, 15)
    assert deviation.decreed == date(2007, 7, 22)
    assert "dimanche 15 juillet 2007" in deviation.message_fr
    assert "dimanche 22 juillet 2007" in deviation.message_fr
    assert "art. 144" in deviation.message_fr and "7 jours trop tard" in deviation.message_fr


# --- Convocation: ordinary delay and délai franc ---------------------------------------------


@pytest.mark.article("77")
@pytest.mark.article("128")
def test_presidential_convocation_is_a_clear_delay_one_day_earlier_than_the_others():
    assert when(P, PRESIDENTIAL_2007, "convocation_latest") == (date(2007, 2, 27), None)
    assert when(L, PRESIDENTIAL_2007, "convocation_latest") == (date(2007, 2, 28), None)
    explanation = legal_calendar(P, PRESIDENTIAL_2007)["convocation_latest"].explanation_fr
    assert "délai franc" in explanation and "128" in explanation


@pytest.mark.article("77")
@pytest.mark.article("128")
@pytest.mark.parametrize(
    ("election_type", "last_compliant_day"),
    [(P, 61), (L, 60), (C, 60), (R, 60)],
)
def test_convocation_published_on_the_last_day_complies_and_a_day_later_is_late(
    election_type, last_compliant_day
):
    polling = PRESIDENTIAL_2007
    on_time = polling - timedelta(days=last_compliant_day)
    assert deviations(election_type, polling, convocation_latest=on_time) == []
    (late,) = deviations(election_type, polling, convocation_latest=on_time + timedelta(days=1))
    assert late.status == "too_late"
    assert "77" in late.articles
    assert ("128" in late.articles) == (election_type is P)


@pytest.mark.article("77")
@pytest.mark.article("171")
@pytest.mark.article("172")
def test_national_councillors_have_no_minimum_convocation_delay():
    cal = legal_calendar(N, PRESIDENTIAL_2007)
    assert cal.get("convocation_latest") is None
    (decreed,) = deviations(N, PRESIDENTIAL_2007, convocation_latest=date(2007, 4, 1))
    assert decreed.status == "not_in_law" and not decreed.breach


# --- Sunday ----------------------------------------------------------------------------------


@pytest.mark.article("78")
def test_polling_day_not_a_sunday_gives_a_warning():
    cal = legal_calendar(C, date(2004, 5, 22))
    assert len(cal.warnings) == 1
    assert cal.warnings[0].articles == ("78",)
    assert str(cal.warnings[0]) == (
        "Le 22 mai 2004 est un samedi : le scrutin a lieu un dimanche. (art. 78)"
    )


@pytest.mark.article("78")
@pytest.mark.article("127")
def test_presidential_not_a_sunday_also_explains_where_the_second_round_falls():
    cal = legal_calendar(P, date(2007, 4, 28))
    assert [w.articles for w in cal.warnings] == [("78",), ("127",)]
    # Saturday 28 April: the Sundays that follow are 29 April and 6 May.
    assert cal["second_round"].date == date(2007, 5, 6)


@pytest.mark.article("78")
@given(types, sundays)
def test_a_sunday_gives_no_warning(election_type, polling):
    assert legal_calendar(election_type, polling).warnings == ()


@pytest.mark.article("78")
@pytest.mark.article("172")
def test_article_78_does_not_bind_national_councillors():
    cal = legal_calendar(N, date(2007, 4, 28))
    assert cal.warnings == ()
    assert any("78" in s.articles for s in cal.steps)


# --- Candidacies -----------------------------------------------------------------------------


@pytest.mark.article("133")
def test_presidential_candidacy_closes_on_the_thirtieth_day_before():
    assert when(P, PRESIDENTIAL_2007, "candidacy_deadline") == (date(2007, 3, 30), None)
    assert deviations(P, PRESIDENTIAL_2007, candidacy_deadline=date(2007, 3, 30)) == []
    (late,) = deviations(P, PRESIDENTIAL_2007, candidacy_deadline=date(2007, 3, 31))
    assert late.status == "too_late" and late.articles == ("133",)


@pytest.mark.article("133")
def test_presidential_candidacies_open_at_the_publication_of_the_convocation_decree():
    cal = legal_calendar(P, PRESIDENTIAL_2007)
    assert cal["candidacy_opens"].date is None  # the decree may come any day up to P - 61
    assert cal["candidacy_opens"].kind is Bound.EARLIEST
    early = deviations(
        P,
        PRESIDENTIAL_2007,
        convocation_latest=date(2007, 2, 20),
        candidacy_opens=date(2007, 2, 19),
    )
    assert [(d.event, d.status) for d in early] == [("candidacy_opens", "too_early")]
    assert (
        deviations(
            P,
            PRESIDENTIAL_2007,
            convocation_latest=date(2007, 2, 20),
            candidacy_opens=date(2007, 2, 20),
        )
        == []
    )


@pytest.mark.article("135")
def test_presidential_deposit_within_two_days_of_a_declaration_on_the_last_day():
    d = legal_calendar(P, PRESIDENTIAL_2007)["deposit_deadline"]
    assert (d.date, d.relative_to) == (date(2007, 4, 1), "candidacy_deadline")


@pytest.mark.article("68")
@pytest.mark.article("135")
@pytest.mark.article("139")
def test_presidential_candidates_pay_the_deposit_not_the_article_68_fee():
    cal = legal_calendar(P, PRESIDENTIAL_2007)
    assert cal.get("fee_deadline") is None
    assert cal.get("deposit_deadline") is not None


@pytest.mark.article("57")
@pytest.mark.article("136")
@pytest.mark.article("137")
def test_presidential_challenge_runs_24_hours_from_the_courts_publication():
    cal = legal_calendar(P, PRESIDENTIAL_2007)
    assert cal["candidate_lists_published"].date is None
    assert cal["candidacy_challenge_deadline"].date is None
    assert cal["candidacy_challenge_deadline"].relative_to == "candidate_lists_published"
    published = datetime(2007, 4, 1, 10, 0)
    ok = deviations(
        P,
        PRESIDENTIAL_2007,
        candidate_lists_published=published,
        candidacy_challenge_deadline=datetime(2007, 4, 2, 10, 0),
    )
    assert ok == []
    (late,) = deviations(
        P,
        PRESIDENTIAL_2007,
        candidate_lists_published=published,
        candidacy_challenge_deadline=datetime(2007, 4, 2, 11, 0),
    )
    assert late.status == "too_late" and "1 heure trop tard" in late.message_fr
    (unknown,) = deviations(
        P, PRESIDENTIAL_2007, candidacy_challenge_deadline=datetime(2007, 4, 2, 11, 0)
    )
    assert unknown.status == "unverifiable" and not unknown.breach


@pytest.mark.article("138")
def test_presidential_colour_conflict_is_decided_within_two_days_of_an_undated_act():
    cal = legal_calendar(P, PRESIDENTIAL_2007)
    assert cal["colour_conflict_ruling"] in cal.relative_deadlines


@pytest.mark.article("131")
def test_armed_forces_candidates_resign_six_calendar_months_before_the_campaign():
    assert when(P, PRESIDENTIAL_2007, "armed_forces_resignation_deadline") == (
        date(2006, 10, 8),
        None,
    )


@pytest.mark.article("49")
@pytest.mark.article("143")
def test_representatives_abroad_notified_forty_days_before_for_the_presidential_only():
    assert when(P, PRESIDENTIAL_2007, "card_commission_abroad_deadline") == (
        date(2007, 3, 20),
        None,
    )
    for other in (L, C, R, N):
        assert (
            legal_calendar(other, PRESIDENTIAL_2007).get("card_commission_abroad_deadline") is None
        )


@pytest.mark.article("147")
def test_legislative_candidacy_closes_on_the_fortieth_day_before():
    assert when(L, LEGISLATIVE_2007, "candidacy_deadline") == (date(2007, 5, 22), None)
    (late,) = deviations(L, LEGISLATIVE_2007, candidacy_deadline=date(2007, 5, 23))
    assert late.articles == ("147",)


@pytest.mark.article("145")
def test_legislative_grouping_title_notified_on_the_eve_of_the_closing():
    assert when(L, LEGISLATIVE_2007, "list_title_notice_deadline") == (date(2007, 5, 21), None)


@pytest.mark.article("68")
def test_fee_is_due_48_hours_after_a_declaration_on_the_last_day():
    assert when(L, LEGISLATIVE_2007, "fee_deadline") == (date(2007, 5, 24), "24:00")
    assert when(C, COMMUNAL_2004, "fee_deadline") == (date(2004, 4, 10), "24:00")


@pytest.mark.article("148")
def test_constitutional_court_rules_on_legislative_candidacies_21_days_before():
    assert when(L, LEGISLATIVE_2007, "court_ruling_on_candidacies") == (date(2007, 6, 10), None)
    # In 2007 the Court ruled on 31 May: earlier than the latest day, which complies.
    assert deviations(L, LEGISLATIVE_2007, court_ruling_on_candidacies=date(2007, 5, 31)) == []


@pytest.mark.article("185")
def test_communal_lists_filed_45_days_before_published_42_days_before():
    assert when(C, COMMUNAL_2004, "candidacy_deadline") == (date(2004, 4, 8), None)
    assert when(C, COMMUNAL_2004, "candidate_lists_published") == (date(2004, 4, 11), None)
    (late,) = deviations(C, COMMUNAL_2004, candidate_lists_published=date(2004, 4, 12))
    assert late.articles == ("185",)


@pytest.mark.article("185")
@pytest.mark.article("186")
def test_communal_challenges_48_hours_after_publication_and_judge_by_the_thirtieth_day():
    assert when(C, COMMUNAL_2004, "candidacy_referral_deadline") == (date(2004, 4, 13), None)
    assert when(C, COMMUNAL_2004, "candidacy_challenge_deadline") == (date(2004, 4, 13), "24:00")
    assert when(C, COMMUNAL_2004, "judge_ruling_deadline") == (date(2004, 4, 23), None)
    # The judge's ten days from the last possible challenge end on the 30th day before.
    challenge = legal_calendar(C, COMMUNAL_2004)["candidacy_challenge_deadline"].date
    assert challenge + timedelta(days=10) == date(2004, 4, 23)


@pytest.mark.article("185")
def test_communal_challenge_counted_in_hours_from_a_decreed_publication():
    published = datetime(2004, 4, 10, 9, 0)
    assert (
        deviations(
            C,
            COMMUNAL_2004,
            candidate_lists_published=published,
            candidacy_challenge_deadline=datetime(2004, 4, 12, 9, 0),
        )
        == []
    )
    (late,) = deviations(
        C,
        COMMUNAL_2004,
        candidate_lists_published=published,
        candidacy_challenge_deadline=datetime(2004, 4, 12, 9, 30),
    )
    assert late.status == "too_late" and "30 minutes trop tard" in late.message_fr


# --- National councillors (Titre VI) ---------------------------------------------------------


@pytest.mark.article("156")
def test_national_councillors_list_published_40_days_before_final_21_days_before():
    polling = date(2007, 4, 29)
    assert when(N, polling, "electoral_list_published") == (date(2007, 3, 20), None)
    assert when(N, polling, "electoral_list_claims_deadline") == (date(2007, 3, 25), None)
    assert when(N, polling, "final_electoral_list_published") == (date(2007, 4, 8), None)


@pytest.mark.article("159")
@pytest.mark.article("160")
@pytest.mark.article("162")
def test_national_councillors_candidacies_25_days_published_within_48_hours():
    polling = date(2007, 4, 29)
    assert when(N, polling, "candidacy_deadline") == (date(2007, 4, 4), None)
    assert when(N, polling, "candidate_lists_published") == (date(2007, 4, 6), "24:00")
    assert when(N, polling, "candidacy_challenge_deadline") == (date(2007, 4, 8), "24:00")
    # Five days for the judge from the last possible challenge: the day the campaign opens.
    assert when(N, polling, "judge_ruling_deadline") == (date(2007, 4, 13), None)


@pytest.mark.article("164")
@pytest.mark.article("59")
def test_national_councillors_campaign_opens_sixteen_days_before():
    polling = date(2007, 4, 29)
    assert when(N, polling, "campaign_opens") == (date(2007, 4, 13), "00:00")
    assert when(N, polling, "campaign_closes") == (date(2007, 4, 27), "24:00")
    assert legal_calendar(N, polling)["campaign_opens"].articles == ("59", "164")


@pytest.mark.article("168")
@pytest.mark.article("169")
def test_national_councillors_polling_staff_and_delegates_seven_days_before():
    polling = date(2007, 4, 29)
    assert when(N, polling, "polling_staff_appointed") == (date(2007, 4, 22), None)
    assert when(N, polling, "delegates_notified") == (date(2007, 4, 22), None)
    cal = legal_calendar(N, polling)
    assert cal["polling_staff_appointed"].articles == ("168",)
    assert cal["delegates_notified"].articles == ("169",)


@pytest.mark.article("48")
@pytest.mark.article("49")
@pytest.mark.article("68")
@pytest.mark.article("155")
@pytest.mark.article("166")
@pytest.mark.article("172")
def test_national_councillors_have_no_voter_cards_and_no_fee():
    cal = legal_calendar(N, date(2007, 4, 29))
    for event in ("card_distribution_opens", "card_delivery_deadline", "fee_deadline"):
        assert cal.get(event) is None
    # Titre VI names the common articles that remain applicable; the others do not apply.
    assert {"165", "166", "172"} <= set(cal.steps[0].articles)


@pytest.mark.article("175")
@pytest.mark.article("188")
def test_results_challenges_run_from_the_undated_publication_of_results():
    for election_type, article, days in ((N, "175", "cinq jours"), (C, "188", "dix jours")):
        d = legal_calendar(election_type, date(2007, 4, 29))["results_challenge_deadline"]
        assert (d.date, d.articles) == (None, (article,))
        assert days in d.explanation_fr


@pytest.mark.article("67")
@pytest.mark.article("165")
def test_national_councillors_poster_requests_by_the_eighth_day_before():
    d = legal_calendar(N, date(2007, 4, 29))["poster_requests_deadline"]
    assert (d.date, d.articles) == (date(2007, 4, 21), ("67", "165"))


# --- Referendum ------------------------------------------------------------------------------


@pytest.mark.article("125")
@pytest.mark.parametrize(
    ("polling", "text_latest"),
    [
        (date(2007, 4, 29), date(2007, 3, 29)),
        (date(2006, 3, 26), date(2006, 2, 26)),  # 28 days: a month, not 30 days
        (date(2005, 7, 31), date(2005, 6, 30)),  # no 31 June: the last day of June
        (date(2004, 3, 28), date(2004, 2, 28)),
        (date(2005, 1, 30), date(2004, 12, 30)),  # across the year
    ],
)
def test_referendum_text_published_at_least_one_calendar_month_before(polling, text_latest):
    assert when(R, polling, "referendum_text_published") == (text_latest, None)
    assert deviations(R, polling, referendum_text_published=text_latest) == []
    (late,) = deviations(R, polling, referendum_text_published=text_latest + timedelta(days=1))
    assert late.articles == ("125",) and late.status == "too_late"


@pytest.mark.article("59")
@pytest.mark.article("75")
@pytest.mark.article("125")
def test_referendum_campaign_is_16_days_and_it_has_no_candidacies():
    cal = legal_calendar(R, date(2007, 4, 29))
    assert cal["campaign_opens"].date == date(2007, 4, 13)
    for event in ("candidacy_deadline", "fee_deadline", "delegates_notified", "second_round"):
        assert cal.get(event) is None


@pytest.mark.article("141")
@pytest.mark.article("154")
def test_referendum_has_no_provisional_results_delay_in_the_law():
    cal = legal_calendar(R, date(2007, 4, 29))
    assert cal.get("provisional_results_deadline") is None
    assert any("154" in s.articles for s in cal.steps)


@pytest.mark.article("153")
def test_annulled_legislative_election_rerun_within_three_months_of_the_annulment():
    d = legal_calendar(L, LEGISLATIVE_2007)["rerun_after_annulment"]
    assert d.date is None and "trois mois" in d.explanation_fr


# --- Common provisions -----------------------------------------------------------------------


@pytest.mark.article("48")
@pytest.mark.article("67")
@pytest.mark.article("74")
@pytest.mark.article("75")
@pytest.mark.parametrize(
    ("event", "days_before", "article"),
    [
        ("card_delivery_deadline", 3, "48"),
        ("poster_requests_deadline", 8, "67"),
        ("delegates_notified", 10, "75"),
        ("polling_staff_appointed", 15, "74"),
    ],
)
def test_at_least_n_days_before_is_met_on_that_day_and_missed_the_day_after(
    event, days_before, article
):
    bound = COMMUNAL_2004 - timedelta(days=days_before)
    assert when(C, COMMUNAL_2004, event) == (bound, None)
    assert deviations(C, COMMUNAL_2004, **{event: bound - timedelta(days=1)}) == []
    assert deviations(C, COMMUNAL_2004, **{event: bound}) == []
    (late,) = deviations(C, COMMUNAL_2004, **{event: bound + timedelta(days=1)})
    assert late.articles == (article,) and "1 jour trop tard" in late.message_fr


@pytest.mark.article("49")
def test_card_distribution_starting_on_another_day_deviates_either_way():
    (early,) = deviations(C, COMMUNAL_2004, card_distribution_opens=date(2004, 4, 22))
    (late,) = deviations(C, COMMUNAL_2004, card_distribution_opens=date(2004, 4, 24))
    assert (early.status, late.status) == ("too_early", "too_late")


@pytest.mark.article("59")
def test_campaign_close_at_midnight_is_the_next_day_at_0h_to_the_minute():
    assert deviations(C, COMMUNAL_2004, campaign_closes=date(2004, 5, 21)) == []
    assert deviations(C, COMMUNAL_2004, campaign_closes=datetime(2004, 5, 22, 0, 0)) == []
    (late,) = deviations(C, COMMUNAL_2004, campaign_closes=datetime(2004, 5, 22, 0, 1))
    assert late.status == "too_late" and "1 minute trop tard" in late.message_fr
    (early,) = deviations(C, COMMUNAL_2004, campaign_closes=datetime(2004, 5, 21, 18, 0))
    assert early.status == "too_early" and "6 heures trop tôt" in early.message_fr


@pytest.mark.article("78")
@pytest.mark.article("80")
@pytest.mark.article("132")
def test_polling_day_runs_from_8_to_18_hours():
    d = legal_calendar(P, PRESIDENTIAL_2007)["polling_day"]
    assert d.articles == ("78", "80", "132")
    assert "8 heures" in d.explanation_fr and "18 heures" in d.explanation_fr


@pytest.mark.article("88")
def test_signature_lists_deposited_within_eight_days():
    assert when(C, COMMUNAL_2004, "signature_lists_deposited") == (date(2004, 5, 31), None)


@pytest.mark.article("141")
@pytest.mark.article("149")
def test_second_round_provisional_results_run_from_the_second_round():
    assert when(P, PRESIDENTIAL_2002, "second_round_provisional_results_deadline") == (
        date(2002, 5, 17),
        None,
    )
    (late,) = deviations(
        L,
        LEGISLATIVE_2007,
        second_round=date(2007, 7, 15),
        second_round_provisional_results_deadline=date(2007, 7, 21),
    )
    assert late.event == "second_round_provisional_results_deadline"


@pytest.mark.article("127")
@pytest.mark.article("144")
@pytest.mark.article("176")
def test_only_presidential_and_legislative_elections_have_a_second_round():
    for election_type in ElectionType:
        has = legal_calendar(election_type, COMMUNAL_2004).get("second_round") is not None
        assert has == (election_type in (P, L))
    (decreed,) = deviations(C, COMMUNAL_2004, second_round=date(2004, 6, 6))
    assert decreed.status == "not_in_law" and not decreed.breach


@pytest.mark.article("77")
def test_an_unknown_event_in_a_decreed_calendar_is_a_french_error():
    with pytest.raises(LawError) as exc:
        deviations(C, COMMUNAL_2004, campagne=date(2004, 5, 7))
    assert exc.value.code == "unknown_event"
    assert exc.value.field == "campagne"
    assert "événement inconnu" in exc.value.message


@pytest.mark.article("1")
def test_an_unknown_election_type_is_a_french_error():
    assert parse_election_type("national-councillors") is N
    with pytest.raises(LawError) as exc:
        parse_election_type("senatorial")
    assert "type d'élection inconnu" in exc.value.message


# --- Invariants ------------------------------------------------------------------------------


@pytest.mark.article("59")
@pytest.mark.article("78")
@given(types, sundays)
def test_the_legal_calendar_checked_against_itself_has_no_deviation(election_type, polling):
    cal = legal_calendar(election_type, polling)
    decreed: dict[str, date | datetime] = {}
    for d in cal.deadlines:
        if d.time is None:
            decreed[d.event] = d.date
        else:
            hours, minutes = map(int, d.time.split(":"))
            decreed[d.event] = datetime.combine(d.date, datetime.min.time()) + timedelta(
                hours=hours, minutes=minutes
            )
    assert check_decreed_calendar(election_type, polling, decreed) == []


@pytest.mark.article("59")
@given(types, sundays)
def test_deadlines_are_in_order_and_all_events_known(election_type, polling):
    cal = legal_calendar(election_type, polling)
    keys = [(d.date, 720 if d.time is None else int(d.time[:2]) * 60) for d in cal.deadlines]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    assert all(d.event in EVENT_LABELS for d in (*cal.deadlines, *cal.relative_deadlines))
    assert all(d.articles and d.label_fr and d.explanation_fr for d in cal.deadlines)
    assert cal["polling_day"].date == polling


@pytest.mark.article("59")
@pytest.mark.article("164")
@given(types, sundays)
def test_campaign_lasts_20_or_15_days_and_ends_at_midnight_two_days_before(election_type, polling):
    cal = legal_calendar(election_type, polling)
    opens, closes = cal["campaign_opens"], cal["campaign_closes"]
    assert (closes.date, closes.time, opens.time) == (polling - timedelta(days=2), "24:00", "00:00")
    length = (closes.date - opens.date).days + 1
    assert length == (20 if election_type in (P, L) else 15)


@pytest.mark.article("77")
@pytest.mark.article("128")
@given(sundays)
def test_clear_delay_always_one_day_earlier(polling):
    franc = legal_calendar(P, polling)["convocation_latest"].date
    ordinary = legal_calendar(L, polling)["convocation_latest"].date
    assert (ordinary - franc, polling - franc) == (timedelta(days=1), timedelta(days=61))


@pytest.mark.article("127")
@pytest.mark.article("144")
@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_second_sunday_after_is_a_sunday_8_to_14_days_later(d):
    s = second_sunday_after(d)
    assert s.weekday() == 6
    assert 8 <= (s - d).days <= 14
    assert (s - d).days == 14 or d.weekday() != 6


@pytest.mark.article("125")
@pytest.mark.article("131")
@given(st.dates(date(2000, 3, 1), date(2099, 12, 31)), st.integers(1, 12))
def test_months_before_is_the_same_day_number_or_the_end_of_a_short_month(d, months):
    m = months_before(d, months)
    assert (d.year * 12 + d.month) - (m.year * 12 + m.month) == months
    if m.day != d.day:
        assert m.day < d.day
        assert (m + timedelta(days=1)).day == 1  # clamped to the month's last day
    if months == 1:
        assert 28 <= (d - m).days <= 31


@pytest.mark.article("59")
def test_every_article_the_calendar_applies_is_exercised_by_a_test():
    marked = {
        mark.args[0]
        for value in globals().values()
        for mark in getattr(value, "pytestmark", ())
        if mark.name == "article"
    }
    assert set(ARTICLES) - marked == set()
