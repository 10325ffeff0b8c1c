"""``to_categorical``: integer class labels as one-hot rows."""

from __future__ import annotations

import numpy as np

from .dataset import as_numpy


def to_categorical(y, num_classes: int | None = None, dtype="float32") -> np.ndarray:
    """One-hot encode integer labels: ``[2, 0]`` → ``[[0, 0, 1], [1, 0, 0]]``.

    Labels of shape ``(N, 1)`` (as CIFAR-10's) count as ``(N,)``, as in Keras. The result has the
    labels' shape plus a last axis of ``num_classes`` (the largest label + 1 when not given).
    """
    y = as_numpy(y)
    if y.ndim >= 2 and y.shape[-1] == 1:
        y = y[..., 0]
    if y.dtype.kind == "f" and np.all(np.mod(y, 1) == 0):
        y = y.astype(np.int64)
    if y.dtype.kind not in "iu":
        raise TypeError(f"to_categorical: expected integer class labels, got dtype {y.dtype}")
    if y.size and y.min() < 0:
        raise ValueError(f"to_categorical: class labels must be >= 0, got {y.min()}")
    largest = int(y.max()) if y.size else -1
    if num_classes is None:
        num_classes = largest + 1
    elif largest >= num_classes:
        raise ValueError(
            f"to_categorical: label {largest} does not fit num_classes={num_classes} "
            f"(labels run from 0 to num_classes - 1)"
        )
    out = np.zeros((y.size, num_classes), dtype=dtype)
    out[np.arange(y.size), y.reshape(-1)] = 1
    return out.reshape(y.shape + (num_classes,))
