"""Two small, deterministic keypoint models with different strengths.

- :class:`MeanShapeRegressor` ("model A") places the average face shape, learnt from training faces, inside
  the face box. It never looks at the pixels, so blur, lighting and glasses cannot hurt it, but it cannot
  follow a turned head: on profile faces it is far off.
- :class:`DarkBlobDetector` ("model B") reads the image and finds the eyes and nostrils as dark blobs and the
  mouth as a red one. It follows any pose, but its fixed thresholds lose thin features under blur, and glasses
  frames pass for eyes. When it loses a feature it guesses the middle of where it searched.

Both take a :class:`~examples.keypoint_detection.workflow.TestSample` and return an
:class:`~examples.keypoint_detection.workflow.Inference`, the form ``Model(name, infer=...)`` wants.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import numpy as np
from examples.keypoint_detection.workflow import Inference, TestSample
from PIL import Image as PILImage

from assay.errors import InputValidationError
from assay.workflow.annotation import BoundingBox, Keypoints

MODEL_A = "mean-shape-regressor"
MODEL_B = "dark-blob-detector"


def _face_box(test_sample: TestSample, image_size: tuple[int, int] | None = None) -> tuple[float, float, float, float]:
    # Without a box from the upstream detector, the face is assumed to fill the frame.
    if test_sample.bbox is not None:
        (x0, y0), (x1, y1) = test_sample.bbox.top_left, test_sample.bbox.bottom_right
        return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
    if image_size is None:
        with PILImage.open(_local_path(test_sample.locator)) as image:
            image_size = image.size
    return 0.0, 0.0, float(image_size[0]), float(image_size[1])


def _local_path(locator: str) -> Path:
    parsed = urlparse(locator)
    if parsed.scheme not in ("", "file"):
        raise InputValidationError(f"these example models read local images only, got locator {locator!r}")
    return Path(url2pathname(unquote(parsed.path))) if parsed.scheme == "file" else Path(locator)


class MeanShapeRegressor:
    """Model A: the mean face shape in box-relative coordinates, scaled into each face box.

    Args:
        shapes: Training faces as ``(face box, keypoints)``; the model is the mean of their box-relative
            keypoints.
    """

    def __init__(self, shapes: Sequence[tuple[BoundingBox, Sequence[tuple[float, float]]]]) -> None:
        if not shapes:
            raise InputValidationError("MeanShapeRegressor needs at least one training face")
        relative = []
        for box, points in shapes:
            (x0, y0), (x1, y1) = box.top_left, box.bottom_right
            scale = np.array([x1 - x0, y1 - y0])
            relative.append((np.asarray(points, dtype=float) - np.array([x0, y0])) / scale)
        self.mean_shape = np.mean(relative, axis=0)
        """The learnt shape: one ``(u, v)`` per keypoint, as fractions of the face box's width and height."""

    def infer(self, test_sample: TestSample) -> Inference:
        """Predict the keypoints of one face from its box alone.

        The confidence is the same for every face: without looking at the pixels the model has no way to
        tell an easy face from a hard one.
        """
        x0, y0, x1, y1 = _face_box(test_sample)
        points = self.mean_shape * np.array([x1 - x0, y1 - y0]) + np.array([x0, y0])
        return Inference(
            keypoints=Keypoints(points=[(float(x), float(y)) for x, y in points]),
            confidence=0.5,
        )


class DarkBlobDetector:
    """Model B: finds the eyes and nostrils as dark blobs and the mouth as a red blob inside the face box.

    Thresholds are relative to the face's median brightness, which makes the detector indifferent to lighting,
    but they are fixed otherwise: blur spreads a thin feature until it no longer passes them.

    Args:
        dark: A pixel is dark below this fraction of the face's median brightness.
        red: A pixel is red when its red channel exceeds the mean of green and blue by this fraction of its
            own brightness.
    """

    # Bands of the face box, as fractions of its height, where each feature is searched for.
    EYE_BAND = (0.2, 0.5)
    NOSE_BAND = (0.5, 0.68)
    MOUTH_BAND = (0.62, 0.9)

    def __init__(self, dark: float = 0.45, red: float = 1.0) -> None:
        self.dark = dark
        self.red = red

    def infer(self, test_sample: TestSample) -> Inference:
        """Read the image of one face and locate its five keypoints.

        The confidence is the share of the three features (eyes, nose, mouth) that were found.
        """
        with PILImage.open(_local_path(test_sample.locator)) as image:
            pixels = np.asarray(image.convert("RGB"), dtype=np.float32)
        height, width = pixels.shape[:2]
        x0, y0, x1, y1 = _face_box(test_sample, (width, height))
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32) + 0.5
        u = (xs - (x0 + x1) / 2) / ((x1 - x0) / 2)
        v = (ys - y0) / (y1 - y0)
        inside = u**2 + ((v - 0.5) * 2) ** 2 <= 1.0
        luminance = pixels @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        reference = float(np.median(luminance[inside])) if inside.any() else float(np.median(luminance))
        dark = inside & (luminance < self.dark * reference)
        redness = pixels[..., 0] - (pixels[..., 1] + pixels[..., 2]) / 2
        red = inside & (redness > self.red * np.maximum(luminance, 1.0))

        def band(mask: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
            return mask & (v >= bounds[0]) & (v < bounds[1])

        def band_centre(bounds: tuple[float, float]) -> tuple[float, float]:
            return (x0 + x1) / 2, y0 + (y1 - y0) * (bounds[0] + bounds[1]) / 2

        found = 0
        eyes = band(dark, self.EYE_BAND)
        if eyes.any():
            found += 1
            left_eye, right_eye = _split_by_x(xs[eyes], ys[eyes])
            left_outer = (float(left_eye[0].min()) - 0.5, float(left_eye[1].mean()))
            right_outer = (float(right_eye[0].max()) + 0.5, float(right_eye[1].mean()))
        else:
            left_outer = right_outer = band_centre(self.EYE_BAND)
        nose = band(dark, self.NOSE_BAND)
        if nose.any():
            found += 1
            nose_bottom = (float(xs[nose].mean()), float(ys[nose].mean()))
        else:
            nose_bottom = band_centre(self.NOSE_BAND)
        mouth = band(red, self.MOUTH_BAND)
        if mouth.any():
            found += 1
            mouth_y = float(ys[mouth].mean())
            mouth_left = (float(xs[mouth].min()) - 0.5, mouth_y)
            mouth_right = (float(xs[mouth].max()) + 0.5, mouth_y)
        else:
            mouth_left = mouth_right = band_centre(self.MOUTH_BAND)
        points = [left_outer, right_outer, nose_bottom, mouth_left, mouth_right]
        return Inference(keypoints=Keypoints(points=points), confidence=found / 3)


def _split_by_x(xs: np.ndarray, ys: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    # Two eyes are two runs of columns: split at the widest horizontal gap. One blob only (an eye lost) is
    # still split, at its widest gap, which is the kind of mistake a detector without a shape prior makes.
    order = np.argsort(xs, kind="stable")
    xs, ys = xs[order], ys[order]
    if len(xs) == 1:
        return (xs, ys), (xs, ys)
    cut = int(np.argmax(np.diff(xs))) + 1
    return (xs[:cut], ys[:cut]), (xs[cut:], ys[cut:])
