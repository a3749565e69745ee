"""A workflow: a name and the three data types that a testing problem is made of."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from assay.errors import InputValidationError
from assay.schema import workflow_schema
from assay.workflow._validators import check_data_type, declared_fields
from assay.workflow.ground_truth import GroundTruth
from assay.workflow.inference import Inference
from assay.workflow.test_sample import Composite, TestSample

__all__ = ["Workflow"]

_RESERVED_NAMES = frozenset({"fr", "classification", "detection", "keypoints"})


def _check_type(value: Any, base: type, argument: str) -> None:
    if not (isinstance(value, type) and issubclass(value, base)):
        raise InputValidationError(f"{argument} must be a subclass of {base.__name__}, got {value!r}", field=argument)


@dataclass(frozen=True)
class Workflow:
    """A testing problem: what a test sample, a ground truth and an inference are.

    Usually made by ``define_workflow``. The three types are checked against the field-type rules here, so a
    field the platform cannot store is refused now rather than at upload time. Two workflows are equal when
    their names and types are.

    Args:
        name: The workflow's name, its identity on the platform (surrounding whitespace is removed).
        test_sample_type: A ``TestSample`` subclass (``Image``, ``Text``, a ``Composite``...).
        ground_truth_type: A ``GroundTruth`` subclass.
        inference_type: An ``Inference`` subclass.

    Raises:
        InputValidationError: an empty or reserved name, a type of the wrong base, or a field of a type the
            platform cannot store.

    Example:
        >>> from assay.workflow import GroundTruth, Image, Inference
        >>> Workflow("  Facial Keypoints ", Image, GroundTruth, Inference).name
        'Facial Keypoints'
    """

    name: str
    test_sample_type: type[TestSample]
    ground_truth_type: type[GroundTruth]
    inference_type: type[Inference]

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise InputValidationError(f"workflow name must be a string, got {self.name!r}", field="name")
        name = self.name.strip()
        if not name:
            raise InputValidationError("workflow name must not be empty", field="name")
        if name.lower() in _RESERVED_NAMES:
            raise InputValidationError(
                f"workflow name {name!r} is reserved; choose another (reserved: {', '.join(sorted(_RESERVED_NAMES))})",
                field="name",
            )
        object.__setattr__(self, "name", name)
        _check_type(self.test_sample_type, TestSample, "test_sample_type")
        _check_type(self.ground_truth_type, GroundTruth, "ground_truth_type")
        _check_type(self.inference_type, Inference, "inference_type")
        check_data_type(self.test_sample_type, "test_sample")
        members: frozenset[str] = frozenset()
        if issubclass(self.test_sample_type, Composite):
            members = frozenset(
                name
                for name, hint in declared_fields(self.test_sample_type)
                if isinstance(hint, type) and issubclass(hint, TestSample)
            )
        check_data_type(self.ground_truth_type, "ground_truth", composite_members=members)
        check_data_type(self.inference_type, "inference", composite_members=members)

    @cached_property
    def schema(self) -> dict[str, Any]:
        """The type schema of the three data types (see :mod:`assay.schema`), a plain JSON-able dict."""
        return workflow_schema(self.test_sample_type, self.ground_truth_type, self.inference_type)
