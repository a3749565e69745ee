"""Assets by locator: files inside configured roots, http(s) proxied, s3 presigned; thumbnails with Pillow.

A sample points at its image (or video, document, mask...) with a *locator*. The server reads three kinds:

- ``file:///abs/path`` URIs (percent-encoding decoded) and plain absolute paths, served only when the file,
  once symbolic links and ``..`` are resolved, lies inside one of the asset roots (``ASSAY_ASSET_ROOTS``,
  default ``$ASSAY_HOME``); anything else is refused, so a locator cannot read the server's other files.
- ``http://`` and ``https://`` URLs, fetched by the server (with a timeout and a size cap) and passed on.
- ``s3://bucket/key`` URIs, for which the server presigns a GET with boto3 (``pip install 'assay[s3]'`` and
  the usual AWS credentials; ``ASSAY_S3_ENDPOINT_URL`` for an S3-compatible store).

Thumbnails are made with Pillow on first request and kept on disk under a name derived from the locator, the
source's identity (modification time and size of a file, ``ETag`` of a remote object) and the size, so a
changed source gets a new thumbnail and an unchanged one is never encoded twice. This module knows nothing
of HTTP responses: ``assay.server.routes.assets`` turns what it returns into them.
"""

from __future__ import annotations

import hashlib
import io
import logging
import mimetypes
import os
import stat
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast
from urllib.parse import unquote, urlsplit

import httpx
from PIL import ExifTags, Image, UnidentifiedImageError, features

from assay.errors import (
    IncorrectUsageError,
    InputValidationError,
    NotFoundError,
    PermissionDeniedError,
    TransportError,
)
from assay.store import assay_home, default_database_url

if TYPE_CHECKING:
    from assay.server.settings import Settings

__all__ = [
    "MAX_THUMBNAIL_SIZE",
    "AssetStore",
    "FileAsset",
    "LocalFile",
    "ProxiedAsset",
    "RedirectAsset",
    "RemoteAsset",
    "S3Asset",
    "Thumbnail",
]

logger = logging.getLogger(__name__)

#: The largest thumbnail side the server makes, in pixels.
MAX_THUMBNAIL_SIZE = 256

# Bumped whenever the encoder's output changes, so that old cached thumbnails are not served as new ones.
_THUMBNAIL_FORMAT_VERSION = 1
_JPEG_QUALITY = 85
_WEBP_QUALITY = 85
_IMAGE_SIZE_CACHE = 100_000
_LOCK_STRIPES = 64
_CHUNK = 64 * 1024

# EXIF orientation -> the transpose that shows the image upright (EXIF 2.32, tag 0x0112).
_ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SWAPS_SIDES = frozenset({5, 6, 7, 8})

# Content types under which a remote object may still be an image: object stores often serve uploads that
# were given no type as one of these, so the bytes decide.
_UNTYPED = frozenset({"", "application/octet-stream", "binary/octet-stream"})

# Formats that browsers can run scripts in when opened at the server's origin; see ``LocalFile.sandboxed``.
_UNSANDBOXED_TYPES = frozenset({"application/pdf"})


@dataclass(frozen=True)
class FileAsset:
    """A file locator, resolved and checked against the asset roots.

    Attributes:
        path: The file's real path (symbolic links and ``..`` resolved).
    """

    path: Path


@dataclass(frozen=True)
class RemoteAsset:
    """An ``http(s)`` locator.

    Attributes:
        url: The URL to fetch.
    """

    url: str


@dataclass(frozen=True)
class S3Asset:
    """An ``s3://bucket/key`` locator.

    Attributes:
        bucket: The bucket's name.
        key: The object's key (as written in the locator, not percent-decoded).
    """

    bucket: str
    key: str


Asset = FileAsset | RemoteAsset | S3Asset


@dataclass(frozen=True)
class Thumbnail:
    """A thumbnail on disk, ready to be sent.

    Attributes:
        path: The cached file.
        etag: Its strong entity tag, quoted (``"<hex>"``): it changes whenever the source or the size does.
        media_type: ``image/jpeg``, ``image/png`` or ``image/webp``.
    """

    path: Path
    etag: str
    media_type: str


@dataclass(frozen=True)
class LocalFile:
    """An original served from disk.

    Attributes:
        path: The file.
        stat_result: Its ``os.stat``, for the ``ETag``, ``Last-Modified`` and ``Content-Length`` headers.
        media_type: Its content type, guessed from its name.
    """

    path: Path
    stat_result: os.stat_result
    media_type: str

    @property
    def sandboxed(self) -> bool:
        """Whether to send it with a sandboxing Content-Security-Policy.

        Every type but PDF (which browsers refuse to show sandboxed): an HTML or SVG asset must not run scripts
        at the server's origin.
        """
        return self.media_type not in _UNSANDBOXED_TYPES


@dataclass(frozen=True)
class RedirectAsset:
    """An original the client should fetch from elsewhere (a presigned URL).

    Attributes:
        url: Where to go.
    """

    url: str


@dataclass
class ProxiedAsset:
    """An original fetched from a remote server and relayed as it arrives.

    Attributes:
        status_code: The upstream status: 200, 206 (a range) or 304 (not modified).
        headers: The upstream headers worth passing on (type, length, range, validators).
        chunks: The body; iterating to the end (or closing it) releases the upstream connection.
        close: Releases the upstream connection; safe to call more than once.
    """

    status_code: int
    headers: dict[str, str]
    chunks: Iterator[bytes]
    close: Callable[[], None] = field(repr=False)

    @property
    def sandboxed(self) -> bool:
        """Whether to send it with a sandboxing Content-Security-Policy (see :attr:`LocalFile.sandboxed`)."""
        content_type = self.headers.get("content-type", "").split(";")[0].strip().lower()
        return content_type not in _UNSANDBOXED_TYPES


Original = LocalFile | RedirectAsset | ProxiedAsset


def _sqlite_files(database_url: str) -> frozenset[Path]:
    """The files of a SQLite database URL (the database, its journal, WAL and shared memory), else none."""
    scheme, sep, rest = database_url.partition(":///")
    if not sep or not scheme.split("+")[0] == "sqlite":
        return frozenset()
    name = rest.split("?")[0]
    if not name or name == ":memory:":
        return frozenset()
    database = Path(name).expanduser().resolve()
    return frozenset(
        {database, *(database.with_name(database.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}
    )


def _media_type(content: bytes) -> str:
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG"):
        return "image/png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    raise ValueError("not a thumbnail this store writes")


def _orientation(image: Image.Image) -> int:
    # From the header bytes only: ``getexif`` would decode a whole PNG to look for a trailing eXIf chunk.
    raw = image.info.get("exif")
    if not isinstance(raw, bytes | bytearray):
        return 1
    try:
        exif = Image.Exif()
        exif.load(bytes(raw))
        value = exif.get(ExifTags.Base.Orientation, 1)
    except Exception:  # a malformed EXIF block must not make the image unreadable
        return 1
    return value if isinstance(value, int) else 1


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "RGBa", "LA", "La", "PA"} or "transparency" in image.info


def _displayable(image: Image.Image) -> Image.Image:
    """The image in a mode that JPEG, PNG and WebP can hold: RGBA when it has transparency, else L or RGB."""
    if _has_alpha(image):
        return image.convert("RGBA")
    if image.mode in {"RGB", "L"}:
        return image
    if image.mode == "1":
        return image.convert("L")
    if image.mode.startswith("I") or image.mode == "F":
        # 16-bit and float images (depth maps, some medical scans) would be clipped to white by a plain
        # conversion: stretch their range over 0-255 instead.
        values = image.convert("F")
        low, high = cast(tuple[float, float], values.getextrema())
        scale = 255.0 / (high - low) if high > low else 0.0
        offset = -low * scale
        return values.point(lambda v: v * scale + offset).convert("L")
    return image.convert("RGB")


def _encode_thumbnail(source: str | Path | BinaryIO, size: int, locator: str) -> bytes:
    """Decode ``source`` and encode its thumbnail: longer side at most ``size``, upright, alpha kept.

    Raises:
        InputValidationError: not an image Pillow can read, or one above Pillow's decompression-bomb limit.
    """
    try:
        with Image.open(source) as opened:
            _check_pixels(opened, locator)
            # A JPEG decodes straight to the smallest DCT scale (1/2, 1/4, 1/8) still at least the thumbnail's
            # size: a 1080p photo's first thumbnail then takes 60 ms rather than 100.
            opened.draft(None, (size, size))
            opened.load()
            orientation = _orientation(opened)
            image = _displayable(opened)
            image.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=None)
            transpose = _ORIENTATION_TRANSPOSE.get(orientation)
            if transpose is not None:
                image = image.transpose(transpose)
            return _encode(image)
    except InputValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_large(locator, str(error)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        # Pillow reports truncated or corrupt files as OSError/SyntaxError/ValueError; a missing file never
        # reaches here (it is checked before).
        raise InputValidationError(
            f"the asset {locator!r} is not an image the server can read ({error})", locator=locator
        ) from None


def _check_pixels(image: Image.Image, locator: str) -> None:
    limit = Image.MAX_IMAGE_PIXELS
    width, height = image.size
    # Pillow only warns between its limit and twice it; a thumbnail has no need of such images either.
    if limit is not None and width * height > limit:
        raise _too_large(locator, f"{width}x{height} is more than {limit} pixels")


def _too_large(locator: str, reason: str) -> InputValidationError:
    return InputValidationError(
        f"the image {locator!r} is too large to make a thumbnail of ({reason}); Pillow's decompression-bomb "
        "limit guards the server's memory",
        locator=locator,
    )


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    if image.mode == "RGBA":
        alpha_low, _ = cast(tuple[int, int], image.getchannel("A").getextrema())
        if alpha_low == 255:
            # An alpha channel that hides nothing: a JPEG is a fraction of the size.
            image = image.convert("RGB")
    if image.mode == "RGBA":
        if features.check("webp"):
            image.save(out, format="WEBP", quality=_WEBP_QUALITY, method=4)
        else:
            image.save(out, format="PNG")
    else:
        image.save(out, format="JPEG", quality=_JPEG_QUALITY)
    return out.getvalue()


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        # Readers see the whole thumbnail or none: a rename within a folder is atomic.
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class AssetStore:
    """Where assets may come from, how remote ones are reached, and the thumbnail cache.

    Args:
        roots: Folders whose files ``file`` locators may name; each is resolved once, here.
        thumbnail_cache: The folder of cached thumbnails (made on first use).
        timeout_seconds: How long to wait for a remote server (connect, and between bytes read).
        s3_endpoint_url: An S3-compatible endpoint (path-style addressing); ``None`` for AWS.
        s3_presign_seconds: How long a presigned URL is valid.
        max_source_bytes: The largest remote object the server downloads to make a thumbnail of.
        max_proxy_bytes: The largest remote object the server relays as an original.
        denied: Files never served even inside a root (the store's own database).

    Example:
        >>> from pathlib import Path
        >>> store = AssetStore([Path("/data/images")], Path("/tmp/thumbnails"))
        >>> store.locate("file:///data/images/cat%201.png")
        FileAsset(path=PosixPath('/data/images/cat 1.png'))
        >>> store.locate("/data/images/../secrets.txt")
        Traceback (most recent call last):
        ...
        assay.errors.PermissionDeniedError: the file '/data/images/../secrets.txt' is outside the asset roots ...
    """

    def __init__(
        self,
        roots: Sequence[Path],
        thumbnail_cache: Path,
        *,
        timeout_seconds: float = 20.0,
        s3_endpoint_url: str | None = None,
        s3_presign_seconds: int = 3600,
        max_source_bytes: int = 64 * 1024 * 1024,
        max_proxy_bytes: int = 2 * 1024 * 1024 * 1024,
        denied: frozenset[Path] = frozenset(),
    ) -> None:
        self.roots = tuple(Path(root).expanduser().resolve() for root in roots)
        self.thumbnail_cache = Path(thumbnail_cache).expanduser()
        self.timeout_seconds = timeout_seconds
        self.s3_endpoint_url = s3_endpoint_url
        self.s3_presign_seconds = s3_presign_seconds
        self.max_source_bytes = max_source_bytes
        self.max_proxy_bytes = max_proxy_bytes
        self._denied = denied
        self._http: httpx.Client | None = None
        self._s3: Any = None
        self._setup_lock = threading.Lock()
        # Requests for the same thumbnail wait for the first one to encode it rather than encode it again.
        self._encode_locks = tuple(threading.Lock() for _ in range(_LOCK_STRIPES))
        # locator -> (real path, mtime_ns, bytes, size): a hit costs one stat, and a rewritten image is read again.
        self._sizes: OrderedDict[str, tuple[Path, int, int, tuple[int, int] | None]] = OrderedDict()
        self._sizes_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> AssetStore:
        """The store the server's settings describe.

        Args:
            settings: ``asset_roots`` (default ``[$ASSAY_HOME]``), ``thumbnail_cache`` (default
                ``$ASSAY_HOME/cache/thumbnails``), ``asset_timeout_seconds``, ``s3_endpoint_url`` and
                ``s3_presign_seconds``. When the served database is a SQLite file, its files are never served.

        Returns:
            The store.
        """
        roots = settings.asset_roots if settings.asset_roots is not None else [assay_home()]
        cache = settings.thumbnail_cache or assay_home() / "cache" / "thumbnails"
        return cls(
            roots,
            cache,
            timeout_seconds=settings.asset_timeout_seconds,
            s3_endpoint_url=settings.s3_endpoint_url,
            s3_presign_seconds=settings.s3_presign_seconds,
            denied=_sqlite_files(settings.database_url_value() or default_database_url()),
        )

    def close(self) -> None:
        """Release the pooled connections to remote servers."""
        if self._http is not None:
            self._http.close()
            self._http = None

    # -- locators -------------------------------------------------------------------------------------------

    def locate(self, locator: str) -> Asset:
        """What a locator names, checked: a file inside the roots, a URL, or an S3 object.

        Args:
            locator: ``file:///...``, an absolute path, ``http(s)://...`` or ``s3://bucket/key``.

        Returns:
            The asset. A file is not yet known to exist.

        Raises:
            PermissionDeniedError: a file outside the asset roots (after resolving links and ``..``).
            InputValidationError: a locator of another kind, a relative path, or a ``file`` URI with a host.
        """
        scheme = locator.split(":", 1)[0].lower() if ":" in locator else ""
        if scheme in {"http", "https"}:
            if not urlsplit(locator).netloc:
                raise InputValidationError(f"the URL {locator!r} names no host", locator=locator)
            return RemoteAsset(locator)
        if scheme == "s3":
            bucket, _, key = locator[len("s3://") :].partition("/") if locator[:5].lower() == "s3://" else ("", "", "")
            if not bucket or not key:
                raise InputValidationError(
                    f"the S3 locator {locator!r} is not of the form s3://bucket/key", locator=locator
                )
            return S3Asset(bucket, key)
        if scheme == "file":
            parts = urlsplit(locator)
            if parts.netloc not in {"", "localhost"}:
                raise InputValidationError(
                    f"the file URI {locator!r} names the host {parts.netloc!r}; only local files "
                    "(file:///path) are served",
                    locator=locator,
                )
            return FileAsset(self._inside_roots(unquote(parts.path), locator))
        if locator.startswith("/"):
            return FileAsset(self._inside_roots(locator, locator))
        raise InputValidationError(
            f"the locator {locator!r} is not one the server can read: use file:///absolute/path (inside the "
            "asset roots), an absolute path, http(s)://... or s3://bucket/key",
            locator=locator,
        )

    def _inside_roots(self, path_text: str, locator: str) -> Path:
        if "\x00" in path_text:
            raise InputValidationError(f"the locator {locator!r} holds a NUL character", locator=locator)
        path = Path(path_text)
        if not path.is_absolute():
            raise InputValidationError(f"the file locator {locator!r} is not an absolute path", locator=locator)
        # Links and ``..`` are resolved before the check: the lexical path proves nothing about where a file is.
        try:
            real = path.resolve()
        except (OSError, RuntimeError) as error:  # a symbolic-link loop, a name too long...
            raise NotFoundError(f"the file locator {locator!r} cannot be resolved ({error})", locator=locator) from None
        if real in self._denied:
            raise PermissionDeniedError(
                f"the locator {locator!r} names the store's own database, which is never served", locator=locator
            )
        if not any(real.is_relative_to(root) for root in self.roots):
            roots = ", ".join(str(root) for root in self.roots)
            raise PermissionDeniedError(
                f"the file {path_text!r} is outside the asset roots ({roots}); the server reads only files "
                "inside them. To serve it, add its folder to ASSAY_ASSET_ROOTS (a JSON list of folders) and "
                "restart the server",
                locator=locator,
            )
        return real

    @staticmethod
    def _stat_file(path: Path, locator: str) -> os.stat_result:
        try:
            found = path.stat()
        except FileNotFoundError:
            raise NotFoundError(f"no file for the locator {locator!r}", locator=locator) from None
        except PermissionError:
            raise PermissionDeniedError(
                f"the server may not read the file of the locator {locator!r}", locator=locator
            ) from None
        except OSError as error:
            raise NotFoundError(f"no file for the locator {locator!r} ({error.strerror})", locator=locator) from None
        if not stat.S_ISREG(found.st_mode):
            raise NotFoundError(f"the locator {locator!r} names a folder or device, not a file", locator=locator)
        return found

    # -- image sizes ----------------------------------------------------------------------------------------

    def image_size(self, locator: str) -> tuple[int, int] | None:
        """The displayed pixel size of an image file, from its header only (EXIF rotation applied).

        Remembered per locator (a bounded cache, checked against the file's modification time and length), so
        the gallery can lay out pages of samples before any image loads.

        Args:
            locator: Any locator.

        Returns:
            ``(width, height)``; ``None`` when unknown: a remote asset, a file that is missing, outside the
            roots or not an image.
        """
        with self._sizes_lock:
            entry = self._sizes.get(locator)
            if entry is not None:
                self._sizes.move_to_end(locator)
        if entry is not None:
            path, mtime_ns, length, remembered = entry
            try:
                now = path.stat()
            except OSError:
                now = None
            if now is not None and (now.st_mtime_ns, now.st_size) == (mtime_ns, length):
                return remembered
        try:
            asset = self.locate(locator)
            if not isinstance(asset, FileAsset):
                return None
            found = self._stat_file(asset.path, locator)
        except (InputValidationError, PermissionDeniedError, NotFoundError):
            # Not remembered: the file may appear, or the locator was refused (and will be again, cheaply).
            return None
        size = self._read_size(asset.path)
        with self._sizes_lock:
            self._sizes[locator] = (asset.path, found.st_mtime_ns, found.st_size, size)
            if len(self._sizes) > _IMAGE_SIZE_CACHE:
                self._sizes.popitem(last=False)
        return size

    @staticmethod
    def _read_size(path: Path) -> tuple[int, int] | None:
        try:
            # ``open`` reads the header only; the pixels are decoded by ``load``, which is never called here.
            with Image.open(path) as image:
                width, height = image.size
                orientation = _orientation(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return None
        return (height, width) if orientation in _SWAPS_SIDES else (width, height)

    # -- thumbnails -----------------------------------------------------------------------------------------

    def thumbnail(self, locator: str, size: int = MAX_THUMBNAIL_SIZE) -> Thumbnail:
        """The thumbnail of an image asset, from the disk cache or made (once) and cached.

        Args:
            locator: The image's locator.
            size: The longer side in pixels, 1 to :data:`MAX_THUMBNAIL_SIZE`; smaller images are not enlarged.

        Returns:
            The cached thumbnail with its entity tag and content type.

        Raises:
            PermissionDeniedError: a file outside the asset roots.
            NotFoundError: no such file or remote object.
            InputValidationError: not an image, too large an image, a bad locator or size.
            IncorrectUsageError: an ``s3://`` locator on a server without boto3 or credentials.
            TransportError: the remote server failed or did not answer in time.
        """
        if not 1 <= size <= MAX_THUMBNAIL_SIZE:
            raise InputValidationError(f"a thumbnail's size is 1 to {MAX_THUMBNAIL_SIZE} pixels, got {size}", size=size)
        asset = self.locate(locator)
        if isinstance(asset, FileAsset):
            found = self._stat_file(asset.path, locator)
            key = self._cache_key(locator, f"file:{found.st_mtime_ns}:{found.st_size}:{found.st_ino}", size)
            return self._cached_or_made(key, lambda: _encode_thumbnail(asset.path, size, locator))
        url = asset.url if isinstance(asset, RemoteAsset) else self._presign(asset)
        return self._remote_thumbnail(locator, url, size)

    def _cache_key(self, locator: str, identity: str, size: int) -> str:
        text = f"{_THUMBNAIL_FORMAT_VERSION}\n{locator}\n{identity}\n{size}"
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def _cache_path(self, key: str) -> Path:
        return self.thumbnail_cache / key[:2] / key

    def _cached(self, key: str) -> Thumbnail | None:
        path = self._cache_path(key)
        try:
            with path.open("rb") as cached:
                head = cached.read(12)
        except FileNotFoundError:
            return None
        try:
            media_type = _media_type(head)
        except ValueError:
            # Not something this store wrote (a truncated file from a full disk, say): make it again.
            return None
        return Thumbnail(path, f'"{key}"', media_type)

    def _cached_or_made(self, key: str, make: Callable[[], bytes]) -> Thumbnail:
        found = self._cached(key)
        if found is not None:
            return found
        with self._encode_locks[int(key[:8], 16) % _LOCK_STRIPES]:
            found = self._cached(key)
            if found is not None:
                return found
            content = make()
            _write_atomically(self._cache_path(key), content)
        return Thumbnail(self._cache_path(key), f'"{key}"', _media_type(content))

    def _remote_thumbnail(self, locator: str, url: str, size: int) -> Thumbnail:
        client = self._client()
        try:
            response = client.send(client.build_request("GET", url), stream=True)
        except httpx.HTTPError as error:
            raise TransportError(f"fetching the asset {locator!r} failed: {error}", locator=locator) from None
        try:
            self._check_upstream(response, locator)
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if not content_type.startswith("image/") and content_type not in _UNTYPED:
                raise InputValidationError(
                    f"the asset {locator!r} is not an image (its server says {content_type!r})",
                    locator=locator,
                    content_type=content_type,
                )
            identity = self._remote_identity(response.headers)
            if identity is not None:
                key = self._cache_key(locator, identity, size)
                found = self._cached(key)
                if found is not None:
                    # Known from the headers alone: the body is never downloaded.
                    return found
            body = self._read_capped(response, locator, self.max_source_bytes)
        finally:
            response.close()
        if identity is None:
            identity = "sha256:" + hashlib.sha256(body).hexdigest()
            key = self._cache_key(locator, identity, size)
        return self._cached_or_made(key, lambda: _encode_thumbnail(io.BytesIO(body), size, locator))

    @staticmethod
    def _remote_identity(headers: httpx.Headers) -> str | None:
        etag = headers.get("etag")
        if etag:
            return f"etag:{etag}"
        modified = headers.get("last-modified")
        if modified:
            return f"modified:{modified}:{headers.get('content-length', '')}"
        return None

    @staticmethod
    def _read_capped(response: httpx.Response, locator: str, cap: int) -> bytes:
        declared = response.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > cap:
            raise InputValidationError(
                f"the asset {locator!r} is {int(declared)} bytes, more than the {cap} the server downloads",
                locator=locator,
            )
        body = bytearray()
        try:
            for chunk in response.iter_bytes(_CHUNK):
                body.extend(chunk)
                if len(body) > cap:
                    raise InputValidationError(
                        f"the asset {locator!r} is more than the {cap} bytes the server downloads", locator=locator
                    )
        except httpx.HTTPError as error:
            raise TransportError(f"reading the asset {locator!r} failed: {error}", locator=locator) from None
        return bytes(body)

    # -- originals ------------------------------------------------------------------------------------------

    def original(self, locator: str, request_headers: Mapping[str, str] | None = None) -> Original:
        """How to send the asset itself.

        Args:
            locator: The asset's locator.
            request_headers: The client's headers; ``Range``, ``If-Range``, ``If-None-Match`` and
                ``If-Modified-Since`` are passed to a remote server so that its answer can be relayed as is.

        Returns:
            A :class:`LocalFile` to stream, a :class:`RedirectAsset` to a presigned URL, or a
            :class:`ProxiedAsset` relaying a remote server's answer (the caller must send or close it).

        Raises:
            PermissionDeniedError: a file outside the asset roots.
            NotFoundError: no such file or remote object.
            InputValidationError: a bad locator, or a remote object above the size cap.
            IncorrectUsageError: an ``s3://`` locator on a server without boto3 or credentials.
            TransportError: the remote server failed or did not answer in time.
        """
        asset = self.locate(locator)
        if isinstance(asset, FileAsset):
            found = self._stat_file(asset.path, locator)
            media_type = mimetypes.guess_type(asset.path.name)[0] or "application/octet-stream"
            return LocalFile(asset.path, found, media_type)
        if isinstance(asset, S3Asset):
            return RedirectAsset(self._presign(asset))
        return self._proxy(locator, asset.url, request_headers or {})

    def _proxy(self, locator: str, url: str, request_headers: Mapping[str, str]) -> ProxiedAsset:
        lowered = {name.lower(): value for name, value in request_headers.items()}
        conditions = ("range", "if-range", "if-none-match", "if-modified-since")
        forwarded: dict[str, str] = {name: lowered[name] for name in conditions if name in lowered}
        # The bytes are relayed untouched, so their length must be that of what the client receives.
        forwarded["accept-encoding"] = "identity"
        client = self._client()
        try:
            response = client.send(client.build_request("GET", url, headers=forwarded), stream=True)
        except httpx.HTTPError as error:
            raise TransportError(f"fetching the asset {locator!r} failed: {error}", locator=locator) from None
        try:
            if response.status_code != 304:
                self._check_upstream(response, locator)
            declared = response.headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > self.max_proxy_bytes:
                raise InputValidationError(
                    f"the asset {locator!r} is {int(declared)} bytes, more than the {self.max_proxy_bytes} the "
                    "server relays",
                    locator=locator,
                )
        except BaseException:
            response.close()
            raise
        passed = ("content-type", "content-length", "content-range", "accept-ranges", "etag", "last-modified")
        headers = {name: response.headers[name] for name in passed if name in response.headers}
        return ProxiedAsset(response.status_code, headers, self._relay(response, locator), response.close)

    def _relay(self, response: httpx.Response, locator: str) -> Iterator[bytes]:
        sent = 0
        try:
            for chunk in response.iter_raw(_CHUNK):
                sent += len(chunk)
                if sent > self.max_proxy_bytes:
                    # The status is already sent: all that is left is to stop short.
                    logger.warning("stopped relaying %s at the %d-byte cap", locator, self.max_proxy_bytes)
                    return
                yield chunk
        except httpx.HTTPError as error:
            logger.warning("relaying %s failed: %s", locator, error)
        finally:
            response.close()

    # -- remote access --------------------------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        with self._setup_lock:
            if self._http is None:
                self._http = httpx.Client(
                    timeout=httpx.Timeout(self.timeout_seconds),
                    follow_redirects=True,
                    headers={"User-Agent": "assay-server"},
                )
            return self._http

    @staticmethod
    def _check_upstream(response: httpx.Response, locator: str) -> None:
        if response.status_code in {404, 410}:
            raise NotFoundError(
                f"no asset at {locator!r} (its server answered {response.status_code})", locator=locator
            )
        if response.status_code >= 400:
            raise TransportError(
                f"the server of the asset {locator!r} answered {response.status_code}",
                locator=locator,
                status=response.status_code,
            )

    def _presign(self, asset: S3Asset) -> str:
        client = self._s3_client()
        try:
            url: str = client.generate_presigned_url(
                "get_object",
                Params={"Bucket": asset.bucket, "Key": asset.key},
                ExpiresIn=self.s3_presign_seconds,
            )
        except Exception as error:  # botocore raises many unrelated classes (no credentials, bad parameters...)
            raise IncorrectUsageError(
                f"presigning s3://{asset.bucket}/{asset.key} failed: {error}", bucket=asset.bucket, key=asset.key
            ) from None
        return url

    def _s3_client(self) -> Any:
        with self._setup_lock:
            if self._s3 is not None:
                return self._s3
            try:
                import boto3  # type: ignore[import-untyped]
                from botocore.config import Config  # type: ignore[import-untyped]
            except ImportError:
                raise IncorrectUsageError(
                    "s3:// locators need boto3 on the server: install it with `pip install 'assay[s3]'`"
                ) from None
            session = boto3.session.Session()
            if session.get_credentials() is None:
                raise IncorrectUsageError(
                    "s3:// locators need AWS credentials on the server: set AWS_ACCESS_KEY_ID and "
                    "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), and ASSAY_S3_ENDPOINT_URL for an S3-compatible store"
                )
            # Path-style URLs for a custom endpoint: S3-compatible stores (MinIO, Ceph...) rarely serve
            # bucket subdomains.
            addressing = "path" if self.s3_endpoint_url else "auto"
            self._s3 = session.client(
                "s3",
                endpoint_url=self.s3_endpoint_url,
                config=Config(
                    signature_version="s3v4",
                    s3={"addressing_style": addressing},
                    connect_timeout=self.timeout_seconds,
                    read_timeout=self.timeout_seconds,
                ),
            )
            return self._s3
