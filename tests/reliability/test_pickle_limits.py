"""Issue 10, items 5 and 16: the restricted pickle reader keeps shared references shared, has
limits, reads protocol-5 arrays and never leaks an internal object."""

import pickle
import tracemalloc

import numpy as np
import pytest

from profundo.datasets import restricted_pickle


def shared_tower(levels: int) -> bytes:
    """A few hundred bytes: level k is a list holding level k-1 twice (2**levels leaves)."""
    x = [b"leaf"]
    for _ in range(levels):
        x = [x, x]
    return pickle.dumps(x, protocol=2)


def test_shared_references_stay_shared_instead_of_expanding():
    data = shared_tower(60)  # 2**60 leaves if copied
    assert len(data) < 1000
    tracemalloc.start()
    out = restricted_pickle.loads(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000
    assert out[0] is out[1] and out[0][0] is out[0][1]


def test_a_list_that_contains_itself_is_read_as_pickle_reads_it():
    x = [1]
    x.append(x)
    out = restricted_pickle.loads(pickle.dumps(x, protocol=2))
    assert out[1] is out


def test_depth_and_item_limits(monkeypatch):
    deep = []
    for _ in range(150):
        deep = [deep]
    with pytest.raises(pickle.UnpicklingError, match="nested more than 100 deep"):
        restricted_pickle.loads(pickle.dumps(deep, protocol=2))
    monkeypatch.setattr(restricted_pickle, "MAX_ITEMS", 1000)
    with pytest.raises(pickle.UnpicklingError, match="more than 1000 items"):
        restricted_pickle.loads(pickle.dumps(list(range(2000)), protocol=2))


@pytest.mark.parametrize(
    "array",
    [
        np.arange(6, dtype=np.float32).reshape(2, 3),
        np.asfortranarray(np.arange(6, dtype="<i8").reshape(2, 3)),
        np.arange(4, dtype=">f8"),
    ],
)
def test_protocol_5_arrays_are_read(array):
    out = restricted_pickle.loads(pickle.dumps({b"x": array}, protocol=5))
    assert out[b"x"].dtype == array.dtype and np.array_equal(out[b"x"], array)


def test_protocol_5_array_with_the_wrong_byte_count_is_refused():
    data = pickle.dumps(np.zeros((2, 3), dtype=np.uint8), protocol=5)
    forged = data.replace(b"K\x02K\x03\x86", b"M\xe8\x03M\xe8\x03\x86")
    assert forged != data
    with pytest.raises(pickle.UnpicklingError, match=r"shape \(1000, 1000\)"):
        restricted_pickle.loads(forged)


def test_sets_hold_the_built_objects_never_the_builders():
    out = restricted_pickle.loads(pickle.dumps({np.dtype("f4"), 3}, protocol=4))
    assert out == {np.dtype("f4"), 3}
    assert not any(type(v).__module__ == restricted_pickle.__name__ for v in out)
    out = restricted_pickle.loads(pickle.dumps(frozenset({np.dtype("u1")}), protocol=4))
    assert out == frozenset({np.dtype("u1")})


def test_a_shape_whose_size_overflows_int64_is_refused():
    data = pickle.dumps(np.zeros(0, dtype=np.uint8), protocol=2)
    forged = data.replace(
        b"K\x00\x85", b"\x8a\x05\x00\x00\x00\x00\x01\x8a\x05\x00\x00\x00\x00\x01\x86"
    )
    assert forged != data
    with pytest.raises(pickle.UnpicklingError, match="bytes"):
        restricted_pickle.loads(forged)
