"""Benchmark 3: the whole simulated presidential election, end to end.

``kalata simulate presidential 2026-04-26 --seed 1 --json`` on a fresh database that has only
been migrated and given the territory (those two steps are timed apart): about 7 million
electors, 10 000 stations, both entries of every minute through the audited services,
resolutions, acknowledgements, corrections, the partial results, the provisional and final
proclamations, the Court's decisions and, if the law sends it there, a second round (see
``kalata.simulation``). The simulation runs as its own child process; its wall time, CPU time
and peak RSS are those of that process (``wait4``).

``--quick``: ``--regions D09 --electors 60000`` (the District of Bamako only).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

SIMULATE_DATE = "2026-04-26"
SEED = "1"
QUICK_ARGS = ["--regions", "D09", "--electors", "60000"]


def available() -> tuple[bool, str]:
    """Whether ``kalata.simulation`` and its command can be imported, and how to run it."""
    if importlib.util.find_spec("kalata.simulation") is None:
        return False, "kalata.simulation absent"
    if importlib.util.find_spec("kalata.cli.simulate") is None:
        return False, "kalata.cli.simulate absent"
    return True, ""


def command(quick: bool) -> tuple[list[str], str]:
    """The child's argv and a note on how it runs (registered command or shim)."""
    import kalata.cli as cli

    args = ["simulate", "presidential", SIMULATE_DATE, "--seed", SEED, "--quiet", "--json"]
    if quick:
        args += QUICK_ARGS
    kalata = Path(sys.executable).with_name("kalata")
    if "kalata.cli.simulate" in cli.COMMAND_MODULES and kalata.exists():
        return [str(kalata), *args], "kalata " + " ".join(args)
    if "kalata.cli.simulate" in cli.COMMAND_MODULES and shutil.which("kalata"):
        return [shutil.which("kalata"), *args], "kalata " + " ".join(args)
    return (
        [sys.executable, "-m", "bench.simulate_cli", *args],
        "python -m bench.simulate_cli " + " ".join(args) + " (kalata.cli.simulate not yet in "
        "COMMAND_MODULES: same parser and handler through kalata.cli.main)",
    )


def summarise_report(stdout: str) -> dict:
    """What the simulation's JSON report says about its size and phases (best effort: the
    report's shape belongs to ``kalata.simulation.report``)."""
    try:
        report = json.loads(stdout)
    except ValueError:
        return {"parsed": False}
    out: dict = {"parsed": True}
    for key in (
        "election",
        "electorate",
        "candidacies",
        "accounts",
        "timings",
        "total_seconds",
        "total_cpu_seconds",
    ):
        if key in report:
            out[key] = report[key]
    audit = report.get("audit")
    if isinstance(audit, dict):
        out["audit"] = {k: audit.get(k) for k in ("events", "verified")}
    rounds = report.get("rounds")
    if isinstance(rounds, list):
        out["rounds"] = [
            {k: v for k, v in r.items() if isinstance(v, (str, int, float, bool))}
            for r in rounds
            if isinstance(r, dict)
        ]
    return out


def phases(summary: dict, top: int = 3) -> str:
    """The longest phases of the simulation, for the printed line."""
    timings = summary.get("timings") or []
    longest = sorted(timings, key=lambda t: -t.get("seconds", 0))[:top]
    return "; ".join(f"{t['phase']} {t['seconds']:.1f} s" for t in longest)
