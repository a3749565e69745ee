"""Declaring a workflow and getting the entity classes bound to it."""

from __future__ import annotations

from assay.workflow.model import Model
from assay.workflow.test_case import TestCase
from assay.workflow.test_suite import TestSuite
from assay.workflow.workflow import Workflow

__all__ = ["define_workflow"]


def define_workflow(
    name: str,
    test_sample_type: type,
    ground_truth_type: type,
    inference_type: type,
) -> tuple[Workflow, type[TestCase], type[TestSuite], type[Model]]:
    """Declare a workflow from its three data types and get its TestCase, TestSuite and Model classes.

    The types are checked here: a field type the platform cannot store is refused now, not at upload time.

    Args:
        name: The workflow's name, its identity on the platform.
        test_sample_type: What a model takes as input (an ``Image`` subclass, ``Text``, a ``Composite``...).
        ground_truth_type: The ``GroundTruth`` subclass.
        inference_type: The ``Inference`` subclass.

    Returns:
        ``(workflow, TestCase, TestSuite, Model)``, the three classes bound to this workflow's types.

    Raises:
        InputValidationError: an empty or reserved name, or a field of a type that cannot be stored.

    Example:
        >>> wf, TestCase, TestSuite, Model = define_workflow("Facial Keypoints", Sample, GT, Inf)  # doctest: +SKIP
    """
    workflow = Workflow(name, test_sample_type, ground_truth_type, inference_type)
    test_case = type("TestCase", (TestCase,), {"workflow": workflow, "__module__": __name__})
    test_suite = type(
        "TestSuite",
        (TestSuite,),
        {"workflow": workflow, "_test_case_type": test_case, "__module__": __name__},
    )
    model = type("Model", (Model,), {"workflow": workflow, "__module__": __name__})
    return workflow, test_case, test_suite, model
