"""The summary minutes of a commission's area (Art. 141, 149, 187): screen and official PDF."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from kalata.audit.services import head
from kalata.commission.documents import summary_data, typst_source
from kalata.commission.services import commission_area

from .helpers import BAFOULABE, KAYES_1, KAYES_2, figures, form_data

pytestmark = pytest.mark.django_db


def make_definitive(client, country, station, figs, clerks=("awa", "moussa")):
    for clerk in clerks:
        client.force_login(country.user(clerk))
        assert client.post(country.url("entry", station), form_data(figs)).status_code == 302


@pytest.fixture
def counted(country, client):
    make_definitive(client, country, KAYES_1, figures())
    make_definitive(
        client,
        country,
        KAYES_2,
        figures(
            voters=500, envelopes=500, null_ballots=20, valid_votes=480, C01=200, C02=250, C03=30
        ),
    )
    return country


@pytest.mark.article("141")
def test_the_summary_totals_the_definitive_minutes_of_the_area(counted, client):
    country = counted
    area = commission_area(country.election, "C0101")
    data = summary_data(country.round, area)
    (contest,) = data["contests"]
    assert contest["totals"]["voters"] == "1\u202f113"
    assert contest["totals"]["valid_votes"] == "1\u202f076"
    assert [s["votes"] for s in contest["selections"]] == ["589", "408", "79"]
    assert contest["selections"][0]["share"] == "54,74 %"
    assert not contest["complete"]  # one station of the area is missing
    groups = {g["key"]: g for g in data["groups"]}
    assert groups["definitive"]["count"] == 2 and groups["missing"]["count"] == 1
    assert groups["missing"]["sheets"][0]["station"] == "CM010102-BV001"
    assert data["president_title"] == "Le représentant de l'État dans le cercle de Kayes, président"
    assert data["articles"] == ["141"]
    assert data["members"] == [
        "Aminata Traoré (Alliance pour la démocratie)",
        "Boubacar Keïta (Union pour la République)",
        "Seydou Coulibaly",
    ]
    assert data["audit"]["hash"] == head().hash
    client.force_login(country.user("prefet"))
    html = client.get(country.url("summary", unit="C0101")).content.decode()
    assert "Procès-verbal récapitulatif" in html and "Aminata Traoré" in html
    assert "Bangassi" in html and "54,74 %" in html


def test_the_summary_of_a_mission_is_presided_by_the_ambassador(country):
    area = commission_area(country.election, "AMB-SN-DAKAR")
    data = summary_data(country.round, area)
    assert data["president_title"] == "L'Ambassadeur, président"
    assert data["commission"] == "Commission de centralisation de l'ambassade du Mali au Sénégal"


def test_a_region_is_not_a_commission_of_the_presidential_election(country, client):
    with pytest.raises(LookupError):
        commission_area(country.election, "R01")
    client.force_login(country.user("ceni"))
    assert client.get(country.url("summary", unit="R01")).status_code == 404


@pytest.mark.article("141")
@pytest.mark.article("87")
def test_the_official_pdf_is_produced_with_the_signatures_block(counted, client, tmp_path):
    country = counted
    client.force_login(country.user("prefet"))
    response = client.get(country.url("summary_pdf", unit="C0101"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    source = typst_source()
    assert "sys.inputs.data" in source and "Signatures des membres" in source
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) absent: PDF text not checked")
    path = tmp_path / "recap.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    for expected in (
        "RÉPUBLIQUE DU MALI",
        "Un Peuple – Un But – Une Foi",
        "COMMISSION DE CENTRALISATION DU CERCLE DE KAYES",
        "PROCÈS-VERBAL RÉCAPITULATIF",
        "Élection du Président de la République",
        "premier tour",
        "Aminata Traoré",
        "54,74 %",
        "Bangassi",
        "Procès-verbaux non parvenus : 1",
        "CM010102-BV001",
        "SIGNATURES DES MEMBRES DE LA COMMISSION",
        "Le représentant de l'État dans le cercle de Kayes, président",
        "Représentant de Boubacar Keïta",
        "Refus de signer",
        "art. 87",
        head().hash,
    ):
        assert expected in flat or expected in text, expected


def test_the_summary_is_read_only_within_the_area(counted, client):
    country = counted
    for user, unit, code in (
        ("awa", "C0101", 200),
        ("delegue", "C0101", 200),
        ("ceni", "C0101", 200),
        ("ministere", "C0101", 200),
        ("cour", "C0101", 200),
        ("fatou", "C0101", 403),
        ("delegue2", "C0101", 403),
        ("ceni_bko", "C0101", 403),
        ("admin", "C0101", 403),
        ("ceni_bko", "D09", 200),
    ):
        client.force_login(country.user(user))
        assert client.get(country.url("summary", unit=unit)).status_code == code, (user, unit)
    client.force_login(country.user("fatou"))
    assert client.get(country.url("summary_pdf", unit="C0101")).status_code == 403
    assert BAFOULABE  # the other commission's own summary is its own
    assert client.get(country.url("summary", unit="C0102")).status_code == 200
