"""Smoke test of the benchmarks (``make bench``): ``python -m bench --quick --only recompute``
on SQLite, in a subprocess. It checks that the figures are printed and written, never how fast
they are: speed is measured by ``make bench``, not asserted in tests."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_recompute_prints_each_figure_with_its_baseline(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--only",
            "recompute",
            "--backends",
            "sqlite",
            "--runs",
            "1",
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    text = proc.stdout
    for label in ("présidentielle", "communales"):
        assert f"recompute {label}: tabulate (target figure) vs floor" in text
        assert f"recompute {label}: tabulate (target figure), absolute" in text
        assert f"recompute {label}: tabulate + as_dict (information)" in text
        assert f"recompute {label}: peak RSS (tabulate runs)" in text
        assert f"recompute {label}: tabulate after one sheet changed (information)" in text
        assert f"recompute {label}: first call of a process, reads every row (information)" in text
    # The closing table, with its columns.
    assert "figure" in text and "baseline" in text and "target" in text and "result" in text

    data = json.loads(out.read_text())
    assert data["quick"] is True
    assert data["errors"] == []
    assert set(data["backends"]) == {"sqlite"}
    assert data["machine"]["nproc"] >= 1
    rows = [f for f in data["figures"] if f["benchmark"] == "recompute"]
    assert len(rows) == 12 and all(f["backend"] == "sqlite" for f in rows)
    timed = [f for f in rows if f["unit"] == "s"]
    assert all(f["value"] > 0 for f in timed)
    assert all(f["result"] in ("PASS", "FAIL") for f in rows if "absolute" in f["figure"])
    if importlib.util.find_spec("duckdb") is not None:
        assert "DuckDB GROUP BY" in text
        floors = [f for f in rows if "vs floor" in f["figure"]]
        assert all(f["baseline"] > 0 and f["ratio"] > 0 for f in floors)
        assert all(f["result"] in ("PASS", "FAIL") for f in floors)
        # The floor computes what tabulate computes: same totals for every selection.
        assert all(f["consistent_with_duckdb"] is True for f in floors)
