"""Every commission view for every role: own area -> allowed, other area -> French 403.

Roles (``helpers.ROLES``): clerk and president of the Kayes commission (C0101), CENI of the
Région de Kayes, delegate of the cercle of Kayes, Ministry and Court (national), administrator.
"Other area": Bafoulabé (C0102) for the Kayes commission and its delegate, the District of
Bamako for the CENI of the Région de Kayes; national roles have none.
"""

from __future__ import annotations

import json

import pytest

from .helpers import BAFOULABE, BAMAKO, KAYES_1

pytestmark = pytest.mark.django_db

OWN = {
    "awa": KAYES_1,
    "prefet": KAYES_1,
    "ceni": KAYES_1,
    "delegue": KAYES_1,
    "ministere": KAYES_1,
    "cour": KAYES_1,
    "admin": KAYES_1,
}
OTHER = {"awa": BAFOULABE, "prefet": BAFOULABE, "ceni": BAMAKO, "delegue": BAFOULABE}
AREA = {KAYES_1: "C0101", BAFOULABE: "C0102", BAMAKO: "D09"}
READERS = {"awa", "prefet", "ceni", "delegue", "ministere", "cour"}

# view -> (method, the users allowed in their own area, status when allowed)
VIEWS = {
    "sheet": ("get", READERS, 200),
    "verify": ("json", READERS, 200),
    "entry": ("get", {"awa"}, 200),
    "resolve": ("get", {"prefet"}, 200),
    "acknowledge": ("get", {"prefet"}, 200),
    "discard": ("get", {"prefet"}, 200),
    "correct": ("get", {"prefet"}, 200),
    "scan_upload": ("post", {"awa", "prefet"}, 302),
    "delegate_copy": ("get", {"delegue"}, 200),
    "observation": ("post", {"ceni"}, 302),
    "summary": ("summary", READERS, 200),
    "summary_sign": ("sign", {"prefet"}, 200),  # Action.SIGN_COLLATION (Art. 141)
}


def call(client, country, view, method, station):
    if method == "get":
        return client.get(country.url(view, station))
    if method == "post":
        return client.post(country.url(view, station), {"text": "Observation."})
    if method == "json":
        body = json.dumps(
            {
                "registered": 1,
                "voters": 1,
                "envelopes": 1,
                "null_ballots": 0,
                "valid_votes": 1,
                "votes": {"C01": 1, "C02": 0, "C03": 0},
            }
        )
        return client.post(country.url(view, station), body, content_type="application/json")
    if method == "sign":
        return client.get(country.url("summary_sign", unit=AREA[station]))
    return client.get(country.url("summary", unit=AREA[station]))


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("user", sorted(OWN))
def test_each_view_allows_its_roles_in_their_area_only(country, client, user, view):
    method, allowed, ok = VIEWS[view]
    client.force_login(country.user(user))
    response = call(client, country, view, method, OWN[user])
    expected = ok if user in allowed else 403
    assert response.status_code == expected, (user, view, "own area")
    if expected == 403:
        assert "Accès refusé" in response.content.decode()
        assert "Refusé" in response.content.decode()  # the reason, in French
    if user in OTHER:
        response = call(client, country, view, method, OTHER[user])
        assert response.status_code == 403, (user, view, "other area")
        assert "Accès refusé" in response.content.decode()


def test_the_queue_is_open_to_every_reader_and_closed_to_the_administrator(country, client):
    for user in sorted(OWN):
        client.force_login(country.user(user))
        response = client.get(f"/commission/{country.round.code}/")
        assert response.status_code == (200 if user in READERS else 403), user
