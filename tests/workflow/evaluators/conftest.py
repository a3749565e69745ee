"""Shared checks of the built-in evaluators' tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest


def assert_metrics_close(actual: Any, expected: Any) -> None:
    """Same metrics class and values, nested rows included; floats to 1e-12 (summation order may differ)."""
    assert type(actual) is type(expected)
    for item in dataclasses.fields(actual):
        a, b = getattr(actual, item.name), getattr(expected, item.name)
        if isinstance(a, list) and a and dataclasses.is_dataclass(a[0]):
            assert len(a) == len(b), item.name
            for x, y in zip(a, b, strict=True):
                assert_metrics_close(x, y)
        elif isinstance(a, float):
            assert a == pytest.approx(b, rel=0, abs=1e-12), item.name
        else:
            assert a == b, item.name


@pytest.fixture
def metrics_close() -> Callable[[Any, Any], None]:
    """The check that two metrics objects agree."""
    return assert_metrics_close
