"""``/api/v1/app/samples``: fields, queries (JSON pages and Arrow streams), histograms and one sample, over HTTP.

The world is the Studio's test world (:mod:`tests.service.test_studio`); answers are checked against its
plain-Python reference, errors against their typed JSON bodies.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest
from tests.server.support import TestClient
from tests.service.test_studio import MODELS, N, World, build, reference, sample_data

from assay.service.sample_views import Predicate, SampleQuery, SortKey

ARROW = "application/vnd.apache.arrow.stream"


@pytest.fixture
def world(database_url: str) -> World:
    return build(database_url)


def body(world: World, **fields: Any) -> dict[str, Any]:
    return SampleQuery(test_suite_id=world.suite_id, **fields).model_dump(mode="json")


def test_fields_of_a_suite_version(world: World, client: TestClient, auth: dict[str, str]) -> None:
    response = client.get("/api/v1/app/samples/fields", params={"test_suite_id": world.suite_id}, headers=auth)
    assert response.status_code == 200
    found = response.json()
    assert found["n_samples"] == N
    assert [model["name"] for model in found["models"]] == list(MODELS)
    kinds = {f["name"]: f["kind"] for f in found["fields"]}
    assert kinds["meta.pose"] == "category" and kinds["metric.nme"] == "number"
    assert found["workflow_schema"]["types"]["Scores"]["name"] == "Scores"
    again = client.get(
        "/api/v1/app/samples/fields",
        params={"test_suite_id": world.suite_id},
        headers={**auth, "If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304


def test_a_query_answers_a_page_as_json_and_everything_as_arrow(
    world: World, client: TestClient, auth: dict[str, str]
) -> None:
    alpha = world.model_ids["alpha"]
    query = body(
        world,
        predicates=[
            Predicate(field="meta.pose", op="in", values=["left", "right"]),
            Predicate(field="metric.nme", op="range", max=0.2, model_id=alpha),
        ],
        sort=SortKey(field="metric.nme", model_id=alpha, descending=True),
        model_ids=[alpha],
    )
    expected = reference(world, SampleQuery.model_validate(query))
    response = client.post("/api/v1/app/samples/query", params={"offset": 2, "limit": 5}, json=query, headers=auth)
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == len(expected) and page["n_samples"] == N
    assert [item["id"] for item in page["items"]] == expected[2:7]
    first = page["items"][0]
    assert first["metrics"][str(alpha)]["nme"] == first["sort_value"]
    assert first["thumbnail"].startswith("/api/v1/app/assets/thumbnail?locator=")
    assert first["data"]["locator"] == first["locator"]

    arrow = client.post("/api/v1/app/samples/query", params={"format": "arrow"}, json=query, headers=auth)
    assert arrow.status_code == 200
    assert arrow.headers["content-type"] == ARROW
    table = pa.ipc.open_stream(arrow.content).read_all()
    assert table["id"].to_pylist() == expected
    assert "metric.nme[alpha]" in table.column_names and "meta.pose" in table.column_names


def test_histograms_and_one_sample(world: World, client: TestClient, auth: dict[str, str]) -> None:
    alpha, beta = world.model_ids["alpha"], world.model_ids["beta"]
    request = {
        "query": body(world, test_case_id=world.case_ids["late"]),
        "fields": ["meta.pose", "gt.factor"],
        "metric": "metric.nme",
        "model_ids": [alpha, beta],
        "bins": 4,
    }
    response = client.post("/api/v1/app/samples/histograms", json=request, headers=auth)
    assert response.status_code == 200
    found = response.json()
    assert found["total"] == 40
    pose, factor = found["histograms"]
    assert sum(pose["counts"]) == 40 and set(pose["means"]) == {str(alpha), str(beta)}
    assert len(factor["edges"]) == 5 and sum(factor["counts"]) == 40

    sample_id = world.sample_ids[3]
    detail = client.get(
        f"/api/v1/app/samples/{sample_id}",
        params={"test_suite_id": world.suite_id, "model_ids": [beta]},
        headers=auth,
    )
    assert detail.status_code == 200
    assert detail.json()["locator"] == sample_data(3)["locator"]
    assert [result["model"]["name"] for result in detail.json()["results"]] == ["beta"]


ERRORS: list[tuple[dict[str, Any], int, str]] = [
    ({"predicates": [{"field": "meta.nothing", "op": "null"}]}, 422, "input_validation"),
    ({"predicates": [{"field": "metric.nme", "op": "null"}]}, 422, "input_validation"),
    ({"predicates": [{"field": "meta.pose", "op": "range", "min": 1}]}, 422, "input_validation"),
    ({"predicates": [{"field": "meta.pose", "op": "between"}]}, 422, "input_validation"),
    ({"model_ids": [999_999]}, 404, "not_found"),
    ({"test_case_id": 999_999}, 404, "not_found"),
    ({"test_suite_id": 999_999}, 404, "not_found"),
    ({"unknown_option": True}, 422, "input_validation"),
]


def test_errors_are_typed_json(world: World, client: TestClient, auth: dict[str, str]) -> None:
    for change, status, code in ERRORS:
        for answer in ("json", "arrow"):
            query = {**body(world), **change}
            response = client.post("/api/v1/app/samples/query", params={"format": answer}, json=query, headers=auth)
            assert response.status_code == status, (change, answer)
            assert response.headers["content-type"].startswith("application/json")
            payload = response.json()
            assert payload["code"] == code and payload["message"]
            if "predicates" in change and change["predicates"][0]["op"] != "between":
                assert payload["details"]["field"] == change["predicates"][0]["field"]


def test_the_sample_routes_need_a_token(world: World, client: TestClient) -> None:
    response = client.post("/api/v1/app/samples/query", json=body(world))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
