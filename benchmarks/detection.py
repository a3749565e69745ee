"""COCO box evaluation: assay.metrics against pycocotools, faster-coco-eval and hotcoco.

A synthetic COCO-format set is generated here (5,000 images, 80 labels of skewed frequency, about 7
ground-truth and 20 predicted boxes per image, every area range populated, 1% crowd boxes, scores rounded
to 3 decimals so that ties occur). Three scenarios are timed, each peer in its fastest documented way:

1. the whole set, once;
2. 100 overlapping slices of about 10% of the images each: pycocotools and faster-coco-eval evaluate each
   slice with ``params.imgIds`` set to it; hotcoco runs ``evaluate()`` once and then ``slice_by``; Assay
   matches once (``match_detections``) and aggregates all slices in one ``evaluate(slices)`` call;
3. 5 models x the same 100 slices.

Every time includes building each library's input from the same numpy arrays (COCO objects for the peers,
``DetectionGroundTruth`` for Assay), so no library is charged for another's format. Each scenario is run
``--repeat`` times and the best time is kept; Assay's compiled kernels are warmed up (and cached on disk by
numba) before timing, and that first-call time is printed separately.

Every Assay result is checked against pycocotools (all 12 numbers within 1e-12); so are hotcoco's and
faster-coco-eval's, for information. pycocotools is slow (about 1 s per slice), so by default it runs on
every slice of scenario 2 and on ``--reference-slices`` slices per model in scenario 3.

Run: ``python benchmarks/detection.py`` (``--help`` for options). Needs the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.metrics import COCO_STAT_NAMES, DetectionGroundTruth, match_detections

WIDTH, HEIGHT = 640.0, 480.0


@dataclass
class GroundTruth:
    image: np.ndarray  # 0-based image index; the COCO image id is index + 1
    label: np.ndarray  # 0-based label; the COCO category id is label + 1
    boxes: np.ndarray  # xywh
    area: np.ndarray
    crowd: np.ndarray


@dataclass
class Detections:
    image: np.ndarray
    label: np.ndarray
    boxes: np.ndarray
    scores: np.ndarray


def make_ground_truth(rng: np.random.Generator, n_images: int, n_labels: int, per_image: float) -> GroundTruth:
    frequency = 1.0 / np.arange(1, n_labels + 1)  # Zipf-like: label 0 is 80x more common than label 79
    frequency /= frequency.sum()
    counts = rng.poisson(per_image, n_images)
    image = np.repeat(np.arange(n_images), counts)
    n = image.size
    side = np.exp(rng.uniform(np.log(8), np.log(320), n))  # log-uniform: small, medium and large boxes
    aspect = np.exp(rng.normal(0, 0.4, n))
    w = np.minimum(side * aspect, WIDTH - 1)
    h = np.minimum(side / aspect, HEIGHT - 1)
    boxes = np.column_stack([rng.uniform(0, WIDTH - w), rng.uniform(0, HEIGHT - h), w, h])
    return GroundTruth(image, rng.choice(n_labels, n, p=frequency), boxes, w * h, rng.random(n) < 0.01)


def make_detections(
    rng: np.random.Generator, gt: GroundTruth, n_images: int, n_labels: int, per_image: float, quality: float
) -> Detections:
    counts = rng.poisson(per_image, n_images)
    image = np.repeat(np.arange(n_images), counts)
    n = image.size
    gt_start = np.searchsorted(gt.image, np.arange(n_images))
    gt_count = np.bincount(gt.image, minlength=n_images)
    near = (rng.random(n) < 0.5) & (gt_count[image] > 0)
    target = gt_start[image] + (rng.random(n) * gt_count[image]).astype(np.int64)
    boxes = np.empty((n, 4))
    label = rng.integers(0, n_labels, n)
    # Detections near a ground truth: jittered box, right label most of the time.
    t = target[near]
    scale = np.column_stack([gt.boxes[t, 2], gt.boxes[t, 3], gt.boxes[t, 2], gt.boxes[t, 3]])
    boxes[near] = gt.boxes[t] + rng.normal(0, 0.15 / quality, (t.size, 4)) * scale
    boxes[near, 2:] = np.abs(boxes[near, 2:]) + 1.0
    label[near] = np.where(rng.random(t.size) < 0.85, gt.label[t], label[near])
    # Background detections anywhere.
    far = ~near
    side = np.exp(rng.uniform(np.log(8), np.log(320), far.sum()))
    boxes[far] = np.column_stack(
        [rng.uniform(0, WIDTH - 40, far.sum()), rng.uniform(0, HEIGHT - 40, far.sum()), side, side]
    )
    scores = np.where(near, rng.beta(2 + 2 * quality, 2, n), rng.beta(2, 2 + 2 * quality, n))
    return Detections(image, label, boxes, np.round(scores, 3))


# ---------------------------------------------------------------------------------------------- peers


def coco_dataset(gt: GroundTruth, n_images: int, n_labels: int) -> dict[str, Any]:
    return {
        "images": [{"id": i + 1, "width": WIDTH, "height": HEIGHT} for i in range(n_images)],
        "categories": [{"id": k + 1, "name": str(k)} for k in range(n_labels)],
        "annotations": [
            {
                "id": j + 1,
                "image_id": int(gt.image[j]) + 1,
                "category_id": int(gt.label[j]) + 1,
                "bbox": gt.boxes[j].tolist(),
                "area": float(gt.area[j]),
                "iscrowd": int(gt.crowd[j]),
            }
            for j in range(gt.image.size)
        ],
    }


def result_array(dt: Detections) -> np.ndarray:
    """The N x 7 ``[image_id, x, y, w, h, score, category_id]`` array every peer's ``loadRes`` accepts."""
    return np.column_stack([dt.image + 1, dt.boxes, dt.scores, dt.label + 1]).astype(np.float64)


def quiet(function: Callable[[], Any]) -> Any:
    with contextlib.redirect_stdout(io.StringIO()):
        return function()


def pycocotools_run(
    dataset: dict[str, Any], dts: list[Detections], slices: list[np.ndarray] | None
) -> list[np.ndarray]:
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    def run() -> list[np.ndarray]:
        gt = COCO()
        gt.dataset = dataset
        gt.createIndex()
        out = []
        for dt in dts:
            res = gt.loadRes(result_array(dt))
            for members in slices if slices is not None else [None]:
                evaluator = COCOeval(gt, res, "bbox")
                if members is not None:
                    evaluator.params.imgIds = (members + 1).tolist()
                evaluator.evaluate()
                evaluator.accumulate()
                evaluator.summarize()
                out.append(np.array(evaluator.stats))
        return out

    return quiet(run)


def faster_coco_eval_run(
    dataset: dict[str, Any], dts: list[Detections], slices: list[np.ndarray] | None
) -> list[np.ndarray]:
    from faster_coco_eval import COCO, COCOeval_faster

    def silent(*_: Any, **__: Any) -> None:
        return None

    def run() -> list[np.ndarray]:
        gt = COCO(dataset)
        out = []
        for dt in dts:
            res = gt.loadRes(result_array(dt))
            for members in slices if slices is not None else [None]:
                evaluator = COCOeval_faster(gt, res, "bbox", print_function=silent)
                if members is not None:
                    evaluator.params.imgIds = (members + 1).tolist()
                evaluator.evaluate()
                evaluator.accumulate()
                evaluator.summarize()
                out.append(np.array(evaluator.stats))
        return out

    return quiet(run)


HOTCOCO_KEYS = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]


def hotcoco_run(
    gt: GroundTruth, n_images: int, n_labels: int, dts: list[Detections], slices: list[np.ndarray] | None
) -> list[np.ndarray]:
    import hotcoco

    def run() -> list[np.ndarray]:
        images = [{"id": i + 1, "width": WIDTH, "height": HEIGHT} for i in range(n_images)]
        categories = [{"id": k + 1, "name": str(k)} for k in range(n_labels)]
        coco_gt = hotcoco.COCO.from_arrays(
            images,
            categories,
            gt.image + 1,
            gt.label + 1,
            gt.boxes,
            area=gt.area,
            iscrowd=gt.crowd.astype(np.int64),
        )
        out = []
        named = {f"s{i}": (members + 1).tolist() for i, members in enumerate(slices or [])}
        for dt in dts:
            evaluator = hotcoco.COCOeval(coco_gt, coco_gt.load_res(result_array(dt)), "bbox")
            evaluator.evaluate()
            if slices is None:
                evaluator.accumulate()
                evaluator.summarize()
                out.append(np.array(evaluator.stats))
            else:
                result = evaluator.slice_by(named)
                out.extend(np.array([result[f"s{i}"][key] for key in HOTCOCO_KEYS]) for i in range(len(slices)))
        return out

    return quiet(run)


def assay_run(
    gt: GroundTruth, n_images: int, n_labels: int, dts: list[Detections], slices: list[np.ndarray] | None
) -> list[np.ndarray]:
    truth = DetectionGroundTruth(
        gt.image,
        gt.label,
        gt.boxes,
        num_samples=n_images,
        num_labels=n_labels,
        iscrowd=gt.crowd,
        area=gt.area,
    )
    out = []
    for dt in dts:
        matches = match_detections(truth, dt.image, dt.label, dt.boxes, dt.scores)
        out.extend(matches.evaluate(slices).stats)
    return out


# ------------------------------------------------------------------------------------------ harness


def best_time(function: Callable[[], list[np.ndarray]], repeat: int) -> tuple[float, list[np.ndarray]]:
    best, result = float("inf"), []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def max_difference(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    return float(np.max(np.abs(np.array(a) - np.array(b)))) if a else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--labels", type=int, default=80)
    parser.add_argument("--slices", type=int, default=100)
    parser.add_argument("--slice-fraction", type=float, default=0.10)
    parser.add_argument("--models", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="timing runs of the fast tools (best kept)")
    parser.add_argument("--reference-slices", type=int, default=3, help="pycocotools slices per model, scenario 3")
    parser.add_argument("--skip-pycocotools-slices", action="store_true", help="no pycocotools in scenario 2")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    gt = make_ground_truth(rng, args.images, args.labels, 7.0)
    models = [make_detections(rng, gt, args.images, args.labels, 20.0, q) for q in np.linspace(0.6, 1.4, args.models)]
    dataset = coco_dataset(gt, args.images, args.labels)
    slice_masks = rng.random((args.slices, args.images)) < args.slice_fraction
    slices = [np.flatnonzero(mask) for mask in slice_masks]
    areas = gt.area[~gt.crowd]
    print(
        f"data: {args.images} images, {args.labels} labels, {gt.image.size} ground truths "
        f"(small {np.mean(areas < 32**2):.0%}, medium {np.mean((areas >= 32**2) & (areas < 96**2)):.0%}, "
        f"large {np.mean(areas >= 96**2):.0%}, {gt.crowd.sum()} crowd), "
        f"{np.mean([m.image.size for m in models]):.0f} detections per model, "
        f"{args.slices} slices of {np.mean([s.size for s in slices]):.0f} images"
    )
    n, k = args.images, args.labels

    start = time.perf_counter()
    assay_run(gt, n, k, models[:1], slices[:2])
    print(f"assay first call (numba compile or disk-cache load): {time.perf_counter() - start:.3f} s\n")

    rows: dict[str, dict[str, float]] = {}
    checks: list[str] = []

    def record(
        tool: str,
        scenario: str,
        seconds: float,
        result: list[np.ndarray],
        reference: list[np.ndarray] | None,
        ref_index: list[int] | None = None,
    ) -> None:
        rows.setdefault(tool, {})[scenario] = seconds
        if reference is not None and tool != "pycocotools":
            compared = [result[i] for i in ref_index] if ref_index is not None else result
            diff = max_difference(compared, reference)
            status = "equal" if diff <= 1e-12 else "DIFFERENT"
            checks.append(
                f"{scenario:>22}  {tool:<17} vs pycocotools on {len(reference)} results: "
                f"max |diff| {diff:.1e} ({status})"
            )

    # 1. whole set
    scenario = "whole set"
    seconds, reference = best_time(lambda: pycocotools_run(dataset, models[:1], None), 1)
    record("pycocotools", scenario, seconds, reference, None)
    for tool, runner in [
        ("faster-coco-eval", lambda: faster_coco_eval_run(dataset, models[:1], None)),
        ("hotcoco", lambda: hotcoco_run(gt, n, k, models[:1], None)),
        ("assay", lambda: assay_run(gt, n, k, models[:1], None)),
    ]:
        seconds, result = best_time(runner, args.repeat)
        record(tool, scenario, seconds, result, reference)

    # 2. 100 slices
    scenario = f"{args.slices} slices"
    reference = None
    if not args.skip_pycocotools_slices:
        seconds, reference = best_time(lambda: pycocotools_run(dataset, models[:1], slices), 1)
        record("pycocotools", scenario, seconds, reference, None)
    seconds, result = best_time(lambda: faster_coco_eval_run(dataset, models[:1], slices), 1)
    record("faster-coco-eval", scenario, seconds, result, reference)
    for tool, runner in [
        ("hotcoco", lambda: hotcoco_run(gt, n, k, models[:1], slices)),
        ("assay", lambda: assay_run(gt, n, k, models[:1], slices)),
    ]:
        seconds, result = best_time(runner, args.repeat)
        record(tool, scenario, seconds, result, reference)

    # 3. models x slices
    scenario = f"{args.models} models x {args.slices}"
    sample = list(range(min(args.reference_slices, args.slices)))
    reference = pycocotools_run(dataset, models, [slices[i] for i in sample]) if sample else None
    ref_index = [m * args.slices + i for m in range(args.models) for i in sample]
    seconds, result = best_time(lambda: faster_coco_eval_run(dataset, models, slices), 1)
    record("faster-coco-eval", scenario, seconds, result, reference, ref_index)
    for tool, runner in [
        ("hotcoco", lambda: hotcoco_run(gt, n, k, models, slices)),
        ("assay", lambda: assay_run(gt, n, k, models, slices)),
    ]:
        seconds, result = best_time(runner, args.repeat)
        record(tool, scenario, seconds, result, reference, ref_index)

    scenarios = ["whole set", f"{args.slices} slices", f"{args.models} models x {args.slices}"]
    print(f"{'seconds (x = time / assay time)':<34}" + "".join(f"{s:>26}" for s in scenarios))
    for tool in ["pycocotools", "faster-coco-eval", "hotcoco", "assay"]:
        cells = []
        for s in scenarios:
            t = rows.get(tool, {}).get(s)
            cells.append(f"{'-':>26}" if t is None else f"{t:>14.3f} ({t / rows['assay'][s]:>6.1f}x)")
        print(f"{tool:<34}" + "".join(cells))
    print("\nequality with pycocotools (all 12 numbers of every result compared; tolerance 1e-12):")
    print("\n".join(checks))

    whole = rows["hotcoco"]["whole set"] / rows["assay"]["whole set"]
    sliced_hot = rows["hotcoco"][scenarios[1]] / rows["assay"][scenarios[1]]
    sliced_fce = rows["faster-coco-eval"][scenarios[1]] / rows["assay"][scenarios[1]]
    print("\ntargets:")

    def verdict(ok: bool) -> str:
        return "reached" if ok else "NOT reached"

    ratio = 1 / whole
    print(f"  whole set within 1.5x of hotcoco:           assay/hotcoco = {ratio:.2f}  {verdict(ratio <= 1.5)}")
    print(f"  slices >= 2x faster than hotcoco slice_by:   {sliced_hot:.1f}x  {verdict(sliced_hot >= 2)}")
    print(f"  slices >= 20x faster than faster-coco-eval:  {sliced_fce:.1f}x  {verdict(sliced_fce >= 20)}")
    print(f"  ({', '.join(COCO_STAT_NAMES)} compared)")
    return 0 if all("DIFFERENT" not in c or "assay" not in c for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
