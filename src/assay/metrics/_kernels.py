"""Compiled loops of the detection and per-slice engines.

Greedy matching is sequential per (sample, label) group and the precision envelope is sequential per
curve, so neither vectorises in numpy; numba compiles these loops once (cached on disk). The
arithmetic mirrors the reference implementation operation for operation (same IoU expression, same
``tp / (fp + tp + eps)``, same envelope and recall search) so that results agree to the last bit where
the reference is deterministic.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np
import numpy.typing as npt

from assay.metrics._status import STATUS_EXCLUDED, STATUS_FP, STATUS_IGNORED, STATUS_TP


@nb.njit(cache=True, nogil=True)
def match_groups(  # noqa: PLR0913
    dt_sorted: npt.NDArray[np.int64],
    dt_group_start: npt.NDArray[np.int64],
    dt_group_end: npt.NDArray[np.int64],
    gt_sorted: npt.NDArray[np.int64],
    gt_group_start: npt.NDArray[np.int64],
    gt_group_end: npt.NDArray[np.int64],
    gt_boxes: npt.NDArray[np.float64],
    gt_area: npt.NDArray[np.float64],
    gt_crowd: npt.NDArray[np.bool_],
    gt_ignore: npt.NDArray[np.bool_],
    dt_boxes: npt.NDArray[np.float64],
    dt_area: npt.NDArray[np.float64],
    iou_thresholds: npt.NDArray[np.float64],
    area_ranges: npt.NDArray[np.float64],
    max_det: int,
    status: npt.NDArray[np.int8],
    dt_match: npt.NDArray[np.int64],
    dt_rank: npt.NDArray[np.int64],
) -> None:
    """Match the detections of every (sample, label) group to its ground truths.

    Writes, for each detection, its status per area range and IoU threshold (FP, TP, ignored, or excluded
    beyond ``max_det``), its rank within the group, and the ground truth it matched at area range 0.
    """
    n_t = iou_thresholds.shape[0]
    n_a = area_ranges.shape[0]
    n_groups = dt_group_start.shape[0]
    max_g = 1
    for q in range(n_groups):
        max_g = max(max_g, gt_group_end[q] - gt_group_start[q])
    ious = np.zeros((max_det, max_g))
    ignored = np.zeros(max_g, dtype=np.bool_)
    order = np.zeros(max_g, dtype=np.int64)
    taken = np.zeros(max_g, dtype=np.int64)
    for q in range(n_groups):
        d0 = dt_group_start[q]
        n_all = dt_group_end[q] - d0
        n_d = min(n_all, max_det)
        g0 = gt_group_start[q]
        n_g = gt_group_end[q] - g0
        for j in range(n_all):
            d = dt_sorted[d0 + j]
            dt_rank[d] = j
            if j >= max_det:
                for a in range(n_a):
                    for t in range(n_t):
                        status[d, a, t] = STATUS_EXCLUDED
        if n_g == 0:
            # No ground truth in the group: every detection is a false positive, or ignored where its
            # area is outside the range; no IoU and no matching needed.
            for j in range(n_d):
                d = dt_sorted[d0 + j]
                for a in range(n_a):
                    outside = dt_area[d] < area_ranges[a, 0] or dt_area[d] > area_ranges[a, 1]
                    for t in range(n_t):
                        status[d, a, t] = STATUS_IGNORED if outside else STATUS_FP
            continue
        # Same expression and operation order as the reference bounding-box IoU.
        for j in range(n_d):
            d = dt_sorted[d0 + j]
            dx = dt_boxes[d, 0]
            dy = dt_boxes[d, 1]
            dw = dt_boxes[d, 2]
            dh = dt_boxes[d, 3]
            da = dw * dh
            for i in range(n_g):
                g = gt_sorted[g0 + i]
                gx = gt_boxes[g, 0]
                gy = gt_boxes[g, 1]
                gw = gt_boxes[g, 2]
                gh = gt_boxes[g, 3]
                ious[j, i] = 0.0
                w = min(dw + dx, gw + gx) - max(dx, gx)
                if w <= 0:
                    continue
                h = min(dh + dy, gh + gy) - max(dy, gy)
                if h <= 0:
                    continue
                inter = w * h
                if gt_crowd[g]:
                    union = da
                else:
                    union = da + gw * gh - inter
                ious[j, i] = inter / union
        for a in range(n_a):
            lo = area_ranges[a, 0]
            hi = area_ranges[a, 1]
            # Ground truths not ignored come first, each part in input order (a stable partition).
            n_kept = 0
            for i in range(n_g):
                g = gt_sorted[g0 + i]
                ig = gt_crowd[g] or gt_ignore[g] or gt_area[g] < lo or gt_area[g] > hi
                ignored[i] = ig
                if not ig:
                    order[n_kept] = i
                    n_kept += 1
            pos = n_kept
            for i in range(n_g):
                if ignored[i]:
                    order[pos] = i
                    pos += 1
            for t in range(n_t):
                for i in range(n_g):
                    taken[i] = 0
                for j in range(n_d):
                    d = dt_sorted[d0 + j]
                    best = min(iou_thresholds[t], 1 - 1e-10)
                    m = -1
                    for oi in range(n_g):
                        i = order[oi]
                        g = gt_sorted[g0 + i]
                        if taken[i] and not gt_crowd[g]:
                            continue
                        if m > -1 and not ignored[m] and ignored[i]:
                            break
                        if ious[j, i] < best:
                            continue
                        best = ious[j, i]
                        m = i
                    if m == -1:
                        if dt_area[d] < lo or dt_area[d] > hi:
                            status[d, a, t] = STATUS_IGNORED
                        else:
                            status[d, a, t] = STATUS_FP
                        if a == 0:
                            dt_match[d, t] = -1
                        continue
                    taken[m] = 1
                    status[d, a, t] = STATUS_IGNORED if ignored[m] else STATUS_TP
                    if a == 0:
                        dt_match[d, t] = gt_sorted[g0 + m]


@nb.njit(cache=True, nogil=True)
def accumulate_slices(  # noqa: PLR0913
    slice_ptr: npt.NDArray[np.int64],
    slice_idx: npt.NDArray[np.int64],
    n_samples: int,
    order: npt.NDArray[np.int64],
    label_ptr: npt.NDArray[np.int64],
    dt_sample: npt.NDArray[np.int64],
    dt_first_limit: npt.NDArray[np.int64],
    status: npt.NDArray[np.int8],
    gt_sample: npt.NDArray[np.int64],
    gt_label: npt.NDArray[np.int64],
    gt_counted: npt.NDArray[np.bool_],
    recall_thresholds: npt.NDArray[np.float64],
    n_limits: int,
    mean_precision: npt.NDArray[np.float64],
    recall: npt.NDArray[np.float64],
    full_precision: npt.NDArray[np.float64],
    keep_full: bool,
) -> None:
    """Aggregate matched detections into precision and recall for every slice.

    ``order`` lists the detections (within the largest max-detections limit) sorted by label, then
    descending score, then sample, then rank, so a slice only filters it: nothing is sorted again per
    slice. ``dt_first_limit[d]`` is the index of the smallest limit that keeps detection d.

    The interpolated precision at recall threshold r is the largest precision at any point of recall at
    least r. Precision peaks right after each true positive (false positives only lower it and ignored
    detections leave it unchanged), so only the true-positive points are kept: the result is the same
    as evaluating every detection, value for value, at a fraction of the cost.

    Outputs: ``mean_precision[s, t, k, a]`` (precision averaged over the recall thresholds, at the
    largest limit; -1 where the slice has no counted ground truth), ``recall[s, t, k, a, m]`` and, when
    ``keep_full``, ``full_precision[s, t, r, k, a]``.
    """
    n_s = slice_ptr.shape[0] - 1
    n_k = label_ptr.shape[0] - 1
    n_a = status.shape[1]
    n_t = status.shape[2]
    n_r = recall_thresholds.shape[0]
    eps = np.spacing(1.0)
    member = np.zeros(n_samples, dtype=np.bool_)
    npig = np.zeros((n_k, n_a), dtype=np.int64)
    n_gt = gt_sample.shape[0]
    # A slice never holds more true positives of a label and area range than that pair has counted
    # ground truths over the whole set, which bounds the buffer of precision peaks.
    counted = np.zeros((n_k, n_a), dtype=np.int64)
    for g in range(n_gt):
        if gt_label[g] >= 0:
            for a in range(n_a):
                if gt_counted[g, a]:
                    counted[gt_label[g], a] += 1
    max_tp = max(1, counted.max()) if n_k else 1
    max_len = 1
    for k in range(n_k):
        max_len = max(max_len, label_ptr[k + 1] - label_ptr[k])
    chosen = np.zeros(max_len, dtype=np.int64)
    peaks = np.zeros((n_a, n_t, max_tp))
    n_tp = np.zeros((n_a, n_t), dtype=np.int64)
    n_fp = np.zeros((n_a, n_t), dtype=np.int64)
    tp_by_limit = np.zeros((n_a, n_t, n_limits), dtype=np.int64)
    for s in range(n_s):
        for p in range(slice_ptr[s], slice_ptr[s + 1]):
            member[slice_idx[p]] = True
        npig[:, :] = 0
        for g in range(n_gt):
            k = gt_label[g]
            if k >= 0 and member[gt_sample[g]]:
                for a in range(n_a):
                    if gt_counted[g, a]:
                        npig[k, a] += 1
        for k in range(n_k):
            n_c = 0
            for p in range(label_ptr[k], label_ptr[k + 1]):
                d = order[p]
                if member[dt_sample[d]]:
                    chosen[n_c] = d
                    n_c += 1
            n_tp[:, :] = 0
            n_fp[:, :] = 0
            tp_by_limit[:, :, :] = 0
            for c in range(n_c):
                d = chosen[c]
                first = dt_first_limit[d]
                for a in range(n_a):
                    for t in range(n_t):
                        st = status[d, a, t]
                        if st == STATUS_TP:
                            n = n_tp[a, t] + 1
                            n_tp[a, t] = n
                            # Same operands and order as the reference: tp / (fp + tp + eps).
                            peaks[a, t, n - 1] = n / (float(n_fp[a, t]) + float(n) + eps)
                            tp_by_limit[a, t, first] += 1
                        elif st == STATUS_FP:
                            n_fp[a, t] += 1
            for a in range(n_a):
                n_pos = npig[k, a]
                for t in range(n_t):
                    if n_pos == 0:
                        for m in range(n_limits):
                            recall[s, t, k, a, m] = -1.0
                        mean_precision[s, t, k, a] = -1.0
                        if keep_full:
                            for r in range(n_r):
                                full_precision[s, t, r, k, a] = -1.0
                        continue
                    cumulative = 0
                    for m in range(n_limits):
                        cumulative += tp_by_limit[a, t, m]
                        recall[s, t, k, a, m] = cumulative / n_pos
                    n = n_tp[a, t]
                    for i in range(n - 1, 0, -1):
                        if peaks[a, t, i] > peaks[a, t, i - 1]:
                            peaks[a, t, i - 1] = peaks[a, t, i]
                    total = 0.0
                    i = 0
                    for r in range(n_r):
                        # Recall after the (i + 1)-th true positive, computed as the reference does.
                        while i < n and float(i + 1) / n_pos < recall_thresholds[r]:
                            i += 1
                        q = peaks[a, t, i] if i < n else 0.0
                        total += q
                        if keep_full:
                            full_precision[s, t, r, k, a] = q
                    mean_precision[s, t, k, a] = total / n_r
        for p in range(slice_ptr[s], slice_ptr[s + 1]):
            member[slice_idx[p]] = False


@nb.njit(cache=True, nogil=True)
def count_slices(  # noqa: PLR0913
    slice_ptr: npt.NDArray[np.int64],
    slice_idx: npt.NDArray[np.int64],
    packed: npt.NDArray[np.integer[Any]],
    shift: int,
    mask: int,
    true_count: npt.NDArray[np.int64],
    pred_count: npt.NDArray[np.int64],
    tp_count: npt.NDArray[np.int64],
) -> None:
    """Count, per slice and class, the true labels, the predicted labels and the correct predictions.

    Each sample's pair is packed in one integer (``true << shift | predicted``) so that a member costs one
    gather, and the correct-prediction count is added without a branch: both halve the time of a pass
    that memory traffic and mispredicted branches would otherwise dominate.
    """
    n_s = slice_ptr.shape[0] - 1
    for s in range(n_s):
        row_true = true_count[s]
        row_pred = pred_count[s]
        row_tp = tp_count[s]
        for p in range(slice_ptr[s], slice_ptr[s + 1]):
            value = packed[slice_idx[p]]
            yt = value >> shift
            yp = value & mask
            row_true[yt] += 1
            row_pred[yp] += 1
            row_tp[yt] += yt == yp
