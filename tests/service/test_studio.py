"""The Studio's query engine, checked against a plain-Python evaluation of the same queries.

A world of 120 image samples in four test cases with two models (inferences, per-sample metrics in two
configurations, one model's metrics stored per test case and the other's for the whole suite) is stored through
the service on SQLite and PostgreSQL; every query's ids, counts, pages and histograms are compared with what the
documents say when read in Python.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assay.errors import InputValidationError, NotFoundError
from assay.service import Service
from assay.service.models import ConfigurationIn, SampleMetricsRow, SampleRow
from assay.service.sample_views import (
    Difference,
    HistogramRequest,
    Predicate,
    SampleQuery,
    SortKey,
)
from assay.service.studio import Studio
from assay.store import Store

WORKFLOW = "Studio World"
N = 120
POSES = ("frontal", "left", "right")
CASES = ("even", "all", "late", "shifted")
CONFIGURATIONS = ("strict", "loose")
MODELS = ("alpha", "beta")
SCORES_TYPE = "tests.service.test_studio:Scores"


def sample_data(i: int) -> dict[str, Any]:
    data: dict[str, Any] = {"locator": f"/data/img{i:03d}.png", "data_type": "TEST_SAMPLE/IMAGE"}
    if i % 10:
        width, height = 10.0 + i, 20.0 + (i % 5)
        data["bbox"] = {
            "top_left": [0.0, 0.0],
            "bottom_right": [width, height],
            "width": width,
            "height": height,
            "data_type": "ANNOTATION/BOUNDING_BOX",
        }
    return data


def metadata(i: int) -> dict[str, Any]:
    rng = random.Random(i)
    meta: dict[str, Any] = {
        "pose": POSES[i % 3],
        "note": f"note {i} " + ("Sunny day" if i % 4 == 0 else "rain"),
        "flag": i % 2 == 0,
        "camera": {"id": i % 4},
        "score": math.nan if i % 11 == 0 else round(rng.uniform(-1, 1), 3),
    }
    if i % 7:
        meta["blur"] = round(rng.uniform(0, 10), 2)
    return meta


def ground_truth(i: int, case: str) -> dict[str, Any]:
    box = {"top_left": [1.0, 1.0], "bottom_right": [2.0, 3.0], "label": "face", "data_type": "ANNOTATION/BOUNDING_BOX"}
    factor = 1 + i / 10 + (0.5 if case == "even" else 1000.0 if case == "shifted" else 0.0)
    return {"boxes": [box] * (i % 4), "factor": factor}


def members(case: str) -> list[int]:
    return {
        "even": [i for i in range(N) if i % 2 == 0],
        "all": list(range(N)),
        "late": [i for i in range(N) if i >= 80],
        "shifted": list(range(10)),
    }[case]


def inference(model: str, i: int) -> dict[str, Any] | None:
    if model == "beta" and i % 9 == 0:
        return None
    rng = random.Random(f"{model}-{i}")
    return {"label": rng.choice(["cat", "dog"]), "score": round(rng.random(), 3), "points": [[1.0, 2.0]]}


def scores(model: str, configuration: str, i: int, scope: str = "", salt: int = 0) -> dict[str, Any]:
    rng = random.Random(f"{model}-{configuration}-{i}-{scope}-{salt}")
    nme = round(rng.uniform(0, 0.3), 4) if (model, i % 13) != ("alpha", 5) else math.nan
    threshold = 0.1 if configuration == "strict" else 0.2
    return {
        "nme": nme,
        "quality": round(1 - (nme if nme == nme else 0.5), 4),
        "fail": bool(nme == nme and nme > threshold),
        "matches": [{"top_left": [0.0, 0.0], "bottom_right": [1.0, 1.0], "data_type": "ANNOTATION/BOUNDING_BOX"}]
        * (i % 3),
        "_type": SCORES_TYPE,
    }


METRICS_TYPES = {
    "Scores": {
        "name": "Scores",
        "module": "tests.service.test_studio",
        "role": "metrics_test_sample",
        "fields": [
            {"name": "nme", "kind": {"kind": "scalar", "type": "float"}, "higher_is_better": False},
            {"name": "quality", "kind": {"kind": "scalar", "type": "float"}, "higher_is_better": True},
            {"name": "fail", "kind": {"kind": "scalar", "type": "bool"}},
        ],
    }
}


@dataclass
class World:
    """What was stored, by sample index, and the ids the store gave it."""

    url: str
    suite_id: int
    case_ids: dict[str, int]
    model_ids: dict[str, int]
    run_ids: dict[str, int]
    sample_ids: list[int] = field(default_factory=list)
    salts: dict[str, int] = field(default_factory=dict)

    @property
    def index_of(self) -> dict[int, int]:
        return {sample_id: index for index, sample_id in enumerate(self.sample_ids)}


def build(database_url: str) -> World:
    service = Service.from_url(database_url)
    try:
        service.register_workflow(WORKFLOW, {"test_sample": "Image"})
        service.register_metrics_types(WORKFLOW, METRICS_TYPES)
        case_ids = {}
        for case in CASES:
            record = service.create_test_case(WORKFLOW, f"studio {case}")
            rows = [
                SampleRow(test_sample=sample_data(i), metadata=metadata(i), ground_truth=ground_truth(i, case))
                for i in members(case)
            ]
            case_ids[case] = service.edit_test_case(record.id, add=rows).id
        suite = service.create_test_suite(WORKFLOW, "studio suite", test_case_ids=[case_ids[c] for c in CASES])
        model_ids, run_ids = {}, {}
        for model in MODELS:
            model_ids[model] = service.create_model(WORKFLOW, model).id
            pairs = [(sample_data(i), found) for i in range(N) if (found := inference(model, i)) is not None]
            service.upload_inferences(model_ids[model], pairs)
            run = service.create_or_retrieve_test_run(
                model_ids[model], suite.id, "ev", [ConfigurationIn(display_name=c) for c in CONFIGURATIONS]
            )
            run_ids[model] = run.id
            upload_scores(service, run.id, model, case_ids)
        world = World(database_url, suite.id, case_ids, model_ids, run_ids)
        with service._store.read() as repo:
            from assay.store.sample_queries import suite_samples

            found = suite_samples(repo.session, suite.id)
            by_locator = {data["locator"]: sample_id for sample_id, data in zip(found.ids, found.data, strict=True)}
        world.sample_ids = [by_locator[sample_data(i)["locator"]] for i in range(N)]
        return world
    finally:
        service.close()


def upload_scores(service: Service, run_id: int, model: str, case_ids: dict[str, int], salt: int = 0) -> None:
    for configuration in CONFIGURATIONS:
        if model == "alpha":
            rows = [
                SampleMetricsRow(test_sample=sample_data(i), metrics=scores(model, configuration, i, salt=salt))
                for i in range(N)
            ]
        else:
            # Per test case: the suite's samples take the scope of their first test case in suite order.
            rows = [
                SampleMetricsRow(
                    test_sample=sample_data(i),
                    metrics=scores(model, configuration, i, case, salt),
                    test_case_id=case_ids[case],
                )
                for case in ("all", "even")
                for i in members(case)
            ]
        service.upload_test_sample_metrics(run_id, configuration, rows)
        service.upload_test_suite_metrics(run_id, configuration, {"done": 1})


# -- the reference: the same fields read in Python --------------------------------------------------------
def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def expected_row(world: World, i: int) -> dict[str, Any]:
    """Every field of sample ``i`` as the engine should see it (None: missing)."""
    data, meta = sample_data(i), metadata(i)
    first_case = next(case for case in CASES if i in members(case))
    truth = ground_truth(i, first_case)
    row: dict[str, Any] = {
        "id": world.sample_ids[i],
        "locator": data["locator"],
        "sample.bbox.width": data.get("bbox", {}).get("width"),
        "sample.bbox.height": data.get("bbox", {}).get("height"),
        "meta.pose": meta["pose"],
        "meta.note": meta["note"],
        "meta.flag": meta["flag"],
        "meta.camera.id": meta["camera"]["id"],
        "meta.score": _finite(meta["score"]),
        "meta.blur": meta.get("blur"),
        "gt.boxes.count": len(truth["boxes"]),
        "gt.factor": truth["factor"],
    }
    return row


def expected_model(world: World, model: str, configuration: str, i: int) -> dict[str, Any]:
    found = inference(model, i)
    salt = world.salts.get(model, 0)
    if model == "alpha":
        metrics = scores(model, configuration, i, salt=salt)
    else:
        scope = "even" if i % 2 == 0 else "all"
        metrics = scores(model, configuration, i, scope, salt)
    return {
        "inference.label": found["label"] if found else None,
        "inference.score": found["score"] if found else None,
        "metric.nme": _finite(metrics["nme"]),
        "metric.quality": metrics["quality"],
        "metric.fail": metrics["fail"],
        "metric.matches.count": len(metrics["matches"]),
    }


def reference(world: World, query: SampleQuery) -> list[int]:
    """The ids a query should match, in its order, computed in Python."""
    names = {model_id: name for name, model_id in world.model_ids.items()}

    def value(i: int, name: str, model_id: int | None, configuration: str | None) -> Any:
        if name.startswith(("inference.", "metric.")):
            assert model_id is not None
            chosen = configuration or query.configuration or CONFIGURATIONS[0]
            return expected_model(world, names[model_id], chosen, i)[name]
        return expected_row(world, i)[name]

    def holds(i: int, predicate: Predicate) -> bool:
        found = value(i, predicate.field, predicate.model_id, predicate.configuration)
        if predicate.op == "null":
            return found is None
        if predicate.op == "not_null":
            return found is not None
        if found is None:
            return False
        if predicate.op == "range":
            number = float(found)
            return (predicate.min is None or number >= predicate.min) and (
                predicate.max is None or number <= predicate.max
            )
        if predicate.op == "in":
            assert predicate.values is not None
            if isinstance(found, bool):
                return any(v is found or str(v).lower() == str(found).lower() for v in predicate.values)
            if isinstance(found, int | float):
                return any(not isinstance(v, str) and float(v) == float(found) for v in predicate.values)
            return found in [str(v) for v in predicate.values]
        assert predicate.text is not None
        return predicate.text.lower() in str(found).lower()

    def differs(i: int, difference: Difference) -> bool:
        first = value(i, difference.field, difference.model_id, difference.configuration)
        second = value(i, difference.field, difference.minus_model_id, difference.configuration)
        if first is None or second is None:
            return False
        delta = float(first) - float(second)
        return (difference.min is None or delta >= difference.min) and (
            difference.max is None or delta <= difference.max
        )

    indices = range(N) if query.test_case_id is None else members(_case_name(world, query.test_case_id))
    kept = [
        i
        for i in indices
        if all(holds(i, p) for p in query.predicates) and all(differs(i, d) for d in query.differences)
    ]
    kept.sort(key=lambda i: world.sample_ids[i])
    if query.sort is not None:
        sort = query.sort
        keyed = [(i, value(i, sort.field, sort.model_id, sort.configuration)) for i in kept]
        present = sorted(
            (pair for pair in keyed if pair[1] is not None), key=lambda pair: pair[1], reverse=sort.descending
        )
        kept = [i for i, _ in present] + [i for i, v in keyed if v is None]
    return [world.sample_ids[i] for i in kept]


def _case_name(world: World, case_id: int) -> str:
    return next(name for name, found in world.case_ids.items() if found == case_id)


# -- fixtures -------------------------------------------------------------------------------------------------
DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=DATABASES)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('studio') / 'assay.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.url(server.create_database(template="assay_template"))
    return build(url)


@pytest.fixture(scope="module")
def store(world: World) -> Iterator[Store]:
    opened = Store.open(world.url)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def studio(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    engine = Studio(store, cache_dir=tmp_path_factory.mktemp("studio-cache"))
    yield engine
    engine.close()


def q(world: World, **fields: Any) -> SampleQuery:
    return SampleQuery(test_suite_id=world.suite_id, **fields)


# -- fields -----------------------------------------------------------------------------------------------
def test_fields_list_every_kind_models_configurations_and_directions(world: World, studio: Studio) -> None:
    found = studio.fields(world.suite_id)
    by_name = {f.name: f for f in found.fields}
    kinds = {name: f.kind for name, f in by_name.items()}
    assert kinds == {
        "locator": "text",
        "sample.bbox.width": "number",
        "sample.bbox.height": "number",
        "meta.pose": "category",
        "meta.note": "text",
        "meta.flag": "bool",
        "meta.camera.id": "number",
        "meta.score": "number",
        "meta.blur": "number",
        "gt.boxes.count": "number",
        "gt.factor": "number",
        "inference.label": "category",
        "inference.score": "number",
        "metric.nme": "number",
        "metric.quality": "number",
        "metric.fail": "bool",
        "metric.matches.count": "number",
    }
    assert by_name["meta.pose"].categories == ["frontal", "left", "right"]
    assert by_name["meta.pose"].group == "metadata" and not by_name["meta.pose"].per_model
    # Even samples take their ground truth from "even", the first test case in suite order holding them.
    assert (by_name["gt.factor"].min, by_name["gt.factor"].max) == pytest.approx((1.1, 1 + 11.8 + 0.5))
    assert by_name["metric.nme"].per_model and by_name["metric.nme"].group == "metric"
    assert by_name["metric.nme"].higher_is_better is False  # declared
    assert by_name["metric.quality"].higher_is_better is True  # declared, the name says nothing
    assert by_name["metric.fail"].higher_is_better is None
    assert [m.name for m in found.models] == list(MODELS)
    assert found.configurations == list(CONFIGURATIONS)
    assert found.n_samples == N
    assert found.data_type == "TEST_SAMPLE/IMAGE"
    assert [case.name for case in found.test_cases] == [f"studio {c}" for c in CASES]
    assert found.workflow_schema is not None and "Scores" in found.workflow_schema["types"]


# -- filters of every op and kind ------------------------------------------------------------------------
PREDICATES: list[dict[str, Any]] = [
    {"field": "meta.pose", "op": "in", "values": ["left", "right"]},
    {"field": "meta.pose", "op": "in", "values": ["nowhere"]},
    {"field": "meta.pose", "op": "contains", "text": "FRO"},
    {"field": "meta.note", "op": "contains", "text": "sunny"},
    {"field": "meta.note", "op": "in", "values": ["note 3 rain", "note 8 Sunny day"]},
    {"field": "meta.flag", "op": "in", "values": [True]},
    {"field": "meta.flag", "op": "in", "values": ["false"]},
    {"field": "meta.camera.id", "op": "in", "values": [1, 3]},
    {"field": "meta.camera.id", "op": "range", "min": 1, "max": 2},
    {"field": "meta.score", "op": "range", "min": 0},
    {"field": "meta.score", "op": "null"},
    {"field": "meta.blur", "op": "range", "max": 2.5},
    {"field": "meta.blur", "op": "null"},
    {"field": "meta.blur", "op": "not_null"},
    {"field": "sample.bbox.width", "op": "range", "min": 50},
    {"field": "sample.bbox.width", "op": "null"},
    {"field": "gt.boxes.count", "op": "in", "values": [0]},
    {"field": "gt.factor", "op": "range", "min": 5, "max": 9},
    {"field": "locator", "op": "contains", "text": "img01"},
    {"field": "metric.nme", "op": "range", "min": 0.1, "model": "alpha"},
    {"field": "metric.nme", "op": "null", "model": "alpha"},
    {"field": "metric.fail", "op": "in", "values": [True], "model": "beta", "configuration": "loose"},
    {"field": "metric.matches.count", "op": "range", "min": 2, "model": "beta"},
    {"field": "inference.label", "op": "in", "values": ["cat"], "model": "beta"},
    {"field": "inference.score", "op": "null", "model": "beta"},
]


def predicate(world: World, spec: dict[str, Any]) -> Predicate:
    data = dict(spec)
    if "model" in data:
        data["model_id"] = world.model_ids[data.pop("model")]
    return Predicate.model_validate(data)


@pytest.mark.parametrize("spec", PREDICATES, ids=lambda s: f"{s['field']}-{s['op']}")
def test_each_predicate_matches_what_python_finds(world: World, studio: Studio, spec: dict[str, Any]) -> None:
    query = q(world, predicates=[predicate(world, spec)])
    expected = reference(world, query)
    assert studio.matching_sample_ids(query).tolist() == expected
    page = studio.query(query, limit=7)
    assert page.total == len(expected)
    assert [item.id for item in page.items] == expected[:7]
    assert page.n_samples == N


def test_conditions_combine_with_a_test_case_differences_and_a_sort(world: World, studio: Studio) -> None:
    alpha, beta = world.model_ids["alpha"], world.model_ids["beta"]
    query = q(
        world,
        test_case_id=world.case_ids["even"],
        predicates=[
            Predicate(field="meta.pose", op="in", values=["frontal", "left"]),
            Predicate(field="metric.nme", op="range", min=0.02, model_id=alpha),
        ],
        differences=[Difference(field="metric.nme", model_id=beta, minus_model_id=alpha, min=-0.05)],
        sort=SortKey(field="metric.nme", model_id=beta, descending=True),
        model_ids=[alpha, beta],
    )
    expected = reference(world, query)
    assert 5 < len(expected) < N // 2
    assert studio.matching_sample_ids(query).tolist() == expected
    pages = [studio.query(query, offset=offset, limit=4) for offset in range(0, len(expected) + 4, 4)]
    assert [item.id for page in pages for item in page.items] == expected
    assert {page.total for page in pages} == {len(expected)}
    assert pages[0].n_samples == len(members("even"))
    values = [item.sort_value for item in pages[0].items]
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize(
    ("field", "model", "descending"),
    [
        ("meta.pose", None, False),
        ("meta.pose", None, True),
        ("meta.note", None, True),
        ("meta.blur", None, False),
        ("meta.flag", None, True),
        ("gt.factor", None, True),
        ("inference.label", "beta", False),
        ("metric.nme", "alpha", False),
    ],
)
def test_sorts_put_missing_values_last_and_break_ties_by_id(
    world: World, studio: Studio, field: str, model: str | None, descending: bool
) -> None:
    model_id = world.model_ids[model] if model else None
    query = q(world, sort=SortKey(field=field, model_id=model_id, descending=descending))
    expected = reference(world, query)
    assert studio.matching_sample_ids(query).tolist() == expected
    for offset in (0, 10):  # the first page from its own statement, later ones from the kept order
        page = studio.query(query, offset=offset, limit=15)
        assert [item.id for item in page.items] == expected[offset : offset + 15]
        values = [
            expected_model(world, model, "strict", world.index_of[i])[field]
            if model
            else expected_row(world, world.index_of[i])[field]
            for i in expected[offset : offset + 15]
        ]
        assert [item.sort_value for item in page.items] == values


def test_a_page_past_the_end_is_empty_with_the_count(world: World, studio: Studio) -> None:
    page = studio.query(q(world, predicates=[Predicate(field="meta.pose", op="in", values=["left"])]), offset=500)
    assert page.items == [] and page.total == N // 3
    everything = studio.query(q(world), offset=N - 3, limit=10)
    assert [item.id for item in everything.items] == sorted(world.sample_ids)[-3:] and everything.total == N


def test_configuration_of_the_query_applies_to_metrics_without_their_own(world: World, studio: Studio) -> None:
    beta = world.model_ids["beta"]
    for configuration in CONFIGURATIONS:
        query = q(
            world,
            predicates=[Predicate(field="metric.fail", op="in", values=[True], model_id=beta)],
            configuration=configuration,
        )
        assert studio.matching_sample_ids(query).tolist() == reference(world, query)


# -- items ----------------------------------------------------------------------------------------------
def test_page_items_carry_documents_results_and_thumbnails(world: World, studio: Studio) -> None:
    alpha, beta = world.model_ids["alpha"], world.model_ids["beta"]
    sizes: list[str] = []

    def image_size(locator: str) -> tuple[int, int]:
        sizes.append(locator)
        return (640, 480)

    studio.image_size = image_size
    try:
        query = q(world, model_ids=[alpha, beta], configuration="loose", sort=SortKey(field="gt.factor"))
        page = studio.query(query, limit=3)
    finally:
        studio.image_size = None
    first = page.items[0]
    i = world.index_of[first.id]
    assert first.locator == sample_data(i)["locator"]
    assert first.thumbnail == "/api/v1/app/assets/thumbnail?locator=%2Fdata%2Fimg" + f"{i:03d}.png"
    assert (first.width, first.height) == (640, 480) and sizes[0] == first.locator
    assert first.data == sample_data(i)
    assert first.metadata["pose"] == metadata(i)["pose"]
    assert first.ground_truth == ground_truth(i, next(c for c in CASES if i in members(c)))
    assert first.inferences[str(alpha)] == inference("alpha", i)
    assert first.metrics[str(alpha)]["nme"] == scores("alpha", "loose", i, salt=world.salts.get("alpha", 0))["nme"]
    assert first.data_type == "TEST_SAMPLE/IMAGE"
    again = studio.items([item.id for item in reversed(page.items)], world.suite_id, [beta], "strict")
    assert [item.id for item in again] == [item.id for item in reversed(page.items)]
    for item in again:
        index = world.index_of[item.id]
        scope = "even" if index % 2 == 0 else "all"
        assert item.metrics[str(beta)] == scores("beta", "strict", index, scope, world.salts.get("beta", 0))
        assert item.inferences[str(beta)] == inference("beta", index)


def test_a_sample_in_detail(world: World, studio: Studio) -> None:
    i = 84  # in "even", "all" and "late"
    detail = studio.sample(world.sample_ids[i], world.suite_id)
    assert [case.name for case in detail.test_cases] == ["studio even", "studio all", "studio late"]
    assert detail.ground_truth == ground_truth(i, "even")
    assert [result.model.name for result in detail.results] == list(MODELS)
    alpha = detail.results[0]
    assert alpha.inference == inference("alpha", i)
    assert set(alpha.metrics) == set(CONFIGURATIONS)
    assert alpha.metrics["strict"] == scores("alpha", "strict", i, salt=world.salts.get("alpha", 0))
    with pytest.raises(NotFoundError):
        studio.sample(10**9, world.suite_id)


def test_query_arrow_names_per_model_columns_after_the_model(world: World, studio: Studio) -> None:
    alpha = world.model_ids["alpha"]
    query = q(world, predicates=[Predicate(field="meta.pose", op="in", values=["left"])], model_ids=[alpha])
    table = studio.query_arrow(query)
    assert table.column_names[:3] == ["id", "key", "locator"]
    assert "meta.pose" in table.column_names and "metric.nme[alpha]" in table.column_names
    assert "inference.label[alpha]" in table.column_names
    assert table["id"].to_pylist() == reference(world, query)
    assert set(table["meta.pose"].to_pylist()) == {"left"}
    ids, values = table["id"].to_pylist(), table["metric.nme[alpha]"].to_pylist()
    rows = {world.index_of[i]: v for i, v in zip(ids, values, strict=True)}
    assert rows == {i: expected_model(world, "alpha", "strict", i)["metric.nme"] for i in rows}
    narrow = studio.query_arrow(query, fields=["meta.blur", "metric.fail"])
    assert narrow.column_names == ["id", "key", "locator", "meta.blur", "metric.fail[alpha]"]
    stream = studio.query_arrow_stream(query)
    assert pa.ipc.open_stream(stream).read_all().equals(table)


# -- histograms -------------------------------------------------------------------------------------------
def test_histograms_count_and_average_as_numpy_does(world: World, studio: Studio) -> None:
    alpha, beta = world.model_ids["alpha"], world.model_ids["beta"]
    query = q(world, predicates=[Predicate(field="meta.camera.id", op="range", max=2)])
    request = HistogramRequest(query=query, metric="metric.nme", model_ids=[alpha, beta], configuration="loose", bins=7)
    found = studio.histograms(request)
    ids = reference(world, query)
    rows = [world.index_of[i] for i in ids]
    assert found.total == len(ids)
    by_field = {h.field: h for h in found.histograms}
    assert set(by_field) == {
        "sample.bbox.width",
        "sample.bbox.height",
        "meta.pose",
        "meta.flag",
        "meta.camera.id",
        "meta.score",
        "meta.blur",
        "gt.boxes.count",
        "gt.factor",
    }
    nme = {
        model: np.array(
            [np.nan if (v := expected_model(world, model, "loose", i)["metric.nme"]) is None else v for i in rows]
        )
        for model in MODELS
    }
    # Numeric: equal-width bins between the least and greatest value of the matching samples.
    blur = np.array([np.nan if (v := expected_row(world, i)["meta.blur"]) is None else v for i in rows])
    histogram = by_field["meta.blur"]
    present = ~np.isnan(blur)
    edges = np.linspace(np.nanmin(blur), np.nanmax(blur), 8)
    assert histogram.edges == pytest.approx(list(edges))
    bins = np.minimum(((blur[present] - edges[0]) / (edges[-1] - edges[0]) * 7).astype(int), 6)
    assert histogram.counts == np.bincount(bins, minlength=7).tolist()
    assert histogram.n_missing == int((~present).sum())
    for model in MODELS:
        values = nme[model][present]
        expected_means = []
        for b in range(7):
            chosen = values[(bins == b) & ~np.isnan(values)]
            expected_means.append(float(chosen.mean()) if chosen.size else None)
        assert histogram.means[str(world.model_ids[model])] == pytest.approx(expected_means, nan_ok=True)
    # Categorical: one bin per category, means per model.
    pose = by_field["meta.pose"]
    assert pose.categories == list(POSES)
    poses = np.array([expected_row(world, i)["meta.pose"] for i in rows])
    assert pose.counts == [int((poses == p).sum()) for p in POSES]
    alpha_means = [float(np.nanmean(nme["alpha"][poses == p])) for p in POSES]
    assert pose.means[str(alpha)] == pytest.approx(alpha_means)
    flag = by_field["meta.flag"]
    flags = np.array([expected_row(world, i)["meta.flag"] for i in rows])
    assert flag.categories == ["false", "true"] and flag.counts == [int((~flags).sum()), int(flags.sum())]


def test_histogram_means_of_a_metric_every_sample_has(world: World, studio: Studio) -> None:
    alpha = world.model_ids["alpha"]
    query = q(world, test_case_id=world.case_ids["late"])
    found = studio.histograms(
        HistogramRequest(query=query, fields=["meta.pose", "gt.factor"], metric="metric.quality", model_ids=[alpha])
    )
    rows = [world.index_of[i] for i in reference(world, query)]
    quality = np.array([expected_model(world, "alpha", "strict", i)["metric.quality"] for i in rows])
    poses = np.array([expected_row(world, i)["meta.pose"] for i in rows])
    pose, factor = found.histograms
    assert pose.means[str(alpha)] == pytest.approx([float(quality[poses == p].mean()) for p in POSES])
    factors = np.array([expected_row(world, i)["gt.factor"] for i in rows])
    bins = np.minimum(((factors - factors.min()) / (factors.max() - factors.min()) * 20).astype(int), 19)
    expected = [float(quality[bins == b].mean()) if (bins == b).any() else None for b in range(20)]
    assert factor.means[str(alpha)] == pytest.approx(expected)
    assert factor.counts == np.bincount(bins, minlength=20).tolist()


def test_histograms_of_chosen_fields_and_a_constant_one(world: World, studio: Studio) -> None:
    alpha = world.model_ids["alpha"]
    query = q(world, predicates=[Predicate(field="meta.camera.id", op="in", values=[2])])
    found = studio.histograms(
        HistogramRequest(query=query, fields=["meta.camera.id", "inference.label"], model_ids=[alpha], bins=4)
    )
    constant, label = found.histograms
    assert constant.edges == [2.0, 2.0] and constant.counts == [N // 4]
    labels = [
        expected_model(world, "alpha", "strict", world.index_of[i])["inference.label"] for i in reference(world, query)
    ]
    assert dict(zip(label.categories or [], label.counts, strict=False)) == {c: labels.count(c) for c in set(labels)}
    assert found.metric is None and constant.means == {}


# -- errors ---------------------------------------------------------------------------------------------------
def test_errors_name_what_is_wrong(world: World, studio: Studio) -> None:
    alpha = world.model_ids["alpha"]
    with pytest.raises(InputValidationError) as unknown:
        studio.query(q(world, predicates=[Predicate(field="meta.nothing", op="null")]))
    assert unknown.value.details["field"] == "meta.nothing"
    with pytest.raises(InputValidationError, match="say which model"):
        studio.query(q(world, predicates=[Predicate(field="metric.nme", op="null")]))
    with pytest.raises(InputValidationError, match="does not apply"):
        studio.query(q(world, predicates=[Predicate(field="meta.pose", op="range", min=1)]))
    with pytest.raises(InputValidationError, match="does not apply"):
        studio.query(q(world, predicates=[Predicate(field="gt.factor", op="contains", text="1")]))
    with pytest.raises(InputValidationError, match="needs values"):
        studio.query(q(world, predicates=[Predicate(field="meta.pose", op="in")]))
    with pytest.raises(InputValidationError, match="not a number"):
        studio.query(q(world, predicates=[Predicate(field="gt.factor", op="in", values=["x"])]))
    with pytest.raises(InputValidationError, match="configuration 'nope'"):
        studio.query(
            q(world, predicates=[Predicate(field="metric.nme", op="null", model_id=alpha)], configuration="nope")
        )
    with pytest.raises(InputValidationError, match="only numbers"):
        studio.query(
            q(
                world,
                differences=[
                    Difference(field="inference.label", model_id=alpha, minus_model_id=world.model_ids["beta"])
                ],
            )
        )
    with pytest.raises(InputValidationError, match="unknown field"):
        studio.query(q(world, sort=SortKey(field="metric.bogus", model_id=alpha)))
    with pytest.raises(NotFoundError):
        studio.query(q(world, model_ids=[10**6]))
    with pytest.raises(NotFoundError):
        studio.query(q(world, test_case_id=10**6))
    with pytest.raises(NotFoundError):
        studio.fields(10**6)
    with pytest.raises(InputValidationError, match="text field"):
        studio.histograms(HistogramRequest(query=q(world), fields=["meta.note"]))


def test_a_model_without_results_on_the_suite_is_not_found(world: World, studio: Studio) -> None:
    service = Service.from_url(world.url)
    try:
        lonely = service.create_model(WORKFLOW, "lonely")
    finally:
        service.close()
    with pytest.raises(NotFoundError, match="no inferences"):
        studio.query(q(world, predicates=[Predicate(field="inference.score", op="null", model_id=lonely.id)]))


# -- properties -------------------------------------------------------------------------------------------
FIELD_VALUES: dict[str, list[Any]] = {
    "meta.pose": list(POSES),
    "meta.flag": [True, False],
    "meta.camera.id": [0, 1, 2, 3],
    "gt.boxes.count": [0, 1, 2, 3],
    "inference.label": ["cat", "dog"],
    "metric.fail": [True, False],
}
RANGES = {
    "meta.blur": (0, 10),
    "meta.score": (-1, 1),
    "gt.factor": (1, 13),
    "metric.nme": (0, 0.3),
    "inference.score": (0, 1),
}


@st.composite
def predicates(draw: st.DrawFn) -> dict[str, Any]:
    model = draw(st.sampled_from(MODELS))
    if draw(st.booleans()):
        name = draw(st.sampled_from(sorted(FIELD_VALUES)))
        values = draw(st.lists(st.sampled_from(FIELD_VALUES[name]), max_size=3))
        spec: dict[str, Any] = {"field": name, "op": "in", "values": values}
    else:
        name = draw(st.sampled_from(sorted(RANGES)))
        low, high = RANGES[name]
        bound = st.one_of(st.none(), st.floats(low, high))
        spec = {
            "field": name,
            "op": draw(st.sampled_from(["range", "range", "null", "not_null"])),
            "min": draw(bound),
            "max": draw(bound),
        }
    if name.startswith(("metric.", "inference.")):
        spec["model"] = model
        spec["configuration"] = draw(st.sampled_from([None, *CONFIGURATIONS]))
    return spec


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(predicates(), max_size=3),
    case=st.sampled_from([None, *CASES]),
    sort=st.sampled_from([None, "meta.blur", "meta.pose", "metric.nme", "inference.label"]),
    descending=st.booleans(),
)
def test_random_queries_match_the_reference(
    world: World, studio: Studio, specs: list[dict[str, Any]], case: str | None, sort: str | None, descending: bool
) -> None:
    alpha = world.model_ids["alpha"]
    sort_key = None
    if sort is not None:
        sort_key = SortKey(
            field=sort, model_id=alpha if sort.startswith(("metric.", "inference.")) else None, descending=descending
        )
    query = q(
        world,
        test_case_id=world.case_ids[case] if case else None,
        predicates=[predicate(world, spec) for spec in specs],
        sort=sort_key,
    )
    expected = reference(world, query)
    assert studio.matching_sample_ids(query).tolist() == expected
    assert studio.query(query, limit=5).total == len(expected)


# -- the cache ------------------------------------------------------------------------------------------------
def test_tables_reload_from_disk_and_a_retest_refreshes_only_its_model(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build(database_url)
    cache = tmp_path / "cache"
    alpha, beta = world.model_ids["alpha"], world.model_ids["beta"]
    query = q(
        world,
        predicates=[Predicate(field="metric.nme", op="range", min=0.15, model_id=alpha)],
        sort=SortKey(field="metric.nme", model_id=beta),
    )
    store = Store.open(database_url)
    try:
        first = Studio(store, cache_dir=cache)
        expected = reference(world, query)
        assert first.matching_sample_ids(query).tolist() == expected
        files = sorted(path.name for path in cache.iterdir())
        assert len([f for f in files if f.endswith(".parquet")]) == 3  # the suite, alpha's and beta's metrics
        first.close()

        # A restart reads the tables from disk: the store's documents are not read again.
        from assay.store import sample_queries

        def refuse(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("the suite's samples were read again")

        with monkeypatch.context() as patch:
            patch.setattr(sample_queries, "suite_samples", refuse)
            second = Studio(store, cache_dir=cache)
            assert second.matching_sample_ids(query).tolist() == expected

        # Testing alpha again with other metrics: its table is rebuilt, the suite's and beta's are not.
        service = Service.from_url(database_url)
        try:
            upload_scores(service, world.run_ids["alpha"], "alpha", world.case_ids, salt=1)
        finally:
            service.close()
        reread: list[int] = []
        original = sample_queries.suite_samples

        def counting(*args: Any, **kwargs: Any) -> Any:
            reread.append(1)
            return original(*args, **kwargs)

        with monkeypatch.context() as patch:
            patch.setattr(sample_queries, "suite_samples", counting)
            world.salts["alpha"] = 1
            changed = reference(world, query)
            assert changed != expected
            assert second.matching_sample_ids(query).tolist() == changed
        assert reread == []
        files = sorted(path.name for path in cache.iterdir() if path.suffix == ".parquet")
        assert len(files) == 3  # alpha's old table was replaced, not kept beside the new one
        second.close()
    finally:
        store.close()


def test_a_small_memory_budget_drops_tables_and_rebuilds_them(world: World, store: Store, tmp_path: Path) -> None:
    engine = Studio(store, cache_dir=tmp_path, memory_budget=1)
    try:
        alpha = world.model_ids["alpha"]
        query = q(world, predicates=[Predicate(field="metric.nme", op="range", max=0.1, model_id=alpha)])
        expected = reference(world, query)
        for _ in range(3):
            assert engine.matching_sample_ids(query).tolist() == expected
        assert engine._tables.keys == []
    finally:
        engine.close()


def test_concurrent_queries_agree(world: World, store: Store, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    engine = Studio(store, cache_dir=tmp_path)
    try:
        queries = [
            q(world, predicates=[predicate(world, spec)], sort=SortKey(field="gt.factor", descending=True))
            for spec in PREDICATES
        ]
        with ThreadPoolExecutor(8) as pool:
            found = list(pool.map(lambda query: engine.matching_sample_ids(query).tolist(), queries * 2))
        assert found == [reference(world, query) for query in queries * 2]
    finally:
        engine.close()
