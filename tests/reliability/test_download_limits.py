"""Issue 10, item 7: the downloader has limits, so a misbehaving server can neither hold it nor
fill the disk — a connect and a read deadline, a minimum rate, a total time, a size cap; a
``Content-Length`` that is not a number is a clear error. Each is shown against a local server
that misbehaves on purpose, with tiny limits so that the tests take a moment. (Before: one byte a
second was waited for forever; an endless body wrote 1.6 GB in 5 s; ``Content-Length: abc`` was a
raw ``ValueError``.)"""

import hashlib
import importlib.util
import socket
import sys
import time
from pathlib import Path

import pytest

from profundo.datasets import download
from profundo.datasets.download import DownloadError, RemoteFile, fetch


def _attack_module():
    """tests/reliability/attack.py, where the misbehaving server lives (the harness uses it too)."""
    if "profundo_attack" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "profundo_attack", Path(__file__).with_name("attack.py")
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["profundo_attack"] = module
        spec.loader.exec_module(module)
    return sys.modules["profundo_attack"]


attack = _attack_module()
BODY = attack.BODY


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A misbehaving server on 127.0.0.1, a private cache, and tiny limits."""
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv(download.HOME_ENV, str(tmp_path / "home"))
    monkeypatch.delenv(download.MIRROR_ENV, raising=False)
    for name, value in attack.TEST_LIMITS.items():
        monkeypatch.setattr(download, name, value)
    with attack.misbehaving_server() as httpd:
        yield httpd


def remote(url, size=None):
    return RemoteFile("toy", "toy.bin", hashlib.sha256(BODY).hexdigest(), (url,), size=size)


def leftovers(tmp_path):
    return sorted(p.name for p in (tmp_path / "home").rglob("*") if p.is_file())


def fails(url, match, size=None, seconds=5.0):
    start = time.monotonic()
    with pytest.raises(DownloadError, match=match):
        fetch(remote(url, size), progress=False)
    assert time.monotonic() - start < seconds


def test_a_well_behaved_server_still_works(server, tmp_path):
    assert fetch(remote(server.url, size=len(BODY)), progress=False).read_bytes() == BODY
    assert leftovers(tmp_path) == ["toy.bin"]


def test_one_byte_at_a_time_is_a_stalled_transfer(server, tmp_path):
    server.mode = "trickle"
    fails(server.url, r"stalled: \d+ bytes in 0.\d s .*MIN_BYTES_PER_SECOND.*after 2 attempts")
    assert leftovers(tmp_path) == []


def test_a_total_time_limit(server, tmp_path, monkeypatch):
    monkeypatch.setattr(download, "TOTAL_SECONDS", 0.3)
    server.mode = "slow but steady"
    fails(server.url, r"took longer than 0.3 s \(download.TOTAL_SECONDS\)")
    assert leftovers(tmp_path) == []


def test_headers_then_silence_hits_the_read_deadline(server, tmp_path):
    server.mode = "silent"
    fails(server.url, r"broke off \(TimeoutError.*after 2 attempts")
    assert leftovers(tmp_path) == []


def test_no_answer_hits_the_connect_deadline(server, tmp_path):
    server.mode = "no answer"
    fails(server.url, r"(timed out|TimeoutError).*after 2 attempts")


def test_a_listener_that_never_accepts_hits_the_connect_deadline(server):
    with socket.socket() as listener:  # a full backlog: the connection is never accepted
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fails(f"http://127.0.0.1:{port}/toy.bin", r"after 2 attempts")


def test_an_endless_body_stops_at_the_size_cap(server, tmp_path, monkeypatch):
    written = []
    monkeypatch.setattr(download._Progress, "update", lambda self, n: written.append(n))
    server.mode = "endless"
    fails(
        server.url,
        r"sent more than the 1,048,576 bytes allowed without a known size "
        r"\(download.MAX_BYTES\)",
    )
    assert sum(written) <= (1 << 20) + 1
    assert leftovers(tmp_path) == []


def test_the_known_size_is_the_cap(server, monkeypatch):
    server.mode = "endless"  # no Content-Length: the file's size stops it
    written = []
    monkeypatch.setattr(download._Progress, "update", lambda self, n: written.append(n))
    fails(server.url, r"sent more than the 1,024 bytes that the file has", size=len(BODY))
    assert sum(written) <= len(BODY) + 1


def test_an_announced_size_other_than_the_known_one_is_refused_at_once(server):
    fails(server.url, r"announces 1,024 bytes, but the file has 1,000", size=1000)


def test_content_length_abc_is_a_clear_error(server, tmp_path):
    server.mode = "bad length"
    fails(server.url, r"'Content-Length: abc', which is not a number of bytes")
    assert leftovers(tmp_path) == []


def test_a_huge_announced_size_is_refused_before_reading(server):
    server.mode = "huge length"
    fails(
        server.url,
        r"announces 1,000,000,000,000,000 bytes, more than the limit of 1,048,576 "
        r"\(download.MAX_BYTES\)",
    )
