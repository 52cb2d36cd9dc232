"""The night of the count in a real browser: clerk A enters the minutes of a Kidal polling
station, clerk B's blind second entry differs by one candidate's votes, the president of the
commission resolves the difference, and the public national page shows the new totals while the
Région de Kidal takes the colour of its leader on the map.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kalata.public.colours import NO_DATA
from kalata.results.models import TallySheet
from tests.e2e.world import GAO_FIGURES, KIDAL, fr_int, login, logout, type_line

pytestmark = pytest.mark.django_db(transaction=True)

# The paper minutes of the Kidal station (650 registered): consistent, no warning.
PAPER = {
    "registered": 650,
    "voters": 487,
    "envelopes": 487,
    "null_ballots": 14,
    "valid_votes": 473,
    "votes": {"C01": 118, "C02": 96, "C03": 259},
}
B_TYPO = "295"  # clerk B reads 259 as 295 for C03


def keyboard_entry(page, figures: dict, *, c03: str) -> None:
    """Type the minutes with the keyboard alone, Tab from field to field, paper order."""
    type_line(page, "registered", str(figures["registered"]))
    type_line(page, "voters", str(figures["voters"]))
    type_line(page, "proxies_used", "")
    type_line(page, "envelopes", str(figures["envelopes"]))
    type_line(page, "null_ballots", str(figures["null_ballots"]))
    type_line(page, "valid_votes", str(figures["valid_votes"]))
    type_line(page, "votes.C01", str(figures["votes"]["C01"]))
    type_line(page, "votes.C02", str(figures["votes"]["C02"]))
    type_line(page, "votes.C03", c03)
    type_line(page, "members_present", "5")
    type_line(page, "refusals_to_sign", "0")
    type_line(page, "observations", "RAS")


def region_path(page, shape: str):
    return page.locator(f"#carte-regions path[data-shape='{shape}']")


def swatch(page, code: str) -> str:
    """The colour of a candidate, as the table of the national page shows it."""
    style = page.locator(f"table.selections tr[data-code='{code}'] .swatch").get_attribute("style")
    return style.split("background:", 1)[1].strip().rstrip(";")


def votes_cell(page, code: str):
    return page.locator(f"table.selections tr[data-code='{code}'] td[data-field='votes']")


def figure(page, name: str):
    return page.locator(f"dl.figures dd[data-field='{name}']")


def test_second_entry_differs_president_resolves_public_totals_and_map_change(
    world, live_server, page, screenshot
):
    base = live_server.url
    checks = page.locator("#checks-list")

    # ---- Clerk A: first entry, typed with the keyboard, live checks ------------------------
    login(page, base, "agent-a")
    page.locator("main").get_by_role("link", name=world.round.code, exact=True).click()
    row = page.locator("table.queue tr", has=page.get_by_role("link", name=KIDAL, exact=True))
    expect(row.locator(".badge").first).to_have_text("attendu")
    row.get_by_role("link", name="Saisir").click()
    expect(page.get_by_role("heading", name=f"Première saisie — bureau {KIDAL}")).to_be_visible()
    expect(page.locator("#f-registered")).to_be_focused()  # autofocus: typing starts at once

    type_line(page, "registered", "650")
    type_line(page, "voters", "487")
    type_line(page, "proxies_used", "")
    type_line(page, "envelopes", "487")
    type_line(page, "null_ballots", "14")
    type_line(page, "valid_votes", "437", tab=False)  # a slip of the finger: 14 + 437 ≠ 487
    expect(checks).to_contain_text("E03")
    expect(page.locator("#f-valid_votes")).to_have_attribute("aria-invalid", "true")
    screenshot("01-saisie-agent-a-erreur-E03")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.type("73")
    expect(checks).not_to_contain_text("E03")
    expect(page.locator("#f-valid_votes")).not_to_have_attribute("aria-invalid", "true")
    page.keyboard.press("Tab")
    if page.evaluate("document.activeElement.tagName") == "SUMMARY":
        page.keyboard.press("Tab")
    type_line(page, "votes.C01", "118")
    type_line(page, "votes.C02", "96")
    type_line(page, "votes.C03", "259")
    type_line(page, "members_present", "5")
    type_line(page, "refusals_to_sign", "0")
    type_line(page, "observations", "RAS")
    submit = page.get_by_role("button", name="Enregistrer la 1re saisie")
    expect(submit).to_be_focused()
    # The server's report (the authority) replaces the browser's: nothing to flag.
    expect(page.locator("#checks-source")).to_have_text("Contrôles du serveur (font foi).")
    expect(checks).to_have_text("Aucune erreur ni aucun avertissement.")
    expect(page.locator("#running-totals")).to_contain_text("Somme des voix473 (exprimés : 473)")
    screenshot("02-saisie-agent-a-complete")
    page.keyboard.press("Enter")
    expect(page.locator("ul.messages")).to_contain_text(
        f"Bureau {KIDAL} : Première saisie enregistrée."
    )
    expect(row.locator(".badge").first).to_have_text("première saisie faite")
    expect(row).to_contain_text("1re saisie faite par vous")
    screenshot("03-file-apres-saisie-agent-a")
    logout(page, base)

    # ---- Clerk B: blind second entry, one candidate's votes differ ---------------------------
    login(page, base, "agent-b")
    page.goto(base + world.commission("queue"))
    row.get_by_role("link", name="2e saisie").click()
    expect(page.get_by_role("heading", name=f"Seconde saisie — bureau {KIDAL}")).to_be_visible()
    values = page.locator("#pv-form [data-path]").evaluate_all("els => els.map(e => e.value)")
    assert values and all(v == "" for v in values), values
    text = page.locator("main").inner_text()
    for number in ("487", "473", "259", "118"):
        assert number not in text, f"la 1re saisie ({number}) est visible par l'agent B"
    screenshot("04-saisie-agent-b-a-l-aveugle")
    keyboard_entry(page, PAPER, c03=B_TYPO)
    expect(page.locator("#checks-source")).to_have_text("Contrôles du serveur (font foi).")
    expect(checks).to_contain_text("E04")  # 118 + 96 + 295 ≠ 473
    screenshot("05-saisie-agent-b-ecart")
    page.get_by_role("button", name="Enregistrer la 2e saisie").click()
    expect(page.locator("ul.messages")).to_contain_text("elle diffère de la première")
    expect(row.locator(".badge").first).to_have_text("saisies différentes")
    screenshot("06-file-saisies-differentes")
    logout(page, base)

    # ---- The public site before the resolution: C03 has no vote, Kidal not coloured --------
    page.goto(base + world.public_nation)
    expect(votes_cell(page, "C03")).to_have_text("0")
    expect(votes_cell(page, "C01")).to_have_text(fr_int(GAO_FIGURES["votes"]["C01"]))
    expect(figure(page, "valid_votes")).to_have_text(fr_int(GAO_FIGURES["valid_votes"]))
    kidal = region_path(page, "Kidal")
    expect(kidal).to_have_attribute("fill", NO_DATA)
    expect(kidal.locator("title")).to_contain_text("pas encore de résultats")
    expect(region_path(page, "Gao")).to_have_attribute("fill", swatch(page, "C01"))
    c03_colour = swatch(page, "C03")
    assert c03_colour not in (NO_DATA, swatch(page, "C01"), swatch(page, "C02"))
    screenshot("07-public-national-avant")
    screenshot("08-public-carte-avant", page.locator("#carte-regions"))

    # ---- The president resolves the difference ----------------------------------------------
    login(page, base, "president")
    page.goto(base + world.commission("queue"))
    row.get_by_role("link", name="Trancher").click()
    expect(page.get_by_role("heading", name=f"bureau {KIDAL}")).to_be_visible()
    differing = page.locator("table.resolve-table tbody tr.differs")
    expect(differing).to_have_count(1)
    expect(differing).to_contain_text("259")
    expect(differing).to_contain_text(B_TYPO)
    screenshot("09-ecarts-president")
    page.locator("input[name='choix:votes.C03'][value='first']").check()
    page.get_by_role("button", name="Retenir les valeurs choisies").click()
    expect(page.locator("ul.messages")).to_contain_text(
        f"Bureau {KIDAL} : écarts tranchés ; le procès-verbal est définitif."
    )
    screenshot("10-pv-definitif")
    sheet = TallySheet.objects.get(round=world.round, station__code=KIDAL)
    assert sheet.status == TallySheet.Status.DEFINITIVE
    assert sheet.figures["votes"] == PAPER["votes"]
    logout(page, base)

    # ---- The public site after: new national totals, Kidal in C03's colour -------------------
    page.goto(base + world.public_nation)
    for code in ("C01", "C02", "C03"):
        total = GAO_FIGURES["votes"][code] + PAPER["votes"][code]
        expect(votes_cell(page, code)).to_have_text(fr_int(total))
    for name in ("registered", "voters", "null_ballots", "valid_votes"):
        expect(figure(page, name)).to_have_text(fr_int(GAO_FIGURES[name] + PAPER[name]))
    expect(kidal).to_have_attribute("fill", c03_colour)
    expect(kidal.locator("title")).to_contain_text("en tête : Cheick Ag Intalla")
    expect(region_path(page, "Gao")).to_have_attribute("fill", swatch(page, "C01"))
    screenshot("11-public-national-apres")
    screenshot("12-public-carte-apres", page.locator("#carte-regions"))
    # The round's page shows the same map.
    page.goto(base + world.public_round)
    expect(region_path(page, "Kidal")).to_have_attribute("fill", c03_colour)
