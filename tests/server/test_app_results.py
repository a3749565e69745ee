"""``/api/v1/app/results`` through a real app on both databases: query parsing, wire format, ETags, errors.

The results world (tests/service/results_world.py) is built once per database through the workflow API.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from tests.server.support import LiveServer, TestClient
from tests.service.results_world import DATABASES, WORKFLOW, World, build_world, world_on

from assay._wire import decode, encode
from assay.client.http import HttpTransport
from assay.errors import InputValidationError, NotFoundError
from assay.server import Settings, create_app
from assay.server.routes import app_results
from assay.service import Service
from assay.service.views import CellStats, ResultsRow, TestCaseRef

API = "/api/v1"


@pytest.fixture(params=DATABASES)
def database_kind(request: pytest.FixtureRequest) -> str:
    """Both databases here, unlike the other server tests: the results page reads through its own queries."""
    return str(request.param)


@pytest.fixture(scope="module", params=DATABASES)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    return world_on(request, tmp_path_factory)


@pytest.fixture(scope="module")
def world_service(world: World) -> Iterator[Service]:
    service = Service.from_url(world.url)
    yield service
    service.close()


@pytest.fixture(scope="module")
def web(world_service: Service) -> Iterator[tuple[TestClient, dict[str, str]]]:
    _, secret = world_service.create_token("results tests")
    with TestClient(create_app(world_service, Settings())) as test_client:
        yield test_client, {"Authorization": f"Bearer {secret}"}


def get(web, path: str, **params):
    client, auth = web
    return client.get(f"{API}{path}", params=params, headers=auth)


def cell_of(body: dict, case: str, metric: str, model_id: int) -> dict:
    [row] = [row for row in body["rows"] if row["test_case"]["name"] == case]
    [at] = [i for i, c in enumerate(body["columns"]) if c["metric"] == metric and c["model_id"] == model_id]
    return row["cells"][at]


def test_operation_ids_and_tags_are_the_contracts():
    routes = {route.name: route for route in app_results.router.routes if isinstance(route, APIRoute)}
    assert set(routes) == {
        "read_results_options",
        "read_results_table",
        "read_nested_results",
        "read_test_case_plots",
        "register_metrics_types",
    }
    assert all(routes[name].tags == ["app"] for name in routes if name.startswith("read_"))


def test_the_table_answers_the_query_with_etag_and_revalidation(web, world):
    ids = [world.models["base"], world.models["better"], world.models["partial"]]
    response = get(web, "/app/results", test_suite_id=world.suite_id, model_ids=ids, configurations="")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-cache" and response.headers["etag"].startswith('"')
    body = response.json()
    assert [m["id"] for m in body["models"]] == ids and body["configurations"] == [None]
    assert body["total"] == 3 and body["limit"] == 50 and body["n_tests"] == 18
    gain = cell_of(body, "hard", "accuracy", world.models["better"])
    assert gain["significant"] is True and gain["test"] == "paired" and gain["delta"] == pytest.approx(0.6)
    assert cell_of(body, "hard", "accuracy", world.models["partial"])["test"] == "unpaired"
    # NaN travels as the wire's tagged float.
    assert cell_of(body, "easy", "calibration", world.models["better"])["value"] == {"$assay:float": "NaN"}
    client, auth = web
    again = client.get(
        f"{API}/app/results",
        params={"test_suite_id": world.suite_id, "model_ids": ids, "configurations": ""},
        headers={**auth, "If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == response.headers["etag"]


def test_sorting_filtering_and_paging_through_the_query(web, world):
    ids = [world.models["base"], world.models["better"]]
    sorted_rows = get(
        web,
        "/app/results",
        test_suite_id=world.suite_id,
        model_ids=ids,
        sort_metric="accuracy",
        sort_by="delta",
        descending="true",
    ).json()["rows"]
    assert [row["test_case"]["name"] for row in sorted_rows] == ["hard", "all", "easy"]
    only = get(web, "/app/results", test_suite_id=world.suite_id, model_ids=ids, only_significant="true").json()
    assert [row["test_case"]["name"] for row in only["rows"]] == ["hard", "all"] and only["total"] == 2
    page = get(web, "/app/results", test_suite_id=world.suite_id, model_ids=ids, offset=1, limit=1).json()
    assert [row["test_case"]["name"] for row in page["rows"]] == ["easy"]
    assert (page["total"], page["offset"], page["limit"]) == (3, 1, 1)
    capped = get(web, "/app/results", test_suite_id=world.suite_id, model_ids=ids, limit=10_000).json()
    assert capped["limit"] == app_results.MAX_PAGE
    common = get(web, "/app/results", test_suite_id=world.suite_id, common_samples="true").json()
    assert common["common_samples"] is True
    assert cell_of(common, "hard", "accuracy", world.models["partial"])["n"] == 30


def test_options_nested_and_plots(web, world):
    options = get(web, "/app/results/options", test_suite_id=world.suite_id)
    assert options.status_code == 200 and options.headers["cache-control"] == "private, no-cache"
    assert [run["model"]["name"] for run in options.json()["runs"]] == ["base", "better", "partial"]
    ids = [world.models["base"], world.models["better"]]
    nested = get(
        web,
        "/app/results/nested",
        test_suite_id=world.suite_id,
        test_case_id=world.cases["hard"],
        field="per_class",
        model_ids=ids,
    )
    assert nested.status_code == 200, nested.text
    body = nested.json()
    assert [row["label"] for row in body["rows"]] == ["cat", "dog"]
    assert body["rows"][0]["cells"][1]["delta"] == pytest.approx(
        body["rows"][0]["cells"][1]["value"] - body["rows"][0]["cells"][0]["value"]
    )
    plots = get(web, "/app/results/plots", test_suite_id=world.suite_id, test_case_id=world.cases["all"], model_ids=ids)
    assert plots.status_code == 200
    assert [(p["model_id"], len(p["plots"])) for p in plots.json()["plots"]] == [(ids[0], 1), (ids[1], 1)]
    client, auth = web
    cached = client.get(
        f"{API}/app/results/plots",
        params={"test_suite_id": world.suite_id, "test_case_id": world.cases["all"], "model_ids": ids},
        headers={**auth, "If-None-Match": plots.headers["etag"]},
    )
    assert cached.status_code == 304


def test_errors_are_typed_and_a_token_is_needed(web, world):
    bad = get(web, "/app/results", test_suite_id=world.suite_id, sort_metric="nope")
    assert bad.status_code == InputValidationError.status_code and bad.json()["code"] == InputValidationError.code
    missing = get(web, "/app/results", test_suite_id=world.suite_id + 1000)
    assert missing.status_code == 404 and missing.json()["code"] == NotFoundError.code
    wrong = get(web, "/app/results", test_suite_id=world.suite_id, sort_by="loudness")
    assert wrong.status_code == 422
    client, _ = web
    assert client.get(f"{API}/app/results", params={"test_suite_id": world.suite_id}).status_code == 401


def test_the_http_transport_registers_metrics_types(service: Service, token: str):

    service.register_workflow(WORKFLOW, {"schema_version": 1, "types": {}})
    entry = {
        "name": "Scores",
        "module": "user",
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
    with LiveServer(create_app(service, Settings())) as server, HttpTransport(server.url, token) as http:
        http.register_metrics_types(WORKFLOW, {"Scores": entry})
        with pytest.raises(InputValidationError):
            http.register_metrics_types(WORKFLOW, {"Scores": {"name": 3}})
        with pytest.raises(NotFoundError):
            http.register_metrics_types("no / such workflow", {"Scores": entry})
    [workflow] = service.list_workflows()
    assert workflow.schema_["types"]["Scores"] == entry


def test_a_row_starting_with_an_empty_cell_keeps_its_nan_on_the_wire():
    row = ResultsRow(
        test_case=TestCaseRef(id=1, name="a", version=1, n_samples=1),
        cells=[None, CellStats(value=math.nan, delta=math.inf)],
        nested_fields=[],
    )
    [empty, cell] = decode(encode(row))["cells"]
    assert empty is None and math.isnan(cell["value"]) and cell["delta"] == math.inf


def test_a_test_run_through_the_http_transport_registers_its_metrics_classes(database_url, tmp_path):
    service = Service.from_url(database_url)
    try:
        _, secret = service.create_token("http world")
        with LiveServer(create_app(service, Settings())) as server:
            world = build_world(database_url, str(tmp_path / "home"), host=server.url, token=secret)
        [workflow] = service.list_workflows()
        registered = {entry["name"] for entry in workflow.schema_["types"].values()}
        assert {"SampleScore", "CaseScore", "ClassScore", "SuiteScore"} <= registered
        table = service.read_results_table(world.suite_id, model_ids=[world.models["base"], world.models["better"]])
        directions = {m.key: (m.higher_is_better, m.direction_source, m.sample_field) for m in table.metrics}
        assert directions["mean_error"] == (False, "declared", "error")
        assert directions["accuracy"] == (True, "name", "correct")
    finally:
        service.close()
