"""The IDX file format of MNIST and Fashion-MNIST, and their shared ``load_data``.

An IDX file is a header — two zero bytes, a type code, the number of dimensions, then each
dimension as a big-endian uint32 — followed by the values in row-major order.
"""

from __future__ import annotations

import gzip
import struct

import numpy as np

from .download import RemoteFile, fetch

_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
SPLIT_FILES = ("train_images", "train_labels", "test_images", "test_labels")


def parse_idx(data: bytes, what: str = "IDX data") -> np.ndarray:
    """The array held in the bytes of an IDX file (native byte order)."""
    if len(data) < 4 or data[:2] != b"\0\0" or data[2] not in _TYPES:
        raise ValueError(f"{what} is not an IDX file (header {data[:4]!r})")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{what}: the IDX header is cut short")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = np.dtype(_TYPES[data[2]])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) - header != expected:
        raise ValueError(
            f"{what}: the IDX header announces shape {shape} ({expected} bytes of "
            f"values), but the file holds {len(data) - header}"
        )
    values = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def read_idx_gz(path) -> np.ndarray:
    """The array in a gzip-compressed IDX file."""
    with gzip.open(path, "rb") as stream:
        return parse_idx(stream.read(), what=str(path))


def load_idx_dataset(files: dict[str, RemoteFile], progress: bool | None = None):
    """``(x_train, y_train), (x_test, y_test)`` from the four IDX files named in ``SPLIT_FILES``."""
    arrays = {key: read_idx_gz(fetch(files[key], progress)) for key in SPLIT_FILES}
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(
                f"{files[f'{split}_images'].dataset}: {split} images {images.shape} "
                f"and labels {labels.shape} do not pair up"
            )
    return (
        (arrays["train_images"], arrays["train_labels"]),
        (arrays["test_images"], arrays["test_labels"]),
    )


def idx_files(
    dataset: str, bases: tuple[str, ...], hashes: dict[str, str], hash_of_content: bool
) -> dict[str, RemoteFile]:
    """The registry of the four IDX files of ``dataset``: ``hashes`` maps file names to sha256."""
    names = dict(
        zip(
            SPLIT_FILES,
            (
                "train-images-idx3-ubyte.gz",
                "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz",
            ),
        )
    )
    return {
        key: RemoteFile(
            dataset, name, hashes[name], tuple(base + name for base in bases), hash_of_content
        )
        for key, name in names.items()
    }
