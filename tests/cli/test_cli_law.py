"""``kalata law coverage`` and ``kalata law map``."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kalata.cli import main
from kalata.law.law_map import LAW_MAP, articles

TOTAL = len(articles())


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def tests_dir(tmp_path: Path) -> Path:
    root = tmp_path / "tests"
    _write(
        root,
        "law/test_polling.py",
        '''
        import pytest
        from pytest import mark

        # @pytest.mark.article("3")  -- a comment is not a marker


        @pytest.mark.article("71")
        def test_one_station_per_700():
            """@pytest.mark.article("4") in a docstring is not a marker either."""


        @pytest.mark.article("74")
        @pytest.mark.article("76")
        def test_president_and_four_assessors():
            pass


        @mark.article("71")
        @pytest.mark.parametrize("n", [1, 2])
        def test_fraction_of_700(n):
            pass


        @pytest.mark.article("999")
        def test_not_in_the_law_map():
            pass


        @pytest.mark.article("8")
        def helper_not_a_test():
            pass


        @pytest.mark.article("81")
        class TestBooths:
            @pytest.mark.article("80")
            def test_booth_per_500(self):
                pass

            def test_at_least_one(self):
                pass
        ''',
    )
    _write(
        root,
        "law/test_proxies.py",
        """
        import pytest

        pytestmark = [pytest.mark.article("96")]


        def test_first_two_valid():
            pass
        """,
    )
    _write(root, "law/helpers.py", '@pytest.mark.article("6")\ndef test_ignored(): pass\n')
    return root


def _run_json(capsys, *args: str) -> dict:
    assert main(["law", "coverage", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_coverage_json_lists_covered_articles_with_their_tests(tests_dir, capsys):
    data = _run_json(capsys, "--tests", str(tests_dir))
    covered = {c["article"]: c["tests"] for c in data["covered"]}
    assert covered == {
        "71": [
            "tests/law/test_polling.py::test_fraction_of_700",
            "tests/law/test_polling.py::test_one_station_per_700",
        ],
        "74": ["tests/law/test_polling.py::test_president_and_four_assessors"],
        "76": ["tests/law/test_polling.py::test_president_and_four_assessors"],
        "80": ["tests/law/test_polling.py::TestBooths::test_booth_per_500"],
        "81": [
            "tests/law/test_polling.py::TestBooths::test_at_least_one",
            "tests/law/test_polling.py::TestBooths::test_booth_per_500",
        ],
        "96": ["tests/law/test_proxies.py::test_first_two_valid"],
    }
    assert [c["article"] for c in data["covered"]] == ["71", "74", "76", "80", "81", "96"]
    assert data["unknown"] == ["999"]
    assert data["ratio"] == f"6/{TOTAL}"


def test_comments_docstrings_helpers_and_non_test_files_do_not_count(tests_dir, capsys):
    data = _run_json(capsys, "--tests", str(tests_dir))
    for article in ("3", "4", "6", "8"):
        assert article in data["uncovered"]
    assert len(data["uncovered"]) == TOTAL - 6


def test_coverage_text_is_in_french(tests_dir, capsys):
    assert main(["law", "coverage", "--tests", str(tests_dir)]) == 0
    out = capsys.readouterr().out
    assert f"Couverture de la loi par les tests : 6/{TOTAL} articles de LAW_MAP" in out
    assert "art. 71 — 2 test(s)" in out
    assert "tests/law/test_polling.py::test_one_station_per_700" in out
    assert "Articles sans test" in out
    assert "« 999 » — 1 test(s)" in out


def test_default_tests_dir_is_tests_in_the_current_directory(tests_dir, capsys, monkeypatch):
    monkeypatch.chdir(tests_dir.parent)
    data = _run_json(capsys)
    assert data["ratio"] == f"6/{TOTAL}"


def test_missing_tests_dir_is_a_user_error(tmp_path, capsys):
    assert main(["law", "coverage", "--tests", str(tmp_path / "absent")]) == 2
    assert "Erreur : Dossier de tests introuvable" in capsys.readouterr().err


def test_unparsable_test_file_is_skipped_with_a_warning(tmp_path, capsys):
    _write(tmp_path / "tests", "test_broken.py", "def test_(:\n")
    assert main(["law", "coverage", "--json", "--tests", str(tmp_path / "tests")]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["covered"] == []
    assert "fichier de test illisible" in captured.err
    assert "tests/test_broken.py" in captured.err


def test_law_map_command_lists_the_registry(capsys):
    assert main(["law", "map", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(LAW_MAP)
    assert {"section": "Polling, counting and minutes", "tag": "93–100"}.items() <= next(
        r for r in rows if r["tag"] == "93–100"
    ).items()
    assert main(["law", "map"]) == 0
    assert "Vote, dépouillement et procès-verbaux" in capsys.readouterr().out


def test_coverage_command_runs_as_a_program(tests_dir):
    kalata = Path(sys.executable).parent / "kalata"
    proc = subprocess.run(
        [str(kalata), "law", "coverage", "--json", "--tests", str(tests_dir)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["ratio"] == f"6/{TOTAL}"
    assert data["unknown"] == ["999"]
