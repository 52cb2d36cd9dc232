"""The election-night web benchmark: Kalata served as in production, read and written at once.

    python -m bench.web [--quick] [--backend postgresql|sqlite]
                        [--servers gthread:4x2,sync:4x1,gthread:3x2/gthread:1x8]
                        [--seconds N] [--connections N] [--read-rate N] [--write-rate N]
                        [--set NAME=VALUE] [--json FILE] [--keep]

What it does (issue 4, "Speed on the night"), all on 127.0.0.1, every phase bounded in time:

1. **Data** (``bench.web_setup build``, its own process): a scratch database — PostgreSQL
   ``kalata_webbench`` on the server of ``KALATA_BENCH_PG_URL`` / ``DATABASE_URL`` /
   ``127.0.0.1:5432`` (created here, dropped at the end), or a SQLite file with ``--backend
   sqlite`` — migrated, the territory loaded, a national presidential first round (about 10 000
   stations, 8 candidates) built with Kalata's services, most minutes definitive, the rest
   (those the clerks will send) still expected; clerks of the commissions with API tokens.
2. **The server**, as in production: ``gunicorn kalata.wsgi:application`` with
   ``KALATA_DEBUG=0``, a secret key, the database URL, ``KALATA_SSL_REDIRECT=0`` (plain HTTP on
   loopback: no TLS proxy in front). The only change to Kalata's settings is the URL map
   (``bench.web_settings`` → ``bench.web_urls``), which adds the static file of the ceiling.
   Each ``--servers`` entry (``CLASS:WORKERSxTHREADS``) is started, measured and stopped in turn;
   ``PAGES/WRITES`` starts two gunicorns, the second receiving the API's writes (two pools
   behind the proxy, ``docs/deploy.md``).
3. **Phases** for each server, after a warm-up (every worker renders every page once):

   - *ceiling*: wrk on a static file (``kalata.css``) served by Django's ``serve`` view through
     the same workers and middleware — what the server can do at best per request;
   - *reads alone* (information): wrk on the results pages;
   - *election night*: wrk on the results pages, paced at ``--read-rate`` (1 100/s), **while**
     the clerks' tablets send their minutes through the API (``bench.web_load.paced_writes``):
     first and second entries, each with its bearer token and idempotency key, at
     ``--write-rate`` (60/s) from 16 threads; one in 20 sent twice; nothing is sent after the
     phase's window (what was due and not sent is reported).

   The results pages: the national page (``…/tour-1/NATION/``) and its JSON (``NATION.json``)
   for half of the requests, the pages of every region, the District and abroad
   (``…/NATION/region/R01/``…) and their JSON for the other half.
4. **Checks**: every submission answered ``201`` is in the database afterwards (``DataEntry``
   rows counted by client key: exactly one each), no ``5xx``, no request without an answer, and
   every replay answered ``200`` with ``Idempotency-Replayed: true``.

Each figure is printed with its target, PASS/FAIL and the load average of the machine (it is
shared); wrk's own report follows each wrk phase. Exit status 0 when everything ran (speed is
measured, not asserted), 1 when something could not run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import common
from bench import web_load as load

SCRATCH_DB = "kalata_webbench"
STATIC_PATH = "/banc-essai/statique/kalata/kalata.css"  # bench.web_urls.STATIC_PATH
SETTINGS = "bench.web_settings"

READ_RATE_TARGET = 1000.0
READ_P99_TARGET_MS = 100.0
WRITE_RATE_TARGET = 50.0
WRITE_P99_TARGET_MS = 250.0
PILE = 50  # bench.web_setup.PILE: submissions come in piles of 50 first + 50 second entries


@dataclass(frozen=True)
class ServerConfig:
    worker_class: str  # sync or gthread
    workers: int
    threads: int

    @property
    def label(self) -> str:
        if self.worker_class == "sync":
            return f"gunicorn sync -w {self.workers}"
        return f"gunicorn {self.worker_class} -w {self.workers} --threads {self.threads}"

    def argv(self, port: int, log: Path) -> list[str]:
        return [
            common.python(),
            "-m",
            "gunicorn",
            "kalata.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            self.worker_class,
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--error-logfile",
            str(log),
            "--log-level",
            "warning",
        ]


@dataclass(frozen=True)
class Deployment:
    """One gunicorn for everything, or two: one for the pages, one for the API's writes (the
    proxy routing ``POST /api/…`` to the second, as ``docs/deploy.md`` suggests)."""

    pages: ServerConfig
    writes: ServerConfig | None = None

    @property
    def label(self) -> str:
        if self.writes is None:
            return self.pages.label
        return f"{self.pages.label} (pages) + {self.writes.label} (API writes)"


def _parse_config(part: str) -> ServerConfig:
    try:
        kind, size = part.split(":")
        workers, _, threads = size.partition("x")
        config = ServerConfig(kind, int(workers), int(threads or 1))
    except ValueError:
        raise SystemExit(f"--servers: « {part} » is not CLASS:WORKERSxTHREADS") from None
    if kind not in ("sync", "gthread"):
        raise SystemExit(f"--servers: worker class « {kind} »: sync or gthread")
    return config


def parse_servers(spec: str) -> list[Deployment]:
    """``gthread:4x2,sync:4x1,gthread:3x2/gthread:1x8`` (``PAGES/WRITES``: two servers)."""
    out = []
    for part in (p.strip() for p in spec.split(",")):
        if part:
            pages, _, writes = part.partition("/")
            out.append(Deployment(_parse_config(pages), _parse_config(writes) if writes else None))
    if not out:
        raise SystemExit("--servers: at least one server")
    return out


def parse_overrides(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.isidentifier() or not name.isupper():
            raise SystemExit(f"--set: « {pair} » is not NAME=VALUE")
        try:
            out[name] = json.loads(value)
        except ValueError:
            out[name] = value
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.web",
        description="Election-night web benchmark: results pages read with wrk while the "
        "clerks' minutes arrive through the API, against gunicorn on 127.0.0.1.",
    )
    p.add_argument("--quick", action="store_true", help="smoke run: small data, 2 s phases")
    p.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    p.add_argument(
        "--servers",
        default="gthread:4x2",
        help="comma-separated CLASS:WORKERSxTHREADS, each measured in turn; PAGES/WRITES for "
        "two servers, the second for the API's writes (gthread:4x2)",
    )
    p.add_argument("--seconds", type=float, default=None, help="each phase (20; quick 2)")
    p.add_argument("--warmup", type=float, default=None, help="warm-up (10 s; quick 2)")
    p.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    p.add_argument(
        "--read-rate",
        type=float,
        default=1100.0,
        help="election night: reads offered per second, paced (1100; target ≥ 1000 served)",
    )
    p.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (2)")
    p.add_argument("--write-rate", type=float, default=60.0, help="offered submissions/s (60)")
    p.add_argument("--write-threads", type=int, default=16, help="tablets sending at once (16)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="experiment: override a Django setting of the server (JSON value), e.g. "
        "KALATA_PUBLIC_REFRESH_SECONDS=15; printed with the figures",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", type=Path, default=None, help="write the results there")
    p.add_argument("--keep", action="store_true", help="keep the scratch database")
    return p.parse_args(argv)


def say(text: str = "") -> None:
    print(text, flush=True)


def load_text() -> str:
    one, five, fifteen = (f"{x:.2f}" for x in os.getloadavg())
    return f"load {one} {five} {fifteen}"


# --- The database --------------------------------------------------------------------------


@dataclass
class Database:
    backend: str
    env: dict[str, str]
    data_dir: Path
    admin_url: str | None = None
    info: dict = field(default_factory=dict)


def _pg(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(common._psycopg_url(admin_url), autocommit=True) as conn:
        conn.execute(sql)


def open_database(backend: str, base: Path) -> Database:
    data_dir = Path(tempfile.mkdtemp(prefix="data-", dir=base))
    extra = {
        "KALATA_DATA_DIR": str(data_dir),
        "KALATA_SSL_REDIRECT": "0",
        "KALATA_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    if backend == "sqlite":
        env = common.worker_env(extra)
        return Database("sqlite", env, data_dir, info={"file": str(data_dir / "kalata.sqlite3")})
    server, source = common.pg_server_url()
    ok, detail = common.pg_answers(server)
    if not ok:
        raise SystemExit(f"PostgreSQL: no server answers ({detail}); or use --backend sqlite")
    url = common._with_database(server, SCRATCH_DB)
    _pg(server, f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
    _pg(server, f'CREATE DATABASE "{SCRATCH_DB}"')
    env = common.worker_env({**extra, "DATABASE_URL": url})
    return Database(
        "postgresql",
        env,
        data_dir,
        admin_url=server,
        info={"database": SCRATCH_DB, "version": detail, "server_from": source},
    )


def close_database(db: Database, keep: bool) -> None:
    if keep:
        say(f"Kept: {db.info}")
        return
    if db.backend == "postgresql" and db.admin_url:
        try:
            _pg(db.admin_url, f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
        except Exception as exc:  # noqa: BLE001 - report, go on cleaning
            say(f"could not drop {SCRATCH_DB}: {exc}")
    import shutil

    shutil.rmtree(db.data_dir, ignore_errors=True)


def django_child(db: Database, task: str, params: dict, timeout: float = 3600) -> dict:
    params_file = db.data_dir / f"{task}-params.json"
    out_file = db.data_dir / f"{task}-result.json"
    params_file.write_text(json.dumps(params))
    argv = [common.python(), "-m", "bench.web_setup", task, str(params_file), str(out_file)]
    child = common.run_child(argv, db.env, timeout)
    if child.returncode != 0 or not out_file.exists():
        tail = "\n".join((child.stderr or child.stdout).strip().splitlines()[-20:])
        raise RuntimeError(f"bench.web_setup {task} failed (exit {child.returncode}):\n{tail}")
    result = json.loads(out_file.read_text())
    result["child"] = {"wall_s": round(child.seconds, 1), "cpu_s": child.cpu_s}
    return result


# --- The server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and its children (gunicorn's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        this, ppid = int(stat.parent.name), int(fields[1])
        if this == pid or ppid == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


class Server:
    """A gunicorn started by the benchmark, in its own session; stopped by ``stop``."""

    def __init__(self, config: ServerConfig, db: Database, overrides: dict) -> None:
        self.config = config
        self.port = free_port()
        self.log = db.data_dir / f"gunicorn-{self.port}.log"
        env = {**db.env, "DJANGO_SETTINGS_MODULE": SETTINGS}
        if overrides:
            env["KALATA_WEBBENCH_SETTINGS"] = json.dumps(overrides)
        self.output = db.data_dir / f"gunicorn-{self.port}.out"
        with self.output.open("w") as out:
            self.proc = subprocess.Popen(
                config.argv(self.port, self.log),
                env=env,
                cwd=common.ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}{STATIC_PATH}"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in {timeout:.0f} s:\n{self.log_tail()}")

    def cpu(self) -> float:
        return _tree_cpu(self.proc.pid)

    def log_tail(self, n: int = 20) -> str:
        lines = []
        for path in (self.log, self.output):
            try:
                lines += path.read_text().splitlines()[-n:]
            except OSError:
                pass
        return "\n".join(lines)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown of its workers
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only its workers
                self.proc.wait(timeout=5)


# --- Figures -------------------------------------------------------------------------------


@dataclass
class Figure:
    server: str
    name: str
    value: float | None
    unit: str
    target: str = ""
    passed: bool | None = None
    load: str = ""

    @property
    def result(self) -> str:
        return "" if self.passed is None else ("PASS" if self.passed else "FAIL")

    def line(self) -> str:
        if self.value is None:
            value = "—"
        elif isinstance(self.value, int):
            value = f"{self.value:,d}".replace(",", " ")
        else:
            value = f"{self.value:,.1f}".replace(",", " ")
        target = f"target {self.target}" if self.target else "(information)"
        return f"{self.name}: {value} {self.unit}  {target}  {self.result}  [{self.load}]"


class Report:
    def __init__(self) -> None:
        self.figures: list[Figure] = []
        self.phases: list[dict] = []

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        say("  " + figure.line())
        return figure


def _wrk_phase(
    name: str, servers: list[Server], lua: Path, seconds: float, args, writes=None
) -> tuple[load.WrkResult, load.WriteResult | None, dict]:
    """Run wrk on the first server (and the writes, if any, at the same time on the last);
    the phase's server CPU and the load average."""
    server, write_server = servers[0], servers[-1]
    cpu0 = sum(s.cpu() for s in servers)
    load0, t0 = load_text(), time.perf_counter()
    write_result: list[load.WriteResult] = []
    writer = None
    if writes is not None:
        items, rate = writes

        def send() -> None:
            write_result.append(
                load.paced_writes(
                    write_server.port, items, rate, seconds, threads=args.write_threads
                )
            )

        writer = threading.Thread(target=send, daemon=True)
        writer.start()
    wrk = load.run_wrk(server.port, lua, seconds, args.connections, args.wrk_threads)
    if writer is not None:
        writer.join(timeout=seconds + 60)
    wall = time.perf_counter() - t0
    info = {
        "phase": name,
        "server": " + ".join(s.config.label for s in servers),
        "server_pid": server.proc.pid,
        "server_pids": [s.proc.pid for s in servers],
        "wall_s": round(wall, 2),
        "server_cpu_s": round(sum(s.cpu() for s in servers) - cpu0, 2),
        "load_before": load0,
        "load_after": load_text(),
        "wrk": wrk.figures,
    }
    return wrk, (write_result[0] if write_result else None), info


def _print_wrk(title: str, wrk: load.WrkResult) -> None:
    say(f"  --- wrk: {title} ---")
    for line in wrk.report.splitlines():
        say("  | " + line)


def run_server(deploy: Deployment, db: Database, built: dict, items: list, args, report):
    say(f"\n== {deploy.label} ==")
    lua_dir = db.data_dir
    paths = built["read_paths"]
    national, regional = paths["national"], paths["regional"]
    mix = []
    # Half national (page, JSON), half regional (each region's page and JSON in turn).
    for i, path in enumerate(regional):
        mix += [national[i % len(national)], path]
    threads = args.wrk_threads
    reads_lua = load.write_lua(lua_dir / "reads.lua", mix, threads=threads)
    paced_lua = load.write_lua(
        lua_dir / "reads-paced.lua", mix, rate=args.read_rate, threads=threads
    )
    static_lua = load.write_lua(lua_dir / "static.lua", [STATIC_PATH], threads=threads)
    warm_lua = load.write_lua(lua_dir / "warm.lua", [*mix, STATIC_PATH], threads=threads)

    servers: list[Server] = []
    try:
        for config in (deploy.pages, deploy.writes):
            if config is not None:
                servers.append(Server(config, db, args.overrides))
        for server in servers:
            server.wait_ready()
            say(f"  {server.config.label}: ready on 127.0.0.1:{server.port} ({load_text()})")
        server = servers[0]
        seconds, warmup = args.seconds, args.warmup
        # Warm-up: few connections and a long timeout, so that every worker renders every page
        # once (the national page takes a second or more to compute the first time).
        load.run_wrk(server.port, warm_lua, warmup, 8, args.wrk_threads, timeout_s=30)
        say(f"  warm-up {warmup:.0f} s done")

        label = deploy.label
        # 1. The ceiling: a static file through the same server.
        wrk, _, info = _wrk_phase("ceiling", servers[:1], static_lua, seconds, args)
        report.phases.append(info)
        _print_wrk("static file (ceiling)", wrk)
        ceiling = wrk.rate
        report.add(
            Figure(
                label, "ceiling: static file, requests/s", ceiling, "req/s", load=info["load_after"]
            )
        )
        report.add(
            Figure(
                label, "ceiling: static file, p99", wrk.ms("p99_us"), "ms", load=info["load_after"]
            )
        )

        # 2. Reads alone (information).
        wrk, _, info = _wrk_phase("reads", servers[:1], reads_lua, seconds, args)
        report.phases.append(info)
        _print_wrk("results pages and JSON, no writes", wrk)
        report.add(
            Figure(label, "reads alone: requests/s", wrk.rate, "req/s", load=info["load_after"])
        )
        report.add(
            Figure(label, "reads alone: p99", wrk.ms("p99_us"), "ms", load=info["load_after"])
        )

        # 3. Election night: the same reads while the minutes arrive.
        wrk, writes, info = _wrk_phase(
            "election-night", servers, paced_lua, seconds, args, writes=(items, args.write_rate)
        )
        _print_wrk("results pages and JSON while the minutes arrive", wrk)
        at = info["load_after"]
        rate_ok = wrk.rate >= READ_RATE_TARGET
        p99 = wrk.ms("p99_us")
        report.add(
            Figure(
                label,
                "election night: reads, requests/s",
                wrk.rate,
                "req/s",
                f"≥ {READ_RATE_TARGET:.0f}",
                rate_ok,
                at,
            )
        )
        report.add(
            Figure(
                label,
                "election night: reads, p99",
                p99,
                "ms",
                f"< {READ_P99_TARGET_MS:.0f}",
                p99 is not None and p99 < READ_P99_TARGET_MS,
                at,
            )
        )
        report.add(
            Figure(
                label,
                "election night: reads, errors (non-2xx/3xx, socket)",
                wrk.errors,
                "",
                "0",
                wrk.errors == 0,
                at,
            )
        )
        report.add(
            Figure(
                label,
                "election night: reads / ceiling",
                100 * wrk.rate / ceiling if ceiling else None,
                "% of the static file's rate",
                load=at,
            )
        )
        assert writes is not None
        w99 = writes.percentile(99)
        report.add(
            Figure(
                label,
                "election night: minutes accepted per second",
                writes.rate,
                "/s",
                f"≥ {WRITE_RATE_TARGET:.0f}",
                writes.rate >= WRITE_RATE_TARGET,
                at,
            )
        )
        report.add(
            Figure(
                label,
                "election night: minutes, p99 (from due time)",
                None if w99 is None else w99 * 1000,
                "ms",
                f"< {WRITE_P99_TARGET_MS:.0f}",
                w99 is not None and w99 * 1000 < WRITE_P99_TARGET_MS,
                at,
            )
        )
        s50, s99 = writes.percentile(50, "service_s"), writes.percentile(99, "service_s")
        say(
            f"  reads: offered {args.read_rate:.0f}/s, {wrk.figures.get('late_over_10ms', 0)} "
            f"requests sent more than 10 ms after their due time (wrk connections all busy)\n"
            f"  minutes: offered {writes.offered_rate:.0f}/s, {writes.planned} due in the "
            f"{writes.window:.0f} s window, {writes.unsent} not sent when it closed (server "
            f"behind); last answer after {writes.seconds:.1f} s; statuses {writes.by_status()}; "
            f"replays "
            f"{writes.replays_ok}/{len(writes.replays)} answered 200 + Idempotency-Replayed; "
            f"service time p50 {_ms(s50)} p99 {_ms(s99)}; server CPU "
            f"{info['server_cpu_s']:.1f} s in {info['wall_s']:.1f} s"
        )
        info["writes"] = {
            "offered_rate": writes.offered_rate,
            "planned": writes.planned,
            "unsent": writes.unsent,
            "seconds": round(writes.seconds, 3),
            "by_status": writes.by_status(),
            "rate": round(writes.rate, 2),
            "p50_ms": _ms_value(writes.percentile(50)),
            "p99_ms": _ms_value(w99),
            "service_p50_ms": _ms_value(s50),
            "service_p99_ms": _ms_value(s99),
            "replays": len(writes.replays),
            "replays_ok": writes.replays_ok,
            "errors": [s.error for s in writes.sent if s.error][:5],
        }
        report.phases.append(info)
        return writes
    finally:
        for server in servers:
            server.stop()
            tail = server.log_tail()
            if tail.strip():
                say("  gunicorn log (tail):\n    " + tail.replace("\n", "\n    "))
        say(f"  gunicorn stopped ({load_text()})")


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:.1f} ms"


def _ms_value(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 2)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    servers = parse_servers(args.servers)
    if args.seconds is None:
        args.seconds = 2.0 if args.quick else 20.0
    if args.warmup is None:
        args.warmup = 2.0 if args.quick else 10.0
    args.overrides = parse_overrides(args.set)
    if load.wrk_path() is None:
        say("wrk is not installed: apt-get install -y wrk")
        return 1
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        say("gunicorn is not installed: pip install -e '.[bench]'")
        return 1

    # Submissions per server: the offered rate over the phase, in whole piles, with a margin.
    per_server = int(math.ceil(args.write_rate * args.seconds / (2 * PILE)) + 1) * 2 * PILE
    started = datetime.now(UTC)
    say(f"Kalata web benchmark {'(quick) ' if args.quick else ''}— {started:%Y-%m-%d %H:%M} UTC")
    say(f"machine: {os.cpu_count()} CPU, {load_text()}; backend {args.backend}")
    if args.overrides:
        say(f"EXPERIMENT: settings overridden on the server: {args.overrides}")
    base = Path(tempfile.mkdtemp(prefix="kalata-webbench-"))
    results: dict = {
        "command": "python -m bench.web " + " ".join(argv if argv is not None else sys.argv[1:]),
        "started": started.isoformat(timespec="seconds"),
        "quick": args.quick,
        "settings_overrides": args.overrides,
        "servers": [c.label for c in servers],
        "phase_seconds": args.seconds,
        "read_rate_offered": args.read_rate,
        "write_rate_offered": args.write_rate,
        "connections": args.connections,
        "machine": common.machine(),
        "targets": {
            "reads_per_s": READ_RATE_TARGET,
            "reads_p99_ms": READ_P99_TARGET_MS,
            "minutes_per_s": WRITE_RATE_TARGET,
            "minutes_p99_ms": WRITE_P99_TARGET_MS,
        },
    }
    report = Report()
    db = None
    status = 0
    try:
        db = open_database(args.backend, base)
        results["database"] = db.info
        say(f"database: {args.backend} {db.info}")
        say("building the election (bench.web_setup build)…")
        built = django_child(
            db,
            "build",
            {"quick": args.quick, "seed": args.seed, "submissions": per_server * len(servers)},
        )
        items = built.pop("submissions")
        results["data"] = built
        say(
            f"  {built['round']}: {built['stations']} stations, {built['sheets_by_status']}; "
            f"{len(items)} submissions planned by {built['clerks']} clerks; regions "
            f"{', '.join(built['regions'])}; built in {built['child']['wall_s']} s"
        )
        accepted: list[str] = []
        unanswered: list[str] = []
        for n, config in enumerate(servers):
            chunk = items[n * per_server : (n + 1) * per_server]
            writes = run_server(config, db, built, chunk, args, report)
            accepted += writes.accepted_keys
            unanswered += [x.key for x in writes.sent if x.status is None]
            lost_answers = writes.no_answer + writes.server_errors
            report.add(
                Figure(
                    config.label,
                    "election night: minutes without answer or 5xx",
                    lost_answers,
                    "",
                    "0",
                    lost_answers == 0,
                    load_text(),
                )
            )
            report.add(
                Figure(
                    config.label,
                    "election night: replays answered 200 + replayed",
                    writes.replays_ok,
                    f"of {len(writes.replays)}",
                    f"= {len(writes.replays)}",
                    writes.replays_ok == len(writes.replays),
                    load_text(),
                )
            )
        say("\nchecking the database (bench.web_setup verify)…")
        verified = django_child(
            db,
            "verify",
            {
                "accepted_keys": accepted,
                "unanswered_keys": unanswered,
                "round_id": built["round_id"],
            },
        )
        results["verify"] = verified
        ok = verified["missing"] == 0 and verified["duplicated"] == 0
        report.add(
            Figure(
                "all servers",
                "minutes accepted (201) and found in the database",
                verified["in_database"],
                f"of {verified['accepted']}",
                "all, once each (none lost)",
                ok,
                load_text(),
            )
        )
        say(
            f"  missing {verified['missing']}, stored twice {verified['duplicated']}, receipts "
            f"{verified['receipts']}; sent without answer {verified['unanswered']} (of which "
            f"stored all the same: {verified['unanswered_stored']}, a tablet's retry with the same "
            f"key gets the stored answer); sheets now {verified['sheets_by_status']}"
        )
    except Exception as exc:  # noqa: BLE001 - report and exit 1
        say(f"\nbenchmark could not run: {exc}")
        status = 1
    finally:
        if db is not None:
            close_database(db, args.keep)
        import shutil

        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)

    say("\n== Summary ==")
    for f in report.figures:
        say(f"  [{f.server}] {f.line()}")
    results["figures"] = [f.__dict__ | {"result": f.result} for f in report.figures]
    results["phases"] = report.phases
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
        say(f"results: {args.json}")
    return status


if __name__ == "__main__":
    sys.exit(main())
