"""The base of inference types."""

from dataclasses import dataclass
from typing import ClassVar

from assay.workflow._datatypes import DataObject

__all__ = ["Inference"]


@dataclass(frozen=True)
class Inference(DataObject):
    """What a model produced for one test sample: subclass it with your model's outputs.

    Example:
        >>> from assay.workflow.annotation import Keypoints
        >>> class FaceInference(Inference):
        ...     keypoints: Keypoints
        ...     confidence: float
        >>> FaceInference(Keypoints([(1, 2)]), 0.9).confidence
        0.9
    """

    __assay_role__: ClassVar[str] = "inference"
