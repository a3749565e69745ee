"""Rates from confusion counts: formulas, zero denominators, bad input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.metrics import MetricsInputError, accuracy, f1_score, fpr, precision, recall, specificity

counts = st.integers(0, 10_000)


@given(tp=counts, fp=counts, fn=counts, tn=counts)
def test_rates_match_their_formulas(tp, fp, fn, tn):
    assert precision(tp, fp) == (tp / (tp + fp) if tp + fp else 0.0)
    assert recall(tp, fn) == (tp / (tp + fn) if tp + fn else 0.0)
    assert specificity(tn, fp) == (tn / (tn + fp) if tn + fp else 0.0)
    assert fpr(tn, fp) == (fp / (fp + tn) if fp + tn else 0.0)
    assert accuracy(tp, fp, fn, tn) == ((tp + tn) / (tp + fp + fn + tn) if tp + fp + fn + tn else 0.0)
    expected_f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    assert f1_score(tp, fp, fn) == pytest.approx(expected_f1, rel=1e-12)


@given(tn=counts, fp=counts)
def test_fpr_and_specificity_add_up_to_one_with_negatives(tn, fp):
    if tn + fp:
        assert fpr(tn, fp) + specificity(tn, fp) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("function", "args"),
    [(precision, (0, 0)), (recall, (0, 0)), (f1_score, (0, 0, 0)), (accuracy, (0, 0, 0, 0)), (fpr, (0, 0))],
)
def test_zero_denominator_gives_zero(function, args):
    assert function(*args) == 0.0


def test_nan_denominator_gives_zero():
    assert precision(math.nan, 1) == 0.0


@pytest.mark.parametrize(("function", "args", "name"), [(precision, (-1, 2), "tp"), (recall, (1, "x"), "fn")])
def test_bad_counts_are_refused_naming_the_argument(function, args, name):
    with pytest.raises(MetricsInputError, match=name):
        function(*args)
