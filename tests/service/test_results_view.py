"""The results table as a user reads it: stored values, deltas, directions, tests, q-values, sorting, paging.

The world (tests/service/results_world.py) is built once per database through the workflow API; every test
here only reads it, except those that build their own.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest
from tests.service.results_world import (
    DATABASES,
    HARD,
    Photo,
    World,
    build_function_world,
    build_world,
    case_score,
    sample_score,
    world_on,
)

from assay._wire import encode
from assay.errors import InputValidationError, NotFoundError
from assay.metrics.statistics import benjamini_hochberg
from assay.service import Service, results_view
from assay.service.models import SampleMetricsRow, TestCaseMetricsRow
from assay.service.results_view import direction_from_name
from assay.service.views import CellStats, ResultsTable
from assay.workflow._metrics_codec import encode_metrics


@pytest.fixture(scope="module", params=DATABASES)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    return world_on(request, tmp_path_factory)


@pytest.fixture(scope="module")
def reader(world: World) -> Iterator[Service]:
    service = Service.from_url(world.url)
    yield service
    service.close()


def models(world: World, *names: str) -> list[int]:
    return [world.models[name] for name in names]


def full_table(service: Service, world: World, **options) -> ResultsTable:
    ids = options.pop("model_ids", models(world, "base", "better", "partial"))
    return service.read_results_table(world.suite_id, model_ids=ids, limit=None, **options)


def cell(table: ResultsTable, case: str, metric: str, model_id: int, configuration: str | None = None) -> CellStats:
    [row] = [row for row in table.rows if row.test_case.name == case]
    at = [
        i
        for i, c in enumerate(table.columns)
        if c.metric == metric and c.model_id == model_id and c.configuration == configuration
    ]
    found = row.cells[at[0]]
    assert found is not None
    return found


def test_values_are_the_stored_metrics_and_deltas_their_differences_to_the_baseline(reader, world):
    table = full_table(reader, world)
    assert [m.id for m in table.models] == models(world, "base", "better", "partial")
    assert table.baseline_id == world.models["base"] and table.evaluator == world.evaluator
    assert table.configurations == [None] and table.total == 3 and not table.common_samples
    stored = {
        model_id: {
            row.test_case_id: row.metrics for row in reader.load_results(model_id, world.suite_id)[0].test_case_metrics
        }
        for model_id in world.models.values()
    }
    numeric = ["accuracy", "mean_error", "miss_rate", "f1", "n_samples", "calibration"]
    assert [m.key for m in table.metrics] == numeric
    assert [(c.metric, c.model_id) for c in table.columns] == [
        (metric, model_id) for metric in numeric for model_id in models(world, "base", "better", "partial")
    ]
    for row in table.rows:
        for column, found in zip(table.columns, row.cells, strict=True):
            value = stored[column.model_id][row.test_case.id][column.metric]
            base = stored[world.models["base"]][row.test_case.id][column.metric]
            assert found is not None
            if math.isnan(value):
                assert math.isnan(found.value) and (found.delta is None or math.isnan(found.delta))
                continue
            assert found.value == value
            if column.model_id == world.models["base"]:
                assert found.delta is None and found.p_value is None and found.test is None
            else:
                assert found.delta == pytest.approx(value - base)
    assert [row.nested_fields for row in table.rows] == [["per_class"]] * 3


def test_directions_come_from_declarations_then_names_and_bases_from_the_data(reader, world):
    table = full_table(reader, world)
    columns = {m.key: (m.higher_is_better, m.direction_source, m.sample_field) for m in table.metrics}
    assert columns == {
        "accuracy": (True, "name", "correct"),
        "mean_error": (False, "declared", "error"),
        "miss_rate": (False, "name", "miss"),
        "f1": (True, "name", None),
        "n_samples": (None, "none", None),
        "calibration": (None, "none", None),
    }
    assert all(m.group == "CaseScore" for m in table.metrics)
    assert [(m.key, m.higher_is_better) for m in table.suite_metrics] == [("mean_accuracy", True)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mean_nme", False),
        ("failure_rate", False),
        ("wer", False),
        ("count_FP", False),
        ("variance_accuracy", False),
        ("n_incorrect", False),
        ("latencyMs", False),
        ("macro_f1", True),
        ("precision", True),
        ("mean_ap", True),
        ("roc_auc", True),
        ("TP", True),
        ("n_samples", None),
        ("threshold", None),
        ("concern", None),
    ],
)
def test_direction_from_name(name, expected):
    assert direction_from_name(name) is expected


def test_a_clear_improvement_is_significant_a_tie_is_not_and_other_samples_test_unpaired(reader, world):
    table = full_table(reader, world)
    better, partial = world.models["better"], world.models["partial"]
    gain = cell(table, "hard", "accuracy", better)
    assert gain.test == "paired" and gain.significant and gain.n == HARD
    assert gain.delta == pytest.approx(0.6) and gain.p_value < 0.01
    assert gain.ci_low <= gain.delta <= gain.ci_high and gain.ci_low > 0.3
    error = cell(table, "hard", "mean_error", better)
    assert error.significant and error.delta == pytest.approx(-0.4)
    tie = cell(table, "easy", "accuracy", better)
    assert tie.test == "paired" and tie.delta == pytest.approx(0.0) and not tie.significant and tie.p_value == 1.0
    unpaired = cell(table, "hard", "accuracy", partial)
    assert unpaired.test == "unpaired" and unpaired.n == 30 and unpaired.significant
    # Metrics that are no mean of a per-sample field carry deltas, never tests.
    f1 = cell(table, "hard", "f1", better)
    assert f1.delta is not None and f1.p_value is None and f1.significant is None


def test_q_values_are_benjamini_hochberg_over_every_test_of_the_table(reader, world):
    table = full_table(reader, world)
    tested = [c for row in table.rows for c in row.cells if c is not None and c.p_value is not None]
    assert table.n_tests == len(tested) == 18  # 3 test cases x 2 models x 3 decomposable metrics
    rejected, adjusted = benjamini_hochberg([c.p_value for c in tested], alpha=table.alpha)
    assert [c.q_value for c in tested] == pytest.approx(adjusted.tolist())
    assert [c.significant for c in tested] == rejected.tolist()
    # Paging and filtering come after the correction: a page's q-values are the whole table's.
    page = reader.read_results_table(
        world.suite_id, model_ids=models(world, "base", "better", "partial"), offset=2, limit=1
    )
    assert page.rows == table.rows[2:3] and page.n_tests == 18
    stricter = full_table(reader, world, alpha=0.001)
    assert not any(c.significant for row in stricter.rows for c in row.cells if c is not None)


def test_the_same_request_gives_the_same_numbers_in_a_fresh_process(reader, world):
    first = full_table(reader, world)
    fresh = Service.from_url(world.url)
    try:
        again = full_table(fresh, world)
    finally:
        fresh.close()
    # Compared as sent: NaN cells make the records unequal to themselves.
    assert encode(again) == encode(first)


def test_sorting_by_delta_value_and_significance(reader, world):
    better = world.models["better"]

    def order(**sort) -> list[str]:
        return [row.test_case.name for row in full_table(reader, world, sort_metric="accuracy", **sort).rows]

    assert order(sort_by="delta", descending=True) == ["hard", "all", "easy"]
    assert order(sort_by="delta") == ["easy", "all", "hard"]
    assert order(sort_by="value", sort_model_id=better) == ["easy", "all", "hard"]
    assert order(sort_by="value") == ["hard", "all", "easy"]  # the baseline's accuracy: 0.3, 0.55, 0.8
    # Smallest q-value first; equal q-values keep the suite's order.
    assert order(sort_by="significance") == ["hard", "all", "easy"]
    assert order(sort_by="significance", descending=True) == ["easy", "hard", "all"]
    assert order(sort_by="value", sort_configuration="") == ["hard", "all", "easy"]


def test_only_significant_rows_and_paging_totals(reader, world):
    ids = models(world, "base", "better", "partial")
    only = reader.read_results_table(world.suite_id, model_ids=ids, only_significant=True)
    assert [row.test_case.name for row in only.rows] == ["hard", "all"] and only.total == 2
    page = reader.read_results_table(world.suite_id, model_ids=ids, offset=1, limit=1)
    assert [row.test_case.name for row in page.rows] == ["easy"]
    assert (page.total, page.offset, page.limit) == (3, 1, 1)
    past = reader.read_results_table(world.suite_id, model_ids=ids, offset=5, limit=10)
    assert past.rows == [] and past.total == 3


def test_nan_metrics_stay_nan_and_are_not_tested(reader, world):
    table = full_table(reader, world)
    nan = cell(table, "easy", "calibration", world.models["better"])
    assert math.isnan(nan.value) and math.isnan(nan.delta) and nan.p_value is None
    assert cell(table, "hard", "calibration", world.models["better"]).delta == pytest.approx(0.45 - 0.15)


def test_common_samples_restricts_every_model_and_recomputes_means(reader, world):
    table = full_table(reader, world, common_samples=True)
    assert table.common_samples
    kept = list(range(30))
    for name in ("base", "better", "partial"):
        found = cell(table, "hard", "accuracy", world.models[name])
        assert found.n == 30
        assert found.value == pytest.approx(
            np.mean([sample_score(name if name != "partial" else "better", i).correct for i in kept])
        )
    # Not a mean of a per-sample field: the stored value stays.
    assert cell(table, "hard", "n_samples", world.models["base"]).value == 40
    partial = cell(table, "hard", "accuracy", world.models["partial"])
    assert partial.test == "paired" and partial.significant
    assert cell(table, "easy", "accuracy", world.models["partial"]).n == 40


def test_baseline_defaults_to_the_first_model_and_models_to_every_run(reader, world):
    table = reader.read_results_table(world.suite_id)
    assert [m.name for m in table.models] == ["base", "better", "partial"]
    flipped = full_table(reader, world, model_ids=models(world, "better", "base"), baseline_id=world.models["better"])
    assert cell(flipped, "hard", "accuracy", world.models["base"]).delta == pytest.approx(-0.6)
    evaluator = reader.read_results_table(world.suite_id, evaluator=world.evaluator)
    assert evaluator.evaluator == world.evaluator


def test_nested_tables_show_each_class_with_deltas(reader, world):
    nested = reader.read_nested_results(
        world.suite_id, world.cases["hard"], "per_class", model_ids=models(world, "base", "better")
    )
    assert nested.field == "per_class" and nested.test_case.name == "hard"
    assert [row.label for row in nested.rows] == ["cat", "dog"]
    assert [m.key for m in nested.metrics] == ["recall", "support"]
    assert [(c.metric, c.model_id) for c in nested.columns] == [
        ("recall", world.models["base"]),
        ("recall", world.models["better"]),
        ("support", world.models["base"]),
        ("support", world.models["better"]),
    ]
    stored = {
        model_id: next(
            row.metrics["per_class"]
            for row in reader.load_results(model_id, world.suite_id)[0].test_case_metrics
            if row.test_case_id == world.cases["hard"]
        )
        for model_id in models(world, "base", "better")
    }
    for row_index, row in enumerate(nested.rows):
        base_recall = stored[world.models["base"]][row_index]["recall"]
        better_recall = stored[world.models["better"]][row_index]["recall"]
        assert row.cells[0].value == base_recall and row.cells[0].delta is None
        assert row.cells[1].value == better_recall
        assert row.cells[1].delta == pytest.approx(better_recall - base_recall)
    assert nested.metrics[0].higher_is_better is True


def test_plots_of_each_model_that_stored_them(reader, world):
    plots = reader.read_test_case_plots(
        world.suite_id, world.cases["easy"], model_ids=models(world, "base", "better", "partial")
    )
    assert [(p.model_id, p.configuration) for p in plots.plots] == [
        (world.models["base"], None),
        (world.models["better"], None),
    ]
    [curve] = plots.plots[0].plots
    assert curve["title"] == "errors" and curve["data_type"].startswith("PLOT/")
    assert curve["curves"][0]["y"][-1] == pytest.approx(1.0)


def test_options_list_each_models_run(reader, world):
    options = reader.read_results_options(world.suite_id)
    assert options.test_suite.id == world.suite_id and options.evaluators == [world.evaluator]
    assert [(run.model.name, run.configurations, run.completed) for run in options.runs] == [
        ("base", [None], [None]),
        ("better", [None], [None]),
        ("partial", [None], [None]),
    ]


def test_bad_requests_are_refused_with_typed_errors(reader, world):
    ids = models(world, "base", "better")
    with pytest.raises(InputValidationError, match="baseline"):
        reader.read_results_table(world.suite_id, model_ids=ids, baseline_id=world.models["partial"])
    with pytest.raises(InputValidationError, match="configuration"):
        reader.read_results_table(world.suite_id, model_ids=ids, configurations=["strict"])
    with pytest.raises(InputValidationError, match="sort"):
        reader.read_results_table(world.suite_id, model_ids=ids, sort_metric="nope")
    with pytest.raises(InputValidationError, match="twice"):
        reader.read_results_table(world.suite_id, model_ids=[ids[0], ids[0]])
    with pytest.raises(InputValidationError, match="alpha"):
        reader.read_results_table(world.suite_id, model_ids=ids, alpha=1.5)
    with pytest.raises(NotFoundError, match="evaluator"):
        reader.read_results_table(world.suite_id, evaluator="OtherEvaluator")
    with pytest.raises(NotFoundError):
        reader.read_results_table(world.suite_id + 1000)
    with pytest.raises(NotFoundError, match="not in"):
        reader.read_nested_results(world.suite_id, world.suite_id + 1000, "per_class")
    with pytest.raises(NotFoundError, match="nested"):
        reader.read_nested_results(world.suite_id, world.cases["hard"], "accuracy")


@pytest.fixture
def own_world(database_url: str, tmp_path) -> World:
    return build_world(database_url, str(tmp_path / "home"))


def test_new_results_replace_a_cached_table_and_directions_survive_a_new_workflow_schema(own_world):
    world = own_world
    service = Service.from_url(world.url)
    try:
        ids = models(world, "base", "better", "partial")
        before = service.read_results_table(world.suite_id, model_ids=ids)
        assert encode(service.read_results_table(world.suite_id, model_ids=ids)) == encode(before)
        # The partial model's results of "easy" change: the table shows the new value.
        run = service.load_results(world.models["partial"], world.suite_id)[0]
        row = next(r for r in run.test_case_metrics if r.test_case_id == world.cases["easy"])
        changed = type(row)(test_case_id=row.test_case_id, metrics={**row.metrics, "f1": 0.25}, plots=None)
        service.upload_test_case_metrics(run.test_run.id, None, [changed])
        after = service.read_results_table(world.suite_id, model_ids=ids)
        assert cell(after, "easy", "f1", world.models["partial"]).value == 0.25
        # A client that registers the workflow again (a new process) keeps the metrics classes' directions.
        [workflow] = service.list_workflows()
        data_types = {k: v for k, v in workflow.schema_["types"].items() if not v["role"].startswith("metrics_")}
        service.register_workflow(workflow.name, {**workflow.schema_, "types": data_types})
        again = service.read_results_table(world.suite_id, model_ids=ids)
        assert {m.key: m.direction_source for m in again.metrics}["mean_error"] == "declared"
    finally:
        service.close()


def test_registered_metrics_types_merge_into_the_workflow_schema(service: Service):
    service.register_workflow(
        "W",
        {
            "schema_version": 1,
            "types": {"Image": {"name": "Image", "module": "m", "role": "test_sample", "fields": []}},
        },
    )
    entry = {
        "name": "Scores",
        "module": "user.a",
        "role": "metrics_test_case",
        "fields": [
            {
                "name": "loss",
                "kind": {"kind": "scalar", "type": "float"},
                "required": True,
                "init": True,
                "higher_is_better": False,
            }
        ],
    }
    other = {
        **entry,
        "module": "user.b",
        "fields": [
            {
                "name": "rows",
                "kind": {"kind": "list", "items": {"kind": "metrics", "type": "Scores", "data_type": None}},
                "required": True,
                "init": True,
            }
        ],
    }
    service.register_metrics_types("W", {"Scores": entry})
    # Another class of the same name, with a self-reference, is stored beside it and its references follow.
    service.register_metrics_types("W", {"Scores": other})
    [workflow] = service.list_workflows()
    types = workflow.schema_["types"]
    assert set(types) == {"Image", "Scores", "user.b.Scores"}
    assert types["Scores"]["module"] == "user.a"
    assert types["user.b.Scores"]["fields"][0]["kind"]["items"]["type"] == "user.b.Scores"
    # The same class again replaces its entry.
    service.register_metrics_types("W", {"Scores": {**entry, "fields": []}})
    assert service.list_workflows()[0].schema_["types"]["Scores"]["fields"] == []
    with pytest.raises(InputValidationError):
        service.register_metrics_types("W", {"Scores": {"name": "Scores"}})
    with pytest.raises(NotFoundError):
        service.register_metrics_types("nope", {"Scores": entry})


@pytest.fixture
def function_world(database_url: str, tmp_path) -> World:
    return build_function_world(database_url, str(tmp_path / "home"))


def test_an_evaluator_function_with_configurations_suite_wide_sample_metrics(function_world):
    world = function_world
    service = Service.from_url(world.url)
    try:
        low, high = world.models["low"], world.models["high"]
        table = service.read_results_table(world.suite_id, model_ids=[low, high])
        assert table.evaluator == "hits" and table.configurations == ["cut-0.3", "cut-0.6"]
        # Configuration-major, then metric, then model.
        assert [(c.configuration, c.metric, c.model_id) for c in table.columns] == [
            (configuration, metric, model)
            for configuration in ("cut-0.3", "cut-0.6")
            for metric in ("hit_rate", "n")
            for model in (low, high)
        ]
        hit_rate = {m.key: m.sample_field for m in table.metrics}
        assert hit_rate == {"hit_rate": "hit", "n": None}
        # Sample metrics were stored once for the suite; each test case tests its own samples.
        right = cell(table, "fn right", "hit_rate", high, "cut-0.3")
        assert right.n == 15 and right.test == "paired" and right.value == 1.0
        assert right.delta == pytest.approx(1.0 - np.mean([0.02 * i >= 0.3 for i in range(15, 30)]))
        left = cell(table, "fn left", "hit_rate", high, "cut-0.6")
        assert left.value == 0.0 and left.delta == 0.0 and left.p_value == 1.0
        one = service.read_results_table(world.suite_id, model_ids=[low, high], configurations=["cut-0.6"])
        assert one.configurations == ["cut-0.6"] and len(one.columns) == 4
        assert cell(one, "fn left", "hit_rate", high, "cut-0.6") == left
        by_second = service.read_results_table(
            world.suite_id,
            model_ids=[low, high],
            sort_metric="hit_rate",
            sort_configuration="cut-0.6",
            sort_by="delta",
            descending=True,
        )
        assert by_second.rows[-1].test_case.name == "fn left"
    finally:
        service.close()


def test_cells_are_records_like_validated_ones(reader, world):
    table = full_table(reader, world)
    for row in table.rows:
        for found in row.cells:
            assert found is not None
            again = CellStats.model_validate(found.model_dump())
            assert encode(again) == encode(found) and again.model_fields_set <= found.model_fields_set
            assert found.model_copy(update={"n": 1}).n == 1 and isinstance(hash(found.test), int)


@pytest.mark.parametrize(
    "page",
    [
        {},
        {"sort_metric": "accuracy", "sort_by": "delta", "descending": True, "offset": 1, "limit": 1},
        {"only_significant": True, "common_samples": True},
    ],
)
def test_the_wire_form_of_a_page_is_its_record_encoded(reader, world, page):
    ids = models(world, "base", "better", "partial")
    record = reader.read_results_table(world.suite_id, model_ids=ids, **page)
    body, etag = reader.read_results_table_body(world.suite_id, model_ids=ids, **page)
    assert body == encode(record)
    assert etag == results_view.strong_etag(body)


def _tested(table: ResultsTable) -> list[CellStats]:
    return [c for row in table.rows for c in row.cells if c is not None and c.p_value is not None]


def test_another_alpha_keeps_every_test_and_applies_benjamini_hochberg_at_it(reader, world):
    loose = full_table(reader, world, alpha=0.3)
    strict = full_table(reader, world, alpha=0.001)
    assert loose.alpha == 0.3 and strict.alpha == 0.001
    # The tests do not depend on alpha: the same p-values, intervals and adjusted p-values.
    assert [(c.p_value, c.ci_low, c.ci_high, c.q_value) for c in _tested(loose)] == [
        (c.p_value, c.ci_low, c.ci_high, c.q_value) for c in _tested(strict)
    ]
    for table in (loose, strict):
        rejected, adjusted = benjamini_hochberg([c.p_value for c in _tested(table)], alpha=table.alpha)
        assert [c.significant for c in _tested(table)] == rejected.tolist()
        assert [c.q_value for c in _tested(table)] == pytest.approx(adjusted.tolist())
    assert sum(c.significant for c in _tested(loose)) > sum(c.significant for c in _tested(strict))
    # What a fresh process computes at that alpha directly.
    fresh = Service.from_url(world.url)
    try:
        assert encode(full_table(fresh, world, alpha=0.001)) == encode(strict)
    finally:
        fresh.close()


def test_a_baseline_change_and_back_gives_what_a_fresh_process_gives(reader, world):
    base, better = world.models["base"], world.models["better"]
    first = full_table(reader, world)
    other = full_table(reader, world, baseline_id=better)
    assert encode(full_table(reader, world)) == encode(first)
    fresh = Service.from_url(world.url)
    try:
        assert encode(full_table(fresh, world, baseline_id=better)) == encode(other)
    finally:
        fresh.close()
    # Swapping the two models of a paired test negates the difference and its interval, not the p-value.
    forward, backward = cell(first, "hard", "accuracy", better), cell(other, "hard", "accuracy", base)
    assert backward.test == forward.test == "paired"
    assert backward.delta == pytest.approx(-forward.delta) and backward.p_value == forward.p_value
    assert backward.ci_low == pytest.approx(-forward.ci_high) and backward.ci_high == pytest.approx(-forward.ci_low)


def test_a_page_has_the_intervals_of_the_whole_table(reader, world):
    ids = models(world, "base", "better", "partial")
    fresh = Service.from_url(world.url)
    try:
        # Intervals are computed for the rows a page shows: a page asked first has them all the same.
        page = fresh.read_results_table(world.suite_id, model_ids=ids, offset=2, limit=1)
        sorted_page = fresh.read_results_table(
            world.suite_id, model_ids=ids, sort_metric="accuracy", sort_by="significance", limit=1
        )
    finally:
        fresh.close()
    whole = full_table(reader, world)
    assert encode(page.rows) == encode(whole.rows[2:3])
    [top] = sorted_page.rows
    assert encode(top) == encode(next(row for row in whole.rows if row.test_case == top.test_case))
    assert all(c.ci_low is not None and c.ci_high is not None for c in _tested(page))


def test_sample_metrics_uploaded_after_a_cached_table_are_tested_at_any_alpha_and_baseline(own_world):
    world = own_world
    partial, better = world.models["partial"], world.models["better"]
    service = Service.from_url(world.url)
    try:
        for options in ({}, {"alpha": 0.2}, {"baseline_id": better}):
            before = full_table(service, world, **options)
            found = cell(before, "hard", "accuracy", partial)
            assert found.test == "unpaired" and found.n == 30
        # The partial model's last 10 hard samples arrive: it now ran on the baseline's samples.
        run = service.create_or_retrieve_test_run(partial, world.suite_id, world.evaluator, [])
        late = world.case_samples["hard"][30:]
        service.upload_test_sample_metrics(
            run.id,
            None,
            [
                SampleMetricsRow(
                    test_sample=Photo(locator=f"s3://world/{i}.png")._to_dict(),
                    metrics=encode_metrics(sample_score("better", i)),
                    test_case_id=world.cases["hard"],
                )
                for i in late
            ],
        )
        hard = world.case_samples["hard"]
        scores = [sample_score("better", i) for i in hard]
        service.upload_test_case_metrics(
            run.id,
            None,
            [
                TestCaseMetricsRow(
                    test_case_id=world.cases["hard"],
                    metrics=encode_metrics(case_score(hard, scores, False)),
                    plots=None,
                )
            ],
        )
        for options in ({}, {"alpha": 0.2}, {"baseline_id": better}):
            after = full_table(service, world, **options)
            found = cell(after, "hard", "accuracy", partial)
            assert found.n == 40 and found.test == "paired"
        # Against the model whose scores it now has on every sample: no difference.
        assert found.delta == 0.0 and found.p_value == 1.0 and not found.significant
    finally:
        service.close()


@pytest.mark.parametrize("options", [{}, {"common_samples": True}, {"baseline_id": "better"}])
def test_tables_too_large_to_keep_resampled_means_test_the_same(world, monkeypatch, options):
    if "baseline_id" in options:
        options = {"baseline_id": world.models[options["baseline_id"]]}

    def table() -> ResultsTable:
        fresh = Service.from_url(world.url)
        try:
            return full_table(fresh, world, **options)
        finally:
            fresh.close()

    kept = table()
    # Beyond the budget each baseline's differences are resampled directly (the stress set's way).
    monkeypatch.setattr(results_view, "LINEAR_BYTES", 0)
    direct = table()
    assert len(_tested(direct)) == len(_tested(kept)) == direct.n_tests > 0
    for one, other in zip(_tested(direct), _tested(kept), strict=True):
        assert (one.test, one.p_value, one.significant) == (other.test, other.p_value, other.significant)
        assert one.ci_low == pytest.approx(other.ci_low, abs=1e-12)
        assert one.ci_high == pytest.approx(other.ci_high, abs=1e-12)
        assert one.delta == pytest.approx(other.delta, abs=1e-12)
