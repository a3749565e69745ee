"""Single-label classification, binary or multiclass: data types, the evaluator and its metrics.

Declare a workflow with any test-sample type and the two types here::

    from assay.workflow import Image, define_workflow
    from assay.workflow.evaluators.classification import (
        ClassificationEvaluator, ClassificationGroundTruth, ClassificationInference, ThresholdConfiguration,
    )

    _, TestCase, TestSuite, Model = define_workflow("Animals", Image, ClassificationGroundTruth,
                                                    ClassificationInference)
    test(model, suite, ClassificationEvaluator(configurations=[ThresholdConfiguration(None),
                                                               ThresholdConfiguration(0.5)]))

An inference lists a score per class (usually all of them; a class it does not list scores 0). The predicted
class is the one of highest score (the first listed among equal scores); with a confidence threshold, a
prediction whose score is below it is no prediction at all, which counts as wrong. A binary problem is a
two-class problem: list both scores (``p`` and ``1 - p``); to threshold the score of one class, name it
``positive_label`` in the configuration: that class is predicted when its score reaches the threshold (0.5 when
none is given), otherwise the top-scored other class the inference lists.

The metrics agree with scikit-learn: precision, recall and F1 per class are one-vs-rest over the classes that
occur as ground truth or as prediction in the test case (a missing prediction is of no class), macro and
weighted averages are those of ``sklearn.metrics.precision_recall_fscore_support``, and a rate with a zero
denominator is 0.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from assay.errors import InputValidationError
from assay.metrics import (
    ClassCounts,
    average_precision,
    class_counts,
    classification_counts_by_slice,
    precision_recall_curve,
    roc_auc,
    roc_curve,
    scores_from_counts,
)
from assay.workflow.annotation import ClassificationLabel, ScoredClassificationLabel
from assay.workflow.evaluator import (
    Evaluator,
    EvaluatorConfiguration,
    MetricsTestCase,
    MetricsTestSample,
    MetricsTestSuite,
)
from assay.workflow.evaluator_function import EvaluationResults, TestCases
from assay.workflow.ground_truth import GroundTruth
from assay.workflow.inference import Inference
from assay.workflow.plot import ConfusionMatrix, Curve, CurvePlot, Plot
from assay.workflow.test_case import TestCase
from assay.workflow.test_sample import TestSample
from assay.workflow.test_suite import TestSuite

__all__ = [
    "ClassMetrics",
    "ClassificationEvaluator",
    "ClassificationGroundTruth",
    "ClassificationInference",
    "ClassificationSampleMetrics",
    "ClassificationSuiteMetrics",
    "ClassificationTestCaseMetrics",
    "ThresholdConfiguration",
    "evaluate_classification",
    "predict",
]

NO_PREDICTION = "(no prediction)"
"""Row and column name of missing predictions in the confusion matrix."""


@dataclass(frozen=True)
class ClassificationGroundTruth(GroundTruth):
    """The true class of a sample.

    Attributes:
        classification: The class, e.g. ``ClassificationLabel("cat")``.
    """

    classification: ClassificationLabel


@dataclass(frozen=True)
class ClassificationInference(Inference):
    """A model's scores for a sample, one :class:`ScoredClassificationLabel` per class it scores.

    Attributes:
        inferences: The scored classes, e.g. ``[ScoredClassificationLabel("cat", 0.7), ...]``.
    """

    inferences: list[ScoredClassificationLabel]


@dataclass(frozen=True)
class ThresholdConfiguration(EvaluatorConfiguration):
    """The confidence a prediction needs: of the top class, or of the positive class of a binary problem.

    Attributes:
        threshold: Minimum score of a prediction; ``None`` predicts the top class always (0.5 with
            ``positive_label``).
        positive_label: For a binary problem, the class whose score is thresholded; below the threshold the
            prediction is the top-scored other class of the inference.

    Raises:
        InputValidationError: a threshold outside [0, 1].

    Example:
        >>> ThresholdConfiguration(0.5).display_name(), ThresholdConfiguration(None).display_name()
        ('Confidence Threshold: 0.5', 'Confidence Threshold: argmax')
        >>> ThresholdConfiguration(0.3, positive_label="dog").display_name()
        'Confidence Threshold: 0.3 on dog'
    """

    threshold: float | None = None
    positive_label: str | None = None

    def __post_init__(self) -> None:
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise InputValidationError(f"threshold must be in [0, 1] or None, got {self.threshold}", field="threshold")

    def display_name(self) -> str:
        """Name of the configuration in results."""
        name = f"Confidence Threshold: {'argmax' if self.threshold is None else self.threshold}"
        return name if self.positive_label is None else f"{name} on {self.positive_label}"


@dataclass(frozen=True)
class ClassificationSampleMetrics(MetricsTestSample):
    """Metrics of one sample.

    Attributes:
        predicted_label: The predicted class, or None when the top score is below the threshold.
        predicted_score: The top score, or None when the inference scores nothing.
        is_correct: The prediction is the true class.
    """

    predicted_label: str | None
    predicted_score: float | None
    is_correct: bool


@dataclass(frozen=True)
class ClassMetrics(MetricsTestCase):
    """One-vs-rest metrics of one class within a test case.

    Attributes:
        label: The class.
        n_samples: Samples of the class (support).
        precision: ``TP / (TP + FP)``.
        recall: ``TP / (TP + FN)``.
        f1: ``2 TP / (2 TP + FP + FN)``.
        fpr: ``FP / (FP + TN)``, lower is better.
        roc_auc: Area under the one-vs-rest ROC curve of the class's scores; None unless the test case holds
            samples of the class and of others.
        average_precision: Average precision of the class's scores; None without samples of the class.
    """

    label: str
    n_samples: int
    precision: float
    recall: float
    f1: float
    fpr: float = field(metadata={"higher_is_better": False})
    roc_auc: float | None
    average_precision: float | None


@dataclass(frozen=True)
class ClassificationTestCaseMetrics(MetricsTestCase):
    """Aggregate metrics of one test case.

    Attributes:
        n_samples: Samples in the test case.
        n_correct: Correctly predicted samples.
        n_incorrect: Wrong or missing predictions, lower is better.
        accuracy: ``n_correct / n_samples``.
        macro_precision: Mean of the per-class precisions.
        macro_recall: Mean of the per-class recalls.
        macro_f1: Mean of the per-class F1 scores.
        weighted_precision: Per-class precisions weighted by support.
        weighted_recall: Per-class recalls weighted by support.
        weighted_f1: Per-class F1 scores weighted by support.
        per_class: One row per class seen as ground truth or prediction, sorted by name.
    """

    n_samples: int
    n_correct: int
    n_incorrect: int = field(metadata={"higher_is_better": False})
    accuracy: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    weighted_precision: float
    weighted_recall: float
    weighted_f1: float
    per_class: list[ClassMetrics]


@dataclass(frozen=True)
class ClassificationSuiteMetrics(MetricsTestSuite):
    """Metrics across the test cases of a suite.

    Attributes:
        n_test_cases: Test cases evaluated.
        mean_accuracy: Mean of the test-case accuracies.
        mean_macro_f1: Mean of the test-case macro F1 scores.
        variance_accuracy: Population variance of the test-case accuracies, lower is better.
    """

    n_test_cases: int
    mean_accuracy: float
    mean_macro_f1: float
    variance_accuracy: float = field(metadata={"higher_is_better": False})


def _inference_of(value: object) -> ClassificationInference:
    if not isinstance(value, ClassificationInference):
        raise InputValidationError(
            f"ClassificationEvaluator needs ClassificationInference inferences, got {type(value).__name__}",
            field="inference",
        )
    return value


def _truth_of(value: object) -> str:
    if not isinstance(value, ClassificationGroundTruth):
        raise InputValidationError(
            f"ClassificationEvaluator needs ClassificationGroundTruth ground truths, got {type(value).__name__}",
            field="ground_truth",
        )
    return value.classification.label


def _top(scored: list[ScoredClassificationLabel]) -> ScoredClassificationLabel | None:
    best = scored[0] if scored else None
    for candidate in scored[1:]:
        if best is not None and candidate.score > best.score:
            best = candidate
    return best


def predict(
    inference: ClassificationInference, threshold: float | None = None, positive_label: str | None = None
) -> tuple[str | None, float | None]:
    """The predicted class and its score.

    Without ``positive_label``: the top-scored class (the first listed among equal scores), or no class when
    its score is below ``threshold``. With it: ``positive_label`` when its score (0 if unlisted) reaches
    ``threshold`` (0.5 when None), otherwise the top-scored other class listed, or no class.

    Args:
        inference: The scored classes.
        threshold: Minimum score of a prediction; None for none (0.5 with ``positive_label``).
        positive_label: The thresholded class of a binary problem.

    Returns:
        ``(label, score)``; ``label`` is None when there is no prediction, ``score`` is None when the
        inference scores nothing that could be predicted.

    Example:
        >>> inference = ClassificationInference([ScoredClassificationLabel("cat", 0.3),
        ...                                      ScoredClassificationLabel("dog", 0.7)])
        >>> predict(inference), predict(inference, 0.8), predict(inference, 0.25, positive_label="cat")
        (('dog', 0.7), (None, 0.7), ('cat', 0.3))
    """
    if positive_label is not None:
        cut = 0.5 if threshold is None else threshold
        positive = [s.score for s in inference.inferences if s.label == positive_label]
        score = positive[0] if positive else 0.0
        if score >= cut:
            return positive_label, score
        other = _top([s for s in inference.inferences if s.label != positive_label])
        return (other.label, other.score) if other is not None else (None, None)
    best = _top(inference.inferences)
    if best is None:
        return None, None
    if threshold is not None and best.score < threshold:
        return None, best.score
    return best.label, best.score


def _settings(configuration: EvaluatorConfiguration | None) -> ThresholdConfiguration:
    if configuration is None:
        return ThresholdConfiguration()
    if not isinstance(configuration, ThresholdConfiguration):
        raise InputValidationError(
            f"ClassificationEvaluator takes ThresholdConfiguration, got {type(configuration).__name__}",
            field="configuration",
        )
    return configuration


@dataclass(frozen=True)
class _Case:
    """A test case as arrays: class names, true and predicted indices, and the score matrix."""

    labels: list[str]
    y_true: np.ndarray
    y_pred: np.ndarray  # len(labels) for a missing prediction
    scores: np.ndarray  # (N, C), 0 where the inference does not score the class

    @property
    def counts(self) -> ClassCounts:
        size = len(self.labels)
        full = class_counts(self.y_true, self.y_pred, num_classes=size + 1)
        return ClassCounts(tp=full.tp[:size], fp=full.fp[:size], fn=full.fn[:size], tn=full.tn[:size])


def _case_arrays(
    truths: list[str], inferences: list[ClassificationInference], settings: ThresholdConfiguration
) -> _Case:
    predictions = [predict(inference, settings.threshold, settings.positive_label)[0] for inference in inferences]
    labels = sorted(set(truths) | {label for label in predictions if label is not None})
    index = {label: i for i, label in enumerate(labels)}
    scores = np.zeros((len(truths), len(labels)))
    for row, inference in enumerate(inferences):
        for scored in inference.inferences:
            column = index.get(scored.label)
            if column is not None:
                scores[row, column] = scored.score
    return _Case(
        labels=labels,
        y_true=np.array([index[label] for label in truths], dtype=np.int64),
        y_pred=np.array([len(labels) if p is None else index[p] for p in predictions], dtype=np.int64),
        scores=scores,
    )


def _rate(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _case_metrics(case: _Case, counts: ClassCounts) -> ClassificationTestCaseMetrics:
    """Test-case metrics from its arrays and its per-class counts (from ``class_counts`` or the slice engine)."""
    n = int(case.y_true.size)
    correct = int(np.sum(case.y_true == case.y_pred))
    per_class = scores_from_counts(counts)
    macro = scores_from_counts(counts, average="macro")
    weighted = scores_from_counts(counts, average="weighted")
    rows = []
    for k, label in enumerate(case.labels):
        positive = (case.y_true == k).astype(np.int64)
        has_both = 0 < int(positive.sum()) < positive.size
        rows.append(
            ClassMetrics(
                label=label,
                n_samples=int(positive.sum()),
                precision=float(per_class.precision[k]),
                recall=float(per_class.recall[k]),
                f1=float(per_class.f1[k]),
                fpr=_rate(float(counts.fp[k]), float(counts.fp[k] + counts.tn[k])),
                roc_auc=roc_auc(positive, case.scores[:, k]) if has_both else None,
                average_precision=average_precision(positive, case.scores[:, k]) if positive.any() else None,
            )
        )
    return ClassificationTestCaseMetrics(
        n_samples=n,
        n_correct=correct,
        n_incorrect=n - correct,
        accuracy=_rate(correct, n),
        macro_precision=float(macro.precision),
        macro_recall=float(macro.recall),
        macro_f1=float(macro.f1),
        weighted_precision=float(weighted.precision),
        weighted_recall=float(weighted.recall),
        weighted_f1=float(weighted.f1),
        per_class=rows,
    )


def _case_plots(case: _Case) -> list[Plot] | None:
    """The confusion matrix and per-class precision-recall and ROC curves (those that are defined)."""
    size = len(case.labels)
    names = list(case.labels)
    missing = bool(np.any(case.y_pred == size))
    if missing:
        names.append(NO_PREDICTION)
    plots: list[Plot] = []
    if len(names) >= 2:
        matrix = np.zeros((len(names), len(names)), dtype=np.int64)
        np.add.at(matrix, (case.y_true, case.y_pred), 1)
        rows: list[list[int | float]] = [[int(v) for v in row] for row in matrix]
        plots.append(ConfusionMatrix(title="Confusion Matrix", labels=names, matrix=rows))
    pr_curves = []
    roc_curves = []
    for k, label in enumerate(case.labels):
        positive = (case.y_true == k).astype(np.int64)
        if not positive.any():
            continue
        precision, recall, _ = precision_recall_curve(positive, case.scores[:, k])
        pr_curves.append(Curve(x=recall.tolist(), y=precision.tolist(), label=label))
        if not positive.all():
            fpr, tpr, _ = roc_curve(positive, case.scores[:, k])
            roc_curves.append(Curve(x=fpr.tolist(), y=tpr.tolist(), label=label))
    if pr_curves:
        plots.append(CurvePlot(title="Precision vs. Recall", x_label="Recall", y_label="Precision", curves=pr_curves))
    if roc_curves:
        plots.append(
            CurvePlot(title="ROC Curve", x_label="False Positive Rate", y_label="True Positive Rate", curves=roc_curves)
        )
    return plots or None


class ClassificationEvaluator(Evaluator):
    """Accuracy, precision, recall and F1 (macro, weighted, per class), ROC AUC and AP per class.

    Configurations are :class:`ThresholdConfiguration`; without any, the top class is always predicted.
    Sample metrics are :class:`ClassificationSampleMetrics`, test-case metrics
    :class:`ClassificationTestCaseMetrics`, suite metrics :class:`ClassificationSuiteMetrics`. Plots per test
    case: the confusion matrix, and the one-vs-rest precision-recall and ROC curves of every class.

    Example:
        >>> evaluator = ClassificationEvaluator(configurations=[ThresholdConfiguration(None)])
        >>> [c.display_name() for c in evaluator.configurations]
        ['Confidence Threshold: argmax']
    """

    def compute_test_sample_metrics(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        configuration: EvaluatorConfiguration | None = None,
    ) -> list[tuple[TestSample, MetricsTestSample]]:
        """Predicted class, its score and whether it is right, for every sample."""
        settings = _settings(configuration)
        rows: list[tuple[TestSample, MetricsTestSample]] = []
        for sample, truth, inference in inferences:
            label, score = predict(_inference_of(inference), settings.threshold, settings.positive_label)
            rows.append(
                (sample, ClassificationSampleMetrics(label, score, label is not None and label == _truth_of(truth)))
            )
        return rows

    def _case(
        self, inferences: list[tuple[TestSample, GroundTruth, Inference]], configuration: EvaluatorConfiguration | None
    ) -> _Case:
        truths = [_truth_of(truth) for _, truth, _ in inferences]
        return _case_arrays(
            truths, [_inference_of(inference) for _, _, inference in inferences], _settings(configuration)
        )

    def compute_test_case_metrics(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        metrics: list[MetricsTestSample],
        configuration: EvaluatorConfiguration | None = None,
    ) -> MetricsTestCase:
        """Aggregate metrics of one test case (see :class:`ClassificationTestCaseMetrics`)."""
        case = self._case(inferences, configuration)
        return _case_metrics(case, case.counts)

    def compute_test_case_plots(
        self,
        test_case: TestCase,
        inferences: list[tuple[TestSample, GroundTruth, Inference]],
        metrics: list[MetricsTestSample],
        configuration: EvaluatorConfiguration | None = None,
    ) -> list[Plot] | None:
        """The confusion matrix and per-class precision-recall and ROC curves (those that are defined)."""
        return _case_plots(self._case(inferences, configuration))

    def compute_test_suite_metrics(
        self,
        test_suite: TestSuite,
        metrics: list[tuple[TestCase, MetricsTestCase]],
        configuration: EvaluatorConfiguration | None = None,
    ) -> MetricsTestSuite | None:
        """Mean accuracy and macro F1 across the test cases, and the variance of their accuracy."""
        return _suite_metrics([m for _, m in metrics])


def _suite_metrics(metrics: list[MetricsTestCase]) -> ClassificationSuiteMetrics | None:
    cases = [m for m in metrics if isinstance(m, ClassificationTestCaseMetrics)]
    if not cases:
        return None
    accuracies = [m.accuracy for m in cases]
    return ClassificationSuiteMetrics(
        n_test_cases=len(cases),
        mean_accuracy=statistics.fmean(accuracies),
        mean_macro_f1=statistics.fmean(m.macro_f1 for m in cases),
        variance_accuracy=statistics.pvariance(accuracies),
    )


def evaluate_classification(
    test_samples: list[TestSample],
    ground_truths: list[GroundTruth],
    inferences: list[Inference],
    test_cases: TestCases,
    configuration: ThresholdConfiguration,
) -> EvaluationResults:
    """The function form of :class:`ClassificationEvaluator`: the whole suite in one call per configuration.

    Predicts every sample once, then takes the confusion counts of every test case from one pass of the
    per-slice engine (:func:`assay.metrics.classification_counts_by_slice`); the numbers equal those of the
    class form. Pass it to ``test()`` with ``configurations=[...]``.

    Args:
        test_samples: The suite's distinct samples.
        ground_truths: Their ground truths, in the same order.
        inferences: The model's inferences, in the same order.
        test_cases: The suite's test cases.
        configuration: The threshold to apply.

    Returns:
        Sample, test-case and suite metrics and the test-case plots.

    Raises:
        InputValidationError: data of other types than this module's, or a configuration of another type.
    """
    settings = _settings(configuration)
    truths = [_truth_of(truth) for truth in ground_truths]
    suite = _case_arrays(truths, [_inference_of(inference) for inference in inferences], settings)
    size = len(suite.labels)
    sample_metrics: list[MetricsTestSample] = []
    for k_true, k_pred, inference in zip(suite.y_true, suite.y_pred, inferences, strict=True):
        label = suite.labels[k_pred] if k_pred < size else None
        score = predict(_inference_of(inference), settings.threshold, settings.positive_label)[1]
        sample_metrics.append(ClassificationSampleMetrics(label, score, bool(k_true == k_pred)))
    position = {id(sample): i for i, sample in enumerate(test_samples)}
    cases: list[TestCase] = []
    slices: list[npt.NDArray[np.int64]] = []
    for test_case, samples, _, _, _ in test_cases.iter(test_samples, ground_truths, inferences, sample_metrics):
        cases.append(test_case)
        slices.append(np.array([position[id(sample)] for sample in samples], dtype=np.int64))
    # One pass for every test case; a missing prediction is an extra class, dropped from the counts.
    counts = classification_counts_by_slice(suite.y_true, suite.y_pred, slices, num_classes=size + 1)
    case_metrics: list[tuple[TestCase, MetricsTestCase]] = []
    plots: list[tuple[TestCase, list[Plot]]] = []
    for s, (test_case, members) in enumerate(zip(cases, slices, strict=True)):
        # A test case reports the classes it holds as truth or prediction, as a lone evaluation would.
        present = np.flatnonzero((counts.tp[s, :size] + counts.fp[s, :size] + counts.fn[s, :size]) > 0)
        remap = np.full(size + 1, present.size, dtype=np.int64)
        remap[present] = np.arange(present.size)
        case = _Case(
            labels=[suite.labels[k] for k in present],
            y_true=remap[suite.y_true[members]],
            y_pred=remap[suite.y_pred[members]],
            scores=suite.scores[np.ix_(members, present)],
        )
        sliced = ClassCounts(
            tp=counts.tp[s, present], fp=counts.fp[s, present], fn=counts.fn[s, present], tn=counts.tn[s, present]
        )
        metrics = _case_metrics(case, sliced)
        case_metrics.append((test_case, metrics))
        case_plots = _case_plots(case)
        if case_plots:
            plots.append((test_case, case_plots))
    return EvaluationResults(
        metrics_test_sample=list(zip(test_samples, sample_metrics, strict=True)),
        metrics_test_case=case_metrics,
        plots_test_case=plots,
        metrics_test_suite=_suite_metrics([m for _, m in case_metrics]),
    )
