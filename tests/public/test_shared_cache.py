"""Election night with several workers: one computation per key, pages shared by the workers
through the cache, a per-worker copy answered before the middleware stack — and never a page of
another language, of another reader, or older than the documented refresh."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from kalata.public import caching
from kalata.public.results import _Memo, clear_memory
from tests.public.scenario import complete

# --------------------------------------------------------------------------------------------
# One computation per key (no database: the memo itself, with real threads)


def test_concurrent_threads_compute_a_key_once_and_share_the_result():
    memo = _Memo()
    calls = []
    started = threading.Event()

    def compute():
        calls.append(threading.get_ident())
        started.set()
        time.sleep(0.2)  # a long computation: the other threads arrive meanwhile
        return {"national": len(calls)}

    results = []

    def ask():
        results.append(memo.get(("contest", "state-1", "NATION"), compute))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert len(calls) == 1
    assert len(results) == 8 and all(r is results[0] for r in results)
    # Another state is another key: computed again, once.
    assert memo.get(("contest", "state-2", "NATION"), compute) == {"national": 2}
    assert len(calls) == 2


def test_a_failed_computation_is_not_kept_and_a_waiting_thread_computes_it():
    memo = _Memo()
    attempts = []
    first_running = threading.Event()

    def compute():
        attempts.append(1)
        if len(attempts) == 1:
            first_running.set()
            time.sleep(0.1)
            raise RuntimeError("database gone")
        return "ok"

    errors, results = [], []

    def ask():
        try:
            results.append(memo.get(("k",), compute))
        except RuntimeError as exc:
            errors.append(exc)

    first = threading.Thread(target=ask)
    first.start()
    first_running.wait(5)
    second = threading.Thread(target=ask)
    second.start()
    first.join(5)
    second.join(5)
    assert len(errors) == 1 and results == ["ok"]
    assert len(attempts) == 2
    assert not memo.pending  # nothing left behind


# --------------------------------------------------------------------------------------------
# The shared cache: pages rendered once for all the workers


@pytest.fixture
def shared(tmp_path):
    """The production cache (Django's file cache, as ``KALATA_CACHE=file``): what one worker
    stores, the others read. ``another_worker()`` forgets what a process keeps in memory."""
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    with override_settings(CACHES=caches):
        cache.clear()
        clear_memory()
        yield
        cache.clear()


def another_worker() -> None:
    clear_memory()  # its own computed contests and its own copy of the pages: none


def heavy(queries) -> list[str]:
    """The queries other than the round's state (``read_round_state``): computing figures."""
    return [q["sql"] for q in queries if '"n_expected"' not in q["sql"]]


def test_a_page_rendered_by_one_worker_is_served_by_the_others_without_rendering(pres, shared):
    url = pres.base + "NATION/region/R01/"
    first = Client().get(url)
    assert first.status_code == 200
    another_worker()
    with CaptureQueriesContext(connection) as ctx:
        second = Client().get(url)
    assert second.content == first.content and second["ETag"] == first["ETag"]
    # The state of the round, nothing else: neither the contest nor the page computed again.
    assert len(ctx.captured_queries) <= 1, [q["sql"][:80] for q in ctx.captured_queries]


def test_a_new_definitive_sheet_shows_up_for_every_worker(pres, shared):
    url = pres.base + "NATION.json"
    before = Client().get(url).json()
    assert before["unit"]["progress"]["sheets_pending"] == 2
    complete(pres)  # two more minutes become definitive
    for _worker in range(2):
        another_worker()
        after = Client().get(url)
        assert after.json()["unit"]["progress"]["sheets_pending"] == 0
    assert after.json()["unit"]["voters"] > before["unit"]["voters"]


def test_while_another_worker_renders_the_previous_rendering_is_served(pres, shared):
    url = pres.base + "NATION.json"
    old = Client().get(url)
    complete(pres)
    # Another worker holds the lease of this page: it is rendering the new figures.
    key = "kalata.public.page:" + caching._digest(url, "-")
    assert cache.add(key + ":lease", "other", 30)
    another_worker()
    meanwhile = Client().get(url)
    assert meanwhile.content == old.content and meanwhile["ETag"] == old["ETag"]
    cache.delete(key + ":lease")  # it is done (or gone): the next request renders the new one
    another_worker()
    new = Client().get(url)
    assert new["ETag"] != old["ETag"]
    assert new.json()["unit"]["progress"]["sheets_pending"] == 0


def test_the_first_rendering_is_awaited_when_another_worker_is_at_it(pres, shared, monkeypatch):
    url = pres.base + "NATION.json"
    key = "kalata.public.page:" + caching._digest(url, "-")
    assert cache.add(key + ":lease", "other", 30)
    monkeypatch.setattr(caching, "WAIT_SECONDS", 0.3)
    # Nobody finishes it: after the wait, the worker renders it itself (and answers).
    started = time.monotonic()
    response = Client().get(url)
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3
    assert response.json()["unit"]["progress"]["sheets_pending"] == 2


# --------------------------------------------------------------------------------------------
# The per-worker copy, answered before the middleware stack


@pytest.fixture
def fast(pres):
    """Pages kept a little while: the state reused 30 s, a page checked again after 30 s."""
    with override_settings(KALATA_PUBLIC_STATE_SECONDS=30, KALATA_PUBLIC_REFRESH_SECONDS=30):
        clear_memory()
        yield pres


def test_a_page_is_answered_from_memory_with_the_same_bytes_and_headers(fast):
    client = Client()
    url = fast.base + "NATION/"
    first = client.get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url)
    assert len(ctx.captured_queries) == 0
    assert second.content == first.content
    assert dict(second.items()) == dict(first.items())
    for header in ("X-Frame-Options", "X-Content-Type-Options", "ETag", "Cache-Control", "Vary"):
        assert second[header] == first[header]
    # A conditional GET matching it: 304 from memory, no query either.
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and len(ctx.captured_queries) == 0


def test_language_variants_are_never_mixed(fast):
    url = fast.base + "NATION/"
    french, english = Client(), Client()
    english.cookies["django_language"] = "en"
    fr_first, en_first = french.get(url), english.get(url)
    assert fr_first["Content-Language"] == "fr" and en_first["Content-Language"] == "en"
    assert fr_first.content != en_first.content
    for _ in range(2):  # now from memory, each its own
        fr, en = french.get(url), english.get(url)
        assert fr.content == fr_first.content and fr["Content-Language"] == "fr"
        assert en.content == en_first.content and en["Content-Language"] == "en"
    # An unknown language is French (as FrenchFirstLocaleMiddleware decides).
    other = Client()
    other.cookies["django_language"] = "de"
    assert other.get(url).content == fr_first.content


def test_a_signed_in_member_is_never_served_nor_kept_from_memory(fast, django_user_model):
    url = fast.base + "NATION/region/R01/"
    member = django_user_model.objects.create_user("clerk.kayes", password="x-Long-Passw0rd")
    client = Client()
    client.force_login(member)
    signed_in = client.get(url)
    assert signed_in.status_code == 200
    assert b"clerk.kayes" not in signed_in.content
    assert caching.memory.get(url, "fr") is None  # not kept from a request with a session
    public = Client().get(url)
    entry = caching.memory.get(url, "fr")
    assert entry is not None and entry[4] == public.content
    assert b"clerk.kayes" not in entry[4]
    assert not any(name.lower() == "set-cookie" for name, _ in entry[3])
    # The member's request still goes through the session (not answered from memory).
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert any("django_session" in q["sql"] for q in ctx.captured_queries)


def test_memory_is_kept_only_until_the_documented_refresh(pres):
    url = pres.base + "NATION.json"
    with override_settings(KALATA_PUBLIC_STATE_SECONDS=0, KALATA_PUBLIC_REFRESH_SECONDS=1):
        client = Client()
        first = client.get(url)
        complete(pres)
        # Within the refresh interval: the same answer (the documented delay)…
        assert client.get(url).content == first.content
        time.sleep(1.1)
        # …and no longer after it.
        later = client.get(url)
        assert later.json()["unit"]["progress"]["sheets_pending"] == 0
        assert later["ETag"] != first["ETag"]


def test_requests_the_stack_would_refuse_or_redirect_are_not_answered_from_memory(fast):
    url = fast.base + "NATION/"
    assert Client().get(url).status_code == 200
    assert caching.memory.get(url, "fr") is not None
    assert Client().get(url, HTTP_HOST="evil.example").status_code == 400
    with override_settings(SECURE_SSL_REDIRECT=True):
        redirected = Client().get(url)
        assert redirected.status_code == 301
        assert redirected["Location"].startswith("https://")
    head = Client().head(url)
    assert head.status_code == 200 and head.content == b""


def test_only_public_pages_are_kept(fast, django_user_model):
    # The language switch sets a cookie; the commission's pages are not public: never kept.
    Client().get("/langue/en/?suivant=/")
    Client().get("/commission/")
    assert not any(
        path.startswith(("/langue/", "/commission/")) for path, _ in caching.memory.items
    )


# --------------------------------------------------------------------------------------------
# Rendering again in the background: readers get the previous page at once, never wait


@pytest.mark.django_db(transaction=True)
def test_a_changed_page_is_rendered_again_in_the_background_and_then_served(territory, shared):
    from tests.public.scenario import build_presidential

    pres = build_presidential()
    url = pres.base + "NATION.json"
    with override_settings(KALATA_PUBLIC_BACKGROUND_RENDER=True):
        old = Client().get(url)
        assert old.json()["unit"]["progress"]["sheets_pending"] == 2
        complete(pres)
        another_worker()
        with CaptureQueriesContext(connection) as ctx:
            meanwhile = Client().get(url)
        # The previous rendering, at once, with its own ETag; the contest is not computed in
        # the request's thread.
        assert meanwhile.content == old.content and meanwhile["ETag"] == old["ETag"]
        assert not heavy(ctx.captured_queries)
        assert caching.renderer.idle(30)
        another_worker()
        new = Client().get(url)
        assert new["ETag"] != old["ETag"]
        assert new.json()["unit"]["progress"]["sheets_pending"] == 0
