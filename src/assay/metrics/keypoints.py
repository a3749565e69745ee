"""Keypoint metrics: normalised mean error per sample, failure rate, cumulative error curve and its AUC."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from assay.metrics._errors import MetricsInputError
from assay.metrics._validation import as_float_array

__all__ = ["cumulative_error_auc", "cumulative_error_curve", "failure_rate", "normalized_mean_error"]


def normalized_mean_error(
    ground_truth: npt.ArrayLike,
    predicted: npt.ArrayLike,
    *,
    normalizer: npt.ArrayLike | float = 1.0,
    visible: npt.ArrayLike | None = None,
) -> npt.NDArray[np.float64]:
    """Normalised mean error (NME) of each sample's keypoints.

    ``NME_i = (1 / |V_i|) Σ_{k ∈ V_i} ||p_ik - g_ik||₂ / d_i``, where ``V_i`` are the visible keypoints
    of sample i and ``d_i`` its normaliser (inter-ocular distance, box diagonal, ...). A sample with no
    visible keypoint has no error to measure: its NME is NaN, which the aggregations below skip.

    Args:
        ground_truth: ``(N, K, D)`` true coordinates (D = 2 or 3).
        predicted: ``(N, K, D)`` predicted coordinates.
        normalizer: Scalar or ``(N,)`` positive normalising distances.
        visible: ``(N, K)`` flags of keypoints to score; default all.

    Returns:
        ``(N,)`` NME per sample.

    Raises:
        MetricsInputError: On mismatched shapes or a normaliser that is not positive.

    Example:
        >>> normalized_mean_error([[[0, 0], [10, 0]]], [[[3, 4], [10, 0]]], normalizer=10).tolist()
        [0.25]
    """
    g = as_float_array(ground_truth, "ground_truth", ndim=3)
    p = as_float_array(predicted, "predicted", ndim=3)
    if g.shape != p.shape:
        raise MetricsInputError(f"ground_truth has shape {g.shape} but predicted has shape {p.shape}")
    norm = np.broadcast_to(as_float_array(normalizer, "normalizer", ndim=None), (g.shape[0],))
    if np.any(norm <= 0):
        raise MetricsInputError("normalizer must be positive for every sample")
    mask = np.ones(g.shape[:2], dtype=bool) if visible is None else np.asarray(visible, dtype=bool)
    if mask.shape != g.shape[:2]:
        raise MetricsInputError(f"visible must have shape {g.shape[:2]}, got {mask.shape}")
    distances = np.linalg.norm(p - g, axis=2)
    counts = mask.sum(axis=1)
    totals = np.where(mask, distances, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, totals / np.maximum(counts, 1) / norm, np.nan)


def _errors(nme: npt.ArrayLike) -> npt.NDArray[np.float64]:
    values = as_float_array(nme, "nme", finite=False)
    if np.any(np.isinf(values)) or np.any(values[~np.isnan(values)] < 0):
        raise MetricsInputError("nme must hold non-negative finite errors (NaN for unscored samples)")
    return values[~np.isnan(values)]


def failure_rate(nme: npt.ArrayLike, threshold: float) -> float:
    """Share of scored samples whose NME exceeds ``threshold``.

    ``FR = |{i : NME_i > threshold}| / N_scored``; NaN entries (unscored samples) are skipped, and no
    scored sample gives 0.0.

    Args:
        nme: ``(N,)`` per-sample errors.
        threshold: Failure threshold, e.g. 0.08 or 0.1.

    Returns:
        The failure rate, in [0, 1].

    Raises:
        MetricsInputError: On negative or infinite errors.

    Example:
        >>> failure_rate([0.02, 0.12, 0.05, float("nan")], 0.1).__round__(4)
        0.3333
    """
    errors = _errors(nme)
    return float(np.mean(errors > threshold)) if errors.size else 0.0


def cumulative_error_curve(
    nme: npt.ArrayLike, max_error: float, *, num_points: int = 101
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Cumulative error distribution: share of scored samples with NME at most e, for e in [0, max_error].

    Args:
        nme: ``(N,)`` per-sample errors (NaN skipped).
        max_error: Upper end of the curve, positive.
        num_points: Number of evenly spaced error values, at least 2.

    Returns:
        ``(errors, fraction)``; the fraction is 0 everywhere when no sample is scored.

    Raises:
        MetricsInputError: On ``max_error <= 0``, ``num_points < 2`` or invalid errors.

    Example:
        >>> e, f = cumulative_error_curve([0.0, 0.1], 0.2, num_points=3)
        >>> e.tolist(), f.tolist()
        ([0.0, 0.1, 0.2], [0.5, 1.0, 1.0])
    """
    if max_error <= 0 or num_points < 2:
        raise MetricsInputError("max_error must be positive and num_points at least 2")
    errors = np.sort(_errors(nme))
    grid = np.linspace(0.0, max_error, num_points)
    if errors.size == 0:
        return grid, np.zeros(num_points)
    return grid, np.searchsorted(errors, grid, side="right") / errors.size


def cumulative_error_auc(nme: npt.ArrayLike, max_error: float) -> float:
    """Area under the cumulative error curve up to ``max_error``, divided by ``max_error``.

    Computed exactly, not on a grid: ``AUC = (1/N) Σ_i max(0, 1 - NME_i / max_error)``, the integral of
    the step curve. 1 means every error is 0; 0 means every error is at least ``max_error``; no scored
    sample gives 0.0.

    Args:
        nme: ``(N,)`` per-sample errors (NaN skipped).
        max_error: Upper end of the integral, positive.

    Returns:
        The normalised AUC, in [0, 1].

    Raises:
        MetricsInputError: On ``max_error <= 0`` or invalid errors.

    Example:
        >>> cumulative_error_auc([0.0, 0.1], 0.2)
        0.75
    """
    if max_error <= 0:
        raise MetricsInputError(f"max_error must be positive, got {max_error}")
    errors = _errors(nme)
    if errors.size == 0:
        return 0.0
    return float(np.mean(np.clip(1.0 - errors / max_error, 0.0, 1.0)))
