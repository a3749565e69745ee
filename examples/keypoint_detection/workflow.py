"""The data types of the keypoint-detection workflow and its metrics, as in the seed quickstart.

A test sample is an image with an optional face box from an upstream detector; the ground truth is the five
keypoints and the size of the face that errors are divided by; an inference is five keypoints with a
confidence. NME and failure fields are marked lower-is-better, so the app colours a drop as an improvement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from assay.workflow import GroundTruth as GT
from assay.workflow import Image, MetricsTestCase, MetricsTestSample, MetricsTestSuite, define_workflow
from assay.workflow import Inference as Inf
from assay.workflow.annotation import BoundingBox, Keypoints

WORKFLOW_NAME = "Keypoint Detection"

LOWER_IS_BETTER = {"higher_is_better": False}


@dataclass(frozen=True)
class TestSample(Image):
    """An image of one face, with the face box from an upstream detector when there is one."""

    bbox: Optional[BoundingBox] = None  # noqa: UP045 - written as in the seed quickstart


@dataclass(frozen=True)
class GroundTruth(GT):
    """The true keypoints of the face and the size its errors are divided by."""

    keypoints: Keypoints
    # Errors are divided by this size of the face (here the distance between the outer eye corners), so that
    # they compare across small and large faces.
    normalization_factor: float


@dataclass(frozen=True)
class Inference(Inf):
    """The keypoints a model predicts, with its confidence in them."""

    keypoints: Keypoints
    confidence: float


workflow, TestCase, TestSuite, Model = define_workflow(WORKFLOW_NAME, TestSample, GroundTruth, Inference)


@dataclass(frozen=True)
class TestSampleMetrics(MetricsTestSample):
    """How well one face was aligned.

    Attributes:
        normalized_mean_error: Mean distance between true and predicted keypoints, over the normalisation
            factor.
        alignment_failure: Whether that error is above the configured threshold.
    """

    normalized_mean_error: float = field(metadata=LOWER_IS_BETTER)
    alignment_failure: bool = field(metadata=LOWER_IS_BETTER)


@dataclass(frozen=True)
class TestCaseMetrics(MetricsTestCase):
    """How well the faces of one test case were aligned.

    Attributes:
        mean_nme: Mean of the samples' normalised mean errors.
        alignment_failure_rate: Share of the samples that are alignment failures.
        n_samples: How many samples the test case has.
    """

    mean_nme: float = field(metadata=LOWER_IS_BETTER)
    alignment_failure_rate: float = field(metadata=LOWER_IS_BETTER)
    n_samples: int


@dataclass(frozen=True)
class TestSuiteMetrics(MetricsTestSuite):
    """How evenly a model performs across the test cases of a suite: a model with a weak slice varies more.

    Attributes:
        variance_mean_nme: Population variance of the test cases' mean NME.
        variance_alignment_failure_rate: Population variance of the test cases' alignment-failure rates.
    """

    variance_mean_nme: float = field(metadata=LOWER_IS_BETTER)
    variance_alignment_failure_rate: float = field(metadata=LOWER_IS_BETTER)
