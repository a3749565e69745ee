"""API tokens: the secret is shown once and stored only as a hash."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from assay.errors import InputValidationError, InvalidTokenError, NotFoundError
from assay.service import Service
from assay.store.engine import create_store_engine


def test_a_token_verifies_until_revoked(service: Service) -> None:
    record, secret = service.create_token("ci")
    assert secret.startswith("assay_") and len(secret) > 40
    assert service.verify_token(secret) == record
    assert record.prefix == secret[len("assay_") :][:8]
    revoked = service.revoke_token(record.id)
    assert revoked.revoked is not None
    with pytest.raises(InvalidTokenError, match="revoked"):
        service.verify_token(secret)
    assert service.list_tokens() == [revoked]


@pytest.mark.parametrize("secret", ["", "assay_not-a-token", "x" * 80])
def test_unknown_secrets_are_refused(service: Service, secret: str) -> None:
    service.create_token("ci")
    with pytest.raises(InvalidTokenError):
        service.verify_token(secret)


def test_tokens_are_distinct_and_revoking_a_missing_one_fails(service: Service) -> None:
    secrets = {service.create_token(f"t{i}")[1] for i in range(5)}
    assert len(secrets) == 5
    with pytest.raises(NotFoundError):
        service.revoke_token(999)
    with pytest.raises(InputValidationError):
        service.create_token(" ")


def test_the_secret_is_nowhere_in_the_database(service: Service, database_url: str) -> None:
    _, secret = service.create_token("ci")
    service.close()
    engine = create_store_engine(database_url)
    try:
        with engine.connect() as connection:
            stored = [tuple(map(str, row)) for row in connection.execute(text("SELECT * FROM api_token"))]
    finally:
        engine.dispose()
    assert stored and all(secret not in value and secret[6:] not in value for row in stored for value in row)
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        for file in path.parent.glob(path.name + "*"):
            assert secret[6:].encode() not in file.read_bytes()
