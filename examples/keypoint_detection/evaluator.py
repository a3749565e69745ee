"""The NME evaluator of the keypoint-detection workflow, as a class and as a function.

The normalised mean error (NME) of one face is the mean Euclidean distance between its true and predicted
keypoints divided by the face's normalisation factor::

    NME = mean_k ||gt_k - pred_k|| / normalization_factor

A face whose NME is above the configured threshold is an *alignment failure*. Per test case the evaluator
reports the mean NME, the alignment-failure rate and the number of samples, with an NME histogram and the
cumulative error distribution (CED: the share of faces at or below each NME); per test suite it reports the
population variance of the (non-empty) test cases' mean NME and failure rate, large when a model has a weak
slice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from examples.keypoint_detection.workflow import (
    GroundTruth,
    Inference,
    TestCase,
    TestCaseMetrics,
    TestSample,
    TestSampleMetrics,
    TestSuite,
    TestSuiteMetrics,
)

from assay.errors import IncorrectUsageError, InputValidationError
from assay.workflow import (
    Curve,
    CurvePlot,
    EvaluationResults,
    Evaluator,
    EvaluatorConfiguration,
    Histogram,
    Plot,
    TestCases,
)

HISTOGRAM_EDGES = [round(0.025 * i, 3) for i in range(21)]
"""Bucket edges of the NME histogram, 0 to 0.5; the last bucket also holds every NME above 0.5."""

CED_THRESHOLDS = [round(0.01 * i, 2) for i in range(51)]
"""The NME values at which the cumulative error distribution is drawn, 0 to 0.5."""


@dataclass(frozen=True)
class NmeThreshold(EvaluatorConfiguration):
    """The NME above which a face counts as an alignment failure."""

    threshold: float

    def display_name(self) -> str:
        """``nme-threshold-<threshold>``, the name results are stored and loaded under."""
        return f"nme-threshold-{self.threshold}"


CONFIGURATIONS = [NmeThreshold(0.01), NmeThreshold(0.05), NmeThreshold(0.1)]
"""The three thresholds the example evaluates at, strictest first."""


def normalized_mean_error(ground_truth: GroundTruth, inference: Inference) -> float:
    """The NME of one face: mean keypoint distance over the ground truth's normalisation factor.

    Args:
        ground_truth: The true keypoints and the normalisation factor.
        inference: The predicted keypoints, in the same order.

    Returns:
        The NME, 0 for a perfect prediction.

    Raises:
        InputValidationError: the two keypoint lists differ in length or are empty, or the normalisation
            factor is not a positive finite number.
    """
    truth = np.asarray(ground_truth.keypoints.points, dtype=float).reshape(-1, 2)
    predicted = np.asarray(inference.keypoints.points, dtype=float).reshape(-1, 2)
    if len(truth) == 0 or len(truth) != len(predicted):
        raise InputValidationError(
            f"inference has {len(predicted)} keypoints but the ground truth has {len(truth)}; NME needs the "
            "same non-zero number of keypoints in the same order",
            field="keypoints",
        )
    factor = ground_truth.normalization_factor
    if not np.isfinite(factor) or factor <= 0:
        raise InputValidationError(
            f"normalization_factor must be a positive number, got {factor!r}", field="normalization_factor"
        )
    return float(np.linalg.norm(truth - predicted, axis=1).mean() / factor)


def _threshold(configuration: EvaluatorConfiguration | None) -> float:
    if not isinstance(configuration, NmeThreshold):
        raise IncorrectUsageError(
            f"the keypoint evaluator needs an NmeThreshold configuration, got {configuration!r}: pass "
            "configurations=[NmeThreshold(...)]"
        )
    return configuration.threshold


def sample_metrics(ground_truth: GroundTruth, inference: Inference, threshold: float) -> TestSampleMetrics:
    """The metrics of one face at the given failure threshold."""
    nme = normalized_mean_error(ground_truth, inference)
    return TestSampleMetrics(normalized_mean_error=nme, alignment_failure=nme > threshold)


def case_metrics(metrics: Sequence[TestSampleMetrics]) -> TestCaseMetrics:
    """Aggregate the metrics of a test case's faces.

    An empty test case has a mean NME and failure rate of 0 with ``n_samples`` 0, which tells it apart from a
    perfect one.
    """
    if not metrics:
        return TestCaseMetrics(mean_nme=0.0, alignment_failure_rate=0.0, n_samples=0)
    return TestCaseMetrics(
        mean_nme=float(np.mean([m.normalized_mean_error for m in metrics])),
        alignment_failure_rate=float(np.mean([m.alignment_failure for m in metrics])),
        n_samples=len(metrics),
    )


def case_plots(metrics: Sequence[TestSampleMetrics]) -> list[Plot]:
    """The NME histogram and the cumulative error distribution of a test case's faces (none when empty)."""
    if not metrics:
        return []
    errors = np.array([m.normalized_mean_error for m in metrics])
    # Errors beyond the last edge are counted in the last bucket rather than dropped.
    counts, _ = np.histogram(np.minimum(errors, HISTOGRAM_EDGES[-1]), bins=HISTOGRAM_EDGES)
    cumulative = [float(np.mean(errors <= x)) for x in CED_THRESHOLDS]
    return [
        Histogram(
            title="NME distribution",
            x_label="normalized mean error",
            y_label="faces",
            buckets=HISTOGRAM_EDGES,
            frequency=[int(c) for c in counts],
        ),
        CurvePlot(
            title="Cumulative error distribution",
            x_label="normalized mean error",
            y_label="share of faces at or below",
            curves=[Curve(x=CED_THRESHOLDS, y=cumulative)],
        ),
    ]


def suite_metrics(metrics: Sequence[TestCaseMetrics]) -> TestSuiteMetrics:
    """Population variance, across the test cases that have samples, of their mean NME and failure rate.

    Empty test cases are left out: their zeros measure nothing. With no non-empty test case both are 0.
    """
    measured = [m for m in metrics if m.n_samples > 0]
    if not measured:
        return TestSuiteMetrics(variance_mean_nme=0.0, variance_alignment_failure_rate=0.0)
    return TestSuiteMetrics(
        variance_mean_nme=float(np.var([m.mean_nme for m in measured])),
        variance_alignment_failure_rate=float(np.var([m.alignment_failure_rate for m in measured])),
    )


class KeypointsEvaluator(Evaluator):
    """Computes NME, alignment failures, their per-case aggregates and plots, and their spread across cases.

    Example:
        >>> evaluator = KeypointsEvaluator(configurations=CONFIGURATIONS)  # doctest: +SKIP
        >>> test(model, test_suite, evaluator)  # doctest: +SKIP
    """

    def compute_test_sample_metrics(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        configuration: EvaluatorConfiguration | None = None,
    ) -> list[tuple[TestSample, TestSampleMetrics]]:
        """NME and alignment failure of each face of a test case."""
        threshold = _threshold(configuration)
        return [(sample, sample_metrics(gt, inf, threshold)) for sample, gt, inf in inferences]

    def compute_test_case_metrics(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        metrics: list[TestSampleMetrics],
        configuration: EvaluatorConfiguration | None = None,
    ) -> TestCaseMetrics:
        """Mean NME, alignment-failure rate and sample count of a test case."""
        return case_metrics(metrics)

    def compute_test_case_plots(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        metrics: list[TestSampleMetrics],
        configuration: EvaluatorConfiguration | None = None,
    ) -> list[Plot]:
        """The NME histogram and cumulative error distribution of a test case."""
        return case_plots(metrics)

    def compute_test_suite_metrics(
        self,
        test_suite: TestSuite,
        metrics: list[tuple[TestCase, TestCaseMetrics]],
        configuration: EvaluatorConfiguration | None = None,
    ) -> TestSuiteMetrics:
        """Variance of the mean NME and of the failure rate across the suite's test cases."""
        return suite_metrics([case for _, case in metrics])


def evaluate_keypoint_detection(
    test_samples: list[TestSample],
    ground_truths: list[GroundTruth],
    inferences: list[Inference],
    test_cases: TestCases,
    configuration: NmeThreshold,
) -> EvaluationResults:
    """The same evaluation as :class:`KeypointsEvaluator`, in the function form: one call per configuration.

    Args:
        test_samples: Every sample of the suite.
        ground_truths: Their ground truths, in the same order.
        inferences: The model's inferences, in the same order.
        test_cases: Splits the three lists by test case.
        configuration: The failure threshold.

    Returns:
        Sample, test-case and suite metrics, and each test case's plots.

    Example:
        >>> test(model, suite, evaluate_keypoint_detection, configurations=CONFIGURATIONS)  # doctest: +SKIP
    """
    threshold = _threshold(configuration)
    per_sample = [sample_metrics(gt, inf, threshold) for gt, inf in zip(ground_truths, inferences, strict=True)]
    by_case = []
    plots = []
    for test_case, _, _, _, case_sample_metrics in test_cases.iter(test_samples, ground_truths, inferences, per_sample):
        by_case.append((test_case, case_metrics(case_sample_metrics)))
        plots.append((test_case, case_plots(case_sample_metrics)))
    return EvaluationResults(
        metrics_test_sample=list(zip(test_samples, per_sample, strict=True)),
        metrics_test_case=by_case,
        plots_test_case=plots,
        metrics_test_suite=suite_metrics([metrics for _, metrics in by_case]),
    )
