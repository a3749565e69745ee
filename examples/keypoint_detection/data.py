"""A synthetic 5-point facial-keypoint benchmark, drawn with Pillow on the fly.

Every face is a cartoon: a skin-coloured oval with two dark eyes, two dark nostrils and a red mouth. Its five
keypoints follow the 300-W subset of the seed quickstart: the outer corner of each eye (image-left eye first),
the bottom of the nose (the midpoint between the nostrils) and the two corners of the mouth. The ground truth
is exact because the drawing is made from it.

Each face varies in the ways real benchmarks are sliced by:

- ``pose``: ``frontal``, or turned ``left`` / ``right`` (a yaw of 12 to 26 degrees: the features slide across
  the face and the eyes narrow);
- ``blur``: ``none``, ``low`` or ``high`` (a Gaussian blur of the whole image);
- ``lighting``: ``dim``, ``normal`` or ``bright`` (the whole image scaled);
- ``occlusion``: ``none`` or ``glasses`` (dark frames around the eyes).

The same seed always gives the same geometry, pixels and files, so the benchmark can be regenerated at will.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from examples.keypoint_detection.workflow import GroundTruth, TestSample
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter

from assay.errors import InputValidationError
from assay.workflow.annotation import BoundingBox, Keypoints

IMAGE_SIZE = 128
"""Width and height of every image, in pixels."""

KEYPOINT_NAMES = ("left_eye_outer", "right_eye_outer", "nose_bottom", "mouth_left", "mouth_right")
"""The five keypoints, in the order of every ``Keypoints.points`` list of the benchmark."""

DEFAULT_SEED = 2024
DEFAULT_SIZE = 300

_SUPERSAMPLE = 4  # drawn at 4x and reduced, so that edges are anti-aliased and keypoints are sub-pixel exact
_POSES = ("frontal", "left", "right")
_POSE_WEIGHTS = (0.8, 0.1, 0.1)
_BLURS = {"none": 0.0, "low": 0.8, "high": 2.6}
_BLUR_WEIGHTS = (0.35, 0.25, 0.4)
_LIGHTING = {"dim": 0.6, "normal": 1.0, "bright": 1.25}
_LIGHTING_WEIGHTS = (0.25, 0.5, 0.25)
_OCCLUSIONS = ("none", "glasses")
_OCCLUSION_WEIGHTS = (0.8, 0.2)
_SKIN_TONES = ((236, 200, 170), (214, 170, 135), (176, 128, 96), (140, 98, 72))
_EYE = (30, 22, 24)
_MOUTH = (190, 40, 56)


@dataclass(frozen=True)
class FaceGeometry:
    """Where everything of one face is, in pixel coordinates of the final image.

    Attributes:
        center: Centre of the face oval.
        radii: Horizontal and vertical radii of the face oval.
        yaw: Head rotation about the vertical axis, in radians (negative turns the face to the image left).
        eye_angle: Angle around the head, from the front, of each eye's centre.
        eye_half_width: Half-width of an eye seen from the front.
        eye_y: Height of both eyes.
        nose_y: Height of the nostrils.
        mouth_angle: Angle around the head of each mouth corner.
        mouth_y: Height of the mouth corners.
    """

    center: tuple[float, float]
    radii: tuple[float, float]
    yaw: float
    eye_angle: float
    eye_half_width: float
    eye_y: float
    nose_y: float
    mouth_angle: float
    mouth_y: float

    def _x(self, angle: float, depth: float = 1.0) -> float:
        # A point on the head's surface at this angle from the front, seen after the head turns by the yaw.
        return self.center[0] + depth * self.radii[0] * math.sin(angle + self.yaw)

    def eyes(self) -> list[tuple[float, float, float]]:
        """The eyes as ``(centre x, centre y, half-width)``, image-left first; turned eyes look narrower."""
        return [
            (self._x(angle), self.eye_y, self.eye_half_width * math.cos(angle + self.yaw))
            for angle in (-self.eye_angle, self.eye_angle)
        ]

    def nose_x(self) -> float:
        """The nose sticks out of the face, so it slides further than the eyes when the head turns."""
        return self._x(0.0, depth=1.15)

    def keypoints(self) -> list[tuple[float, float]]:
        """The five ground-truth keypoints, in :data:`KEYPOINT_NAMES` order."""
        (left_x, left_y, left_w), (right_x, right_y, right_w) = self.eyes()
        return [
            (left_x - left_w, left_y),
            (right_x + right_w, right_y),
            (self.nose_x(), self.nose_y),
            (self._x(-self.mouth_angle), self.mouth_y),
            (self._x(self.mouth_angle), self.mouth_y),
        ]

    def bounding_box(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The face oval's bounding box: ``(top-left, bottom-right)``."""
        (cx, cy), (rx, ry) = self.center, self.radii
        return (cx - rx, cy - ry), (cx + rx, cy + ry)


@dataclass(frozen=True)
class FaceConditions:
    """How one face is shown: the metadata that test cases slice by."""

    pose: str
    blur: str
    lighting: str
    occlusion: str


@dataclass(frozen=True)
class FaceRecord:
    """One face of the benchmark: how it was drawn, and the sample and ground truth that describe it."""

    index: int
    geometry: FaceGeometry
    conditions: FaceConditions
    test_sample: TestSample
    ground_truth: GroundTruth


def sample_geometry(rng: np.random.Generator, pose: str) -> FaceGeometry:
    """Draw the geometry of one face with the given pose.

    Args:
        rng: The random generator to draw from.
        pose: ``frontal``, ``left`` or ``right``.

    Returns:
        A face that fits inside the image with a margin.
    """
    rx = float(rng.uniform(34.0, 40.0))
    ry = rx * float(rng.uniform(1.22, 1.34))
    cx = IMAGE_SIZE / 2 + float(rng.uniform(-4.0, 4.0))
    cy = IMAGE_SIZE / 2 + 2 + float(rng.uniform(-3.0, 3.0))
    if pose == "frontal":
        yaw = math.radians(float(rng.uniform(-4.0, 4.0)))
    else:
        yaw = math.radians(float(rng.uniform(12.0, 26.0))) * (-1.0 if pose == "left" else 1.0)
    return FaceGeometry(
        center=(cx, cy),
        radii=(rx, ry),
        yaw=yaw,
        eye_angle=float(rng.uniform(0.44, 0.56)),
        eye_half_width=rx * float(rng.uniform(0.15, 0.2)),
        eye_y=cy - ry * float(rng.uniform(0.18, 0.28)),
        nose_y=cy + ry * float(rng.uniform(0.12, 0.2)),
        mouth_angle=float(rng.uniform(0.24, 0.36)),
        mouth_y=cy + ry * float(rng.uniform(0.42, 0.5)),
    )


def sample_conditions(rng: np.random.Generator) -> FaceConditions:
    """Draw how a face is shown (pose, blur, lighting, occlusion), with the benchmark's proportions."""
    return FaceConditions(
        pose=str(rng.choice(_POSES, p=_POSE_WEIGHTS)),
        blur=str(rng.choice(list(_BLURS), p=_BLUR_WEIGHTS)),
        lighting=str(rng.choice(list(_LIGHTING), p=_LIGHTING_WEIGHTS)),
        occlusion=str(rng.choice(_OCCLUSIONS, p=_OCCLUSION_WEIGHTS)),
    )


def render(geometry: FaceGeometry, conditions: FaceConditions, rng: np.random.Generator) -> PILImage.Image:
    """Draw one face as an RGB image of :data:`IMAGE_SIZE` pixels square.

    Args:
        geometry: Where the face and its features are.
        conditions: Blur, lighting and occlusion to apply (the pose is already in the geometry).
        rng: Draws the skin tone, the background and the sensor noise.

    Returns:
        The image.
    """
    s = _SUPERSAMPLE

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (x0 * s, y0 * s, x1 * s, y1 * s)

    background = tuple(int(v) for v in rng.integers(70, 200, size=3))
    skin = _SKIN_TONES[int(rng.integers(len(_SKIN_TONES)))]
    canvas = PILImage.new("RGB", (IMAGE_SIZE * s, IMAGE_SIZE * s), background)
    draw = ImageDraw.Draw(canvas)
    (x0, y0), (x1, y1) = geometry.bounding_box()
    draw.ellipse(box(x0, y0, x1, y1), fill=skin)
    for eye_x, eye_y, half_width in geometry.eyes():
        half_height = geometry.eye_half_width * 0.42
        draw.ellipse(box(eye_x - half_width, eye_y - half_height, eye_x + half_width, eye_y + half_height), fill=_EYE)
        if conditions.occlusion == "glasses":
            margin = 3.5
            draw.rectangle(
                box(
                    eye_x - half_width - margin,
                    eye_y - half_height - margin,
                    eye_x + half_width + margin,
                    eye_y + half_height + margin,
                ),
                outline=_EYE,
                width=int(1.2 * s),
            )
    nose_x, nose_y = geometry.nose_x(), geometry.nose_y
    nostril = geometry.radii[0] * 0.05
    for dx in (-2.2 * nostril, 2.2 * nostril):
        draw.ellipse(box(nose_x + dx - nostril, nose_y - nostril, nose_x + dx + nostril, nose_y + nostril), fill=_EYE)
    (mouth_left_x, mouth_y), (mouth_right_x, _) = geometry.keypoints()[3:]
    lip = geometry.radii[1] * 0.05
    draw.ellipse(box(mouth_left_x, mouth_y - lip, mouth_right_x, mouth_y + lip), fill=_MOUTH)
    image = canvas.resize((IMAGE_SIZE, IMAGE_SIZE), PILImage.Resampling.LANCZOS)
    radius = _BLURS[conditions.blur]
    if radius > 0:
        image = image.filter(ImageFilter.GaussianBlur(radius))
    pixels = np.asarray(image, dtype=np.float32) * _LIGHTING[conditions.lighting]
    pixels += rng.normal(0.0, 3.0, size=pixels.shape).astype(np.float32)
    return PILImage.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="RGB")


def default_data_dir() -> Path:
    """Where the example keeps its images unless told otherwise: ``$ASSAY_HOME/examples/keypoints``."""
    home = Path(os.environ.get("ASSAY_HOME") or Path.home() / ".assay").expanduser()
    return home / "examples" / "keypoints"


def _write_png(image: PILImage.Image, path: Path) -> None:
    # Written beside the target and renamed, so that a run killed half-way never leaves a truncated image.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".png")
    os.close(handle)
    try:
        image.save(temporary, format="PNG")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def generate_benchmark(
    data_dir: Path | None = None, n_images: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED
) -> list[FaceRecord]:
    """Generate the benchmark: draw its images into ``data_dir``, describe them as samples and ground truths.

    Images already on disk are kept (they are the same pixels), so a second call is cheap.

    Args:
        data_dir: The folder for the images (made if missing); :func:`default_data_dir` when omitted.
        n_images: How many faces.
        seed: The seed of everything random; the same seed gives the same benchmark.

    Returns:
        One record per face, in index order. Each test sample's locator is the ``file://`` URI of its image
        and its metadata holds the conditions, the yaw in degrees and the face width in pixels.

    Raises:
        InputValidationError: ``n_images`` is not positive.
    """
    if n_images < 1:
        raise InputValidationError(f"n_images must be at least 1, got {n_images}", field="n_images")
    folder = (data_dir or default_data_dir()).expanduser().resolve() / f"seed-{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    records = []
    for index in range(n_images):
        conditions = sample_conditions(rng)
        geometry = sample_geometry(rng, conditions.pose)
        # Each image has its own generator, so the pixels of one face do not depend on which files exist.
        pixels_rng = np.random.default_rng([seed, index])
        path = folder / f"face-{index:04d}.png"
        if not path.exists():
            _write_png(render(geometry, conditions, pixels_rng), path)
        points = geometry.keypoints()
        top_left, bottom_right = geometry.bounding_box()
        test_sample = TestSample(
            locator=path.as_uri(),
            bbox=BoundingBox(top_left, bottom_right),
            metadata={
                "pose": conditions.pose,
                "blur": conditions.blur,
                "lighting": conditions.lighting,
                "occlusion": conditions.occlusion,
                "yaw_degrees": round(math.degrees(geometry.yaw), 1),
                "face_width": round(2 * geometry.radii[0], 1),
            },
        )
        ground_truth = GroundTruth(
            keypoints=Keypoints(points=points),
            normalization_factor=math.dist(points[0], points[1]),
        )
        records.append(FaceRecord(index, geometry, conditions, test_sample, ground_truth))
    return records


def training_shapes(
    n_faces: int = 500, seed: int = DEFAULT_SEED + 1
) -> list[tuple[BoundingBox, list[tuple[float, float]]]]:
    """Faces for fitting a model, drawn from the same distribution as the benchmark but from another seed.

    No image is drawn: a shape model needs only each face's box and keypoints.

    Args:
        n_faces: How many faces.
        seed: The seed; keep it different from the benchmark's so the models never see test faces.

    Returns:
        ``(face bounding box, keypoints)`` per face.
    """
    rng = np.random.default_rng(seed)
    shapes = []
    for _ in range(n_faces):
        conditions = sample_conditions(rng)
        geometry = sample_geometry(rng, conditions.pose)
        top_left, bottom_right = geometry.bounding_box()
        shapes.append((BoundingBox(top_left, bottom_right), geometry.keypoints()))
    return shapes
