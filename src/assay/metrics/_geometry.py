"""Intersection over union of boxes and polygons, one pair at a time or as pairwise matrices.

Annotation objects are duck-typed so that this module needs nothing from the rest of Assay: a box is any
object with ``top_left`` and ``bottom_right`` (``(x, y)`` pairs), a polygon any object with ``points``
(a sequence of ``(x, y)`` pairs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from assay.metrics._errors import MetricsInputError
from assay.metrics._validation import as_float_array

__all__ = ["box_iou_matrix", "iou", "iou_matrix", "polygon_iou_matrix"]


def _is_box(obj: Any) -> bool:
    return hasattr(obj, "top_left") and hasattr(obj, "bottom_right")


def _box_corners(obj: Any) -> tuple[float, float, float, float]:
    (x1, y1), (x2, y2) = obj.top_left, obj.bottom_right
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _as_geometry(obj: Any, name: str) -> BaseGeometry:
    if _is_box(obj):
        return shapely.box(*_box_corners(obj))
    if hasattr(obj, "points"):
        points = np.asarray(obj.points, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] < 3:
            raise MetricsInputError(f"{name} must be a polygon of at least 3 (x, y) points, got {points.shape}")
        polygon = shapely.Polygon(points)
        # A self-intersecting outline is repaired rather than refused, as annotation tools produce them.
        return polygon if polygon.is_valid else shapely.make_valid(polygon)
    raise MetricsInputError(
        f"{name} must be a bounding box (top_left, bottom_right) or a polygon (points), got {type(obj).__name__}"
    )


def iou(a: Any, b: Any) -> float:
    """Intersection over union of two boxes or polygons (any combination).

    ``IoU = area(a ∩ b) / area(a ∪ b)``. Boxes are computed analytically; polygons with shapely after
    repairing invalid outlines. Shapes that only touch have IoU 0.0, and so does a pair whose union has
    no area (two degenerate boxes).

    Args:
        a: A box (``top_left``, ``bottom_right``) or a polygon (``points``).
        b: A box or a polygon.

    Returns:
        The IoU, in [0, 1].

    Raises:
        MetricsInputError: If an argument is neither a box nor a polygon of at least three points.

    Example:
        >>> from dataclasses import dataclass
        >>> @dataclass(frozen=True)
        ... class Box:
        ...     top_left: tuple[float, float]
        ...     bottom_right: tuple[float, float]
        >>> iou(Box((0, 0), (2, 2)), Box((1, 0), (3, 2)))
        0.3333333333333333
    """
    if _is_box(a) and _is_box(b):
        ax1, ay1, ax2, ay2 = _box_corners(a)
        bx1, by1, bx2, by2 = _box_corners(b)
        width = min(ax2, bx2) - max(ax1, bx1)
        height = min(ay2, by2) - max(ay1, by1)
        if width <= 0 or height <= 0:
            return 0.0
        inter = width * height
        union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter
        return float(inter / union) if union > 0 else 0.0
    ga, gb = _as_geometry(a, "a"), _as_geometry(b, "b")
    union_area = float(ga.union(gb).area)
    if union_area <= 0:
        return 0.0
    return float(ga.intersection(gb).area) / union_area


def box_iou_matrix(
    a: npt.ArrayLike, b: npt.ArrayLike, *, crowd: npt.ArrayLike | None = None
) -> npt.NDArray[np.float64]:
    """Pairwise IoU of two sets of ``[x1, y1, x2, y2]`` boxes.

    ``M[i, j] = area(a_i ∩ b_j) / area(a_i ∪ b_j)``; 0 where the boxes do not overlap or the union is
    empty. With ``crowd`` (flags over ``b``), a crowd box's denominator is ``area(a_i)`` instead, the COCO
    rule that lets one crowd region cover many detections.

    Args:
        a: ``(n, 4)`` boxes.
        b: ``(m, 4)`` boxes.
        crowd: ``(m,)`` crowd flags for ``b``.

    Returns:
        The ``(n, m)`` IoU matrix.

    Raises:
        MetricsInputError: On a wrong shape or non-finite coordinates.

    Example:
        >>> box_iou_matrix([[0, 0, 2, 2]], [[1, 0, 3, 2], [5, 5, 6, 6]]).round(4).tolist()
        [[0.3333, 0.0]]
    """
    boxes_a = as_float_array(a, "a", ndim=None).reshape(-1, 4)
    boxes_b = as_float_array(b, "b", ndim=None).reshape(-1, 4)
    width = np.minimum(boxes_a[:, None, 2], boxes_b[None, :, 2]) - np.maximum(boxes_a[:, None, 0], boxes_b[None, :, 0])
    height = np.minimum(boxes_a[:, None, 3], boxes_b[None, :, 3]) - np.maximum(boxes_a[:, None, 1], boxes_b[None, :, 1])
    inter = np.clip(width, 0, None) * np.clip(height, 0, None)
    area_a = (boxes_a[:, 2] - boxes_a[:, 0]) * (boxes_a[:, 3] - boxes_a[:, 1])
    area_b = (boxes_b[:, 2] - boxes_b[:, 0]) * (boxes_b[:, 3] - boxes_b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    if crowd is not None:
        flags = np.asarray(crowd, dtype=bool)
        if flags.shape != (boxes_b.shape[0],):
            raise MetricsInputError(f"crowd must have shape ({boxes_b.shape[0]},), got {flags.shape}")
        union = np.where(flags[None, :], area_a[:, None], union)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.where((inter > 0) & (union > 0), inter / np.where(union > 0, union, 1.0), 0.0)
    return np.asarray(result, dtype=np.float64)


def polygon_iou_matrix(a: Sequence[Any], b: Sequence[Any]) -> npt.NDArray[np.float64]:
    """Pairwise IoU of two sequences of polygons or boxes (annotation objects), computed with shapely.

    Args:
        a: Boxes or polygons.
        b: Boxes or polygons.

    Returns:
        The ``(len(a), len(b))`` IoU matrix; 0 where the union has no area.

    Raises:
        MetricsInputError: If an item is neither a box nor a polygon.

    Example:
        >>> from dataclasses import dataclass
        >>> @dataclass(frozen=True)
        ... class Polygon:
        ...     points: list[tuple[float, float]]
        >>> square = Polygon([(0, 0), (2, 0), (2, 2), (0, 2)])
        >>> polygon_iou_matrix([square], [square]).tolist()
        [[1.0]]
    """
    ga = np.array([_as_geometry(x, f"a[{i}]") for i, x in enumerate(a)], dtype=object)
    gb = np.array([_as_geometry(x, f"b[{i}]") for i, x in enumerate(b)], dtype=object)
    if ga.size == 0 or gb.size == 0:
        return np.zeros((ga.size, gb.size))
    inter = shapely.area(shapely.intersection(ga[:, None], gb[None, :]))
    union = shapely.area(ga)[:, None] + shapely.area(gb)[None, :] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)
    return np.asarray(np.clip(result, 0.0, 1.0), dtype=np.float64)


def iou_matrix(a: Sequence[Any], b: Sequence[Any]) -> npt.NDArray[np.float64]:
    """Pairwise IoU of two sequences of annotation objects (boxes, polygons, or a mix).

    Uses the vectorised box formula when every item is a box, shapely otherwise.

    Args:
        a: Boxes or polygons.
        b: Boxes or polygons.

    Returns:
        The ``(len(a), len(b))`` IoU matrix.

    Raises:
        MetricsInputError: If an item is neither a box nor a polygon.

    Example:
        >>> from dataclasses import dataclass
        >>> @dataclass(frozen=True)
        ... class Box:
        ...     top_left: tuple[float, float]
        ...     bottom_right: tuple[float, float]
        >>> iou_matrix([Box((0, 0), (2, 2))], [Box((0, 0), (2, 2)), Box((1, 0), (3, 2))]).round(4).tolist()
        [[1.0, 0.3333]]
    """
    if all(_is_box(x) for x in a) and all(_is_box(x) for x in b):
        corners_a = np.array([_box_corners(x) for x in a], dtype=np.float64).reshape(-1, 4)
        corners_b = np.array([_box_corners(x) for x in b], dtype=np.float64).reshape(-1, 4)
        return box_iou_matrix(corners_a, corners_b)
    return polygon_iou_matrix(a, b)
