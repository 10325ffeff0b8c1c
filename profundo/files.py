"""Writing files so that a crash never destroys the last good copy, nor leaves litter behind.

``atomic_write(path)`` gives a temporary file in the same folder; only when the block finishes
without error is it flushed to disk and renamed over ``path`` (a rename within one file system is
atomic: readers see the old file or the new one, never half of one).

>>> with atomic_write("model.profundo") as f:
...     f.write(data)
... # doctest: +SKIP

The temporary file is named ``.<name>.<pid>.<hex>.profundo-tmp`` (``temp_path``): a process killed
mid-write (SIGKILL, power loss) leaves one behind, and the next write or read of the same target
removes those whose process is gone (``remove_stale_temps``). It is created with mode 0666 less the
umask, as any other file writer does.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from pathlib import Path

TEMP_SUFFIX = ".profundo-tmp"


def temp_path(path) -> Path:
    """A new temporary name beside ``path``, recognisable as profundo's and as this process'."""
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}{TEMP_SUFFIX}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process: alive; or a pid too large: leave it alone
    return True


def remove_stale_temps(path) -> list[Path]:
    """Remove the temporary files that writers of ``path`` left when they were killed (their
    process no longer exists); returns what was removed. Files of live processes are kept."""
    path = Path(path)
    pattern = re.compile(
        re.escape(f".{path.name}.") + r"(\d+)\.[0-9a-f]{12}" + re.escape(TEMP_SUFFIX)
    )
    removed: list = []
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if (
            match
            and not _pid_alive(int(match.group(1)))
            and entry.is_file()
            and not entry.is_symlink()
        ):
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
                removed.append(entry)
    return removed


@contextlib.contextmanager
def atomic_write(path, mode: str = "wb"):
    """Open a temporary file next to ``path``; on success replace ``path`` with it."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder; write to a file name inside it")
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path)
    tmp = temp_path(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
