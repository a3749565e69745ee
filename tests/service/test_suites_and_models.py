"""Test suites and models: versions of the test-case list, names, workflows, tags."""

from __future__ import annotations

import pytest
from tests.service.builders import make_case, row

from assay.errors import (
    InputValidationError,
    NameConflictError,
    NotFoundError,
    RemoteError,
    WorkflowMismatchError,
)
from assay.service import Service


def test_a_suite_is_version_zero_empty_and_version_one_with_test_cases(service: Service, workflow: str) -> None:
    a = make_case(service, "a", [0, 1])
    b = make_case(service, "b", [2])
    empty = service.create_test_suite(workflow, "empty")
    full = service.create_test_suite(workflow, "full", "both cases", test_case_ids=[b.id, a.id], tags=["nightly"])
    assert (empty.version, empty.test_cases) == (0, [])
    assert full.version == 1
    assert [(c.name, c.version) for c in full.test_cases] == [("b", 1), ("a", 1)]
    assert (full.description, full.tags) == ("both cases", ["nightly"])
    assert [s.version for s in service.list_test_suite_versions("full")] == [0, 1]


def test_a_suite_version_keeps_its_test_case_versions_after_the_cases_change(service: Service, workflow: str) -> None:
    a = make_case(service, "a", [0, 1])
    suite = service.create_test_suite(workflow, "suite", test_case_ids=[a.id])
    a2 = service.edit_test_case(a.id, add=[row(2)])
    assert service.load_test_suite("suite").test_cases[0].id == a.id
    edited = service.edit_test_suite(suite.id, test_case_ids=[a2.id])
    assert edited.version == 2
    assert service.load_test_suite("suite", version=1).test_cases[0].n_samples == 2
    assert service.load_test_suite("suite", version=2).test_cases[0].n_samples == 3


def test_description_and_tags_change_without_a_new_version(service: Service, workflow: str) -> None:
    a = make_case(service, "a", [0])
    suite = service.create_test_suite(workflow, "suite", test_case_ids=[a.id], tags=["x"])
    edited = service.edit_test_suite(suite.id, description="words", tags=["y", "z"], test_case_ids=[a.id])
    assert (edited.id, edited.version, edited.description, edited.tags) == (suite.id, 1, "words", ["y", "z"])
    assert service.load_test_suite("suite", version=0).description == "words"


def test_order_of_test_cases_is_part_of_the_version(service: Service, workflow: str) -> None:
    a = make_case(service, "a", [0])
    b = make_case(service, "b", [1])
    suite = service.create_test_suite(workflow, "suite", test_case_ids=[a.id, b.id])
    swapped = service.edit_test_suite(suite.id, test_case_ids=[b.id, a.id])
    assert swapped.version == 2
    with pytest.raises(RemoteError, match="not the latest"):
        service.edit_test_suite(suite.id, test_case_ids=[a.id])


def test_a_suite_refuses_two_versions_of_one_test_case(service: Service, workflow: str) -> None:
    a = make_case(service, "a", [0])
    a2 = service.edit_test_case(a.id, add=[row(1)])
    with pytest.raises(InputValidationError, match="twice"):
        service.create_test_suite(workflow, "suite", test_case_ids=[a.id, a2.id])
    with pytest.raises(NotFoundError):
        service.load_test_suite("suite")


def test_a_suite_refuses_test_cases_of_another_workflow(service: Service, workflow: str) -> None:
    theirs = make_case(service, "theirs", [0], workflow="Other")
    with pytest.raises(WorkflowMismatchError, match="theirs"):
        service.create_test_suite(workflow, "suite", test_case_ids=[theirs.id])
    assert service.list_test_suites() == []


@pytest.mark.parametrize("kind", ["test suite", "model"])
def test_suite_and_model_names_are_unique_across_workflows(service: Service, workflow: str, kind: str) -> None:
    create = service.create_test_suite if kind == "test suite" else service.create_model
    create(workflow, "taken")
    with pytest.raises(NameConflictError, match="taken"):
        create("Other", "taken")


@pytest.mark.parametrize("kind", ["test suite", "model"])
def test_loading_suite_or_model_with_another_workflow_is_a_mismatch(service: Service, workflow: str, kind: str) -> None:
    if kind == "test suite":
        service.create_test_suite(workflow, "x")
        with pytest.raises(WorkflowMismatchError):
            service.load_test_suite("x", workflow="Other")
    else:
        service.create_model(workflow, "x")
        with pytest.raises(WorkflowMismatchError):
            service.load_model("x", workflow="Other")


def test_lists_filter_by_workflow_and_all_tags(service: Service, workflow: str) -> None:
    service.create_test_suite(workflow, "s1", tags=["a", "b"])
    service.create_test_suite(workflow, "s2", tags=["a"])
    service.create_test_suite("Other", "s3", tags=["a", "b"])
    service.create_model(workflow, "m1", metadata={"lr": 0.1}, tags=["prod"])
    service.create_model(workflow, "m2")
    assert [s.name for s in service.list_test_suites(workflow, tags=["a", "b"])] == ["s1"]
    assert [s.name for s in service.list_test_suites(tags=["a"])] == ["s1", "s2", "s3"]
    assert [m.name for m in service.list_models(workflow, tags=["prod"])] == ["m1"]
    assert service.load_model("m1").metadata == {"lr": 0.1}


@pytest.mark.parametrize("name", ["", " "])
def test_blank_suite_and_model_names_are_refused(service: Service, workflow: str, name: str) -> None:
    with pytest.raises(InputValidationError):
        service.create_test_suite(workflow, name)
    with pytest.raises(InputValidationError):
        service.create_model(workflow, name)


def test_workflows_register_and_keep_the_latest_schema(service: Service) -> None:
    service.register_workflow("B", {"v": 1})
    service.register_workflow("A", {"v": 1})
    latest = service.register_workflow("B", {"v": 2})
    assert latest.schema_ == {"v": 2}
    assert [(w.name, w.schema_) for w in service.list_workflows()] == [("A", {"v": 1}), ("B", {"v": 2})]


def test_model_metadata_json_cannot_hold_is_refused(service: Service, workflow: str) -> None:
    with pytest.raises(InputValidationError, match="JSON"):
        service.create_model(workflow, "m", metadata={"layers": {1, 2}})
    assert service.list_models() == []
