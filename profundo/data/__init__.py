"""Feeding data to models: batching, splitting, encoding labels and scaling features.

>>> from profundo.data import DataLoader, train_test_split, to_categorical, Standardizer
>>> x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.1, stratify=y, seed=0)
... # doctest: +SKIP
>>> scaler = Standardizer()
>>> loader = DataLoader((scaler.fit_transform(x_train), y_train), batch_size=64, shuffle=True)
... # doctest: +SKIP
"""

from .dataset import Dataset
from .encoding import to_categorical
from .loader import DataLoader
from .pipeline import AUTOTUNE, INFINITE, UNKNOWN, Pipeline
from .py_dataset import PyDataset, Sequence
from .scaling import Normalizer, Standardizer
from .split import train_test_split
from . import text  # noqa: E402  (pad_sequences, CharVocabulary, windows, passages, ...)

__all__ = [
    "Dataset",
    "Pipeline",
    "AUTOTUNE",
    "INFINITE",
    "UNKNOWN",
    "PyDataset",
    "Sequence",
    "DataLoader",
    "train_test_split",
    "to_categorical",
    "Standardizer",
    "Normalizer",
]
