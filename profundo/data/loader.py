"""``DataLoader``: a data set in mini-batches, optionally shuffled, with transforms.

>>> loader = DataLoader((x_train, y_train), batch_size=128, shuffle=True, seed=0)  # doctest: +SKIP
>>> for xb, yb in loader.map(lambda b: (b[0] / 255, b[1])):
...     ...
... # doctest: +SKIP
"""

from __future__ import annotations

import copy
import math
from typing import Callable, Iterator

from .dataset import Dataset
from .sampling import generator, permutation


class DataLoader:
    """Batches of NumPy arrays from a ``Dataset`` (or the arrays to make one), in their structure.

    Args:
        data: a ``Dataset``, an array, or a tuple/list/dict of arrays sharing their first axis.
        batch_size: samples per batch; the last batch is smaller unless ``drop_last``.
        shuffle: a new random order at every pass (epoch).
        seed: with ``shuffle``, the loader's own generator: a new loader with the same seed gives
            the same sequence of epochs. ``None`` draws from profundo's generator, so
            ``pf.manual_seed`` reproduces the order.
        drop_last: leave out the last batch when it is smaller than ``batch_size``.
    """

    def __init__(
        self,
        data,
        batch_size: int = 32,
        shuffle: bool = False,
        seed: int | None = None,
        drop_last: bool = False,
    ):
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(
                f"DataLoader: batch_size must be a positive integer, got {batch_size!r}"
            )
        self.dataset = data if isinstance(data, Dataset) else Dataset(data)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self._rng = None if seed is None else generator(seed)
        self._transforms: tuple[Callable, ...] = ()

    def __len__(self) -> int:
        """Number of batches in one pass."""
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator:
        n = len(self.dataset)
        order = permutation(self._rng or generator(None), n) if self.shuffle else None
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            end = min(start + self.batch_size, n)
            index = slice(start, end) if order is None else order[start:end]
            batch = self.dataset[index]
            for fn in self._transforms:
                batch = fn(batch)
            yield batch

    def map(self, fn: Callable) -> "DataLoader":
        """A loader that yields ``fn(batch)`` for each batch of this one (lazily, in order).

        The new loader shares this one's data and, with a ``seed``, its generator.
        """
        mapped = copy.copy(self)
        mapped._transforms = self._transforms + (fn,)
        return mapped

    def __repr__(self) -> str:
        return (
            f"DataLoader({len(self.dataset)} samples, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}, drop_last={self.drop_last}, {len(self)} batches)"
        )
