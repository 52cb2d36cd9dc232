"""``kalata territory …`` commands, through ``kalata.cli.main`` and once as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kalata.cli import main
from kalata.territory import annex

STATS = {
    "regions": 8,
    "districts": 1,
    "cercles": 49,
    "communes": 703,
    "councillors": 10_789,
    "population": 10_198_064,
}


def _run(capsys, *argv) -> tuple[int, str, str]:
    status = main(["territory", *argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def loaded(db, capsys):
    status, out, _ = _run(capsys, "load")
    assert status == 0
    return out


@pytest.mark.django_db
def test_load_prints_french_counts(loaded, capsys):
    assert "8 régions, 1 district, 49 cercles, 703 communes" in loaded
    status, again, _ = _run(capsys, "load")
    assert status == 0
    assert "0 créés, 0 mis à jour" in again


@pytest.mark.django_db
def test_stats_json_has_exactly_the_six_figures(loaded, capsys):
    status, out, _ = _run(capsys, "stats", "--json")
    assert status == 0
    assert json.loads(out) == STATS


@pytest.mark.django_db
def test_stats_text_is_french(loaded, capsys):
    status, out, _ = _run(capsys, "stats")
    assert status == 0
    assert "Communes" in out and "703" in out
    assert "Conseillers à élire" in out and "10\u202f789" in out


@pytest.mark.django_db
def test_stats_before_load_is_a_french_error_with_status_two(capsys):
    status, out, err = _run(capsys, "stats", "--json")
    assert status == 2
    assert out == ""
    assert "Erreur : " in err and "kalata territory load" in err


@pytest.mark.django_db
@pytest.mark.article("annex")
def test_check_json_lists_diamou_and_tinaicha(loaded, capsys):
    status, out, _ = _run(capsys, "check", "--json")
    assert status == 0
    items = json.loads(out)
    assert all(set(it) == {"code", "name", "cercle", "issue", "detail"} for it in items)
    found = {(it["name"], it["issue"]) for it in items}
    assert ("Diamou", "councillors_band_mismatch") in found
    assert ("TinAïcha", "implausible_population") in found


@pytest.mark.django_db
@pytest.mark.article("annex")
def test_check_text_is_a_french_table(loaded, capsys):
    status, out, _ = _run(capsys, "check")
    assert status == 0
    assert "conseillers hors barème" in out
    assert "CM010103" in out and "Diamou" in out


@pytest.mark.django_db
@pytest.mark.article("annex")
def test_corrections_show_printed_corrected_and_reason(loaded, capsys):
    status, out, _ = _run(capsys, "corrections", "--json")
    assert status == 0
    items = json.loads(out)
    assert {c["id"] for c in items} >= {"L0023-population", "L0146-row"}
    assert all(c["reason"] for c in items)
    status, text, _ = _run(capsys, "corrections")
    assert "« 9 648I » → « 9 648 » [certaine]" in text
    assert "[INCERTAINE]" in text


@pytest.mark.django_db
@pytest.mark.article("23")
@pytest.mark.article("28")
def test_missions_add_then_list(loaded, capsys):
    status, out, err = _run(
        capsys,
        "missions",
        "add",
        "--code",
        "AMB-MR-NOUAKCHOTT",
        "--name",
        "Ambassade du Mali en Mauritanie",
        "--kind",
        "ambassade",
        "--city",
        "Nouakchott",
        "--country",
        "MR",
    )
    assert status == 0, err
    assert "Mission ajoutée : AMB-MR-NOUAKCHOTT" in out
    status, out, _ = _run(capsys, "missions", "--json")
    codes = [m["code"] for m in json.loads(out)]
    assert "AMB-MR-NOUAKCHOTT" in codes and "AMB-CI-ABIDJAN" in codes
    status, out, _ = _run(capsys, "missions")
    assert "Nouakchott (MR)" in out


@pytest.mark.django_db
@pytest.mark.article("23")
@pytest.mark.article("28")
def test_missions_add_with_bad_country_is_a_french_error(loaded, capsys):
    status, out, err = _run(
        capsys,
        "missions",
        "add",
        "--code",
        "AMB-XX-NULLE",
        "--name",
        "Ambassade",
        "--kind",
        "ambassade",
        "--city",
        "Nulle",
        "--country",
        "MLI",
    )
    assert status == 2
    assert "Erreur : " in err and "ISO 3166" in err


def test_build_check_says_the_shipped_file_is_current(capsys):
    status, out, _ = _run(capsys, "build", "--check")
    assert status == 0
    assert f"{annex.TERRITORY_FILE.name} est à jour" in out


def test_load_migrate_stats_as_a_subprocess(tmp_path):
    kalata = Path(sys.executable).with_name("kalata")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["KALATA_DATA_DIR"] = str(tmp_path)
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(*argv):
        return subprocess.run(
            [str(kalata), *argv], env=env, cwd=tmp_path, capture_output=True, text=True
        )

    before = run("territory", "stats", "--json")
    assert before.returncode == 2
    assert "Erreur" in before.stderr
    assert run("migrate").returncode == 0
    load = run("territory", "load")
    assert load.returncode == 0, load.stderr
    assert "703 communes" in load.stdout
    stats = run("territory", "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout) == STATS
    assert (tmp_path / "kalata.sqlite3").exists()
