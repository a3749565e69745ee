"""The keypoint-detection example against a running ``assay server``, set up as the README tells a user to.

The server and its token come from the ``assay`` command (``assay token create``, ``assay server``); the
example runs as ``python -m examples.keypoint_detection`` with ``ASSAY_HOST`` and ``ASSAY_API_TOKEN`` set, in
another ``ASSAY_HOME`` than the server's, so everything it stores must travel over HTTP.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
ASSAY = [sys.executable, "-c", "from assay.cli import app; app()"]
IMAGES = "60"


def _environment(home: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ASSAY_", "KOLENA_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["ASSAY_HOME"] = str(home)
    env["ASSAY_PROGRESS"] = "0"
    env.update(extra)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server:
    url: str
    token: str
    env: dict[str, str]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    env = _environment(tmp_path / "server-home")
    token = subprocess.run(
        [*ASSAY, "token", "create", "--name", "keypoint-example"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    port = _free_port()
    process = subprocess.Popen(
        [*ASSAY, "server", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"assay server exited with {process.returncode}: {process.stderr.read()}")
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("assay server did not answer /api/v1/health within 30 s")
            time.sleep(0.1)
        yield Server(url, token, env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def run_example(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "examples.keypoint_detection", "--images", IMAGES],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_example_gives_the_same_report_through_a_server_as_embedded(server, tmp_path):
    client_env = _environment(tmp_path / "client-home", ASSAY_HOST=server.url, ASSAY_API_TOKEN=server.token)
    over_http = run_example(client_env)
    embedded = run_example(_environment(tmp_path / "embedded-home"))
    assert over_http == embedded
    assert "is better on the complete set" in over_http
    # Nothing went to the client's own store: only its images are there.
    assert not (tmp_path / "client-home" / "assay.db").exists()
    wide = {**server.env, "COLUMNS": "200"}  # rich wraps table cells to the terminal width
    models = subprocess.run(
        [*ASSAY, "model", "list"], env=wide, capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "mean-shape-regressor" in models and "dark-blob-detector" in models


def test_a_second_run_through_the_server_changes_nothing(server, tmp_path):
    client_env = _environment(tmp_path / "client-home", ASSAY_HOST=server.url, ASSAY_API_TOKEN=server.token)
    first = run_example(client_env)
    second = run_example(client_env)
    assert second == first
    assert first.splitlines()[0].endswith("v1, evaluator KeypointsEvaluator")
