import collections

import numpy as np
import pytest

import profundo as pf
from profundo.data import DataLoader, Dataset


def _data(n=10):
    return np.arange(n * 2, dtype=np.float32).reshape(n, 2), np.arange(n)


def test_batches_in_order_and_last_batch_smaller():
    x, y = _data(10)
    loader = DataLoader((x, y), batch_size=4)
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert all(isinstance(b, tuple) and b[0].dtype == np.float32 for b in batches)
    np.testing.assert_array_equal(batches[2][0], x[8:])


def test_drop_last():
    x, y = _data(10)
    loader = DataLoader((x, y), batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert [len(b[1]) for b in loader] == [4, 4]
    assert list(DataLoader(x, batch_size=20, drop_last=True)) == []


def test_single_array_dict_list_and_namedtuple_structures():
    x, y = _data(6)
    (batch,) = list(DataLoader(x, batch_size=6))
    assert isinstance(batch, np.ndarray) and batch.shape == (6, 2)
    batch = next(iter(DataLoader({"image": x, "meta": {"label": y}}, batch_size=3)))
    assert set(batch) == {"image", "meta"} and batch["meta"]["label"].tolist() == [0, 1, 2]
    batch = next(iter(DataLoader([x, y], batch_size=2)))
    assert isinstance(batch, list) and batch[1].tolist() == [0, 1]
    Pair = collections.namedtuple("Pair", "x y")
    batch = next(iter(DataLoader(Pair(x, y), batch_size=2)))
    assert isinstance(batch, Pair) and batch.y.tolist() == [0, 1]


def test_shuffle_keeps_pairs_together_and_covers_every_sample():
    x, y = _data(50)
    seen = []
    for xb, yb in DataLoader((x, y), batch_size=8, shuffle=True, seed=1):
        np.testing.assert_array_equal(xb, x[yb])
        seen.extend(yb.tolist())
    assert sorted(seen) == list(range(50)) and seen != list(range(50))


def _epochs(loader, n=2):
    return [np.concatenate([b for b in loader]).tolist() for _ in range(n)]


def test_seed_reproduces_the_sequence_of_epochs_and_epochs_differ():
    x = np.arange(30)
    first = _epochs(DataLoader(x, batch_size=7, shuffle=True, seed=3))
    second = _epochs(DataLoader(x, batch_size=7, shuffle=True, seed=3))
    assert first == second
    assert first[0] != first[1]
    assert _epochs(DataLoader(x, batch_size=7, shuffle=True, seed=4)) != first


def test_without_seed_manual_seed_reproduces_the_order():
    x = np.arange(30)
    pf.manual_seed(7)
    first = _epochs(DataLoader(x, batch_size=7, shuffle=True))
    pf.manual_seed(7)
    assert _epochs(DataLoader(x, batch_size=7, shuffle=True)) == first
    pf.manual_seed(8)
    assert _epochs(DataLoader(x, batch_size=7, shuffle=True)) != first


def test_map_transforms_batches_lazily_and_in_order():
    x, y = _data(6)
    loader = DataLoader((x, y), batch_size=4)
    mapped = loader.map(lambda b: (b[0] * 10, b[1])).map(lambda b: {"x": b[0], "y": b[1]})
    batches = list(mapped)
    assert len(mapped) == 2 and set(batches[0]) == {"x", "y"}
    np.testing.assert_array_equal(batches[1]["x"], x[4:] * 10)
    assert isinstance(next(iter(loader)), tuple)  # the original loader is unchanged


def test_dataset_indexing_and_loader_accepts_a_dataset():
    x, y = _data(5)
    ds = Dataset((x, y))
    assert len(ds) == 5
    sample = ds[2]
    assert sample[0].tolist() == [4.0, 5.0] and sample[1] == 2
    assert [b[1].tolist() for b in DataLoader(ds, batch_size=3)] == [[0, 1, 2], [3, 4]]
    assert "5 samples" in repr(ds)


def test_tensors_become_numpy():
    batch = next(iter(DataLoader((pf.tensor([[1.0], [2.0]]), np.array([3, 4])), batch_size=2)))
    assert isinstance(batch[0], np.ndarray) and batch[0].tolist() == [[1.0], [2.0]]


def test_mismatched_lengths_name_the_arrays():
    with pytest.raises(ValueError, match=r"same number of samples.*\['x'\]: 3.*\['y'\]: 2"):
        Dataset({"x": np.zeros(3), "y": np.zeros(2)})
    with pytest.raises(ValueError, match="scalar"):
        Dataset(np.float32(1.0))
    with pytest.raises(ValueError, match="at least one array, got an empty dict"):
        Dataset({})


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_bad_batch_size(bad):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        DataLoader(np.zeros(3), batch_size=bad)
