"""Benchmark 2: ingesting entries of minutes, one clerk's submission at a time.

``build`` (worker ``build-ingest``): a national presidential first round (the same size as the
recomputation's: about 10 000 expected sheets), opened; ``entries / 2`` sheets drawn across the
country; for each centralisation commission concerned (cercle, District, embassy or consulate,
Art. 141) two clerk accounts granted there through ``kalata.accounts``. The plan of the
submissions is written next to the database.

``measure`` (worker ``ingest``): the submissions, in the plan's order — per pile of minutes, the
first entries by one clerk, then the second entries by the other — each through
``kalata.results.entry.submit_entry`` in its own transaction, as a clerk's request would: parse
and validate the figures, run the numbered checks, lock the sheet, store the entry, audit it in
the hash-chained log, and on the second (equal) entry make the sheet definitive (columns,
``SheetVote`` rows, a second audit event). Figures are consistent and without warnings, so
every second entry makes its sheet definitive. Timed: the whole loop (entries per second) and
each call (latency percentiles).
"""

from __future__ import annotations

import json
import os
import statistics
import time
from datetime import date
from pathlib import Path

from bench.common import maxrss_mib

INGEST_DATE = date(2026, 5, 10)
PILE = 50  # minutes typed as one pile: its first entries, then its second entries


def _plan_path() -> Path:
    return Path(os.environ.get("KALATA_DATA_DIR", ".")) / "bench-ingest-plan.json"


def build(params: dict) -> dict:
    from bench import data

    quick, seed = bool(params.get("quick")), int(params.get("seed", 1))
    entries = int(params.get("entries", 2000))
    start = time.perf_counter()
    round_ = data.build_presidential(INGEST_DATE, quick)
    created = time.perf_counter()
    plan, clerks = data.ingest_plan(round_, entries, seed, PILE)
    users = data.create_clerks(round_.election, clerks)
    done = time.perf_counter()
    _plan_path().write_text(json.dumps({"round": round_.code, "plan": plan}))
    return {
        "round": round_.code,
        **data.round_counts(round_),
        "sheets_expected": round_.sheets.count(),
        "entries_planned": len(plan),
        "commissions": len(clerks),
        "clerks": users,
        "build_services_s": round(created - start, 3),
        "build_clerks_s": round(done - created, 3),
    }


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure(params: dict) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count

    from kalata.audit.models import AuditEvent
    from kalata.results.entry import submit_entry
    from kalata.results.models import TallySheet

    spec = json.loads(_plan_path().read_text())
    plan = spec["plan"]
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in={p["clerk"] for p in plan})}
    sheets = TallySheet.objects.in_bulk([p["sheet"] for p in plan])
    events_before = AuditEvent.objects.count()
    rss_before = maxrss_mib()

    latencies: dict[int, list[float]] = {1: [], 2: []}
    failures: dict[str, int] = {}
    statuses: dict[str, int] = {}
    cpu_start, start = time.process_time(), time.perf_counter()
    for item in plan:
        t0 = time.perf_counter()
        try:
            result = submit_entry(sheets[item["sheet"]], users[item["clerk"]], item["figures"])
        except Exception as exc:  # noqa: BLE001 - counted and reported, never hidden
            key = f"{type(exc).__name__}: {str(exc)[:120]}"
            failures[key] = failures.get(key, 0) + 1
            continue
        latencies[item["number"]].append(time.perf_counter() - t0)
        if item["number"] == 2:
            statuses[result.status] = statuses.get(result.status, 0) + 1
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    rss_after = maxrss_mib()
    floor = bare_transactions(plan)

    done = len(latencies[1]) + len(latencies[2])
    by_status = dict(
        TallySheet.objects.filter(pk__in=list(sheets))
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    every = latencies[1] + latencies[2]
    return {
        "round": spec["round"],
        "vendor": connection.vendor,
        "entries": len(plan),
        "entries_done": done,
        "failures": failures,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "rate_per_s": done / wall if wall else None,
        "rate_per_cpu_s": done / cpu if cpu else None,
        "floor": floor,
        "first": _latency(latencies[1]),
        "second": _latency(latencies[2]),
        "all": _latency(every),
        "second_entry_outcome": statuses,
        "sheets_by_status": by_status,
        "audit_events_written": AuditEvent.objects.count() - events_before,
        "rss_before_mib": rss_before,
        "rss_peak_mib": rss_after,
    }


def _latency(samples: list[float]) -> dict:
    if not samples:
        return {"n": 0}
    return {
        "n": len(samples),
        "mean": statistics.fmean(samples),
        "median": statistics.median(samples),
        "p95": _percentile(samples, 0.95),
        "max": max(samples),
        "rate_per_s": len(samples) / sum(samples),
    }


def bare_transactions(plan: list[dict]) -> dict:
    """The floor: the same number of transactions on the same database, each writing only what
    an entry must at the least — one INSERT of the entry's figures (JSON text) and one UPDATE
    of its sheet's row — in scratch tables, through the same connection settings (on SQLite,
    WAL and immediate transactions). No validation, no audit, no definitive copy."""
    from django.db import connection, transaction

    qn = connection.ops.quote_name
    entry_t, sheet_t = qn("bench_floor_entry"), qn("bench_floor_sheet")
    ids = sorted({item["sheet"] for item in plan})
    payloads = [(item["sheet"], item["clerk"], json.dumps(item["figures"])) for item in plan]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {entry_t}")
        cursor.execute(f"DROP TABLE IF EXISTS {sheet_t}")
        cursor.execute(
            f"CREATE TABLE {entry_t} (id {_serial()} PRIMARY KEY, sheet_id BIGINT NOT NULL, "
            "clerk VARCHAR(150) NOT NULL, figures TEXT NOT NULL)"
        )
        cursor.execute(f"CREATE TABLE {sheet_t} (id BIGINT PRIMARY KEY, entries INTEGER NOT NULL)")
        cursor.executemany(
            f"INSERT INTO {sheet_t} (id, entries) VALUES (%s, 0)", [(i,) for i in ids]
        )
    insert = f"INSERT INTO {entry_t} (sheet_id, clerk, figures) VALUES (%s, %s, %s)"
    update = f"UPDATE {sheet_t} SET entries = entries + 1 WHERE id = %s"
    cpu_start, start = time.process_time(), time.perf_counter()
    for sheet_id, clerk, payload in payloads:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert, (sheet_id, clerk, payload))
            cursor.execute(update, (sheet_id,))
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {entry_t}")
        cursor.execute(f"DROP TABLE {sheet_t}")
    return {
        "transactions": len(payloads),
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "rate_per_s": len(payloads) / wall if wall else None,
    }


def _serial() -> str:
    from django.db import connection

    return "BIGSERIAL" if connection.vendor == "postgresql" else "INTEGER"
