"""Regression metrics over plain arrays: errors, R² and correlations.

Every function takes ``(N,)`` targets and predictions and returns a float. Empty input is refused (an
error, not NaN); undefined correlations (a constant input) are 0.0, stated in each docstring.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from assay.metrics._errors import MetricsInputError
from assay.metrics._validation import as_float_array, check_same_length

__all__ = [
    "mean_absolute_error",
    "mean_squared_error",
    "pearson_correlation",
    "r2_score",
    "rank",
    "root_mean_squared_error",
    "spearman_correlation",
]


def _pair(y_true: npt.ArrayLike, y_pred: npt.ArrayLike, minimum: int = 1) -> tuple[np.ndarray, np.ndarray]:
    t = as_float_array(y_true, "y_true")
    p = as_float_array(y_pred, "y_pred")
    n = check_same_length(y_true=t, y_pred=p)
    if n < minimum:
        raise MetricsInputError(f"at least {minimum} sample(s) needed, got {n}")
    return t, p


def mean_absolute_error(y_true: npt.ArrayLike, y_pred: npt.ArrayLike) -> float:
    """Mean absolute error, ``MAE = (1/N) Σ |y_i - ŷ_i|``.

    Args:
        y_true: ``(N,)`` targets, N >= 1.
        y_pred: ``(N,)`` predictions.

    Returns:
        The MAE (0 is perfect).

    Raises:
        MetricsInputError: On empty or non-finite input or mismatched lengths.

    Example:
        >>> mean_absolute_error([1, 2, 3], [1, 3, 5])
        1.0
    """
    t, p = _pair(y_true, y_pred)
    return float(np.mean(np.abs(t - p)))


def mean_squared_error(y_true: npt.ArrayLike, y_pred: npt.ArrayLike) -> float:
    """Mean squared error, ``MSE = (1/N) Σ (y_i - ŷ_i)²``.

    Args:
        y_true: ``(N,)`` targets, N >= 1.
        y_pred: ``(N,)`` predictions.

    Returns:
        The MSE (0 is perfect).

    Raises:
        MetricsInputError: On empty or non-finite input or mismatched lengths.

    Example:
        >>> mean_squared_error([1, 2, 3], [1, 3, 5])
        1.6666666666666667
    """
    t, p = _pair(y_true, y_pred)
    return float(np.mean((t - p) ** 2))


def root_mean_squared_error(y_true: npt.ArrayLike, y_pred: npt.ArrayLike) -> float:
    """Root mean squared error, ``RMSE = sqrt(MSE)``, in the unit of the target.

    Args:
        y_true: ``(N,)`` targets, N >= 1.
        y_pred: ``(N,)`` predictions.

    Returns:
        The RMSE (0 is perfect).

    Raises:
        MetricsInputError: On empty or non-finite input or mismatched lengths.

    Example:
        >>> root_mean_squared_error([0, 0], [3, 4]).__round__(4)
        3.5355
    """
    return float(np.sqrt(mean_squared_error(y_true, y_pred)))


def r2_score(y_true: npt.ArrayLike, y_pred: npt.ArrayLike) -> float:
    """Coefficient of determination, ``R² = 1 - Σ (y_i - ŷ_i)² / Σ (y_i - ȳ)²``.

    1 is perfect, 0 is as good as predicting the mean, and it can be negative. With a constant target
    (zero denominator) R² is 1.0 for a perfect prediction and 0.0 otherwise, as in scikit-learn.

    Args:
        y_true: ``(N,)`` targets, N >= 1.
        y_pred: ``(N,)`` predictions.

    Returns:
        The R² score.

    Raises:
        MetricsInputError: On empty or non-finite input or mismatched lengths.

    Example:
        >>> r2_score([1, 2, 3], [1, 2, 4])
        0.5
    """
    t, p = _pair(y_true, y_pred)
    residual = float(np.sum((t - p) ** 2))
    total = float(np.sum((t - np.mean(t)) ** 2))
    if total == 0:
        return 1.0 if residual == 0 else 0.0
    return 1.0 - residual / total


def pearson_correlation(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Pearson correlation, ``r = Σ (x_i - x̄)(y_i - ȳ) / sqrt(Σ (x_i - x̄)² Σ (y_i - ȳ)²)``.

    A constant input has no defined correlation; the result is then 0.0.

    Args:
        x: ``(N,)`` values, N >= 2.
        y: ``(N,)`` values.

    Returns:
        r, in [-1, 1].

    Raises:
        MetricsInputError: On fewer than 2 samples, non-finite input or mismatched lengths.

    Example:
        >>> pearson_correlation([1, 2, 3], [2, 4, 7]).__round__(4)
        0.9934
    """
    a, b = _pair(x, y, minimum=2)
    da, db = a - a.mean(), b - b.mean()
    denominator = float(np.sqrt(np.sum(da * da) * np.sum(db * db)))
    if denominator == 0:
        return 0.0
    return float(np.clip(np.sum(da * db) / denominator, -1.0, 1.0))


def rank(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Ranks from 1 to N, ties sharing the average of their positions.

    Args:
        values: ``(N,)`` values.

    Returns:
        ``(N,)`` ranks.

    Raises:
        MetricsInputError: On non-finite input.

    Example:
        >>> rank([10, 20, 20, 5]).tolist()
        [2.0, 3.5, 3.5, 1.0]
    """
    v = as_float_array(values, "values")
    order = np.argsort(v, kind="stable")
    sorted_values = v[order]
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]]) if v.size else np.zeros(0, int)
    ends = np.r_[starts[1:], v.size]
    average = (starts + ends + 1) / 2.0
    ranks = np.empty(v.size)
    ranks[order] = np.repeat(average, ends - starts)
    return ranks


def spearman_correlation(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Spearman rank correlation: the Pearson correlation of the ranks (ties get average ranks).

    A constant input has no defined correlation; the result is then 0.0.

    Args:
        x: ``(N,)`` values, N >= 2.
        y: ``(N,)`` values.

    Returns:
        ρ, in [-1, 1].

    Raises:
        MetricsInputError: On fewer than 2 samples, non-finite input or mismatched lengths.

    Example:
        >>> spearman_correlation([1, 2, 3, 4], [1, 3, 2, 4])
        0.8
    """
    a, b = _pair(x, y, minimum=2)
    return pearson_correlation(rank(a), rank(b))
