"""Shared machinery of the workflow entities (TestCase, TestSuite, Model): immutability and data conversion."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NoReturn

import orjson

from assay.client import Transport, get_transport
from assay.errors import FrozenObjectError, WorkflowMismatchError

if TYPE_CHECKING:
    from assay.workflow.workflow import Workflow

logger = logging.getLogger("assay")

PAGE_SIZE = 10_000


class Frozen:
    """Refuses attribute assignment from outside: entities change only through their ``edit()`` methods."""

    __slots__ = ()

    def __setattr__(self, key: str, value: Any) -> NoReturn:
        raise FrozenObjectError(
            f"cannot set {key!r} on {type(self).__name__}: loaded entities are immutable; use edit() to change them"
        )

    def _set(self, **values: Any) -> None:
        for key, value in values.items():
            object.__setattr__(self, key, value)


def transport() -> Transport:
    """The transport of this process (initialising the embedded store on first use)."""
    return get_transport()


def bound_workflow(cls: type) -> Workflow:
    """The workflow a TestCase/TestSuite/Model subclass is bound to by ``define_workflow``."""
    workflow = getattr(cls, "workflow", None)
    if workflow is None:
        raise NotImplementedError(
            f"{cls.__name__} is not bound to a workflow: use the classes returned by define_workflow(...), "
            "or subclass and set the class attribute `workflow`"
        )
    return workflow  # type: ignore[no-any-return]


def ensure_registered(workflow: Workflow) -> None:
    """Store the workflow (and its type schema) once per transport."""
    current = transport()
    names = _registered.setdefault(current, set())
    if workflow.name not in names:
        current.register_workflow(workflow.name, workflow.schema)
        names.add(workflow.name)


_registered: weakref.WeakKeyDictionary[Transport, set[str]] = weakref.WeakKeyDictionary()


def check_workflow(expected: Workflow, actual: str, what: str) -> None:
    """Refuse an entity of another workflow."""
    if actual != expected.name:
        raise WorkflowMismatchError(f"{what} belongs to workflow {actual!r}, not {expected.name!r}")


def sample_dict(test_sample: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A test sample as (identity dict without metadata, metadata or None)."""
    data: dict[str, Any] = test_sample._to_dict()
    metadata = getattr(test_sample, "metadata", None)
    return data, (dict(metadata) if metadata is not None else None)


def sample_key(data: dict[str, Any]) -> bytes:
    """The canonical identity of a serialised test sample: its JSON with sorted keys."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY)


def revive_sample(sample_type: type, data: dict[str, Any], metadata: dict[str, Any] | None) -> Any:
    """Rebuild a user test sample from its stored dict and metadata."""
    if metadata is not None and "metadata" in getattr(sample_type, "__dataclass_fields__", {}):
        data = {**data, "metadata": metadata}
    return sample_type._from_dict(data)  # type: ignore[attr-defined]


def pages(fetch: Any, page_size: int = PAGE_SIZE) -> Iterator[list[Any]]:
    """Iterate the pages of a transport listing that pages with ``offset``/``limit``."""
    offset = 0
    while True:
        page = fetch(offset=offset, limit=page_size)
        if page:
            yield page
        if len(page) < page_size:
            return
        offset += len(page)


def paged(fetch: Any, page_size: int = PAGE_SIZE) -> Iterator[Any]:
    """Iterate the rows of a transport listing that pages with ``offset``/``limit``."""
    for page in pages(fetch, page_size):
        yield from page
