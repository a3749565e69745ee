"""Fixtures of the server tests: the app on a fresh SQLite store, a TestClient, and a live server.

The server holds no database logic of its own, so these tests run on SQLite only; the workflow contract tests
run the HTTP transport on PostgreSQL as well.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from tests.server.support import LiveServer, TestClient

from assay.client.http import HttpTransport
from assay.server import Settings, create_app
from assay.service import Service


@pytest.fixture
def database_kind() -> str:
    return "sqlite"


@pytest.fixture
def token(service: Service) -> str:
    _, secret = service.create_token("tests")
    return secret


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def app(service: Service, settings: Settings) -> FastAPI:
    return create_app(service, settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def http(live_server: LiveServer, token: str) -> Iterator[HttpTransport]:
    """The HTTP transport against the live server, authenticated."""
    with HttpTransport(live_server.url, token) as transport:
        yield transport
