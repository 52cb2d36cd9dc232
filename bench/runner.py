"""The orchestrator of ``python -m bench``: databases, worker processes, figures, table, JSON.

    python -m bench [--quick] [--only recompute|ingest|e2e] [--backends sqlite,postgresql]
                    [--json FILE] [--runs N] [--entries N] [--keep]

For each backend (a fresh SQLite file in a temporary folder; PostgreSQL when
``KALATA_BENCH_PG_URL``, a PostgreSQL ``DATABASE_URL`` or ``127.0.0.1:5432/test`` answers — on
the scratch database ``kalata_bench``, created and dropped here), the benchmarks run in worker
subprocesses (``bench.worker``). Each figure is printed as soon as it is known, with its
baseline measured in the same run and their ratio; a table closes the run and the JSON goes to
``--json`` (default ``bench/results/latest.json``).

Ratios are always "times the baseline's cost": for durations value / baseline, for rates
baseline rate / value rate (the time per entry over the floor's). Exit status: 0 when every
benchmark ran (whatever PASS or FAIL says: speed is measured, not asserted), 1 when one could
not run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import common
from bench import e2e as e2e_mod
from bench.common import Backend, fmt_seconds, run_child

BENCHMARKS = ("recompute", "ingest", "e2e")
BACKENDS = ("sqlite", "postgresql")
RECOMPUTE_RATIO_TARGET = 2.0
RECOMPUTE_SECONDS_TARGET = 1.0
INGEST_RATE_TARGET = 500.0
E2E_SECONDS_TARGET = 60.0
DEFAULT_JSON = common.ROOT / "bench" / "results" / "latest.json"
LABELS = {"presidential": "présidentielle", "communal": "communales"}


class BenchFailure(Exception):
    pass


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmarks of Kalata's results (recomputation, ingest, end to end).",
    )
    p.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    p.add_argument(
        "--only",
        action="append",
        choices=BENCHMARKS,
        help="run only this benchmark (repeatable)",
    )
    p.add_argument(
        "--backends",
        default="",
        help="comma-separated: sqlite, postgresql (default: sqlite, and postgresql if it answers)",
    )
    p.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the results")
    p.add_argument("--runs", type=int, default=None, help="timed runs per figure (7; quick 3)")
    p.add_argument("--entries", type=int, default=None, help="ingest entries (2000; quick 100)")
    p.add_argument(
        "--concurrent-entries",
        type=int,
        default=None,
        help="ingest entries typed by concurrent processes (2000; quick 40; 0: skip)",
    )
    p.add_argument("--workers", type=int, default=8, help="concurrent ingest processes (8)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--keep", action="store_true", help="keep the scratch databases")
    return p.parse_args(argv)


def say(text: str) -> None:
    print(text, flush=True)


# --- Backends -------------------------------------------------------------------------------


def backends_wanted(spec: str, base: Path, notes: list[str]) -> list[Backend]:
    wanted = [b.strip() for b in spec.split(",") if b.strip()] if spec else []
    unknown = [b for b in wanted if b not in BACKENDS]
    if unknown:
        raise SystemExit(f"unknown backend(s): {', '.join(unknown)} (sqlite, postgresql)")
    out: list[Backend] = []
    if not wanted or "sqlite" in wanted:
        out.append(common.sqlite_backend(base))
    if not wanted or "postgresql" in wanted:
        url, source = common.pg_server_url()
        ok, detail = common.pg_answers(url)
        if ok:
            out.append(common.pg_backend(base, url, detail, source))
        else:
            note = f"PostgreSQL skipped: no server answers at {_safe(url)} ({detail})"
            notes.append(note)
            say(note)
            if "postgresql" in wanted:
                raise SystemExit(note)
    return out


def _safe(url: str) -> str:
    """The URL without its password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


# --- Workers -------------------------------------------------------------------------------

_counter = 0


def run_worker(backend: Backend, task: str, params: dict, timeout: float = 3600) -> dict:
    global _counter
    _counter += 1
    result_file = backend.data_dir / f"result-{_counter:02d}-{task}.json"
    argv = [common.python(), "-m", "bench.worker", task, json.dumps(params), str(result_file)]
    child = run_child(argv, backend.env, timeout)
    if child.returncode != 0 or not result_file.exists():
        tail = "\n".join((child.stderr or child.stdout).strip().splitlines()[-15:])
        raise BenchFailure(f"{task} on {backend.label} failed (exit {child.returncode}):\n{tail}")
    data = json.loads(result_file.read_text())
    data["child"] = {
        "wall_s": round(child.seconds, 3),
        "cpu_s": child.cpu_s,
        "maxrss_mib": child.maxrss_mib,
    }
    return data


def prepare(backend: Backend, results: dict) -> dict:
    common.fresh(backend)
    setup = run_worker(backend, "setup", {})
    results.setdefault("setup", []).append(setup)
    backend.info["settings"] = setup.get("database_settings")
    say(
        f"  [{backend.label}] database ready: migrate {setup['migrate_s']:.1f} s, territory "
        f"{setup['territory_s']:.1f} s; {setup.get('database_settings')}"
    )
    return setup


# --- Figures --------------------------------------------------------------------------------


def figure(
    figures: list[dict],
    *,
    benchmark: str,
    backend: Backend,
    name: str,
    value: float,
    unit: str,
    baseline: float | None = None,
    baseline_label: str = "",
    ratio: float | None = None,
    target: str = "",
    passed: bool | None = None,
    minimum: float | None = None,
    load: tuple[list, list] | None = None,
    extra: dict | None = None,
) -> dict:
    row = {
        "benchmark": benchmark,
        "backend": backend.name,
        "figure": name,
        "value": value,
        "min": minimum,
        "unit": unit,
        "baseline": baseline,
        "baseline_label": baseline_label,
        "ratio": ratio,
        "target": target,
        "result": None if passed is None else ("PASS" if passed else "FAIL"),
        "load_1min": None if load is None else [_first(load[0]), _first(load[1])],
        **(extra or {}),
    }
    figures.append(row)
    say("  " + describe(row, backend.label))
    return row


def _first(values: list) -> float | None:
    return values[0] if values else None


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return fmt_seconds(value)
    if unit == "/s":
        return f"{value:,.0f}/s".replace(",", " ")
    if unit == "MiB":
        return f"{value:.0f} MiB"
    return f"{value:g} {unit}"


def describe(row: dict, backend_label: str) -> str:
    text = f"[{backend_label}] {row['figure']}: {fmt_value(row['value'], row['unit'])}"
    if row.get("min") is not None:
        text += f" (min {fmt_value(row['min'], row['unit'])})"
    if row.get("baseline") is not None:
        text += (
            f" — {row['baseline_label']} {fmt_value(row['baseline'], row['unit'])}"
            f" — ratio {row['ratio']:.1f}×"
        )
    if row.get("target"):
        text += f" — target {row['target']}"
        if row.get("result"):
            text += f": {row['result']}"
    if row.get("load_1min"):
        a, b = row["load_1min"]
        text += f" — load {a}→{b}"
    return text


def _load(proc: dict) -> tuple[list, list]:
    return proc.get("load_before", []), proc.get("load_after", [])


# --- The benchmarks --------------------------------------------------------------------------


def bench_recompute(backend: Backend, args, results: dict, figures: list[dict]) -> None:
    say(f"  [{backend.label}] building the definitive rounds (services + bulk definitive)…")
    built = run_worker(backend, "build-recompute", {"quick": args.quick, "seed": args.seed})
    results["recompute_build"] = built
    for spec in built["rounds"]:
        say(
            f"  [{backend.label}] {spec['round']}: {spec['contests']} contest(s), "
            f"{spec['stations']} stations, {spec['selections']} selections, {spec['sheets']} "
            f"definitive sheets, {spec['sheet_votes']} vote rows, {spec['list_members']} list "
            f"candidates (built in {spec['build_services_s'] + spec['build_definitive_s']:.0f} s)"
        )
    runs = args.runs or (3 if args.quick else 7)
    for spec in built["rounds"]:
        # One process per round: each round's peak RSS is its own.
        measured = run_worker(
            backend,
            "recompute",
            {
                "runs": runs,
                "warmup": 1,
                "rounds": [{"label": spec["label"], "round": spec["round"]}],
            },
        )
        r = measured["rounds"][0]
        r["build"] = spec
        r["process"] = measured["process"]
        r["child"] = measured["child"]
        results.setdefault("recompute", []).append(r)
        _recompute_figures(backend, spec, r, runs, figures)


def _recompute_figures(backend: Backend, spec: dict, r: dict, runs: int, figures: list) -> None:
    label = LABELS.get(spec["label"], spec["label"])
    load = _load(r["process"])
    tab, duck, full = r["tabulate"], r["duckdb"], r["tabulate_as_dict"]
    extra = {
        "round": spec["round"],
        "sheets": r["sheets"],
        "sheet_votes": r["sheet_votes"],
        "runs": runs,
        "cpu": r["cpu"]["tabulate"]["median"],
        "consistent_with_duckdb": (r.get("check") or {}).get("equal"),
    }
    floor = {}
    if duck is not None:
        floor = {"baseline": duck["median"], "baseline_label": "DuckDB GROUP BY"}
        extra["baseline_cpu"] = r["duckdb_cpu"]["median"]
        # Less sensitive to a shared machine than the ratio of medians: best runs, CPU time.
        extra["ratio_of_mins"] = tab["min"] / duck["min"]
        extra["ratio_of_cpu"] = r["cpu"]["tabulate"]["median"] / max(
            r["duckdb_cpu"]["median"], 1e-6
        )
    else:
        say(f"  [{backend.label}] DuckDB not installed: no floor ({r.get('duckdb_missing')})")
    ratio = tab["median"] / duck["median"] if duck else None
    figure(
        figures,
        benchmark="recompute",
        backend=backend,
        name=f"recompute {label}: tabulate (target figure) vs floor",
        value=tab["median"],
        minimum=tab["min"],
        unit="s",
        ratio=ratio,
        target=f"≤ {RECOMPUTE_RATIO_TARGET:g}× floor",
        passed=None if ratio is None else ratio <= RECOMPUTE_RATIO_TARGET,
        load=load,
        extra=extra,
        **floor,
    )
    figure(
        figures,
        benchmark="recompute",
        backend=backend,
        name=f"recompute {label}: tabulate (target figure), absolute",
        value=tab["median"],
        minimum=tab["min"],
        unit="s",
        target=f"< {RECOMPUTE_SECONDS_TARGET:g} s",
        passed=tab["median"] < RECOMPUTE_SECONDS_TARGET,
        load=load,
        extra=extra,
    )
    changed = r.get("tabulate_after_change")
    if changed and changed.get("median") is not None:
        figure(
            figures,
            benchmark="recompute",
            backend=backend,
            name=f"recompute {label}: tabulate after one sheet changed (information)",
            value=changed["median"],
            minimum=changed["min"],
            unit="s",
            ratio=changed["median"] / duck["median"] if duck else None,
            load=load,
            extra={**extra, "cpu": r["cpu"]["tabulate_after_change"]["median"]},
            **floor,
        )
    cold = r.get("tabulate_cold")
    if cold:
        figure(
            figures,
            benchmark="recompute",
            backend=backend,
            name=f"recompute {label}: first call of a process, reads every row (information)",
            value=cold["wall"],
            unit="s",
            ratio=cold["wall"] / duck["median"] if duck else None,
            load=load,
            extra={**extra, "cpu": cold["cpu"]},
            **floor,
        )
    figure(
        figures,
        benchmark="recompute",
        backend=backend,
        name=f"recompute {label}: tabulate + as_dict (information)",
        value=full["median"],
        minimum=full["min"],
        unit="s",
        ratio=full["median"] / duck["median"] if duck else None,
        load=load,
        extra={
            **extra,
            "cpu": r["cpu"]["tabulate_as_dict"]["median"],
            **(
                {
                    "ratio_of_mins": full["min"] / duck["min"],
                    "ratio_of_cpu": r["cpu"]["tabulate_as_dict"]["median"]
                    / max(r["duckdb_cpu"]["median"], 1e-6),
                }
                if duck
                else {}
            ),
        },
        **floor,
    )
    bare = r["process"]["rss_after_django_setup_mib"]
    figure(
        figures,
        benchmark="recompute",
        backend=backend,
        name=f"recompute {label}: peak RSS (tabulate runs)",
        value=r["rss_peak_tabulate_mib"],
        unit="MiB",
        baseline=bare,
        baseline_label="idle Kalata process",
        ratio=r["rss_peak_tabulate_mib"] / bare,
        extra={
            "python_heap_peak_mib": r["python_heap_peak_mib"],
            "process_peak_with_duckdb_mib": r["child"]["maxrss_mib"],
        },
    )
    if r.get("check") and not r["check"]["equal"]:
        say(f"  [{backend.label}] WARNING: DuckDB totals differ from tabulate's: {r['check']}")


def bench_ingest(backend: Backend, args, results: dict, figures: list[dict]) -> None:
    entries = args.entries or (100 if args.quick else 2000)
    concurrent = args.concurrent_entries
    if concurrent is None:
        concurrent = 40 if args.quick else 2000
    say(f"  [{backend.label}] building the national round and the clerks for ingest…")
    built = run_worker(
        backend,
        "build-ingest",
        {
            "quick": args.quick,
            "seed": args.seed,
            "entries": entries,
            "concurrent_entries": concurrent,
        },
    )
    say(
        f"  [{backend.label}] {built['round']}: {built['sheets_expected']} expected sheets, "
        f"{built['entries_planned']} entries planned over {built['commissions']} commissions "
        f"({built['clerks']} clerks)"
    )
    measured = run_worker(backend, "ingest", {})
    measured["build"] = built
    results.setdefault("ingest", []).append(measured)
    if measured["failures"]:
        say(f"  [{backend.label}] WARNING: failed submissions: {measured['failures']}")
    rate, floor = measured["rate_per_s"], measured["floor"]["rate_per_s"]
    figure(
        figures,
        benchmark="ingest",
        backend=backend,
        name=f"ingest: submit_entry, {measured['entries_done']} entries (1st + 2nd)",
        value=rate,
        unit="/s",
        baseline=floor,
        baseline_label="bare INSERT+UPDATE transaction",
        ratio=floor / rate if rate else None,
        target=f"≥ {INGEST_RATE_TARGET:g}/s",
        passed=rate >= INGEST_RATE_TARGET,
        load=_load(measured["process"]),
        extra={
            "entries": measured["entries_done"],
            "failures": measured["failures"],
            "cpu": measured["rate_per_cpu_s"],
            "first_entry_median_s": measured["first"].get("median"),
            "second_entry_median_s": measured["second"].get("median"),
            "p50_s": measured["all"].get("median"),
            "p95_s": measured["all"].get("p95"),
            "p99_s": measured["all"].get("p99"),
            "sheets_by_status": measured["sheets_by_status"],
            "audit_events_written": measured["audit_events_written"],
        },
    )
    one = measured["all"]
    say(
        f"  [{backend.label}] one at a time: latency p50 {fmt_seconds(one.get('median'))}"
        f", p99 {fmt_seconds(one.get('p99'))}"
    )
    if built.get("concurrent_entries_planned"):
        _ingest_concurrent(backend, args, results, figures)
    bare = measured["process"]["rss_after_django_setup_mib"]
    figure(
        figures,
        benchmark="ingest",
        backend=backend,
        name="ingest: peak RSS",
        value=measured["child"]["maxrss_mib"],
        unit="MiB",
        baseline=bare,
        baseline_label="idle Kalata process",
        ratio=measured["child"]["maxrss_mib"] / bare,
    )


def _ingest_concurrent(backend: Backend, args, results: dict, figures: list[dict]) -> None:
    measured = run_worker(backend, "ingest-concurrent", {"workers": args.workers})
    results.setdefault("ingest_concurrent", []).append(measured)
    check = measured["check"]
    for problem in ("failures", "errors"):
        if measured[problem]:
            say(f"  [{backend.label}] WARNING: concurrent {problem}: {measured[problem]}")
    verdict = "nothing lost, audit chain verified" if check["ok"] else f"CHECK FAILED: {check}"
    say(
        f"  [{backend.label}] after the concurrent run: {check['entries_stored']}/"
        f"{check['entries_planned']} entries stored, {check['sheets'] - check['not_definitive']}"
        f"/{check['sheets']} sheets definitive, {check['audit_events']} audit events — {verdict}"
    )
    rate = measured["rate_per_s"] or 0.0
    latency = measured["all"]
    figure(
        figures,
        benchmark="ingest",
        backend=backend,
        name=(
            f"ingest: concurrent, {measured['entries_done']} entries by {measured['workers']} "
            "processes (aggregate)"
        ),
        value=rate,
        unit="/s",
        target=f"≥ {INGEST_RATE_TARGET:g}/s",
        # A rate that lost an entry or broke the chain is no pass.
        passed=rate >= INGEST_RATE_TARGET and check["ok"] and not measured["errors"],
        load=_load(measured["process"]),
        extra={
            "entries": measured["entries_done"],
            "workers": measured["workers"],
            "failures": measured["failures"],
            "p50_s": latency.get("median"),
            "p99_s": latency.get("p99"),
            "check": check,
        },
    )
    say(
        f"  [{backend.label}] concurrent: latency of a submission p50 "
        f"{fmt_seconds(latency.get('median'))}, p99 {fmt_seconds(latency.get('p99'))}"
    )


def bench_e2e(backend: Backend, args, results: dict, figures: list[dict]) -> None:
    ok, why = e2e_mod.available()
    if not ok:
        note = f"e2e skipped: {why} (the code path runs once kalata.simulation is importable)"
        say(f"  [{backend.label}] {note}")
        results.setdefault("notes", []).append(note)
        return
    prepare(backend, results)
    argv, how = e2e_mod.command(args.quick)
    say(f"  [{backend.label}] {how}")
    load_before = common.loadavg()
    child = run_child(argv, backend.env, timeout=3600)
    load_after = common.loadavg()
    out = {
        "backend": backend.name,
        "command": how,
        "returncode": child.returncode,
        "wall_s": round(child.seconds, 3),
        "cpu_s": child.cpu_s,
        "maxrss_mib": child.maxrss_mib,
        "load_before": load_before,
        "load_after": load_after,
        "report": e2e_mod.summarise_report(child.stdout),
    }
    results.setdefault("e2e", []).append(out)
    if child.returncode != 0:
        out["stderr_tail"] = child.stderr.strip().splitlines()[-15:]
        raise BenchFailure(
            f"kalata simulate on {backend.label} exited {child.returncode}:\n"
            + "\n".join(out["stderr_tail"])
        )
    figure(
        figures,
        benchmark="e2e",
        backend=backend,
        name="e2e: kalata simulate presidential" + (" (quick: D09)" if args.quick else ""),
        value=child.seconds,
        unit="s",
        baseline=E2E_SECONDS_TARGET,
        baseline_label="budget",
        ratio=child.seconds / E2E_SECONDS_TARGET,
        target=f"< {E2E_SECONDS_TARGET:g} s",
        passed=child.seconds < E2E_SECONDS_TARGET,
        load=(load_before, load_after),
        extra={"cpu": child.cpu_s},
    )
    if out["report"].get("timings"):
        say(f"  [{backend.label}] longest phases: {e2e_mod.phases(out['report'])}")
    setup = results["setup"][-1]["process"]
    figure(
        figures,
        benchmark="e2e",
        backend=backend,
        name="e2e: peak RSS",
        value=child.maxrss_mib,
        unit="MiB",
        baseline=setup["rss_after_django_setup_mib"],
        baseline_label="idle Kalata process",
        ratio=child.maxrss_mib / setup["rss_after_django_setup_mib"],
    )


# --- Table ----------------------------------------------------------------------------------


def table(figures: list[dict]) -> str:
    head = ("figure", "db", "value", "cpu", "baseline", "ratio", "target", "result", "load 1 min")
    rows = [head]
    for f in figures:
        base = "—"
        if f["baseline"] is not None:
            base = f"{fmt_value(f['baseline'], f['unit'])} ({f['baseline_label']})"
        load = "—"
        if f.get("load_1min") and f["load_1min"][0] is not None:
            load = f"{f['load_1min'][0]}→{f['load_1min'][1]}"
        value = fmt_value(f["value"], f["unit"])
        if f.get("min") is not None:
            value += f" (min {fmt_value(f['min'], f['unit'])})"
        rows.append(
            (
                f["figure"],
                {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(f["backend"], f["backend"]),
                value,
                fmt_value(f.get("cpu"), f["unit"]),
                base,
                "—" if f["ratio"] is None else f"{f['ratio']:.1f}×",
                f["target"] or "—",
                f["result"] or "—",
                load,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- Main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    only = list(dict.fromkeys(args.only or BENCHMARKS))
    started = datetime.now(UTC)
    base = Path(tempfile.mkdtemp(prefix="kalata-bench-"))
    notes: list[str] = []
    machine = common.machine()
    say(
        f"Kalata benchmarks{' (quick)' if args.quick else ''}: {', '.join(only)} — "
        f"{machine['nproc']} CPU ({machine['cpu']}), {machine['ram_gib']} GiB RAM, "
        f"load {machine['load_at_start']}"
    )
    backends = backends_wanted(args.backends, base, notes)
    results: dict = {
        "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "started": started.isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine,
        "backends": {b.name: b.info for b in backends},  # filled in as each is prepared
        "notes": notes,
        "figures": [],
        "errors": [],
        "details": {},
    }
    figures: list[dict] = results["figures"]
    runners = {"recompute": bench_recompute, "ingest": bench_ingest, "e2e": bench_e2e}
    t0 = time.perf_counter()
    try:
        for backend in backends:
            say(f"== {backend.label} ({', '.join(f'{k}: {v}' for k, v in backend.info.items())})")
            details = results["details"].setdefault(backend.name, {})
            try:
                if "recompute" in only or "ingest" in only:
                    prepare(backend, details)
                for name in only:
                    try:
                        runners[name](backend, args, details, figures)
                    except BenchFailure as exc:
                        results["errors"].append(str(exc))
                        say(f"  ERROR: {exc}")
            finally:
                common.cleanup(backend, keep=args.keep)
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(base, ignore_errors=True)
    results["seconds"] = round(time.perf_counter() - t0, 1)
    results["machine"]["load_at_end"] = common.loadavg()
    say("")
    say(table(figures))
    say("")
    say(
        "Ratios: value over baseline (for rates, time per entry over the baseline's). Durations "
        "are medians (min in brackets). cpu: the same figure on the Kalata process's CPU time "
        "(user + system; it includes SQLite's work, not PostgreSQL's server), less sensitive "
        "to a shared machine. Load: 1-minute load average before → after."
    )
    for error in results["errors"]:
        say(f"ERROR: {error.splitlines()[0]}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1, default=str, ensure_ascii=False))
    say(f"JSON: {args.json} ({results['seconds']:.0f} s in all)")
    return 1 if results["errors"] else 0
