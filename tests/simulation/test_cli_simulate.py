"""``kalata simulate``: French errors, the summary, the JSON report, and a real process.

Until the lead lists ``kalata.cli.simulate`` in ``COMMAND_MODULES``, the tests add it to the
list they build the parser from (a no-op once it is there).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import kalata.cli
from kalata.audit.services import head
from kalata.territory.services import load_territory

MODULE = "kalata.cli.simulate"


@pytest.fixture(autouse=True)
def with_simulate(monkeypatch):
    modules = list(kalata.cli.COMMAND_MODULES)
    if MODULE not in modules:
        modules.append(MODULE)
    monkeypatch.setattr(kalata.cli, "COMMAND_MODULES", modules)


@pytest.mark.django_db
def test_without_territory_says_how_to_load_it(capsys):
    assert kalata.cli.main(["simulate", "presidential", "2026-04-26", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "Le territoire n'est pas chargé" in err and "kalata territory load" in err


@pytest.mark.django_db
@pytest.mark.article("78")
def test_a_polling_day_that_is_not_a_sunday_is_refused(capsys):
    load_territory()
    assert kalata.cli.main(["simulate", "presidential", "2026-04-27", "--quiet"]) == 2
    assert "n'est pas un dimanche" in capsys.readouterr().err


@pytest.mark.django_db
def test_unknown_region_and_abroad_for_communal_are_refused(capsys):
    load_territory()
    assert kalata.cli.main(["simulate", "presidential", "2026-04-26", "--regions", "R42"]) == 2
    assert "Région(s) inconnue(s) : R42" in capsys.readouterr().err
    args = ["simulate", "communal", "2026-04-26", "--regions", "R08,EXT"]
    assert kalata.cli.main(args) == 2
    assert "Maliens de l'extérieur" in capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.article("125")
def test_referendum_json_report(capsys):
    load_territory()
    args = ["simulate", "referendum", "2026-06-14", "--regions", "R08", "--electors", "6000"]
    assert kalata.cli.main([*args, "--json", "--quiet", "--verify"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["election"]["code"] == "REF-2026-06-14"
    assert report["electorate"]["registered"] == 6000
    (r,) = report["rounds"]
    assert isinstance(r["outcome"]["adopted"], bool)
    assert set(r["final"]["votes"]) == {"OUI", "NON"}
    assert report["audit"]["verified"] is True
    assert report["audit"]["head"] == head().hash
    phases = [t["phase"] for t in report["timings"]]
    assert any("saisie des PV" in p for p in phases)
    # Running it again is refused in French: the election exists.
    assert kalata.cli.main([*args, "--quiet"]) == 2
    assert "existe déjà" in capsys.readouterr().err


def test_the_kalata_command_runs_a_simulation_end_to_end(tmp_path: Path):
    """A real process on its own SQLite database: migrate, load, simulate, verify."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["KALATA_DATA_DIR"] = str(tmp_path)
    kalata_bin = Path(sys.executable).with_name("kalata")

    def kalata_cmd(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(kalata_bin), *args], env=env, capture_output=True, text=True, timeout=300
        )

    assert kalata_cmd("migrate").returncode == 0
    assert kalata_cmd("territory", "load").returncode == 0
    code = (
        "import sys, kalata.cli as c\n"
        f"c.COMMAND_MODULES.append({MODULE!r}) if {MODULE!r} not in c.COMMAND_MODULES else None\n"
        "sys.exit(c.main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "simulate", "presidential", "2026-04-26"]
        + ["--regions", "R08", "--electors", "8000"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "SIMULATION — " in done.stdout and "Élu : " in done.stdout
    assert "Tour 1 : " in done.stderr  # progress on stderr
    verified = kalata_cmd("audit", "verify")
    assert verified.returncode == 0, verified.stdout
    shown = kalata_cmd("results", "tabulate", "PRES-2026-04-26-T1")
    assert shown.returncode == 0 and "C01" in shown.stdout
