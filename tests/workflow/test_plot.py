"""Plots: construction checks, tags and round trips."""

from __future__ import annotations

import pytest

from assay.errors import InputValidationError
from assay.workflow import AxisConfig, BarPlot, ConfusionMatrix, Curve, CurvePlot, Histogram, Plot
from assay.workflow.plot import revive_plot

PLOTS = [
    (
        CurvePlot(
            "PR",
            "recall",
            "precision",
            [Curve([0, 0.5, 1], [1, 0.8, 0.2], label="a", extra={"threshold": [0.9, 0.5, 0.1]})],
            y_config=AxisConfig("log"),
        ),
        "PLOT/CURVE",
    ),
    (Histogram("scores", "score", "count", [0, 0.5, 1], [3, 4]), "PLOT/HISTOGRAM"),
    (
        Histogram("scores", "score", "count", [0, 0.5, 1], [[3, 4], [1, 2]], labels=["tp", "fp"]),
        "PLOT/HISTOGRAM",
    ),
    (BarPlot("errors", "class", "count", ["cat", "dog", 3], [1, None, 2.5]), "PLOT/BAR"),
    (ConfusionMatrix("cm", ["cat", "dog"], [[5, 1], [2, 7]]), "PLOT/CONFUSION_MATRIX"),
]


@pytest.mark.parametrize(("plot", "tag"), PLOTS, ids=lambda v: getattr(v, "title", ""))
def test_round_trip_by_tag(plot, tag):
    data = plot._to_dict()
    assert data["data_type"] == tag
    assert isinstance(plot, Plot)
    assert revive_plot(data) == plot


def test_confusion_matrix_defaults():
    data = ConfusionMatrix("cm", ["a", "b"], [[1, 0], [0, 1]])._to_dict()
    assert (data["x_label"], data["y_label"]) == ("Predicted", "Actual")


def test_integer_counts_stay_integers():
    assert ConfusionMatrix("cm", ["a", "b"], [[1, 0], [0, 1]]).matrix == [[1, 0], [0, 1]]
    assert type(BarPlot("b", "x", "y", ["a"], [3]).values[0]) is int


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Curve([0, 1], [1]), r"Curve\.y: has 1 values but x has 2"),
        (lambda: Curve([0, 1], [1, 2], extra={"t": [1]}), r"Curve\.extra: series 't'"),
        (lambda: Histogram("h", "x", "y", [0], []), r"Histogram\.buckets: needs at least 2"),
        (lambda: Histogram("h", "x", "y", [0, 2, 1], [1, 1]), "strictly increasing"),
        (
            lambda: Histogram("h", "x", "y", [0, 1, 2], [1]),
            r"Histogram\.frequency: has 1 values for 2 buckets",
        ),
        (lambda: Histogram("h", "x", "y", [0, 1, 2], [[1, 2], [3, 4]]), r"Histogram\.labels"),
        (lambda: Histogram("h", "x", "y", [0, 1, 2], [[1, 2], [3]], labels=["a", "b"]), "row 1"),
        (lambda: BarPlot("b", "x", "y", [], []), r"BarPlot\.labels: needs at least one"),
        (lambda: BarPlot("b", "x", "y", ["a", "b"], [1]), r"BarPlot\.values"),
        (lambda: ConfusionMatrix("c", ["a"], [[1]]), "at least 2 labels"),
        (lambda: ConfusionMatrix("c", ["a", "b"], [[1, 2], [3]]), "must be 2x2"),
        (lambda: ConfusionMatrix("c", ["a", "b"], [[1, 2]]), "must be 2x2"),
        (lambda: AxisConfig("cubic"), r"AxisConfig\.type: expected 'linear' or 'log'"),
        (lambda: CurvePlot("t", "x", "y", [[0, 1]]), r"CurvePlot\.curves\[0\]: expected Curve"),
    ],
)
def test_construction_checks(build, message):
    with pytest.raises(InputValidationError, match=message):
        build()


@pytest.mark.parametrize("data", [{"title": "x"}, {"data_type": "ANNOTATION/LABEL", "label": "a"}, []])
def test_revive_plot_refuses_non_plots(data):
    with pytest.raises(InputValidationError):
        revive_plot(data)
