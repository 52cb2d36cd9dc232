"""Indirect elections: which college elects which council (Art. 190, with Art. 155 and 176).

- Art. 190: the councillors of the cercle, of the region and of the District of Bamako are
  elected by indirect suffrage for five years. Each communal council elects from among its
  members its representatives to the council of the cercle or of the District; each cercle
  council elects from among its members its representatives to the regional assembly. The
  numbers of representatives are fixed by law (not by this one); the special statute of the
  District of Bamako fixes the number and the conditions of election of the District council.
- For completeness: communal councillors are elected directly by the electors of the commune
  (Titre VII, Art. 176–177); the national councillors (Haut Conseil des collectivités) by the
  college of all sitting communal councillors of the region or of the District (Art. 155).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from kalata.law.explain import LawError, Step

TERM_YEARS = 5


class Council(StrEnum):
    """The councils whose election the law organises."""

    COMMUNE = "commune"
    CERCLE = "cercle"
    DISTRICT = "district"
    REGION = "region"
    NATIONAL = "national"

    @property
    def label_fr(self) -> str:
        return _LABELS[self]


_LABELS = {
    Council.COMMUNE: "conseil communal",
    Council.CERCLE: "conseil de cercle",
    Council.DISTRICT: "conseil du District de Bamako",
    Council.REGION: "assemblée régionale",
    Council.NATIONAL: "Haut Conseil des collectivités territoriales (conseillers nationaux)",
}


@dataclass(frozen=True)
class College:
    """Who elects a council: ``electors`` (the councils, or the electors), whether they elect
    from among their own members, the term, and the explanation."""

    council: Council
    direct: bool
    electors: Council | None
    from_among_members: bool
    term_years: int | None
    steps: tuple[Step, ...]

    def as_dict(self) -> dict:
        return {
            "council": self.council.value,
            "direct": self.direct,
            "electors": self.electors.value if self.electors else None,
            "from_among_members": self.from_among_members,
            "term_years": self.term_years,
            "steps": [s.as_dict() for s in self.steps],
        }


def _council(council: Council | str) -> Council:
    try:
        return Council(council)
    except ValueError:
        choices = ", ".join(c.value for c in Council)
        raise LawError(
            code="unknown_council",
            message=f"conseil inconnu « {council} » ; conseils possibles : {choices}",
            articles=("190",),
            field="council",
        ) from None


def electoral_college(council: Council | str) -> College:
    """The college that elects ``council`` (Art. 190; 155 and 176 for the others)."""
    council = _council(council)
    if council is Council.COMMUNE:
        return College(
            council,
            True,
            None,
            False,
            None,
            (
                Step(
                    "Les conseillers communaux sont élus au suffrage universel direct par les "
                    "électeurs de la commune, au scrutin de liste à la représentation "
                    "proportionnelle ; ils ne relèvent pas du suffrage indirect de l'article 190.",
                    ("176", "177", "190"),
                ),
            ),
        )
    if council is Council.NATIONAL:
        return College(
            council,
            False,
            Council.COMMUNE,
            False,
            None,
            (
                Step(
                    "Les conseillers nationaux sont élus au niveau de chaque région par un "
                    "collège composé de l'ensemble des conseillers communaux en exercice dans la "
                    "région ou le District de Bamako (trois pour les Maliens de l'extérieur, "
                    "selon les règles du Haut Conseil des maliens de l'extérieur).",
                    ("155",),
                ),
            ),
        )
    term = Step(
        f"Les conseillers de cercle, de région et du District de Bamako sont élus au suffrage "
        f"indirect pour une durée de {TERM_YEARS} ans.",
        ("190",),
    )
    if council is Council.REGION:
        return College(
            council,
            False,
            Council.CERCLE,
            True,
            TERM_YEARS,
            (
                term,
                Step(
                    "Chaque conseil de cercle élit en son sein ses représentants à l'assemblée "
                    "régionale ; leur nombre est fixé par la loi.",
                    ("190",),
                ),
            ),
        )
    steps = [
        term,
        Step(
            f"Chaque conseil communal élit en son sein ses représentants au "
            f"{council.label_fr} ; leur nombre est fixé par la loi.",
            ("190",),
        ),
    ]
    if council is Council.DISTRICT:
        steps.append(
            Step(
                "Le statut particulier du District de Bamako détermine le nombre et les "
                "conditions d'élection des membres du conseil du District.",
                ("190",),
            )
        )
    return College(council, False, Council.COMMUNE, True, TERM_YEARS, tuple(steps))


def electing_councils(
    council: Council | str, unit: str, parent_of: Mapping[str, str | None]
) -> tuple[str, ...]:
    """The units whose councils elect the council of ``unit`` (Art. 190).

    ``parent_of`` maps each lower unit to the unit it belongs to: communes to their cercle (or
    to the District for the communes of Bamako) to find who elects a cercle or District council,
    cercles to their region to find who elects a regional assembly. For the national councillors
    (Art. 155) it maps communes to their region or the District: the electors are then the
    councillors of those communes.
    """
    college = electoral_college(council)
    if college.direct:
        raise LawError(
            code="direct_election",
            message="le conseil communal est élu au suffrage direct par les électeurs de la "
            "commune, non par d'autres conseils",
            articles=("176", "190"),
            field="council",
        )
    found = tuple(sorted(child for child, parent in parent_of.items() if parent == unit))
    if not found:
        raise LawError(
            code="no_electing_council",
            message=f"aucune unité rattachée à « {unit} » : impossible de former le collège",
            articles=("155",) if college.council is Council.NATIONAL else ("190",),
            field="unit",
        )
    return found


__all__ = ["College", "Council", "TERM_YEARS", "electing_councils", "electoral_college"]
