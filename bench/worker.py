"""One step of a benchmark, in its own process: ``python -m bench.worker TASK PARAMS RESULT``.

``PARAMS`` is a JSON object, ``RESULT`` the file the task's JSON result is written to. The
environment names the database (``bench.common.worker_env``). Tasks:

- ``setup``: migrate and load the territory into the fresh database;
- ``build-recompute`` / ``recompute``: build the definitive rounds, then time them;
- ``build-ingest`` / ``ingest`` / ``ingest-concurrent``: build the national round and the
  clerks, then time the entries one at a time, then typed by concurrent processes.

Building and measuring are separate processes so that each measurement's peak RSS is its own.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.common import loadavg, maxrss_mib


def _setup(params: dict) -> dict:
    from django.core.management import call_command

    from kalata.territory.services import load_territory

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    counts = load_territory()
    return {
        "migrate_s": round(migrated - start, 3),
        "territory_s": round(time.perf_counter() - migrated, 3),
        "territory": counts,
        "database_settings": _database_settings(),
    }


def _database_settings() -> dict:
    """The settings that decide a commit's cost (what ingest rates depend on)."""
    from django.db import connection

    names = (
        ("synchronous_commit", "fsync", "wal_sync_method", "shared_buffers")
        if connection.vendor == "postgresql"
        else ("journal_mode", "synchronous")
    )
    out = {"vendor": connection.vendor}
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(
                f"SHOW {name}" if connection.vendor == "postgresql" else f"PRAGMA {name}"
            )
            out[name] = cursor.fetchone()[0]
    return out


TASKS = {
    "setup": "bench.worker:_setup",
    "build-recompute": "bench.recompute:build",
    "recompute": "bench.recompute:measure",
    "build-ingest": "bench.ingest:build",
    "ingest": "bench.ingest:measure",
    "ingest-concurrent": "bench.ingest:measure_concurrent",
}


def main(argv: list[str]) -> int:
    task, params, result_path = argv[0], json.loads(argv[1]), Path(argv[2])
    import django

    django.setup()
    module_name, func_name = TASKS[task].split(":")
    import importlib

    func = getattr(importlib.import_module(module_name), func_name)
    load_before = loadavg()
    rss_after_setup = maxrss_mib()
    result = func(params)
    result["process"] = {
        "load_before": load_before,
        "load_after": loadavg(),
        "rss_after_django_setup_mib": rss_after_setup,
        "maxrss_mib": maxrss_mib(),
    }
    result_path.write_text(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
