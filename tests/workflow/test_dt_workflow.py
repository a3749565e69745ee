"""The Workflow class: names, the field-type rules checked at declaration, and its schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Union

import pytest

from assay.errors import InputValidationError
from assay.workflow import Composite, DataObject, GroundTruth, Image, Inference, Text, Workflow
from assay.workflow.annotation import BoundingBox, Keypoints, Label, ScoredLabel
from assay.workflow.asset import ImageAsset


class Sample(Image):
    bbox: BoundingBox | None = None


class Truth(GroundTruth):
    keypoints: Keypoints
    normalization_factor: float


class Guess(Inference):
    keypoints: Keypoints
    confidence: float


@dataclass(frozen=True)
class Stereo(Composite):
    left: Image
    right: Image


@dataclass(frozen=True)
class SideTruth(DataObject):
    boxes: list[BoundingBox]


@dataclass(frozen=True)
class StereoTruth(GroundTruth):
    left: SideTruth
    right: SideTruth | None = None


def test_name_is_stripped_and_schema_exposed():
    workflow = Workflow("  Facial Keypoints  ", Sample, Truth, Guess)
    assert workflow.name == "Facial Keypoints"
    schema = workflow.schema
    assert schema["types"][schema["test_sample"]]["data_type"] == "TEST_SAMPLE/IMAGE"
    assert schema is workflow.schema


def test_equality_is_name_and_types():
    assert Workflow("a", Sample, Truth, Guess) == Workflow(" a ", Sample, Truth, Guess)
    assert Workflow("a", Sample, Truth, Guess) != Workflow("a", Image, Truth, Guess)


def test_frozen():
    workflow = Workflow("a", Sample, Truth, Guess)
    with pytest.raises(AttributeError):
        workflow.name = "b"  # type: ignore[misc]


@pytest.mark.parametrize("name", ["", "   ", "fr", "Classification", "DETECTION", " keypoints "])
def test_empty_and_reserved_names_refused(name):
    with pytest.raises(InputValidationError, match="name"):
        Workflow(name, Sample, Truth, Guess)


@pytest.mark.parametrize(
    ("args", "argument"),
    [
        ((Truth, Truth, Guess), "test_sample_type"),
        ((Sample, Guess, Guess), "ground_truth_type"),
        ((Sample, Truth, Sample), "inference_type"),
        ((Sample, Truth, "Guess"), "inference_type"),
    ],
)
def test_types_of_the_wrong_base_refused(args, argument):
    with pytest.raises(InputValidationError, match=argument):
        Workflow("w", *args)


@pytest.mark.parametrize(
    "annotations",
    [
        {"a": str, "b": int, "c": float, "d": bool},
        {"boxes": list[BoundingBox], "label": Optional[Label], "either": Union[Label, ScoredLabel]},  # noqa: UP007, UP045
        {"crop": ImageAsset, "maybe": Optional[list[float]]},  # noqa: UP007, UP045
    ],
)
def test_allowed_inference_fields(annotations):
    cls = type("Allowed", (Inference,), {"__annotations__": annotations})
    Workflow("w", Sample, Truth, cls)


@pytest.mark.parametrize(
    ("annotations", "field_name"),
    [
        ({"d": dict}, "d"),
        ({"d": dict[str, float]}, "d"),
        ({"a": Any}, "a"),
        ({"nested": list[list[float]]}, "nested"),
        ({"obj": SideTruth}, "obj"),
        ({"metadata": dict[str, int]}, "metadata"),
        ({"blob": bytes}, "blob"),
        ({"sample": Image}, "sample"),
    ],
)
def test_refused_ground_truth_fields(annotations, field_name):
    cls = type("Refused", (GroundTruth,), {"__annotations__": annotations})
    with pytest.raises(
        InputValidationError, match=rf"Unsupported field type .* for Refused\.{field_name}: a ground truth"
    ):
        Workflow("w", Sample, cls, Guess)


def test_refused_test_sample_field_names_the_rule():
    class Odd(Image):
        extra: dict[str, str] = None  # type: ignore[assignment]

    with pytest.raises(InputValidationError, match=r"Odd\.extra: a test sample field may be .*metadata"):
        Workflow("w", Odd, Truth, Guess)


def test_composite_members_and_their_ground_truths():
    workflow = Workflow("stereo", Stereo, StereoTruth, Guess)
    schema = workflow.schema
    fields = {f["name"]: f for f in schema["types"][schema["ground_truth"]]["fields"]}
    assert fields["left"]["kind"]["kind"] == "object"


def test_composite_member_object_is_checked():
    @dataclass(frozen=True)
    class BadSide(DataObject):
        d: dict

    @dataclass(frozen=True)
    class BadTruth(GroundTruth):
        left: BadSide

    with pytest.raises(InputValidationError, match=r"BadSide\.d"):
        Workflow("stereo", Stereo, BadTruth, Guess)


def test_plain_object_only_under_member_names():
    @dataclass(frozen=True)
    class Elsewhere(GroundTruth):
        center: SideTruth

    with pytest.raises(InputValidationError, match=r"Elsewhere\.center"):
        Workflow("stereo", Stereo, Elsewhere, Guess)


def test_nested_composite_refused():
    @dataclass(frozen=True)
    class Outer(Composite):
        inner: Stereo

    with pytest.raises(InputValidationError, match="a composite may not hold another composite"):
        Workflow("w", Outer, Truth, Guess)


def test_composite_with_text_member():
    @dataclass(frozen=True)
    class Captioned(Composite):
        image: Image
        caption: Text
        weight: float = 1.0

    Workflow("captions", Captioned, Truth, Guess)
