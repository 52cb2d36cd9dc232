"""What the orchestrator and the workers share: statistics, the machine, the databases.

No Django here: the orchestrator (``bench.runner``) never sets Django up; each benchmark runs in
a worker subprocess (``bench.worker``) whose environment names its database.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
#: The scratch database the benchmarks drop and re-create; ``KALATA_BENCH_PG_DB`` names another
#: (so that two benchmark runs on one server do not drop each other's database).
SCRATCH_DB = os.environ.get("KALATA_BENCH_PG_DB") or "kalata_bench"
if not SCRATCH_DB.replace("_", "").isalnum() or not SCRATCH_DB.isascii():
    raise SystemExit(f"KALATA_BENCH_PG_DB: {SCRATCH_DB!r} is not a plain database name ([a-z0-9_])")
DEFAULT_PG_URL = "postgres://127.0.0.1:5432/test"
#: A secret for the bench's own processes only (they run with DEBUG off, as in production).
BENCH_SECRET = "kalata-bench-only-secret-not-for-any-deployment"


# --- Statistics ----------------------------------------------------------------------------


def summary(samples: list[float]) -> dict:
    """Median, min, max and count of timings in seconds."""
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": len(samples),
        "samples": [round(s, 6) for s in samples],
    }


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 0.001:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover - not on Linux
        return []


def maxrss_mib(kind: int = resource.RUSAGE_SELF) -> float:
    """High-water mark of the resident set size, in MiB (Linux reports KiB)."""
    return round(resource.getrusage(kind).ru_maxrss / 1024, 1)


# --- The machine ---------------------------------------------------------------------------


def _meminfo_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        usable = os.cpu_count()
    import sqlite3

    try:
        import duckdb

        duck = duckdb.__version__
    except ImportError:
        duck = None
    return {
        "nproc": usable,
        "cpu": _cpu_model(),
        "ram_gib": _meminfo_gib(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "duckdb": duck,
        "platform": platform.platform(),
        "load_at_start": loadavg(),
    }


# --- Databases -----------------------------------------------------------------------------


@dataclass
class Backend:
    """One database the benchmarks run on: its name and the environment of its workers."""

    name: str  # "sqlite" or "postgresql"
    env: dict[str, str]
    data_dir: Path
    admin_url: str | None = None  # PostgreSQL: the database to connect to for CREATE DATABASE
    url: str | None = None
    info: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(self.name, self.name)


def worker_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment of a worker: ours, DEBUG off (no query log, as in production), and the
    database of the backend; ``DATABASE_URL`` is removed for SQLite (the settings' own SQLite
    configuration: WAL, immediate transactions)."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "kalata.settings"
    env["KALATA_DEBUG"] = "0"
    env["KALATA_SECRET_KEY"] = BENCH_SECRET
    env["PYTHONPATH"] = str(ROOT) + (
        os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""
    )
    env.update(extra)
    return env


def sqlite_backend(base: Path) -> Backend:
    """A fresh SQLite file in a new folder under ``base``."""
    data_dir = Path(tempfile.mkdtemp(prefix="sqlite-", dir=base))
    backend = Backend("sqlite", worker_env({"KALATA_DATA_DIR": str(data_dir)}), data_dir)
    backend.info = {"file": str(data_dir / "kalata.sqlite3")}
    return backend


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def pg_server_url() -> tuple[str | None, str]:
    """The PostgreSQL server to run on, and where that choice came from.

    ``KALATA_BENCH_PG_URL`` first; then ``DATABASE_URL`` when it names a PostgreSQL database;
    then ``postgres://127.0.0.1:5432/test`` when it answers. The benchmarks never write into
    that database: they create the scratch database ``kalata_bench`` (or ``KALATA_BENCH_PG_DB``)
    on the same server.
    """
    for var in ("KALATA_BENCH_PG_URL", "DATABASE_URL"):
        url = os.environ.get(var, "")
        if url.startswith(("postgres://", "postgresql://", "pgsql://")):
            return url, var
    return DEFAULT_PG_URL, "default"


def _psycopg_url(url: str) -> str:
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme in ("postgres", "pgsql") else parts.scheme
    return urlunsplit((scheme, *parts[1:]))


def pg_answers(url: str) -> tuple[bool, str]:
    try:
        import psycopg
    except ImportError:
        return False, "psycopg absent"
    try:
        with psycopg.connect(_psycopg_url(url), connect_timeout=3) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
        return True, version
    except Exception as exc:  # noqa: BLE001 - any failure means "no server to use"
        return False, str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)


def pg_recreate(backend: Backend) -> None:
    """Drop and create the scratch database (no other database is touched)."""
    import psycopg

    with psycopg.connect(_psycopg_url(backend.admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{SCRATCH_DB}"')


def pg_drop(backend: Backend) -> None:
    import psycopg

    with psycopg.connect(_psycopg_url(backend.admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')


def pg_backend(base: Path, server_url: str, version: str, source: str) -> Backend:
    data_dir = Path(tempfile.mkdtemp(prefix="pg-", dir=base))
    url = _with_database(server_url, SCRATCH_DB)
    backend = Backend(
        "postgresql",
        worker_env({"KALATA_DATA_DIR": str(data_dir), "DATABASE_URL": url}),
        data_dir,
        admin_url=server_url,
        url=url,
    )
    parts = urlsplit(url)
    backend.info = {
        "server": f"{parts.hostname}:{parts.port or 5432}",
        "database": SCRATCH_DB,
        "version": version,
        "chosen_from": source,
    }
    return backend


def fresh(backend: Backend) -> None:
    """Empty the backend's database: a new SQLite file, or the scratch database re-created."""
    if backend.name == "sqlite":
        for path in backend.data_dir.glob("kalata.sqlite3*"):
            path.unlink()
    else:
        pg_recreate(backend)


def cleanup(backend: Backend, keep: bool = False) -> None:
    if backend.name == "postgresql" and not keep:
        try:
            pg_drop(backend)
        except Exception:  # noqa: BLE001 - best effort at the end of the run
            pass
    if not keep:
        shutil.rmtree(backend.data_dir, ignore_errors=True)


# --- Subprocesses --------------------------------------------------------------------------


@dataclass
class ChildRun:
    returncode: int
    seconds: float
    cpu_s: float
    maxrss_mib: float
    stdout: str
    stderr: str


def run_child(argv: list[str], env: dict[str, str], timeout: float | None = None) -> ChildRun:
    """Run ``argv``; return its exit code, wall time and peak RSS (``wait4`` on that child, so
    each benchmark's high-water mark is its own, not the largest child's so far)."""
    import time

    out = tempfile.TemporaryFile(mode="w+")
    err = tempfile.TemporaryFile(mode="w+")
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=out, stderr=err, text=True)
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    return ChildRun(
        proc.returncode,
        seconds,
        round(usage.ru_utime + usage.ru_stime, 3),
        round(usage.ru_maxrss / 1024, 1),
        out.read(),
        err.read(),
    )


def python() -> str:
    return sys.executable
