"""What routes depend on, as named types: the service and the caller's API token."""

from __future__ import annotations

from typing import Annotated, NamedTuple

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assay.errors import UnauthenticatedError
from assay.server.settings import Settings
from assay.service import Service
from assay.service.models import TokenRecord

__all__ = [
    "PAGE_LIMIT_HEADER",
    "CurrentToken",
    "Page",
    "PageDep",
    "ServiceDep",
    "SettingsDep",
    "authenticate",
    "get_service",
    "get_settings",
]

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


def authenticate(
    service: ServiceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> TokenRecord:
    """The token of the request's ``Authorization: Bearer <token>`` header.

    Raises:
        UnauthenticatedError: the header is missing or is not a bearer token.
        InvalidTokenError: the token is unknown or revoked.
    """
    if credentials is None:
        raise UnauthenticatedError(
            "this request needs an API token: send the header `Authorization: Bearer <token>` "
            "(`assay token create` on the server makes one)"
        )
    return service.verify_token(credentials.credentials)


CurrentToken = Annotated[TokenRecord, Depends(authenticate)]


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
