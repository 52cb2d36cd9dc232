"""HTTP caching of the public pages: a shared cache, a per-process copy, ETag / Last-Modified, 304.

Every public page is a function of (path, language, state of the data). The state is a short
key read in one cheap query and itself reused for a couple of seconds by every worker
(``results.round_state``, ``results.catalogue_state``, kept in the shared cache). From it:

* the ETag is computed *before* anything is rendered, so a conditional GET that matches costs
  the state lookup only and answers 304;
* the rendered bytes are kept in Django's default cache with the state they show, for
  ``page_seconds()`` (15–30 s). In production that cache is shared by every worker of the
  machine (``KALATA_CACHE``, ``kalata/settings.py``: a file cache by default), so a page is
  rendered **once for all workers** per change of the data: the worker that renders holds a
  short lease in the cache (``cache.add``); the others serve the previous rendering meanwhile,
  or wait for the first one;
* a page is rendered again when the state has changed — but at most once every
  ``refresh_seconds()`` (a few seconds): on election night minutes become definitive every
  second, and a heavy page (a communal round, 703 contests) is then recomputed a few times a
  minute, not at every minutes. Until then the previous rendering is served *with its own*
  ETag and Last-Modified, so what a client or a proxy holds is always described truly;
* each worker also keeps the final response (bytes and headers) in its own memory
  (``PageMemory``) until the moment the rules above would have it checked again: until
  ``refresh_seconds()`` after the state was last found unchanged, after it was rendered, or one
  second while another worker renders it. ``kalata.public.middleware.CachedPageMiddleware``, the
  first middleware, answers from that copy before any other middleware, URL resolution or
  query runs — about the cost of a static file;
* ``Cache-Control: public, max-age=…``, ``ETag`` and ``Last-Modified`` let a reverse proxy keep
  the page too.

So a page is at most ``state_seconds() + refresh_seconds()`` behind the minutes (7 s by
default), plus the time its new rendering takes when another worker is at it (a second or two
for the national page), and never blocks on a data-entry write: it only reads.

Pages carry no per-visitor content (no CSRF token, no message, no session access), so the same
bytes serve everyone who reads in the same language: HTML varies with the language (the
language cookie), JSON and CSV do not.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language

from .results import page_seconds

logger = logging.getLogger(__name__)

_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
# A worker renders a page under a lease kept in the shared cache; if it dies, another one takes
# over after this long (the NIST export of a national election: 10 times longer).
LEASE_SECONDS = 30
# While another worker renders a page: how long this one waits for a first rendering (then it
# renders it itself), and for how long it serves the previous rendering before looking again.
WAIT_SECONDS = 15
BUSY_SECONDS = 1.0
# The attribute of a response that ``PageMemory`` may keep, and until when (``time.time()``).
FRESH_UNTIL = "kalata_fresh_until"


def refresh_seconds() -> float:
    """Shortest interval between two renderings of the same page."""
    return float(getattr(settings, "KALATA_PUBLIC_REFRESH_SECONDS", 5))


def background() -> bool:
    """Render a page again in the background (serving the previous rendering meanwhile)."""
    return bool(getattr(settings, "KALATA_PUBLIC_BACKGROUND_RENDER", True))


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:40]


def serve(
    request: HttpRequest,
    state: str,
    last_modified: datetime | None,
    build: Callable[[], HttpResponse],
    *,
    per_language: bool = True,
    heavy: bool = False,
) -> HttpResponse:
    """Answer ``request`` with a 304, from the cache, or by calling ``build`` (then cached).

    ``state`` is the key of the data the page shows; ``per_language`` for HTML pages;
    ``heavy`` for a document that takes seconds to build (the NIST export of a national
    election): kept 15 times longer and rebuilt at most every 12 refresh intervals (a minute).
    """
    language = get_language() if per_language else "-"
    # The path without the query string: no public page reads one, and a query string must
    # not be a way to make the server render a page again.
    path = request.path
    seconds = page_seconds() * (15 if heavy else 1)
    refresh = refresh_seconds() * (12 if heavy else 1)
    key = "kalata.public.page:" + _digest(path, language)
    lease = key + ":lease"
    leased = False
    now = time.time()
    entry = cache.get(key) if seconds > 0 else None
    # entry: (state, etag, stamp, headers, content, rendered at)
    if seconds > 0 and (entry is None or (entry[0] != state and now - entry[5] >= refresh)):
        # No rendering yet, or the data changed and the rendering is old enough: render (again),
        # once for all the workers. If another worker is at it, serve its previous rendering
        # meanwhile, or wait for its first one.
        leased = cache.add(lease, state, LEASE_SECONDS * (10 if heavy else 1))
        if leased and entry is not None and background():
            # Readers get the previous rendering at once; this worker's renderer thread
            # makes the new one (no reader waits for it, no request thread is held by it).
            etag = '"' + _digest(path, language, state) + '"'
            stamp = int(last_modified.timestamp()) if last_modified else None
            renderer.submit(_render_job(build, key, lease, (state, etag, stamp), seconds))
            leased = False
        elif leased:
            entry = None
        elif entry is None:
            entry = _wait_for(key, lease, WAIT_SECONDS * (10 if heavy else 1))

    if entry is not None:
        _state, etag, stamp = entry[0], entry[1], entry[2]
        if entry[0] == state:  # the data are unchanged: check again in ``refresh`` seconds
            until = now + refresh
        else:  # rendered less than ``refresh`` ago, or being rendered again by another worker
            until = max(entry[5] + refresh, now + min(refresh, BUSY_SECONDS))
    else:
        etag = '"' + _digest(path, language, state) + '"'
        stamp = int(last_modified.timestamp()) if last_modified else None
        until = now + refresh

    not_modified = get_conditional_response(request, etag=etag, last_modified=stamp)
    if not_modified is not None:
        if leased:
            cache.delete(lease)
        return _headers(not_modified, etag, stamp, seconds, per_language)

    if entry is not None:
        response = HttpResponse(entry[4])
        for name, value in entry[3]:
            response[name] = value
        return _fresh(_headers(response, etag, stamp, seconds, per_language), until, seconds)

    try:
        response = build()
        if response.status_code != 200 or response.streaming:
            return response
        if seconds > 0:
            _store(key, state, etag, stamp, response, now, seconds)
    finally:
        if leased:
            cache.delete(lease)
    return _fresh(_headers(response, etag, stamp, seconds, per_language), until, seconds)


def _store(key, state, etag, stamp, response: HttpResponse, at: float, seconds: int) -> None:
    # Kept three lifetimes: while its next rendering is being made, readers get this one.
    headers = [(h, response[h]) for h in _KEPT_HEADERS if h in response]
    cache.set(key, (state, etag, stamp, headers, response.content, at), 3 * seconds)


def _render_job(build, key, lease, version, seconds) -> Callable[[], None]:
    """Render a page again and store it, in the renderer thread, in the reader's language;
    ``version``: the ``(state, etag, stamp)`` it shows."""
    language = get_language()
    state, etag, stamp = version

    def job() -> None:
        at = time.time()
        try:
            with translation.override(language):
                response = build()
            if response.status_code == 200 and not response.streaming:
                _store(key, state, etag, stamp, response, at, seconds)
        finally:
            cache.delete(lease)

    return job


class Renderer:
    """One thread per process that renders pages again, one at a time, in the background.

    Started on first use in each process (gunicorn forks its workers after importing the
    application); a job that fails is logged and its lease released, so the next request after
    it tries again."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        self.pid = 0

    def submit(self, job: Callable[[], None]) -> None:
        with self.lock:
            if self.pid != os.getpid() or self.thread is None or not self.thread.is_alive():
                self.pid = os.getpid()
                self.queue = queue.SimpleQueue()
                self.thread = threading.Thread(
                    target=self._run, args=(self.queue,), name="kalata-public-render", daemon=True
                )
                self.thread.start()
            self.queue.put(job)

    @staticmethod
    def _run(jobs: queue.SimpleQueue) -> None:
        while True:
            job = jobs.get()
            try:
                job()
            except Exception:  # noqa: BLE001 - logged; the lease is released, a reader retries
                logger.exception("kalata.public: rendering a page again failed")
            finally:
                # No connection left open by this thread between renderings (a few a minute).
                connections.close_all()

    def idle(self, timeout: float = 30) -> bool:
        """Wait until every job submitted so far is done (tests)."""
        done = threading.Event()
        with self.lock:
            running = self.thread is not None and self.thread.is_alive()
        if not running:
            return True
        self.submit(done.set)
        return done.wait(timeout)


renderer = Renderer()


def _wait_for(key: str, lease: str, limit: float):
    """The entry another worker is rendering, once it is there (or None: render it here)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        time.sleep(0.05)
        entry = cache.get(key)
        if entry is not None:
            return entry
        if not cache.has_key(lease):  # it gave up (an error): render it here
            return None
    return None


def _fresh(response: HttpResponse, until: float, seconds: int) -> HttpResponse:
    """Mark ``response`` as reusable as it is, for every reader of its language, until
    ``until`` (``PageMemory``)."""
    if seconds > 0 and until > time.time():
        setattr(response, FRESH_UNTIL, until)
    return response


def _headers(
    response: HttpResponse, etag: str, stamp: int | None, seconds: int, per_language: bool
) -> HttpResponse:
    response["ETag"] = etag
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = f"public, max-age={max(seconds, 0)}"
    if per_language:
        # The language comes from the cookie set by the FR/EN switch or Accept-Language.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


# --------------------------------------------------------------------------------------------
# The per-process copy of the final responses (served by ``CachedPageMiddleware``)


class PageMemory:
    """The final responses of public pages (status 200, headers as sent, bytes), by (path,
    language), each until the moment ``serve`` would check it again. Bounded in entries and
    bytes (oldest first out); thread-safe (one dict read per hit)."""

    def __init__(self, max_entries: int = 2000, max_bytes: int = 128 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.items: OrderedDict[tuple[str, str], tuple] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, path: str, language: str):
        """``(until, etag, stamp, headers, content)``, or None when absent or due for a check."""
        entry = self.items.get((path, language))
        if entry is None or entry[0] <= time.time():
            return None
        return entry

    def keep(self, path: str, language: str, response: HttpResponse) -> bool:
        until = getattr(response, FRESH_UNTIL, None)
        if (
            until is None
            or until <= time.time()
            or response.status_code != 200
            or response.streaming
            or response.cookies
            or "Set-Cookie" in response
        ):
            return False
        content = response.content
        headers = tuple(response.items())
        entry = (until, response.get("ETag"), response.get("Last-Modified"), headers, content)
        with self.lock:
            old = self.items.pop((path, language), None)
            if old is not None:
                self.size -= len(old[4])
            self.items[(path, language)] = entry
            self.size += len(content)
            while self.items and (len(self.items) > self.max_entries or self.size > self.max_bytes):
                _key, dropped = self.items.popitem(last=False)
                self.size -= len(dropped[4])
        return True

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


memory = PageMemory()


def answer(request: HttpRequest, entry: tuple) -> HttpResponse:
    """The response of a ``PageMemory`` entry: the same bytes and headers, or a 304 to a
    conditional GET that matches it (what ``serve`` would answer)."""
    _until, etag, modified, headers, content = entry
    meta = request.META
    if "HTTP_IF_NONE_MATCH" in meta or "HTTP_IF_MODIFIED_SINCE" in meta:
        stamp = parse_http_date_safe(modified) if modified else None
        if get_conditional_response(request, etag=etag, last_modified=stamp) is not None:
            response = HttpResponseNotModified()
            for name, value in headers:
                if name not in ("Content-Type", "Content-Length", "Content-Disposition"):
                    response[name] = value
            return response
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


def forget_pages() -> None:
    """Empty this process's copy of the pages (tests; a change of settings)."""
    memory.clear()


def _settings_changed(setting: str, **kwargs) -> None:
    if setting == "CACHES" or setting.startswith("KALATA_PUBLIC_"):
        memory.clear()


setting_changed.connect(_settings_changed)
