import os
import pickle
import struct

import numpy as np
import pytest

from profundo.datasets import restricted_pickle


def _batch(n=3):
    return {
        b"batch_label": b"training batch 1 of 5",
        b"labels": list(range(n)),
        b"data": np.arange(n * 3072, dtype=np.int64).astype(np.uint8).reshape(n, 3072),
        b"filenames": [b"img%d.png" % i for i in range(n)],
    }


def test_reads_a_python3_protocol_2_pickle_like_numpy_writes_it():
    batch = _batch()
    out = restricted_pickle.loads(pickle.dumps(batch, protocol=2))
    assert set(out) == set(batch) and out[b"labels"] == [0, 1, 2]
    assert out[b"data"].dtype == np.uint8 and out[b"data"].flags.writeable
    np.testing.assert_array_equal(out[b"data"], batch[b"data"])


def _short_binstring(data: bytes) -> bytes:
    return (
        (b"U" + bytes([len(data)]) + data)
        if len(data) < 256
        else (b"T" + struct.pack("<I", len(data)) + data)
    )


def _python2_pickle(labels, rows: np.ndarray) -> bytes:
    """A batch pickled as Python 2's cPickle and NumPy 1 wrote CIFAR-10's (strings are bytes)."""
    s = _short_binstring
    array = (
        b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85"
        + s(b"b")
        + b"\x87R(K\x01"
        + b"".join(b"M" + struct.pack("<H", n) for n in rows.shape)
        + b"\x86cnumpy\ndtype\n"
        + s(b"u1")
        + b"K\x00K\x01\x87R(K\x03"
        + s(b"|")
        + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb\x89"
        + s(rows.tobytes())
        + b"tb"
    )
    items = (
        s(b"labels")
        + b"]("
        + b"".join(b"K" + bytes([v]) for v in labels)
        + b"e"
        + s(b"data")
        + array
    )
    return b"\x80\x02}(" + items + b"u."


def test_reads_a_python2_pickle_as_cifar10_batches_are():
    rows = np.arange(12, dtype=np.uint8).reshape(2, 6)
    out = restricted_pickle.loads(_python2_pickle([3, 7], rows))
    assert out[b"labels"] == [3, 7]
    np.testing.assert_array_equal(out[b"data"], rows)


def test_fortran_order_and_other_numeric_dtypes():
    a = np.asfortranarray(np.arange(6, dtype=">f8").reshape(2, 3))
    out = restricted_pickle.loads(pickle.dumps({"a": a, "b": np.array([True, False])}, protocol=2))
    np.testing.assert_array_equal(out["a"], a)
    assert out["b"].tolist() == [True, False]


class _Exploit:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


@pytest.mark.parametrize("protocol", [0, 2, 4, 5])
def test_refuses_a_pickle_that_calls_os_system(tmp_path, protocol):
    marker = tmp_path / "pwned"
    data = pickle.dumps({b"data": _Exploit(marker)}, protocol=protocol)
    with pytest.raises(pickle.UnpicklingError, match=r"refused.*(posix|os|nt)\.system"):
        restricted_pickle.loads(data)
    assert not marker.exists()


@pytest.mark.parametrize(
    "payload, why",
    [
        (lambda: pickle.dumps(eval, protocol=2), r"__builtin__\.eval"),
        (lambda: pickle.dumps(np.array([1, "a"], dtype=object), protocol=2), "dtype"),
        (lambda: pickle.dumps(np.zeros(2, dtype=[("a", "i4")]), protocol=2), "dtype"),
        (lambda: pickle.dumps(b"x", protocol=2).replace(b"latin1", b"rot_13"), "_codecs.encode"),
    ],
)
def test_refuses_everything_but_plain_data_and_numeric_arrays(payload, why):
    with pytest.raises(pickle.UnpicklingError, match=why):
        restricted_pickle.loads(payload())


def test_refuses_an_array_whose_bytes_do_not_match_its_shape():
    data = pickle.dumps(np.zeros((2, 3), dtype=np.uint8), protocol=2)
    forged = data.replace(b"K\x02K\x03\x86", b"M\xe8\x03M\xe8\x03\x86")  # shape (1000, 1000)
    assert forged != data
    with pytest.raises(pickle.UnpicklingError, match=r"shape \(1000, 1000\).*6 bytes"):
        restricted_pickle.loads(forged)


def test_refuses_a_build_that_would_alter_a_constructor():
    # GLOBAL numpy dtype, then BUILD with a dict: would set attributes on a plain function
    data = b"\x80\x02cnumpy\ndtype\n}X\x0c\x00\x00\x00__defaults__)sb."
    with pytest.raises(pickle.UnpicklingError, match="BUILD on a constructor"):
        restricted_pickle.loads(data)
