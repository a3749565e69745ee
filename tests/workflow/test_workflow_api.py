"""The workflow API as a user drives it, on both transports and both databases."""

from __future__ import annotations

import dataclasses
import statistics
from dataclasses import dataclass

import pytest

from assay.errors import (
    FrozenObjectError,
    IncorrectUsageError,
    InputValidationError,
    NameConflictError,
    NotFoundError,
    RemoteError,
    WorkflowMismatchError,
)
from assay.workflow import (
    EvaluationResults,
    Evaluator,
    EvaluatorConfiguration,
    GroundTruth,
    Image,
    Inference,
    MetricsTestCase,
    MetricsTestSample,
    MetricsTestSuite,
    TestCases,
    TestRun,
    define_workflow,
    load_results,
    test,
)
from assay.workflow.annotation import BoundingBox, Keypoints, LabeledBoundingBox
from assay.workflow.plot import Curve, CurvePlot


@dataclass(frozen=True)
class Sample(Image):
    bbox: BoundingBox | None = None


@dataclass(frozen=True)
class Truth(GroundTruth):
    keypoints: Keypoints
    normalization_factor: float


@dataclass(frozen=True)
class Prediction(Inference):
    keypoints: Keypoints
    confidence: float


@dataclass(frozen=True)
class SampleMetrics(MetricsTestSample):
    nme: float
    failure: bool


@dataclass(frozen=True)
class CaseMetrics(MetricsTestCase):
    mean_nme: float
    failure_rate: float
    n_samples: int


@dataclass(frozen=True)
class SuiteMetrics(MetricsTestSuite):
    variance_mean_nme: float


@dataclass(frozen=True)
class NmeThreshold(EvaluatorConfiguration):
    threshold: float

    def display_name(self) -> str:
        return f"nme-threshold-{self.threshold}"


def nme(truth: Truth, prediction: Prediction) -> float:
    distances = [
        ((gx - px) ** 2 + (gy - py) ** 2) ** 0.5
        for (gx, gy), (px, py) in zip(truth.keypoints.points, prediction.keypoints.points, strict=True)
    ]
    return sum(distances) / len(distances) / truth.normalization_factor


class NmeEvaluator(Evaluator):
    calls = 0

    def compute_test_sample_metrics(self, test_case, inferences, configuration=None):
        type(self).calls += 1
        return [(ts, SampleMetrics(nme(gt, inf), nme(gt, inf) > configuration.threshold)) for ts, gt, inf in inferences]

    def compute_test_case_metrics(self, test_case, inferences, metrics, configuration=None):
        return CaseMetrics(
            mean_nme=statistics.fmean(m.nme for m in metrics),
            failure_rate=sum(m.failure for m in metrics) / len(metrics),
            n_samples=len(metrics),
        )

    def compute_test_case_plots(self, test_case, inferences, metrics, configuration=None):
        values = sorted(m.nme for m in metrics)
        return [
            CurvePlot(
                title="cumulative NME",
                x_label="NME",
                y_label="fraction",
                curves=[Curve(x=values, y=[(i + 1) / len(values) for i in range(len(values))])],
            )
        ]

    def compute_test_suite_metrics(self, test_suite, metrics, configuration=None):
        return SuiteMetrics(statistics.pvariance([m.mean_nme for _, m in metrics]))


def make_sample(i: int, pose: str = "frontal") -> tuple[Sample, Truth]:
    sample = Sample(locator=f"s3://bucket/faces/{i:05d}.png", metadata={"pose": pose, "index": i})
    points = [(10.0 + i, 20.0), (30.0 + i, 20.0), (20.0 + i, 30.0), (12.0 + i, 40.0), (28.0 + i, 40.0)]
    return sample, Truth(Keypoints(points=points), normalization_factor=20.0)


def offset_infer(offset: float):
    def infer(sample: Sample) -> Prediction:
        index = int(sample.locator[-9:-4])
        points = [(x + offset, y) for x, y in make_sample(index)[1].keypoints.points]
        return Prediction(Keypoints(points=points), confidence=0.9)

    return infer


@pytest.fixture
def workflow(client):
    return define_workflow("Facial Keypoints", Sample, Truth, Prediction)


@pytest.fixture
def suite(workflow):
    _, TestCase, TestSuite, _ = workflow
    samples = [make_sample(i, "frontal" if i % 3 else "profile") for i in range(30)]
    everything = TestCase("faces :: all", test_samples=samples)
    profile = TestCase("faces :: profile", test_samples=[s for s in samples if s[0].metadata["pose"] == "profile"])
    return TestSuite("faces", test_cases=[everything, profile])


# -- the quickstart, end to end ------------------------------------------------------------------------------
def test_quickstart_stores_real_results(workflow, suite):
    _, _, TestSuite, Model = workflow
    model = Model("shifted-by-2", infer=offset_infer(2.0), metadata={"description": "any free-form metadata"})
    evaluator = NmeEvaluator(configurations=[NmeThreshold(0.01), NmeThreshold(0.05), NmeThreshold(0.2)])
    test(model, suite, evaluator)

    strict = load_results(model, TestSuite.load("faces"), evaluator, NmeThreshold(0.05))
    assert set(strict.test_case_metrics) == {"faces :: all", "faces :: profile"}
    all_metrics = strict.test_case_metrics["faces :: all"]
    assert isinstance(all_metrics, CaseMetrics)
    assert all_metrics.mean_nme == pytest.approx(2.0 / 20.0)
    assert all_metrics.failure_rate == 1.0 and all_metrics.n_samples == 30
    assert isinstance(strict.test_suite_metrics, SuiteMetrics)
    assert strict.test_suite_metrics.variance_mean_nme == pytest.approx(0.0)
    assert len(strict.test_sample_metrics_by_test_case["faces :: profile"]) == 10
    assert all(isinstance(m, SampleMetrics) for _, m in strict.test_sample_metrics)
    [plot] = strict.plots["faces :: all"]
    assert isinstance(plot, CurvePlot) and plot.curves[0].y[-1] == pytest.approx(1.0)

    lenient = load_results(model, suite, evaluator, "nme-threshold-0.2")
    assert lenient.test_case_metrics["faces :: all"].failure_rate == 0.0


def test_sample_metadata_and_ground_truth_round_trip(workflow, suite):
    _, TestCase, _, _ = workflow
    loaded = TestCase.load("faces :: profile").load_test_samples()
    assert loaded == [make_sample(i, "profile") for i in range(0, 30, 3)]
    assert loaded[1][0].metadata == {"pose": "profile", "index": 3}


def test_results_of_several_configurations_need_a_choice(workflow, suite):
    *_, Model = workflow
    model = Model("m", infer=offset_infer(1.0))
    evaluator = NmeEvaluator(configurations=[NmeThreshold(0.01), NmeThreshold(0.1)])
    test(model, suite, evaluator)
    with pytest.raises(IncorrectUsageError, match="configuration"):
        load_results(model, suite, evaluator)


# -- versioning ------------------------------------------------------------------------------------------------
def test_each_edit_makes_a_version_and_old_versions_stay_loadable(workflow):
    _, TestCase, _, _ = workflow
    test_case = TestCase("grow", test_samples=[make_sample(0)])
    assert test_case.version == 1
    with test_case.edit() as editor:
        editor.add(*make_sample(1))
        editor.remove(make_sample(0)[0])
    assert test_case.version == 2
    with test_case.edit() as editor:
        pass
    assert test_case.version == 2, "an edit with no change makes no version"
    assert [s for s, _ in TestCase.load("grow", version=1).load_test_samples()] == [make_sample(0)[0]]
    assert [s for s, _ in TestCase.load("grow").load_test_samples()] == [make_sample(1)[0]]
    with pytest.raises(NotFoundError):
        TestCase.load("grow", version=7)


def test_an_exception_inside_edit_commits_nothing(workflow):
    _, TestCase, _, _ = workflow
    test_case = TestCase("atomic", test_samples=[make_sample(0)])
    with pytest.raises(KeyError), test_case.edit() as editor:
        editor.add(*make_sample(1))
        raise KeyError("user code failed")
    assert TestCase.load("atomic").version == 1
    assert len(TestCase.load("atomic").load_test_samples()) == 1


def test_suite_versions_hold_exact_test_case_versions(workflow, suite):
    _, TestCase, TestSuite, _ = workflow
    profile = TestCase.load("faces :: profile")
    with profile.edit() as editor:
        editor.add(*make_sample(100, "profile"))
    assert TestSuite.load("faces").test_cases[1].version == 1, "editing a case elsewhere leaves the suite alone"
    with suite.edit() as editor:
        editor.add(profile)
    assert suite.version == 2
    assert suite.test_cases[1].version == 2
    assert TestSuite.load("faces", version=1).test_cases[1].version == 1


def test_results_are_tied_to_the_suite_version(workflow, suite):
    _, TestCase, TestSuite, Model = workflow
    model = Model("m", infer=offset_infer(4.0))
    evaluator = NmeEvaluator(configurations=[NmeThreshold(0.1)])
    test(model, suite, evaluator)
    with suite.edit() as editor:
        editor.add(TestCase("faces :: first", test_samples=[make_sample(0)]))
    test(model, suite, evaluator)
    old = load_results(model, TestSuite.load("faces", version=1), evaluator)
    new = load_results(model, TestSuite.load("faces", version=2), evaluator)
    assert set(old.test_case_metrics) == {"faces :: all", "faces :: profile"}
    assert set(new.test_case_metrics) == {"faces :: all", "faces :: profile", "faces :: first"}


def test_constructor_is_idempotent(workflow):
    _, TestCase, TestSuite, Model = workflow
    first = TestCase("same", test_samples=[make_sample(0)])
    again = TestCase("same", test_samples=[make_sample(1)])
    assert again == first and again.version == 1, "existing samples are kept without reset"
    replaced = TestCase("same", test_samples=[make_sample(1)], reset=True)
    assert replaced.version == 2
    assert Model("m", metadata={"a": 1}) == Model("m")
    assert TestSuite("s", test_cases=[first]) == TestSuite("s")


def test_init_many_creates_loads_and_resets(workflow):
    _, TestCase, _, _ = workflow
    TestCase("existing", test_samples=[make_sample(0)])
    created, loaded = TestCase.init_many([("new", [make_sample(1)]), ("existing", [make_sample(2)])])
    assert (created.version, loaded.version) == (1, 1)
    [reset] = TestCase.init_many([("existing", [make_sample(2)])], reset=True)
    assert reset.version == 2
    assert [s for s, _ in reset.load_test_samples()] == [make_sample(2)[0]]
    with pytest.raises(IncorrectUsageError):
        TestCase.init_many([("twice", []), ("twice", [])])


def test_load_all_and_tags(workflow, suite):
    _, _, TestSuite, Model = workflow
    Model("tagged", tags={"prod", "v2"})
    Model("untagged")
    assert [m.name for m in Model.load_all(tags={"prod"})] == ["tagged"]
    TestSuite("tagged suite", tags={"nightly"})
    assert [s.name for s in TestSuite.load_all(tags={"nightly"})] == ["tagged suite"]
    assert {s.name for s in TestSuite.load_all()} == {"faces", "tagged suite"}


# -- test(): work only where needed, and crash-safe ------------------------------------------------------------
def test_running_twice_does_no_work_the_second_time(workflow, suite):
    *_, Model = workflow
    calls = []

    def infer(sample):
        calls.append(sample.locator)
        return offset_infer(1.0)(sample)

    model = Model("counted", infer=infer)
    evaluator = NmeEvaluator(configurations=[NmeThreshold(0.1)])
    NmeEvaluator.calls = 0
    test(model, suite, evaluator)
    assert len(calls) == 30, "each distinct sample is inferred once, even when it is in two test cases"
    assert NmeEvaluator.calls == 2
    test(model, suite, evaluator)
    assert len(calls) == 30 and NmeEvaluator.calls == 2
    test(model, suite, NmeEvaluator(configurations=[NmeThreshold(0.1), NmeThreshold(0.3)]))
    assert len(calls) == 30 and NmeEvaluator.calls == 4, "only the new configuration is computed"
    test(model, suite, evaluator, reset=True)
    assert len(calls) == 60


def test_a_run_killed_half_way_completes_exactly_once(workflow):
    _, TestCase, TestSuite, Model = workflow
    samples = [make_sample(i) for i in range(2_500)]
    suite = TestSuite("big", test_cases=[TestCase("big :: all", test_samples=samples)])
    seen: list[str] = []

    def flaky(sample):
        seen.append(sample.locator)
        if len(seen) == 1_700:
            raise ConnectionError("the GPU host went away")
        return offset_infer(1.0)(sample)

    model = Model("flaky", infer=flaky)
    evaluator = NmeEvaluator(configurations=[NmeThreshold(0.1)])
    with pytest.raises(ConnectionError):
        test(model, suite, evaluator)
    assert len(model.load_inferences(suite.test_cases[0])) == 1_000, "the committed batch stays"
    test(model, suite, evaluator)
    assert len(seen) == 1_700 + 1_500, "the re-run infers only what was not stored"
    stored = model.load_inferences(suite.test_cases[0])
    assert sorted(s.locator for s, _, _ in stored) == sorted(s.locator for s, _ in samples)
    results = load_results(model, suite, evaluator)
    assert len(results.test_sample_metrics) == 2_500


def test_an_evaluator_crash_then_rerun_stores_metrics_once(workflow, suite):
    *_, Model = workflow
    model = Model("m", infer=offset_infer(1.0))

    class Flaky(NmeEvaluator):
        crash = True

        def display_name(self):
            return "keypoints"

        def compute_test_suite_metrics(self, test_suite, metrics, configuration=None):
            if Flaky.crash:
                raise RuntimeError("bug in suite metrics")
            return super().compute_test_suite_metrics(test_suite, metrics, configuration)

    with pytest.raises(RuntimeError):
        test(model, suite, Flaky(configurations=[NmeThreshold(0.1)]))
    Flaky.crash = False
    test(model, suite, Flaky(configurations=[NmeThreshold(0.1)]))
    results = load_results(model, suite, "keypoints")
    assert len(results.test_sample_metrics) == 40, "30 samples in one case, 10 in the other, each stored once"
    assert len(results.test_sample_metrics_by_test_case["faces :: all"]) == 30
    assert isinstance(results.test_suite_metrics, SuiteMetrics)


def test_a_suite_without_test_cases_is_refused(workflow):
    *_, TestSuite, Model = workflow
    with pytest.raises(IncorrectUsageError):
        test(
            Model("m", infer=offset_infer(0)),
            TestSuite("empty"),
            NmeEvaluator(configurations=[NmeThreshold(1)]),
        )


def test_upload_inferences_twice_without_reset_is_refused(workflow, suite):
    *_, Model = workflow
    model = Model("m", infer=offset_infer(1.0))
    run = TestRun(model, suite, NmeEvaluator(configurations=[NmeThreshold(0.1)]))
    first = make_sample(0)[0]
    run.upload_inferences([(first, offset_infer(1.0)(first))])
    assert len(run.load_test_samples()) == 29
    with pytest.raises(RemoteError):
        run.upload_inferences([(first, offset_infer(2.0)(first))])
    TestRun(model, suite, NmeEvaluator(configurations=[NmeThreshold(0.1)]), reset=True).upload_inferences(
        [(first, offset_infer(2.0)(first))]
    )


# -- the function form -------------------------------------------------------------------------------------------
def evaluate_nme(test_samples, ground_truths, inferences, test_cases: TestCases, configuration: NmeThreshold):
    per_sample = [
        SampleMetrics(nme(gt, inf), nme(gt, inf) > configuration.threshold)
        for gt, inf in zip(ground_truths, inferences, strict=True)
    ]
    per_case = []
    for test_case, _, _, _, metrics in test_cases.iter(test_samples, ground_truths, inferences, per_sample):
        per_case.append(
            (
                test_case,
                CaseMetrics(
                    statistics.fmean(m.nme for m in metrics),
                    sum(m.failure for m in metrics) / len(metrics),
                    len(metrics),
                ),
            )
        )
    return EvaluationResults(
        metrics_test_sample=list(zip(test_samples, per_sample, strict=True)),
        metrics_test_case=per_case,
        metrics_test_suite=SuiteMetrics(statistics.pvariance([m.mean_nme for _, m in per_case])),
    )


def test_function_evaluator_sees_each_sample_once(workflow, suite):
    *_, Model = workflow
    model = Model("f", infer=offset_infer(3.0))
    test(model, suite, evaluate_nme, configurations=[NmeThreshold(0.1), NmeThreshold(0.2)])
    results = load_results(model, suite, evaluate_nme, NmeThreshold(0.1))
    assert len(results.test_sample_metrics) == 30
    assert results.test_case_metrics["faces :: profile"].n_samples == 10
    assert results.test_case_metrics["faces :: all"].failure_rate == 1.0
    assert (
        load_results(model, suite, evaluate_nme, NmeThreshold(0.2)).test_case_metrics["faces :: all"].failure_rate
        == 0.0
    )


def test_configured_function_needs_configurations(workflow, suite):
    *_, Model = workflow
    with pytest.raises(ValueError, match="configuration"):
        test(Model("f", infer=offset_infer(3.0)), suite, evaluate_nme)


# -- bad input: a clear typed error, nothing written ------------------------------------------------------------
def test_a_field_type_that_cannot_be_stored_is_refused_at_declaration(client):
    @dataclass(frozen=True)
    class WithDict(GroundTruth):
        extra: dict

    with pytest.raises(InputValidationError, match="extra"):
        define_workflow("bad", Sample, WithDict, Prediction)


def test_an_inference_of_another_workflow_is_refused(workflow, suite):
    *_, Model = workflow

    @dataclass(frozen=True)
    class Boxes(Inference):
        boxes: list[LabeledBoundingBox]

    model = Model("wrong type", infer=lambda sample: Boxes(boxes=[]))
    with pytest.raises(WorkflowMismatchError, match="Boxes"):
        test(model, suite, NmeEvaluator(configurations=[NmeThreshold(0.1)]))
    assert model.load_inferences(suite.test_cases[0]) == []


def test_samples_of_another_type_are_refused_and_nothing_is_written(workflow):
    _, TestCase, _, _ = workflow
    with pytest.raises(WorkflowMismatchError):
        TestCase("mixed", test_samples=[make_sample(0), (make_sample(1)[0], Prediction(Keypoints(points=[]), 0.5))])
    with pytest.raises(NotFoundError):
        TestCase.load("mixed")


def test_create_of_an_existing_name_and_load_of_a_missing_one(workflow, suite):
    _, TestCase, TestSuite, Model = workflow
    with pytest.raises(NameConflictError):
        TestCase.create("faces :: all")
    with pytest.raises(NameConflictError):
        TestSuite.create("faces")
    Model.create("unique")
    with pytest.raises(NameConflictError):
        Model.create("unique")
    with pytest.raises(NotFoundError):
        TestSuite.load("no such suite")
    with pytest.raises(NotFoundError):
        Model.load("no such model")
    with pytest.raises(NotFoundError):
        TestSuite.load("faces", version=99)


def test_entities_of_another_workflow_are_refused(workflow, suite):
    _, OtherCase, _, _ = define_workflow("Other Keypoints", Sample, Truth, Prediction)
    with pytest.raises(WorkflowMismatchError):
        OtherCase.load("faces :: all")


def test_metrics_whose_count_does_not_match_are_refused(workflow, suite):
    *_, Model = workflow

    class Short(NmeEvaluator):
        def compute_test_sample_metrics(self, test_case, inferences, configuration=None):
            return super().compute_test_sample_metrics(test_case, inferences, configuration)[:-1]

    model = Model("m", infer=offset_infer(1.0))
    with pytest.raises(InputValidationError, match="one per sample"):
        test(model, suite, Short(configurations=[NmeThreshold(0.1)]))
    with pytest.raises(NotFoundError):
        load_results(model, suite, "Short")


def test_metrics_for_a_sample_outside_the_test_case_are_refused(workflow, suite):
    *_, Model = workflow

    class Stranger(NmeEvaluator):
        def compute_test_sample_metrics(self, test_case, inferences, configuration=None):
            metrics = super().compute_test_sample_metrics(test_case, inferences, configuration)
            return [(make_sample(999)[0], metrics[0][1]), *metrics[1:]]

    with pytest.raises(InputValidationError, match="not in"):
        test(Model("m", infer=offset_infer(1.0)), suite, Stranger(configurations=[NmeThreshold(0.1)]))


def test_loaded_entities_are_frozen(workflow, suite):
    with pytest.raises(FrozenObjectError):
        suite.name = "renamed"
    with pytest.raises(FrozenObjectError):
        suite.test_cases[0].version = 5


def test_model_without_infer_is_refused_only_when_inference_is_needed(workflow, suite):
    *_, Model = workflow
    Model("later", infer=offset_infer(1.0))
    with pytest.raises(ValueError, match="infer"):
        test(Model.load("later"), suite, NmeEvaluator(configurations=[NmeThreshold(0.1)]))
    test(Model.load("later", infer=offset_infer(1.0)), suite, NmeEvaluator(configurations=[NmeThreshold(0.1)]))
    test(Model.load("later"), suite, NmeEvaluator(configurations=[NmeThreshold(0.1)]))


def test_data_objects_are_plain_dataclasses(workflow):
    sample, truth = make_sample(3)
    assert dataclasses.replace(truth, normalization_factor=1.0).normalization_factor == 1.0
