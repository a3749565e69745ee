"""Database URLs: the embedded default, redaction for logs, unsupported URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.errors import InputValidationError
from assay.service import Service
from assay.store import BlobStore, default_database_url, redact_url
from assay.store.engine import create_store_engine


def test_default_is_a_sqlite_file_in_assay_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSAY_DATABASE_URL", raising=False)
    monkeypatch.setenv("ASSAY_HOME", str(tmp_path / "home"))
    assert default_database_url() == f"sqlite:///{tmp_path / 'home' / 'assay.db'}"
    assert (tmp_path / "home").is_dir()
    service = Service.from_url()
    service.close()
    assert (tmp_path / "home" / "assay.db").is_file()


def test_the_environment_names_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_DATABASE_URL", "postgresql+psycopg://u:pw@db/assay")
    assert default_database_url() == "postgresql+psycopg://u:pw@db/assay"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://assay:s3cret@db:5432/assay", "postgresql+psycopg://assay:***@db:5432/assay"),
        ("sqlite:////tmp/assay.db", "sqlite:////tmp/assay.db"),
        ("not a url://user:s3cret@host", "not a url://***@host"),
    ],
)
def test_passwords_are_hidden(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert "s3cret" not in redact_url(url)


@pytest.mark.parametrize(
    "url",
    ["mysql://u@h/db", "sqlite://", "sqlite:///:memory:", "nonsense"],
    ids=["mysql", "memory", "memory2", "junk"],
)
def test_unsupported_databases_are_refused(url: str) -> None:
    with pytest.raises(InputValidationError):
        create_store_engine(url)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'assay.db'}"
    Service.from_url(database_url).close()
    engine = create_store_engine(database_url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_blobs_are_stored_by_content(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    key = blobs.put(b"png bytes")
    assert blobs.put(b"png bytes") == key
    assert blobs.get(key) == b"png bytes"
    assert blobs.path(key).read_bytes() == b"png bytes"
    assert not blobs.exists("0" * 64)
    with pytest.raises(InputValidationError):
        blobs.get("../../etc/passwd")
