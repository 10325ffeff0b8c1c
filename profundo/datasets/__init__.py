"""Data sets as NumPy arrays in Keras' layout: ``(x_train, y_train), (x_test, y_test)``.

Downloaded on first use, cached and verified (see ``download``):
``mnist``, ``fashion_mnist``, ``cifar10``, and the text corpora ``shakespeare`` and ``milton``
(``load_data()`` returns a ``str``), the e-mails of ``spamassassin`` (raw messages).
Shipped inside the package, offline: ``digits``, ``iris``, ``breast_cancer``, ``diabetes``.

>>> from profundo import datasets
>>> (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()

Environment: ``PROFUNDO_HOME`` moves the cache (``$PROFUNDO_HOME/datasets``, by default
``~/.cache/profundo/datasets``); ``PROFUNDO_DATASETS_MIRROR`` (a folder or URL holding
``<dataset>/<file>``) replaces the origins on machines without internet.
"""

from . import (
    breast_cancer,
    cifar10,
    diabetes,
    digits,
    fashion_mnist,
    iris,
    milton,
    mnist,
    shakespeare,
    spamassassin,
    text_tasks,
)
from .download import ChecksumError, DatasetError, DownloadError, RemoteFile, cache_dir, fetch

__all__ = [
    "mnist",
    "fashion_mnist",
    "cifar10",
    "shakespeare",
    "milton",
    "spamassassin",
    "digits",
    "iris",
    "breast_cancer",
    "diabetes",
    "text_tasks",
    "DatasetError",
    "DownloadError",
    "ChecksumError",
    "RemoteFile",
    "cache_dir",
    "fetch",
]
