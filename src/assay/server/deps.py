"""What routes depend on, as named types: the service, the settings, the caller and paging.

A caller authenticates with either an API token (``Authorization: Bearer <token>``, what the Python client
sends) or the session cookie that signing in to the web app sets. Browsers attach cookies to requests that
other sites make them send, so a cookie-authenticated request that changes something must also echo the
session's CSRF token in the ``X-CSRF-Token`` header (double submit: a page of another site cannot read the
``assay_csrf`` cookie to copy it). A bearer token is never sent by a browser on its own and needs no such
header.
"""

from __future__ import annotations

import hmac
from typing import Annotated, NamedTuple

from fastapi import Depends, Query, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from assay.errors import PermissionDeniedError, UnauthenticatedError
from assay.server.settings import Settings
from assay.service import Service
from assay.service.assets import AssetStore
from assay.service.views import SessionInfo

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "PAGE_LIMIT_HEADER",
    "SESSION_COOKIE",
    "Caller",
    "CurrentCaller",
    "CurrentSession",
    "Page",
    "PageDep",
    "ServiceDep",
    "SettingsDep",
    "authenticate",
    "current_session",
    "get_service",
    "get_settings",
]

#: The HttpOnly cookie that holds a web app session's secret.
SESSION_COOKIE = "assay_session"

#: The cookie, readable by the web app's script, that holds the session's CSRF token.
CSRF_COOKIE = "assay_csrf"

#: The header in which cookie-authenticated requests that change something echo the CSRF token.
CSRF_HEADER = "X-CSRF-Token"

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: The response header of a paged list: the most rows the server allowed in it (it may cap ``limit``).
PAGE_LIMIT_HEADER = "X-Assay-Page-Limit"


class Page(NamedTuple):
    """One page of a long list: skip ``offset`` rows, return at most ``limit``."""

    offset: int
    limit: int

    @property
    def headers(self) -> dict[str, str]:
        """The response header that tells clients how many rows this page was allowed to hold."""
        return {PAGE_LIMIT_HEADER: str(self.limit)}


_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="APIToken",
    description="An Assay API token, made on the server with `assay token create`.",
)


def get_service(request: Request) -> Service:
    """The service the app was created with."""
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


def get_assets(request: Request) -> AssetStore:
    """The asset store the app was created with (its roots, thumbnail cache and remote access)."""
    assets: AssetStore = request.app.state.assets
    return assets


AssetsDep = Annotated[AssetStore, Depends(get_assets)]


_session_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="WebSession",
    description="The web app's session cookie, set by `POST /api/v1/session`; changes need `X-CSRF-Token`.",
)


class Caller(NamedTuple):
    """Who made a request: the name of its API token or session, and the session when it came with one."""

    name: str
    session: SessionInfo | None


def _check_csrf(request: Request, session: SessionInfo) -> None:
    if request.method in _SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent or not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
        raise PermissionDeniedError(
            f"this request changes data and was authenticated by the session cookie: send the session's CSRF "
            f"token in the header `{CSRF_HEADER}` (it is in the `{CSRF_COOKIE}` cookie)"
        )


def current_session(
    request: Request, service: ServiceDep, secret: Annotated[str | None, Depends(_session_cookie)]
) -> SessionInfo:
    """The web app session of the request's cookie; CSRF-checked when the method changes something.

    Raises:
        UnauthenticatedError: no session cookie, or its session ended.
        PermissionDeniedError: an unsafe method without the session's CSRF token in ``X-CSRF-Token``.
    """
    if not secret:
        raise UnauthenticatedError("not signed in: sign in to the web app with an API token")
    session = service.verify_session(secret)
    _check_csrf(request, session)
    return session


CurrentSession = Annotated[SessionInfo, Depends(current_session)]


def authenticate(
    request: Request,
    service: ServiceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    secret: Annotated[str | None, Depends(_session_cookie)],
) -> Caller:
    """The caller, by the request's ``Authorization: Bearer <token>`` header, else by its session cookie.

    Raises:
        UnauthenticatedError: neither credential, or the session ended.
        InvalidTokenError: the bearer token is unknown or revoked.
        PermissionDeniedError: a cookie-authenticated unsafe method without the CSRF header.
    """
    if credentials is not None:
        return Caller(name=service.verify_token(credentials.credentials).name, session=None)
    if not secret:
        raise UnauthenticatedError(
            "this request needs an API token: send the header `Authorization: Bearer <token>` "
            "(`assay token create` on the server makes one), or sign in to the web app"
        )
    session = current_session(request, service, secret)
    return Caller(name=session.token_name, session=session)


CurrentCaller = Annotated[Caller, Depends(authenticate)]


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def _page(
    settings: SettingsDep,
    offset: Annotated[int, Query(ge=0, description="How many rows to skip.")] = 0,
    limit: Annotated[
        int | None, Query(ge=0, description="The most rows to return; the server caps it at its page size.")
    ] = None,
) -> Page:
    size = settings.page_size if limit is None else min(limit, settings.page_size)
    return Page(offset=offset, limit=size)


PageDep = Annotated[Page, Depends(_page)]
