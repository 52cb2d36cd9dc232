"""The Django admin shows elections, rounds, contests, candidacies and stations, read-only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from kalata.elections import services
from kalata.elections.models import Selection

pytestmark = pytest.mark.django_db


def test_admin_lists_every_election_model_without_add_change_or_delete(territory, client):
    setup = services.create_election("communal", "2026-04-26", actor="awa")
    contest = setup.round.contests.get(code="CM010101")
    members = [(i, f"Candidat {i}", None) for i in range(1, 12)]
    services.add_selection(contest, "L01", "Liste de l'Espoir", "list", members=members)
    services.create_stations(setup.election, {"CM010101": 800}, "awa")
    client.force_login(User.objects.create_superuser("admin", password="x"))
    for path, text in (
        ("election", "COM-2026-04-26"),
        ("round", "COM-2026-04-26-T1"),
        ("contest", "Bangassi"),
        ("selection", "Liste de l&#x27;Espoir"),
        ("pollingstation", "CM010101-BV002"),
    ):
        listing = client.get(f"/admin/elections/{path}/")
        assert listing.status_code == 200, path
        assert text in listing.content.decode(), path
        assert client.get(f"/admin/elections/{path}/add/").status_code == 403, path
    selection = Selection.objects.get(code="L01")
    detail = client.get(f"/admin/elections/selection/{selection.pk}/change/")
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "Candidat 11" in page and 'name="_save"' not in page
    assert client.post(f"/admin/elections/selection/{selection.pk}/delete/").status_code == 403
