"""Server-rendered, accessible SVG charts (no JavaScript, no external library).

Horizontal bar charts on a fixed 0–100 % scale (shares of the valid votes, turnout), with the
50 % line marked — the absolute majority of Art. 127 and 144 is visible at a glance. Every bar
carries its label and its value as text, and a ``<title>``; the chart has a ``<title>`` and a
``<desc>`` referenced by ``aria-labelledby``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 900  # value text (e.g. "41,45 % — 1 612 912 voix") needs ~230 px right of the bars
LABEL_W = 250  # room for the labels, left of the bars
BAR_X = LABEL_W + 10
BAR_W = 360  # 100 %
ROW_H = 30
BAR_H = 18
TOP = 30
BOTTOM = 24
MAX_LABEL = 38


@dataclass(frozen=True)
class Bar:
    """One bar: ``value`` is a percentage (exact), ``text`` its display ("45,23 % — 1 234 voix")."""

    label: str
    value: Fraction
    text: str
    colour: str
    href: str = ""


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    desc: str = "",
    mark_half: str = "50 %",
) -> SafeString:
    """A horizontal bar chart, one row per bar, on a 0–100 % scale."""
    ident = escape(chart_id)
    height = TOP + ROW_H * max(len(bars), 1) + BOTTOM
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{ident}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for i, bar in enumerate(bars):
        y = TOP + i * ROW_H
        value = min(max(Fraction(bar.value), Fraction(0)), Fraction(100))
        w = float(value) * BAR_W / 100
        label = _("%(label)s : %(value)s") % {"label": bar.label, "value": bar.text}
        row = [
            f'<g class="bar"><title>{escape(label)}</title>',
            f'<text x="{LABEL_W}" y="{y + BAR_H - 4}" text-anchor="end" font-size="14">'
            f"{escape(_short(bar.label))}</text>",
            f'<rect x="{BAR_X}" y="{y}" width="{BAR_W}" height="{BAR_H}" fill="#f1f1f1"/>',
            f'<rect x="{BAR_X}" y="{y}" width="{_num(w)}" height="{BAR_H}" '
            f'fill="{escape(bar.colour)}" stroke="#616161" stroke-width="0.4"/>',
            f'<text x="{BAR_X + BAR_W + 8}" y="{y + BAR_H - 4}" font-size="14">'
            f"{escape(bar.text)}</text>",
            "</g>",
        ]
        if bar.href:
            row = [f'<a href="{escape(bar.href)}">', *row, "</a>"]
        out += row
    half = BAR_X + BAR_W / 2
    bottom = TOP + ROW_H * max(len(bars), 1)
    out.append(
        f'<line x1="{_num(half)}" y1="{TOP - 4}" x2="{_num(half)}" y2="{bottom - 6}" '
        'stroke="#424242" stroke-dasharray="4 3" stroke-width="1"/>'
        f'<text x="{_num(half)}" y="{bottom + 10}" text-anchor="middle" font-size="12" '
        f'fill="#424242">{escape(mark_half)}</text>'
    )
    out.append("</svg>")
    return mark_safe("".join(out))
