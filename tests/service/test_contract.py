"""The service offers exactly the transport's methods, so LocalTransport and the server can delegate to it."""

from __future__ import annotations

import inspect

import pytest

from assay.client.base import Transport
from assay.service import Service

TRANSPORT_METHODS = sorted(
    name for name, value in vars(Transport).items() if callable(value) and not name.startswith("_")
)


def test_the_service_is_a_transport(service: Service) -> None:
    assert isinstance(service, Transport)


@pytest.mark.parametrize("name", TRANSPORT_METHODS)
def test_signatures_match_the_transport(name: str) -> None:
    assert inspect.signature(getattr(Service, name)) == inspect.signature(getattr(Transport, name))
