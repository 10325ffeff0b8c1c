"""Download, cache and verify the files of a data set — the one mechanism every loader uses.

``fetch(remote)`` returns the path of a verified copy of ``remote`` in the cache:

- the cache is ``$PROFUNDO_HOME/datasets/<dataset>/`` (default ``~/.cache/profundo/datasets/``);
  a cached file is verified (sha256) every time it is used;
- ``PROFUNDO_DATASETS_MIRROR`` replaces the origin: a local folder, or a ``http(s)://`` or
  ``file://`` URL, holding the files as ``<dataset>/<file>`` (the layout of ``../shared/data``);
- a download goes to a temporary file in the cache folder, is verified, and only then renamed
  onto its final name (``os.replace``, atomic): the cache never holds a partial or unverified
  file, and a failed download leaves nothing behind;
- network errors are retried with exponential backoff; a retry after a dropped connection
  resumes where it stopped (HTTP ``Range``) instead of starting over;
- every file has a required sha256: of the file itself, or, where copies of the origin's
  compressed bytes differ (MNIST's gzip wrappers), of its gzip-decompressed content; an archive
  whose copies differ in more than their wrapper is checked instead by a ``verifier`` that checks
  every member against the hash it was published with (SpamAssassin's messages, named by MD5);
- a cached file that fails verification is downloaded once more; if the new copy fails too,
  ``ChecksumError`` says so;
- every transfer has limits, so that a misbehaving server cannot hold it or fill the disk: a
  deadline to connect and get the headers, a longest silence while the body arrives, a minimum
  rate (one byte a second is a stalled server, not a slow one), a total time for the file, and a
  size cap — the file's expected size where it is known, else the ``Content-Length``, else
  ``MAX_BYTES``. A ``Content-Length`` that is not a number of bytes is an error.

Only the standard library (``urllib``) speaks HTTP; ``tqdm`` draws the progress bar when it is
installed and stderr is a terminal.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import re
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path

from ..files import remove_stale_temps, temp_path

HOME_ENV = "PROFUNDO_HOME"
MIRROR_ENV = "PROFUNDO_DATASETS_MIRROR"
RETRIES = 3  #: extra attempts after a transient network error
BACKOFF_SECONDS = 1.0  #: the first wait between attempts; it doubles each time
CONNECT_TIMEOUT_SECONDS = 30.0  #: to connect and receive the response's headers
READ_TIMEOUT_SECONDS = 60.0  #: the longest silence while the body arrives
MIN_BYTES_PER_SECOND = 1024.0  #: a transfer slower than this over STALL_SECONDS has stalled
STALL_SECONDS = 60.0
TOTAL_SECONDS = 3 * 3600.0  #: the longest one file may take to arrive, retries included
MAX_BYTES = 2 << 30  #: the size cap when neither the file's size nor the server's is known
CHUNK_BYTES = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")


class DatasetError(OSError):
    """A data set file could not be had: the base of the errors below."""


class DownloadError(DatasetError):
    """No source could deliver the file (network failure, missing file, no origin)."""


class ChecksumError(DatasetError):
    """The file arrived but is not the published one (hash mismatch, truncated archive)."""


@dataclass(frozen=True)
class RemoteFile:
    """One file of a data set: where it comes from and the hash it must have.

    Args:
        dataset: the folder in the cache and in a mirror (``mnist``).
        name: the file name in the cache and in a mirror (``train-images-idx3-ubyte.gz``).
        sha256: the published hash (64 lowercase hex digits); required, there is no unverified
            download.
        urls: the origins, tried in order; empty for files that only mirrors hold.
        hash_of_content: the hash is of the gzip-decompressed content, not of the file.
        size: the file's size in bytes where it is known (the same in every copy): the download
            stops at once when a server announces or sends another size.
        verifier: instead of ``sha256`` (then ``None``), a function of the file's path that
            returns ``None`` if every part of the file is the published one, else what is wrong.
    """

    dataset: str
    name: str
    sha256: str | None
    urls: tuple[str, ...] = ()
    hash_of_content: bool = False
    verifier: Callable[[Path], str | None] | None = None
    size: int | None = None

    def __post_init__(self):
        if self.verifier is not None and self.sha256 is None:
            return
        if not isinstance(self.sha256, str) or not _SHA256.fullmatch(self.sha256):
            raise ValueError(
                f"RemoteFile {self.dataset}/{self.name}: a published sha256 "
                f"(64 lowercase hex digits) is required, got {self.sha256!r}"
            )


def cache_dir(dataset: str) -> Path:
    """The cache folder of ``dataset``: ``$PROFUNDO_HOME/datasets/<dataset>`` or in ``~/.cache``."""
    home = os.environ.get(HOME_ENV)
    root = Path(home).expanduser() if home else Path.home() / ".cache" / "profundo"
    return root / "datasets" / dataset


def fetch(remote: RemoteFile, progress: bool | None = None) -> Path:
    """The path of a verified copy of ``remote`` in the cache, downloading it if needed.

    ``progress``: show a progress bar (``None``: only when stderr is a terminal).
    """
    target = cache_dir(remote.dataset) / remote.name
    cached_was_corrupt = False
    if target.exists():
        if verify(target, remote) is None:
            return target
        cached_was_corrupt = True
    target.parent.mkdir(parents=True, exist_ok=True)
    _download(remote, target, progress, cached_was_corrupt)
    return target


def verify(path: Path, remote: RemoteFile) -> str | None:
    """``None`` if ``path`` has ``remote``'s hash, else what is wrong with it."""
    if remote.sha256 is None:
        assert remote.verifier is not None  # __post_init__ asks for one or the other
        return remote.verifier(path)
    digest = hashlib.sha256()
    opener = gzip.open if remote.hash_of_content else open
    try:
        with opener(path, "rb") as stream:
            for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
                digest.update(chunk)
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        return f"it is not a complete gzip file ({err})"
    kind = "decompressed content" if remote.hash_of_content else "file"
    if digest.hexdigest() != remote.sha256:
        return (
            f"the sha256 of its {kind} is {digest.hexdigest()}, "
            f"but the published one is {remote.sha256}"
        )
    return None


def sources(remote: RemoteFile) -> list[str]:
    """The URLs to try for ``remote``: the mirror's alone when one is set, else the origins."""
    mirror = os.environ.get(MIRROR_ENV, "").strip()
    if mirror:
        is_url = "://" in mirror
        base = mirror.rstrip("/") if is_url else Path(mirror).expanduser().resolve().as_uri()
        path = f"{urllib.parse.quote(remote.dataset)}/{urllib.parse.quote(remote.name)}"
        return [f"{base}/{path}"]
    if not remote.urls:
        raise DownloadError(
            f"{remote.dataset}/{remote.name} has no public download address; it is read from a "
            f"data set mirror. {_mirror_hint(remote)}"
        )
    return list(remote.urls)


def _mirror_hint(remote: RemoteFile) -> str:
    return (
        f"To use a copy on this machine or your network, set {MIRROR_ENV} to a folder or "
        f"URL that holds {remote.dataset}/{remote.name}, e.g. "
        f"`export {MIRROR_ENV}=/path/to/data` (in this project's checkouts: ../shared/data)."
    )


def _download(
    remote: RemoteFile, target: Path, progress: bool | None, cached_was_corrupt: bool
) -> None:
    """Download ``remote`` from its first working source onto ``target``, verified, atomically."""
    failures, mismatches = [], []
    for url in sources(remote):
        remove_stale_temps(target)  # partial downloads of processes that were killed
        tmp = temp_path(target)
        try:
            with open(tmp, "xb") as out:  # a new file of our own, with the usual permissions
                _transfer_with_retries(url, out, progress, remote.name, remote.size)
            problem = verify(tmp, remote)
            if problem is None:
                os.replace(tmp, target)
                return
            mismatches.append(f"{url}: {problem}")
        except DownloadError as err:
            failures.append(f"{url}: {err}")
        finally:
            tmp.unlink(missing_ok=True)
    name = f"{remote.dataset}/{remote.name}"
    if mismatches:
        again = (
            " The cached copy failed verification and was downloaded again; the new copy "
            "is not the published file either."
            if cached_was_corrupt
            else ""
        )
        others = f" Other sources failed: {'; '.join(failures)}." if failures else ""
        raise ChecksumError(
            f"{name} failed verification: {'; '.join(mismatches)}.{again} The source holds a "
            f"corrupted or different file; if a mirror is set ({MIRROR_ENV}), replace its "
            f"copy.{others}"
        )
    raise DownloadError(f"Could not download {name}: {'; '.join(failures)}. {_mirror_hint(remote)}")


def _transfer_with_retries(
    url: str, out, progress: bool | None, label: str, size: int | None
) -> None:
    """Write the resource at ``url`` to ``out``, retrying transient errors and resuming, all
    within ``TOTAL_SECONDS``."""
    bar = _Progress(progress, label)
    deadline = time.monotonic() + TOTAL_SECONDS
    try:
        for attempt in range(RETRIES + 1):
            try:
                _transfer(url, out, bar, size, deadline)
                return
            except _Transient as err:
                if attempt == RETRIES:
                    raise DownloadError(f"{err} (after {RETRIES + 1} attempts)") from err
                time.sleep(BACKOFF_SECONDS * 2**attempt)
    finally:
        bar.close()


class _Transient(Exception):
    """A failure worth retrying: the network, a dropped connection, a server that is busy."""


def _transfer(url: str, out, bar: _Progress, size: int | None, deadline: float) -> None:
    """One request for ``url``, asking for the bytes after those ``out`` already holds."""
    offset = out.tell()
    headers = {"User-Agent": "profundo-datasets"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        with _OPENER.open(
            urllib.request.Request(url, headers=headers), timeout=CONNECT_TIMEOUT_SECONDS
        ) as response:
            if offset and not _resumes_at(response, offset):
                out.seek(0)
                out.truncate()
                offset = 0
            expected = _announced_size(response, offset)
            cap = _size_cap(size, expected)
            bar.start(expected, offset)
            pace = _Pace(out.tell())
            while chunk := response.read1(min(CHUNK_BYTES, cap + 1 - out.tell())):
                out.write(chunk)
                bar.update(len(chunk))
                if out.tell() > cap:
                    raise DownloadError(
                        f"the server sent more than the {cap:,} bytes "
                        f"{_cap_origin(size, expected)}; stopped there"
                    )
                if time.monotonic() > deadline:
                    raise DownloadError(
                        f"the download took longer than {TOTAL_SECONDS:g} s "
                        f"(download.TOTAL_SECONDS); stopped after {out.tell():,} "
                        f"bytes"
                    )
                pace.check(out.tell())
    except urllib.error.HTTPError as err:
        if err.code == 416:  # our partial copy is useless: start over
            out.seek(0)
            out.truncate()
        if err.code in (408, 416, 425, 429) or err.code >= 500:
            raise _Transient(f"HTTP {err.code} {err.reason}") from err
        raise DownloadError(f"HTTP {err.code} {err.reason}") from err
    except urllib.error.URLError as err:
        if urllib.parse.urlsplit(url).scheme == "file":
            raise DownloadError(f"cannot read it ({err.reason})") from err
        raise _Transient(f"cannot reach it ({err.reason})") from err
    except (ConnectionError, TimeoutError, ssl.SSLError, HTTPException) as err:  # broke off midway
        raise _Transient(f"the transfer broke off ({type(err).__name__}: {err})") from err
    if expected is not None and out.tell() < expected:
        raise _Transient(f"the connection closed after {out.tell()} of {expected} bytes")


def _announced_size(response, offset: int) -> int | None:
    """The whole file's size by the response's ``Content-Length`` (after ``offset``), or None."""
    length = response.headers.get("Content-Length")
    if length is None:
        return None
    if not re.fullmatch(r"\s*\d{1,19}\s*", length):
        raise DownloadError(
            f"the server sent 'Content-Length: {length}', which is not a number of bytes"
        )
    return offset + int(length)


def _size_cap(size: int | None, expected: int | None) -> int:
    """The most bytes the file may have: its known size, else the announced one, else MAX_BYTES."""
    if size is not None:
        if expected is not None and expected != size:
            raise DownloadError(
                f"the server announces {expected:,} bytes, but the file has {size:,}"
            )
        return size
    if expected is not None:
        if expected > MAX_BYTES:
            raise DownloadError(
                f"the server announces {expected:,} bytes, more than the limit of "
                f"{MAX_BYTES:,} (download.MAX_BYTES)"
            )
        return expected
    return MAX_BYTES


def _cap_origin(size: int | None, expected: int | None) -> str:
    if size is not None:
        return "that the file has"
    if expected is not None:
        return "that it announced (Content-Length)"
    return "allowed without a known size (download.MAX_BYTES)"


class _Pace:
    """Raises ``_Transient`` when fewer than ``MIN_BYTES_PER_SECOND`` arrived over the last
    ``STALL_SECONDS`` (a server that trickles bytes never trips the socket's timeout)."""

    def __init__(self, done: int):
        self.since, self.done = time.monotonic(), done

    def check(self, done: int) -> None:
        seconds = time.monotonic() - self.since
        if seconds < STALL_SECONDS:
            return
        if done - self.done < MIN_BYTES_PER_SECOND * seconds:
            raise _Transient(
                f"the transfer stalled: {done - self.done:,} bytes in {seconds:.1f} s "
                f"(at least {MIN_BYTES_PER_SECOND:g} bytes/s are needed, "
                f"download.MIN_BYTES_PER_SECOND)"
            )
        self.since, self.done = time.monotonic(), done


class _ReadTimeout:
    """An HTTP(S) connection that connects within its ``timeout`` (CONNECT_TIMEOUT_SECONDS) and
    then waits at most ``READ_TIMEOUT_SECONDS`` for each read of the body."""

    def __init__(self, *args, read_timeout: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.read_timeout = read_timeout

    def connect(self):
        super().connect()
        self.sock.settimeout(self.read_timeout)


class _HTTPConnection(_ReadTimeout, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_ReadTimeout, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req, read_timeout=READ_TIMEOUT_SECONDS)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(
            _HTTPSConnection, req, context=self._context, read_timeout=READ_TIMEOUT_SECONDS
        )


_OPENER = urllib.request.build_opener(_HTTPHandler, _HTTPSHandler)


def _resumes_at(response, offset: int) -> bool:
    """Whether the server answered a Range request with the bytes from ``offset`` on."""
    if getattr(response, "status", None) != 206:
        return False
    match = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
    return match is not None and int(match.group(1)) == offset


class _Progress:
    """A byte-count progress bar (tqdm) that is silent unless asked for or on a terminal."""

    def __init__(self, enabled: bool | None, label: str):
        if enabled is None:
            enabled = sys.stderr.isatty()
        self._bar = None
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:  # tqdm is optional: no bar without it
                return
            self._bar = tqdm(
                desc=label, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr
            )

    def start(self, total: int | None, done: int) -> None:
        if self._bar is not None:
            self._bar.reset(total=total)
            self._bar.update(done)

    def update(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
