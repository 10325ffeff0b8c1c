"""Writing files so that a crash never destroys the last good copy.

``atomic_write(path)`` gives a temporary file in the same folder; only when the block finishes
without error is it flushed to disk and renamed over ``path`` (a rename within one file system is
atomic: readers see the old file or the new one, never half of one).

>>> with atomic_write("model.profundo") as f:
...     f.write(data)
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_write(path, mode: str = "wb"):
    """Open a temporary file next to ``path``; on success replace ``path`` with it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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
