"""Milton's works: 7 Project Gutenberg texts (Paradise Lost, Areopagitica ...), 1.42 MB.

>>> text = profundo.datasets.milton.load_data()

For language models and, with ``shakespeare``, authorship classification. The texts are in the
public domain, concatenated from the Open Shakespeare package's Milton files. Like
``shakespeare``, the file comes from a data set mirror (``PROFUNDO_DATASETS_MIRROR``); the hash
is of the decompressed text.
"""

from __future__ import annotations

from .download import RemoteFile
from .text import load_text

FILE = RemoteFile(
    "milton",
    "milton_gut.txt.gz",
    "8e58583f9401843131c36eeac7d0eb3dcb53dca6cbe5efc52f63f41370522f05",
    hash_of_content=True,
)


def load_data(progress: bool | None = None) -> str:
    """The whole text as one ``str`` (see ``text.load_text`` for the line ends)."""
    return load_text(FILE, progress)
