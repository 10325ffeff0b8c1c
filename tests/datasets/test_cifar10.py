import io
import os
import pickle
import tarfile

import numpy as np
import pytest

from profundo.datasets import cifar10, download
from profundo.datasets.download import RemoteFile


def _batch_bytes(images_nhwc: np.ndarray, labels) -> bytes:
    """A batch in CIFAR-10's format: rows of 1024 red, 1024 green, 1024 blue values."""
    rows = images_nhwc.transpose(0, 3, 1, 2).reshape(len(images_nhwc), 3072)
    return pickle.dumps(
        {
            b"batch_label": b"a batch",
            b"labels": [int(v) for v in labels],
            b"data": rows,
            b"filenames": [b"x.png"] * len(rows),
        },
        protocol=2,
    )


def _tarball(members: dict) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _serve(files, tmp_path, monkeypatch, archive: bytes):
    mirror = files.mirror(tmp_path / "mirror", {"cifar10/cifar-10-python.tar.gz": archive})
    monkeypatch.setenv(download.MIRROR_ENV, str(mirror))
    monkeypatch.setattr(
        cifar10,
        "FILE",
        RemoteFile("cifar10", cifar10.FILE.name, files.sha256(archive), cifar10.FILE.urls),
    )


def _images(rng, n):
    return rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)


def test_load_data_from_a_small_archive_in_the_real_format(files, tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    train = [(_images(rng, 2), rng.integers(0, 10, 2)) for _ in range(5)]
    test = (_images(rng, 3), [9, 0, 4])
    members = {f"data_batch_{i + 1}": _batch_bytes(*batch) for i, batch in enumerate(train)}
    members.update(
        test_batch=_batch_bytes(*test), **{"batches.meta": b"ignored", "readme.html": b"<html>"}
    )
    _serve(files, tmp_path, monkeypatch, _tarball(members))
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (10, 1) and y_train.dtype == np.uint8
    assert x_train.flags.c_contiguous and x_test.flags.c_contiguous
    np.testing.assert_array_equal(x_train, np.concatenate([x for x, _ in train]))
    np.testing.assert_array_equal(y_train[:, 0], np.concatenate([y for _, y in train]))
    np.testing.assert_array_equal(x_test, test[0])
    assert y_test[:, 0].tolist() == [9, 0, 4]


def test_first_pixel_channels_come_from_the_red_green_blue_planes():
    rows = np.zeros((1, 3072), dtype=np.uint8)
    rows[0, [0, 1024, 2048]] = [10, 20, 30]
    data = pickle.dumps({b"data": rows, b"labels": [1]}, protocol=2)
    x, y = cifar10.parse_batch(data)
    assert x[0, 0, 0].tolist() == [10, 20, 30] and y.tolist() == [[1]]


def test_an_archive_without_all_batches_is_rejected(files, tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    _serve(
        files, tmp_path, monkeypatch, _tarball({"data_batch_1": _batch_bytes(_images(rng, 1), [0])})
    )
    with pytest.raises(ValueError, match="lacks cifar-10-batches-py/data_batch_2"):
        cifar10.load_data()


class _Exploit:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_a_malicious_batch_is_refused_without_running_it(files, tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    rng = np.random.default_rng(2)
    members = {f"data_batch_{i}": _batch_bytes(_images(rng, 1), [0]) for i in range(1, 6)}
    members["test_batch"] = pickle.dumps({b"data": _Exploit(marker), b"labels": [0]}, protocol=2)
    _serve(files, tmp_path, monkeypatch, _tarball(members))
    with pytest.raises(pickle.UnpicklingError, match="refused"):
        cifar10.load_data()
    assert not marker.exists()


@pytest.mark.parametrize(
    "batch, match",
    [
        ([1, 2], "expected a dict"),
        ({b"data": np.zeros((2, 3072), np.float32), b"labels": [0, 1]}, "uint8 rows of 3072"),
        ({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0, 10]}, "2 integers in 0..9"),
        ({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0]}, "2 integers in 0..9"),
    ],
)
def test_batches_with_the_wrong_contents_are_rejected(batch, match):
    with pytest.raises(ValueError, match=match):
        cifar10.parse_batch(pickle.dumps(batch, protocol=2))


def test_registry_is_the_real_archive():
    assert cifar10.FILE.urls == ("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",)
    assert cifar10.FILE.sha256 == "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
    assert len(cifar10.CLASS_NAMES) == 10
