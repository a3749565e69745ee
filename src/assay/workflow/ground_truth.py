"""The base of ground-truth types."""

from dataclasses import dataclass
from typing import ClassVar

from assay.workflow._datatypes import DataObject

__all__ = ["GroundTruth"]


@dataclass(frozen=True)
class GroundTruth(DataObject):
    """What a test sample should produce: subclass it with the fields your evaluator compares against.

    Example:
        >>> from assay.workflow.annotation import Keypoints
        >>> class FaceGroundTruth(GroundTruth):
        ...     keypoints: Keypoints
        ...     normalization_factor: float
        >>> FaceGroundTruth(Keypoints([(1, 2)]), 3).normalization_factor
        3.0
    """

    __assay_role__: ClassVar[str] = "ground_truth"
