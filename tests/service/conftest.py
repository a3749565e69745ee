"""Fixtures of the service tests."""

from __future__ import annotations

import pytest
from tests.service.builders import WORKFLOW

from assay.service import Service


@pytest.fixture
def workflow(service: Service) -> str:
    """A registered workflow."""
    service.register_workflow(WORKFLOW, {"test_sample": "Image"})
    return WORKFLOW
