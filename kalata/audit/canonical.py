"""Canonical JSON: one value, one byte string.

The audit chain hashes text, so every value must serialise the same way on every machine and
database: keys sorted, no insignificant whitespace, UTF-8, and fixed forms for the types JSON
lacks:

- ``datetime``: must be timezone-aware; UTC, microseconds, ``Z`` (``2024-07-28T08:00:00.000000Z``);
- ``date`` and ``time``: ISO 8601 (``2024-07-28``, ``08:00:00``);
- ``Decimal``: a plain string without exponent or trailing zeros (``Decimal("1.50")`` -> ``"1.5"``),
  so that a value read back from a ``DecimalField`` equals the value written;
- ``Fraction``: ``"numerator/denominator"`` in lowest terms (``"3/4"``; ``"2"`` when whole);
- ``UUID``: its string; ``Enum``: its value; ``set``/``frozenset``: a sorted list;
  ``tuple``: a list; mapping keys: strings (integers are turned into strings).

Floats are allowed (``NaN`` and infinities are refused); anything else raises ``TypeError``.
"""

from __future__ import annotations

import enum
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from fractions import Fraction

__all__ = ["Canonical", "canonical_json", "plain_json", "to_plain", "utc_text"]


def _decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"Decimal non fini refusé : {value}")
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def to_plain(value):
    """Turn ``value`` into plain JSON values (dict with str keys, list, str, int, float, bool)."""
    # Fast path for what most states are made of (exact types: ``str``/``int`` subclasses such as
    # enums take the general path below, which turns them into their value).
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        out: dict[str, object] = {}
        for key, item in value.items():
            if type(key) is not str:
                return _plain_mapping(value)
            out[key] = to_plain(item)
        return out
    if kind is list:
        return [to_plain(item) for item in value]
    return _to_plain(value)


def _to_plain(value):
    if isinstance(value, Canonical):
        return value.value
    if isinstance(value, (bool, str, int)):
        if isinstance(value, enum.Enum):  # IntEnum, StrEnum
            return to_plain(value.value)
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("Nombre flottant non fini refusé dans le journal d'audit.")
        return value
    if isinstance(value, enum.Enum):
        return to_plain(value.value)
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return _plain_mapping(value)
    if isinstance(value, (list, tuple)):
        return [to_plain(item) for item in value]
    if isinstance(value, (set, frozenset)):
        items = [to_plain(item) for item in value]
        return sorted(items, key=_dumps)
    raise TypeError(f"type non sérialisable dans le journal d'audit : {type(value).__name__}")


def _plain_mapping(value: Mapping) -> dict:
    out: dict[str, object] = {}
    for key, item in value.items():
        plain_key = to_plain(key)
        if isinstance(plain_key, bool) or not isinstance(plain_key, (str, int)):
            raise TypeError(f"clé non textuelle refusée : {key!r}")
        plain_key = str(plain_key)
        if plain_key in out:
            raise ValueError(f"clé en double après normalisation : {plain_key!r}")
        out[plain_key] = to_plain(item)
    return out


# One encoder for every call (``json.dumps`` with options builds a new one each time).
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
_dumps = _ENCODER.encode


def utc_text(value: datetime) -> str:
    """The canonical form of an aware datetime: UTC, microseconds, ``Z``."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise TypeError(f"datetime sans fuseau horaire refusé : {value!r}")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value) -> str:
    """The canonical JSON text of ``value`` (see the module docstring for the rules)."""
    if type(value) is Canonical:
        return str.__str__(value)
    return _dumps(to_plain(value))


def plain_json(plain) -> str:
    """The canonical JSON text of a value that is already plain (``to_plain``'s output, or
    ``json.loads``'s): the same text as ``canonical_json``, without walking the value first.

    Raises ``ValueError`` for ``NaN`` or an infinity (as ``canonical_json`` does).
    """
    return _dumps(plain)


class Canonical(str):
    """The canonical JSON text of a value, computed once (``Canonical(value)``).

    ``kalata.audit.services.record`` stores it as is: a state that is the ``after`` of one
    event and the ``before`` of the next is serialised once. Built only from a value (never
    from a text), so it is always canonical.
    """

    __slots__ = ()

    def __new__(cls, value) -> Canonical:
        if type(value) is cls:
            return value
        return super().__new__(cls, _dumps(to_plain(value)))

    @property
    def value(self):
        """The plain value (parsed back from the text)."""
        return json.loads(self)
