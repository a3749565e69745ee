"""Reading stored results back, for notebooks and CI gates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assay.errors import IncorrectUsageError, NotFoundError
from assay.workflow._entity import revive_sample, transport
from assay.workflow._metrics_codec import decode_metrics
from assay.workflow.evaluator import Evaluator, EvaluatorConfiguration
from assay.workflow.plot import revive_plot

if TYPE_CHECKING:
    from assay.workflow.model import Model
    from assay.workflow.test_sample import TestSample
    from assay.workflow.test_suite import TestSuite

__all__ = ["TestResults", "load_results"]


@dataclass(frozen=True)
class TestResults:
    """The stored results of a model on one test-suite version, for one evaluator configuration.

    Attributes:
        evaluator: The evaluator's name.
        configuration: The configuration's display name (``None`` for an unconfigured evaluator).
        test_suite_metrics: The suite metrics, as the user's ``MetricsTestSuite`` class, or ``None``.
        test_case_metrics: Test-case name to its metrics, as the user's ``MetricsTestCase`` class.
        test_sample_metrics: ``(test_sample, metrics)`` for every stored per-sample metric.
        test_sample_metrics_by_test_case: Test-case name to its ``(test_sample, metrics)`` pairs.
        plots: Test-case name to its plots.
    """

    __test__ = False

    evaluator: str | None
    configuration: str | None
    test_suite_metrics: Any
    test_case_metrics: dict[str, Any]
    test_sample_metrics: list[tuple[TestSample, Any]]
    test_sample_metrics_by_test_case: dict[str, list[tuple[TestSample, Any]]] = field(default_factory=dict)
    plots: dict[str, list[Any]] = field(default_factory=dict)


def _evaluator_name(evaluator: Evaluator | Callable[..., Any] | str | None) -> str | None:
    if evaluator is None or isinstance(evaluator, str):
        return evaluator
    if isinstance(evaluator, Evaluator):
        return evaluator.display_name()
    return getattr(evaluator, "__name__", None)


def load_results(
    model: Model,
    test_suite: TestSuite,
    evaluator: Evaluator | Callable[..., Any] | str | None = None,
    configuration: EvaluatorConfiguration | str | None = None,
) -> TestResults:
    """Load the stored results of the latest run of a model on this test-suite version.

    Args:
        model: The model.
        test_suite: The suite, at the version whose results are wanted.
        evaluator: The evaluator (instance, function or name); the latest run of any evaluator when omitted.
        configuration: The configuration (object or display name); required when the run has several.

    Returns:
        The suite, test-case and sample metrics as the classes the evaluator returned, and the plots.

    Raises:
        NotFoundError: nothing is stored for this model and suite version (or evaluator, configuration).
        IncorrectUsageError: the run has several configurations and none was chosen.

    Example:
        >>> results = load_results(model, suite, configuration=NmeThreshold(0.05))  # doctest: +SKIP
        >>> results.test_case_metrics["300-W :: frontal"].mean_nme  # doctest: +SKIP
    """
    config_name = configuration.display_name() if isinstance(configuration, EvaluatorConfiguration) else configuration
    entries = transport().load_results(model._id, test_suite._id, _evaluator_name(evaluator), config_name)
    if not entries:
        raise NotFoundError(
            f"no results of model {model.name!r} on test suite {test_suite.name!r} v{test_suite.version}"
        )
    if len(entries) > 1:
        names = [entry.configuration for entry in entries]
        raise IncorrectUsageError(f"the run has {len(entries)} configurations {names}: pass configuration=...")
    [entry] = entries
    sample_type = model.workflow.test_sample_type
    case_names = {tc._id: tc.name for tc in test_suite.test_cases}
    samples: list[tuple[Any, Any]] = []
    by_case: dict[str, list[tuple[Any, Any]]] = {}
    for row in entry.test_sample_metrics:
        pair = (revive_sample(sample_type, row.test_sample, None), decode_metrics(row.metrics))
        samples.append(pair)
        if row.test_case_id is not None:
            by_case.setdefault(case_names.get(row.test_case_id, str(row.test_case_id)), []).append(pair)
    case_metrics: dict[str, Any] = {}
    plots: dict[str, list[Any]] = {}
    for case_row in entry.test_case_metrics:
        name = case_names.get(case_row.test_case_id, str(case_row.test_case_id))
        if case_row.metrics is not None:
            case_metrics[name] = decode_metrics(case_row.metrics)
        if case_row.plots:
            plots[name] = [revive_plot(plot) for plot in case_row.plots]
    return TestResults(
        evaluator=entry.test_run.evaluator,
        configuration=entry.configuration,
        test_suite_metrics=decode_metrics(entry.test_suite_metrics) if entry.test_suite_metrics else None,
        test_case_metrics=case_metrics,
        test_sample_metrics=samples,
        test_sample_metrics_by_test_case=by_case,
        plots=plots,
    )
