"""End-to-end fixtures: the keypoint example in a fresh store, served with the built web app, driven by Chromium.

The example is loaded once per test session by running it as a user does (``python -m examples.keypoint_detection``
in a temporary ``ASSAY_HOME``); the server runs in a thread of this process on that store. Browsers cannot be
downloaded on our machines, so Playwright launches Debian's ``chromium`` by path (``ASSAY_CHROMIUM`` overrides
it). Every test gets a fresh browser context, signed in through the app's own sign-in API unless it asks for a
signed-out one; screenshots go to one folder that the run prints at its end.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from tests.server.support import LiveServer

from assay.server import create_app
from assay.server.settings import Settings
from assay.service import Service

REPO = Path(__file__).resolve().parents[2]
STATIC = REPO / "src" / "assay" / "server" / "static"
CHROMIUM = os.environ.get("ASSAY_CHROMIUM", "/usr/bin/chromium")

# Without the background-networking switches Chromium keeps dialling Google's hosts, which this machine's
# closed network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

THEMES = ("light", "dark")


@dataclass(frozen=True)
class ExampleServer:
    """The server of the example's store: its URL, an API token, and the service behind it."""

    url: str
    token: str
    service: Service


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def example_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ``ASSAY_HOME`` holding the keypoint example, loaded by running it as the README does."""
    home = tmp_path_factory.mktemp("example-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSAY_", "KOLENA_"))}
    env.update(ASSAY_HOME=str(home), ASSAY_PROGRESS="0")
    done = subprocess.run(
        [sys.executable, "-m", "examples.keypoint_detection"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, f"the example failed:\n{done.stdout}\n{done.stderr}"
    return home


@pytest.fixture(scope="session")
def example_server(example_home: Path) -> Iterator[ExampleServer]:
    """``assay server`` on the example's store, with the built web app."""
    if not (STATIC / "index.html").is_file():
        pytest.fail(
            f"the web app is not built ({STATIC} is empty): ./scripts/test builds it (cd web && npm run build)",
            pytrace=False,
        )
    service = Service.from_url(f"sqlite:///{example_home / 'assay.db'}")
    _, token = service.create_token("end-to-end tests")
    try:
        # The example's images live in its home; the test process's own ASSAY_HOME is elsewhere.
        settings = Settings(asset_roots=[example_home], thumbnail_cache=example_home / "cache" / "thumbnails")
        with LiveServer(create_app(service, settings)) as server:
            yield ExampleServer(url=server.url, token=token, service=service)
    finally:
        service.close()


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium", pytrace=False)
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the tests save screenshots of each page in each theme; printed at the end of the run."""
    chosen = os.environ.get("ASSAY_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    _SCREENSHOT_DIRS.append(folder)
    return folder


_SCREENSHOT_DIRS: list[Path] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for folder in _SCREENSHOT_DIRS:
        shots = sorted(folder.glob("*.png"))
        terminalreporter.write_line(f"web app screenshots ({len(shots)}): {folder}")


def new_context(
    browser: Browser, server: ExampleServer, *, theme: str = "light", signed_in: bool = True
) -> BrowserContext:
    """A fresh browser context (no cookies, no cache) in ``theme``, signed in with the API token when asked."""
    context = browser.new_context(
        base_url=server.url,
        color_scheme=theme,
        viewport={"width": 1440, "height": 900},  # type: ignore[arg-type]
    )
    if signed_in:
        response = context.request.post("/api/v1/session", data={"token": server.token})
        assert response.ok, f"sign-in failed: {response.status} {response.text()}"
    return context


@pytest.fixture
def context(browser: Browser, example_server: ExampleServer) -> Iterator[BrowserContext]:
    """A signed-in context in the light theme."""
    ctx = new_context(browser, example_server)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page of a signed-in context that fails the test on any error the app logs."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    assert not errors, f"the app logged errors: {errors}"
