"""The function form of an evaluator: one call per configuration over all samples of a suite."""

from __future__ import annotations

import inspect
import typing
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assay.workflow._entity import sample_dict, sample_key
from assay.workflow.evaluator import (
    EvaluatorConfiguration,
    MetricsTestCase,
    MetricsTestSample,
    MetricsTestSuite,
)

if TYPE_CHECKING:
    from assay.workflow.ground_truth import GroundTruth
    from assay.workflow.inference import Inference
    from assay.workflow.plot import Plot
    from assay.workflow.test_case import TestCase
    from assay.workflow.test_sample import TestSample

__all__ = [
    "BasicEvaluatorFunction",
    "EvaluationResults",
    "TestCases",
    "is_configured",
    "no_op_evaluator",
]


@dataclass(frozen=True)
class EvaluationResults:
    """What an evaluator function returns for one configuration.

    Attributes:
        metrics_test_sample: ``(test_sample, metrics)`` for every sample of the suite.
        metrics_test_case: ``(test_case, metrics)`` for every test case of the suite.
        plots_test_case: ``(test_case, plots)`` for the test cases that have plots.
        metrics_test_suite: Metrics of the suite as a whole, if any.
    """

    metrics_test_sample: list[tuple[TestSample, MetricsTestSample]]
    metrics_test_case: list[tuple[TestCase, MetricsTestCase]]
    plots_test_case: list[tuple[TestCase, list[Plot]]] = field(default_factory=list)
    metrics_test_suite: MetricsTestSuite | None = None


class TestCases(ABC):
    """Gives an evaluator function the test cases of the suite under test, with their slice of the data."""

    __test__ = False

    @abstractmethod
    def iter(
        self,
        test_samples: list[TestSample],
        ground_truths: list[GroundTruth],
        inferences: list[Inference],
        metrics_test_sample: list[MetricsTestSample],
    ) -> Iterator[tuple[TestCase, list[TestSample], list[GroundTruth], list[Inference], list[MetricsTestSample]]]:
        """Yield, for each test case in suite order, the samples of the given lists that belong to it.

        The four lists are parallel (same order, same length); each yielded tuple holds the test case and
        the matching elements of each list.
        """


class _SuiteTestCases(TestCases):
    """The implementation used by ``test()``: membership of each test case by sample identity."""

    def __init__(self, membership: list[tuple[TestCase, set[bytes]]]) -> None:
        self._membership = membership

    def iter(
        self,
        test_samples: list[TestSample],
        ground_truths: list[GroundTruth],
        inferences: list[Inference],
        metrics_test_sample: list[MetricsTestSample],
    ) -> Iterator[tuple[TestCase, list[TestSample], list[GroundTruth], list[Inference], list[MetricsTestSample]]]:
        keys = [sample_key(sample_dict(sample)[0]) for sample in test_samples]
        for test_case, members in self._membership:
            picked = [index for index, key in enumerate(keys) if key in members]
            yield (
                test_case,
                [test_samples[i] for i in picked],
                [ground_truths[i] for i in picked],
                [inferences[i] for i in picked],
                [metrics_test_sample[i] for i in picked] if metrics_test_sample else [],
            )


BasicEvaluatorFunction = (
    Callable[[list[Any], list[Any], list[Any], TestCases], EvaluationResults | None]
    | Callable[[list[Any], list[Any], list[Any], TestCases, Any], EvaluationResults | None]
)
"""An evaluator function: ``(test_samples, ground_truths, inferences, test_cases[, configuration])``.

It is "configured" when it takes a fifth parameter annotated with an :class:`EvaluatorConfiguration` subclass;
it is then called once per configuration. Returning ``None`` skips that configuration.
"""


def is_configured(evaluator: Callable[..., Any]) -> bool:
    """Whether an evaluator function takes a configuration (a 5th parameter typed as a configuration)."""
    parameters = list(inspect.signature(evaluator).parameters.values())
    if len(parameters) != 5:
        return False
    try:
        hints = typing.get_type_hints(evaluator)
    except Exception:  # unresolvable string annotations: fall back to the raw annotation
        hints = {}
    annotation = hints.get(parameters[4].name, parameters[4].annotation)
    return inspect.isclass(annotation) and issubclass(annotation, EvaluatorConfiguration)


def no_op_evaluator(
    test_samples: list[TestSample],
    ground_truths: list[GroundTruth],
    inferences: list[Inference],
    test_cases: TestCases,
) -> EvaluationResults:
    """An evaluator that computes nothing: empty metrics for each sample and test case.

    Useful to make inferences visible on the platform before there is an evaluator.
    """
    sample_metrics = [MetricsTestSample() for _ in test_samples]
    case_metrics = [
        (test_case, MetricsTestCase())
        for test_case, *_ in test_cases.iter(test_samples, ground_truths, inferences, sample_metrics)
    ]
    return EvaluationResults(
        metrics_test_sample=list(zip(test_samples, sample_metrics, strict=True)),
        metrics_test_case=case_metrics,
    )
