"""The concurrent ingest benchmark's helpers: how the clerks are shared between processes, and
the check that follows a run (nothing lost, every sheet definitive, the audit chain intact)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kalata.accounts.models import Role
from kalata.results.entry import submit_entry

from ..audit.conftest import Tamper
from ..results.entry_fixtures import figures, make_sheet, user_with

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.ingest import check_ingest, shares  # noqa: E402


def _item(sheet: int, clerk: str, number: int) -> dict:
    return {"sheet": sheet, "clerk": clerk, "number": number, "figures": {}}


def test_each_commission_stays_in_one_process_in_order():
    plan = []
    for commission, size in (
        ("saisie-cercle-1", 6),
        ("saisie-cercle-2", 4),
        ("saisie-mission-3", 2),
    ):
        for n in range(size // 2):
            plan.append(_item(100 * len(plan) + n, f"{commission}-a", 1))
        for n in range(size // 2):
            plan.append(_item(100 * len(plan) + n, f"{commission}-b", 2))
    parts = shares(plan, 2)
    assert sorted(len(p) for p in parts) == [6, 6]
    assert sorted(item["sheet"] for p in parts for item in p) == sorted(i["sheet"] for i in plan)
    for part in parts:
        commissions = {item["clerk"].rsplit("-", 1)[0] for item in part}
        for commission in commissions:
            mine = [i for i in part if i["clerk"].startswith(commission + "-")]
            assert mine == [i for i in plan if i["clerk"].startswith(commission + "-")]
    assert len(shares(plan, 8)) == 3  # never more processes than commissions
    assert shares(plan, 1) == [sorted(plan, key=lambda i: i["clerk"] >= "saisie-cercle-2")]


@pytest.mark.django_db
def test_the_check_passes_a_complete_run_and_catches_a_lost_entry():
    awa, moussa = user_with("awa", Role.CLERK), user_with("moussa", Role.CLERK)
    sheets = [make_sheet(f"PRES-2026-04-{i:02d}", f"MDAKAR-BV{i:03d}") for i in (1, 2)]
    plan = [_item(s.pk, "awa", 1) for s in sheets] + [_item(s.pk, "moussa", 2) for s in sheets]
    for item in plan:
        user = awa if item["clerk"] == "awa" else moussa
        submit_entry(sheets[0] if item["sheet"] == sheets[0].pk else sheets[1], user, figures())
    check = check_ingest(plan)
    assert check["ok"], check
    assert (check["lost"], check["extra"], check["not_definitive"], check["missing_events"]) == (
        0,
        0,
        0,
        0,
    )
    assert check["chain_ok"] and check["chain_gapless"]

    third = make_sheet("PRES-2026-04-03", "MDAKAR-BV003")
    submit_entry(third, awa, figures())  # its second entry never arrives
    check = check_ingest([*plan, _item(third.pk, "awa", 1), _item(third.pk, "moussa", 2)])
    assert not check["ok"]
    assert (check["lost"], check["not_definitive"], check["missing_events"]) == (1, 1, 2)

    # An audit event rewritten behind the log's back.
    Tamper().sql(
        "UPDATE audit_auditevent SET reason = 'falsifié'"
        " WHERE seq = (SELECT MAX(seq) FROM audit_auditevent)"
    )
    check = check_ingest(plan)
    assert not check["chain_ok"] and not check["ok"]
