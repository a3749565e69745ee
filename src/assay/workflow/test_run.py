"""Testing a model on a test suite: inference where missing, then metrics at three levels, stored."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from assay._bulk import bulk
from assay.errors import IncorrectUsageError, InputValidationError, WorkflowMismatchError
from assay.schema import metrics_schema
from assay.service.models import ConfigurationIn, SampleMetricsRow, TestCaseMetricsRow, TestRunRecord
from assay.workflow._entity import Frozen, paged, revive_sample, sample_dict, sample_key, transport
from assay.workflow._metrics_codec import class_path, encode_metrics
from assay.workflow._progress import progress
from assay.workflow.evaluator import Evaluator, EvaluatorConfiguration, MetricsTestCase, MetricsTestSample
from assay.workflow.evaluator_function import EvaluationResults, _SuiteTestCases, is_configured

if TYPE_CHECKING:
    from assay.workflow.ground_truth import GroundTruth
    from assay.workflow.inference import Inference
    from assay.workflow.model import Model
    from assay.workflow.test_case import TestCase
    from assay.workflow.test_sample import TestSample
    from assay.workflow.test_suite import TestSuite

__all__ = ["TestRun", "test"]

logger = logging.getLogger("assay")

UPLOAD_BATCH = 1_000

EvaluatorLike = Evaluator | Callable[..., EvaluationResults | None]
Triple = tuple["TestSample", "GroundTruth", "Inference"]


def _display_name(configuration: EvaluatorConfiguration | None) -> str | None:
    return None if configuration is None else configuration.display_name()


class TestRun(Frozen):
    """One model tested on one test-suite version with one evaluator, step by step.

    ``test()`` is ``TestRun(...).run()``. The same (model, suite version, evaluator name) always maps to the
    same stored run; running with new configurations adds them to it.

    Args:
        model: The model under test.
        test_suite: The suite version to test on.
        evaluator: An :class:`Evaluator` instance or an evaluator function.
        configurations: Configurations for an evaluator function (class evaluators carry their own).
        reset: Infer again for every sample, overwriting stored inferences, and recompute every metric.

    Raises:
        WorkflowMismatchError: model and suite belong to different workflows.
        InputValidationError: a configured evaluator function without configurations.
        IncorrectUsageError: no evaluator given (server-side evaluators are registered per workflow).
    """

    __test__ = False

    model: Model
    test_suite: TestSuite
    evaluator: EvaluatorLike
    configurations: list[EvaluatorConfiguration]
    reset: bool
    _id: int
    _record: TestRunRecord

    def __init__(
        self,
        model: Model,
        test_suite: TestSuite,
        evaluator: EvaluatorLike | None = None,
        configurations: Sequence[EvaluatorConfiguration] | None = None,
        reset: bool = False,
    ) -> None:
        if model.workflow != test_suite.workflow:
            raise WorkflowMismatchError(
                f"model {model.name!r} is of workflow {model.workflow.name!r} but test suite {test_suite.name!r} "
                f"is of workflow {test_suite.workflow.name!r}"
            )
        if evaluator is None:
            raise IncorrectUsageError(
                f"test() needs an evaluator: pass one (an Evaluator or an evaluator function); no evaluator is "
                f"registered for workflow {model.workflow.name!r} on this platform"
            )
        if isinstance(evaluator, Evaluator):
            configs = list(evaluator.configurations or configurations or [])
            name = evaluator.display_name()
        elif callable(evaluator):
            configs = list(configurations or [])
            name = getattr(evaluator, "__name__", type(evaluator).__name__)
            if is_configured(evaluator) and not configs:
                raise InputValidationError(
                    f"evaluator function {name!r} takes a configuration: pass configurations=[...] to test()"
                )
        else:
            raise InputValidationError(f"evaluator must be an Evaluator or a function, got {evaluator!r}")
        for config in configs:
            if not isinstance(config, EvaluatorConfiguration):
                raise InputValidationError(f"configurations must be EvaluatorConfiguration objects, got {config!r}")
        names = [config.display_name() for config in configs]
        if len(set(names)) != len(names):
            raise InputValidationError(f"configurations need distinct display names, got {names}")
        record = transport().create_or_retrieve_test_run(
            model._id,
            test_suite._id,
            name,
            [
                ConfigurationIn(display_name=config.display_name(), configuration=config._to_dict())
                for config in configs
            ],
        )
        self._set(
            model=model,
            test_suite=test_suite,
            evaluator=evaluator,
            configurations=configs,
            reset=reset,
            _id=record.id,
            _record=record,
        )

    # -- inference -----------------------------------------------------------------------------------------
    def load_test_samples(self) -> list[TestSample]:
        """The samples of the suite that still need an inference of the model (all of them with ``reset``)."""
        return list(self.iter_test_samples())

    def iter_test_samples(self) -> Iterator[TestSample]:
        """Stream :meth:`load_test_samples` in batches."""
        sample_type = self.model.workflow.test_sample_type
        fetch = transport().load_remaining_test_samples
        pages = paged(lambda offset, limit: fetch(self._id, load_all=self.reset, offset=offset, limit=limit))
        for row in pages:
            yield revive_sample(sample_type, row.test_sample, row.metadata)

    @bulk
    def upload_inferences(self, inferences: list[tuple[TestSample, Inference]]) -> None:
        """Store inferences of the model, in one transaction.

        Raises:
            WorkflowMismatchError: an inference or sample of another type than the workflow's.
            RemoteError: a sample already has an inference of this model and the run was not made with
                ``reset``.
        """
        rows = self._inference_rows(self.model.workflow, inferences)
        if rows:
            transport().upload_inferences(self.model._id, rows, reset=self.reset)

    def _inference_rows(
        self, workflow: Any, inferences: list[tuple[TestSample, Inference]]
    ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        rows = []
        for test_sample, inference in inferences:
            if not isinstance(test_sample, workflow.test_sample_type):
                raise WorkflowMismatchError(
                    f"expected a test sample of type {workflow.test_sample_type.__name__}, "
                    f"got {type(test_sample).__name__}"
                )
            if not isinstance(inference, workflow.inference_type):
                raise WorkflowMismatchError(
                    f"model {self.model.name!r} returned a {type(inference).__name__}; workflow "
                    f"{workflow.name!r} expects a {workflow.inference_type.__name__}"
                )
            rows.append((sample_dict(test_sample)[0], inference._to_dict()))
        return rows

    def _infer_missing(self) -> int:
        """Infer and upload, batch by batch, every sample still lacking an inference; returns how many."""
        remaining = transport().load_remaining_test_samples
        sample_type = self.model.workflow.test_sample_type
        done = 0
        offset = 0
        with progress() as bars:
            task = bars.add_task(f"inferring with {self.model.name}", total=None)
            while True:
                # Without reset, uploaded samples leave the remaining set: always read from its start, so a
                # run killed mid-way resumes exactly where its last committed batch ended.
                rows = remaining(self._id, load_all=self.reset, offset=offset, limit=UPLOAD_BATCH)
                if not rows:
                    break
                if self.model.infer is None:
                    raise InputValidationError(
                        f"model {self.model.name!r} has no infer function and {len(rows)}+ samples of suite "
                        f"{self.test_suite.name!r} have no inference: pass infer=... to Model(...)"
                    )
                samples = [revive_sample(sample_type, row.test_sample, row.metadata) for row in rows]
                self.upload_inferences([(sample, self.model.infer(sample)) for sample in samples])
                done += len(samples)
                bars.update(task, advance=len(samples))
                if self.reset:
                    offset += len(rows)
                if len(rows) < UPLOAD_BATCH:
                    break
        return done

    # -- evaluation ----------------------------------------------------------------------------------------
    def _wanted(self) -> list[EvaluatorConfiguration | None]:
        """The configurations to compute; ``[None]`` for an unconfigured evaluator."""
        if not self.configurations:
            return [None]
        return list(self.configurations)

    def evaluate(self, configurations: Sequence[EvaluatorConfiguration | None] | None = None) -> None:
        """Compute and store the metrics of every configuration (or of those given) from stored inferences."""
        todo = list(configurations) if configurations is not None else self._wanted()
        types = _MetricsTypes(self.model.workflow.name)
        if isinstance(self.evaluator, Evaluator):
            self._evaluate_class(self.evaluator, todo, types)
        else:
            self._evaluate_function(self.evaluator, todo, types)

    def _load_triples(self, test_case: TestCase) -> list[Triple]:
        triples = self.model.load_inferences(test_case)
        if len(triples) != test_case._n_samples:
            raise IncorrectUsageError(
                f"model {self.model.name!r} has inferences for {len(triples)} of the {test_case._n_samples} "
                f"samples of test case {test_case.name!r}: upload the missing ones before evaluating"
            )
        return triples

    def _evaluate_class(
        self, evaluator: Evaluator, todo: list[EvaluatorConfiguration | None], types: _MetricsTypes
    ) -> None:
        suite = self.test_suite
        case_metrics: dict[str | None, list[tuple[TestCase, MetricsTestCase]]] = {_display_name(c): [] for c in todo}
        case_rows: dict[str | None, list[TestCaseMetricsRow]] = {_display_name(c): [] for c in todo}
        with progress() as bars:
            task = bars.add_task(f"evaluating {evaluator.display_name()}", total=len(suite.test_cases) * len(todo))
            for test_case in suite.test_cases:
                triples = self._load_triples(test_case)
                for configuration in todo:
                    key = _display_name(configuration)
                    kw = _config_kwargs(configuration)
                    sample_metrics = evaluator.compute_test_sample_metrics(test_case, triples, **kw)
                    rows = _sample_metric_rows(sample_metrics, triples, test_case)
                    metrics_only = [metrics for _, metrics in sample_metrics]
                    metrics = evaluator.compute_test_case_metrics(test_case, triples, metrics_only, **kw)
                    _check_instance(metrics, MetricsTestCase, f"compute_test_case_metrics for {test_case.name!r}")
                    plots = evaluator.compute_test_case_plots(test_case, triples, metrics_only, **kw)
                    types.register(metrics_only)
                    transport().upload_test_sample_metrics(self._id, key, rows)
                    case_metrics[key].append((test_case, metrics))
                    case_rows[key].append(_case_row(test_case, metrics, plots))
                    bars.update(task, advance=1)
        for configuration in todo:
            key = _display_name(configuration)
            types.register(metrics for _, metrics in case_metrics[key])
            transport().upload_test_case_metrics(self._id, key, case_rows[key])
            suite_metrics = evaluator.compute_test_suite_metrics(
                suite, case_metrics[key], **_config_kwargs(configuration)
            )
            types.register([suite_metrics])
            transport().upload_test_suite_metrics(
                self._id, key, encode_metrics(suite_metrics) if suite_metrics is not None else None
            )

    def _evaluate_function(
        self,
        evaluator: Callable[..., EvaluationResults | None],
        todo: list[EvaluatorConfiguration | None],
        types: _MetricsTypes,
    ) -> None:
        suite = self.test_suite
        # One deduplicated list of the suite's samples, as the function form promises.
        unique: dict[bytes, Triple] = {}
        membership: list[tuple[TestCase, set[bytes]]] = []
        for test_case in suite.test_cases:
            members = set()
            for triple in self._load_triples(test_case):
                key = sample_key(sample_dict(triple[0])[0])
                unique.setdefault(key, triple)
                members.add(key)
            membership.append((test_case, members))
        samples = [t[0] for t in unique.values()]
        ground_truths = [t[1] for t in unique.values()]
        inferences = [t[2] for t in unique.values()]
        test_cases = _SuiteTestCases(membership)
        configured = is_configured(evaluator)
        for configuration in todo:
            name = _display_name(configuration)
            args: list[Any] = [samples, ground_truths, inferences, test_cases]
            if configured:
                args.append(configuration)
            results = evaluator(*args)
            if results is None:
                logger.info("evaluator %s returned nothing for configuration %s", evaluator, name)
                continue
            if not isinstance(results, EvaluationResults):
                raise InputValidationError(
                    f"evaluator function must return EvaluationResults or None, got {type(results).__name__}"
                )
            rows = _sample_metric_rows(results.metrics_test_sample, list(unique.values()), None)
            types.register(metrics for _, metrics in results.metrics_test_sample)
            transport().upload_test_sample_metrics(self._id, name, rows)
            plots_by_case = {tc._id: plots for tc, plots in results.plots_test_case}
            case_ids = {tc._id for tc in suite.test_cases}
            case_rows = []
            for test_case, metrics in results.metrics_test_case:
                _check_instance(metrics, MetricsTestCase, f"metrics_test_case for {test_case.name!r}")
                if test_case._id not in case_ids:
                    raise InputValidationError(f"test case {test_case.name!r} is not in suite {suite.name!r}")
                case_rows.append(_case_row(test_case, metrics, plots_by_case.get(test_case._id)))
            types.register(metrics for _, metrics in results.metrics_test_case)
            transport().upload_test_case_metrics(self._id, name, case_rows)
            suite_metrics = results.metrics_test_suite
            types.register([suite_metrics])
            transport().upload_test_suite_metrics(
                self._id, name, encode_metrics(suite_metrics) if suite_metrics is not None else None
            )

    # -- all steps -----------------------------------------------------------------------------------------
    def run(self) -> None:
        """Infer where needed, then compute and store metrics; a second call with nothing new does nothing.

        On failure the run is marked crashed on the platform and the error is raised again; everything
        uploaded until then stays, and running again picks up where this one stopped.
        """
        try:
            inferred = self._infer_missing()
            completed = set(self._record.completed)
            wanted = self._wanted()
            if inferred or self.reset:
                todo = wanted
            else:
                todo = [config for config in wanted if _display_name(config) not in completed]
            if not todo:
                logger.info(
                    "results of %r on %r (version %d) are up to date; pass reset=True to compute them again",
                    self.model.name,
                    self.test_suite.name,
                    self.test_suite.version,
                )
                return
            self.evaluate(todo)
        except BaseException as error:
            try:
                transport().mark_test_run_crashed(self._id, f"{type(error).__name__}: {error}")
            except Exception:  # the original error matters more than a failed report of it
                logger.exception("could not mark test run %d as crashed", self._id)
            raise


class _MetricsTypes:
    """Registers each metrics class's schema with the workflow once per evaluation, before its first upload.

    The stored metrics name their class (``_type``); the schema says which direction of each field is better,
    which the web app needs to colour deltas and which the stored values alone cannot tell.
    """

    def __init__(self, workflow: str) -> None:
        self._workflow = workflow
        self._done: set[type] = set()

    def register(self, metrics: Iterable[Any]) -> None:
        new = {type(item) for item in metrics if item is not None} - self._done
        if not new:
            return
        types: dict[str, Any] = {}
        for cls in sorted(new, key=class_path):
            types.update(metrics_schema(cls)["types"])
        transport().register_metrics_types(self._workflow, types)
        self._done |= new


def _config_kwargs(configuration: EvaluatorConfiguration | None) -> dict[str, Any]:
    # By keyword, and only when there is one: evaluators written without a configuration parameter still work.
    return {} if configuration is None else {"configuration": configuration}


def _check_instance(value: Any, expected: type, where: str) -> None:
    if not isinstance(value, expected):
        raise InputValidationError(f"{where} must return a {expected.__name__}, got {type(value).__name__}")


def _sample_metric_rows(
    sample_metrics: Any, triples: list[Triple], test_case: TestCase | None
) -> list[SampleMetricsRow]:
    where = f"test case {test_case.name!r}" if test_case is not None else "the suite"
    try:
        pairs = list(sample_metrics)
    except TypeError:
        raise InputValidationError(
            f"sample metrics for {where} must be a list of (test_sample, metrics), got {type(sample_metrics).__name__}"
        ) from None
    if len(pairs) != len(triples):
        raise InputValidationError(
            f"got {len(pairs)} sample metrics for the {len(triples)} samples of {where}: one per sample is needed"
        )
    members = {sample_key(sample_dict(t[0])[0]) for t in triples}
    case_id = test_case._id if test_case is not None else None
    rows = []
    for pair in pairs:
        test_sample, metrics = pair
        _check_instance(metrics, MetricsTestSample, f"sample metrics for {where}")
        data = sample_dict(test_sample)[0]
        if sample_key(data) not in members:
            raise InputValidationError(f"sample metrics name a test sample that is not in {where}: {data}")
        rows.append(
            SampleMetricsRow.model_construct(test_sample=data, metrics=encode_metrics(metrics), test_case_id=case_id)
        )
    return rows


def _case_row(test_case: TestCase, metrics: MetricsTestCase, plots: Any) -> TestCaseMetricsRow:
    return TestCaseMetricsRow.model_construct(
        test_case_id=test_case._id,
        metrics=encode_metrics(metrics),
        plots=[plot._to_dict() for plot in plots] if plots else None,
    )


def test(
    model: Model,
    test_suite: TestSuite,
    evaluator: EvaluatorLike | None = None,
    configurations: Sequence[EvaluatorConfiguration] | None = None,
    reset: bool = False,
) -> None:
    """Test a model on a test suite and store the results against this suite version.

    Inferences are computed with ``model.infer`` only for samples that have none stored (for all of them with
    ``reset=True``) and uploaded in batches; then metrics are computed per sample, per test case and per suite
    for every configuration. Running it again with nothing new does no work.

    Args:
        model: The model under test.
        test_suite: The suite version to test on.
        evaluator: An :class:`Evaluator` instance or an evaluator function.
        configurations: Configurations for an evaluator function.
        reset: Infer again for every sample (overwriting stored inferences) and recompute every metric.

    Raises:
        IncorrectUsageError: the suite has no test cases, or no evaluator is given.
        WorkflowMismatchError: model and suite belong to different workflows.

    Example:
        >>> test(model, test_suite, KeypointsEvaluator(configurations=[NmeThreshold(0.05)]))  # doctest: +SKIP
    """
    if not test_suite.test_cases:
        raise IncorrectUsageError(f"test suite {test_suite.name!r} has no test cases: add some before testing")
    TestRun(model, test_suite, evaluator, configurations, reset).run()


test.__test__ = False  # type: ignore[attr-defined]  # users import `test` into their own test modules
