"""Assets: files attached by locator to a test sample, ground truth or inference (an image, a text...).

Each asset's serialised form carries an ``ASSET/<TYPE>`` tag so that the web app can show it.
"""

from dataclasses import dataclass
from typing import ClassVar

from assay.errors import InputValidationError
from assay.workflow._datatypes import TypedDataObject

__all__ = [
    "Asset",
    "AudioAsset",
    "BaseVideoAsset",
    "BinaryAsset",
    "ImageAsset",
    "MeshAsset",
    "PlainTextAsset",
    "PointCloudAsset",
    "VideoAsset",
]


@dataclass(frozen=True)
class Asset(TypedDataObject):
    """The base of every asset type."""

    __assay_role__: ClassVar[str] = "asset"


@dataclass(frozen=True)
class ImageAsset(Asset):
    """An image file."""

    __assay_data_type__: ClassVar[str] = "ASSET/IMAGE"

    locator: str


@dataclass(frozen=True)
class PlainTextAsset(Asset):
    """A plain-text file."""

    __assay_data_type__: ClassVar[str] = "ASSET/PLAIN_TEXT"

    locator: str


@dataclass(frozen=True)
class BinaryAsset(Asset):
    """Any file, offered for download."""

    __assay_data_type__: ClassVar[str] = "ASSET/BINARY"

    locator: str


@dataclass(frozen=True)
class PointCloudAsset(Asset):
    """A point cloud file: ``.pcd``, ``.npy`` or ``.npz`` (an ``npz_key`` extra names the array)."""

    __assay_data_type__: ClassVar[str] = "ASSET/POINT_CLOUD"

    locator: str


@dataclass(frozen=True)
class AudioAsset(Asset):
    """An audio file."""

    __assay_data_type__: ClassVar[str] = "ASSET/AUDIO"

    locator: str


@dataclass(frozen=True)
class MeshAsset(Asset):
    """A 3-D mesh file (``.ply``)."""

    __assay_data_type__: ClassVar[str] = "ASSET/MESH"

    locator: str


@dataclass(frozen=True)
class BaseVideoAsset(Asset):
    """A video file."""

    __assay_data_type__: ClassVar[str] = "ASSET/VIDEO"

    locator: str


def _check_clip(owner: object, start: float | None, end: float | None) -> None:
    """Refuse a clip whose bounds are negative or in the wrong order.

    Args:
        owner: The object being checked, named in the message.
        start: Clip start in seconds, or None.
        end: Clip end in seconds, or None.

    Raises:
        InputValidationError: a negative bound, or an end before the start.
    """
    name = type(owner).__name__
    for field_name, value in (("start", start), ("end", end)):
        if value is not None and value < 0:
            raise InputValidationError(
                f"{name}.{field_name}: must be >= 0, got {value!r}", data_type=name, field=field_name
            )
    if start is not None and end is not None and end < start:
        raise InputValidationError(
            f"{name}: start must not be after end, got start={start!r}, end={end!r}",
            data_type=name,
            field="end",
        )


@dataclass(frozen=True)
class VideoAsset(BaseVideoAsset):
    """A video clip: an optional thumbnail, clip bounds in seconds and a frame rate.

    Raises:
        InputValidationError: a negative bound, an end before the start, or a frame rate that is not positive.
    """

    thumbnail: ImageAsset | None = None
    start: float | None = None
    end: float | None = None
    frame_rate: float | None = None

    def __post_init__(self) -> None:
        _check_clip(self, self.start, self.end)
        if self.frame_rate is not None and not self.frame_rate > 0:
            raise InputValidationError(
                f"VideoAsset.frame_rate: must be > 0, got {self.frame_rate!r}",
                data_type="VideoAsset",
                field="frame_rate",
            )
