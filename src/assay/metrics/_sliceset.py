"""Slice membership in compressed form, shared by the per-slice engines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from assay.metrics._errors import MetricsInputError

__all__ = ["SliceSet", "SlicesLike"]

SlicesLike = "SliceSet | npt.ArrayLike | Sequence[npt.ArrayLike] | None"


class SliceSet:
    """Which samples belong to which slice (test case), stored as compressed index lists.

    A slice is a set of sample indices in ``range(num_samples)``; slices may overlap. Build one from a
    boolean matrix (:meth:`from_masks`), from index lists (:meth:`from_indices`), or let the engines
    coerce either form with :meth:`coerce`.

    Attributes:
        num_samples: Number of samples the indices refer to.
        indptr: Offsets of each slice in ``indices``; slice ``s`` is ``indices[indptr[s]:indptr[s + 1]]``.
        indices: Sorted, unique sample indices of all slices, concatenated.

    Example:
        >>> s = SliceSet.from_indices([[0, 2], [1]], num_samples=3)
        >>> len(s), s.sizes().tolist()
        (2, [2, 1])
    """

    def __init__(self, indptr: npt.NDArray[np.int64], indices: npt.NDArray[np.int64], num_samples: int):
        self.indptr = indptr
        self.indices = indices
        self.num_samples = num_samples

    def __len__(self) -> int:
        return int(self.indptr.shape[0] - 1)

    def __repr__(self) -> str:
        return f"SliceSet(slices={len(self)}, num_samples={self.num_samples})"

    def sizes(self) -> npt.NDArray[np.int64]:
        """Return the number of samples in each slice."""
        return np.diff(self.indptr)

    def members(self, index: int) -> npt.NDArray[np.int64]:
        """Return the sample indices of slice ``index``."""
        return self.indices[self.indptr[index] : self.indptr[index + 1]]

    @classmethod
    def everything(cls, num_samples: int) -> SliceSet:
        """Return one slice holding every sample."""
        return cls(np.array([0, num_samples], dtype=np.int64), np.arange(num_samples, dtype=np.int64), num_samples)

    @classmethod
    def from_masks(cls, masks: npt.ArrayLike) -> SliceSet:
        """Build from a boolean matrix of shape ``(num_slices, num_samples)``.

        Raises:
            MetricsInputError: If ``masks`` is not a 2-D boolean (or 0/1) matrix.
        """
        array = np.asarray(masks)
        if array.ndim != 2 or array.dtype.kind not in "biu":
            raise MetricsInputError(f"slices must be a 2-D boolean matrix, got shape {array.shape} of {array.dtype}")
        if array.dtype.kind != "b":
            if array.size and not np.isin(array, (0, 1)).all():
                raise MetricsInputError("slices given as a matrix must hold only 0/1 or booleans")
            array = array.astype(bool)
        rows, cols = np.nonzero(array)
        indptr = np.zeros(array.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=array.shape[0]), out=indptr[1:])
        return cls(indptr, cols.astype(np.int64), int(array.shape[1]))

    @classmethod
    def from_indices(cls, slices: Sequence[npt.ArrayLike], num_samples: int) -> SliceSet:
        """Build from one sequence of sample indices per slice (duplicates are dropped).

        Raises:
            MetricsInputError: If an index is not an integer in ``range(num_samples)``.
        """
        parts: list[npt.NDArray[np.int64]] = []
        for position, members in enumerate(slices):
            raw = np.asarray(members)
            if raw.size and (raw.ndim != 1 or raw.dtype.kind not in "iu"):
                raise MetricsInputError(f"slice {position} must be a 1-D list of integer sample indices")
            unique = raw.astype(np.int64, copy=False)
            if unique.size > 1 and not np.all(unique[1:] > unique[:-1]):
                # Only unsorted or repeated input pays for a sort.
                unique = np.unique(unique)
            if unique.size and (unique[0] < 0 or unique[-1] >= num_samples):
                bad = unique[0] if unique[0] < 0 else unique[-1]
                raise MetricsInputError(f"slice {position} holds sample index {bad}, outside 0..{num_samples - 1}")
            parts.append(unique)
        indptr = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([part.size for part in parts], out=indptr[1:])
        indices = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return cls(indptr, indices, num_samples)

    @classmethod
    def coerce(cls, slices: Any, num_samples: int) -> SliceSet:
        """Accept ``None`` (one slice of everything), a :class:`SliceSet`, a mask matrix or index lists.

        Raises:
            MetricsInputError: If the value has none of these forms or refers to other samples.
        """
        if slices is None:
            return cls.everything(num_samples)
        if isinstance(slices, SliceSet):
            if slices.num_samples != num_samples:
                raise MetricsInputError(f"slices refer to {slices.num_samples} samples, but the data has {num_samples}")
            return slices
        if isinstance(slices, np.ndarray) and slices.ndim == 2:
            if slices.shape[1] != num_samples:
                raise MetricsInputError(
                    f"slice mask matrix has {slices.shape[1]} columns, but the data has {num_samples} samples"
                )
            return cls.from_masks(slices)
        if isinstance(slices, np.ndarray) and slices.ndim == 1:
            raise MetricsInputError("slices must be a 2-D mask matrix or a list of index lists, got a 1-D array")
        if isinstance(slices, Sequence) and not isinstance(slices, str | bytes):
            return cls.from_indices(slices, num_samples)
        raise MetricsInputError(f"slices must be a mask matrix or a list of index lists, got {type(slices).__name__}")
