"""The built-in classification evaluator, end to end through test(), against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
)

from assay.errors import InputValidationError
from assay.workflow import Image, define_workflow, load_results, test
from assay.workflow.annotation import ClassificationLabel, ScoredClassificationLabel
from assay.workflow.evaluators.classification import (
    ClassificationEvaluator,
    ClassificationGroundTruth,
    ClassificationInference,
    ClassificationSampleMetrics,
    ClassificationSuiteMetrics,
    ClassificationTestCaseMetrics,
    ThresholdConfiguration,
    evaluate_classification,
    predict,
)
from assay.workflow.plot import ConfusionMatrix, CurvePlot

CLASSES = ["cat", "dog", "fox"]
N = 48


def make_data(seed: int = 7) -> list[tuple[Image, ClassificationGroundTruth, ClassificationInference]]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(N):
        truth = CLASSES[int(rng.integers(len(CLASSES)))]
        scores = rng.dirichlet(np.ones(len(CLASSES)))
        # Make the model right more often than chance, with a spread of confidences.
        scores[CLASSES.index(truth)] += rng.uniform(0, 0.6)
        scores /= scores.sum()
        inference = ClassificationInference(
            [ScoredClassificationLabel(c, float(round(s, 6))) for c, s in zip(CLASSES, scores, strict=True)]
        )
        sample = Image(locator=f"s3://animals/{i:03d}.png")
        rows.append((sample, ClassificationGroundTruth(ClassificationLabel(truth)), inference))
    return rows


CASES = {
    "animals :: all": lambda i: True,
    "animals :: even": lambda i: i % 2 == 0,
    "animals :: tail": lambda i: i >= 36,
}


def sklearn_reference(rows, threshold):
    y_true = [gt.classification.label for _, gt, _ in rows]
    y_pred = [predict(inf, threshold)[0] or "(none)" for _, _, inf in rows]
    labels = sorted(set(y_true) | {p for p in y_pred if p != "(none)"})
    reference = {
        "accuracy": float(np.mean(np.array(y_true) == np.array(y_pred))),
        "macro": precision_recall_fscore_support(y_true, y_pred, labels=labels, average="macro", zero_division=0),
        "weighted": precision_recall_fscore_support(y_true, y_pred, labels=labels, average="weighted", zero_division=0),
        "per_class": precision_recall_fscore_support(y_true, y_pred, labels=labels, average=None, zero_division=0),
        "labels": labels,
        "confusion": confusion_matrix(y_true, y_pred, labels=labels + (["(none)"] if "(none)" in y_pred else [])),
    }
    scores = np.array([[next(s.score for s in inf.inferences if s.label == c) for c in labels] for _, _, inf in rows])
    reference["auc"] = {}
    reference["ap"] = {}
    for k, label in enumerate(labels):
        positive = np.array(y_true) == label
        if positive.any() and not positive.all():
            reference["auc"][label] = roc_auc_score(positive, scores[:, k])
        if positive.any():
            reference["ap"][label] = average_precision_score(positive, scores[:, k])
    return reference


@pytest.fixture
def workflow(client):
    return define_workflow("Animals", Image, ClassificationGroundTruth, ClassificationInference)


def test_stored_metrics_equal_scikit_learn_and_a_fresh_evaluation(workflow, metrics_close):
    _, TestCase, TestSuite, Model = workflow
    data = make_data()
    by_locator = {sample.locator: inference for sample, _, inference in data}
    cases = [
        TestCase(name, test_samples=[(s, gt) for i, (s, gt, _) in enumerate(data) if keep(i)])
        for name, keep in CASES.items()
    ]
    suite = TestSuite("animals", test_cases=cases)
    model = Model("scorer", infer=lambda sample: by_locator[sample.locator])
    configurations = [ThresholdConfiguration(None), ThresholdConfiguration(0.6)]
    evaluator = ClassificationEvaluator(configurations=configurations)
    test(model, suite, evaluator)
    test(model, suite, evaluate_classification, configurations=configurations)

    for configuration in configurations:
        results = load_results(model, suite, evaluator, configuration)
        # The function form, one pass of the per-slice engine for all test cases, stores the same numbers.
        by_function = load_results(model, suite, evaluate_classification, configuration)
        assert by_function.test_case_metrics.keys() == results.test_case_metrics.keys()
        for name, metrics in results.test_case_metrics.items():
            metrics_close(by_function.test_case_metrics[name], metrics)
            assert by_function.plots[name] == results.plots[name]
        metrics_close(by_function.test_suite_metrics, results.test_suite_metrics)
        for test_case in cases:
            rows = [row for i, row in enumerate(data) if CASES[test_case.name](i)]
            stored = results.test_case_metrics[test_case.name]
            assert isinstance(stored, ClassificationTestCaseMetrics)
            reference = sklearn_reference(rows, configuration.threshold)
            assert stored.n_samples == len(rows)
            assert stored.accuracy == pytest.approx(reference["accuracy"], abs=1e-12)
            macro, weighted = reference["macro"], reference["weighted"]
            assert (stored.macro_precision, stored.macro_recall, stored.macro_f1) == pytest.approx(macro[:3], abs=1e-12)
            assert (stored.weighted_precision, stored.weighted_recall, stored.weighted_f1) == pytest.approx(
                weighted[:3], abs=1e-12
            )
            assert [row.label for row in stored.per_class] == reference["labels"]
            precision, recall, f1, support = reference["per_class"]
            for k, row in enumerate(stored.per_class):
                assert (row.precision, row.recall, row.f1) == pytest.approx((precision[k], recall[k], f1[k]), abs=1e-12)
                assert row.n_samples == support[k]
                assert row.roc_auc == pytest.approx(reference["auc"].get(row.label), abs=1e-12)
                assert row.average_precision == pytest.approx(reference["ap"].get(row.label), abs=1e-12)

            # The test case alone, evaluated afresh, gives the very numbers stored for it within the suite.
            fresh = ClassificationEvaluator(configurations=configurations)
            assert fresh.compute_test_case_metrics(test_case, rows, [], configuration=configuration) == stored

            [matrix] = [plot for plot in results.plots[test_case.name] if isinstance(plot, ConfusionMatrix)]
            assert matrix.matrix == reference["confusion"].tolist()
            curves = {plot.title: plot for plot in results.plots[test_case.name] if isinstance(plot, CurvePlot)}
            assert {c.label for c in curves["Precision vs. Recall"].curves} == set(reference["ap"])

            stored_samples = results.test_sample_metrics_by_test_case[test_case.name]
            assert len(stored_samples) == len(rows)
            truth = {s.locator: gt.classification.label for s, gt, _ in rows}
            for sample, metrics in stored_samples:
                assert isinstance(metrics, ClassificationSampleMetrics)
                assert metrics.is_correct == (metrics.predicted_label == truth[sample.locator])

        suite_metrics = results.test_suite_metrics
        assert isinstance(suite_metrics, ClassificationSuiteMetrics)
        accuracies = [results.test_case_metrics[tc.name].accuracy for tc in cases]
        assert suite_metrics.mean_accuracy == pytest.approx(np.mean(accuracies), abs=1e-12)
        assert suite_metrics.variance_accuracy == pytest.approx(np.var(accuracies), abs=1e-12)


def test_threshold_turns_low_confidence_into_no_prediction():
    inference = ClassificationInference([ScoredClassificationLabel("yes", 0.55), ScoredClassificationLabel("no", 0.45)])
    rows = [
        (Image(locator="s3://b/0.png"), ClassificationGroundTruth(ClassificationLabel("yes")), inference),
        (
            Image(locator="s3://b/1.png"),
            ClassificationGroundTruth(ClassificationLabel("no")),
            ClassificationInference([ScoredClassificationLabel("yes", 0.1), ScoredClassificationLabel("no", 0.9)]),
        ),
    ]
    evaluator = ClassificationEvaluator()
    strict = ThresholdConfiguration(0.6)
    [(_, first), (_, second)] = evaluator.compute_test_sample_metrics(None, rows, configuration=strict)
    assert (first.predicted_label, first.predicted_score, first.is_correct) == (None, 0.55, False)
    assert (second.predicted_label, second.is_correct) == ("no", True)
    metrics = evaluator.compute_test_case_metrics(None, rows, [], configuration=strict)
    assert metrics.accuracy == 0.5 and metrics.n_incorrect == 1
    lenient = evaluator.compute_test_case_metrics(None, rows, [])
    assert lenient.accuracy == 1.0


def test_wrong_configuration_type_is_refused():
    rows = make_data()[:3]
    with pytest.raises(InputValidationError, match="ThresholdConfiguration"):
        ClassificationEvaluator().compute_test_sample_metrics(None, rows, configuration=object())


@pytest.mark.parametrize("threshold", [None, 0.2, 0.7])
def test_binary_threshold_on_the_positive_class_matches_scikit_learn(threshold):
    rng = np.random.default_rng(17)
    rows = []
    for i in range(40):
        truth = "dog" if rng.random() < 0.4 else "other"
        p = round(float(np.clip(rng.normal(0.65 if truth == "dog" else 0.35, 0.2), 0, 1)), 4)
        inference = ClassificationInference(
            [ScoredClassificationLabel("dog", p), ScoredClassificationLabel("other", round(1 - p, 4))]
        )
        rows.append(
            (Image(locator=f"s3://pets/{i}.png"), ClassificationGroundTruth(ClassificationLabel(truth)), inference)
        )
    configuration = ThresholdConfiguration(threshold, positive_label="dog")
    metrics = ClassificationEvaluator().compute_test_case_metrics(None, rows, [], configuration=configuration)
    y_true = [gt.classification.label == "dog" for _, gt, _ in rows]
    scores = [inf.inferences[0].score for _, _, inf in rows]
    y_pred = [s >= (0.5 if threshold is None else threshold) for s in scores]
    precision, recall, f1, _ = precision_recall_fscore_support(y_true, y_pred, average="binary", zero_division=0)
    [dog] = [row for row in metrics.per_class if row.label == "dog"]
    assert (dog.precision, dog.recall, dog.f1) == pytest.approx((precision, recall, f1), abs=1e-12)
    assert dog.roc_auc == pytest.approx(roc_auc_score(y_true, scores), abs=1e-12)
    assert metrics.accuracy == pytest.approx(np.mean(np.array(y_true) == np.array(y_pred)), abs=1e-12)


def test_threshold_out_of_range_is_refused():
    with pytest.raises(InputValidationError, match="threshold"):
        ThresholdConfiguration(1.5)
