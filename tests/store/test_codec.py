"""The JSON codec keeps every value, non-finite floats included, and a sample's key ignores key order."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from assay.store import codec

scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats() | st.text()
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@given(documents)
def test_documents_survive_a_round_trip(document: Any) -> None:
    assert _same(codec.loads(codec.dumps(document)), document)
    assert _same(codec.loads(codec.dumps(document).encode()), document)


@given(st.dictionaries(st.text(max_size=8), scalars, min_size=1, max_size=6))
def test_the_key_of_a_sample_ignores_the_order_of_its_fields(sample: dict[str, Any]) -> None:
    reordered = dict(reversed(list(sample.items())))
    assert codec.sample_key(reordered) == codec.sample_key(sample)
    assert len(codec.sample_key(sample)) == 64


def test_a_document_that_looks_like_the_tag_but_is_not_one_is_kept() -> None:
    document = {"$assay:float": "not a float name", "nested": [{"$assay:float": 3}]}
    assert codec.loads(codec.dumps(document)) == document
