"""Number of communal councillors by population (Code des collectivités territoriales; annex).

The number of councillors a commune elects is fixed by ministerial order from the last census;
for the 2004 communal elections that order is arrêté n°03-1879/MATCL-SG du 27 août 2003 and its
annex (one row per commune: population, councillors). The scale itself is in the Code des
collectivités territoriales (the version of Loi n°2017-051, art. 5, states it; LAW_MAP row
"Code des collectivités territoriales"):

    population <= 10 000        -> 11
    10 001 – 20 000             -> 17
    20 001 – 40 000             -> 23
    40 001 – 70 000             -> 29
    70 001 – 100 000            -> 33
    100 001 – 150 000           -> 37
    150 001 – 200 000           -> 41
    above 200 000               -> 45

The 2003 annex agrees with this scale for 702 of its 703 rows, including rows a few inhabitants
from a limit (Kiban 9 994 -> 11, Dembéla 10 005 -> 17, Nioro 20 002 -> 23), which shows that
the same scale was applied in 2003. The annex, as published, is what the 2004 election used;
this scale is the check, not a replacement (see ``kalata.territory.checks``).

Article tag for tests: ``annex``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kalata.law.explain import LawError, Step, fr_int

ARTICLES: tuple[str, ...] = ("annex",)

REFERENCES: tuple[str, ...] = (
    "Code des collectivités territoriales",
    "Arrêté n°03-1879/MATCL-SG du 27 août 2003 et son annexe",
)

# (upper bound of the band, inclusive; None for the open top band) -> councillors.
BANDS: tuple[tuple[int | None, int], ...] = (
    (10_000, 11),
    (20_000, 17),
    (40_000, 23),
    (70_000, 29),
    (100_000, 33),
    (150_000, 37),
    (200_000, 41),
    (None, 45),
)

COUNCILLOR_NUMBERS: frozenset[int] = frozenset(n for _, n in BANDS)


@dataclass(frozen=True)
class Band:
    """One band of the scale: inclusive population limits (``high`` None: no upper limit)."""

    low: int
    high: int | None
    councillors: int

    def describe(self) -> str:
        """French description of the band: 'de 10 001 à 20 000 habitants'."""
        if self.low == 0:
            return f"jusqu'à {fr_int(self.high)} habitants"
        if self.high is None:
            return f"plus de {fr_int(self.low - 1)} habitants"
        return f"de {fr_int(self.low)} à {fr_int(self.high)} habitants"


def bands() -> tuple[Band, ...]:
    """The scale as ``Band`` values, lowest first (Code des collectivités territoriales; annex)."""
    out: list[Band] = []
    low = 0
    for high, councillors in BANDS:
        out.append(Band(low=low, high=high, councillors=councillors))
        if high is not None:
            low = high + 1
    return tuple(out)


@dataclass(frozen=True)
class CouncillorCount:
    """The number of councillors a population gives, with its explanation."""

    population: int
    councillors: int
    band: Band
    steps: tuple[Step, ...]
    references: tuple[str, ...] = REFERENCES

    def as_dict(self) -> dict:
        return {
            "population": self.population,
            "councillors": self.councillors,
            "band": {"low": self.band.low, "high": self.band.high},
            "steps": [s.as_dict() for s in self.steps],
            "references": list(self.references),
        }


def band_for_population(population: int) -> Band:
    """The band a population falls in (Code des collectivités territoriales; annex).

    Raises ``LawError`` for a negative population (a census count cannot be negative).
    """
    if isinstance(population, bool) or not isinstance(population, int):
        raise LawError(
            code="population_not_integer",
            message="La population doit être un nombre entier d'habitants.",
            articles=ARTICLES,
            field="population",
        )
    if population < 0:
        raise LawError(
            code="population_negative",
            message=f"La population ne peut pas être négative ({population}).",
            articles=ARTICLES,
            field="population",
        )
    for band in bands():
        if band.high is None or population <= band.high:
            return band
    raise AssertionError("unreachable: the top band has no upper limit")  # pragma: no cover


def councillors_for_population(population: int) -> CouncillorCount:
    """Councillors a commune of ``population`` inhabitants elects, with the steps.

    Code des collectivités territoriales (scale by population); arrêté n°03-1879/MATCL-SG and its
    annex (the numbers fixed for 2004). Article tag: ``annex``.
    """
    band = band_for_population(population)
    steps = (
        Step(f"La commune compte {fr_int(population)} habitants.", ARTICLES),
        Step(
            f"Le barème du Code des collectivités territoriales fixe {band.councillors} "
            f"conseillers pour la tranche {band.describe()} "
            "(arrêté n°03-1879/MATCL-SG, annexe).",
            ARTICLES,
        ),
    )
    return CouncillorCount(
        population=population, councillors=band.councillors, band=band, steps=steps
    )


def is_scale_number(councillors: int) -> bool:
    """Whether a number of councillors is one the scale can give (11, 17, …, 45). Tag: annex."""
    return councillors in COUNCILLOR_NUMBERS


__all__ = [
    "ARTICLES",
    "BANDS",
    "COUNCILLOR_NUMBERS",
    "REFERENCES",
    "Band",
    "CouncillorCount",
    "band_for_population",
    "bands",
    "councillors_for_population",
    "is_scale_number",
]
