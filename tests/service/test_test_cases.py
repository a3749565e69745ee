"""Test cases: versions, identity of samples, edits, names and workflows."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.service.builders import boxes, image, locators, make_case, row

from assay.errors import (
    IncorrectUsageError,
    InputValidationError,
    NameConflictError,
    NotFoundError,
    RemoteError,
    WorkflowMismatchError,
)
from assay.service import Service
from assay.service.models import InitManyItem, SampleRow


def test_create_makes_an_empty_version_zero(service: Service, workflow: str) -> None:
    case = service.create_test_case(workflow, "cars", "all the cars")
    assert (case.name, case.version, case.n_samples, case.description, case.workflow) == (
        "cars",
        0,
        0,
        "all the cars",
        workflow,
    )
    assert service.load_test_case_samples(case.id) == []
    assert service.load_test_case("cars") == case


def test_each_edit_makes_a_version_and_old_versions_keep_their_samples(service: Service, workflow: str) -> None:
    v1 = make_case(service, "cars", [0, 1, 2])
    v2 = service.edit_test_case(v1.id, add=[row(3)], remove=[image(0)])
    assert (v1.version, v2.version, v2.n_samples) == (1, 2, 3)
    assert locators(service.load_test_case_samples(v1.id)) == locators([row(0), row(1), row(2)])
    assert locators(service.load_test_case_samples(v2.id)) == locators([row(1), row(2), row(3)])
    assert service.load_test_case("cars", version=1) == v1
    assert service.load_test_case("cars").id == v2.id
    assert [c.version for c in service.list_test_case_versions("cars")] == [0, 1, 2]


def test_replaced_ground_truth_keeps_its_place_and_a_readded_sample_goes_last(service: Service, workflow: str) -> None:
    v1 = make_case(service, "cars", [0, 1, 2])
    v2 = service.edit_test_case(v1.id, add=[row(1, ground_truth={"bboxes": []})])
    v3 = service.edit_test_case(v2.id, remove=[image(0)])
    v4 = service.edit_test_case(v3.id, add=[row(0)])
    samples = service.load_test_case_samples(v2.id)
    assert locators(samples) == locators([row(0), row(1), row(2)])
    assert samples[1].ground_truth == {"bboxes": []}
    assert service.load_test_case_samples(v1.id)[1].ground_truth == boxes(1)
    assert locators(service.load_test_case_samples(v4.id)) == locators([row(1), row(2), row(0)])


def test_an_edit_that_changes_nothing_keeps_the_version_and_updates_the_description(
    service: Service, workflow: str
) -> None:
    v1 = make_case(service, "cars", [0, 1])
    same = service.edit_test_case(v1.id, add=[row(1)], remove=[image(99)], description="new words")
    assert (same.id, same.version, same.description) == (v1.id, 1, "new words")
    assert service.load_test_case("cars", version=0).description == "new words"


def test_reset_starts_from_no_samples(service: Service, workflow: str) -> None:
    v1 = make_case(service, "cars", [0, 1, 2])
    v2 = service.edit_test_case(v1.id, reset=True, add=[row(2), row(5)])
    assert (v2.version, v2.n_samples) == (2, 2)
    assert locators(service.load_test_case_samples(v2.id)) == locators([row(2), row(5)])
    empty = service.edit_test_case(v2.id, reset=True)
    assert (empty.version, empty.n_samples) == (3, 0)


def test_last_entry_of_a_sample_wins_within_one_edit(service: Service, workflow: str) -> None:
    case = service.create_test_case(workflow, "cars")
    v1 = service.edit_test_case(case.id, add=[row(0), row(1), row(0, ground_truth={"bboxes": []})])
    samples = service.load_test_case_samples(v1.id)
    assert locators(samples) == locators([row(0), row(1)])
    assert samples[0].ground_truth == {"bboxes": []}
    assert v1.n_samples == 2


def test_editing_an_old_version_is_refused(service: Service, workflow: str) -> None:
    v1 = make_case(service, "cars", [0])
    service.edit_test_case(v1.id, add=[row(1)])
    with pytest.raises(RemoteError, match="not the latest"):
        service.edit_test_case(v1.id, add=[row(2)])


def test_paging_follows_insertion_order(service: Service, workflow: str) -> None:
    v1 = make_case(service, "cars", list(range(10)))
    pages = [service.load_test_case_samples(v1.id, offset=o, limit=4) for o in (0, 4, 8)]
    assert [len(p) for p in pages] == [4, 4, 2]
    assert list(itertools.chain(*pages)) == service.load_test_case_samples(v1.id)


def test_a_sample_is_stored_once_and_metadata_merges(service: Service, workflow: str) -> None:
    first = service.create_test_case(workflow, "a")
    second = service.create_test_case(workflow, "b")
    first = service.edit_test_case(first.id, add=[row(0, metadata={"blur": 0.5, "pose": "left"})])
    second = service.edit_test_case(second.id, add=[row(0, metadata={"pose": "front", "night": True})])
    expected = {"blur": 0.5, "pose": "front", "night": True}
    assert service.load_test_case_samples(first.id)[0].metadata == expected
    assert service.load_test_case_samples(second.id)[0].metadata == expected


def test_key_order_does_not_change_identity(service: Service, workflow: str) -> None:
    case = make_case(service, "cars", [0])
    reordered = dict(reversed(list(image(0).items())))
    same = service.edit_test_case(case.id, add=[SampleRow(test_sample=reordered, ground_truth=boxes(0))])
    assert same.id == case.id


def test_non_finite_floats_survive_storage(service: Service, workflow: str) -> None:
    case = service.create_test_case(workflow, "odd")
    truth = {"score": float("nan"), "high": float("inf"), "low": float("-inf"), "none": None}
    case = service.edit_test_case(case.id, add=[row(0, ground_truth=truth)])
    stored = service.load_test_case_samples(case.id)[0].ground_truth
    assert stored is not None
    assert stored["score"] != stored["score"]
    assert (stored["high"], stored["low"], stored["none"]) == (float("inf"), float("-inf"), None)
    # The same ground truth again is no change, NaN included.
    assert service.edit_test_case(case.id, add=[row(0, ground_truth=truth)]).version == case.version


@pytest.mark.parametrize("kind", ["same workflow", "other workflow"])
def test_names_are_unique_across_workflows(service: Service, workflow: str, kind: str) -> None:
    service.create_test_case(workflow, "cars")
    with pytest.raises(NameConflictError, match="cars"):
        service.create_test_case(workflow if kind == "same workflow" else "Other", "cars")


def test_loading_with_another_workflow_is_a_mismatch(service: Service, workflow: str) -> None:
    service.create_test_case(workflow, "cars")
    with pytest.raises(WorkflowMismatchError, match="Detection"):
        service.load_test_case("cars", workflow="Classification")
    assert service.load_test_case("cars", workflow=workflow).name == "cars"


@pytest.mark.parametrize(("name", "version"), [("missing", None), ("cars", 7)], ids=["missing name", "missing version"])
def test_loading_what_does_not_exist(service: Service, workflow: str, name: str, version: int | None) -> None:
    make_case(service, "cars", [0])
    with pytest.raises(NotFoundError):
        service.load_test_case(name, version=version)


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_blank_names_are_refused(service: Service, workflow: str, name: str) -> None:
    with pytest.raises(InputValidationError, match="name"):
        service.create_test_case(workflow, name)
    assert service.list_test_cases() == []


@pytest.mark.parametrize(
    "sample",
    [
        {"locator": "x.png", "data_type": "ANNOTATION/BOUNDING_BOX"},
        {"locator": "x.png"},
        {"bboxes": [], "data_type": "GROUND_TRUTH/CUSTOM"},
    ],
    ids=["annotation", "no tag", "ground truth"],
)
def test_rows_that_are_not_test_samples_are_refused(service: Service, workflow: str, sample: dict[str, Any]) -> None:
    case = service.create_test_case(workflow, "cars")
    with pytest.raises(InputValidationError, match="TEST_SAMPLE/"):
        service.edit_test_case(case.id, add=[row(0), SampleRow(test_sample=sample)])
    assert service.load_test_case("cars").version == 0


def test_init_many_creates_loads_and_resets(service: Service, workflow: str) -> None:
    make_case(service, "existing", [0, 1])
    items = [
        InitManyItem(name="existing", samples=[row(5)]),
        InitManyItem(name="new", samples=[row(2), row(3)]),
    ]
    first = service.init_many_test_cases(workflow, items)
    assert [(r.test_case.name, r.status, r.test_case.version) for r in first] == [
        ("existing", "loaded", 1),
        ("new", "created", 1),
    ]
    again = service.init_many_test_cases(workflow, [*items, InitManyItem(name="empty", samples=[])], reset=True)
    assert [(r.test_case.name, r.status, r.test_case.version) for r in again] == [
        ("existing", "edited", 2),
        ("new", "edited", 2),
        ("empty", "created", 0),
    ]
    assert locators(service.load_test_case_samples(again[0].test_case.id)) == locators([row(5)])


def test_init_many_refuses_a_repeated_name(service: Service, workflow: str) -> None:
    items = [InitManyItem(name="a", samples=[]), InitManyItem(name="a", samples=[row(1)])]
    with pytest.raises(IncorrectUsageError, match="'a'"):
        service.init_many_test_cases(workflow, items)


def test_a_failed_init_many_writes_nothing(service: Service, workflow: str) -> None:
    service.create_test_case("Other", "theirs")
    items = [InitManyItem(name="mine", samples=[row(0)]), InitManyItem(name="theirs", samples=[row(1)])]
    with pytest.raises(WorkflowMismatchError):
        service.init_many_test_cases(workflow, items)
    assert [c.name for c in service.list_test_cases()] == ["theirs"]
    model = service.create_model(workflow, "m")
    with pytest.raises(NotFoundError):
        service.upload_inferences(model.id, [(image(0), boxes(0))])


def test_list_test_cases_gives_latest_versions_of_a_workflow(service: Service, workflow: str) -> None:
    make_case(service, "b", [0, 1])
    make_case(service, "a", [0])
    make_case(service, "z", [0], workflow="Other")
    listed = service.list_test_cases(workflow)
    assert [(c.name, c.version, c.n_samples) for c in listed] == [("a", 1, 1), ("b", 1, 2)]
    assert [c.name for c in service.list_test_cases()] == ["a", "b", "z"]


# -- versioning invariant --------------------------------------------------------------------------------
_counter = itertools.count()

_edit = st.fixed_dictionaries(
    {
        "reset": st.sampled_from([False, False, False, True]),
        "add": st.lists(st.tuples(st.integers(0, 11), st.integers(0, 2)), max_size=6),
        "remove": st.lists(st.integers(0, 11), max_size=4),
    }
)


def _apply(state: list[tuple[int, int]], edit: dict[str, Any]) -> tuple[list[tuple[int, int]], bool]:
    """What an edit does to the ``(sample, ground truth)`` list of a test case, and whether it changed it."""
    before = list(state)
    current = [] if edit["reset"] else [entry for entry in state if entry[0] not in set(edit["remove"])]
    latest: dict[int, int] = {}
    for sample, truth in edit["add"]:
        latest[sample] = truth
    for sample, truth in latest.items():
        index = next((i for i, entry in enumerate(current) if entry[0] == sample), None)
        if index is None:
            current.append((sample, truth))
        else:
            current[index] = (sample, truth)
    return current, edit["reset"] or current != before


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(_edit, min_size=1, max_size=6))
def test_every_version_keeps_exactly_its_samples(service: Service, edits: list[dict[str, Any]]) -> None:
    case = service.create_test_case("Versions", f"case-{next(_counter)}")
    expected: dict[int, list[tuple[int, int]]] = {0: []}
    state: list[tuple[int, int]] = []
    for edit in edits:
        state, changed = _apply(state, edit)
        case = service.edit_test_case(
            case.id,
            reset=edit["reset"],
            add=[row(sample, ground_truth={"truth": truth}) for sample, truth in edit["add"]],
            remove=[image(sample) for sample in edit["remove"]],
        )
        if changed:
            expected[case.version] = list(state)
        assert case.version == len(expected) - 1
    for version, entries in expected.items():
        loaded = service.load_test_case(case.name, version=version)
        samples = service.load_test_case_samples(loaded.id)
        assert loaded.n_samples == len(entries)
        assert [(r.test_sample["locator"], r.ground_truth) for r in samples] == [
            (image(sample)["locator"], {"truth": truth}) for sample, truth in entries
        ]


def test_values_json_cannot_hold_are_refused(service: Service, workflow: str) -> None:
    case = service.create_test_case(workflow, "cars")
    with pytest.raises(InputValidationError, match="JSON"):
        service.edit_test_case(case.id, add=[row(0, ground_truth={"too_big": 2**70})])
    assert service.load_test_case("cars").version == 0
