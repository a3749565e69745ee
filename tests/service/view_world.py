"""Data for the web app's view tests, made as a user makes it: through the public workflow API.

:func:`build_world` initialises the client on the embedded store of a database URL and stores:

- workflow ``Facial Keypoints``: test cases ``faces :: all`` (samples 0..29) and ``faces :: profile`` (the 10
  samples ``i % 3 == 0``); suite ``faces`` v1 holds both. The profile case is then edited (sample 100 added,
  sample 0 removed, the ground truth of sample 3 replaced) and the suite edited to v2: ``faces :: all`` v1,
  ``faces :: profile`` v2 and a new ``faces :: first`` (sample 0); 31 distinct samples.
- models ``shifted-2`` (tested on v1, two configurations, complete), ``shifted-4`` (tested on v2, complete)
  and ``fragile`` (its ``infer`` fails: a crashed run on v2).
- workflow ``Counting``: suites ``bulk-0`` .. ``bulk-4`` of one test case each, the last tagged ``urgent``,
  and model ``counter``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import assay
from assay.client import reset as reset_client
from assay.service import Service
from assay.workflow import (
    Evaluator,
    EvaluatorConfiguration,
    GroundTruth,
    Image,
    Inference,
    MetricsTestCase,
    MetricsTestSample,
    define_workflow,
    test,
)
from assay.workflow.annotation import Keypoints

WORKFLOW = "Facial Keypoints"
OTHER_WORKFLOW = "Counting"
SUITE = "faces"
N_SAMPLES = 30


@dataclass(frozen=True)
class Sample(Image):
    pass


@dataclass(frozen=True)
class Truth(GroundTruth):
    keypoints: Keypoints


@dataclass(frozen=True)
class Prediction(Inference):
    keypoints: Keypoints


@dataclass(frozen=True)
class SampleMetrics(MetricsTestSample):
    error: float


@dataclass(frozen=True)
class CaseMetrics(MetricsTestCase):
    mean_error: float


@dataclass(frozen=True)
class Threshold(EvaluatorConfiguration):
    value: float

    def display_name(self) -> str:
        return f"threshold-{self.value}"


def _error(truth: Truth, prediction: Prediction) -> float:
    return abs(truth.keypoints.points[0][0] - prediction.keypoints.points[0][0])


class ErrorEvaluator(Evaluator):
    def compute_test_sample_metrics(self, test_case, inferences, configuration=None):  # type: ignore[no-untyped-def]
        return [(sample, SampleMetrics(_error(truth, inference))) for sample, truth, inference in inferences]

    def compute_test_case_metrics(self, test_case, inferences, metrics, configuration=None):  # type: ignore[no-untyped-def]
        return CaseMetrics(sum(m.error for m in metrics) / len(metrics))


EVALUATOR = ErrorEvaluator(configurations=[Threshold(1.0), Threshold(2.0)])


def sample(i: int) -> Sample:
    return Sample(locator=f"s3://faces/{i:05d}.png", metadata={"pose": "profile" if i % 3 == 0 else "frontal"})


def truth(i: int, shift: float = 0.0) -> Truth:
    return Truth(Keypoints(points=[(10.0 + i + shift, 20.0), (30.0 + i, 20.0)]))


def index_of(test_sample: Sample) -> int:
    return int(test_sample.locator[-9:-4])


def shifted(offset: float) -> Any:
    def infer(test_sample: Sample) -> Prediction:
        return Prediction(Keypoints(points=[(x + offset, y) for x, y in truth(index_of(test_sample)).keypoints.points]))

    return infer


def fail_on_profile(test_sample: Sample) -> Prediction:
    if test_sample.metadata["pose"] == "profile":
        raise RuntimeError(f"cannot see {test_sample.locator}")
    return shifted(1.0)(test_sample)


@contextmanager
def embedded_client(database_url: str, home: Path) -> Iterator[None]:
    """The workflow API initialised on the embedded store of ``database_url``, as a user does it."""
    saved = {key: os.environ.get(key) for key in ("ASSAY_DATABASE_URL", "ASSAY_HOME", "ASSAY_PROGRESS", "ASSAY_HOST")}
    os.environ.update({"ASSAY_DATABASE_URL": database_url, "ASSAY_HOME": str(home), "ASSAY_PROGRESS": "0"})
    os.environ.pop("ASSAY_HOST", None)
    reset_client()
    try:
        assay.initialize()
        yield
    finally:
        reset_client()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclass
class World:
    """What :func:`build_world` stored, by name."""

    workflow: Any
    other: Any


def build_world(database_url: str, home: Path) -> World:
    """Store the data described in the module docstring."""
    with embedded_client(database_url, home):
        workflow = define_workflow(WORKFLOW, Sample, Truth, Prediction)
        _, TestCase, TestSuite, Model = workflow
        everything = TestCase(f"{SUITE} :: all", test_samples=[(sample(i), truth(i)) for i in range(N_SAMPLES)])
        profile = TestCase(
            f"{SUITE} :: profile", test_samples=[(sample(i), truth(i)) for i in range(N_SAMPLES) if i % 3 == 0]
        )
        suite = TestSuite(SUITE, test_cases=[everything, profile], description="Faces by pose", tags={"nightly"})
        test(Model("shifted-2", infer=shifted(2.0), metadata={"offset": 2}, tags=["baseline"]), suite, EVALUATOR)

        with profile.edit() as editor:
            editor.add(sample(100), truth(100))
            editor.remove(sample(0))
            editor.add(sample(3), truth(3, shift=0.5))
        with suite.edit() as editor:
            editor.add(profile)
            editor.add(TestCase(f"{SUITE} :: first", test_samples=[(sample(0), truth(0))]))
        test(Model("shifted-4", infer=shifted(4.0), metadata={"offset": 4}), suite, EVALUATOR)
        try:
            test(Model("fragile", infer=fail_on_profile), suite, EVALUATOR)
        except RuntimeError:
            pass  # the run is marked crashed

        other = define_workflow(OTHER_WORKFLOW, Sample, Truth, Prediction)
        _, OtherCase, OtherSuite, OtherModel = other
        for k in range(5):
            case = OtherCase(f"bulk-{k} :: case", test_samples=[(sample(1000 + k), truth(1000 + k))])
            OtherSuite(f"bulk-{k}", test_cases=[case], tags={"urgent"} if k == 4 else set())
        OtherModel("counter")
    return World(workflow=workflow, other=other)


def world_database(kind: str, folder: Path, request: pytest.FixtureRequest) -> str:
    """A fresh database of ``kind`` (``sqlite`` or ``postgres``) holding the world; returns its URL.

    For module-scoped fixtures: the world is built once per database and only read by the tests.
    """
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'assay.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.url(server.create_database(template="assay_template"))
    Service.from_url(url).close()
    build_world(url, folder / "home")
    return url
