"""Data adapters: what ``fit``, ``evaluate`` and ``predict`` accept, turned into batches.

Arrays (one, a list or a dict of them, or nested Python lists of numbers) become ``ArrayBatches``:
mini-batches of ``(x, y, sample_weight)``, reshuffled each epoch. Anything else iterable — a
``DataLoader``, a dataset, a generator — becomes ``IterableBatches``, whose batches are unpacked as
``(x, y)``, ``(x, y, sample_weight)`` or ``x`` alone. ``batches`` chooses between the two;
``split_validation`` cuts off ``fit``'s ``validation_split`` the way Keras does.
"""

from __future__ import annotations

import math
import numbers

import numpy

from .. import backend as B
from ..autograd import Tensor
from ..layers.nest import flatten, map_structure


def plain_lists_as_array(x):
    """Nested Python lists of numbers are one array; a list of arrays is several inputs/outputs."""
    if (
        isinstance(x, (list, tuple))
        and x
        and not isinstance(x[0], (numpy.ndarray, Tensor, B.xp.ndarray, dict))
    ):
        return numpy.asarray(x)
    return x


def is_array_data(x) -> bool:
    leaves = flatten(x)
    return bool(leaves) and all(
        isinstance(v, (numpy.ndarray, Tensor, B.xp.ndarray))
        or (isinstance(v, (list, float, int)) and not callable(v))
        for v in leaves
    )


def to_arrays(x):
    x = plain_lists_as_array(x)
    return map_structure(lambda v: v.numpy() if isinstance(v, Tensor) else numpy.asarray(v), x)


def num_samples(x) -> int:
    sizes = {len(v) for v in flatten(x)}
    if len(sizes) != 1:
        raise ValueError(
            f"all inputs and targets must have the same number of samples, got {sorted(sizes)}"
        )
    return sizes.pop()


def take(x, index):
    return map_structure(lambda v: v[index], x)


def unpack_batch(batch):
    """A batch from an iterable: ``(x, y)``, ``(x, y, sample_weight)`` or ``x`` alone; a list
    counts as a tuple (PyTorch's ``DataLoader`` yields ``[x, y]``)."""
    if isinstance(batch, (tuple, list)) and len(batch) in (2, 3):
        batch = tuple(batch)
        return batch if len(batch) == 3 else (batch[0], batch[1], None)
    return batch, None, None


def class_weights(y, class_weight, sample_weight):
    """Multiply the sample weights by the weight of each sample's class."""
    labels = numpy.asarray(y)
    if labels.ndim > 1 and labels.shape[-1] > 1:
        labels = labels.argmax(axis=-1)
    labels = labels.reshape(len(labels), -1)[:, 0].astype(int)
    weights = numpy.array(
        [class_weight.get(int(c), 1.0) for c in range(labels.max() + 1)], dtype=numpy.float32
    )
    w = weights[labels]
    return w if sample_weight is None else w * numpy.asarray(sample_weight, dtype=numpy.float32)


class ArrayBatches:
    """Mini-batches over arrays (x, y, sample weights), reshuffled each epoch."""

    def __init__(self, x, y, sample_weight, batch_size, shuffle):
        self.x, self.y, self.sw = x, y, sample_weight
        self.n = num_samples([x] + ([y] if y is not None else []))
        if batch_size is not None and (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, numbers.Integral)
            or batch_size < 1
        ):
            raise ValueError(
                f"fit/evaluate/predict: batch_size must be an integer ≥ 1 or None "
                f"(the whole set in one batch), got {batch_size!r}"
            )
        self.batch_size = max(self.n, 1) if batch_size is None else int(batch_size)
        self.shuffle = shuffle

    def __len__(self) -> int:
        return math.ceil(self.n / self.batch_size)

    def __iter__(self):
        order = B.permutation(self.n) if self.shuffle else None
        for start in range(0, self.n, self.batch_size):
            stop = start + self.batch_size
            index = slice(start, stop) if order is None else order[start:stop]
            yield (
                take(self.x, index),
                None if self.y is None else take(self.y, index),
                None if self.sw is None else self.sw[index],
            )


def known_length(data):
    """``len(data)``, or None for a generator or a pipeline of unknown or infinite length."""
    try:
        return len(data)
    except TypeError:
        return None


class IterableBatches:
    """Batches from a loader or generator; ``steps`` limits each epoch (needed for endless ones)."""

    def __init__(self, data, steps=None):
        self.data, self.steps = data, steps
        self._iterator = None
        #: batches per epoch: steps, the loader's length, or None (a generator: until it ends)
        self.length = steps if steps is not None else known_length(data)

    def __iter__(self):
        if self.steps is None:
            yield from map(unpack_batch, self.data)
            if hasattr(self.data, "on_epoch_end"):  # a PyDataset's end-of-epoch hook
                self.data.on_epoch_end()
            return
        for _ in range(self.steps):  # continue one iterator across epochs
            if self._iterator is None:
                self._iterator = iter(self.data)
            try:
                yield unpack_batch(next(self._iterator))
            except StopIteration:
                self._iterator = None
                return


def num_batches(batches) -> int | None:
    """Batches per epoch, or None (a generator without ``steps``: until it ends)."""
    return batches.length if isinstance(batches, IterableBatches) else len(batches)


def batches(x, y, sample_weight, batch_size, shuffle, steps=None, class_weight=None):
    if x is None:
        raise ValueError("fit/evaluate: x is required")
    if is_array_data(x):
        x = to_arrays(x)
        y = None if y is None else to_arrays(y)
        if class_weight:
            if y is None or len(flatten(y)) != 1:
                raise ValueError("class_weight needs a single target array y")
            sample_weight = class_weights(flatten(y)[0], class_weight, sample_weight)
        elif sample_weight is not None:
            sample_weight = numpy.asarray(sample_weight, dtype=numpy.float32)
        return ArrayBatches(x, y, sample_weight, batch_size, shuffle)
    if y is not None:
        raise ValueError("when x is a loader or generator of (x, y) batches, do not pass y")
    return IterableBatches(x, steps)


def split_validation(x, y, sample_weight, validation_split):
    """Keras' rule: the last ``validation_split`` fraction of the samples, before shuffling."""
    if not 0 < validation_split < 1:
        raise ValueError(f"fit: validation_split must be in (0, 1), got {validation_split}")
    if not is_array_data(x):
        raise ValueError("fit: validation_split needs arrays; for loaders pass validation_data")
    x, y = to_arrays(x), to_arrays(y)
    n = num_samples(x)
    cut = n - int(round(n * validation_split))
    if cut <= 0 or cut >= n:
        raise ValueError(
            f"fit: validation_split={validation_split} of {n} samples leaves an empty set"
        )
    head, tail = slice(0, cut), slice(cut, n)
    sw = None if sample_weight is None else numpy.asarray(sample_weight)
    return (
        (take(x, head), take(y, head), None if sw is None else sw[head]),
        (take(x, tail), take(y, tail), None if sw is None else sw[tail]),
    )
