"""Input pipelines as ``tf.data`` writes them: a ``Pipeline`` is a re-iterable stream of elements
(one array or a tuple/dict of them), and every step returns a new, lazy pipeline.

>>> ds = pf.data.Dataset.from_tensor_slices((x, y))          # one element per sample
... # doctest: +SKIP
>>> ds = ds.map(lambda x, y: (x / 255, y)).shuffle(1000, seed=0)  # doctest: +SKIP
>>> ds = ds.batch(32).prefetch(pf.data.AUTOTUNE)  # doctest: +SKIP
>>> model.fit(ds, epochs=3)  # doctest: +SKIP

``map`` and ``filter`` unpack tuple elements into arguments (``lambda x, y: ...``) as ``tf.data``
does. ``cardinality()`` is the number of elements, ``INFINITE`` (−1) after ``repeat()``, or
``UNKNOWN`` (−2) after ``filter``.
"""

from __future__ import annotations

import itertools
import queue
import threading

import numpy as np

from .. import backend as B
from ..layers.nest import flatten, map_structure

INFINITE = -1  #: ``cardinality()`` of an endless pipeline (``tf.data.INFINITE_CARDINALITY``)
UNKNOWN = -2  #: ``cardinality()`` when it cannot be known without running (after ``filter``)
AUTOTUNE = -1  #: ``prefetch(AUTOTUNE)``: profundo prefetches two elements


def _to_numpy(value):
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        return np.asarray(value.numpy())
    return B.to_numpy(value) if isinstance(value, B.xp.ndarray) else np.asarray(value)


def _call(fn, element):
    return fn(*element) if isinstance(element, tuple) else fn(element)


class Pipeline:
    """A stream of elements that can be iterated again and again (each pass starts afresh)."""

    def __init__(self, make_iterator, cardinality: int):
        self._make_iterator = make_iterator
        self._cardinality = int(cardinality)

    # --- sources ---------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors) -> Pipeline:
        """One element per entry along the first axis of every array in ``tensors``."""
        from .dataset import Dataset

        return Dataset(tensors)

    @staticmethod
    def from_tensors(tensors) -> Pipeline:
        """A single element: ``tensors`` as they are."""
        element = map_structure(_to_numpy, tensors)
        return Pipeline(lambda: iter([element]), 1)

    @staticmethod
    def from_generator(
        generator, output_signature=None, output_types=None, output_shapes=None, args=()
    ) -> Pipeline:
        """The elements that ``generator(*args)`` yields, called anew for every pass (the
        signature arguments are accepted; profundo takes shapes and dtypes from the data)."""
        if not callable(generator):
            raise TypeError(
                f"Dataset.from_generator: expected a function that returns an iterator, "
                f"got {type(generator).__name__}"
            )
        return Pipeline(lambda: iter(generator(*args)), UNKNOWN)

    @staticmethod
    def range(*args) -> Pipeline:
        """``range(start, stop, step)`` as a pipeline of int64 scalars."""
        r = range(*args)
        return Pipeline(lambda: (np.int64(i) for i in r), len(r))

    @staticmethod
    def zip(*datasets) -> Pipeline:
        """Elements of several pipelines side by side, as tuples; as long as the shortest."""
        if len(datasets) == 1 and isinstance(datasets[0], (tuple, list)):
            datasets = tuple(datasets[0])
        counts = [d.cardinality() for d in datasets]
        known = [c for c in counts if c >= 0]
        count = min(known) if known else (UNKNOWN if UNKNOWN in counts else INFINITE)
        return Pipeline(lambda: zip(*datasets), count)

    # --- steps ------------------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None) -> Pipeline:
        """``map_func(element)`` for each element (a tuple element is unpacked into arguments)."""
        return Pipeline(lambda: (_call(map_func, e) for e in self), self._cardinality)

    def filter(self, predicate) -> Pipeline:
        """Only the elements for which ``predicate`` is true."""
        count = INFINITE if self._cardinality == INFINITE else UNKNOWN
        return Pipeline(lambda: (e for e in self if bool(_to_numpy(_call(predicate, e)))), count)

    def batch(
        self,
        batch_size: int,
        drop_remainder: bool = False,
        num_parallel_calls=None,
        deterministic=None,
    ) -> Pipeline:
        """Consecutive elements stacked along a new first axis, ``batch_size`` at a time."""
        if isinstance(batch_size, bool) or int(batch_size) < 1:
            raise ValueError(
                f"Dataset.batch: batch_size must be a positive integer, got {batch_size!r}"
            )
        size = int(batch_size)

        def batches():
            iterator = iter(self)
            while True:
                chunk = list(itertools.islice(iterator, size))
                if not chunk or (drop_remainder and len(chunk) < size):
                    return
                yield _stack(chunk)

        n = self._cardinality
        count = n if n < 0 else (n // size if drop_remainder else -(-n // size))
        return Pipeline(batches, count)

    def unbatch(self) -> Pipeline:
        """The inverse of ``batch``: each entry along the first axis becomes an element."""

        def elements():
            for batch in self:
                leaves = [_to_numpy(v) for v in flatten(batch)]
                for i in range(len(leaves[0])):
                    yield _rebuild(batch, [leaf[i] for leaf in leaves])

        return Pipeline(elements, UNKNOWN if self._cardinality >= 0 else self._cardinality)

    def shuffle(
        self, buffer_size: int, seed=None, reshuffle_each_iteration: bool = True
    ) -> Pipeline:
        """Elements in a random order, drawn from a buffer of ``buffer_size`` (the whole data set
        when the buffer holds it all, as ``tf.data``)."""
        if int(buffer_size) < 1:
            raise ValueError(
                f"Dataset.shuffle: buffer_size must be at least 1, got {buffer_size!r}"
            )
        size = int(buffer_size)
        seeds = np.random.SeedSequence(seed) if seed is not None else None

        def shuffled():
            if seeds is None:
                rng = B.rng() if B.name == "numpy" else np.random.default_rng()
            else:
                rng = np.random.default_rng(
                    seeds.spawn(1)[0] if reshuffle_each_iteration else seeds
                )
            buffer = []
            for element in self:
                buffer.append(element)
                if len(buffer) >= size:
                    i = int(rng.integers(len(buffer)))
                    buffer[i], buffer[-1] = buffer[-1], buffer[i]
                    yield buffer.pop()
            while buffer:
                i = int(rng.integers(len(buffer)))
                buffer[i], buffer[-1] = buffer[-1], buffer[i]
                yield buffer.pop()

        return Pipeline(shuffled, self._cardinality)

    def take(self, count: int) -> Pipeline:
        """The first ``count`` elements (all of them for −1)."""
        count = int(count)
        if count < 0:
            return self
        n = self._cardinality
        return Pipeline(
            lambda: itertools.islice(self, count),
            count if n == INFINITE else (min(n, count) if n >= 0 else UNKNOWN),
        )

    def skip(self, count: int) -> Pipeline:
        """All but the first ``count`` elements."""
        count = int(count)
        n = self._cardinality
        return Pipeline(
            lambda: itertools.islice(self, count, None), max(n - count, 0) if n >= 0 else n
        )

    def repeat(self, count=None) -> Pipeline:
        """The elements ``count`` times over (for ever when ``count`` is None or −1)."""
        endless = count is None or int(count) < 0
        n = self._cardinality

        def repeated():
            for _ in itertools.count() if endless else range(int(count)):
                yield from self

        return Pipeline(repeated, INFINITE if endless else (n * int(count) if n >= 0 else n))

    def cache(self, filename: str = "") -> Pipeline:
        """Remember the elements of the first complete pass in memory; later passes replay them
        (``filename`` is accepted and ignored: the cache is in memory)."""
        store: list = []
        complete = [False]

        def cached():
            if complete[0]:
                yield from store
                return
            store.clear()
            for element in self:
                store.append(element)
                yield element
            complete[0] = True

        return Pipeline(cached, self._cardinality)

    def prefetch(self, buffer_size=AUTOTUNE) -> Pipeline:
        """Prepare up to ``buffer_size`` elements ahead in a background thread, so that the
        pipeline's work overlaps with training."""
        size = 2 if buffer_size is None or int(buffer_size) < 1 else int(buffer_size)
        return Pipeline(lambda: _background(self, size), self._cardinality)

    def enumerate(self, start: int = 0) -> Pipeline:
        """``(index, element)`` pairs."""
        return Pipeline(
            lambda: ((np.int64(i), e) for i, e in enumerate(self, start)), self._cardinality
        )

    def concatenate(self, dataset) -> Pipeline:
        """This pipeline's elements, then ``dataset``'s."""
        a, b = self._cardinality, dataset.cardinality()
        count = INFINITE if INFINITE in (a, b) else (a + b if min(a, b) >= 0 else UNKNOWN)
        return Pipeline(lambda: itertools.chain(self, dataset), count)

    # --- reading ----------------------------------------------------------------------------
    def __iter__(self):
        return self._make_iterator()

    def cardinality(self) -> int:
        """The number of elements, ``INFINITE`` (−1) or ``UNKNOWN`` (−2)."""
        return self._cardinality

    def __len__(self) -> int:
        if self._cardinality < 0:
            raise TypeError(
                "the length of this pipeline is "
                + ("infinite" if self._cardinality == INFINITE else "unknown")
                + " (see cardinality())"
            )
        return self._cardinality

    def as_numpy_iterator(self):
        """The elements with every array as a NumPy array."""
        return (map_structure(_to_numpy, e) for e in self)

    def reduce(self, initial_state, reduce_func):
        """``reduce_func(state, element)`` folded over the elements."""
        state = initial_state
        for element in self:
            state = reduce_func(state, element)
        return state

    def __repr__(self) -> str:
        n = {INFINITE: "infinite", UNKNOWN: "unknown"}.get(self._cardinality, self._cardinality)
        return f"<{type(self).__name__} with {n} elements>"


def _rebuild(structure, leaves):
    it = iter(leaves)
    return map_structure(lambda _: next(it), structure)


def _stack(elements):
    """Elements of the same structure stacked leaf by leaf along a new first axis."""
    columns = zip(*[[_to_numpy(v) for v in flatten(e)] for e in elements])
    return _rebuild(elements[0], [np.stack(column) for column in columns])


_DONE = object()


def _background(source, size: int):
    """Iterate ``source`` in a daemon thread, ``size`` elements ahead; an error in the thread is
    raised here; leaving the loop early stops the thread."""
    buffer: queue.Queue = queue.Queue(maxsize=size)
    stop = threading.Event()

    def work():
        try:
            for element in source:
                while not stop.is_set():
                    try:
                        buffer.put(element, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            buffer.put(_DONE)
        except BaseException as err:  # handed to the consumer, raised there
            buffer.put(err)

    thread = threading.Thread(target=work, daemon=True, name="profundo-prefetch")
    thread.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
