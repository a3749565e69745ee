"""The client's connection to the platform: which transport the workflow API uses.

``assay.initialize()`` picks the transport once per process; every call of the workflow API that needs the
platform takes it from :func:`get_transport`, which initialises with the defaults on first use.
"""

from __future__ import annotations

import logging
import os
import threading

from assay.client.base import Transport
from assay.errors import MissingTokenError

__all__ = ["Transport", "get_transport", "initialize", "reset"]

logger = logging.getLogger("assay")

HOST_VARIABLES = ("ASSAY_HOST",)
TOKEN_VARIABLES = ("ASSAY_API_TOKEN", "KOLENA_TOKEN")

_lock = threading.Lock()
_transport: Transport | None = None


def _first_env(names: tuple[str, ...]) -> str | None:
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None


def initialize(api_token: str | None = None, *, host: str | None = None, verbose: bool = False) -> None:
    """Choose where the workflow API stores and reads data, for the rest of the process.

    With no ``host`` (and no ``ASSAY_HOST`` in the environment) Assay uses the embedded store: a database in
    ``$ASSAY_HOME`` (default ``~/.assay``), or the one ``ASSAY_DATABASE_URL`` names; the token is not needed
    then. With a host, Assay talks HTTP to that server and authenticates with ``api_token``, else
    ``ASSAY_API_TOKEN``, else ``KOLENA_TOKEN``.

    Args:
        api_token: The API token for a server (``assay token create`` makes one).
        host: The server's base URL, e.g. ``http://127.0.0.1:8000``.
        verbose: Log what the client does at INFO level on the ``assay`` logger.

    Raises:
        MissingTokenError: a host is used and no token was given or found.
        InvalidTokenError: the server rejected the token.
        TransportError: the server could not be reached.

    Example:
        >>> import assay
        >>> assay.initialize()  # the embedded store
    """
    global _transport
    if verbose:
        logger.setLevel(logging.INFO)
    host = host or _first_env(HOST_VARIABLES)
    if host:
        token = api_token or _first_env(TOKEN_VARIABLES)
        if not token:
            raise MissingTokenError(
                f"no API token for host {host}: pass api_token=..., or set ASSAY_API_TOKEN "
                "(`assay token create` on the server makes one)"
            )
        from assay.client.http import HttpTransport

        transport: Transport = HttpTransport(host, token)
        transport.list_workflows()  # fails here, not at the first real call, when the token is wrong
        logger.info("using the Assay server at %s", host)
    else:
        from assay.service import Service

        transport = Service.from_url(None)
        logger.info("using the embedded Assay store")
    with _lock:
        previous, _transport = _transport, transport
    if previous is not None:
        previous.close()


def get_transport() -> Transport:
    """The transport chosen by :func:`initialize`; initialises with the defaults on first use."""
    if _transport is None:
        initialize()
    assert _transport is not None
    return _transport


def reset() -> None:
    """Forget the current transport (closing it); the next call initialises again."""
    global _transport
    with _lock:
        previous, _transport = _transport, None
    if previous is not None:
        previous.close()
