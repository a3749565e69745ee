"""``/api/v1/app``: the web app's views over HTTP, on both databases: bodies, paging, ETags and cache headers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.server.support import TestClient
from tests.service.view_world import N_SAMPLES, OTHER_WORKFLOW, SUITE, WORKFLOW, world_database

from assay.server import create_app
from assay.server.caching import IMMUTABLE, REVALIDATE
from assay.server.routes.app_views import DEFAULT_PAGE, MAX_PAGE
from assay.service import Service

API = "/api/v1/app"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stored_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    return world_database(request.param, tmp_path_factory.mktemp("app-views"), request)


@pytest.fixture(scope="module")
def stored(stored_url: str) -> Iterator[Service]:
    opened = Service.from_url(stored_url)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def reader(stored: Service) -> Iterator[TestClient]:
    """A client of the app on the world, signed in with an API token (bearer)."""
    _, secret = stored.create_token("views")
    with TestClient(create_app(stored), headers={"Authorization": f"Bearer {secret}"}) as client:
        yield client


def get(client: TestClient, path: str, **params: object) -> dict:  # type: ignore[type-arg]
    response = client.get(API + path, params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


# -- bodies ----------------------------------------------------------------------------------------------
def test_overview(reader: TestClient) -> None:
    body = get(reader, "/overview")
    assert [w["name"] for w in body["workflows"]] == [OTHER_WORKFLOW, WORKFLOW]
    faces = body["workflows"][1]
    assert [s["name"] for s in faces["test_suites"]] == [SUITE]
    assert [r["model"]["name"] for r in faces["latest_runs"]] == ["fragile", "shifted-4", "shifted-2"]


def test_suite_summaries_search_and_page(reader: TestClient) -> None:
    body = get(reader, "/test-suites", workflow=OTHER_WORKFLOW, offset=1, limit=2)
    assert (body["total"], body["offset"], body["limit"]) == (5, 1, 2)
    assert [s["name"] for s in body["items"]] == ["bulk-3", "bulk-2"]
    [faces] = get(reader, "/test-suites", search="NIGHTLY")["items"]
    assert (faces["name"], faces["n_test_cases"], faces["n_samples"], faces["n_models"]) == (SUITE, 3, N_SAMPLES + 1, 3)


def test_pages_default_small_and_are_capped(reader: TestClient) -> None:
    assert get(reader, "/test-suites")["limit"] == DEFAULT_PAGE
    assert get(reader, "/models", limit=10**6)["limit"] == MAX_PAGE
    assert get(reader, "/test-runs", limit=0)["items"] == []


def test_suite_detail_and_versions(reader: TestClient) -> None:
    latest = get(reader, f"/test-suites/{SUITE}")
    assert latest["suite"]["version"] == 2
    assert [(v["version"], v["n_samples"]) for v in latest["versions"]] == [(0, 0), (1, N_SAMPLES), (2, N_SAMPLES + 1)]
    assert "schema" in latest and latest["schema"] is not None
    assert [m["name"] for m in get(reader, f"/test-suites/{SUITE}", version=1)["models"]] == ["shifted-2"]


def test_suite_diff(reader: TestClient) -> None:
    diff = get(reader, f"/test-suites/{SUITE}/diff", base=1, head=2)
    assert [c["name"] for c in diff["added"]] == [f"{SUITE} :: first"]
    [change] = diff["changed"]
    assert (change["samples_added"], change["samples_removed"], change["ground_truths_changed"]) == (1, 1, 1)


def test_models_and_model_detail(reader: TestClient, stored: Service) -> None:
    [model] = get(reader, "/models", search="baseline")["items"]
    assert (model["name"], model["n_runs"], model["metadata"]) == ("shifted-2", 1, {"offset": 2})
    detail = get(reader, f"/models/{model['id']}")
    assert [(s["name"], s["version"]) for s in detail["test_suites"]] == [(SUITE, 1)]
    assert detail["runs"][0]["status"] == "completed"


def test_runs_with_status_and_progress(reader: TestClient) -> None:
    body = get(reader, "/test-runs", status="completed")
    assert [r["model"]["name"] for r in body["items"]] == ["shifted-4", "shifted-2"]
    assert body["items"][0]["progress"] == {
        "samples_total": N_SAMPLES + 1,
        "samples_inferred": N_SAMPLES + 1,
        "configurations_total": 2,
        "configurations_completed": 2,
    }
    [crashed] = get(reader, "/test-runs", status="crashed")["items"]
    assert crashed["model"]["name"] == "fragile"


# -- errors ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/test-runs", {"status": "finished"}, 422, "input_validation"),
        ("/test-suites/no such suite", {}, 404, "not_found"),
        (f"/test-suites/{SUITE}", {"version": 9}, 404, "not_found"),
        (f"/test-suites/{SUITE}/diff", {"base": 1}, 422, "input_validation"),
        ("/models/999999", {}, 404, "not_found"),
        ("/test-suites", {"offset": -1}, 422, "input_validation"),
    ],
    ids=str,
)
def test_bad_requests_get_typed_errors(
    reader: TestClient, path: str, params: dict[str, object], status: int, code: str
) -> None:
    response = reader.get(API + path, params=params)
    assert response.status_code == status
    assert response.json()["code"] == code


# -- caching ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "params", "cache_control"),
    [
        ("/overview", {}, REVALIDATE),
        ("/test-suites", {}, REVALIDATE),
        (f"/test-suites/{SUITE}", {}, REVALIDATE),
        # A version's page still lists the versions and models that come after it.
        (f"/test-suites/{SUITE}", {"version": 1}, REVALIDATE),
        (f"/test-suites/{SUITE}/diff", {"base": 1, "head": 2}, IMMUTABLE),
        ("/models", {}, REVALIDATE),
        ("/test-runs", {}, REVALIDATE),
    ],
    ids=str,
)
def test_views_carry_an_etag_and_answer_304_when_it_matches(
    reader: TestClient, path: str, params: dict[str, object], cache_control: str
) -> None:
    first = reader.get(API + path, params=params)
    assert first.headers["cache-control"] == cache_control
    etag = first.headers["etag"]
    again = reader.get(API + path, params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert reader.get(API + path, params=params, headers={"If-None-Match": '"other"'}).status_code == 200


# -- views of data that changes: a database of the test's own ------------------------------------------
def test_a_list_etag_changes_when_the_data_does(client: TestClient, auth: dict[str, str], service: Service) -> None:
    service.register_workflow("w", {})
    service.create_test_suite("w", "one")
    before = client.get(f"{API}/test-suites", headers=auth)
    service.create_test_suite("w", "two")
    after = client.get(f"{API}/test-suites", headers={**auth, "If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert [s["name"] for s in after.json()["items"]] == ["two", "one"]


def test_suite_names_with_slashes_reach_their_views(client: TestClient, auth: dict[str, str], service: Service) -> None:
    service.register_workflow("w", {})
    case = service.create_test_case("w", "team/case")
    service.create_test_suite("w", "team/faces", test_case_ids=[case.id])
    detail = client.get(f"{API}/test-suites/team/faces", headers=auth)
    assert detail.status_code == 200 and detail.json()["suite"]["name"] == "team/faces"
    diff = client.get(f"{API}/test-suites/team/faces/diff", params={"base": 0, "head": 1}, headers=auth)
    assert diff.status_code == 200 and [c["name"] for c in diff.json()["added"]] == ["team/case"]


def test_views_work_with_a_session_cookie(client: TestClient, token: str) -> None:
    assert client.post("/api/v1/session", json={"token": token}).status_code == 200
    assert client.get(f"{API}/overview").status_code == 200
