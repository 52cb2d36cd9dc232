"""The work queue of a commission: counts, filters, pagination, only the user's area."""

from __future__ import annotations

import pytest

from kalata.results.models import TallySheet

from .helpers import BAFOULABE, BAMAKO, DAKAR, KAYES_1, KAYES_2, KAYES_3, figures, form_data

pytestmark = pytest.mark.django_db


def enter(client, country, user, figs, station):
    client.force_login(country.user(user))
    assert client.post(country.url("entry", station), form_data(figs)).status_code == 302


def test_home_lists_the_rounds_of_the_users_roles(country, client):
    client.force_login(country.user("awa"))
    html = client.get("/commission/").content.decode()
    assert country.round.code in html and "agent de saisie" in html
    client.force_login(country.user("admin"))
    html = client.get("/commission/").content.decode()
    assert country.round.code not in html  # an administrator reads no minutes


def test_the_queue_counts_and_filters_the_area_of_the_user(country, client):
    enter(client, country, "awa", figures(), KAYES_1)
    enter(client, country, "moussa", figures(), KAYES_1)  # definitive
    enter(client, country, "awa", figures(), KAYES_2)  # first entry
    client.force_login(country.user("moussa"))
    url = f"/commission/{country.round.code}/"
    response = client.get(url)
    html = response.content.decode()
    ctx = response.context
    assert ctx["total"] == 3 and ctx["received"] == 2
    counts = {s["key"]: s["count"] for s in ctx["statuses"]}
    assert counts == {
        "expected": 1,
        "first_entry": 1,
        "different": 0,
        "to_acknowledge": 0,
        "blocked": 0,
        "definitive": 1,
    }
    for code in (KAYES_1, KAYES_2, KAYES_3):
        assert code in html
    for code in (BAFOULABE, BAMAKO, DAKAR):
        assert code not in html
    # Filters: by status, by commune.
    html = client.get(url + "?etat=first_entry").content.decode()
    assert KAYES_2 in html and KAYES_1 not in html and "2e saisie" in html
    html = client.get(url + "?unite=CM010102").content.decode()
    assert KAYES_3 in html and KAYES_1 not in html
    html = client.get(url + "?etat=recus").content.decode()
    assert KAYES_1 in html and KAYES_2 in html and KAYES_3 not in html


def test_a_national_reader_filters_by_commission(country, client):
    client.force_login(country.user("ministere"))
    url = f"/commission/{country.round.code}/"
    response = client.get(url)
    assert response.context["total"] == TallySheet.objects.count() == 6
    assert [a.code for a in response.context["areas"]] == ["AMB-SN-DAKAR", "C0101", "C0102", "D09"]
    html = client.get(url + "?commission=D09").content.decode()
    assert BAMAKO in html and KAYES_1 not in html


def test_the_queue_is_paginated_with_a_bounded_number_of_queries(
    country, client, monkeypatch, django_assert_max_num_queries
):
    from kalata.commission import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(country.user("ministere"))
    url = f"/commission/{country.round.code}/"
    client.get(url)  # warm the caches (templates, content types)
    with django_assert_max_num_queries(20):
        response = client.get(url + "?page=2")
    assert response.context["page"].number == 2
    assert len(response.context["rows"]) == 2
    assert "Page 2 sur 3" in response.content.decode()


def test_a_user_without_a_role_for_the_election_gets_a_french_403(country, client):
    client.force_login(country.user("admin"))
    response = client.get(f"/commission/{country.round.code}/")
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_an_unknown_round_is_a_404(country, client):
    client.force_login(country.user("awa"))
    assert client.get("/commission/PRES-1999-01-01-T1/").status_code == 404
