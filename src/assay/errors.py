"""Errors raised by Assay.

Every error Assay raises is an :class:`AssayError` with a stable ``code``. Where the API that Assay keeps
compatible raised a builtin exception, the Assay error also inherits that builtin, so existing
``except ValueError`` or ``except KeyError`` clauses keep working.

The tree::

    AssayError
    ├── InputValidationError      (also ValueError)   bad data or arguments
    ├── IncorrectUsageError       (also RuntimeError) the API was used in the wrong order or way
    ├── FrozenObjectError         (also RuntimeError) setting an attribute of a loaded entity
    ├── InvalidClientStateError   (also RuntimeError) the client is not set up (no store, no host)
    ├── WorkflowMismatchError     (also TypeError)    data or entities of another workflow
    ├── MissingTokenError         (also KeyError)     no API token could be found
    ├── InvalidTokenError         (also ValueError)   the server rejected the API token
    ├── UnauthenticatedError                          a request without valid credentials
    ├── PermissionDeniedError                         credentials valid, but not for this object
    ├── SchemaOutdatedError                           the database needs ``assay db upgrade``
    ├── TransportError                                the server could not be reached
    └── RemoteError                                   the store refused the operation
        ├── NotFoundError                             a name or version that does not exist
        └── NameConflictError                         ``create`` of a name that exists

Errors cross the HTTP transport as ``{"code": ..., "message": ...}`` and are raised again on the client as
the same class, so user code cannot tell which transport it runs on.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "AssayError",
    "FrozenObjectError",
    "IncorrectUsageError",
    "InputValidationError",
    "InvalidClientStateError",
    "InvalidTokenError",
    "MissingTokenError",
    "NameConflictError",
    "NotFoundError",
    "PermissionDeniedError",
    "RemoteError",
    "SchemaOutdatedError",
    "TransportError",
    "UnauthenticatedError",
    "WorkflowMismatchError",
    "error_from_payload",
]


class AssayError(Exception):
    """Base of every error raised by Assay."""

    code: ClassVar[str] = "assay_error"
    status_code: ClassVar[int] = 500

    def __init__(self, message: str = "", **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        # KeyError (a base of MissingTokenError) would otherwise quote the message.
        return self.message

    def to_payload(self) -> dict[str, Any]:
        """The JSON body the server sends for this error."""
        return {"code": self.code, "message": self.message, "details": self.details}


class InputValidationError(AssayError, ValueError):
    """Bad data or arguments: a wrong field type, a malformed object, a value out of range."""

    code = "input_validation"
    status_code = 422


class IncorrectUsageError(AssayError, RuntimeError):
    """The API was used in a way it does not support, such as testing a suite with no test cases."""

    code = "incorrect_usage"
    status_code = 422


class FrozenObjectError(AssayError, RuntimeError):
    """An attribute of a loaded entity was set; entities change only through ``edit()``."""

    code = "frozen_object"
    status_code = 422


class InvalidClientStateError(AssayError, RuntimeError):
    """The client is not set up: no embedded store and no host could be used."""

    code = "invalid_client_state"
    status_code = 500


class WorkflowMismatchError(AssayError, TypeError):
    """Data or an entity belongs to another workflow than the one it is used with."""

    code = "workflow_mismatch"
    status_code = 422


class MissingTokenError(AssayError, KeyError):
    """No API token was given and none was found in the environment."""

    code = "missing_token"
    status_code = 401


class InvalidTokenError(AssayError, ValueError):
    """The server rejected the API token: unknown, revoked or expired."""

    code = "invalid_token"
    status_code = 401


class UnauthenticatedError(AssayError):
    """A request reached the server without valid credentials."""

    code = "unauthenticated"
    status_code = 401


class PermissionDeniedError(AssayError):
    """The credentials are valid but do not allow this operation on this object."""

    code = "permission_denied"
    status_code = 403


class SchemaOutdatedError(AssayError):
    """The database was made by an older Assay; run ``assay db upgrade``."""

    code = "schema_outdated"
    status_code = 503


class TransportError(AssayError):
    """The Assay server could not be reached or answered with something that is not Assay's."""

    code = "transport"
    status_code = 502


class RemoteError(AssayError):
    """The store refused the operation, for example inferences uploaded twice without ``reset``."""

    code = "remote"
    status_code = 409


class NotFoundError(RemoteError):
    """A name, version or id that does not exist."""

    code = "not_found"
    status_code = 404


class NameConflictError(RemoteError):
    """``create`` of a name that already exists."""

    code = "name_conflict"
    status_code = 409


def _all_error_classes() -> dict[str, type[AssayError]]:
    found: dict[str, type[AssayError]] = {}
    pending: list[type[AssayError]] = [AssayError]
    while pending:
        cls = pending.pop()
        found[cls.code] = cls
        pending.extend(cls.__subclasses__())
    return found


ERROR_CLASSES: dict[str, type[AssayError]] = _all_error_classes()


def error_from_payload(payload: dict[str, Any], status_code: int = 500) -> AssayError:
    """Rebuild the error that the server serialised with :meth:`AssayError.to_payload`.

    Args:
        payload: The JSON body of an error response.
        status_code: The HTTP status, used when the body names no known code.

    Returns:
        An instance of the same :class:`AssayError` subclass, with the same message and details.
    """
    cls = ERROR_CLASSES.get(str(payload.get("code")), None)
    message = str(payload.get("message", ""))
    details = payload.get("details") or {}
    if cls is None:
        cls = {401: UnauthenticatedError, 403: PermissionDeniedError, 404: NotFoundError}.get(status_code, RemoteError)
    return cls(message, **details)
