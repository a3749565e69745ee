"""Annotations: the geometric and categorical objects that ground truths, inferences and metrics hold.

Every annotation is a frozen data object whose serialised form carries an ``ANNOTATION/<TYPE>`` tag; the web
app draws any annotation it finds in a test sample, ground truth, inference or test-sample metrics by that
tag. Annotations accept extra keyword fields (``BoundingBox(..., occluded=True)``) that travel with them.

Which annotation the app draws on which kind of test sample:

=====================  =======  ====  ========  ===========  =====  =====
Annotation             Image    Text  Document  Point cloud  Video  Audio
=====================  =======  ====  ========  ===========  =====  =====
BoundingBox, Polygon   yes                                   yes
Keypoints, Polyline    yes                                   yes
BoundingBox3D                                   yes
Keypoints3D, Polyline3D                         yes
SegmentationMask       yes
BitmapMask             yes
Label                  yes      yes   yes       yes          yes    yes
TimeSegment                                                  yes    yes
TextSegment                     yes
=====================  =======  ====  ========  ===========  =====  =====
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from assay.errors import InputValidationError
from assay.workflow._datatypes import TypedDataObject

__all__ = [
    "Annotation",
    "BitmapMask",
    "BoundingBox",
    "BoundingBox3D",
    "ClassificationLabel",
    "Keypoints",
    "Keypoints3D",
    "Label",
    "LabeledBoundingBox",
    "LabeledBoundingBox3D",
    "LabeledPolygon",
    "LabeledTextSegment",
    "LabeledTimeSegment",
    "Polygon",
    "Polyline",
    "Polyline3D",
    "ScoredBoundingBox",
    "ScoredBoundingBox3D",
    "ScoredClassificationLabel",
    "ScoredLabel",
    "ScoredLabeledBoundingBox",
    "ScoredLabeledBoundingBox3D",
    "ScoredLabeledPolygon",
    "ScoredLabeledTextSegment",
    "ScoredLabeledTimeSegment",
    "ScoredPolygon",
    "ScoredTextSegment",
    "ScoredTimeSegment",
    "SegmentationMask",
    "TextSegment",
    "TimeSegment",
]


@dataclass(frozen=True)
class Annotation(TypedDataObject):
    """The base of every annotation type."""

    __assay_role__: ClassVar[str] = "annotation"


@dataclass(frozen=True)
class BoundingBox(Annotation):
    """An axis-aligned 2-D box in pixel coordinates, from its top-left and bottom-right corners.

    ``width``, ``height``, ``area`` and ``aspect_ratio`` (width / height, 0 when the height is 0) are derived.

    Example:
        >>> box = BoundingBox((10, 20), (50, 40))
        >>> box.width, box.height, box.area, box.aspect_ratio
        (40.0, 20.0, 800.0, 2.0)
    """

    __assay_data_type__: ClassVar[str] = "ANNOTATION/BOUNDING_BOX"

    top_left: tuple[float, float]
    bottom_right: tuple[float, float]
    width: float = field(init=False)
    height: float = field(init=False)
    area: float = field(init=False)
    aspect_ratio: float = field(init=False)

    def __post_init__(self) -> None:
        # Written straight into the instance dict: the object is frozen and this runs a million times per upload.
        state = self.__dict__
        (x1, y1), (x2, y2) = state["top_left"], state["bottom_right"]
        width = abs(x2 - x1)
        height = abs(y2 - y1)
        state["width"] = width
        state["height"] = height
        state["area"] = width * height
        state["aspect_ratio"] = width / height if height != 0 else 0.0


@dataclass(frozen=True)
class LabeledBoundingBox(BoundingBox):
    """A :class:`BoundingBox` with a class label."""

    label: str


@dataclass(frozen=True)
class ScoredBoundingBox(BoundingBox):
    """A :class:`BoundingBox` with a confidence score."""

    score: float


@dataclass(frozen=True)
class ScoredLabeledBoundingBox(BoundingBox):
    """A :class:`BoundingBox` with a class label and a confidence score."""

    label: str
    score: float


def _check_points(owner: object, points: Sequence[tuple[float, ...]], minimum: int) -> None:
    if len(points) < minimum:
        raise InputValidationError(
            f"{type(owner).__name__}.points: at least {minimum} points are needed, got {len(points)}",
            data_type=type(owner).__name__,
            field="points",
        )


@dataclass(frozen=True)
class Polygon(Annotation):
    """A closed polygon of at least three ``(x, y)`` points.

    Raises:
        InputValidationError: fewer than three points.
    """

    __assay_data_type__: ClassVar[str] = "ANNOTATION/POLYGON"

    points: list[tuple[float, float]]

    def __post_init__(self) -> None:
        _check_points(self, self.points, 3)


@dataclass(frozen=True)
class LabeledPolygon(Polygon):
    """A :class:`Polygon` with a class label."""

    label: str


@dataclass(frozen=True)
class ScoredPolygon(Polygon):
    """A :class:`Polygon` with a confidence score."""

    score: float


@dataclass(frozen=True)
class ScoredLabeledPolygon(Polygon):
    """A :class:`Polygon` with a class label and a confidence score."""

    label: str
    score: float


@dataclass(frozen=True)
class Keypoints(Annotation):
    """An ordered list of 2-D ``(x, y)`` points, e.g. facial landmarks.

    A ``skeleton`` extra (a list of index pairs) tells the app which points to join.
    """

    __assay_data_type__: ClassVar[str] = "ANNOTATION/KEYPOINTS"

    points: list[tuple[float, float]]


@dataclass(frozen=True)
class Polyline(Annotation):
    """An open line through 2-D ``(x, y)`` points."""

    __assay_data_type__: ClassVar[str] = "ANNOTATION/POLYLINE"

    points: list[tuple[float, float]]


@dataclass(frozen=True)
class Keypoints3D(Annotation):
    """An ordered list of 3-D ``(x, y, z)`` points."""

    __assay_data_type__: ClassVar[str] = "ANNOTATION/KEYPOINTS_3D"

    points: list[tuple[float, float, float]]


@dataclass(frozen=True)
class Polyline3D(Annotation):
    """An open line through 3-D ``(x, y, z)`` points."""

    __assay_data_type__: ClassVar[str] = "ANNOTATION/POLYLINE_3D"

    points: list[tuple[float, float, float]]


@dataclass(frozen=True)
class BoundingBox3D(Annotation):
    """A 3-D box from its center, its dimensions along x, y and z, and its rotations about those axes.

    ``volume`` (the product of the dimensions) is derived.
    """

    __assay_data_type__: ClassVar[str] = "ANNOTATION/BOUNDING_BOX_3D"

    center: tuple[float, float, float]
    dimensions: tuple[float, float, float]
    rotations: tuple[float, float, float]
    volume: float = field(init=False)

    def __post_init__(self) -> None:
        dx, dy, dz = self.dimensions
        self.__dict__["volume"] = dx * dy * dz


@dataclass(frozen=True)
class LabeledBoundingBox3D(BoundingBox3D):
    """A :class:`BoundingBox3D` with a class label."""

    label: str


@dataclass(frozen=True)
class ScoredBoundingBox3D(BoundingBox3D):
    """A :class:`BoundingBox3D` with a confidence score."""

    score: float


@dataclass(frozen=True)
class ScoredLabeledBoundingBox3D(BoundingBox3D):
    """A :class:`BoundingBox3D` with a class label and a confidence score."""

    label: str
    score: float


@dataclass(frozen=True)
class SegmentationMask(Annotation):
    """A per-pixel class map: an 8-bit single-channel PNG at ``locator``; ``labels`` names pixel values."""

    __assay_data_type__: ClassVar[str] = "ANNOTATION/SEGMENTATION_MASK"

    labels: dict[int, str]
    locator: str


@dataclass(frozen=True)
class BitmapMask(Annotation):
    """An image drawn over the sample, such as an activation map (see :mod:`assay.workflow.visualization`)."""

    __assay_data_type__: ClassVar[str] = "ANNOTATION/BITMAP_MASK"

    locator: str


@dataclass(frozen=True)
class Label(Annotation):
    """A class label for the whole sample."""

    __assay_data_type__: ClassVar[str] = "ANNOTATION/LABEL"

    label: str


@dataclass(frozen=True)
class ScoredLabel(Label):
    """A class label with a confidence score."""

    score: float


ClassificationLabel = Label
"""Another name of :class:`Label`."""

ScoredClassificationLabel = ScoredLabel
"""Another name of :class:`ScoredLabel`."""


def _check_interval(owner: object, start: float, end: float, *, strict: bool) -> None:
    name = type(owner).__name__
    if start < 0 or (end <= start if strict else end < start):
        relation = "<" if strict else "<="
        raise InputValidationError(
            f"{name}: need 0 <= start {relation} end, got start={start!r}, end={end!r}",
            data_type=name,
            field="start",
        )


@dataclass(frozen=True)
class TimeSegment(Annotation):
    """A span of a video or audio sample, in seconds; a ``group`` extra picks its colour in the app.

    Raises:
        InputValidationError: a negative start or an end before the start.
    """

    __assay_data_type__: ClassVar[str] = "ANNOTATION/TIME_SEGMENT"

    start: float
    end: float

    def __post_init__(self) -> None:
        _check_interval(self, self.start, self.end, strict=False)


@dataclass(frozen=True)
class LabeledTimeSegment(TimeSegment):
    """A :class:`TimeSegment` with a class label."""

    label: str


@dataclass(frozen=True)
class ScoredTimeSegment(TimeSegment):
    """A :class:`TimeSegment` with a confidence score."""

    score: float


@dataclass(frozen=True)
class ScoredLabeledTimeSegment(TimeSegment):
    """A :class:`TimeSegment` with a class label and a confidence score."""

    label: str
    score: float


@dataclass(frozen=True)
class TextSegment(Annotation):
    """A character span ``[start, end)`` of the text field named ``text_field`` of the test sample.

    Raises:
        InputValidationError: unless ``0 <= start < end``.
    """

    __assay_data_type__: ClassVar[str] = "ANNOTATION/TEXT_SEGMENT"

    text_field: str
    start: int
    end: int

    def __post_init__(self) -> None:
        _check_interval(self, self.start, self.end, strict=True)


@dataclass(frozen=True)
class LabeledTextSegment(TextSegment):
    """A :class:`TextSegment` with a class label."""

    label: str


@dataclass(frozen=True)
class ScoredTextSegment(TextSegment):
    """A :class:`TextSegment` with a confidence score."""

    score: float


@dataclass(frozen=True)
class ScoredLabeledTextSegment(TextSegment):
    """A :class:`TextSegment` with a class label and a confidence score."""

    label: str
    score: float
