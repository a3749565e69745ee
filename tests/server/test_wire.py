"""The wire encoding: any JSON-able value, non-finite floats included, crosses in both directions intact."""

from __future__ import annotations

import math
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from assay.client.http import decode_body, encode_body
from assay.server.wire import FLOAT_TAG, decode, encode

keys = st.text(max_size=8).filter(lambda key: key != FLOAT_TAG)
scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats() | st.text(max_size=12)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=20,
)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@given(values)
def test_a_request_body_reaches_the_server_unchanged(value: Any) -> None:
    assert same(decode(encode_body({"value": value}))["value"], value)


@given(values)
def test_a_response_reaches_the_client_unchanged(value: Any) -> None:
    assert same(decode_body(encode(value)), value)


@given(values)
def test_the_wire_is_standard_json(value: Any) -> None:
    # orjson refuses NaN and Infinity literals, as JSON.parse in a browser does.
    orjson.loads(encode(value))
    orjson.loads(encode_body({"value": value}))
