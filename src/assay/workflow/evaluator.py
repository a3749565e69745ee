"""Evaluation: the metrics classes users declare, evaluator configurations, and the ``Evaluator`` base.

Metrics come at three levels: per test sample (:class:`MetricsTestSample`), per test case
(:class:`MetricsTestCase`, which may nest one level of per-class metrics) and per test suite
(:class:`MetricsTestSuite`). Their field types are checked when the class is defined.

A metric field may say which direction is better; the web app uses it to colour improvements::

    @dataclass(frozen=True)
    class CaseMetrics(MetricsTestCase):
        mean_nme: float = field(metadata={"higher_is_better": False})
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from assay.errors import InputValidationError
from assay.workflow._datatypes import DataObject
from assay.workflow._validators import check_metrics_type

if TYPE_CHECKING:
    from assay.workflow.ground_truth import GroundTruth
    from assay.workflow.inference import Inference
    from assay.workflow.plot import Plot
    from assay.workflow.test_case import TestCase
    from assay.workflow.test_sample import TestSample
    from assay.workflow.test_suite import TestSuite

__all__ = [
    "Evaluator",
    "EvaluatorConfiguration",
    "MetricsTestCase",
    "MetricsTestSample",
    "MetricsTestSuite",
]


def _check_at_definition(cls: type, role: str) -> None:
    try:
        check_metrics_type(cls, role)
    except NameError:
        # A forward reference not defined yet: checked again on first use instead.
        pass


class _MetricsBase(DataObject):
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _check_at_definition(cls, cls.__assay_role__)

    @classmethod
    def __assay_validate__(cls) -> None:
        """Check the field types again once every forward reference resolves."""
        check_metrics_type(cls, cls.__assay_role__)


@dataclass(frozen=True)
class MetricsTestSample(_MetricsBase):
    """The metrics of one test sample: subclass it with scalar fields, annotations (to draw TP/FP) and lists.

    Example:
        >>> class SampleMetrics(MetricsTestSample):
        ...     normalized_mean_error: float
        ...     alignment_failure: bool
        >>> SampleMetrics(0.04, False).normalized_mean_error
        0.04
    """

    __assay_role__: ClassVar[str] = "metrics_test_sample"


@dataclass(frozen=True)
class MetricsTestCase(_MetricsBase):
    """The aggregate metrics of one test case: scalar fields, and at most one level of nested metrics.

    A field ``List[<MetricsTestCase subclass>]`` holds per-class (or per-group) rows; the nested class has
    scalar fields only, and its string fields name the row. An int field named ``n``, ``N``,
    ``n_test_samples``, ``nTestSamples``, ``sample_size``, ``sampleSize`` or ``SampleSize`` is the sample size
    the app uses to judge whether a difference between models is significant.

    Example:
        >>> class CaseMetrics(MetricsTestCase):
        ...     mean_nme: float
        ...     alignment_failure_rate: float
        >>> CaseMetrics(0.05, 0.1).alignment_failure_rate
        0.1
    """

    __assay_role__: ClassVar[str] = "metrics_test_case"


@dataclass(frozen=True)
class MetricsTestSuite(_MetricsBase):
    """Metrics across the test cases of a suite, such as the variance of a metric: scalar fields only."""

    __assay_role__: ClassVar[str] = "metrics_test_suite"


@dataclass(frozen=True)
class EvaluatorConfiguration(DataObject):
    """One setting of an evaluator, such as a threshold; subclass it and define :meth:`display_name`.

    An evaluator computes every metric once per configuration; the display name identifies the configuration
    in stored results and must be distinct among an evaluator's configurations.

    Example:
        >>> class NmeThreshold(EvaluatorConfiguration):
        ...     threshold: float
        ...
        ...     def display_name(self) -> str:
        ...         return f"nme-threshold-{self.threshold}"
        >>> NmeThreshold(0.05).display_name()
        'nme-threshold-0.05'
    """

    __assay_role__: ClassVar[str] = "evaluator_configuration"

    @abstractmethod
    def display_name(self) -> str:
        """The configuration's name in results, distinct among an evaluator's configurations."""


class Evaluator(ABC):
    """Computes metrics for a model's inferences on a test suite; subclass it and pass it to ``test()``.

    Every method is called once per test case (or once per suite) and per configuration, with the
    configuration as keyword argument (``None`` for an evaluator with no configurations).

    Args:
        configurations: The configurations to compute metrics for; ``None`` for an unconfigured evaluator.

    Raises:
        InputValidationError: an empty list, an element that is not an ``EvaluatorConfiguration``, or two
            configurations with the same display name.

    Example:
        >>> class Counting(Evaluator):
        ...     def compute_test_sample_metrics(self, test_case, inferences, configuration=None):
        ...         return [(sample, MetricsTestSample()) for sample, _, _ in inferences]
        ...
        ...     def compute_test_case_metrics(self, test_case, inferences, metrics, configuration=None):
        ...         return MetricsTestCase()
        >>> Counting().display_name()
        'Counting'
    """

    configurations: list[EvaluatorConfiguration]

    def __init__(self, configurations: Sequence[EvaluatorConfiguration] | None = None) -> None:
        if configurations is not None:
            configurations = list(configurations)
            if not configurations:
                raise InputValidationError(
                    f"{type(self).__name__}: configurations is an empty list; pass None for an unconfigured evaluator"
                )
            seen: set[str] = set()
            for configuration in configurations:
                if not isinstance(configuration, EvaluatorConfiguration):
                    raise InputValidationError(
                        f"{type(self).__name__}: {configuration!r} is not an EvaluatorConfiguration"
                    )
                name = configuration.display_name()
                if name in seen:
                    raise InputValidationError(
                        f"{type(self).__name__}: two configurations have the display name {name!r}; "
                        "each must be distinct",
                        field="configurations",
                    )
                seen.add(name)
        self.configurations = configurations or []

    def display_name(self) -> str:
        """The evaluator's name, which identifies its test runs; the class name unless overridden."""
        return type(self).__name__

    @abstractmethod
    def compute_test_sample_metrics(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        configuration: EvaluatorConfiguration | None = None,
    ) -> list[tuple[TestSample, MetricsTestSample]]:
        """Metrics of each test sample of one test case.

        Args:
            test_case: The test case being evaluated.
            inferences: ``(test_sample, ground_truth, inference)`` for every sample of the test case.
            configuration: The configuration to compute for, or None.

        Returns:
            ``(test_sample, metrics)`` for every sample.
        """

    @abstractmethod
    def compute_test_case_metrics(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        metrics: list[MetricsTestSample],
        configuration: EvaluatorConfiguration | None = None,
    ) -> MetricsTestCase:
        """Aggregate metrics of one test case.

        Args:
            test_case: The test case being evaluated.
            inferences: ``(test_sample, ground_truth, inference)`` for every sample of the test case.
            metrics: The sample metrics, in the order of ``inferences``.
            configuration: The configuration to compute for, or None.

        Returns:
            The test case's metrics.
        """

    def compute_test_case_plots(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        metrics: list[MetricsTestSample],
        configuration: EvaluatorConfiguration | None = None,
    ) -> list[Plot] | None:
        """Plots of one test case, shown next to its metrics; none unless overridden.

        Args:
            test_case: The test case being evaluated.
            inferences: ``(test_sample, ground_truth, inference)`` for every sample of the test case.
            metrics: The sample metrics, in the order of ``inferences``.
            configuration: The configuration to compute for, or None.

        Returns:
            The plots, or None.
        """
        return None

    def compute_test_suite_metrics(
        self,
        test_suite: TestSuite,
        metrics: list[tuple[TestCase, MetricsTestCase]],
        configuration: EvaluatorConfiguration | None = None,
    ) -> MetricsTestSuite | None:
        """Metrics across the test cases of the suite; none unless overridden.

        Args:
            test_suite: The test suite being evaluated.
            metrics: ``(test_case, metrics)`` for every test case of the suite.
            configuration: The configuration to compute for, or None.

        Returns:
            The suite's metrics, or None.
        """
        return None
