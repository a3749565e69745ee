"""Test cases: versioned lists of test samples with their ground truths."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd  # type: ignore[import-untyped,unused-ignore]

from assay._bulk import bulk, gc_paused
from assay.errors import IncorrectUsageError, InputValidationError, NameConflictError, NotFoundError
from assay.service.models import InitManyItem, SampleRow, TestCaseRecord
from assay.service.sample_views import Difference, Predicate, SortKey
from assay.workflow._entity import (
    Frozen,
    bound_workflow,
    check_workflow,
    ensure_registered,
    pages,
    revive_sample,
    sample_dict,
    sample_key,
    transport,
)

if TYPE_CHECKING:
    from assay.workflow.ground_truth import GroundTruth
    from assay.workflow.model import Model
    from assay.workflow.test_sample import TestSample
    from assay.workflow.test_suite import TestSuite
    from assay.workflow.workflow import Workflow

__all__ = ["TestCase", "query_samples_frame"]

logger = logging.getLogger("assay")


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InputValidationError(f"a test case needs a non-empty name, got {name!r}")
    return name


class TestCase(Frozen):
    """A test case: a named, versioned list of ``(test_sample, ground_truth)`` pairs of one workflow.

    Use the class that ``define_workflow`` returns. ``TestCase(name, test_samples=...)`` loads the test case if
    it exists and creates it otherwise. Every committed :meth:`edit` makes a new immutable version; older
    versions stay loadable with ``TestCase.load(name, version=...)``.

    Attributes:
        workflow: The workflow this class is bound to.
        name: The test case's unique name.
        version: 0 for an empty new test case; each committed edit adds 1.
        description: Free text, shared by all versions.

    Example:
        >>> test_case = TestCase("300-W :: frontal", test_samples=[(sample, ground_truth)])  # doctest: +SKIP
        >>> with test_case.edit() as editor:  # doctest: +SKIP
        ...     editor.add(other_sample, other_ground_truth)
    """

    workflow: ClassVar[Workflow]

    name: str
    version: int
    description: str
    _id: int
    _n_samples: int

    __test__ = False  # not a pytest test class, despite its name

    @bulk
    def __init__(
        self,
        name: str,
        version: int | None = None,
        description: str | None = None,
        test_samples: Sequence[tuple[TestSample, GroundTruth]] | None = None,
        reset: bool = False,
    ) -> None:
        workflow = bound_workflow(type(self))
        _check_name(name)
        rows = self._rows(test_samples) if test_samples is not None else None
        try:
            record = self._load_record(name, version)
        except NotFoundError:
            if version is not None:
                raise
            record = self._create_record(workflow, name, description, rows)
            self._populate(record)
            return
        self._populate(record)
        if rows is not None:
            if record.version == 0 or reset:
                self._commit(description=description, reset=True, add=rows, remove=[])
            else:
                logger.warning(
                    "test case %r already exists at version %d: test_samples ignored (pass reset=True to replace)",
                    name,
                    record.version,
                )

    # -- construction --------------------------------------------------------------------------------------
    @classmethod
    @bulk
    def create(
        cls,
        name: str,
        description: str | None = None,
        test_samples: Sequence[tuple[TestSample, GroundTruth]] | None = None,
    ) -> TestCase:
        """Create a new test case; version 0 when empty, 1 with samples.

        Raises:
            NameConflictError: a test case of that name exists.
            InputValidationError: the name is empty or a sample is malformed.
            WorkflowMismatchError: a sample or ground truth is not of this workflow's types.
        """
        workflow = bound_workflow(cls)
        _check_name(name)
        rows = cls._rows(test_samples) if test_samples is not None else None
        return cls._from_record(cls._create_record(workflow, name, description, rows))

    @classmethod
    def load(cls, name: str, version: int | None = None) -> TestCase:
        """Load a test case, at its latest version unless ``version`` is given.

        Raises:
            NotFoundError: no test case of that name, or no such version.
            WorkflowMismatchError: the test case belongs to another workflow.
        """
        bound_workflow(cls)
        return cls._from_record(cls._load_record(name, version))

    @classmethod
    @bulk
    def init_many(
        cls,
        data: Sequence[tuple[str, Sequence[tuple[TestSample, GroundTruth]]]],
        reset: bool = False,
    ) -> list[TestCase]:
        """Create or load many test cases in one round trip, all or nothing.

        A new name is created with its samples; an existing one is loaded unchanged, or replaced by the given
        samples (a new version) with ``reset=True``.

        Raises:
            IncorrectUsageError: two entries share a name.
        """
        workflow = bound_workflow(cls)
        names = [name for name, _ in data]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise IncorrectUsageError(f"init_many got the same test case name more than once: {duplicates}")
        items = [InitManyItem(name=_check_name(name), samples=cls._rows(samples)) for name, samples in data]
        ensure_registered(workflow)
        results = transport().init_many_test_cases(workflow.name, items, reset=reset)
        return [cls._from_record(result.test_case) for result in results]

    @classmethod
    def _create_record(
        cls, workflow: Workflow, name: str, description: str | None, rows: list[SampleRow] | None
    ) -> TestCaseRecord:
        ensure_registered(workflow)
        if not rows:
            return transport().create_test_case(workflow.name, name, description or "")
        # One transaction for the test case and its samples: a refused sample leaves no empty test case behind.
        [result] = transport().init_many_test_cases(workflow.name, [InitManyItem(name=name, samples=rows)])
        if result.status != "created":
            raise NameConflictError(f"a test case named {name!r} already exists")
        if description:
            record = transport().edit_test_case(result.test_case.id, description=description)
            return record
        return result.test_case

    @classmethod
    def _load_record(cls, name: str, version: int | None) -> TestCaseRecord:
        workflow = bound_workflow(cls)
        record = transport().load_test_case(name, version, workflow.name)
        check_workflow(workflow, record.workflow, f"test case {name!r}")
        return record

    @classmethod
    def _from_record(cls, record: TestCaseRecord) -> TestCase:
        test_case = cls.__new__(cls)
        test_case._populate(record)
        return test_case

    def _populate(self, record: TestCaseRecord) -> None:
        self._set(
            name=record.name,
            version=record.version,
            description=record.description,
            _id=record.id,
            _n_samples=record.n_samples,
        )

    @classmethod
    def _rows(cls, test_samples: Sequence[tuple[TestSample, GroundTruth]]) -> list[SampleRow]:
        workflow = bound_workflow(cls)
        rows = []
        for position, pair in enumerate(test_samples):
            try:
                test_sample, ground_truth = pair
            except (TypeError, ValueError):
                raise InputValidationError(
                    f"test_samples[{position}] must be a (test_sample, ground_truth) pair, got {pair!r}"
                ) from None
            rows.append(_row(workflow, test_sample, ground_truth, position))
        return rows

    # -- reading -------------------------------------------------------------------------------------------
    @bulk
    def load_test_samples(self) -> list[tuple[TestSample, GroundTruth]]:
        """All ``(test_sample, ground_truth)`` pairs of this version, in insertion order."""
        return list(self.iter_test_samples())

    def iter_test_samples(self) -> Iterator[tuple[TestSample, GroundTruth]]:
        """Stream the ``(test_sample, ground_truth)`` pairs of this version, fetched in batches."""
        workflow = self.workflow
        fetch = transport().load_test_case_samples
        for page in pages(lambda offset, limit: fetch(self._id, offset=offset, limit=limit)):
            with gc_paused():
                pairs = [
                    (
                        revive_sample(workflow.test_sample_type, row.test_sample, row.metadata),
                        workflow.ground_truth_type._from_dict(row.ground_truth),
                    )
                    for row in page
                ]
            yield from pairs

    def query_samples(
        self,
        where: Sequence[Predicate | Difference | Mapping[str, Any]] | None = None,
        *,
        test_suite: TestSuite | None = None,
        models: Sequence[Model | str] | None = None,
        configuration: str | None = None,
        sort: str | SortKey | Mapping[str, Any] | None = None,
        descending: bool = False,
    ) -> pd.DataFrame:
        """The samples of this test case that meet every condition, as the Studio queries them, in a DataFrame.

        A test case belongs to suites (its samples' metrics are stored per suite version), so the query runs
        within one: ``test_suite``, else the latest suite version (latest created) that holds this version
        of the test case. See :meth:`assay.workflow.TestSuite.query_samples` for the conditions and columns.

        Raises:
            NotFoundError: no suite version holds this test case version (pass ``test_suite``), or the
                given suite does not hold it, or a model does not exist.
            InputValidationError: an unknown field, a condition that does not apply to its field, or a
                per-model field without a model.

        Example:
            >>> frontal.query_samples([{"field": "metric.normalized_mean_error", "op": "range", "min": 0.1}],
            ...                       models=[model_a])  # doctest: +SKIP
        """
        suite_id = test_suite._id if test_suite is not None else self._latest_suite_id()
        return query_samples_frame(
            type(self).workflow.name,
            suite_id,
            self._id,
            where=where,
            models=models,
            configuration=configuration,
            sort=sort,
            descending=descending,
        )

    def _latest_suite_id(self) -> int:
        current = transport()
        workflow = type(self).workflow.name
        holding = [
            suite for suite in current.list_test_suites(workflow) if any(tc.id == self._id for tc in suite.test_cases)
        ]
        if not holding:
            # An older version of a suite may hold this version of the test case.
            for suite in current.list_test_suites(workflow):
                holding.extend(
                    version
                    for version in current.list_test_suite_versions(suite.name)
                    if any(tc.id == self._id for tc in version.test_cases)
                )
        if not holding:
            raise NotFoundError(
                f"test case {self.name!r} version {self.version} is in no test suite; "
                "add it to one, or pass test_suite=",
                name=self.name,
                version=self.version,
            )
        return max(holding, key=lambda suite: (suite.created, suite.id)).id

    # -- editing -------------------------------------------------------------------------------------------
    class Editor:
        """Collects the changes of one ``edit()`` block; they are committed together when the block ends."""

        def __init__(self, workflow: Workflow, description: str, reset: bool) -> None:
            self._workflow = workflow
            self._description = description
            self._initial_description = description
            self._reset = reset
            # identity -> the row to add, or None to remove; the last operation on a sample wins
            self._changes: dict[bytes, tuple[SampleRow | None, dict[str, Any]]] = {}

        def description(self, description: str) -> None:
            """Set the test case's description."""
            self._description = description

        def add(self, test_sample: TestSample, ground_truth: GroundTruth) -> None:
            """Add a sample with its ground truth, or replace the ground truth of a sample already there."""
            row = _row(self._workflow, test_sample, ground_truth, None)
            self._changes[sample_key(row.test_sample)] = (row, row.test_sample)

        def remove(self, test_sample: TestSample) -> None:
            """Remove a sample; removing one that is not there does nothing."""
            _check_type(self._workflow.test_sample_type, test_sample, "test sample")
            data, _ = sample_dict(test_sample)
            self._changes[sample_key(data)] = (None, data)

        def _has_changes(self) -> bool:
            return self._reset or bool(self._changes) or self._description != self._initial_description

    @contextmanager
    def edit(self, reset: bool = False) -> Iterator[TestCase.Editor]:
        """Edit this test case; leaving the block commits one new version (nothing if nothing changed).

        An exception inside the block commits nothing. After the block, this object shows the new version.

        Args:
            reset: Start from an empty test case instead of the current samples.

        Example:
            >>> with test_case.edit() as editor:  # doctest: +SKIP
            ...     editor.remove(sample_a)
            ...     editor.add(sample_b, ground_truth_b)
        """
        editor = TestCase.Editor(self.workflow, self.description, reset)
        yield editor
        if not editor._has_changes():
            return
        add = [row for row, _ in editor._changes.values() if row is not None]
        remove = [data for row, data in editor._changes.values() if row is None]
        description = editor._description if editor._description != editor._initial_description else None
        self._commit(description=description, reset=editor._reset, add=add, remove=remove)

    @bulk
    def _commit(
        self, *, description: str | None, reset: bool, add: list[SampleRow], remove: list[dict[str, Any]]
    ) -> None:
        record = transport().edit_test_case(self._id, description=description, reset=reset, add=add, remove=remove)
        self._populate(record)

    # -- identity ------------------------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TestCase):
            return NotImplemented
        return (self._id, self.name, self.version, self.description) == (
            other._id,
            other.name,
            other.version,
            other.description,
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._id))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, version={self.version})"


def _check_type(expected: type, value: Any, what: str) -> None:
    from assay.errors import WorkflowMismatchError

    if not isinstance(value, expected):
        raise WorkflowMismatchError(
            f"expected a {what} of type {expected.__name__}, got {type(value).__name__}: {value!r}"
        )


def _row(workflow: Workflow, test_sample: Any, ground_truth: Any, position: int | None) -> SampleRow:
    where = f"test_samples[{position}]" if position is not None else "the sample"
    _check_type(workflow.test_sample_type, test_sample, f"test sample in {where}")
    _check_type(workflow.ground_truth_type, ground_truth, f"ground truth in {where}")
    data, metadata = sample_dict(test_sample)
    return SampleRow.model_construct(test_sample=data, metadata=metadata, ground_truth=ground_truth._to_dict())


# -- sample queries ------------------------------------------------------------------------------------------
def _model_id(workflow: str, model: Any, where: str) -> int:
    from assay.workflow.model import Model

    if isinstance(model, Model):
        return model._id
    if isinstance(model, str):
        return transport().load_model(model, workflow).id
    if isinstance(model, int) and not isinstance(model, bool):
        return model
    raise InputValidationError(f"{where}: a model is a Model or a model's name, got {model!r}")


def _with_model(
    workflow: str, item: Mapping[str, Any], default: int | None, keys: tuple[str, str], where: str
) -> dict[str, Any]:
    """A condition as a dict of the records' keys: ``model`` (a Model or name) becomes ``model_id``."""
    name_key, id_key = keys
    data = dict(item)
    if name_key in data:
        data[id_key] = _model_id(workflow, data.pop(name_key), where)
    field = data.get("field")
    if id_key == "model_id" and "model_id" not in data and isinstance(field, str) and default is not None:
        if field.startswith(("inference.", "metric.")):
            data["model_id"] = default
    return data


def _record(kind: type[Any], data: Mapping[str, Any], where: str) -> Any:
    from pydantic import ValidationError

    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in exc.errors())
        raise InputValidationError(f"{where} is not a valid {kind.__name__}: {problems}") from exc


def query_samples_frame(
    workflow: str,
    test_suite_id: int,
    test_case_id: int | None,
    *,
    where: Sequence[Predicate | Difference | Mapping[str, Any]] | None,
    models: Sequence[Any] | None,
    configuration: str | None,
    sort: str | SortKey | Mapping[str, Any] | None,
    descending: bool,
) -> pd.DataFrame:
    """Run a Studio query through the transport and return its samples as a DataFrame (see ``query_samples``)."""
    if isinstance(where, Mapping | Predicate | Difference):
        where = [where]
    model_ids = [_model_id(workflow, model, f"models[{i}]") for i, model in enumerate(models or [])]
    default = model_ids[0] if len(model_ids) == 1 else None
    predicates: list[dict[str, Any]] = []
    differences: list[dict[str, Any]] = []
    for index, item in enumerate(where or []):
        label = f"where[{index}]"
        if isinstance(item, Predicate):
            predicates.append(item.model_dump(exclude_none=True))
        elif isinstance(item, Difference):
            differences.append(item.model_dump(exclude_none=True))
        elif isinstance(item, Mapping):
            if "minus_model" in item or "minus_model_id" in item:
                data = _with_model(workflow, item, None, ("model", "model_id"), label)
                data = _with_model(workflow, data, None, ("minus_model", "minus_model_id"), label)
                differences.append(_record(Difference, data, label).model_dump(exclude_none=True))
            else:
                data = _with_model(workflow, item, default, ("model", "model_id"), label)
                predicates.append(_record(Predicate, data, label).model_dump(exclude_none=True))
        else:
            raise InputValidationError(f"{label} must be a Predicate, a Difference or a dict, got {item!r}")
    sort_key: dict[str, Any] | None = None
    if sort is not None:
        if isinstance(sort, SortKey):
            sort_key = sort.model_dump(exclude_none=True)
        else:
            base = {"field": sort} if isinstance(sort, str) else sort
            if not isinstance(base, Mapping):
                raise InputValidationError(f"sort must be a field name, a SortKey or a dict, got {sort!r}")
            data = _with_model(workflow, base, default, ("model", "model_id"), "sort")
            if descending:
                data.setdefault("descending", True)
            sort_key = _record(SortKey, data, "sort").model_dump(exclude_none=True)
    query: dict[str, Any] = {
        "test_suite_id": test_suite_id,
        "test_case_id": test_case_id,
        "predicates": predicates,
        "differences": differences,
        "sort": sort_key,
        "model_ids": model_ids,
        "configuration": configuration,
    }
    table = transport().query_samples(query)
    frame = table.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    return frame
