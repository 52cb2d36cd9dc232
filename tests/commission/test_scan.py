"""The photo or scan of each paper minute: sniffed, size-limited, stored with its SHA-256,
audited, served only to readers of the sheet."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kalata.audit.models import AuditEvent
from kalata.audit.services import verify
from kalata.results.models import TallySheet

from .helpers import BAFOULABE, JPEG, KAYES_1, PDF, PNG, PNG_OTHER

pytestmark = pytest.mark.django_db


def upload(client, country, user, content, name="pv.png", station=KAYES_1, **extra):
    client.force_login(country.user(user))
    return client.post(
        country.url("scan_upload", station),
        {"scan": SimpleUploadedFile(name, content, content_type="image/png"), **extra},
        follow=True,
    )


@pytest.mark.article("87")
def test_a_clerk_uploads_the_scan_stored_with_its_sha256_and_audited(country, client, media):
    response = upload(client, country, "awa", PNG)
    sha = hashlib.sha256(PNG).hexdigest()
    assert f"Scan enregistré (SHA-256 {sha})" in response.content.decode()
    sheet = TallySheet.objects.get(pk=country.sheet(KAYES_1).pk)
    assert sheet.image_sha256 == sha
    stored = media / sheet.image.name
    assert stored.read_bytes() == PNG
    assert sheet.image.name.startswith(f"minutes/{country.round.code}/{KAYES_1}-NATION-")
    event = AuditEvent.objects.get(event_type="tally.scan_uploaded")
    assert event.actor == "awa"
    assert (event.object_model, event.object_pk) == ("commission.sheetscan", str(sheet.pk))
    after = json.loads(event.after)
    assert after["image_sha256"] == sha and after["station"] == KAYES_1 and after["format"] == "png"
    assert verify().ok  # the sheet's audited dossier is untouched
    # The sheet page shows it; readers get the file with its type, never sniffed.
    html = client.get(country.url("sheet", KAYES_1)).content.decode()
    assert sha in html and country.url("scan_file", KAYES_1) in html
    served = client.get(country.url("scan_file", KAYES_1))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == PNG


@pytest.mark.parametrize("content, fmt", [(JPEG, "jpg"), (PDF, "pdf")])
def test_jpeg_and_pdf_scans_are_accepted(country, client, content, fmt):
    upload(client, country, "prefet", content, name="scan.bin")
    sheet = TallySheet.objects.get(pk=country.sheet(KAYES_1).pk)
    assert sheet.image.name.endswith(f".{fmt}")


def test_content_is_sniffed_not_trusted_from_the_name(country, client, media):
    response = upload(client, country, "awa", b"<html><script>alert(1)</script>", name="pv.png")
    assert "seuls les fichiers PDF, JPEG et PNG" in response.content.decode()
    assert TallySheet.objects.get(pk=country.sheet(KAYES_1).pk).image_sha256 == ""
    assert not AuditEvent.objects.filter(event_type="tally.scan_uploaded").exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_scan_over_the_size_limit_is_refused(country, client, settings):
    settings.KALATA_SCAN_MAX_BYTES = 32
    response = upload(client, country, "awa", PNG)
    assert "Fichier trop volumineux" in response.content.decode()
    assert TallySheet.objects.get(pk=country.sheet(KAYES_1).pk).image_sha256 == ""


def test_replacing_a_scan_needs_a_reason_and_keeps_the_old_file(country, client, media):
    upload(client, country, "awa", PNG)
    first = TallySheet.objects.get(pk=country.sheet(KAYES_1).pk).image.name
    response = upload(client, country, "awa", PNG)
    assert "déjà le scan enregistré" in response.content.decode()
    response = upload(client, country, "awa", PNG_OTHER)
    assert "indiquez le motif de son remplacement" in response.content.decode()
    upload(client, country, "awa", PNG_OTHER, reason="Photo floue remplacée")
    sheet = TallySheet.objects.get(pk=country.sheet(KAYES_1).pk)
    assert sheet.image_sha256 == hashlib.sha256(PNG_OTHER).hexdigest()
    assert (media / first).exists()
    events = AuditEvent.objects.filter(event_type="tally.scan_uploaded").order_by("seq")
    assert [e.reason for e in events] == ["", "Photo floue remplacée"]
    assert json.loads(events[1].before)["image"] == first


def test_who_may_upload_and_read_a_scan(country, client):
    # Delegates, CENI and the clerks of another commission may not upload.
    for user, station in (("delegue", KAYES_1), ("ceni", KAYES_1), ("fatou", KAYES_1)):
        assert upload(client, country, user, PNG, station=station).status_code == 403, user
    upload(client, country, "fatou", PNG, station=BAFOULABE)
    assert TallySheet.objects.get(pk=country.sheet(BAFOULABE).pk).image_sha256
    # Readers of the area get the file; others do not.
    for user, code in (("delegue2", 200), ("ceni", 200), ("ministere", 200), ("awa", 403)):
        client.force_login(country.user(user))
        assert client.get(country.url("scan_file", BAFOULABE)).status_code == code, user
    client.force_login(country.user("awa"))
    assert client.get(country.url("scan_file", KAYES_1)).status_code == 404
