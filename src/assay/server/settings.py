"""The server's settings: one class, read from ``ASSAY_*`` environment variables."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """How ``assay server`` runs.

    Every field can be set by an environment variable: the field name in capitals after ``ASSAY_``
    (``ASSAY_DATABASE_URL``, ``ASSAY_SERVER_HOST``, ...). ``ASSAY_HOST`` is deliberately not read here: on a
    client it names the server to talk to (a URL), not the address to listen on.

    Attributes:
        database_url: The database to serve; ``None`` for the embedded default (``$ASSAY_HOME/assay.db``).
            A secret, since it may hold a password: it never appears in a ``repr`` or a log.
        server_host: The address to listen on.
        server_port: The port to listen on.
        page_size: The most rows one request returns from a paged list; clients page through the rest.
        title: The API's title in the OpenAPI document.
    """

    model_config = SettingsConfigDict(env_prefix="ASSAY_", extra="ignore", frozen=True)

    database_url: SecretStr | None = None
    server_host: str = "127.0.0.1"
    server_port: int = Field(default=8000, ge=0, le=65535)
    page_size: int = Field(default=10_000, ge=1)
    title: str = "Assay"

    def database_url_value(self) -> str | None:
        """The database URL in clear, for opening the store (never for logging)."""
        return None if self.database_url is None else self.database_url.get_secret_value()
