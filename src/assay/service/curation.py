"""Curation: test cases made from the Studio's samples, split by a field, and the samples behind a delta.

**Making test cases.** A test case is made of samples of one suite version, chosen by hand or as all that a
Studio query matches, with the ground truths the suite holds for them (those of the first test case, in suite
order, that holds each sample). It is created by the store's own path (``Repository.create_test_case``), and
its version 1 is written as ``Repository.edit_test_case`` writes an edit that adds samples to an empty version,
but from the suite's membership rows inside the database (:func:`assay.store.curation_queries.add_suite_samples`),
so that 100,000 samples do not travel through Python as documents; the query it was made from is kept with the
version. With ``add_to_suite`` the suite gets a new version (``Repository.edit_test_suite``) holding its test
cases and the new ones. Each request runs as one transaction: a refused name or sample leaves nothing written.

**Derived runs.** A new suite version has no results, yet everything needed for most of them is stored: the
new test cases hold samples whose per-sample metrics every model tested on the source version already has.
For each finished run there (a model and an evaluator, every configuration complete) a run is made on the new
version whose configurations, per-sample metrics and test-case metrics are copied (every test-case version of
the source is unchanged in the new one), and whose new test cases get

* per-sample metrics: those of the source (the suite-wide ones when the evaluator stored them once for the
  suite, else the sample's from the first test case in suite order that has it);
* test-case metrics that have a *per-sample basis* (:class:`_Basis`): a mean of a per-sample field, as the
  results page detects it (:func:`assay.service.results_view.prepare`), and, checked the same way on every
  stored test case, a count of samples, a sum of a field, or a ratio of two sums (TP / (TP + FP)).

Other metrics (AP, F1 over matched annotations...), the new test cases' plots and the suite metrics (which may
depend on the test cases, e.g. a spread across them) need the evaluator: they are left out and named, in the
response (``pending_metrics``) and in the run's message. Derived runs are stored complete (the suite metrics
row of each configuration is stored empty), which is how the results page tells a finished run.

**The samples behind a delta.** Where a test-case metric is the mean of a per-sample field, each sample's part
in the change from the baseline to the model is ``value_model / n_model - value_baseline / n_baseline`` (the
parts add up to the change); for a sum it is the difference of the two values. A boolean field also says
whether the sample went from right to wrong or back, by the metric's direction (its declared
``higher_is_better``, else its name, as the results page judges it). A ratio of sums and a count have exact
leave-one-out parts: how much the change would shrink without the sample. Any other metric would need the
evaluator to be run again, and is refused with a typed error saying so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from assay.errors import InputValidationError, NameConflictError, NotFoundError
from assay.service.results_view import (
    DECOMPOSABLE_RTOL,
    CaseData,
    Prepared,
    Selection,
    SuiteInfo,
    _Block,
    assemble,
    direction_from_name,
    prepare,
    select_runs,
)
from assay.service.sample_views import (
    CreatedTestCases,
    CreateTestCase,
    DeltaSample,
    DeltaSamples,
    Predicate,
    SampleQuery,
    SplitTestCases,
    StoredQuery,
)
from assay.service.views import SuiteRef, TestCaseRef
from assay.store import curation_queries
from assay.store.models import NAME_LENGTH
from assay.store.results_queries import (
    runs_of_suite,
    workflow_schema,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from assay.service.service import Service
    from assay.service.studio import Studio
    from assay.store import Repository, Store

__all__ = ["Curation"]

Json = dict[str, Any]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

TYPE_KEY = "_type"

#: The most test cases one split makes (a field with more categories needs a filter first, or bins).
MAX_SPLIT = 50

#: The names of the new test cases of a split are ``<prefix> :: <value>``.
NAME_SEPARATOR = " :: "


def _numeric(value: Any) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    return None


def _close(values: FloatArray, expected: FloatArray) -> bool:
    """Whether every value equals its expected one within the results page's tolerance (NaN equals NaN)."""
    return bool(np.all(np.isclose(values, expected, rtol=DECOMPOSABLE_RTOL, atol=1e-12, equal_nan=True)))


# -- per-sample bases ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Basis:
    """How a test-case metric follows from per-sample metrics.

    ``mean`` and ``sum`` of ``numerator`` (one field); ``count`` of samples; ``ratio`` of the sum of
    ``numerator`` to the sum of the ``denominator`` fields (one or two, summed).
    """

    kind: Literal["mean", "count", "sum", "ratio"]
    numerator: str | None = None
    denominator: tuple[str, ...] = ()

    def fields(self) -> tuple[str, ...]:
        return tuple(name for name in (self.numerator, *self.denominator) if name is not None)

    def value(self, block: _Block | None) -> float | None:
        """The metric over the samples of a block; ``None`` when it has no value there."""
        if block is None or block.n == 0 or any(name not in block.fields for name in self.fields()):
            return None
        if self.kind == "count":
            return float(block.n)
        assert self.numerator is not None
        top = block.column(self.numerator)
        if self.kind == "mean":
            return float(top.mean())
        if self.kind == "sum":
            return float(top.sum())
        bottom = float(sum(block.column(name).sum() for name in self.denominator))
        # The evaluator chose what a ratio of nothing is (0, 1, NaN...); only it can say.
        return float(top.sum()) / bottom if bottom != 0 else None


def _instances(prepared: Prepared) -> list[tuple[Json, _Block]]:
    """Every (stored test-case metrics, per-sample block) pair of a prepared table."""
    found: list[tuple[Json, _Block]] = []
    data = prepared.data
    for row, case in enumerate(data.test_cases):
        for configuration, blocks in prepared.blocks[row].items():
            for model_id, block in blocks.items():
                stored = data.stored.get((model_id, configuration))
                metrics = stored.cases.get(case.id) if stored is not None else None
                if metrics and block.n > 0:
                    found.append((metrics, block))
    return found


def _detect_bases(prepared: Prepared) -> dict[str, _Basis]:
    """The per-sample basis of each test-case metric of a prepared table that has one.

    Means are what the results page found (``Prepared.decomposable``); counts, sums and ratios of sums are
    checked here the same way, on every stored test case with per-sample metrics.
    """
    bases: dict[str, _Basis] = {key: _Basis("mean", name) for key, name in prepared.decomposable}
    instances = _instances(prepared)
    if not instances:
        return bases
    fields = list(dict.fromkeys(name for _, block in instances for name in block.fields))
    sums = np.array(
        [[block.column(name).sum() if name in block.fields else np.nan for name in fields] for _, block in instances],
        dtype=np.float64,
    ).reshape(len(instances), len(fields))
    counts = np.array([block.n for _, block in instances], dtype=np.float64)
    # Denominators: one field, or the sum of two (TP + FP).
    pairs: list[tuple[str, ...]] = [(name,) for name in fields]
    pairs.extend((fields[i], fields[j]) for i in range(len(fields)) for j in range(i + 1, len(fields)))
    index = {name: at for at, name in enumerate(fields)}
    denominators = np.column_stack([sums[:, [index[name] for name in pair]].sum(axis=1) for pair in pairs])
    for info in prepared.metric_infos:
        key = info.key
        if key in bases:
            continue
        numbers = [_numeric(metrics.get(key)) for metrics, _ in instances]
        checked = [at for at, value in enumerate(numbers) if value is not None]
        if not checked:
            continue
        values = np.array([numbers[at] for at in checked], dtype=np.float64)
        if _close(values, counts[checked]):
            bases[key] = _Basis("count")
            continue
        summed = next((name for name in fields if _close(values, sums[checked, index[name]])), None)
        if summed is not None:
            bases[key] = _Basis("sum", summed)
            continue
        ratio = _ratio_of_sums(values, sums[checked], denominators[checked], fields, pairs)
        if ratio is not None:
            bases[key] = ratio
    return bases


def _ratio_of_sums(
    values: FloatArray, sums: FloatArray, denominators: FloatArray, fields: list[str], pairs: list[tuple[str, ...]]
) -> _Basis | None:
    """A ratio of sums that every value equals (test cases whose denominator is 0 say nothing), if one does."""
    if not np.any(np.isfinite(values) & (values != 0)):
        # A metric that is 0 everywhere is the ratio of any field that is 0 everywhere: that says nothing.
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = sums[:, :, None] / denominators[:, None, :]
    defined = denominators != 0
    for top, name in enumerate(fields):
        for at, pair in enumerate(pairs):
            if pair == (name,):
                continue
            usable = defined[:, at]
            if not usable.any():
                continue
            if _close(values[usable], ratios[usable, top, at]):
                return _Basis("ratio", name, pair)
    return None


# -- what was stored on a suite version -----------------------------------------------------------------------
@dataclass
class _Analysis:
    """The stored results of one evaluator on a suite version, as the results page reads them.

    Attributes:
        selection: Every model's run of the evaluator, all configurations.
        prepared: The results page's first layer of the table (values, per-sample blocks, directions).
        bases: The per-sample basis of each test-case metric that has one.
        loaded: Each configuration's stored data.
        booleans: Per-sample fields stored as booleans.
    """

    selection: Selection
    prepared: Prepared
    bases: dict[str, _Basis]
    loaded: dict[int, CaseData]
    booleans: set[str] = field(default_factory=set)


def _gathered(
    stored: CaseData, order: Sequence[int], wanted: IntArray
) -> tuple[_Block | None, list[tuple[int, IntArray]]]:
    """The per-sample block of samples taken from per-test-case scopes, each from the first in ``order`` with it.

    Returns:
        The block (sample ids ascending; fields of every scope used, NaN where a scope lacks one) and the sample
        ids taken from each scope.
    """
    remaining = wanted
    taken: list[tuple[int, IntArray]] = []
    for scope in order:
        block = stored.blocks.get(scope)
        if block is None or remaining.size == 0:
            continue
        found = np.intersect1d(remaining, block.sample_ids, assume_unique=True)
        if found.size:
            taken.append((scope, found))
            remaining = np.setdiff1d(remaining, found, assume_unique=True)
    if not taken:
        return None, []
    fields = list(dict.fromkeys(name for scope, _ in taken for name in stored.blocks[scope].fields))
    at = {name: index for index, name in enumerate(fields)}
    ids = np.concatenate([found for _, found in taken])
    values = np.full((ids.size, len(fields)), np.nan)
    row = 0
    for scope, found in taken:
        part = stored.blocks[scope].restricted(found)
        columns = [at[name] for name in part.fields]
        values[row : row + found.size][:, columns] = part.values[:, list(part.fields.values())]
        row += found.size
    order_of = np.argsort(ids, kind="stable")
    return _Block(ids[order_of], values[order_of], at), taken


def _completed(run: Mapping[str, Any]) -> bool:
    configurations = run["configurations"]
    return bool(configurations) and all(config["completed"] for config in configurations)


def _case_template(stored: CaseData, test_cases: Sequence[TestCaseRef]) -> tuple[list[str], str | None]:
    """The metric keys a configuration stored for test cases (in order) and their metrics class, if one."""
    keys: dict[str, None] = {}
    types: set[Any] = set()
    for case in test_cases:
        metrics = stored.cases.get(case.id)
        if not metrics:
            continue
        types.add(metrics.get(TYPE_KEY))
        keys.update(dict.fromkeys(name for name in metrics if name != TYPE_KEY))
    only = next(iter(types)) if len(types) == 1 else None
    return list(keys), only if isinstance(only, str) else None


def _stored_kind(stored: CaseData, test_cases: Sequence[TestCaseRef], key: str) -> type | None:
    for case in test_cases:
        value = (stored.cases.get(case.id) or {}).get(key)
        if value is not None:
            return type(value)
    return None


@dataclass
class _NewCase:
    ref: TestCaseRef
    sample_ids: list[int]


# -- split ---------------------------------------------------------------------------------------------------
def _format_number(value: float) -> str:
    return f"{value:.6g}"


def _category_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Curation:
    """Curation operations of one service."""

    def __init__(self, service: Service) -> None:
        self._service = service

    @property
    def _store(self) -> Store:
        # Curation is part of the service: its transactions are the service's store's.
        return self._service._store

    @property
    def _studio(self) -> Studio:
        return self._service.studio

    # -- making test cases ---------------------------------------------------------------------------------
    def create_test_case(self, request: CreateTestCase) -> CreatedTestCases:
        """Make a test case of chosen samples, or of all that a Studio query matches.

        Samples are ``request.sample_ids`` (each must be in the query's scope: its suite version, or its test
        case), else every sample the query matches, in its order; ``exclude_ids`` are left out of either. With
        ``add_to_suite`` the suite gets a new version holding the new test case last, and with
        ``compute_metrics`` runs derived on it for every model tested on the source version (see the module
        docstring). Nothing is written when anything fails.

        Raises:
            NotFoundError: no such suite version, or the query's test case is not in it.
            NameConflictError: a test case of that name exists.
            InputValidationError: an empty or too long name, a sample outside the scope, no samples left.
            RemoteError: ``add_to_suite`` on a suite version that is not the suite's latest.
        """
        name = self._check_name(request.name)
        query = request.query
        info = self._suite_info(query)
        excluded = set(request.exclude_ids)
        if request.sample_ids is not None:
            chosen = [sid for sid in dict.fromkeys(request.sample_ids) if sid not in excluded]
            stored_query = None
        else:
            matching = self._studio.matching_sample_ids(query)
            if excluded:
                matching = matching[~np.isin(matching, np.fromiter(excluded, dtype=np.int64, count=len(excluded)))]
            chosen = matching.tolist()
            stored_query = query.model_dump(mode="json")
        if not chosen:
            raise InputValidationError(
                f"test case {name!r} would hold no samples: the selection is empty", field="sample_ids", name=name
            )
        with self._store.write() as repo:
            if request.sample_ids is not None and query.test_case_id is not None:
                inside = curation_queries.samples_in_test_case(repo.session, query.test_case_id, chosen)
                outside = [sid for sid in chosen if sid not in inside]
                if outside:
                    raise InputValidationError(
                        f"{len(outside)} of the chosen samples are not in test case version id {query.test_case_id} "
                        f"of {info.label}, e.g. sample id {outside[0]}",
                        field="sample_ids",
                        sample_id=outside[0],
                    )
            return self._make(
                repo,
                info,
                [(name, request.description, chosen, stored_query)],
                add_to_suite=request.add_to_suite,
                compute_metrics=request.compute_metrics,
            )

    def split(self, request: SplitTestCases) -> CreatedTestCases:
        """Make one test case per category of a field (or per equal-width bin) over the samples a query matches.

        Categories are the field's values (booleans ``true``/``false``); with ``bins`` a numeric field's range
        over the matching samples is cut in equal widths, each bin ``[lo, hi)`` but the last ``[lo, hi]``.
        Samples without a value, and empty bins, make no test case. The test cases are named
        ``<prefix> :: <value>`` and each keeps the query it was made of (the query and a predicate on the
        field). All go into one new suite version (with ``add_to_suite``), in one transaction.

        Raises:
            NotFoundError: no such suite version, test case or model.
            NameConflictError: a test case of one of the names exists.
            InputValidationError: an unknown field, bins on a field that is not numeric, more than 50
                categories, no sample with a value.
        """
        query = request.query
        info = self._suite_info(query)
        label = request.field
        for known in self._studio.fields(query.test_suite_id).fields:
            if known.name == request.field:
                label = known.label
        prefix = request.name_prefix or f"{info.suite.name}{NAME_SEPARATOR}{label}"
        ids, values = self._field_values(request)
        groups = self._groups(request, ids, values)
        specs: list[tuple[str, str, list[int], Json | None]] = []
        for suffix, members, predicate in groups:
            name = self._check_name(f"{prefix}{NAME_SEPARATOR}{suffix}")
            made_of = query.model_copy(update={"predicates": [*query.predicates, predicate]})
            description = f"Samples of {info.label} with {label} {suffix}"
            specs.append((name, description, members, made_of.model_dump(mode="json")))
        with self._store.write() as repo:
            return self._make(
                repo, info, specs, add_to_suite=request.add_to_suite, compute_metrics=request.compute_metrics
            )

    def stored_query(self, test_case_id: int) -> StoredQuery | None:
        """The Studio query a test-case version was made from; ``None`` when it was not made in the Studio.

        Raises:
            NotFoundError: no such test-case version.
        """
        with self._store.read() as repo:
            case = repo.get_test_case(test_case_id)
            found = curation_queries.origin(repo.session, test_case_id)
        assert found is not None  # the version exists
        query, suite = found
        if query is None:
            return None
        return StoredQuery(
            test_case=TestCaseRef(
                id=case["id"], name=case["name"], version=case["version"], n_samples=case["n_samples"]
            ),
            query=SampleQuery.model_validate(query),
            created_from=SuiteRef.model_validate(suite) if suite is not None else None,
        )

    # -- the samples behind a delta ------------------------------------------------------------------------
    def delta_samples(
        self,
        test_suite_id: int,
        test_case_id: int,
        *,
        model_id: int,
        baseline_id: int,
        metric: str,
        evaluator: str | None = None,
        configuration: str | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> DeltaSamples:
        """The samples of a test case ranked by their part in the change of a metric from baseline to model.

        Args:
            test_suite_id: The suite version.
            test_case_id: One of its test-case versions.
            model_id: The model whose change is explained.
            baseline_id: The model compared with.
            metric: A test-case metric of the runs.
            evaluator: The runs' evaluator (``""``: the unnamed one; ``None``: the one the results page picks).
            configuration: The configuration (``""``: the implicit one; ``None``: the runs' first).
            offset: Samples to skip.
            limit: The most samples to return.

        Raises:
            NotFoundError: no such suite version, test case, run, configuration or metric.
            InputValidationError: the metric has no per-sample basis (recomputing it needs the evaluator), the
                two models are one, or a bad page.
        """
        if offset < 0 or limit < 0:
            raise InputValidationError(f"offset and limit must be 0 or more, got {offset} and {limit}", field="offset")
        if model_id == baseline_id:
            raise InputValidationError("the model and the baseline are the same model", field="baseline_id")
        with self._store.read() as repo:
            info = SuiteInfo.from_record(repo.get_test_suite(test_suite_id))
            case = info.test_case(test_case_id)
            runs = runs_of_suite(repo.session, test_suite_id)
            chosen = select_runs(
                runs,
                suite_label=info.label,
                model_ids=[baseline_id, model_id],
                baseline_id=baseline_id,
                evaluator=evaluator,
                configurations=None if configuration is None else [configuration],
            )
            name = chosen.configurations[0] if configuration is None else (configuration or None)
            analysis = self._analyse(repo, info, runs, chosen.evaluator or "")
        prepared = analysis.prepared
        infos = {item.key: item for item in prepared.metric_infos}
        if metric not in infos:
            raise NotFoundError(f"no test-case metric {metric!r} is stored by the runs of {info.label}", metric=metric)
        basis = analysis.bases.get(metric)
        if basis is None:
            raise InputValidationError(
                f"test-case metric {metric!r} is not a mean, sum, count or ratio of sums of per-sample metrics: "
                "which samples changed it can only be told by running the evaluator again without each sample",
                field="metric",
                metric=metric,
                reason="evaluator_needed",
            )
        row = [ref.id for ref in info.test_cases].index(case.id)
        blocks = prepared.blocks[row].get(name, {})
        model_block, base_block = blocks.get(model_id), blocks.get(baseline_id)
        stored = analysis.selection.configuration_ids

        def case_value(of: int) -> float | None:
            cid = stored.get((of, name))
            data = analysis.loaded[cid].cases.get(case.id) if cid is not None else None
            return _numeric((data or {}).get(metric))

        direction = infos[metric].higher_is_better
        if direction is None and basis.numerator is not None:
            direction = direction_from_name(basis.numerator)
        boolean = basis.kind in ("mean", "sum") and basis.numerator in analysis.booleans
        parts = _parts(basis, model_block, base_block, boolean, direction)
        ranked = sorted(parts, key=lambda sid: (-abs(parts[sid].contribution), sid))
        flipped = {"right_to_wrong": 0, "wrong_to_right": 0}
        for part in parts.values():
            if part.change in flipped:
                flipped[part.change] += 1
        page = ranked[offset : offset + limit]
        items = self._studio.items(page, test_suite_id, [model_id, baseline_id], name or "") if page else []
        per_sample = basis.kind in ("mean", "sum")
        return DeltaSamples(
            metric=metric,
            basis=basis.numerator if per_sample else None,
            method="per_sample" if per_sample else "leave_one_out",
            baseline_value=case_value(baseline_id),
            value=case_value(model_id),
            total=len(ranked),
            offset=offset,
            limit=limit,
            n_flipped=flipped if boolean else {},
            items=[
                DeltaSample(
                    item=item,
                    baseline_value=parts[sid].baseline,
                    value=parts[sid].model,
                    change=parts[sid].change,
                    contribution=parts[sid].contribution,
                )
                for sid, item in zip(page, items, strict=True)
            ],
        )

    def _analyse(
        self, repo: Repository, info: SuiteInfo, runs: Sequence[Mapping[str, Any]], evaluator: str
    ) -> _Analysis:
        """The stored results of one evaluator (``""``: the unnamed one) on a suite version, prepared."""
        selection = select_runs(
            runs, suite_label=info.label, model_ids=None, baseline_id=None, evaluator=evaluator, configurations=None
        )
        # The results page's cache of each configuration's data, kept by when its run last changed: the delta of
        # a cell the user just looked at reads nothing again.
        stored, members = self._service._results_stored(repo, info.suite.id, selection)
        loaded = {cid: stored.get(cid) or CaseData() for cid in selection.owners()}
        schema = workflow_schema(repo.session, info.workflow)
        prepared = prepare(assemble(info, selection, loaded, members, schema))
        booleans = curation_queries.boolean_fields(repo.session, list(loaded))
        return _Analysis(selection, prepared, _detect_bases(prepared), loaded, booleans)

    # -- internals -----------------------------------------------------------------------------------------
    @staticmethod
    def _check_name(name: str) -> str:
        if not name.strip():
            raise InputValidationError("a test case name must not be blank", field="name", value=name)
        if len(name) > NAME_LENGTH:
            raise InputValidationError(
                f"test case name {name[:40]!r}... is {len(name)} characters long; at most {NAME_LENGTH} fit",
                field="name",
            )
        return name

    def _suite_info(self, query: SampleQuery) -> SuiteInfo:
        with self._store.read() as repo:
            info = SuiteInfo.from_record(repo.get_test_suite(query.test_suite_id))
        if query.test_case_id is not None:
            info.test_case(query.test_case_id)
        return info

    def _make(
        self,
        repo: Repository,
        info: SuiteInfo,
        specs: Sequence[tuple[str, str, list[int], Json | None]],
        *,
        add_to_suite: bool,
        compute_metrics: bool,
    ) -> CreatedTestCases:
        """Make test cases of suite samples (``(name, description, sample ids, query)``) in the caller's transaction."""
        session = repo.session
        names = [name for name, _, _, _ in specs]
        taken = next((name for name in names if repo.case_exists(name)), None)
        if taken is not None or len(set(names)) != len(names):
            clash = taken or next(name for name in names if names.count(name) > 1)
            raise NameConflictError(
                f"a test case named {clash!r} exists; choose another name (nothing was written)", name=clash
            )
        workflow_id = repo.workflow_id(info.workflow, create=False)
        assert workflow_id is not None  # the suite's workflow
        made: list[_NewCase] = []
        for name, description, ids, query in specs:
            created = repo.create_test_case(workflow_id, name, description)
            # Version 1 as Repository.edit_test_case would write it, from the suite's rows inside the database:
            # a test case of 100,000 samples does not travel through Python as documents twice.
            version_id, outside = curation_queries.add_suite_samples(
                session, test_case_version_id=created["id"], test_suite_version_id=info.suite.id, sample_ids=ids
            )
            if outside:
                raise InputValidationError(
                    f"{len(outside)} of the chosen samples are not in {info.label}, e.g. sample id {outside[0]}",
                    field="sample_ids",
                    sample_id=outside[0],
                )
            curation_queries.set_origin(session, version_id, query, info.suite.id)
            ref = TestCaseRef(id=version_id, name=name, version=1, n_samples=len(ids))
            made.append(_NewCase(ref, list(ids)))
        if not add_to_suite:
            return CreatedTestCases(test_cases=[case.ref for case in made], suite=None, derived_runs=0)
        suite = repo.edit_test_suite(
            info.suite.id,
            description=None,
            test_case_ids=[case.id for case in info.test_cases] + [case.ref.id for case in made],
            tags=None,
            # The new test cases hold samples of the suite only: its distinct samples stay as they were, and
            # counting them again would read every membership row of the suite (~1 s at a million samples).
            n_samples=curation_queries.suite_sample_count(session, info.suite.id),
        )
        new_suite = SuiteRef(id=suite["id"], name=suite["name"], version=suite["version"])
        derived, pending = 0, list[str]()
        if compute_metrics:
            derived, pending = self._derive_runs(repo, info, new_suite, made)
        return CreatedTestCases(
            test_cases=[case.ref for case in made], suite=new_suite, derived_runs=derived, pending_metrics=pending
        )

    def _derive_runs(
        self, repo: Repository, info: SuiteInfo, target: SuiteRef, made: Sequence[_NewCase]
    ) -> tuple[int, list[str]]:
        """Derive, on ``target``, a run for every finished run on ``info``; returns how many and what is pending."""
        session = repo.session
        runs = runs_of_suite(session, info.suite.id)
        finished = [run for run in runs if _completed(run)]
        if not finished:
            return 0, []
        pending_all: dict[str, None] = {}
        derived = 0
        for evaluator in dict.fromkeys(run["evaluator"] or "" for run in finished):
            analysis = self._analyse(repo, info, runs, evaluator)
            for run in finished:
                if (run["evaluator"] or "") != evaluator:
                    continue
                pending = self._derive_run(session, info, target, made, analysis, run)
                pending_all.update(dict.fromkeys(pending))
                derived += 1
        return derived, list(pending_all)

    def _derive_run(
        self,
        session: Session,
        info: SuiteInfo,
        target: SuiteRef,
        made: Sequence[_NewCase],
        analysis: _Analysis,
        run: Mapping[str, Any],
    ) -> list[str]:
        configurations = curation_queries.configurations(session, run["id"])
        plans: list[tuple[int, str, dict[int, Json], list[tuple[int, list[tuple[int, IntArray]]]]]] = []
        pending: dict[str, None] = {}
        computed: dict[str, None] = {}
        for source_id, display_name, _ in configurations:
            stored = analysis.loaded.get(source_id, CaseData())
            keys, type_name = _case_template(stored, info.test_cases)
            metrics_of: dict[int, Json] = {}
            new_rows: list[tuple[int, list[tuple[int, IntArray]]]] = []
            for case in made:
                block, taken = self._new_case_samples(stored, info, case)
                if taken:
                    new_rows.append((case.ref.id, taken))
                metrics: Json = {TYPE_KEY: type_name} if type_name is not None else {}
                for key in keys:
                    basis = analysis.bases.get(key)
                    value = basis.value(block) if basis is not None else None
                    if value is None:
                        pending[key] = None
                        continue
                    kind = _stored_kind(stored, info.test_cases, key)
                    metrics[key] = int(value) if kind is int and math.isfinite(value) and value.is_integer() else value
                    computed[key] = None
                if any(name != TYPE_KEY for name in metrics):
                    metrics_of[case.ref.id] = metrics
            plans.append((source_id, display_name, metrics_of, new_rows))
        names = ", ".join(repr(case.ref.name) for case in made)
        message = (
            f"Derived in the Studio from test run {run['id']} on {info.label}: its per-sample and test-case metrics "
            f"copied; for {names}, "
            + (f"{', '.join(computed)} computed from per-sample metrics" if computed else "no metric computed")
            + (f"; pending (needs the evaluator): {', '.join(pending)}" if pending else "")
            + "; the new test cases' plots and the suite metrics need the evaluator"
        )
        run_id, new_ids = curation_queries.create_derived_run(
            session,
            model_id=run["model_id"],
            test_suite_version_id=target.id,
            evaluator=run["evaluator"] or "",
            message=message,
            configurations=[(display_name, data) for _, display_name, data in configurations],
        )
        for source_id, display_name, metrics_of, new_rows in plans:
            target_id = new_ids[display_name]
            curation_queries.copy_configuration(session, source_id=source_id, target_id=target_id, test_run_id=run_id)
            for scope, taken in new_rows:
                for source_scope, sample_ids in taken:
                    curation_queries.copy_sample_metrics(
                        session,
                        source_id=source_id,
                        source_scope=source_scope,
                        sample_ids=sample_ids.tolist(),
                        target_id=target_id,
                        test_run_id=run_id,
                        scope=scope,
                    )
            curation_queries.insert_case_metrics(
                session, test_run_id=run_id, configuration_id=target_id, metrics=metrics_of
            )
            curation_queries.mark_configuration_complete(session, test_run_id=run_id, configuration_id=target_id)
        return list(pending)

    @staticmethod
    def _new_case_samples(
        stored: CaseData, info: SuiteInfo, case: _NewCase
    ) -> tuple[_Block | None, list[tuple[int, IntArray]]]:
        """A new test case's per-sample block in a configuration, and the samples to copy from each scope."""
        wanted = np.unique(np.asarray(case.sample_ids, dtype=np.int64))
        whole = stored.blocks.get(0)
        if whole is not None:
            # Stored once for the suite, and copied with it: the results page restricts them to the new case.
            return whole.restricted(np.intersect1d(whole.sample_ids, wanted, assume_unique=True)), []
        return _gathered(stored, [ref.id for ref in info.test_cases], wanted)

    def _field_values(self, request: SplitTestCases) -> tuple[list[int], list[Any]]:
        """The matching samples (in query order) and the field's value on each."""
        query = request.query.model_copy(
            update={
                "model_ids": [] if request.model_id is None else [request.model_id],
                "configuration": request.configuration,
            }
        )
        table = self._studio.query_arrow(query, fields=[request.field])
        if table.num_columns < 4:
            raise InputValidationError(
                f"{request.field!r} is a field of a model's results: say which model (model_id) to split by",
                field="model_id",
                value=request.field,
            )
        # Columns: id, key, locator, then the one field asked for (named after the model for per-model fields).
        return [int(sid) for sid in table.column("id").to_pylist()], table.column(3).to_pylist()

    def _groups(
        self, request: SplitTestCases, ids: Sequence[int], values: Sequence[Any]
    ) -> list[tuple[str, list[int], Predicate]]:
        """``(name suffix, sample ids, predicate)`` of each category or bin, in order."""
        present = [(sid, value) for sid, value in zip(ids, values, strict=True) if value is not None]
        present = [(sid, value) for sid, value in present if not (isinstance(value, float) and math.isnan(value))]
        if not present:
            raise InputValidationError(
                f"no matching sample has a value of {request.field!r} to split by", field="field", value=request.field
            )

        def predicate(op: Literal["in", "range"], **bounds: Any) -> Predicate:
            return Predicate(
                field=request.field,
                op=op,
                model_id=request.model_id,
                configuration=request.configuration,
                **bounds,
            )

        if request.bins is None:
            groups: dict[Any, list[int]] = {}
            for sid, value in present:
                groups.setdefault(value, []).append(sid)
            if len(groups) > MAX_SPLIT:
                raise InputValidationError(
                    f"{request.field!r} has {len(groups)} distinct values over the matching samples; a split makes "
                    f"at most {MAX_SPLIT} test cases: filter first, or split a numeric field into bins",
                    field="field",
                    value=request.field,
                )
            order = sorted(groups, key=lambda value: (-len(groups[value]), _category_name(value)))
            return [(_category_name(value), groups[value], predicate("in", values=[value])) for value in order]
        numbers = [_numeric(value) for _, value in present]
        if any(number is None or isinstance(value, bool) for number, (_, value) in zip(numbers, present, strict=True)):
            raise InputValidationError(
                f"bins split a numeric field; {request.field!r} is not numeric", field="bins", value=request.field
            )
        array = np.array(numbers, dtype=np.float64)
        low, high = float(array.min()), float(array.max())
        edges = np.linspace(low, high, request.bins + 1) if high > low else np.array([low, high])
        at = np.clip(np.searchsorted(edges, array, side="right") - 1, 0, len(edges) - 2)
        found: list[tuple[str, list[int], Predicate]] = []
        for index in range(len(edges) - 1):
            members = [sid for (sid, _), where in zip(present, at.tolist(), strict=True) if where == index]
            if not members:
                continue
            lo, hi = float(edges[index]), float(edges[index + 1])
            last = index == len(edges) - 2
            suffix = f"[{_format_number(lo)}, {_format_number(hi)}{']' if last else ')'}"
            found.append((suffix, members, predicate("range", min=lo, max=hi)))
        return found


@dataclass(frozen=True)
class _Part:
    """One sample's values under the model and the baseline (``None``: not in its block), and its part."""

    model: Any
    baseline: Any
    contribution: float
    change: Literal["right_to_wrong", "wrong_to_right", "moved", "unchanged"]


def _flip(model: float, baseline: float, boolean: bool, higher_is_better: bool | None) -> str:
    if model == baseline or (math.isnan(model) and math.isnan(baseline)):
        return "unchanged"
    if not boolean or higher_is_better is None:
        return "moved"
    return "wrong_to_right" if model == (1.0 if higher_is_better else 0.0) else "right_to_wrong"


def _parts(
    basis: _Basis, model: _Block | None, baseline: _Block | None, boolean: bool, higher_is_better: bool | None
) -> dict[int, _Part]:
    """Each sample's part in the change of a metric from the baseline's block to the model's."""
    found: dict[int, _Part] = {}
    if basis.kind in ("mean", "sum"):
        assert basis.numerator is not None
        model_values = _values(model, basis.numerator)
        base_values = _values(baseline, basis.numerator)
        scale_model = 1.0 / len(model_values) if basis.kind == "mean" and model_values else 1.0
        scale_base = 1.0 / len(base_values) if basis.kind == "mean" and base_values else 1.0
        for sid in sorted(set(model_values) | set(base_values)):
            value, base = model_values.get(sid), base_values.get(sid)
            contribution = (value or 0.0) * scale_model - (base or 0.0) * scale_base
            change = "moved" if value is None or base is None else _flip(value, base, boolean, higher_is_better)
            found[sid] = _Part(
                _shown(value, boolean),
                _shown(base, boolean),
                0.0 if math.isnan(contribution) else contribution,
                change,  # type: ignore[arg-type]
            )
        return found
    model_parts, model_fields = _leave_one_out(basis, model)
    base_parts, base_fields = _leave_one_out(basis, baseline)
    for sid in sorted(set(model_parts) | set(base_parts)):
        contribution = model_parts.get(sid, 0.0) - base_parts.get(sid, 0.0)
        fields, base_of = model_fields.get(sid), base_fields.get(sid)
        found[sid] = _Part(
            fields,
            base_of,
            0.0 if math.isnan(contribution) else contribution,
            "moved" if fields != base_of else "unchanged",
        )
    return found


def _shown(value: float | None, boolean: bool) -> Any:
    if value is None or not boolean or math.isnan(value):
        return value
    return value != 0


def _values(block: _Block | None, name: str) -> dict[int, float]:
    if block is None or name not in block.fields:
        return {}
    return dict(zip(block.sample_ids.tolist(), block.column(name).tolist(), strict=True))


def _leave_one_out(basis: _Basis, block: _Block | None) -> tuple[dict[int, float], dict[int, Json]]:
    """By sample: the metric over the block minus the metric without the sample, and the sample's fields."""
    if block is None or block.n == 0 or any(name not in block.fields for name in basis.fields()):
        return {}, {}
    ids = block.sample_ids.tolist()
    if basis.kind == "count":
        # Without a sample the count is one less.
        return dict.fromkeys(ids, 1.0), {sid: {} for sid in ids}
    assert basis.numerator is not None
    top = block.column(basis.numerator)
    bottom = np.sum([block.column(name) for name in basis.denominator], axis=0)
    total_top, total_bottom = float(top.sum()), float(bottom.sum())
    whole = total_top / total_bottom if total_bottom != 0 else math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        without = (total_top - top) / (total_bottom - bottom)
    # A ratio left undefined without the sample (nothing left below) gives the sample no defined part.
    parts = np.where(np.isfinite(without), whole - without, np.nan)
    columns = {name: block.column(name).tolist() for name in basis.fields()}
    fields = {sid: {name: columns[name][at] for name in columns} for at, sid in enumerate(ids)}
    return dict(zip(ids, parts.tolist(), strict=True)), fields
