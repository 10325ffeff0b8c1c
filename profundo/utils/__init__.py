"""Keras' ``keras.utils``: what Keras programs reach for besides models and layers — labels to
one-hot, sequence padding, seeding, files and images, data sets from folders and series,
``PyDataset``, ``Progbar``, ``plot_model`` and the registration of custom objects.

>>> from profundo import utils
>>> y = utils.to_categorical([0, 2, 1], num_classes=3)
>>> utils.set_random_seed(1337)
"""

from __future__ import annotations

import random as _python_random

import numpy as np

from .. import backend as B
from ..data import PyDataset, Sequence, to_categorical
from ..data.from_files import (
    image_dataset_from_directory,
    split_dataset,
    text_dataset_from_directory,
    timeseries_dataset_from_array,
)
from ..data.images import array_to_img, img_to_array, load_img, save_img
from ..data.text import pad_sequences
from ..datasets.get_file import get_file
from ..layers.base import _name_counts
from ..layers.symbolic import SymbolicTensor
from ..saving import (
    CustomObjectScope,
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    serialize_keras_object,
)
from ..viz.graph import plot_model
from .progbar import Progbar

__all__ = [
    "to_categorical",
    "pad_sequences",
    "set_random_seed",
    "normalize",
    "get_file",
    "load_img",
    "img_to_array",
    "array_to_img",
    "save_img",
    "image_dataset_from_directory",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
    "split_dataset",
    "PyDataset",
    "Sequence",
    "Progbar",
    "plot_model",
    "register_keras_serializable",
    "custom_object_scope",
    "CustomObjectScope",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "serialize_keras_object",
    "deserialize_keras_object",
    "clear_session",
    "is_keras_tensor",
    "pack_x_y_sample_weight",
    "unpack_x_y_sample_weight",
    "standardize_dtype",
]


def set_random_seed(seed: int) -> None:
    """Seed every generator a program draws from: Python's ``random``, NumPy's global one and
    profundo's (initializers, dropout, shuffling)."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"set_random_seed: expected an integer seed, got {seed!r}")
    _python_random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)
    B.manual_seed(int(seed))


def normalize(x, axis: int = -1, order: int = 2) -> np.ndarray:
    """``x`` divided by its ``order``-norm along ``axis`` (zero vectors stay zero)."""
    x = np.asarray(x.numpy() if hasattr(x, "numpy") else x)
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm)


def clear_session() -> None:
    """Start layer names afresh (``dense``, ``dense_1``, ... count from the start again)."""
    _name_counts.clear()


def is_keras_tensor(x) -> bool:
    """Whether ``x`` is a symbolic tensor of a functional model (from ``Input`` or a layer)."""
    return isinstance(x, SymbolicTensor)


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """``x``, ``(x, y)`` or ``(x, y, sample_weight)``: what a batch of a data set holds."""
    if y is None:
        return (x,) if isinstance(x, tuple) else x
    return (x, y) if sample_weight is None else (x, y, sample_weight)


def unpack_x_y_sample_weight(data):
    """``(x, y, sample_weight)`` from a batch, with None for what it lacks."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) in (1, 2, 3):
        return tuple(data) + (None,) * (3 - len(data))
    raise ValueError(
        f"unpack_x_y_sample_weight: a batch is x, (x,), (x, y) or "
        f"(x, y, sample_weight); got a tuple of {len(data)}"
    )


def standardize_dtype(dtype) -> str:
    """The canonical name of a dtype (``"float32"``, ``"int64"``, ...)."""
    if hasattr(dtype, "name") and not isinstance(dtype, np.dtype):
        dtype = dtype.name
    return np.dtype(dtype).name
