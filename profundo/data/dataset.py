"""``Dataset``: samples held in NumPy arrays, indexed along their first axis.

>>> ds = Dataset((x, y))          # x: (100, 28, 28), y: (100,)  # doctest: +SKIP
>>> len(ds), ds[:2][0].shape  # doctest: +SKIP
(100, (2, 28, 28))
>>> Dataset.from_tensor_slices((x, y)).shuffle(100).batch(32)     # a tf.data-style pipeline
... # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from .. import backend as B
from ..layers.nest import map_structure, named_leaves
from .pipeline import Pipeline


def as_numpy(array) -> np.ndarray:
    """A NumPy array from an array, a list, a backend (CuPy) array or a Tensor."""
    if hasattr(array, "numpy") and not isinstance(array, np.ndarray):
        return np.asarray(array.numpy())
    return B.to_numpy(array)


def num_samples(data, who: str) -> int:
    """The length of the first axis that every array in ``data`` shares; a clear error if not."""
    leaves = named_leaves(data)
    if not leaves:
        raise ValueError(f"{who}: expected at least one array, got an empty {type(data).__name__}")
    for name, array in leaves:
        if array.ndim == 0:
            raise ValueError(f"{who}: {name} is a scalar; every array needs a first (sample) axis")
    lengths = {name: len(array) for name, array in leaves}
    if len(set(lengths.values())) > 1:
        listing = ", ".join(f"{name}: {n}" for name, n in lengths.items())
        raise ValueError(
            f"{who}: every array needs the same number of samples (first axis); got {listing}"
        )
    return next(iter(lengths.values()))


class Dataset(Pipeline):
    """Samples from one array or a tuple/list/dict of arrays that share their first axis.

    ``ds[i]`` is one sample and ``ds[indices]`` (a slice or an index array) a batch, both in the
    structure the data came in. Iterating gives the samples one by one, and every ``Pipeline``
    step (``map``, ``shuffle``, ``batch``, ...) applies.
    """

    def __init__(self, data):
        self.data = map_structure(as_numpy, data)
        self._length = num_samples(self.data, "Dataset")
        super().__init__(lambda: (self[i] for i in range(self._length)), self._length)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        return map_structure(lambda array: array[index], self.data)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{name}: {a.shape} {a.dtype}" for name, a in named_leaves(self.data))
        return f"Dataset({len(self)} samples; {shapes})"
