"""The server as a client sees it: routes, authentication, errors, the wire format, OpenAPI."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from tests.server.support import TestClient

import assay.server.app as server_app
from assay.client.base import Transport
from assay.errors import (
    ERROR_CLASSES,
    AssayError,
    InputValidationError,
    InvalidTokenError,
    NameConflictError,
    NotFoundError,
    UnauthenticatedError,
    error_from_payload,
)
from assay.server import Settings, create_app
from assay.server.deps import PAGE_LIMIT_HEADER, get_service
from assay.server.routes import models, results, test_cases, test_runs, test_suites, workflows
from assay.service import Service
from assay.service.models import SampleRow, TokenRecord

#: Transport methods served by a web-app route (the Studio's sample queries, read as an Arrow stream).
APP_TRANSPORT_METHODS = {"query_samples"}
TRANSPORT_METHODS = sorted(
    name
    for name in dir(Transport)
    if not name.startswith("_")
    and callable(getattr(Transport, name))
    and name != "close"
    and name not in APP_TRANSPORT_METHODS
)
PROTECTED_ROUTES = [
    (method, re.sub(r"\{\w+\}", "1", route.path))
    for module in (workflows, test_cases, test_suites, models, test_runs, results)
    for route in module.router.routes
    if isinstance(route, APIRoute)
    for method in sorted(route.methods)
]


def sample(i: int) -> dict[str, object]:
    return {"locator": f"s3://bucket/{i}.png", "data_type": "TEST_SAMPLE/IMAGE"}


# -- health, index, docs ---------------------------------------------------------------------------------
def test_health_needs_no_token(client: TestClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_without_the_web_app_the_index_says_the_api_is_up_and_links_the_docs(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An installation without the built app (a checkout before `npm run build`) still answers at its root.
    monkeypatch.setattr(server_app, "_STATIC", tmp_path)
    with TestClient(create_app(service)) as client:
        response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'href="/docs"' in response.text


def test_index_serves_the_web_app_when_installed(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "index.html").write_text("<html><body>the Assay web app</body></html>")
    monkeypatch.setattr(server_app, "_STATIC", tmp_path)
    with TestClient(create_app(service)) as client:
        assert "the Assay web app" in client.get("/").text
        assert "the Assay web app" in client.get("/test-suites/faces").text  # the app's own routes
        assert client.get("/api/v1/health").status_code == 200
        assert client.get("/api/v1/nothing-here").json()["code"] == "not_found"


def test_hashed_assets_are_cached_for_good_and_the_entry_page_revalidated(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "index.html").write_text("<html><body>app</body></html>")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-3f2a9c.js").write_text("console.log(1)")
    monkeypatch.setattr(server_app, "_STATIC", tmp_path)
    with TestClient(create_app(service)) as client:
        asset = client.get("/assets/index-3f2a9c.js")
        assert asset.status_code == 200
        assert "immutable" in asset.headers["cache-control"]
        for path in ("/", "/results"):
            assert client.get(path).headers["cache-control"] == "no-cache"
        assert client.get("/assets/missing.js").status_code == 404


def test_docs_page_is_served(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "/api/v1/openapi.json" in response.text


# -- authentication --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("method", "path"), PROTECTED_ROUTES)
def test_every_route_but_health_needs_a_token(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, "/api/v1" + path, json={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert isinstance(error_from_payload(response.json(), 401), UnauthenticatedError)


def test_a_valid_token_is_accepted(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get("/api/v1/workflows", headers=auth)
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize(
    "header", ["Bearer assay_not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "assay_no-scheme"], ids=str
)
def test_a_wrong_or_malformed_token_is_refused(client: TestClient, header: str) -> None:
    response = client.get("/api/v1/workflows", headers={"Authorization": header})
    assert response.status_code == 401
    error = error_from_payload(response.json(), 401)
    assert isinstance(error, InvalidTokenError | UnauthenticatedError)


def test_an_unknown_token_gets_invalid_token(client: TestClient) -> None:
    response = client.get("/api/v1/workflows", headers={"Authorization": "Bearer assay_not-a-token"})
    assert isinstance(error_from_payload(response.json(), 401), InvalidTokenError)


def test_a_revoked_token_is_refused(client: TestClient, service: Service, token: str, auth: dict[str, str]) -> None:
    record = service.verify_token(token)
    service.revoke_token(record.id)
    response = client.get("/api/v1/workflows", headers=auth)
    assert response.status_code == 401
    assert isinstance(error_from_payload(response.json(), 401), InvalidTokenError)


# -- errors ----------------------------------------------------------------------------------------------
class FailingService:
    """Accepts any token; listing workflows raises the error it was given."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def verify_token(self, secret: str) -> TokenRecord:
        return TokenRecord(id=1, name="t", prefix="x", created=datetime.now(UTC))

    def list_workflows(self) -> list[object]:
        raise self.error


@pytest.mark.parametrize("error_class", sorted(ERROR_CLASSES.values(), key=lambda cls: cls.code), ids=lambda c: c.code)
def test_each_error_maps_to_its_status_and_class(service: Service, error_class: type[AssayError]) -> None:
    app = create_app(service)
    app.dependency_overrides[get_service] = lambda: FailingService(error_class("it went wrong", field="x"))
    with TestClient(app) as client:
        response = client.get("/api/v1/workflows", headers={"Authorization": "Bearer anything"})
    assert response.status_code == error_class.status_code
    assert response.json() == {
        "code": error_class.code,
        "message": "it went wrong",
        "details": {"field": "x"},
    }
    error = error_from_payload(response.json(), response.status_code)
    assert type(error) is error_class
    assert error.details == {"field": "x"}


def test_an_unexpected_failure_is_a_500_assay_error(service: Service) -> None:
    app = create_app(service)
    app.dependency_overrides[get_service] = lambda: FailingService(RuntimeError("secret internals"))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/workflows", headers={"Authorization": "Bearer anything"})
    assert response.status_code == 500
    assert response.json()["code"] == "assay_error"
    assert "secret internals" not in response.text


def test_missing_names_are_not_found(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get("/api/v1/test-cases/by-name", params={"name": "nope"}, headers=auth)
    assert response.status_code == 404
    error = error_from_payload(response.json(), 404)
    assert isinstance(error, NotFoundError)
    assert "nope" in str(error)


def test_creating_a_name_twice_is_a_conflict(client: TestClient, auth: dict[str, str]) -> None:
    body = {"workflow": "Detection", "name": "cars"}
    assert client.post("/api/v1/test-cases", json=body, headers=auth).status_code == 201
    response = client.post("/api/v1/test-cases", json=body, headers=auth)
    assert response.status_code == 409
    assert isinstance(error_from_payload(response.json(), 409), NameConflictError)


def test_a_body_that_does_not_match_is_an_input_validation_error_naming_the_field(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.post("/api/v1/test-cases", json={"workflow": "Detection"}, headers=auth)
    assert response.status_code == 422
    error = error_from_payload(response.json(), 422)
    assert isinstance(error, InputValidationError)
    assert "body.name" in str(error)
    assert error.details["errors"][0]["loc"] == ["body", "name"]


def test_a_query_of_the_wrong_type_is_an_input_validation_error(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get("/api/v1/test-cases/by-name", params={"name": "a", "version": "latest"}, headers=auth)
    assert response.status_code == 422
    assert "query.version" in response.json()["message"]


def test_malformed_json_is_an_input_validation_error(client: TestClient, auth: dict[str, str]) -> None:
    headers = {**auth, "Content-Type": "application/json"}
    response = client.post("/api/v1/test-cases", content=b'{"workflow": ', headers=headers)
    assert response.status_code == 422
    assert isinstance(error_from_payload(response.json(), 422), InputValidationError)


def test_an_unknown_route_is_not_found(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get("/api/v1/nothing-here", headers=auth)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# -- the wire: NaN and paging ----------------------------------------------------------------------------
def test_non_finite_floats_round_trip_through_a_request(
    client: TestClient, service: Service, auth: dict[str, str]
) -> None:
    metadata = {
        "nan": {"$assay:float": "NaN"},
        "values": [{"$assay:float": "Infinity"}, {"$assay:float": "-Infinity"}, 1.5],
        "label": "NaN",
    }
    body = {"workflow": "Detection", "name": "m", "metadata": metadata}
    response = client.post("/api/v1/models", json=body, headers=auth)
    assert response.status_code == 201
    assert response.json()["metadata"] == metadata
    stored = service.load_model("m").metadata
    assert math.isnan(stored["nan"])
    assert stored["values"] == [math.inf, -math.inf, 1.5]
    assert stored["label"] == "NaN"


def test_non_finite_floats_are_tagged_in_responses(client: TestClient, service: Service, auth: dict[str, str]) -> None:
    service.create_model("Detection", "m", {"score": math.nan, "best": -math.inf})
    response = client.get("/api/v1/models/by-name", params={"name": "m"}, headers=auth)
    assert b"NaN" in response.content  # the body is still standard JSON: NaN appears only inside a string
    assert response.json()["metadata"] == {
        "score": {"$assay:float": "NaN"},
        "best": {"$assay:float": "-Infinity"},
    }


def test_pages_are_capped_at_the_servers_page_size(service: Service, token: str) -> None:
    case = service.create_test_case("Detection", "cars")
    case = service.edit_test_case(case.id, add=[SampleRow(test_sample=sample(i), ground_truth={}) for i in range(7)])
    with TestClient(create_app(service, Settings(page_size=3))) as client:
        response = client.get(
            f"/api/v1/test-cases/{case.id}/samples",
            params={"offset": 2, "limit": 100},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200
    assert response.headers[PAGE_LIMIT_HEADER] == "3"
    assert [row["test_sample"]["locator"] for row in response.json()] == [sample(i)["locator"] for i in (2, 3, 4)]


# -- OpenAPI ---------------------------------------------------------------------------------------------
@pytest.fixture
def openapi(client: TestClient) -> dict[str, object]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(openapi: dict[str, object]) -> dict[str, tuple[str, str, dict[str, object]]]:
    found = {}
    for path, entries in openapi["paths"].items():  # type: ignore[attr-defined]
        for method, operation in entries.items():
            assert operation["operationId"] not in found, f"operation id {operation['operationId']} is used twice"
            found[operation["operationId"]] = (method, path, operation)
    return found


#: Tags of the web app's operations, which the Python client does not call.
WEB_APP_TAGS = {"app", "session"}

#: The operations a caller uses before it has any credentials.
OPEN_OPERATIONS = {"health", "create_session", "redeem_sign_in_code"}


def client_operations(openapi: dict[str, object]) -> list[str]:
    return [
        name
        for name, (_, _, operation) in operations(openapi).items()
        if not WEB_APP_TAGS & set(operation.get("tags", []))  # type: ignore[call-overload]
    ]


def test_openapi_has_one_operation_per_transport_method_and_health(openapi: dict[str, object]) -> None:
    assert sorted(client_operations(openapi)) == sorted([*TRANSPORT_METHODS, "health"])


def test_every_operation_lives_under_api_v1(openapi: dict[str, object]) -> None:
    assert all(path.startswith("/api/v1/") for _, path, _ in operations(openapi).values())


def test_every_operation_but_health_declares_the_bearer_token(openapi: dict[str, object]) -> None:
    found = operations(openapi)
    secured = {name for name, (_, _, operation) in found.items() if operation.get("security")}
    assert secured == set(found) - OPEN_OPERATIONS
    assert set(TRANSPORT_METHODS) <= secured
    assert openapi["components"]["securitySchemes"]["APIToken"]["scheme"] == "bearer"  # type: ignore[index]


def test_operation_ids_are_stable(openapi: dict[str, object]) -> None:
    found = operations(openapi)
    assert found["load_test_case"][:2] == ("get", "/api/v1/test-cases/by-name")
    assert found["upload_inferences"][:2] == ("post", "/api/v1/models/{model_id}/inferences")
    assert found["health"][:2] == ("get", "/api/v1/health")


# -- settings --------------------------------------------------------------------------------------------
def test_settings_read_assay_variables_and_keep_the_database_url_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ASSAY_DATABASE_URL", "postgresql+psycopg://assay:hunter2@db.internal/assay")
    monkeypatch.setenv("ASSAY_SERVER_PORT", "9001")
    monkeypatch.setenv("ASSAY_HOST", "http://assay.internal:8000")  # a client's setting: not an address to bind
    settings = Settings()
    assert settings.server_port == 9001
    assert settings.server_host == "127.0.0.1"
    assert settings.database_url_value() == "postgresql+psycopg://assay:hunter2@db.internal/assay"
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in str(settings.model_dump())


def test_settings_refuse_a_bad_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_SERVER_PORT", "70000")
    with pytest.raises(ValueError, match="server_port"):
        Settings()


def test_the_app_opens_the_database_of_its_settings(database_url: str, service: Service, token: str) -> None:
    from pydantic import SecretStr

    app = create_app(settings=Settings(database_url=SecretStr(database_url)))
    with TestClient(app) as client:
        response = client.get("/api/v1/workflows", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert app.state.service is not service
