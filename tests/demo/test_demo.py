"""The demo runs the foundation's main job on the loaded territory."""

from datetime import date

import pytest

from kalata.demo import next_communal_polling_date, run_demo
from kalata.law.calendar import ElectionType, legal_calendar


@pytest.mark.article("77")
@pytest.mark.article("78")
def test_next_communal_vote_is_the_first_legal_sunday_after_a_convocation_today():
    today = date(2026, 11, 23)
    polling = next_communal_polling_date(today)
    assert polling.weekday() == 6
    assert legal_calendar(ElectionType.COMMUNAL, polling)["convocation_latest"].date >= today
    earlier = date.fromordinal(polling.toordinal() - 7)
    assert legal_calendar(ElectionType.COMMUNAL, earlier)["convocation_latest"].date < today


@pytest.mark.django_db
@pytest.mark.article("176")
def test_demo_prints_territory_calendar_and_a_seat_allocation(capsys):
    from kalata.territory.services import load_territory

    load_territory()
    assert run_demo(today=date(2026, 11, 23)) == 0
    out = capsys.readouterr().out
    assert "703 communes" in out
    assert "dimanche 24 janvier 2027" in out
    assert "commune de Kayes" in out and "33 conseillers" in out
    assert "Liste F exclue" in out


@pytest.mark.django_db
def test_demo_without_territory_says_how_to_load_it(capsys):
    assert run_demo(today=date(2026, 11, 23)) == 2
    assert "kalata territory load" in capsys.readouterr().out
