"""Regression metrics against scikit-learn and scipy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.metrics import (
    MetricsInputError,
    mean_absolute_error,
    mean_squared_error,
    pearson_correlation,
    r2_score,
    root_mean_squared_error,
    spearman_correlation,
)
from assay.metrics.regression import rank

TOL = 1e-10


@st.composite
def pairs(draw, min_size=2):
    n = draw(st.integers(min_size, 50))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(size=n)
    if draw(st.booleans()):
        x = np.round(x)  # ties
    return x, x * draw(st.floats(-2, 2)) + rng.normal(size=n)


@settings(max_examples=50, deadline=None)
@given(data=pairs(min_size=1))
def test_errors_and_r2_equal_sklearn(data):
    t, p = data
    assert mean_absolute_error(t, p) == pytest.approx(skm.mean_absolute_error(t, p), abs=TOL)
    assert mean_squared_error(t, p) == pytest.approx(skm.mean_squared_error(t, p), abs=TOL)
    assert root_mean_squared_error(t, p) == pytest.approx(skm.root_mean_squared_error(t, p), abs=TOL)
    if t.size >= 2:
        assert r2_score(t, p) == pytest.approx(skm.r2_score(t, p), abs=TOL)


@settings(max_examples=50, deadline=None)
@given(data=pairs())
def test_correlations_equal_scipy(data):
    x, y = data
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        assert pearson_correlation(x, y) == 0.0
        return
    assert pearson_correlation(x, y) == pytest.approx(scipy.stats.pearsonr(x, y).statistic, abs=TOL)
    if np.ptp(rank(x)) and np.ptp(rank(y)):
        assert spearman_correlation(x, y) == pytest.approx(scipy.stats.spearmanr(x, y).statistic, abs=TOL)


@settings(max_examples=50, deadline=None)
@given(values=st.lists(st.integers(-5, 5), min_size=1, max_size=40))
def test_rank_equals_scipy_average_rank(values):
    np.testing.assert_allclose(rank(values), scipy.stats.rankdata(values, method="average"))


def test_constant_target_r2_is_one_only_for_a_perfect_prediction():
    assert r2_score([2, 2, 2], [2, 2, 2]) == 1.0
    assert r2_score([2, 2, 2], [1, 2, 3]) == 0.0


def test_constant_input_has_zero_correlation():
    assert pearson_correlation([1, 1, 1], [1, 2, 3]) == 0.0
    assert spearman_correlation([1, 2, 3], [5, 5, 5]) == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mean_absolute_error([], []), "at least 1"),
        (lambda: pearson_correlation([1], [2]), "at least 2"),
        (lambda: mean_squared_error([1, 2], [1]), "same length"),
        (lambda: r2_score([1, np.nan], [1, 2]), "finite"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(MetricsInputError, match=message):
        call()
