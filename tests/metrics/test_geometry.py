"""IoU of boxes and polygons, one pair and pairwise matrices."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from metrics_helpers import Box, Polygon

from assay.metrics import MetricsInputError, box_iou_matrix, iou, iou_matrix, polygon_iou_matrix

coordinate = st.integers(-20, 20)


@st.composite
def boxes(draw):
    x1, x2 = sorted([draw(coordinate), draw(coordinate)])
    y1, y2 = sorted([draw(coordinate), draw(coordinate)])
    return Box((float(x1), float(y1)), (float(x2), float(y2)))


def shapely_iou(a, b):
    ga = shapely.box(*a.top_left, *a.bottom_right)
    gb = shapely.box(*b.top_left, *b.bottom_right)
    union = ga.union(gb).area
    return ga.intersection(gb).area / union if union > 0 else 0.0


@given(a=boxes(), b=boxes())
def test_box_iou_equals_shapely_and_is_symmetric(a, b):
    assert iou(a, b) == pytest.approx(shapely_iou(a, b), abs=1e-12)
    assert iou(a, b) == pytest.approx(iou(b, a), abs=1e-15)
    assert 0.0 <= iou(a, b) <= 1.0


@given(a=boxes(), b=boxes())
def test_box_as_polygon_gives_the_same_iou(a, b):
    (x1, y1), (x2, y2) = b.top_left, b.bottom_right
    if x1 == x2 or y1 == y2:
        return  # a degenerate box is not a polygon
    polygon = Polygon([(x1, y1), (x2, y1), (x2, y2), (x1, y2)])
    assert iou(a, polygon) == pytest.approx(iou(a, b), abs=1e-12)


def test_touching_boxes_have_zero_iou():
    assert iou(Box((0, 0), (1, 1)), Box((1, 0), (2, 1))) == 0.0


def test_identical_boxes_have_iou_one_and_degenerate_ones_zero():
    assert iou(Box((0, 0), (3, 2)), Box((0, 0), (3, 2))) == 1.0
    assert iou(Box((0, 0), (0, 0)), Box((0, 0), (0, 0))) == 0.0


def test_self_intersecting_polygon_is_repaired():
    bowtie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    square = Polygon([(0, 0), (2, 0), (2, 2), (0, 2)])
    assert iou(bowtie, square) == pytest.approx(0.5)


def test_unknown_objects_and_short_polygons_are_refused():
    with pytest.raises(MetricsInputError, match="bounding box"):
        iou(object(), Box((0, 0), (1, 1)))
    with pytest.raises(MetricsInputError, match="3"):
        iou(Polygon([(0, 0), (1, 1)]), Box((0, 0), (1, 1)))


@given(st.lists(boxes(), min_size=0, max_size=5), st.lists(boxes(), min_size=0, max_size=5))
def test_matrices_equal_pairwise_iou(a, b):
    expected = np.array([[iou(x, y) for y in b] for x in a]).reshape(len(a), len(b))
    np.testing.assert_allclose(iou_matrix(a, b), expected, atol=1e-12)
    corners = lambda items: np.array([[*x.top_left, *x.bottom_right] for x in items]).reshape(-1, 4)  # noqa: E731
    np.testing.assert_allclose(box_iou_matrix(corners(a), corners(b)), expected, atol=1e-12)


def test_polygon_matrix_mixes_boxes_and_polygons():
    triangle = Polygon([(0, 0), (2, 0), (0, 2)])
    square = Box((0, 0), (2, 2))
    np.testing.assert_allclose(polygon_iou_matrix([triangle], [square, triangle]), [[0.5, 1.0]])


def test_crowd_columns_divide_by_the_first_box_area():
    matrix = box_iou_matrix([[0, 0, 1, 1]], [[0, 0, 4, 4], [0, 0, 4, 4]], crowd=[True, False])
    np.testing.assert_allclose(matrix, [[1.0, 1 / 16]])
