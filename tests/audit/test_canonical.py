"""The canonical JSON form: one value, one text, whatever the order or the database."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalata.audit.canonical import canonical_json, to_plain


def test_keys_are_sorted_and_there_is_no_whitespace():
    assert canonical_json({"b": 1, "a": [1, 2], "c": {"z": None, "y": True}}) == (
        '{"a":[1,2],"b":1,"c":{"y":true,"z":null}}'
    )


def test_non_ascii_text_is_kept_as_utf8():
    assert canonical_json({"commune": "Ségou"}) == '{"commune":"Ségou"}'


def test_aware_datetimes_are_written_in_utc_with_microseconds():
    bamako_evening = datetime(2007, 4, 29, 18, 0, tzinfo=timezone(timedelta(hours=0)))
    paris_evening = datetime(2007, 4, 29, 20, 0, tzinfo=timezone(timedelta(hours=2)))
    assert canonical_json(bamako_evening) == '"2007-04-29T18:00:00.000000Z"'
    assert canonical_json(paris_evening) == canonical_json(bamako_evening)


def test_naive_datetimes_are_refused():
    with pytest.raises(TypeError):
        canonical_json(datetime(2007, 4, 29, 18, 0))


def test_dates_and_times_are_iso():
    assert canonical_json([date(2007, 4, 29), time(8, 0)]) == '["2007-04-29","08:00:00"]'


def test_decimals_are_strings_without_trailing_zeros():
    assert canonical_json(Decimal("71.20")) == '"71.2"'
    assert canonical_json(Decimal("71.2")) == canonical_json(Decimal("71.200"))
    assert canonical_json(Decimal("100")) == '"100"'
    assert canonical_json(Decimal("1E+2")) == '"100"'
    assert canonical_json(Decimal("-0.00")) == '"0"'


def test_fractions_are_strings_in_lowest_terms():
    assert canonical_json(Fraction(6, 8)) == '"3/4"'
    assert canonical_json(Fraction(4, 2)) == '"2"'


def test_integer_keys_become_strings_and_duplicates_are_refused():
    assert canonical_json({2: "b", 10: "a"}) == '{"10":"a","2":"b"}'
    with pytest.raises(ValueError):
        canonical_json({1: "x", "1": "y"})


def test_sets_become_sorted_lists_and_tuples_lists():
    assert canonical_json({"c", "a", "b"}) == '["a","b","c"]'
    assert canonical_json((1, 2)) == "[1,2]"


def test_uuid_is_its_string():
    u = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert canonical_json(u) == '"12345678-1234-5678-1234-567812345678"'


def test_non_finite_numbers_and_unknown_types_are_refused():
    with pytest.raises(ValueError):
        canonical_json(float("nan"))
    with pytest.raises(ValueError):
        canonical_json(Decimal("Infinity"))
    with pytest.raises(TypeError):
        canonical_json(object())


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


@given(json_values)
def test_canonical_text_is_a_fixed_point_of_parsing(value):
    text = canonical_json(value)
    assert canonical_json(json.loads(text)) == text


@given(st.dictionaries(st.text(max_size=5), st.integers(), max_size=6))
def test_key_insertion_order_does_not_change_the_text(mapping):
    reversed_mapping = dict(reversed(list(mapping.items())))
    assert canonical_json(reversed_mapping) == canonical_json(mapping)


def test_to_plain_gives_what_json_parsing_gives_back():
    value = {"d": Decimal("1.50"), "when": date(2002, 2, 12), "n": 3}
    assert to_plain(value) == json.loads(canonical_json(value))


# --- The fast paths: same text as the general rules ---------------------------------------------


@given(json_values)
def test_plain_json_of_parsed_text_is_the_canonical_text(value):
    from kalata.audit.canonical import plain_json

    text = canonical_json(value)
    assert plain_json(json.loads(text)) == text
    assert plain_json(to_plain(value)) == text


def test_subclasses_of_plain_types_take_the_general_rules():
    import enum

    class Colour(enum.StrEnum):
        RED = "rouge"

    class Rank(enum.IntEnum):
        FIRST = 1

    value = {Colour.RED: [Rank.FIRST, Colour.RED], "k": {1: True}}
    assert to_plain(value) == {"rouge": [1, "rouge"], "k": {"1": True}}
    assert type(to_plain(value)["rouge"][0]) is int
    assert canonical_json(value) == '{"k":{"1":true},"rouge":[1,"rouge"]}'
    with pytest.raises(ValueError):
        canonical_json({"1": 1, 1: 2})  # a duplicate key after normalisation, in a dict too


def test_canonical_is_computed_once_and_always_from_a_value():
    from kalata.audit.canonical import Canonical

    frozen = Canonical({"b": Decimal("2.50"), "a": date(2002, 2, 12)})
    assert frozen == '{"a":"2002-02-12","b":"2.5"}'
    assert Canonical(frozen) is frozen
    assert canonical_json(frozen) == frozen
    assert to_plain(frozen) == {"a": "2002-02-12", "b": "2.5"}  # the value, not a string
    assert Canonical('{"b": 1}') == '"{\\"b\\": 1}"'  # a text is a value like any other
