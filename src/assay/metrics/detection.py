"""COCO-style object-detection metrics over plain arrays, computed once and sliced many times.

The evaluation follows the COCO protocol (the one ``pycocotools`` implements) and agrees with it to
floating-point rounding on the same data:

* detections and ground truths are matched per (sample, label) group; detections are taken by descending
  score (ties keep input order), at most ``max_detections[-1]`` per group, and each takes the free ground
  truth of highest IoU at or above the threshold, preferring ground truths that count over ignored ones;
* a crowd or ignored ground truth, or one whose area is outside the area range, does not count: a
  detection matched to it is ignored, it may absorb several detections, and a crowd box's IoU is
  ``intersection / detection area``; an unmatched detection whose area is outside the range is ignored;
* per label, area range, IoU threshold and max-detections limit, precision is made monotone (the
  envelope from the right) and read at the recall thresholds (101 points); AP is its mean over recall
  thresholds, labels and IoU thresholds, skipping labels without counted ground truth;
* recall is the share of counted ground truths matched; AR averages it like AP.

The expensive per-sample work (IoU, greedy matching at every threshold and area range, sorting by
score) happens once in :func:`match_detections`. :meth:`DetectionMatches.evaluate` then aggregates any
number of overlapping slices (test cases) by filtering the one global score order, so the cost of a slice
is a small fraction of one full evaluation.

Example:
    >>> import numpy as np
    >>> gt = DetectionGroundTruth(sample=[0, 0], label=[0, 0], boxes=[[0, 0, 10, 10], [20, 20, 10, 10]])
    >>> matches = match_detections(gt, sample=[0], label=[0], boxes=[[0, 0, 10, 10]], scores=[0.9])
    >>> summary = matches.evaluate().summary()
    >>> round(summary.AP50, 3), round(summary.AR100, 3)
    (0.505, 0.5)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from assay.metrics import _status
from assay.metrics._errors import MetricsInputError
from assay.metrics._sliceset import SliceSet
from assay.metrics._validation import as_float_array, as_int_array, check_same_length

__all__ = [
    "COCO_STAT_NAMES",
    "CocoParams",
    "CocoResults",
    "CocoSummary",
    "DetectionGroundTruth",
    "DetectionMatches",
    "OperatingPoints",
    "coco_evaluate",
    "match_detections",
]

BoxFormat = Literal["xywh", "xyxy"]

COCO_STAT_NAMES: tuple[str, ...] = (
    "AP",
    "AP50",
    "AP75",
    "APs",
    "APm",
    "APl",
    "AR1",
    "AR10",
    "AR100",
    "ARs",
    "ARm",
    "ARl",
)
"""Names of the twelve COCO summary numbers, in the reference order."""


def _default_iou_thresholds() -> tuple[float, ...]:
    # Built like the reference so that 0.55, 0.6, ... carry exactly the same rounding.
    return tuple(float(x) for x in np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1, endpoint=True))


def _default_recall_thresholds() -> tuple[float, ...]:
    return tuple(float(x) for x in np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1, endpoint=True))


@dataclass(frozen=True)
class CocoParams:
    """Parameters of a COCO-style evaluation; the defaults are the COCO ones.

    Attributes:
        iou_thresholds: IoU thresholds, ascending (default 0.50:0.05:0.95).
        recall_thresholds: Recall points where precision is read (default 0:0.01:1).
        area_ranges: ``(min, max)`` areas, inclusive; the first is "all", then small, medium, large.
        max_detections: Per (sample, label) detection limits, ascending; the last one is used for AP
            (pycocotools reads its first number at a fixed limit of 100 and gives -1 when the limits lack
            100; Assay uses the last limit there too).
    """

    iou_thresholds: tuple[float, ...] = field(default_factory=_default_iou_thresholds)
    recall_thresholds: tuple[float, ...] = field(default_factory=_default_recall_thresholds)
    area_ranges: tuple[tuple[float, float], ...] = (
        (0.0, 1e5**2),
        (0.0, 32.0**2),
        (32.0**2, 96.0**2),
        (96.0**2, 1e5**2),
    )
    max_detections: tuple[int, ...] = (1, 10, 100)

    def __post_init__(self) -> None:
        ious = np.asarray(self.iou_thresholds, dtype=np.float64)
        if ious.ndim != 1 or ious.size == 0 or np.any((ious < 0) | (ious > 1)) or np.any(np.diff(ious) < 0):
            raise MetricsInputError(f"iou_thresholds must be ascending values in [0, 1], got {self.iou_thresholds}")
        recalls = np.asarray(self.recall_thresholds, dtype=np.float64)
        if recalls.ndim != 1 or recalls.size == 0 or np.any(np.diff(recalls) < 0):
            raise MetricsInputError("recall_thresholds must be a non-empty ascending sequence")
        areas = np.asarray(self.area_ranges, dtype=np.float64)
        if areas.ndim != 2 or areas.shape[1] != 2 or areas.shape[0] == 0 or np.any(areas[:, 0] > areas[:, 1]):
            raise MetricsInputError(f"area_ranges must be (min, max) pairs with min <= max, got {self.area_ranges}")
        dets = np.asarray(self.max_detections)
        if dets.ndim != 1 or dets.size == 0 or dets.dtype.kind not in "iu" or np.any(dets < 1):
            raise MetricsInputError(f"max_detections must be positive integers, got {self.max_detections}")
        if np.any(np.diff(dets) < 0):
            raise MetricsInputError(f"max_detections must be ascending, got {self.max_detections}")


@dataclass(frozen=True)
class CocoSummary:
    """The twelve COCO summary numbers of one evaluation; -1 where undefined (no counted ground truth).

    Attributes:
        AP: AP at IoU 0.50:0.95, all areas, the last max-detections limit.
        AP50: AP at IoU 0.50.
        AP75: AP at IoU 0.75.
        APs: AP for small objects.
        APm: AP for medium objects.
        APl: AP for large objects.
        AR1: AR with 1 detection per sample and label.
        AR10: AR with 10 detections.
        AR100: AR with 100 detections.
        ARs: AR for small objects.
        ARm: AR for medium objects.
        ARl: AR for large objects.
    """

    AP: float
    AP50: float
    AP75: float
    APs: float
    APm: float
    APl: float
    AR1: float
    AR10: float
    AR100: float
    ARs: float
    ARm: float
    ARl: float

    def as_array(self) -> npt.NDArray[np.float64]:
        """Return the numbers in the reference order (``COCOeval.stats``)."""
        return np.array([getattr(self, name) for name in COCO_STAT_NAMES])

    def as_dict(self) -> dict[str, float]:
        """Return the numbers keyed by name."""
        return {name: getattr(self, name) for name in COCO_STAT_NAMES}


@dataclass(frozen=True)
class OperatingPoints:
    """Per-label operating point that maximises F1, for one slice and IoU threshold.

    Attributes:
        threshold: Score threshold (keep detections with ``score >= threshold``); NaN where no threshold
            gives a true positive.
        f1: F1 at that threshold (0 where no true positive is possible, NaN where no ground truth).
        precision: Precision at that threshold.
        recall: Recall at that threshold.
    """

    threshold: npt.NDArray[np.float64]
    f1: npt.NDArray[np.float64]
    precision: npt.NDArray[np.float64]
    recall: npt.NDArray[np.float64]


@dataclass(frozen=True)
class CocoResults:
    """COCO metrics of every slice of one :meth:`DetectionMatches.evaluate` call.

    Attributes:
        stats: ``(slices, 12)`` summary numbers in :data:`COCO_STAT_NAMES` order, -1 where undefined.
        mean_precision: ``(slices, T, K, A)`` precision averaged over recall thresholds at the last
            max-detections limit, per IoU threshold, label and area range; NaN where the slice has no
            counted ground truth of that label.
        recall: ``(slices, T, K, A, M)`` recall per IoU threshold, label, area range and max-detections
            limit; NaN where undefined.
        precision: ``(slices, T, R, K, A)`` interpolated precision at every recall threshold, or ``None``
            unless ``keep_curves=True`` was asked (-1 where undefined, as in the reference).
        num_samples: ``(slices,)`` number of samples in each slice.
        params: The parameters used.
    """

    stats: npt.NDArray[np.float64]
    mean_precision: npt.NDArray[np.float64]
    recall: npt.NDArray[np.float64]
    precision: npt.NDArray[np.float64] | None
    num_samples: npt.NDArray[np.int64]
    params: CocoParams

    def __len__(self) -> int:
        return int(self.stats.shape[0])

    def summary(self, index: int = 0) -> CocoSummary:
        """Return the twelve summary numbers of slice ``index``."""
        return CocoSummary(*(float(x) for x in self.stats[index]))

    def ap_by_label(self, iou_threshold: float | None = None) -> npt.NDArray[np.float64]:
        """Return ``(slices, K)`` AP per label (all areas), averaged over IoU thresholds or at one of them.

        Raises:
            MetricsInputError: If ``iou_threshold`` is not one of the evaluated thresholds.
        """
        per_t = self.mean_precision[:, :, :, 0]
        if iou_threshold is None:
            with np.errstate(invalid="ignore"):
                return np.asarray(np.mean(per_t, axis=1), dtype=np.float64)
        return np.asarray(per_t[:, _threshold_index(self.params, iou_threshold), :], dtype=np.float64)

    def pr_curve(
        self, index: int, label: int, *, iou_threshold: float = 0.5, area_range: int = 0
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Return the interpolated precision-recall curve of one slice and label, for plotting.

        Args:
            index: Slice index.
            label: Label index.
            iou_threshold: One of the evaluated IoU thresholds.
            area_range: Index into ``params.area_ranges`` (0 is "all").

        Returns:
            ``(recall_thresholds, precision)``; precision is -1 everywhere when the slice has no counted
            ground truth of that label.

        Raises:
            MetricsInputError: If the curves were not kept or the threshold was not evaluated.
        """
        if self.precision is None:
            raise MetricsInputError("precision curves were not kept; call evaluate(..., keep_curves=True)")
        t = _threshold_index(self.params, iou_threshold)
        recall_points = np.asarray(self.params.recall_thresholds, dtype=np.float64)
        return recall_points, np.asarray(self.precision[index, t, :, label, area_range], dtype=np.float64)


def _threshold_index(params: CocoParams, iou_threshold: float) -> int:
    hits = np.flatnonzero(np.isclose(np.asarray(params.iou_thresholds), iou_threshold, rtol=0, atol=1e-12))
    if hits.size == 0:
        raise MetricsInputError(
            f"iou_threshold {iou_threshold} is not one of the evaluated thresholds {params.iou_thresholds}"
        )
    return int(hits[0])


def _boxes_xywh(boxes: Any, name: str, count: int, box_format: BoxFormat) -> npt.NDArray[np.float64]:
    array = as_float_array(boxes, name, ndim=None)
    if array.size == 0:
        array = array.reshape(0, 4)
    if array.ndim != 2 or array.shape[1] != 4:
        raise MetricsInputError(f"{name} must have shape (n, 4), got {array.shape}")
    if array.shape[0] != count:
        raise MetricsInputError(f"{name} has {array.shape[0]} rows, but there are {count} labels")
    if box_format == "xyxy":
        array = np.column_stack([array[:, 0], array[:, 1], array[:, 2] - array[:, 0], array[:, 3] - array[:, 1]])
    elif box_format != "xywh":
        raise MetricsInputError(f"box_format must be 'xywh' or 'xyxy', got {box_format!r}")
    if np.any(array[:, 2:] < 0):
        raise MetricsInputError(f"{name} has a negative width or height")
    return np.ascontiguousarray(array)


class DetectionGroundTruth:
    """Ground-truth boxes of a detection set, prepared once and shared by every model evaluated on it.

    Args:
        sample: ``(G,)`` index of the sample (image) of each box, in ``range(num_samples)``. Sample indices
            also break ties between equal scores, as image ids do in the reference.
        label: ``(G,)`` integer label of each box, in ``range(num_labels)``.
        boxes: ``(G, 4)`` boxes, ``[x, y, width, height]``, or ``[x1, y1, x2, y2]`` with
            ``box_format="xyxy"``.
        num_samples: Number of samples, including those without boxes; default ``max(sample) + 1``.
        num_labels: Number of labels; default ``max(label) + 1`` over ground truths.
        iscrowd: ``(G,)`` crowd flags: a crowd box never counts and may absorb many detections.
        ignore: ``(G,)`` flags of boxes to ignore (not counted, detections on them are neither TP nor FP).
        area: ``(G,)`` areas used for the area ranges; default ``width * height`` (COCO uses mask areas).
        box_format: ``"xywh"`` (COCO) or ``"xyxy"``.

    Raises:
        MetricsInputError: On mismatched lengths, negative sizes, or indices out of range.
    """

    def __init__(
        self,
        sample: npt.ArrayLike,
        label: npt.ArrayLike,
        boxes: npt.ArrayLike,
        *,
        num_samples: int | None = None,
        num_labels: int | None = None,
        iscrowd: npt.ArrayLike | None = None,
        ignore: npt.ArrayLike | None = None,
        area: npt.ArrayLike | None = None,
        box_format: BoxFormat = "xywh",
    ) -> None:
        self.sample = as_int_array(sample, "sample", minimum=0)
        self.label = as_int_array(label, "label", minimum=0)
        count = check_same_length(sample=self.sample, label=self.label)
        self.boxes = _boxes_xywh(boxes, "boxes", count, box_format)
        self.num_samples = int(num_samples if num_samples is not None else (self.sample.max() + 1 if count else 0))
        self.num_labels = int(num_labels if num_labels is not None else (self.label.max() + 1 if count else 0))
        if count and int(self.sample.max()) >= self.num_samples:
            raise MetricsInputError(f"sample index {int(self.sample.max())} is outside num_samples={self.num_samples}")
        if count and int(self.label.max()) >= self.num_labels:
            raise MetricsInputError(f"label {int(self.label.max())} is outside num_labels={self.num_labels}")
        self.iscrowd = self._flags(iscrowd, "iscrowd", count)
        self.ignore = self._flags(ignore, "ignore", count)
        if area is None:
            self.area = self.boxes[:, 2] * self.boxes[:, 3]
        else:
            self.area = as_float_array(area, "area")
            check_same_length(area=self.area, label=self.label)
        self.key = self.sample * max(self.num_labels, 1) + self.label
        self.sorted = np.argsort(self.key, kind="stable")
        self.sorted_key = self.key[self.sorted]

    def __len__(self) -> int:
        return int(self.sample.shape[0])

    @staticmethod
    def _flags(value: npt.ArrayLike | None, name: str, count: int) -> npt.NDArray[np.bool_]:
        if value is None:
            return np.zeros(count, dtype=bool)
        array = np.asarray(value)
        if array.shape != (count,) or array.dtype.kind not in "biu":
            raise MetricsInputError(f"{name} must be {count} booleans, got shape {array.shape} of {array.dtype}")
        return array.astype(bool)

    def counted(self, params: CocoParams) -> npt.NDArray[np.bool_]:
        """Return ``(G, A)`` flags: the box counts (not crowd, not ignored, area inside the range)."""
        areas = np.asarray(params.area_ranges, dtype=np.float64)
        inside = (self.area[:, None] >= areas[None, :, 0]) & (self.area[:, None] <= areas[None, :, 1])
        return np.ascontiguousarray(inside & ~(self.iscrowd | self.ignore)[:, None])


class DetectionMatches:
    """Per-detection match results of one model on one ground-truth set, ready to aggregate by slice.

    Built by :func:`match_detections`. Arrays are in the caller's detection order.

    Attributes:
        ground_truth: The :class:`DetectionGroundTruth` matched against.
        params: The :class:`CocoParams` used.
        sample: ``(D,)`` sample index of each detection.
        label: ``(D,)`` label of each detection.
        scores: ``(D,)`` confidence of each detection.
        status: ``(D, A, T)`` int8 per area range and IoU threshold: 0 false positive, 1 true positive,
            2 ignored (matched to a crowd/ignored/out-of-range ground truth, or unmatched and out of range),
            3 beyond the max-detections limit of its (sample, label) group.
        matched_gt: ``(D, T)`` index of the ground truth each detection matched (area range "all"), or -1.
        rank: ``(D,)`` position of each detection in its (sample, label) group by descending score.
    """

    def __init__(
        self,
        ground_truth: DetectionGroundTruth,
        params: CocoParams,
        sample: npt.NDArray[np.int64],
        label: npt.NDArray[np.int64],
        scores: npt.NDArray[np.float64],
        status: npt.NDArray[np.int8],
        matched_gt: npt.NDArray[np.int64],
        rank: npt.NDArray[np.int64],
        order: npt.NDArray[np.int64],
    ) -> None:
        self.ground_truth = ground_truth
        self.params = params
        self.sample = sample
        self.label = label
        self.scores = scores
        self.status = status
        self.matched_gt = matched_gt
        self.rank = rank
        self._order = order
        self._label_ptr = np.searchsorted(label[order], np.arange(ground_truth.num_labels + 1)).astype(np.int64)
        self._gt_counted = ground_truth.counted(params)
        # Index of the smallest max-detections limit that keeps each detection (rank < limit).
        limits = np.asarray(params.max_detections, dtype=np.int64)
        self._first_limit = np.searchsorted(limits, rank, side="right").astype(np.int64)

    def evaluate(self, slices: Any = None, *, keep_curves: bool = False) -> CocoResults:
        """Aggregate the matches into COCO metrics for each slice.

        Args:
            slices: ``None`` for one slice of every sample, a :class:`~assay.metrics.slices.SliceSet`, a
                ``(slices, num_samples)`` boolean matrix, or a list of sample-index lists.
            keep_curves: Also return the full interpolated precision at every recall threshold (memory:
                slices x IoU thresholds x recall thresholds x labels x area ranges floats).

        Returns:
            The :class:`CocoResults` of every slice, in the order given.

        Raises:
            MetricsInputError: If ``slices`` is malformed.
        """
        gt = self.ground_truth
        params = self.params
        slice_set = SliceSet.coerce(slices, gt.num_samples)
        n_s = len(slice_set)
        n_t = len(params.iou_thresholds)
        n_k = gt.num_labels
        n_a = len(params.area_ranges)
        n_m = len(params.max_detections)
        n_r = len(params.recall_thresholds)
        mean_precision = np.empty((n_s, n_t, n_k, n_a))
        recall = np.empty((n_s, n_t, n_k, n_a, n_m))
        full = np.empty((n_s, n_t, n_r, n_k, n_a) if keep_curves else (0, 0, 0, 0, 0))
        from assay.metrics._kernels import accumulate_slices  # numba loads on first use

        accumulate_slices(
            slice_set.indptr,
            slice_set.indices,
            gt.num_samples,
            self._order,
            self._label_ptr,
            self.sample,
            self._first_limit,
            self.status,
            gt.sample,
            gt.label,
            self._gt_counted,
            np.asarray(params.recall_thresholds, dtype=np.float64),
            n_m,
            mean_precision,
            recall,
            full,
            keep_curves,
        )
        stats = _summarize(params, mean_precision, recall)
        mean_precision[mean_precision < 0] = np.nan
        recall[recall < 0] = np.nan
        return CocoResults(
            stats=stats,
            mean_precision=mean_precision,
            recall=recall,
            precision=full if keep_curves else None,
            num_samples=slice_set.sizes(),
            params=params,
        )

    def operating_points(self, members: npt.ArrayLike | None = None, *, iou_threshold: float = 0.5) -> OperatingPoints:
        """Find, per label, the score threshold that maximises F1 on one slice (all areas).

        Precision and recall are evaluated after each distinct score (detections with equal scores enter
        together); ignored detections count neither way.

        Args:
            members: Sample indices of the slice; ``None`` for every sample.
            iou_threshold: One of the evaluated IoU thresholds.

        Returns:
            :class:`OperatingPoints` with one entry per label.

        Raises:
            MetricsInputError: If the threshold was not evaluated or an index is out of range.
        """
        gt = self.ground_truth
        t = _threshold_index(self.params, iou_threshold)
        member = np.ones(gt.num_samples, dtype=bool)
        if members is not None:
            member = np.zeros(gt.num_samples, dtype=bool)
            member[SliceSet.from_indices([members], gt.num_samples).indices] = True
        n_k = gt.num_labels
        positives = np.bincount(gt.label[member[gt.sample] & self._gt_counted[:, 0]], minlength=n_k).astype(float)
        order = self._order[member[self.sample[self._order]]]
        status = self.status[order, 0, t]
        keep = status != _status.STATUS_IGNORED
        order, status = order[keep], status[keep]
        labels = self.label[order]
        scores = self.scores[order]
        tp = np.cumsum(status == _status.STATUS_TP).astype(float)
        fp = np.cumsum(status == _status.STATUS_FP).astype(float)
        starts = np.searchsorted(labels, np.arange(n_k))
        base_tp = np.concatenate([[0.0], tp])[starts]
        base_fp = np.concatenate([[0.0], fp])[starts]
        tp_k = tp - base_tp[labels]
        fp_k = fp - base_fp[labels]
        last = np.ones(order.size, dtype=bool)
        if order.size > 1:
            last[:-1] = (labels[1:] != labels[:-1]) | (scores[1:] != scores[:-1])
        with np.errstate(invalid="ignore", divide="ignore"):
            prec = np.where(tp_k + fp_k > 0, tp_k / (tp_k + fp_k), 0.0)
            rec = np.where(positives[labels] > 0, tp_k / positives[labels], 0.0)
            f1 = np.where(prec + rec > 0, 2 * prec * rec / (prec + rec), 0.0)
        threshold = np.full(n_k, np.nan)
        best_f1 = np.where(positives > 0, 0.0, np.nan)
        best_p = np.where(positives > 0, 0.0, np.nan)
        best_r = np.where(positives > 0, 0.0, np.nan)
        candidates = np.flatnonzero(last & (f1 > 0))
        if candidates.size:
            # Highest F1 per label; among equal F1 the highest threshold (the first in score order).
            pick = candidates[np.lexsort((np.arange(candidates.size), -f1[candidates], labels[candidates]))]
            first = np.ones(pick.size, dtype=bool)
            first[1:] = labels[pick[1:]] != labels[pick[:-1]]
            best = pick[first]
            k = labels[best]
            threshold[k] = scores[best]
            best_f1[k] = f1[best]
            best_p[k] = prec[best]
            best_r[k] = rec[best]
        return OperatingPoints(threshold=threshold, f1=best_f1, precision=best_p, recall=best_r)

    def sample_counts(
        self,
        *,
        iou_threshold: float = 0.5,
        score_threshold: float | npt.ArrayLike = 0.0,
        by_label: bool = False,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Count true positives, false positives and false negatives per sample at fixed thresholds.

        Only detections with ``score >= score_threshold`` (a scalar, or one value per label) within the
        max-detections limit are kept, and matching is the one at ``iou_threshold`` over all areas. Sum the
        rows of a slice (:func:`~assay.metrics.slices.sum_by_slice`) to get its counts.

        Args:
            iou_threshold: One of the evaluated IoU thresholds.
            score_threshold: Minimum score, scalar or ``(K,)`` per label.
            by_label: Return ``(num_samples, K)`` arrays instead of ``(num_samples,)``.

        Returns:
            ``(tp, fp, fn)``.

        Raises:
            MetricsInputError: If the threshold was not evaluated or ``score_threshold`` has a wrong shape.
        """
        gt = self.ground_truth
        t = _threshold_index(self.params, iou_threshold)
        thresholds = np.asarray(score_threshold, dtype=np.float64)
        if thresholds.ndim == 1 and thresholds.shape != (gt.num_labels,):
            raise MetricsInputError(f"score_threshold must be a scalar or {gt.num_labels} values")
        per_det = thresholds[self.label] if thresholds.ndim == 1 else thresholds
        kept = self.scores >= per_det
        status = self.status[:, 0, t]
        n_k = max(gt.num_labels, 1)
        size = gt.num_samples * n_k if by_label else gt.num_samples
        det_key = self.sample * n_k + self.label if by_label else self.sample
        tp = np.bincount(det_key[kept & (status == _status.STATUS_TP)], minlength=size)
        fp = np.bincount(det_key[kept & (status == _status.STATUS_FP)], minlength=size)
        gt_key = gt.key if by_label else gt.sample
        positives = np.bincount(gt_key[self._gt_counted[:, 0]], minlength=size)
        fn = positives - tp
        if by_label:
            shape = (gt.num_samples, n_k)
            return tp.reshape(shape), fp.reshape(shape), fn.reshape(shape)
        return tp, fp, fn


def match_detections(
    ground_truth: DetectionGroundTruth,
    sample: npt.ArrayLike,
    label: npt.ArrayLike,
    boxes: npt.ArrayLike,
    scores: npt.ArrayLike,
    *,
    params: CocoParams | None = None,
    box_format: BoxFormat = "xywh",
) -> DetectionMatches:
    """Match one model's detections to the ground truth at every IoU threshold and area range.

    Args:
        ground_truth: The prepared ground truth.
        sample: ``(D,)`` sample index of each detection.
        label: ``(D,)`` label of each detection, in ``range(ground_truth.num_labels)``.
        boxes: ``(D, 4)`` boxes in ``box_format``; a detection's area is ``width * height``.
        scores: ``(D,)`` confidences; ties keep input order.
        params: Evaluation parameters (COCO defaults).
        box_format: ``"xywh"`` (COCO) or ``"xyxy"``.

    Returns:
        The :class:`DetectionMatches`, to aggregate with :meth:`DetectionMatches.evaluate`.

    Raises:
        MetricsInputError: On mismatched lengths, indices out of range or non-finite values.
    """
    params = params or CocoParams()
    gt = ground_truth
    dt_sample = as_int_array(sample, "sample", minimum=0)
    dt_label = as_int_array(label, "label", minimum=0)
    dt_scores = as_float_array(scores, "scores")
    count = check_same_length(sample=dt_sample, label=dt_label, scores=dt_scores)
    dt_boxes = _boxes_xywh(boxes, "boxes", count, box_format)
    if count and int(dt_sample.max()) >= gt.num_samples:
        raise MetricsInputError(
            f"detection sample index {int(dt_sample.max())} is outside the ground truth's {gt.num_samples} samples"
        )
    if count and int(dt_label.max()) >= gt.num_labels:
        raise MetricsInputError(
            f"detection label {int(dt_label.max())} is outside the ground truth's {gt.num_labels} labels"
        )
    n_k = max(gt.num_labels, 1)
    key = dt_sample * n_k + dt_label
    by_score = np.argsort(-dt_scores, kind="stable")
    dt_sorted = by_score[np.argsort(key[by_score], kind="stable")]
    sorted_key = key[dt_sorted]
    if count:
        starts = np.flatnonzero(np.concatenate([[True], sorted_key[1:] != sorted_key[:-1]]))
    else:
        starts = np.zeros(0, dtype=np.int64)
    ends = np.append(starts[1:], count).astype(np.int64)
    group_keys = sorted_key[starts]
    gt_start = np.searchsorted(gt.sorted_key, group_keys, side="left").astype(np.int64)
    gt_end = np.searchsorted(gt.sorted_key, group_keys, side="right").astype(np.int64)
    n_t = len(params.iou_thresholds)
    n_a = len(params.area_ranges)
    status = np.empty((count, n_a, n_t), dtype=np.int8)
    matched = np.full((count, n_t), -1, dtype=np.int64)
    rank = np.empty(count, dtype=np.int64)
    max_det = int(params.max_detections[-1])
    from assay.metrics._kernels import match_groups  # numba loads on first use

    match_groups(
        dt_sorted.astype(np.int64),
        starts.astype(np.int64),
        ends,
        gt.sorted.astype(np.int64),
        gt_start,
        gt_end,
        gt.boxes,
        gt.area,
        gt.iscrowd,
        gt.ignore,
        dt_boxes,
        dt_boxes[:, 2] * dt_boxes[:, 3],
        np.asarray(params.iou_thresholds, dtype=np.float64),
        np.asarray(params.area_ranges, dtype=np.float64),
        max_det,
        status,
        matched,
        rank,
    )
    # One global order by label, then descending score; ties stay in (sample, rank) order because
    # dt_sorted is already ordered that way and both sorts are stable.
    kept = dt_sorted[rank[dt_sorted] < max_det]
    kept = kept[np.argsort(-dt_scores[kept], kind="stable")]
    # A 16-bit key lets numpy use its linear-time radix sort.
    label_key = dt_label[kept].astype(np.int16) if gt.num_labels <= np.iinfo(np.int16).max else dt_label[kept]
    order = kept[np.argsort(label_key, kind="stable")].astype(np.int64)
    return DetectionMatches(gt, params, dt_sample, dt_label, dt_scores, status, matched, rank, order)


def _masked_mean(values: npt.NDArray[np.float64], axes: tuple[int, ...]) -> npt.NDArray[np.float64]:
    valid = values > -1
    count = valid.sum(axis=axes)
    total = np.where(valid, values, 0.0).sum(axis=axes)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), -1.0)


def _summarize(
    params: CocoParams, mean_precision: npt.NDArray[np.float64], recall: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Compute the twelve summary numbers per slice from ``(S, T, K, A)`` precision and recall arrays."""
    n_s = mean_precision.shape[0]
    stats = np.full((n_s, 12), -1.0)
    if len(params.area_ranges) != 4 or len(params.max_detections) != 3:
        # The summary names assume the four COCO area ranges and three limits.
        return stats
    ious = np.asarray(params.iou_thresholds)
    every = tuple(range(len(ious)))
    at50 = tuple(int(i) for i in np.flatnonzero(ious == 0.5))
    at75 = tuple(int(i) for i in np.flatnonzero(ious == 0.75))

    def ap(thresholds: tuple[int, ...], area: int) -> npt.NDArray[np.float64]:
        if not thresholds:
            return np.full(n_s, -1.0)
        return _masked_mean(mean_precision[..., area][:, list(thresholds), :], (1, 2))

    def ar(area: int, limit: int) -> npt.NDArray[np.float64]:
        return _masked_mean(recall[:, :, :, area, limit], (1, 2))

    columns = [
        ap(every, 0),
        ap(at50, 0),
        ap(at75, 0),
        ap(every, 1),
        ap(every, 2),
        ap(every, 3),
        ar(0, 0),
        ar(0, 1),
        ar(0, 2),
        ar(1, 2),
        ar(2, 2),
        ar(3, 2),
    ]
    return np.stack(columns, axis=1)


def coco_evaluate(
    gt_sample: npt.ArrayLike,
    gt_label: npt.ArrayLike,
    gt_boxes: npt.ArrayLike,
    dt_sample: npt.ArrayLike,
    dt_label: npt.ArrayLike,
    dt_boxes: npt.ArrayLike,
    dt_scores: npt.ArrayLike,
    *,
    num_samples: int | None = None,
    num_labels: int | None = None,
    gt_iscrowd: npt.ArrayLike | None = None,
    gt_area: npt.ArrayLike | None = None,
    box_format: BoxFormat = "xywh",
    params: CocoParams | None = None,
) -> CocoSummary:
    """Evaluate one set of detections with the COCO protocol and return the twelve summary numbers.

    AP is the mean, over IoU thresholds 0.50:0.05:0.95 and labels with ground truth, of the interpolated
    precision ``p_interp(r) = max_{r' >= r} p(r')`` read at 101 recall points; AR is the mean recall at a
    detection limit. Labels without counted ground truth are skipped; a set without any gives -1.

    Args:
        gt_sample: ``(G,)`` sample index of each ground-truth box.
        gt_label: ``(G,)`` integer label of each ground-truth box.
        gt_boxes: ``(G, 4)`` ground-truth boxes.
        dt_sample: ``(D,)`` sample index of each detection.
        dt_label: ``(D,)`` integer label of each detection.
        dt_boxes: ``(D, 4)`` detection boxes.
        dt_scores: ``(D,)`` detection confidences.
        num_samples: Number of samples (default: one past the largest index seen).
        num_labels: Number of labels (default: one past the largest label seen).
        gt_iscrowd: ``(G,)`` crowd flags.
        gt_area: ``(G,)`` ground-truth areas for the area ranges (default: box area).
        box_format: ``"xywh"`` (COCO) or ``"xyxy"``.
        params: Evaluation parameters (COCO defaults).

    Returns:
        The :class:`CocoSummary`.

    Raises:
        MetricsInputError: On malformed input.

    Example:
        >>> s = coco_evaluate([0], [0], [[0, 0, 10, 10]], [0], [0], [[0, 0, 10, 10]], [0.5])
        >>> round(s.AP, 12), s.AR100
        (1.0, 1.0)
    """
    dt_sample_array = as_int_array(dt_sample, "dt_sample", minimum=0)
    dt_label_array = as_int_array(dt_label, "dt_label", minimum=0)
    gt_sample_array = as_int_array(gt_sample, "gt_sample", minimum=0)
    gt_label_array = as_int_array(gt_label, "gt_label", minimum=0)
    if num_samples is None:
        num_samples = int(max(gt_sample_array.max(initial=-1), dt_sample_array.max(initial=-1)) + 1)
    if num_labels is None:
        num_labels = int(max(gt_label_array.max(initial=-1), dt_label_array.max(initial=-1)) + 1)
    gt = DetectionGroundTruth(
        gt_sample_array,
        gt_label_array,
        gt_boxes,
        num_samples=num_samples,
        num_labels=num_labels,
        iscrowd=gt_iscrowd,
        area=gt_area,
        box_format=box_format,
    )
    matches = match_detections(
        gt, dt_sample_array, dt_label_array, dt_boxes, dt_scores, params=params, box_format=box_format
    )
    return matches.evaluate().summary()
