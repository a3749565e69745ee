"""Queries over the samples of suite versions: the Studio's filters, sorts, pages and histograms.

The engine is DuckDB over columnar tables (:mod:`assay.service.sample_table`): one per suite version (its
samples, metadata, ground-truth fields and test-case memberships) and, aligned with it row by row, one per model
(its inferences) and one per run configuration (its per-sample metrics), joined by position. A
:class:`~assay.service.sample_views.SampleQuery` is compiled to SQL: field names are checked against the
tables' fields and quoted, client values are bound parameters, category values are compared as the integer
codes of a sorted dictionary. The first page and the count come from one statement (a top-N, no full sort);
a later page of the same query is a slice of its whole order, kept for scrolling (a bounded LRU of queries).
Page items (sample data, ground truth, inferences, metrics) are read from the store by id, a handful of rows,
not from the columnar tables. Histograms: DuckDB finds the matching rows, then one compiled pass
(:func:`~assay.service.sample_table.bin_all`) counts every field's bins and sums each model's metric over the
columns kept as numpy matrices; a grouped SQL query over the same rows was several times slower at a million
samples.

Tables are built once and cached:

- in memory, as DuckDB tables, in a bounded LRU (``memory_budget`` bytes); a table in use by a query is never
  dropped under it;
- on disk, as Parquet with a JSON sidecar of its fields, under ``cache/studio`` next to the SQLite file (or in
  ``$ASSAY_HOME`` for PostgreSQL), so that a restart reloads them instead of decoding a million JSON documents.

A suite version never changes, so its table is keyed by its id and creation time. A model's inference table is
keyed by when its runs on the suite version last changed (``TestRun.updated``; a model without runs there by
the count and largest id of its inferences), a configuration's metrics table by its run's ``updated``: testing
a model again rebuilds only that model's tables. Tables of older stamps are deleted from disk when replaced.

Per-sample metrics of a suite are those of the suite scope when stored, else those of the sample's first test
case in suite order that has them. Non-finite numbers are missing values in filters, sorts and histograms (the
items still carry them as stored).

Output columns (:meth:`Studio.query_arrow`): ``id``, ``key``, ``locator``, then each non-model field by name
and each per-model field as ``<field>[<model name>]`` (e.g. ``metric.normalized_mean_error[model-a]``); category
fields are dictionary-encoded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

from assay.errors import AssayError, InputValidationError, NotFoundError
from assay.service.results_view import _Types, direction_from_name
from assay.service.sample_table import (
    TABLE_FORMAT,
    ColumnTable,
    FieldSpec,
    as_text,
    bin_all,
    build_inference_table,
    build_metrics_table,
    build_suite_table,
    membership_column,
    min_max,
)
from assay.service.sample_views import (
    Difference,
    FieldInfo,
    Histogram,
    HistogramRequest,
    Histograms,
    Predicate,
    SampleDetail,
    SampleFields,
    SampleItem,
    SampleModelResult,
    SamplePage,
    SampleQuery,
    SortKey,
)
from assay.service.views import ModelRef, SuiteRef, TestCaseRef
from assay.store import Store, assay_home
from assay.store import sample_queries as queries
from assay.store.results_queries import runs_of_suite, sample_metrics, workflow_schema

__all__ = ["DEFAULT_MEMORY_BUDGET", "Studio", "model_column"]

logger = logging.getLogger(__name__)

#: Bytes of columnar tables kept in memory (Arrow size) before the least recently used are dropped.
DEFAULT_MEMORY_BUDGET = 4 * 1024**3

#: Suite versions whose description (test cases, workflow) is kept.
_SUITES_KEPT = 256

#: Queries whose whole order is kept for their later pages (a million ids is 8 MB).
_ORDERS_KEPT = 16

#: Field matrices kept for histograms (the fields of a suite at a million samples: ~200 MB).
_MATRICES_KEPT = 4

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff")

#: Fields every suite table has besides its documents' fields: the sample's own.
_SAMPLE_COLUMNS = {"key": "sample", "locator": "sample"}

Int64Array = npt.NDArray[np.int64]


def model_column(name: str, model_name: str) -> str:
    """The output column of a per-model field for one model.

    Example:
        >>> model_column("metric.normalized_mean_error", "model-a")
        'metric.normalized_mean_error[model-a]'
    """
    return f"{name}[{model_name}]"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _micros(value: datetime) -> int:
    return int(value.timestamp() * 1_000_000)


def _is_image(data_type: str | None, locator: str | None) -> bool:
    if data_type is not None and data_type.startswith("TEST_SAMPLE/IMAGE"):
        return True
    return locator is not None and locator.lower().split("?", 1)[0].endswith(_IMAGE_SUFFIXES)


# -- the cache of tables -------------------------------------------------------------------------------------
@dataclass
class _Entry:
    """A columnar table loaded in DuckDB."""

    key: str
    name: str
    fields: dict[str, FieldSpec]
    type_path: str | None
    data_type: str | None
    n_rows: int
    nbytes: int
    extra: dict[str, Any]
    pins: int = 0
    #: Columns read out as numpy (the suite table's ids), by name.
    arrays: dict[str, npt.NDArray[Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Tables:
    """DuckDB tables by key: an LRU bounded in bytes, backed by Parquet files, built at most once at a time."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, directory: Path | None, budget: int) -> None:
        self._connection = connection
        self._directory = directory
        self._budget = budget
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._building: dict[str, threading.Lock] = {}
        self._stale: list[str] = []

    @property
    def keys(self) -> list[str]:
        """The keys of the tables in memory, least recently used first."""
        with self._lock:
            return list(self._entries)

    def acquire(self, family: str, stamp: str, build: Callable[[], ColumnTable]) -> _Entry:
        """The table ``family@stamp``, pinned until :meth:`release`; loaded from disk or built when missing."""
        key = f"{family}@{stamp}"
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                entry.pins += 1
                self._entries.move_to_end(key)
                return entry
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                entry = self._entries.get(key)
                if entry is not None:
                    entry.pins += 1
                    self._entries.move_to_end(key)
                    return entry
            entry = self._load(key) or self._build(family, key, build)
            entry.pins = 1
            with self._lock:
                self._entries[key] = entry
                self._building.pop(key, None)
                self._evict()
        self._drop_stale()
        return entry

    def release(self, entries: Sequence[_Entry]) -> None:
        """Unpin tables; those over the budget are dropped once nothing uses them."""
        with self._lock:
            for entry in entries:
                entry.pins -= 1
            self._evict()
        self._drop_stale()

    def _evict(self) -> None:
        total = sum(entry.nbytes for entry in self._entries.values())
        for key in list(self._entries):
            if total <= self._budget:
                break
            entry = self._entries[key]
            if entry.pins > 0:
                continue
            del self._entries[key]
            total -= entry.nbytes
            self._stale.append(entry.name)

    def _drop_stale(self) -> None:
        with self._lock:
            names, self._stale = self._stale, []
        if names:
            cursor = self._connection.cursor()
            try:
                for name in names:
                    cursor.execute(f"DROP TABLE IF EXISTS {_quote(name)}")
            finally:
                cursor.close()

    @staticmethod
    def _table_name(key: str) -> str:
        return "t_" + hashlib.sha1(key.encode()).hexdigest()[:24]

    def _paths(self, key: str) -> tuple[Path, Path] | None:
        if self._directory is None:
            return None
        return self._directory / f"{key}.parquet", self._directory / f"{key}.json"

    def _entry(self, key: str, meta: Mapping[str, Any]) -> _Entry:
        return _Entry(
            key=key,
            name=self._table_name(key),
            fields={spec["name"]: FieldSpec.from_json(spec) for spec in meta["fields"]},
            type_path=meta.get("type_path"),
            data_type=meta.get("data_type"),
            n_rows=int(meta["n_rows"]),
            nbytes=int(meta["nbytes"]),
            extra=dict(meta.get("extra") or {}),
        )

    def _load(self, key: str) -> _Entry | None:
        paths = self._paths(key)
        if paths is None or not paths[1].is_file() or not paths[0].is_file():
            return None
        try:
            meta = json.loads(paths[1].read_text())
            if meta.get("format") != TABLE_FORMAT:
                return None
            entry = self._entry(key, meta)
            cursor = self._connection.cursor()
            try:
                location = str(paths[0]).replace("'", "''")
                cursor.execute(
                    f"CREATE OR REPLACE TABLE {_quote(entry.name)} AS SELECT * FROM read_parquet('{location}')"
                )
            finally:
                cursor.close()
        except (OSError, ValueError, KeyError, duckdb.Error) as exc:
            logger.warning("studio cache %s unreadable, rebuilding it: %s", paths[0], exc)
            return None
        return entry

    def _build(self, family: str, key: str, build: Callable[[], ColumnTable]) -> _Entry:
        built = build()
        meta = built.meta_json()
        entry = self._entry(key, meta)
        cursor = self._connection.cursor()
        try:
            cursor.register("_incoming", built.table)
            cursor.execute(f"CREATE OR REPLACE TABLE {_quote(entry.name)} AS SELECT * FROM _incoming")
            cursor.unregister("_incoming")
        finally:
            cursor.close()
        self._save(family, key, built.table, meta)
        return entry

    def _save(self, family: str, key: str, table: pa.Table, meta: Mapping[str, Any]) -> None:
        paths = self._paths(key)
        if paths is None:
            return
        parquet, sidecar = paths
        try:
            parquet.parent.mkdir(parents=True, exist_ok=True)
            temporary = parquet.with_name(f".{parquet.name}.{os.getpid()}.{threading.get_ident()}")
            pq.write_table(table, temporary)
            os.replace(temporary, parquet)
            temporary = sidecar.with_name(f".{sidecar.name}.{os.getpid()}.{threading.get_ident()}")
            temporary.write_text(json.dumps(meta))
            os.replace(temporary, sidecar)
            # Older stamps of the same table will never be asked for again.
            for old in parquet.parent.glob(f"{family}@*"):
                if old.name not in (parquet.name, sidecar.name) and not old.name.startswith("."):
                    old.unlink(missing_ok=True)
        except OSError as exc:
            logger.warning("cannot write the studio cache %s: %s", parquet, exc)


# -- what a request works on ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Suite:
    """A suite version as the Studio needs it (immutable, kept per process)."""

    ref: SuiteRef
    workflow: str
    created: int
    cases: tuple[TestCaseRef, ...]

    @property
    def case_ids(self) -> list[int]:
        return [case.id for case in self.cases]

    @property
    def label(self) -> str:
        return f"test suite {self.ref.name!r} version {self.ref.version}"

    def case_index(self, test_case_id: int) -> int:
        for index, case in enumerate(self.cases):
            if case.id == test_case_id:
                return index
        raise NotFoundError(
            f"test case version id {test_case_id} is not in {self.label}",
            test_case_id=test_case_id,
            test_suite_id=self.ref.id,
        )


@dataclass(frozen=True)
class _Configuration:
    id: int
    name: str
    updated: int


@dataclass
class _Context:
    """One request's view of a suite version: its runs, models and configurations, and the tables in use."""

    studio: Studio
    repo: Any
    suite: _Suite
    suite_table: _Entry
    models: dict[int, str]
    configurations: dict[int, list[_Configuration]]
    configuration_names: list[str]
    run_stamps: dict[int, int]
    pinned: list[_Entry] = field(default_factory=list)

    def model_name(self, model_id: int) -> str:
        name = self.models.get(model_id)
        if name is not None:
            return name
        model = self.repo.get_model(model_id)  # NotFoundError when there is no such model
        found = queries.models_with_inferences(self.repo.session, self.suite.ref.id, [model_id])
        if not found:
            raise NotFoundError(
                f"model {model['name']!r} has no inferences and no runs on {self.suite.label}",
                model_id=model_id,
                test_suite_id=self.suite.ref.id,
            )
        self.models[model_id] = str(model["name"])
        return self.models[model_id]

    def configuration(self, model_id: int, name: str | None, field_name: str) -> _Configuration:
        name_of_model = self.model_name(model_id)
        configurations = self.configurations.get(model_id, [])
        if not configurations:
            raise InputValidationError(
                f"{field_name}: model {name_of_model!r} has no per-sample metrics on {self.suite.label}",
                field=field_name,
                model_id=model_id,
            )
        if name is None:
            names = {c.name for c in configurations}
            name = next((n for n in self.configuration_names if n in names), configurations[0].name)
        for configuration in configurations:
            if configuration.name == name:
                return configuration
        known = sorted({c.name for c in configurations})
        raise InputValidationError(
            f"{field_name}: model {name_of_model!r} has no configuration {name!r} on {self.suite.label} "
            f"(it has {', '.join(repr(n) for n in known)})",
            field=field_name,
            configuration=name,
        )

    def inference_table(self, model_id: int) -> _Entry:
        self.model_name(model_id)
        stamp = self.run_stamps.get(model_id)
        if stamp is None:
            count, largest = queries.inference_stamp(self.repo.session, model_id)
            stamp_text = f"{self.suite.created}-n{count}-{largest}"
        else:
            stamp_text = f"{self.suite.created}-r{stamp}"
        studio, suite_table, repo = self.studio, self.suite_table, self.repo

        def build() -> ColumnTable:
            ids = studio._ids(suite_table)
            return build_inference_table(ids, queries.inferences_of_model(repo.session, model_id))

        return self._pin(f"inf-{self.suite.ref.id}-{model_id}", stamp_text, build)

    def metrics_table(self, configuration: _Configuration) -> _Entry:
        studio, suite_table, repo, case_ids = self.studio, self.suite_table, self.repo, self.suite.case_ids

        def build() -> ColumnTable:
            ids = studio._ids(suite_table)
            return build_metrics_table(ids, sample_metrics(repo.session, [configuration.id]), case_ids)

        stamp = f"{self.suite.created}-r{configuration.updated}"
        return self._pin(f"met-{self.suite.ref.id}-{configuration.id}", stamp, build)

    def _pin(self, family: str, stamp: str, build: Callable[[], ColumnTable]) -> _Entry:
        entry = self.studio._tables.acquire(family, stamp, build)
        self.pinned.append(entry)
        return entry


@dataclass(frozen=True)
class _Column:
    """A resolved field: its SQL expression, spec, and the model it belongs to (None: the sample's)."""

    sql: str
    spec: FieldSpec
    model_id: int | None = None
    entry: _Entry | None = None


class _Plan:
    """The FROM and WHERE of a query over one suite version, with its bound parameters."""

    def __init__(self, context: _Context, configuration: str | None) -> None:
        self.context = context
        self.configuration = configuration
        self.joins: list[tuple[str, _Entry]] = []
        self._aliases: dict[tuple[str, int], str] = {}
        self.params: dict[str, Any] = {}
        self.where: list[str] = []

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    def _join(self, kind: str, owner: int, entry: _Entry) -> str:
        alias = self._aliases.get((kind, owner))
        if alias is None:
            alias = f"j{len(self.joins)}"
            self._aliases[(kind, owner)] = alias
            self.joins.append((alias, entry))
        return alias

    def column(self, name: str, model_id: int | None = None, configuration: str | None = None) -> _Column:
        """Resolve a field (of a model for per-model fields)."""
        context = self.context
        if name in _SAMPLE_COLUMNS:
            return _Column(f"s.{_quote(name)}", FieldSpec(name, "sample", "text"))
        if name.startswith(("inference.", "metric.")):
            if model_id is None:
                raise InputValidationError(f"{name} is a field of a model's results: say which model", field=name)
            if name.startswith("inference."):
                entry = context.inference_table(model_id)
                alias = self._join("inf", model_id, entry)
            else:
                chosen = context.configuration(model_id, configuration or self.configuration, name)
                entry = context.metrics_table(chosen)
                alias = self._join("met", chosen.id, entry)
            spec = entry.fields.get(name)
            if spec is None:
                raise InputValidationError(
                    f"unknown field {name!r} for model {context.model_name(model_id)!r} on {context.suite.label}",
                    field=name,
                    model_id=model_id,
                )
            return _Column(f"{alias}.{_quote(name)}", spec, model_id, entry)
        spec = context.suite_table.fields.get(name)
        if spec is None:
            raise InputValidationError(f"unknown field {name!r} on {context.suite.label}", field=name)
        return _Column(f"s.{_quote(name)}", spec, None, context.suite_table)

    def from_sql(self) -> str:
        parts = [f"{_quote(self.context.suite_table.name)} AS s"]
        parts.extend(f"POSITIONAL JOIN {_quote(entry.name)} AS {alias}" for alias, entry in self.joins)
        return " ".join(parts)

    def where_sql(self) -> str:
        return " AND ".join(f"({condition})" for condition in self.where) or "TRUE"

    # -- conditions -------------------------------------------------------------------------------------
    def scope(self, test_case_id: int | None) -> None:
        if test_case_id is None:
            return
        column, bit = membership_column(self.context.suite.case_index(test_case_id))
        self.where.append(f"(s.{_quote(column)} >> {bit}) & 1 = 1")

    def predicate(self, predicate: Predicate) -> None:
        column = self.column(predicate.field, predicate.model_id, predicate.configuration)
        self.where.append(self.condition(column, predicate))

    def condition(self, column: _Column, predicate: Predicate) -> str:
        spec, sql, op = column.spec, column.sql, predicate.op
        if op == "null":
            return f"{sql} IS NULL"
        if op == "not_null":
            return f"{sql} IS NOT NULL"
        if op == "range":
            if spec.kind not in ("number", "bool"):
                raise _wrong_op(spec, op)
            value = f"CAST({sql} AS DOUBLE)" if spec.kind == "bool" else sql
            bounds = [f"{sql} IS NOT NULL"]
            if predicate.min is not None:
                bounds.append(f"{value} >= {self.param(float(predicate.min))}")
            if predicate.max is not None:
                bounds.append(f"{value} <= {self.param(float(predicate.max))}")
            return " AND ".join(bounds)
        if op == "in":
            if predicate.values is None:
                raise InputValidationError(f"{spec.name}: the 'in' condition needs values", field=spec.name)
            return self._in(spec, sql, predicate.values)
        # contains
        if predicate.text is None:
            raise InputValidationError(f"{spec.name}: the 'contains' condition needs a text", field=spec.name)
        if spec.kind == "category":
            codes = spec.codes_containing(predicate.text)
            return f"{sql} IN ({', '.join(map(str, codes))})" if codes else "FALSE"
        if spec.kind == "text":
            return f"contains(lower({sql}), {self.param(predicate.text.lower())})"
        raise _wrong_op(spec, op)

    def _in(self, spec: FieldSpec, sql: str, values: Sequence[Any]) -> str:
        if not values:
            return "FALSE"
        if spec.kind == "category":
            codes = spec.codes_of(values)
            return f"{sql} IN ({', '.join(map(str, codes))})" if codes else "FALSE"
        if spec.kind == "bool":
            flags = {_flag(spec.name, value) for value in values}
            return " OR ".join(f"{sql} = {'TRUE' if flag else 'FALSE'}" for flag in sorted(flags))
        if spec.kind == "number":
            numbers = sorted({_number(spec.name, value) for value in values})
            return f"{sql} IN ({', '.join(self.param(number) for number in numbers)})"
        texts = sorted({as_text(value) for value in values})
        return f"{sql} IN ({', '.join(self.param(text) for text in texts)})"

    def difference(self, difference: Difference) -> None:
        if difference.model_id == difference.minus_model_id:
            raise InputValidationError(
                f"{difference.field}: a difference compares two different models", field=difference.field
            )
        if not difference.field.startswith(("inference.", "metric.")):
            raise InputValidationError(
                f"{difference.field}: differences compare a field of two models' results", field=difference.field
            )
        first = self.column(difference.field, difference.model_id, difference.configuration)
        second = self.column(difference.field, difference.minus_model_id, difference.configuration)
        for column in (first, second):
            if column.spec.kind not in ("number", "bool"):
                raise InputValidationError(
                    f"{difference.field} is a {column.spec.kind} field: only numbers can be subtracted",
                    field=difference.field,
                )
        delta = f"(CAST({first.sql} AS DOUBLE) - CAST({second.sql} AS DOUBLE))"
        bounds = [f"{delta} IS NOT NULL"]
        if difference.min is not None:
            bounds.append(f"{delta} >= {self.param(float(difference.min))}")
        if difference.max is not None:
            bounds.append(f"{delta} <= {self.param(float(difference.max))}")
        self.where.append(" AND ".join(bounds))


def _wrong_op(spec: FieldSpec, op: str) -> InputValidationError:
    allowed = {
        "number": "range, in, null, not_null",
        "bool": "in, range, null, not_null",
        "category": "in, contains, null, not_null",
        "text": "in, contains, null, not_null",
    }[spec.kind]
    return InputValidationError(
        f"{spec.name} is a {spec.kind} field: {op!r} does not apply (use {allowed})", field=spec.name, op=op
    )


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise InputValidationError(f"{name} is a bool field: {value!r} is not true or false", field=name, value=value)


def _number(name: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise InputValidationError(f"{name} is a number field: {value!r} is not a number", field=name) from exc


def _sorted_page(rows: list[tuple[int, Any]], descending: bool) -> list[tuple[int, Any]]:
    """Rows in the engine's order: by value (missing last), ties by id."""
    rows = sorted(rows, key=lambda row: row[0])
    present = [row for row in rows if row[1] is not None]
    missing = [row for row in rows if row[1] is None]
    present.sort(key=lambda row: row[1], reverse=descending)  # stable: ties stay by id
    return present + missing


def _scalar(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _decoded(spec: FieldSpec, value: Any) -> Any:
    if spec.kind == "category" and value is not None and spec.dictionary is not None:
        return spec.dictionary[int(value)]
    return value


# -- the service -------------------------------------------------------------------------------------------
class Studio:
    """Sample queries over one store's immutable suite versions and stored results.

    Args:
        store: The store.
        cache_dir: Where tables are kept as Parquet (default: ``cache/studio`` next to the SQLite file, or in
            ``$ASSAY_HOME`` for other databases, in a folder per database); ``None`` after construction keeps
            them in memory only.
        memory_budget: Bytes of tables kept in memory.
    """

    def __init__(
        self, store: Store, *, cache_dir: Path | None = None, memory_budget: int = DEFAULT_MEMORY_BUDGET
    ) -> None:
        self._store = store
        #: Set by the server: the pixel size of an image asset by locator (None: unknown).
        self.image_size: Callable[[str], tuple[int, int] | None] | None = None
        self._connection = duckdb.connect(":memory:")
        self._tables = _Tables(self._connection, cache_dir or self._default_cache_dir(), memory_budget)
        self._suites: OrderedDict[int, _Suite] = OrderedDict()
        self._suites_lock = threading.Lock()
        self._orders: OrderedDict[Hashable, tuple[Int64Array, npt.NDArray[Any] | None]] = OrderedDict()
        self._orders_lock = threading.Lock()
        self._matrices: OrderedDict[Hashable, npt.NDArray[Any]] = OrderedDict()
        self._matrices_lock = threading.Lock()

    def _default_cache_dir(self) -> Path:
        engine = self._store.engine
        tag = hashlib.sha1(engine.url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        root = Path(database).expanduser().resolve().parent if database else assay_home()
        return root / "cache" / "studio" / tag

    def close(self) -> None:
        """Release the engine's memory; the Studio must not be used afterwards."""
        self._connection.close()

    # -- context ----------------------------------------------------------------------------------------
    def _suite(self, repo: Any, test_suite_id: int) -> _Suite:
        with self._suites_lock:
            suite = self._suites.get(test_suite_id)
            if suite is not None:
                self._suites.move_to_end(test_suite_id)
                return suite
        record = repo.get_test_suite(test_suite_id)  # NotFoundError when there is no such version
        suite = _Suite(
            ref=SuiteRef(id=record["id"], name=record["name"], version=record["version"]),
            workflow=str(record["workflow"]),
            created=_micros(record["created"]),
            cases=tuple(
                TestCaseRef(id=case["id"], name=case["name"], version=case["version"], n_samples=case["n_samples"])
                for case in record["test_cases"]
            ),
        )
        with self._suites_lock:
            self._suites[test_suite_id] = suite
            while len(self._suites) > _SUITES_KEPT:
                self._suites.popitem(last=False)
        return suite

    @contextlib.contextmanager
    def _context(self, test_suite_id: int) -> Iterator[_Context]:
        with self._store.read() as repo:
            suite = self._suite(repo, test_suite_id)

            def build() -> ColumnTable:
                found = queries.suite_samples(repo.session, suite.ref.id)
                return build_suite_table(
                    found.ids, found.keys, found.data, found.metadata, found.ground_truths, found.members
                )

            table = self._tables.acquire(f"suite-{suite.ref.id}", str(suite.created), build)
            models: dict[int, str] = {}
            configurations: dict[int, list[_Configuration]] = {}
            names: list[str] = []
            stamps: dict[int, int] = {}
            runs = runs_of_suite(repo.session, suite.ref.id)
            for run in runs:
                models.setdefault(run["model_id"], run["model_name"])
                updated = _micros(run["updated"])
                stamps[run["model_id"]] = max(stamps.get(run["model_id"], 0), updated)
                for configuration in run["configurations"]:
                    name = configuration["name"] or ""
                    if name not in names:
                        names.append(name)
                    configurations.setdefault(run["model_id"], []).append(
                        _Configuration(configuration["id"], name, updated)
                    )
            for found in configurations.values():
                # The latest run first: its configuration wins when two evaluators share a name.
                found.sort(key=lambda c: -c.updated)
            context = _Context(self, repo, suite, table, models, configurations, names, stamps, [table])
            try:
                yield context
            finally:
                self._tables.release(context.pinned)

    def _ids(self, table: _Entry) -> Int64Array:
        """The suite table's sample ids (its row order), kept with the table."""
        with table.lock:
            found = table.arrays.get("id")
        if found is None:
            found = self._suite_ids(table)
            with table.lock:
                table.arrays["id"] = found
        return found

    def _suite_ids(self, table: _Entry) -> Int64Array:
        cursor = self._connection.cursor()
        try:
            found = cursor.execute(f"SELECT id FROM {_quote(table.name)}").fetchnumpy()["id"]
        finally:
            cursor.close()
        return np.asarray(found, dtype=np.int64)

    def _plan(self, context: _Context, query: SampleQuery) -> _Plan:
        plan = _Plan(context, query.configuration)
        plan.scope(query.test_case_id)
        for predicate in query.predicates:
            plan.predicate(predicate)
        for difference in query.differences:
            plan.difference(difference)
        for model_id in query.model_ids:
            context.model_name(model_id)
        return plan

    @staticmethod
    def _order(plan: _Plan, sort: SortKey | None) -> tuple[_Column | None, str]:
        if sort is None:
            return None, "s.id"
        column = plan.column(sort.field, sort.model_id, sort.configuration)
        direction = "DESC" if sort.descending else "ASC"
        return column, f"{column.sql} {direction} NULLS LAST, s.id"

    # -- fields -----------------------------------------------------------------------------------------
    def fields(self, test_suite_id: int) -> SampleFields:
        """What the samples of a suite version can be queried by: fields, models with results, configurations.

        Raises:
            NotFoundError: no such suite version.
        """
        with self._context(test_suite_id) as context:
            repo, suite = context.repo, context.suite
            candidates = [
                model["id"] for model in repo.list_models(suite.workflow, None) if model["id"] not in context.models
            ]
            for model_id in queries.models_with_inferences(repo.session, suite.ref.id, candidates):
                context.model_name(model_id)
            schema = workflow_schema(repo.session, suite.workflow)
            types = _Types(schema)
            infos: list[FieldInfo] = [FieldSpec("locator", "sample", "text").info()]
            infos.extend(spec.info() for spec in context.suite_table.fields.values())
            merged: dict[str, tuple[FieldSpec, bool | None]] = {}
            with_metrics = queries.configurations_with_sample_metrics(
                repo.session, [c.id for found in context.configurations.values() for c in found]
            )
            configuration_names: list[str] = []
            for model_id in context.models:
                for spec in context.inference_table(model_id).fields.values():
                    _merge(merged, spec, None)
                for configuration in context.configurations.get(model_id, []):
                    if configuration.id not in with_metrics:
                        continue
                    if configuration.name not in configuration_names:
                        configuration_names.append(configuration.name)
                    entry = context.metrics_table(configuration)
                    for spec in entry.fields.values():
                        _merge(merged, spec, _direction(types, entry.type_path, spec.name))
            infos.extend(spec.info(direction) for spec, direction in merged.values())
            order = {name: index for index, name in enumerate(context.configuration_names)}
            return SampleFields(
                suite=suite.ref,
                workflow=suite.workflow,
                data_type=context.suite_table.data_type,
                n_samples=context.suite_table.n_rows,
                test_cases=list(suite.cases),
                models=[ModelRef(id=model_id, name=name) for model_id, name in context.models.items()],
                configurations=sorted(configuration_names, key=order.__getitem__),
                fields=infos,
                workflow_schema=schema,
            )

    # -- queries ----------------------------------------------------------------------------------------
    def query(self, query: SampleQuery, *, offset: int = 0, limit: int = 100) -> SamplePage:
        """The number of samples a query matches and one page of them, in its order.

        Raises:
            NotFoundError: no such suite version, test case of it, or model.
            InputValidationError: an unknown field, a condition that does not apply to its field, a per-model
                field without a model, or a bad page.
        """
        if offset < 0 or limit < 0:
            raise InputValidationError(f"offset and limit must be 0 or more, got {offset} and {limit}")
        with self._context(query.test_suite_id) as context:
            plan = self._plan(context, query)
            sort, order = self._order(plan, query.sort)
            descending = query.sort is not None and query.sort.descending
            ordered = self._ordered(plan, query, sort, order) if offset > 0 and (plan.where or sort) else None
            if not plan.where and sort is None:
                # Every sample in id order: the table's own order, nothing to filter or sort.
                ids = self._ids(context.suite_table)
                total = len(ids)
                page = [(int(sample_id), None) for sample_id in ids[offset : offset + limit]]
            elif ordered is not None:
                # A later page of a query asked before: a slice of its whole order, kept for scrolling.
                ids, keys = ordered
                total = len(ids)
                page = [
                    (int(ids[i]), None if keys is None or keys[i] is np.ma.masked else _scalar(keys[i]))
                    for i in range(min(offset, total), min(offset + limit, total))
                ]
            else:
                # The first page: the count and the page's top rows in one statement, without a full sort.
                sort_sql = sort.sql if sort is not None else "NULL"
                inner = f"SELECT s.id AS id, {sort_sql} AS _sort FROM {plan.from_sql()} WHERE {plan.where_sql()}"
                ordering = f"_sort {'DESC' if descending else 'ASC'} NULLS LAST, id" if sort is not None else "id"
                sql = (
                    f"WITH f AS MATERIALIZED ({inner}) "
                    f"SELECT id, _sort, NULL::BIGINT AS n FROM "
                    f"(SELECT id, _sort FROM f ORDER BY {ordering} LIMIT {int(limit)} OFFSET {int(offset)}) "
                    f"UNION ALL SELECT NULL, NULL, count(*) FROM f"
                )
                rows = self._fetch(sql, plan.params)
                total = next(int(row[2]) for row in rows if row[2] is not None)
                page = _sorted_page([(row[0], row[1]) for row in rows if row[2] is None], descending)
            n_samples = (
                context.suite.cases[context.suite.case_index(query.test_case_id)].n_samples
                if query.test_case_id is not None
                else context.suite_table.n_rows
            )
            items = self._items(
                context,
                [sample_id for sample_id, _ in page],
                query.model_ids,
                query.configuration,
                sort_values=[_decoded(sort.spec, value) for _, value in page] if sort is not None else None,
            )
        return SamplePage(items=items, total=total, offset=offset, limit=limit, n_samples=n_samples)

    def _ordered(
        self, plan: _Plan, query: SampleQuery, sort: _Column | None, order: str
    ) -> tuple[Int64Array, npt.NDArray[Any] | None]:
        """Every matching id in query order with its sort value, kept for the query's later pages."""
        matching = query.model_copy(update={"model_ids": [], "configuration": None})
        used = tuple(sorted({plan.context.suite_table.key, *(entry.key for _, entry in plan.joins)}))
        key = (matching.model_dump_json(), query.configuration, used)
        with self._orders_lock:
            found = self._orders.get(key)
            if found is not None:
                self._orders.move_to_end(key)
                return found
        sort_sql = f", {sort.sql} AS k" if sort is not None else ""
        sql = f"SELECT s.id AS id{sort_sql} FROM {plan.from_sql()} WHERE {plan.where_sql()} ORDER BY {order}"
        cursor = self._connection.cursor()
        try:
            columns = cursor.execute(sql, plan.params).fetchnumpy()
        finally:
            cursor.close()
        ordered = (np.asarray(columns["id"], dtype=np.int64), np.ma.asarray(columns["k"]) if sort else None)
        with self._orders_lock:
            self._orders[key] = ordered
            while len(self._orders) > _ORDERS_KEPT:
                self._orders.popitem(last=False)
        return ordered

    def _fetch(self, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        cursor = self._connection.cursor()
        try:
            return list(cursor.execute(sql, dict(params)).fetchall())
        finally:
            cursor.close()

    def matching_sample_ids(self, query: SampleQuery) -> Int64Array:
        """Every sample id a query matches, in its order.

        Raises:
            NotFoundError, InputValidationError: as :meth:`query`.
        """
        with self._context(query.test_suite_id) as context:
            plan = self._plan(context, query)
            _, order = self._order(plan, query.sort)
            sql = f"SELECT s.id AS id FROM {plan.from_sql()} WHERE {plan.where_sql()} ORDER BY {order}"
            cursor = self._connection.cursor()
            try:
                found = cursor.execute(sql, plan.params).fetchnumpy()["id"]
            finally:
                cursor.close()
        return np.asarray(found, dtype=np.int64)

    def query_arrow(self, query: SampleQuery, fields: Sequence[str] | None = None) -> pa.Table:
        """Every sample a query matches, in its order, with its fields as columns.

        Columns: ``id``, ``key``, ``locator``, then the fields: ``fields`` when given (per-model ones for every
        model of ``query.model_ids``), else every field of the suite and, for each model of ``query.model_ids``,
        every field of its inferences and of its per-sample metrics in ``query.configuration``. A per-model
        column is named ``<field>[<model name>]``.

        Raises:
            NotFoundError, InputValidationError: as :meth:`query`, and for an unknown name in ``fields``.
        """
        with self._context(query.test_suite_id) as context:
            plan = self._plan(context, query)
            _, order = self._order(plan, query.sort)
            columns: list[tuple[str, _Column]] = []
            wanted = list(fields) if fields is not None else None
            own = list(context.suite_table.fields) if wanted is None else wanted
            columns.extend(
                (name, plan.column(name))
                for name in own
                if name not in ("id", "key", "locator") and not name.startswith(("inference.", "metric."))
            )
            for model_id in query.model_ids:
                model_name = context.model_name(model_id)
                names: list[str]
                if wanted is None:
                    names = list(context.inference_table(model_id).fields)
                    if context.configurations.get(model_id):
                        chosen = context.configuration(model_id, query.configuration, "metric")
                        names.extend(context.metrics_table(chosen).fields)
                else:
                    names = [name for name in wanted if name.startswith(("inference.", "metric."))]
                columns.extend((model_column(name, model_name), plan.column(name, model_id)) for name in names)
            select = ["s.id AS id", "s.key AS key", "s.locator AS locator"]
            select.extend(f"{column.sql} AS {_quote(f'c{index}')}" for index, (_, column) in enumerate(columns))
            sql = f"SELECT {', '.join(select)} FROM {plan.from_sql()} WHERE {plan.where_sql()} ORDER BY {order}"
            cursor = self._connection.cursor()
            try:
                table = cursor.sql(sql, params=plan.params).to_arrow_table()
            finally:
                cursor.close()
        arrays: list[pa.Array | pa.ChunkedArray] = [table["id"], table["key"], table["locator"]]
        names = ["id", "key", "locator"]
        for index, (name, column) in enumerate(columns):
            values = table[f"c{index}"]
            if column.spec.kind == "category":
                dictionary = pa.array(column.spec.dictionary or [], type=pa.string())
                codes = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
                values = pa.DictionaryArray.from_arrays(codes.cast(pa.int32()), dictionary)
            arrays.append(values)
            names.append(name)
        return pa.Table.from_arrays(arrays, names=names)

    def query_arrow_stream(self, query: SampleQuery) -> bytes:
        """:meth:`query_arrow` as an Arrow IPC stream."""
        table = self.query_arrow(query)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        return bytes(sink.getvalue())

    # -- histograms -------------------------------------------------------------------------------------
    def histograms(self, request: HistogramRequest) -> Histograms:
        """Histograms of fields over the samples a query matches, with a metric's mean per bin for each model.

        Numeric fields get ``request.bins`` equal-width bins between their least and greatest value over the
        matching samples; categorical and boolean fields a bin per category (the field's most frequent
        categories, the rest as ``other``). A per-model field is binned for the first of the models.

        Raises:
            NotFoundError, InputValidationError: as :meth:`query`, and for an unknown field or metric.
        """
        query = request.query
        model_ids = request.model_ids or query.model_ids
        configuration = request.configuration if request.configuration is not None else query.configuration
        with self._context(query.test_suite_id) as context:
            plan = self._plan(context, query)
            names = request.fields
            if names is None:
                names = [
                    name
                    for name, spec in context.suite_table.fields.items()
                    if spec.kind in ("number", "category", "bool")
                ]
            binned: list[_Column] = []
            for name in names:
                owner = model_ids[0] if name.startswith(("inference.", "metric.")) and model_ids else None
                column = plan.column(name, owner, configuration)
                if column.spec.kind == "text":
                    raise InputValidationError(f"{name} is a text field: it has no histogram", field=name)
                binned.append(column)
            metrics: list[tuple[int, _Column]] = []
            if request.metric is not None:
                if not request.metric.startswith("metric."):
                    raise InputValidationError(
                        f"{request.metric} is not a per-sample metric (metric.<name>)", field=request.metric
                    )
                for model_id in model_ids:
                    column = plan.column(request.metric, model_id, configuration)
                    if column.spec.kind not in ("number", "bool"):
                        raise InputValidationError(
                            f"{request.metric} is a {column.spec.kind} field: it has no mean", field=request.metric
                        )
                    metrics.append((model_id, column))
            histograms, total = self._histograms(plan, binned, metrics, request.bins)
        return Histograms(total=total, metric=request.metric, histograms=histograms)

    def _histograms(
        self, plan: _Plan, binned: Sequence[_Column], metrics: Sequence[tuple[int, _Column]], bins: int
    ) -> tuple[list[Histogram], int]:
        # DuckDB finds the matching rows; one compiled pass over them bins every field and sums every model's
        # metric (sample_table.bin_all), over the tables' columns kept as numpy matrices: a grouped SQL query per
        # field was several times slower at a million samples.
        rows = self._rows(plan)
        numeric = [column for column in binned if column.spec.kind == "number"]
        coded = [column for column in binned if column.spec.kind != "number"]
        numbers = self._matrix(numeric, np.float64)
        codes = self._matrix(coded, np.int32)
        values = self._matrix([column for _, column in metrics], np.float64)
        ranges = min_max(numbers, rows)
        n_bins = np.array([bins if ranges[j, 1] > ranges[j, 0] else 1 for j in range(len(numeric))], dtype=np.int64)
        lows = np.array([ranges[j, 0] if ranges[j, 2] else 0.0 for j in range(len(numeric))], dtype=np.float64)
        scales = np.array(
            [n_bins[j] / (ranges[j, 1] - ranges[j, 0]) if n_bins[j] > 1 else 0.0 for j in range(len(numeric))],
            dtype=np.float64,
        )
        layouts = [_categories(column.spec) for column in coded]
        longest = max([len(slots) for _, slots in layouts], default=1)
        slots_of = np.zeros((len(coded), max(longest, 1)), dtype=np.int64)
        for j, (_, slots) in enumerate(layouts):
            slots_of[j, : len(slots)] = slots
        n_slots = np.array([len(categories) for categories, _ in layouts], dtype=np.int64)
        counts, sums, present = bin_all(rows, numbers, lows, scales, n_bins, codes, slots_of, n_slots, values)
        model_ids = [model_id for model_id, _ in metrics]

        def means(j: int, kept: int) -> dict[str, list[float | None]]:
            return {
                str(model_id): [
                    float(sums[j, slot, k] / present[j, slot, k]) if present[j, slot, k] else None
                    for slot in range(kept)
                ]
                for k, model_id in enumerate(model_ids)
            }

        found: dict[str, Histogram] = {}
        for j, column in enumerate(numeric):
            low, high, count = ranges[j]
            n_missing = int(counts[j, n_bins[j]])
            if not count:
                found[column.spec.name] = Histogram(
                    field=column.spec.name, kind="number", edges=[], counts=[], n_missing=n_missing
                )
                continue
            width = (high - low) / n_bins[j]
            found[column.spec.name] = Histogram(
                field=column.spec.name,
                kind="number",
                edges=[float(low) + float(width) * i for i in range(int(n_bins[j]))] + [float(high)],
                counts=[int(c) for c in counts[j, : n_bins[j]]],
                n_missing=n_missing,
                means=means(j, int(n_bins[j])),
            )
        for position, column in enumerate(coded):
            j = len(numeric) + position
            categories = list(layouts[position][0])
            kept = len(categories)
            if column.spec.kind != "bool" and categories and categories[-1] == "other" and counts[j, kept - 1] == 0:
                kept -= 1  # nothing outside the listed categories
            found[column.spec.name] = Histogram(
                field=column.spec.name,
                kind=column.spec.kind,
                categories=categories[:kept],
                counts=[int(c) for c in counts[j, :kept]],
                n_missing=int(counts[j, n_slots[position]]),
                means=means(j, kept),
            )
        return [found[column.spec.name] for column in binned], len(rows)

    def _matrix(self, columns: Sequence[_Column], dtype: type[Any]) -> npt.NDArray[Any]:
        """Columns side by side in a row-major matrix (a row per sample), kept for the next request."""
        assert all(column.entry is not None for column in columns)
        key = (dtype.__name__, tuple((column.entry.key, column.spec.name) for column in columns if column.entry))
        with self._matrices_lock:
            found = self._matrices.get(key)
            if found is not None:
                self._matrices.move_to_end(key)
                return found
        n_rows = columns[0].entry.n_rows if columns and columns[0].entry else 0
        matrix = np.empty((n_rows, len(columns)), dtype=dtype)
        for j, column in enumerate(columns):
            array = self._array(column)
            if dtype is np.int32 and column.spec.kind == "bool":
                array = np.where(np.isnan(array), -1, array)
            matrix[:, j] = array
        with self._matrices_lock:
            self._matrices[key] = matrix
            while len(self._matrices) > _MATRICES_KEPT:
                self._matrices.popitem(last=False)
        return matrix

    def _rows(self, plan: _Plan) -> Int64Array:
        """The suite-table rows a plan's conditions keep, ascending."""
        if not plan.where:
            return np.arange(plan.context.suite_table.n_rows, dtype=np.int64)
        # In table order without a sort: DuckDB keeps the insertion order of a filtered scan.
        sql = f"SELECT s.rowid AS r FROM {plan.from_sql()} WHERE {plan.where_sql()}"
        cursor = self._connection.cursor()
        try:
            found = cursor.execute(sql, plan.params).fetchnumpy()["r"]
        finally:
            cursor.close()
        return np.asarray(found, dtype=np.int64)

    def _array(self, column: _Column) -> npt.NDArray[Any]:
        """A field's column as numpy (numbers and booleans as float64 with NaN, category codes with -1).

        Not kept: the matrices built from these are (:meth:`_matrix`).
        """
        entry, name = column.entry, column.spec.name
        assert entry is not None
        cursor = self._connection.cursor()
        try:
            raw = cursor.execute(f"SELECT {_quote(name)} AS v FROM {_quote(entry.name)}").fetchnumpy()["v"]
        finally:
            cursor.close()
        if column.spec.kind == "category":
            array = np.ma.filled(np.ma.asarray(raw).astype(np.int32), -1)
        else:
            array = np.ma.filled(np.ma.asarray(raw).astype(np.float64), np.nan)
        return np.ascontiguousarray(array)

    # -- items ------------------------------------------------------------------------------------------
    def items(
        self,
        sample_ids: Sequence[int],
        test_suite_id: int,
        model_ids: Sequence[int] = (),
        configuration: str | None = None,
    ) -> list[SampleItem]:
        """The gallery items of the given samples of a suite version, in the given order.

        Raises:
            NotFoundError: no such suite version or model, or a sample that is not in the suite version.
        """
        with self._context(test_suite_id) as context:
            return self._items(context, list(sample_ids), model_ids, configuration)

    def _items(
        self,
        context: _Context,
        sample_ids: list[int],
        model_ids: Sequence[int],
        configuration: str | None,
        sort_values: list[Any] | None = None,
    ) -> list[SampleItem]:
        if not sample_ids:
            return []
        session = context.repo.session
        samples = queries.samples_of(session, sample_ids)
        truths, holders = queries.ground_truths_of(session, context.suite.case_ids, sample_ids)
        missing = [sample_id for sample_id in sample_ids if sample_id not in holders]
        if missing:
            raise NotFoundError(
                f"sample id {missing[0]} is not in {context.suite.label}",
                sample_id=missing[0],
                test_suite_id=context.suite.ref.id,
            )
        for model_id in model_ids:
            context.model_name(model_id)
        inferences = queries.inferences_of(session, list(model_ids), sample_ids)
        chosen: dict[int, int] = {}
        for model_id in model_ids:
            if context.configurations.get(model_id):
                chosen[model_id] = context.configuration(model_id, configuration, "metrics").id
        metrics = queries.sample_metrics_of(session, list(chosen.values()), sample_ids, context.suite.case_ids)
        items = []
        for position, sample_id in enumerate(sample_ids):
            key, data, metadata = samples[sample_id]
            locator = data.get("locator") if isinstance(data.get("locator"), str) else None
            data_type = data.get("data_type") if isinstance(data.get("data_type"), str) else None
            image = _is_image(data_type, locator)
            width = height = None
            if image and locator is not None and self.image_size is not None:
                size = self._image_size(locator)
                if size is not None:
                    width, height = size
            items.append(
                SampleItem(
                    id=sample_id,
                    key=key,
                    locator=locator,
                    thumbnail=f"/api/v1/app/assets/thumbnail?locator={quote(locator, safe='')}"
                    if image and locator is not None
                    else None,
                    data_type=data_type,
                    width=width,
                    height=height,
                    data=data,
                    metadata=metadata,
                    ground_truth=truths.get(sample_id),
                    inferences={str(m): inferences.get((m, sample_id)) for m in model_ids},
                    metrics={str(m): metrics.get((chosen[m], sample_id)) if m in chosen else None for m in model_ids},
                    sort_value=sort_values[position] if sort_values is not None else None,
                )
            )
        return items

    def _image_size(self, locator: str) -> tuple[int, int] | None:
        assert self.image_size is not None
        try:
            return self.image_size(locator)
        except (AssayError, OSError) as exc:
            logger.debug("no size for %s: %s", locator, exc)
            return None

    def sample(self, sample_id: int, test_suite_id: int, *, model_ids: list[int] | None = None) -> SampleDetail:
        """Everything about one sample of a suite version: data, ground truth, test cases, each model's results.

        ``model_ids`` default to every model with a run on the suite version; each model's per-sample metrics
        come in every configuration of its runs that stored some.

        Raises:
            NotFoundError: no such suite version or model, or the sample is not in the suite version.
        """
        with self._context(test_suite_id) as context:
            item = self._items(context, [sample_id], [], None)[0]
            session = context.repo.session
            _, holders = queries.ground_truths_of(session, context.suite.case_ids, [sample_id])
            cases = {case.id: case for case in context.suite.cases}
            chosen = list(model_ids) if model_ids is not None else list(context.models)
            for model_id in chosen:
                context.model_name(model_id)
            inferences = queries.inferences_of(session, chosen, [sample_id])
            configurations = {c.id: (m, c.name) for m in chosen for c in context.configurations.get(m, [])}
            stored = queries.sample_metrics_of(session, list(configurations), [sample_id], context.suite.case_ids)
            results = []
            for model_id in chosen:
                by_name: dict[str, dict[str, Any] | None] = {}
                for configuration in context.configurations.get(model_id, []):
                    found = stored.get((configuration.id, sample_id))
                    if found is not None and configuration.name not in by_name:
                        by_name[configuration.name] = found
                results.append(
                    SampleModelResult(
                        model=ModelRef(id=model_id, name=context.model_name(model_id)),
                        inference=inferences.get((model_id, sample_id)),
                        metrics=by_name,
                    )
                )
        return SampleDetail(
            id=item.id,
            key=item.key,
            locator=item.locator,
            data_type=item.data_type,
            width=item.width,
            height=item.height,
            data=item.data,
            metadata=item.metadata,
            ground_truth=item.ground_truth,
            test_cases=[cases[case_id] for case_id in holders.get(sample_id, [])],
            results=results,
        )


def _merge(merged: dict[str, tuple[FieldSpec, bool | None]], spec: FieldSpec, direction: bool | None) -> None:
    """Fold one model's spec of a per-model field into the listed one."""
    seen = merged.get(spec.name)
    if seen is None:
        merged[spec.name] = (
            FieldSpec(
                spec.name,
                spec.group,
                spec.kind,
                True,
                spec.min,
                spec.max,
                list(spec.categories) if spec.categories is not None else None,
                spec.n_distinct,
            ),
            direction,
        )
        return
    listed, known = seen
    if listed.kind != spec.kind:
        return
    if spec.min is not None:
        listed.min = spec.min if listed.min is None else min(listed.min, spec.min)
    if spec.max is not None:
        listed.max = spec.max if listed.max is None else max(listed.max, spec.max)
    if spec.categories and listed.categories is not None:
        listed.categories.extend(c for c in spec.categories if c not in listed.categories)
        del listed.categories[50:]
    if spec.n_distinct is not None:
        listed.n_distinct = max(listed.n_distinct or 0, spec.n_distinct)
    merged[spec.name] = (listed, known if known is not None else direction)


def _direction(types: _Types, type_path: str | None, name: str) -> bool | None:
    """Whether higher is better for a per-sample metric: as its class declares, else as its name says."""
    path = name.removeprefix("metric.")
    if type_path is not None and "." not in path:
        declared = types.fields(types.key_of({"_type": type_path})).get(path, {}).get("higher_is_better")
        if isinstance(declared, bool):
            return declared
    return direction_from_name(path.removesuffix(".count").rsplit(".", 1)[-1])


def _categories(spec: FieldSpec) -> tuple[list[str], npt.NDArray[np.int64]]:
    """The bins of a coded field, and the bin of each code: its listed categories, then ``other`` for the rest."""
    if spec.kind == "bool":
        return ["false", "true"], np.array([0, 1], dtype=np.int64)
    dictionary = spec.dictionary or []
    code_of = {value: code for code, value in enumerate(dictionary)}
    shown = [code_of[value] for value in spec.categories or [] if value in code_of]
    slots = np.full(max(len(dictionary), 1), len(shown), dtype=np.int64)
    slots[shown] = np.arange(len(shown), dtype=np.int64)
    return [dictionary[code] for code in shown] + ["other"], slots
