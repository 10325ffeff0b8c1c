"""Shakespeare's plays and poems: 42 Project Gutenberg texts (modern spelling), 5.06 MB of ASCII.

>>> text = profundo.datasets.shakespeare.load_data()

For character-level language models, text generation, and (with ``milton``) authorship
classification. The texts are in the public domain; the file is the concatenation of the Open
Shakespeare package's Gutenberg files, one blank line between works. It has no public address
of its own: it comes from a data set mirror (``PROFUNDO_DATASETS_MIRROR``, e.g.
``../shared/data`` in this project's checkouts). The hash is of the decompressed text.
"""

from __future__ import annotations

from .download import RemoteFile
from .text import load_text

FILE = RemoteFile(
    "shakespeare",
    "shakespeare_gut.txt.gz",
    "3237e33221e73615c677bd59fd69a76da38f9a2eb51d6efb7191f32f8cb9fa4c",
    hash_of_content=True,
)


def load_data(progress: bool | None = None) -> str:
    """The whole text as one ``str`` (see ``text.load_text`` for the line ends)."""
    return load_text(FILE, progress)
