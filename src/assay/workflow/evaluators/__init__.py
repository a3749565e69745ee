"""Built-in evaluators to pass to ``test()``: classification, 2-D object detection and keypoints.

Each module offers the ground-truth and inference types its evaluator reads (the test-sample type stays the
user's choice), the evaluator, its configuration and its metrics classes. The numbers come from
:mod:`assay.metrics`.

Example:
    >>> from assay.workflow.evaluators.classification import ClassificationEvaluator, ThresholdConfiguration
    >>> ClassificationEvaluator(configurations=[ThresholdConfiguration(0.5)]).display_name()
    'ClassificationEvaluator'
"""
