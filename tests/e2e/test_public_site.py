"""The public results site in a real browser: drilling down by clicking from the list of
elections to one polling station, and the JSON behind a table."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.world import GAO, GAO_FIGURES, fr_int

pytestmark = pytest.mark.django_db(transaction=True)


def units_link(page, code: str):
    """The link of a unit in the table of the units below the page's unit."""
    return page.locator(f"table.units tr[data-code='{code}'] th a")


def test_drill_down_from_the_nation_to_a_polling_station_and_json_of_a_table(
    world, live_server, page, screenshot
):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=world.election.title).click()
    page.locator("main").get_by_role("link", name="Tour 1", exact=True).click()
    expect(page.locator("h1")).to_contain_text("tour 1")
    page.locator("p.cta a").click()  # "Résultats détaillés : Territoire national"
    expect(page.locator("h1")).to_have_text("Territoire national")

    steps = [("R07", "Région de Gao"), ("C0701", "Cercle de Gao"), ("CM070107", "Gao")]
    for code, heading in steps:
        units_link(page, code).click()
        expect(page.locator("h1")).to_have_text(heading)
        expect(page.locator("dl.figures dd[data-field='valid_votes']")).to_have_text(
            fr_int(GAO_FIGURES["valid_votes"])
        )
    screenshot("20-public-commune-gao")

    # The JSON of the commune's table of polling stations.
    with page.expect_response(lambda r: r.url.endswith("/commune/CM070107.json")) as info:
        page.locator("p.downloads").get_by_role("link", name="JSON", exact=True).click()
    response = info.value
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    payload = response.json()
    assert payload["level"] == "commune"
    assert payload["unit"]["code"] == "CM070107"
    assert [c["code"] for c in payload["children"]] == [GAO]
    assert payload["children"][0]["votes"] == GAO_FIGURES["votes"]
    assert payload["children"][0]["state"] == "definitive"
    page.go_back()
    expect(page.locator("h1")).to_have_text("Gao")

    units_link(page, GAO).click()
    expect(page.locator("h1")).to_contain_text(f"Bureau de vote {GAO}")
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "definitive")
    for code, votes in GAO_FIGURES["votes"].items():
        cell = page.locator(f"table.selections tr[data-code='{code}'] td[data-field='votes']")
        expect(cell).to_have_text(fr_int(votes))
    breadcrumb = page.locator("nav.breadcrumb")
    for name in ("Territoire national", "Région de Gao", "Cercle de Gao"):
        expect(breadcrumb).to_contain_text(name)
    screenshot("21-public-bureau-gao")
