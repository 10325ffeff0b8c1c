"""Fixtures for the data set tests: a private cache, small files, a local HTTP server."""

import gzip
import hashlib
import re
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from profundo.datasets import download

MIRROR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture
def shared_mirror():
    """The project's data set mirror beside the repository; the test skips where it is absent."""
    if not (MIRROR / "README.md").exists():
        pytest.skip(f"no data set mirror at {MIRROR}")
    return MIRROR.resolve()


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """Every test gets its own cache, no mirror, retries that do not wait, and no proxy for the
    local test server."""
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv(download.HOME_ENV, str(tmp_path / "home"))
    monkeypatch.delenv(download.MIRROR_ENV, raising=False)
    monkeypatch.setattr(download, "BACKOFF_SECONDS", 0.0)
    monkeypatch.setattr(download, "CONNECT_TIMEOUT_SECONDS", 10.0)
    monkeypatch.setattr(download, "READ_TIMEOUT_SECONDS", 10.0)
    return tmp_path / "home"


def _idx(array: np.ndarray) -> bytes:
    codes = {np.dtype("uint8"): 0x08, np.dtype("int32"): 0x0C, np.dtype("float32"): 0x0D}
    header = bytes([0, 0, codes[array.dtype], array.ndim]) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


@pytest.fixture
def files():
    """Helpers to make small files: IDX bytes, gzip, sha256, and a mirror folder."""

    def mirror(root: Path, contents: dict) -> Path:
        for relative, data in contents.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return root

    return SimpleNamespace(
        idx=_idx,
        gz=lambda data: gzip.compress(data, mtime=0),
        sha256=lambda data: hashlib.sha256(data).hexdigest(),
        mirror=mirror,
    )


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        server.requests.append((self.path, self.headers.get("Range")))
        if server.failures.get(self.path, 0) > 0:
            server.failures[self.path] -= 1
            self.send_error(503)
            return
        body = server.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
        start = int(match.group(1)) if match and server.ranges else 0
        part = body[start:]
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(part)))
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        self.end_headers()
        cut = server.drops.get(self.path)
        if cut is not None:
            server.drops[self.path] = None if server.drop_once else cut
            self.wfile.write(part[:cut])
            self.close_connection = True
            return
        self.wfile.write(part)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    """A small HTTP server on 127.0.0.1 in a thread, stopped after the test.

    ``files``: path → bytes. ``ranges``: honour ``Range: bytes=N-``. ``drops``: path → send only
    that many bytes and close (once, or always when ``drop_once`` is False). ``failures``:
    path → answer 503 that many times. ``requests``: (path, Range header) of every request.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.files, server.drops, server.failures, server.requests = {}, {}, {}, []
    server.ranges, server.drop_once = True, True
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
