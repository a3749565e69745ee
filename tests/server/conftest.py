"""Fixtures of the server tests: the app on a fresh SQLite store, a TestClient, and a live server.

The server holds no database logic of its own, so these tests run on SQLite only; the workflow contract tests
run the HTTP transport on PostgreSQL as well.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from starlette.exceptions import StarletteDeprecationWarning

from assay.client.http import HttpTransport
from assay.server import Settings, create_app
from assay.service import Service

with warnings.catch_warnings():
    # Starlette announces, when its test client is imported, that it will move to the httpx2 package; the
    # client works with the httpx that Assay depends on.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """The app served by uvicorn in a thread of this process, on a free loopback port."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def http(live_server: LiveServer, token: str) -> Iterator[HttpTransport]:
    """The HTTP transport against the live server, authenticated."""
    with HttpTransport(live_server.url, token) as transport:
        yield transport


def mock_transport(status: int, body: bytes, content_type: str = "text/html") -> httpx.MockTransport:
    """An httpx transport that answers every request the same way."""
    return httpx.MockTransport(
        lambda request: httpx.Response(status, content=body, headers={"Content-Type": content_type})
    )
