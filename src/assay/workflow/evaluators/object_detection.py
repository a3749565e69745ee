"""2-D object detection, single- or multi-class: data types, the evaluator (two forms) and its metrics.

Declare a workflow with any test-sample type and the two types here::

    from assay.workflow import Image, define_workflow
    from assay.workflow.evaluators.object_detection import (
        ObjectDetectionEvaluator, ObjectDetectionGroundTruth, ObjectDetectionInference, ThresholdConfiguration,
    )

    _, TestCase, TestSuite, Model = define_workflow("Detection", Image, ObjectDetectionGroundTruth,
                                                    ObjectDetectionInference)
    configurations = [ThresholdConfiguration("F1-Optimal"), ThresholdConfiguration(0.5, iou_threshold=0.75)]
    test(model, suite, ObjectDetectionEvaluator(configurations=configurations))
    # or the function form, which sees the whole suite in one call:
    test(model, suite, evaluate_object_detection, configurations=configurations)

How detections are judged, for one configuration:

* Detections scored below ``min_confidence_score`` are dropped before anything else.
* Matching follows the COCO protocol of :mod:`assay.metrics.detection`: per sample and label (all labels are
  one class when single-class), by descending score, each detection takes the free ground truth of highest
  IoU at or above ``iou_threshold``. A detection that lands on an ignored box (``ignored_bboxes``) is neither a
  true nor a false positive, and ignored boxes are never false negatives.
* The operating threshold is ``threshold_strategy`` when it is a number; with ``"F1-Optimal"`` it is, per label
  (or for the single class), the score that maximises F1 over the whole suite (function form) or over the
  first test case evaluated (class form: make the first test case the complete set, as in Kolena). A label
  where no threshold gives a true positive keeps ``min_confidence_score``; a threshold is never below it.
* Sample metrics list the true positives, false positives and false negatives at that threshold. Test-case
  metrics count them, derive precision, recall and F1, and report AP at ``iou_threshold`` (COCO's 101-point
  interpolation, mean over labels with ground truth) and the twelve COCO summary numbers (AP at IoU
  0.50:0.95 and the rest, -1 where undefined, as pycocotools reports them), which do not depend on the
  threshold. Multiclass test cases add one row of metrics per label and a confusion matrix where a false
  positive that overlaps (IoU at or above the threshold) a missed box of another label counts as confusing
  that label for its own.

Every test case is a slice of one per-suite computation (:func:`assay.metrics.match_detections` once per
model and configuration, then :meth:`~assay.metrics.DetectionMatches.evaluate` per slice). The function form
:func:`evaluate_object_detection` matches once and aggregates every test case in one call. The class form
:class:`ObjectDetectionEvaluator` is called once per test case, so it keeps the matched state of each
configuration and reuses it for every later test case whose samples (with the same ground truths and
inferences) it already holds; a test case with new samples rebuilds the state over the union.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from assay.errors import InputValidationError
from assay.metrics import (
    CocoParams,
    CocoResults,
    DetectionGroundTruth,
    DetectionMatches,
    box_iou_matrix,
    match_detections,
)
from assay.workflow._entity import sample_dict, sample_key
from assay.workflow.annotation import LabeledBoundingBox, ScoredLabeledBoundingBox
from assay.workflow.evaluator import (
    Evaluator,
    EvaluatorConfiguration,
    MetricsTestCase,
    MetricsTestSample,
    MetricsTestSuite,
)
from assay.workflow.evaluator_function import EvaluationResults, TestCases
from assay.workflow.ground_truth import GroundTruth
from assay.workflow.inference import Inference
from assay.workflow.plot import ConfusionMatrix, Curve, CurvePlot, Plot
from assay.workflow.test_case import TestCase
from assay.workflow.test_sample import TestSample
from assay.workflow.test_suite import TestSuite

__all__ = [
    "ClassMetricsPerTestCase",
    "ObjectDetectionEvaluator",
    "ObjectDetectionGroundTruth",
    "ObjectDetectionInference",
    "ObjectDetectionSampleMetrics",
    "ObjectDetectionSuiteMetrics",
    "ObjectDetectionTestCaseMetrics",
    "ThresholdConfiguration",
    "evaluate_object_detection",
]

F1_OPTIMAL = "F1-Optimal"
"""The threshold strategy that picks the F1-maximising score threshold."""

BACKGROUND = "(background)"
"""Row and column of the confusion matrix for missed boxes and detections on nothing."""

_COCO_IOUS = CocoParams().iou_thresholds


@dataclass(frozen=True)
class ObjectDetectionGroundTruth(GroundTruth):
    """The true boxes of a sample.

    Attributes:
        bboxes: Boxes to find.
        ignored_bboxes: Boxes that neither count as missed nor make a detection on them a false positive
            (crowds, ambiguous objects).
    """

    bboxes: list[LabeledBoundingBox]
    ignored_bboxes: list[LabeledBoundingBox] = field(default_factory=list)


@dataclass(frozen=True)
class ObjectDetectionInference(Inference):
    """A model's detections on a sample.

    Attributes:
        bboxes: The detected boxes with label and confidence.
    """

    bboxes: list[ScoredLabeledBoundingBox]


@dataclass(frozen=True)
class ThresholdConfiguration(EvaluatorConfiguration):
    """How detections are thresholded and matched.

    Attributes:
        threshold_strategy: A fixed confidence threshold in [0, 1], or ``"F1-Optimal"``.
        iou_threshold: Minimum IoU of a match, in (0, 1].
        min_confidence_score: Detections below it are dropped; also the lowest threshold.
        multiclass: Match per label (True) or ignore labels (False); None decides by the number of distinct
            labels in the data (two or more is multiclass).

    Raises:
        InputValidationError: a strategy, IoU or minimum score out of range.

    Example:
        >>> ThresholdConfiguration(0.5, iou_threshold=0.75).display_name()
        'Confidence Threshold: 0.5, IoU: 0.75, min confidence ≥ 0.0'
    """

    threshold_strategy: str | float = F1_OPTIMAL
    iou_threshold: float = 0.5
    min_confidence_score: float = 0.0
    multiclass: bool | None = None

    def __post_init__(self) -> None:
        strategy = self.threshold_strategy
        if isinstance(strategy, str):
            if strategy != F1_OPTIMAL:
                raise InputValidationError(
                    f"threshold_strategy must be a number or {F1_OPTIMAL!r}, got {strategy!r}",
                    field="threshold_strategy",
                )
        elif not 0.0 <= strategy <= 1.0:
            raise InputValidationError(
                f"threshold_strategy must be in [0, 1], got {strategy}", field="threshold_strategy"
            )
        if not 0.0 < self.iou_threshold <= 1.0:
            raise InputValidationError(
                f"iou_threshold must be in (0, 1], got {self.iou_threshold}", field="iou_threshold"
            )
        if not 0.0 <= self.min_confidence_score <= 1.0:
            raise InputValidationError(
                f"min_confidence_score must be in [0, 1], got {self.min_confidence_score}",
                field="min_confidence_score",
            )

    def display_name(self) -> str:
        """Name of the configuration in results."""
        kind = "" if self.multiclass is None else ("Multiclass, " if self.multiclass else "SingleClass, ")
        return (
            f"{kind}Confidence Threshold: {self.threshold_strategy}, IoU: {self.iou_threshold}, "
            f"min confidence ≥ {self.min_confidence_score}"
        )


@dataclass(frozen=True)
class ObjectDetectionSampleMetrics(MetricsTestSample):
    """Metrics of one sample at the configuration's thresholds.

    Attributes:
        TP: Detections matched to a true box.
        FP: Detections matched to nothing.
        FN: True boxes no detection matched.
        Confused: Missed true boxes that a false positive of another label overlaps (multiclass).
        count_TP: Number of true positives.
        count_FP: Number of false positives, lower is better.
        count_FN: Number of false negatives, lower is better.
        count_Confused: Number of confused boxes, lower is better.
        count_ignored: Detections on ignored boxes.
        max_confidence_above_t: Highest score among kept detections, None without any.
        min_confidence_above_t: Lowest score among kept detections, None without any.
    """

    TP: list[ScoredLabeledBoundingBox]
    FP: list[ScoredLabeledBoundingBox]
    FN: list[LabeledBoundingBox]
    Confused: list[LabeledBoundingBox]
    count_TP: int
    count_FP: int = field(metadata={"higher_is_better": False})
    count_FN: int = field(metadata={"higher_is_better": False})
    count_Confused: int = field(metadata={"higher_is_better": False})
    count_ignored: int
    max_confidence_above_t: float | None
    min_confidence_above_t: float | None


@dataclass(frozen=True)
class ClassMetricsPerTestCase(MetricsTestCase):
    """Metrics of one label within a test case (multiclass).

    Attributes:
        Class: The label.
        nImages: Samples with a true box of the label.
        Threshold: The confidence threshold used for the label.
        Objects: True boxes of the label (ignored ones excluded).
        Inferences: Kept detections of the label, ignoring those on ignored boxes.
        TP: True positives.
        FN: False negatives, lower is better.
        FP: False positives, lower is better.
        Precision: ``TP / (TP + FP)``, 0 without detections.
        Recall: ``TP / (TP + FN)``, 0 without true boxes.
        F1: ``2 TP / (2 TP + FP + FN)``.
        AP: Average precision at the IoU threshold; None without true boxes.
    """

    Class: str
    nImages: int
    Threshold: float
    Objects: int
    Inferences: int
    TP: int
    FN: int = field(metadata={"higher_is_better": False})
    FP: int = field(metadata={"higher_is_better": False})
    Precision: float
    Recall: float
    F1: float
    AP: float | None


@dataclass(frozen=True)
class ObjectDetectionTestCaseMetrics(MetricsTestCase):
    """Aggregate metrics of one test case.

    Attributes:
        n_images: Samples in the test case.
        Objects: True boxes (ignored ones excluded).
        Inferences: Kept detections, ignoring those on ignored boxes.
        TP: True positives.
        FN: False negatives, lower is better.
        FP: False positives, lower is better.
        nIgnored: Kept detections on ignored boxes.
        Precision: ``TP / (TP + FP)`` over all labels, 0 without detections.
        Recall: ``TP / (TP + FN)``, 0 without true boxes.
        F1: ``2 TP / (2 TP + FP + FN)``.
        AP: Average precision at the IoU threshold, mean over labels with true boxes; None without any.
        macro_Precision: Mean of the per-label precisions (multiclass; equals Precision otherwise; 0 without
            any label).
        macro_Recall: Mean of the per-label recalls.
        macro_F1: Mean of the per-label F1 scores.
        coco_AP: AP at IoU 0.50:0.95 (COCO), threshold-free; -1 where undefined.
        coco_AP50: AP at IoU 0.50.
        coco_AP75: AP at IoU 0.75.
        coco_APs: AP for small boxes.
        coco_APm: AP for medium boxes.
        coco_APl: AP for large boxes.
        coco_AR1: AR with 1 detection per sample and label.
        coco_AR10: AR with 10 detections.
        coco_AR100: AR with 100 detections.
        coco_ARs: AR for small boxes.
        coco_ARm: AR for medium boxes.
        coco_ARl: AR for large boxes.
        PerClass: One row per label (multiclass; empty for a single class).
    """

    n_images: int
    Objects: int
    Inferences: int
    TP: int
    FN: int = field(metadata={"higher_is_better": False})
    FP: int = field(metadata={"higher_is_better": False})
    nIgnored: int
    Precision: float
    Recall: float
    F1: float
    AP: float | None
    macro_Precision: float
    macro_Recall: float
    macro_F1: float
    coco_AP: float
    coco_AP50: float
    coco_AP75: float
    coco_APs: float
    coco_APm: float
    coco_APl: float
    coco_AR1: float
    coco_AR10: float
    coco_AR100: float
    coco_ARs: float
    coco_ARm: float
    coco_ARl: float
    PerClass: list[ClassMetricsPerTestCase]


@dataclass(frozen=True)
class ObjectDetectionSuiteMetrics(MetricsTestSuite):
    """Metrics across the test cases of a suite.

    Attributes:
        n_images: Distinct samples in the suite.
        mean_AP: Mean of the test-case APs (those defined); None when none is.
        variance_AP: Population variance of those APs, lower is better; None when none is defined.
        threshold: The confidence threshold (single class); None in multiclass, where it is per label.
    """

    n_images: int
    mean_AP: float | None
    variance_AP: float | None = field(metadata={"higher_is_better": False})
    threshold: float | None


def _rate(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _configuration(configuration: EvaluatorConfiguration | None) -> ThresholdConfiguration:
    if configuration is None:
        return ThresholdConfiguration()
    if not isinstance(configuration, ThresholdConfiguration):
        raise InputValidationError(
            f"object detection takes a ThresholdConfiguration, got {type(configuration).__name__}",
            field="configuration",
        )
    return configuration


def _xyxy(box: LabeledBoundingBox | ScoredLabeledBoundingBox) -> tuple[float, float, float, float]:
    (x1, y1), (x2, y2) = box.top_left, box.bottom_right
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _boxes(rows: list[tuple[float, float, float, float]]) -> npt.NDArray[np.float64]:
    return np.array(rows, dtype=np.float64).reshape(-1, 4)


class _SuiteState:
    """One model's detections on a set of samples, matched once for one configuration, sliced by test case."""

    def __init__(
        self,
        triples: Sequence[tuple[TestSample, GroundTruth, Inference]],
        config: ThresholdConfiguration,
        thresholds: dict[str, float] | None = None,
    ) -> None:
        self.config = config
        self.truths: list[ObjectDetectionGroundTruth] = []
        self.inferences: list[ObjectDetectionInference] = []
        self.index: dict[bytes, int] = {}
        for sample, truth, inference in triples:
            if not isinstance(truth, ObjectDetectionGroundTruth) or not isinstance(inference, ObjectDetectionInference):
                raise InputValidationError(
                    "object detection needs ObjectDetectionGroundTruth and ObjectDetectionInference, got "
                    f"{type(truth).__name__} and {type(inference).__name__}"
                )
            self.index[sample_key(sample_dict(sample)[0])] = len(self.truths)
            self.truths.append(truth)
            self.inferences.append(inference)
        self._sample_metrics: list[ObjectDetectionSampleMetrics] | None = None
        self._build()
        self.thresholds = self._thresholds(thresholds)
        self._apply_thresholds()

    # -- matching, once ----------------------------------------------------------------------------------
    def _build(self) -> None:
        config = self.config
        kept = [[box for box in inf.bboxes if box.score >= config.min_confidence_score] for inf in self.inferences]
        self.kept_boxes = kept
        names = sorted(
            {box.label for truth in self.truths for box in (*truth.bboxes, *truth.ignored_bboxes)}
            | {box.label for boxes in kept for box in boxes}
        )
        self.multiclass = config.multiclass if config.multiclass is not None else len(names) >= 2
        self.labels = names if self.multiclass else ["(all)"]
        label_of = {name: i for i, name in enumerate(names)} if self.multiclass else dict.fromkeys(names, 0)
        gt_sample, gt_label, gt_box, gt_ignore, gt_object = [], [], [], [], []
        for i, truth in enumerate(self.truths):
            for ignored, group in ((False, truth.bboxes), (True, truth.ignored_bboxes)):
                for box in group:
                    gt_sample.append(i)
                    gt_label.append(label_of[box.label])
                    gt_box.append(_xyxy(box))
                    gt_ignore.append(ignored)
                    gt_object.append(box)
        self.gt_objects: list[LabeledBoundingBox] = gt_object
        self.gt_sample = np.array(gt_sample, dtype=np.int64)
        self.gt_label = np.array(gt_label, dtype=np.int64)
        self.gt_xyxy = _boxes(gt_box)
        self.gt_ignore = np.array(gt_ignore, dtype=bool)
        dt_sample, dt_label, dt_box, dt_score, dt_object = [], [], [], [], []
        for i, detections in enumerate(kept):
            for detection in detections:
                dt_sample.append(i)
                dt_label.append(label_of[detection.label])
                dt_box.append(_xyxy(detection))
                dt_score.append(detection.score)
                dt_object.append(detection)
        self.dt_objects: list[ScoredLabeledBoundingBox] = dt_object
        self.dt_sample = np.array(dt_sample, dtype=np.int64)
        self.dt_label = np.array(dt_label, dtype=np.int64)
        self.dt_xyxy = _boxes(dt_box)
        self.dt_score = np.array(dt_score, dtype=np.float64)
        n = len(self.truths)
        ground_truth = DetectionGroundTruth(
            self.gt_sample,
            self.gt_label,
            self.gt_xyxy,
            num_samples=n,
            num_labels=len(self.labels),
            ignore=self.gt_ignore,
            box_format="xyxy",
        )
        self.ground_truth = ground_truth
        self.coco = match_detections(
            ground_truth, self.dt_sample, self.dt_label, self.dt_xyxy, self.dt_score, box_format="xyxy"
        )
        # The operating point uses the configured IoU only, and every detection of a group (no 100 limit).
        largest = int(np.bincount(self.dt_sample * len(self.labels) + self.dt_label).max()) if dt_sample else 1
        params = CocoParams(iou_thresholds=(config.iou_threshold,), max_detections=(max(largest, 100),))
        self.at_iou: DetectionMatches = match_detections(
            ground_truth, self.dt_sample, self.dt_label, self.dt_xyxy, self.dt_score, params=params, box_format="xyxy"
        )

    def _thresholds(self, given: dict[str, float] | None) -> npt.NDArray[np.float64]:
        config = self.config
        floor = config.min_confidence_score
        if given is not None:
            return np.array([max(given.get(name, floor), floor) for name in self.labels])
        if not isinstance(config.threshold_strategy, str):
            return np.full(len(self.labels), max(float(config.threshold_strategy), floor))
        best = self.at_iou.operating_points(iou_threshold=config.iou_threshold).threshold
        return np.maximum(np.where(np.isnan(best), floor, best), floor)

    def _apply_thresholds(self) -> None:
        n, k = len(self.truths), len(self.labels)
        status = self.at_iou.status[:, 0, 0]
        kept = self.dt_score >= self.thresholds[self.dt_label] if self.dt_score.size else np.zeros(0, dtype=bool)
        self.tp_mask = kept & (status == 1)
        self.fp_mask = kept & (status == 0)
        self.ignored_mask = kept & (status == 2)
        matched = self.at_iou.matched_gt[:, 0]
        found = np.zeros(len(self.gt_objects), dtype=bool)
        found[matched[self.tp_mask]] = True
        self.fn_mask = ~found & ~self.gt_ignore
        self.confused_gt = np.zeros(len(self.gt_objects), dtype=bool)
        # Confusion pairs (actual label, predicted label), by sample; background is index k.
        pairs_sample: list[int] = []
        pairs_actual: list[int] = []
        pairs_pred: list[int] = []
        if self.multiclass:
            self._confusions(pairs_sample, pairs_actual, pairs_pred)
        size = n * k
        self.tp = np.bincount(self.dt_sample[self.tp_mask] * k + self.dt_label[self.tp_mask], minlength=size).reshape(
            n, k
        )
        self.fp = np.bincount(self.dt_sample[self.fp_mask] * k + self.dt_label[self.fp_mask], minlength=size).reshape(
            n, k
        )
        self.fn = np.bincount(self.gt_sample[self.fn_mask] * k + self.gt_label[self.fn_mask], minlength=size).reshape(
            n, k
        )
        self.ignored = np.bincount(self.dt_sample[self.ignored_mask], minlength=n)
        objects = ~self.gt_ignore
        self.has_object = np.zeros((n, k), dtype=np.int64)
        self.has_object[self.gt_sample[objects], self.gt_label[objects]] = 1
        self.confusion_sample = np.array(pairs_sample, dtype=np.int64)
        self.confusion_actual = np.array(pairs_actual, dtype=np.int64)
        self.confusion_pred = np.array(pairs_pred, dtype=np.int64)

    def _confusions(self, out_sample: list[int], out_actual: list[int], out_pred: list[int]) -> None:
        """Pair each false positive, by descending score, with the missed box of another label it overlaps most."""
        iou = self.config.iou_threshold
        fp_index = np.flatnonzero(self.fp_mask)
        fn_index = np.flatnonzero(self.fn_mask)
        if not fp_index.size or not fn_index.size:
            return
        fn_by_sample: dict[int, list[int]] = {}
        for g in fn_index.tolist():
            fn_by_sample.setdefault(int(self.gt_sample[g]), []).append(g)
        fp_by_sample: dict[int, list[int]] = {}
        for d in fp_index[np.argsort(-self.dt_score[fp_index], kind="stable")].tolist():
            fp_by_sample.setdefault(int(self.dt_sample[d]), []).append(d)
        for sample, dets in fp_by_sample.items():
            gts = fn_by_sample.get(sample)
            if not gts:
                continue
            overlap = box_iou_matrix(self.dt_xyxy[dets], self.gt_xyxy[gts])
            taken = np.zeros(len(gts), dtype=bool)
            for row, d in enumerate(dets):
                other = (self.gt_label[gts] != self.dt_label[d]) & ~taken & (overlap[row] >= iou)
                if not other.any():
                    continue
                column = int(np.argmax(np.where(other, overlap[row], -1.0)))
                taken[column] = True
                self.confused_gt[gts[column]] = True
                out_sample.append(sample)
                out_actual.append(int(self.gt_label[gts[column]]))
                out_pred.append(int(self.dt_label[d]))

    # -- per sample ------------------------------------------------------------------------------------------
    def sample_metrics(self) -> list[ObjectDetectionSampleMetrics]:
        """Metrics of every sample, in the order the state was built; built once, shared by every test case."""
        if self._sample_metrics is None:
            self._sample_metrics = self._build_sample_metrics()
        return self._sample_metrics

    def _build_sample_metrics(self) -> list[ObjectDetectionSampleMetrics]:
        n = len(self.truths)
        tp: list[list[ScoredLabeledBoundingBox]] = [[] for _ in range(n)]
        fp: list[list[ScoredLabeledBoundingBox]] = [[] for _ in range(n)]
        fn: list[list[LabeledBoundingBox]] = [[] for _ in range(n)]
        confused: list[list[LabeledBoundingBox]] = [[] for _ in range(n)]
        scores: list[list[float]] = [[] for _ in range(n)]
        for d in np.flatnonzero(self.tp_mask | self.fp_mask | self.ignored_mask).tolist():
            i = int(self.dt_sample[d])
            scores[i].append(float(self.dt_score[d]))
            if self.tp_mask[d]:
                tp[i].append(self.dt_objects[d])
            elif self.fp_mask[d]:
                fp[i].append(self.dt_objects[d])
        for g in np.flatnonzero(self.fn_mask).tolist():
            i = int(self.gt_sample[g])
            fn[i].append(self.gt_objects[g])
            if self.confused_gt[g]:
                confused[i].append(self.gt_objects[g])
        return [
            ObjectDetectionSampleMetrics(
                TP=tp[i],
                FP=fp[i],
                FN=fn[i],
                Confused=confused[i],
                count_TP=len(tp[i]),
                count_FP=len(fp[i]),
                count_FN=len(fn[i]),
                count_Confused=len(confused[i]),
                count_ignored=int(self.ignored[i]),
                max_confidence_above_t=max(scores[i]) if scores[i] else None,
                min_confidence_above_t=min(scores[i]) if scores[i] else None,
            )
            for i in range(n)
        ]

    # -- per test case -----------------------------------------------------------------------------------------
    def case_results(
        self, slices: list[npt.NDArray[np.int64]]
    ) -> list[tuple[ObjectDetectionTestCaseMetrics, list[Plot]]]:
        """Metrics and plots of each slice (sample indices into the state), from one aggregation of all slices."""
        coco = self.coco.evaluate(slices)
        at_iou = self.at_iou.evaluate(slices, keep_curves=True)
        ap_by_label = at_iou.mean_precision[:, 0, :, 0]
        return [self._case(s, members, coco.stats[s], ap_by_label[s], at_iou) for s, members in enumerate(slices)]

    def _case(
        self,
        s: int,
        members: npt.NDArray[np.int64],
        stats: npt.NDArray[np.float64],
        ap_by_label: npt.NDArray[np.float64],
        curves: CocoResults,
    ) -> tuple[ObjectDetectionTestCaseMetrics, list[Plot]]:
        tp = self.tp[members].sum(axis=0)
        fp = self.fp[members].sum(axis=0)
        fn = self.fn[members].sum(axis=0)
        images = self.has_object[members].sum(axis=0)
        per_class: list[ClassMetricsPerTestCase] = []
        rows_p, rows_r, rows_f = [], [], []
        for k, name in enumerate(self.labels):
            p = _rate(float(tp[k]), float(tp[k] + fp[k]))
            r = _rate(float(tp[k]), float(tp[k] + fn[k]))
            f = _rate(2.0 * float(tp[k]), float(2 * tp[k] + fp[k] + fn[k]))
            rows_p.append(p)
            rows_r.append(r)
            rows_f.append(f)
            per_class.append(
                ClassMetricsPerTestCase(
                    Class=name,
                    nImages=int(images[k]),
                    Threshold=float(self.thresholds[k]),
                    Objects=int(tp[k] + fn[k]),
                    Inferences=int(tp[k] + fp[k]),
                    TP=int(tp[k]),
                    FN=int(fn[k]),
                    FP=int(fp[k]),
                    Precision=p,
                    Recall=r,
                    F1=f,
                    AP=None if math.isnan(ap_by_label[k]) else float(ap_by_label[k]),
                )
            )
        defined = ap_by_label[~np.isnan(ap_by_label)]
        total_tp, total_fp, total_fn = int(tp.sum()), int(fp.sum()), int(fn.sum())
        summary = [float(x) for x in stats]
        metrics = ObjectDetectionTestCaseMetrics(
            n_images=int(members.size),
            Objects=total_tp + total_fn,
            Inferences=total_tp + total_fp,
            TP=total_tp,
            FN=total_fn,
            FP=total_fp,
            nIgnored=int(self.ignored[members].sum()),
            Precision=_rate(total_tp, total_tp + total_fp),
            Recall=_rate(total_tp, total_tp + total_fn),
            F1=_rate(2.0 * total_tp, 2.0 * total_tp + total_fp + total_fn),
            AP=float(defined.mean()) if defined.size else None,
            macro_Precision=statistics.fmean(rows_p) if rows_p else 0.0,
            macro_Recall=statistics.fmean(rows_r) if rows_r else 0.0,
            macro_F1=statistics.fmean(rows_f) if rows_f else 0.0,
            coco_AP=summary[0],
            coco_AP50=summary[1],
            coco_AP75=summary[2],
            coco_APs=summary[3],
            coco_APm=summary[4],
            coco_APl=summary[5],
            coco_AR1=summary[6],
            coco_AR10=summary[7],
            coco_AR100=summary[8],
            coco_ARs=summary[9],
            coco_ARm=summary[10],
            coco_ARl=summary[11],
            PerClass=per_class if self.multiclass else [],
        )
        return metrics, self._plots(s, members, ap_by_label, curves)

    def _plots(
        self, s: int, members: npt.NDArray[np.int64], ap_by_label: npt.NDArray[np.float64], curves: CocoResults
    ) -> list[Plot]:
        plots: list[Plot] = []
        pr = []
        for k, name in enumerate(self.labels):
            if math.isnan(ap_by_label[k]):
                continue
            recall, precision = curves.pr_curve(s, k, iou_threshold=self.config.iou_threshold)
            # Rounded: the recall points are 0.01 steps, whose float sums show noise such as 0.35000000000000003.
            pr.append(Curve(x=np.round(recall, 10).tolist(), y=precision.tolist(), label=name))
        if pr:
            plots.append(
                CurvePlot(
                    title=f"Precision vs. Recall (IoU {self.config.iou_threshold})",
                    x_label="Recall",
                    y_label="Precision",
                    curves=pr,
                )
            )
        if self.multiclass and self.labels:
            plots.append(self._confusion_matrix(members))
        return plots

    def _confusion_matrix(self, members: npt.NDArray[np.int64]) -> ConfusionMatrix:
        k = len(self.labels)
        member = np.zeros(len(self.truths), dtype=bool)
        member[members] = True
        matrix = np.zeros((k + 1, k + 1), dtype=np.int64)
        tp = self.tp[members].sum(axis=0)
        matrix[np.arange(k), np.arange(k)] = tp
        inside = member[self.confusion_sample] if self.confusion_sample.size else np.zeros(0, dtype=bool)
        np.add.at(matrix, (self.confusion_actual[inside], self.confusion_pred[inside]), 1)
        confused_per_pred = np.bincount(self.confusion_pred[inside], minlength=k)
        confused_per_actual = np.bincount(self.confusion_actual[inside], minlength=k)
        matrix[k, :k] = self.fp[members].sum(axis=0) - confused_per_pred
        matrix[:k, k] = self.fn[members].sum(axis=0) - confused_per_actual
        rows: list[list[int | float]] = [[int(v) for v in row] for row in matrix]
        return ConfusionMatrix(title="Confusion Matrix", labels=[*self.labels, BACKGROUND], matrix=rows)

    def lookup(
        self, triples: Sequence[tuple[TestSample, GroundTruth, Inference]]
    ) -> tuple[npt.NDArray[np.int64] | None, bool]:
        """Indices of the samples in this state (None when one is missing), and whether one has other data."""
        indices = np.empty(len(triples), dtype=np.int64)
        complete = True
        for row, (sample, truth, inference) in enumerate(triples):
            i = self.index.get(sample_key(sample_dict(sample)[0]))
            if i is None:
                complete = False
                continue
            if self.truths[i] != truth or self.inferences[i] != inference:
                return None, True
            indices[row] = i
        return (indices if complete else None), False

    def threshold_by_label(self) -> dict[str, float]:
        """The thresholds in use, by label name."""
        return {name: float(t) for name, t in zip(self.labels, self.thresholds, strict=True)}


class ObjectDetectionEvaluator(Evaluator):
    """Detection metrics per sample, test case and suite, computed once per configuration and sliced.

    Configurations are :class:`ThresholdConfiguration` (the default one when none is given). See the module
    docstring for the rules, and :func:`evaluate_object_detection` for the function form.

    This class form keeps, per configuration, the matched state of the samples it has seen: the first test
    case builds it (and fixes the F1-optimal thresholds), later test cases within it are pure slices; a test
    case with samples, ground truths or inferences the state lacks (another model, a disjoint test case)
    rebuilds it over the union, keeping the thresholds. The state of a configuration is dropped when its
    suite metrics are computed.

    Example:
        >>> evaluator = ObjectDetectionEvaluator(configurations=[ThresholdConfiguration(0.5)])
        >>> evaluator.display_name()
        'ObjectDetectionEvaluator'
    """

    def __init__(self, configurations: Sequence[EvaluatorConfiguration] | None = None) -> None:
        super().__init__(configurations)
        self._states: dict[str, _SuiteState] = {}
        self._state_samples: dict[str, list[TestSample]] = {}
        self._last_case: dict[str, tuple[bytes, tuple[ObjectDetectionTestCaseMetrics, list[Plot]]]] = {}

    def _state(
        self, triples: list[tuple[TestSample, GroundTruth, Inference]], configuration: EvaluatorConfiguration | None
    ) -> tuple[_SuiteState, npt.NDArray[np.int64]]:
        config = _configuration(configuration)
        name = config.display_name()
        state = self._states.get(name)
        previous: list[tuple[TestSample, GroundTruth, Inference]] = []
        thresholds = None
        if state is not None:
            indices, conflict = state.lookup(triples)
            if indices is not None:
                return state, indices
            if not conflict:
                # More samples of the same model: keep what is known, and the thresholds fixed by the first case.
                keys = {sample_key(sample_dict(sample)[0]) for sample, _, _ in triples}
                kept = sorted(i for key, i in state.index.items() if key not in keys)
                samples = self._state_samples[name]
                previous = [(samples[i], state.truths[i], state.inferences[i]) for i in kept]
                thresholds = state.threshold_by_label()
        union = [*previous, *triples]
        state = _SuiteState(union, config, thresholds)
        self._states[name] = state
        self._state_samples[name] = [sample for sample, _, _ in union]
        self._last_case.pop(name, None)
        indices, _ = state.lookup(triples)
        if indices is None:  # one sample twice in a test case with different data: refuse rather than guess
            raise InputValidationError("a test case holds the same test sample twice with different data")
        return state, indices

    def _case_result(
        self, triples: list[tuple[TestSample, GroundTruth, Inference]], configuration: EvaluatorConfiguration | None
    ) -> tuple[ObjectDetectionTestCaseMetrics, list[Plot]]:
        state, indices = self._state(triples, configuration)
        name = state.config.display_name()
        key = indices.tobytes()
        last = self._last_case.get(name)
        if last is not None and last[0] == key:
            return last[1]
        [result] = state.case_results([indices])
        self._last_case[name] = (key, result)
        return result

    def compute_test_sample_metrics(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        configuration: EvaluatorConfiguration | None = None,
    ) -> list[tuple[TestSample, MetricsTestSample]]:
        """TP/FP/FN boxes and counts of every sample of the test case."""
        state, indices = self._state(inferences, configuration)
        metrics = state.sample_metrics()
        return [(sample, metrics[i]) for (sample, _, _), i in zip(inferences, indices.tolist(), strict=True)]

    def compute_test_case_metrics(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        metrics: list[MetricsTestSample],
        configuration: EvaluatorConfiguration | None = None,
    ) -> MetricsTestCase:
        """Counts, precision/recall/F1, AP and COCO numbers of the test case, as a slice of the suite state."""
        return self._case_result(inferences, configuration)[0]

    def compute_test_case_plots(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        metrics: list[MetricsTestSample],
        configuration: EvaluatorConfiguration | None = None,
    ) -> list[Plot] | None:
        """Precision-recall curve per label and, in multiclass, the confusion matrix."""
        return self._case_result(inferences, configuration)[1] or None

    def compute_test_suite_metrics(
        self,
        test_suite: TestSuite,
        metrics: list[tuple[TestCase, MetricsTestCase]],
        configuration: EvaluatorConfiguration | None = None,
    ) -> MetricsTestSuite | None:
        """Distinct samples, mean and variance of the test-case APs, and the single-class threshold."""
        name = _configuration(configuration).display_name()
        state = self._states.pop(name, None)
        self._state_samples.pop(name, None)
        self._last_case.pop(name, None)
        return _suite_metrics(len(state.truths) if state is not None else 0, [m for _, m in metrics], state)


def _suite_metrics(
    n_images: int, cases: list[MetricsTestCase], state: _SuiteState | None
) -> ObjectDetectionSuiteMetrics:
    aps = [m.AP for m in cases if isinstance(m, ObjectDetectionTestCaseMetrics) and m.AP is not None]
    threshold = None
    if state is not None and not state.multiclass:
        threshold = float(state.thresholds[0])
    return ObjectDetectionSuiteMetrics(
        n_images=n_images,
        mean_AP=statistics.fmean(aps) if aps else None,
        variance_AP=statistics.pvariance(aps) if aps else None,
        threshold=threshold,
    )


def evaluate_object_detection(
    test_samples: list[TestSample],
    ground_truths: list[GroundTruth],
    inferences: list[Inference],
    test_cases: TestCases,
    configuration: ThresholdConfiguration,
) -> EvaluationResults:
    """The function form of :class:`ObjectDetectionEvaluator`: the whole suite in one call per configuration.

    Matches the suite's samples once, takes F1-optimal thresholds over the whole suite, and aggregates every
    test case in one pass of the per-slice engine. Pass it to ``test()`` with ``configurations=[...]``.

    Args:
        test_samples: The suite's distinct samples.
        ground_truths: Their ground truths, in the same order.
        inferences: The model's inferences, in the same order.
        test_cases: The suite's test cases.
        configuration: How to threshold and match.

    Returns:
        Sample, test-case and suite metrics and the test-case plots.

    Raises:
        InputValidationError: data of other types than this module's, or a configuration of another type.
    """
    config = _configuration(configuration)
    triples = list(zip(test_samples, ground_truths, inferences, strict=True))
    state = _SuiteState(triples, config)
    sample_metrics = state.sample_metrics()
    position = {id(sample): i for i, sample in enumerate(test_samples)}
    cases: list[TestCase] = []
    slices: list[npt.NDArray[np.int64]] = []
    for test_case, samples, _, _, _ in test_cases.iter(test_samples, ground_truths, inferences, list(sample_metrics)):
        cases.append(test_case)
        slices.append(np.array([position[id(sample)] for sample in samples], dtype=np.int64))
    results = state.case_results(slices) if slices else []
    case_metrics: list[tuple[TestCase, MetricsTestCase]] = [(tc, m) for tc, (m, _) in zip(cases, results, strict=True)]
    plots = [(tc, p) for tc, (_, p) in zip(cases, results, strict=True) if p]
    return EvaluationResults(
        metrics_test_sample=list(zip(test_samples, sample_metrics, strict=True)),
        metrics_test_case=case_metrics,
        plots_test_case=plots,
        metrics_test_suite=_suite_metrics(len(test_samples), [m for _, m in case_metrics], state),
    )
