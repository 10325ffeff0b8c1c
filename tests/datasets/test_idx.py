import re

import numpy as np
import pytest

from profundo.datasets import ChecksumError, download, fashion_mnist, mnist
from profundo.datasets.idx import idx_files, parse_idx

NAMES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def test_parse_idx_reads_big_endian_values_in_native_order(files):
    values = np.array([[1, -2, 3], [70000, 5, -6]], dtype=np.int32)
    out = parse_idx(files.idx(values))
    assert out.dtype == np.int32 and out.dtype.isnative
    np.testing.assert_array_equal(out, values)
    floats = np.linspace(0, 1, 4, dtype=np.float32)
    np.testing.assert_array_equal(parse_idx(files.idx(floats)), floats)


def test_parse_idx_errors(files):
    good = files.idx(np.zeros((2, 3), dtype=np.uint8))
    with pytest.raises(ValueError, match="not an IDX file"):
        parse_idx(b"\x1f\x8b\x08\x00rest")
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*holds 5"):
        parse_idx(good[:-1])
    with pytest.raises(ValueError, match="header is cut short"):
        parse_idx(good[:6])


def _tiny_fashion(files, rng):
    arrays = {
        NAMES[0]: rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        NAMES[1]: rng.integers(0, 10, 5, dtype=np.uint8),
        NAMES[2]: rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        NAMES[3]: rng.integers(0, 10, 3, dtype=np.uint8),
    }
    return arrays, {name: files.gz(files.idx(a)) for name, a in arrays.items()}


def test_fashion_mnist_from_a_mirror_folder(files, tmp_path, monkeypatch):
    arrays, packed = _tiny_fashion(files, np.random.default_rng(0))
    mirror = files.mirror(
        tmp_path / "mirror", {f"fashion_mnist/{name}": data for name, data in packed.items()}
    )
    monkeypatch.setenv(download.MIRROR_ENV, str(mirror))
    hashes = {name: files.sha256(data) for name, data in packed.items()}
    monkeypatch.setattr(
        fashion_mnist,
        "FILES",
        idx_files("fashion_mnist", fashion_mnist.ORIGINS, hashes, hash_of_content=False),
    )
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (5, 28, 28) and x_train.dtype == np.uint8 and y_test.shape == (3,)
    np.testing.assert_array_equal(x_train, arrays[NAMES[0]])
    np.testing.assert_array_equal(y_train, arrays[NAMES[1]])
    np.testing.assert_array_equal(x_test, arrays[NAMES[2]])
    np.testing.assert_array_equal(y_test, arrays[NAMES[3]])


def test_fashion_mnist_refuses_files_that_are_not_the_published_ones(files, tmp_path, monkeypatch):
    _, packed = _tiny_fashion(files, np.random.default_rng(1))
    mirror = files.mirror(
        tmp_path / "mirror", {f"fashion_mnist/{name}": data for name, data in packed.items()}
    )
    monkeypatch.setenv(download.MIRROR_ENV, str(mirror))
    with pytest.raises(ChecksumError, match="train-images-idx3-ubyte.gz failed verification"):
        fashion_mnist.load_data()


def test_images_and_labels_must_pair_up(files, tmp_path, monkeypatch):
    rng = np.random.default_rng(2)
    arrays, packed = _tiny_fashion(files, rng)
    packed[NAMES[1]] = files.gz(files.idx(rng.integers(0, 10, 4, dtype=np.uint8)))
    mirror = files.mirror(tmp_path / "m", {f"fashion_mnist/{n}": d for n, d in packed.items()})
    monkeypatch.setenv(download.MIRROR_ENV, str(mirror))
    monkeypatch.setattr(
        fashion_mnist,
        "FILES",
        idx_files("fashion_mnist", (), {n: files.sha256(d) for n, d in packed.items()}, False),
    )
    with pytest.raises(ValueError, match=r"train images \(5, 28, 28\) and labels \(4,\)"):
        fashion_mnist.load_data()


@pytest.mark.parametrize(
    "module, origin",
    [
        (mnist, "http://yann.lecun.com/exdb/mnist/"),
        (fashion_mnist, "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
    ],
)
def test_registries_name_the_canonical_origins_and_published_file_names(module, origin):
    assert sorted(f.name for f in module.FILES.values()) == sorted(NAMES)
    for remote in module.FILES.values():
        assert remote.urls[0] == origin + remote.name
        assert re.fullmatch("[0-9a-f]{64}", remote.sha256)


def test_mnist_hashes_are_the_mirror_readme_content_hashes(shared_mirror):
    readme = (shared_mirror / "README.md").read_text()
    for remote in mnist.FILES.values():
        row = next(line for line in readme.splitlines() if f"`mnist/{remote.name}`" in line)
        assert row.rstrip(" |").endswith(f"`{remote.sha256}`")
        assert remote.hash_of_content
