"""pf.data.Dataset as tf.data writes pipelines: from_tensor_slices, map, filter, shuffle, batch,
unbatch, take, skip, cache, prefetch, repeat, cardinality, as_numpy_iterator."""

import threading

import numpy as np
import pytest

import profundo as pf
from profundo.data import AUTOTUNE, Dataset


def elements(ds):
    return list(ds.as_numpy_iterator())


def test_slices_map_with_unpacking_and_batch():
    x, y = np.arange(10, dtype="float32").reshape(5, 2), np.arange(5)
    ds = Dataset.from_tensor_slices((x, y)).map(lambda a, b: (a * 2, b + 1)).batch(2)
    assert ds.cardinality() == 3 and len(ds) == 3
    batches = elements(ds)
    np.testing.assert_array_equal(batches[0][0], x[:2] * 2)
    np.testing.assert_array_equal(batches[2][1], [5])
    assert [len(b) for b in Dataset.from_tensor_slices(y).batch(2, drop_remainder=True)] == [2, 2]


def test_dicts_filter_take_skip_repeat_and_cardinality():
    ds = Dataset.from_tensor_slices({"a": np.arange(10)})
    even = ds.filter(lambda e: e["a"] % 2 == 0)
    assert even.cardinality() == pf.data.UNKNOWN
    assert [int(e["a"]) for e in even] == [0, 2, 4, 6, 8]
    with pytest.raises(TypeError, match="unknown"):
        len(even)
    assert [int(e["a"]) for e in ds.skip(7)] == [7, 8, 9] and ds.skip(7).cardinality() == 3
    endless = ds.repeat()
    assert endless.cardinality() == pf.data.INFINITE
    assert [int(e["a"]) for e in endless.take(12)][-2:] == [0, 1]
    assert ds.repeat(2).cardinality() == 20 and ds.take(3).cardinality() == 3


def test_shuffle_is_a_permutation_reproducible_with_a_seed_and_reshuffled_each_pass():
    ds = Dataset.from_tensor_slices(np.arange(50)).shuffle(50, seed=3)
    first, second = [int(v) for v in ds], [int(v) for v in ds]
    assert sorted(first) == list(range(50)) and first != list(range(50)) and first != second
    again = Dataset.from_tensor_slices(np.arange(50)).shuffle(50, seed=3)
    assert [int(v) for v in again] == first
    small_buffer = [int(v) for v in Dataset.from_tensor_slices(np.arange(50)).shuffle(5, seed=0)]
    assert sorted(small_buffer) == list(range(50))


def test_unbatch_inverts_batch_and_cache_replays_the_first_pass():
    calls = []
    ds = Dataset.from_tensor_slices(np.arange(7)).map(lambda v: calls.append(1) or v * 10).cache()
    assert [int(v) for v in ds.batch(3).unbatch()] == [0, 10, 20, 30, 40, 50, 60]
    assert [int(v) for v in ds] == [0, 10, 20, 30, 40, 50, 60]
    assert len(calls) == 7


def test_prefetch_runs_ahead_in_a_thread_and_passes_errors_on():
    seen = []
    ds = (
        Dataset.from_tensor_slices(np.arange(20))
        .map(lambda v: seen.append(threading.current_thread().name) or v)
        .prefetch(AUTOTUNE)
    )
    assert [int(v) for v in ds] == list(range(20))
    assert set(seen) == {"profundo-prefetch"}
    assert next(iter(ds.take(1))) == 0  # leaving early stops the thread

    def broken(v):
        raise RuntimeError("bad element")

    with pytest.raises(RuntimeError, match="bad element"):
        list(Dataset.from_tensor_slices(np.arange(3)).map(broken).prefetch(2))


def test_generators_ranges_zip_and_errors():
    ds = Dataset.from_generator(lambda: ((np.ones(2) * i, i) for i in range(4)))
    assert len(elements(ds.batch(2))) == 2 and len(elements(ds.batch(2))) == 2  # re-iterable
    pairs = elements(Dataset.zip((Dataset.range(3), Dataset.range(10, 20))))
    assert [(int(a), int(b)) for a, b in pairs] == [(0, 10), (1, 11), (2, 12)]
    with pytest.raises(ValueError, match="batch_size"):
        Dataset.range(3).batch(0)
    with pytest.raises(ValueError, match="buffer_size"):
        Dataset.range(3).shuffle(0)
    with pytest.raises(TypeError, match="from_generator"):
        Dataset.from_generator(iter([1, 2]))
