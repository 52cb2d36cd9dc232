"""Deputies per constituency: the rule of Loi n°02-010 du 5 mars 2002, art. 1er.

The seats actually used are data (``kalata/elections/data/deputies.csv``, 147 seats in the 55
constituencies of Art. 143 of Loi n°02-007): the rule, applied to the 2003 annex populations, gives
163, so it serves as a check, never as the source of the seats.
"""

from __future__ import annotations

from dataclasses import dataclass

from kalata.law.explain import LawError, Step, fr_int

REFERENCE_FR = "Loi n°02-010 du 5 mars 2002, art. 1er"
INHABITANTS_PER_DEPUTY = 60_000  # art. 1er
EXTRA_SEAT_FROM = 40_000  # art. 1er: "toute tranche comprise entre 40.000 et 60.000 habitants"
_ARTS = ("143",)


@dataclass(frozen=True)
class RuleSeats:
    """Seats the rule of Loi n°02-010 art. 1er gives to a population, with its explanation."""

    population: int
    seats: int
    steps: tuple[Step, ...]

    def as_dict(self) -> dict:
        return {
            "population": self.population,
            "seats": self.seats,
            "steps": [s.as_dict() for s in self.steps],
        }


def rule_seats(population: int) -> RuleSeats:
    """Deputies for a constituency of ``population`` inhabitants (Loi n°02-010, art. 1er).

    "à raison d'un député par fraction de 60.000 habitants. Il est attribué un siège
    supplémentaire de députés pour toute tranche comprise entre 40.000 et 60.000 habitants.
    Toutefois les circonscriptions électorales de moins de 40.000 habitants ont droit à un siège".

    Reading: "fraction de 60.000" is a whole block of 60,000 (not "60,000 or fraction of it" as
    Art. 71 of Loi n°02-007 says for stations): otherwise the extra seat for 40,000–60,000 would
    be meaningless. So seats = full blocks, plus one when the remainder is from 40,000 (included,
    "comprise entre") up to 59,999, and never fewer than one. Constituencies are those of Art. 143.
    """
    if isinstance(population, bool) or not isinstance(population, int) or population < 0:
        raise LawError(
            code="population_invalid",
            message=f"Population « {population} » invalide : un entier positif ou nul.",
            articles=_ARTS,
            field="population",
        )
    blocks, rest = divmod(population, INHABITANTS_PER_DEPUTY)
    extra = 1 if rest >= EXTRA_SEAT_FROM else 0
    seats = max(1, blocks + extra)
    steps = [
        Step(
            f"{fr_int(population)} habitants = {blocks} × 60 000 + {fr_int(rest)} : "
            f"{blocks} député(s) pour les tranches complètes de 60 000 habitants "
            f"({REFERENCE_FR}).",
            _ARTS,
        ),
        Step(
            f"Reste de {fr_int(rest)} habitants "
            + (
                "entre 40 000 et 60 000 : un siège supplémentaire."
                if extra
                else "inférieur à 40 000 : pas de siège supplémentaire."
            ),
            _ARTS,
        ),
    ]
    if blocks + extra == 0:
        steps.append(
            Step(
                "Une circonscription de moins de 40 000 habitants a droit à un siège de député.",
                _ARTS,
            )
        )
    steps.append(Step(f"Selon la règle : {seats} député(s).", _ARTS))
    return RuleSeats(population=population, seats=seats, steps=tuple(steps))
