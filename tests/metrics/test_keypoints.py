"""Keypoint metrics: NME by hand, failure rate, the cumulative error curve and its exact AUC."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.metrics import (
    MetricsInputError,
    cumulative_error_auc,
    cumulative_error_curve,
    failure_rate,
    normalized_mean_error,
)


def test_nme_averages_visible_distances_over_the_normaliser():
    gt = np.zeros((2, 3, 2))
    pred = np.zeros((2, 3, 2))
    pred[0, 0] = [3, 4]  # distance 5
    pred[0, 1] = [0, 2]  # distance 2, but hidden
    pred[1, :] = [6, 8]  # distance 10 each
    visible = np.array([[True, False, True], [True, True, True]])
    nme = normalized_mean_error(gt, pred, normalizer=[5.0, 10.0], visible=visible)
    np.testing.assert_allclose(nme, [(5 + 0) / 2 / 5, 1.0])


def test_sample_without_visible_keypoints_is_nan_and_skipped():
    nme = normalized_mean_error(np.zeros((2, 1, 2)), np.ones((2, 1, 2)), visible=[[False], [True]])
    assert np.isnan(nme[0])
    assert failure_rate(nme, 1.0) == 1.0
    assert cumulative_error_auc([np.nan], 0.1) == 0.0


@settings(max_examples=50, deadline=None)
@given(errors=st.lists(st.floats(0, 0.3), min_size=1, max_size=30), max_error=st.floats(0.05, 0.3))
def test_exact_auc_equals_a_fine_trapezoid_of_the_curve(errors, max_error):
    grid, fraction = cumulative_error_curve(errors, max_error, num_points=200_001)
    trapezoid = np.sum(np.diff(grid) * (fraction[1:] + fraction[:-1]) / 2) / max_error
    assert cumulative_error_auc(errors, max_error) == pytest.approx(trapezoid, abs=1e-4)


@settings(max_examples=50, deadline=None)
@given(errors=st.lists(st.floats(0, 1), min_size=1, max_size=30), threshold=st.floats(0.001, 1))
def test_failure_rate_is_one_minus_the_curve_at_the_threshold(errors, threshold):
    _, fraction = cumulative_error_curve(errors, threshold, num_points=2)
    assert failure_rate(errors, threshold) == pytest.approx(1 - fraction[-1])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: normalized_mean_error(np.zeros((1, 2, 2)), np.zeros((1, 3, 2))), "shape"),
        (lambda: normalized_mean_error(np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), normalizer=0), "positive"),
        (lambda: failure_rate([-0.1], 0.1), "non-negative"),
        (lambda: cumulative_error_auc([0.1], 0), "positive"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(MetricsInputError, match=message):
        call()
