"""Delegates' copies of the result (Art. 87) and their discrepancies; CENI observations
(Art. 187)."""

from __future__ import annotations

import json

import pytest

from kalata.audit.models import AuditEvent
from kalata.audit.services import verify
from kalata.commission.models import DelegateCopy, Observation

from .helpers import BAFOULABE, KAYES_1, figures, form_data, shown

pytestmark = pytest.mark.django_db


def enter(client, country, user, figs, station=KAYES_1):
    client.force_login(country.user(user))
    assert client.post(country.url("entry", station), form_data(figs)).status_code == 302


def submit_copy(client, country, figs, user="delegue", station=KAYES_1, **extra):
    client.force_login(country.user(user))
    data = form_data(figs, capacity="delegate", selection="C02", organisation="URD", **extra)
    return client.post(country.url("delegate_copy", station), data)


@pytest.mark.article("87")
def test_a_delegate_submits_the_copy_of_the_result_audited(country, client):
    client.force_login(country.user("delegue"))
    page = client.get(country.url("delegate_copy", KAYES_1)).content.decode()
    assert "Une copie de ce résultat est aussitôt remise" in page
    response = submit_copy(client, country, figures(C02=168, valid_votes=606, null_ballots=7))
    assert response.status_code == 302
    copy = DelegateCopy.objects.get()
    assert copy.submitted_by == country.user("delegue")
    assert copy.selection.code == "C02" and copy.organisation == "URD"
    assert copy.figures["votes"]["C02"] == 168
    event = AuditEvent.objects.get(event_type="delegate.copy_submitted")
    assert event.object_model == "commission.delegatecopy"
    assert json.loads(event.after)["submitted_by_id"] == copy.submitted_by_id
    assert verify().ok


@pytest.mark.article("87")
def test_the_commission_sees_the_discrepancies_field_by_field(country, client):
    submit_copy(client, country, figures(C02=168, valid_votes=606, null_ballots=7))
    enter(client, country, "awa", figures())
    enter(client, country, "moussa", figures())
    client.force_login(country.user("prefet"))
    html = client.get(country.url("sheet", KAYES_1)).content.decode()
    assert "Écarts avec PV définitif" in html
    for label, mine, theirs in (
        ("voix de « C02 »", 168, 158),
        ("suffrages exprimés", 606, 596),
        ("bulletins nuls", 7, 17),
    ):
        row = html.split(label, 1)[1].split("</tr>", 1)[0]
        assert f">{mine}<" in row and f">{theirs}<" in row, label
    # Optional annexes left empty on the copy are not discrepancies.
    assert "observations</td>" not in html.lower()
    queue = client.get(f"/commission/{country.round.code}/").content.decode()
    assert '<span class="badge error">écarts</span>' in queue
    # The delegate sees the comparison too.
    client.force_login(country.user("delegue"))
    assert "Écarts avec PV définitif" in client.get(country.url("sheet", KAYES_1)).content.decode()


def test_a_copy_that_agrees_is_shown_as_such(country, client):
    submit_copy(client, country, figures())
    enter(client, country, "awa", figures())
    enter(client, country, "moussa", figures())
    client.force_login(country.user("prefet"))
    assert (
        "Concorde avec PV définitif" in client.get(country.url("sheet", KAYES_1)).content.decode()
    )


def test_copies_are_not_shown_to_the_clerks_while_the_sheet_is_typed(country, client):
    submit_copy(client, country, figures(C02=168, valid_votes=606, null_ballots=7))
    enter(client, country, "awa", figures())
    client.force_login(country.user("moussa"))
    html = client.get(country.url("sheet", KAYES_1)).content.decode()
    assert "Non montrées pendant la saisie" in html
    assert not shown(html, 168) and not shown(html, 606)
    # The president compares the copy with the first entry at once.
    client.force_login(country.user("prefet"))
    html = client.get(country.url("sheet", KAYES_1)).content.decode()
    assert "Écarts avec 1re saisie" in html


def test_a_delegate_of_another_area_cannot_submit_nor_read(country, client):
    response = submit_copy(client, country, figures(), user="delegue2")
    assert response.status_code == 403
    assert "hors de ce ressort" in response.content.decode()
    assert client.get(country.url("sheet", KAYES_1)).status_code == 403
    assert DelegateCopy.objects.count() == 0


def test_a_delegate_enters_no_minutes(country, client):
    client.force_login(country.user("delegue"))
    assert client.get(country.url("entry", KAYES_1)).status_code == 403
    html = client.get(country.url("sheet", KAYES_1)).content.decode()
    assert "Saisir ce PV" not in html and "Déposer ma copie" in html


@pytest.mark.article("187")
def test_a_ceni_supervisor_records_an_observation_audited(country, client):
    client.force_login(country.user("ceni"))
    response = client.post(
        country.url("observation", BAFOULABE), {"text": "PV arrivé sans enveloppe scellée."}
    )
    assert response.status_code == 302
    obs = Observation.objects.get()
    assert obs.sheet_id == country.sheet(BAFOULABE).pk and obs.by == country.user("ceni")
    assert AuditEvent.objects.filter(
        event_type="ceni.observation_recorded", object_model="commission.observation"
    ).exists()
    for user in ("ceni", "prefet2", "fatou"):
        client.force_login(country.user(user))
        html = client.get(country.url("sheet", BAFOULABE)).content.decode()
        assert "PV arrivé sans enveloppe scellée." in html, user
    assert verify().ok


def test_only_the_ceni_of_the_area_records_observations(country, client):
    for user in ("prefet", "delegue", "awa", "ceni_bko"):
        client.force_login(country.user(user))
        response = client.post(country.url("observation", KAYES_1), {"text": "x"})
        assert response.status_code == 403, user
    assert Observation.objects.count() == 0


def test_an_empty_observation_records_nothing(country, client):
    client.force_login(country.user("ceni"))
    response = client.post(country.url("observation", KAYES_1), {"text": "  "}, follow=True)
    assert "L'observation est vide" in response.content.decode().replace("&#x27;", "'")
    assert Observation.objects.count() == 0


def test_the_ceni_observes_the_commission_work_on_its_summary(country, client):
    client.force_login(country.user("ceni"))
    url = country.url("summary_observation", unit="C0101")
    response = client.post(url, {"text": "Centralisation suspendue de 22 h à 23 h."})
    assert response.status_code == 302
    obs = Observation.objects.get()
    assert obs.unit_code == "C0101" and obs.sheet is None
    html = client.get(country.url("summary", unit="C0101")).content.decode()
    assert "Centralisation suspendue de 22 h à 23 h." in html
    client.force_login(country.user("ceni_bko"))
    assert client.post(url, {"text": "x"}).status_code == 403
