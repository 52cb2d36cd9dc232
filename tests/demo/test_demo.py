"""``kalata demo`` runs the main job: a simulated presidential election to final results."""

from datetime import date

import pytest

from kalata.demo import next_communal_polling_date, run_demo
from kalata.law.calendar import ElectionType, legal_calendar
from kalata.law.explain import fr_int


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
@pytest.mark.article("141")
@pytest.mark.article("142")
def test_demo_simulates_an_election_to_final_results_then_shows_it_again(capsys):
    from kalata.results.models import Proclamation
    from kalata.territory.services import load_territory

    load_territory()
    assert run_demo(electors=12_000, regions=("R08",), quiet=True) == 0
    out = capsys.readouterr().out
    assert "703 communes" in out
    assert f"{fr_int(12_000)} électeurs inscrits" in out
    assert "Résultats définitifs" in out and "Élu : " in out
    assert "kalata results tabulate PRES-2027-04-25-T1" in out
    assert "/scrutins/PRES-2027-04-25/" in out
    assert Proclamation.objects.filter(round__election__code="PRES-2027-04-25").count() == 2
    # Idempotent: a second run shows the existing election instead of failing.
    assert run_demo(electors=12_000, regions=("R08",), quiet=True) == 0
    again = capsys.readouterr().out
    assert "existe déjà" in again and "Résultats définitifs" in again and "Élu : " in again
    assert Proclamation.objects.filter(round__election__code="PRES-2027-04-25").count() == 2


@pytest.mark.django_db
def test_demo_without_territory_says_how_to_load_it(capsys):
    assert run_demo() == 2
    assert "kalata territory load" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_accounts_get_their_roles_and_fresh_passwords():
    from django.contrib.auth import authenticate

    from kalata.accounts.models import RoleAssignment
    from kalata.demo import DEMO_ACCOUNTS, demo_accounts
    from kalata.elections.services import create_election
    from kalata.territory.services import load_territory

    load_territory()
    election = create_election("presidential", date(2027, 4, 25), actor=None).election
    first = dict((u, p) for u, p, _ in demo_accounts(election.code))
    again = dict((u, p) for u, p, _ in demo_accounts(election.code))
    assert set(first) == {a[0] for a in DEMO_ACCOUNTS}
    assert first["demo-agent-a"] != again["demo-agent-a"]
    assert authenticate(username="demo-agent-a", password=again["demo-agent-a"]) is not None
    clerk = RoleAssignment.objects.get(user__username="demo-agent-a")
    assert clerk.role == "clerk" and clerk.region.code == "D09" and clerk.election == election
    assert RoleAssignment.objects.filter(user__username="demo-cour", region=None).count() == 1
