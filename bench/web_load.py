"""The load of the web benchmark: wrk for the reads, a paced Python client for the writes.

No Django here. Every request goes to 127.0.0.1 (the benchmark's own gunicorn), and every loop
is bounded in count and in time.

Reads: ``wrk`` (Debian's ``wrk`` package) with ``--latency`` — its own report is printed as it
is — and a Lua script that cycles through the paths and, at the end, writes one machine-readable
line (``WRK-JSON {...}``: requests, duration, errors, latency percentiles in µs) so the figures
can be checked against their targets.

Writes: ``paced_writes`` sends the clerks' submissions (``POST …/entries`` with a bearer token
and an ``Idempotency-Key``) at a fixed offered rate from a pool of threads, each with its own
keep-alive ``http.client`` connection. Submission ``i`` is due at ``start + i / rate``; its
latency is counted **from that due time** (so a server that falls behind cannot hide it by
slowing the client down: no coordinated omission), and also from the moment it was sent. Every
``replay_every``-th submission is sent a second time with the same key once answered: the
server must answer ``200`` with ``Idempotency-Replayed: true`` and store nothing more.
"""

from __future__ import annotations

import http.client
import json
import math
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"

# --- Reads: wrk -------------------------------------------------------------------------------

_LUA = """\
-- Written by bench/web_load.py: cycle through the paths; with a rate, pace the requests;
-- at the end, one machine-readable line.
local paths = {%(paths)s}
local headers = %(headers)s
local rate = %(rate)s  -- requests per second for all threads together; 0: as fast as possible
local threads = %(threads)d
-- Globals (not local): wrk's thread:set / thread:get reach a thread's globals only.
counter = 0
sent = 0
late = 0
thread_no = 0
all_threads = {}
local clock = nil
local t0 = nil

setup = function(thread)
  thread:set("thread_no", #all_threads)
  table.insert(all_threads, thread)
end

init = function(args)
  counter = thread_no * 7
  if rate > 0 then
    local ffi = require("ffi")
    ffi.cdef[[
      typedef struct { long tv_sec; long tv_nsec; } kalata_timespec;
      int clock_gettime(int clk_id, kalata_timespec *tp);
    ]]
    local ts = ffi.new("kalata_timespec")
    clock = function()
      ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
      return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
    end
  end
end

-- Paced: the k-th request of this thread is due at t0 + k / (rate / threads); wait until then.
delay = function()
  if clock == nil then return 0 end
  local now = clock()
  if t0 == nil then t0 = now end
  local due = t0 + sent * 1000 * threads / rate
  sent = sent + 1
  if now >= due then
    if now - due > 10 then late = late + 1 end
    return 0
  end
  return due - now
end

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], headers)
end

done = function(summary, latency, requests)
  local e = summary.errors
  local behind = 0
  for _, t in ipairs(all_threads) do behind = behind + (t:get("late") or 0) end
  io.write(string.format(
    'WRK-JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, ' ..
    '"read": %%d, "write": %%d, "status": %%d, "timeout": %%d, "mean_us": %%.1f, ' ..
    '"p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "p999_us": %%d, "max_us": %%d, ' ..
    '"late_over_10ms": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max, behind))
end
"""


def wrk_path() -> str | None:
    return shutil.which("wrk")


def write_lua(
    path: Path,
    paths: list[str],
    *,
    rate: float = 0,
    threads: int = 2,
    headers: dict[str, str] | None = None,
) -> Path:
    """A wrk script cycling through ``paths``; paced at ``rate`` requests/s when > 0."""
    quoted = ", ".join(json.dumps(p) for p in paths)
    pairs = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in (headers or {}).items())
    text = _LUA % {
        "paths": quoted,
        "headers": "{" + pairs + "}",
        "rate": repr(float(rate)),
        "threads": threads,
    }
    path.write_text(text)
    return path


@dataclass
class WrkResult:
    report: str  # wrk's own output, as printed
    figures: dict = field(default_factory=dict)
    returncode: int = 0

    @property
    def rate(self) -> float:
        d = self.figures.get("duration_us") or 0
        return self.figures.get("requests", 0) / (d / 1e6) if d else 0.0

    @property
    def errors(self) -> int:
        f = self.figures
        return sum(f.get(k, 0) for k in ("connect", "read", "write", "status", "timeout"))

    def ms(self, key: str) -> float | None:
        value = self.figures.get(key)
        return None if value is None else value / 1000


def run_wrk(
    port: int,
    lua: Path,
    seconds: float,
    connections: int,
    threads: int = 2,
    timeout_s: int = 5,
) -> WrkResult:
    """``wrk --latency`` against ``127.0.0.1:port`` for ``seconds``; its report and figures."""
    exe = wrk_path()
    if exe is None:
        raise RuntimeError("wrk absent: apt-get install -y wrk")
    argv = [
        exe,
        f"-t{threads}",
        f"-c{max(connections, threads)}",
        f"-d{max(1, math.ceil(seconds))}s",
        f"--timeout={timeout_s}s",
        "--latency",
        "-s",
        str(lua),
        f"http://{HOST}:{port}/",
    ]
    proc = subprocess.run(
        argv, capture_output=True, text=True, timeout=seconds + timeout_s + 30, check=False
    )
    figures: dict = {}
    report_lines = []
    for line in proc.stdout.splitlines():
        if line.startswith("WRK-JSON "):
            figures = json.loads(line[len("WRK-JSON ") :])
        else:
            report_lines.append(line)
    report = "\n".join(report_lines)
    if proc.stderr.strip():
        report += "\n" + proc.stderr.strip()
    return WrkResult(report, figures, proc.returncode)


# --- Writes: the clerks' tablets --------------------------------------------------------------


@dataclass
class Sent:
    index: int
    key: str
    status: int | None  # None: no answer (connection error)
    latency_s: float  # from the due time
    service_s: float  # from the moment it was sent
    replay_status: int | None = None
    replay_header: str | None = None
    error: str = ""


@dataclass
class WriteResult:
    offered_rate: float
    planned: int
    window: float = 0.0  # the phase's duration: nothing is sent after it
    seconds: float = 0.0
    unsent: int = 0  # due within the window but not sent before it closed (server behind)
    sent: list[Sent] = field(default_factory=list)

    @property
    def accepted(self) -> list[Sent]:
        return [s for s in self.sent if s.status == 201]

    @property
    def accepted_keys(self) -> list[str]:
        return [s.key for s in self.accepted]

    @property
    def rate(self) -> float:
        """Submissions accepted per second of the window (or of the run, if longer)."""
        span = max(self.seconds, self.window)
        return len(self.accepted) / span if span else 0.0

    def by_status(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.sent:
            k = str(s.status) if s.status is not None else "no answer"
            out[k] = out.get(k, 0) + 1
        return dict(sorted(out.items()))

    @property
    def server_errors(self) -> int:
        n = sum(1 for s in self.sent if s.status is not None and s.status >= 500)
        return n + sum(1 for s in self.sent if (s.replay_status or 0) >= 500)

    @property
    def no_answer(self) -> int:
        return sum(1 for s in self.sent if s.status is None)

    @property
    def replays(self) -> list[Sent]:
        return [s for s in self.sent if s.replay_status is not None]

    @property
    def replays_ok(self) -> int:
        return sum(1 for s in self.replays if s.replay_status == 200 and s.replay_header == "true")

    def percentile(self, q: float, attr: str = "latency_s") -> float | None:
        values = sorted(getattr(s, attr) for s in self.sent if s.status is not None)
        if not values:
            return None
        # Nearest rank: the smallest value with at least q% of the samples at or below it.
        rank = max(1, math.ceil(q / 100 * len(values)))
        return values[rank - 1]


def _post(conn: http.client.HTTPConnection, item: dict) -> tuple[int, str | None]:
    conn.request(
        "POST",
        item["path"],
        body=item["body"].encode(),
        headers={
            "Authorization": "Bearer " + item["token"],
            "Idempotency-Key": item["key"],
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    response = conn.getresponse()
    response.read()
    return response.status, response.getheader("Idempotency-Replayed")


def paced_writes(
    port: int,
    items: list[dict],
    rate: float,
    seconds: float,
    threads: int = 16,
    replay_every: int = 20,
    timeout_s: float = 10.0,
) -> WriteResult:
    """Send ``items`` at ``rate`` per second for at most ``seconds`` (and at most
    ``len(items)`` submissions); return what each got. Bounded: nothing is sent after the
    window closes (what was due but not yet sent is counted in ``unsent``), and each request
    times out after ``timeout_s``."""
    count = min(len(items), int(rate * seconds))
    result = WriteResult(offered_rate=rate, planned=count, window=seconds)
    lock = threading.Lock()
    next_index = [0]
    start = time.perf_counter() + 0.05

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout_s)
        try:
            while True:
                with lock:
                    i = next_index[0]
                    if i >= count:
                        return
                    if time.perf_counter() > start + seconds:
                        result.unsent = count - i
                        next_index[0] = count
                        return
                    next_index[0] += 1
                due = start + i / rate
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                item = items[i]
                sent_at = time.perf_counter()
                sent = Sent(i, item["key"], None, 0.0, 0.0)
                try:
                    sent.status, _ = _post(conn, item)
                except (OSError, http.client.HTTPException) as exc:
                    sent.error = f"{type(exc).__name__}: {exc}"
                    conn.close()
                now = time.perf_counter()
                sent.latency_s, sent.service_s = now - due, now - sent_at
                if replay_every and i % replay_every == replay_every - 1 and sent.status == 201:
                    try:
                        sent.replay_status, sent.replay_header = _post(conn, item)
                    except (OSError, http.client.HTTPException) as exc:
                        sent.error = f"replay {type(exc).__name__}: {exc}"
                        conn.close()
                with lock:
                    result.sent.append(sent)
        finally:
            conn.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=seconds + timeout_s * 3 + 10)
    result.seconds = time.perf_counter() - start
    result.sent.sort(key=lambda s: s.index)
    return result
