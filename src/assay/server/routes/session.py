"""``/session``: signing the web app in with an API token or a one-time code, and out.

A session is a cookie pair: ``assay_session`` (HttpOnly, so no script can read the secret) and ``assay_csrf``
(readable by the app's script, which echoes it in ``X-CSRF-Token`` on requests that change something). Both
are ``SameSite=Lax``, ``Path=/``, and ``Secure`` when the request came over https.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict

from assay.server.deps import CSRF_COOKIE, SESSION_COOKIE, CurrentSession, ServiceDep, SettingsDep
from assay.server.wire import WireJSONResponse, WireRoute
from assay.service.views import SessionInfo

router = APIRouter(prefix="/session", tags=["session"], route_class=WireRoute)

# Session answers carry a CSRF token and set cookies: no cache may keep them.
_NO_STORE = {"Cache-Control": "no-store"}


class SignInIn(BaseModel):
    """An API token to sign in with."""

    model_config = ConfigDict(extra="forbid")

    token: str


class SignInCodeIn(BaseModel):
    """The one-time code of the sign-in link that ``assay server`` printed."""

    model_config = ConfigDict(extra="forbid")

    code: str


def _signed_in(request: Request, info: SessionInfo, secret: str, max_age: int) -> WireJSONResponse:
    response = WireJSONResponse(info, headers=_NO_STORE)
    secure = request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, secret, max_age=max_age, path="/", secure=secure, httponly=True, samesite="lax")
    response.set_cookie(
        CSRF_COOKIE, info.csrf_token, max_age=max_age, path="/", secure=secure, httponly=False, samesite="lax"
    )
    return response


@router.post("", response_model=SessionInfo)
def create_session(body: SignInIn, request: Request, service: ServiceDep, settings: SettingsDep) -> WireJSONResponse:
    """Sign in with an API token: sets the session cookies; 401 when the token is unknown or revoked."""
    info, secret = service.create_session(body.token, settings.session_lifetime)
    return _signed_in(request, info, secret, int(settings.session_lifetime.total_seconds()))


@router.post("/one-time", response_model=SessionInfo)
def redeem_sign_in_code(
    body: SignInCodeIn, request: Request, service: ServiceDep, settings: SettingsDep
) -> WireJSONResponse:
    """Sign in with the one-time code of the link ``assay server`` printed; a code works once."""
    info, secret = service.redeem_sign_in_code(body.code, settings.session_lifetime)
    return _signed_in(request, info, secret, int(settings.session_lifetime.total_seconds()))


@router.get("", response_model=SessionInfo)
def read_session(session: CurrentSession) -> WireJSONResponse:
    """The session of the cookie; 401 when not signed in (the web app then shows its sign-in page)."""
    return WireJSONResponse(session, headers=_NO_STORE)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
def delete_session(request: Request, session: CurrentSession, service: ServiceDep) -> Response:
    """Sign out: the session is revoked and its cookies cleared."""
    service.revoke_session(request.cookies[SESSION_COOKIE])
    response = Response(status_code=status.HTTP_204_NO_CONTENT, headers=_NO_STORE)
    secure = request.url.scheme == "https"
    for name, httponly in ((SESSION_COOKIE, True), (CSRF_COOKIE, False)):
        response.delete_cookie(name, path="/", secure=secure, httponly=httponly, samesite="lax")
    return response
