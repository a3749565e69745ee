"""Classification metrics for binary, multiclass and multilabel problems, over plain arrays.

Conventions:

* classes are integers ``0..C-1``; map names to indices once, e.g. with
  ``np.unique(names, return_inverse=True)``;
* ``*_score`` and rates are higher-is-better, ``*_error`` lower-is-better;
* a rate whose denominator is zero takes ``zero_division`` (0.0 by default) instead of NaN, as the
  formulas of :mod:`assay.metrics` do; curves and AUC raise when the data cannot define them
  (one class only), rather than returning NaN;
* per-class results are arrays of length C; ``average`` is ``None`` (per class), ``"macro"`` (unweighted
  mean over the C classes), ``"micro"`` (rates of the summed counts) or ``"weighted"`` (mean weighted by
  support, the number of true instances).

Every function here agrees with scikit-learn on the same input (with ``labels=range(C)`` where
scikit-learn would otherwise infer the classes present).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from assay.metrics._errors import MetricsInputError
from assay.metrics._validation import as_float_array, as_int_array, check_same_length

__all__ = [
    "ClassCounts",
    "ClassificationScores",
    "accuracy_score",
    "average_precision",
    "calibration_curve",
    "class_counts",
    "confusion_matrix",
    "expected_calibration_error",
    "precision_recall_curve",
    "precision_recall_f1",
    "roc_auc",
    "roc_curve",
    "scores_from_counts",
    "top_k_accuracy",
]

Average = Literal["macro", "micro", "weighted"] | None
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ClassCounts:
    """One-vs-rest confusion counts per class (the sufficient statistics of most rates).

    Arrays have shape ``(..., C)``: ``(C,)`` for one set of samples, ``(slices, C)`` from the per-slice
    engine. For single-label multiclass data ``fp`` of class j counts samples predicted j but of another
    class, so ``sum(fp) == sum(fn)``.

    Attributes:
        tp: Samples of the class predicted as the class.
        fp: Samples of other classes predicted as the class.
        fn: Samples of the class predicted as something else.
        tn: Samples of other classes not predicted as the class.
    """

    tp: IntArray
    fp: IntArray
    fn: IntArray
    tn: IntArray

    @property
    def support(self) -> IntArray:
        """Number of true instances per class, ``tp + fn``."""
        return self.tp + self.fn


@dataclass(frozen=True)
class ClassificationScores:
    """Precision, recall and F1, per class (arrays) or averaged (floats), with per-class support.

    Attributes:
        precision: ``TP / (TP + FP)``.
        recall: ``TP / (TP + FN)``.
        f1: ``2 TP / (2 TP + FP + FN)``.
        support: True instances per class, shape ``(..., C)``.
    """

    precision: FloatArray
    recall: FloatArray
    f1: FloatArray
    support: IntArray


def _labels(y: npt.ArrayLike, name: str) -> IntArray:
    return as_int_array(y, name, minimum=0)


def _num_classes(num_classes: int | None, *arrays: IntArray) -> int:
    seen = max((int(a.max()) + 1 for a in arrays if a.size), default=0)
    if num_classes is None:
        return seen
    if num_classes < seen:
        raise MetricsInputError(f"num_classes={num_classes}, but a label {seen - 1} was found")
    return int(num_classes)


def confusion_matrix(y_true: npt.ArrayLike, y_pred: npt.ArrayLike, *, num_classes: int | None = None) -> IntArray:
    """Count samples per (true class, predicted class).

    ``C[i, j]`` is the number of samples whose true class is ``i`` and predicted class is ``j``; rows are
    actual classes, columns predictions. Empty input gives a ``(C, C)`` matrix of zeros.

    Args:
        y_true: ``(N,)`` true class indices.
        y_pred: ``(N,)`` predicted class indices.
        num_classes: C; default one past the largest label seen.

    Returns:
        The ``(C, C)`` integer matrix.

    Raises:
        MetricsInputError: On mismatched lengths, negative or non-integer labels.

    Example:
        >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2]).tolist()
        [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    """
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    check_same_length(y_true=t, y_pred=p)
    c = _num_classes(num_classes, t, p)
    return np.bincount(t * c + p, minlength=c * c).reshape(c, c).astype(np.int64)


def class_counts(y_true: npt.ArrayLike, y_pred: npt.ArrayLike, *, num_classes: int | None = None) -> ClassCounts:
    """One-vs-rest TP/FP/FN/TN per class, for multiclass labels ``(N,)`` or multilabel indicators ``(N, C)``.

    Args:
        y_true: ``(N,)`` class indices, or ``(N, C)`` 0/1 indicators (multilabel).
        y_pred: Same shape as ``y_true``.
        num_classes: C for multiclass input; default one past the largest label seen.

    Returns:
        The :class:`ClassCounts`.

    Raises:
        MetricsInputError: On mismatched shapes or invalid labels.

    Example:
        >>> counts = class_counts([0, 1, 1], [0, 1, 0])
        >>> counts.tp.tolist(), counts.fp.tolist(), counts.fn.tolist(), counts.tn.tolist()
        ([1, 1], [1, 0], [0, 1], [1, 1])
    """
    raw_true = np.asarray(y_true)
    if raw_true.ndim == 2:
        t = as_int_array(raw_true, "y_true", ndim=2, minimum=0).astype(bool)
        p = as_int_array(y_pred, "y_pred", ndim=2, minimum=0).astype(bool)
        if t.shape != p.shape:
            raise MetricsInputError(f"y_true has shape {t.shape} but y_pred has shape {p.shape}")
        tp = (t & p).sum(axis=0)
        fp = (~t & p).sum(axis=0)
        fn = (t & ~p).sum(axis=0)
        tn = t.shape[0] - tp - fp - fn
        return ClassCounts(tp.astype(np.int64), fp.astype(np.int64), fn.astype(np.int64), tn.astype(np.int64))
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    n = check_same_length(y_true=t, y_pred=p)
    c = _num_classes(num_classes, t, p)
    tp = np.bincount(t[t == p], minlength=c)
    true_count = np.bincount(t, minlength=c)
    pred_count = np.bincount(p, minlength=c)
    return ClassCounts(tp, pred_count - tp, true_count - tp, n - true_count - pred_count + tp)


def _divide(num: FloatArray, den: FloatArray, zero_division: float) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), zero_division).astype(np.float64)


def scores_from_counts(
    counts: ClassCounts, *, average: Average = None, zero_division: float = 0.0
) -> ClassificationScores:
    """Precision, recall and F1 from per-class counts, per class or averaged over the last axis.

    ``P = TP / (TP + FP)``, ``R = TP / (TP + FN)``, ``F1 = 2 TP / (2 TP + FP + FN)``; a zero
    denominator gives ``zero_division``. ``"macro"`` averages the C per-class values, ``"weighted"``
    weights them by support (``zero_division`` when there is no support at all), ``"micro"`` computes
    the rates of the summed counts.

    Args:
        counts: Counts of shape ``(..., C)``.
        average: ``None``, ``"macro"``, ``"micro"`` or ``"weighted"``.
        zero_division: Value of a rate with a zero denominator.

    Returns:
        :class:`ClassificationScores` of shape ``(..., C)`` (``average=None``) or ``(...)``.

    Raises:
        MetricsInputError: On an unknown ``average``.

    Example:
        >>> counts = class_counts([0, 1, 1, 2], [0, 1, 2, 2])
        >>> scores_from_counts(counts, average="macro").f1.round(4)
        np.float64(0.7778)
    """
    if average not in (None, "macro", "micro", "weighted"):
        raise MetricsInputError(f"average must be None, 'macro', 'micro' or 'weighted', got {average!r}")
    tp = counts.tp.astype(np.float64)
    fp = counts.fp.astype(np.float64)
    fn = counts.fn.astype(np.float64)
    support = counts.support
    if average == "micro":
        tp, fp, fn = tp.sum(axis=-1), fp.sum(axis=-1), fn.sum(axis=-1)
        support = support.sum(axis=-1)
    precision = _divide(tp, tp + fp, zero_division)
    recall = _divide(tp, tp + fn, zero_division)
    f1 = _divide(2 * tp, 2 * tp + fp + fn, zero_division)
    if average == "macro":
        precision, recall, f1 = precision.mean(axis=-1), recall.mean(axis=-1), f1.mean(axis=-1)
        support = support.sum(axis=-1)
    elif average == "weighted":
        weights = support.astype(np.float64)
        total = weights.sum(axis=-1)

        def weighted(values: FloatArray) -> FloatArray:
            return _divide((values * weights).sum(axis=-1), total, zero_division)

        precision, recall, f1 = weighted(precision), weighted(recall), weighted(f1)
        support = support.sum(axis=-1)
    return ClassificationScores(precision=precision, recall=recall, f1=f1, support=np.asarray(support))


def precision_recall_f1(
    y_true: npt.ArrayLike,
    y_pred: npt.ArrayLike,
    *,
    num_classes: int | None = None,
    average: Average = None,
    zero_division: float = 0.0,
) -> ClassificationScores:
    """Precision, recall and F1 of multiclass labels or multilabel indicators.

    See :func:`scores_from_counts` for the formulas and averaging; counts come from :func:`class_counts`.
    For single-label multiclass data, micro precision = micro recall = micro F1 = accuracy.

    Args:
        y_true: ``(N,)`` class indices or ``(N, C)`` indicators.
        y_pred: Same shape as ``y_true``.
        num_classes: C for multiclass input.
        average: ``None``, ``"macro"``, ``"micro"`` or ``"weighted"``.
        zero_division: Value of a rate with a zero denominator.

    Returns:
        The :class:`ClassificationScores`.

    Raises:
        MetricsInputError: On invalid labels or options.

    Example:
        >>> s = precision_recall_f1([0, 1, 1, 2], [0, 1, 2, 2])
        >>> s.precision.tolist(), s.recall.tolist()
        ([1.0, 1.0, 0.5], [1.0, 0.5, 1.0])
    """
    counts = class_counts(y_true, y_pred, num_classes=num_classes)
    return scores_from_counts(counts, average=average, zero_division=zero_division)


def accuracy_score(y_true: npt.ArrayLike, y_pred: npt.ArrayLike) -> float:
    """Share of samples whose prediction equals the truth (exact match for multilabel rows).

    ``accuracy = (1/N) Σ 1[ŷ_i = y_i]``; 0.0 for empty input.

    Args:
        y_true: ``(N,)`` class indices or ``(N, C)`` indicators.
        y_pred: Same shape as ``y_true``.

    Returns:
        The accuracy, in [0, 1].

    Raises:
        MetricsInputError: On mismatched shapes.

    Example:
        >>> accuracy_score([0, 1, 2, 2], [0, 1, 2, 1])
        0.75
    """
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if t.shape != p.shape:
        raise MetricsInputError(f"y_true has shape {t.shape} but y_pred has shape {p.shape}")
    if t.shape[0] == 0:
        return 0.0
    hits = (t == p) if t.ndim == 1 else np.all(t == p, axis=1)
    return float(np.mean(hits))


def top_k_accuracy(y_true: npt.ArrayLike, y_score: npt.ArrayLike, *, k: int = 5) -> float:
    """Share of samples whose true class is among the k highest scores.

    Among equal scores, the class with the higher index ranks first (as in scikit-learn). 0.0 for empty
    input; ``k >= C`` gives 1.0.

    Args:
        y_true: ``(N,)`` class indices.
        y_score: ``(N, C)`` scores.
        k: Number of top classes that count, at least 1.

    Returns:
        The top-k accuracy, in [0, 1].

    Raises:
        MetricsInputError: On shapes that disagree, ``k < 1`` or labels outside ``0..C-1``.

    Example:
        >>> top_k_accuracy([0, 1], [[0.5, 0.3, 0.2], [0.6, 0.1, 0.3]], k=2)
        0.5
    """
    t = _labels(y_true, "y_true")
    scores = as_float_array(y_score, "y_score", ndim=2)
    check_same_length(y_true=t, y_score=scores)
    if k < 1:
        raise MetricsInputError(f"k must be at least 1, got {k}")
    if t.size and int(t.max()) >= scores.shape[1]:
        raise MetricsInputError(f"y_true holds class {int(t.max())} but y_score has {scores.shape[1]} columns")
    if t.size == 0:
        return 0.0
    ranked = np.argsort(scores, axis=1, kind="mergesort")[:, ::-1][:, :k]
    return float(np.mean(np.any(ranked == t[:, None], axis=1)))


def _binary(y_true: npt.ArrayLike, y_score: npt.ArrayLike) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    t = as_int_array(y_true, "y_true", minimum=0)
    if t.size and int(t.max()) > 1:
        raise MetricsInputError("y_true must be binary (0/1) for this curve; use one column per class")
    s = as_float_array(y_score, "y_score")
    check_same_length(y_true=t, y_score=s)
    return t.astype(bool), s


def _binary_curve(t: npt.NDArray[np.bool_], s: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Cumulative false and true positives at each distinct score, highest first."""
    order = np.argsort(s, kind="mergesort")[::-1]
    s, t = s[order], t[order]
    distinct = np.flatnonzero(np.diff(s))
    ends = np.r_[distinct, t.size - 1]
    tps = np.cumsum(t, dtype=np.float64)[ends]
    fps = 1 + ends - tps
    return fps, tps, s[ends]


def roc_curve(
    y_true: npt.ArrayLike, y_score: npt.ArrayLike, *, drop_intermediate: bool = True
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Receiver operating characteristic of a binary problem.

    For each distinct score threshold θ (descending, predict positive when ``score >= θ``):
    ``FPR(θ) = FP(θ) / N_neg`` and ``TPR(θ) = TP(θ) / N_pos``; the curve starts at (0, 0) with threshold
    ``inf``. ``drop_intermediate`` removes collinear points, which leaves the AUC unchanged.

    Args:
        y_true: ``(N,)`` 0/1 labels.
        y_score: ``(N,)`` scores, higher meaning more positive.
        drop_intermediate: Drop points that lie on a straight segment.

    Returns:
        ``(fpr, tpr, thresholds)``.

    Raises:
        MetricsInputError: If the labels are not binary or hold only one class (the curve is undefined).

    Example:
        >>> fpr, tpr, thr = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> fpr.tolist(), tpr.tolist()
        ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    t, s = _binary(y_true, y_score)
    n_pos = int(t.sum())
    if n_pos == 0 or n_pos == t.size:
        raise MetricsInputError("y_true must hold both classes to define a ROC curve")
    fps, tps, thresholds = _binary_curve(t, s)
    if drop_intermediate and fps.size > 2:
        keep = np.flatnonzero(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    return fps / fps[-1], tps / tps[-1], np.r_[np.inf, thresholds]


def _binary_auc(t: npt.NDArray[np.bool_], s: FloatArray) -> float:
    n_pos = int(t.sum())
    if n_pos == 0 or n_pos == t.size:
        raise MetricsInputError("y_true must hold both classes to define ROC AUC")
    fps, tps, _ = _binary_curve(t, s)
    x = np.r_[0.0, fps] / fps[-1]
    y = np.r_[0.0, tps] / tps[-1]
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2))


def roc_auc(
    y_true: npt.ArrayLike, y_score: npt.ArrayLike, *, average: Literal["macro", "weighted", "micro"] = "macro"
) -> float:
    """Area under the ROC curve: binary, multiclass one-vs-rest, or multilabel.

    Binary: ``AUC = ∫ TPR d(FPR)``, the trapezoidal area under :func:`roc_curve`, equal to
    ``P(s⁺ > s⁻) + ½ P(s⁺ = s⁻)`` for a random positive and a random negative.

    Multiclass (``y_true`` of class indices with ``(N, C)`` scores) and multilabel (``(N, C)``
    indicators): the AUC of each class against the rest, averaged (``"macro"``), weighted by prevalence
    (``"weighted"``), or, for multilabel only, computed on the flattened indicators (``"micro"``).

    Args:
        y_true: ``(N,)`` 0/1 labels or class indices, or ``(N, C)`` indicators.
        y_score: ``(N,)`` scores (binary) or ``(N, C)``.
        average: ``"macro"``, ``"weighted"`` or ``"micro"`` (multilabel).

    Returns:
        The AUC, in [0, 1].

    Raises:
        MetricsInputError: If a class has no positive or no negative sample, or shapes disagree.

    Example:
        >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        0.75
    """
    scores = np.asarray(y_score)
    truth = np.asarray(y_true)
    if scores.ndim == 1:
        return _binary_auc(*_binary(truth, scores))
    s = as_float_array(scores, "y_score", ndim=2)
    if truth.ndim == 1:
        t = _labels(truth, "y_true")
        check_same_length(y_true=t, y_score=s)
        if average == "micro":
            raise MetricsInputError("average='micro' is defined for multilabel input only")
        indicators = np.zeros(s.shape, dtype=bool)
        if t.size and int(t.max()) >= s.shape[1]:
            raise MetricsInputError(f"y_true holds class {int(t.max())} but y_score has {s.shape[1]} columns")
        indicators[np.arange(t.size), t] = True
    else:
        indicators = as_int_array(truth, "y_true", ndim=2, minimum=0).astype(bool)
        if indicators.shape != s.shape:
            raise MetricsInputError(f"y_true has shape {indicators.shape} but y_score has shape {s.shape}")
    if average == "micro":
        return _binary_auc(indicators.ravel(), s.ravel())
    if average not in ("macro", "weighted"):
        raise MetricsInputError(f"average must be 'macro', 'weighted' or 'micro', got {average!r}")
    aucs = np.array([_binary_auc(indicators[:, c], s[:, c]) for c in range(s.shape[1])])
    if average == "weighted":
        weights = indicators.sum(axis=0).astype(np.float64)
        return float(np.average(aucs, weights=weights))
    return float(np.mean(aucs))


def precision_recall_curve(y_true: npt.ArrayLike, y_score: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Precision and recall of a binary problem at every distinct score threshold.

    At threshold θ (predict positive when ``score >= θ``): ``P = TP / (TP + FP)``, ``R = TP / N_pos``.
    Points are ordered by increasing threshold (decreasing recall), and a final point (P=1, R=0) without
    threshold closes the curve, so ``len(thresholds) == len(precision) - 1``.

    Args:
        y_true: ``(N,)`` 0/1 labels.
        y_score: ``(N,)`` scores.

    Returns:
        ``(precision, recall, thresholds)``.

    Raises:
        MetricsInputError: If the labels are not binary or there is no positive sample.

    Example:
        >>> p, r, thr = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> p.round(3).tolist(), r.tolist()
        ([0.5, 0.667, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0])
    """
    t, s = _binary(y_true, y_score)
    if not t.any():
        raise MetricsInputError("y_true has no positive sample, so recall is undefined")
    fps, tps, thresholds = _binary_curve(t, s)
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]


def average_precision(
    y_true: npt.ArrayLike, y_score: npt.ArrayLike, *, average: Literal["macro", "weighted", "micro"] = "macro"
) -> float:
    """Average precision: the precision-recall curve summarised as a step integral (no interpolation).

    ``AP = Σ_n (R_n - R_{n-1}) P_n`` over the thresholds of :func:`precision_recall_curve`. For
    ``(N, C)`` scores with class indices or indicators, the per-class APs are averaged (``"macro"``),
    weighted by support (``"weighted"``), or computed on flattened indicators (``"micro"``).

    Args:
        y_true: ``(N,)`` 0/1 labels or class indices, or ``(N, C)`` indicators.
        y_score: ``(N,)`` or ``(N, C)`` scores.
        average: Averaging over classes for 2-D scores.

    Returns:
        The AP, in [0, 1].

    Raises:
        MetricsInputError: If a class has no positive sample, or shapes disagree.

    Example:
        >>> round(average_precision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
        0.8333
    """
    scores = np.asarray(y_score)
    truth = np.asarray(y_true)

    def binary_ap(t: npt.ArrayLike, s: npt.ArrayLike) -> float:
        precision, recall, _ = precision_recall_curve(t, s)
        return float(max(0.0, -np.sum(np.diff(recall) * precision[:-1])))

    if scores.ndim == 1:
        return binary_ap(truth, scores)
    s = as_float_array(scores, "y_score", ndim=2)
    if truth.ndim == 1:
        t = _labels(truth, "y_true")
        check_same_length(y_true=t, y_score=s)
        indicators = np.zeros(s.shape, dtype=np.int64)
        indicators[np.arange(t.size), t] = 1
    else:
        indicators = as_int_array(truth, "y_true", ndim=2, minimum=0)
    if average == "micro":
        return binary_ap(indicators.ravel(), s.ravel())
    if average not in ("macro", "weighted"):
        raise MetricsInputError(f"average must be 'macro', 'weighted' or 'micro', got {average!r}")
    aps = np.array([binary_ap(indicators[:, c], s[:, c]) for c in range(s.shape[1])])
    if average == "weighted":
        return float(np.average(aps, weights=indicators.sum(axis=0)))
    return float(np.mean(aps))


def calibration_curve(
    y_true: npt.ArrayLike, y_prob: npt.ArrayLike, *, n_bins: int = 10
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Reliability diagram of binary probabilities over equal-width bins.

    Bin b covers ``(b/n, (b+1)/n]`` (the first one includes 0.0), as in scikit-learn. For each non-empty
    bin: the fraction of positives and the mean predicted probability, with the bin's sample count.

    Args:
        y_true: ``(N,)`` 0/1 labels.
        y_prob: ``(N,)`` probabilities of the positive class, in [0, 1].
        n_bins: Number of bins, at least 1.

    Returns:
        ``(fraction_of_positives, mean_predicted, counts)`` over non-empty bins.

    Raises:
        MetricsInputError: If probabilities leave [0, 1] or ``n_bins < 1``.

    Example:
        >>> frac, mean, n = calibration_curve([0, 1, 1, 1], [0.1, 0.8, 0.9, 0.6], n_bins=2)
        >>> frac.tolist(), mean.round(3).tolist(), n.tolist()
        ([0.0, 1.0], [0.1, 0.767], [1, 3])
    """
    t, p = _binary(y_true, y_prob)
    if n_bins < 1:
        raise MetricsInputError(f"n_bins must be at least 1, got {n_bins}")
    if p.size and (p.min() < 0 or p.max() > 1):
        raise MetricsInputError("y_prob must hold probabilities in [0, 1]")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.searchsorted(edges[1:-1], p, side="left")
    counts = np.bincount(bins, minlength=n_bins)
    positives = np.bincount(bins, weights=t.astype(np.float64), minlength=n_bins)
    totals = np.bincount(bins, weights=p, minlength=n_bins)
    nonempty = counts > 0
    return (
        positives[nonempty] / counts[nonempty],
        totals[nonempty] / counts[nonempty],
        counts[nonempty].astype(np.int64),
    )


def expected_calibration_error(y_true: npt.ArrayLike, y_prob: npt.ArrayLike, *, n_bins: int = 10) -> float:
    """Expected calibration error (ECE) over equal-width confidence bins.

    ``ECE = Σ_b (n_b / N) |acc_b - conf_b|``. Binary (``(N,)`` probabilities of class 1): ``acc_b`` is the
    fraction of positives and ``conf_b`` the mean probability in bin b (the reliability diagram of
    :func:`calibration_curve`). Multiclass (``(N, C)`` probabilities): the confidence is the top
    probability and ``acc_b`` the fraction of samples whose top class is right. Empty input gives 0.0.

    Args:
        y_true: ``(N,)`` 0/1 labels (binary) or class indices (multiclass).
        y_prob: ``(N,)`` or ``(N, C)`` probabilities.
        n_bins: Number of bins.

    Returns:
        The ECE, in [0, 1].

    Raises:
        MetricsInputError: On probabilities outside [0, 1] or mismatched shapes.

    Example:
        >>> round(expected_calibration_error([0, 1, 1, 1], [0.1, 0.8, 0.9, 0.6], n_bins=2), 4)
        0.2
    """
    probs = np.asarray(y_prob)
    if probs.ndim == 2:
        p = as_float_array(probs, "y_prob", ndim=2)
        t = _labels(y_true, "y_true")
        check_same_length(y_true=t, y_prob=p)
        if t.size == 0:
            return 0.0
        correct = (np.argmax(p, axis=1) == t).astype(np.int64)
        y_true, probs = correct, p.max(axis=1)
    frac, mean, counts = calibration_curve(y_true, probs, n_bins=n_bins)
    total = counts.sum()
    if total == 0:
        return 0.0
    return float(np.sum(counts / total * np.abs(frac - mean)))
