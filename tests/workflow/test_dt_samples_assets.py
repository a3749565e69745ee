"""Test-sample types and assets: tags, identity, checks and round trips."""

from __future__ import annotations

import pytest

import assay.workflow.asset as asset_module
from assay.errors import InputValidationError
from assay.workflow import (
    Audio,
    BaseVideo,
    Composite,
    Document,
    Image,
    ImagePair,
    ImageText,
    PointCloud,
    TestSample,
    Text,
    Video,
)
from assay.workflow.asset import (
    AudioAsset,
    BaseVideoAsset,
    BinaryAsset,
    ImageAsset,
    MeshAsset,
    PlainTextAsset,
    PointCloudAsset,
    VideoAsset,
)

SAMPLES = [
    (Image("s3://a.png"), "TEST_SAMPLE/IMAGE"),
    (Text("hello"), "TEST_SAMPLE/TEXT"),
    (Document("s3://a.pdf"), "TEST_SAMPLE/DOCUMENT"),
    (PointCloud("s3://a.pcd"), "TEST_SAMPLE/POINT_CLOUD"),
    (Audio("s3://a.wav"), "TEST_SAMPLE/AUDIO"),
    (BaseVideo("s3://a.mp4"), "TEST_SAMPLE/VIDEO"),
    (Video("s3://a.mp4", thumbnail=ImageAsset("s3://t.png"), start=1, end=2), "TEST_SAMPLE/VIDEO"),
    (ImagePair(Image("s3://l.png"), Image("s3://r.png")), "TEST_SAMPLE/COMPOSITE"),
    (ImageText(Image("s3://a.png"), Text("a cat")), "TEST_SAMPLE/COMPOSITE"),
]

ASSETS = [
    (ImageAsset("s3://a.png"), "ASSET/IMAGE"),
    (PlainTextAsset("s3://a.txt"), "ASSET/PLAIN_TEXT"),
    (BinaryAsset("s3://a.bin"), "ASSET/BINARY"),
    (PointCloudAsset("s3://a.npz", npz_key="points"), "ASSET/POINT_CLOUD"),
    (AudioAsset("s3://a.wav"), "ASSET/AUDIO"),
    (MeshAsset("s3://a.ply"), "ASSET/MESH"),
    (BaseVideoAsset("s3://a.mp4"), "ASSET/VIDEO"),
    (
        VideoAsset("s3://a.mp4", thumbnail=ImageAsset("s3://t.png"), start=0, end=3, frame_rate=30),
        "ASSET/VIDEO",
    ),
]


@pytest.mark.parametrize(
    ("obj", "tag"), SAMPLES + ASSETS, ids=lambda v: type(v).__name__ if not isinstance(v, str) else ""
)
def test_tags_and_round_trips(obj, tag):
    data = obj._to_dict()
    assert data["data_type"] == tag
    assert type(obj)._from_dict(data) == obj


def test_every_asset_is_covered():
    assert set(asset_module.__all__) - {"Asset"} == {type(obj).__name__ for obj, _ in ASSETS}


def test_custom_image_subclass_keeps_the_image_tag():
    class Face(Image):
        crop: ImageAsset | None = None

    assert Face("x", ImageAsset("y"))._to_dict()["data_type"] == "TEST_SAMPLE/IMAGE"


def test_composite_identity_leaves_member_metadata_out():
    pair = ImagePair(Image("l", metadata={"cam": "left"}), Image("r"), metadata={"rig": 2})
    assert pair._to_dict() == {
        "a": {"locator": "l", "data_type": "TEST_SAMPLE/IMAGE"},
        "b": {"locator": "r", "data_type": "TEST_SAMPLE/IMAGE"},
        "data_type": "TEST_SAMPLE/COMPOSITE",
    }
    assert pair._get_metadata() == {"rig": 2}
    assert pair.a.metadata == {"cam": "left"}


def test_composite_members_must_be_test_samples():
    with pytest.raises(InputValidationError, match=r"ImagePair\.a: expected Image"):
        ImagePair("l", Image("r"))


@pytest.mark.parametrize("cls", [Video, VideoAsset])
@pytest.mark.parametrize(("start", "end"), [(-1, 2), (3, 2), (0, -1)])
def test_clip_bounds(cls, start, end):
    with pytest.raises(InputValidationError, match=cls.__name__):
        cls("s3://a.mp4", start=start, end=end)


@pytest.mark.parametrize("frame_rate", [0, -5])
def test_video_asset_frame_rate(frame_rate):
    with pytest.raises(InputValidationError, match=r"VideoAsset\.frame_rate"):
        VideoAsset("s3://a.mp4", frame_rate=frame_rate)


def test_open_bounds_allowed():
    assert Video("s3://a.mp4", start=3).end is None


def test_base_classes_are_exported_and_distinct():
    assert issubclass(Composite, TestSample) and issubclass(Video, BaseVideo)
    assert TestSample.__test__ is False
