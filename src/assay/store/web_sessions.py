"""Browser sessions and one-time sign-in codes, stored as hashes so that every server replica shares them.

A session's secret travels only in its HttpOnly cookie; the database holds its SHA-256. Its CSRF token is
derived from the secret (:func:`csrf_token_of`), so it needs no column and cannot be computed from what the
database holds. A sign-in code is single-use: redeeming it marks it used in the same transaction that opens
the session, and a second redemption finds it used.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from assay.errors import InvalidTokenError, UnauthenticatedError
from assay.store.models import ApiToken, SignInCode, WebSession, utcnow
from assay.store.repository import hash_token

__all__ = [
    "CODE_NAME",
    "create_session",
    "create_sign_in_code",
    "csrf_token_of",
    "redeem_sign_in_code",
    "revoke_session",
    "verify_session",
]

#: The name shown for a session opened with a sign-in code rather than an API token.
CODE_NAME = "sign-in link"

_CSRF_CONTEXT = b"assay csrf token\x00"


def csrf_token_of(secret: str) -> str:
    """The CSRF token of a session: a one-way function of its secret, distinct from the stored hash."""
    digest = hashlib.sha256(_CSRF_CONTEXT + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _info(row: WebSession, secret: str) -> dict[str, Any]:
    return {"token_name": row.name, "csrf_token": csrf_token_of(secret), "expires": row.expires}


def _purge(session: Session, now: datetime) -> None:
    # Ended sessions and codes are of no use; dropping them as new ones are made keeps both tables small.
    session.execute(delete(WebSession).where(or_(WebSession.expires <= now, WebSession.revoked.is_not(None))))
    session.execute(delete(SignInCode).where(or_(SignInCode.expires <= now, SignInCode.used.is_not(None))))


def _open(session: Session, token_id: int | None, name: str, lifetime: timedelta) -> tuple[dict[str, Any], str]:
    now = utcnow()
    _purge(session, now)
    secret = secrets.token_urlsafe(32)
    row = WebSession(
        hash=hash_token(secret), token_id=token_id, name=name, created=now, expires=now + lifetime, revoked=None
    )
    session.add(row)
    session.flush()
    return _info(row, secret), secret


def create_session(session: Session, api_token: str, lifetime: timedelta) -> tuple[dict[str, Any], str]:
    """Open a session for the holder of an API token.

    Returns:
        The session (``token_name``, ``csrf_token``, ``expires``) and its secret, for the cookie.

    Raises:
        InvalidTokenError: the token is unknown or revoked.
    """
    token = session.scalar(select(ApiToken).where(ApiToken.hash == hash_token(api_token)))
    if token is None or token.revoked is not None:
        raise InvalidTokenError(
            "this API token is unknown or was revoked; `assay token create` on the server makes a new one"
        )
    return _open(session, token.id, token.name, lifetime)


def create_sign_in_code(session: Session, lifetime: timedelta) -> str:
    """Store a new one-time sign-in code valid for ``lifetime``; returns the code (only its hash is kept)."""
    now = utcnow()
    _purge(session, now)
    code = secrets.token_urlsafe(24)
    session.add(SignInCode(hash=hash_token(code), created=now, expires=now + lifetime, used=None))
    session.flush()
    return code


def redeem_sign_in_code(session: Session, code: str, lifetime: timedelta) -> tuple[dict[str, Any], str]:
    """Use up a sign-in code and open a session with it (tied to no API token).

    Raises:
        InvalidTokenError: the code is unknown, expired or already used.
    """
    now = utcnow()
    # One UPDATE marks the code used only if it was not: of two concurrent redemptions, one wins.
    used = session.execute(
        update(SignInCode)
        .where(SignInCode.hash == hash_token(code), SignInCode.used.is_(None), SignInCode.expires > now)
        .values(used=now)
    )
    if not int(getattr(used, "rowcount", 0) or 0):
        raise InvalidTokenError(
            "this sign-in link is unknown, expired or was already used; restart `assay server` for a new one, "
            "or sign in with an API token (`assay token create`)"
        )
    return _open(session, None, CODE_NAME, lifetime)


def _live(session: Session, secret: str) -> WebSession:
    now = utcnow()
    row = session.scalar(select(WebSession).where(WebSession.hash == hash_token(secret)))
    if row is None or row.revoked is not None or row.expires <= now:
        raise UnauthenticatedError("your session has ended (signed out or expired); sign in again")
    if row.token_id is not None:
        revoked = session.scalar(select(ApiToken.revoked).where(ApiToken.id == row.token_id))
        if revoked is not None:
            raise UnauthenticatedError(
                f"the API token of this session ({row.name!r}) was revoked; sign in again with another"
            )
    return row


def verify_session(session: Session, secret: str) -> dict[str, Any]:
    """The live session of a cookie secret.

    Raises:
        UnauthenticatedError: no such session, or it expired, was revoked, or its API token was revoked.
    """
    return _info(_live(session, secret), secret)


def revoke_session(session: Session, secret: str) -> None:
    """End a session (signing out).

    Raises:
        UnauthenticatedError: no live session has this secret.
    """
    row = _live(session, secret)
    row.revoked = utcnow()
    session.flush()
