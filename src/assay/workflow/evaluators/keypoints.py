"""2-D keypoints (e.g. facial landmarks) scored by normalised mean error: data types, evaluator, metrics.

Declare a workflow with any test-sample type and the two types here::

    from assay.workflow import Image, define_workflow
    from assay.workflow.evaluators.keypoints import (
        KeypointsEvaluator, KeypointsGroundTruth, KeypointsInference, NmeThreshold,
    )

    _, TestCase, TestSuite, Model = define_workflow("Landmarks", Image, KeypointsGroundTruth, KeypointsInference)
    test(model, suite, KeypointsEvaluator(configurations=[NmeThreshold(0.05), NmeThreshold(0.1)]))

A sample's NME is the mean Euclidean distance between predicted and true points, divided by the ground
truth's ``normalization_factor`` (inter-ocular distance, box diagonal, ...). A sample fails when its NME is
above the configuration's threshold; the area under the cumulative error curve is taken up to that threshold.
The numbers come from :mod:`assay.metrics.keypoints`.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from assay.errors import InputValidationError
from assay.metrics import (
    cumulative_error_auc,
    cumulative_error_curve,
    failure_rate,
    mean_by_slice,
    normalized_mean_error,
)
from assay.workflow.annotation import Keypoints
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
from assay.workflow.plot import Curve, CurvePlot, Histogram, Plot
from assay.workflow.test_case import TestCase
from assay.workflow.test_sample import TestSample
from assay.workflow.test_suite import TestSuite

__all__ = [
    "KeypointsEvaluator",
    "KeypointsGroundTruth",
    "KeypointsInference",
    "KeypointsSampleMetrics",
    "KeypointsSuiteMetrics",
    "KeypointsTestCaseMetrics",
    "NmeThreshold",
    "evaluate_keypoints",
]

HISTOGRAM_BINS = 20
"""Number of buckets of the error histogram."""

CURVE_POINTS = 101
"""Number of points of the cumulative error curve."""


@dataclass(frozen=True)
class KeypointsGroundTruth(GroundTruth):
    """The true keypoints of a sample and the distance that normalises their errors.

    Attributes:
        keypoints: The true points.
        normalization_factor: A positive distance, e.g. the inter-ocular distance.
    """

    keypoints: Keypoints
    normalization_factor: float


@dataclass(frozen=True)
class KeypointsInference(Inference):
    """Predicted keypoints, in the order of the ground truth's.

    Attributes:
        keypoints: The predicted points.
    """

    keypoints: Keypoints


@dataclass(frozen=True)
class NmeThreshold(EvaluatorConfiguration):
    """The NME above which a sample is an alignment failure; also the end of the cumulative error curve.

    Example:
        >>> NmeThreshold(0.08).display_name()
        'NME Threshold: 0.08'
    """

    threshold: float

    def __post_init__(self) -> None:
        if not self.threshold > 0:
            raise InputValidationError(
                f"NmeThreshold.threshold must be positive, got {self.threshold}", field="threshold"
            )

    def display_name(self) -> str:
        """Name of the configuration in results."""
        return f"NME Threshold: {self.threshold}"


@dataclass(frozen=True)
class KeypointsSampleMetrics(MetricsTestSample):
    """Metrics of one sample.

    Attributes:
        normalized_mean_error: Mean point distance over the normalisation factor, lower is better.
        alignment_failure: The NME is above the threshold.
    """

    normalized_mean_error: float = field(metadata={"higher_is_better": False})
    alignment_failure: bool


@dataclass(frozen=True)
class KeypointsTestCaseMetrics(MetricsTestCase):
    """Aggregate metrics of one test case.

    Attributes:
        n_samples: Samples in the test case.
        mean_nme: Mean NME, lower is better.
        median_nme: Median NME, lower is better.
        failure_rate: Share of samples with NME above the threshold, lower is better.
        auc: Area under the cumulative error curve up to the threshold, normalised to [0, 1].
    """

    n_samples: int
    mean_nme: float = field(metadata={"higher_is_better": False})
    median_nme: float = field(metadata={"higher_is_better": False})
    failure_rate: float = field(metadata={"higher_is_better": False})
    auc: float


@dataclass(frozen=True)
class KeypointsSuiteMetrics(MetricsTestSuite):
    """Metrics across the test cases of a suite.

    Attributes:
        n_test_cases: Test cases evaluated.
        mean_nme: Mean of the test-case mean NMEs, lower is better.
        variance_mean_nme: Population variance of the test-case mean NMEs, lower is better.
        variance_failure_rate: Population variance of the test-case failure rates, lower is better.
    """

    n_test_cases: int
    mean_nme: float = field(metadata={"higher_is_better": False})
    variance_mean_nme: float = field(metadata={"higher_is_better": False})
    variance_failure_rate: float = field(metadata={"higher_is_better": False})


def _threshold(configuration: EvaluatorConfiguration | None) -> float:
    if not isinstance(configuration, NmeThreshold):
        raise InputValidationError(
            f"KeypointsEvaluator needs an NmeThreshold configuration, got {type(configuration).__name__}",
            field="configuration",
        )
    return configuration.threshold


def _errors(inferences: list[tuple[TestSample, GroundTruth, Inference]]) -> np.ndarray:
    """NME of every sample, checked and computed as one array."""
    if not inferences:
        return np.zeros(0)
    truths = []
    predictions = []
    normalizers = []
    for sample, truth, inference in inferences:
        if not isinstance(truth, KeypointsGroundTruth) or not isinstance(inference, KeypointsInference):
            raise InputValidationError(
                "KeypointsEvaluator needs KeypointsGroundTruth and KeypointsInference, got "
                f"{type(truth).__name__} and {type(inference).__name__}"
            )
        if len(truth.keypoints.points) != len(inference.keypoints.points):
            raise InputValidationError(
                f"sample {getattr(sample, 'locator', sample)!r}: {len(inference.keypoints.points)} predicted "
                f"keypoints for {len(truth.keypoints.points)} true ones",
                field="keypoints",
            )
        if not truth.normalization_factor > 0:
            raise InputValidationError(
                f"sample {getattr(sample, 'locator', sample)!r}: normalization_factor must be positive, got "
                f"{truth.normalization_factor}",
                field="normalization_factor",
            )
        truths.append(truth.keypoints.points)
        predictions.append(inference.keypoints.points)
        normalizers.append(truth.normalization_factor)
    sizes = {len(points) for points in truths}
    if len(sizes) == 1:
        return normalized_mean_error(truths, predictions, normalizer=normalizers)
    # Samples with different numbers of points: one call per sample.
    return np.concatenate(
        [
            normalized_mean_error([t], [p], normalizer=n)
            for t, p, n in zip(truths, predictions, normalizers, strict=True)
        ]
    )


def _case_metrics(
    errors: npt.NDArray[np.float64], threshold: float, mean: float, failures: float
) -> KeypointsTestCaseMetrics:
    """Test-case metrics from its errors; the mean and failure rate come from the caller (or the slice engine)."""
    return KeypointsTestCaseMetrics(
        n_samples=int(errors.size),
        mean_nme=mean,
        median_nme=float(np.median(errors)),
        failure_rate=failures,
        auc=cumulative_error_auc(errors, threshold),
    )


def _case_plots(errors: npt.NDArray[np.float64], threshold: float) -> list[Plot] | None:
    """The NME histogram (up to twice the threshold or the largest error) and the cumulative error curve."""
    if errors.size == 0:
        return None
    upper = max(2 * threshold, float(errors.max()))
    edges = np.linspace(0.0, upper, HISTOGRAM_BINS + 1)
    frequency, _ = np.histogram(errors, bins=edges)
    grid, fraction = cumulative_error_curve(errors, threshold, num_points=CURVE_POINTS)
    return [
        Histogram(
            title="NME Distribution",
            x_label="Normalized Mean Error",
            y_label="Samples",
            buckets=edges.tolist(),
            frequency=frequency.tolist(),
        ),
        CurvePlot(
            title="Cumulative Error Curve",
            x_label="Normalized Mean Error",
            y_label="Fraction of Samples",
            curves=[Curve(x=grid.tolist(), y=fraction.tolist())],
        ),
    ]


class KeypointsEvaluator(Evaluator):
    """Normalised mean error per sample; mean and median NME, failure rate and AUC per test case.

    Needs at least one :class:`NmeThreshold` configuration. Sample metrics are
    :class:`KeypointsSampleMetrics`, test-case metrics :class:`KeypointsTestCaseMetrics`, suite metrics
    :class:`KeypointsSuiteMetrics`. Plots per test case: the NME histogram and the cumulative error curve.

    Example:
        >>> KeypointsEvaluator(configurations=[NmeThreshold(0.05)]).configurations[0].threshold
        0.05
    """

    def compute_test_sample_metrics(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        configuration: EvaluatorConfiguration | None = None,
    ) -> list[tuple[TestSample, MetricsTestSample]]:
        """NME and failure flag of every sample."""
        threshold = _threshold(configuration)
        errors = _errors(inferences)
        return [
            (sample, KeypointsSampleMetrics(float(error), bool(error > threshold)))
            for (sample, _, _), error in zip(inferences, errors, strict=True)
        ]

    def compute_test_case_metrics(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        metrics: list[MetricsTestSample],
        configuration: EvaluatorConfiguration | None = None,
    ) -> MetricsTestCase:
        """Mean and median NME, failure rate and normalised AUC of the cumulative error curve."""
        threshold = _threshold(configuration)
        errors = _errors(inferences)
        if errors.size == 0:
            raise InputValidationError(f"test case {test_case.name!r} has no samples to evaluate")
        return _case_metrics(errors, threshold, float(np.mean(errors)), failure_rate(errors, threshold))

    def compute_test_case_plots(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        metrics: list[MetricsTestSample],
        configuration: EvaluatorConfiguration | None = None,
    ) -> list[Plot] | None:
        """The NME histogram (up to twice the threshold or the largest error) and the cumulative error curve."""
        return _case_plots(_errors(inferences), _threshold(configuration))

    def compute_test_suite_metrics(
        self,
        test_suite: TestSuite,
        metrics: list[tuple[TestCase, MetricsTestCase]],
        configuration: EvaluatorConfiguration | None = None,
    ) -> MetricsTestSuite | None:
        """Mean of the test-case mean NMEs and the variance of the mean NME and failure rate across cases."""
        return _suite_metrics([m for _, m in metrics])


def _suite_metrics(metrics: list[MetricsTestCase]) -> KeypointsSuiteMetrics | None:
    cases = [m for m in metrics if isinstance(m, KeypointsTestCaseMetrics)]
    if not cases:
        return None
    means = [m.mean_nme for m in cases]
    return KeypointsSuiteMetrics(
        n_test_cases=len(cases),
        mean_nme=statistics.fmean(means),
        variance_mean_nme=statistics.pvariance(means),
        variance_failure_rate=statistics.pvariance([m.failure_rate for m in cases]),
    )


def evaluate_keypoints(
    test_samples: list[TestSample],
    ground_truths: list[GroundTruth],
    inferences: list[Inference],
    test_cases: TestCases,
    configuration: NmeThreshold,
) -> EvaluationResults:
    """The function form of :class:`KeypointsEvaluator`: the whole suite in one call per configuration.

    Computes every sample's NME once; the mean NME and failure rate of every test case come from one pass of
    the per-slice engine (:func:`assay.metrics.mean_by_slice`), the median and AUC from the case's errors.
    The numbers equal those of the class form up to the order of summation. Pass it to ``test()`` with
    ``configurations=[...]``.

    Args:
        test_samples: The suite's distinct samples.
        ground_truths: Their ground truths, in the same order.
        inferences: The model's inferences, in the same order.
        test_cases: The suite's test cases.
        configuration: The failure threshold.

    Returns:
        Sample, test-case and suite metrics and the test-case plots.

    Raises:
        InputValidationError: data of other types than this module's, mismatched keypoints, or a
            configuration of another type.
    """
    threshold = _threshold(configuration)
    errors = _errors(list(zip(test_samples, ground_truths, inferences, strict=True)))
    sample_metrics: list[MetricsTestSample] = [
        KeypointsSampleMetrics(float(error), bool(error > threshold)) for error in errors
    ]
    position = {id(sample): i for i, sample in enumerate(test_samples)}
    cases: list[TestCase] = []
    slices: list[npt.NDArray[np.int64]] = []
    for test_case, samples, _, _, _ in test_cases.iter(test_samples, ground_truths, inferences, sample_metrics):
        cases.append(test_case)
        slices.append(np.array([position[id(sample)] for sample in samples], dtype=np.int64))
    means = mean_by_slice(errors, slices)
    failures = mean_by_slice((errors > threshold).astype(np.float64), slices)
    case_metrics: list[tuple[TestCase, MetricsTestCase]] = []
    plots: list[tuple[TestCase, list[Plot]]] = []
    for s, (test_case, members) in enumerate(zip(cases, slices, strict=True)):
        if members.size == 0:
            raise InputValidationError(f"test case {test_case.name!r} has no samples to evaluate")
        case_errors = errors[members]
        case_metrics.append((test_case, _case_metrics(case_errors, threshold, float(means[s]), float(failures[s]))))
        case_plots = _case_plots(case_errors, threshold)
        if case_plots:
            plots.append((test_case, case_plots))
    return EvaluationResults(
        metrics_test_sample=list(zip(test_samples, sample_metrics, strict=True)),
        metrics_test_case=case_metrics,
        plots_test_case=plots,
        metrics_test_suite=_suite_metrics([m for _, m in case_metrics]),
    )
