"""Colours of the public site: one stable colour per selection, turnout classes.

A selection's colour depends only on its place on the ballot (``order``), so a candidate keeps
the same colour on every page, chart and map of a contest, whatever the figures. Referendum
answers have fixed colours (OUI green, NON red). Colours, not their meaning, carry no text: every
chart and map also names what it shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

PALETTE = (
    "#1f77b4",
    "#d95f02",
    "#1b9e77",
    "#7570b3",
    "#e6ab02",
    "#e7298a",
    "#66a61e",
    "#a6761d",
    "#17becf",
    "#8c564b",
    "#b15928",
    "#6a3d9a",
    "#fb9a99",
    "#b2df8a",
    "#a6cee3",
    "#fdbf6f",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#e6550d",
    "#31a354",
)
ANSWERS = {"OUI": "#1a9850", "NON": "#d73027"}
TIE = "#9e9e9e"
NO_DATA = "#ececec"  # light grey, apart from every turnout class

# Turnout classes: lower bound (percent, inclusive), colour (light to dark), label.
TURNOUT_CLASSES = (
    (Fraction(0), "#c6dbef", _("moins de 30 %")),
    (Fraction(30), "#9ecae1", _("30 à 40 %")),
    (Fraction(40), "#6baed6", _("40 à 50 %")),
    (Fraction(50), "#3182bd", _("50 à 60 %")),
    # Translators: a legend label, not a format string.
    # xgettext:no-python-format
    (Fraction(60), "#08519c", _("60 % et plus")),
)


def selection_colours(selections: Iterable[Mapping]) -> dict[str, str]:
    """``{code: colour}`` by ballot order (then code): stable for a contest."""
    ordered = sorted(selections, key=lambda s: (s.get("order", 0), s["code"]))
    out = {}
    for i, sel in enumerate(ordered):
        out[sel["code"]] = ANSWERS.get(sel["code"]) if sel.get("kind") == "answer" else None
        if out[sel["code"]] is None:
            out[sel["code"]] = PALETTE[i % len(PALETTE)]
    return out


def keyed_colours(keys: Iterable[str]) -> dict[str, str]:
    """Colours of parties or groupings, by alphabetical order of their names (stable while the
    set of names is: candidacies are closed before the vote)."""
    return {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(sorted(set(keys)))}


def turnout_class(voters: int, registered: int) -> int | None:
    """Index in ``TURNOUT_CLASSES`` of the exact turnout, or None without registered electors."""
    if not registered:
        return None
    rate = Fraction(voters * 100, registered)
    index = 0
    for i, (low, _colour, _label) in enumerate(TURNOUT_CLASSES):
        if rate >= low:
            index = i
    return index
