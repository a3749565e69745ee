"""``/api/v1/app/studio`` and ``/api/v1/app/results/samples`` through the app: 201s, typed errors, new results.

The world is the counts world of the curation tests (two models, per-sample tp/fp/fn, precision and recall as
ratios of sums, an F1 no per-sample field gives), stored through the service on the test's database.
"""

from __future__ import annotations

import pytest
from tests.server.support import TestClient
from tests.service.test_curation import Counts, case_metrics_of, detection, sample_ids_by_locator

from assay.service import Service
from assay.service.sample_views import SampleQuery

API = "/api/v1"

__all__ = ["detection"]  # the fixture, shared with the service tests


def post(client: TestClient, auth: dict[str, str], path: str, body: dict) -> tuple[int, dict]:
    response = client.post(f"{API}{path}", json=body, headers=auth)
    return response.status_code, response.json()


def cell_of(body: dict, case: str, metric: str, model_id: int) -> dict:
    [row] = [row for row in body["rows"] if row["test_case"]["name"] == case]
    [at] = [i for i, c in enumerate(body["columns"]) if c["metric"] == metric and c["model_id"] == model_id]
    return row["cells"][at]


def query(suite_id: int, low: int, high: int) -> dict:
    return {"test_suite_id": suite_id, "predicates": [{"field": "meta.i", "op": "range", "min": low, "max": high}]}


def test_a_test_case_from_a_query_is_created_and_shows_on_the_results_page(
    client: TestClient, auth: dict[str, str], detection: Counts
) -> None:
    status, made = post(
        client,
        auth,
        "/app/studio/test-cases",
        {"name": "first ten", "description": "meta.i in [0, 9]", "query": query(detection.suite_id, 0, 9)},
    )
    assert status == 201, made
    assert made["suite"]["version"] == 2 and made["derived_runs"] == 2
    assert sorted(made["pending_metrics"]) == ["f1", "per_label"]
    [case] = made["test_cases"]
    assert (case["name"], case["n_samples"]) == ("first ten", 10)

    response = client.get(f"{API}/app/results", params={"test_suite_id": made["suite"]["id"]}, headers=auth)
    assert response.status_code == 200, response.text
    table = response.json()
    by_locator = sample_ids_by_locator(detection.service)
    members = [by_locator[f"s3://counts/{i:03d}.png"] for i in range(10)]
    for model, model_id in detection.models.items():
        expected = case_metrics_of([detection.truth[model][sid] for sid in members])
        for key in ("precision", "recall", "total_tp", "n_images"):
            assert cell_of(table, "first ten", key, model_id)["value"] == pytest.approx(expected[key], rel=1e-12)

    response = client.get(f"{API}/app/studio/test-cases/{case['id']}/query", headers=auth)
    assert response.status_code == 200
    stored = response.json()
    assert SampleQuery.model_validate(stored["query"]) == SampleQuery.model_validate(query(detection.suite_id, 0, 9))
    assert stored["created_from"]["id"] == detection.suite_id


def test_a_hand_picked_test_case_has_no_stored_query(
    client: TestClient, auth: dict[str, str], detection: Counts
) -> None:
    status, made = post(
        client,
        auth,
        "/app/studio/test-cases",
        {
            "name": "three",
            "query": {"test_suite_id": detection.suite_id},
            "sample_ids": detection.sample_ids[:3],
            "add_to_suite": False,
        },
    )
    assert status == 201, made
    assert made["suite"] is None and made["derived_runs"] == 0
    response = client.get(f"{API}/app/studio/test-cases/{made['test_cases'][0]['id']}/query", headers=auth)
    assert response.status_code == 200 and response.json() is None


def test_refusals_are_typed_and_write_nothing(
    client: TestClient, auth: dict[str, str], detection: Counts, service: Service
) -> None:
    before = len(service.list_test_cases())
    status, body = post(
        client, auth, "/app/studio/test-cases", {"name": "odd", "query": query(detection.suite_id, 0, 3)}
    )
    assert (status, body["code"]) == (409, "name_conflict")
    status, body = post(
        client,
        auth,
        "/app/studio/test-cases",
        {"name": "strangers", "query": {"test_suite_id": detection.suite_id}, "sample_ids": [10**6]},
    )
    assert (status, body["code"]) == (422, "input_validation")
    assert "10000" in body["message"] or "1000000" in body["message"]
    status, body = post(
        client, auth, "/app/studio/test-cases", {"name": "x", "query": {"test_suite_id": 424242}, "sample_ids": [1]}
    )
    assert (status, body["code"]) == (404, "not_found")
    status, body = post(
        client, auth, "/app/studio/test-cases", {"name": "x", "query": query(detection.suite_id, 0, 1), "typo": 1}
    )
    assert status == 422
    status, body = post(
        client,
        auth,
        "/app/studio/split",
        {"query": {"test_suite_id": detection.suite_id}, "field": "meta.i", "bins": 1},
    )
    assert status == 422
    assert len(service.list_test_cases()) == before
    response = client.get(f"{API}/app/studio/test-cases/987654/query", headers=auth)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_split_makes_the_bins_in_one_new_version(client: TestClient, auth: dict[str, str], detection: Counts) -> None:
    status, made = post(
        client,
        auth,
        "/app/studio/split",
        {"query": {"test_suite_id": detection.suite_id}, "field": "meta.i", "bins": 4, "name_prefix": "i"},
    )
    assert status == 201, made
    assert [case["name"] for case in made["test_cases"]] == [
        "i :: [0, 9.75)",
        "i :: [9.75, 19.5)",
        "i :: [19.5, 29.25)",
        "i :: [29.25, 39]",
    ]
    assert [case["n_samples"] for case in made["test_cases"]] == [10, 10, 10, 10]
    assert made["suite"]["version"] == 2 and made["derived_runs"] == 2
    response = client.get(f"{API}/app/results", params={"test_suite_id": made["suite"]["id"]}, headers=auth)
    names = [row["test_case"]["name"] for row in response.json()["rows"]]
    assert names[-4:] == [case["name"] for case in made["test_cases"]]


def test_the_samples_behind_a_delta(client: TestClient, auth: dict[str, str], detection: Counts) -> None:
    params = {
        "test_suite_id": detection.suite_id,
        "test_case_id": detection.cases["first half"],
        "model_id": detection.models["tuned"],
        "baseline_id": detection.models["base"],
        "metric": "total_tp",
        "limit": 5,
    }
    response = client.get(f"{API}/app/results/samples", params=params, headers=auth)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["method"], body["basis"], body["total"], len(body["items"])) == ("per_sample", "tp", 20, 5)
    for item in body["items"]:
        sid = item["item"]["id"]
        change = detection.truth["tuned"][sid]["tp"] - detection.truth["base"][sid]["tp"]
        assert item["contribution"] == change
    assert response.headers["etag"]
    again = client.get(
        f"{API}/app/results/samples", params=params, headers={**auth, "If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304

    response = client.get(f"{API}/app/results/samples", params={**params, "metric": "f1"}, headers=auth)
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "input_validation" and "evaluator" in error["message"]
    assert error["details"]["reason"] == "evaluator_needed"
