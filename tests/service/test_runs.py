"""Inferences, test runs, metrics and results."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from tests.service.builders import boxes, image, locators, make_case

from assay.errors import InputValidationError, NotFoundError, RemoteError, WorkflowMismatchError
from assay.service import Service
from assay.service import models as records


@dataclass
class Bench:
    a: records.TestCaseRecord
    b: records.TestCaseRecord
    suite: records.TestSuiteRecord
    model_id: int


@pytest.fixture
def bench(service: Service, workflow: str) -> Bench:
    """Two test cases sharing samples 2 and 3, in one suite, and a model."""
    a = make_case(service, "a", [0, 1, 2, 3])
    b = make_case(service, "b", [2, 3, 4])
    suite = service.create_test_suite(workflow, "suite", test_case_ids=[a.id, b.id])
    model = service.create_model(workflow, "model")
    return Bench(a, b, suite, model.id)


def inference(i: int) -> dict:
    return {"bboxes": boxes(i)["bboxes"], "confidence": 0.5 + i / 100}


def test_remaining_samples_are_distinct_and_shrink_with_uploads(service: Service, bench: Bench) -> None:
    run = service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "Evaluator")
    remaining = service.load_remaining_test_samples(run.id)
    assert sorted(locators(remaining)) == sorted(image(i)["locator"] for i in range(5))
    assert all(r.ground_truth is None for r in remaining)
    assert service.load_remaining_test_samples(run.id, offset=1, limit=2) == remaining[1:3]
    service.upload_inferences(bench.model_id, [(image(i), inference(i)) for i in (0, 2)])
    assert sorted(locators(service.load_remaining_test_samples(run.id))) == sorted(
        image(i)["locator"] for i in (1, 3, 4)
    )
    assert len(service.load_remaining_test_samples(run.id, load_all=True)) == 5


def test_inferences_load_in_case_order_and_only_where_stored(service: Service, bench: Bench) -> None:
    service.upload_inferences(bench.model_id, [(image(i), inference(i)) for i in (3, 1)])
    rows = service.load_inferences(bench.model_id, bench.a.id)
    assert locators(rows) == [image(1)["locator"], image(3)["locator"]]
    assert [r.inference for r in rows] == [inference(1), inference(3)]
    assert rows[0].ground_truth == boxes(1)


def test_uploading_inferences_again_needs_reset(service: Service, bench: Bench) -> None:
    service.upload_inferences(bench.model_id, [(image(i), inference(i)) for i in range(3)])
    with pytest.raises(RemoteError, match=r"2 test sample\(s\) already have an inference.*000001"):
        service.upload_inferences(bench.model_id, [(image(i), inference(9)) for i in (1, 2, 4)])
    assert service.load_inferences(bench.model_id, bench.b.id)[0].inference == inference(2)
    service.upload_inferences(bench.model_id, [(image(i), inference(9)) for i in (1, 2, 4)], reset=True)
    assert [r.inference for r in service.load_inferences(bench.model_id, bench.b.id)] == [inference(9)] * 2


def test_inferences_of_unknown_samples_write_nothing(service: Service, bench: Bench) -> None:
    with pytest.raises(NotFoundError, match="not stored"):
        service.upload_inferences(bench.model_id, [(image(0), inference(0)), (image(77), inference(77))])
    assert service.load_inferences(bench.model_id, bench.a.id) == []


def test_a_run_is_found_again_and_gathers_configurations(service: Service, bench: Bench) -> None:
    first = service.create_or_retrieve_test_run(
        bench.model_id,
        bench.suite.id,
        "Evaluator",
        [records.ConfigurationIn(display_name="t=0.5", configuration={"t": 0.5})],
    )
    again = service.create_or_retrieve_test_run(
        bench.model_id, bench.suite.id, "Evaluator", [records.ConfigurationIn(display_name="t=0.9")]
    )
    other = service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "Other")
    assert again.id == first.id != other.id
    assert [(c.display_name, c.configuration) for c in again.configurations] == [
        ("t=0.5", {"t": 0.5}),
        ("t=0.9", None),
    ]


def test_a_run_refuses_a_model_of_another_workflow(service: Service, bench: Bench) -> None:
    theirs = service.create_model("Other", "theirs")
    with pytest.raises(WorkflowMismatchError):
        service.create_or_retrieve_test_run(theirs.id, bench.suite.id, "Evaluator")


def test_duplicate_configuration_names_are_refused(service: Service, bench: Bench) -> None:
    configurations = [
        records.ConfigurationIn(display_name="same"),
        records.ConfigurationIn(display_name="same"),
    ]
    with pytest.raises(InputValidationError, match="same"):
        service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "Evaluator", configurations)


def _upload_all(service: Service, bench: Bench, run_id: int, configuration: str | None, value: float) -> None:
    for case, ids in ((bench.a, [0, 1, 2, 3]), (bench.b, [2, 3, 4])):
        service.upload_test_sample_metrics(
            run_id,
            configuration,
            [
                records.SampleMetricsRow(test_sample=image(i), metrics={"v": value + i}, test_case_id=case.id)
                for i in ids
            ],
        )
    service.upload_test_case_metrics(
        run_id,
        configuration,
        [
            records.TestCaseMetricsRow(
                test_case_id=bench.b.id, metrics={"mean": value}, plots=[{"data_type": "PLOT/CURVE"}]
            ),
            records.TestCaseMetricsRow(test_case_id=bench.a.id, metrics={"mean": value}),
        ],
    )
    service.upload_test_suite_metrics(run_id, configuration, {"variance": value})


@pytest.mark.parametrize("configuration", [None, "t=0.5"])
def test_results_come_back_as_stored(service: Service, bench: Bench, configuration: str | None) -> None:
    configurations = [records.ConfigurationIn(display_name=configuration)] if configuration else None
    run = service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "Evaluator", configurations)
    _upload_all(service, bench, run.id, configuration, 1.0)
    [results] = service.load_results(bench.model_id, bench.suite.id)
    assert results.configuration == configuration
    assert results.test_run.id == run.id
    assert results.test_run.completed == [configuration]
    assert results.test_suite_metrics == {"variance": 1.0}
    assert [(m.test_case_id, m.metrics, m.plots) for m in results.test_case_metrics] == [
        (bench.a.id, {"mean": 1.0}, None),
        (bench.b.id, {"mean": 1.0}, [{"data_type": "PLOT/CURVE"}]),
    ]
    assert len(results.test_sample_metrics) == 7
    by_case = {(m.test_case_id, m.test_sample["locator"]): m.metrics for m in results.test_sample_metrics}
    assert by_case[(bench.b.id, image(4)["locator"])] == {"v": 5.0}


def test_uploading_metrics_again_replaces_them(service: Service, bench: Bench) -> None:
    run = service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "Evaluator")
    _upload_all(service, bench, run.id, None, 1.0)
    _upload_all(service, bench, run.id, None, 2.0)
    [results] = service.load_results(bench.model_id, bench.suite.id)
    assert len(results.test_sample_metrics) == 7
    assert {m.metrics["v"] for m in results.test_sample_metrics} == {2.0 + i for i in range(5)}
    assert [m.metrics for m in results.test_case_metrics] == [{"mean": 2.0}, {"mean": 2.0}]
    assert results.test_suite_metrics == {"variance": 2.0}


def test_suite_wide_sample_metrics_are_kept_apart_from_per_case_ones(service: Service, bench: Bench) -> None:
    run = service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "evaluate")
    rows = [records.SampleMetricsRow(test_sample=image(i), metrics={"v": i}) for i in range(5)]
    service.upload_test_sample_metrics(run.id, None, rows)
    service.upload_test_sample_metrics(run.id, None, rows[:2])
    service.upload_test_sample_metrics(
        run.id,
        None,
        [records.SampleMetricsRow(test_sample=image(0), metrics={"v": -1}, test_case_id=bench.a.id)],
    )
    [results] = service.load_results(bench.model_id, bench.suite.id)
    assert sorted((m.test_case_id or 0, m.metrics["v"]) for m in results.test_sample_metrics) == [
        (0, 0),
        (0, 1),
        (0, 2),
        (0, 3),
        (0, 4),
        (bench.a.id, -1),
    ]


@pytest.mark.parametrize(
    ("sample", "test_case", "match"),
    [(4, "a", "000004"), (99, None, "000099"), (0, "outside", "not in the test suite")],
    ids=["sample outside its case", "unknown sample", "case outside the suite"],
)
def test_metrics_outside_the_suite_are_refused_and_write_nothing(
    service: Service, bench: Bench, workflow: str, sample: int, test_case: str | None, match: str
) -> None:
    outside = make_case(service, "outside", [0])
    cases = {"a": bench.a.id, "outside": outside.id, None: None}
    run = service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "Evaluator")
    rows = [
        records.SampleMetricsRow(test_sample=image(1), metrics={"v": 1}, test_case_id=bench.a.id),
        records.SampleMetricsRow(test_sample=image(sample), metrics={"v": 1}, test_case_id=cases[test_case]),
    ]
    with pytest.raises(InputValidationError, match=match):
        service.upload_test_sample_metrics(run.id, None, rows)
    with pytest.raises(NotFoundError):
        service.load_results(bench.model_id, bench.suite.id)


def test_unknown_configuration_is_refused(service: Service, bench: Bench) -> None:
    run = service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "Evaluator")
    with pytest.raises(NotFoundError, match="nope"):
        service.upload_test_suite_metrics(run.id, "nope", {})


def test_results_are_narrowed_and_missing_ones_are_not_found(service: Service, bench: Bench) -> None:
    with pytest.raises(NotFoundError, match="no results"):
        service.load_results(bench.model_id, bench.suite.id)
    configurations = [records.ConfigurationIn(display_name=name) for name in ("low", "high")]
    run = service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "Evaluator", configurations)
    service.upload_test_suite_metrics(run.id, "low", {"x": 1})
    service.upload_test_suite_metrics(run.id, "high", {"x": 2})
    assert [r.configuration for r in service.load_results(bench.model_id, bench.suite.id)] == ["low", "high"]
    [high] = service.load_results(bench.model_id, bench.suite.id, configuration="high")
    assert high.test_suite_metrics == {"x": 2}
    with pytest.raises(NotFoundError):
        service.load_results(bench.model_id, bench.suite.id, evaluator="Other")
    with pytest.raises(NotFoundError):
        service.load_results(bench.model_id, bench.suite.id, configuration="medium")


def test_results_stay_with_their_suite_version(service: Service, bench: Bench, workflow: str) -> None:
    old = service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "Evaluator")
    service.upload_test_suite_metrics(old.id, None, {"version": 1})
    newer = service.edit_test_suite(bench.suite.id, test_case_ids=[bench.a.id])
    with pytest.raises(NotFoundError):
        service.load_results(bench.model_id, newer.id)
    run = service.create_or_retrieve_test_run(bench.model_id, newer.id, "Evaluator")
    service.upload_test_suite_metrics(run.id, None, {"version": 2})
    assert service.load_results(bench.model_id, bench.suite.id)[0].test_suite_metrics == {"version": 1}
    assert service.load_results(bench.model_id, newer.id)[0].test_suite_metrics == {"version": 2}


def test_the_latest_run_with_results_is_used(service: Service, bench: Bench) -> None:
    first = service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "First")
    service.upload_test_suite_metrics(first.id, None, {"run": 1})
    service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "Empty")
    assert service.load_results(bench.model_id, bench.suite.id)[0].test_suite_metrics == {"run": 1}
    second = service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "Second")
    service.upload_test_suite_metrics(second.id, None, {"run": 2})
    assert service.load_results(bench.model_id, bench.suite.id)[0].test_suite_metrics == {"run": 2}
    assert service.load_results(bench.model_id, bench.suite.id, "First")[0].test_suite_metrics == {"run": 1}


def test_a_crashed_run_keeps_what_was_uploaded(service: Service, bench: Bench) -> None:
    run = service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "Evaluator")
    service.upload_test_case_metrics(
        run.id, None, [records.TestCaseMetricsRow(test_case_id=bench.a.id, metrics={"m": 1})]
    )
    service.mark_test_run_crashed(run.id, "KeyboardInterrupt")
    [results] = service.load_results(bench.model_id, bench.suite.id)
    assert results.test_suite_metrics is None
    assert results.test_run.completed == []
    assert [m.metrics for m in results.test_case_metrics] == [{"m": 1}]
    with pytest.raises(NotFoundError):
        service.mark_test_run_crashed(run.id + 1000, "x")


def test_a_run_killed_half_way_and_run_again_stores_everything_once(service: Service, bench: Bench) -> None:
    def attempt(crash_after: int | None) -> None:
        run = service.create_or_retrieve_test_run(bench.model_id, bench.suite.id, "Evaluator")
        remaining = service.load_remaining_test_samples(run.id)
        for done, sample in enumerate(remaining):
            if crash_after is not None and done == crash_after:
                service.mark_test_run_crashed(run.id, "killed")
                return
            service.upload_inferences(bench.model_id, [(sample.test_sample, inference(0))])
        for case in (bench.a, bench.b):
            rows = [
                records.SampleMetricsRow(test_sample=r.test_sample, metrics={"ok": True}, test_case_id=case.id)
                for r in service.load_inferences(bench.model_id, case.id)
            ]
            service.upload_test_sample_metrics(run.id, None, rows)
        service.upload_test_suite_metrics(run.id, None, {"done": True})

    attempt(crash_after=2)
    attempt(crash_after=None)
    attempt(crash_after=None)
    assert all(len(service.load_inferences(bench.model_id, c.id)) == c.n_samples for c in (bench.a, bench.b))
    [results] = service.load_results(bench.model_id, bench.suite.id)
    assert len(results.test_sample_metrics) == bench.a.n_samples + bench.b.n_samples
    assert results.test_run.completed == [None]
