"""Signing the web app in and out: session cookies, CSRF, one-time codes, and every route refused without."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import cast

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text
from tests.server.support import TestClient

from assay.errors import InvalidTokenError, PermissionDeniedError, UnauthenticatedError, error_from_payload
from assay.server import Settings, create_app
from assay.server.deps import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from assay.service import Service

#: Operations that a caller uses before it has credentials.
OPEN_ROUTES = {("GET", "/api/v1/health"), ("POST", "/api/v1/session"), ("POST", "/api/v1/session/one-time")}


def _app_routes() -> list[tuple[str, str]]:
    # The operations the app publishes, whichever router they come from: a route added later is covered too.
    # Building the document needs no database, so the app gets no service.
    document = create_app(cast(Service, None), Settings()).openapi()
    return sorted(
        (method.upper(), re.sub(r"\{\w+\}", "1", path))
        for path, operations in document["paths"].items()
        for method in operations
        if (method.upper(), path) not in OPEN_ROUTES
    )


#: Every other operation of the API, as (method, path with its parameters filled in).
PROTECTED = _app_routes()


def set_cookies(response: object) -> dict[str, SimpleCookie]:
    """The cookies a response sets, by name, with their attributes."""
    found = {}
    for header in response.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        cookie = SimpleCookie()
        cookie.load(header)
        for name in cookie:
            found[name] = cookie
    return found


@pytest.fixture
def fresh(app: FastAPI) -> Iterator[TestClient]:
    """A second browser: no cookies."""
    with TestClient(app) as client:
        yield client


@pytest.fixture
def signed_in(client: TestClient, token: str) -> TestClient:
    """The client signed in with an API token; its cookie jar holds the session."""
    response = client.post("/api/v1/session", json={"token": token})
    assert response.status_code == 200, response.text
    return client


def csrf(client: TestClient) -> dict[str, str]:
    return {CSRF_HEADER: client.cookies[CSRF_COOKIE]}


# -- signing in ------------------------------------------------------------------------------------------
def test_signing_in_with_a_token_sets_an_httponly_session_cookie_and_a_readable_csrf_cookie(
    client: TestClient, token: str
) -> None:
    response = client.post("/api/v1/session", json={"token": token})
    assert response.status_code == 200
    body = response.json()
    assert body["token_name"] == "tests"
    assert response.headers["cache-control"] == "no-store"
    cookies = set_cookies(response)
    session = cookies[SESSION_COOKIE][SESSION_COOKIE]
    readable = cookies[CSRF_COOKIE][CSRF_COOKIE]
    assert session["httponly"] is True and readable["httponly"] == ""
    for cookie in (session, readable):
        assert (cookie["samesite"].lower(), cookie["path"], cookie["secure"]) == ("lax", "/", "")
        assert int(cookie["max-age"]) == 7 * 24 * 3600
    assert readable.value == body["csrf_token"]
    assert session.value not in (token, body["csrf_token"])


def test_cookies_are_secure_over_https(app: FastAPI, token: str) -> None:
    with TestClient(app, base_url="https://testserver") as client:
        response = client.post("/api/v1/session", json={"token": token})
    cookies = set_cookies(response)
    assert cookies[SESSION_COOKIE][SESSION_COOKIE]["secure"] is True
    assert cookies[CSRF_COOKIE][CSRF_COOKIE]["secure"] is True


def test_the_session_lifetime_comes_from_the_settings(service: Service, token: str) -> None:
    with TestClient(create_app(service, Settings(session_days=0.5))) as client:
        response = client.post("/api/v1/session", json={"token": token})
    assert int(set_cookies(response)[SESSION_COOKIE][SESSION_COOKIE]["max-age"]) == 12 * 3600


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_form_of_another_site_cannot_sign_a_browser_in(client: TestClient, token: str, content_type: str) -> None:
    # HTML forms can post these types across sites without asking; only JSON signs in (no login CSRF).
    body = json.dumps({"token": token}).encode()
    response = client.post("/api/v1/session", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 422
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("bad", ["assay_not-a-token", ""])
def test_a_bad_token_gets_401_and_no_cookie(client: TestClient, bad: str) -> None:
    response = client.post("/api/v1/session", json={"token": bad})
    assert response.status_code == 401
    assert isinstance(error_from_payload(response.json(), 401), InvalidTokenError)
    assert "set-cookie" not in response.headers


def test_a_revoked_token_cannot_sign_in_and_its_sessions_end(
    signed_in: TestClient, service: Service, token: str
) -> None:
    service.revoke_token(service.verify_token(token).id)
    assert signed_in.get("/api/v1/workflows").status_code == 401
    assert signed_in.post("/api/v1/session", json={"token": token}).status_code == 401


def test_the_session_reads_back_and_works_as_credentials(signed_in: TestClient) -> None:
    info = signed_in.get("/api/v1/session")
    assert info.status_code == 200
    assert info.json()["csrf_token"] == signed_in.cookies[CSRF_COOKIE]
    assert signed_in.get("/api/v1/workflows").status_code == 200
    assert signed_in.get("/api/v1/app/overview").status_code == 200


def test_reading_the_session_needs_one(fresh: TestClient, auth: dict[str, str]) -> None:
    for headers in ({}, auth):
        response = fresh.get("/api/v1/session", headers=headers)
        assert response.status_code == 401
        assert isinstance(error_from_payload(response.json(), 401), UnauthenticatedError)


def test_the_session_is_stored_hashed_and_shared_by_every_replica(signed_in: TestClient, database_url: str) -> None:
    secret = signed_in.cookies[SESSION_COOKIE]
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            stored = [tuple(row) for row in connection.execute(text("SELECT * FROM web_session"))]
    finally:
        engine.dispose()
    assert len(stored) == 1
    assert all(secret not in str(value) for value in stored[0])
    # Another server process on the same database, with nothing in memory, knows the session.
    other = Service.from_url(database_url)
    try:
        with TestClient(create_app(other)) as replica:
            replica.cookies.set(SESSION_COOKIE, secret)
            assert replica.get("/api/v1/session").status_code == 200
    finally:
        other.close()


def test_an_expired_session_is_refused(fresh: TestClient, service: Service, token: str) -> None:
    _, secret = service.create_session(token, lifetime=timedelta(0))
    fresh.cookies.set(SESSION_COOKIE, secret)
    response = fresh.get("/api/v1/workflows")
    assert response.status_code == 401
    assert "sign in again" in response.json()["message"]


def test_a_forged_session_cookie_is_refused(fresh: TestClient) -> None:
    fresh.cookies.set(SESSION_COOKIE, "forged")
    response = fresh.get("/api/v1/app/overview")
    assert response.status_code == 401
    assert isinstance(error_from_payload(response.json(), 401), UnauthenticatedError)


# -- every route -----------------------------------------------------------------------------------------
def test_the_route_list_covers_the_views_and_the_session() -> None:
    paths = {path for _, path in PROTECTED}
    assert {"/api/v1/app/overview", "/api/v1/app/test-runs", "/api/v1/session", "/api/v1/workflows"} <= paths


@pytest.mark.parametrize(("method", "path"), PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
def test_every_route_is_refused_without_a_session_or_a_token(fresh: TestClient, method: str, path: str) -> None:
    response = fresh.request(method, path, json={})
    assert response.status_code == 401
    assert isinstance(error_from_payload(response.json(), 401), UnauthenticatedError)


# -- CSRF ------------------------------------------------------------------------------------------------
def test_a_cookie_post_without_the_csrf_header_is_forbidden(signed_in: TestClient) -> None:
    response = signed_in.post("/api/v1/workflows", json={"name": "w", "schema": {}})
    assert response.status_code == 403
    assert isinstance(error_from_payload(response.json(), 403), PermissionDeniedError)
    assert CSRF_HEADER in response.json()["message"]
    assert signed_in.get("/api/v1/workflows").json() == [], "nothing was written"


def test_a_cookie_post_with_a_wrong_csrf_header_is_forbidden(signed_in: TestClient) -> None:
    response = signed_in.post("/api/v1/workflows", json={"name": "w", "schema": {}}, headers={CSRF_HEADER: "guess"})
    assert response.status_code == 403


def test_a_cookie_post_with_the_csrf_header_is_accepted(signed_in: TestClient) -> None:
    response = signed_in.post("/api/v1/workflows", json={"name": "w", "schema": {}}, headers=csrf(signed_in))
    assert response.status_code == 200
    assert [w["name"] for w in signed_in.get("/api/v1/workflows").json()] == ["w"]


def test_a_bearer_token_needs_no_csrf_header(fresh: TestClient, auth: dict[str, str]) -> None:
    response = fresh.post("/api/v1/workflows", json={"name": "w", "schema": {}}, headers=auth)
    assert response.status_code == 200


def test_a_bearer_token_wins_over_the_cookie(signed_in: TestClient) -> None:
    # A request that carries a token is judged by it alone, and a wrong one is refused even with a session.
    response = signed_in.get("/api/v1/workflows", headers={"Authorization": "Bearer assay_wrong"})
    assert response.status_code == 401


# -- one-time codes --------------------------------------------------------------------------------------
def test_a_sign_in_code_works_once(client: TestClient, fresh: TestClient, service: Service) -> None:
    code = service.create_sign_in_code()
    response = client.post("/api/v1/session/one-time", json={"code": code})
    assert response.status_code == 200
    assert response.json()["token_name"] == "sign-in link"
    assert SESSION_COOKIE in set_cookies(response)
    assert client.get("/api/v1/app/overview").status_code == 200
    again = fresh.post("/api/v1/session/one-time", json={"code": code})
    assert again.status_code == 401
    assert isinstance(error_from_payload(again.json(), 401), InvalidTokenError)
    assert "already used" in again.json()["message"]


def test_an_expired_sign_in_code_is_refused(client: TestClient, service: Service) -> None:
    code = service.create_sign_in_code(lifetime=timedelta(0))
    response = client.post("/api/v1/session/one-time", json={"code": code})
    assert response.status_code == 401
    assert "set-cookie" not in response.headers


def test_an_unknown_sign_in_code_is_refused(client: TestClient, service: Service) -> None:
    service.create_sign_in_code()
    assert client.post("/api/v1/session/one-time", json={"code": "guessed"}).status_code == 401


# -- signing out -----------------------------------------------------------------------------------------
def test_signing_out_revokes_the_session_and_clears_the_cookies(signed_in: TestClient, fresh: TestClient) -> None:
    secret = signed_in.cookies[SESSION_COOKIE]
    response = signed_in.delete("/api/v1/session", headers=csrf(signed_in))
    assert response.status_code == 204
    cleared = set_cookies(response)
    assert cleared[SESSION_COOKIE][SESSION_COOKIE]["max-age"] == "0"
    assert cleared[CSRF_COOKIE][CSRF_COOKIE]["max-age"] == "0"
    fresh.cookies.set(SESSION_COOKIE, secret)
    assert fresh.get("/api/v1/workflows").status_code == 401, "the old cookie no longer works"


def test_signing_out_needs_the_csrf_header(signed_in: TestClient) -> None:
    assert signed_in.delete("/api/v1/session").status_code == 403
    assert signed_in.get("/api/v1/session").status_code == 200, "the session is still live"
