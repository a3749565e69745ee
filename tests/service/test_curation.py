"""Curation: test cases made of suite samples, derived runs on the suite's new version, split, delta samples.

Two worlds: the keypoint-detection example (two models, a class evaluator storing per-sample metrics per test
case and a function evaluator storing them once for the suite, three configurations each), and a small
detection-like world stored through the service, whose metrics include ratios of sums (precision, recall), a
sum, a count and an F1 that no per-sample field gives.
"""

from __future__ import annotations

import math
import re
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import assay
from assay.client import reset as reset_client
from assay.errors import InputValidationError, NameConflictError, NotFoundError, RemoteError
from assay.service import Service
from assay.service import curation as curation_module
from assay.service.models import SampleMetricsRow, SampleRow, TestCaseMetricsRow
from assay.service.sample_views import CreateTestCase, Predicate, SampleQuery, SortKey, SplitTestCases
from assay.service.views import ResultsTable
from assay.store import curation_queries, view_queries
from assay.store import models as tables

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from examples.keypoint_detection import evaluator as keypoint_evaluator  # noqa: E402
from examples.keypoint_detection import main as keypoint_main  # noqa: E402
from examples.keypoint_detection import models as keypoint_models  # noqa: E402

N_FACES = 40
CLASS_EVALUATOR = "KeypointsEvaluator"
FUNCTION_EVALUATOR = "evaluate_keypoint_detection"
CONFIGURATIONS = [c.display_name() for c in keypoint_evaluator.CONFIGURATIONS]
MODEL_A, MODEL_B = keypoint_models.MODEL_A, keypoint_models.MODEL_B


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of the test's own: the Studio keeps its tables under ASSAY_HOME when the database is not a file."""
    monkeypatch.setenv("ASSAY_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


# -- the keypoint world ----------------------------------------------------------------------------------------
@dataclass
class Keypoints:
    service: Service
    suite_id: int
    models: dict[str, int]
    sample_ids: dict[str, int]
    """Sample id by locator."""


def sample_ids_by_locator(service: Service) -> dict[str, int]:
    with service._store.read() as repo:
        return {
            data["locator"]: sid
            for sid, data in repo.session.execute(select(tables.TestSample.id, tables.TestSample.data))
        }


def counts(service: Service) -> dict[str, int]:
    """Rows of the tables curation writes to."""
    names = [
        "test_case",
        "test_case_version",
        "test_suite_version",
        "test_sample",
        "test_run",
        "run_configuration",
        "sample_metrics",
        "case_metrics",
        "suite_metrics",
    ]
    with service._store.read() as repo:
        return {
            name: int(repo.session.scalar(select(func.count()).select_from(tables.Base.metadata.tables[name])) or 0)
            for name in names
        }


@pytest.fixture
def keypoints(database_url: str, tmp_path: Path) -> Iterator[Keypoints]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSAY_HOME", str(tmp_path / "home"))
        patch.setenv("ASSAY_DATABASE_URL", database_url)
        patch.setenv("ASSAY_PROGRESS", "0")
        for name in ("ASSAY_HOST", "ASSAY_API_TOKEN", "KOLENA_TOKEN"):
            patch.delenv(name, raising=False)
        reset_client()
        try:
            assay.initialize()
            run = keypoint_main.run(n_images=N_FACES)
            for model in run.models:
                assay.workflow.test(
                    model,
                    run.test_suite,
                    keypoint_evaluator.evaluate_keypoint_detection,
                    configurations=keypoint_evaluator.CONFIGURATIONS,
                )
            suite_id = run.test_suite._id
            models = {model.name: model._id for model in run.models}
        finally:
            reset_client()
    service = Service.from_url(database_url)
    try:
        yield Keypoints(service, suite_id, models, sample_ids_by_locator(service))
    finally:
        service.close()


def per_sample(service: Service, model_id: int, suite_id: int, evaluator: str, configuration: str) -> dict[int, dict]:
    """A model's per-sample metrics on a suite version by sample id: suite-wide ones, else the first test case's."""
    ids = sample_ids_by_locator(service)
    (results,) = service.load_results(model_id, suite_id, evaluator, configuration)
    suite = [case.id for case in _suite(service, suite_id).test_cases]
    found: dict[int, tuple[int, dict]] = {}
    for row in results.test_sample_metrics:
        rank = -1 if row.test_case_id is None else suite.index(row.test_case_id)
        sid = ids[row.test_sample["locator"]]
        if sid not in found or rank < found[sid][0]:
            found[sid] = (rank, row.metrics)
    return {sid: metrics for sid, (_, metrics) in found.items()}


def _suite(service: Service, suite_id: int) -> Any:
    with service._store.read() as repo:
        name = repo.get_test_suite(suite_id)
    return service.load_test_suite(name["name"], name["version"])


def row_of(table: ResultsTable, name: str) -> dict[tuple[str | None, str, int], Any]:
    (row,) = [row for row in table.rows if row.test_case.name == name]
    return {
        (column.configuration, column.metric, column.model_id): cell
        for column, cell in zip(table.columns, row.cells, strict=True)
    }


def test_a_test_case_of_chosen_samples_has_metrics_for_every_model_tested_on_the_suite(keypoints: Keypoints) -> None:
    service = keypoints.service
    source = _suite(service, keypoints.suite_id)
    profile = next(case for case in source.test_cases if case.name.endswith("pose: profile"))
    chosen = sorted(keypoints.sample_ids.values())[::3]
    before = counts(service)

    made = service.curation.create_test_case(
        CreateTestCase(
            name="faces :: every third",
            description="picked by hand",
            query=SampleQuery(test_suite_id=keypoints.suite_id),
            sample_ids=chosen,
        )
    )

    assert made.suite is not None and made.suite.version == source.version + 1
    (case,) = made.test_cases
    assert (case.name, case.version, case.n_samples) == ("faces :: every third", 1, len(chosen))
    assert made.derived_runs == 4  # two models x two evaluators
    assert made.pending_metrics == []
    # The samples are the suite's (none stored again), in the order chosen, with the suite's ground truths.
    assert counts(service)["test_sample"] == before["test_sample"]
    rows = service.load_test_case_samples(case.id)
    by_locator = keypoints.sample_ids
    assert [by_locator[r.test_sample["locator"]] for r in rows] == chosen
    truths = {r.test_sample["locator"]: r.ground_truth for r in service.load_test_case_samples(source.test_cases[0].id)}
    assert all(r.ground_truth == truths[r.test_sample["locator"]] for r in rows)
    new_suite = _suite(service, made.suite.id)
    assert [c.id for c in new_suite.test_cases] == [c.id for c in source.test_cases] + [case.id]

    for evaluator in (CLASS_EVALUATOR, FUNCTION_EVALUATOR):
        before_table = service.read_results_table(keypoints.suite_id, evaluator=evaluator)
        table = service.read_results_table(made.suite.id, evaluator=evaluator)
        assert {m.id for m in table.models} == set(keypoints.models.values())
        # The test cases that were there keep their values.
        old = row_of(before_table, profile.name)
        assert {key: cell.value for key, cell in row_of(table, profile.name).items()} == {
            key: cell.value for key, cell in old.items()
        }
        cells = row_of(table, case.name)
        for model_id in keypoints.models.values():
            for configuration in CONFIGURATIONS:
                metrics = per_sample(service, model_id, keypoints.suite_id, evaluator, configuration)
                nme = [metrics[sid]["normalized_mean_error"] for sid in chosen]
                failures = [float(metrics[sid]["alignment_failure"]) for sid in chosen]
                assert cells[(configuration, "mean_nme", model_id)].value == pytest.approx(
                    statistics.fmean(nme), rel=1e-12
                )
                assert cells[(configuration, "alignment_failure_rate", model_id)].value == pytest.approx(
                    statistics.fmean(failures), rel=1e-12
                )
                assert cells[(configuration, "n_samples", model_id)].value == len(chosen)
                assert cells[(configuration, "mean_nme", model_id)].n == len(chosen)
        # Same values through the workflow API's view of the derived runs.
        for model_id in keypoints.models.values():
            for configuration in CONFIGURATIONS:
                (stored,) = service.load_results(model_id, made.suite.id, evaluator, configuration)
                (metrics,) = [m.metrics for m in stored.test_case_metrics if m.test_case_id == case.id]
                assert metrics["n_samples"] == len(chosen) and isinstance(metrics["n_samples"], int)
                assert metrics["_type"] == "examples.keypoint_detection.workflow:TestCaseMetrics"
                assert stored.test_run.completed == CONFIGURATIONS

    runs = service.list_run_summaries(test_suite_name=new_suite.name, status="completed", limit=100)
    derived = [run for run in runs.items if run.test_suite.id == made.suite.id]
    assert len(derived) == 4
    assert all(run.message.startswith("Derived in the Studio from test run") for run in derived)
    assert all("suite metrics need the evaluator" in run.message for run in derived)
    options = service.read_results_options(made.suite.id)
    assert all(run.completed == run.configurations for run in options.runs)


def test_a_taken_name_writes_nothing(keypoints: Keypoints) -> None:
    service = keypoints.service
    before = counts(service)
    taken = _suite(service, keypoints.suite_id).test_cases[1].name
    with pytest.raises(NameConflictError, match="exists"):
        service.curation.create_test_case(
            CreateTestCase(
                name=taken,
                query=SampleQuery(test_suite_id=keypoints.suite_id),
                sample_ids=[min(keypoints.sample_ids.values())],
            )
        )
    assert counts(service) == before


def test_a_sample_outside_the_scope_writes_nothing(keypoints: Keypoints) -> None:
    service = keypoints.service
    before = counts(service)
    inside = sorted(keypoints.sample_ids.values())
    with pytest.raises(InputValidationError, match="not in test suite"):
        service.curation.create_test_case(
            CreateTestCase(
                name="with a stranger",
                query=SampleQuery(test_suite_id=keypoints.suite_id),
                sample_ids=[*inside[:3], 10**6],
            )
        )
    source = _suite(service, keypoints.suite_id)
    dim = next(case for case in source.test_cases if case.name.endswith("lighting: dim"))
    dim_ids = {keypoints.sample_ids[r.test_sample["locator"]] for r in service.load_test_case_samples(dim.id)}
    outsider = next(sid for sid in inside if sid not in dim_ids)
    with pytest.raises(InputValidationError, match=f"sample id {outsider}"):
        service.curation.create_test_case(
            CreateTestCase(
                name="dim and one more",
                query=SampleQuery(test_suite_id=keypoints.suite_id, test_case_id=dim.id),
                sample_ids=[*sorted(dim_ids), outsider],
            )
        )
    assert counts(service) == before


def test_a_failure_while_deriving_runs_writes_nothing(keypoints: Keypoints, monkeypatch: pytest.MonkeyPatch) -> None:
    service = keypoints.service
    before = counts(service)
    calls = []

    def fail_on_the_fifth(*args: Any, **kwargs: Any) -> None:
        calls.append(kwargs)
        if len(calls) == 5:
            raise RuntimeError("the database went away")
        original(*args, **kwargs)

    original = curation_queries.mark_configuration_complete
    monkeypatch.setattr(curation_queries, "mark_configuration_complete", fail_on_the_fifth)
    with pytest.raises(RuntimeError, match="went away"):
        service.curation.create_test_case(
            CreateTestCase(
                name="half made",
                query=SampleQuery(test_suite_id=keypoints.suite_id),
                sample_ids=sorted(keypoints.sample_ids.values())[:5],
            )
        )
    assert len(calls) == 5  # two runs' worth of writes were made before it failed
    assert counts(service) == before
    with pytest.raises(NotFoundError):
        service.load_test_case("half made")
    # Nothing of the failed attempt stands in the way of the next one (its staging table went with it).
    monkeypatch.setattr(curation_queries, "mark_configuration_complete", original)
    made = service.curation.create_test_case(
        CreateTestCase(
            name="half made",
            query=SampleQuery(test_suite_id=keypoints.suite_id),
            sample_ids=sorted(keypoints.sample_ids.values())[:5],
        )
    )
    assert made.derived_runs == 4 and made.test_cases[0].n_samples == 5


def test_without_add_to_suite_only_the_test_case_is_made(keypoints: Keypoints) -> None:
    service = keypoints.service
    before = counts(service)
    chosen = sorted(keypoints.sample_ids.values())[:4]
    made = service.curation.create_test_case(
        CreateTestCase(
            name="on its own",
            query=SampleQuery(test_suite_id=keypoints.suite_id),
            sample_ids=chosen,
            add_to_suite=False,
        )
    )
    assert made.suite is None and made.derived_runs == 0
    after = counts(service)
    assert after["test_suite_version"] == before["test_suite_version"]
    assert after["test_run"] == before["test_run"]
    assert after["test_case"] == before["test_case"] + 1
    # Made by hand, not from a query: nothing to re-run.
    assert service.curation.stored_query(made.test_cases[0].id) is None


def test_without_compute_metrics_the_new_version_has_no_runs(keypoints: Keypoints) -> None:
    service = keypoints.service
    made = service.curation.create_test_case(
        CreateTestCase(
            name="no metrics",
            query=SampleQuery(test_suite_id=keypoints.suite_id),
            sample_ids=sorted(keypoints.sample_ids.values())[:4],
            compute_metrics=False,
        )
    )
    assert made.suite is not None and made.derived_runs == 0
    with pytest.raises(NotFoundError, match="no model was tested"):
        service.read_results_table(made.suite.id)


def test_an_older_suite_version_is_not_edited(keypoints: Keypoints) -> None:
    service = keypoints.service
    first = service.curation.create_test_case(
        CreateTestCase(
            name="first pick",
            query=SampleQuery(test_suite_id=keypoints.suite_id),
            sample_ids=sorted(keypoints.sample_ids.values())[:3],
        )
    )
    assert first.suite is not None
    before = counts(service)
    with pytest.raises(RemoteError, match="not the latest"):
        service.curation.create_test_case(
            CreateTestCase(
                name="second pick",
                query=SampleQuery(test_suite_id=keypoints.suite_id),
                sample_ids=sorted(keypoints.sample_ids.values())[3:6],
            )
        )
    assert counts(service) == before


def test_bad_requests_are_refused_before_anything_is_read(service: Service) -> None:
    with pytest.raises(NotFoundError, match="test suite version id 999"):
        service.curation.create_test_case(
            CreateTestCase(name="x", query=SampleQuery(test_suite_id=999), sample_ids=[1])
        )
    with pytest.raises(NotFoundError):
        service.curation.stored_query(12345)


# -- a world of counts: ratios of sums, a sum, a count, and an F1 ----------------------------------------------
DETECTION = "Curation Detection"


@dataclass
class Counts:
    service: Service
    suite_id: int
    cases: dict[str, int]
    models: dict[str, int]
    sample_ids: list[int]
    truth: dict[str, dict[int, dict[str, int]]]
    """Per-sample tp/fp/fn of each model, by sample id."""


def image(i: int) -> dict[str, Any]:
    return {"locator": f"s3://counts/{i:03d}.png", "data_type": "TEST_SAMPLE/IMAGE"}


def tallies(model: str, i: int) -> dict[str, int]:
    # Deterministic, different per model and sample, with samples that have no detection at all.
    shift = 0 if model == "base" else 3
    tp = (i * 7 + shift) % 4
    fp = (i * 5 + 2 * shift) % 3
    fn = (i * 3 + shift) % 2
    return {"tp": tp, "fp": fp, "fn": fn}


def case_metrics_of(rows: list[dict[str, int]]) -> dict[str, Any]:
    tp = sum(r["tp"] for r in rows)
    fp = sum(r["fp"] for r in rows)
    fn = sum(r["fn"] for r in rows)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "total_tp": tp,
        "n_images": len(rows),
        "per_label": [{"label": "car", "recall": recall}],
    }


@pytest.fixture
def detection(service: Service) -> Counts:
    service.register_workflow(DETECTION, {})
    groups = {"first half": list(range(0, 20)), "second half": list(range(20, 40)), "odd": list(range(1, 40, 2))}
    cases = {}
    for name, indices in groups.items():
        case = service.create_test_case(DETECTION, name)
        case = service.edit_test_case(
            case.id,
            add=[SampleRow(test_sample=image(i), metadata={"i": i}, ground_truth={"n": i % 4}) for i in indices],
        )
        cases[name] = case.id
    suite = service.create_test_suite(DETECTION, "counts", test_case_ids=list(cases.values()))
    models = {}
    truth: dict[str, dict[int, dict[str, int]]] = {}
    by_locator = sample_ids_by_locator(service)
    for model in ("base", "tuned"):
        record = service.create_model(DETECTION, model)
        models[model] = record.id
        run = service.create_or_retrieve_test_run(record.id, suite.id, "counter", [])
        truth[model] = {}
        case_rows = []
        for name, indices in groups.items():
            rows = [tallies(model, i) for i in indices]
            service.upload_test_sample_metrics(
                run.id,
                None,
                [
                    SampleMetricsRow(test_sample=image(i), metrics=r, test_case_id=cases[name])
                    for i, r in zip(indices, rows, strict=True)
                ],
            )
            for i, r in zip(indices, rows, strict=True):
                truth[model][by_locator[image(i)["locator"]]] = r
            case_rows.append(TestCaseMetricsRow(test_case_id=cases[name], metrics=case_metrics_of(rows), plots=None))
        service.upload_test_case_metrics(run.id, None, case_rows)
        service.upload_test_suite_metrics(run.id, None, {"n_cases": 3})
    return Counts(service, suite.id, cases, models, sorted(by_locator.values()), truth)


def test_ratios_of_sums_sums_and_counts_are_derived_and_the_rest_is_pending(detection: Counts) -> None:
    service = detection.service
    chosen = detection.sample_ids[5:31:2] + [detection.sample_ids[38]]
    made = service.curation.create_test_case(
        CreateTestCase(name="picked", query=SampleQuery(test_suite_id=detection.suite_id), sample_ids=chosen)
    )
    assert made.suite is not None and made.derived_runs == 2
    assert sorted(made.pending_metrics) == ["f1", "per_label"]
    table = service.read_results_table(made.suite.id)
    cells = row_of(table, "picked")
    for model, model_id in detection.models.items():
        expected = case_metrics_of([detection.truth[model][sid] for sid in chosen])
        for key in ("precision", "recall", "total_tp", "n_images"):
            assert cells[(None, key, model_id)].value == pytest.approx(expected[key], rel=1e-12), (model, key)
        assert cells[(None, "f1", model_id)].value is None
        (stored,) = service.load_results(model_id, made.suite.id, "counter")
        assert stored.test_suite_metrics is None
    with service._store.read() as repo:
        messages = list(
            repo.session.scalars(
                select(tables.TestRun.message).where(tables.TestRun.test_suite_version_id == made.suite.id)
            )
        )
    assert len(messages) == 2
    for message in messages:
        found = re.search(
            r"for 'picked', (.*) computed from per-sample metrics; pending \(needs the evaluator\): (.*?);", message
        )
        assert found is not None, message
        assert sorted(found.group(1).split(", ")) == ["n_images", "precision", "recall", "total_tp"]
        assert sorted(found.group(2).split(", ")) == ["f1", "per_label"]


def test_the_derived_per_sample_metrics_are_the_first_test_case_s(detection: Counts) -> None:
    service = detection.service
    chosen = detection.sample_ids[18:23]
    made = service.curation.create_test_case(
        CreateTestCase(name="straddle", query=SampleQuery(test_suite_id=detection.suite_id), sample_ids=chosen)
    )
    assert made.suite is not None
    (case,) = made.test_cases
    for model, model_id in detection.models.items():
        (stored,) = service.load_results(model_id, made.suite.id, "counter")
        rows = [row for row in stored.test_sample_metrics if row.test_case_id == case.id]
        by_locator = sample_ids_by_locator(service)
        assert sorted(by_locator[row.test_sample["locator"]] for row in rows) == chosen
        assert all(row.metrics == detection.truth[model][by_locator[row.test_sample["locator"]]] for row in rows)
        # Every other row is a copy of the source run's.
        (source,) = service.load_results(model_id, detection.suite_id, "counter")
        copied = sorted(
            (r.test_case_id, r.test_sample["locator"], str(r.metrics))
            for r in stored.test_sample_metrics
            if r.test_case_id != case.id
        )
        assert copied == sorted(
            (r.test_case_id, r.test_sample["locator"], str(r.metrics)) for r in source.test_sample_metrics
        )
        assert not math.isnan(stored.test_case_metrics[-1].metrics["precision"])


def test_ground_truths_come_from_the_first_test_case_in_suite_order_and_the_suite_count_is_kept(
    service: Service,
) -> None:
    service.register_workflow(DETECTION, {})
    ids = {}
    for name, indices, n in (("low", range(0, 5), 1), ("high", range(3, 8), 2)):
        case = service.create_test_case(DETECTION, name)
        case = service.edit_test_case(
            case.id,
            add=[SampleRow(test_sample=image(i), metadata={"i": i}, ground_truth={"n": n}) for i in indices],
        )
        ids[name] = case.id
    by_locator = sample_ids_by_locator(service)
    sample = {i: by_locator[image(i)["locator"]] for i in range(8)}
    order = [7, 3, 5, 0, 4]
    for suite_name, cases, expected in (
        ("low first", ["low", "high"], [2, 1, 2, 1, 1]),
        ("high first", ["high", "low"], [2, 2, 2, 1, 2]),
    ):
        suite = service.create_test_suite(DETECTION, suite_name, test_case_ids=[ids[name] for name in cases])
        made = service.curation.create_test_case(
            CreateTestCase(
                name=f"made of {suite_name}",
                query=SampleQuery(test_suite_id=suite.id),
                sample_ids=[sample[i] for i in order],
                compute_metrics=False,
            )
        )
        (case,) = made.test_cases
        rows = service.load_test_case_samples(case.id)
        # In the order chosen, each with the ground truth of the first test case in suite order that holds it.
        assert [by_locator[row.test_sample["locator"]] for row in rows] == [sample[i] for i in order]
        assert [row.ground_truth for row in rows] == [{"n": n} for n in expected]
        assert made.suite is not None
        with service._store.read() as repo:
            kept = repo.session.scalar(
                select(tables.TestSuiteVersion.n_samples).where(tables.TestSuiteVersion.id == made.suite.id)
            )
            counted = repo.session.scalar(view_queries.suite_sample_count(made.suite.id))
        assert kept == counted == 8


# -- made from Studio queries --------------------------------------------------------------------------------
def test_a_test_case_of_all_that_match_keeps_its_query(keypoints: Keypoints) -> None:
    service = keypoints.service
    query = SampleQuery(
        test_suite_id=keypoints.suite_id,
        predicates=[Predicate(field="meta.pose", op="in", values=["frontal"])],
        sort=SortKey(field="meta.yaw_degrees", descending=True),
    )
    matching = [int(sid) for sid in service.studio.matching_sample_ids(query)]
    assert 5 < len(matching) < N_FACES
    excluded = matching[1:3]
    made = service.curation.create_test_case(
        CreateTestCase(name="frontal faces", query=query, exclude_ids=excluded, description="all frontal but two")
    )
    (case,) = made.test_cases
    rows = service.load_test_case_samples(case.id)
    # Every match but the excluded, in the query's order.
    assert [keypoints.sample_ids[r.test_sample["locator"]] for r in rows] == [s for s in matching if s not in excluded]
    assert all(r.metadata["pose"] == "frontal" for r in rows)
    stored = service.curation.stored_query(case.id)
    assert stored is not None
    assert stored.query == query
    assert stored.test_case == case
    assert stored.created_from is not None and stored.created_from.id == keypoints.suite_id
    assert service.load_test_case("frontal faces").description == "all frontal but two"
    # The query runs again on the new version: the new test case is a subset of what it matches.
    again = [
        int(s) for s in service.studio.matching_sample_ids(query.model_copy(update={"test_suite_id": made.suite.id}))
    ]
    assert sorted(again) == sorted(matching)


def test_a_query_that_matches_nothing_makes_nothing(keypoints: Keypoints) -> None:
    service = keypoints.service
    before = counts(service)
    query = SampleQuery(
        test_suite_id=keypoints.suite_id, predicates=[Predicate(field="meta.yaw_degrees", op="range", min=1e6)]
    )
    with pytest.raises(InputValidationError, match="no samples"):
        service.curation.create_test_case(CreateTestCase(name="nobody", query=query))
    assert counts(service) == before


def test_split_by_a_category_makes_one_test_case_per_value_in_one_suite_version(keypoints: Keypoints) -> None:
    service = keypoints.service
    query = SampleQuery(
        test_suite_id=keypoints.suite_id, predicates=[Predicate(field="meta.occlusion", op="in", values=["none"])]
    )
    matching = [int(sid) for sid in service.studio.matching_sample_ids(query)]
    before = counts(service)
    made = service.curation.split(SplitTestCases(query=query, field="meta.lighting", name_prefix="faces by light"))
    assert made.suite is not None and made.suite.version == 2
    assert counts(service)["test_suite_version"] == before["test_suite_version"] + 1
    assert made.derived_runs == 4
    locators = {sid: loc for loc, sid in keypoints.sample_ids.items()}
    metadata = {
        keypoints.sample_ids[r.test_sample["locator"]]: r.metadata
        for case in _suite(service, keypoints.suite_id).test_cases
        for r in service.load_test_case_samples(case.id)
    }
    expected: dict[str, list[int]] = {}
    for sid in matching:
        expected.setdefault(metadata[sid]["lighting"], []).append(sid)
    assert {case.name for case in made.test_cases} == {f"faces by light :: {value}" for value in expected}
    for case in made.test_cases:
        value = case.name.rsplit(" :: ", 1)[1]
        rows = service.load_test_case_samples(case.id)
        assert [keypoints.sample_ids[r.test_sample["locator"]] for r in rows] == expected[value]
        stored = service.curation.stored_query(case.id)
        assert stored is not None
        assert stored.query.predicates[-1] == Predicate(field="meta.lighting", op="in", values=[value])
        assert [int(s) for s in service.studio.matching_sample_ids(stored.query)] == expected[value]
    assert locators  # every sample id was resolved
    table = service.read_results_table(made.suite.id, evaluator=CLASS_EVALUATOR)
    for case in made.test_cases:
        cells = row_of(table, case.name)
        value = case.name.rsplit(" :: ", 1)[1]
        assert cells[(CONFIGURATIONS[0], "n_samples", keypoints.models[MODEL_A])].value == len(expected[value])


def test_split_by_equal_width_bins_of_a_model_s_metric(keypoints: Keypoints) -> None:
    service = keypoints.service
    model_id = keypoints.models[MODEL_B]
    query = SampleQuery(test_suite_id=keypoints.suite_id)
    made = service.curation.split(
        SplitTestCases(
            query=query,
            field="metric.normalized_mean_error",
            model_id=model_id,
            configuration=CONFIGURATIONS[1],
            bins=3,
            name_prefix="nme of B",
        )
    )
    values = {
        sid: m["normalized_mean_error"]
        for sid, m in per_sample(service, model_id, keypoints.suite_id, CLASS_EVALUATOR, CONFIGURATIONS[1]).items()
    }
    low, high = min(values.values()), max(values.values())
    width = (high - low) / 3
    seen: list[int] = []
    for case in made.test_cases:
        bounds = case.name.split(" :: ", 1)[1]
        closed = bounds.endswith("]")
        lo, hi = (float(part) for part in bounds.strip("[)]").split(", "))
        index = round((lo - low) / width)
        assert lo == pytest.approx(low + index * width, rel=1e-5)
        rows = service.load_test_case_samples(case.id)
        ids = [keypoints.sample_ids[r.test_sample["locator"]] for r in rows]
        edge_lo, edge_hi = low + index * width, low + (index + 1) * width
        for sid in ids:
            assert edge_lo <= values[sid] and (values[sid] <= edge_hi if closed else values[sid] < edge_hi)
        seen.extend(ids)
    assert sorted(seen) == sorted(values)
    assert made.test_cases[-1].name.endswith("]")


def test_split_refuses_what_it_cannot_do_and_writes_nothing(
    keypoints: Keypoints, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = keypoints.service
    monkeypatch.setattr(curation_module, "MAX_SPLIT", N_FACES - 1)
    query = SampleQuery(test_suite_id=keypoints.suite_id)
    before = counts(service)
    with pytest.raises(InputValidationError, match="not numeric"):
        service.curation.split(SplitTestCases(query=query, field="meta.pose", bins=3))
    with pytest.raises(InputValidationError, match="model"):
        service.curation.split(SplitTestCases(query=query, field="metric.normalized_mean_error"))
    with pytest.raises(InputValidationError, match="distinct values"):
        service.curation.split(SplitTestCases(query=query, field="gt.normalization_factor"))
    with pytest.raises(InputValidationError):
        service.curation.split(SplitTestCases(query=query, field="meta.no_such_field"))
    # One name of the split is taken: none of the split's test cases is made.
    service.create_test_case(_suite(service, keypoints.suite_id).workflow, "by pose :: left")
    before = counts(service)
    with pytest.raises(NameConflictError, match="by pose :: left"):
        service.curation.split(SplitTestCases(query=query, field="meta.pose", name_prefix="by pose"))
    assert counts(service) == before


# -- the samples behind a delta ------------------------------------------------------------------------------
def all_delta(service: Service, **kwargs: Any) -> list[Any]:
    items: list[Any] = []
    offset = 0
    while True:
        page = service.curation.delta_samples(**kwargs, offset=offset, limit=7)
        items.extend(page.items)
        offset += 7
        if offset >= page.total:
            return items


def test_delta_samples_of_a_mean_add_up_to_the_delta_and_say_what_flipped(keypoints: Keypoints) -> None:
    service = keypoints.service
    suite = _suite(service, keypoints.suite_id)
    case = next(c for c in suite.test_cases if c.name.endswith("complete"))
    model, baseline = keypoints.models[MODEL_B], keypoints.models[MODEL_A]
    configuration = CONFIGURATIONS[1]
    args = {
        "test_suite_id": keypoints.suite_id,
        "test_case_id": case.id,
        "model_id": model,
        "baseline_id": baseline,
        "evaluator": CLASS_EVALUATOR,
        "configuration": configuration,
    }
    first = service.curation.delta_samples(**args, metric="alignment_failure_rate", limit=5)
    assert (first.basis, first.method, first.total) == ("alignment_failure", "per_sample", N_FACES)
    items = all_delta(service, **args, metric="alignment_failure_rate")
    assert [i.item.id for i in items[:5]] == [i.item.id for i in first.items]
    assert len({i.item.id for i in items}) == N_FACES
    assert sum(i.contribution for i in items) == pytest.approx(first.value - first.baseline_value, abs=1e-12)
    mine = per_sample(service, model, keypoints.suite_id, CLASS_EVALUATOR, configuration)
    theirs = per_sample(service, baseline, keypoints.suite_id, CLASS_EVALUATOR, configuration)
    flips = {"right_to_wrong": 0, "wrong_to_right": 0}
    for item in items:
        now, before = mine[item.item.id]["alignment_failure"], theirs[item.item.id]["alignment_failure"]
        assert (item.value, item.baseline_value) == (now, before)
        assert item.contribution == pytest.approx((float(now) - float(before)) / N_FACES)
        # A failure is wrong: the rate is lower-is-better.
        expected = "unchanged" if now == before else ("right_to_wrong" if now else "wrong_to_right")
        assert item.change == expected
        if expected in flips:
            flips[expected] += 1
    assert first.n_flipped == flips and sum(flips.values()) > 0
    magnitudes = [abs(i.contribution) for i in items]
    assert magnitudes == sorted(magnitudes, reverse=True)
    # The gallery items carry both models' per-sample metrics.
    assert set(first.items[0].item.metrics) == {str(model), str(baseline)}

    nme = all_delta(service, **args, metric="mean_nme")
    assert all(i.change in ("moved", "unchanged") for i in nme)
    by_id = {i.item.id: i.contribution for i in nme}
    for sid, contribution in by_id.items():
        expected_part = (mine[sid]["normalized_mean_error"] - theirs[sid]["normalized_mean_error"]) / N_FACES
        assert contribution == pytest.approx(expected_part, rel=1e-9)


def test_delta_samples_refuse_a_metric_that_needs_the_evaluator(detection: Counts) -> None:
    service = detection.service
    args = {
        "test_suite_id": detection.suite_id,
        "test_case_id": detection.cases["odd"],
        "model_id": detection.models["tuned"],
        "baseline_id": detection.models["base"],
    }
    with pytest.raises(InputValidationError, match="evaluator") as raised:
        service.curation.delta_samples(**args, metric="f1")
    assert raised.value.details.get("reason") == "evaluator_needed"
    with pytest.raises(NotFoundError, match="no_such"):
        service.curation.delta_samples(**args, metric="no_such")
    with pytest.raises(InputValidationError, match="same model"):
        service.curation.delta_samples(**{**args, "baseline_id": args["model_id"]}, metric="precision")


def ratio(rows: list[dict[str, int]], top: str, bottom: tuple[str, ...]) -> float:
    return sum(r[top] for r in rows) / sum(r[name] for r in rows for name in bottom)


def test_delta_samples_of_a_ratio_of_sums_match_leaving_each_sample_out(detection: Counts) -> None:
    service = detection.service
    rows = service.load_test_case_samples(detection.cases["odd"])
    by_locator = sample_ids_by_locator(service)
    members = [by_locator[r.test_sample["locator"]] for r in rows]
    model, baseline = detection.models["tuned"], detection.models["base"]
    for metric, top, bottom in (("precision", "tp", ("tp", "fp")), ("recall", "tp", ("tp", "fn"))):
        items = all_delta(
            service,
            test_suite_id=detection.suite_id,
            test_case_id=detection.cases["odd"],
            model_id=model,
            baseline_id=baseline,
            metric=metric,
        )
        assert len(items) == len(members)
        first = service.curation.delta_samples(
            detection.suite_id, detection.cases["odd"], model_id=model, baseline_id=baseline, metric=metric, limit=1
        )
        assert (first.method, first.basis) == ("leave_one_out", None)
        tuned = {sid: detection.truth["tuned"][sid] for sid in members}
        base = {sid: detection.truth["base"][sid] for sid in members}
        delta = ratio(list(tuned.values()), top, bottom) - ratio(list(base.values()), top, bottom)
        assert first.value - first.baseline_value == pytest.approx(delta, rel=1e-12)
        for item in items:
            sid = item.item.id
            rest_tuned = [r for other, r in tuned.items() if other != sid]
            rest_base = [r for other, r in base.items() if other != sid]
            brute = delta - (ratio(rest_tuned, top, bottom) - ratio(rest_base, top, bottom))
            assert item.contribution == pytest.approx(brute, rel=1e-9, abs=1e-12), (metric, sid)
            assert item.value == {name: float(tuned[sid][name]) for name in (top, *bottom)}
        magnitudes = [abs(i.contribution) for i in items]
        assert magnitudes == sorted(magnitudes, reverse=True)


def test_a_made_test_case_is_versioned_like_one_edited_through_the_service(detection: Counts) -> None:
    service = detection.service
    chosen = [detection.sample_ids[i] for i in (7, 3, 31, 22, 0, 39)]
    made = service.curation.create_test_case(
        CreateTestCase(
            name="made", query=SampleQuery(test_suite_id=detection.suite_id), sample_ids=chosen, add_to_suite=False
        )
    )
    # The twin: the same samples, with the suite's ground truths, added through the service's edit.
    suite = _suite(service, detection.suite_id)
    truth = {}
    for case in suite.test_cases:
        for row in service.load_test_case_samples(case.id):
            truth.setdefault(row.test_sample["locator"], row)
    locators = {sid: loc for loc, sid in sample_ids_by_locator(service).items()}
    twin = service.create_test_case(DETECTION, "twin")
    twin = service.edit_test_case(twin.id, add=[truth[locators[sid]] for sid in chosen])
    (case,) = made.test_cases
    assert [v.version for v in service.list_test_case_versions("made")] == [0, 1]
    assert [(v.version, v.n_samples) for v in service.list_test_case_versions("made")] == [
        (v.version, v.n_samples) for v in service.list_test_case_versions("twin")
    ]
    assert service.load_test_case_samples(case.id) == service.load_test_case_samples(twin.id)
    # Both edit on alike: remove one, add one, replace a ground truth.
    gone, new = truth[locators[chosen[1]]].test_sample, truth[locators[detection.sample_ids[12]]]
    replaced = truth[locators[chosen[0]]].model_copy(update={"ground_truth": {"n": 99}})
    after = [
        service.edit_test_case(version.id, remove=[gone], add=[new, replaced])
        for version in (service.load_test_case("made"), service.load_test_case("twin"))
    ]
    assert [(v.version, v.n_samples) for v in after] == [(2, 6), (2, 6)]
    assert service.load_test_case_samples(after[0].id) == service.load_test_case_samples(after[1].id)
    assert service.load_test_case_samples(case.id, offset=2, limit=2) == service.load_test_case_samples(
        twin.id, offset=2, limit=2
    )
