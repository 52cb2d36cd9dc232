"""Numbers as readers expect them: French first ("12 345", "45,23 %"), English second
("12,345", "45.23 %"). Percentages arrive already rounded half-up to two decimals ("45.23",
``kalata.law.explain.round_half_up``) or as exact fractions; nothing here rounds again except a
fraction, half-up."""

from __future__ import annotations

from fractions import Fraction

from django.utils.translation import get_language

from kalata.law.explain import round_half_up

NNBSP = "\u202f"  # narrow no-break space (French thousands separator, before "%")


def _french() -> bool:
    return (get_language() or "fr").startswith("fr")


def fmt_int(value) -> str:
    if value is None or value == "":
        return "—"
    n = int(value)
    text = f"{n:,}"
    return text.replace(",", NNBSP) if _french() else text


def fmt_pct(value) -> str:
    """'45.23' or Fraction(4523, 100) -> '45,23 %' (fr) / '45.23%' (en)."""
    if value is None or value == "":
        return "—"
    text = round_half_up(value) if isinstance(value, Fraction | int) else str(value)
    if _french():
        return text.replace(".", ",") + NNBSP + "%"
    return text + "%"


def fmt_points(value) -> str:
    """A signed difference of percentage points ('+0.31' -> '+0,31 pt')."""
    text = str(value)
    if _french():
        return text.replace(".", ",") + NNBSP + "pt"
    return text + " pt"


def fmt_signed(n: int) -> str:
    return ("+" if n > 0 else "") + fmt_int(n)


def share(part: int, whole: int) -> Fraction:
    return Fraction(part * 100, whole) if whole else Fraction(0)
