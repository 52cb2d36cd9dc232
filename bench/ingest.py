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

``measure_concurrent`` (worker ``ingest-concurrent``): other sheets of the same round, typed at
once by ``workers`` processes (forked from the worker, each with its own connection), as the
clerks of the country's commissions work at the same time: each process is the clerks of a
share of the commissions and types their piles in order (first entries, then second entries).
All start together (a barrier); timed: the aggregate rate (entries / time from the first start
to the last end) and each submission's latency (p50, p99). Then ``check_ingest``: every planned
entry stored once, with its clerk and number, every sheet definitive, the sheet's audit events
all there, the chain gapless and ``kalata audit verify`` clean.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections import defaultdict
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
    concurrent = int(params.get("concurrent_entries", 0))
    start = time.perf_counter()
    round_ = data.build_presidential(INGEST_DATE, quick)
    created = time.perf_counter()
    every, clerks = data.ingest_plan(round_, entries + concurrent, seed, PILE)
    # The sequential run types the first sheets drawn, the concurrent run the others.
    drawn = list(dict.fromkeys(item["sheet"] for item in every))
    sequential = set(drawn[: entries // 2])
    plan = [item for item in every if item["sheet"] in sequential]
    others = [item for item in every if item["sheet"] not in sequential]
    users = data.create_clerks(round_.election, clerks)
    done = time.perf_counter()
    _plan_path().write_text(json.dumps({"round": round_.code, "plan": plan, "concurrent": others}))
    return {
        "round": round_.code,
        **data.round_counts(round_),
        "sheets_expected": round_.sheets.count(),
        "entries_planned": len(plan),
        "concurrent_entries_planned": len(others),
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
        "p99": _percentile(samples, 0.99),
        "max": max(samples),
        "rate_per_s": len(samples) / sum(samples),
    }


# --- Concurrent clerks ------------------------------------------------------------------------


def commission_of_clerk(username: str) -> str:
    """The commission of a bench clerk (``saisie-<kind>-<id>-a`` and ``…-b`` share one)."""
    return username.rsplit("-", 1)[0]


def shares(plan: list[dict], workers: int) -> list[list[dict]]:
    """Split ``plan`` between ``workers`` processes by commission: each commission's entries
    stay together and in order (its first entries before its second entries); the largest
    commissions are dealt first, each to the least loaded process."""
    by_commission: dict[str, list[dict]] = defaultdict(list)
    for item in plan:
        by_commission[commission_of_clerk(item["clerk"])].append(item)
    out: list[list[dict]] = [[] for _ in range(max(1, workers))]
    for _, items in sorted(by_commission.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        min(out, key=len).extend(items)
    return [share for share in out if share]


def _clerks_process(items: list[dict], barrier, results) -> None:
    """One process of clerks: load its users and sheets, wait for the others, type its piles."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from kalata.results.entry import submit_entry
    from kalata.results.models import TallySheet

    out: dict = {"n": len(items), "latencies": [], "failures": {}}
    try:
        User = get_user_model()
        names = {item["clerk"] for item in items}
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        sheets = TallySheet.objects.in_bulk([item["sheet"] for item in items])
        barrier.wait(timeout=600)
        out["start"] = time.perf_counter()
        for item in items:
            t0 = time.perf_counter()
            try:
                submit_entry(sheets[item["sheet"]], users[item["clerk"]], item["figures"])
            except Exception as exc:  # noqa: BLE001 - counted and reported, never hidden
                key = f"{type(exc).__name__}: {str(exc)[:120]}"
                out["failures"][key] = out["failures"].get(key, 0) + 1
                continue
            out["latencies"].append(time.perf_counter() - t0)
        out["end"] = time.perf_counter()
    except Exception as exc:  # noqa: BLE001 - the parent reports it
        out["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        connections.close_all()
        results.put(out)


def measure_concurrent(params: dict) -> dict:
    import multiprocessing

    from django.db import connection, connections

    spec = json.loads(_plan_path().read_text())
    plan = spec["concurrent"]
    workers = int(params.get("workers", 8))
    parts = shares(plan, workers)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(parts))
    results = context.Queue()
    vendor = connection.vendor
    connections.close_all()  # each process opens its own connection
    processes = [
        context.Process(target=_clerks_process, args=(part, barrier, results)) for part in parts
    ]
    cpu_start = time.process_time()
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=3600) for _ in processes]
    for process in processes:
        process.join()
    errors = [o["error"] for o in outcomes if "error" in o]
    latencies = [x for o in outcomes for x in o["latencies"]]
    failures: dict[str, int] = {}
    for o in outcomes:
        for key, n in o["failures"].items():
            failures[key] = failures.get(key, 0) + n
    timed = [o for o in outcomes if "start" in o and "end" in o]
    wall = max(o["end"] for o in timed) - min(o["start"] for o in timed) if timed else 0.0
    check = check_ingest(plan)
    return {
        "round": spec["round"],
        "vendor": vendor,
        "workers": len(parts),
        "entries": len(plan),
        "entries_per_worker": [len(part) for part in parts],
        "entries_done": len(latencies),
        "failures": failures,
        "errors": errors,
        "wall_s": round(wall, 3),
        "rate_per_s": len(latencies) / wall if wall else None,
        "parent_cpu_s": round(time.process_time() - cpu_start, 3),
        "all": _latency(latencies),
        "check": check,
    }


def check_ingest(plan: list[dict]) -> dict:
    """After a run: was everything planned stored once, made definitive, and audited?

    ``lost``: planned entries not stored (sheet, number, clerk); ``extra``: entries stored on
    these sheets beyond the plan; ``not_definitive``: planned sheets not definitive (every
    plan here agrees and is warning-free); ``missing_events``: audit events of these sheets
    missing (one per first entry, two per second entry: the entry and ``tally.definitive``);
    ``chain_ok``: the whole log verifies (``kalata audit verify``: chain, gapless numbers, and
    every audited row against its last event).
    """
    from django.contrib.auth import get_user_model

    from kalata.audit.models import AuditEvent
    from kalata.audit.services import verify
    from kalata.results.models import DataEntry, TallySheet

    sheets = sorted({item["sheet"] for item in plan})
    names = dict(
        get_user_model()
        .objects.filter(username__in={item["clerk"] for item in plan})
        .values_list("pk", "username")
    )
    stored = list(
        DataEntry.objects.filter(sheet_id__in=sheets, state=DataEntry.State.ACTIVE).values_list(
            "sheet_id", "number", "entered_by_id"
        )
    )
    found = {(sheet, number, names.get(user)) for sheet, number, user in stored}
    wanted = {(item["sheet"], item["number"], item["clerk"]) for item in plan}
    definitive = TallySheet.objects.filter(
        pk__in=sheets, status=TallySheet.Status.DEFINITIVE
    ).count()
    events = AuditEvent.objects.filter(
        object_model="results.tallysheet",
        object_pk__in=[str(pk) for pk in sheets],
        event_type__in=("tally.first_entry", "tally.second_entry", "tally.definitive"),
    ).count()
    expected_events = sum(1 if item["number"] == 1 else 2 for item in plan)
    count = AuditEvent.objects.count()
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    report = verify()
    return {
        "entries_planned": len(wanted),
        "entries_stored": len(stored),
        "lost": len(wanted - found),
        "extra": len(stored) - len(wanted & found),
        "sheets": len(sheets),
        "not_definitive": len(sheets) - definitive,
        "audit_events": events,
        "missing_events": expected_events - events,
        "chain_gapless": count == last,
        "chain_ok": report.ok,
        "verify": report.lines_fr()[:5] if not report.ok else [],
        "ok": report.ok
        and count == last
        and wanted == found
        and len(stored) == len(wanted)
        and definitive == len(sheets)
        and events == expected_events,
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
