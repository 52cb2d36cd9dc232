"""The Django admin shows the audit log read-only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from kalata.audit import events
from kalata.audit.services import record

pytestmark = pytest.mark.django_db


def test_admin_lists_events_but_offers_no_add_change_or_delete(client):
    event = record(events.TALLY_FIRST_ENTRY, "awa", ("scratch.minutes", "BV-7"), None, {})
    admin = User.objects.create_superuser("admin", password="x")
    client.force_login(admin)
    listing = client.get("/admin/audit/auditevent/")
    assert listing.status_code == 200
    assert "BV-7" in listing.content.decode()
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    detail = client.get(f"/admin/audit/auditevent/{event.seq}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.post(f"/admin/audit/auditevent/{event.seq}/delete/").status_code == 403
