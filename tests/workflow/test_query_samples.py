"""``TestSuite.query_samples`` and ``TestCase.query_samples``: the Studio's queries as DataFrames, on both transports.

A small keypoint-like world is made through the workflow API (``define_workflow``, test cases, a suite, two
models tested by an evaluator function with two configurations), then queried as a notebook user would; the
frames are checked against the samples as the test made them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
import pytest
from tests.workflow.conftest import Client

from assay.errors import InputValidationError, NotFoundError
from assay.service.sample_views import Difference, Predicate, SortKey
from assay.workflow import (
    EvaluationResults,
    EvaluatorConfiguration,
    GroundTruth,
    Image,
    Inference,
    MetricsTestCase,
    MetricsTestSample,
    define_workflow,
    test,
)

N = 36
POSES = ("frontal", "profile", "tilted")


@dataclass(frozen=True)
class Face(Image):
    pass


@dataclass(frozen=True)
class Truth(GroundTruth):
    factor: float


@dataclass(frozen=True)
class Guess(Inference):
    offset: float


@dataclass(frozen=True)
class Error(MetricsTestSample):
    normalized_mean_error: float = field(metadata={"higher_is_better": False})
    failure: bool = False


@dataclass(frozen=True)
class Summary(MetricsTestCase):
    mean_nme: float


@dataclass(frozen=True)
class Cut(EvaluatorConfiguration):
    threshold: float

    def display_name(self) -> str:
        return f"cut {self.threshold}"


def offset(model: str, i: int) -> float:
    # model-b fails on profile faces, model-a is uniformly mediocre
    if model == "model-b":
        return 0.5 if POSES[i % 3] == "profile" else 0.02
    return 0.1 + (i % 5) / 100


def nme(model: str, i: int) -> float:
    return offset(model, i) / (1 + i / 10)


def evaluate(test_samples, ground_truths, inferences, test_cases, configuration: Cut) -> EvaluationResults:
    sample_metrics = [
        Error(normalized_mean_error=inf.offset / gt.factor, failure=inf.offset / gt.factor > configuration.threshold)
        for gt, inf in zip(ground_truths, inferences, strict=True)
    ]
    per_case = [
        (case, Summary(mean_nme=sum(m.normalized_mean_error for m in metrics) / max(len(metrics), 1)))
        for case, _, _, _, metrics in test_cases.iter(test_samples, ground_truths, inferences, sample_metrics)
    ]
    return EvaluationResults(
        metrics_test_sample=list(zip(test_samples, sample_metrics, strict=True)), metrics_test_case=per_case
    )


@dataclass
class World:
    suite: object
    cases: dict[str, object]
    models: dict[str, object]
    TestCase: type
    TestSuite: type


@pytest.fixture
def world(client: Client) -> World:
    _, TestCase, TestSuite, Model = define_workflow("Query Faces", Face, Truth, Guess)
    samples = [
        (Face(f"s3://faces/{i:03d}.png", metadata={"pose": POSES[i % 3], "size": 10 + i}), Truth(factor=1 + i / 10))
        for i in range(N)
    ]
    cases = {
        "complete": TestCase("faces :: complete", test_samples=samples),
        "profile": TestCase("faces :: profile", test_samples=[s for i, s in enumerate(samples) if i % 3 == 1]),
    }
    suite = TestSuite("faces", test_cases=list(cases.values()))
    models = {}
    for name in ("model-a", "model-b"):
        models[name] = Model(name, infer=lambda sample, name=name: Guess(offset=offset(name, index(sample))))
        test(models[name], suite, evaluate, configurations=[Cut(0.05), Cut(0.2)])
    return World(suite, cases, models, TestCase, TestSuite)


def index(sample: Face) -> int:
    return int(sample.locator.rsplit("/", 1)[-1].split(".")[0])


def indices(frame: pd.DataFrame) -> list[int]:
    return [int(locator.rsplit("/", 1)[-1].split(".")[0]) for locator in frame["locator"]]


def test_a_suite_query_returns_a_frame_with_fields_and_model_columns(world: World) -> None:
    frame = world.suite.query_samples(models=["model-a", world.models["model-b"]], configuration="cut 0.2")
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns[:3]) == ["id", "key", "locator"]
    assert {"meta.pose", "meta.size", "gt.factor"} <= set(frame.columns)
    assert {"metric.normalized_mean_error[model-a]", "metric.failure[model-b]", "inference.offset[model-b]"} <= set(
        frame.columns
    )
    assert indices(frame) == list(range(N))  # sample id order: the order they were added in
    assert frame["meta.pose"].tolist() == [POSES[i % 3] for i in range(N)]
    assert frame["metric.normalized_mean_error[model-b]"].tolist() == pytest.approx(
        [nme("model-b", i) for i in range(N)]
    )
    assert frame["metric.failure[model-b]"].tolist() == [nme("model-b", i) > 0.2 for i in range(N)]


def test_where_models_sort_and_the_failure_slice(world: World) -> None:
    frame = world.suite.query_samples(
        [
            {"field": "meta.pose", "op": "in", "values": ["profile", "tilted"]},
            {"field": "metric.normalized_mean_error", "op": "range", "min": 0.1, "model": "model-b"},
            {"field": "metric.normalized_mean_error", "model": "model-b", "minus_model": "model-a", "min": 0.0},
        ],
        models=[world.models["model-a"], world.models["model-b"]],
        sort={"field": "meta.size", "descending": True},
    )
    expected = [
        i
        for i in range(N)
        if POSES[i % 3] in ("profile", "tilted") and nme("model-b", i) >= 0.1 and nme("model-b", i) >= nme("model-a", i)
    ]
    assert indices(frame) == sorted(expected, reverse=True)
    assert set(frame["meta.pose"]) == {"profile"}
    # Records work too, and a per-model field takes the only model given.
    same = world.suite.query_samples(
        [
            Predicate(field="meta.pose", op="in", values=["profile", "tilted"]),
            {"field": "metric.normalized_mean_error", "op": "range", "min": 0.1},
        ],
        models=["model-b"],
        sort=SortKey(field="meta.size", descending=True),
    )
    assert indices(same) == indices(frame)


def test_sort_by_a_metric_and_a_configuration(world: World) -> None:
    frame = world.suite.query_samples(
        [{"field": "metric.failure", "op": "in", "values": [True]}],
        models=["model-a"],
        configuration="cut 0.05",
        sort="metric.normalized_mean_error",
        descending=True,
    )
    expected = sorted((i for i in range(N) if nme("model-a", i) > 0.05), key=lambda i: (-nme("model-a", i), i))
    assert indices(frame) == expected


def test_a_test_case_query_runs_in_the_latest_suite_holding_it(world: World) -> None:
    profile = world.cases["profile"]
    frame = profile.query_samples(models=["model-b"])
    assert indices(frame) == [i for i in range(N) if i % 3 == 1]
    assert frame["metric.normalized_mean_error[model-b]"].tolist() == pytest.approx(
        [nme("model-b", i) for i in range(N) if i % 3 == 1]
    )
    # A newer suite version holding the test case is the default; results are per suite version.
    newer = world.TestSuite("faces :: profiles only", test_cases=[profile])
    assert profile.query_samples().shape[0] == N // 3
    with pytest.raises(InputValidationError, match="no per-sample metrics"):
        profile.query_samples([{"field": "metric.failure", "op": "null"}], models=["model-b"], test_suite=newer)
    assert profile.query_samples(test_suite=world.suite, models=["model-b"]).shape[0] == N // 3
    # Within a suite, a test case scopes the query.
    scoped = world.suite.query_samples(test_case=profile)
    assert indices(scoped) == [i for i in range(N) if i % 3 == 1]


def test_a_test_case_in_no_suite_says_so(world: World) -> None:
    alone = world.TestCase("faces :: alone", test_samples=[(Face("s3://faces/000.png"), Truth(factor=1.0))])
    with pytest.raises(NotFoundError, match="in no test suite"):
        alone.query_samples()


def test_bad_queries_raise_typed_errors(world: World) -> None:
    with pytest.raises(InputValidationError, match="meta.nothing"):
        world.suite.query_samples([{"field": "meta.nothing", "op": "null"}])
    with pytest.raises(InputValidationError, match="say which model"):
        world.suite.query_samples([{"field": "metric.failure", "op": "null"}], models=["model-a", "model-b"])
    with pytest.raises(InputValidationError, match="where\\[0\\]"):
        world.suite.query_samples([{"field": "meta.pose", "op": "between"}])
    with pytest.raises(NotFoundError):
        world.suite.query_samples(models=["no such model"])
    with pytest.raises(InputValidationError):
        world.suite.query_samples([Difference(field="meta.size", model_id=1, minus_model_id=2)])


def test_missing_values_are_nan(world: World) -> None:
    frame = world.suite.query_samples([{"field": "meta.size", "op": "range", "max": 12}])
    assert frame["meta.size"].tolist() == [10.0, 11.0, 12.0]
    assert not any(math.isnan(value) for value in frame["gt.factor"])
