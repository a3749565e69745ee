"""Per-slice evaluation: compute per-sample results once, aggregate them for many test cases.

A suite evaluates the same metric over many overlapping test cases (slices), for several models and
configurations. Everything per sample (matches, counts, sorted scores) is computed once; a slice then
only sums or filters rows. Slices are given as a boolean matrix ``(slices, num_samples)``, as lists of
sample indices, or as a :class:`SliceSet`.

* Classification: :func:`classification_counts_by_slice` returns per-slice one-vs-rest counts, to feed
  :func:`~assay.metrics.classification.scores_from_counts`.
* Detection: :func:`~assay.metrics.detection.match_detections` once per model and configuration, then
  :meth:`~assay.metrics.detection.DetectionMatches.evaluate` with all slices at once.
* Anything else: compute per-sample values and reduce them with :func:`sum_by_slice` or
  :func:`mean_by_slice`.

Example:
    >>> import numpy as np
    >>> from assay.metrics.classification import scores_from_counts
    >>> counts = classification_counts_by_slice([0, 1, 1, 0], [0, 1, 0, 0], [[0, 1], [2, 3]])
    >>> scores_from_counts(counts, average="micro").f1.tolist()
    [1.0, 0.5]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from assay.metrics._errors import MetricsInputError
from assay.metrics._sliceset import SliceSet
from assay.metrics._validation import as_int_array, check_same_length
from assay.metrics.classification import ClassCounts
from assay.metrics.detection import DetectionGroundTruth, DetectionMatches, match_detections

__all__ = [
    "DetectionGroundTruth",
    "DetectionMatches",
    "SliceSet",
    "classification_counts_by_slice",
    "match_detections",
    "mean_by_slice",
    "sum_by_slice",
]


def classification_counts_by_slice(
    y_true: npt.ArrayLike, y_pred: npt.ArrayLike, slices: Any, *, num_classes: int | None = None
) -> ClassCounts:
    """One-vs-rest TP/FP/FN/TN per slice and class, for single-label multiclass predictions.

    One pass over the members of each slice, without building a confusion matrix per slice: the cost is
    proportional to the total slice membership plus ``slices * C``.

    Args:
        y_true: ``(N,)`` true class indices.
        y_pred: ``(N,)`` predicted class indices.
        slices: Boolean matrix ``(S, N)``, list of index lists, or :class:`SliceSet`.
        num_classes: C; default one past the largest label seen.

    Returns:
        :class:`~assay.metrics.classification.ClassCounts` with arrays of shape ``(S, C)``.

    Raises:
        MetricsInputError: On invalid labels, lengths or slices.
    """
    t = as_int_array(y_true, "y_true", minimum=0)
    p = as_int_array(y_pred, "y_pred", minimum=0)
    n = check_same_length(y_true=t, y_pred=p)
    seen = max((int(a.max()) + 1 for a in (t, p) if a.size), default=0)
    c = seen if num_classes is None else int(num_classes)
    if c < seen:
        raise MetricsInputError(f"num_classes={num_classes}, but a label {seen - 1} was found")
    slice_set = SliceSet.coerce(slices, n)
    s = len(slice_set)
    # One packed integer per sample: a 32-bit word while classes fit in 15 bits, else 64 bits.
    shift = 16 if c < 2**15 else 32
    packed = (t << shift) | p
    if shift == 16:
        packed = packed.astype(np.int32)
    true_count = np.zeros((s, c), dtype=np.int64)
    pred_count = np.zeros((s, c), dtype=np.int64)
    tp = np.zeros((s, c), dtype=np.int64)
    from assay.metrics._kernels import count_slices  # numba loads on first use

    count_slices(slice_set.indptr, slice_set.indices, packed, shift, (1 << shift) - 1, true_count, pred_count, tp)
    sizes = slice_set.sizes()[:, None]
    return ClassCounts(tp=tp, fp=pred_count - tp, fn=true_count - tp, tn=sizes - true_count - pred_count + tp)


def sum_by_slice(values: npt.ArrayLike, slices: Any) -> npt.NDArray[Any]:
    """Sum per-sample rows over each slice.

    Args:
        values: ``(N, ...)`` per-sample values (counts, losses, ...).
        slices: Boolean matrix ``(S, N)``, list of index lists, or :class:`SliceSet`.

    Returns:
        ``(S, ...)`` sums; an empty slice sums to zero.

    Raises:
        MetricsInputError: If ``values`` has no sample axis or the slices are invalid.

    Example:
        >>> sum_by_slice([1, 2, 3], [[0, 2], [], [1]]).tolist()
        [4, 0, 2]
    """
    array = np.asarray(values)
    if array.ndim == 0:
        raise MetricsInputError("values must have one row per sample")
    slice_set = SliceSet.coerce(slices, array.shape[0])
    gathered = array[slice_set.indices]
    out = np.zeros((len(slice_set), *array.shape[1:]), dtype=np.result_type(array.dtype, np.int64))
    sizes = slice_set.sizes()
    nonempty = np.flatnonzero(sizes > 0)
    if nonempty.size:
        out[nonempty] = np.add.reduceat(gathered, slice_set.indptr[nonempty], axis=0)
    return out


def mean_by_slice(values: npt.ArrayLike, slices: Any) -> npt.NDArray[np.float64]:
    """Average per-sample rows over each slice, skipping NaN entries (e.g. samples a metric cannot score).

    Args:
        values: ``(N, ...)`` per-sample values.
        slices: Boolean matrix ``(S, N)``, list of index lists, or :class:`SliceSet`.

    Returns:
        ``(S, ...)`` means; NaN for a slice without any finite value.

    Raises:
        MetricsInputError: If ``values`` has no sample axis or the slices are invalid.

    Example:
        >>> mean_by_slice([1.0, 2.0, float("nan")], [[0, 1, 2], [2]]).tolist()
        [1.5, nan]
    """
    array = np.asarray(values, dtype=np.float64)
    finite = ~np.isnan(array)
    totals = sum_by_slice(np.where(finite, array, 0.0), slices)
    counts = sum_by_slice(finite.astype(np.int64), slices)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, totals / np.maximum(counts, 1), np.nan)
