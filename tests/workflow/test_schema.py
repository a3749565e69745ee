"""The one type schema: the document derived from user dataclasses, and validation of serialised data."""

from __future__ import annotations

import ast
import json
import math
from dataclasses import dataclass
from pathlib import Path

import pytest

import assay.schema
from assay.errors import InputValidationError
from assay.schema import metrics_schema, type_schema, validate_data, validator, workflow_schema
from assay.workflow import GroundTruth, Image, ImagePair, Inference, MetricsTestCase
from assay.workflow.annotation import (
    BoundingBox,
    Keypoints,
    LabeledBoundingBox,
    ScoredLabel,
    SegmentationMask,
)
from assay.workflow.asset import ImageAsset


@dataclass(frozen=True)
class FaceSample(Image):
    bbox: BoundingBox | None = None


@dataclass(frozen=True)
class FaceTruth(GroundTruth):
    keypoints: Keypoints
    normalization_factor: float
    boxes: list[LabeledBoundingBox]
    mask: SegmentationMask | None = None


@dataclass(frozen=True)
class FaceInference(Inference):
    keypoints: Keypoints
    confidence: float
    label: ScoredLabel | str | None = None
    crop: ImageAsset | None = None


@pytest.fixture(scope="module")
def document():
    return workflow_schema(FaceSample, FaceTruth, FaceInference)


def _fields(document, key):
    return {f["name"]: f for f in document["types"][key]["fields"]}


def test_document_is_plain_json(document):
    assert json.loads(json.dumps(document)) == document


def test_roots_and_tags(document):
    types = document["types"]
    assert types[document["test_sample"]]["data_type"] == "TEST_SAMPLE/IMAGE"
    assert types[document["test_sample"]]["role"] == "test_sample"
    assert types[document["ground_truth"]]["role"] == "ground_truth"
    assert types[document["inference"]]["data_type"] is None
    assert types["BoundingBox"]["data_type"] == "ANNOTATION/BOUNDING_BOX"


def test_field_kinds(document):
    sample = _fields(document, document["test_sample"])
    assert sample["locator"]["kind"] == {"kind": "scalar", "type": "str"}
    assert sample["metadata"]["kind"] == {"kind": "metadata"}
    assert sample["bbox"]["kind"] == {
        "kind": "optional",
        "inner": {"kind": "annotation", "type": "BoundingBox", "data_type": "ANNOTATION/BOUNDING_BOX"},
    }
    truth = _fields(document, document["ground_truth"])
    assert truth["boxes"]["kind"]["kind"] == "list"
    assert truth["boxes"]["kind"]["items"]["data_type"] == "ANNOTATION/BOUNDING_BOX"
    assert truth["normalization_factor"]["required"] is True
    assert truth["mask"]["required"] is False
    inference = _fields(document, document["inference"])
    assert inference["label"]["kind"]["kind"] == "optional"
    assert [o["kind"] for o in inference["label"]["kind"]["inner"]["options"]] == ["annotation", "scalar"]
    assert inference["crop"]["kind"]["inner"] == {
        "kind": "asset",
        "type": "ImageAsset",
        "data_type": "ASSET/IMAGE",
    }


def test_derived_fields_are_marked(document):
    box = _fields(document, "BoundingBox")
    assert box["width"]["init"] is False and box["width"]["required"] is False


def test_composite_members_are_test_samples():
    doc = type_schema(ImagePair)
    fields = _fields(doc, doc["root"])
    assert fields["a"]["kind"] == {"kind": "test_sample", "type": "Image", "data_type": "TEST_SAMPLE/IMAGE"}


def test_nested_metrics_kind():
    @dataclass(frozen=True)
    class Row(MetricsTestCase):
        label: str
        ap: float

    @dataclass(frozen=True)
    class Case(MetricsTestCase):
        rows: list[Row]

    doc = metrics_schema(Case)
    assert _fields(doc, doc["root"])["rows"]["kind"] == {
        "kind": "list",
        "items": {"kind": "metrics", "type": "Row", "data_type": None},
    }


def test_same_names_from_two_places_get_distinct_keys():
    def make():
        @dataclass(frozen=True)
        class Sample(Image):
            pass

        return Sample

    first, second = make(), make()

    @dataclass(frozen=True)
    class Pair(GroundTruth):
        a: first  # type: ignore[valid-type]
        b: second  # type: ignore[valid-type]

    doc = type_schema(Pair)
    fields = _fields(doc, doc["root"])
    assert fields["a"]["kind"]["type"] != fields["b"]["kind"]["type"]


def test_unsupported_type_is_refused():
    @dataclass(frozen=True)
    class Odd(GroundTruth):
        blob: bytes

    with pytest.raises(InputValidationError, match=r"Unsupported field type bytes for Odd\.blob"):
        type_schema(Odd)


def test_schema_is_a_leaf_module():
    tree = ast.parse(Path(assay.schema.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert {name for name in imported if name.startswith("assay")} == {"assay.errors"}


class TestValidation:
    def test_real_objects_pass(self, document):
        truth = FaceTruth(Keypoints([(1, 2)]), 1.5, [LabeledBoundingBox((0, 0), (1, 1), "a", extra=1)])
        validate_data(document, "ground_truth", truth._to_dict())
        inference = FaceInference(Keypoints([(1, 2)]), math.nan, ScoredLabel("a", 0.5))
        validate_data(document, "inference", inference._to_dict())
        sample = FaceSample("s3://x", metadata={"a": [1, None]})
        validate_data(document, "test_sample", {**sample._to_dict(), "metadata": sample.metadata})

    def test_by_type_key(self, document):
        validate_data(document, "BoundingBox", BoundingBox((0, 0), (1, 1))._to_dict())

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"keypoints": {"points": [[1, 2]]}, "boxes": []}, r"FaceTruth\.normalization_factor: missing"),
            ({"keypoints": {"points": [[1, 2]]}, "normalization_factor": "x", "boxes": []}, "expected float"),
            (
                {"keypoints": {"points": [[1, 2]]}, "normalization_factor": True, "boxes": []},
                "expected float",
            ),
            ({"keypoints": {"points": [[1]]}, "normalization_factor": 1, "boxes": []}, r"points\[0\]"),
            (
                {"keypoints": [], "normalization_factor": 1, "boxes": []},
                "expected an object of type Keypoints",
            ),
            (
                {
                    "keypoints": {"points": [], "data_type": "ANNOTATION/POLYGON"},
                    "normalization_factor": 1,
                    "boxes": [],
                },
                r"keypoints\.data_type",
            ),
            (
                {"keypoints": {"points": []}, "normalization_factor": 1, "boxes": [{"top_left": [0, 0]}]},
                r"boxes\[0\]",
            ),
            ({"keypoints": {"points": []}, "normalization_factor": 1, "boxes": {}}, "expected a list"),
            (
                {
                    "keypoints": {"points": []},
                    "normalization_factor": 1,
                    "boxes": [],
                    "mask": {"labels": {"x": "a"}, "locator": "m"},
                },
                "integer key",
            ),
        ],
    )
    def test_malformed_ground_truth(self, document, data, message):
        with pytest.raises(InputValidationError, match=message):
            validate_data(document, "ground_truth", data)

    def test_union_mismatch(self, document):
        with pytest.raises(InputValidationError, match=r"FaceInference\.label: expected one of"):
            validate_data(document, "inference", {"keypoints": {"points": []}, "confidence": 1, "label": 3})

    def test_metadata_of_nested_dicts_refused(self, document):
        with pytest.raises(InputValidationError, match="metadata"):
            validate_data(document, "test_sample", {"locator": "x", "metadata": {"a": {"b": 1}}})

    def test_not_an_object(self, document):
        with pytest.raises(InputValidationError, match="expected an object"):
            validate_data(document, "test_sample", "s3://x")

    def test_unknown_root(self, document):
        with pytest.raises(InputValidationError, match="no type"):
            validate_data(document, "Nope", {})


def test_validator_is_built_once_and_reused(document):
    check = validator(document, "inference")
    check(FaceInference(Keypoints([(1, 2)]), 0.5)._to_dict())
    with pytest.raises(InputValidationError, match=r"FaceInference\.keypoints\.points\[0\]\[1\]: expected float"):
        check({"keypoints": {"points": [[1.0, "y"]]}, "confidence": 1.0})
    with pytest.raises(InputValidationError, match=r"FaceInference\.confidence: missing required field"):
        check({"keypoints": {"points": []}})


def test_self_referencing_type_validates():
    @dataclass(frozen=True)
    class Node(GroundTruth):
        name: str
        children: list[Node]

    doc = type_schema(Node)
    check = validator(doc, "root")
    check(Node("a", [Node("b", [])])._to_dict())
    with pytest.raises(InputValidationError, match=r"Node\.children\[0\]\.name: expected str"):
        check({"name": "a", "children": [{"name": 1, "children": []}]})
