"""``kalata audit …``: exit 0 when intact, 1 when tampered, French text, stable JSON."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from kalata.audit import events
from kalata.audit.services import record
from kalata.cli import main

from .conftest import GROUP_SAVED

KALATA = str(Path(sys.executable).with_name("kalata"))


@pytest.fixture
def three_events():
    return [
        record(events.TERRITORY_LOADED, None, None, None, {"communes": 703}),
        record(events.TALLY_FIRST_ENTRY, "awa", ("scratch.minutes", "BV-1"), None, {"v": 1}),
        record(
            events.TALLY_CORRECTED,
            "president",
            ("scratch.minutes", "BV-1"),
            {"v": 1},
            {"v": 2},
            reason="Erreur de report sur le procès-verbal",
        ),
    ]


@pytest.mark.django_db
def test_verify_exits_0_and_says_intact(three_events, capsys):
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "3 événements vérifiés" in out
    assert "Chaîne intègre" in out
    assert three_events[-1].hash in out
    assert "Résultat : intègre." in out


@pytest.mark.django_db
def test_verify_exits_1_and_says_where_when_the_log_was_tampered(three_events, tamper, capsys):
    tamper.sql("UPDATE audit_auditevent SET actor = 'intrus' WHERE seq = 2")
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "CHAÎNE ROMPUE" in out
    assert "Événement n° 2" in out
    assert "ALTÉRATION DÉTECTÉE" in out


@pytest.mark.django_db
def test_verify_exits_1_when_audited_data_changed_behind_the_log(audited_groups, capsys):
    group = Group.objects.create(name="Commission de Ségou")
    record(GROUP_SAVED, "admin", group, None, group)
    Group.objects.filter(pk=group.pk).update(name="Commission de Mopti")
    assert main(["audit", "verify", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["chain_ok"] is True
    assert report["data_mismatches"][0]["fields"] == ["name"]
    # Checking the chain only ignores the data.
    assert main(["audit", "verify", "--no-data"]) == 0
    assert "non vérifiées" in capsys.readouterr().out


@pytest.mark.django_db
def test_verify_json_of_an_intact_log(three_events, capsys):
    assert main(["audit", "verify", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert report["events_checked"] == 3
    assert report["head"] == {"seq": 3, "hash": three_events[-1].hash}
    assert report["first_break"] is None


@pytest.mark.django_db
def test_log_lists_latest_events_first_with_limit_and_type(three_events, capsys):
    assert main(["audit", "log", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("n° 3")
    assert "motif : Erreur de report" in lines[0]
    assert lines[1].startswith("n° 2")

    assert main(["audit", "log", "--json", "--type", "tally.first_entry"]) == 0
    [event] = json.loads(capsys.readouterr().out)
    assert event["seq"] == 2
    assert event["object"] == {"model": "scratch.minutes", "key": "BV-1"}
    assert event["after"] == {"v": 1}
    assert event["hash"] == three_events[1].hash


@pytest.mark.django_db
def test_log_of_an_unknown_type_is_a_user_error(capsys):
    assert main(["audit", "log", "--type", "tally.nimporte"]) == 2
    assert "Type d'événement inconnu" in capsys.readouterr().err
    assert main(["audit", "log", "--limit", "0"]) == 2


@pytest.mark.django_db
def test_empty_log_and_head(capsys):
    assert main(["audit", "log"]) == 0
    assert "Aucun événement" in capsys.readouterr().out
    assert main(["audit", "head"]) == 0
    assert "vide" in capsys.readouterr().out


@pytest.mark.django_db
def test_head_prints_the_hash_to_publish(three_events, capsys):
    assert main(["audit", "head", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"seq": 3, "hash": three_events[-1].hash}


def test_types_lists_the_registry(capsys):
    assert main(["audit", "types", "--json"]) == 0
    types = {t["key"]: t for t in json.loads(capsys.readouterr().out)}
    assert types["court.annulment"]["requires_reason"] is True
    assert types["tally.first_entry"]["requires_reason"] is False


def test_the_installed_command_catches_tampering_in_a_sqlite_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env["KALATA_DATA_DIR"] = str(tmp_path)
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def kalata(*args):
        return subprocess.run(
            [KALATA, *args], env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path
        )

    assert kalata("migrate").returncode == 0
    write = (
        "import django; django.setup()\n"
        "from django.db import transaction\n"
        "from kalata.audit.services import record\n"
        "with transaction.atomic():\n"
        "    for n in range(3):\n"
        "        record('tally.first_entry', 'awa', ('scratch.minutes', n), None, {'v': n})\n"
    )
    wrote = subprocess.run(
        [sys.executable, "-c", write],
        env={**env, "DJANGO_SETTINGS_MODULE": "kalata.settings"},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert wrote.returncode == 0, wrote.stderr
    intact = kalata("audit", "verify")
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "Résultat : intègre." in intact.stdout

    db = sqlite3.connect(tmp_path / "kalata.sqlite3")
    with db:
        try:
            db.execute("UPDATE audit_auditevent SET after = '{\"v\":9}' WHERE seq = 2")
            raise AssertionError("le déclencheur aurait dû refuser la modification")
        except sqlite3.IntegrityError as exc:
            assert "ajout seul" in str(exc)
    with db:
        db.execute("DROP TRIGGER audit_event_no_update")
        db.execute("UPDATE audit_auditevent SET after = '{\"v\":9}' WHERE seq = 2")
    db.close()

    tampered = kalata("audit", "verify")
    assert tampered.returncode == 1
    assert "Événement n° 2" in tampered.stdout
    assert "ALTÉRATION DÉTECTÉE" in tampered.stdout
    assert "audit_event_no_update" in tampered.stdout  # the missing guard is reported too
