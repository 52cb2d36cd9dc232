"""Template filters of the public site: numbers in the reader's language."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.translation import gettext_lazy as _

from kalata.public.formatting import fmt_int, fmt_pct, fmt_points, fmt_signed, share

register = template.Library()


@register.filter
def num(value) -> str:
    """12345 -> '12 345' (fr) / '12,345' (en)."""
    return fmt_int(value)


@register.filter
def pct(value) -> str:
    """'45.23' -> '45,23 %' (fr) / '45.23%' (en)."""
    return fmt_pct(value)


@register.filter
def points(value) -> str:
    return fmt_points(value)


@register.filter
def signed(value) -> str:
    return fmt_signed(int(value))


@register.filter
def ratio(pair) -> str:
    """(part, whole) -> the percentage, half-up ('90,00 %')."""
    part, whole = pair
    return fmt_pct(share(part, whole))


@register.filter
def isodate(value):
    """'2026-04-26' -> date(2026, 4, 26), for the ``date`` filter."""
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


@register.filter
def get(mapping, key):
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return ""


ROUND_STATUS = {
    "setup": _("en préparation"),
    "counting": _("centralisation en cours"),
    "provisional": _("résultats provisoires proclamés"),
    "final": _("résultats définitifs proclamés"),
}
ELECTION_KINDS = {
    "presidential": _("Élection du Président de la République"),
    "legislative": _("Élection des députés à l'Assemblée nationale"),
    "communal": _("Élection des conseillers communaux"),
    "referendum": _("Référendum"),
    "national-councillors": _("Élection des conseillers nationaux"),
}
LEVELS = {
    "nation": _("circonscription"),
    "region": _("région"),
    "cercle": _("cercle"),
    "commune": _("commune"),
    "station": _("bureau de vote"),
}
STATION_STATES = {
    "definitive": _("définitif"),
    "annulled": _("annulé"),
    "blocked": _("bloqué (erreurs à lever par la commission)"),
    "received": _("reçu, saisie en cours"),
    "expected": _("attendu"),
}


@register.filter
def round_status(code) -> str:
    return ROUND_STATUS.get(code, code)


@register.filter
def election_kind(code) -> str:
    return ELECTION_KINDS.get(code, code)


@register.filter
def level_label(code) -> str:
    return LEVELS.get(code, code)


@register.filter
def station_state(code) -> str:
    return STATION_STATES.get(code, code)
