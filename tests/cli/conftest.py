"""Fixtures of the CLI tests: the commands run on a fresh SQLite database named by ASSAY_DATABASE_URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner


@pytest.fixture
def database_kind() -> str:
    return "sqlite"


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment of a user whose database is the test's."""
    return {"ASSAY_DATABASE_URL": database_url, "ASSAY_HOME": str(tmp_path / "home"), "COLUMNS": "200"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
