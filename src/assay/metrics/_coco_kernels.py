"""Compiled loops of the COCO-style detection engine.

Greedy matching is sequential per (sample, label) group and the precision envelope is sequential per
curve, so neither vectorises in numpy; numba compiles these loops once (cached on disk). The
arithmetic mirrors the reference implementation operation for operation (same IoU expression, same
``tp / (fp + tp + eps)``, same envelope and recall search) so that results agree to the last bit where
the reference is deterministic.
"""

from __future__ import annotations

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
    dt_rank: npt.NDArray[np.int64],
    status: npt.NDArray[np.int8],
    gt_sample: npt.NDArray[np.int64],
    gt_label: npt.NDArray[np.int64],
    gt_counted: npt.NDArray[np.bool_],
    recall_thresholds: npt.NDArray[np.float64],
    max_dets: npt.NDArray[np.int64],
    precision_m: npt.NDArray[np.int64],
    mean_precision: npt.NDArray[np.float64],
    recall: npt.NDArray[np.float64],
    full_precision: npt.NDArray[np.float64],
    keep_full: bool,
) -> None:
    """Aggregate matched detections into precision and recall for every slice.

    ``order`` lists the detections sorted by label, then descending score, then sample, then rank, so a
    slice only filters it: nothing is sorted again per slice. Outputs are ``mean_precision[s, t, k, a, mi]``
    (precision averaged over the recall thresholds, -1 where the slice has no counted ground truth),
    ``recall[s, t, k, a, m]`` and, when ``keep_full``, ``full_precision[s, t, r, k, a, mi]``.
    ``precision_m`` must include the last limit, whose pass also counts recall.
    """
    n_s = slice_ptr.shape[0] - 1
    n_k = label_ptr.shape[0] - 1
    n_a = status.shape[1]
    n_t = status.shape[2]
    n_r = recall_thresholds.shape[0]
    n_m = max_dets.shape[0]
    n_pm = precision_m.shape[0]
    eps = np.spacing(1.0)
    member = np.zeros(n_samples, dtype=np.bool_)
    npig = np.zeros((n_k, n_a), dtype=np.int64)
    max_len = 1
    for k in range(n_k):
        max_len = max(max_len, label_ptr[k + 1] - label_ptr[k])
    chosen = np.zeros(max_len, dtype=np.int64)
    tp_by_m = np.zeros(n_m, dtype=np.int64)
    rc = np.zeros(max_len)
    pr = np.zeros(max_len)
    n_gt = gt_sample.shape[0]
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
            for a in range(n_a):
                n_pos = npig[k, a]
                if n_pos == 0:
                    for t in range(n_t):
                        for m in range(n_m):
                            recall[s, t, k, a, m] = -1.0
                        for mi in range(n_pm):
                            mean_precision[s, t, k, a, mi] = -1.0
                            if keep_full:
                                for r in range(n_r):
                                    full_precision[s, t, r, k, a, mi] = -1.0
                    continue
                for t in range(n_t):
                    for m in range(n_m):
                        tp_by_m[m] = 0
                    for mi in range(n_pm):
                        limit = max_dets[precision_m[mi]]
                        # The pass for the largest limit also counts true positives under every limit,
                        # so recall costs no extra pass over the detections.
                        count_recall = precision_m[mi] == n_m - 1
                        n = 0
                        tp = 0.0
                        fp = 0.0
                        for c in range(n_c):
                            d = chosen[c]
                            rank = dt_rank[d]
                            if rank >= limit:
                                continue
                            st = status[d, a, t]
                            if st == STATUS_TP:
                                tp += 1.0
                                if count_recall:
                                    for m in range(n_m):
                                        if rank < max_dets[m]:
                                            tp_by_m[m] += 1
                            elif st == STATUS_FP:
                                fp += 1.0
                            rc[n] = tp / n_pos
                            pr[n] = tp / (fp + tp + eps)
                            n += 1
                        for i in range(n - 1, 0, -1):
                            if pr[i] > pr[i - 1]:
                                pr[i - 1] = pr[i]
                        total = 0.0
                        i = 0
                        for r in range(n_r):
                            while i < n and rc[i] < recall_thresholds[r]:
                                i += 1
                            q = pr[i] if i < n else 0.0
                            total += q
                            if keep_full:
                                full_precision[s, t, r, k, a, mi] = q
                        mean_precision[s, t, k, a, mi] = total / n_r
                    for m in range(n_m):
                        recall[s, t, k, a, m] = tp_by_m[m] / n_pos
        for p in range(slice_ptr[s], slice_ptr[s + 1]):
            member[slice_idx[p]] = False


@nb.njit(cache=True, nogil=True)
def count_slices(  # noqa: PLR0913
    slice_ptr: npt.NDArray[np.int64],
    slice_idx: npt.NDArray[np.int64],
    y_true: npt.NDArray[np.int64],
    y_pred: npt.NDArray[np.int64],
    n_classes: int,
    true_count: npt.NDArray[np.int64],
    pred_count: npt.NDArray[np.int64],
    tp_count: npt.NDArray[np.int64],
) -> None:
    """Count, per slice and class, the true labels, the predicted labels and the correct predictions."""
    n_s = slice_ptr.shape[0] - 1
    for s in range(n_s):
        for p in range(slice_ptr[s], slice_ptr[s + 1]):
            i = slice_idx[p]
            yt = y_true[i]
            yp = y_pred[i]
            true_count[s, yt] += 1
            pred_count[s, yp] += 1
            if yt == yp:
                tp_count[s, yt] += 1
