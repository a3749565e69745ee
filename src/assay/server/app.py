"""The FastAPI application: ``/api/v1``, its OpenAPI document, error handling and the web app."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import Scope

from assay.errors import (
    AssayError,
    IncorrectUsageError,
    InputValidationError,
    NotFoundError,
    PermissionDeniedError,
    UnauthenticatedError,
)
from assay.server.routes import api_router
from assay.server.settings import Settings
from assay.server.wire import WireJSONResponse
from assay.service import Service
from assay.service.assets import AssetStore

__all__ = ["API_PREFIX", "create_app"]

logger = logging.getLogger(__name__)

#: Where the versioned REST API lives.
API_PREFIX = "/api/v1"

_STATIC = Path(str(files("assay.server").joinpath("static")))

_DESCRIPTION = """\
The REST API of Assay, the platform for testing machine-learning models test case by test case.

Every route but `/api/v1/health` and signing in needs the header `Authorization: Bearer <token>`
(`assay token create` on the server makes a token) or the web app's session cookie, with the header
`X-CSRF-Token` on requests that change something. Errors come back as `{"code", "message", "details"}`
with the codes listed in Assay's docs/errors.md. A non-finite float (metrics may be NaN) travels as
`{"$assay:float": "NaN"}` (or `"Infinity"`, `"-Infinity"`). Long lists are paged with `offset` and `limit`.
"""

_API_UP_PAGE = """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Assay</title></head>
<body>
<h1>Assay</h1>
<p>The Assay API is up at <code>{prefix}</code>. The web app is not part of this installation.</p>
<p>See the <a href="/docs">API documentation</a> or the
<a href="{prefix}/openapi.json">OpenAPI document</a>.</p>
</body>
</html>
"""


class _WebApp(StaticFiles):
    """The web app's files; any other path that is not the API's gets ``index.html`` (the app routes itself)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file at ``path``, else the app's entry page."""
        try:
            response = await super().get_response(path, scope)
        except StarletteHTTPException as error:
            # Only the app's own routes fall back to it: a missing asset or API path is a plain 404.
            if error.status_code != 404 or path.startswith((API_PREFIX.strip("/"), "assets/")):
                raise
            response = await super().get_response("index.html", scope)
        # Vite names every asset by its content's hash, so an asset never changes at its URL; the entry page
        # names the current ones and must be asked for again each time.
        if path.startswith("assets/") and response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response


def _package_version() -> str:
    try:
        return version("assay")
    except PackageNotFoundError:
        return "0+unknown"


def _operation_id(route: APIRoute) -> str:
    # The route's function name is the Transport method it serves: stable, unique, and what a generated
    # client should call it.
    return route.name


def _error_response(error: AssayError, status_code: int | None = None) -> WireJSONResponse:
    status = status_code if status_code is not None else error.status_code
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return WireJSONResponse(error.to_payload(), status_code=status, headers=headers)


async def _on_assay_error(request: Request, error: Exception) -> WireJSONResponse:
    assert isinstance(error, AssayError)
    return _error_response(error)


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


async def _on_validation_error(request: Request, error: Exception) -> WireJSONResponse:
    assert isinstance(error, RequestValidationError)
    # The offending input is left out: it may be a large upload, and it echoes what the caller sent anyway.
    problems = [
        {"loc": list(problem.get("loc", ())), "msg": str(problem.get("msg", "")), "type": problem.get("type")}
        for problem in error.errors()
    ]
    summary = "; ".join(f"{_location(p['loc'])}: {p['msg']}" for p in problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return _error_response(InputValidationError(f"invalid request: {summary}{more}", errors=problems))


_HTTP_ERRORS: dict[int, type[AssayError]] = {
    401: UnauthenticatedError,
    403: PermissionDeniedError,
    404: NotFoundError,
}


async def _on_http_error(request: Request, error: Exception) -> WireJSONResponse:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 404:
        message = f"no such route: {request.method} {request.url.path}"
    else:
        message = str(error.detail)
    cls = _HTTP_ERRORS.get(error.status_code, IncorrectUsageError)
    return _error_response(cls(message), status_code=error.status_code)


async def _on_unexpected_error(request: Request, error: Exception) -> WireJSONResponse:
    logger.exception("unexpected error in %s %s", request.method, request.url.path)
    return _error_response(AssayError("internal server error; the server's log has the details"), 500)


def create_app(service: Service | None = None, settings: Settings | None = None) -> FastAPI:
    """Build the Assay server application.

    Args:
        service: The service to serve. ``None`` opens one on ``settings.database_url`` (the embedded default
            when unset); the app then closes it when it shuts down.
        settings: The server's settings; read from ``ASSAY_*`` environment variables when ``None``.

    Returns:
        The app: ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``, docs at ``/docs``) and, at ``/``, the web
        app when it is installed, else a page saying the API is up.

    Raises:
        SchemaOutdatedError: the database needs ``assay db upgrade`` (only when the app opens the service).
        InputValidationError: the database URL is not a supported one (idem).

    Example:
        >>> from fastapi.testclient import TestClient
        >>> from assay.server import create_app
        >>> TestClient(create_app()).get("/api/v1/health").json()["status"]  # doctest: +SKIP
        'ok'
    """
    settings = settings if settings is not None else Settings()
    owned = service is None
    served = service if service is not None else Service.from_url(settings.database_url_value())

    assets = AssetStore.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        assets.close()
        if owned:
            served.close()

    app = FastAPI(
        title=settings.title,
        description=_DESCRIPTION,
        version=_package_version(),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        generate_unique_id_function=_operation_id,
        default_response_class=WireJSONResponse,
        lifespan=lifespan,
    )
    app.state.service = served
    app.state.settings = settings
    app.state.assets = assets
    # The gallery places images before they load: the service asks the asset store for their sizes.
    served.studio.image_size = assets.image_size
    app.add_exception_handler(AssayError, _on_assay_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected_error)
    app.include_router(api_router, prefix=API_PREFIX)
    if (_STATIC / "index.html").is_file():
        app.mount("/", _WebApp(directory=_STATIC, html=True), name="web")
    else:

        @app.get("/", include_in_schema=False, response_class=HTMLResponse)
        def index() -> HTMLResponse:
            return HTMLResponse(_API_UP_PAGE.format(prefix=API_PREFIX))

    return app
