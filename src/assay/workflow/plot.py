"""Plots computed per test case and configuration, shown on the results page next to that case's metrics.

Each plot's serialised form carries a ``PLOT/<TYPE>`` tag. Shapes are checked on construction.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from assay.errors import InputValidationError
from assay.workflow._datatypes import DATA_TYPE_KEY, DataObject, TypedDataObject, classes_for_tag

__all__ = [
    "AxisConfig",
    "BarPlot",
    "ConfusionMatrix",
    "Curve",
    "CurvePlot",
    "Histogram",
    "Plot",
    "revive_plot",
]

_Number = int | float


def _fail(owner: object, field: str, message: str) -> InputValidationError:
    name = type(owner).__name__
    return InputValidationError(f"{name}.{field}: {message}", data_type=name, field=field)


@dataclass(frozen=True)
class AxisConfig(DataObject):
    """How an axis is scaled: ``"linear"`` or ``"log"``."""

    type: Literal["linear", "log"]


@dataclass(frozen=True)
class Plot(TypedDataObject):
    """The base of every plot type."""

    __assay_role__: ClassVar[str] = "plot"


@dataclass(frozen=True)
class Curve(DataObject):
    """One line of a :class:`CurvePlot`: matching ``x`` and ``y`` values, an optional label and extra series.

    ``extra`` series (same length, e.g. the threshold at each point) are shown on hover.

    Raises:
        InputValidationError: ``x`` and ``y`` (or an extra series) of different lengths.

    Example:
        >>> Curve(x=[0, 0.5, 1], y=[1, 0.8, 0], label="model-a").y
        [1.0, 0.8, 0.0]
    """

    x: list[float]
    y: list[float]
    label: str | None = None
    extra: dict[str, list[float | int | str]] | None = None

    def __post_init__(self) -> None:
        if len(self.x) != len(self.y):
            raise _fail(self, "y", f"has {len(self.y)} values but x has {len(self.x)}")
        for key, series in (self.extra or {}).items():
            if len(series) != len(self.x):
                raise _fail(self, "extra", f"series {key!r} has {len(series)} values but x has {len(self.x)}")


@dataclass(frozen=True)
class CurvePlot(Plot):
    """One or more curves on shared axes, e.g. precision against recall.

    Example:
        >>> plot = CurvePlot("PR", "recall", "precision", [Curve([0, 1], [1, 0])])
        >>> plot._to_dict()["data_type"]
        'PLOT/CURVE'
    """

    __assay_data_type__: ClassVar[str] = "PLOT/CURVE"

    title: str
    x_label: str
    y_label: str
    curves: list[Curve]
    x_config: AxisConfig | None = None
    y_config: AxisConfig | None = None


@dataclass(frozen=True)
class Histogram(Plot):
    """A histogram: ``n + 1`` increasing bucket edges and ``n`` frequencies.

    For several distributions, ``frequency`` has ``k`` rows of ``n`` values and ``labels`` names the rows.

    Raises:
        InputValidationError: fewer than two edges, edges not strictly increasing, frequencies whose shape
            does not match the buckets, or 2-D frequencies without one label per row.
    """

    __assay_data_type__: ClassVar[str] = "PLOT/HISTOGRAM"

    title: str
    x_label: str
    y_label: str
    buckets: list[float]
    frequency: list[_Number] | list[list[_Number]]
    labels: list[str] | None = None
    x_config: AxisConfig | None = None
    y_config: AxisConfig | None = None

    def __post_init__(self) -> None:
        buckets = self.buckets
        if len(buckets) < 2:
            raise _fail(self, "buckets", f"needs at least 2 edges, got {len(buckets)}")
        if any(b >= a for a, b in zip(buckets[1:], buckets[:-1], strict=True)):
            raise _fail(self, "buckets", "edges must be strictly increasing")
        width = len(buckets) - 1
        rows = self.frequency
        if rows and isinstance(rows[0], list):
            if self.labels is None or len(self.labels) != len(rows):
                raise _fail(self, "labels", f"2-D frequency needs one label per row ({len(rows)} rows)")
            for index, row in enumerate(rows):
                if not isinstance(row, list) or len(row) != width:
                    raise _fail(self, "frequency", f"row {index} must have {width} values, one per bucket")
        elif len(rows) != width:
            raise _fail(self, "frequency", f"has {len(rows)} values for {width} buckets")


@dataclass(frozen=True)
class BarPlot(Plot):
    """Bars with a label each; a value may be None for a missing bar.

    Raises:
        InputValidationError: no labels, or labels and values of different lengths.
    """

    __assay_data_type__: ClassVar[str] = "PLOT/BAR"

    title: str
    x_label: str
    y_label: str
    labels: list[str | int | float]
    values: list[int | float | None]
    config: AxisConfig | None = None

    def __post_init__(self) -> None:
        if not self.labels:
            raise _fail(self, "labels", "needs at least one bar")
        if len(self.labels) != len(self.values):
            raise _fail(self, "values", f"has {len(self.values)} values for {len(self.labels)} labels")


@dataclass(frozen=True)
class ConfusionMatrix(Plot):
    """A square matrix of counts: rows are the actual class, columns the predicted one.

    Raises:
        InputValidationError: fewer than two labels, or a matrix that is not ``len(labels)`` square.
    """

    __assay_data_type__: ClassVar[str] = "PLOT/CONFUSION_MATRIX"

    title: str
    labels: list[str]
    matrix: list[list[_Number]]
    x_label: str = "Predicted"
    y_label: str = "Actual"

    def __post_init__(self) -> None:
        size = len(self.labels)
        if size < 2:
            raise _fail(self, "labels", f"needs at least 2 labels, got {size}")
        if len(self.matrix) != size or any(len(row) != size for row in self.matrix):
            raise _fail(self, "matrix", f"must be {size}x{size}, one row and one column per label")


def revive_plot(data: Mapping[str, Any]) -> Plot:
    """Rebuild a plot from its ``_to_dict()`` form, choosing the class by its ``data_type`` tag.

    Args:
        data: The serialised plot.

    Returns:
        The plot object.

    Raises:
        InputValidationError: no plot tag, or fields that do not fit the plot type.

    Example:
        >>> plot = BarPlot("errors", "class", "count", ["cat", "dog"], [3, 5])
        >>> revive_plot(plot._to_dict()) == plot
        True
    """
    tag = data.get(DATA_TYPE_KEY) if isinstance(data, Mapping) else None
    classes = [cls for cls in classes_for_tag(tag) if issubclass(cls, Plot)] if isinstance(tag, str) else []
    if not classes:
        raise InputValidationError(f"not a serialised plot: data_type is {tag!r}", field=DATA_TYPE_KEY)
    plot: Plot = classes[0]._from_dict(data)
    return plot
