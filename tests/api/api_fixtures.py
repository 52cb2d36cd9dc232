"""The world of the API tests, built with the real services (used by ``conftest.py``).

The real territory (``load_territory``, restricted to the cercles of Kayes and Kati for speed,
and the seeded embassies and consulates); a presidential election of 26 April 2026 set up by
``kalata.elections.services`` with three candidates and stations in two communes of the cercle
of Kayes (C0101), one commune of the cercle of Kati (C0201) and the embassy in Dakar; its first
round opened (the expected minutes created and audited). People are created and given their
roles through ``kalata.accounts.services``, and each receives an API token
(``kalata.api.tokens.create_token``):

- ``awa``, ``moussa``: clerks of the Kayes commission (cercle C0101);
- ``fatou``: president of the Kayes commission;
- ``issa``: clerk of the Kati commission (cercle C0201), another area;
- ``aminata``: CENI supervisor for the whole country;
- ``nobody``: an account without any role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.test import Client

from kalata.accounts import services as accounts
from kalata.api.tokens import create_token
from kalata.elections import services as elections
from kalata.elections.models import Round
from kalata.territory import annex
from kalata.territory.models import Cercle
from kalata.territory.services import load_territory

ROUND = "PRES-2026-04-26-T1"
KAYES_1 = "CM010101-BV001"  # commune of Bangassi, cercle of Kayes
KAYES_2 = "CM010101-BV002"
KAYES_3 = "CM010102-BV001"  # commune of Colimbiné, cercle of Kayes
KATI = "CM020101-BV001"  # cercle of Kati
DAKAR = "AMB-SN-DAKAR-BV001"
CANDIDATES = ("C01", "C02", "C03")


@dataclass
class World:
    round: Round
    users: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)  # username -> clear token
    client: Client = field(default_factory=Client)

    def headers(self, username: str | None, **extra) -> dict:
        out = dict(extra)
        if username is not None:
            out["Authorization"] = f"Bearer {self.tokens[username]}"
        return out

    def get(self, path: str, username: str | None = None, **params):
        return self.client.get(path, params, headers=self.headers(username))

    def post(self, path: str, body, username: str | None = None, **headers):
        return self.client.post(
            path, body, content_type="application/json", headers=self.headers(username, **headers)
        )

    def submit(self, username: str, station: str, figures: dict, key: str | None, **headers):
        body = {"figures": figures}
        if key is not None:
            headers.setdefault("Idempotency-Key", key)
        path = f"/api/v1/rounds/{ROUND}/sheets/{station}/entries"
        return self.post(path, body, username, **headers)


def figures(**changes) -> dict:
    """Consistent minutes of a 450-elector station without any warning; keywords override
    fields (``C01=…`` changes one candidate's votes)."""
    out = {
        "registered": 450,
        "voters": 300,
        "envelopes": 300,
        "null_ballots": 10,
        "valid_votes": 290,
        "votes": {"C01": 150, "C02": 100, "C03": 40},
    }
    for key, value in changes.items():
        if key in CANDIDATES:
            out["votes"] = {**out["votes"], key: value}
        else:
            out[key] = value
    return out


#: The part of the real territory the tests load (the whole annex is 703 communes).
REGIONS = ("R01", "R02")
CERCLES = ("C0101", "C0201")


def territory_slice() -> dict:
    """The shipped territory (arrêté n°03-1879) restricted to the cercles of Kayes and Kati."""
    full = annex.load_shipped()
    communes = [c for c in full["communes"] if c["cercle"] in CERCLES]
    codes = {c["code"] for c in communes}
    return {
        **full,
        "regions": [r for r in full["regions"] if r["code"] in REGIONS],
        "cercles": [c for c in full["cercles"] if c["code"] in CERCLES],
        "communes": communes,
        "corrections": [c for c in full["corrections"] if c["unit"] in codes],
    }


def build_world() -> World:
    load_territory(territory_slice())
    setup = elections.create_election(
        "presidential",
        date(2026, 4, 26),
        actor="system",
        electors={"CM010101": 900, "CM010102": 450, "CM020101": 450, "AMB-SN-DAKAR": 300},
        selections=[
            {"code": code, "name": f"Candidat {code}", "order": n}
            for n, code in enumerate(CANDIDATES, start=1)
        ],
    )
    elections.open_round(setup.round, "system")
    world = World(round=Round.objects.select_related("election").get(pk=setup.round.pk))
    kayes = Cercle.objects.get(code="C0101")
    kati = Cercle.objects.get(code="C0201")
    for username, role, scope in (
        ("awa", "clerk", {"cercle": kayes}),
        ("moussa", "clerk", {"cercle": kayes}),
        ("fatou", "president", {"cercle": kayes}),
        ("issa", "clerk", {"cercle": kati}),
        ("aminata", "ceni", {}),
        ("nobody", None, {}),
    ):
        user = accounts.create_user(username)
        if role:
            accounts.grant(user, role, **scope)
        world.users[username] = user
        world.tokens[username] = create_token(user, f"tablette de {username}", days=30).clear
    return world
