"""Electoral offences and penalties (Art. 101–121), checked against the text of the law."""

from __future__ import annotations

from datetime import date

import pytest

from kalata.law.explain import LawError
from kalata.law.offences import (
    FLAGRANT_DELICT_ARTICLES,
    GENERAL_PROVISIONS,
    Custody,
    Term,
    action_lapse,
    civic_rights_loss,
    offence,
    offences,
    penalty_text,
    sentence_range,
)


@pytest.mark.article("108")
def test_weapons_visible_fine_only_concealed_prison_and_fine():
    o = offence("108")
    visible, hidden = o.penalties
    assert (visible.custody, visible.fine_min, visible.fine_max) == (None, 20_000, 120_000)
    assert hidden.custody is Custody.PRISON
    assert (hidden.custody_min, hidden.custody_max) == (Term(15, "jour"), Term(3, "mois"))
    assert (hidden.fine_min, hidden.fine_max) == (60_000, 360_000)
    assert offence("weapons") is o
    text = penalty_text("108")
    assert "armes apparentes : amende de 20\u202f000 à 120\u202f000 F CFA" in text
    assert "armes cachées : emprisonnement de 15 jours à 3 mois" in text
    assert "flagrant délit" in text


@pytest.mark.article("113")
def test_ballot_box_removal_one_to_five_years_reclusion_when_violent():
    basic, violent = offence("113").penalties
    assert (basic.custody_min, basic.custody_max) == (Term(1, "an"), Term(5, "an"))
    assert (basic.fine_min, basic.fine_max) == (120_000, 600_000)
    assert violent.custody is Custody.RECLUSION
    assert (violent.custody_min, violent.custody_max) == (Term(5, "an"), Term(10, "an"))
    assert "procès-verbaux" in offence("113").conduct_fr


@pytest.mark.article("101")
@pytest.mark.article("103")
@pytest.mark.article("104")
@pytest.mark.article("105")
@pytest.mark.article("106")
@pytest.mark.article("107")
@pytest.mark.article("109")
@pytest.mark.article("110")
@pytest.mark.article("111")
@pytest.mark.article("112")
@pytest.mark.article("114")
@pytest.mark.article("115")
@pytest.mark.article("117")
@pytest.mark.article("118")
@pytest.mark.parametrize(
    ("article", "custody", "low", "high", "fine_min", "fine_max"),
    [
        ("101", Custody.PRISON, Term(1, "mois"), Term(1, "an"), 25_000, 25_000),
        ("103", None, None, None, 10_000, 10_000),
        ("104", Custody.PRISON, Term(11, "jour"), Term(3, "mois"), 10_000, 10_000),
        ("105", Custody.PRISON, Term(6, "mois"), Term(2, "an"), 25_000, 250_000),
        ("106", Custody.PRISON, Term(6, "mois"), Term(2, "an"), 25_000, 250_000),
        ("107", Custody.PRISON, Term(1, "an"), Term(5, "an"), 60_000, 600_000),
        ("109", Custody.PRISON, Term(1, "mois"), Term(1, "an"), 25_000, 250_000),
        ("110", Custody.PRISON, Term(3, "mois"), Term(2, "an"), 25_000, 250_000),
        ("111", Custody.PRISON, Term(1, "an"), Term(5, "an"), 120_000, 600_000),
        ("112", Custody.PRISON, Term(1, "mois"), Term(1, "an"), 120_000, 240_000),
        ("114", Custody.RECLUSION, Term(5, "an"), Term(10, "an"), None, None),
        ("115", Custody.PRISON, Term(1, "an"), Term(5, "an"), 100_000, 1_000_000),
        ("117", Custody.PRISON, Term(1, "mois"), Term(2, "an"), 24_000, 600_000),
        ("118", Custody.HARD_LABOUR, Term(5, "an"), Term(10, "an"), 120_000, 600_000),
    ],
)
def test_basic_penalty_of_each_offence_matches_the_law(
    article, custody, low, high, fine_min, fine_max
):
    p = sentence_range(article)
    assert (p.custody, p.custody_min, p.custody_max) == (custody, low, high)
    assert (p.fine_min, p.fine_max) == (fine_min, fine_max)


@pytest.mark.article("111")
@pytest.mark.article("112")
def test_aggravations_of_111_and_112():
    armed = sentence_range("111", variant=1)
    assert armed.custody is Custody.RECLUSION and "armes" in armed.condition_fr
    plan = sentence_range("111", variant=2)
    assert "interdiction de séjour de 10 à 20 ans" in plan.other_fr
    violated = sentence_range("112", variant=1)
    assert (violated.custody_min, violated.custody_max) == (Term(1, "an"), Term(5, "an"))
    assert (violated.fine_min, violated.fine_max) == (120_000, 600_000)
    with pytest.raises(LawError) as err:
        sentence_range("112", variant=2)
    assert err.value.field == "variant"


@pytest.mark.article("102")
@pytest.mark.article("119")
def test_accomplices_same_penalty_and_officials_maximum_doubled():
    doubled = sentence_range("105", official=True)
    assert (doubled.custody_min, doubled.custody_max) == (Term(6, "mois"), Term(4, "an"))
    assert (doubled.fine_min, doubled.fine_max) == (25_000, 500_000)
    text = penalty_text("105", accomplice=True, official=True)
    assert "mêmes peines (art. 102)" in text
    assert "emprisonnement de 6 mois à 4 ans et amende de 25\u202f000 à 500\u202f000 F CFA" in text
    assert "102" in GENERAL_PROVISIONS and "119" in GENERAL_PROVISIONS


@pytest.mark.article("116")
@pytest.mark.article("118")
@pytest.mark.article("119")
def test_flagrant_delict_articles_and_loss_of_civic_rights():
    assert FLAGRANT_DELICT_ARTICLES == ("82", "108", "109", "111", "112", "113", "114")
    flagged = {o.article for o in offences() if o.flagrant_delict}
    assert flagged == set(FLAGRANT_DELICT_ARTICLES) - {"82"}
    assert civic_rights_loss("113").articles == ("116",)
    assert "cinq ans" in civic_rights_loss("113").text
    assert civic_rights_loss("115").articles == ("119",)
    assert civic_rights_loss("118").articles == ("118", "119")


@pytest.mark.article("120")
def test_actions_lapse_six_months_after_the_proclamation():
    lapse = action_lapse(date(2007, 5, 12))
    assert lapse.last_day == date(2007, 11, 12)
    assert not lapse.is_time_barred(date(2007, 11, 12))
    assert lapse.is_time_barred(date(2007, 11, 13))
    assert "six mois" in lapse.steps[0].text and "code pénal" in lapse.steps[1].text
    # Calendar months, not 183 days: 31 August + 6 months is the end of February.
    assert action_lapse(date(2003, 8, 31)).last_day == date(2004, 2, 29)


@pytest.mark.article("121")
def test_unknown_articles_are_not_offences():
    assert "Sécurité" in GENERAL_PROVISIONS["121"]
    for article in ("121", "102", "99", "pickpocket"):
        with pytest.raises(LawError) as err:
            offence(article)
        assert err.value.code == "unknown_offence" and err.value.field == "article"
    assert [o.article for o in offences()] == sorted((o.article for o in offences()), key=int)
