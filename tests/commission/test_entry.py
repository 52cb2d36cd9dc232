"""Typing the minutes: first entry, blind second entry, refusals, checks as you type."""

from __future__ import annotations

import json

import pytest

from kalata.results.models import DataEntry, SheetVote, TallySheet

from .helpers import KAYES_1, figures, form_data, shown

pytestmark = pytest.mark.django_db
Status = TallySheet.Status

FIRST = figures()  # 700 / 613 / 613 / 17 / 596 ; 389 + 158 + 49
FIRST_NUMBERS = (613, 17, 596, 389, 158, 49)


def enter(client, country, user, figs, station=KAYES_1, **extra):
    client.force_login(country.user(user))
    return client.post(country.url("entry", station), form_data(figs, **extra))


def test_the_entry_form_is_laid_out_like_the_paper_minutes(country, client):
    client.force_login(country.user("awa"))
    html = client.get(country.url("entry", KAYES_1)).content.decode()
    # Sections in the order of the minutes, candidates in ballot order, keyboard-friendly.
    order = ["Électeurs et votants", "Dépouillement", "Voix obtenues", "Bureau de vote"]
    positions = [html.index(title) for title in order]
    assert positions == sorted(positions)
    names = [html.index(n) for n in ("Aminata Traoré", "Boubacar Keïta", "Seydou Coulibaly")]
    assert names == sorted(names)
    assert 'inputmode="numeric"' in html
    assert 'name="registered" id="f-registered" data-path="registered" value=""' in html
    assert "autofocus" in html
    assert "commission/saisie.js" in html
    assert 'id="checks-catalogue"' in html
    assert "Première saisie" in html


def test_first_entry_by_a_clerk_is_stored_as_typed(country, client):
    response = enter(client, country, "awa", FIRST)
    assert response.status_code == 302
    assert response["Location"] == f"/commission/{country.round.code}/"
    sheet = country.sheet(KAYES_1)
    assert sheet.status == Status.FIRST_ENTRY
    entry = DataEntry.objects.get(sheet=sheet)
    assert entry.entered_by == country.user("awa") and entry.number == 1
    assert entry.figures["votes"] == FIRST["votes"]
    assert entry.figures["null_breakdown"] is None and entry.figures["proxies_used"] is None
    queue = client.get(response["Location"]).content.decode()
    assert "Première saisie enregistrée" in queue


def test_the_second_entry_is_blind_to_the_first(country, client):
    enter(client, country, "awa", FIRST)
    client.force_login(country.user("moussa"))
    pages = [
        client.get(country.url("entry", KAYES_1)).content.decode(),
        client.get(country.url("sheet", KAYES_1)).content.decode(),
        client.get(f"/commission/{country.round.code}/").content.decode(),
    ]
    assert "Seconde saisie" in pages[0]
    for html in pages:
        for number in FIRST_NUMBERS:
            assert not shown(html, number), number
    # The president (who does not type) sees the first entry.
    client.force_login(country.user("prefet"))
    html = client.get(country.url("sheet", KAYES_1)).content.decode()
    assert shown(html, 613) and shown(html, 389)


def test_an_identical_second_entry_makes_the_minutes_definitive(country, client):
    enter(client, country, "awa", FIRST)
    response = enter(client, country, "moussa", FIRST)
    assert response.status_code == 302
    sheet = country.sheet(KAYES_1)
    assert sheet.status == Status.DEFINITIVE
    assert sheet.voters == 613 and sheet.valid_votes == 596
    assert dict(SheetVote.objects.filter(sheet=sheet).values_list("selection__code", "votes")) == {
        "C01": 389,
        "C02": 158,
        "C03": 49,
    }
    html = client.get(response["Location"]).content.decode()
    assert "le procès-verbal est définitif" in html
    # Now every reader sees the definitive figures, the clerks included.
    html = client.get(country.url("sheet", KAYES_1)).content.decode()
    assert "Chiffres définitifs" in html and shown(html, 613)


def test_the_first_clerk_cannot_type_the_second_entry(country, client):
    enter(client, country, "awa", FIRST)
    html = client.get(country.url("entry", KAYES_1)).content.decode()
    assert "la seconde doit être faite par un autre agent" in html
    assert "<form" not in html.split("<main", 1)[1].split("</main>")[0]
    response = enter(client, country, "awa", FIRST)
    assert response.status_code == 200
    assert DataEntry.objects.count() == 1
    queue = client.get(f"/commission/{country.round.code}/").content.decode()
    assert "1re saisie faite par vous" in queue


def test_a_refused_submission_keeps_what_was_typed(country, client):
    typed = figures(voters="1 000 000 000 000", C02="15 8")  # beyond any station (refused)
    response = enter(client, country, "awa", typed, observations="Bagarre à 17 h")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enregistrement refusé" in html and "nombre hors limites" in html
    assert 'value="1 000 000 000 000"' in html
    assert 'value="15 8"' in html and "Bagarre à 17 h" in html
    assert 'value="389"' in html
    assert DataEntry.objects.count() == 0
    assert country.sheet(KAYES_1).status == Status.EXPECTED


def test_values_are_stored_as_typed_and_flagged_by_the_checks(country, client):
    response = enter(client, country, "awa", figures(null_ballots="17a", C03=""))
    assert response.status_code == 302
    entry = DataEntry.objects.get()
    assert entry.figures["null_ballots"] == "17a"
    assert entry.figures["votes"]["C03"] is None
    assert "E01" in entry.check_codes


def test_spaces_as_thousands_separators_are_read_as_numbers(country, client):
    enter(client, country, "awa", figures(voters="6 13"))
    assert DataEntry.objects.get().figures["voters"] == 613


def test_a_definitive_sheet_cannot_be_typed_again(country, client):
    enter(client, country, "awa", FIRST)
    enter(client, country, "moussa", FIRST)
    client.force_login(country.user("awa"))
    html = client.get(country.url("entry", KAYES_1)).content.decode()
    assert "le procès-verbal est définitif" in html


def test_a_resubmitted_form_is_stored_once(country, client):
    data = form_data(FIRST, client_key="cle-unique-1")
    client.force_login(country.user("awa"))
    assert client.post(country.url("entry", KAYES_1), data).status_code == 302
    assert client.post(country.url("entry", KAYES_1), data).status_code in (200, 302)
    assert DataEntry.objects.count() == 1


# --- checks as you type: the server endpoint ---------------------------------------------------


def verify(client, country, payload, user="awa"):
    client.force_login(country.user(user))
    return client.post(
        country.url("verify", KAYES_1), json.dumps(payload), content_type="application/json"
    )


@pytest.mark.article("84")
@pytest.mark.article("85")
def test_the_verification_endpoint_returns_the_numbered_checks(country, client):
    response = verify(client, country, figures(voters=615, envelopes=616))
    assert response.status_code == 200
    body = response.json()
    assert body["blocking"] is True
    codes = {c["code"]: c for c in body["errors"] + body["warnings"]}
    assert set(codes) == {"E03", "W01"}
    assert codes["E03"]["articles"] == "84, 85"
    assert codes["E03"]["title"] == "Nuls + exprimés ≠ votants"
    assert "≠ votants (615)" in codes["E03"]["message"]
    assert codes["W01"]["severity"] == "warning"
    assert set(codes["E03"]["fields"]) == {"null_ballots", "valid_votes", "voters"}
    # Nothing is stored by a verification.
    assert DataEntry.objects.count() == 0


def test_the_verification_endpoint_refuses_a_malformed_payload_in_french(country, client):
    response = verify(client, country, {"registered": 1})
    assert response.status_code == 400
    assert "champ obligatoire absent" in response.json()["error"]["message"]
    client.force_login(country.user("awa"))
    response = client.post(
        country.url("verify", KAYES_1), "pas du json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON attendu" in response.json()["error"]["message"]


def test_the_verification_endpoint_needs_a_reader_of_the_sheet(country, client):
    assert verify(client, country, figures(), user="fatou").status_code == 403
    assert verify(client, country, figures(), user="ceni").status_code == 200


def test_the_script_of_the_checks_has_every_code_of_the_catalogue():
    from pathlib import Path

    from kalata.law.tally import CHECKS

    script = (
        Path(__file__).resolve().parents[2] / "kalata/commission/static/commission/saisie.js"
    ).read_text()
    for code in CHECKS:
        if code in ("E09", "E10", "E11"):
            continue  # need the catalogue of Art. 85 causes and the contest: the server's
        assert f'"{code}"' in script, code
    assert "http" not in script and "import " not in script  # no CDN, no library
