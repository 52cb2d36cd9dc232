"""HTTP caching of the public pages: server-side cache, ETag / Last-Modified, 304.

Every public page is a function of (path, language, state of the data). The state is a short
key read in one cheap query and itself reused for a couple of seconds
(``results.round_state``, ``results.catalogue_state``). From it:

* the ETag is computed *before* anything is rendered, so a conditional GET that matches costs
  the state lookup only and answers 304;
* the rendered bytes are kept in Django's cache with the state they show, for
  ``page_seconds()`` (15–30 s); the lead configures the production cache backend;
* a page is rendered again when the state has changed — but at most once every
  ``refresh_seconds()`` (a few seconds): on election night minutes become definitive every
  second, and a heavy page (a communal round, 703 contests) is then recomputed a few times a
  minute, not at every minutes. Until then the previous rendering is served *with its own*
  ETag and Last-Modified, so what a client or a proxy holds is always described truly;
* ``Cache-Control: public, max-age=…``, ``ETag`` and ``Last-Modified`` let a reverse proxy keep
  the page too.

So a page is at most ``state_seconds() + refresh_seconds()`` behind the minutes (7 s by
default), and never block on a data-entry write: it only reads.

Pages carry no per-visitor content (no CSRF token, no message, no session access), so the same
bytes serve everyone who reads in the same language: HTML varies with the language (cookie or
``Accept-Language``), JSON and CSV do not.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from .results import page_seconds

_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


def refresh_seconds() -> float:
    """Shortest interval between two renderings of the same page."""
    return float(getattr(settings, "KALATA_PUBLIC_REFRESH_SECONDS", 5))


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
    entry = cache.get(key) if seconds > 0 else None
    # entry: (state, etag, stamp, headers, content, rendered at)
    if entry is not None and entry[0] != state and time.time() - entry[5] >= refresh:
        entry = None  # the data changed and the rendering is old enough: render again

    if entry is not None:
        _state, etag, stamp = entry[0], entry[1], entry[2]
    else:
        etag = '"' + _digest(path, language, state) + '"'
        stamp = int(last_modified.timestamp()) if last_modified else None

    not_modified = get_conditional_response(request, etag=etag, last_modified=stamp)
    if not_modified is not None:
        return _headers(not_modified, etag, stamp, seconds, per_language)

    if entry is not None:
        response = HttpResponse(entry[4])
        for name, value in entry[3]:
            response[name] = value
        return _headers(response, etag, stamp, seconds, per_language)

    response = build()
    if response.status_code != 200 or response.streaming:
        return response
    if seconds > 0:
        headers = [(h, response[h]) for h in _KEPT_HEADERS if h in response]
        cache.set(key, (state, etag, stamp, headers, response.content, time.time()), seconds)
    return _headers(response, etag, stamp, seconds, per_language)


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
