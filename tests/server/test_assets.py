"""``/app/assets``: thumbnails and originals by locator, through the app, with real files and local servers.

Remote assets come from a threaded ``http.server`` on 127.0.0.1 (no internet here); it also stands in as the
S3 endpoint, which boto3 presigns for offline with fake credentials.
"""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from fastapi import FastAPI
from PIL import Image
from tests.server.support import TestClient

from assay.server import Settings
from assay.service import assets as assets_module
from assay.service.assets import AssetStore

THUMBNAIL = "/api/v1/app/assets/thumbnail"
ORIGINAL = "/api/v1/app/assets/file"
IMMUTABLE = "private, max-age=31536000, immutable"

RED = (255, 0, 0)
BLUE = (0, 0, 255)


# -- fixtures -----------------------------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh ``$ASSAY_HOME`` of this test, so that the default asset root and cache are its own."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("ASSAY_HOME", str(folder))
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "root"
    folder.mkdir()
    return folder


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A readable image that lies outside every asset root."""
    path = tmp_path / "outside" / "secret.png"
    path.parent.mkdir()
    Image.new("RGB", (8, 8), RED).save(path)
    return path


@pytest.fixture
def settings(home: Path, root: Path, tmp_path: Path) -> Settings:
    return Settings(asset_roots=[root], thumbnail_cache=tmp_path / "thumbnails", asset_timeout_seconds=2)


@pytest.fixture
def store(app: FastAPI) -> AssetStore:
    found: AssetStore = app.state.assets
    return found


@pytest.fixture
def encodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The locators of every thumbnail the server encodes (a cache hit adds none)."""
    calls: list[str] = []
    real = assets_module._encode_thumbnail

    def counting(source: Any, size: int, locator: str) -> bytes:
        calls.append(locator)
        return real(source, size, locator)

    monkeypatch.setattr(assets_module, "_encode_thumbnail", counting)
    return calls


def save(image: Image.Image, path: Path, **options: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, **options)
    return path


def halves(size: tuple[int, int], left: tuple[int, ...], right: tuple[int, ...], mode: str = "RGB") -> Image.Image:
    """An image whose left half is ``left`` and right half ``right``."""
    image = Image.new(mode, size, left)
    image.paste(Image.new(mode, (size[0] - size[0] // 2, size[1]), right), (size[0] // 2, 0))
    return image


def decode(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def close_to(pixel: Any, colour: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(int(a) - int(b)) <= tolerance for a, b in zip(pixel, colour, strict=True))


def get_thumbnail(client: TestClient, auth: dict[str, str], locator: str, size: int | None = None, **headers: str):
    params: dict[str, Any] = {"locator": locator}
    if size is not None:
        params["size"] = size
    return client.get(THUMBNAIL, params=params, headers={**auth, **headers})


# -- a local HTTP server ------------------------------------------------------------------------------------


@dataclass
class Served:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class LocalHttpServer:
    """A threaded HTTP server on 127.0.0.1 answering from a table of paths; records what it was asked."""

    def __init__(self) -> None:
        self.routes: dict[str, Served] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                owner.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                served = owner.routes.get(urlsplit(self.path).path, Served(404, b"not here"))
                if served.delay:
                    time.sleep(served.delay)
                body, status = served.body, served.status
                range_header = self.headers.get("Range")
                if range_header and status == 200 and range_header.startswith("bytes="):
                    start, _, end = range_header.removeprefix("bytes=").partition("-")
                    last = int(end) if end else len(body) - 1
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{last}/{len(body)}")
                    body = body[int(start) : last + 1]
                else:
                    self.send_response(status)
                for name, value in served.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def paths(self) -> list[str]:
        return [urlsplit(path).path for path, _ in self.requests]


@pytest.fixture
def remote() -> Iterator[LocalHttpServer]:
    server = LocalHttpServer()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def png_bytes(size: tuple[int, int], colour: tuple[int, ...] = RED, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format="PNG")
    return out.getvalue()


# -- thumbnails of files ------------------------------------------------------------------------------------


def test_png_thumbnail_is_a_jpeg_whose_longer_side_is_the_size(client: TestClient, auth, root: Path) -> None:
    path = save(halves((400, 300), RED, BLUE), root / "wide.png")
    response = get_thumbnail(client, auth, path.as_uri())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg"
    image = decode(response.content)
    assert (image.format, image.size) == ("JPEG", (256, 192))
    assert close_to(image.getpixel((10, 96)), RED) and close_to(image.getpixel((245, 96)), BLUE)


def test_jpeg_thumbnail_of_a_tall_image_at_a_requested_size(client: TestClient, auth, root: Path) -> None:
    path = save(halves((300, 600), RED, BLUE), root / "tall.jpg", quality=95)
    image = decode(get_thumbnail(client, auth, path.as_uri(), size=100).content)
    assert (image.format, image.size) == ("JPEG", (50, 100))


def test_plain_absolute_paths_are_locators_too(client: TestClient, auth, root: Path) -> None:
    path = save(Image.new("RGB", (40, 20), BLUE), root / "with space & more.png")
    response = get_thumbnail(client, auth, str(path))
    assert response.status_code == 200, response.text
    assert decode(response.content).size == (40, 20)


def test_a_small_image_is_not_enlarged(client: TestClient, auth, root: Path) -> None:
    path = save(Image.new("RGB", (30, 20), BLUE), root / "small.png")
    assert decode(get_thumbnail(client, auth, path.as_uri()).content).size == (30, 20)


def test_rgba_thumbnail_keeps_its_transparency(client: TestClient, auth, root: Path) -> None:
    path = save(halves((200, 100), (255, 0, 0, 255), (0, 0, 0, 0), mode="RGBA"), root / "cutout.png")
    response = get_thumbnail(client, auth, path.as_uri(), size=100)
    assert response.headers["content-type"] in {"image/webp", "image/png"}
    image = decode(response.content).convert("RGBA")
    assert image.size == (100, 50)
    assert image.getpixel((10, 25))[3] == 255 and close_to(image.getpixel((10, 25))[:3], RED)
    assert image.getpixel((90, 25))[3] == 0


def test_an_opaque_alpha_channel_gives_a_jpeg(client: TestClient, auth, root: Path) -> None:
    path = save(Image.new("RGBA", (64, 64), (0, 0, 255, 255)), root / "opaque.png")
    assert get_thumbnail(client, auth, path.as_uri()).headers["content-type"] == "image/jpeg"


def test_palette_image_with_a_transparent_colour_keeps_it(client: TestClient, auth, root: Path) -> None:
    image = halves((64, 32), RED, BLUE).convert("P", palette=Image.Palette.ADAPTIVE, colors=2)
    transparent = image.getpixel((60, 16))
    path = save(image, root / "palette.png", transparency=transparent)
    thumbnail = decode(get_thumbnail(client, auth, path.as_uri()).content).convert("RGBA")
    assert thumbnail.getpixel((60, 16))[3] == 0 and thumbnail.getpixel((4, 16))[3] == 255


def test_sixteen_bit_image_is_stretched_not_clipped(client: TestClient, auth, root: Path) -> None:
    image = Image.new("I;16", (64, 32), 1000)
    image.paste(Image.new("I;16", (32, 32), 3000), (32, 0))
    path = save(image, root / "depth.png")
    thumbnail = decode(get_thumbnail(client, auth, path.as_uri()).content)
    assert thumbnail.mode == "L"
    assert thumbnail.getpixel((4, 16)) < 20 and thumbnail.getpixel((60, 16)) > 235


def exif_rotated_jpeg(path: Path) -> Path:
    """A 60x40 JPEG, left half red and right half blue, tagged 'rotate 90° clockwise to show' (orientation 6)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return save(halves((60, 40), RED, BLUE), path, quality=95, exif=exif.tobytes())


def test_exif_orientation_is_applied(client: TestClient, auth, root: Path) -> None:
    path = exif_rotated_jpeg(root / "phone.jpg")
    image = decode(get_thumbnail(client, auth, path.as_uri(), size=64).content)
    # Turned a quarter clockwise, the left (red) half is on top.
    assert image.size == (40, 60)
    assert close_to(image.getpixel((20, 5)), RED) and close_to(image.getpixel((20, 55)), BLUE)


def test_image_size_reads_the_header_with_its_orientation(app: FastAPI, store: AssetStore, root: Path) -> None:
    rotated = exif_rotated_jpeg(root / "phone.jpg")
    plain = save(Image.new("RGB", (300, 200)), root / "plain.png")
    assert app.state.service.studio.image_size == store.image_size
    assert store.image_size(rotated.as_uri()) == (40, 60)
    assert store.image_size(str(plain)) == (300, 200)


def test_image_size_is_remembered_until_the_file_changes(
    store: AssetStore, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = save(Image.new("RGB", (300, 200)), root / "plain.png")
    reads: list[Path] = []
    real = AssetStore._read_size

    def counting(path: Path) -> tuple[int, int] | None:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(AssetStore, "_read_size", staticmethod(counting))
    assert [store.image_size(path.as_uri()) for _ in range(3)] == [(300, 200)] * 3
    assert len(reads) == 1
    save(Image.new("RGB", (10, 20)), path)
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert store.image_size(path.as_uri()) == (10, 20) and len(reads) == 2
    path.unlink()
    assert store.image_size(path.as_uri()) is None


@pytest.mark.parametrize(
    "locator",
    ["file:///nowhere/x.png", "http://127.0.0.1:9/x.png", "s3://bucket/x.png", "relative/x.png", "{root}/missing.png"],
)
def test_image_size_is_none_when_unknown(store: AssetStore, root: Path, locator: str) -> None:
    (root / "text.png").write_bytes(b"not an image")
    assert store.image_size(locator.format(root=root)) is None
    assert store.image_size((root / "text.png").as_uri()) is None


# -- the cache ----------------------------------------------------------------------------------------------


def test_second_request_is_a_cache_hit(client: TestClient, auth, root: Path, tmp_path: Path, encodes) -> None:
    locator = save(Image.new("RGB", (500, 500), RED), root / "a.png").as_uri()
    first = get_thumbnail(client, auth, locator)
    cached = [p for p in (tmp_path / "thumbnails").rglob("*") if p.is_file()]
    assert len(cached) == 1 and encodes == [locator]
    written = cached[0].stat().st_mtime_ns
    second = get_thumbnail(client, auth, locator)
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]
    assert encodes == [locator], "the second request must not encode again"
    assert cached[0].stat().st_mtime_ns == written
    get_thumbnail(client, auth, locator, size=64)
    assert encodes == [locator, locator], "another size is another thumbnail"


def test_strong_etag_immutable_headers_and_304(client: TestClient, auth, root: Path) -> None:
    locator = save(Image.new("RGB", (50, 50)), root / "a.png").as_uri()
    response = get_thumbnail(client, auth, locator)
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["cache-control"] == IMMUTABLE
    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = get_thumbnail(client, auth, locator, **{"If-None-Match": sent})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag and again.headers["cache-control"] == IMMUTABLE
    assert get_thumbnail(client, auth, locator, **{"If-None-Match": '"other"'}).status_code == 200


def test_a_changed_source_gets_a_new_thumbnail(client: TestClient, auth, root: Path) -> None:
    path = save(Image.new("RGB", (50, 50)), root / "a.png")
    before = get_thumbnail(client, auth, path.as_uri())
    save(Image.new("RGB", (80, 40)), path)
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    after = get_thumbnail(client, auth, path.as_uri())
    assert after.headers["etag"] != before.headers["etag"]
    assert decode(after.content).size == (80, 40)


def test_concurrent_first_requests_encode_once(
    store: AssetStore, root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    locator = save(Image.new("RGB", (300, 300), RED), root / "a.png").as_uri()
    calls: list[str] = []
    real = assets_module._encode_thumbnail

    def slow(source: Any, size: int, locator: str) -> bytes:
        calls.append(locator)
        time.sleep(0.2)
        return real(source, size, locator)

    monkeypatch.setattr(assets_module, "_encode_thumbnail", slow)
    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(store.thumbnail(locator).path.read_bytes())) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(results) == 8 and len(set(results)) == 1
    leftovers = [p.name for p in (tmp_path / "thumbnails").rglob(".incoming-*")]
    assert leftovers == []


# -- refusals -----------------------------------------------------------------------------------------------


def escaping_locators(root: Path, outside: Path) -> dict[str, str]:
    (root / "sub").mkdir(exist_ok=True)
    link = root / "link.png"
    link.symlink_to(outside)
    folder_link = root / "elsewhere"
    folder_link.symlink_to(outside.parent, target_is_directory=True)
    relative = os.path.relpath(outside, root)
    return {
        "dot-dot in a file URI": f"file://{root}/{relative}",
        "dot-dot in a plain path": f"{root}/sub/../{relative}",
        "percent-encoded dot-dot": f"file://{quote(str(root))}/%2e%2e/{quote(relative.removeprefix('../'))}",
        "percent-encoded slashes and dots": f"file://{root}/sub%2F%2E%2E%2F%2E%2E%2F{quote(relative.removeprefix('../'))}",
        "symlink to a file outside": link.as_uri(),
        "symlink to a folder outside": (folder_link / outside.name).as_uri(),
        "absolute path elsewhere": str(outside),
        "file URI elsewhere": outside.as_uri(),
        "localhost file URI elsewhere": f"file://localhost{outside}",
    }


ESCAPES = [
    "dot-dot in a file URI",
    "dot-dot in a plain path",
    "percent-encoded dot-dot",
    "percent-encoded slashes and dots",
    "symlink to a file outside",
    "symlink to a folder outside",
    "absolute path elsewhere",
    "file URI elsewhere",
    "localhost file URI elsewhere",
]


@pytest.mark.parametrize("route", [THUMBNAIL, ORIGINAL])
@pytest.mark.parametrize("case", ESCAPES)
def test_paths_outside_the_roots_are_refused(
    client: TestClient, auth, root: Path, outside: Path, route: str, case: str
) -> None:
    locator = escaping_locators(root, outside)[case]
    response = client.get(route, params={"locator": locator}, headers=auth)
    assert response.status_code == 403, (locator, response.text)
    body = response.json()
    assert body["code"] == "permission_denied" and "ASSAY_ASSET_ROOTS" in body["message"]
    assert response.content.find(b"\x89PNG") == -1


def test_a_symlink_inside_the_roots_is_followed(client: TestClient, auth, root: Path) -> None:
    target = save(Image.new("RGB", (20, 10)), root / "real" / "a.png")
    (root / "alias.png").symlink_to(target)
    assert decode(get_thumbnail(client, auth, (root / "alias.png").as_uri()).content).size == (20, 10)


def test_several_roots(client: TestClient, auth, root: Path, outside: Path, service, home: Path, tmp_path) -> None:
    from assay.server import create_app

    settings = Settings(asset_roots=[root, outside.parent], thumbnail_cache=tmp_path / "t2")
    with TestClient(create_app(service, settings)) as other:
        assert get_thumbnail(other, auth, outside.as_uri()).status_code == 200


def test_the_store_database_is_never_served(home: Path, service, auth) -> None:
    from assay.server import create_app

    (home / "assay.db").write_bytes(b"SQLite format 3\x00")
    with TestClient(create_app(service, Settings())) as client:
        response = client.get(ORIGINAL, params={"locator": str(home / "assay.db")}, headers=auth)
    assert response.status_code == 403 and "database" in response.json()["message"]


@pytest.mark.parametrize("route", [THUMBNAIL, ORIGINAL])
def test_missing_file_is_404(client: TestClient, auth, root: Path, route: str) -> None:
    for locator in ((root / "missing.png").as_uri(), str(root / "nope" / "x.jpg"), root.as_uri()):
        response = client.get(route, params={"locator": locator}, headers=auth)
        assert response.status_code == 404, (locator, response.text)
        assert response.json()["code"] == "not_found"


def test_a_symlink_loop_is_404(client: TestClient, auth, root: Path) -> None:
    (root / "loop.png").symlink_to(root / "loop.png")
    response = get_thumbnail(client, auth, (root / "loop.png").as_uri())
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "locator",
    ["relative/path.png", "gs://bucket/key.png", "file://otherhost/etc/x.png", "s3://bucket-only", "file:x.png"],
)
def test_unsupported_locators_are_422(client: TestClient, auth, locator: str) -> None:
    response = get_thumbnail(client, auth, locator)
    assert response.status_code == 422 and response.json()["code"] == "input_validation"


def test_not_an_image_is_a_typed_error(client: TestClient, auth, root: Path) -> None:
    for name, content in (("notes.txt", b"hello"), ("broken.png", png_bytes((50, 50))[:60])):
        (root / name).write_bytes(content)
        response = get_thumbnail(client, auth, (root / name).as_uri())
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "input_validation" and "not an image" in response.json()["message"]


@pytest.mark.parametrize("side", [40, 100])  # between Pillow's limit and twice it (a warning), and above (an error)
def test_decompression_bomb_guard_is_a_typed_error(
    client: TestClient, auth, root: Path, monkeypatch: pytest.MonkeyPatch, side: int
) -> None:
    path = save(Image.new("RGB", (side, side)), root / "bomb.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    response = get_thumbnail(client, auth, path.as_uri())
    assert response.status_code == 422
    assert "decompression-bomb" in response.json()["message"]


def test_sign_in_is_required(client: TestClient, root: Path) -> None:
    locator = save(Image.new("RGB", (10, 10)), root / "a.png").as_uri()
    for route in (THUMBNAIL, ORIGINAL):
        response = client.get(route, params={"locator": locator})
        assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_size_is_bounded(client: TestClient, auth, root: Path) -> None:
    locator = save(Image.new("RGB", (10, 10)), root / "a.png").as_uri()
    assert get_thumbnail(client, auth, locator, size=512).status_code == 422
    assert get_thumbnail(client, auth, locator, size=8).status_code == 422


# -- originals of files -------------------------------------------------------------------------------------


def test_original_file_with_type_validators_and_ranges(client: TestClient, auth, root: Path) -> None:
    path = save(Image.new("RGB", (64, 64), RED), root / "a.png")
    content = path.read_bytes()
    response = client.get(ORIGINAL, params={"locator": path.as_uri()}, headers=auth)
    assert response.status_code == 200 and response.content == content
    assert response.headers["content-type"] == "image/png"
    assert response.headers["etag"] and response.headers["last-modified"]
    assert response.headers["x-content-type-options"] == "nosniff"
    partial = client.get(ORIGINAL, params={"locator": path.as_uri()}, headers={**auth, "Range": "bytes=0-9"})
    assert partial.status_code == 206 and partial.content == content[:10]
    again = client.get(
        ORIGINAL, params={"locator": path.as_uri()}, headers={**auth, "If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""


def test_original_html_is_sandboxed(client: TestClient, auth, root: Path) -> None:
    (root / "page.html").write_text("<script>alert(1)</script>")
    response = client.get(ORIGINAL, params={"locator": str(root / "page.html")}, headers=auth)
    assert response.headers["content-type"].startswith("text/html")
    assert "sandbox" in response.headers["content-security-policy"]


# -- http(s) ------------------------------------------------------------------------------------------------


def test_http_original_is_proxied_with_its_type(client: TestClient, auth, remote: LocalHttpServer) -> None:
    remote.routes["/video.mp4"] = Served(body=b"\x00" * 1000 + b"movie", headers={"Content-Type": "video/mp4"})
    response = client.get(ORIGINAL, params={"locator": f"{remote.url}/video.mp4"}, headers=auth)
    assert response.status_code == 200 and response.content == b"\x00" * 1000 + b"movie"
    assert response.headers["content-type"] == "video/mp4"
    ranged = client.get(
        ORIGINAL, params={"locator": f"{remote.url}/video.mp4"}, headers={**auth, "Range": "bytes=1000-"}
    )
    assert ranged.status_code == 206 and ranged.content == b"movie"
    assert remote.requests[-1][1]["range"] == "bytes=1000-"


def test_http_thumbnail(client: TestClient, auth, remote: LocalHttpServer, encodes) -> None:
    remote.routes["/cat.png"] = Served(
        body=png_bytes((512, 256)), headers={"Content-Type": "image/png", "ETag": '"v1"'}
    )
    locator = f"{remote.url}/cat.png"
    response = get_thumbnail(client, auth, locator)
    assert response.status_code == 200, response.text
    assert decode(response.content).size == (256, 128)
    assert response.headers["cache-control"] == IMMUTABLE
    assert get_thumbnail(client, auth, locator).headers["etag"] == response.headers["etag"]
    assert encodes == [locator]
    remote.routes["/cat.png"] = Served(
        body=png_bytes((100, 100)), headers={"Content-Type": "image/png", "ETag": '"v2"'}
    )
    changed = get_thumbnail(client, auth, locator)
    assert changed.headers["etag"] != response.headers["etag"] and decode(changed.content).size == (100, 100)


def test_http_thumbnail_of_an_untyped_image_without_validators(
    client: TestClient, auth, remote: LocalHttpServer, encodes
) -> None:
    remote.routes["/blob"] = Served(body=png_bytes((64, 32)), headers={"Content-Type": "application/octet-stream"})
    locator = f"{remote.url}/blob"
    first = get_thumbnail(client, auth, locator)
    assert first.status_code == 200 and decode(first.content).size == (64, 32)
    assert get_thumbnail(client, auth, locator).headers["etag"] == first.headers["etag"]
    assert encodes == [locator], "the body's hash identifies it"


def test_http_thumbnail_of_html_is_refused(client: TestClient, auth, remote: LocalHttpServer) -> None:
    remote.routes["/page"] = Served(body=b"<html></html>", headers={"Content-Type": "text/html; charset=utf-8"})
    response = get_thumbnail(client, auth, f"{remote.url}/page")
    assert response.status_code == 422 and "not an image" in response.json()["message"]


@pytest.mark.parametrize(("status", "expected", "code"), [(404, 404, "not_found"), (500, 502, "transport")])
def test_http_errors(client: TestClient, auth, remote: LocalHttpServer, status: int, expected: int, code: str) -> None:
    remote.routes["/x.png"] = Served(status=status, body=b"no")
    for route in (THUMBNAIL, ORIGINAL):
        response = client.get(route, params={"locator": f"{remote.url}/x.png"}, headers=auth)
        assert (response.status_code, response.json()["code"]) == (expected, code)


def test_http_timeout_is_a_transport_error(client: TestClient, auth, remote: LocalHttpServer) -> None:
    remote.routes["/slow.png"] = Served(body=png_bytes((8, 8)), headers={"Content-Type": "image/png"}, delay=3)
    response = get_thumbnail(client, auth, f"{remote.url}/slow.png")
    assert response.status_code == 502 and response.json()["code"] == "transport"


def test_http_size_cap(client: TestClient, auth, store: AssetStore, remote: LocalHttpServer) -> None:
    remote.routes["/big.png"] = Served(body=png_bytes((300, 300)), headers={"Content-Type": "image/png"})
    store.max_source_bytes = 100
    response = get_thumbnail(client, auth, f"{remote.url}/big.png")
    assert response.status_code == 422 and "bytes" in response.json()["message"]


def test_unreachable_host_is_a_transport_error(client: TestClient, auth) -> None:
    from tests.server.support import free_port

    response = get_thumbnail(client, auth, f"http://127.0.0.1:{free_port()}/x.png")
    assert response.status_code == 502 and response.json()["code"] == "transport"


# -- s3 -----------------------------------------------------------------------------------------------------


@pytest.fixture
def fake_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFAKEFORTESTS")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def s3_client(
    fake_aws: None, remote: LocalHttpServer, service, home: Path, root: Path, tmp_path: Path
) -> Iterator[TestClient]:
    from assay.server import create_app

    settings = Settings(
        asset_roots=[root], thumbnail_cache=tmp_path / "thumbnails", s3_endpoint_url=remote.url, s3_presign_seconds=600
    )
    with TestClient(create_app(service, settings)) as client:
        yield client


def test_s3_original_redirects_to_a_presigned_url(s3_client: TestClient, auth, remote: LocalHttpServer) -> None:
    response = s3_client.get(
        ORIGINAL, params={"locator": "s3://my-bucket/photos/cat 1.jpg"}, headers=auth, follow_redirects=False
    )
    assert response.status_code == 307
    assert response.headers["cache-control"] == "private, no-store"
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}" == remote.url
    assert location.path == "/my-bucket/photos/cat%201.jpg"
    query = parse_qs(location.query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Credential"][0].startswith("AKIAFAKEFORTESTS/")
    assert query["X-Amz-Expires"] == ["600"] and len(query["X-Amz-Signature"][0]) == 64


def test_s3_thumbnail_through_the_endpoint(s3_client: TestClient, auth, remote: LocalHttpServer) -> None:
    remote.routes["/my-bucket/photos/cat.png"] = Served(
        body=png_bytes((400, 200)), headers={"Content-Type": "binary/octet-stream", "ETag": '"abc"'}
    )
    response = get_thumbnail(s3_client, auth, "s3://my-bucket/photos/cat.png")
    assert response.status_code == 200, response.text
    assert decode(response.content).size == (256, 128)
    path, headers = remote.requests[-1]
    assert urlsplit(path).path == "/my-bucket/photos/cat.png" and "X-Amz-Signature=" in path


def test_s3_without_credentials_says_what_to_configure(
    fake_aws: None, monkeypatch: pytest.MonkeyPatch, client: TestClient, auth
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    response = client.get(ORIGINAL, params={"locator": "s3://b/k.png"}, headers=auth, follow_redirects=False)
    assert response.status_code == 422 and "AWS_ACCESS_KEY_ID" in response.json()["message"]


def test_s3_without_boto3_says_what_to_install(
    fake_aws: None, monkeypatch: pytest.MonkeyPatch, client: TestClient, auth
) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    response = client.get(ORIGINAL, params={"locator": "s3://b/k.png"}, headers=auth, follow_redirects=False)
    assert response.status_code == 422 and "assay[s3]" in response.json()["message"]


# -- defaults -----------------------------------------------------------------------------------------------


def test_the_example_locators_work_by_default(home: Path, service, auth) -> None:
    repo = Path(__file__).resolve().parents[2]
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))
    from examples.keypoint_detection import data

    from assay.server import create_app

    records = data.generate_benchmark(n_images=2)
    app = create_app(service, Settings())
    with TestClient(app) as client:
        for record in records:
            locator = record.test_sample.locator
            assert locator.startswith(f"file://{home}")
            response = get_thumbnail(client, auth, locator, size=128)
            assert response.status_code == 200, response.text
            assert max(decode(response.content).size) == 128
            with Image.open(urlsplit(locator).path) as image:
                assert app.state.assets.image_size(locator) == image.size
    assert any((home / "cache" / "thumbnails").rglob("*")), "the default cache is under $ASSAY_HOME"
