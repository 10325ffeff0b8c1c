"""``PyDataset``: Keras' base class for data sets written as Python classes that return whole
batches by index (``keras.utils.PyDataset``; ``Sequence`` is its older name).

>>> class Batches(PyDataset):
...     def __init__(self, x, y, batch_size, **kwargs):
...         super().__init__(**kwargs)
...         self.x, self.y, self.batch_size = x, y, batch_size
...     def __len__(self):
...         return math.ceil(len(self.x) / self.batch_size)
...     def __getitem__(self, i):
...         s = slice(i * self.batch_size, (i + 1) * self.batch_size)
...         return self.x[s], self.y[s]
>>> model.fit(Batches(x, y, 32), epochs=2)  # doctest: +SKIP
"""

from __future__ import annotations


class PyDataset:
    """Batches by index: subclasses define ``__getitem__(index)`` and ``__len__()`` (batches per
    epoch). An epoch is indices ``0 .. len − 1``, so it ends at ``__len__`` even when
    ``__getitem__`` never raises ``IndexError``; without ``__len__`` it ends at the first
    ``IndexError``. ``on_epoch_end`` runs after every epoch (shuffle there).

    ``workers``, ``use_multiprocessing`` and ``max_queue_size`` are accepted for Keras' programs;
    profundo reads the batches in the training thread.
    """

    def __init__(
        self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10
    ):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __getitem__(self, index):
        raise NotImplementedError(
            f"{type(self).__name__} must define __getitem__(index) returning one batch, e.g. (x, y)"
        )

    @property
    def num_batches(self):
        """Batches per epoch, or None when the class has no ``__len__``."""
        return len(self) if type(self).__len__ is not PyDataset.__len__ else None

    def __len__(self):
        raise TypeError(
            f"{type(self).__name__} has no __len__: its epochs end at the first "
            f"IndexError of __getitem__"
        )

    def __iter__(self):
        count = self.num_batches
        if count is not None:
            for index in range(count):
                yield self[index]
            return
        index = 0
        while True:
            try:
                batch = self[index]
            except IndexError:
                return
            yield batch
            index += 1

    def on_epoch_begin(self):
        """Called before each epoch; override as needed."""

    def on_epoch_end(self):
        """Called after each epoch; override as needed (e.g. to reshuffle)."""


Sequence = PyDataset
