"""The web app's views as the service computes them, on both databases, over data stored by the workflow API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.service.view_world import (
    EVALUATOR,
    N_SAMPLES,
    OTHER_WORKFLOW,
    SUITE,
    WORKFLOW,
    World,
    build_world,
    embedded_client,
    shifted,
    world_database,
)

from assay.errors import InputValidationError, NotFoundError
from assay.service import Service
from assay.workflow import TestRun


@pytest.fixture
def world(service: Service, database_url: str, tmp_path: Path) -> World:
    """The world in the test's own database, for tests that add to it."""
    return build_world(database_url, tmp_path / "home")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stored(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A service on the world, built once per database for the tests that only read it."""
    opened = Service.from_url(world_database(request.param, tmp_path_factory.mktemp("views"), request))
    yield opened
    opened.close()


def names(items: list) -> list[str]:  # type: ignore[type-arg]
    return [item.name for item in items]


def sample_ids(service: Service, test_case_id: int) -> dict[str, object]:
    """The samples of a test-case version by locator, with their ground truths."""
    return {row.test_sample["locator"]: row.ground_truth for row in service.load_test_case_samples(test_case_id)}


# -- suites ----------------------------------------------------------------------------------------------
def test_suite_summaries_count_test_cases_distinct_samples_and_tested_models(stored: Service) -> None:
    [faces] = stored.list_suite_summaries(WORKFLOW).items
    assert (faces.name, faces.version, faces.workflow) == (SUITE, 2, WORKFLOW)
    assert (faces.description, faces.tags) == ("Faces by pose", ["nightly"])
    # faces :: all holds samples 0..29, profile adds sample 100, first holds sample 0 again.
    assert (faces.n_test_cases, faces.n_samples, faces.n_models) == (3, N_SAMPLES + 1, 3)
    assert faces.updated >= faces.created


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("FACES", {SUITE}),
        ("by POSE", {SUITE}),
        ("Urgent", {"bulk-4"}),
        ("nightly", {SUITE}),
        ("bulk-", {f"bulk-{k}" for k in range(5)}),
        ("_", set()),  # LIKE wildcards are matched literally
        ("%", set()),
        ("nothing like it", set()),
    ],
)
def test_search_matches_name_description_and_tags_ignoring_case(
    stored: Service, search: str, expected: set[str]
) -> None:
    found = stored.list_suite_summaries(search=search)
    assert set(names(found.items)) == expected
    assert found.total == len(expected)


def test_suite_pages_hold_a_slice_newest_first_with_the_total(stored: Service) -> None:
    page = stored.list_suite_summaries(OTHER_WORKFLOW, offset=1, limit=2)
    assert (page.total, page.offset, page.limit) == (5, 1, 2)
    assert names(page.items) == ["bulk-3", "bulk-2"]
    assert stored.list_suite_summaries(OTHER_WORKFLOW, offset=5).items == []
    assert stored.list_suite_summaries("no such workflow").total == 0


def test_suite_detail_has_the_version_history_with_counts(stored: Service) -> None:
    latest = stored.read_suite_detail(SUITE)
    assert latest.suite.version == 2
    assert [case.name for case in latest.suite.test_cases] == [
        f"{SUITE} :: all",
        f"{SUITE} :: profile",
        f"{SUITE} :: first",
    ]
    history = [(v.version, v.n_test_cases, v.n_samples) for v in latest.versions]
    assert history == [(0, 0, 0), (1, 2, N_SAMPLES), (2, 3, N_SAMPLES + 1)]
    assert latest.n_samples == N_SAMPLES + 1
    assert names(latest.models) == ["fragile", "shifted-4"]
    assert latest.schema_ is not None and latest.schema_ == stored.list_workflows()[1].schema_


def test_suite_detail_at_an_older_version(stored: Service) -> None:
    first = stored.read_suite_detail(SUITE, 1)
    assert (first.suite.version, first.n_samples) == (1, N_SAMPLES)
    assert names(first.models) == ["shifted-2"]
    assert [v.version for v in first.versions] == [0, 1, 2], "the whole history, whichever version is shown"
    with pytest.raises(NotFoundError):
        stored.read_suite_detail(SUITE, 7)
    with pytest.raises(NotFoundError):
        stored.read_suite_detail("no such suite")


def test_diff_names_added_removed_changed_and_unchanged_test_cases(stored: Service) -> None:
    diff = stored.diff_suite_versions(SUITE, 1, 2)
    assert (diff.base.version, diff.head.version) == (1, 2)
    assert (diff.base.n_samples, diff.head.n_samples) == (N_SAMPLES, N_SAMPLES + 1)
    assert names(diff.added) == [f"{SUITE} :: first"]
    assert diff.removed == []
    assert names(diff.unchanged) == [f"{SUITE} :: all"]
    [change] = diff.changed
    assert (change.name, change.base.version, change.head.version) == (f"{SUITE} :: profile", 1, 2)
    # Sample 100 was added, sample 0 removed and the ground truth of sample 3 replaced.
    assert (change.samples_added, change.samples_removed, change.ground_truths_changed) == (1, 1, 1)


def test_diff_counts_equal_the_sets_of_samples_of_both_versions(stored: Service) -> None:
    [change] = stored.diff_suite_versions(SUITE, 1, 2).changed
    before = sample_ids(stored, change.base.id)
    after = sample_ids(stored, change.head.id)
    assert change.samples_added == len(after.keys() - before.keys())
    assert change.samples_removed == len(before.keys() - after.keys())
    assert change.ground_truths_changed == sum(before[key] != after[key] for key in before.keys() & after.keys())


def test_diff_backwards_swaps_added_and_removed(stored: Service) -> None:
    diff = stored.diff_suite_versions(SUITE, 2, 1)
    assert diff.added == [] and names(diff.removed) == [f"{SUITE} :: first"]
    [change] = diff.changed
    assert (change.base.version, change.head.version) == (2, 1)
    assert (change.samples_added, change.samples_removed, change.ground_truths_changed) == (1, 1, 1)


def test_diff_of_a_version_with_itself_changes_nothing(stored: Service) -> None:
    diff = stored.diff_suite_versions(SUITE, 2, 2)
    assert (diff.added, diff.removed, diff.changed) == ([], [], [])
    assert len(diff.unchanged) == 3


def test_diff_of_a_missing_version_is_not_found(stored: Service) -> None:
    with pytest.raises(NotFoundError, match="version 9"):
        stored.diff_suite_versions(SUITE, 1, 9)


# -- models ----------------------------------------------------------------------------------------------
def test_model_summaries_count_runs(stored: Service) -> None:
    found = {model.name: model for model in stored.list_model_summaries().items}
    assert set(found) == {"shifted-2", "shifted-4", "fragile", "counter"}
    assert {name: model.n_runs for name, model in found.items()} == {
        "shifted-2": 1,
        "shifted-4": 1,
        "fragile": 1,
        "counter": 0,
    }
    assert found["counter"].last_tested is None
    assert found["shifted-2"].metadata == {"offset": 2} and found["shifted-2"].tags == ["baseline"]
    assert names(stored.list_model_summaries(search="BASEline").items) == ["shifted-2"]
    assert names(stored.list_model_summaries(OTHER_WORKFLOW).items) == ["counter"]
    page = stored.list_model_summaries(WORKFLOW, offset=1, limit=1)
    assert (page.total, len(page.items)) == (3, 1)


def test_model_detail_lists_its_suites_and_runs(stored: Service) -> None:
    model_id = stored.load_model("shifted-2").id
    detail = stored.read_model_detail(model_id)
    assert detail.model.metadata == {"offset": 2}
    assert [(suite.name, suite.version) for suite in detail.test_suites] == [(SUITE, 1)]
    assert detail.n_runs == 1
    [run] = detail.runs
    assert (run.status, run.test_suite.version, run.evaluator) == ("completed", 1, "ErrorEvaluator")
    with pytest.raises(NotFoundError):
        stored.read_model_detail(10_000)


# -- runs ------------------------------------------------------------------------------------------------
def test_runs_are_listed_newest_first_with_status_and_progress(stored: Service) -> None:
    runs = stored.list_run_summaries().items
    assert [run.model.name for run in runs] == ["fragile", "shifted-4", "shifted-2"]
    fragile, shifted_4, shifted_2 = runs
    assert fragile.status == "crashed" and "cannot see" in fragile.message
    assert shifted_4.status == shifted_2.status == "completed"
    assert shifted_2.configurations == shifted_2.completed == ["threshold-1.0", "threshold-2.0"]
    assert shifted_4.progress.model_dump() == {
        "samples_total": N_SAMPLES + 1,
        "samples_inferred": N_SAMPLES + 1,
        "configurations_total": 2,
        "configurations_completed": 2,
    }
    assert shifted_2.progress.samples_total == N_SAMPLES
    assert fragile.progress.configurations_completed == 0
    assert fragile.progress.samples_inferred < fragile.progress.samples_total


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "completed"}, ["shifted-4", "shifted-2"]),
        ({"status": "crashed"}, ["fragile"]),
        ({"status": "running"}, []),
        ({"test_suite_name": SUITE}, ["fragile", "shifted-4", "shifted-2"]),
        ({"test_suite_name": "bulk-0"}, []),
        ({"workflow": OTHER_WORKFLOW}, []),
        ({"workflow": WORKFLOW, "status": "completed"}, ["shifted-4", "shifted-2"]),
    ],
    ids=str,
)
def test_runs_filter(stored: Service, filters: dict[str, str], expected: list[str]) -> None:
    found = stored.list_run_summaries(**filters)  # type: ignore[arg-type]
    assert [run.model.name for run in found.items] == expected
    assert found.total == len(expected)


def test_runs_filter_by_model_and_page(stored: Service) -> None:
    model_id = stored.load_model("shifted-4").id
    assert [run.model.id for run in stored.list_run_summaries(model_id=model_id).items] == [model_id]
    page = stored.list_run_summaries(offset=2, limit=5)
    assert (page.total, [run.model.name for run in page.items]) == (3, ["shifted-2"])


def test_an_unknown_status_is_refused(stored: Service) -> None:
    with pytest.raises(InputValidationError, match="status"):
        stored.list_run_summaries(status="finished")


def test_a_test_in_progress_shows_growing_progress(
    service: Service, world: World, database_url: str, tmp_path: Path
) -> None:
    _, _, TestSuite, Model = world.workflow
    with embedded_client(database_url, tmp_path / "home"):
        model = Model("shifted-3", infer=shifted(3.0))
        run = TestRun(model, TestSuite.load(SUITE), EVALUATOR)

        def summary():  # type: ignore[no-untyped-def]
            [found] = service.list_run_summaries(model_id=model._id).items
            return found

        started = summary()
        assert started.status == "running"
        assert (started.progress.samples_inferred, started.progress.samples_total) == (0, N_SAMPLES + 1)
        samples = run.load_test_samples()
        infer = shifted(3.0)
        run.upload_inferences([(s, infer(s)) for s in samples[:16]])
        halfway = summary()
        assert (halfway.status, halfway.progress.samples_inferred) == ("running", 16)
        assert halfway.updated > started.updated, "each batch is activity of the run"
        run.upload_inferences([(s, infer(s)) for s in samples[16:]])
        inferred = summary()
        assert (inferred.status, inferred.progress.samples_inferred) == ("running", N_SAMPLES + 1)
        assert inferred.progress.configurations_completed == 0
        run.evaluate()
        done = summary()
        assert done.status == "completed"
        assert done.progress.configurations_completed == done.progress.configurations_total == 2


def test_a_crashed_run_runs_again_when_retried(
    service: Service, world: World, database_url: str, tmp_path: Path
) -> None:
    _, _, TestSuite, Model = world.workflow
    with embedded_client(database_url, tmp_path / "home"):
        TestRun(Model("fragile"), TestSuite.load(SUITE), EVALUATOR)
    [run] = service.list_run_summaries(model_id=service.load_model("fragile").id).items
    assert (run.status, run.message) == ("running", "")


# -- overview --------------------------------------------------------------------------------------------
def test_overview_has_every_workflow_with_its_suites_models_and_runs(stored: Service) -> None:
    overview = stored.read_overview()
    assert names(overview.workflows) == [OTHER_WORKFLOW, WORKFLOW]
    other, faces = overview.workflows
    assert (other.n_test_suites, other.n_models, other.latest_runs) == (5, 1, [])
    assert names(other.test_suites) == [f"bulk-{k}" for k in reversed(range(5))]
    assert (faces.n_test_suites, faces.n_models) == (1, 3)
    assert [run.model.name for run in faces.latest_runs] == ["fragile", "shifted-4", "shifted-2"]
    assert faces.test_suites == stored.list_suite_summaries(WORKFLOW).items


def test_overview_caps_each_list_and_keeps_the_totals(service: Service) -> None:
    service.register_workflow("Many", {})
    for k in range(22):
        service.create_test_suite("Many", f"suite-{k:02d}")
        service.create_model("Many", f"model-{k:02d}")
    [many] = service.read_overview().workflows
    assert (len(many.test_suites), many.n_test_suites, len(many.models), many.n_models) == (20, 22, 20, 22)
    assert many.test_suites[0].name == "suite-21" and many.models[0].name == "model-21"
