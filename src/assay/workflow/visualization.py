r"""Activation maps as images: colour a 2-D map and encode it as PNG, to upload and show as a ``BitmapMask``.

Example:
    >>> import numpy as np
    >>> rgba = colorize_activation_map(np.linspace(0, 1, 12).reshape(3, 4))
    >>> rgba.shape, rgba.dtype
    ((3, 4, 4), dtype('uint8'))
    >>> encode_png(rgba, mode="RGBA").getvalue()[:4]
    b'\x89PNG'
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from io import BytesIO

import numpy as np
from numpy.typing import NDArray
from PIL import Image as PILImage

from assay.errors import InputValidationError

__all__ = ["Colormap", "ColormapJet", "colorize_activation_map", "encode_png"]


class Colormap(ABC):
    """Maps an activation level in 0..255 to an RGBA colour.

    Args:
        fade_low_activation: Make low activations transparent (alpha rising with the level), so the image
            under the map stays visible where the model paid no attention.
    """

    def __init__(self, fade_low_activation: bool = True) -> None:
        self.fade_low_activation = fade_low_activation

    @abstractmethod
    def rgb(self, levels: NDArray[np.float64]) -> NDArray[np.float64]:
        """The RGB colour of each level in ``[0, 1]``, as an ``(n, 3)`` array of values in ``[0, 1]``."""

    def lookup_table(self) -> NDArray[np.uint8]:
        """The ``(256, 4)`` RGBA table: row ``i`` is the colour of activation level ``i``."""
        levels = np.arange(256, dtype=np.float64) / 255.0
        rgb = np.clip(self.rgb(levels), 0.0, 1.0)
        alpha = np.minimum(1.0, levels * 2.0) if self.fade_low_activation else np.ones(256)
        table = np.concatenate([rgb, alpha[:, None]], axis=1)
        return np.round(table * 255.0).astype(np.uint8)


class ColormapJet(Colormap):
    """The "jet" colour scale: blue for low activations, through cyan, yellow, to red for high ones."""

    def rgb(self, levels: NDArray[np.float64]) -> NDArray[np.float64]:
        """Jet's piecewise-linear red, green and blue ramps."""

        def ramp(center: float) -> NDArray[np.float64]:
            return np.clip(1.5 - np.abs(4.0 * levels - center), 0.0, 1.0)

        return np.stack([ramp(3.0), ramp(2.0), ramp(1.0)], axis=1)


def _levels(activation_map: NDArray[np.generic]) -> NDArray[np.uint8]:
    array = np.asarray(activation_map)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim != 2 or array.size == 0:
        raise InputValidationError(
            f"activation map must have shape (height, width) or (height, width, 1), got {array.shape}",
            field="activation_map",
        )
    if array.dtype == np.uint8:
        return array
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)) or array.min() < 0.0 or array.max() > 1.0:
            raise InputValidationError("a float activation map must hold values in [0, 1]", field="activation_map")
        return np.round(array * 255.0).astype(np.uint8)
    raise InputValidationError(
        f"activation map must be uint8 or float in [0, 1], got dtype {array.dtype}", field="activation_map"
    )


def colorize_activation_map(activation_map: NDArray[np.generic], colormap: Colormap | None = None) -> NDArray[np.uint8]:
    """Colour a 2-D activation map into an RGBA image.

    Args:
        activation_map: ``uint8`` levels, or floats in ``[0, 1]``; shape ``(h, w)`` or ``(h, w, 1)``.
        colormap: The colour scale; :class:`ColormapJet` with faded low activations by default.

    Returns:
        An ``(h, w, 4)`` ``uint8`` RGBA array.

    Raises:
        InputValidationError: another shape or dtype, or floats outside ``[0, 1]``.
    """
    table = (colormap or ColormapJet()).lookup_table()
    return table[_levels(activation_map)]


def encode_png(image: NDArray[np.generic], mode: str) -> BytesIO:
    """Encode an image array as PNG.

    Args:
        image: The pixels, e.g. the output of :func:`colorize_activation_map`.
        mode: The Pillow mode of the array: ``"RGBA"``, ``"RGB"``, ``"L"``...

    Returns:
        A buffer positioned at its start, ready to upload.

    Raises:
        InputValidationError: an array that does not fit the mode.
    """
    array = np.asarray(image)
    # Pillow infers the mode from shape and dtype (its `mode=` argument is deprecated): check that it agrees.
    try:
        picture = PILImage.fromarray(array)
    except (TypeError, ValueError) as error:
        raise InputValidationError(f"cannot encode an image of shape {array.shape} as {mode!r}: {error}") from None
    if picture.mode != mode:
        raise InputValidationError(
            f"cannot encode an image of shape {array.shape} and dtype {array.dtype} as {mode!r}: "
            f"such an array is a {picture.mode!r} image"
        )
    buffer = BytesIO()
    picture.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer
