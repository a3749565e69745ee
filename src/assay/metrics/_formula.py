"""Rates from confusion counts.

Each function takes counts (ints or floats, such as sums of per-sample counts) and returns a float. A
rate whose denominator is zero (or NaN) is 0.0, never NaN, so that an empty test case reads as "nothing
found" rather than breaking a table; read the counts alongside when that distinction matters.
"""

from __future__ import annotations

import math

from assay.metrics._errors import MetricsInputError

__all__ = ["accuracy", "f1_score", "fpr", "precision", "recall", "specificity"]


def _count(value: float, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise MetricsInputError(f"{name} must be a number, got {value!r}") from None
    if number < 0:
        raise MetricsInputError(f"{name} must be a non-negative count, got {value!r}")
    return number


def _ratio(numerator: float, denominator: float) -> float:
    if denominator == 0 or math.isnan(denominator):
        return 0.0
    return numerator / denominator


def precision(tp: float, fp: float) -> float:
    """Share of positive predictions that are correct.

    ``precision = TP / (TP + FP)``; 0.0 when there is no positive prediction (``TP + FP == 0``).

    Args:
        tp: Number of true positives.
        fp: Number of false positives.

    Returns:
        The precision, in [0, 1].

    Raises:
        MetricsInputError: If a count is negative or not a number.

    Example:
        >>> precision(3, 1)
        0.75
        >>> precision(0, 0)
        0.0
    """
    tp, fp = _count(tp, "tp"), _count(fp, "fp")
    return _ratio(tp, tp + fp)


def recall(tp: float, fn: float) -> float:
    """Share of actual positives that are found (sensitivity, true positive rate).

    ``recall = TP / (TP + FN)``; 0.0 when there is no actual positive (``TP + FN == 0``).

    Args:
        tp: Number of true positives.
        fn: Number of false negatives.

    Returns:
        The recall, in [0, 1].

    Raises:
        MetricsInputError: If a count is negative or not a number.

    Example:
        >>> recall(3, 1)
        0.75
    """
    tp, fn = _count(tp, "tp"), _count(fn, "fn")
    return _ratio(tp, tp + fn)


def f1_score(tp: float, fp: float, fn: float) -> float:
    """Harmonic mean of precision and recall.

    ``F1 = 2 * P * R / (P + R)`` with ``P = precision(tp, fp)`` and ``R = recall(tp, fn)`` (equal to
    ``2 TP / (2 TP + FP + FN)``); 0.0 when ``P + R == 0``, which includes ``TP == 0``.

    Args:
        tp: Number of true positives.
        fp: Number of false positives.
        fn: Number of false negatives.

    Returns:
        The F1 score, in [0, 1].

    Raises:
        MetricsInputError: If a count is negative or not a number.

    Example:
        >>> round(f1_score(3, 1, 2), 4)
        0.6667
        >>> f1_score(0, 5, 5)
        0.0
    """
    p = precision(tp, fp)
    r = recall(tp, fn)
    return _ratio(2 * p * r, p + r)


def accuracy(tp: float, fp: float, fn: float, tn: float) -> float:
    """Share of all decisions that are correct.

    ``accuracy = (TP + TN) / (TP + FP + FN + TN)``; 0.0 when all counts are 0.

    Args:
        tp: Number of true positives.
        fp: Number of false positives.
        fn: Number of false negatives.
        tn: Number of true negatives.

    Returns:
        The accuracy, in [0, 1].

    Raises:
        MetricsInputError: If a count is negative or not a number.

    Example:
        >>> accuracy(3, 1, 2, 4)
        0.7
    """
    tp, fp, fn, tn = _count(tp, "tp"), _count(fp, "fp"), _count(fn, "fn"), _count(tn, "tn")
    return _ratio(tp + tn, tp + fp + fn + tn)


def specificity(tn: float, fp: float) -> float:
    """Share of actual negatives predicted negative (true negative rate).

    ``specificity = TN / (TN + FP)``; 0.0 when there is no actual negative.

    Args:
        tn: Number of true negatives.
        fp: Number of false positives.

    Returns:
        The specificity, in [0, 1].

    Raises:
        MetricsInputError: If a count is negative or not a number.

    Example:
        >>> specificity(9, 1)
        0.9
    """
    tn, fp = _count(tn, "tn"), _count(fp, "fp")
    return _ratio(tn, tn + fp)


def fpr(tn: float, fp: float) -> float:
    """Share of actual negatives predicted positive (false positive rate, ``1 - specificity``).

    ``FPR = FP / (FP + TN)``; 0.0 when there is no actual negative.

    Args:
        tn: Number of true negatives.
        fp: Number of false positives.

    Returns:
        The false positive rate, in [0, 1].

    Raises:
        MetricsInputError: If a count is negative or not a number.

    Example:
        >>> fpr(9, 1)
        0.1
    """
    tn, fp = _count(tn, "tn"), _count(fp, "fp")
    return _ratio(fp, fp + tn)
