"""Invariant: a test case computed as a slice of the suite equals the same test case evaluated alone."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assay.workflow import Image, TestCases
from assay.workflow.annotation import (
    ClassificationLabel,
    LabeledBoundingBox,
    ScoredClassificationLabel,
    ScoredLabeledBoundingBox,
)
from assay.workflow.evaluators import classification, object_detection


class ListedCases(TestCases):
    """Test cases given as index lists into the suite's samples."""

    def __init__(self, members: list[list[int]]) -> None:
        self.members = members

    def iter(self, test_samples, ground_truths, inferences, metrics_test_sample):
        for k, members in enumerate(self.members):
            yield (
                f"case {k}",
                [test_samples[i] for i in members],
                [ground_truths[i] for i in members],
                [inferences[i] for i in members],
                [metrics_test_sample[i] for i in members],
            )


@st.composite
def suites(draw, make_rows):
    n = draw(st.integers(1, 10))
    seed = draw(st.integers(0, 2**32 - 1))
    members = draw(
        st.lists(
            st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True).map(sorted), min_size=1, max_size=4
        )
    )
    return make_rows(n, np.random.default_rng(seed)), members


def detection_rows(n, rng):
    rows = []
    for i in range(n):
        truths = []
        detections = []
        for _ in range(int(rng.integers(0, 4))):
            x, y = (round(float(v), 1) for v in rng.uniform(0, 60, 2))
            w, h = (round(float(v), 1) for v in rng.uniform(2, 40, 2))
            label = "ab"[int(rng.integers(2))]
            truths.append(LabeledBoundingBox((x, y), (x + w, y + h), label))
            if rng.random() < 0.7:
                dx, dy = (round(float(v), 1) for v in rng.normal(0, 3, 2))
                score = round(float(rng.random()), 2)  # coarse scores make ties
                detections.append(ScoredLabeledBoundingBox((x + dx, y + dy), (x + w + dx, y + h), label, score))
        for _ in range(int(rng.integers(0, 3))):
            x, y = (round(float(v), 1) for v in rng.uniform(0, 60, 2))
            detections.append(
                ScoredLabeledBoundingBox(
                    (x, y), (x + 10, y + 10), "ab"[int(rng.integers(2))], round(float(rng.random()), 2)
                )
            )
        rows.append(
            (
                Image(locator=f"s3://d/{i}.png"),
                object_detection.ObjectDetectionGroundTruth(truths),
                object_detection.ObjectDetectionInference(detections),
            )
        )
    return rows


def classification_rows(n, rng):
    rows = []
    for i in range(n):
        scores = rng.dirichlet(np.ones(3))
        rows.append(
            (
                Image(locator=f"s3://c/{i}.png"),
                classification.ClassificationGroundTruth(ClassificationLabel("xyz"[int(rng.integers(3))])),
                classification.ClassificationInference(
                    [ScoredClassificationLabel(c, round(float(s), 2)) for c, s in zip("xyz", scores, strict=True)]
                ),
            )
        )
    return rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(suites(detection_rows), st.sampled_from([0.0, 0.3, 0.6]))
def test_detection_slices_equal_fresh_evaluations(metrics_close, suite, threshold):
    rows, members = suite
    configuration = object_detection.ThresholdConfiguration(threshold, multiclass=True)
    samples, truths, inferences = (list(column) for column in zip(*rows, strict=True))
    results = object_detection.evaluate_object_detection(
        samples, truths, inferences, ListedCases(members), configuration
    )
    for (_, sliced), case in zip(results.metrics_test_case, members, strict=True):
        alone = object_detection.ObjectDetectionEvaluator().compute_test_case_metrics(
            None, [rows[i] for i in case], [], configuration=configuration
        )
        # A lone evaluation sees only the labels of its samples; the slice reports the suite's labels.
        rows_alone = {row.Class: row for row in alone.PerClass}
        for row in sliced.PerClass:
            if row.Class in rows_alone:
                metrics_close(row, rows_alone[row.Class])
            else:
                assert (row.Objects, row.Inferences, row.AP) == (0, 0, None)
        for name in ("n_images", "Objects", "Inferences", "TP", "FN", "FP", "nIgnored", "Precision", "Recall", "F1"):
            assert getattr(sliced, name) == getattr(alone, name), name
        assert (sliced.AP is None) == (alone.AP is None)
        if sliced.AP is not None:
            assert abs(sliced.AP - alone.AP) <= 1e-12


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(suites(classification_rows), st.sampled_from([None, 0.4, 0.6]))
def test_classification_slices_equal_fresh_evaluations(metrics_close, suite, threshold):
    rows, members = suite
    configuration = classification.ThresholdConfiguration(threshold)
    samples, truths, inferences = (list(column) for column in zip(*rows, strict=True))
    results = classification.evaluate_classification(samples, truths, inferences, ListedCases(members), configuration)
    for (_, sliced), case in zip(results.metrics_test_case, members, strict=True):
        alone = classification.ClassificationEvaluator().compute_test_case_metrics(
            None, [rows[i] for i in case], [], configuration=configuration
        )
        metrics_close(sliced, alone)
