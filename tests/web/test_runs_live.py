"""A `test()` in progress shows up on the runs page while it runs, and turns completed there, with no reload."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from playwright.sync_api import Page, expect
from tests.web.conftest import ExampleServer

import assay
from assay.client import reset as reset_client
from assay.workflow import (
    Evaluator,
    GroundTruth,
    Inference,
    MetricsTestCase,
    MetricsTestSample,
    Text,
    define_workflow,
    test,
)


@dataclass(frozen=True)
class Line(Text):
    pass


@dataclass(frozen=True)
class Expected(GroundTruth):
    length: int


@dataclass(frozen=True)
class Counted(Inference):
    length: int


@dataclass(frozen=True)
class Hit(MetricsTestSample):
    exact: bool


@dataclass(frozen=True)
class HitRate(MetricsTestCase):
    hit_rate: float


class Exactness(Evaluator):
    def compute_test_sample_metrics(self, test_case, inferences, configuration=None):  # type: ignore[no-untyped-def]
        return [(sample, Hit(exact=truth.length == inf.length)) for sample, truth, inf in inferences]

    def compute_test_case_metrics(self, test_case, inferences, metrics, configuration=None):  # type: ignore[no-untyped-def]
        return HitRate(hit_rate=sum(m.exact for m in metrics) / len(metrics))


def test_a_running_test_shows_up_live_and_completes(page: Page, example_server: ExampleServer) -> None:
    _, TestCase, TestSuite, Model = define_workflow("Line lengths (live run)", Line, Expected, Counted)
    release = threading.Event()
    failures: list[BaseException] = []

    def infer(sample: Line) -> Counted:
        # The model holds its first inference until the page has seen the run as running.
        release.wait(timeout=60)
        return Counted(length=len(sample.text))

    page.goto("/runs")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Runs")

    def run() -> None:
        try:
            assay.initialize(example_server.token, host=example_server.url)
            lines = [(Line(text="x" * n), Expected(length=n)) for n in range(1, 9)]
            suite = TestSuite("live lines", test_cases=[TestCase("live lines :: all", test_samples=lines)])
            test(Model("live-counter", infer=infer), suite, Exactness())
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)
        finally:
            reset_client()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    try:
        row = page.locator("tr", has=page.get_by_role("link", name="live-counter"))
        expect(row).to_contain_text("running", timeout=30_000)
    finally:
        release.set()
    worker.join(timeout=60)
    assert not failures, failures
    expect(row).to_contain_text("completed", timeout=30_000)
    expect(row.get_by_role("link", name="Results")).to_be_visible()
