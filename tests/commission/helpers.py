"""Helpers and the small real country for the commission screens, built with the real services.

- Territory (``load_territory`` with a part of the shipped annex): the Région de Kayes with the
  cercles of Kayes (C0101) and Bafoulabé (C0102), the District of Bamako, and the seeded
  missions.
- A presidential election (first round, 26 April 2026), three candidates, stations in two
  communes of the cercle of Kayes (one commune with two stations), one commune of Bafoulabé,
  Commune I of Bamako and the embassy in Dakar; the round opened (one sheet per station).
- People, each with one role for this election (``kalata.accounts.services``): two clerks and the
  president of the Kayes commission, a clerk and the president of the Bafoulabé commission, a
  CENI supervisor of the Région de Kayes and one of the District, a delegate of the cercle of
  Kayes and one of Bafoulabé, the Ministry, the Constitutional Court, an administrator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.urls import reverse

from kalata.accounts import services as accounts
from kalata.elections import services as elections
from kalata.results.models import TallySheet
from kalata.territory import annex
from kalata.territory.models import Cercle, Commune, Mission, Region
from kalata.territory.services import load_territory

POLLING_DATE = date(2026, 4, 26)
CANDIDATES = [
    {"code": "C01", "name": "Aminata Traoré", "party": "Alliance pour la démocratie"},
    {"code": "C02", "name": "Boubacar Keïta", "party": "Union pour la République"},
    {"code": "C03", "name": "Seydou Coulibaly", "party": ""},
]
CODES = [c["code"] for c in CANDIDATES]
# Communes: two of the cercle of Kayes, one of Bafoulabé, Commune I of Bamako; the embassy.
ELECTORS = {"CM010101": 1400, "CM010102": 600, "CM010201": 500, "CM090001": 650}
ELECTORS_ABROAD = {"AMB-SN-DAKAR": 300}


@cache
def _annex_part() -> dict:
    full = annex.load_shipped()
    regions = {"R01", "D09"}
    cercles = {"C0101", "C0102"}
    communes = [
        c
        for c in full["communes"]
        if (c["cercle"] in cercles) or (c["cercle"] is None and c["region"] in regions)
    ]
    codes = {c["code"] for c in communes}
    return {
        **full,
        "regions": [r for r in full["regions"] if r["code"] in regions],
        "cercles": [c for c in full["cercles"] if c["code"] in cercles],
        "communes": communes,
        "corrections": [c for c in full["corrections"] if c["unit"] in codes],
    }


@dataclass
class Country:
    election: object
    round: object
    users: dict = field(default_factory=dict)

    def user(self, name):
        return self.users[name]

    def sheet(self, station_code: str) -> TallySheet:
        return TallySheet.objects.select_related(
            "round__election", "contest", "station__commune", "station__mission"
        ).get(round=self.round, station__code=station_code)

    def url(self, name: str, station_code: str | None = None, **extra) -> str:
        if station_code is None:
            return reverse(f"commission:{name}", args=[self.round.code, *extra.values()])
        return reverse(f"commission:{name}", args=[self.round.code, "NATION", station_code])


# Stations: CM010101 has 1 400 electors -> two stations of 700 (Art. 71).
KAYES_1 = "CM010101-BV001"
KAYES_2 = "CM010101-BV002"
KAYES_3 = "CM010102-BV001"
BAFOULABE = "CM010201-BV001"
BAMAKO = "CM090001-BV001"
DAKAR = "AMB-SN-DAKAR-BV001"

ROLES = {
    # username: (role, scope kind, scope code)
    "awa": ("clerk", "cercle", "C0101"),
    "moussa": ("clerk", "cercle", "C0101"),
    "fatou": ("clerk", "cercle", "C0102"),
    "prefet": ("president", "cercle", "C0101"),
    "prefet2": ("president", "cercle", "C0102"),
    "ceni": ("ceni", "region", "R01"),
    "ceni_bko": ("ceni", "region", "D09"),
    "delegue": ("delegate", "cercle", "C0101"),
    "delegue2": ("delegate", "cercle", "C0102"),
    "ministere": ("ministry", None, None),
    "cour": ("court", None, None),
    "admin": ("admin", None, None),
}
_MODELS = {"region": Region, "cercle": Cercle, "commune": Commune, "mission": Mission}


def build_country() -> Country:
    load_territory(_annex_part())
    setup = elections.create_election(
        "presidential",
        POLLING_DATE,
        actor="admin",
        electors={**ELECTORS, **ELECTORS_ABROAD},
        selections=CANDIDATES,
    )
    elections.open_round(setup.round, "admin")
    world = Country(setup.election, setup.round)
    for username, (role, kind, code) in ROLES.items():
        user = accounts.create_user(username, password="mot-de-passe-1")
        scope = {kind: _MODELS[kind].objects.get(code=code)} if kind else {}
        election = None if role == "admin" else setup.election
        accounts.grant(user, role, election=election, **scope)
        world.users[username] = user
    return world


def figures(**changes) -> dict:
    """Consistent minutes of a 700-elector station, no warning; keywords override."""
    out = {
        "registered": 700,
        "voters": 613,
        "envelopes": 613,
        "null_ballots": 17,
        "valid_votes": 596,
        "votes": {"C01": 389, "C02": 158, "C03": 49},
    }
    for key, value in changes.items():
        if key in CODES:
            out["votes"] = {**out["votes"], key: value}
        else:
            out[key] = value
    return out


def form_data(figs: dict, **extra) -> dict:
    """The POST of the paper form for ``figs`` (every value as the text typed)."""
    data = {}
    for key, value in figs.items():
        if key == "votes":
            for code, v in value.items():
                data[f"votes.{code}"] = "" if v is None else str(v)
        elif key == "null_breakdown":
            for cat, v in (value or {}).items():
                data[f"null_breakdown.{cat}"] = str(v)
        elif key == "observations":
            data["observations"] = value
        else:
            data[key] = "" if value is None else str(value)
    data.update(extra)
    return data


def shown(html: str, number: int | str) -> bool:
    """Whether ``number`` is shown as a figure in ``html`` (an input value or a table cell)."""
    text = re.escape(str(number))
    return bool(re.search(rf'value="{text}"|>\s*{text}\s*<', html))


def login(client, user):
    client.force_login(user)
    return client


def _png(width: int = 4, height: int = 3) -> bytes:
    """A small valid PNG (grey), built with zlib."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PNG = _png()
PNG_OTHER = _png(5, 3)
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\x00" * 64
    + b"\xff\xd9"
)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
