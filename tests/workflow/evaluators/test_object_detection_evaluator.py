"""The built-in object-detection evaluator, end to end through test(), against pycocotools and a direct matcher."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from assay.errors import InputValidationError
from assay.workflow import Image, define_workflow, load_results, test
from assay.workflow.annotation import LabeledBoundingBox, ScoredLabeledBoundingBox
from assay.workflow.evaluators.object_detection import (
    ObjectDetectionEvaluator,
    ObjectDetectionGroundTruth,
    ObjectDetectionInference,
    ObjectDetectionSampleMetrics,
    ObjectDetectionSuiteMetrics,
    ObjectDetectionTestCaseMetrics,
    ThresholdConfiguration,
    evaluate_object_detection,
)
from assay.workflow.plot import ConfusionMatrix, CurvePlot

LABELS = ["car", "person"]
N = 16
CASES = {
    "street :: all": lambda i: True,
    "street :: first": lambda i: i < 8,
    "street :: odd": lambda i: i % 2 == 1,
}
FIXED = ThresholdConfiguration(0.4, iou_threshold=0.5)
OPTIMAL = ThresholdConfiguration("F1-Optimal", iou_threshold=0.5)


def _box(rng, low=5.0, high=120.0):
    x, y = rng.uniform(0, 200, size=2).round(1)
    w, h = rng.uniform(low, high, size=2).round(1)
    return (float(x), float(y)), (float(x + w), float(y + h))


def make_data(seed: int = 3):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(N):
        truths = []
        detections = []
        for _ in range(int(rng.integers(1, 5))):
            (x1, y1), (x2, y2) = _box(rng)
            label = LABELS[int(rng.integers(2))]
            truths.append(LabeledBoundingBox((x1, y1), (x2, y2), label))
            if rng.random() < 0.8:
                # A detection near the true box, sometimes with the wrong label.
                jitter = [round(float(v), 1) for v in rng.normal(0, 4, size=4)]
                guessed = label if rng.random() < 0.85 else LABELS[1 - LABELS.index(label)]
                detections.append(
                    ScoredLabeledBoundingBox(
                        (x1 + jitter[0], y1 + jitter[1]),
                        (x2 + jitter[2], y2 + jitter[3]),
                        guessed,
                        round(float(rng.uniform(0.2, 1.0)), 3),
                    )
                )
        for _ in range(int(rng.integers(0, 3))):
            (x1, y1), (x2, y2) = _box(rng)
            detections.append(
                ScoredLabeledBoundingBox(
                    (x1, y1), (x2, y2), LABELS[int(rng.integers(2))], round(float(rng.uniform(0, 0.8)), 3)
                )
            )
        sample = Image(locator=f"s3://street/{i:03d}.png")
        rows.append((sample, ObjectDetectionGroundTruth(bboxes=truths), ObjectDetectionInference(bboxes=detections)))
    return rows


def coco_reference(rows) -> np.ndarray:
    """The twelve COCO numbers of pycocotools on the same boxes."""
    images, annotations, results = [], [], []
    for image_id, (_, truth, inference) in enumerate(rows, start=1):
        images.append({"id": image_id, "width": 400, "height": 400})
        for box in truth.bboxes:
            (x1, y1), (x2, y2) = box.top_left, box.bottom_right
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": image_id,
                    "category_id": LABELS.index(box.label) + 1,
                    "bbox": [x1, y1, x2 - x1, y2 - y1],
                    "area": (x2 - x1) * (y2 - y1),
                    "iscrowd": 0,
                }
            )
        for box in inference.bboxes:
            (x1, y1), (x2, y2) = box.top_left, box.bottom_right
            results.append(
                {
                    "image_id": image_id,
                    "category_id": LABELS.index(box.label) + 1,
                    "bbox": [x1, y1, x2 - x1, y2 - y1],
                    "score": box.score,
                }
            )
    with contextlib.redirect_stdout(io.StringIO()):
        ground = COCO()
        ground.dataset = {
            "images": images,
            "annotations": annotations,
            "categories": [{"id": k + 1, "name": name} for k, name in enumerate(LABELS)],
        }
        ground.createIndex()
        evaluation = COCOeval(ground, ground.loadRes(results), "bbox")
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    return np.asarray(evaluation.stats)


def _iou(a, b) -> float:
    (ax1, ay1), (ax2, ay2) = a.top_left, a.bottom_right
    (bx1, by1), (bx2, by2) = b.top_left, b.bottom_right
    w = max(0.0, min(ax2, bx2) - max(ax1, bx1))
    h = max(0.0, min(ay2, by2) - max(ay1, by1))
    union = a.area + b.area - w * h
    return w * h / union if union > 0 else 0.0


def greedy_counts(truth, inference, threshold: float, iou_threshold: float) -> tuple[int, int, int]:
    """TP, FP, FN of one image: per label, by descending score, each detection takes its best free box."""
    tp = fp = 0
    matched = set()
    kept = sorted((d for d in inference.bboxes if d.score >= threshold), key=lambda d: -d.score)
    for detection in kept:
        best, best_iou = None, iou_threshold
        for g, box in enumerate(truth.bboxes):
            if g in matched or box.label != detection.label:
                continue
            overlap = _iou(detection, box)
            if overlap >= best_iou:
                best, best_iou = g, overlap
        if best is None:
            fp += 1
        else:
            matched.add(best)
            tp += 1
    return tp, fp, len(truth.bboxes) - len(matched)


@pytest.fixture
def workflow(client):
    return define_workflow("Street Detection", Image, ObjectDetectionGroundTruth, ObjectDetectionInference)


def test_stored_metrics_equal_pycocotools_and_a_fresh_evaluation(workflow, metrics_close):
    _, TestCase, TestSuite, Model = workflow
    data = make_data()
    by_locator = {sample.locator: inference for sample, _, inference in data}
    cases = [
        TestCase(name, test_samples=[(s, gt) for i, (s, gt, _) in enumerate(data) if keep(i)])
        for name, keep in CASES.items()
    ]
    suite = TestSuite("street", test_cases=cases)
    model = Model("detector", infer=lambda sample: by_locator[sample.locator])
    evaluator = ObjectDetectionEvaluator(configurations=[FIXED, OPTIMAL])
    test(model, suite, evaluator)
    test(model, suite, evaluate_object_detection, configurations=[FIXED, OPTIMAL])

    for configuration in (FIXED, OPTIMAL):
        by_class = load_results(model, suite, evaluator, configuration)
        by_function = load_results(model, suite, evaluate_object_detection, configuration)
        # The first test case is the whole suite, so both forms take the same F1-optimal thresholds.
        # Equal up to the summation order of the samples, which the two forms load differently.
        assert by_class.test_case_metrics.keys() == by_function.test_case_metrics.keys()
        for name, metrics in by_class.test_case_metrics.items():
            metrics_close(metrics, by_function.test_case_metrics[name])
        metrics_close(by_class.test_suite_metrics, by_function.test_suite_metrics)
        for test_case in cases:
            rows = [row for i, row in enumerate(data) if CASES[test_case.name](i)]
            stored = by_class.test_case_metrics[test_case.name]
            assert isinstance(stored, ObjectDetectionTestCaseMetrics)
            coco = coco_reference(rows)
            ours = [getattr(stored, f"coco_{name}") for name in ("AP", "AP50", "AP75", "APs", "APm", "APl")]
            ours += [getattr(stored, f"coco_{name}") for name in ("AR1", "AR10", "AR100", "ARs", "ARm", "ARl")]
            np.testing.assert_allclose(ours, coco, rtol=0, atol=1e-12)
            assert stored.AP == pytest.approx(coco[1], abs=1e-12), "AP at IoU 0.5 is COCO's AP50"
            assert stored.n_images == len(rows)
            assert stored.Objects == sum(len(gt.bboxes) for _, gt, _ in rows)
            assert [row.Class for row in stored.PerClass] == LABELS

            thresholds = {row.Class: row.Threshold for row in stored.PerClass}
            if configuration is FIXED:
                assert set(thresholds.values()) == {0.4}
                fresh = ObjectDetectionEvaluator(configurations=[FIXED])
                metrics_close(fresh.compute_test_case_metrics(test_case, rows, [], configuration=FIXED), stored)

            samples = dict(by_class.test_sample_metrics_by_test_case[test_case.name])
            totals = np.zeros(3, dtype=int)
            for sample, truth, inference in rows:
                metrics = samples[sample]
                assert isinstance(metrics, ObjectDetectionSampleMetrics)
                expected = np.zeros(3, dtype=int)
                for label in LABELS:
                    only = ObjectDetectionGroundTruth([b for b in truth.bboxes if b.label == label])
                    dets = ObjectDetectionInference([b for b in inference.bboxes if b.label == label])
                    expected += greedy_counts(only, dets, thresholds[label], 0.5)
                assert (metrics.count_TP, metrics.count_FP, metrics.count_FN) == tuple(expected)
                assert len(metrics.TP) == metrics.count_TP and len(metrics.FN) == metrics.count_FN
                totals += expected
            assert (stored.TP, stored.FP, stored.FN) == tuple(totals)
            assert stored.Precision == pytest.approx(totals[0] / (totals[0] + totals[1]), abs=1e-12)
            assert stored.Recall == pytest.approx(totals[0] / (totals[0] + totals[2]), abs=1e-12)

            plots = by_class.plots[test_case.name]
            [matrix] = [plot for plot in plots if isinstance(plot, ConfusionMatrix)]
            assert [matrix.matrix[k][k] for k in range(len(LABELS))] == [row.TP for row in stored.PerClass]
            predicted = [sum(matrix.matrix[r][k] for r in range(len(LABELS) + 1)) for k in range(len(LABELS))]
            assert predicted == [row.TP + row.FP for row in stored.PerClass]
            [pr] = [plot for plot in plots if isinstance(plot, CurvePlot)]
            assert {curve.label for curve in pr.curves} == {row.Class for row in stored.PerClass if row.AP is not None}

        suite_metrics = by_class.test_suite_metrics
        assert isinstance(suite_metrics, ObjectDetectionSuiteMetrics)
        assert suite_metrics.n_images == N
        aps = [by_class.test_case_metrics[tc.name].AP for tc in cases]
        assert suite_metrics.mean_AP == pytest.approx(np.mean(aps), abs=1e-12)


def test_f1_optimal_threshold_maximises_f1_on_the_suite():
    rows = make_data(seed=11)
    config = ThresholdConfiguration("F1-Optimal", multiclass=False)
    metrics = ObjectDetectionEvaluator().compute_test_case_metrics(None, rows, [], configuration=config)
    assert metrics.PerClass == [], "single class has no per-class rows"
    scores = sorted({d.score for _, _, inf in rows for d in inf.bboxes})

    def f1_at(threshold: float) -> float:
        single = [
            (
                ObjectDetectionGroundTruth([LabeledBoundingBox(b.top_left, b.bottom_right, "x") for b in gt.bboxes]),
                ObjectDetectionInference(
                    [ScoredLabeledBoundingBox(b.top_left, b.bottom_right, "x", b.score) for b in inf.bboxes]
                ),
            )
            for _, gt, inf in rows
        ]
        tp, fp, fn = np.sum([greedy_counts(gt, inf, threshold, 0.5) for gt, inf in single], axis=0)
        return 2 * tp / (2 * tp + fp + fn)

    assert metrics.F1 == pytest.approx(max(f1_at(s) for s in scores), abs=1e-12)


def test_detections_on_ignored_boxes_count_neither_way():
    box = LabeledBoundingBox((0, 0), (10, 10), "car")
    crowd = LabeledBoundingBox((50, 50), (90, 90), "car")
    rows = [
        (
            Image(locator="s3://b/0.png"),
            ObjectDetectionGroundTruth(bboxes=[box], ignored_bboxes=[crowd]),
            ObjectDetectionInference(
                [
                    ScoredLabeledBoundingBox((0, 0), (10, 10), "car", 0.9),
                    ScoredLabeledBoundingBox((51, 51), (90, 90), "car", 0.8),
                    ScoredLabeledBoundingBox((200, 200), (210, 210), "car", 0.7),
                    ScoredLabeledBoundingBox((0, 0), (10, 10), "car", 0.05),
                ]
            ),
        )
    ]
    config = ThresholdConfiguration(0.5, min_confidence_score=0.1)
    evaluator = ObjectDetectionEvaluator(configurations=[config])
    [(_, sample)] = evaluator.compute_test_sample_metrics(None, rows, configuration=config)
    assert (sample.count_TP, sample.count_FP, sample.count_FN, sample.count_ignored) == (1, 1, 0, 1)
    assert sample.FP == [ScoredLabeledBoundingBox((200, 200), (210, 210), "car", 0.7)]
    case = evaluator.compute_test_case_metrics(None, rows, [], configuration=config)
    assert (case.Objects, case.Inferences, case.nIgnored) == (1, 2, 1)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"threshold_strategy": "best"}, "threshold_strategy"),
        ({"threshold_strategy": 1.5}, "threshold_strategy"),
        ({"iou_threshold": 0.0}, "iou_threshold"),
        ({"min_confidence_score": -0.1}, "min_confidence_score"),
    ],
)
def test_configuration_out_of_range_is_refused(kwargs, field):
    with pytest.raises(InputValidationError, match=field):
        ThresholdConfiguration(**kwargs)


def test_class_form_rebuilds_for_new_samples_and_for_another_model(metrics_close):
    data = make_data()
    first = [row for i, row in enumerate(data) if i < 8]
    odd = [row for i, row in enumerate(data) if i % 2 == 1]
    evaluator = ObjectDetectionEvaluator(configurations=[FIXED])
    evaluator.compute_test_case_metrics(None, first, [], configuration=FIXED)
    # The odd samples are not all known yet: the state grows to the union, and the numbers are the case's own.
    grown = evaluator.compute_test_case_metrics(None, odd, [], configuration=FIXED)
    alone = ObjectDetectionEvaluator(configurations=[FIXED]).compute_test_case_metrics(
        None, odd, [], configuration=FIXED
    )
    metrics_close(grown, alone)

    # The same evaluator object on another model's inferences must not reuse the first model's matches.
    other = [
        (sample, truth, ObjectDetectionInference([b for b in inference.bboxes if b.score > 0.5]))
        for sample, truth, inference in first
    ]
    reused = evaluator.compute_test_case_metrics(None, other, [], configuration=FIXED)
    fresh = ObjectDetectionEvaluator(configurations=[FIXED]).compute_test_case_metrics(
        None, other, [], configuration=FIXED
    )
    metrics_close(reused, fresh)
    assert reused.Inferences == sum(len(inference.bboxes) for _, _, inference in other)


@pytest.mark.parametrize("multiclass", [None, True, False])
def test_a_suite_without_any_box_has_empty_metrics(multiclass):
    rows = [(Image(locator="s3://b/empty.png"), ObjectDetectionGroundTruth([]), ObjectDetectionInference([]))]
    configuration = ThresholdConfiguration(0.5, multiclass=multiclass)
    evaluator = ObjectDetectionEvaluator(configurations=[configuration])
    metrics = evaluator.compute_test_case_metrics(None, rows, [], configuration=configuration)
    assert (metrics.Objects, metrics.Inferences, metrics.AP, metrics.F1, metrics.coco_AP) == (0, 0, None, 0.0, -1.0)
    assert evaluator.compute_test_case_plots(None, rows, [], configuration=configuration) is None
