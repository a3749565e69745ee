"""Models: a name, free-form metadata, and the inferences stored for them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from assay._bulk import bulk, gc_paused
from assay.errors import InputValidationError, NotFoundError
from assay.service.models import ModelRecord
from assay.workflow._entity import (
    Frozen,
    bound_workflow,
    check_workflow,
    ensure_registered,
    pages,
    revive_sample,
    transport,
)

if TYPE_CHECKING:
    from assay.workflow.ground_truth import GroundTruth
    from assay.workflow.inference import Inference
    from assay.workflow.test_case import TestCase
    from assay.workflow.test_sample import TestSample
    from assay.workflow.workflow import Workflow

__all__ = ["Model"]

logger = logging.getLogger("assay")


class Model(Frozen):
    """A model under test. Models are black boxes: Assay stores their metadata and inferences only.

    ``Model(name, infer=..., metadata=...)`` loads the model if it exists and creates it otherwise; the metadata
    and tags of an existing model are not changed by it.

    Attributes:
        workflow: The workflow this class is bound to.
        name: The model's unique name.
        metadata: Free-form facts about the model (training data, owner, ...).
        tags: Free labels to find models by.
        infer: Maps a test sample to an inference; needed only by ``test()`` for samples without one.

    Example:
        >>> model = Model("keypoints-resnet50", infer=my_infer, metadata={"epochs": 40})  # doctest: +SKIP
    """

    workflow: ClassVar[Workflow]

    name: str
    metadata: dict[str, Any]
    tags: set[str]
    infer: Callable[[Any], Any] | None
    _id: int

    def __init__(
        self,
        name: str,
        infer: Callable[[Any], Any] | None = None,
        metadata: dict[str, Any] | None = None,
        tags: set[str] | None = None,
    ) -> None:
        workflow = bound_workflow(type(self))
        _check_name(name)
        try:
            record = self._load_record(name)
        except NotFoundError:
            record = self._create_record(workflow, name, metadata, tags)
        else:
            if (metadata is not None and metadata != record.metadata) or (
                tags is not None and set(tags) != set(record.tags)
            ):
                logger.warning("model %r already exists: the metadata and tags given were not applied", name)
        self._populate(record, infer)

    @classmethod
    def create(
        cls,
        name: str,
        infer: Callable[[Any], Any] | None = None,
        metadata: dict[str, Any] | None = None,
        tags: set[str] | None = None,
    ) -> Model:
        """Create a new model.

        Raises:
            NameConflictError: a model of that name exists.
        """
        workflow = bound_workflow(cls)
        _check_name(name)
        return cls._from_record(cls._create_record(workflow, name, metadata, tags), infer)

    @classmethod
    def load(cls, name: str, infer: Callable[[Any], Any] | None = None) -> Model:
        """Load a model by name.

        Raises:
            NotFoundError: no model of that name.
            WorkflowMismatchError: the model belongs to another workflow.
        """
        bound_workflow(cls)
        return cls._from_record(cls._load_record(name), infer)

    @classmethod
    def load_all(cls, *, tags: set[str] | None = None) -> list[Model]:
        """Every model of this workflow (carrying all ``tags``), by creation."""
        workflow = bound_workflow(cls)
        records = transport().list_models(workflow.name, sorted(tags) if tags else None)
        return [cls._from_record(record, None) for record in records]

    @classmethod
    def _create_record(
        cls, workflow: Workflow, name: str, metadata: dict[str, Any] | None, tags: set[str] | None
    ) -> ModelRecord:
        if metadata is not None and not isinstance(metadata, dict):
            raise InputValidationError(f"model metadata must be a dict, got {type(metadata).__name__}")
        ensure_registered(workflow)
        return transport().create_model(workflow.name, name, metadata or {}, sorted(tags) if tags else [])

    @classmethod
    def _load_record(cls, name: str) -> ModelRecord:
        workflow = bound_workflow(cls)
        record = transport().load_model(name, workflow.name)
        check_workflow(workflow, record.workflow, f"model {name!r}")
        return record

    @classmethod
    def _from_record(cls, record: ModelRecord, infer: Callable[[Any], Any] | None) -> Model:
        model = cls.__new__(cls)
        model._populate(record, infer)
        return model

    def _populate(self, record: ModelRecord, infer: Callable[[Any], Any] | None) -> None:
        self._set(
            name=record.name,
            metadata=dict(record.metadata),
            tags=set(record.tags),
            infer=infer,
            _id=record.id,
        )

    # -- inferences ----------------------------------------------------------------------------------------
    @bulk
    def load_inferences(self, test_case: TestCase) -> list[tuple[TestSample, GroundTruth, Inference]]:
        """The stored ``(test_sample, ground_truth, inference)`` of this model on a test-case version.

        Samples without an inference of this model are left out (an empty list when there is none).
        """
        return list(self.iter_inferences(test_case))

    def iter_inferences(self, test_case: TestCase) -> Iterator[tuple[TestSample, GroundTruth, Inference]]:
        """Stream :meth:`load_inferences`, fetched in batches."""
        workflow = self.workflow
        if test_case.workflow != workflow:
            from assay.errors import WorkflowMismatchError

            raise WorkflowMismatchError(
                f"test case {test_case.name!r} belongs to workflow {test_case.workflow.name!r}, not {workflow.name!r}"
            )
        fetch = transport().load_inferences
        for page in pages(lambda offset, limit: fetch(self._id, test_case._id, offset=offset, limit=limit)):
            with gc_paused():
                triples = [
                    (
                        revive_sample(workflow.test_sample_type, row.test_sample, row.metadata),
                        workflow.ground_truth_type._from_dict(row.ground_truth),
                        workflow.inference_type._from_dict(row.inference),
                    )
                    for row in page
                ]
            yield from triples

    # -- identity ------------------------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        return (self._id, self.name, self.metadata, self.tags) == (
            other._id,
            other.name,
            other.metadata,
            other.tags,
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._id))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not name.strip():
        raise InputValidationError(f"a model needs a non-empty name, got {name!r}")
