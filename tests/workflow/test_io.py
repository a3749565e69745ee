"""Dataframes of data objects to and from CSV, JSON and Parquet."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest

from assay.workflow import Image
from assay.workflow.annotation import BoundingBox, Keypoints, LabeledBoundingBox, ScoredLabel
from assay.workflow.io import (
    dataframe_from_csv,
    dataframe_from_json,
    dataframe_from_parquet,
    dataframe_to_csv,
    dataframe_to_parquet,
)


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "sample": [Image("s3://a.png"), Image("s3://b.png")],
            "boxes": [[LabeledBoundingBox((0, 0), (1, 1), "car", occluded=True)], []],
            "label": [ScoredLabel("cat", 0.5), None],
            "info": [{"k": [1, 2]}, {"k": []}],
            "score": [0.5, math.nan],
            "name": ["a", "b"],
        }
    )


def _assert_same(actual, expected):
    for column in ("sample", "boxes", "label", "info", "name"):
        assert list(actual[column]) == list(expected[column]), column
    assert actual["score"][0] == 0.5 and math.isnan(actual["score"][1])


def test_csv_round_trip(frame):
    text = dataframe_to_csv(frame, index=False)
    assert "ANNOTATION/BOUNDING_BOX" in text
    back = dataframe_from_csv(io.StringIO(text))
    _assert_same(back, frame)
    assert back["boxes"][0][0].occluded is True


def test_csv_to_path(frame, tmp_path):
    path = tmp_path / "frame.csv"
    assert dataframe_to_csv(frame, path, index=False) is None
    _assert_same(dataframe_from_csv(path), frame)


def test_csv_does_not_modify_the_frame(frame):
    dataframe_to_csv(frame, index=False)
    assert isinstance(frame["sample"][0], Image)


def test_csv_cell_parsing():
    text = 'mixed\ntrue\nFalse\n3\n2.5\n\n{not json\n"[1, 2]"\nword\n'
    values = list(dataframe_from_csv(io.StringIO(text), skip_blank_lines=False)["mixed"])
    assert values == [True, False, 3, 2.5, None, "{not json", [1, 2], "word"]


def test_json_round_trip(frame):
    text = frame.drop(columns=["score"]).to_json(orient="records", default_handler=lambda o: o._to_dict())
    back = dataframe_from_json(io.StringIO(text), orient="records")
    assert list(back["sample"]) == list(frame["sample"])
    assert list(back["boxes"]) == list(frame["boxes"])
    assert back["label"][0] == ScoredLabel("cat", 0.5)


def test_parquet_round_trip(frame, tmp_path):
    path = tmp_path / "frame.parquet"
    dataframe_to_parquet(frame, path)
    _assert_same(dataframe_from_parquet(path), frame)


def test_parquet_bytes(frame):
    data = dataframe_to_parquet(frame)
    assert isinstance(data, bytes)
    back = dataframe_from_parquet(io.BytesIO(data))
    assert back["sample"][1] == Image("s3://b.png")


def test_array_cells_become_lists():
    frame = pd.DataFrame({"embedding": [np.array([0.5, 1.5]), np.array([2.0, 3.0])]})
    back = dataframe_from_csv(io.StringIO(dataframe_to_csv(frame, index=False)))
    assert list(back["embedding"]) == [[0.5, 1.5], [2.0, 3.0]]


def test_keypoints_points_survive_csv():
    frame = pd.DataFrame({"kp": [Keypoints([(1.5, 2), (3, 4)])], "box": [BoundingBox((0, 0), (2, 2))]})
    back = dataframe_from_csv(io.StringIO(dataframe_to_csv(frame, index=False)))
    assert back["kp"][0].points == [(1.5, 2.0), (3.0, 4.0)]
    assert back["box"][0].area == 4.0
