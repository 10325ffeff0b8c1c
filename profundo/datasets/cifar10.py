"""CIFAR-10: 60,000 32×32 colour images in 10 classes (Krizhevsky, "Learning Multiple Layers of
Features from Tiny Images", 2009; https://www.cs.toronto.edu/~kriz/cifar.html).

>>> (x_train, y_train), (x_test, y_test) = profundo.datasets.cifar10.load_data()  # doctest: +SKIP
>>> x_train.shape, y_train.shape  # doctest: +SKIP
((50000, 32, 32, 3), (50000, 1))

The archive is the "CIFAR-10 python version": five training batches and a test batch, each a
pickled dict (``b"data"``: uint8 (10000, 3072), rows of 1024 red, 1024 green and 1024 blue
values; ``b"labels"``: a list of ints). They are read with ``restricted_pickle``, never with
``pickle.load``, and straight from the archive (nothing is extracted to disk). The sha256 is the
one registered for this archive in PyTorch's torchvision (its MD5 is the one torchvision checks).
"""

from __future__ import annotations

import tarfile

import numpy as np

from . import restricted_pickle
from .download import RemoteFile, fetch

CLASS_NAMES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
FILE = RemoteFile(
    "cifar10",
    "cifar-10-python.tar.gz",
    "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
    ("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",),
    size=170_498_071,
)
FOLDER = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"


def load_data(progress: bool | None = None):
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 32, 32, 3), channels last, and
    uint8 labels (N, 1) indexing ``CLASS_NAMES``, as Keras returns them."""
    batches = read_batches(fetch(FILE, progress))
    train = [batches[name] for name in TRAIN_BATCHES]
    x_train = np.concatenate([x for x, _ in train])
    y_train = np.concatenate([y for _, y in train])
    x_test, y_test = batches[TEST_BATCH]
    return (x_train, y_train), (x_test, y_test)


def read_batches(path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every batch of the archive at ``path``: name → (images NHWC, labels (N, 1))."""
    wanted = {f"{FOLDER}/{name}": name for name in TRAIN_BATCHES + (TEST_BATCH,)}
    found = {}
    with tarfile.open(path, "r|gz") as archive:  # one pass over the stream, nothing extracted
        for member in archive:
            name = wanted.get(member.name)
            if name is not None and member.isfile():
                stream = archive.extractfile(member)
                assert stream is not None  # a regular file: member.isfile() above
                found[name] = parse_batch(stream.read(), name)
    missing = sorted(set(wanted.values()) - set(found))
    if missing:
        raise ValueError(
            f"{path} is not the CIFAR-10 python archive: it lacks "
            f"{', '.join(f'{FOLDER}/{m}' for m in missing)}"
        )
    return found


def parse_batch(data: bytes, name: str = "batch") -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 32, 32, 3) uint8 and labels (N, 1) uint8 from one pickled batch's bytes."""
    batch = restricted_pickle.loads(data)
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        raise ValueError(f"CIFAR-10 {name}: expected a dict with b'data' and b'labels'")
    images, labels = batch[b"data"], np.asarray(batch[b"labels"])
    if not (
        isinstance(images, np.ndarray)
        and images.dtype == np.uint8
        and images.ndim == 2
        and images.shape[1] == 3 * 32 * 32
    ):
        raise ValueError(
            f"CIFAR-10 {name}: b'data' must be uint8 rows of 3072 values, got "
            f"{getattr(images, 'dtype', type(images))} {getattr(images, 'shape', '')}"
        )
    if (
        labels.dtype.kind not in "iu"
        or labels.shape != (len(images),)
        or (labels.size and not 0 <= labels.min() <= labels.max() < len(CLASS_NAMES))
    ):
        raise ValueError(f"CIFAR-10 {name}: b'labels' must be {len(images)} integers in 0..9")
    x = np.ascontiguousarray(images.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    return x, labels.astype(np.uint8).reshape(-1, 1)
