"""The authorization matrix: every role × own area / other area / other election × every action.

Written out by hand below (not computed from ``POLICY``), for the presidential election
``PRES``. Each role is held for ``PRES`` only (the administrator: for every election):

- clerk (agent de saisie): commission of the cercle de Kayes (C0101);
- president: commission of the District of Bamako (D09);
- ministry, court (Cour constitutionnelle): the whole country;
- ceni: the Région de Kayes (R01);
- delegate: the embassy in Abidjan;
- admin: the whole country, every election.

Contexts: ``own`` — a target inside the role's area, in ``PRES``; ``other`` — the same kind of
target outside the area, in ``PRES``; ``election`` — the ``own`` target's equivalent in another
presidential election ``PRES2``. ``-``: not applicable (national role, or a national target such
as a round, which has no "other area").

``docs/roles.md`` shows the rules this matrix follows; ``test_docs_table_matches_the_policy``
keeps that page equal to the code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kalata.accounts.permissions import Action, can, policy_table

ROLES = ("clerk", "president", "ministry", "court", "ceni", "delegate", "admin")

# fmt: off
#                          clerk  president ministry court  ceni   delegate admin
EXPECTED = {
    "view_minutes":         ("YNN", "YNN",    "Y-N",   "Y-N", "YNN", "YNN",   "N-N"),
    "enter_minutes":        ("YNN", "NNN",    "N-N",   "N-N", "NNN", "NNN",   "N-N"),
    "upload_scan":          ("YNN", "YNN",    "N-N",   "N-N", "NNN", "NNN",   "N-N"),
    "resolve_entries":      ("NNN", "YNN",    "N-N",   "N-N", "NNN", "NNN",   "N-N"),
    "acknowledge_warning":  ("NNN", "YNN",    "N-N",   "N-N", "NNN", "NNN",   "N-N"),
    "discard_entries":      ("NNN", "YNN",    "N-N",   "N-N", "NNN", "NNN",   "N-N"),
    "correct_minutes":      ("NNN", "YNN",    "N-N",   "N-N", "NNN", "NNN",   "N-N"),
    "sign_collation":       ("NNN", "YNN",    "N-N",   "N-N", "NNN", "NNN",   "N-N"),
    "proclaim_provisional": ("N-N", "N-N",    "Y-N",   "N-N", "N-N", "N-N",   "N-N"),
    "annul":                ("NNN", "NNN",    "N-N",   "Y-N", "NNN", "NNN",   "N-N"),
    "court_correction":     ("NNN", "NNN",    "N-N",   "Y-N", "NNN", "NNN",   "N-N"),
    "proclaim_final":       ("N-N", "N-N",    "N-N",   "Y-N", "N-N", "N-N",   "N-N"),
    "record_observation":   ("NNN", "NNN",    "N-N",   "N-N", "YNN", "NNN",   "N-N"),
    "submit_delegate_copy": ("NNN", "NNN",    "N-N",   "N-N", "NNN", "YNN",   "N-N"),
    "manage_users":         ("N--", "N--",    "N--",   "N--", "N--", "N--",   "Y--"),
    "manage_elections":     ("N-N", "N-N",    "N-N",   "N-N", "N-N", "N-N",   "Y-Y"),
}
# fmt: on
CONTEXTS = ("own", "other", "election")

# Where each role is held, and where its "own" and "other" targets are: a station's unit (for
# minutes) and a commission's unit (for the summary minutes).
SCOPE = {
    "clerk": "C0101",
    "president": "D09",
    "ministry": None,
    "court": None,
    "ceni": "R01",
    "delegate": "AMB-CI-ABIDJAN",
    "admin": None,
}
STATION_UNIT = {
    "clerk": ("CM010102", "CM010201"),  # Khouloum (cercle de Kayes) / Bafoulabé
    "president": ("CM090002", "CM010101"),  # Commune II of Bamako / Kayes
    "ceni": ("CM010201", "CM020101"),  # Bafoulabé (Région de Kayes) / Kati (Koulikoro)
    "delegate": ("AMB-CI-ABIDJAN", "CM090001"),
}
AREA_UNIT = {
    "clerk": ("C0101", "C0102"),
    "president": ("D09", "C0101"),
    "ceni": ("R01", "R02"),
    "delegate": ("AMB-CI-ABIDJAN", "C0101"),
}
NATIONAL_DEFAULT = ("CM010101", "C0101")

SHEET_ACTIONS = {
    "view_minutes",
    "enter_minutes",
    "upload_scan",
    "resolve_entries",
    "acknowledge_warning",
    "discard_entries",
    "correct_minutes",
    "annul",
    "court_correction",
    "record_observation",
    "submit_delegate_copy",
}
# The article each row of the matrix enforces first.
ARTICLE = {
    "view_minutes": "87",
    "enter_minutes": "141",
    "upload_scan": "87",
    "resolve_entries": "141",
    "acknowledge_warning": "141",
    "discard_entries": "141",
    "correct_minutes": "141",
    "sign_collation": "141",
    "proclaim_provisional": "141",
    "annul": "150",
    "court_correction": "150",
    "proclaim_final": "142",
    "record_observation": "9",
    "submit_delegate_copy": "87",
}


def _cases():
    for action, cells in EXPECTED.items():
        marks = [pytest.mark.article(ARTICLE[action])] if action in ARTICLE else []
        for role, cell in zip(ROLES, cells, strict=True):
            for context, expected in zip(CONTEXTS, cell, strict=True):
                if expected == "-":
                    continue
                yield pytest.param(
                    role,
                    action,
                    context,
                    expected == "Y",
                    id=f"{role}-{action}-{context}",
                    marks=marks,
                )


def _target(world, role, action, context):
    """The target (and election context) of ``action`` for ``role`` in ``context``."""
    key = "PRES2" if context == "election" else "PRES"
    pick = 1 if context == "other" else 0
    if action in SHEET_ACTIONS:
        unit = STATION_UNIT.get(role, (NATIONAL_DEFAULT[0],) * 2)[pick]
        return world.sheet(key, unit), None
    if action == "sign_collation":
        unit = AREA_UNIT.get(role, (NATIONAL_DEFAULT[1],) * 2)[pick]
        return world.unit(unit), world.rounds[key]
    if action in ("proclaim_provisional", "proclaim_final"):
        return world.rounds[key], None
    if action == "manage_elections":
        return world.elections[key], None
    return None, None


def test_matrix_covers_every_role_and_every_action():
    assert set(EXPECTED) == {a.value for a in Action}
    assert all(len(cells) == len(ROLES) for cells in EXPECTED.values())


@pytest.mark.parametrize(("role", "action", "context", "allowed"), list(_cases()))
def test_authorization_matrix(world, role, action, context, allowed):
    election = None if role == "admin" else "PRES"
    user = world.person(f"{role}-1", role, election=election, scope=SCOPE[role])
    target, in_round = _target(world, role, action, context)
    decision = can(user, action, target, election=in_round)
    assert decision.allowed is allowed, decision.reason
    assert decision.reason.startswith("Autorisé" if allowed else "Refusé"), decision.reason
    if allowed:
        assert decision.role == role
    elif context == "other":
        assert "hors de ce ressort" in decision.reason or "réservé" in decision.reason
    elif context == "election" and action in ("view_minutes", "enter_minutes"):
        # Refused in the other election *because* the role is held for PRES only, when the
        # same role is allowed in its own area.
        if EXPECTED[action][ROLES.index(role)][0] == "Y":
            assert "PRES-2026-04-26" in decision.reason


# --- The documentation shows the code's table ---------------------------------------------
DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def _doc_table() -> list[tuple[str, list[str]]]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- policy-table:start -->")[1].split("<!-- policy-table:end -->")[0]
    rows = []
    for line in block.strip().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] in ("Action", "") or set(cells[0]) <= {"-", ":"}:
            continue
        rows.append((re.sub(r"[`*]", "", cells[0]), cells[1:]))
    return rows


def test_docs_table_matches_the_policy():
    header = DOC.read_text(encoding="utf-8").split("<!-- policy-table:start -->")[1]
    header_cells = [c.strip(" `") for c in header.strip().splitlines()[0].strip("|").split("|")]
    assert header_cells == ["Action", *ROLES]
    assert _doc_table() == policy_table()


def test_docs_matrix_matches_the_test_matrix():
    """The hand-written matrix of this module is also in the documentation, verbatim."""
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- test-matrix:start -->")[1].split("<!-- test-matrix:end -->")[0]
    rows = {}
    for line in block.strip().splitlines()[2:]:
        cells = [c.strip(" `") for c in line.strip().strip("|").split("|")]
        rows[cells[0]] = tuple(cells[1:])
    assert rows == EXPECTED
