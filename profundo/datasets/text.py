"""The shared loader of the plain-text corpora (``shakespeare``, ``milton``)."""

from __future__ import annotations

import gzip

from .download import RemoteFile, fetch


def load_text(remote: RemoteFile, progress: bool | None = None) -> str:
    """The text of a gzip-compressed UTF-8 file, with ``\\n`` line ends and no byte-order marks.

    The source files mix ``\\r\\n`` and ``\\n`` and one has a byte-order mark where two works
    were joined; a character model should see one newline character and no invisible marks.
    """
    with gzip.open(fetch(remote, progress), "rb") as stream:
        text = stream.read().decode("utf-8")
    return text.replace("\r\n", "\n").replace("\ufeff", "")
