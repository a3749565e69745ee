"""Test-sample types: what a model takes as input.

A test sample is identified by its serialised fields (a locator, a text, the members of a composite) within a
workflow. Its ``metadata`` is stored and filterable, but is not part of that identity: it is left out of
``_to_dict()`` and read with :meth:`TestSample._get_metadata`.
"""

from dataclasses import dataclass, field
from typing import Any, ClassVar, Union

from assay.workflow._datatypes import TypedDataObject
from assay.workflow.asset import ImageAsset, _check_clip

__all__ = [
    "Audio",
    "BaseVideo",
    "Composite",
    "Document",
    "Image",
    "ImagePair",
    "ImageText",
    "Metadata",
    "PointCloud",
    "TestSample",
    "Text",
    "Video",
]

_MetadataScalar = Union[None, str, float, int, bool]  # noqa: UP007 - kept as a runtime alias users can import

Metadata = dict[str, _MetadataScalar | list[_MetadataScalar]]
"""The type of a test sample's ``metadata``: a flat dict of scalars or lists of scalars."""


@dataclass(frozen=True)
class TestSample(TypedDataObject):
    """The base of every test-sample type; subclass it directly for a custom kind of input.

    Every test sample may carry ``metadata`` (keyword only): facts to slice and filter by, such as the camera
    or the weather. Metadata is not part of the sample's identity and must not drive inference or evaluation.
    """

    __assay_role__: ClassVar[str] = "test_sample"
    __assay_data_type__: ClassVar[str] = "TEST_SAMPLE/CUSTOM"
    __test__: ClassVar[bool] = False  # not a pytest test class despite its name

    metadata: Metadata = field(default_factory=dict, kw_only=True, compare=False)

    def _get_metadata(self) -> dict[str, Any]:
        """This sample's metadata, the part of it that ``_to_dict()`` leaves out (a copy)."""
        return dict(self.metadata)


@dataclass(frozen=True)
class Image(TestSample):
    """An image, by locator (``s3://``, ``gs://``, ``https://`` or a local path).

    Example:
        >>> Image("s3://bucket/cat.jpg", metadata={"camera": "front"})._to_dict()
        {'locator': 's3://bucket/cat.jpg', 'data_type': 'TEST_SAMPLE/IMAGE'}
    """

    __assay_data_type__: ClassVar[str] = "TEST_SAMPLE/IMAGE"

    locator: str


@dataclass(frozen=True)
class Text(TestSample):
    """A text."""

    __assay_data_type__: ClassVar[str] = "TEST_SAMPLE/TEXT"

    text: str


@dataclass(frozen=True)
class Document(TestSample):
    """A document file (PDF, text...), by locator."""

    __assay_data_type__: ClassVar[str] = "TEST_SAMPLE/DOCUMENT"

    locator: str


@dataclass(frozen=True)
class PointCloud(TestSample):
    """A point cloud file, by locator."""

    __assay_data_type__: ClassVar[str] = "TEST_SAMPLE/POINT_CLOUD"

    locator: str


@dataclass(frozen=True)
class Audio(TestSample):
    """An audio file, by locator."""

    __assay_data_type__: ClassVar[str] = "TEST_SAMPLE/AUDIO"

    locator: str


@dataclass(frozen=True)
class BaseVideo(TestSample):
    """A video file, by locator."""

    __assay_data_type__: ClassVar[str] = "TEST_SAMPLE/VIDEO"

    locator: str


@dataclass(frozen=True)
class Video(BaseVideo):
    """A video clip: an optional thumbnail and optional clip bounds in seconds.

    Raises:
        InputValidationError: a negative bound or an end before the start.
    """

    thumbnail: ImageAsset | None = None
    start: float | None = None
    end: float | None = None

    def __post_init__(self) -> None:
        _check_clip(self, self.start, self.end)


@dataclass(frozen=True)
class Composite(TestSample):
    """A test sample made of other test samples, e.g. the two images of a stereo pair.

    Declare fields whose types are test-sample types (one level: a composite may not hold a composite). Ground
    truths and inferences may then hold one plain data object per member, under the member's field name.
    """

    __assay_data_type__: ClassVar[str] = "TEST_SAMPLE/COMPOSITE"


@dataclass(frozen=True)
class ImagePair(Composite):
    """Two images compared or processed together."""

    a: Image
    b: Image


@dataclass(frozen=True)
class ImageText(Composite):
    """An image with a text, e.g. a caption or a question about it."""

    image: Image
    text: Text
