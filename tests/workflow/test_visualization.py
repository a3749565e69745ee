"""Activation maps: colouring and PNG encoding."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image as PILImage

from assay.errors import InputValidationError
from assay.workflow.visualization import Colormap, ColormapJet, colorize_activation_map, encode_png


@pytest.mark.parametrize(
    "activation",
    [
        np.linspace(0, 1, 20).reshape(4, 5),
        (np.linspace(0, 1, 20).reshape(4, 5) * 255).astype(np.uint8),
        np.linspace(0, 1, 20).reshape(4, 5, 1).astype(np.float32),
    ],
)
def test_shape_and_dtype(activation):
    rgba = colorize_activation_map(activation)
    assert rgba.shape == (4, 5, 4) and rgba.dtype == np.uint8


def test_jet_runs_blue_to_red():
    rgba = colorize_activation_map(np.array([[0.0, 1.0]]), ColormapJet(fade_low_activation=False))
    low, high = rgba[0, 0], rgba[0, 1]
    assert low[2] > low[0] and high[0] > high[2]
    assert low[3] == high[3] == 255


def test_fading_makes_low_activation_transparent():
    rgba = colorize_activation_map(np.array([[0, 64, 255]], dtype=np.uint8))
    assert rgba[0, 0, 3] == 0 and 0 < rgba[0, 1, 3] < 255 and rgba[0, 2, 3] == 255


def test_custom_colormap():
    class Gray(Colormap):
        def rgb(self, levels):
            return np.stack([levels, levels, levels], axis=1)

    rgba = colorize_activation_map(np.array([[0.5]]), Gray(fade_low_activation=False))
    assert list(rgba[0, 0]) == [128, 128, 128, 255]


@pytest.mark.parametrize(
    "activation",
    [
        np.zeros((2, 2, 3)),
        np.zeros(4),
        np.array([[1.5]]),
        np.array([[-0.1]]),
        np.array([[np.nan]]),
        np.zeros((2, 2), dtype=np.int64),
        np.zeros((0, 3)),
    ],
)
def test_invalid_maps_refused(activation):
    with pytest.raises(InputValidationError, match="activation map"):
        colorize_activation_map(activation)


def test_encode_png_round_trip():
    rgba = colorize_activation_map(np.linspace(0, 1, 12).reshape(3, 4))
    buffer = encode_png(rgba, mode="RGBA")
    assert buffer.tell() == 0
    decoded = np.asarray(PILImage.open(buffer))
    assert np.array_equal(decoded, rgba)


def test_encode_png_refuses_mismatched_mode():
    with pytest.raises(InputValidationError, match="cannot encode"):
        encode_png(np.zeros((2, 2, 4), dtype=np.uint8), mode="L")
