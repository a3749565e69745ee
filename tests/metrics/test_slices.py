"""The per-slice engine: each slice equals a fresh computation on its samples."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.metrics import (
    MetricsInputError,
    SliceSet,
    class_counts,
    classification_counts_by_slice,
    mean_by_slice,
    scores_from_counts,
    sum_by_slice,
)


@st.composite
def sliced(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 80))
    c = draw(st.integers(1, 6))
    s = draw(st.integers(1, 6))
    masks = rng.random((s, n)) < draw(st.floats(0.0, 1.0))
    masks[0] = False
    masks[0, rng.integers(n)] = True  # a slice with one sample
    return rng.integers(0, c, n), rng.integers(0, c, n), c, masks


@settings(max_examples=50, deadline=None)
@given(data=sliced())
def test_classification_counts_per_slice_equal_fresh_counts(data):
    y_true, y_pred, c, masks = data
    counts = classification_counts_by_slice(y_true, y_pred, masks, num_classes=c)
    for s, mask in enumerate(masks):
        fresh = class_counts(y_true[mask], y_pred[mask], num_classes=c)
        for field in ("tp", "fp", "fn", "tn"):
            np.testing.assert_array_equal(getattr(counts, field)[s], getattr(fresh, field))
    macro = scores_from_counts(counts, average="macro")
    for s, mask in enumerate(masks):
        fresh = scores_from_counts(class_counts(y_true[mask], y_pred[mask], num_classes=c), average="macro")
        assert macro.f1[s] == pytest.approx(fresh.f1, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(data=sliced())
def test_sum_and_mean_by_slice_equal_numpy_per_slice(data):
    values, _, _, masks = data
    values = values.astype(float)
    values[::5] = np.nan
    sums = sum_by_slice(np.nan_to_num(values), masks)
    means = mean_by_slice(values, masks)
    for s, mask in enumerate(masks):
        assert sums[s] == pytest.approx(np.nan_to_num(values)[mask].sum())
        finite = values[mask][~np.isnan(values[mask])]
        if finite.size:
            assert means[s] == pytest.approx(finite.mean())
        else:
            assert np.isnan(means[s])


def test_empty_slice_sums_to_zero_and_counts_nothing():
    counts = classification_counts_by_slice([0, 1], [0, 1], [[], [0, 1]])
    assert counts.tp.tolist() == [[0, 0], [1, 1]]
    assert sum_by_slice(np.ones((2, 3)), [[], [1]]).tolist() == [[0, 0, 0], [1, 1, 1]]


def test_slice_set_forms_agree():
    masks = np.array([[True, False, True], [False, False, False]])
    a = SliceSet.from_masks(masks)
    b = SliceSet.from_indices([[2, 0, 0], []], num_samples=3)
    assert a.indptr.tolist() == b.indptr.tolist() and a.indices.tolist() == b.indices.tolist()
    assert a.members(0).tolist() == [0, 2]


@pytest.mark.parametrize(
    ("slices", "message"),
    [
        (np.ones(3, dtype=bool), "1-D"),
        (np.ones((1, 4), dtype=bool), "columns"),
        ([[0, 5]], "outside"),
        ([[0.5]], "integer"),
        ("abc", "mask matrix"),
        (np.full((1, 3), 2), "0/1"),
    ],
)
def test_bad_slices_are_refused(slices, message):
    with pytest.raises(MetricsInputError, match=message):
        classification_counts_by_slice([0, 1, 1], [0, 1, 0], slices)
