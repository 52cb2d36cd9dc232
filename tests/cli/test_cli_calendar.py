"""``kalata calendar``: the legal calendar on the command line (JSON contract, French text)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kalata.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["calendar", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def by_event(payload: dict) -> dict[str, dict]:
    return {d["event"]: d for d in payload["deadlines"]}


@pytest.mark.article("59")
@pytest.mark.article("77")
def test_json_gives_the_2004_communal_calendar(capsys):
    code, out, _ = run(capsys, "communal", "2004-05-23", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["election"] == "communal"
    assert payload["polling_date"] == "2004-05-23"
    assert payload["warnings"] == []
    events = by_event(payload)
    assert events["campaign_opens"]["date"] == "2004-05-07"
    assert events["campaign_closes"] == {
        **events["campaign_closes"],
        "date": "2004-05-21",
        "time": "24:00",
        "articles": ["59"],
    }
    assert events["convocation_latest"]["date"] == "2004-03-24"
    assert "time" not in events["convocation_latest"]  # time only where relevant
    for deadline in payload["deadlines"]:
        assert {"event", "date", "articles", "label"} <= deadline.keys()
    dates = [d["date"] for d in payload["deadlines"]]
    assert dates == sorted(dates)


@pytest.mark.article("59")
def test_text_is_a_french_table_with_dates_in_french(capsys):
    code, out, _ = run(capsys, "communal", "2004-05-23")
    assert code == 0
    assert "Scrutin : dimanche 23 mai 2004" in out
    line = next(x for x in out.splitlines() if "Ouverture de la campagne" in x)
    assert line.startswith("vendredi 7 mai 2004") and "art. 59" in line
    line = next(x for x in out.splitlines() if "Clôture de la campagne" in x)
    assert line.startswith("vendredi 21 mai 2004") and "minuit" in line


@pytest.mark.article("78")
def test_text_shows_the_warning_of_a_saturday_vote(capsys):
    code, out, _ = run(capsys, "legislative", "2007-06-30", "--explain")
    assert code == 0
    assert "Avertissements :" in out
    assert "est un samedi : le scrutin a lieu un dimanche. (art. 78)" in out
    assert "→ " in out  # explanations


@pytest.mark.article("59")
@pytest.mark.article("77")
def test_decreed_2004_communal_calendar_has_no_deviation(capsys, tmp_path):
    decreed = tmp_path / "decrets_2004.json"
    decreed.write_text(
        json.dumps(
            {
                "convocation_latest": "2004-03-05",
                "campaign_opens": "2004-05-07T00:00",
                "campaign_closes": "2004-05-21T24:00",
                "polling_day": "2004-05-23",
            }
        ),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "communal", "2004-05-23", "--json", "--decreed", str(decreed))
    assert code == 0
    assert json.loads(out)["deviations"] == []
    code, out, _ = run(capsys, "communal", "2004-05-23", "--decreed", str(decreed))
    assert "aucun écart avec la loi" in out


@pytest.mark.article("144")
def test_decreed_2007_legislative_second_round_is_named_with_its_article(capsys, tmp_path):
    decreed = tmp_path / "legislatives_2007.json"
    decreed.write_text(
        json.dumps(
            {
                "campaign_opens": "2007-06-10",
                "campaign_closes": "2007-06-29T24:00",
                "provisional_results_deadline": "2007-07-06",
                "second_round": "2007-07-22",
            }
        ),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "legislative", "2007-07-01", "--json", "--decreed", str(decreed))
    assert code == 0
    (deviation,) = json.loads(out)["deviations"]
    assert deviation["event"] == "second_round"
    assert deviation["articles"] == ["144"]
    assert (deviation["status"], deviation["breach"]) == ("too_late", True)
    assert (deviation["decreed"], deviation["legal_date"]) == ("2007-07-22", "2007-07-15")
    code, out, _ = run(capsys, "legislative", "2007-07-01", "--decreed", str(decreed))
    assert "[ÉCART]" in out and "art. 144" in out


@pytest.mark.article("1")
def test_bad_type_is_a_french_error_naming_the_argument(capsys):
    code, out, err = run(capsys, "senatorial", "2007-07-01")
    assert code == 2 and out == ""
    assert err.startswith("Erreur : argument TYPE : type d'élection inconnu « senatorial »")
    assert "national-councillors" in err


@pytest.mark.article("1")
def test_missing_arguments_are_french_errors(capsys):
    code, _, err = run(capsys)
    assert code == 2 and "argument TYPE manquant" in err
    code, _, err = run(capsys, "communal")
    assert code == 2 and "argument AAAA-MM-JJ manquant" in err


@pytest.mark.article("78")
@pytest.mark.parametrize("bad", ["2004-02-30", "23/05/2004", "20040523", "2004-5-23"])
def test_bad_date_is_a_french_error_naming_the_argument(capsys, bad):
    code, out, err = run(capsys, "communal", bad)
    assert code == 2 and out == ""
    assert f"argument AAAA-MM-JJ : date de scrutin invalide « {bad} »" in err


@pytest.mark.article("77")
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "n'est pas un JSON valide"),
        ('["2004-03-05"]', "doit contenir un objet JSON"),
        ('{"campaign_opens": "07/05/2004"}', "valeur invalide pour « campaign_opens »"),
        ('{"campaign_opens": "2004-05-07T25:00"}', "valeur invalide pour « campaign_opens »"),
        ('{"campagne": "2004-05-07"}', "événement inconnu « campagne »"),
    ],
)
def test_bad_decreed_file_is_a_french_error_naming_the_option(capsys, tmp_path, content, message):
    decreed = tmp_path / "decret.json"
    decreed.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "communal", "2004-05-23", "--decreed", str(decreed))
    assert code == 2
    assert err.startswith("Erreur : --decreed : ") and message in err


@pytest.mark.article("77")
def test_missing_decreed_file_is_a_french_error(capsys, tmp_path):
    code, _, err = run(capsys, "communal", "2004-05-23", "--decreed", str(tmp_path / "absent"))
    assert code == 2 and "impossible de lire le fichier" in err


@pytest.mark.article("127")
@pytest.mark.article("141")
def test_installed_command_gives_the_2007_presidential_calendar():
    exe = Path(sys.executable).with_name("kalata")
    argv = [str(exe)] if exe.exists() else [sys.executable, "-m", "kalata.cli"]
    result = subprocess.run(
        [*argv, "calendar", "presidential", "2007-04-29", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    events = by_event(json.loads(result.stdout))
    assert events["second_round"]["date"] == "2007-05-13"
    assert events["provisional_results_deadline"]["date"] == "2007-05-04"
    assert events["card_distribution_opens"]["date"] == "2007-03-30"
    assert events["convocation_latest"]["articles"] == ["77", "128"]


@pytest.mark.article("1")
def test_installed_command_exits_2_on_a_bad_type():
    exe = Path(sys.executable).with_name("kalata")
    argv = [str(exe)] if exe.exists() else [sys.executable, "-m", "kalata.cli"]
    result = subprocess.run(
        [*argv, "calendar", "municipal", "2004-05-23"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Erreur : argument TYPE" in result.stderr
