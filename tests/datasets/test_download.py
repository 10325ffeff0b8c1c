import gzip
import socket
import sys

import numpy as np
import pytest

from profundo.datasets import download
from profundo.datasets.download import (
    ChecksumError,
    DatasetError,
    DownloadError,
    RemoteFile,
    cache_dir,
    fetch,
)

DATA = bytes(range(256)) * 40  # 10,240 bytes


def _remote(files, data=DATA, urls=(), **kw):
    return RemoteFile("toy", "toy.bin", files.sha256(data), tuple(urls), **kw)


def _leftovers(home):
    return sorted(p.name for p in home.rglob("*") if p.is_file())


def _closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/toy.bin"


def test_a_published_hash_is_required():
    with pytest.raises(ValueError, match="published sha256"):
        RemoteFile("toy", "toy.bin", None)
    with pytest.raises(ValueError, match="published sha256"):
        RemoteFile("toy", "toy.bin", "ABC")


def test_cache_location(home, monkeypatch, tmp_path):
    assert cache_dir("mnist") == home / "datasets" / "mnist"
    monkeypatch.delenv(download.HOME_ENV)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert cache_dir("mnist") == tmp_path / "user" / ".cache" / "profundo" / "datasets" / "mnist"


def test_mirror_folder_is_copied_into_the_cache_then_the_cache_is_used(
    files, tmp_path, home, monkeypatch
):
    mirror = files.mirror(tmp_path / "mirror", {"toy/toy.bin": DATA})
    monkeypatch.setenv(download.MIRROR_ENV, str(mirror))
    path = fetch(_remote(files))
    assert path == home / "datasets" / "toy" / "toy.bin" and path.read_bytes() == DATA
    (mirror / "toy" / "toy.bin").unlink()
    assert fetch(_remote(files)).read_bytes() == DATA
    assert _leftovers(home) == ["toy.bin"]


def test_file_url_mirror(files, tmp_path, monkeypatch):
    mirror = files.mirror(tmp_path / "mirror", {"toy/toy.bin": DATA})
    monkeypatch.setenv(download.MIRROR_ENV, mirror.as_uri())
    assert fetch(_remote(files)).read_bytes() == DATA


def test_http_mirror_replaces_the_origin(files, http_server, monkeypatch):
    http_server.files["/base/toy/toy.bin"] = DATA
    monkeypatch.setenv(download.MIRROR_ENV, http_server.url + "/base/")
    remote = _remote(files, urls=(http_server.url + "/origin/toy.bin",))
    assert fetch(remote).read_bytes() == DATA
    assert [path for path, _ in http_server.requests] == ["/base/toy/toy.bin"]


def test_bad_checksum_is_a_clear_error_and_leaves_nothing(files, tmp_path, home, monkeypatch):
    mirror = files.mirror(tmp_path / "mirror", {"toy/toy.bin": b"not the published bytes"})
    monkeypatch.setenv(download.MIRROR_ENV, str(mirror))
    with pytest.raises(ChecksumError) as err:
        fetch(_remote(files))
    message = str(err.value)
    assert files.sha256(DATA) in message and files.sha256(b"not the published bytes") in message
    assert "toy/toy.bin" in message and download.MIRROR_ENV in message
    assert _leftovers(home) == []


def test_truncated_gzip_is_detected_by_the_content_hash(files, tmp_path, home, monkeypatch):
    content = files.idx(np.arange(600, dtype="uint8").reshape(6, 100))
    packed = files.gz(content)
    mirror = files.mirror(tmp_path / "mirror", {"toy/toy.bin": packed[: len(packed) // 2]})
    monkeypatch.setenv(download.MIRROR_ENV, str(mirror))
    remote = _remote(files, data=content, hash_of_content=True)
    with pytest.raises(ChecksumError, match="not a complete gzip file"):
        fetch(remote)
    assert _leftovers(home) == []
    # another gzip wrapper of the same content is accepted: the hash is of the content
    files.mirror(mirror, {"toy/toy.bin": gzip.compress(content, compresslevel=1)})
    assert fetch(remote).exists()


def test_corrupted_cache_is_downloaded_again_once(files, http_server, home):
    http_server.files["/toy.bin"] = DATA
    remote = _remote(files, urls=(http_server.url + "/toy.bin",))
    cached = home / "datasets" / "toy" / "toy.bin"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(DATA[:-1] + b"!")
    assert fetch(remote).read_bytes() == DATA
    assert len(http_server.requests) == 1

    cached.write_bytes(b"corrupted")
    http_server.files["/toy.bin"] = b"also wrong"
    with pytest.raises(ChecksumError, match="downloaded again"):
        fetch(remote)
    assert len(http_server.requests) == 2


def test_network_failure_names_the_url_and_the_mirror(files, home):
    url = _closed_port_url()
    with pytest.raises(DownloadError) as err:
        fetch(_remote(files, urls=(url,)))
    message = str(err.value)
    assert url in message and download.MIRROR_ENV in message and "attempts" in message
    assert isinstance(err.value, DatasetError) and isinstance(err.value, OSError)
    assert _leftovers(home) == []


def test_unreachable_http_mirror(files, monkeypatch):
    monkeypatch.setenv(download.MIRROR_ENV, _closed_port_url().rsplit("/", 1)[0])
    with pytest.raises(DownloadError, match=r"toy/toy\.bin.*PROFUNDO_DATASETS_MIRROR"):
        fetch(_remote(files, urls=("https://example.invalid/toy.bin",)))


def test_mirror_without_the_file(files, tmp_path, monkeypatch):
    monkeypatch.setenv(download.MIRROR_ENV, str(files.mirror(tmp_path / "mirror", {})))
    with pytest.raises(DownloadError, match=r"mirror/toy/toy\.bin: cannot read it"):
        fetch(_remote(files))


def test_file_without_an_origin_needs_a_mirror(files):
    with pytest.raises(DownloadError, match="no public download address.*PROFUNDO_DATASETS_MIRROR"):
        fetch(_remote(files))


def test_dropped_connection_resumes_with_a_range_request(files, http_server, home):
    http_server.files["/toy.bin"] = DATA
    http_server.drops["/toy.bin"] = 3000
    assert fetch(_remote(files, urls=(http_server.url + "/toy.bin",))).read_bytes() == DATA
    assert http_server.requests == [("/toy.bin", None), ("/toy.bin", "bytes=3000-")]
    assert _leftovers(home) == ["toy.bin"]


def test_server_that_ignores_range_is_read_from_the_start(files, http_server):
    http_server.files["/toy.bin"] = DATA
    http_server.drops["/toy.bin"] = 3000
    http_server.ranges = False
    assert fetch(_remote(files, urls=(http_server.url + "/toy.bin",))).read_bytes() == DATA
    assert len(http_server.requests) == 2


def test_a_transfer_that_always_breaks_fails_after_the_retries_and_leaves_nothing(
    files, http_server, home
):
    http_server.files["/toy.bin"] = DATA
    http_server.drops["/toy.bin"] = 1000
    http_server.drop_once = False
    http_server.ranges = False
    with pytest.raises(DownloadError, match="closed after 1000 of 10240 bytes"):
        fetch(_remote(files, urls=(http_server.url + "/toy.bin",)))
    assert len(http_server.requests) == download.RETRIES + 1
    assert _leftovers(home) == []


def test_server_errors_are_retried(files, http_server):
    http_server.files["/toy.bin"] = DATA
    http_server.failures["/toy.bin"] = 2
    assert fetch(_remote(files, urls=(http_server.url + "/toy.bin",))).read_bytes() == DATA
    assert len(http_server.requests) == 3


def test_a_missing_file_tries_the_next_origin_without_retrying(files, http_server):
    http_server.files["/b/toy.bin"] = DATA
    urls = (http_server.url + "/a/toy.bin", http_server.url + "/b/toy.bin")
    assert fetch(_remote(files, urls=urls)).read_bytes() == DATA
    assert [path for path, _ in http_server.requests] == ["/a/toy.bin", "/b/toy.bin"]


def test_quiet_when_stderr_is_not_a_terminal(files, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(
        download.MIRROR_ENV, str(files.mirror(tmp_path / "m", {"toy/toy.bin": DATA}))
    )
    fetch(_remote(files))
    assert capsys.readouterr().err == ""


def test_progress_bar_when_asked(files, tmp_path, monkeypatch, capsys):
    pytest.importorskip("tqdm")
    monkeypatch.setenv(
        download.MIRROR_ENV, str(files.mirror(tmp_path / "m", {"toy/toy.bin": DATA}))
    )
    fetch(_remote(files), progress=True)
    assert "toy.bin" in capsys.readouterr().err


def test_no_bar_and_no_error_without_tqdm(files, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # makes `import tqdm` fail
    monkeypatch.setenv(
        download.MIRROR_ENV, str(files.mirror(tmp_path / "m", {"toy/toy.bin": DATA}))
    )
    assert fetch(_remote(files), progress=True).read_bytes() == DATA
    assert capsys.readouterr().err == ""


def test_a_killed_downloads_partial_file_is_removed_by_the_next_fetch(
    files, tmp_path, home, monkeypatch
):
    import subprocess

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folder = home / "datasets" / "toy"
    folder.mkdir(parents=True)
    stale = folder / f".toy.bin.{dead.pid}.0123456789ab.profundo-tmp"
    stale.write_bytes(DATA[:100])
    mirror = files.mirror(tmp_path / "mirror", {"toy/toy.bin": DATA})
    monkeypatch.setenv(download.MIRROR_ENV, str(mirror))
    fetch(_remote(files))
    assert _leftovers(home) == ["toy.bin"]
