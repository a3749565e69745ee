"""Classification metrics against scikit-learn, on random data drawn by hypothesis."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve as sk_calibration_curve

from assay.metrics import (
    MetricsInputError,
    accuracy_score,
    average_precision,
    calibration_curve,
    class_counts,
    confusion_matrix,
    expected_calibration_error,
    precision_recall_curve,
    precision_recall_f1,
    roc_auc,
    roc_curve,
    top_k_accuracy,
)

TOL = 1e-12


@st.composite
def multiclass(draw, min_size=0):
    n_classes = draw(st.integers(1, 6))
    n = draw(st.integers(min_size, 60))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_classes, n), rng.integers(0, n_classes, n), n_classes


@st.composite
def binary_scores(draw):
    n = draw(st.integers(2, 80))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    y = rng.integers(0, 2, n)
    y[0], y[1] = 0, 1  # both classes present
    # Few distinct values so that ties are common.
    scores = rng.choice(np.linspace(0, 1, draw(st.integers(2, 12))), n)
    return y, scores


@settings(max_examples=50, deadline=None)
@given(data=multiclass(min_size=1))
def test_confusion_matrix_equals_sklearn(data):
    y_true, y_pred, c = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # scikit-learn's note about a single class
        expected = skm.confusion_matrix(y_true, y_pred, labels=np.arange(c))
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, num_classes=c), expected)


@settings(max_examples=50, deadline=None)
@given(data=multiclass(min_size=1), average=st.sampled_from([None, "macro", "micro", "weighted"]))
def test_precision_recall_f1_equal_sklearn(data, average):
    y_true, y_pred, c = data
    ours = precision_recall_f1(y_true, y_pred, num_classes=c, average=average)
    p, r, f, _ = skm.precision_recall_fscore_support(
        y_true, y_pred, labels=np.arange(c), average=average, zero_division=0.0
    )
    np.testing.assert_allclose(ours.precision, p, atol=TOL)
    np.testing.assert_allclose(ours.recall, r, atol=TOL)
    np.testing.assert_allclose(ours.f1, f, atol=TOL)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), average=st.sampled_from([None, "macro", "micro", "weighted"]))
def test_multilabel_scores_equal_sklearn(seed, average):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, (30, 4))
    y_pred = rng.integers(0, 2, (30, 4))
    ours = precision_recall_f1(y_true, y_pred, average=average)
    p, r, f, _ = skm.precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=0.0)
    np.testing.assert_allclose([ours.precision, ours.recall, ours.f1], [p, r, f], atol=TOL)
    counts = class_counts(y_true, y_pred)
    np.testing.assert_array_equal(
        np.stack([counts.tn, counts.fp, counts.fn, counts.tp], axis=1).reshape(-1, 2, 2),
        skm.multilabel_confusion_matrix(y_true, y_pred),
    )
    assert accuracy_score(y_true, y_pred) == skm.accuracy_score(y_true, y_pred)


@settings(max_examples=50, deadline=None)
@given(data=multiclass(min_size=1))
def test_accuracy_equals_sklearn(data):
    y_true, y_pred, _ = data
    assert accuracy_score(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred), abs=TOL)


@settings(max_examples=50, deadline=None)
@given(data=binary_scores(), drop=st.booleans())
def test_roc_curve_and_auc_equal_sklearn(data, drop):
    y, s = data
    fpr, tpr, thresholds = roc_curve(y, s, drop_intermediate=drop)
    e_fpr, e_tpr, e_thr = skm.roc_curve(y, s, drop_intermediate=drop)
    np.testing.assert_allclose(fpr, e_fpr, atol=TOL)
    np.testing.assert_allclose(tpr, e_tpr, atol=TOL)
    np.testing.assert_array_equal(thresholds, e_thr)
    assert roc_auc(y, s) == pytest.approx(skm.roc_auc_score(y, s), abs=TOL)


@settings(max_examples=50, deadline=None)
@given(data=binary_scores())
def test_precision_recall_curve_and_average_precision_equal_sklearn(data):
    y, s = data
    for ours, expected in zip(precision_recall_curve(y, s), skm.precision_recall_curve(y, s), strict=True):
        np.testing.assert_allclose(ours, expected, atol=TOL)
    assert average_precision(y, s) == pytest.approx(skm.average_precision_score(y, s), abs=TOL)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), average=st.sampled_from(["macro", "weighted"]))
def test_multiclass_auc_and_ap_equal_sklearn(seed, average):
    rng = np.random.default_rng(seed)
    n, c = 40, 4
    y = np.concatenate([np.arange(c), rng.integers(0, c, n - c)])
    raw = rng.random((n, c))
    probs = raw / raw.sum(axis=1, keepdims=True)
    expected_auc = skm.roc_auc_score(y, probs, multi_class="ovr", average=average)
    assert roc_auc(y, probs, average=average) == pytest.approx(expected_auc, abs=TOL)
    indicators = np.eye(c, dtype=int)[y]
    expected_ap = skm.average_precision_score(indicators, probs, average=average)
    assert average_precision(y, probs, average=average) == pytest.approx(expected_ap, abs=TOL)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_multilabel_micro_auc_and_ap_equal_sklearn(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, (30, 3))
    y[0], y[1] = 0, 1
    s = rng.random((30, 3))
    assert roc_auc(y, s, average="micro") == pytest.approx(skm.roc_auc_score(y, s, average="micro"), abs=TOL)
    assert average_precision(y, s, average="micro") == pytest.approx(
        skm.average_precision_score(y, s, average="micro"), abs=TOL
    )


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 4), ties=st.booleans())
def test_top_k_accuracy_equals_sklearn(seed, k, ties):
    # k = C is left out: scikit-learn warns that the score is then trivially 1.
    rng = np.random.default_rng(seed)
    n, c = 30, 5
    y = np.concatenate([np.arange(c), rng.integers(0, c, n - c)])
    scores = rng.integers(0, 3, (n, c)).astype(float) if ties else rng.random((n, c))
    expected = skm.top_k_accuracy_score(y, scores, k=k, labels=np.arange(c))
    assert top_k_accuracy(y, scores, k=k) == pytest.approx(expected, abs=TOL)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_bins=st.integers(1, 15))
def test_calibration_curve_equals_sklearn_and_ece_is_its_weighted_gap(seed, n_bins):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 50)
    p = np.round(rng.random(50), 1)  # values on bin edges included
    frac, mean, counts = calibration_curve(y, p, n_bins=n_bins)
    e_frac, e_mean = sk_calibration_curve(y, p, n_bins=n_bins)
    np.testing.assert_allclose(frac, e_frac, atol=TOL)
    np.testing.assert_allclose(mean, e_mean, atol=TOL)
    assert counts.sum() == 50
    ece = expected_calibration_error(y, p, n_bins=n_bins)
    assert ece == pytest.approx(np.sum(counts / 50 * np.abs(e_frac - e_mean)), abs=TOL)


def test_multiclass_ece_uses_top_probability():
    probs = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])
    y = np.array([0, 1, 1])
    # Confidences 0.9 (right), 0.6 (wrong), 0.8 (right) in 2 bins: (0, .5] empty, (.5, 1] all.
    assert expected_calibration_error(y, probs, n_bins=2) == pytest.approx(abs(2 / 3 - (0.9 + 0.6 + 0.8) / 3))


def test_perfectly_calibrated_predictions_have_zero_ece():
    assert expected_calibration_error([0, 1, 1, 0], [0.0, 1.0, 1.0, 0.0]) == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: roc_curve([1, 1], [0.2, 0.4]), "both classes"),
        (lambda: roc_auc([0, 0], [0.2, 0.4]), "both classes"),
        (lambda: precision_recall_curve([0, 0], [0.1, 0.2]), "no positive"),
        (lambda: confusion_matrix([0, 1], [0]), "same length"),
        (lambda: confusion_matrix([0, 3], [0, 1], num_classes=2), "num_classes"),
        (lambda: precision_recall_f1([0, 1], [0, 1], average="samples"), "average"),
        (lambda: top_k_accuracy([0], [[0.1, 0.9]], k=0), "k must"),
        (lambda: calibration_curve([0, 1], [0.5, 1.5]), r"\[0, 1\]"),
        (lambda: confusion_matrix([0.5], [1]), "integers"),
        (lambda: roc_curve([0, 2], [0.1, 0.2]), "binary"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(MetricsInputError, match=message):
        call()


def test_empty_input_gives_zero_counts():
    # scikit-learn refuses empty input; Assay gives the counts of nothing, for empty test cases.
    assert confusion_matrix([], [], num_classes=2).tolist() == [[0, 0], [0, 0]]
    assert accuracy_score([], []) == 0.0


def test_top_k_with_k_at_least_the_number_of_classes_is_one():
    assert top_k_accuracy([0, 1], [[0.1, 0.9], [0.8, 0.2]], k=2) == 1.0
