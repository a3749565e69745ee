"""The built-in keypoints evaluator, end to end through test(), against a direct numpy NME."""

from __future__ import annotations

import numpy as np
import pytest

from assay.errors import InputValidationError
from assay.workflow import Image, define_workflow, load_results, test
from assay.workflow.annotation import Keypoints
from assay.workflow.evaluators.keypoints import (
    KeypointsEvaluator,
    KeypointsGroundTruth,
    KeypointsInference,
    KeypointsSampleMetrics,
    KeypointsSuiteMetrics,
    KeypointsTestCaseMetrics,
    NmeThreshold,
    evaluate_keypoints,
)
from assay.workflow.plot import CurvePlot, Histogram

N = 30
CASES = {
    "faces :: all": lambda i: True,
    "faces :: profile": lambda i: i % 3 == 0,
    "faces :: one": lambda i: i == 4,
}


def make_data(seed: int = 5):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(N):
        truth = rng.uniform(0, 100, size=(5, 2)).round(2)
        noise = rng.normal(0, rng.uniform(0.5, 6), size=(5, 2)).round(2)
        factor = round(float(rng.uniform(20, 60)), 2)
        rows.append(
            (
                Image(locator=f"s3://faces/{i:03d}.png"),
                KeypointsGroundTruth(Keypoints(points=[tuple(p) for p in truth.tolist()]), normalization_factor=factor),
                KeypointsInference(Keypoints(points=[tuple(p) for p in (truth + noise).tolist()])),
            )
        )
    return rows


def numpy_nme(rows) -> np.ndarray:
    truth = np.array([gt.keypoints.points for _, gt, _ in rows])
    predicted = np.array([inf.keypoints.points for _, _, inf in rows])
    factors = np.array([gt.normalization_factor for _, gt, _ in rows])
    return np.sqrt(((truth - predicted) ** 2).sum(axis=2)).mean(axis=1) / factors


@pytest.fixture
def workflow(client):
    return define_workflow("Facial Keypoints", Image, KeypointsGroundTruth, KeypointsInference)


def test_stored_metrics_equal_numpy_and_a_fresh_evaluation(workflow, metrics_close):
    _, TestCase, TestSuite, Model = workflow
    data = make_data()
    by_locator = {sample.locator: inference for sample, _, inference in data}
    cases = [
        TestCase(name, test_samples=[(s, gt) for i, (s, gt, _) in enumerate(data) if keep(i)])
        for name, keep in CASES.items()
    ]
    suite = TestSuite("faces", test_cases=cases)
    model = Model("landmarker", infer=lambda sample: by_locator[sample.locator])
    configurations = [NmeThreshold(0.05), NmeThreshold(0.1)]
    evaluator = KeypointsEvaluator(configurations=configurations)
    test(model, suite, evaluator)
    test(model, suite, evaluate_keypoints, configurations=configurations)

    for configuration in configurations:
        results = load_results(model, suite, evaluator, configuration)
        # The function form, one pass of the per-slice engine for all test cases, stores the same numbers.
        by_function = load_results(model, suite, evaluate_keypoints, configuration)
        assert by_function.test_case_metrics.keys() == results.test_case_metrics.keys()
        for name, metrics in results.test_case_metrics.items():
            metrics_close(by_function.test_case_metrics[name], metrics)
            assert by_function.plots[name] == results.plots[name]
        metrics_close(by_function.test_suite_metrics, results.test_suite_metrics)
        means = []
        for test_case in cases:
            rows = [row for i, row in enumerate(data) if CASES[test_case.name](i)]
            errors = numpy_nme(rows)
            stored = results.test_case_metrics[test_case.name]
            assert isinstance(stored, KeypointsTestCaseMetrics)
            assert stored.n_samples == len(rows)
            assert stored.mean_nme == pytest.approx(errors.mean(), abs=1e-12)
            assert stored.median_nme == pytest.approx(np.median(errors), abs=1e-12)
            assert stored.failure_rate == pytest.approx(np.mean(errors > configuration.threshold), abs=1e-12)
            # The area under the step curve, integrated numerically on a fine grid.
            grid = np.linspace(0, configuration.threshold, 200_001)
            fraction = (errors[None, :] <= grid[:, None]).mean(axis=1)
            assert stored.auc == pytest.approx(np.trapezoid(fraction, grid) / configuration.threshold, abs=1e-4)
            means.append(errors.mean())

            fresh = KeypointsEvaluator(configurations=configurations)
            assert fresh.compute_test_case_metrics(test_case, rows, [], configuration=configuration) == stored

            by_sample = dict(results.test_sample_metrics_by_test_case[test_case.name])
            for (sample, _, _), error in zip(rows, errors, strict=True):
                metrics = by_sample[sample]
                assert isinstance(metrics, KeypointsSampleMetrics)
                assert metrics.normalized_mean_error == pytest.approx(error, abs=1e-12)
                assert metrics.alignment_failure == (error > configuration.threshold)

            [histogram] = [p for p in results.plots[test_case.name] if isinstance(p, Histogram)]
            assert sum(histogram.frequency) == len(rows)
            [curve_plot] = [p for p in results.plots[test_case.name] if isinstance(p, CurvePlot)]
            [curve] = curve_plot.curves
            assert curve.y[-1] == pytest.approx(np.mean(errors <= configuration.threshold))

        suite_metrics = results.test_suite_metrics
        assert isinstance(suite_metrics, KeypointsSuiteMetrics)
        assert suite_metrics.variance_mean_nme == pytest.approx(np.var(means), abs=1e-12)


def test_mismatched_point_counts_are_refused():
    sample, truth, _ = make_data()[0]
    short = KeypointsInference(Keypoints(points=truth.keypoints.points[:3]))
    with pytest.raises(InputValidationError, match="3 predicted keypoints for 5"):
        KeypointsEvaluator(configurations=[NmeThreshold(0.1)]).compute_test_sample_metrics(
            None, [(sample, truth, short)], configuration=NmeThreshold(0.1)
        )


@pytest.mark.parametrize("threshold", [0.0, -0.1])
def test_threshold_must_be_positive(threshold):
    with pytest.raises(InputValidationError, match="threshold"):
        NmeThreshold(threshold)
