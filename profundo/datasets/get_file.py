"""``get_file``: Keras' downloader (``keras.utils.get_file``) on profundo's download machinery —
retries, resume, atomic writes into the cache — for any URL a program names.

>>> path = get_file("flower_photos.tgz", origin="https://.../flower_photos.tgz", extract=True)
... # doctest: +SKIP

With ``file_hash`` (sha256 or md5, told apart by length unless ``hash_algorithm`` says) a cached
or downloaded file is verified; without it, the file is accepted as it arrives, as in Keras.
Archives are extracted next to the file, refusing members that would land outside that folder.
"""

from __future__ import annotations

import hashlib
import os
import tarfile
import urllib.parse
import zipfile
from pathlib import Path

from ..files import remove_stale_temps, temp_path
from .download import (
    CHUNK_BYTES,
    HOME_ENV,
    ChecksumError,
    DownloadError,
    _transfer_with_retries,
)

_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip")


def _cache_root(cache_dir) -> Path:
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    home = os.environ.get(HOME_ENV)
    return Path(home).expanduser() if home else Path.home() / ".cache" / "profundo"


def _hash_problem(path: Path, file_hash: str | None, algorithm: str) -> str | None:
    if not file_hash:
        return None
    if algorithm == "auto":
        algorithm = "sha256" if len(file_hash) == 64 else "md5"
    digest = hashlib.new(algorithm)
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    if digest.hexdigest() != file_hash.lower():
        return f"its {algorithm} is {digest.hexdigest()}, expected {file_hash}"
    return None


def _extract(archive: Path, into: Path, archive_format) -> Path:
    formats = (
        ["tar", "zip"]
        if archive_format == "auto"
        else ([archive_format] if isinstance(archive_format, str) else list(archive_format or []))
    )
    into.mkdir(parents=True, exist_ok=True)
    if "tar" in formats and tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tar:
            tar.extractall(into, filter="data")  # no links out, no absolute paths, no devices
        return into
    if "zip" in formats and zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as z:
            root = into.resolve()
            for member in z.namelist():
                if not (root / member).resolve().is_relative_to(root):
                    raise ValueError(f"get_file: {archive} holds {member!r}, outside its folder")
            z.extractall(into)
        return into
    raise ValueError(f"get_file: {archive} is not a {' or '.join(formats)} archive")


def get_file(
    fname=None,
    origin=None,
    untar: bool = False,
    md5_hash=None,
    file_hash=None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format="auto",
    cache_dir=None,
    force_download: bool = False,
) -> str:
    """The path of ``origin``'s file in the cache (``<cache_dir>/<cache_subdir>/<fname>``),
    downloading it when it is missing, fails its hash, or ``force_download``. With ``extract``
    (or ``untar``) the path of the folder the archive was extracted into."""
    if not origin:
        raise ValueError("get_file: origin (the URL to download) is required")
    fname = fname or Path(urllib.parse.urlsplit(origin).path).name
    if not fname:
        raise ValueError(f"get_file: cannot tell a file name from {origin!r}; pass fname")
    folder = (
        Path(cache_subdir)
        if Path(cache_subdir).is_absolute()
        else (_cache_root(cache_dir) / cache_subdir)
    )
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / fname
    file_hash = file_hash or md5_hash
    if force_download or not target.exists() or _hash_problem(target, file_hash, hash_algorithm):
        remove_stale_temps(target)
        tmp = temp_path(target)
        try:
            with open(tmp, "xb") as out:
                _transfer_with_retries(
                    origin, out, None, fname, None
                )  # size: the server's word, capped
            problem = _hash_problem(tmp, file_hash, hash_algorithm)
            if problem:
                raise ChecksumError(f"get_file: {origin} arrived but {problem}")
            os.replace(tmp, target)
        except DownloadError as err:
            raise DownloadError(f"get_file: could not download {origin}: {err}") from None
        finally:
            tmp.unlink(missing_ok=True)
    if untar or extract:
        stem = next(
            (fname[: -len(suffix)] for suffix in _ARCHIVE_SUFFIXES if fname.endswith(suffix)),
            f"{fname}_extracted",
        )
        into = folder / stem
        if force_download or not into.exists():
            _extract(target, into, "tar" if untar else archive_format)
        return str(into)
    return str(target)
