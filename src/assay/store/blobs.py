"""The blob folder: files (images, masks, assets) stored by content under the embedded store's home."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from assay.errors import InputValidationError, NotFoundError

__all__ = ["BlobStore"]


class BlobStore:
    """Content-addressed files in a local folder: a blob's key is the SHA-256 of its bytes.

    Writes go to a temporary file that is renamed into place, so a reader never sees half a blob and a
    crash leaves no partial one.

    Args:
        root: The folder; created if missing.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise InputValidationError(f"blob key {key!r} is not a SHA-256 hex digest", key=key)
        return self.root / key[:2] / key[2:]

    def put(self, data: bytes) -> str:
        """Store bytes; returns their key (storing the same bytes again is a no-op)."""
        key = hashlib.sha256(data).hexdigest()
        path = self._path(key)
        if path.exists():
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def get(self, key: str) -> bytes:
        """The bytes of a blob.

        Raises:
            NotFoundError: no blob has that key.
        """
        path = self._path(key)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise NotFoundError(f"no blob with key {key}", key=key) from None

    def exists(self, key: str) -> bool:
        """Whether a blob of that key is stored."""
        return self._path(key).exists()

    def path(self, key: str) -> Path:
        """The file of a blob, for serving it without reading it into memory.

        Raises:
            NotFoundError: no blob has that key.
        """
        path = self._path(key)
        if not path.exists():
            raise NotFoundError(f"no blob with key {key}", key=key)
        return path
