"""Signing the summary minutes of a commission's area in the application (Art. 87, 141, 149,
174, 187): who may sign, when, what is signed (canonical JSON and SHA-256), the audit events,
supersession when the figures change, new versions, the screens and the PDF."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied

from kalata.audit.canonical import canonical_json
from kalata.audit.models import AuditEvent
from kalata.audit.services import verify
from kalata.commission import signing
from kalata.commission.documents import summary_data
from kalata.commission.models import SummarySignature
from kalata.commission.services import commission_area
from kalata.law.collation import Signatory, check_signatories, signing_readiness
from kalata.law.explain import LawError
from kalata.results.entry import correct
from kalata.results.proclamation import annul, proclaim

from .helpers import KAYES_1, KAYES_2, KAYES_3, figures, form_data

pytestmark = pytest.mark.django_db

MEMBERS = [
    {
        "quality": "Représentant de Aminata Traoré (Alliance pour la démocratie)",
        "name": "Ibrahim Diallo",
        "present": True,
    },
    {
        "quality": "Représentant de Boubacar Keïta (Union pour la République)",
        "name": "Mariam Sangaré",
        "present": True,
        "refused": True,
        "reason": "Conteste les résultats du bureau CM010101-BV002",
    },
    {"quality": "Représentant de Seydou Coulibaly", "present": False},
]


def make_definitive(client, country, station, figs, clerks=("awa", "moussa")):
    for clerk in clerks:
        client.force_login(country.user(clerk))
        assert client.post(country.url("entry", station), form_data(figs)).status_code == 302


SECOND = figures(
    voters=500, envelopes=500, null_ballots=20, valid_votes=480, C01=200, C02=250, C03=30
)


@pytest.fixture
def counted(country, client):
    """Kayes: two minutes definitive, the third (KAYES_3) not received."""
    make_definitive(client, country, KAYES_1, figures())
    make_definitive(client, country, KAYES_2, SECOND)
    return country


def kayes(country):
    return commission_area(country.election, "C0101")


def sign(country, user="prefet", members=MEMBERS, **kwargs):
    return signing.sign_summary(
        country.round, kayes(country), country.user(user), members=members, **kwargs
    )


def events(kind):
    return list(AuditEvent.objects.filter(event_type=kind).order_by("seq"))


def pdf_text(content: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) absent: PDF text not checked")
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


# --- The rule (kalata.law.collation) ------------------------------------------------------------


@pytest.mark.article("141")
@pytest.mark.article("87")
def test_minutes_received_and_not_settled_refuse_the_signature():
    ready = signing_readiness(
        "presidential", counted=3, unsettled=[("CM010101-BV001", "saisies différentes")]
    )
    assert not ready
    assert ready.error.code == "summary_unsettled"
    assert "CM010101-BV001 (saisies différentes)" in ready.error.message
    assert "Signature refusée" in ready.error.message
    assert ready.error.articles == ("141",)


@pytest.mark.article("141")
@pytest.mark.article("149")
@pytest.mark.article("187")
def test_missing_minutes_do_not_hold_back_the_summary_sent_without_delay():
    for kind in ("presidential", "legislative", "communal", "referendum"):
        ready = signing_readiness(kind, counted=2, missing=["CM010102-BV001"])
        assert ready, kind
        assert "non parvenu" in ready.explain()


@pytest.mark.article("174")
def test_national_councillors_wait_for_every_minute():
    ready = signing_readiness("national-councillors", counted=5, missing=["CM010102-BV001"])
    assert not ready and ready.error.code == "summary_incomplete"
    assert ready.error.articles == ("174",)
    assert "l'ensemble des procès-verbaux" in ready.error.message
    assert signing_readiness("national-councillors", counted=5, annulled=1)


@pytest.mark.article("141")
def test_a_summary_counting_nothing_is_not_signed():
    ready = signing_readiness("presidential", counted=0, missing=["A", "B"])
    assert not ready and ready.error.code == "summary_empty"
    assert "aucun procès-verbal définitif" in ready.error.message


@pytest.mark.article("87")
def test_members_lines_follow_article_87():
    ok = check_signatories([Signatory("Représentant de X", " Awa  Touré ", True, True, "Fraude")])
    assert ok[0].name == "Awa Touré" and ok[0].reason == "Fraude"
    cases = [
        (Signatory("Représentant de X", "Awa", True, True, ""), "refusal_reason_missing", "motif"),
        (Signatory("Représentant de X", "Awa", False, True, "Fraude"), "refusal_absent_member", ""),
        (Signatory("Représentant de X", "", True), "member_name_missing", "nom"),
        (Signatory("Représentant de X", "Awa", True, False, "x"), "reason_without_refusal", ""),
        (Signatory("", "Awa", True), "member_quality_missing", "qualité"),
    ]
    for member, code, word in cases:
        with pytest.raises(LawError) as exc:
            check_signatories([member])
        assert exc.value.code == code
        assert word in exc.value.message


# --- Who may sign ---------------------------------------------------------------------------------


@pytest.mark.article("141")
def test_only_the_president_of_that_commission_signs(counted):
    country = counted
    for user in ("awa", "prefet2", "ceni", "delegue", "ministere", "cour", "admin"):
        with pytest.raises(PermissionDenied) as exc:
            sign(country, user)
        assert str(exc.value).startswith("Refusé : signer le procès-verbal récapitulatif"), user
    assert not SummarySignature.objects.exists()
    assert not events("collation.signed")
    signature = sign(country)
    assert signature.version == 1 and signature.is_current
    # The president of Bafoulabé signs his own commission's summary, not Kayes's.
    make_definitive_bafoulabe = commission_area(country.election, "C0102")
    with pytest.raises(PermissionDenied):
        signing.sign_summary(
            country.round, make_definitive_bafoulabe, country.user("prefet"), members=[]
        )


@pytest.mark.article("141")
def test_the_sign_screen_is_for_the_president_of_the_area(counted, client):
    country = counted
    url = country.url("summary_sign", unit="C0101")
    for user, status in (
        ("prefet", 200),
        ("prefet2", 403),
        ("awa", 403),
        ("ceni", 403),
        ("delegue", 403),
        ("ministere", 403),
        ("cour", 403),
        ("admin", 403),
    ):
        client.force_login(country.user(user))
        response = client.get(url)
        assert response.status_code == status, user
        if status == 403:
            body = response.content.decode()
            assert "signer le procès-verbal récapitulatif" in body
            response = client.post(url, {"place": "Kayes", "confirm": "on"})
            assert response.status_code == 403, user
    assert not SummarySignature.objects.exists()


# --- What is signed, and the audit ----------------------------------------------------------------


@pytest.mark.article("141")
@pytest.mark.article("87")
def test_the_signature_keeps_the_exact_figures_their_hash_and_the_refusals(counted):
    country = counted
    signature = sign(country, place="Kayes")
    data = summary_data(country.round, kayes(country))
    expected = signing.signed_figures(data)
    assert signature.figures_json == canonical_json(expected)
    assert signature.figures == json.loads(canonical_json(expected))
    assert signature.figures_sha256 == hashlib.sha256(signature.figures_json.encode()).hexdigest()
    (contest,) = signature.figures["contests"]
    assert contest["totals"]["valid_votes"] == "1\u202f076"
    assert [s["votes"] for s in contest["selections"]] == ["589", "408", "79"]
    assert {s["station"] for s in signature.figures["sheets"]["counted"]} == {KAYES_1, KAYES_2}
    assert [s["station"] for s in signature.figures["sheets"]["not_counted"]] == [KAYES_3]
    assert signature.signer_title == (
        "Le représentant de l'État dans le cercle de Kayes, président"
    )
    assert signature.members[1]["refused"] and "CM010101-BV002" in signature.members[1]["reason"]
    assert signature.signed_by == country.user("prefet")
    assert signing.signature_matches(country.round, kayes(country))

    (event,) = events("collation.signed")
    assert event.actor == "prefet"
    assert event.object_model == "commission.summarysignature"
    assert event.object_pk == str(signature.pk)
    after = json.loads(event.after)
    assert after["figures_sha256"] == signature.figures_sha256
    assert after["status"] == "current"
    report = verify()
    assert report.ok, report.as_dict()
    assert "commission.summarysignature" in report.models_checked


def test_a_signed_version_is_never_edited(counted):
    signature = sign(counted)
    signature.figures_json = "{}"
    with pytest.raises(ValueError, match="jamais modifiée"):
        signature.save()
    with pytest.raises(ValueError, match="jamais supprimée"):
        signature.delete()
    signature.refresh_from_db()
    assert signature.figures_json != "{}"


@pytest.mark.article("141")
def test_an_edit_behind_the_log_is_reported_by_verify(counted):
    signature = sign(counted)
    SummarySignature.objects.filter(pk=signature.pk).update(signer_name="Quelqu'un d'autre")
    assert not verify().data_ok


# --- When it may be signed ------------------------------------------------------------------------


@pytest.mark.article("141")
def test_a_minute_in_first_entry_refuses_the_signature_and_writes_nothing(counted, client):
    country = counted
    make_definitive(client, country, KAYES_3, figures(), clerks=("awa",))  # one entry only
    seq = AuditEvent.objects.count()
    with pytest.raises(LawError) as exc:
        sign(country)
    assert exc.value.code == "summary_unsettled"
    assert KAYES_3 in exc.value.message and "première saisie faite" in exc.value.message
    assert not SummarySignature.objects.exists()
    assert AuditEvent.objects.count() == seq
    client.force_login(country.user("prefet"))
    body = client.get(country.url("summary", unit="C0101")).content.decode()
    assert "Signature refusée" in body and KAYES_3 in body
    assert 'name="confirm"' not in body


def test_nothing_counted_nothing_signed(country):
    with pytest.raises(LawError) as exc:
        sign(country)
    assert exc.value.code == "summary_empty"


@pytest.mark.article("87")
def test_bad_members_lines_sign_nothing(counted):
    bad = [{"quality": "Représentant de X", "name": "Awa", "present": True, "refused": True}]
    with pytest.raises(LawError) as exc:
        sign(counted, members=bad)
    assert exc.value.code == "refusal_reason_missing" and exc.value.field == "reason_0"
    assert not SummarySignature.objects.exists()


def test_the_president_signs_what_he_was_shown(counted, client):
    country = counted
    shown = signing.signature_state(country.round, kayes(country)).sha256
    make_definitive(client, country, KAYES_3, figures())
    with pytest.raises(LawError) as exc:
        sign(country, expected_sha256=shown)
    assert exc.value.code == "summary_changed"
    assert "ont changé depuis leur affichage" in exc.value.message
    assert not SummarySignature.objects.exists()


def test_the_same_figures_are_not_signed_twice(counted):
    sign(counted)
    with pytest.raises(LawError) as exc:
        sign(counted)
    assert exc.value.code == "summary_already_signed"
    assert "déjà signés (version 1" in exc.value.message
    assert SummarySignature.objects.count() == 1


# --- Superseded when the figures change -----------------------------------------------------------


@pytest.mark.article("141")
def test_a_new_definitive_minute_supersedes_the_signature_and_a_new_version_is_signed(
    counted, client
):
    country = counted
    first = sign(country)
    make_definitive(client, country, KAYES_3, figures())
    assert not signing.signature_matches(country.round, kayes(country))
    state = signing.signature_state(country.round, kayes(country))
    assert state.state == "superseded"
    first.refresh_from_db()
    assert first.status == SummarySignature.Status.SUPERSEDED
    assert KAYES_3 in first.superseded_reason and "désormais comptés" in first.superseded_reason
    (event,) = events("collation.superseded")
    assert event.actor == "system" and event.reason == first.superseded_reason
    # Seen again: nothing more is recorded.
    signing.signature_state(country.round, kayes(country))
    assert len(events("collation.superseded")) == 1

    second = sign(country)
    assert second.version == 2 and second.is_current
    assert second.figures_sha256 != first.figures_sha256
    assert "1\u202f672" in second.figures_json  # 1 076 + 596
    first.refresh_from_db()
    assert first.status == SummarySignature.Status.SUPERSEDED
    assert "1\u202f076" in first.figures_json  # the signed version is untouched
    assert signing.signature_matches(country.round, kayes(country))
    assert verify().ok


@pytest.mark.article("141")
def test_a_correction_supersedes_the_signature(counted):
    country = counted
    first = sign(country)
    sheet = country.sheet(KAYES_1)
    correct(
        sheet,
        country.user("prefet"),
        figures(C01=379, C02=168),
        "Erreur de report constatée par la commission",
    )
    state = signing.signature_state(country.round, kayes(country))
    assert state.state == "superseded"
    first.refresh_from_db()
    assert "voix de Aminata Traoré 589 → 579" in first.superseded_reason
    second = sign(country)
    assert second.version == 2
    assert [s["votes"] for s in second.figures["contests"][0]["selections"]] == [
        "579",
        "418",
        "79",
    ]


@pytest.mark.article("141")
@pytest.mark.article("142")
def test_an_annulment_supersedes_the_signature_when_re_signing(counted):
    country = counted
    first = sign(country)
    proclaim(country.round, "provisional", country.user("ministere"), force=True)
    annul(country.round, "station", KAYES_2, "Urne non scellée", "Arrêt n°1", country.user("cour"))
    # Re-signing sees the change itself (no screen visited in between).
    second = sign(country)
    first.refresh_from_db()
    assert first.status == SummarySignature.Status.SUPERSEDED
    assert "procès-verbaux annulés : " + KAYES_2 in first.superseded_reason
    assert events("collation.superseded")[0].actor == "prefet"
    assert [s["station"] for s in second.figures["sheets"]["annulled"]] == [KAYES_2]
    assert SummarySignature.objects.filter(status="current").count() == 1


def test_a_minute_arriving_alone_does_not_supersede(counted, client):
    country = counted
    sign(country)
    make_definitive(client, country, KAYES_3, figures(), clerks=("awa",))  # received, 1st entry
    assert signing.signature_matches(country.round, kayes(country))
    assert signing.signature_state(country.round, kayes(country)).state == "signed"


# --- Screens and PDF ------------------------------------------------------------------------------


@pytest.mark.article("141")
@pytest.mark.article("87")
def test_the_summary_screen_signs_and_shows_the_state(counted, client):
    country = counted
    client.force_login(country.user("awa"))
    body = client.get(country.url("summary", unit="C0101")).content.decode()
    assert "Non signé." in body and 'name="confirm"' not in body
    client.force_login(country.user("prefet"))
    summary_url = country.url("summary", unit="C0101")
    body = client.get(summary_url).content.decode()
    assert "Non signé." in body and "Signer le procès-verbal récapitulatif" in body
    sha = signing.signature_state(country.round, kayes(country)).sha256
    assert sha in body
    post = {
        "place": "Kayes",
        "sha256": sha,
        "confirm": "on",
        "present_0": "on",
        "name_0": "Ibrahim Diallo",
        "present_1": "on",
        "name_1": "Mariam Sangaré",
        "refused_1": "on",
        "reason_1": "",
    }
    url = country.url("summary_sign", unit="C0101")
    response = client.post(url, post)
    assert response.status_code == 400
    body = response.content.decode()
    assert "le refus de signer est mentionné avec son motif" in body
    assert 'value="Mariam Sangaré"' in body  # what was typed is kept
    assert not SummarySignature.objects.exists()
    response = client.post(url, {**post, "confirm": ""})
    assert response.status_code == 400
    assert "Cochez la case de certification" in response.content.decode()

    response = client.post(url, {**post, "reason_1": "Conteste le bureau CM010101-BV002"})
    assert response.status_code == 302 and response["Location"] == summary_url
    signature = SummarySignature.objects.get()
    assert signature.members[1] == {
        "quality": "Représentant de Boubacar Keïta (Union pour la République)",
        "name": "Mariam Sangaré",
        "present": True,
        "refused": True,
        "reason": "Conteste le bureau CM010101-BV002",
    }
    assert not signature.members[2]["present"]
    assert len(signature.members) == 3  # the blank extra lines are not recorded
    body = client.get(summary_url).content.decode()
    assert "Signé par prefet le" in body and signature.figures_sha256 in body
    assert "refuse de signer" in body and "Conteste le bureau" in body
    assert 'name="confirm"' not in body  # already signed: nothing to sign
    client.force_login(country.user("delegue"))
    body = client.get(summary_url).content.decode()
    assert "Signé par prefet" in body


def test_a_stale_form_signs_nothing(counted, client):
    country = counted
    client.force_login(country.user("prefet"))
    old = signing.signature_state(country.round, kayes(country)).sha256
    make_definitive(client, country, KAYES_3, figures())
    client.force_login(country.user("prefet"))
    response = client.post(
        country.url("summary_sign", unit="C0101"),
        {"place": "Kayes", "sha256": old, "confirm": "on"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "ont changé depuis leur affichage" in body
    new = signing.signature_state(country.round, kayes(country)).sha256
    assert f'value="{new}"' in body  # the form now carries the new figures' hash
    assert not SummarySignature.objects.exists()


@pytest.mark.article("141")
def test_the_pdf_shows_the_signature_and_a_signed_version_keeps_its_figures(
    counted, client, tmp_path
):
    country = counted
    client.force_login(country.user("prefet"))
    text = pdf_text(client.get(country.url("summary_pdf", unit="C0101")).content, tmp_path)
    assert "Procès-verbal récapitulatif non signé dans Kalata" in text
    first = sign(country, place="Kayes")
    text = pdf_text(client.get(country.url("summary_pdf", unit="C0101")).content, tmp_path)
    assert "SIGNATURE DU PRÉSIDENT DANS KALATA" in text
    assert "Signé par prefet" in text and "version n°1" in text
    assert "Empreinte SHA-256 des chiffres signés" in text and first.figures_sha256 in text
    assert "Mariam Sangaré — refus de signer, motif : Conteste les résultats" in text

    make_definitive(client, country, KAYES_3, figures())
    client.force_login(country.user("delegue"))
    text = pdf_text(client.get(country.url("summary_pdf", unit="C0101")).content, tmp_path)
    assert "Les chiffres ci-dessus ne sont pas signés" in text
    assert "1 672" in text.replace("\u202f", " ")
    response = client.get(country.url("signed_pdf", unit="C0101", version=1))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path).replace("\u202f", " ")
    assert "Version n°1 signée par prefet" in text
    assert "Les chiffres ci-dessus sont ceux de cette version, tels que signés" in text
    assert "Version remplacée le" in text and KAYES_3 in text
    body = text.split("SIGNATURE DU PRÉSIDENT DANS KALATA")[0]
    assert "1 076" in body and "1 672" not in body  # the figures as signed
    assert "Procès-verbaux non parvenus : 1" in body  # KAYES_3, not counted when signed
    assert first.figures_sha256 in text
    assert client.get(country.url("signed_pdf", unit="C0101", version=7)).status_code == 404
    client.force_login(country.user("delegue2"))
    assert client.get(country.url("signed_pdf", unit="C0101", version=1)).status_code == 403
