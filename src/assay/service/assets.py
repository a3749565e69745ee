"""Assets by locator: files inside configured roots, http(s) proxied, s3 presigned; thumbnails with Pillow.

CONTRACT SKELETON (session 3): helper C fills this module in; see /tmp/contract7.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request, Response

if TYPE_CHECKING:
    from assay.server.settings import Settings

__all__ = ["AssetStore"]


class AssetStore:
    """Where assets are allowed to come from, and the thumbnail cache."""

    @classmethod
    def from_settings(cls, settings: Settings) -> AssetStore:
        return cls()

    def image_size(self, locator: str) -> tuple[int, int] | None:
        return None

    def thumbnail_response(self, request: Request, locator: str, size: int) -> Response:
        raise NotImplementedError

    def original_response(self, request: Request, locator: str) -> Response:
        raise NotImplementedError
