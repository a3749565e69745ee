"""The workflow API: define what a test sample, a ground truth and an inference are, then test models.

The names and meaning are those of ``kolena.workflow``: code written for it runs with ``assay`` in its imports.
"""

from assay.workflow._datatypes import DataObject
from assay.workflow.test_sample import (
    Audio,
    BaseVideo,
    Composite,
    Document,
    Image,
    ImagePair,
    ImageText,
    Metadata,
    PointCloud,
    TestSample,
    Text,
    Video,
)
from assay.workflow.ground_truth import GroundTruth
from assay.workflow.inference import Inference
from assay.workflow.workflow import Workflow
from assay.workflow.test_case import TestCase
from assay.workflow.test_suite import TestSuite
from assay.workflow.model import Model
from assay.workflow.plot import AxisConfig, BarPlot, ConfusionMatrix, Curve, CurvePlot, Histogram, Plot
from assay.workflow.evaluator import (
    Evaluator,
    EvaluatorConfiguration,
    MetricsTestCase,
    MetricsTestSample,
    MetricsTestSuite,
)
from assay.workflow.evaluator_function import BasicEvaluatorFunction, EvaluationResults, TestCases, no_op_evaluator
from assay.workflow.test_run import TestRun, test
from assay.workflow.results import TestResults, load_results
from assay.workflow.define_workflow import define_workflow

__all__ = [
    "Audio",
    "AxisConfig",
    "BarPlot",
    "BaseVideo",
    "BasicEvaluatorFunction",
    "Composite",
    "ConfusionMatrix",
    "Curve",
    "CurvePlot",
    "DataObject",
    "Document",
    "EvaluationResults",
    "Evaluator",
    "EvaluatorConfiguration",
    "GroundTruth",
    "Histogram",
    "Image",
    "ImagePair",
    "ImageText",
    "Inference",
    "Metadata",
    "MetricsTestCase",
    "MetricsTestSample",
    "MetricsTestSuite",
    "Model",
    "Plot",
    "PointCloud",
    "TestCase",
    "TestCases",
    "TestResults",
    "TestRun",
    "TestSample",
    "TestSuite",
    "Text",
    "Video",
    "Workflow",
    "define_workflow",
    "load_results",
    "no_op_evaluator",
    "test",
]
