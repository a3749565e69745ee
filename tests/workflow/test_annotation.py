"""Annotations: fields, derived values, checks, tags and round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import assay.workflow.annotation as annotation
from assay.errors import InputValidationError
from assay.workflow.annotation import (
    BitmapMask,
    BoundingBox,
    BoundingBox3D,
    ClassificationLabel,
    Keypoints,
    Keypoints3D,
    Label,
    LabeledBoundingBox,
    LabeledBoundingBox3D,
    LabeledPolygon,
    LabeledTextSegment,
    LabeledTimeSegment,
    Polygon,
    Polyline,
    Polyline3D,
    ScoredBoundingBox,
    ScoredBoundingBox3D,
    ScoredClassificationLabel,
    ScoredLabel,
    ScoredLabeledBoundingBox,
    ScoredLabeledBoundingBox3D,
    ScoredLabeledPolygon,
    ScoredLabeledTextSegment,
    ScoredLabeledTimeSegment,
    ScoredPolygon,
    ScoredTextSegment,
    ScoredTimeSegment,
    SegmentationMask,
    TextSegment,
    TimeSegment,
)

TRIANGLE = [(0, 0), (4, 0), (0, 3)]
EXAMPLES = [
    (BoundingBox((1, 2), (5, 4)), "ANNOTATION/BOUNDING_BOX"),
    (LabeledBoundingBox((1, 2), (5, 4), "car"), "ANNOTATION/BOUNDING_BOX"),
    (ScoredBoundingBox((1, 2), (5, 4), 0.3), "ANNOTATION/BOUNDING_BOX"),
    (ScoredLabeledBoundingBox((1, 2), (5, 4), "car", 0.3), "ANNOTATION/BOUNDING_BOX"),
    (Polygon(TRIANGLE), "ANNOTATION/POLYGON"),
    (LabeledPolygon(TRIANGLE, "roof"), "ANNOTATION/POLYGON"),
    (ScoredPolygon(TRIANGLE, 0.9), "ANNOTATION/POLYGON"),
    (ScoredLabeledPolygon(TRIANGLE, "roof", 0.9), "ANNOTATION/POLYGON"),
    (Keypoints([(1, 1), (2, 2)], skeleton=[[0, 1]]), "ANNOTATION/KEYPOINTS"),
    (Polyline([(1, 1), (2, 2)]), "ANNOTATION/POLYLINE"),
    (Keypoints3D([(1, 1, 1)]), "ANNOTATION/KEYPOINTS_3D"),
    (Polyline3D([(1, 1, 1), (2, 2, 2)]), "ANNOTATION/POLYLINE_3D"),
    (BoundingBox3D((0, 0, 0), (1, 2, 3), (0, 0, 0)), "ANNOTATION/BOUNDING_BOX_3D"),
    (LabeledBoundingBox3D((0, 0, 0), (1, 2, 3), (0, 0, 0), "car"), "ANNOTATION/BOUNDING_BOX_3D"),
    (ScoredBoundingBox3D((0, 0, 0), (1, 2, 3), (0, 0, 0), 0.5), "ANNOTATION/BOUNDING_BOX_3D"),
    (ScoredLabeledBoundingBox3D((0, 0, 0), (1, 2, 3), (0, 0, 0), "car", 0.5), "ANNOTATION/BOUNDING_BOX_3D"),
    (SegmentationMask({1: "road", 2: "sky"}, "s3://m.png"), "ANNOTATION/SEGMENTATION_MASK"),
    (BitmapMask("s3://a.png"), "ANNOTATION/BITMAP_MASK"),
    (Label("cat"), "ANNOTATION/LABEL"),
    (ScoredLabel("cat", 0.7), "ANNOTATION/LABEL"),
    (TimeSegment(1, 2.5, group="speaker-a"), "ANNOTATION/TIME_SEGMENT"),
    (LabeledTimeSegment(1, 2, "speech"), "ANNOTATION/TIME_SEGMENT"),
    (ScoredTimeSegment(1, 2, 0.4), "ANNOTATION/TIME_SEGMENT"),
    (ScoredLabeledTimeSegment(1, 2, "speech", 0.4), "ANNOTATION/TIME_SEGMENT"),
    (TextSegment("text", 0, 4), "ANNOTATION/TEXT_SEGMENT"),
    (LabeledTextSegment("text", 0, 4, "PER"), "ANNOTATION/TEXT_SEGMENT"),
    (ScoredTextSegment("text", 0, 4, 0.2), "ANNOTATION/TEXT_SEGMENT"),
    (ScoredLabeledTextSegment("text", 0, 4, "PER", 0.2), "ANNOTATION/TEXT_SEGMENT"),
]


@pytest.mark.parametrize(("obj", "tag"), EXAMPLES, ids=lambda v: type(v).__name__ if not isinstance(v, str) else "")
def test_tag_and_round_trip(obj, tag):
    data = obj._to_dict()
    assert data["data_type"] == tag
    back = type(obj)._from_dict(data)
    assert back == obj
    assert back._to_dict() == data


def test_every_public_annotation_has_an_example():
    covered = {type(obj).__name__ for obj, _ in EXAMPLES}
    public = {
        name
        for name in annotation.__all__
        if name not in ("Annotation", "ClassificationLabel", "ScoredClassificationLabel")
    }
    assert public == covered


def test_workflow_subset_is_exported():
    seed_names = {
        "Annotation", "BoundingBox", "LabeledBoundingBox", "ScoredBoundingBox", "ScoredLabeledBoundingBox",
        "Polygon", "LabeledPolygon", "ScoredPolygon", "ScoredLabeledPolygon", "Keypoints", "Polyline",
        "BoundingBox3D", "LabeledBoundingBox3D", "ScoredBoundingBox3D", "ScoredLabeledBoundingBox3D",
        "SegmentationMask", "BitmapMask", "Label", "ScoredLabel", "ClassificationLabel",
        "ScoredClassificationLabel", "TimeSegment", "LabeledTimeSegment", "ScoredTimeSegment",
        "ScoredLabeledTimeSegment",
    }  # fmt: skip
    assert seed_names <= set(annotation.__all__)
    assert annotation.__all__ == sorted(annotation.__all__)


def test_aliases():
    assert ClassificationLabel is Label
    assert ScoredClassificationLabel is ScoredLabel


@pytest.mark.parametrize(
    ("top_left", "bottom_right", "expected"),
    [
        ((10, 20), (50, 40), (40.0, 20.0, 800.0, 2.0)),
        ((50, 40), (10, 20), (40.0, 20.0, 800.0, 2.0)),
        ((0, 5), (3, 5), (3.0, 0.0, 0.0, 0.0)),
    ],
)
def test_bounding_box_derived_values(top_left, bottom_right, expected):
    box = BoundingBox(top_left, bottom_right)
    assert (box.width, box.height, box.area, box.aspect_ratio) == expected


def test_bounding_box_3d_volume():
    assert BoundingBox3D((0, 0, 0), (1, 2, 3), (0, 0, 0)).volume == 6.0


def test_labeled_box_field_order():
    assert list(ScoredLabeledBoundingBox((0, 0), (1, 1), "a", 0.5)._to_dict())[-3:] == [
        "label",
        "score",
        "data_type",
    ]


@pytest.mark.parametrize("cls", [Polygon, LabeledPolygon])
def test_polygon_needs_three_points(cls):
    args = ([(0, 0), (1, 1)],) + (("x",) if cls is LabeledPolygon else ())
    with pytest.raises(InputValidationError, match=rf"{cls.__name__}\.points: at least 3 points"):
        cls(*args)


@pytest.mark.parametrize(
    ("cls", "args"),
    [
        (TextSegment, ("text", 3, 3)),
        (TextSegment, ("text", -1, 3)),
        (TextSegment, ("text", 4, 2)),
        (TimeSegment, (3.0, 1.0)),
        (TimeSegment, (-1.0, 1.0)),
    ],
)
def test_interval_checks(cls, args):
    with pytest.raises(InputValidationError, match=cls.__name__):
        cls(*args)


@pytest.mark.parametrize(
    ("cls", "args", "field"),
    [
        (BoundingBox, ((0, 0, 0), (1, 1)), "top_left"),
        (BoundingBox, ("ab", (1, 1)), "top_left"),
        (Keypoints, ([(0, "x")],), r"points\[0\]"),
        (Label, (3,), "label"),
        (ScoredLabel, ("a", "high"), "score"),
        (SegmentationMask, ({"road": "x"}, "loc"), "labels"),
        (BoundingBox3D, ((0, 0), (1, 1, 1), (0, 0, 0)), "center"),
    ],
)
def test_wrong_types_are_refused(cls, args, field):
    with pytest.raises(InputValidationError, match=rf"{cls.__name__}\.{field}"):
        cls(*args)


def test_segmentation_mask_keys_come_back_as_ints():
    mask = SegmentationMask({1: "road"}, "loc")
    data = mask._to_dict()
    assert data["labels"] == {"1": "road"}
    assert SegmentationMask._from_dict(data).labels == {1: "road"}


def test_extra_fields_travel():
    box = LabeledBoundingBox((0, 0), (1, 1), "car", occluded=True, truncation=0.3)
    back = LabeledBoundingBox._from_dict(box._to_dict())
    assert (back.occluded, back.truncation) == (True, 0.3)


@given(
    st.tuples(st.integers(-1000, 1000), st.integers(-1000, 1000)),
    st.tuples(st.integers(-1000, 1000), st.integers(-1000, 1000)),
)
def test_box_area_is_width_times_height(a, b):
    box = BoundingBox(a, b)
    assert box.area == box.width * box.height
    assert box.width == abs(a[0] - b[0]) and box.height == abs(a[1] - b[1])
