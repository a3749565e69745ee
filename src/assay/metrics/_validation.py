"""Input checks shared by the metrics modules.

Each helper turns a user value into a numpy array of a known dtype and shape, or raises
:class:`MetricsInputError` naming the argument, so that the numeric code after it can assume clean input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from assay.metrics._errors import MetricsInputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def as_float_array(value: Any, name: str, *, ndim: int | None = 1, finite: bool = True) -> FloatArray:
    """Return ``value`` as a float64 array, checking its number of dimensions and finiteness."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise MetricsInputError(f"{name} must be numeric, got {type(value).__name__}: {error}") from None
    if ndim is not None and array.ndim != ndim:
        raise MetricsInputError(f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if finite and array.size and not np.all(np.isfinite(array)):
        raise MetricsInputError(f"{name} must be finite; found NaN or infinity")
    return array


def as_int_array(value: Any, name: str, *, ndim: int = 1, minimum: int | None = None) -> IntArray:
    """Return ``value`` as an int64 array of integral values, optionally bounded below."""
    raw = np.asarray(value)
    if raw.size == 0:
        return np.zeros(raw.shape if raw.ndim == ndim else (0,) * ndim, dtype=np.int64)
    if raw.dtype.kind == "b" or raw.dtype.kind not in "iuf":
        raise MetricsInputError(f"{name} must hold integers, got dtype {raw.dtype}")
    if raw.dtype.kind == "f":
        if not np.all(np.isfinite(raw)) or not np.all(raw == np.round(raw)):
            raise MetricsInputError(f"{name} must hold integers, got non-integral floats")
    array = raw.astype(np.int64, copy=False)
    if array.ndim != ndim:
        raise MetricsInputError(f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if minimum is not None and array.size and int(array.min()) < minimum:
        raise MetricsInputError(f"{name} must be >= {minimum}, got {int(array.min())}")
    return array


def as_bool_array(value: Any, name: str, length: int) -> BoolArray:
    """Return ``value`` as a 1-D boolean array of ``length`` items."""
    array = np.asarray(value)
    if array.dtype.kind not in "biu":
        raise MetricsInputError(f"{name} must be booleans, got dtype {array.dtype}")
    array = array.astype(bool)
    if array.shape != (length,):
        raise MetricsInputError(f"{name} must have shape ({length},), got {array.shape}")
    return array


def check_same_length(**arrays: Sequence[Any] | npt.NDArray[Any]) -> int:
    """Return the common length of the named arrays, or raise naming the ones that differ."""
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{name}={length}" for name, length in lengths.items())
        raise MetricsInputError(f"inputs must have the same length, got {detail}")
    return next(iter(lengths.values()), 0)
