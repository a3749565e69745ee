"""The quickstart of the seed documentation, with ``kolena`` replaced by ``assay`` and a real evaluator.

The code below follows the quickstart step by step and keeps its shape: undecorated data classes, the
positional token in ``initialize``, ``TestCase``/``TestSuite`` constructors, ``Model(name, infer=...)`` and
``test(model, test_suite, evaluator)``. Two things differ, as the quickstart itself invites: the metadata
frame is made here (there is no network to read the public bucket) and the evaluator computes real NME.
It runs on both transports: for the HTTP one, ``ASSAY_HOST`` is set in the environment as a user would.
"""

import json
import os

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def metadata_frame() -> pd.DataFrame:
    rng = np.random.default_rng(300)
    rows = []
    for i in range(40):
        points = rng.uniform(100, 400, size=(5, 2)).round(1).tolist()
        rows.append(
            {
                "locator": f"s3://kolena-public-datasets/300-W/images/{i:04d}.png",
                "normalization_factor": float(rng.uniform(80, 120)),
                "points": json.dumps(points),
            }
        )
    return pd.DataFrame(rows)


def test_quickstart_runs_unchanged(client, monkeypatch, metadata_frame):
    if client.kind == "http":
        # The seed passes the token positionally; the host comes from the environment.
        monkeypatch.setenv("ASSAY_HOST", client.host)
        monkeypatch.setenv("KOLENA_TOKEN", client.token)
    else:
        monkeypatch.setenv("KOLENA_TOKEN", "unused-by-the-embedded-store")

    # -- Getting Started
    import assay

    assay.initialize(os.environ["KOLENA_TOKEN"], verbose=True)
    DATASET = "300-W"
    df = metadata_frame

    # -- Step 1: Defining Data Types
    from typing import Optional

    from assay.workflow import Image
    from assay.workflow.annotation import BoundingBox

    class TestSample(Image):
        bbox: Optional[BoundingBox] = None

    from assay.workflow import GroundTruth as GT
    from assay.workflow import Inference as Inf
    from assay.workflow.annotation import Keypoints

    class GroundTruth(GT):
        keypoints: Keypoints
        normalization_factor: float

    class Inference(Inf):
        keypoints: Keypoints
        confidence: float

    from assay.workflow import define_workflow

    wf, TestCase, TestSuite, Model = define_workflow("Facial Keypoints", TestSample, GroundTruth, Inference)

    # -- Step 2: Defining Metrics
    from assay.workflow import MetricsTestSample

    class TestSampleMetrics(MetricsTestSample):
        normalized_mean_error: float
        alignment_failure: bool

    from assay.workflow import MetricsTestCase

    class TestCaseMetrics(MetricsTestCase):
        mean_nme: float
        alignment_failure_rate: float

    from assay.workflow import MetricsTestSuite

    class TestSuiteMetrics(MetricsTestSuite):
        variance_mean_nme: float
        variance_alignment_failure_rate: float

    # -- Step 3: Creating Tests
    test_samples = [TestSample(locator) for locator in df["locator"]]
    ground_truths = [
        GroundTruth(
            keypoints=Keypoints(points=json.loads(record.points)),
            normalization_factor=record.normalization_factor,
        )
        for record in df.itertuples()
    ]
    ts_with_gt = list(zip(test_samples, ground_truths))
    complete_test_case = TestCase(f"{DATASET} :: basic", test_samples=ts_with_gt)
    test_suite = TestSuite(f"{DATASET} :: basic", test_cases=[complete_test_case])

    # -- Step 4: Running Tests
    from assay.workflow import EvaluatorConfiguration

    class NmeThreshold(EvaluatorConfiguration):
        threshold: float

        def display_name(self):
            return f"nme-threshold-{self.threshold}"

    from assay.workflow import Evaluator

    def nme(gt, inf):
        error = np.linalg.norm(np.array(gt.keypoints.points) - np.array(inf.keypoints.points), axis=1)
        return float(error.mean() / gt.normalization_factor)

    class KeypointsEvaluator(Evaluator):
        def compute_test_sample_metrics(self, test_case, inferences, configuration=None):
            return [
                (ts, TestSampleMetrics(nme(gt, inf), nme(gt, inf) > configuration.threshold))
                for ts, gt, inf in inferences
            ]

        def compute_test_case_metrics(self, test_case, inferences, metrics, configuration=None):
            return TestCaseMetrics(
                float(np.mean([m.normalized_mean_error for m in metrics])),
                float(np.mean([m.alignment_failure for m in metrics])),
            )

        def compute_test_suite_metrics(self, test_suite, metrics, configuration=None):
            return TestSuiteMetrics(
                float(np.var([m.mean_nme for _, m in metrics])),
                float(np.var([m.alignment_failure_rate for _, m in metrics])),
            )

    evaluator = KeypointsEvaluator(configurations=[NmeThreshold(0.01), NmeThreshold(0.05), NmeThreshold(0.1)])

    from random import randint, random, seed

    seed(1)

    def infer(test_sample: TestSample) -> Inference:
        return Inference(Keypoints([(randint(100, 400), randint(100, 400)) for _ in range(5)]), random())

    model = Model(
        "example-model-name",
        infer=infer,
        metadata=dict(description="Any freeform metadata can go here"),
    )

    from assay.workflow import test

    test(model, test_suite, evaluator)

    # -- What the user then looks at: real, stored, versioned results.
    from assay.workflow import load_results

    stored = TestCase.load(f"{DATASET} :: basic")
    triples = model.load_inferences(stored)
    expected = float(np.mean([nme(gt, inf) for _, gt, inf in triples]))
    for configuration in evaluator.configurations:
        results = load_results(model, TestSuite.load(f"{DATASET} :: basic"), evaluator, configuration)
        metrics = results.test_case_metrics[f"{DATASET} :: basic"]
        assert isinstance(metrics, TestCaseMetrics)
        assert metrics.mean_nme == pytest.approx(expected)
        assert len(results.test_sample_metrics) == 40
    assert test_suite.version == 1 and complete_test_case.version == 1
