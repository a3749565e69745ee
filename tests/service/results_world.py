"""A small world of results for the results-page tests, built the way a user builds it.

Three test cases (``hard``: 40 samples, ``easy``: 40, ``all``: both), three models tested with one class
evaluator through ``assay.workflow.test()``:

* ``base``: right on 3 of 10 hard samples and 8 of 10 easy ones;
* ``better``: right on 9 of 10 hard samples (clearly better, significant) and, on easy samples, the same as
  ``base`` but one sample gained and one lost (a tie);
* ``partial``: stored through the service directly, with per-sample metrics for only 30 of the 40 hard samples
  (so its hard comparison is unpaired) and the same as ``better`` elsewhere.

Test-case metrics: ``accuracy`` (mean of per-sample ``correct``), ``mean_error`` (mean of ``error``, declared
lower-is-better), ``miss_rate`` (mean of ``miss``, lower by its name), ``f1`` (not a mean of anything),
``n_samples``, ``calibration`` (NaN on ``easy``), and ``per_class`` (nested rows per label).
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from dataclasses import dataclass, field
from typing import Any

import pytest

import assay
from assay.client import reset as reset_client
from assay.service import Service
from assay.service.models import SampleMetricsRow, TestCaseMetricsRow
from assay.workflow import (
    Curve,
    CurvePlot,
    EvaluationResults,
    Evaluator,
    EvaluatorConfiguration,
    GroundTruth,
    Image,
    Inference,
    MetricsTestCase,
    MetricsTestSample,
    MetricsTestSuite,
    define_workflow,
    test,
)
from assay.workflow._metrics_codec import encode_metrics

WORKFLOW = "Results World"
HARD = 40
EASY = 40


@dataclass(frozen=True)
class Photo(Image):
    pass


@dataclass(frozen=True)
class Label(GroundTruth):
    label: str
    target: float


@dataclass(frozen=True)
class Guess(Inference):
    label: str
    score: float


@dataclass(frozen=True)
class SampleScore(MetricsTestSample):
    correct: bool
    error: float
    miss: bool


@dataclass(frozen=True)
class ClassScore(MetricsTestCase):
    label: str
    recall: float
    support: int


@dataclass(frozen=True)
class CaseScore(MetricsTestCase):
    accuracy: float
    mean_error: float = field(metadata={"higher_is_better": False})
    miss_rate: float = 0.0
    f1: float = 0.0
    n_samples: int = 0
    calibration: float = 0.0
    per_class: list[ClassScore] = dataclasses.field(default_factory=list)


@dataclass(frozen=True)
class SuiteScore(MetricsTestSuite):
    mean_accuracy: float


def index_of(sample: Photo) -> int:
    return int(sample.locator.rsplit("/", 1)[-1].split(".")[0])


def truth(index: int) -> Label:
    return Label(label="cat" if index % 2 else "dog", target=float(index % 5))


def is_hard(index: int) -> bool:
    return index < HARD


def right(model: str, index: int) -> bool:
    """Whether a model predicts sample ``index`` right."""
    position = index % 10
    if is_hard(index):
        return position < (3 if model == "base" else 9)
    if model == "base":
        return position < 8
    # A tie: one sample gained, one lost against the baseline.
    if index == HARD + 8:
        return True
    if index == HARD + 0:
        return False
    return position < 8


def guess(model: str, index: int) -> Guess:
    label = truth(index).label
    wrong = "dog" if label == "cat" else "cat"
    offset = 0.5 if model == "base" and is_hard(index) else 0.1
    return Guess(label=label if right(model, index) else wrong, score=truth(index).target + offset)


def score_of(predicted: Guess, index: int) -> SampleScore:
    gt = truth(index)
    return SampleScore(correct=predicted.label == gt.label, error=abs(predicted.score - gt.target), miss=index % 7 == 0)


def sample_score(model: str, index: int) -> SampleScore:
    return score_of(guess(model, index), index)


def case_score(indices: list[int], scores: list[SampleScore], nan_calibration: bool) -> CaseScore:
    accuracy = statistics.fmean(float(s.correct) for s in scores)
    per_class = []
    for label in ("cat", "dog"):
        of_label = [s for i, s in zip(indices, scores, strict=True) if truth(i).label == label]
        per_class.append(
            ClassScore(label=label, recall=statistics.fmean(float(s.correct) for s in of_label), support=len(of_label))
        )
    return CaseScore(
        accuracy=accuracy,
        mean_error=statistics.fmean(s.error for s in scores),
        miss_rate=statistics.fmean(float(s.miss) for s in scores),
        f1=2 * accuracy / (1 + accuracy),
        n_samples=len(scores),
        calibration=math.nan if nan_calibration else accuracy / 2,
        per_class=per_class,
    )


class WorldEvaluator(Evaluator):
    def compute_test_sample_metrics(self, test_case, inferences, configuration=None):
        return [(ts, score_of(inf, index_of(ts))) for ts, _, inf in inferences]

    def compute_test_case_metrics(self, test_case, inferences, metrics, configuration=None):
        indices = [index_of(ts) for ts, _, _ in inferences]
        return case_score(indices, list(metrics), test_case.name == "easy")

    def compute_test_case_plots(self, test_case, inferences, metrics, configuration=None):
        errors = sorted(m.error for m in metrics)
        return [
            CurvePlot(
                title="errors",
                x_label="error",
                y_label="fraction",
                curves=[Curve(x=errors, y=[(i + 1) / len(errors) for i in range(len(errors))])],
            )
        ]

    def compute_test_suite_metrics(self, test_suite, metrics, configuration=None):
        return SuiteScore(mean_accuracy=statistics.fmean(m.accuracy for _, m in metrics))


def infer_with(model: str):
    def infer(sample: Photo) -> Guess:
        return guess(model, index_of(sample))

    return infer


@dataclass
class World:
    """Ids of what :func:`build_world` stored."""

    url: str
    suite_id: int
    cases: dict[str, int]
    models: dict[str, int]
    evaluator: str
    case_samples: dict[str, list[int]]
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


def _photo(index: int) -> Photo:
    return Photo(locator=f"s3://world/{index}.png")


def build_world(database_url: str, home: str, host: str | None = None, token: str | None = None) -> World:
    """Store the world in the database at ``database_url`` through the workflow API and the service.

    With ``host`` (and ``token``) the workflow API talks to that server, which must serve the same database.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSAY_HOME", home)
        patch.setenv("ASSAY_DATABASE_URL", database_url)
        patch.setenv("ASSAY_PROGRESS", "0")
        patch.delenv("ASSAY_HOST", raising=False)
        reset_client()
        if host is None:
            assay.initialize()
        else:
            assay.initialize(token, host=host)
        try:
            _, TestCase, TestSuite, Model = define_workflow(WORKFLOW, Photo, Label, Guess)
            samples = {i: (_photo(i), truth(i)) for i in range(HARD + EASY)}
            indices = {"hard": list(range(HARD)), "easy": list(range(HARD, HARD + EASY))}
            indices["all"] = indices["hard"] + indices["easy"]
            cases = {name: TestCase(name, test_samples=[samples[i] for i in ids]) for name, ids in indices.items()}
            suite = TestSuite("world", test_cases=[cases["hard"], cases["easy"], cases["all"]])
            evaluator = WorldEvaluator()
            models = {}
            for name in ("base", "better"):
                model = Model(name, infer=infer_with(name))
                test(model, suite, evaluator)
                models[name] = model._id
            partial = Model("partial")
            models["partial"] = partial._id
        finally:
            reset_client()
    service = Service.from_url(database_url)
    try:
        case_ids = {name: case._id for name, case in cases.items()}
        _store_partial(service, suite._id, case_ids, indices, models["partial"], evaluator.display_name())
    finally:
        service.close()
    return World(
        url=database_url,
        suite_id=suite._id,
        cases={name: case._id for name, case in cases.items()},
        models=models,
        evaluator=evaluator.display_name(),
        case_samples=indices,
    )


def _store_partial(
    service: Service,
    suite_id: int,
    case_ids: dict[str, int],
    indices: dict[str, list[int]],
    model_id: int,
    evaluator: str,
) -> None:
    """The third model's results, with per-sample metrics of only 30 of the 40 hard samples."""
    # The evaluator is unconfigured: its metrics go under the implicit configuration (None).
    run = service.create_or_retrieve_test_run(model_id, suite_id, evaluator, [])
    case_rows = []
    for name, ids in indices.items():
        kept = ids[:30] if name == "hard" else ids
        scores = [sample_score("better", i) for i in kept]
        service.upload_test_sample_metrics(
            run.id,
            None,
            [
                SampleMetricsRow(
                    test_sample=_photo(i)._to_dict(), metrics=encode_metrics(s), test_case_id=case_ids[name]
                )
                for i, s in zip(kept, scores, strict=True)
            ],
        )
        case_rows.append(
            TestCaseMetricsRow(
                test_case_id=case_ids[name],
                metrics=encode_metrics(case_score(kept, scores, name == "easy")),
                plots=None,
            )
        )
    service.upload_test_case_metrics(run.id, None, case_rows)
    service.upload_test_suite_metrics(run.id, None, encode_metrics(SuiteScore(mean_accuracy=0.5)))


#: The databases the results tests run on, as module-scoped fixture parameters.
DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def world_on(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    """Build the world in a fresh database of the kind ``request.param`` (for module-scoped fixtures)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('world') / 'assay.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.url(server.create_database(template="assay_template"))
    return build_world(url, str(tmp_path_factory.mktemp("home")))


# -- a second world: an evaluator function with two configurations ----------------------------------------
@dataclass(frozen=True)
class Threshold(EvaluatorConfiguration):
    cut: float

    def display_name(self) -> str:
        return f"cut-{self.cut}"


@dataclass(frozen=True)
class Hit(MetricsTestSample):
    hit: bool


@dataclass(frozen=True)
class HitRate(MetricsTestCase):
    hit_rate: float
    n: int


def hits(test_samples, ground_truths, inferences, test_cases, configuration: Threshold) -> EvaluationResults:
    sample_metrics = [Hit(hit=inf.score >= configuration.cut) for inf in inferences]
    per_case = [
        (case, HitRate(hit_rate=statistics.fmean(float(m.hit) for m in metrics), n=len(metrics)))
        for case, _, _, _, metrics in test_cases.iter(test_samples, ground_truths, inferences, sample_metrics)
    ]
    return EvaluationResults(
        metrics_test_sample=list(zip(test_samples, sample_metrics, strict=True)), metrics_test_case=per_case
    )


def build_function_world(database_url: str, home: str) -> World:
    """Two models scored by an evaluator function (per-sample metrics stored once for the suite)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSAY_HOME", home)
        patch.setenv("ASSAY_DATABASE_URL", database_url)
        patch.setenv("ASSAY_PROGRESS", "0")
        patch.delenv("ASSAY_HOST", raising=False)
        reset_client()
        assay.initialize()
        try:
            _, TestCase, TestSuite, Model = define_workflow("Function World", Photo, Label, Guess)
            samples = {i: (_photo(i), truth(i)) for i in range(30)}
            indices = {"left": list(range(15)), "right": list(range(15, 30)), "both": list(range(30))}
            cases = {
                name: TestCase(f"fn {name}", test_samples=[samples[i] for i in ids]) for name, ids in indices.items()
            }
            suite = TestSuite("fn suite", test_cases=list(cases.values()))
            models = {}
            for name, scale in (("low", 0.02), ("high", 0.03)):
                model = Model(f"fn {name}", infer=lambda s, scale=scale: Guess(label="cat", score=scale * index_of(s)))
                test(model, suite, hits, configurations=[Threshold(0.3), Threshold(0.6)])
                models[name] = model._id
        finally:
            reset_client()
    return World(
        url=database_url,
        suite_id=suite._id,
        cases={name: case._id for name, case in cases.items()},
        models=models,
        evaluator="hits",
        case_samples=indices,
    )
