"""The small election the browser tests work on, and the browser gestures they share.

A presidential election of 26 April 2026 on the whole territory (``load_territory``), three
candidates, one polling station in each of three communes: Kidal (cercle of Kidal, C0801) and
Tin-Essako (C0802) in the Région de Kidal, Gao (C0701) in the Région de Gao. The round is open;
the Gao minutes are already definitive (two clerks through ``submit_entry``) so that the map has
one region coloured before the browser starts: C01 leads in Gao, C03 has no vote anywhere.

People (all with ``PASSWORD``): clerks A and B and the president of the Kidal commission, a
clerk of Tin-Essako, two clerks of Gao.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse

PASSWORD = "Kalata-e2e-2026"
POLLING_DATE = date(2026, 4, 26)
CANDIDATES = (
    {"code": "C01", "name": "Aminata Diallo", "party": "Union pour la République"},
    {"code": "C02", "name": "Boubacar Keïta", "party": "Rassemblement du Peuple"},
    {"code": "C03", "name": "Cheick Ag Intalla", "party": "Alliance de l'Adrar"},
)
# Registered electors per commune: one station each (at most 700, Art. 71).
ELECTORS = {
    "CM080103": 650,  # commune of Kidal, cercle of Kidal (C0801), Région de Kidal (R08)
    "CM080201": 380,  # commune of Tin-Essako, cercle of Tin-Essako (C0802), R08
    "CM070107": 600,  # commune of Gao, cercle of Gao (C0701), Région de Gao (R07)
}
KIDAL = "CM080103-BV001"
TIN_ESSAKO = "CM080201-BV001"
GAO = "CM070107-BV001"
GAO_FIGURES = {
    "registered": 600,
    "voters": 402,
    "envelopes": 402,
    "null_ballots": 9,
    "valid_votes": 393,
    "votes": {"C01": 241, "C02": 152, "C03": 0},
}
PEOPLE = {
    # username: (role, cercle)
    "agent-a": ("clerk", "C0801"),
    "agent-b": ("clerk", "C0801"),
    "president": ("president", "C0801"),
    "agent-tin": ("clerk", "C0802"),
    "agent-gao-1": ("clerk", "C0701"),
    "agent-gao-2": ("clerk", "C0701"),
}


@dataclass
class World:
    election: object
    round: object
    users: dict = field(default_factory=dict)

    @property
    def public_round(self) -> str:
        return reverse(
            "public:round", kwargs={"election": self.election.code, "number": self.round.number}
        )

    @property
    def public_nation(self) -> str:
        return reverse(
            "public:contest",
            kwargs={
                "election": self.election.code,
                "number": self.round.number,
                "contest": "NATION",
            },
        )

    def commission(self, name: str, station: str | None = None) -> str:
        if station is None:
            return reverse(f"commission:{name}", args=[self.round.code])
        return reverse(f"commission:{name}", args=[self.round.code, "NATION", station])


def build_world() -> World:
    from kalata.accounts.services import create_user, grant
    from kalata.elections.services import create_election, open_round
    from kalata.results.entry import submit_entry
    from kalata.results.models import TallySheet
    from kalata.territory.models import Cercle
    from kalata.territory.services import load_territory

    load_territory()
    setup = create_election(
        "presidential",
        POLLING_DATE,
        actor="admin",
        electors=ELECTORS,
        selections=[dict(c) for c in CANDIDATES],
    )
    open_round(setup.round, "admin")
    world = World(setup.election, setup.round)
    for username, (role, cercle) in PEOPLE.items():
        user = create_user(username, password=PASSWORD)
        grant(user, role, election=setup.election, cercle=Cercle.objects.get(code=cercle))
        world.users[username] = user
    gao = TallySheet.objects.get(round=setup.round, station__code=GAO)
    submit_entry(gao, world.users["agent-gao-1"], GAO_FIGURES)
    result = submit_entry(gao, world.users["agent-gao-2"], GAO_FIGURES)
    assert result.status == TallySheet.Status.DEFINITIVE, result.as_dict()
    return world


# --------------------------------------------------------------------------------------------
# Browser gestures
# --------------------------------------------------------------------------------------------


def fr_int(n: int) -> str:
    """A whole number as the public pages print it in French (narrow no-break spaces)."""
    return f"{n:,}".replace(",", "\u202f")


def login(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the commissions' login form; land on their home page."""
    from playwright.sync_api import expect

    page.goto(base + reverse("commission:login"))
    expect(page.get_by_role("heading", name="Connexion des commissions")).to_be_visible()
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator(".commission-user strong")).to_have_text(username)


def logout(page, base: str) -> None:
    """Log out: the confirmation page, then its POST button."""
    from playwright.sync_api import expect

    page.goto(base + reverse("commission:logout"))
    page.locator("main form").get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Vous êtes déconnecté")).to_be_visible()


def type_line(page, path: str, text: str, *, tab: bool = True) -> None:
    """Type ``text`` in the field of ``path``, which must already have the keyboard focus
    (reached with Tab), then press Tab; the ``<summary>`` of a closed optional section (null
    ballots by cause, cards) takes one Tab of its own and is passed over."""
    from playwright.sync_api import expect

    expect(page.locator(f"[data-path='{path}']")).to_be_focused()
    if text:
        page.keyboard.type(text)
    if tab:
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            page.keyboard.press("Tab")
