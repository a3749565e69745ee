"""Columnar tables of a suite version's samples and of the results stored on them, for the Studio's engine.

A suite version's table has one row per sample, by ascending sample id: ``id``, ``key``, ``locator``,
``data_type``, the test-case membership bits (``_tc0``, ``_tc1``... : bit ``k % 63`` of ``_tc{k // 63}`` says
whether the suite's ``k``-th test case holds the sample) and one column per field of the samples' documents:

- ``sample.<path>``: the test sample's scalar fields (``locator`` and ``data_type`` apart);
- ``meta.<path>``: its metadata;
- ``gt.<path>``: the ground truth of the first test case (in suite order) that holds it.

A model's inference table and a run configuration's per-sample metrics table have the same rows in the same
order (missing values where a sample has none), with ``inference.<path>`` and ``metric.<path>`` columns, so
the engine joins them by position. Documents are flattened: nested objects give dotted paths, a list of
objects (annotations) gives ``<path>.count``, lists of scalars are left out.

Each field gets a kind: ``bool``, ``number`` (non-finite values are missing), ``category`` (strings that
repeat: stored as ``int32`` codes into a sorted dictionary, so that filters and sorts compare integers and
the code order is the value order) or ``text`` (strings that do not repeat).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numba  # type: ignore[import-untyped,unused-ignore]
import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

from assay._bulk import gc_paused
from assay.service.sample_views import FieldGroup, FieldInfo, FieldKind

__all__ = [
    "MAX_CATEGORIES",
    "MEMBERSHIP_BITS",
    "TABLE_FORMAT",
    "ColumnTable",
    "FieldSpec",
    "as_text",
    "bin_all",
    "build_inference_table",
    "build_metrics_table",
    "build_suite_table",
    "field_label",
    "membership_column",
    "min_max",
]

#: The layout of the tables and their sidecars; a cached table of another layout is rebuilt.
TABLE_FORMAT = 1

#: The most frequent values a category field lists.
MAX_CATEGORIES = 50

#: Distinct strings above which a string field is text, whatever its repetition.
MAX_CATEGORY_VALUES = 1000

#: Test cases per membership column (63 keeps the sign bit of a BIGINT out of the way).
MEMBERSHIP_BITS = 63

#: Keys of stored documents that are not fields: a data object's type tag, a metrics class.
_SKIPPED_KEYS = frozenset({"data_type", "_type"})

_PREFIX: dict[FieldGroup, str] = {
    "sample": "sample.",
    "metadata": "meta.",
    "ground_truth": "gt.",
    "inference": "inference.",
    "metric": "metric.",
}

BoolArray = npt.NDArray[np.bool_]


def membership_column(index: int) -> tuple[str, int]:
    """The membership column and bit of the suite's ``index``-th test case."""
    return f"_tc{index // MEMBERSHIP_BITS}", index % MEMBERSHIP_BITS


def field_label(name: str) -> str:
    """A field's label: its path without the group prefix, words spaced.

    Example:
        >>> field_label("metric.normalized_mean_error")
        'normalized mean error'
    """
    _, _, path = name.partition(".")
    return (path or name).replace("_", " ")


@dataclass
class FieldSpec:
    """What the engine knows of one column: its kind, range, categories and, for categories, the code dictionary.

    ``dictionary`` holds every distinct value of a category column, sorted; the column stores indices into it.
    """

    name: str
    group: FieldGroup
    kind: FieldKind
    per_model: bool = False
    min: float | None = None
    max: float | None = None
    categories: list[str] | None = None
    n_distinct: int | None = None
    dictionary: list[str] | None = None

    def info(self, higher_is_better: bool | None = None) -> FieldInfo:
        """The field as the API lists it."""
        return FieldInfo(
            name=self.name,
            label=field_label(self.name),
            group=self.group,
            kind=self.kind,
            per_model=self.per_model,
            higher_is_better=higher_is_better,
            min=self.min,
            max=self.max,
            categories=self.categories,
            n_distinct=self.n_distinct,
        )

    def codes_of(self, values: Iterable[Any]) -> list[int]:
        """The codes of the given category values (values the column never holds have none)."""
        index = {value: code for code, value in enumerate(self.dictionary or [])}
        return sorted({index[text] for value in values if (text := as_text(value)) in index})

    def codes_containing(self, text: str) -> list[int]:
        """The codes of the category values that contain ``text``, ignoring case."""
        needle = text.lower()
        return [code for code, value in enumerate(self.dictionary or []) if needle in value.lower()]

    def to_json(self) -> dict[str, Any]:
        """The spec as JSON, for the table's sidecar file."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FieldSpec:
        """A spec from :meth:`to_json`."""
        return cls(**dict(data))


@dataclass
class ColumnTable:
    """An Arrow table with the specs of its field columns.

    Attributes:
        table: The rows (one per sample of the suite version, by ascending id).
        fields: The field columns' specs, by name, in column order.
        type_path: The ``_type`` of the documents (the metrics class of per-sample metrics), when they have one.
        data_type: The most common ``data_type`` of the documents (the suite's test-sample type).
    """

    table: pa.Table
    fields: dict[str, FieldSpec]
    type_path: str | None = None
    data_type: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def meta_json(self) -> dict[str, Any]:
        """Everything but the rows, as JSON."""
        return {
            "format": TABLE_FORMAT,
            "fields": [spec.to_json() for spec in self.fields.values()],
            "type_path": self.type_path,
            "data_type": self.data_type,
            "extra": self.extra,
            "n_rows": self.table.num_rows,
            "nbytes": self.table.nbytes,
        }


def as_text(value: Any) -> str:
    """A scalar as a category value: strings as they are, booleans as ``true``/``false``, 2.0 as ``2``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Collector:
    """Leaf values of flattened documents, column by column: row indices and values (missing ones not kept).

    Documents are walked a column at a time: grouped by their keys (documents of one kind share them), each
    key's values are taken in one list comprehension and nested objects are walked the same way, so that the
    Python work per value is a few C-level steps rather than a function call.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.columns: dict[str, tuple[list[npt.NDArray[np.int64]], list[list[Any]]]] = {}
        self.annotation_lists: set[str] = set()
        self.type_paths: Counter[str] = Counter()

    def add_all(
        self,
        rows: npt.NDArray[np.int64],
        documents: Sequence[Mapping[str, Any] | None],
        skip: frozenset[str] = frozenset(),
    ) -> None:
        """Add documents (``None`` and empty ones hold nothing), the ``i``-th at row ``rows[i]``."""
        present = [i for i, document in enumerate(documents) if document]
        kept: list[Mapping[str, Any]] = [document for document in documents if document]
        if len(kept) < len(documents):
            rows = rows[present]
        if kept:
            self._walk(rows, kept, self.prefix, skip, top=True)

    def _put(self, path: str, rows: npt.NDArray[np.int64], values: list[Any]) -> None:
        slot = self.columns.get(path)
        if slot is None:
            slot = self.columns[path] = ([], [])
        slot[0].append(rows)
        slot[1].append(values)

    def _walk(
        self,
        rows: npt.NDArray[np.int64],
        documents: Sequence[Mapping[str, Any]],
        prefix: str,
        skip: frozenset[str],
        top: bool = False,
    ) -> None:
        shapes: dict[tuple[str, ...], list[int]] = {}
        for index, document in enumerate(documents):
            shape = tuple(document)
            found = shapes.get(shape)
            if found is None:
                shapes[shape] = [index]
            else:
                found.append(index)
        for shape, indices in shapes.items():
            if len(indices) == len(documents):
                group_rows, group = rows, documents
            else:
                group_rows, group = rows[indices], [documents[i] for i in indices]
            for key in shape:
                if key in skip:
                    continue
                values = [document[key] for document in group]
                if key in _SKIPPED_KEYS:
                    if top and key == "_type":
                        self.type_paths.update(value for value in values if isinstance(value, str))
                    continue
                self._column_of(prefix + key, group_rows, values)

    def _column_of(self, path: str, rows: npt.NDArray[np.int64], values: list[Any]) -> None:
        types = set(map(type, values))
        if types <= _SCALARS:
            if type(None) in types:
                kept = [i for i, value in enumerate(values) if value is not None]
                rows, values = rows[kept], [values[i] for i in kept]
            if values:
                self._put(path, rows, values)
            return
        if types <= _SCALARS | {dict, list}:
            for kind in (dict, list):
                if kind not in types:
                    continue
                picked = [i for i, value in enumerate(values) if type(value) is kind]
                some_rows = rows if len(picked) == len(values) else rows[picked]
                some = values if len(picked) == len(values) else [values[i] for i in picked]
                if kind is dict:
                    self._walk(some_rows, some, path + ".", frozenset())
                else:
                    self._lists(path, some_rows, some)
            scalar = [i for i, value in enumerate(values) if type(value) in _SCALARS and value is not None]
            if scalar:
                self._put(path, rows[scalar], [values[i] for i in scalar])

    def _lists(self, path: str, rows: npt.NDArray[np.int64], values: list[list[Any]]) -> None:
        # A list of objects is a list of annotations: its length is a field. Lists of scalars are left out.
        kept = [i for i, value in enumerate(values) if not value or isinstance(value[0], dict)]
        if any(values[i] for i in kept):
            self.annotation_lists.add(path)
        if kept:
            self._put(path + ".count", rows[kept], [len(values[i]) for i in kept])

    def build(
        self, n_rows: int, group: FieldGroup, per_model: bool
    ) -> tuple[dict[str, pa.Array], dict[str, FieldSpec]]:
        arrays: dict[str, pa.Array] = {}
        specs: dict[str, FieldSpec] = {}
        for path in sorted(self.columns):
            if path.endswith(".count") and path[: -len(".count")] not in self.annotation_lists:
                continue  # only ever empty lists: nothing says they hold annotations
            row_parts, value_parts = self.columns[path]
            rows = row_parts[0] if len(row_parts) == 1 else np.concatenate(row_parts)
            values = value_parts[0] if len(value_parts) == 1 else [v for part in value_parts for v in part]
            built = _column(path, group, per_model, n_rows, rows, values)
            if built is not None:
                arrays[path], specs[path] = built
        return arrays, specs


_SCALARS: frozenset[type] = frozenset({str, int, float, bool, type(None)})


def _column(
    name: str, group: FieldGroup, per_model: bool, n_rows: int, rows: npt.NDArray[np.int64], values: list[Any]
) -> tuple[pa.Array, FieldSpec] | None:
    types = set(map(type, values))
    if not types:
        return None
    if types == {bool}:
        data = np.zeros(n_rows, dtype=np.bool_)
        valid = np.zeros(n_rows, dtype=np.bool_)
        data[rows] = np.asarray(values, dtype=np.bool_)
        valid[rows] = True
        array = pa.array(data, mask=~valid)
        return array, FieldSpec(name, group, "bool", per_model, n_distinct=int(len(np.unique(data[valid]))))
    if types <= {int, float, bool}:
        data = np.full(n_rows, np.nan)
        try:
            data[rows] = np.asarray(values, dtype=np.float64)
        except OverflowError:
            data[rows] = [float(value) for value in values]
        valid = np.isfinite(data)
        array = pa.array(data, mask=~valid)
        if not valid.any():
            return None
        finite = data[valid]
        spec = FieldSpec(
            name,
            group,
            "number",
            per_model,
            min=float(finite.min()),
            max=float(finite.max()),
            n_distinct=int(pc.count_distinct(pa.array(finite)).as_py()),
        )
        return array, spec
    texts = values if types == {str} else [as_text(value) for value in values]
    counts = Counter(texts)
    n_distinct = len(counts)
    repeated = n_distinct * 2 <= len(texts) or (n_distinct <= 20 and n_distinct < len(texts))
    if n_distinct <= MAX_CATEGORY_VALUES and repeated:
        dictionary = sorted(counts)
        code_of = {value: code for code, value in enumerate(dictionary)}
        codes = np.full(n_rows, -1, dtype=np.int32)
        codes[rows] = np.fromiter((code_of[text] for text in texts), dtype=np.int32, count=len(texts))
        array = pa.array(codes, mask=codes < 0)
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_CATEGORIES]
        spec = FieldSpec(
            name,
            group,
            "category",
            per_model,
            categories=[value for value, _ in top],
            n_distinct=n_distinct,
            dictionary=dictionary,
        )
        return array, spec
    full: list[str | None] = [None] * n_rows
    for row, text in zip(rows.tolist(), texts, strict=True):
        full[row] = text
    return pa.array(full, type=pa.string()), FieldSpec(name, group, "text", per_model, n_distinct=n_distinct)


def _most_common(counter: Counter[str]) -> str | None:
    return counter.most_common(1)[0][0] if counter else None


def build_suite_table(
    ids: Sequence[int],
    keys: Sequence[str],
    data: Sequence[Mapping[str, Any]],
    metadata: Sequence[Mapping[str, Any] | None],
    ground_truths: Sequence[Mapping[str, Any] | None],
    members: Sequence[Sequence[int]],
) -> ColumnTable:
    """The table of a suite version's samples.

    Args:
        ids: Sample ids, ascending.
        keys: Their keys.
        data: The test samples as stored.
        metadata: Their metadata.
        ground_truths: Their ground truths in the suite.
        members: For each test case of the suite, in suite order, the row indices of its samples.

    Returns:
        The table: ``id``, ``key``, ``locator``, ``data_type``, the membership columns and the fields.

    Example:
        >>> table = build_suite_table(
        ...     [1, 2], ["a", "b"], [{"locator": "x.png", "w": 3}, {"locator": "y.png", "w": 5}],
        ...     [{"pose": "up"}, {"pose": "up"}], [None, {"n": 1.5}], [[0, 1], [1]],
        ... )
        >>> table.table.column_names
        ['id', 'key', 'locator', 'data_type', '_tc0', 'sample.w', 'meta.pose', 'gt.n']
        >>> table.fields["meta.pose"].kind, table.table["_tc0"].to_pylist()
        ('category', [1, 3])
    """
    n_rows = len(ids)
    with gc_paused():
        samples, metas, truths = _Collector("sample."), _Collector("meta."), _Collector("gt.")
        locators = [locator if isinstance(locator := document.get("locator"), str) else None for document in data]
        data_types = Counter(kind for document in data if isinstance(kind := document.get("data_type"), str))
        every = np.arange(n_rows, dtype=np.int64)
        samples.add_all(every, data, frozenset({"locator"}))
        metas.add_all(every, metadata)
        truths.add_all(every, ground_truths)
        columns: dict[str, pa.Array] = {
            "id": pa.array(np.asarray(ids, dtype=np.int64)),
            "key": pa.array(list(keys), type=pa.string()),
            "locator": pa.array(locators, type=pa.string()),
        }
        data_type = _most_common(data_types)
        columns["data_type"] = pa.array([d.get("data_type") for d in data], type=pa.string())
        n_columns = max(1, math.ceil(len(members) / MEMBERSHIP_BITS))
        bits = np.zeros((n_columns, n_rows), dtype=np.int64)
        for index, rows in enumerate(members):
            column, bit = divmod(index, MEMBERSHIP_BITS)
            bits[column, np.asarray(rows, dtype=np.int64)] |= np.int64(1) << np.int64(bit)
        for column in range(n_columns):
            columns[f"_tc{column}"] = pa.array(bits[column])
        specs: dict[str, FieldSpec] = {}
        for collector, group in ((samples, "sample"), (metas, "metadata"), (truths, "ground_truth")):
            arrays, found = collector.build(n_rows, group, per_model=False)  # type: ignore[arg-type]
            columns.update(arrays)
            specs.update(found)
    return ColumnTable(pa.table(columns), specs, data_type=data_type)


def _aligned(
    suite_ids: npt.NDArray[np.int64], rows: Sequence[tuple[int, Mapping[str, Any] | None]]
) -> tuple[npt.NDArray[np.int64], list[Mapping[str, Any] | None]]:
    """The suite rows of ``(sample id, document)`` pairs, keeping those of the suite's samples."""
    if not rows:
        return np.zeros(0, dtype=np.int64), []
    sample_ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    positions = np.searchsorted(suite_ids, sample_ids)
    positions[positions >= len(suite_ids)] = 0
    inside = suite_ids[positions] == sample_ids if len(suite_ids) else np.zeros(len(rows), dtype=np.bool_)
    kept = np.flatnonzero(inside)
    return positions[kept], [rows[index][1] for index in kept.tolist()]


def _results_table(
    suite_ids: npt.NDArray[np.int64],
    rows: Sequence[tuple[int, Mapping[str, Any] | None]],
    group: Literal["inference", "metric"],
) -> ColumnTable:
    n_rows = len(suite_ids)
    with gc_paused():
        positions, documents = _aligned(suite_ids, rows)
        collector = _Collector(_PREFIX[group])
        present = np.zeros(n_rows, dtype=np.bool_)
        present[positions] = True
        collector.add_all(positions, documents)
        arrays, specs = collector.build(n_rows, group, per_model=True)
    columns: dict[str, pa.Array] = {"_present": pa.array(present)}
    columns.update(arrays)
    return ColumnTable(pa.table(columns), specs, type_path=_most_common(collector.type_paths))


def build_inference_table(
    suite_ids: npt.NDArray[np.int64], inferences: Sequence[tuple[int, Mapping[str, Any] | None]]
) -> ColumnTable:
    """A model's inferences on a suite version's samples, aligned with its table (``_present``: has one)."""
    return _results_table(suite_ids, inferences, "inference")


def build_metrics_table(
    suite_ids: npt.NDArray[np.int64],
    rows: Sequence[tuple[int, int, int, Mapping[str, Any]]],
    case_order: Sequence[int],
) -> ColumnTable:
    """A run configuration's per-sample metrics on a suite version's samples, aligned with its table.

    Args:
        suite_ids: The suite table's sample ids.
        rows: ``(configuration id, scope, sample id, metrics)`` rows of one configuration
            (``results_queries.sample_metrics``).
        case_order: The suite's test-case version ids in suite order: a sample's metrics are those of the suite
            scope (0) when stored, else those of the first of its test cases that has them.
    """
    rank = {case_id: index + 1 for index, case_id in enumerate(case_order)}
    best: dict[int, tuple[int, Mapping[str, Any]]] = {}
    for _, scope, sample_id, metrics in rows:
        order = 0 if scope == 0 else rank.get(scope)
        if order is None:
            continue
        seen = best.get(sample_id)
        if seen is None or seen[0] > order:
            best[sample_id] = (order, metrics)
    chosen = [(sample_id, metrics) for sample_id, (_, metrics) in sorted(best.items())]
    return _results_table(suite_ids, chosen, "metric")


# -- histogram kernels ----------------------------------------------------------------------------------------
# One pass over the matching rows for every field at once: each row's metric values are read once and added to
# the row's bin in every field. Fields come as row-major matrices (a row of the matrix is a sample), so a pass
# reads memory in order; the per-model sums are the work, a few additions per field and model.
@numba.njit(cache=True, nogil=True)  # type: ignore[misc,unused-ignore]
def min_max(values: npt.NDArray[np.float64], rows: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Per column of ``values[rows]`` (a row-major matrix): least and greatest present value, and their count."""
    n_fields = values.shape[1]
    found = np.empty((n_fields, 3), dtype=np.float64)
    found[:, 0] = np.inf
    found[:, 1] = -np.inf
    found[:, 2] = 0.0
    for i in range(rows.shape[0]):
        row = rows[i]
        for j in range(n_fields):
            value = values[row, j]
            if value == value:
                found[j, 2] += 1.0
                if value < found[j, 0]:
                    found[j, 0] = value
                if value > found[j, 1]:
                    found[j, 1] = value
    return found


@numba.njit(cache=True, nogil=True)  # type: ignore[misc,unused-ignore]
def bin_all(
    rows: npt.NDArray[np.int64],
    numbers: npt.NDArray[np.float64],
    lows: npt.NDArray[np.float64],
    scales: npt.NDArray[np.float64],
    n_bins: npt.NDArray[np.int64],
    codes: npt.NDArray[np.int32],
    slots_of: npt.NDArray[np.int64],
    n_slots: npt.NDArray[np.int64],
    metrics: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Counts, metric sums and metric counts per bin of every field, over the matching rows.

    Args:
        rows: The matching rows.
        numbers: Numeric fields, a column each (NaN: missing); field ``j`` has ``n_bins[j]`` equal-width bins
            from ``lows[j]``, ``scales[j]`` bins per unit.
        lows: See ``numbers``.
        scales: See ``numbers``.
        n_bins: See ``numbers``.
        codes: Coded fields (categories, booleans), a column each (-1: missing); code ``c`` of field ``j``
            goes to bin ``slots_of[j, c]`` of ``n_slots[j]``.
        slots_of: See ``codes``.
        n_slots: See ``codes``.
        metrics: Each model's metric, a column each (NaN: missing).

    Returns:
        ``(counts, sums, present)`` indexed ``[field, bin]`` and ``[field, bin, model]``: numeric fields first,
        then coded ones; a field's bin after its last (``n_bins[j]`` or ``n_slots[j]``) holds missing values.
    """
    n_numbers, n_codes, n_models = numbers.shape[1], codes.shape[1], metrics.shape[1]
    width = 1
    for j in range(n_numbers):
        width = max(width, n_bins[j] + 1)
    for j in range(n_codes):
        width = max(width, n_slots[j] + 1)
    n_fields = n_numbers + n_codes
    # Flat accumulators addressed with unsigned indices: numba then skips the negative-index wraparound, which
    # halves the time of these additions.
    counts = np.zeros(n_fields * width, dtype=np.int64)
    sums = np.zeros(n_fields * width * n_models, dtype=np.float64)
    present = np.zeros(n_fields * width * n_models, dtype=np.int64)
    values = np.empty(n_models, dtype=np.float64)
    known = np.empty(n_models, dtype=np.bool_)
    slots = np.empty(n_fields, dtype=np.uint64)
    models = np.uint64(n_models)
    # Metrics are usually complete: then the counts of present values are the bins' counts, and the additions
    # need no test.
    complete = True
    for i in range(rows.shape[0]):
        for k in range(n_models):
            if metrics[rows[i], k] != metrics[rows[i], k]:
                complete = False
    for i in range(rows.shape[0]):
        row = rows[i]
        for j in range(n_numbers):
            value = numbers[row, j]
            if value != value:
                slot = n_bins[j]
            else:
                slot = min(max(int((value - lows[j]) * scales[j]), 0), n_bins[j] - 1)
            slots[j] = np.uint64(j * width + slot)
        for j in range(n_codes):
            code = codes[row, j]
            slot = n_slots[j] if code < 0 else slots_of[j, code]
            slots[n_numbers + j] = np.uint64((n_numbers + j) * width + slot)
        if complete:
            for k in range(n_models):
                values[k] = metrics[row, k]
            for j in range(n_fields):
                flat = slots[j]
                counts[flat] += 1
                base = flat * models
                for k in range(n_models):
                    sums[base + np.uint64(k)] += values[k]
        else:
            for k in range(n_models):
                values[k] = metrics[row, k]
                known[k] = values[k] == values[k]
            for j in range(n_fields):
                flat = slots[j]
                counts[flat] += 1
                base = flat * models
                for k in range(n_models):
                    if known[k]:
                        sums[base + np.uint64(k)] += values[k]
                        present[base + np.uint64(k)] += 1
    if complete:
        for flat in range(n_fields * width):
            for k in range(n_models):
                present[flat * n_models + k] = counts[flat]
    return (
        counts.reshape((n_fields, width)),
        sums.reshape((n_fields, width, n_models)),
        present.reshape((n_fields, width, n_models)),
    )
