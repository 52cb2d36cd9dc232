"""``kalata outcome FILE`` — JSON in, JSON out (Art. 58, 125–127, 135, 144, 176, 185)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kalata.cli import main
from kalata.cli.outcome import CommunalRequest, PresidentialRequest, parse_outcome_request
from kalata.law.explain import LawError


def run(tmp_path: Path, capsys, payload, *extra: str) -> tuple[int, object, str]:
    path = tmp_path / "input.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), "utf-8")
    status = main(["outcome", str(path), *extra])
    out, err = capsys.readouterr()
    data = json.loads(out) if status == 0 and not extra else out
    return status, data, err


def candidates(n: int, births: dict[int, str | None] | None = None, prefix: str = "C"):
    births = births or {}
    return [
        {"name": f"{prefix}{i}", "birth_date": births.get(i, f"19{50 + i}-01-01")}
        for i in range(1, n + 1)
    ]


def communal(seats: int, lists: list[tuple[str, int]], **extra) -> dict:
    return {
        "type": "communal",
        "seats": seats,
        "lists": [
            {"code": code, "votes": votes, "candidates": candidates(seats, prefix=code)}
            for code, votes in lists
        ],
        **extra,
    }


ELEVEN = [("A", 4100), ("B", 2700), ("C", 1600), ("D", 1100), ("E", 420), ("F", 80)]


@pytest.mark.article("176")
def test_communal_outcome_json_contract(tmp_path, capsys):
    status, data, _ = run(tmp_path, capsys, communal(11, ELEVEN))
    assert status == 0
    assert set(data) == {"seats", "excluded", "elected", "unresolved_tie", "steps"}
    assert data["seats"] == {"A": 5, "B": 3, "C": 2, "D": 1, "E": 0, "F": 0}
    assert data["excluded"] == ["E", "F"]
    assert data["unresolved_tie"] is False
    assert data["elected"][:2] == [
        {"list": "A", "rank": 1, "name": "A1"},
        {"list": "A", "rank": 2, "name": "A2"},
    ]
    assert len(data["elected"]) == 11
    assert all(set(step) == {"text", "articles"} for step in data["steps"])
    assert any("exclue" in step["text"] and step["articles"] == ["176"] for step in data["steps"])


@pytest.mark.article("176")
def test_communal_unresolved_tie_with_same_birth_date(tmp_path, capsys):
    payload = {
        "type": "communal",
        "seats": 2,
        "lists": [
            {"code": "A", "votes": 600, "candidates": candidates(2, {2: "1960-06-15"})},
            {"code": "B", "votes": 300, "candidates": candidates(2, {1: "1960-06-15"})},
        ],
    }
    status, data, _ = run(tmp_path, capsys, payload)
    assert status == 0
    assert data["unresolved_tie"] is True
    assert data["seats"] == {"A": 1, "B": 0}


@pytest.mark.article("176")
def test_communal_missing_birth_date_is_accepted_as_null(tmp_path, capsys):
    payload = communal(2, [("A", 600), ("B", 300)])
    payload["lists"][1]["candidates"][0]["birth_date"] = None
    del payload["lists"][0]["candidates"][1]["birth_date"]
    status, data, _ = run(tmp_path, capsys, payload)
    assert status == 0 and data["unresolved_tie"] is True


@pytest.mark.article("176")
def test_communal_threshold_base_is_valid_votes_when_given(tmp_path, capsys):
    status, data, _ = run(tmp_path, capsys, communal(3, [("A", 940), ("B", 60)], valid_votes=1300))
    assert status == 0 and data["excluded"] == ["B"]


@pytest.mark.article("127")
@pytest.mark.article("135")
def test_presidential_first_round_2007(tmp_path, capsys):
    payload = {
        "type": "presidential",
        "round": 1,
        "valid_votes": 2265483,
        "candidates": [
            {"code": "ATT", "votes": 1612912},
            {"code": "IBK", "votes": 433897},
            {"code": "DRAME", "votes": 68956},
        ],
    }
    status, data, _ = run(tmp_path, capsys, payload)
    assert status == 0
    assert set(data) == {"elected", "second_round", "shares", "deposit_refunded", "steps"}
    assert data["elected"] == "ATT"
    assert data["second_round"] is None
    assert data["shares"] == {"ATT": "71.20", "IBK": "19.15", "DRAME": "3.04"}
    assert data["deposit_refunded"] == ["ATT", "IBK"]


@pytest.mark.article("127")
def test_presidential_first_round_with_withdrawal(tmp_path, capsys):
    payload = {
        "type": "presidential",
        "round": 1,
        "candidates": [
            {"code": "ATT", "votes": 449176},
            {"code": "CISSE", "votes": 333525},
            {"code": "IBK", "votes": 329143},
        ],
        "withdrawn": ["CISSE"],
    }
    status, data, _ = run(tmp_path, capsys, payload)
    assert status == 0
    assert data["elected"] is None
    assert data["second_round"] == ["ATT", "IBK"]


@pytest.mark.article("127")
def test_presidential_second_round_2002(tmp_path, capsys):
    payload = {
        "type": "presidential",
        "round": 2,
        "candidates": [{"code": "ATT", "votes": 926243}, {"code": "CISSE", "votes": 498503}],
    }
    status, data, _ = run(tmp_path, capsys, payload)
    assert status == 0
    assert data["elected"] == "ATT"
    assert data["shares"] == {"ATT": "65.01", "CISSE": "34.99"}
    assert data["deposit_refunded"] == []


@pytest.mark.article("144")
def test_legislative_rounds(tmp_path, capsys):
    first = {
        "type": "legislative",
        "round": 1,
        "seats": 2,
        "lists": [
            {"code": "RPM", "votes": 4000},
            {"code": "ADEMA", "votes": 3500},
            {"code": "URD", "votes": 2500},
        ],
    }
    status, data, _ = run(tmp_path, capsys, first)
    assert status == 0
    assert set(data) == {"elected_list", "second_round", "shares", "steps"}
    assert data["elected_list"] is None
    assert data["second_round"] == ["RPM", "ADEMA"]
    second = {**first, "round": 2, "lists": first["lists"][:2]}
    status, data, _ = run(tmp_path, capsys, second)
    assert status == 0
    assert data["elected_list"] == "RPM"
    assert data["second_round"] is None


@pytest.mark.article("125")
@pytest.mark.article("126")
def test_referendum(tmp_path, capsys):
    status, data, _ = run(tmp_path, capsys, {"type": "referendum", "yes": 712, "no": 288})
    assert status == 0
    assert data["adopted"] is True
    assert data["shares"] == {"yes": "71.20", "no": "28.80"}
    assert "steps" in data


@pytest.mark.article("176")
def test_text_output_lists_the_steps_in_french(tmp_path, capsys):
    status, out, _ = run(tmp_path, capsys, communal(11, ELEVEN), "--texte")
    assert status == 0
    assert "Liste E exclue" in out and "(art. 176)" in out


# --------------------------------------------------------------------------------------------
# Bad input: non-zero exit, French message naming the field and the article


def case(payload: dict, field: str, article: str | None):
    marks = [pytest.mark.article(article)] if article else []
    return pytest.param(payload, field, article, marks=marks, id=field)


@pytest.mark.article("58")
@pytest.mark.article("185")
def test_list_size_different_from_seats_names_the_field_and_articles(tmp_path, capsys):
    payload = communal(3, [("A", 600), ("B", 300), ("C", 100)])
    payload["lists"][2]["candidates"].pop()
    status, _, err = run(tmp_path, capsys, payload)
    assert status == 2
    assert err.startswith("Erreur : [lists[2].candidates]")
    assert "art. 58, 185" in err


@pytest.mark.parametrize(
    ("payload", "field", "article"),
    [
        case({"type": "municipal"}, "[type]", None),
        case({"seats": 3}, "[type]", None),
        case({"type": "communal", "lists": []}, "[seats]", "176"),
        case({"type": "communal", "seats": "11", "lists": []}, "[seats]", "176"),
        case({"type": "communal", "seats": 2, "lists": {}}, "[lists]", "176"),
        case(
            {"type": "communal", "seats": 1, "lists": [{"code": "A", "votes": -3}]},
            "[lists[0].votes]",
            "176",
        ),
        case(
            {
                "type": "communal",
                "seats": 1,
                "lists": [
                    {"code": "A", "votes": 3, "candidates": [{"name": "x", "birth_date": "1/2/60"}]}
                ],
            },
            "[lists[0].candidates[0].birth_date]",
            "57",
        ),
        case(
            {
                "type": "communal",
                "seats": 1,
                "lists": [
                    {"code": "A", "votes": 3, "candidates": [{"name": "x"}]},
                    {"code": "A", "votes": 2, "candidates": [{"name": "y"}]},
                ],
            },
            "[lists[1].code]",
            "58",
        ),
        case(
            {
                "type": "communal",
                "seats": 1,
                "valid_votes": 4,
                "lists": [{"code": "A", "votes": 5, "candidates": [{"name": "x"}]}],
            },
            "[valid_votes]",
            "176",
        ),
        case({"type": "presidential", "round": 3, "candidates": []}, "[round]", "127"),
        case({"type": "presidential", "round": 1}, "[candidates]", "127"),
        case(
            {"type": "presidential", "round": 1, "candidates": [{"code": "A", "votes": 1.5}]},
            "[candidates[0].votes]",
            "127",
        ),
        case(
            {
                "type": "presidential",
                "round": 1,
                "candidates": [{"code": "A", "votes": 1}],
                "withdrawn": ["Z"],
            },
            "[withdrawn]",
            "127",
        ),
        case(
            {
                "type": "presidential",
                "round": 2,
                "candidates": [
                    {"code": "A", "votes": 1},
                    {"code": "B", "votes": 1},
                    {"code": "C", "votes": 1},
                ],
            },
            "[candidates]",
            "127",
        ),
        case(
            {"type": "legislative", "round": 2, "seats": 2, "lists": [{"code": "A", "votes": 1}]},
            "[lists]",
            "144",
        ),
        case({"type": "referendum", "yes": 1}, "[no]", "126"),
        case({"type": "referendum", "yes": 1, "no": 2, "valid": 3}, "[valid]", None),
    ],
)
def test_bad_input_exits_with_french_message_naming_field(
    tmp_path, capsys, payload, field, article
):
    status, _, err = run(tmp_path, capsys, payload)
    assert status == 2
    assert err.startswith(f"Erreur : {field}"), err
    if article:
        assert f"art. {article}" in err


def test_invalid_json_and_missing_file_exit_non_zero(tmp_path, capsys):
    status, _, err = run(tmp_path, capsys, '{"type": "communal",')
    assert status == 2 and "JSON invalide" in err
    assert main(["outcome", str(tmp_path / "absent.json")]) == 2
    assert "fichier introuvable" in capsys.readouterr().err


@pytest.mark.article("176")
def test_parse_outcome_request_returns_frozen_values():
    request = parse_outcome_request(communal(2, [("A", 6), ("B", 3)]))
    assert isinstance(request, CommunalRequest)
    assert request.lists[0].candidates[0].birth_date.year == 1951
    with pytest.raises(AttributeError):
        request.seats = 3  # type: ignore[misc]
    pres = parse_outcome_request(
        {"type": "presidential", "round": 1, "candidates": [{"code": "A", "votes": 1}]}
    )
    assert isinstance(pres, PresidentialRequest) and pres.withdrawn == ()
    with pytest.raises(LawError):
        parse_outcome_request({"type": "referendum", "yes": True, "no": 1})


@pytest.mark.article("127")
def test_outcome_reads_stdin_through_the_installed_command():
    kalata = Path(sys.executable).with_name("kalata")
    payload = {
        "type": "presidential",
        "round": 1,
        "candidates": [
            {"code": "A", "votes": 40},
            {"code": "B", "votes": 30},
            {"code": "C", "votes": 30},
        ],
    }
    done = subprocess.run(
        [str(kalata), "outcome", "-"],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["second_round"] is None
    assert any("égalité de suffrages" in step["text"] for step in data["steps"])
    bad = subprocess.run(
        [str(kalata), "outcome", "-"], input="[]", capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("Erreur :")
