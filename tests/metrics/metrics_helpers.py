"""Helpers of the metrics tests: annotation dataclasses, random detection sets, pycocotools as reference."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Box:
    top_left: tuple[float, float]
    bottom_right: tuple[float, float]


@dataclass(frozen=True)
class LabeledBox:
    top_left: tuple[float, float]
    bottom_right: tuple[float, float]
    label: str


@dataclass(frozen=True)
class ScoredBox:
    top_left: tuple[float, float]
    bottom_right: tuple[float, float]
    score: float


@dataclass(frozen=True)
class ScoredLabeledBox:
    top_left: tuple[float, float]
    bottom_right: tuple[float, float]
    label: str
    score: float


@dataclass(frozen=True)
class Polygon:
    points: list[tuple[float, float]]


@dataclass(frozen=True)
class ScoredPolygon:
    points: list[tuple[float, float]]
    score: float


@dataclass
class CocoData:
    """A small detection set as plain arrays (boxes in xywh)."""

    n_images: int
    n_labels: int
    gt_sample: np.ndarray
    gt_label: np.ndarray
    gt_boxes: np.ndarray
    gt_crowd: np.ndarray
    gt_area: np.ndarray
    dt_sample: np.ndarray
    dt_label: np.ndarray
    dt_boxes: np.ndarray
    dt_scores: np.ndarray


def random_coco(seed: int, n_images: int = 6, n_labels: int = 3, gt_rate: float = 3, dt_rate: float = 5) -> CocoData:
    """Boxes on a coarse grid (so IoUs tie and hit thresholds exactly), scores from few values (ties)."""
    rng = np.random.default_rng(seed)
    n_gt = rng.poisson(gt_rate, n_images)
    gt_sample = np.repeat(np.arange(n_images), n_gt)
    g = gt_sample.size
    unit = rng.choice([4.0, 16.0, 40.0], g)
    gt_boxes = np.column_stack(
        [
            rng.integers(0, 6, g) * unit,
            rng.integers(0, 6, g) * unit,
            rng.integers(1, 5, g) * unit,
            rng.integers(1, 5, g) * unit,
        ]
    ).astype(float)
    gt_label = rng.integers(0, n_labels, g)
    gt_crowd = rng.random(g) < 0.15
    gt_area = gt_boxes[:, 2] * gt_boxes[:, 3] * rng.choice([1.0, 0.6], g)
    n_dt = rng.poisson(dt_rate, n_images)
    dt_sample = np.repeat(np.arange(n_images), n_dt)
    d = dt_sample.size
    dt_boxes = np.empty((d, 4))
    dt_label = rng.integers(0, n_labels, d)
    for i in range(d):
        same = np.flatnonzero(gt_sample == dt_sample[i])
        if same.size and rng.random() < 0.7:
            j = rng.choice(same)
            dt_boxes[i] = gt_boxes[j] + rng.integers(-1, 2, 4) * gt_boxes[j, 2:].repeat(2) / 4
            dt_boxes[i, 2:] = np.maximum(dt_boxes[i, 2:], 1.0)
            if rng.random() < 0.8:
                dt_label[i] = gt_label[j]
        else:
            u = rng.choice([4.0, 16.0, 40.0])
            dt_boxes[i] = [
                rng.integers(0, 6) * u,
                rng.integers(0, 6) * u,
                rng.integers(1, 5) * u,
                rng.integers(1, 5) * u,
            ]
    dt_scores = rng.choice([0.2, 0.5, 0.7, 0.9, 0.95], d)
    return CocoData(
        n_images,
        n_labels,
        gt_sample,
        gt_label,
        gt_boxes,
        gt_crowd,
        gt_area,
        dt_sample,
        dt_label,
        dt_boxes,
        dt_scores,
    )


def pycocotools_eval(
    data: CocoData, image_subset: list[int] | None = None, max_dets: list[int] | None = None
) -> dict[str, Any]:
    """Run pycocotools on ``data`` (image ids are sample index + 1, category ids label + 1)."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    dataset = {
        "images": [{"id": i + 1} for i in range(data.n_images)],
        "categories": [{"id": k + 1} for k in range(data.n_labels)],
        "annotations": [
            {
                "id": j + 1,
                "image_id": int(data.gt_sample[j]) + 1,
                "category_id": int(data.gt_label[j]) + 1,
                "bbox": [float(v) for v in data.gt_boxes[j]],
                "area": float(data.gt_area[j]),
                "iscrowd": int(data.gt_crowd[j]),
            }
            for j in range(data.gt_sample.size)
        ],
    }
    results = [
        {
            "image_id": int(data.dt_sample[j]) + 1,
            "category_id": int(data.dt_label[j]) + 1,
            "bbox": [float(v) for v in data.dt_boxes[j]],
            "score": float(data.dt_scores[j]),
        }
        for j in range(data.dt_sample.size)
    ]
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = dataset
        gt.createIndex()
        dt = gt.loadRes(results)
        evaluator = COCOeval(gt, dt, "bbox")
        if image_subset is not None:
            evaluator.params.imgIds = [i + 1 for i in image_subset]
        if max_dets is not None:
            evaluator.params.maxDets = max_dets
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return {
        "stats": np.array(evaluator.stats),
        "precision": evaluator.eval["precision"],
        "recall": evaluator.eval["recall"],
    }
