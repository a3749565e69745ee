"""The workflow API's contract tests run on both transports: in-process and through a live HTTP server.

Each test gets a fresh database (``database_url``, SQLite and PostgreSQL, from tests/conftest.py) and the
client initialised the way a user does it: ``assay.initialize()`` for the embedded store,
``assay.initialize(token, host=...)`` for a server.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

import assay
from assay.client import reset as reset_client
from assay.service import Service


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """An Assay server in a thread of this process, on a free loopback port."""

    def __init__(self, service: Service) -> None:
        from assay.server import create_app

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(service), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.02)
        raise RuntimeError("the test server did not start")

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(params=["local", "http"])
def transport_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@dataclass(frozen=True)
class Client:
    """How the test's client was initialised."""

    kind: str
    host: str | None = None
    token: str | None = None


@pytest.fixture
def client(transport_kind: str, database_url: str, tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    """Initialise the client on a fresh store."""
    monkeypatch.setenv("ASSAY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ASSAY_DATABASE_URL", database_url)
    monkeypatch.setenv("ASSAY_PROGRESS", "0")
    monkeypatch.delenv("ASSAY_HOST", raising=False)
    monkeypatch.delenv("ASSAY_API_TOKEN", raising=False)
    monkeypatch.delenv("KOLENA_TOKEN", raising=False)
    reset_client()
    if transport_kind == "local":
        assay.initialize()
        yield Client("local")
    else:
        service = Service.from_url(database_url)
        _, token = service.create_token("tests")
        with LiveServer(service) as server:
            assay.initialize(token, host=server.url)
            yield Client("http", server.url, token)
            reset_client()
        service.close()
    reset_client()
