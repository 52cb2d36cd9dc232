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

__all__ = ["canonical_json", "to_plain"]


def _decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"Decimal non fini refusé : {value}")
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def to_plain(value):
    """Turn ``value`` into plain JSON values (dict with str keys, list, str, int, float, bool)."""
    if value is None or isinstance(value, (bool, str, int)):
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
        if value.tzinfo is None or value.utcoffset() is None:
            raise TypeError(f"datetime sans fuseau horaire refusé : {value!r}")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
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
    if isinstance(value, (list, tuple)):
        return [to_plain(item) for item in value]
    if isinstance(value, (set, frozenset)):
        items = [to_plain(item) for item in value]
        return sorted(items, key=_dumps)
    raise TypeError(f"type non sérialisable dans le journal d'audit : {type(value).__name__}")


def _dumps(plain) -> str:
    return json.dumps(
        plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def canonical_json(value) -> str:
    """The canonical JSON text of ``value`` (see the module docstring for the rules)."""
    return _dumps(to_plain(value))
