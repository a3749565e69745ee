"""Assay's metrics library: exact, documented metrics and a per-slice evaluation engine.

The functions agree with the implementations users already trust (scikit-learn, pycocotools, scipy),
and the per-slice engine computes per-sample work once and aggregates any number of overlapping test
cases from it. This package imports nothing from the rest of Assay; bad input raises
:class:`MetricsInputError` (a ``ValueError``).

Modules:
    classification: confusion matrices, precision/recall/F1 with averaging, ROC and PR curves, AUC,
        average precision, top-k accuracy, calibration.
    detection: COCO-style AP/AR over plain arrays, per label and area range, F1-optimal thresholds.
    slices: per-slice aggregation (classification counts, sums and means of per-sample values).
    keypoints: normalised mean error, failure rate, cumulative error curve and AUC.
    regression: MAE, MSE, RMSE, R², Pearson and Spearman correlations.
    statistics: bootstrap intervals, paired permutation test, Benjamini–Hochberg, batches of tests.
    text: WER/CER, BLEU and ROUGE through jiwer, sacrebleu and rouge-score (the ``text`` extra).

The names Kolena users know (``precision``, ``recall``, ``f1_score``, ``accuracy``, ``specificity``,
``fpr``, ``iou``, ``match_inferences``, ``match_inferences_multiclass``) keep their signatures.
"""

from assay.metrics._errors import MetricsInputError
from assay.metrics._formula import accuracy, f1_score, fpr, precision, recall, specificity
from assay.metrics._geometry import box_iou_matrix, iou, iou_matrix, polygon_iou_matrix
from assay.metrics._matching import (
    InferenceMatches,
    MulticlassInferenceMatches,
    match_inferences,
    match_inferences_multiclass,
)
from assay.metrics._sliceset import SliceSet
from assay.metrics.classification import (
    ClassCounts,
    ClassificationScores,
    accuracy_score,
    average_precision,
    calibration_curve,
    class_counts,
    confusion_matrix,
    expected_calibration_error,
    precision_recall_curve,
    precision_recall_f1,
    roc_auc,
    roc_curve,
    scores_from_counts,
    top_k_accuracy,
)
from assay.metrics.detection import (
    COCO_STAT_NAMES,
    CocoParams,
    CocoResults,
    CocoSummary,
    DetectionGroundTruth,
    DetectionMatches,
    OperatingPoints,
    coco_evaluate,
    match_detections,
)
from assay.metrics.keypoints import (
    cumulative_error_auc,
    cumulative_error_curve,
    failure_rate,
    normalized_mean_error,
)
from assay.metrics.regression import (
    mean_absolute_error,
    mean_squared_error,
    pearson_correlation,
    r2_score,
    root_mean_squared_error,
    spearman_correlation,
)
from assay.metrics.slices import classification_counts_by_slice, mean_by_slice, sum_by_slice
from assay.metrics.statistics import (
    BatchTestResult,
    ConfidenceInterval,
    PermutationTestResult,
    benjamini_hochberg,
    bootstrap_ci,
    paired_bootstrap_ci,
    paired_permutation_test,
    paired_tests,
    unpaired_tests,
)

__all__ = [
    "BatchTestResult",
    "COCO_STAT_NAMES",
    "ClassCounts",
    "ClassificationScores",
    "CocoParams",
    "CocoResults",
    "CocoSummary",
    "ConfidenceInterval",
    "DetectionGroundTruth",
    "DetectionMatches",
    "InferenceMatches",
    "MetricsInputError",
    "MulticlassInferenceMatches",
    "OperatingPoints",
    "PermutationTestResult",
    "SliceSet",
    "accuracy",
    "accuracy_score",
    "average_precision",
    "benjamini_hochberg",
    "bootstrap_ci",
    "box_iou_matrix",
    "calibration_curve",
    "class_counts",
    "classification_counts_by_slice",
    "coco_evaluate",
    "confusion_matrix",
    "cumulative_error_auc",
    "cumulative_error_curve",
    "expected_calibration_error",
    "f1_score",
    "failure_rate",
    "fpr",
    "iou",
    "iou_matrix",
    "match_detections",
    "match_inferences",
    "match_inferences_multiclass",
    "mean_absolute_error",
    "mean_by_slice",
    "mean_squared_error",
    "normalized_mean_error",
    "paired_bootstrap_ci",
    "paired_permutation_test",
    "paired_tests",
    "pearson_correlation",
    "polygon_iou_matrix",
    "precision",
    "precision_recall_curve",
    "precision_recall_f1",
    "r2_score",
    "recall",
    "roc_auc",
    "roc_curve",
    "root_mean_squared_error",
    "scores_from_counts",
    "spearman_correlation",
    "specificity",
    "sum_by_slice",
    "top_k_accuracy",
    "unpaired_tests",
]
