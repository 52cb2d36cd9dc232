"""Cheap to serve on election night: constant queries, cache, ETag / Last-Modified, 304, reads
only (never a lock that would wait for a data-entry write)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from kalata.public.results import clear_memory
from tests.public.scenario import ELECTORS, build_presidential, complete

pytestmark = pytest.mark.django_db


def count_queries(url: str) -> int:
    cache.clear()
    clear_memory()
    with CaptureQueriesContext(connection) as ctx:
        response = Client().get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_the_national_page_queries_do_not_grow_with_the_number_of_stations(pres):
    bigger = build_presidential(date(2031, 4, 27), {code: n * 3 for code, n in ELECTORS.items()})
    assert bigger.round.sheets.count() > 2 * pres.round.sheets.count()
    for suffix in ("NATION/", "NATION.json", "NATION.csv", "NATION/region/R01/", "", ".json"):
        small = count_queries(pres.base + suffix if suffix != ".json" else pres.base[:-1] + suffix)
        large = count_queries(
            bigger.base + suffix if suffix != ".json" else bigger.base[:-1] + suffix
        )
        assert small == large, suffix
        assert small <= 16, (suffix, small)


def test_conditional_get_answers_304_from_the_state_alone(pres):
    client = Client()
    url = pres.base + "NATION/"
    first = client.get(url)
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=20"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in first["Vary"].split(",")}
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert len(ctx.captured_queries) <= 1  # the round's state
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304

    complete(pres)  # two more minutes become definitive
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_data_files_do_not_vary_with_the_reader(pres):
    client = Client()
    for url in (pres.base + "NATION.json", pres.base + "NATION.csv"):
        response = client.get(url)
        assert "Cookie" not in response.get("Vary", "")
        assert response["Cache-Control"].startswith("public, max-age=")
        assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(pres.base + "NATION.csv")["Content-Type"] == "text/csv; charset=utf-8"


def test_a_cached_page_is_served_without_any_query(pres):
    with override_settings(KALATA_PUBLIC_STATE_SECONDS=30):
        client = Client()
        url = pres.base + "NATION/region/R01/"
        first = client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            second = client.get(url)
        assert second.content == first.content
        assert len(ctx.captured_queries) == 0
        # The other pages of the contest reuse the computed contest (no new tabulation).
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(pres.base + "NATION/region/R02/").status_code == 200
        assert not any("GROUP BY" in q["sql"] for q in ctx.captured_queries)


def test_public_pages_only_read_and_never_lock(pres):
    client = Client()
    urls = [
        "/",
        "/scrutins.json",
        f"/scrutins/{pres.election.code}/",
        pres.base,
        pres.base + "NATION/",
        pres.base + "NATION.csv",
        pres.base + "NATION/cercle/C0101/",
        pres.base + "NATION/commune/CM010101/",
        pres.base + "NATION/bureau/CM010101-BV001/",
        pres.base + "carte/cercles/tete/",
    ]
    with CaptureQueriesContext(connection) as ctx:
        for url in urls:
            assert client.get(url).status_code == 200
    for query in ctx.captured_queries:
        sql = query["sql"].lstrip().upper()
        assert sql.startswith("SELECT"), sql[:80]
        assert "FOR UPDATE" not in sql


def test_a_page_is_rendered_again_at_most_once_per_refresh_interval(pres):
    client = Client()
    url = pres.base + "NATION.json"
    with override_settings(KALATA_PUBLIC_REFRESH_SECONDS=3600):
        first = client.get(url)
        complete(pres)  # the data change…
        again = client.get(url)
        # …but the page was rendered less than the interval ago: the same bytes, and the
        # ETag of the data they show (a conditional GET with it is still answered 304).
        assert again.content == first.content and again["ETag"] == first["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with override_settings(KALATA_PUBLIC_REFRESH_SECONDS=0):
        fresh = client.get(url)
        assert fresh["ETag"] != first["ETag"]
        assert fresh.json()["unit"]["progress"]["sheets_pending"] == 0


def test_a_query_string_neither_changes_nor_renders_the_page_again(pres):
    client = Client()
    url = pres.base + "NATION/"
    first = client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        other = client.get(url + "?x=<script>")
    assert other.content == first.content
    assert len(ctx.captured_queries) <= 1  # the round's state only
    assert b"?x=" not in other.content and b"&lt;script" not in other.content
