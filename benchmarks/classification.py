"""Per-slice classification metrics: assay.metrics against scikit-learn and a plain numpy loop.

1,000,000 samples, 1,000 classes (skewed frequencies, 70% accuracy), 100 overlapping slices of about 10%
of the samples each. For every slice: per-class TP/FP/FN/TN, per-class precision/recall/F1 and their macro
averages.

* scikit-learn: ``precision_recall_fscore_support(labels=range(C))`` on each slice (conservative: its
  counts are not even returned, so Assay's are free in this comparison);
* numpy: per slice, three ``np.bincount`` calls (true, predicted, correct) and the same formulas;
* Assay: ``classification_counts_by_slice`` (one compiled pass over the members of every slice, building
  the ``SliceSet`` from the same index lists included) then ``scores_from_counts`` for all slices at once.

All three start from the same sorted index list per slice. Results are checked equal (counts exactly,
scores within 1e-12). Run: ``python benchmarks/classification.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from assay.metrics import SliceSet, classification_counts_by_slice, scores_from_counts


def sklearn_per_slice(y_true: np.ndarray, y_pred: np.ndarray, slices: list[np.ndarray], c: int) -> list[Any]:
    from sklearn.metrics import precision_recall_fscore_support

    labels = np.arange(c)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # classes absent from a slice: scikit-learn warns, result is 0
        for members in slices:
            p, r, f, support = precision_recall_fscore_support(
                y_true[members], y_pred[members], labels=labels, zero_division=0.0
            )
            out.append((p, r, f, support, p.mean(), r.mean(), f.mean()))
    return out


def numpy_per_slice(y_true: np.ndarray, y_pred: np.ndarray, slices: list[np.ndarray], c: int) -> list[Any]:
    out = []
    for members in slices:
        t, p = y_true[members], y_pred[members]
        tp = np.bincount(t[t == p], minlength=c)
        fp = np.bincount(p, minlength=c) - tp
        fn = np.bincount(t, minlength=c) - tp
        tn = members.size - tp - fp - fn
        with np.errstate(invalid="ignore", divide="ignore"):
            precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
            recall = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1), 0.0)
            f1 = np.where(2 * tp + fp + fn > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
        out.append((tp, fp, fn, tn, precision, recall, f1, precision.mean(), recall.mean(), f1.mean()))
    return out


def assay_all_slices(y_true: np.ndarray, y_pred: np.ndarray, slices: list[np.ndarray], c: int) -> Any:
    slice_set = SliceSet.from_indices(slices, y_true.size)
    counts = classification_counts_by_slice(y_true, y_pred, slice_set, num_classes=c)
    per_class = scores_from_counts(counts)
    macro = scores_from_counts(counts, average="macro")
    return counts, per_class, macro


def best_time(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--slices", type=int, default=100)
    parser.add_argument("--slice-fraction", type=float, default=0.10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    n, c = args.samples, args.classes
    frequency = 1.0 / np.arange(1, c + 1) ** 0.7
    frequency /= frequency.sum()
    y_true = rng.choice(c, n, p=frequency)
    y_pred = np.where(rng.random(n) < 0.7, y_true, rng.choice(c, n, p=frequency))
    slices = [np.flatnonzero(rng.random(n) < args.slice_fraction) for _ in range(args.slices)]
    mean_size = np.mean([s.size for s in slices])
    print(f"data: {n} samples, {c} classes, {args.slices} slices of {mean_size:.0f} samples")

    start = time.perf_counter()
    assay_all_slices(y_true[:1000], y_pred[:1000], [np.arange(10)], c)
    print(f"assay first call (numba compile or disk-cache load): {time.perf_counter() - start:.3f} s\n")

    t_sklearn, sk = best_time(lambda: sklearn_per_slice(y_true, y_pred, slices, c), 1)
    t_numpy, npy = best_time(lambda: numpy_per_slice(y_true, y_pred, slices, c), args.repeat)
    t_assay, (counts, per_class, macro) = best_time(lambda: assay_all_slices(y_true, y_pred, slices, c), args.repeat)
    slice_set = SliceSet.from_indices(slices, n)
    t_engine, _ = best_time(
        lambda: scores_from_counts(classification_counts_by_slice(y_true, y_pred, slice_set, num_classes=c)),
        args.repeat,
    )

    print(f"{'per-slice precision/recall/F1 + counts':<46}{'seconds':>10}{'x assay':>10}")
    for name, seconds in [
        ("scikit-learn, per slice", t_sklearn),
        ("numpy bincount, per slice", t_numpy),
        ("assay (SliceSet built from the index lists)", t_assay),
        ("assay (SliceSet reused, e.g. across models)", t_engine),
    ]:
        print(f"{name:<46}{seconds:>10.3f}{seconds / t_assay:>10.1f}")

    failures = 0
    for s in range(args.slices):
        tp, fp, fn, tn, p, r, f, mp, mr, mf = npy[s]
        same_counts = all(
            np.array_equal(a, b)
            for a, b in zip((tp, fp, fn, tn), (counts.tp[s], counts.fp[s], counts.fn[s], counts.tn[s]), strict=True)
        )
        sk_p, sk_r, sk_f, sk_support, sk_mp, sk_mr, sk_mf = sk[s]
        close = (
            np.allclose(per_class.precision[s], sk_p, rtol=0, atol=1e-12)
            and np.allclose(per_class.recall[s], sk_r, rtol=0, atol=1e-12)
            and np.allclose(per_class.f1[s], sk_f, rtol=0, atol=1e-12)
            and np.array_equal(counts.support[s], sk_support)
            and abs(macro.f1[s] - sk_mf) <= 1e-12
            and abs(macro.precision[s] - sk_mp) <= 1e-12
            and abs(macro.recall[s] - sk_mr) <= 1e-12
        )
        failures += not (same_counts and close)
    print(f"\nequality: {args.slices - failures}/{args.slices} slices equal to scikit-learn and numpy")

    def verdict(ok: bool) -> str:
        return "reached" if ok else "NOT reached"

    print("\ntargets:")
    print(f"  >= 50x faster than scikit-learn: {t_sklearn / t_assay:.1f}x  {verdict(t_sklearn / t_assay >= 50)}")
    print(f"  faster than the numpy loop:      {t_numpy / t_assay:.1f}x  {verdict(t_numpy > t_assay)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
