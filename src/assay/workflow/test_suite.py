"""Test suites: versioned, ordered groups of test-case versions."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd  # type: ignore[import-untyped,unused-ignore]

from assay.errors import InputValidationError, NotFoundError, WorkflowMismatchError
from assay.service.models import TestSuiteRecord
from assay.service.sample_views import Difference, Predicate, SortKey
from assay.workflow._entity import Frozen, bound_workflow, check_workflow, ensure_registered, transport
from assay.workflow.test_case import TestCase, query_samples_frame

if TYPE_CHECKING:
    from assay.workflow.model import Model
    from assay.workflow.test_sample import TestSample
    from assay.workflow.workflow import Workflow

__all__ = ["TestSuite"]

logger = logging.getLogger("assay")


class TestSuite(Frozen):
    """A test suite: a named, versioned, ordered list of test cases of one workflow.

    A suite version holds exact test-case versions: editing a test case elsewhere does not change a suite
    version already made. A change of the test-case list makes a new version; description and tags are
    updated without one.

    Attributes:
        workflow: The workflow this class is bound to.
        name: The suite's unique name.
        version: 0 for an empty new suite; each change of its test cases adds 1.
        description: Free text, shared by all versions.
        test_cases: The test-case versions of this suite version, in order.
        tags: Free labels to find suites by.

    Example:
        >>> suite = TestSuite("300-W :: basic", test_cases=[complete, frontal, profile])  # doctest: +SKIP
    """

    workflow: ClassVar[Workflow]
    _test_case_type: ClassVar[type[TestCase]] = TestCase

    name: str
    version: int
    description: str
    test_cases: list[TestCase]
    tags: set[str]
    _id: int

    __test__ = False

    def __init__(
        self,
        name: str,
        version: int | None = None,
        description: str | None = None,
        test_cases: Sequence[TestCase] | None = None,
        reset: bool = False,
        tags: set[str] | None = None,
    ) -> None:
        workflow = bound_workflow(type(self))
        _check_name(name)
        if test_cases is not None:
            self._check_test_cases(test_cases)
        try:
            record = self._load_record(name, version)
        except NotFoundError:
            if version is not None:
                raise
            self._populate(self._create_record(workflow, name, description, test_cases, tags))
            return
        self._populate(record)
        change_cases = test_cases is not None and (record.version == 0 or reset)
        if test_cases is not None and not change_cases:
            logger.warning(
                "test suite %r already exists at version %d: test_cases ignored (pass reset=True to replace)",
                name,
                record.version,
            )
        new_description = description if description is not None and description != record.description else None
        new_tags = sorted(tags) if tags is not None and set(tags) != set(record.tags) else None
        if change_cases or new_description is not None or new_tags is not None:
            self._populate(
                transport().edit_test_suite(
                    record.id,
                    description=new_description,
                    test_case_ids=[tc._id for tc in test_cases] if change_cases and test_cases is not None else None,
                    tags=new_tags,
                )
            )

    @classmethod
    def create(
        cls,
        name: str,
        description: str | None = None,
        test_cases: Sequence[TestCase] | None = None,
        tags: set[str] | None = None,
    ) -> TestSuite:
        """Create a new test suite; version 0 when empty, 1 with test cases.

        Raises:
            NameConflictError: a suite of that name exists.
            WorkflowMismatchError: a test case belongs to another workflow.
        """
        workflow = bound_workflow(cls)
        _check_name(name)
        if test_cases is not None:
            cls._check_test_cases(test_cases)
        return cls._from_record(cls._create_record(workflow, name, description, test_cases, tags))

    @classmethod
    def load(cls, name: str, version: int | None = None) -> TestSuite:
        """Load a test suite, at its latest version unless ``version`` is given.

        Raises:
            NotFoundError: no suite of that name, or no such version.
            WorkflowMismatchError: the suite belongs to another workflow.
        """
        bound_workflow(cls)
        return cls._from_record(cls._load_record(name, version))

    @classmethod
    def load_all(cls, *, tags: set[str] | None = None) -> list[TestSuite]:
        """The latest version of every suite of this workflow (carrying all ``tags``), by creation."""
        workflow = bound_workflow(cls)
        records = transport().list_test_suites(workflow.name, sorted(tags) if tags else None)
        return [cls._from_record(record) for record in records]

    @classmethod
    def _create_record(
        cls,
        workflow: Workflow,
        name: str,
        description: str | None,
        test_cases: Sequence[TestCase] | None,
        tags: Iterable[str] | None,
    ) -> TestSuiteRecord:
        ensure_registered(workflow)
        return transport().create_test_suite(
            workflow.name,
            name,
            description or "",
            [tc._id for tc in test_cases or []],
            sorted(tags) if tags else [],
        )

    @classmethod
    def _load_record(cls, name: str, version: int | None) -> TestSuiteRecord:
        workflow = bound_workflow(cls)
        record = transport().load_test_suite(name, version, workflow.name)
        check_workflow(workflow, record.workflow, f"test suite {name!r}")
        return record

    @classmethod
    def _from_record(cls, record: TestSuiteRecord) -> TestSuite:
        suite = cls.__new__(cls)
        suite._populate(record)
        return suite

    @classmethod
    def _check_test_cases(cls, test_cases: Sequence[TestCase]) -> None:
        workflow = bound_workflow(cls)
        for test_case in test_cases:
            if not isinstance(test_case, TestCase):
                raise InputValidationError(f"test_cases must hold TestCase objects, got {test_case!r}")
            if test_case.workflow != workflow:
                raise WorkflowMismatchError(
                    f"test case {test_case.name!r} belongs to workflow {test_case.workflow.name!r}, "
                    f"not {workflow.name!r}"
                )

    def _populate(self, record: TestSuiteRecord) -> None:
        case_type = type(self)._test_case_type
        self._set(
            name=record.name,
            version=record.version,
            description=record.description,
            tags=set(record.tags),
            test_cases=[case_type._from_record(tc) for tc in record.test_cases],
            _id=record.id,
        )

    # -- reading -------------------------------------------------------------------------------------------
    def load_test_samples(self) -> list[tuple[TestCase, list[TestSample]]]:
        """Each test case of this version with its test samples, in suite order."""
        return [(tc, [sample for sample, _ in tc.iter_test_samples()]) for tc in self.test_cases]

    def query_samples(
        self,
        where: Sequence[Predicate | Difference | Mapping[str, Any]] | None = None,
        *,
        test_case: TestCase | None = None,
        models: Sequence[Model | str] | None = None,
        configuration: str | None = None,
        sort: str | SortKey | Mapping[str, Any] | None = None,
        descending: bool = False,
    ) -> pd.DataFrame:
        """The samples of this suite version (or of one of its test cases) that meet every condition.

        The same queries as the web app's Studio, over the same engine, so that a notebook and the Studio
        agree. Fields are named by where they come from: ``key``, ``locator``, ``sample.<path>``,
        ``meta.<path>``, ``gt.<path>`` (a list of annotations gives ``gt.<path>.count``), and for a model
        ``inference.<path>`` and ``metric.<name>`` (its per-sample metrics in ``configuration``).

        Args:
            where: Conditions that all hold: :class:`~assay.service.sample_views.Predicate` or
                :class:`~assay.service.sample_views.Difference` records, or dicts of their fields in which
                ``model`` (and ``minus_model``) may name a model (a ``Model`` or its name) instead of
                ``model_id``. Ops: ``range`` (``min``/``max``), ``in`` (``values``), ``contains`` (``text``),
                ``null``, ``not_null``. A per-model field without a model takes the only model of ``models``.
            test_case: Only the samples of this test case (a version in this suite).
            models: Models whose inference and per-sample metric fields become columns.
            configuration: The configuration of the per-sample metrics ("" the implicit one; default: the
                first one).
            sort: A field name, a :class:`~assay.service.sample_views.SortKey` or a dict of its fields; ties
                and the default order go by sample id. Missing values come last.
            descending: Sort from the largest value.

        Returns:
            One row per matching sample, in query order: ``id``, ``key``, ``locator``, then each field of the
            suite's samples and, per model, each of its fields named ``<field>[<model name>]`` (for example
            ``metric.normalized_mean_error[model-a]``). Category fields are pandas categoricals; numbers
            that are not finite are missing (NaN).

        Raises:
            NotFoundError: the test case is not in this suite version, or a model does not exist or has no
                results on it.
            InputValidationError: an unknown field, a condition that does not apply to its field, or a
                per-model field without a model.

        Example:
            >>> suite.query_samples(
            ...     [{"field": "meta.pose", "op": "in", "values": ["profile"]},
            ...      {"field": "metric.normalized_mean_error", "op": "range", "min": 0.1}],
            ...     models=[model_a], sort="metric.normalized_mean_error", descending=True,
            ... )  # doctest: +SKIP
        """
        return query_samples_frame(
            type(self).workflow.name,
            self._id,
            test_case._id if test_case is not None else None,
            where=where,
            models=models,
            configuration=configuration,
            sort=sort,
            descending=descending,
        )

    # -- editing -------------------------------------------------------------------------------------------
    class Editor:
        """Collects the changes of one ``edit()`` block; committed together when the block ends."""

        def __init__(self, suite: TestSuite, reset: bool) -> None:
            self._suite_type = type(suite)
            self._test_cases: list[TestCase] = [] if reset else list(suite.test_cases)
            self._description = suite.description
            self.tags: set[str] = set(suite.tags)

        def description(self, description: str) -> None:
            """Set the suite's description (no new version)."""
            self._description = description

        def add(self, test_case: TestCase) -> None:
            """Add a test case; a version of the same test case already in the suite is replaced in place."""
            self._suite_type._check_test_cases([test_case])
            for index, existing in enumerate(self._test_cases):
                if existing.name == test_case.name:
                    self._test_cases[index] = test_case
                    return
            self._test_cases.append(test_case)

        def remove(self, test_case: TestCase) -> None:
            """Remove a test case (any version of it, by name); absent ones are ignored."""
            self._test_cases = [tc for tc in self._test_cases if tc.name != test_case.name]

    @contextmanager
    def edit(self, reset: bool = False) -> Iterator[TestSuite.Editor]:
        """Edit this suite; leaving the block commits (a new version if the test-case list changed).

        An exception inside the block commits nothing. After the block, this object shows the result.
        """
        editor = TestSuite.Editor(self, reset)
        yield editor
        case_ids = [tc._id for tc in editor._test_cases]
        changed_cases = case_ids != [tc._id for tc in self.test_cases]
        description = editor._description if editor._description != self.description else None
        tags = sorted(editor.tags) if editor.tags != self.tags else None
        if not changed_cases and description is None and tags is None:
            return
        record = transport().edit_test_suite(
            self._id,
            description=description,
            test_case_ids=case_ids if changed_cases else None,
            tags=tags,
        )
        self._populate(record)

    # -- identity ------------------------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TestSuite):
            return NotImplemented
        return (self._id, self.name, self.version, self.description, self.test_cases, self.tags) == (
            other._id,
            other.name,
            other.version,
            other.description,
            other.test_cases,
            other.tags,
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._id))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, version={self.version}, test_cases={len(self.test_cases)})"


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not name.strip():
        raise InputValidationError(f"a test suite needs a non-empty name, got {name!r}")
