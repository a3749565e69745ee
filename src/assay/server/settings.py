"""The server's settings: one class, read from ``ASSAY_*`` environment variables."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

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
        session_days: How long a web app sign-in lasts, in days.
        sign_in_code_minutes: How long the one-time sign-in link that ``assay server`` prints can be used.
        title: The API's title in the OpenAPI document.
        asset_roots: Folders whose files samples may point at (``file://`` URIs and absolute paths); a file
            outside them, once symbolic links and ``..`` are resolved, is refused (403), and so is the served
            SQLite database. Default: ``[$ASSAY_HOME]``. From the environment as a JSON list, for example
            ``ASSAY_ASSET_ROOTS='["/data/images", "/mnt/shared"]'``.
        thumbnail_cache: Where thumbnails are kept; default ``$ASSAY_HOME/cache/thumbnails``. Nothing is ever
            evicted: delete the folder to reclaim the space (thumbnails are made again on demand).
        asset_timeout_seconds: How long to wait for the server of an ``http(s)`` or ``s3://`` asset (to
            connect, and between bytes).
        s3_endpoint_url: An S3-compatible endpoint for ``s3://`` locators, addressed path-style (MinIO, Ceph...);
            default: AWS. Credentials come from boto3's usual sources (``AWS_ACCESS_KEY_ID``, profiles, roles).
        s3_presign_seconds: How long a presigned ``s3://`` URL is valid.
    """

    model_config = SettingsConfigDict(env_prefix="ASSAY_", extra="ignore", frozen=True)

    database_url: SecretStr | None = None
    server_host: str = "127.0.0.1"
    server_port: int = Field(default=8000, ge=0, le=65535)
    page_size: int = Field(default=10_000, ge=1)
    session_days: float = Field(default=7, gt=0)
    sign_in_code_minutes: float = Field(default=10, gt=0)
    title: str = "Assay"
    asset_roots: list[Path] | None = None
    thumbnail_cache: Path | None = None
    asset_timeout_seconds: float = Field(default=20, gt=0)
    s3_endpoint_url: str | None = None
    s3_presign_seconds: int = Field(default=3600, ge=1, le=7 * 24 * 3600)

    @property
    def session_lifetime(self) -> timedelta:
        """How long a web app session lasts."""
        return timedelta(days=self.session_days)

    @property
    def sign_in_code_lifetime(self) -> timedelta:
        """How long a one-time sign-in code can be used."""
        return timedelta(minutes=self.sign_in_code_minutes)

    def database_url_value(self) -> str | None:
        """The database URL in clear, for opening the store (never for logging)."""
        return None if self.database_url is None else self.database_url.get_secret_value()
