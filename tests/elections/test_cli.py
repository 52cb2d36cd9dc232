"""``kalata election …`` through the module's own parser, ``kalata.cli.main`` and a subprocess."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kalata import cli
from kalata.audit.models import AuditEvent
from kalata.cli import election as election_cli
from kalata.elections import services
from kalata.elections.models import Election

pytestmark = pytest.mark.django_db


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kalata")
    sub = parser.add_subparsers(dest="command")
    election_cli.register(sub)
    return parser


def _run(capsys, *argv) -> tuple[int, str, str]:
    """Parse with this module's ``register`` and dispatch as ``kalata.cli.main`` does."""
    args = _parser().parse_args(["election", *argv])
    try:
        status = int(args.func(args) or 0)
    except cli.LawError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        status = 2
    except cli.CliError as exc:
        print(f"Erreur : {exc.message}", file=sys.stderr)
        status = exc.status
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.article("140")
def test_create_then_list_and_show(territory, capsys):
    status, out, err = _run(capsys, "create", "presidential", "2026-04-26", "--actor", "awa")
    assert status == 0, err
    assert "Scrutin créé : PRES-2026-04-26" in out
    assert "1 circonscription(s), 1 siège(s)" in out
    assert AuditEvent.objects.get(event_type="election.created").actor == "awa"

    status, out, _ = _run(capsys, "list")
    assert status == 0 and "PRES-2026-04-26" in out and "en préparation" in out
    status, out, _ = _run(capsys, "list", "--json")
    assert json.loads(out)[0]["code"] == "PRES-2026-04-26"

    e = Election.objects.get()
    services.add_presidential_candidates(
        e, [{"code": "C01", "name": "A"}, {"code": "C02", "name": "B"}]
    )
    services.create_stations(e, {"CM010101": 1500, "AMB-CI-ABIDJAN": 100}, "awa")
    services.open_round(services.get_round(e, 1), "awa")

    status, out, _ = _run(capsys, "show", "PRES-2026-04-26")
    assert status == 0
    assert "Bureaux de vote : 4 (dont 1 à l'étranger, 100 inscrits)" in out
    assert "électeurs inscrits : 1\u202f600" in out
    assert "Tour 1 (PRES-2026-04-26-T1) — dimanche 26 avril 2026 — centralisation en cours" in out
    assert "candidatures : 2" in out
    assert "Procès-verbaux : 0 reçus / 4 attendus" in out
    assert "attendu : 4" in out

    status, out, _ = _run(capsys, "show", "PRES-2026-04-26", "--json")
    data = json.loads(out)
    assert (data["stations"], data["registered"]) == (4, 1600)
    assert data["rounds"][0]["sheets"]["expected"] == 4


@pytest.mark.article("143")
def test_create_legislative_prints_its_seats(territory, capsys):
    status, out, _ = _run(capsys, "create", "legislative", "2026-04-26", "--json")
    assert status == 0
    data = json.loads(out)
    assert (data["code"], data["contests"], data["seats"]) == ("LEG-2026-04-26", 55, 147)


@pytest.mark.article("143")
def test_create_legislative_with_corrected_seats(territory, capsys):
    argv = ("create", "legislative", "2026-04-26", "--seats", "C0106=4", "--seats", "CM090002=2")
    status, out, err = _run(capsys, *argv)
    assert status == 0, err
    assert "55 circonscription(s), 147 siège(s)" in out
    status, _, err = _run(capsys, "create", "legislative", "2026-05-03", "--seats", "C0106")
    assert status == 2 and "CODE=N" in err
    status, _, err = _run(capsys, "create", "legislative", "2026-05-03", "--seats", "CM010101=2")
    assert status == 2 and "n'est pas une circonscription législative" in err
    status, _, err = _run(capsys, "create", "communal", "2026-05-03", "--seats", "C0106=4")
    assert status == 2 and "législatives" in err


@pytest.mark.article("78")
def test_a_saturday_is_refused_unless_forced(territory, capsys):
    status, _, err = _run(capsys, "create", "communal", "2026-04-25")
    assert status == 2
    assert err.startswith("Erreur : ") and "n'est pas un dimanche" in err and "--force" in err
    status, out, _ = _run(capsys, "create", "communal", "2026-04-25", "--force")
    assert status == 0
    assert "Avertissements :" in out and "le scrutin a lieu un dimanche. (art. 78)" in out


def test_errors_are_french_with_status_2(territory, capsys):
    status, _, err = _run(capsys, "create", "presidential", "26/04/2026")
    assert status == 2 and "AAAA-MM-JJ" in err
    status, _, err = _run(capsys, "create", "national-councillors", "2026-04-26")
    assert status == 2 and "pas encore pris en charge" in err
    status, _, err = _run(capsys, "show", "PRES-2099-01-01")
    assert status == 2 and "Aucun scrutin ne porte le code « PRES-2099-01-01 »" in err
    _run(capsys, "create", "referendum", "2026-04-26")
    status, _, err = _run(capsys, "create", "referendum", "2026-04-26")
    assert status == 2 and "existe déjà" in err


def test_list_when_empty(db, capsys):
    status, out, _ = _run(capsys, "list")
    assert (status, out.strip()) == (0, "Aucun scrutin.")


@pytest.mark.article("143")
def test_deputies_table_beside_the_rule(territory, capsys):
    status, out, _ = _run(capsys, "deputies")
    assert status == 0
    assert "Total : 147 sièges (tableau), 163 (règle)." in out
    assert "C0205" in out and "Kati" in out
    status, out, _ = _run(capsys, "deputies", "--json")
    data = json.loads(out)
    assert (data["data_total"], data["rule_total"], len(data["rows"])) == (147, 163, 55)
    assert "Nioro" in data["source"]


def test_main_dispatches_to_the_election_commands(territory, capsys):
    if "kalata.cli.election" not in cli.COMMAND_MODULES:
        pytest.skip("kalata.cli.election is not yet in COMMAND_MODULES")
    assert cli.main(["election", "create", "referendum", "2026-04-26"]) == 0
    assert "REF-2026-04-26" in capsys.readouterr().out


def test_create_and_show_as_a_subprocess(tmp_path):
    kalata = Path(sys.executable).with_name("kalata")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["KALATA_DATA_DIR"] = str(tmp_path)
    env["KALATA_ACTOR"] = "moussa"
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(*argv):
        return subprocess.run(
            [str(kalata), *argv], env=env, cwd=tmp_path, capture_output=True, text=True
        )

    if "election" not in run("--help").stdout:
        pytest.skip("kalata.cli.election is not yet registered in COMMAND_MODULES")
    before = run("election", "list")
    assert before.returncode == 2 and "kalata migrate" in before.stderr
    assert run("migrate").returncode == 0
    assert run("territory", "load").returncode == 0
    created = run("election", "create", "legislative", "2026-04-26")
    assert created.returncode == 0, created.stderr
    assert "55 circonscription(s), 147 siège(s)" in created.stdout
    shown = run("election", "show", "LEG-2026-04-26", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["rounds"][0]["seats"] == 147
    log = run("audit", "log", "--json")
    if log.returncode == 0:
        assert json.loads(log.stdout)[0]["actor"] == "moussa"
