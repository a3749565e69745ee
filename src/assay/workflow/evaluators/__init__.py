"""Built-in evaluators to pass to ``test()``: classification, 2-D object detection and keypoints.

Each module offers the ground-truth and inference types its evaluator reads (the test-sample type stays the
user's choice), the evaluator in two forms, its configuration and its metrics classes; the numbers come from
:mod:`assay.metrics`.

* :mod:`~assay.workflow.evaluators.classification`: ``ClassificationEvaluator`` / ``evaluate_classification``.
* :mod:`~assay.workflow.evaluators.object_detection`: ``ObjectDetectionEvaluator`` /
  ``evaluate_object_detection``.
* :mod:`~assay.workflow.evaluators.keypoints`: ``KeypointsEvaluator`` / ``evaluate_keypoints``.

The class form carries its configurations (``test(model, suite, ObjectDetectionEvaluator(configurations=[...]))``)
and is called per test case. The function form sees the whole suite at once and computes every test case as a
slice of one per-sample computation (``test(model, suite, evaluate_object_detection, configurations=[...])``).
Both store the same numbers.

Example:
    >>> from assay.workflow.evaluators.classification import ClassificationEvaluator, ThresholdConfiguration
    >>> ClassificationEvaluator(configurations=[ThresholdConfiguration(0.5)]).display_name()
    'ClassificationEvaluator'
"""
