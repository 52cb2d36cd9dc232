"""Benchmark 1: full recomputation of every level and outcome from the definitive minutes.

``build`` (worker ``build-recompute``): a national presidential first round (about 10 000
stations, 8 candidates, on the real territory and the missions) and communal elections in all
703 communes (3 to 8 lists each, as many candidates as councillors), every sheet definitive.

``measure`` (worker ``recompute``), for each round:

- ``tabulate(round)`` — every contest at every level (commune, cercle, region, nation) and each
  contest's outcome from the law engine: **the target figure**;
- ``tabulate(round).as_dict()`` — the same plus its serialisation to plain JSON-ready values
  (what ``kalata results tabulate --json`` and the web pages need), reported beside it;
- the floor: the same rows (sheets with their commune/mission, votes with their sheet's
  commune/mission, status and annulment) exported once into an in-memory DuckDB, and the two
  bare ``GROUP BY`` queries the recomputation needs (sheet totals and progress per contest and
  commune; votes per commune and selection), results fetched into Python.

The DuckDB totals are checked against ``tabulate``'s (every selection of every contest, and the
valid votes), so the floor is known to compute the same thing.
"""

from __future__ import annotations

import csv
import gc
import os
import time
import tracemalloc
from collections import defaultdict
from datetime import date
from pathlib import Path

from bench.common import maxrss_mib, summary

PRESIDENTIAL_DATE = date(2026, 4, 26)
COMMUNAL_DATE = date(2026, 5, 3)


def build(params: dict) -> dict:
    from bench import data

    quick, seed = bool(params.get("quick")), int(params.get("seed", 1))
    out: dict = {"rounds": []}
    builders = (
        ("presidential", lambda: data.build_presidential(PRESIDENTIAL_DATE, quick)),
        ("communal", lambda: data.build_communal(COMMUNAL_DATE, quick, seed)),
    )
    for label, builder in builders:
        start = time.perf_counter()
        round_ = builder()
        created = time.perf_counter()
        counts = data.make_definitive(round_, seed)
        done = time.perf_counter()
        out["rounds"].append(
            {
                "label": label,
                "round": round_.code,
                **data.round_counts(round_),
                **counts,
                "build_services_s": round(created - start, 3),
                "build_definitive_s": round(done - created, 3),
            }
        )
    return out


# --- Measuring ------------------------------------------------------------------------------


def _time(func, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (this process, every thread) seconds of each call."""
    wall, cpu = [], []
    for _ in range(runs):
        cpu0, start = time.process_time(), time.perf_counter()
        func()
        cpu.append(time.process_time() - cpu0)
        wall.append(time.perf_counter() - start)
    return wall, cpu


def _export(round_, folder: Path) -> tuple[Path, Path, int, int]:
    """The rows of the round, once, as CSV: sheets with their commune/mission and station
    electors; votes with their sheet's commune/mission, status and annulment."""
    from kalata.results.models import SheetVote, TallySheet

    sheets_path = folder / f"bench-sheets-{round_.pk}.csv"
    votes_path = folder / f"bench-votes-{round_.pk}.csv"
    n_sheets = n_votes = 0
    with sheets_path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "contest",
                "commune",
                "mission",
                "status",
                "annulled",
                "registered",
                "voters",
                "null_ballots",
                "valid_votes",
                "station_registered",
            ]
        )
        for row in (
            TallySheet.objects.filter(round=round_)
            .order_by()
            .values_list(
                "contest_id",
                "station__commune_id",
                "station__mission_id",
                "status",
                "annulled",
                "registered",
                "voters",
                "null_ballots",
                "valid_votes",
                "station__registered",
            )
            .iterator(chunk_size=5000)
        ):
            w.writerow(_csv_row(row))
            n_sheets += 1
    with votes_path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["commune", "mission", "status", "annulled", "selection", "votes"])
        for row in (
            SheetVote.objects.filter(sheet__round=round_)
            .order_by()
            .values_list(
                "sheet__station__commune_id",
                "sheet__station__mission_id",
                "sheet__status",
                "sheet__annulled",
                "selection_id",
                "votes",
            )
            .iterator(chunk_size=5000)
        ):
            w.writerow(_csv_row(row))
            n_votes += 1
    return sheets_path, votes_path, n_sheets, n_votes


def _csv_row(row: tuple) -> list:
    """NULL as an empty field, booleans as ``true``/``false`` (DuckDB's CSV reader)."""
    return ["" if v is None else str(v).lower() if isinstance(v, bool) else v for v in row]


SHEETS_SQL = """
SELECT contest, commune, mission, status, annulled, count(*) AS n,
       sum(registered), sum(voters), sum(null_ballots), sum(valid_votes),
       sum(station_registered)
FROM sheets
GROUP BY contest, commune, mission, status, annulled
"""
VOTES_SQL = """
SELECT commune, mission, selection, sum(votes)
FROM votes
WHERE status = 'definitive' AND NOT annulled
GROUP BY commune, mission, selection
"""


def _duckdb(sheets_path: Path, votes_path: Path):
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute(
        "CREATE TABLE sheets AS SELECT * FROM read_csv(?, header = true, columns = {"
        "'contest': 'BIGINT', 'commune': 'BIGINT', 'mission': 'BIGINT', 'status': 'VARCHAR', "
        "'annulled': 'BOOLEAN', 'registered': 'BIGINT', 'voters': 'BIGINT', "
        "'null_ballots': 'BIGINT', 'valid_votes': 'BIGINT', 'station_registered': 'BIGINT'})",
        [str(sheets_path)],
    )
    con.execute(
        "CREATE TABLE votes AS SELECT * FROM read_csv(?, header = true, columns = {"
        "'commune': 'BIGINT', 'mission': 'BIGINT', 'status': 'VARCHAR', 'annulled': 'BOOLEAN', "
        "'selection': 'BIGINT', 'votes': 'BIGINT'})",
        [str(votes_path)],
    )
    return con


def _floor(con) -> tuple[list, list]:
    return con.execute(SHEETS_SQL).fetchall(), con.execute(VOTES_SQL).fetchall()


def _consistent(result, round_, sheet_rows, vote_rows) -> dict:
    """Compare the DuckDB totals with ``tabulate``'s: votes per contest and selection, valid
    votes per contest."""
    from kalata.elections.models import Selection

    selection = {
        pk: (contest_code, code)
        for pk, contest_code, code in Selection.objects.filter(contest__round=round_).values_list(
            "pk", "contest__code", "code"
        )
    }
    contest_code = dict(round_.contests.values_list("pk", "code"))
    duck_votes: dict[tuple[str, str], int] = defaultdict(int)
    for _commune, _mission, sid, v in vote_rows:
        duck_votes[selection[sid]] += int(v)
    duck_valid: dict[str, int] = defaultdict(int)
    for cid, _c, _m, status, annulled, _n, _reg, _vot, _nul, val, _exp in sheet_rows:
        if status == "definitive" and not annulled:
            duck_valid[contest_code[cid]] += int(val or 0)
    tab_votes = {
        (c.code, code): v for c in result.contests for code, v in c.total.votes.items() if v
    }
    tab_valid = {c.code: c.total.valid_votes for c in result.contests if c.total.valid_votes}
    ok = tab_votes == {k: v for k, v in duck_votes.items() if v} and tab_valid == {
        k: v for k, v in duck_valid.items() if v
    }
    return {
        "equal": ok,
        "contests": len(result.contests),
        "selections_compared": len(tab_votes),
        "valid_votes_total": sum(tab_valid.values()),
    }


def _measure_floor(result, round_, folder: Path, runs: int, warmup: int) -> dict:
    """Export the round's rows, load them into DuckDB, time the two GROUP BY queries and check
    their totals against ``result``. Without DuckDB installed: ``{"duckdb": None}``."""
    try:
        import duckdb
    except ImportError:
        return {
            "duckdb": None,
            "duckdb_missing": "duckdb not installed (pip install -e '.[bench]')",
        }
    export_start = time.perf_counter()
    sheets_path, votes_path, n_sheets, n_votes = _export(round_, folder)
    exported = time.perf_counter()
    con = _duckdb(sheets_path, votes_path)
    loaded = time.perf_counter()
    try:
        for _ in range(warmup):
            _floor(con)
        samples, cpu = _time(lambda: _floor(con), runs)
        sheet_rows, vote_rows = _floor(con)
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    finally:
        con.close()
        sheets_path.unlink()
        votes_path.unlink()
    return {
        "duckdb": summary(samples),
        "duckdb_cpu": summary(cpu),
        "duckdb_threads": threads,
        "duckdb_version": duckdb.__version__,
        "duckdb_input_rows": [n_sheets, n_votes],
        "duckdb_output_rows": [len(sheet_rows), len(vote_rows)],
        "export_s": round(exported - export_start, 3),
        "duckdb_load_s": round(loaded - exported, 3),
        "check": _consistent(result, round_, sheet_rows, vote_rows),
    }


def _time_after_a_change(round_, tabulate, runs: int) -> tuple[list[float], list[float]]:
    """``tabulate`` right after one definitive sheet changed (committed): its version bumped."""
    from django.db import connection

    from kalata.results.models import TallySheet

    ids = list(
        TallySheet.objects.filter(round=round_, status=TallySheet.Status.DEFINITIVE)
        .order_by("id")
        .values_list("id", flat=True)[: max(runs, 1)]
    )
    wall, cpu = [], []
    for sheet_id in ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE results_tallysheet SET version = version + 1 WHERE id = %s", [sheet_id]
            )
        cpu0, start = time.process_time(), time.perf_counter()
        tabulate(round_)
        cpu.append(time.process_time() - cpu0)
        wall.append(time.perf_counter() - start)
    return wall, cpu


def measure(params: dict) -> dict:
    from kalata.results.models import SheetVote
    from kalata.results.tabulation import get_round as round_by_code
    from kalata.results.tabulation import tabulate

    runs, warmup = int(params.get("runs", 7)), int(params.get("warmup", 1))
    folder = Path(os.environ.get("KALATA_DATA_DIR", "."))
    out: dict = {"runs": runs, "warmup": warmup, "rounds": []}
    for spec in params["rounds"]:
        round_ = round_by_code(spec["round"])
        rss_before = maxrss_mib()
        # The first call in a new process reads every row (kalata.results.columns).
        cpu0, start = time.process_time(), time.perf_counter()
        tabulate(round_)
        cold = (time.perf_counter() - start, time.process_time() - cpu0)
        for _ in range(warmup):
            tabulate(round_).as_dict()
        tab_samples: list[float] = []
        ser_samples: list[float] = []
        full_samples: list[float] = []
        tab_cpu: list[float] = []
        full_cpu: list[float] = []
        result = None
        for _ in range(runs):
            cpu0, start = time.process_time(), time.perf_counter()
            result = tabulate(round_)
            cpu1, middle = time.process_time(), time.perf_counter()
            result.as_dict()
            cpu2, end = time.process_time(), time.perf_counter()
            tab_samples.append(middle - start)
            ser_samples.append(end - middle)
            full_samples.append(end - start)
            tab_cpu.append(cpu1 - cpu0)
            full_cpu.append(cpu2 - cpu0)
        rss_tabulate = maxrss_mib()

        # Election night: a sheet has changed since the last call (here its version is bumped,
        # as a correction would), so the call reads the sheets' states again and that sheet.
        changed_samples, changed_cpu = _time_after_a_change(round_, tabulate, runs)

        floor = _measure_floor(result, round_, folder, runs, warmup)

        # Python heap at its highest during one recomputation and its serialisation
        # (tracemalloc: Python allocations only, not the database driver's own buffers).
        gc.collect()
        tracemalloc.start()
        tabulate(round_).as_dict()
        _, heap_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        out["rounds"].append(
            {
                "label": spec["label"],
                "round": spec["round"],
                "sheets": round_.sheets.count(),
                "sheet_votes": SheetVote.objects.filter(sheet__round=round_).count(),
                "tabulate": summary(tab_samples),
                "tabulate_cold": {"wall": round(cold[0], 4), "cpu": round(cold[1], 4)},
                "tabulate_after_change": summary(changed_samples),
                "serialise": summary(ser_samples),
                "tabulate_as_dict": summary(full_samples),
                "cpu": {
                    "tabulate": summary(tab_cpu),
                    "tabulate_after_change": summary(changed_cpu),
                    "tabulate_as_dict": summary(full_cpu),
                },
                **floor,
                "rss_before_mib": rss_before,
                "rss_peak_tabulate_mib": rss_tabulate,
                "python_heap_peak_mib": round(heap_peak / 2**20, 1),
            }
        )
    return out
