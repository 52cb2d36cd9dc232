"""A clerk of another cercle, in a real browser: the Kidal station is not in his work queue,
and its entry form, typed in the address bar, answers the French 403 page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.world import KIDAL, TIN_ESSAKO, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_clerk_of_another_cercle_gets_the_french_403_page(world, live_server, page, screenshot):
    base = live_server.url
    login(page, base, "agent-tin")
    page.goto(base + world.commission("queue"))
    queue = page.locator("table.queue")
    expect(queue.get_by_role("link", name=TIN_ESSAKO, exact=True)).to_be_visible()
    expect(queue.get_by_role("link", name=KIDAL, exact=True)).to_have_count(0)

    response = page.goto(base + world.commission("entry", KIDAL))
    assert response.status == 403
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    refusal = page.locator(".refusal")
    expect(refusal).to_have_attribute("role", "alert")
    # The reason names the action, the clerk's area and the station outside it.
    expect(refusal).to_contain_text("saisir les procès-verbaux")
    expect(refusal).to_contain_text("« cercle de Tin-Essako »")
    expect(refusal).to_contain_text(f"{KIDAL} (commune de Kidal) est hors de ce ressort")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#pv-form")).to_have_count(0)
    screenshot("30-acces-refuse-autre-cercle")
