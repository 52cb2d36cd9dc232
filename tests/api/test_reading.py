"""Reading through the API: public elections, rounds, results and catalogue; the minutes a
user may consult, with blind second entry; the OpenAPI schema and its offline docs page."""

from __future__ import annotations

import re

import pytest

from kalata.law.tally import CHECKS
from kalata.results.tabulation import get_round, tabulate

from .api_fixtures import DAKAR, KATI, KAYES_1, KAYES_2, KAYES_3, ROUND, figures

SHEETS = f"/api/v1/rounds/{ROUND}/sheets"


def detail(world, username, station=KAYES_1):
    response = world.get(f"{SHEETS}/{station}", username)
    assert response.status_code == 200, response.content
    return response.json()


# --- Public ------------------------------------------------------------------------------------


def test_elections_are_public_with_their_rounds(world):
    response = world.get("/api/v1/elections")
    assert response.status_code == 200
    [election] = response.json()
    assert election["code"] == "PRES-2026-04-26"
    assert election["kind_label"] == "Élection du Président de la République"
    assert election["rounds"] == [
        {
            "code": ROUND,
            "number": 1,
            "polling_date": "2026-04-26",
            "status": "counting",
            "status_label": "centralisation en cours",
        }
    ]
    assert response.headers["Cache-Control"] == "public, max-age=30"


def test_round_shows_contests_candidates_and_progress(world):
    world.submit("awa", KAYES_1, figures(), "k-1")
    world.submit("moussa", KAYES_1, figures(), "k-2")
    world.submit("awa", KAYES_2, figures(), "k-3")
    body = world.get(f"/api/v1/rounds/{ROUND}").json()
    assert body["election"] == "PRES-2026-04-26"
    [contest] = body["contests"]
    assert contest["code"] == "NATION"
    assert [s["code"] for s in contest["selections"]] == ["C01", "C02", "C03"]
    progress = contest["progress"]
    assert progress["sheets_expected"] == 5
    assert progress["sheets_received"] == 2
    assert progress["sheets_definitive"] == 1
    assert progress["by_status"]["first_entry"] == 1
    assert progress["by_status"]["expected"] == 3
    assert body["progress"] == progress


def test_unknown_round_is_404_in_french(world):
    response = world.get("/api/v1/rounds/PRES-2031-04-27-T1")
    assert response.status_code == 404
    assert response.json() == {
        "code": "round_unknown",
        "message": "Tour inconnu : « PRES-2031-04-27-T1 ».",
        "articles": [],
        "field": "round_code",
        "details": None,
    }


def test_results_are_public_and_the_same_json_as_the_tabulation(world):
    world.submit("awa", KAYES_1, figures(), "k-1")
    world.submit("moussa", KAYES_1, figures(), "k-2")
    response = world.get(f"/api/v1/rounds/{ROUND}/results", level="region")
    assert response.status_code == 200
    expected = tabulate(get_round(ROUND)).as_dict(levels=("region",))
    assert response.json() == expected
    nation = response.json()["contests"][0]
    assert nation["levels"]["region"][0]["votes"] == {"C01": 150, "C02": 100, "C03": 40}
    assert response.headers["Cache-Control"] == "public, max-age=15"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Cookie" not in response.headers.get("Vary", "")


def test_results_answer_304_when_unchanged(world):
    first = world.get(f"/api/v1/rounds/{ROUND}/results")
    etag = first.headers["ETag"]
    again = world.client.get(f"/api/v1/rounds/{ROUND}/results", headers={"If-None-Match": etag})
    assert again.status_code == 304
    world.submit("awa", KAYES_1, figures(), "k-1")
    world.submit("moussa", KAYES_1, figures(), "k-2")
    changed = world.client.get(f"/api/v1/rounds/{ROUND}/results", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_results_drill_down_by_unit(world):
    world.submit("awa", KAYES_1, figures(), "k-1")
    world.submit("moussa", KAYES_1, figures(), "k-2")
    communes = world.get(f"/api/v1/rounds/{ROUND}/results", level="commune", unit="C0101").json()
    codes = [u["code"] for u in communes["contests"][0]["levels"]["commune"]]
    assert codes == ["CM010101", "CM010102"]  # the communes of the cercle of Kayes
    stations = world.get(f"/api/v1/rounds/{ROUND}/results", level="station", unit="CM010101")
    units = stations.json()["contests"][0]["levels"]["station"]
    assert [(u["code"], u["voters"]) for u in units] == [(KAYES_1, 300), (KAYES_2, 0)]


def test_results_for_an_unknown_unit_or_contest_are_404(world):
    unit = world.get(f"/api/v1/rounds/{ROUND}/results", level="cercle", unit="C9999")
    contest = world.get(f"/api/v1/rounds/{ROUND}/results", contest="C0101")
    assert (unit.status_code, contest.status_code) == (404, 404)
    assert unit.json()["code"] == "unit_unknown"
    assert contest.json()["code"] == "contest_unknown"


def test_results_refuse_an_unknown_level_in_french(world):
    response = world.get(f"/api/v1/rounds/{ROUND}/results", level="village")
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "level"
    assert body["message"].startswith("Requête refusée, paramètre « level » : valeur non admise")


def test_results_are_cached_for_a_few_seconds(world, settings):
    settings.KALATA_API_RESULTS_CACHE_SECONDS = 60
    from django.core.cache import cache

    cache.clear()
    before = world.get(f"/api/v1/rounds/{ROUND}/results").json()
    world.submit("awa", KAYES_1, figures(), "k-1")
    world.submit("moussa", KAYES_1, figures(), "k-2")
    assert world.get(f"/api/v1/rounds/{ROUND}/results").json() == before
    cache.clear()
    assert world.get(f"/api/v1/rounds/{ROUND}/results").json() != before


def test_catalogue_lists_every_code_with_its_articles(world):
    body = world.get("/api/v1/checks/catalogue").json()
    assert [c["code"] for c in body["checks"]] == list(CHECKS)
    e03 = next(c for c in body["checks"] if c["code"] == "E03")
    assert e03 == CHECKS["E03"].as_dict()
    assert body["null_categories"]["blank"] == "bulletins blancs"
    assert body["fields"]["voters"] == "votants (émargements)"


# --- Authentication ----------------------------------------------------------------------------


def test_reading_minutes_requires_a_token(world):
    response = world.get(SHEETS)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "authentication_required"


# --- Which minutes ----------------------------------------------------------------------------


def stations_seen(world, username, **params) -> list[str]:
    response = world.get(SHEETS, username, **params)
    assert response.status_code == 200, response.content
    return [item["station"] for item in response.json()["items"]]


def test_each_user_lists_only_the_minutes_of_their_area(world):
    assert stations_seen(world, "awa") == [KAYES_1, KAYES_2, KAYES_3]
    assert stations_seen(world, "fatou") == [KAYES_1, KAYES_2, KAYES_3]
    assert stations_seen(world, "issa") == [KATI]
    assert stations_seen(world, "aminata") == [DAKAR, KAYES_1, KAYES_2, KAYES_3, KATI]
    assert stations_seen(world, "nobody") == []


def test_minutes_filter_by_status_and_commune_and_paginate(world):
    world.submit("awa", KAYES_2, figures(), "k-1")
    assert stations_seen(world, "awa", status="first_entry") == [KAYES_2]
    assert stations_seen(world, "awa", commune="CM010102") == [KAYES_3]
    page = world.get(SHEETS, "aminata", limit=2, offset=2).json()
    assert (page["count"], page["limit"], page["offset"]) == (5, 2, 2)
    assert [i["station"] for i in page["items"]] == [KAYES_2, KAYES_3]


def test_minutes_of_another_area_are_403(world):
    response = world.get(f"{SHEETS}/{KATI}", "awa")
    assert response.status_code == 403
    assert response.json()["code"] == "role_refused"
    assert response.json()["message"].startswith("Refusé : consulter les procès-verbaux")
    assert world.get(f"{SHEETS}/{KATI}", "issa").status_code == 200


# --- Blind second entry ------------------------------------------------------------------------


def test_second_clerk_does_not_receive_the_first_entry(world):
    world.submit("awa", KAYES_1, figures(), "k-1")
    body = detail(world, "moussa")
    assert body["status"] == "first_entry"
    [entry] = body["entries"]
    assert entry["entered_by"] == "awa"
    assert entry["figures_visible"] is False
    assert entry["figures"] is None
    assert body["figures"] is None
    assert body["allowed"] == {
        "view_minutes": True,
        "enter_minutes": True,
        "resolve_entries": False,
    }


def test_a_clerk_sees_their_own_entry(world):
    world.submit("awa", KAYES_1, figures(), "k-1")
    [entry] = detail(world, "awa")["entries"]
    assert entry["own"] is True
    assert entry["figures"]["votes"] == {"C01": 150, "C02": 100, "C03": 40}


def test_president_sees_both_entries_and_their_differences(world):
    world.submit("awa", KAYES_1, figures(), "k-1")
    world.submit("moussa", KAYES_1, figures(C01=140, C02=110), "k-2")
    body = detail(world, "fatou")
    assert [e["figures"]["votes"]["C01"] for e in body["entries"]] == [150, 140]
    assert body["differences"] == [
        {"field": "votes.C01", "label_fr": "voix de « C01 »", "first": 150, "second": 140},
        {"field": "votes.C02", "label_fr": "voix de « C02 »", "first": 100, "second": 110},
    ]
    clerk = detail(world, "awa")
    assert [e["figures_visible"] for e in clerk["entries"]] == [True, False]
    assert clerk["differences"] is None


def test_a_supervisor_who_does_not_enter_sees_the_entries(world):
    world.submit("awa", KAYES_1, figures(), "k-1")
    [entry] = detail(world, "aminata")["entries"]
    assert entry["figures_visible"] is True


def test_definitive_figures_are_shown_to_every_reader_of_the_area(world):
    world.submit("awa", KAYES_1, figures(), "k-1")
    world.submit("moussa", KAYES_1, figures(), "k-2")
    body = detail(world, "awa")
    assert body["status"] == "definitive"
    assert body["figures"]["valid_votes"] == 290
    assert body["checks"]["blocking"] is False
    assert [e["figures_visible"] for e in body["entries"]] == [True, False]


def test_check_codes_are_shown_without_the_figures(world):
    world.submit("awa", KAYES_1, figures(envelopes=301), "k-1")
    [entry] = detail(world, "moussa")["entries"]
    assert entry["check_codes"] == ["W01"]
    assert entry["figures"] is None


# --- The schema and its documentation ----------------------------------------------------------


def test_openapi_schema_at_a_stable_url_in_french(world):
    response = world.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["version"] == "1"
    paths = schema["paths"]
    assert set(paths) == {
        "/api/v1/elections",
        "/api/v1/rounds/{round_code}",
        "/api/v1/rounds/{round_code}/results",
        "/api/v1/rounds/{round_code}/sheets",
        "/api/v1/rounds/{round_code}/sheets/{station_code}",
        "/api/v1/rounds/{round_code}/sheets/{station_code}/entries",
        "/api/v1/checks",
        "/api/v1/checks/catalogue",
    }
    submit = paths["/api/v1/rounds/{round_code}/sheets/{station_code}/entries"]["post"]
    assert submit["summary"] == "Saisir un procès-verbal (idempotent)"
    assert "Idempotent" in submit["description"]
    assert submit["security"] == [{"BearerToken": []}]
    assert "security" not in paths["/api/v1/rounds/{round_code}/results"]["get"]


def test_docs_page_loads_nothing_from_another_host(world):
    page = world.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(url.startswith("/api/v1/docs/assets/") for url in urls)
    for url in urls:
        asset = world.client.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["Cache-Control"] == "public, max-age=86400"
        b"".join(asset.streaming_content)


@pytest.mark.parametrize("name", ["redoc.standalone.js", "..%2F__init__.py", "swagger.html"])
def test_docs_assets_are_an_allow_list(world, name):
    assert world.client.get(f"/api/v1/docs/assets/{name}").status_code == 404
