"""The results table: models side by side, test case by test case, with deltas that say whether they are real.

What the results page shows is built here from the stored metrics, in memory, without the database:

* **Runs.** Each selected model's run of one evaluator on the suite version; the configurations asked (all that
  the runs have by default). Columns go configuration-major, then metric, then model.
* **Directions.** A metric's ``higher_is_better`` comes from the metrics class's schema, which the client
  registers with the workflow when it uploads metrics (the stored dicts name their class under ``_type``),
  else from its name (:func:`direction_from_name`), else it is unknown.
* **Per-sample basis.** A test-case metric is *decomposable* when its stored value equals the mean of one
  numeric per-sample field over the test case's samples, for every model and configuration that stored both
  (checked on the data, relative tolerance 1e-9). Names decide ties: the field of the same name, then the name
  without a ``mean_``/``avg_`` prefix or ``_rate``/``_mean`` suffix. Only decomposable metrics are tested.
* **Significance.** Per test case and configuration, every other model is compared with the baseline on every
  decomposable metric: paired tests (bootstrap interval, sign-flip permutation) when both have per-sample
  metrics on exactly the same samples, unpaired ones (independent bootstrap, label permutation) otherwise.
  Paired comparisons of one test case share one draw of resamples (:class:`assay.metrics.statistics.
  PairedDraws`, as :func:`~assay.metrics.statistics.paired_tests` draws them), so the work is
  O(resamples x samples) per model and metric of the test case, and the draw is made once per process.
  When the table's resampled means fit in :data:`LINEAR_BYTES` (the 50 x 5 benchmark set takes ~26 MB, the
  500 x 20 stress set would take ~1 GB and does not), each model's are computed once
  (:class:`~assay.metrics.statistics.ResampledMeans`) and a test is a difference of two of them: the same
  numbers up to rounding (ties decided within 100 ulp of the values compared), and another baseline costs a
  subtraction per test. Benjamini–Hochberg then runs over every test of the table, before sorting,
  filtering and paging, and a cell is significant when its q-value is at most ``alpha``. Intervals, which
  nothing sorts or filters by, are computed for the rows a page shows when it is first made. Seeds derive
  from the test case and configuration, so the same request gives the same numbers.
* **Common samples.** With ``common_samples``, every model's per-sample values of a test case are restricted
  to the samples all selected models have, and decomposable metrics are recomputed as means over them.

A table is cached in layers in a small in-process LRU (:class:`ResultsCache`), each under a fingerprint of
what it depends on (the runs and when each last changed, the metrics schema, then the baseline, then alpha):
another alpha costs Benjamini–Hochberg, another baseline its tests, and sorting, filtering and paging the
same table again cost no statistics. Pages are kept encoded with their ETag, so a revalidation encodes
nothing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import math
import operator
import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import orjson

from assay._bulk import gc_paused
from assay._wire import encode, tag_nonfinite
from assay.errors import InputValidationError, NotFoundError
from assay.metrics.statistics import (
    BatchTestResult,
    PairedDraws,
    ResampledMeans,
    benjamini_hochberg,
    unpaired_tests,
)
from assay.service.views import (
    CellStats,
    MetricColumn,
    ModelRef,
    NestedResults,
    NestedRow,
    PlotsOfModel,
    ResultColumn,
    ResultsOptions,
    ResultsRow,
    ResultsTable,
    RunOption,
    SuiteRef,
    TestCasePlots,
    TestCaseRef,
)

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_CONFIDENCE",
    "DEFAULT_RESAMPLES",
    "CaseData",
    "FullTable",
    "NestedResults",
    "PageRequest",
    "Prepared",
    "ResultsCache",
    "ResultsOptions",
    "ResultsTable",
    "Selection",
    "SortBy",
    "SuiteInfo",
    "TableData",
    "Tested",
    "TestCasePlots",
    "assemble",
    "build_nested",
    "build_options",
    "build_plots",
    "build_table",
    "direction_from_name",
    "load_case_data",
    "page_json",
    "page_table",
    "prepare",
    "run_tests",
    "schema_digest",
    "select_runs",
    "strong_etag",
    "with_alpha",
]

DEFAULT_ALPHA = 0.05
DEFAULT_CONFIDENCE = 0.95
DEFAULT_RESAMPLES = 1000

#: The base of every test's seed; the test case and configuration are mixed in.
SEED = 20_240_611

#: Relative tolerance of "the test-case value is the mean of this per-sample field".
DECOMPOSABLE_RTOL = 1e-9

TYPE_KEY = "_type"

SortBy = Literal["value", "delta", "significance"]
Json = dict[str, Any]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# -- directions ----------------------------------------------------------------------------------------------
# Long names match anywhere in the metric's name; short ones only as a whole word (``cer`` is not in
# ``precision``'s words, but ``ap`` is in ``mean_ap``'s).
_LOWER_ANYWHERE = (
    "error",
    "loss",
    "false_positive",
    "false_negative",
    "failure",
    "miss",
    "latency",
    "variance",
    "count_fp",
    "count_fn",
    "incorrect",
    "wrong",
    "distance",
)
_LOWER_WORDS = frozenset({"nme", "fpr", "fnr", "wer", "cer", "fp", "fn", "mae", "mse", "rmse", "eer", "std"})
_HIGHER_ANYWHERE = (
    "accuracy",
    "precision",
    "recall",
    "score",
    "correct",
    "specificity",
    "sensitivity",
    "success",
    "dice",
    "bleu",
    "rouge",
    "ndcg",
)
_HIGHER_WORDS = frozenset({"f1", "ap", "auc", "iou", "tp", "tn", "map", "tpr", "tnr", "r2", "mrr", "hit", "hits"})
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def direction_from_name(name: str) -> bool | None:
    """Whether higher is better for a metric, judged by its name alone; ``None`` when the name does not say.

    Args:
        name: A metric field's name (``snake_case`` or ``camelCase``).

    Returns:
        ``False`` for errors, losses, false positives and the like, ``True`` for accuracies, precisions,
        scores..., else ``None``.

    Example:
        >>> direction_from_name("mean_nme"), direction_from_name("macro_f1"), direction_from_name("n_samples")
        (False, True, None)
    """
    snake = _CAMEL.sub("_", name).lower()
    words = set(re.split(r"[^a-z0-9]+", snake))
    if any(part in snake for part in _LOWER_ANYWHERE) or words & _LOWER_WORDS:
        return False
    if any(part in snake for part in _HIGHER_ANYWHERE) or words & _HIGHER_WORDS:
        return True
    return None


class _Types:
    """The metrics classes of a workflow's schema document, found by the ``_type`` of a stored dict."""

    def __init__(self, document: Mapping[str, Any] | None) -> None:
        types = (document or {}).get("types") or {}
        self.types: Mapping[str, Any] = types if isinstance(types, Mapping) else {}
        self._by_class: dict[tuple[str, str], str] = {}
        for key, entry in self.types.items():
            if isinstance(entry, Mapping):
                self._by_class[(str(entry.get("module")), str(entry.get("name")))] = key

    def key_of(self, data: Mapping[str, Any]) -> str | None:
        path = data.get(TYPE_KEY)
        if not isinstance(path, str) or ":" not in path:
            return None
        module, _, qualname = path.partition(":")
        return self._by_class.get((module, qualname.rsplit(".", 1)[-1]))

    def fields(self, key: str | None) -> dict[str, Mapping[str, Any]]:
        entry = self.types.get(key) if key is not None else None
        if not isinstance(entry, Mapping):
            return {}
        return {str(f["name"]): f for f in entry.get("fields") or [] if isinstance(f, Mapping) and "name" in f}

    def name(self, key: str | None) -> str | None:
        entry = self.types.get(key) if key is not None else None
        return str(entry.get("name")) if isinstance(entry, Mapping) else None


def _list_item_type(kind: Mapping[str, Any] | None) -> str | None:
    """The type key of a ``list`` (or optional list) of data objects."""
    while isinstance(kind, Mapping) and kind.get("kind") == "optional":
        kind = kind.get("inner")
    if not isinstance(kind, Mapping) or kind.get("kind") != "list":
        return None
    items = kind.get("items")
    if isinstance(items, Mapping) and isinstance(items.get("type"), str):
        return str(items["type"])
    return None


@dataclass
class _MetricInfo:
    key: str
    group: str | None = None
    higher_is_better: bool | None = None
    source: Literal["declared", "name", "none"] = "none"


class _MetricCatalog:
    """The metrics found in stored dicts, in a stable order: declared fields first, then as found."""

    def __init__(self, types: _Types) -> None:
        self.types = types
        self.metrics: dict[str, _MetricInfo] = {}
        self._seen_classes: set[str | None] = set()

    def add_dict(self, data: Mapping[str, Any], type_key: str | None) -> None:
        if type_key not in self._seen_classes:
            self._seen_classes.add(type_key)
            for name, spec in self.types.fields(type_key).items():
                if name == TYPE_KEY or name in self.metrics or not _is_numeric_kind(spec.get("kind")):
                    continue
                self._add(name, type_key, spec)
        for name, value in data.items():
            if name not in self.metrics and name != TYPE_KEY and _is_number(value):
                self._add(name, type_key, self.types.fields(type_key).get(name))

    def _add(self, name: str, type_key: str | None, spec: Mapping[str, Any] | None) -> None:
        declared = spec.get("higher_is_better") if spec is not None else None
        info = _MetricInfo(name, self.types.name(type_key))
        if isinstance(declared, bool):
            info.higher_is_better, info.source = declared, "declared"
        else:
            guessed = direction_from_name(name)
            if guessed is not None:
                info.higher_is_better, info.source = guessed, "name"
        self.metrics[name] = info


def _is_numeric_kind(kind: Any) -> bool:
    while isinstance(kind, Mapping) and kind.get("kind") == "optional":
        kind = kind.get("inner")
    return isinstance(kind, Mapping) and kind.get("kind") == "scalar" and kind.get("type") in ("int", "float", "bool")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    return None


def _label(key: str) -> str:
    return key.replace("_", " ")


def _column(info: _MetricInfo, sample_field: str | None = None) -> MetricColumn:
    return MetricColumn(
        key=info.key,
        label=_label(info.key),
        group=info.group,
        higher_is_better=info.higher_is_better,
        direction_source=info.source,
        sample_field=sample_field,
    )


# -- selection of runs ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SuiteInfo:
    """A suite version as the results views need it: its reference, test cases and workflow."""

    suite: SuiteRef
    test_cases: tuple[TestCaseRef, ...]
    workflow: str

    @classmethod
    def from_record(cls, suite: Mapping[str, Any]) -> SuiteInfo:
        """From the dict of a suite version that the store returns (``Repository.get_test_suite``)."""
        return cls(
            suite=SuiteRef(id=suite["id"], name=suite["name"], version=suite["version"]),
            test_cases=tuple(
                TestCaseRef(id=case["id"], name=case["name"], version=case["version"], n_samples=case["n_samples"])
                for case in suite["test_cases"]
            ),
            workflow=str(suite["workflow"]),
        )

    @property
    def label(self) -> str:
        """The suite version, as errors name it."""
        return f"test suite {self.suite.name!r} version {self.suite.version}"

    def test_case(self, test_case_id: int) -> TestCaseRef:
        """One of the suite's test cases.

        Raises:
            NotFoundError: the test-case version is not in the suite version.
        """
        for case in self.test_cases:
            if case.id == test_case_id:
                return case
        raise NotFoundError(
            f"test case version id {test_case_id} is not in {self.label}",
            test_case_id=test_case_id,
            test_suite_id=self.suite.id,
        )


@dataclass(frozen=True)
class Selection:
    """The runs a results view compares: one per model, of one evaluator, under some configurations.

    Attributes:
        models: The models, in the order asked.
        baseline_id: The model the others are compared with.
        evaluator: The evaluator of the runs (``None``: unnamed).
        configurations: The configurations shown (``None``: the implicit one of an unconfigured evaluator).
        runs: Run id and when it last changed, by model id.
        configuration_ids: Stored configuration id by (model id, configuration).
    """

    models: tuple[ModelRef, ...]
    baseline_id: int
    evaluator: str | None
    configurations: tuple[str | None, ...]
    runs: Mapping[int, tuple[int, str]]
    configuration_ids: Mapping[tuple[int, str | None], int]

    def configuration_id(self, model_id: int, configuration: str | None) -> int | None:
        """The stored configuration of a model's run, if it has it."""
        return self.configuration_ids.get((model_id, configuration))

    def owners(self) -> dict[int, tuple[int, str | None]]:
        """(model id, configuration) by stored configuration id, for every configuration the view reads."""
        return {
            cid: (model.id, name)
            for model in self.models
            for name in self.configurations
            if (cid := self.configuration_id(model.id, name)) is not None
        }

    def fingerprint(self) -> tuple[Hashable, ...]:
        """What identifies the selection: :meth:`data_fingerprint` and the baseline."""
        return (*self.data_fingerprint(), self.baseline_id)

    def data_fingerprint(self) -> tuple[Hashable, ...]:
        """What identifies the selection's data: models, runs and when each last changed, configurations."""
        return (
            tuple(model.id for model in self.models),
            self.evaluator,
            self.configurations,
            tuple(self.runs[model.id] for model in self.models),
        )


def _query_name(value: str | None) -> str | None:
    # In a query string the empty string stands for the unnamed evaluator and the implicit configuration.
    return value or None


def select_runs(
    runs: Sequence[Mapping[str, Any]],
    *,
    suite_label: str,
    model_ids: Sequence[int] | None,
    baseline_id: int | None,
    evaluator: str | None,
    configurations: Sequence[str | None] | None,
) -> Selection:
    """Choose the runs of a view from the runs of a suite version (``results_queries.runs_of_suite``).

    Args:
        runs: The suite version's runs, oldest first.
        suite_label: The suite, named in errors.
        model_ids: The models (default: every model with a run of the evaluator, oldest run first).
        baseline_id: The baseline (default: the first model).
        evaluator: The evaluator (``""``: the unnamed one; default: that of the run updated last).
        configurations: The configurations (``""`` or ``None``: the implicit one; default: all of the runs').

    Raises:
        NotFoundError: no run on the suite version, or a model without a run of the evaluator.
        InputValidationError: the baseline is not one of the models, a model is given twice, or no run has a
            configuration asked for.
    """
    if not runs:
        raise NotFoundError(f"no model was tested on {suite_label}", test_suite=suite_label)
    if evaluator is None:
        candidates = [run for run in runs if not model_ids or run["model_id"] in model_ids]
        latest = max(candidates or runs, key=lambda run: (run["updated"], run["id"]))
        chosen = latest["evaluator"]
    else:
        chosen = _query_name(evaluator)
    of_evaluator = {run["model_id"]: run for run in runs if run["evaluator"] == chosen}
    if not of_evaluator:
        raise NotFoundError(f"no run of evaluator {chosen!r} on {suite_label}", evaluator=chosen)
    ids = list(model_ids) if model_ids else list(of_evaluator)
    if len(set(ids)) != len(ids):
        raise InputValidationError(f"model_ids names a model twice: {ids}", field="model_ids")
    missing = [model_id for model_id in ids if model_id not in of_evaluator]
    if missing:
        raise NotFoundError(
            f"model id {missing[0]} has no run of evaluator {chosen!r} on {suite_label}",
            model_id=missing[0],
            evaluator=chosen,
        )
    baseline = ids[0] if baseline_id is None else baseline_id
    if baseline not in ids:
        raise InputValidationError(
            f"the baseline model id {baseline} is not one of the models compared {ids}", field="baseline_id"
        )
    chosen_runs = [of_evaluator[model_id] for model_id in ids]
    available: list[str | None] = []
    for run in chosen_runs:
        for config in run["configurations"]:
            if config["name"] not in available:
                available.append(config["name"])
    if configurations:
        wanted = list(dict.fromkeys(_query_name(name) for name in configurations))
        unknown = [name for name in wanted if name not in available]
        if unknown:
            raise InputValidationError(
                f"no run of the models has configuration {unknown[0]!r}; they have {available}",
                field="configurations",
                value=unknown[0],
            )
    else:
        wanted = available
    return Selection(
        models=tuple(ModelRef(id=run["model_id"], name=run["model_name"]) for run in chosen_runs),
        baseline_id=baseline,
        evaluator=chosen,
        configurations=tuple(wanted),
        runs={run["model_id"]: (run["id"], str(run["updated"])) for run in chosen_runs},
        configuration_ids={
            (run["model_id"], config["name"]): config["id"] for run in chosen_runs for config in run["configurations"]
        },
    )


def build_options(suite: SuiteRef, runs: Sequence[Mapping[str, Any]]) -> ResultsOptions:
    """What can be compared on a suite version: each model's run of each evaluator."""
    options = [
        RunOption(
            model=ModelRef(id=run["model_id"], name=run["model_name"]),
            test_run_id=run["id"],
            evaluator=run["evaluator"],
            configurations=[config["name"] for config in run["configurations"]],
            completed=[config["name"] for config in run["configurations"] if config["completed"]],
        )
        for run in runs
    ]
    evaluators = list(dict.fromkeys(run["evaluator"] for run in runs))
    return ResultsOptions(test_suite=suite, evaluators=evaluators, runs=options)


# -- per-sample values ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Block:
    """Per-sample numeric metrics of one model on one test case: sample ids ascending, one row each."""

    sample_ids: IntArray
    values: FloatArray
    fields: Mapping[str, int]

    @property
    def n(self) -> int:
        return int(self.sample_ids.shape[0])

    @functools.cached_property
    def means(self) -> list[float]:
        # Every column's mean at once: the per-sample basis of each metric is checked against all of them.
        return [float(value) for value in self.values.mean(axis=0)] if self.n else []

    def restricted(self, keep: IntArray) -> _Block:
        at = np.searchsorted(self.sample_ids, keep)
        return _Block(keep, self.values[at], self.fields)

    def column(self, name: str) -> FloatArray:
        return self.values[:, self.fields[name]]

    def mean(self, name: str) -> float | None:
        column = self.fields.get(name)
        if column is None or self.n == 0:
            return None
        return self.means[column]


def _block_of(rows: Sequence[tuple[int, Mapping[str, Any]]]) -> _Block:
    """A block from ``(sample id, metrics)`` rows sorted by sample id: every numeric or boolean field."""
    keys: dict[str, None] = {}
    shape: Any = None
    shapes = 0
    for _, data in rows:
        # Rows of one metrics class share their keys: only a row of another shape can add any.
        if shape is None or data.keys() != shape:
            shape = data.keys()
            shapes += 1
            keys.update(dict.fromkeys(shape))
    keys.pop(TYPE_KEY, None)
    sample_ids = np.fromiter((sid for sid, _ in rows), dtype=np.int64, count=len(rows))
    numeric = [name for name in keys if _is_number(next((v for _, d in rows if (v := d.get(name)) is not None), None))]
    if shapes == 1 and numeric:
        # Every row has every key: one tuple per row and one conversion for the whole block, the common case
        # (a column holding anything but numbers, booleans and None falls back to the column-wise way).
        pick = operator.itemgetter(*numeric)
        try:
            table = np.array([pick(data) for _, data in rows], dtype=np.float64).reshape(len(rows), len(numeric))
        except (TypeError, ValueError):
            pass
        else:
            return _Block(sample_ids, table, {name: at for at, name in enumerate(numeric)})
    names: dict[str, int] = {}
    columns: list[FloatArray] = []
    for name in numeric:
        raw = [data.get(name) for _, data in rows]
        try:
            # Numbers and booleans in every row: numpy converts the whole column at once.
            column = np.array(raw, dtype=np.float64)
        except (TypeError, ValueError):
            column = np.array([np.nan if (number := _number(value)) is None else number for value in raw])
        names[name] = len(columns)
        columns.append(column)
    values = np.column_stack(columns) if columns else np.empty((len(rows), 0))
    return _Block(sample_ids, values, names)


@dataclass
class CaseData:
    """What one model stored under one configuration: test-case metrics and per-sample metrics.

    Per-sample metrics are kept as numeric blocks only (their dicts are dropped), so a configuration's data
    is small enough to be cached across requests: changing the baseline or the models compared reads nothing
    again.

    Attributes:
        cases: Metrics by test-case version id.
        blocks: Per-sample numeric metrics by scope (a test-case version id, or 0 for the whole suite).
        suite: The suite metrics, if stored.
    """

    cases: dict[int, Json | None] = field(default_factory=dict)
    blocks: dict[int, _Block] = field(default_factory=dict)
    suite: Json | None = None
    _restricted: dict[int, _Block] = field(default_factory=dict)

    def block(self, test_case_id: int, members: Mapping[int, IntArray]) -> _Block | None:
        """The per-sample metrics of a test case: stored for it, else the suite's restricted to its samples."""
        found = self.blocks.get(test_case_id)
        if found is not None:
            return found
        whole = self.blocks.get(0)
        case_members = members.get(test_case_id)
        if whole is None or case_members is None:
            return None
        found = self._restricted.get(test_case_id)
        if found is None:
            keep = np.intersect1d(whole.sample_ids, case_members, assume_unique=True)
            found = self._restricted[test_case_id] = whole.restricted(keep)
        return found

    @property
    def has_suite_scope(self) -> bool:
        """Whether per-sample metrics were stored once for the whole suite (evaluator functions)."""
        return 0 in self.blocks


def load_case_data(
    configuration_ids: Iterable[int],
    cases: Iterable[tuple[int, int, Json | None]],
    samples: Iterable[tuple[int, int, int, Json]],
    suites: Mapping[int, Json | None],
) -> dict[int, CaseData]:
    """Each configuration's stored data from the rows of ``assay.store.results_queries``.

    Args:
        configuration_ids: The stored configurations read.
        cases: ``(configuration id, test case id, metrics)`` rows.
        samples: ``(configuration id, scope, sample id, metrics)`` rows, by configuration, scope and sample id.
        suites: Suite metrics by configuration id.

    Returns:
        The data by configuration id.
    """
    found = {configuration_id: CaseData() for configuration_id in configuration_ids}
    for configuration_id, test_case_id, metrics in cases:
        found[configuration_id].cases[test_case_id] = metrics
    group: list[tuple[int, Json]] = []
    key: tuple[int, int] | None = None
    # Rows make many small objects, none in a cycle: the cyclic collector would only slow this down.
    with gc_paused():
        for configuration_id, scope, sample_id, metrics in samples:
            if (configuration_id, scope) != key:
                if key is not None:
                    found[key[0]].blocks[key[1]] = _block_of(group)
                key, group = (configuration_id, scope), []
            group.append((sample_id, metrics))
        if key is not None:
            found[key[0]].blocks[key[1]] = _block_of(group)
    for configuration_id, metrics in suites.items():
        found[configuration_id].suite = metrics
    return found


@dataclass
class TableData:
    """Everything a results table is built from.

    Attributes:
        suite: The suite version.
        test_cases: Its test cases, in suite order.
        selection: The runs compared.
        stored: What each (model id, configuration) stored.
        members: Sample ids of each test case, ascending (needed when sample metrics were stored per suite).
        schema: The workflow's schema document, for the metrics classes.
    """

    suite: SuiteRef
    test_cases: list[TestCaseRef]
    selection: Selection
    stored: dict[tuple[int, str | None], CaseData]
    members: dict[int, IntArray]
    schema: Mapping[str, Any] | None


def assemble(
    info: SuiteInfo,
    selection: Selection,
    by_configuration: Mapping[int, CaseData],
    members: Mapping[int, Sequence[int]],
    schema: Mapping[str, Any] | None,
) -> TableData:
    """The table data of a selection from each stored configuration's data.

    Args:
        info: The suite version.
        selection: The runs compared.
        by_configuration: The data of every configuration of :meth:`Selection.owners`.
        members: Sample ids of each test case, ascending (only needed for suite-wide sample metrics).
        schema: The workflow's schema document.
    """
    return TableData(
        suite=info.suite,
        test_cases=list(info.test_cases),
        selection=selection,
        stored={owner: by_configuration[cid] for cid, owner in selection.owners().items()},
        members={case_id: np.asarray(ids, dtype=np.int64) for case_id, ids in members.items()},
        schema=schema,
    )


# -- the table -----------------------------------------------------------------------------------------------
# A table is built in three layers, each cached on its own (see :class:`ResultsCache`), so that what a request
# changes is all it recomputes:
#
# 1. :class:`Prepared` (no baseline, no alpha): metrics, per-sample bases, columns, every cell's value and n, and
#    the per-sample blocks of each test case. Another baseline or alpha reuses it.
# 2. :class:`Tested` (a baseline, no alpha): deltas and every test's interval and p-value. Another alpha reuses
#    it; the resamples of paired tests (:class:`assay.metrics.statistics.PairedDraws`) depend only on the test
#    case, the configuration and the number of samples, so another baseline reuses those and draws nothing.
# 3. :class:`FullTable` (an alpha): Benjamini–Hochberg over the tests, pages made on demand and kept encoded.
#
# Cells are held as arrays (rows × columns) and turned into wire data only for the rows a page shows: a stress
# table holds 10^5 cells or more.
_SORT_SLOT = {"value": 0, "delta": 1, "significance": 2}
_CELL_FIELDS = ("value", "n", "delta", "ci_low", "ci_high", "p_value", "q_value", "significant", "test")
_set = object.__setattr__


def _cell_record(cell: Json | None) -> CellStats | None:
    """The record of a built cell, made the way ``model_construct`` makes it, for the few fields a cell has.

    A page holds thousands of cells and ``model_construct`` costs more than the rest of serving a cached page;
    the values were made here, so nothing needs validating (tests compare with validated records).
    """
    if cell is None:
        return None
    record = CellStats.__new__(CellStats)
    _set(record, "__dict__", dict(cell))
    _set(record, "__pydantic_fields_set__", set(_CELL_FIELDS))
    _set(record, "__pydantic_extra__", None)
    _set(record, "__pydantic_private__", None)
    return record


def _name_candidates(key: str) -> list[str]:
    names = [key]
    names.extend(key[len(prefix) :] for prefix in ("mean_", "avg_", "average_") if key.startswith(prefix))
    names.extend(key[: -len(suffix)] for suffix in ("_rate", "_mean", "_avg", "_ratio") if key.endswith(suffix))
    return list(dict.fromkeys(names))


def _same(value: float, mean: float) -> bool:
    if math.isnan(value) or math.isnan(mean):
        return math.isnan(value) and math.isnan(mean)
    return math.isclose(value, mean, rel_tol=DECOMPOSABLE_RTOL, abs_tol=1e-12)


def _same_all(values: FloatArray, means: FloatArray) -> bool:
    """:func:`_same` of every pair at once."""
    nan_value, nan_mean = np.isnan(values), np.isnan(means)
    with np.errstate(invalid="ignore", over="ignore"):
        finite = np.isfinite(values) & np.isfinite(means)
        tolerance = np.maximum(DECOMPOSABLE_RTOL * np.maximum(np.abs(values), np.abs(means)), 1e-12)
        close = (values == means) | (finite & (np.abs(values - means) <= tolerance))
    return bool(np.all(np.where(nan_value | nan_mean, nan_value & nan_mean, close)))


def _sample_fields(metric_keys: Iterable[str], instances: Sequence[tuple[Json, _Block]]) -> dict[str, str]:
    """The per-sample field each test-case metric is the mean of, where one is (see the module docstring)."""
    found: dict[str, str] = {}
    instances = [(data, block) for data, block in instances if block.n > 0]
    all_fields: list[str] = list(dict.fromkeys(name for _, block in instances for name in block.fields))
    # Blocks of one metrics class share their fields: then every block's means make one matrix, and each
    # candidate field is checked against every test case at once (a stress table has 10^4 of them).
    shared = instances[0][1].fields if instances else {}
    uniform = all(block.fields == shared for _, block in instances)
    means = np.array([block.means for _, block in instances], dtype=np.float64) if uniform and shared else None
    for key in metric_keys:
        numbers = [_number(data.get(key)) for data, _ in instances]
        checked = [at for at, value in enumerate(numbers) if value is not None]
        if not checked:
            continue
        values = np.array([numbers[at] for at in checked], dtype=np.float64)
        by_name = [name for name in _name_candidates(key) if name in all_fields]
        varied = np.unique(values[~np.isnan(values)]).size > 1
        others = [name for name in all_fields if name not in by_name] if varied else []
        for name in [*by_name, *others]:
            if means is not None:
                if _same_all(values, means[checked, shared[name]]):
                    found[key] = name
                    break
                continue
            checks = [instances[at][1] for at in checked]
            if all(name in block.fields for block in checks) and all(
                _same(value, mean)
                for value, block in zip(values.tolist(), checks, strict=True)
                if (mean := block.mean(name)) is not None
            ):
                found[key] = name
                break
    return found


def _seed(test_case_id: int, configuration: str | None, model_id: int = 0) -> np.random.SeedSequence:
    return np.random.SeedSequence([SEED, test_case_id, zlib.crc32((configuration or "").encode()), model_id])


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _check_options(alpha: float, confidence: float, n_resamples: int) -> None:
    if not 0 < alpha < 1:
        raise InputValidationError(f"alpha must be in (0, 1), got {alpha}", field="alpha", value=alpha)
    if not 0 < confidence < 1:
        raise InputValidationError(f"confidence must be in (0, 1), got {confidence}", field="confidence")
    if not 1 <= n_resamples <= 100_000:
        raise InputValidationError(f"n_resamples must be in [1, 100000], got {n_resamples}", field="n_resamples")


#: Resamples of paired tests by (test case id, configuration, samples, resamples); see :meth:`ResultsCache.draws`.
DrawsSource = Callable[[int, str | None, int, int], PairedDraws]


def _fresh_draws(test_case_id: int, configuration: str | None, n: int, n_resamples: int) -> PairedDraws:
    return PairedDraws.draw(n, n_resamples=n_resamples, seed=_seed(test_case_id, configuration))


@dataclass
class Prepared:
    """What a table is, before any baseline: metrics, columns, values, and each test case's per-sample blocks.

    Attributes:
        data: What the table is built from.
        common_samples: Whether blocks and decomposable values are restricted to the samples all models have.
        metric_infos: The metrics, in order.
        metric_columns: Their column descriptions (with their per-sample field, if decomposable).
        decomposable: ``(metric, per-sample field)`` of the metrics that are tested.
        columns: Every column, configuration-major, then metric, then model.
        column_index: Column position by (configuration, metric, model id).
        nested_fields: Fields holding nested tables, by row.
        present: ``(rows, columns)`` whether the cell exists.
        has_value: Whether the cell has a numeric value.
        value: The values (meaningful where ``has_value``).
        n: Samples of each cell's per-sample metrics, ``-1`` when it has none.
        blocks: By row, then configuration, then model id: the per-sample metrics tested.
        means: Resampled means of the per-sample columns, by test case and configuration, made on first use
            when they fit (:data:`LINEAR_BYTES`), so that each baseline costs a subtraction per test.
    """

    data: TableData
    common_samples: bool
    metric_infos: list[_MetricInfo]
    metric_columns: list[MetricColumn]
    decomposable: list[tuple[str, str]]
    columns: list[ResultColumn]
    column_index: dict[tuple[str | None, str, int], int]
    nested_fields: list[list[str]]
    present: npt.NDArray[np.bool_]
    has_value: npt.NDArray[np.bool_]
    value: FloatArray
    n: IntArray
    blocks: list[dict[str | None, dict[int, _Block]]]
    means: dict[Hashable, tuple[ResampledMeans, dict[int, int]]] = field(default_factory=dict)


def prepare(data: TableData, *, common_samples: bool = False) -> Prepared:
    """The baseline-independent part of a table (layer 1, see above)."""
    selection = data.selection
    types = _Types(data.schema)
    models = selection.models
    configs = selection.configurations
    empty = CaseData()

    def stored(model_id: int, configuration: str | None) -> CaseData:
        return data.stored.get((model_id, configuration), empty)

    # Metrics, in declared order, and the per-sample basis of each.
    catalog = _MetricCatalog(types)
    instances: list[tuple[Json, _Block]] = []
    nested_by_case: dict[int, list[str]] = {}
    for configuration in configs:
        for model in models:
            case_data = stored(model.id, configuration)
            for case in data.test_cases:
                metrics = case_data.cases.get(case.id)
                if not metrics:
                    continue
                catalog.add_dict(metrics, types.key_of(metrics))
                fields = nested_by_case.setdefault(case.id, [])
                for name, value in metrics.items():
                    # A nested field holds a list of metrics dicts of one class: its first item tells.
                    if name not in fields and isinstance(value, list) and value and isinstance(value[0], dict):
                        fields.append(name)
                block = case_data.block(case.id, data.members)
                if block is not None:
                    instances.append((metrics, block))
    basis = _sample_fields(catalog.metrics, instances)
    metric_infos = list(catalog.metrics.values())
    columns = [
        ResultColumn(configuration=configuration, metric=info.key, model_id=model.id)
        for configuration in configs
        for info in metric_infos
        for model in models
    ]
    column_index = {(c.configuration, c.metric, c.model_id): i for i, c in enumerate(columns)}
    shape = (len(data.test_cases), len(columns))
    present = np.zeros(shape, dtype=bool)
    has_value = np.zeros(shape, dtype=bool)
    values = np.full(shape, np.nan)
    counts = np.full(shape, -1, dtype=np.int64)
    all_blocks: list[dict[str | None, dict[int, _Block]]] = []
    for row_index, case in enumerate(data.test_cases):
        by_configuration: dict[str | None, dict[int, _Block]] = {}
        for configuration in configs:
            blocks: dict[int, _Block] = {}
            for model in models:
                block = stored(model.id, configuration).block(case.id, data.members)
                if block is not None:
                    blocks[model.id] = block
            if common_samples and blocks:
                shared = next(iter(blocks.values())).sample_ids
                for block in blocks.values():
                    shared = np.intersect1d(shared, block.sample_ids, assume_unique=True)
                blocks = {model_id: block.restricted(shared) for model_id, block in blocks.items()}
            by_configuration[configuration] = blocks
            for model in models:
                metrics = stored(model.id, configuration).cases.get(case.id) or {}
                block_of_model = blocks.get(model.id)
                for info in metric_infos:
                    value = _number(metrics.get(info.key))
                    if common_samples and info.key in basis and block_of_model is not None:
                        value = block_of_model.mean(basis[info.key]) if value is not None else None
                    if value is None and block_of_model is None:
                        continue
                    at = column_index[(configuration, info.key, model.id)]
                    present[row_index, at] = True
                    if value is not None:
                        has_value[row_index, at] = True
                        values[row_index, at] = value
                    if block_of_model is not None:
                        counts[row_index, at] = block_of_model.n
        all_blocks.append(by_configuration)
    return Prepared(
        data=data,
        common_samples=common_samples,
        metric_infos=metric_infos,
        metric_columns=[_column(info, basis.get(info.key)) for info in metric_infos],
        decomposable=[(info.key, basis[info.key]) for info in metric_infos if info.key in basis],
        columns=columns,
        column_index=column_index,
        nested_fields=[nested_by_case.get(case.id, []) for case in data.test_cases],
        present=present,
        has_value=has_value,
        value=values,
        n=counts,
        blocks=all_blocks,
    )


@functools.cache
def _blas_controller() -> Any:
    try:
        # A dependency, but untyped (no stubs): imported by name so that mypy --strict stays clean.
        module = importlib.import_module("threadpoolctl")
    except ImportError:
        return None
    return module.ThreadpoolController()


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[None]:
    """BLAS on one thread while the tests run (through ``threadpoolctl``; unlimited if it is missing).

    The products here are small (1000 resamples x a few hundred samples); a multi-threaded BLAS spends more
    on waking and syncing its threads than on them, 4-5 times more on a busy 2-core machine. One thread
    gives the same numbers (BLAS splits rows and columns among threads, not the sums).
    """
    controller = _blas_controller()
    if controller is None:
        yield
        return
    with controller.limit(limits=1, user_api="blas"):
        yield


#: Pending intervals of a row: each fills the bounds of some of its tests.
_Fill = Callable[[], None]

#: The most memory a prepared table's resampled means may take (:class:`ResampledMeans` per test case and
#: configuration, which make another baseline cheap); beyond it (the stress set would need ~1 GB) every
#: baseline resamples its differences itself.
LINEAR_BYTES = 64 * 2**20


@dataclass
class Tested:
    """A prepared table against one baseline: deltas, and every test's interval and p-value (no alpha yet).

    P-values are computed for every test (Benjamini–Hochberg needs them all); intervals only for the rows a
    page shows, on first use (:meth:`fill_intervals`), as they cost most and no sort or filter uses them.

    Attributes:
        prepared: The table.
        baseline_id: The baseline model.
        confidence: The intervals' confidence.
        n_resamples: Resamples per test.
        has_delta: ``(rows, columns)`` whether the cell has a delta.
        delta: The deltas (meaningful where ``has_delta``).
        test_at: The index of each cell's test, ``-1`` for none.
        rows, cols: Each test's cell.
        paired: Whether each test is paired.
        low, high, p_value: Each test's interval and p-value.
    """

    prepared: Prepared
    baseline_id: int
    confidence: float
    n_resamples: int
    has_delta: npt.NDArray[np.bool_]
    delta: FloatArray
    test_at: IntArray
    rows: IntArray
    cols: IntArray
    paired: npt.NDArray[np.bool_]
    low: FloatArray
    high: FloatArray
    p_value: FloatArray
    pending: dict[int, list[_Fill]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fill_intervals(self, row: int) -> None:
        """Compute the intervals of a row's tests, if not yet done."""
        if row not in self.pending:
            return
        with self._lock, _one_blas_thread():
            for fill in self.pending.pop(row, []):
                fill()


def _linear(prepared: Prepared, n_resamples: int) -> bool:
    """Whether the resampled means of every tested column fit in :data:`LINEAR_BYTES`."""
    k = len(prepared.decomposable)
    total = 0
    for by_configuration in prepared.blocks:
        for blocks in by_configuration.values():
            for block in blocks.values():
                patterns = min(n_resamples, 2**block.n) if block.n < 63 else n_resamples
                total += 8 * k * (n_resamples + patterns + block.n)
    return total <= LINEAR_BYTES


def run_tests(
    prepared: Prepared,
    *,
    baseline_id: int | None = None,
    confidence: float = DEFAULT_CONFIDENCE,
    n_resamples: int = DEFAULT_RESAMPLES,
    draws: DrawsSource | None = None,
) -> Tested:
    """Deltas to a baseline and the tests of every other model against it (layer 2, see above).

    Args:
        prepared: The table.
        baseline_id: The baseline (default: the selection's).
        confidence: The intervals' confidence.
        n_resamples: Bootstrap resamples and random permutations per test.
        draws: Where paired resamples come from (:meth:`ResultsCache.draws` keeps them; default: drawn anew).
    """
    _check_options(0.5, confidence, n_resamples)
    data = prepared.data
    baseline = data.selection.baseline_id if baseline_id is None else baseline_id
    draw = draws or _fresh_draws
    columns = prepared.columns
    base_columns = np.array(
        [prepared.column_index[(c.configuration, c.metric, baseline)] for c in columns], dtype=np.int64
    )
    others = np.array([c.model_id != baseline for c in columns], dtype=bool)
    has_delta = prepared.has_value & prepared.has_value[:, base_columns] & others[None, :]
    delta = np.where(has_delta, prepared.value - prepared.value[:, base_columns], np.nan)
    linear = _linear(prepared, n_resamples)
    layout = _Layout.of(prepared)
    found: list[_Found] = []
    rows: list[IntArray] = []
    count = 0
    fills: dict[int, list[tuple[IntArray, Callable[[], tuple[FloatArray, FloatArray]]]]] = {}
    with _one_blas_thread():
        for row_index, case in enumerate(data.test_cases):
            for configuration, blocks in prepared.blocks[row_index].items():
                tests, later, n_paired = _tests_of_case(
                    prepared,
                    _CaseKey(row_index, case.id, configuration),
                    blocks,
                    baseline,
                    _Options(confidence, n_resamples, draw, linear),
                    layout,
                )
                if later is not None:
                    fills.setdefault(row_index, []).append((np.arange(count, count + n_paired), later))
                for part in tests:
                    found.append(part)
                    rows.append(np.full(part.columns.size, row_index, dtype=np.int64))
                    count += part.columns.size

    def joined(parts: list[npt.NDArray[Any]], dtype: Any) -> npt.NDArray[Any]:
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype=dtype)

    test_rows = joined(rows, np.int64)
    test_columns = joined([part.columns for part in found], np.int64)
    test_at = np.full(prepared.present.shape, -1, dtype=np.int64)
    test_at[test_rows, test_columns] = np.arange(count)
    tested = Tested(
        prepared=prepared,
        baseline_id=baseline,
        confidence=confidence,
        n_resamples=n_resamples,
        has_delta=has_delta,
        delta=delta,
        test_at=test_at,
        rows=test_rows,
        cols=test_columns,
        paired=joined([part.paired for part in found], bool),
        low=joined([part.low for part in found], np.float64),
        high=joined([part.high for part in found], np.float64),
        p_value=joined([part.p_value for part in found], np.float64),
    )
    for row_index, parts in fills.items():
        tested.pending[row_index] = [_filler(tested, indices, later) for indices, later in parts]
    return tested


def _filler(tested: Tested, indices: IntArray, later: Callable[[], tuple[FloatArray, FloatArray]]) -> _Fill:
    def fill() -> None:
        tested.low[indices], tested.high[indices] = later()

    return fill


@dataclass(frozen=True)
class _CaseKey:
    row: int
    test_case_id: int
    configuration: str | None


@dataclass(frozen=True)
class _Options:
    confidence: float
    n_resamples: int
    draw: DrawsSource
    linear: bool


@dataclass(frozen=True)
class _Layout:
    """Where a table's cells are, for the tests: columns go configuration-major, then metric, then model."""

    metrics: int
    models: dict[int, int]
    configurations: dict[str | None, int]
    #: Position among the metrics of each decomposable metric, and its per-sample field.
    decomposable: IntArray
    fields: tuple[str, ...]

    @classmethod
    def of(cls, prepared: Prepared) -> _Layout:
        metric_at = {info.key: at for at, info in enumerate(prepared.metric_infos)}
        selection = prepared.data.selection
        return cls(
            metrics=len(prepared.metric_infos),
            models={model.id: at for at, model in enumerate(selection.models)},
            configurations={name: at for at, name in enumerate(selection.configurations)},
            decomposable=np.array([metric_at[key] for key, _ in prepared.decomposable], dtype=np.int64),
            fields=tuple(name for _, name in prepared.decomposable),
        )

    def columns(self, configuration: str | None, model_id: int) -> IntArray:
        """The columns of a model's decomposable metrics under a configuration."""
        position = self.configurations[configuration] * self.metrics + self.decomposable
        return position * len(self.models) + self.models[model_id]


def _field_columns(block: _Block, fields: Sequence[str]) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """A block's columns of the given fields (NaN where it lacks one) and which it has."""
    has = np.array([name in block.fields for name in fields], dtype=bool)
    values = block.values[:, [block.fields.get(name, 0) for name in fields]] if fields else block.values[:, :0]
    if not has.all():
        values = np.where(has[None, :], values, np.nan)
    return values, has


def _resampled_means(
    prepared: Prepared, where: _CaseKey, blocks: Mapping[int, _Block], base: _Block, options: _Options
) -> tuple[ResampledMeans, dict[int, int]]:
    """The resampled means of every model on the baseline's samples, kept with the prepared table.

    Returns:
        The means, whose columns are each model's decomposable fields in order, and each model's first column.
    """
    same = [model_id for model_id, block in blocks.items() if np.array_equal(block.sample_ids, base.sample_ids)]
    key = (where.row, where.configuration, options.n_resamples, tuple(same))
    found = prepared.means.get(key)
    if found is None:
        fields = [name for _, name in prepared.decomposable]
        parts = [_field_columns(blocks[model_id], fields)[0] for model_id in same]
        draws = options.draw(where.test_case_id, where.configuration, base.n, options.n_resamples)
        starts = {model_id: at * len(fields) for at, model_id in enumerate(same)}
        found = prepared.means[key] = (ResampledMeans.of(draws, np.hstack(parts)), starts)
    return found


@dataclass
class _Found:
    """The tests of one test case under one configuration (paired ones first), as arrays."""

    columns: IntArray
    paired: npt.NDArray[np.bool_]
    low: FloatArray
    high: FloatArray
    p_value: FloatArray

    @classmethod
    def of(cls, result: BatchTestResult, columns: IntArray, paired: bool) -> _Found:
        # A test that could not run (NaN p-value, e.g. a non-finite per-sample value) leaves its cell untested.
        kept = ~np.isnan(result.p_value)
        return cls(
            columns[kept],
            np.full(int(kept.sum()), paired),
            result.low[kept],
            result.high[kept],
            result.p_value[kept],
        )


def _tests_of_case(
    prepared: Prepared,
    where: _CaseKey,
    blocks: Mapping[int, _Block],
    baseline: int,
    options: _Options,
    layout: _Layout,
) -> tuple[list[_Found], Callable[[], tuple[FloatArray, FloatArray]] | None, int]:
    """The tests of every other model against the baseline on one test case under one configuration.

    A metric is tested when both values are finite and both models have its per-sample field.

    Returns:
        The tests (paired ones first, their intervals NaN), what computes the intervals of the paired tests
        (``None`` when there is none), and how many of the tests are paired.
    """
    base = blocks.get(baseline)
    if base is None or base.n == 0 or not layout.fields:
        return [], None, 0
    configuration = where.configuration
    row = where.row
    finite = prepared.has_value[row] & np.isfinite(prepared.value[row])
    base_values, base_has = _field_columns(base, layout.fields)
    base_ok = base_has & finite[layout.columns(configuration, baseline)]
    paired: list[tuple[int, IntArray, npt.NDArray[np.bool_]]] = []  # (model id, its columns, which tested)
    unpaired: list[tuple[int, IntArray, npt.NDArray[np.bool_]]] = []
    for model in prepared.data.selection.models:
        block = blocks.get(model.id)
        if model.id == baseline or block is None or block.n == 0:
            continue
        columns = layout.columns(configuration, model.id)
        has = np.array([name in block.fields for name in layout.fields], dtype=bool)
        wanted = has & base_ok & finite[columns]
        if not wanted.any():
            continue
        if np.array_equal(block.sample_ids, base.sample_ids):
            paired.append((model.id, columns, wanted))
        else:
            unpaired.append((model.id, columns, wanted))
    found: list[_Found] = []
    later: Callable[[], tuple[FloatArray, FloatArray]] | None = None
    n_paired = 0
    if paired:
        confidence = options.confidence
        tested_columns = np.concatenate([columns[wanted] for _, columns, wanted in paired])
        if options.linear:
            means, starts = _resampled_means(prepared, where, blocks, base, options)
            slots = np.arange(len(layout.fields))
            first = np.concatenate([starts[model_id] + slots[wanted] for model_id, _, wanted in paired])
            second = np.concatenate([starts[baseline] + slots[wanted] for _, _, wanted in paired])

            result = means.compare(first, second, confidence=confidence, intervals=False)
            kept = ~np.isnan(result.p_value)

            def later() -> tuple[FloatArray, FloatArray]:
                return means.intervals(first[kept], second[kept], confidence=confidence)

        else:

            def differences() -> FloatArray:
                return np.hstack(
                    [
                        _field_columns(blocks[model_id], layout.fields)[0][:, wanted] - base_values[:, wanted]
                        for model_id, _, wanted in paired
                    ]
                )

            draws = options.draw(where.test_case_id, configuration, base.n, options.n_resamples)
            result = draws.test(differences(), confidence=confidence, intervals=False)
            kept = ~np.isnan(result.p_value)

            def later() -> tuple[FloatArray, FloatArray]:
                # Made again rather than kept: a stress table's differences would weigh 20 MB per baseline.
                return draws.intervals(differences()[:, kept], confidence=confidence)

        found.append(_Found.of(result, tested_columns, True))
        n_paired = found[0].columns.size
    for model_id, columns, wanted in unpaired:
        seed = _seed(where.test_case_id, configuration, model_id)
        result = unpaired_tests(
            _field_columns(blocks[model_id], layout.fields)[0][:, wanted],
            base_values[:, wanted],
            confidence=options.confidence,
            n_resamples=options.n_resamples,
            seed=seed,
        )
        found.append(_Found.of(result, columns[wanted], False))
    return found, later if n_paired else None, n_paired


def _suite_part(
    data: TableData, types: _Types, baseline: int
) -> tuple[list[MetricColumn], list[ResultColumn], list[CellStats | None]]:
    selection = data.selection
    catalog = _MetricCatalog(types)
    for configuration in selection.configurations:
        for model in selection.models:
            found = data.stored.get((model.id, configuration))
            if found is not None and found.suite:
                catalog.add_dict(found.suite, types.key_of(found.suite))
    infos = list(catalog.metrics.values())
    columns = [
        ResultColumn(configuration=configuration, metric=info.key, model_id=model.id)
        for configuration in selection.configurations
        for info in infos
        for model in selection.models
    ]
    cells: list[CellStats | None] = []
    for column in columns:
        found = data.stored.get((column.model_id, column.configuration))
        value = _number((found.suite or {}).get(column.metric)) if found is not None else None
        if value is None:
            cells.append(None)
            continue
        base = data.stored.get((baseline, column.configuration))
        base_value = _number((base.suite or {}).get(column.metric)) if base is not None else None
        delta = None
        if column.model_id != baseline and base_value is not None:
            delta = value - base_value
        cells.append(_cell_record(dict(zip(_CELL_FIELDS, [value, None, delta, *[None] * 6], strict=True))))
    return [_column(info) for info in infos], columns, cells


@dataclass(frozen=True)
class PageRequest:
    """Which rows of a built table a page shows, in which order (see :func:`page_table`)."""

    sort_metric: str | None = None
    sort_configuration: str | None = None
    sort_model_id: int | None = None
    sort_by: SortBy = "value"
    descending: bool = False
    only_significant: bool = False
    offset: int = 0
    limit: int | None = None


@dataclass
class FullTable:
    """A built table before sorting, filtering and paging, with the wire data of rows made on first use.

    Attributes:
        table: The table without rows.
        tested: Its deltas and tests.
        q_value: Each test's Benjamini–Hochberg adjusted p-value.
        significant: Whether each test is rejected at the table's alpha.
    """

    table: ResultsTable
    tested: Tested
    q_value: FloatArray
    significant: npt.NDArray[np.bool_]
    _rows: dict[int, ResultsRow] = field(default_factory=dict)
    _json: dict[int, Json] = field(default_factory=dict)
    _pages: OrderedDict[PageRequest, tuple[bytes, str]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def test_cases(self) -> list[TestCaseRef]:
        """The rows' test cases, in suite order."""
        return self.tested.prepared.data.test_cases

    @property
    def column_index(self) -> dict[tuple[str | None, str, int], int]:
        """Column position by (configuration, metric, model id)."""
        return self.tested.prepared.column_index

    def head_json(self) -> Json:
        """The table without rows, as wire data in the record's key order (made once)."""
        found = self._json.get(-1)
        if found is None:
            found = self._json[-1] = tag_nonfinite(self.table.model_dump(by_alias=True))
        return found

    def _cells(self, index: int) -> list[Json | None]:
        tested = self.tested
        tested.fill_intervals(index)
        prepared = tested.prepared
        present = prepared.present[index].tolist()
        has_value = prepared.has_value[index].tolist()
        values = prepared.value[index].tolist()
        counts = prepared.n[index].tolist()
        has_delta = tested.has_delta[index].tolist()
        deltas = tested.delta[index].tolist()
        test_at = tested.test_at[index].tolist()
        cells: list[Json | None] = []
        for at, exists in enumerate(present):
            if not exists:
                cells.append(None)
                continue
            count = counts[at]
            cell: Json = {
                "value": values[at] if has_value[at] else None,
                "n": count if count >= 0 else None,
                "delta": deltas[at] if has_delta[at] else None,
                "ci_low": None,
                "ci_high": None,
                "p_value": None,
                "q_value": None,
                "significant": None,
                "test": None,
            }
            k = test_at[at]
            if k >= 0:
                cell["ci_low"] = float(tested.low[k])
                cell["ci_high"] = float(tested.high[k])
                cell["p_value"] = float(tested.p_value[k])
                cell["q_value"] = float(self.q_value[k])
                cell["significant"] = bool(self.significant[k])
                cell["test"] = "paired" if tested.paired[k] else "unpaired"
            cells.append(cell)
        return cells

    def _nonfinite(self, index: int) -> bool:
        """Whether a number of row ``index``'s cells is NaN or infinite (checked on the arrays, not cell by cell)."""
        tested = self.tested
        prepared = tested.prepared
        if np.any(prepared.has_value[index] & ~np.isfinite(prepared.value[index])):
            return True
        if np.any(tested.has_delta[index] & ~np.isfinite(tested.delta[index])):
            return True
        at = tested.test_at[index]
        at = at[at >= 0]
        parts = (tested.low[at], tested.high[at], tested.p_value[at], self.q_value[at]) if at.size else ()
        return any(not np.all(np.isfinite(part)) for part in parts)

    def row_json(self, index: int) -> Json:
        """Row ``index`` as wire data (made once)."""
        found = self._json.get(index)
        if found is None:
            cells = self._cells(index)
            found = self._json[index] = {
                "test_case": self.test_cases[index].model_dump(),
                "cells": tag_nonfinite(cells) if self._nonfinite(index) else cells,
                "nested_fields": list(self.tested.prepared.nested_fields[index]),
            }
        return found

    def row(self, index: int) -> ResultsRow:
        """The record of row ``index`` (made once; a race makes it twice, equal)."""
        found = self._rows.get(index)
        if found is None:
            found = self._rows[index] = ResultsRow.model_construct(
                test_case=self.test_cases[index],
                cells=[_cell_record(cell) for cell in self._cells(index)],
                nested_fields=self.tested.prepared.nested_fields[index],
            )
        return found

    def page_body(self, page: PageRequest) -> tuple[bytes, str]:
        """A page encoded as the server sends it, and its strong ETag, kept for the pages asked last.

        A client revalidating a page it holds is answered from the kept ETag without encoding anything.
        """
        with self._lock:
            found = self._pages.get(page)
            if found is not None:
                self._pages.move_to_end(page)
                return found
        body = encode(page_json(self, page))
        found = (body, strong_etag(body))
        with self._lock:
            self._pages[page] = found
            while len(self._pages) > 32:
                self._pages.popitem(last=False)
        return found


def strong_etag(body: bytes) -> str:
    """A strong entity tag of the exact bytes of a body."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def with_alpha(tested: Tested, alpha: float = DEFAULT_ALPHA) -> FullTable:
    """The table of ``tested`` at a false discovery rate (layer 3): Benjamini–Hochberg over all its tests.

    Raises:
        InputValidationError: ``alpha`` out of (0, 1).
    """
    _check_options(alpha, tested.confidence, tested.n_resamples)
    prepared = tested.prepared
    data = prepared.data
    selection = data.selection
    q_value = np.full(tested.p_value.shape, np.nan)
    significant = np.zeros(tested.p_value.shape, dtype=bool)
    if tested.p_value.size:
        significant, q_value = benjamini_hochberg(tested.p_value, alpha=alpha)
    suite_metrics, suite_columns, suite_cells = _suite_part(data, _Types(data.schema), tested.baseline_id)
    rows = len(data.test_cases)
    table = ResultsTable.model_construct(
        test_suite=data.suite,
        models=list(selection.models),
        baseline_id=tested.baseline_id,
        evaluator=selection.evaluator,
        configurations=list(selection.configurations),
        metrics=prepared.metric_columns,
        columns=prepared.columns,
        rows=[],
        suite_metrics=suite_metrics,
        suite_columns=suite_columns,
        suite_cells=suite_cells,
        total=rows,
        offset=0,
        limit=rows,
        alpha=alpha,
        confidence=tested.confidence,
        n_tests=int(tested.p_value.size),
        common_samples=prepared.common_samples,
    )
    return FullTable(table=table, tested=tested, q_value=q_value, significant=significant)


def build_table(
    data: TableData,
    *,
    common_samples: bool = False,
    alpha: float = DEFAULT_ALPHA,
    confidence: float = DEFAULT_CONFIDENCE,
    n_resamples: int = DEFAULT_RESAMPLES,
) -> FullTable:
    """Build the whole table (every row), with its tests and their Benjamini–Hochberg q-values.

    The three layers at once, nothing cached (the service keeps each layer, see :class:`ResultsCache`).

    Args:
        data: The stored metrics of the selection.
        common_samples: Restrict every model to the samples all models have per-sample metrics for.
        alpha: The false discovery rate a significant cell is controlled at.
        confidence: The confidence of the intervals.
        n_resamples: Bootstrap resamples and random permutations per test.

    Returns:
        The built table, to be sorted, filtered and paged by :func:`page_table`.

    Raises:
        InputValidationError: ``alpha``, ``confidence`` or ``n_resamples`` out of range.
    """
    _check_options(alpha, confidence, n_resamples)
    tested = run_tests(prepare(data, common_samples=common_samples), confidence=confidence, n_resamples=n_resamples)
    return with_alpha(tested, alpha)


def _sort_keys(full: FullTable, column: int, sort_by: SortBy) -> list[float | None]:
    """Each row's sort key in a column; ``None`` where the cell lacks that number (or it is NaN)."""
    tested = full.tested
    if sort_by == "value":
        keys, known = tested.prepared.value[:, column], tested.prepared.has_value[:, column]
    elif sort_by == "delta":
        keys, known = tested.delta[:, column], tested.has_delta[:, column]
    else:
        at = tested.test_at[:, column]
        known = at >= 0
        keys = np.where(known, full.q_value[np.maximum(at, 0)] if full.q_value.size else np.nan, np.nan)
    known = known & ~np.isnan(keys)
    return [key if ok else None for key, ok in zip(keys.tolist(), known.tolist(), strict=True)]


def _page_rows(full: FullTable, page: PageRequest) -> tuple[list[int], int]:
    """The row indices of a page and how many rows pass the filter."""
    if page.offset < 0 or (page.limit is not None and page.limit < 0):
        raise InputValidationError(
            f"offset and limit must be 0 or more, got {page.offset} and {page.limit}", field="offset"
        )
    table = full.table
    rows = list(range(len(full.test_cases)))
    if page.only_significant:
        marked = np.zeros(len(rows), dtype=bool)
        marked[full.tested.rows[full.significant]] = True
        rows = np.flatnonzero(marked).tolist()
    if page.sort_metric is not None:
        configuration = _query_name(page.sort_configuration) if page.sort_configuration is not None else None
        if page.sort_configuration is None and table.configurations:
            configuration = table.configurations[0]
        model_id = page.sort_model_id
        if model_id is None:
            others = [model.id for model in table.models if model.id != table.baseline_id]
            model_id = table.baseline_id if page.sort_by == "value" or not others else others[0]
        at = full.column_index.get((configuration, page.sort_metric, model_id))
        if at is None:
            raise InputValidationError(
                f"the table has no column of metric {page.sort_metric!r}, configuration {configuration!r} and "
                f"model id {model_id} to sort by",
                field="sort_metric",
            )
        sort_keys = _sort_keys(full, at, page.sort_by)
        keyed = [(sort_keys[i], i) for i in rows]
        present = [(value, i) for value, i in keyed if value is not None]
        present.sort(key=lambda item: (-item[0] if page.descending else item[0], item[1]))
        rows = [i for _, i in present] + [i for value, i in keyed if value is None]
    size = len(rows) if page.limit is None else page.limit
    return rows[page.offset : page.offset + size], len(rows)


def page_table(full: FullTable, page: PageRequest) -> ResultsTable:
    """One page of a built table, sorted and filtered.

    Rows keep the suite's order unless ``sort_metric`` is given; then they are ordered by that metric's cell
    of one model under one configuration (default: the first configuration; the baseline for values, the
    first other model for deltas and significance), by its value, delta or q-value (smallest first unless
    ``descending``). Cells without that number go last in either direction; ties keep the suite's order.

    Raises:
        InputValidationError: the sort names a column the table does not have, or a negative offset or limit.
    """
    rows, total = _page_rows(full, page)
    return full.table.model_copy(
        update={
            "rows": [full.row(i) for i in rows],
            "total": total,
            "offset": page.offset,
            "limit": total if page.limit is None else page.limit,
        }
    )


def page_json(full: FullTable, page: PageRequest) -> Json:
    """:func:`page_table` as the JSON-able dict the server sends (non-finite floats tagged).

    The parts of the table are converted once and kept with it, so a page of a cached table costs the
    encoding of its bytes and little else.
    """
    rows, total = _page_rows(full, page)
    return {
        **full.head_json(),
        "rows": [full.row_json(i) for i in rows],
        "total": total,
        "offset": page.offset,
        "limit": total if page.limit is None else page.limit,
    }


# -- nested tables and plots -----------------------------------------------------------------------------------
def _label_field(types: _Types, parent: Mapping[str, Any] | None, field_name: str, items: Sequence[Json]) -> str | None:
    if parent is not None:
        spec = types.fields(types.key_of(parent)).get(field_name)
        item_type = _list_item_type(spec.get("kind")) if spec is not None else None
        for name, nested in types.fields(item_type).items():
            kind = nested.get("kind")
            if isinstance(kind, Mapping) and kind.get("kind") == "scalar" and kind.get("type") == "str":
                return name
    for item in items:
        for name, value in item.items():
            if name != TYPE_KEY and isinstance(value, str):
                return name
    return None


def build_nested(
    test_case: TestCaseRef,
    field_name: str,
    selection: Selection,
    metrics: Mapping[tuple[int, str | None], Json | None],
    schema: Mapping[str, Any] | None,
) -> NestedResults:
    """The nested table of one field of a test case's metrics (e.g. per class), value and delta per cell.

    Rows are labelled by the nested class's first string field (``label``, ``class``, ``name``...) and come in
    the order first seen; a row missing for a model has no cell.

    Args:
        test_case: The test case.
        field_name: The field of the test-case metrics holding a list of metrics dicts.
        selection: The runs compared.
        metrics: Each (model id, configuration)'s test-case metrics.
        schema: The workflow's schema document.

    Raises:
        NotFoundError: no model stored a list under that field for the test case.
    """
    types = _Types(schema)
    configs = selection.configurations
    lists: dict[tuple[int, str | None], list[Json]] = {}
    parent: Json | None = None
    for (model_id, configuration), data in metrics.items():
        items = (data or {}).get(field_name)
        if isinstance(items, list) and all(isinstance(item, dict) for item in items):
            lists[(model_id, configuration)] = items
            if parent is None:
                parent = data
    if not lists:
        raise NotFoundError(
            f"test case {test_case.name!r} has no nested metrics {field_name!r} for these models",
            field=field_name,
            test_case=test_case.name,
        )
    every = [item for items in lists.values() for item in items]
    label = _label_field(types, parent, field_name, every)
    spec = types.fields(types.key_of(parent or {})).get(field_name)
    catalog = _MetricCatalog(types)
    item_type = _list_item_type(spec.get("kind")) if spec is not None else None
    for item in every:
        catalog.add_dict(item, item_type)
    infos = [info for info in catalog.metrics.values() if info.key != label]
    columns = [
        ResultColumn(configuration=configuration, metric=info.key, model_id=model.id)
        for configuration in configs
        for info in infos
        for model in selection.models
    ]
    by_label: dict[tuple[int, str | None], dict[str, Json]] = {}
    labels: list[str] = []
    for configuration in configs:
        for model in selection.models:
            items = lists.get((model.id, configuration), [])
            keyed: dict[str, Json] = {}
            for position, item in enumerate(items):
                name = str(item.get(label)) if label is not None else f"#{position}"
                keyed[name] = item
                if name not in labels:
                    labels.append(name)
            by_label[(model.id, configuration)] = keyed
    rows: list[NestedRow] = []
    for name in labels:
        cells: list[CellStats | None] = []
        for column in columns:
            entry = by_label[(column.model_id, column.configuration)].get(name)
            value = _number(entry.get(column.metric)) if entry is not None else None
            if entry is None or (value is None and column.metric not in entry):
                cells.append(None)
                continue
            base = by_label[(selection.baseline_id, column.configuration)].get(name)
            base_value = _number(base.get(column.metric)) if base is not None else None
            delta = None
            if column.model_id != selection.baseline_id and value is not None and base_value is not None:
                delta = value - base_value
            cells.append(_cell_record(dict(zip(_CELL_FIELDS, [value, None, delta, *[None] * 6], strict=True))))
        rows.append(NestedRow(label=name, cells=cells))
    return NestedResults(
        test_case=test_case, field=field_name, metrics=[_column(info) for info in infos], columns=columns, rows=rows
    )


def build_plots(
    test_case: TestCaseRef, selection: Selection, plots: Mapping[tuple[int, str | None], list[Any] | None]
) -> TestCasePlots:
    """Each model's stored plots of a test case, configuration-major, models in the order asked."""
    found = [
        PlotsOfModel(model_id=model.id, configuration=configuration, plots=list(stored))
        for configuration in selection.configurations
        for model in selection.models
        if (stored := plots.get((model.id, configuration)))
    ]
    return TestCasePlots(test_case=test_case, plots=found)


# -- cache ---------------------------------------------------------------------------------------------------
def schema_digest(schema: Mapping[str, Any] | None) -> str:
    """A short digest of a schema document, for cache keys."""
    return hashlib.sha256(orjson.dumps(schema, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


class ResultsCache:
    """A small thread-safe LRU of built tables and of their layers, keyed by fingerprints of their inputs.

    Besides the tables (one per alpha), it keeps the layers they are made of (:class:`Prepared` per selection
    without its baseline, :class:`Tested` per baseline), each configuration's stored data, and the resamples of
    paired tests (:meth:`draws`) up to :data:`DRAWS_BYTES`.

    Args:
        size: How many tables to keep.
    """

    #: The most memory the kept resamples hold (the stress set's, 500 test cases x 40 samples, hold 40 MB).
    DRAWS_BYTES = 256 * 2**20

    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, FullTable] = OrderedDict()
        self._prepared: OrderedDict[Hashable, Prepared] = OrderedDict()
        self._tested: OrderedDict[Hashable, Tested] = OrderedDict()
        self._draws: OrderedDict[tuple[int, str | None, int, int], PairedDraws] = OrderedDict()
        self._draws_bytes = 0
        self._suites: OrderedDict[int, SuiteInfo] = OrderedDict()
        self._members: OrderedDict[int, dict[int, list[int]]] = OrderedDict()
        self._data: OrderedDict[tuple[int, str], CaseData] = OrderedDict()
        self._lock = threading.Lock()

    def case_data(self, configuration_id: int, stamp: str) -> CaseData | None:
        """A configuration's data as read when its run last changed at ``stamp``, if kept."""
        with self._lock:
            found = self._data.get((configuration_id, stamp))
            if found is not None:
                self._data.move_to_end((configuration_id, stamp))
            return found

    def remember_case_data(self, configuration_id: int, stamp: str, data: CaseData) -> None:
        """Keep a configuration's data, dropping the least recently used beyond 4 times the size.

        A configuration of a large run holds its per-sample columns and every test case's metrics (nested
        tables included), tens of megabytes on the stress set: enough are kept for a few tables.
        """
        with self._lock:
            self._data[(configuration_id, stamp)] = data
            while len(self._data) > 4 * self._size:
                self._data.popitem(last=False)

    def members(self, test_suite_id: int) -> dict[int, list[int]] | None:
        """The sample ids of a suite version's test cases, if kept (suite versions never change)."""
        with self._lock:
            return self._members.get(test_suite_id)

    def remember_members(self, test_suite_id: int, members: dict[int, list[int]]) -> None:
        """Keep the sample ids of a suite version's test cases (few suites: samples can be many)."""
        with self._lock:
            self._members[test_suite_id] = members
            while len(self._members) > 4:
                self._members.popitem(last=False)

    def suite(self, test_suite_id: int) -> SuiteInfo | None:
        """A suite version seen before (suite versions never change)."""
        with self._lock:
            return self._suites.get(test_suite_id)

    def remember_suite(self, info: SuiteInfo) -> None:
        """Keep a suite version's test cases, dropping the least recently kept beyond 16 times the size."""
        with self._lock:
            self._suites[info.suite.id] = info
            while len(self._suites) > 16 * self._size:
                self._suites.popitem(last=False)

    def draws(self, test_case_id: int, configuration: str | None, n: int, n_resamples: int) -> PairedDraws:
        """The resamples of the paired tests of a test case under a configuration, drawn once while kept.

        They depend on nothing else (seeds derive from the test case and configuration), so every baseline
        and every choice of models reuses them. A :data:`DrawsSource`.
        """
        key = (test_case_id, configuration, n, n_resamples)
        with self._lock:
            found = self._draws.get(key)
            if found is not None:
                self._draws.move_to_end(key)
                return found
        found = _fresh_draws(test_case_id, configuration, n, n_resamples)
        with self._lock:
            if key not in self._draws:
                self._draws[key] = found
                self._draws_bytes += found.nbytes
            while self._draws_bytes > self.DRAWS_BYTES and len(self._draws) > 1:
                _, dropped = self._draws.popitem(last=False)
                self._draws_bytes -= dropped.nbytes
        return found

    def prepared(self, key: Hashable) -> Prepared | None:
        """The prepared table under ``key``, if kept."""
        found: Prepared | None = self._lookup(self._prepared, key)
        return found

    def remember_prepared(self, key: Hashable, prepared: Prepared) -> None:
        """Keep a prepared table (few: a stress one holds its test cases' blocks restricted to common samples)."""
        self._keep(self._prepared, key, prepared, 4)

    def tested(self, key: Hashable) -> Tested | None:
        """The tests of a table against a baseline under ``key``, if kept."""
        found: Tested | None = self._lookup(self._tested, key)
        return found

    def remember_tested(self, key: Hashable, tested: Tested) -> None:
        """Keep the tests of a table against a baseline."""
        self._keep(self._tested, key, tested, self._size)

    def _lookup(self, entries: OrderedDict[Hashable, Any], key: Hashable) -> Any:
        with self._lock:
            found = entries.get(key)
            if found is not None:
                entries.move_to_end(key)
            return found

    def _keep(self, entries: OrderedDict[Hashable, Any], key: Hashable, value: Any, size: int) -> None:
        with self._lock:
            entries[key] = value
            entries.move_to_end(key)
            while len(entries) > size:
                entries.popitem(last=False)

    def get(self, key: Hashable) -> FullTable | None:
        """The table under ``key``, if kept (it becomes the most recent)."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, table: FullTable) -> None:
        """Keep a table, dropping the least recently used beyond the size."""
        with self._lock:
            self._entries[key] = table
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
