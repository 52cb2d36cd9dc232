"""Smoke test of the election-night web benchmark: ``python -m bench.web --quick`` in a
subprocess, on PostgreSQL when ``DATABASE_URL`` names one (scratch database
``kalata_webbench``), else on SQLite. It checks that the figures, their targets and wrk's own
report are printed, that every accepted submission was found in the database, and that the
server the benchmark started is gone — never how fast anything is: speed is measured by
``python -m bench.web``, not asserted in tests."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk absent (apt-get install wrk)"),
    pytest.mark.skipif(
        importlib.util.find_spec("gunicorn") is None,
        reason="gunicorn absent (pip install -e '.[bench]')",
    ),
]

FIGURES = (
    "ceiling: static file, requests/s",
    "reads alone: requests/s",
    "election night: reads, requests/s",
    "election night: reads, p99",
    "election night: reads / ceiling",
    "election night: minutes accepted per second",
    "election night: minutes, p99 (from due time)",
    "election night: minutes without answer or 5xx",
    "minutes accepted (201) and found in the database",
)


def _backend() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"


def test_quick_web_benchmark_prints_figures_targets_and_wrk_report(tmp_path):
    out = tmp_path / "web.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.web", "--quick", "--backend", _backend(), "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    text = proc.stdout
    assert proc.returncode == 0, text[-3000:] + proc.stderr[-2000:]
    for name in FIGURES:
        assert name in text, name
    # Targets and verdicts of the issue, each figure on its line.
    assert "target ≥ 1000" in text and "target < 100" in text
    assert "target ≥ 50" in text and "target < 250" in text
    assert text.count("PASS") + text.count("FAIL") >= 6
    # wrk's own report, with its latency distribution (--latency).
    assert text.count("Latency Distribution") == 3
    assert "Requests/sec:" in text
    # The load average accompanies every figure (the machine is shared).
    assert "[load " in text

    data = json.loads(out.read_text())
    assert data["quick"] is True
    assert data["database"]
    # None lost: every submission answered 201 is in the database, once.
    verify = data["verify"]
    assert verify["accepted"] > 0
    assert verify["missing"] == 0 and verify["duplicated"] == 0
    assert verify["in_database"] == verify["accepted"]
    phases = [p["phase"] for p in data["phases"]]
    assert phases == ["ceiling", "reads", "election-night"]
    writes = data["phases"][-1]["writes"]
    assert writes["replays"] == writes["replays_ok"]
    # The server the benchmark started has been stopped.
    pid = data["phases"][0]["server_pid"]
    assert not Path(f"/proc/{pid}").exists() or "gunicorn" not in _cmdline(pid)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""
