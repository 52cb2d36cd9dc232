"""The president's screens: resolving differences, acknowledging warnings, discarding entries,
correcting blocked or definitive minutes."""

from __future__ import annotations

import pytest

from kalata.accounts import services as accounts
from kalata.audit.services import verify
from kalata.results.models import Acknowledgement, Correction, DataEntry, TallySheet
from kalata.territory.models import Cercle

from .helpers import KAYES_1, figures, form_data, shown

pytestmark = pytest.mark.django_db
Status = TallySheet.Status


def enter(client, country, user, figs, station=KAYES_1):
    client.force_login(country.user(user))
    response = client.post(country.url("entry", station), form_data(figs))
    assert response.status_code == 302, response.content.decode()[:2000]


def as_president(client, country, user="prefet"):
    client.force_login(country.user(user))
    return client


def test_differing_entries_are_resolved_field_by_field_by_the_president(country, client):
    enter(client, country, "awa", figures())
    enter(client, country, "moussa", figures(C01=398, valid_votes=605, null_ballots=8))
    assert country.sheet(KAYES_1).status == Status.DIFFERENT
    # The second clerk learns only that the entries differ.
    as_president(client, country)
    page = client.get(country.url("resolve", KAYES_1))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Trancher les écarts" in html
    for label in ("Bulletins nuls", "Suffrages exprimés", "(C01)"):
        assert label.lower() in html.lower(), label
    assert "389" in html and "398" in html and "awa" in html and "moussa" in html
    response = client.post(
        country.url("resolve", KAYES_1),
        {
            "choix:null_ballots": "first",
            "choix:valid_votes": "first",
            "choix:votes.C01": "first",
        },
    )
    assert response.status_code == 302
    sheet = country.sheet(KAYES_1)
    assert sheet.status == Status.DEFINITIVE and sheet.valid_votes == 596
    assert "écarts tranchés" in client.get(response["Location"]).content.decode()
    assert verify().ok


def test_an_incomplete_resolution_is_refused_in_french(country, client):
    enter(client, country, "awa", figures())
    enter(client, country, "moussa", figures(C01=398, valid_votes=605, null_ballots=8))
    as_president(client, country)
    response = client.post(country.url("resolve", KAYES_1), {"choix:votes.C01": "second"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choix incomplets" in html
    assert 'value="second" checked' in html  # the choice made is kept
    assert country.sheet(KAYES_1).status == Status.DIFFERENT


def test_the_resolution_shows_the_scan_of_the_paper_minutes(country, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .helpers import PNG

    enter(client, country, "awa", figures())
    enter(client, country, "moussa", figures(C01=398, valid_votes=605, null_ballots=8))
    as_president(client, country)
    client.post(
        country.url("scan_upload", KAYES_1),
        {"scan": SimpleUploadedFile("pv.png", PNG, content_type="image/png")},
    )
    html = client.get(country.url("resolve", KAYES_1)).content.decode()
    assert country.url("scan_file", KAYES_1) in html and "<img" in html


def test_a_president_who_typed_an_entry_cannot_resolve_it(country, client):
    prefet = country.user("prefet")
    accounts.grant(
        prefet, "clerk", election=country.election, cercle=Cercle.objects.get(code="C0101")
    )
    enter(client, country, "prefet", figures())
    enter(client, country, "moussa", figures(C01=398, valid_votes=605, null_ballots=8))
    as_president(client, country)
    response = client.post(
        country.url("resolve", KAYES_1),
        {"choix:null_ballots": "first", "choix:valid_votes": "first", "choix:votes.C01": "first"},
    )
    assert "quatre yeux" in response.content.decode()
    assert country.sheet(KAYES_1).status == Status.DIFFERENT


@pytest.mark.article("84")
def test_a_warning_is_acknowledged_only_with_a_reason(country, client):
    warned = figures(envelopes=614)  # W01: envelopes ≠ signatures (Art. 84)
    enter(client, country, "awa", warned)
    enter(client, country, "moussa", warned)
    assert country.sheet(KAYES_1).status == Status.TO_ACKNOWLEDGE
    as_president(client, country)
    html = client.get(country.url("acknowledge", KAYES_1)).content.decode()
    assert "W01" in html and "Enveloppes ≠ émargements" in html and "art. 84" in html
    response = client.post(country.url("acknowledge", KAYES_1), {"motif:W01": "  "})
    assert response.status_code == 200
    assert "doit être validé avec un motif écrit" in response.content.decode()
    assert country.sheet(KAYES_1).status == Status.TO_ACKNOWLEDGE
    reason = "Une enveloppe vide trouvée dans l'urne, mentionnée au PV."
    response = client.post(country.url("acknowledge", KAYES_1), {"motif:W01": reason})
    assert response.status_code == 302
    assert country.sheet(KAYES_1).status == Status.DEFINITIVE
    ack = Acknowledgement.objects.get()
    assert ack.code == "W01" and ack.reason == reason and ack.by == country.user("prefet")


def test_entries_are_discarded_with_a_reason_and_typed_again(country, client):
    enter(client, country, "awa", figures(C01=390))  # E04 in both: blocked
    enter(client, country, "moussa", figures(C01=390))
    assert country.sheet(KAYES_1).status == Status.BLOCKED
    as_president(client, country)
    response = client.post(country.url("discard", KAYES_1), {"reason": ""})
    assert response.status_code == 200 and "Le motif est obligatoire" in response.content.decode()
    response = client.post(country.url("discard", KAYES_1), {"reason": "PV mal recopié"})
    assert response.status_code == 302
    assert country.sheet(KAYES_1).status == Status.EXPECTED
    assert DataEntry.objects.filter(state="discarded").count() == 2
    # Blind again for the clerks: the discarded figures are not shown to them.
    client.force_login(country.user("awa"))
    html = client.get(country.url("sheet", KAYES_1)).content.decode()
    assert not shown(html, 390) and not shown(html, 613)


@pytest.mark.article("141")
def test_a_blocked_sheet_is_corrected_by_a_reasoned_act(country, client):
    enter(client, country, "awa", figures(C01=390))
    enter(client, country, "moussa", figures(C01=390))
    as_president(client, country)
    page = client.get(country.url("correct", KAYES_1)).content.decode()
    assert 'value="390"' in page and "E04" in page  # prefilled with the agreed figures
    # Figures still in error are refused, and what was typed is kept.
    response = client.post(
        country.url("correct", KAYES_1),
        form_data(figures(C01=391), reason="Report", reference="PV n°12"),
    )
    assert response.status_code == 200
    assert "Rectification refusée" in response.content.decode()
    assert 'value="391"' in response.content.decode()
    response = client.post(
        country.url("correct", KAYES_1),
        form_data(figures(), reason="Erreur de report constatée sur le PV papier", reference="D-3"),
    )
    assert response.status_code == 302
    sheet = country.sheet(KAYES_1)
    assert sheet.status == Status.DEFINITIVE and sheet.figures["votes"]["C01"] == 389
    correction = Correction.objects.get()
    assert correction.reference == "D-3" and correction.before["votes"]["C01"] == 390
    assert verify().ok


def test_a_correction_needs_a_reason(country, client):
    enter(client, country, "awa", figures(C01=390))
    enter(client, country, "moussa", figures(C01=390))
    as_president(client, country)
    response = client.post(country.url("correct", KAYES_1), form_data(figures(), reason=""))
    assert "un motif écrit est obligatoire" in response.content.decode()
    assert country.sheet(KAYES_1).status == Status.BLOCKED


def test_president_screens_explain_when_the_state_does_not_allow_them(country, client):
    as_president(client, country)
    for name in ("resolve", "acknowledge", "discard", "correct"):
        response = client.get(country.url(name, KAYES_1))
        assert response.status_code == 200
        assert "impossible" in response.content.decode(), name
