"""Explanations and errors shared by every rule of the law.

A law function returns a value that carries its own explanation: the ordered ``Step``s that led
to it, each a French sentence with the articles it applies. Errors a user can cause are
``LawError`` values (code, French message, articles, field), never stack traces.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from fractions import Fraction


@dataclass(frozen=True)
class Step:
    """One step of a legal decision: a French sentence and the articles it applies."""

    text: str
    articles: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"text": self.text, "articles": list(self.articles)}

    def __str__(self) -> str:
        if not self.articles:
            return self.text
        return f"{self.text} (art. {', '.join(self.articles)})"


# Not frozen: the interpreter and test tools set attributes on exceptions (__traceback__,
# __notes__), which a frozen dataclass would refuse.
@dataclass(eq=False)
class LawError(Exception):
    """An error a user can cause: a code, a French message, the articles and the field."""

    code: str
    message: str
    articles: tuple[str, ...] = ()
    field: str | None = None
    details: dict = dc_field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        parts = [self.message]
        if self.field:
            parts.insert(0, f"[{self.field}]")
        if self.articles:
            parts.append(f"(art. {', '.join(self.articles)})")
        return " ".join(parts)

    def as_dict(self) -> dict:
        out = {"code": self.code, "message": self.message, "articles": list(self.articles)}
        if self.field:
            out["field"] = self.field
        if self.details:
            out["details"] = self.details
        return out


def percent(part: int | Fraction, whole: int | Fraction) -> Fraction:
    """Exact percentage ``100 * part / whole`` (0 when the whole is 0)."""
    if whole == 0:
        return Fraction(0)
    return Fraction(part) * 100 / Fraction(whole)


def round_half_up(value: Fraction, places: int = 2) -> str:
    """Display form of an exact value, rounded half-up (as the Court publishes): '71.20'.

    Rounding is done on integers, never on floats; halves round away from zero.
    """
    value = Fraction(value)
    negative = value < 0
    scaled = abs(value) * 10**places
    q, r = divmod(scaled.numerator, scaled.denominator)
    if 2 * r >= scaled.denominator:
        q += 1
    whole, frac = divmod(q, 10**places)
    text = f"{whole}.{frac:0{places}d}" if places else f"{whole}"
    return f"-{text}" if negative and q else text


def fr_percent(value: Fraction, places: int = 2) -> str:
    """French display of a percentage: '4,20 %'."""
    return round_half_up(value, places).replace(".", ",") + " %"


WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def fr_date(d, weekday: bool = False) -> str:
    """A date in French: '1er mai 1960'; with ``weekday``: 'vendredi 7 mai 2004'."""
    day = "1er" if d.day == 1 else str(d.day)
    text = f"{day} {MONTHS_FR[d.month - 1]} {d.year}"
    return f"{WEEKDAYS_FR[d.weekday()]} {text}" if weekday else text


def fr_int(n: int) -> str:
    """French display of an integer with a narrow no-break space as thousands separator."""
    return f"{n:,}".replace(",", "\u202f")


__all__ = [
    "Step",
    "LawError",
    "percent",
    "round_half_up",
    "fr_percent",
    "fr_int",
    "fr_date",
    "MONTHS_FR",
    "WEEKDAYS_FR",
]
