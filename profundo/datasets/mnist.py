"""MNIST: 70,000 handwritten digits, 28×28 grey levels (LeCun, Cortes and Burges).

>>> (x_train, y_train), (x_test, y_test) = profundo.datasets.mnist.load_data()
>>> x_train.shape, x_train.dtype, y_train.shape
((60000, 28, 28), dtype('uint8'), (60000,))

The files are the original gzip-compressed IDX files. Copies of them differ in their gzip
wrapper, so the hashes below are of the decompressed content (as listed by the data set
mirror's README), which every faithful copy matches. The second origin is a copy that PyTorch's
torchvision also downloads from, used when the original site refuses automated downloads.
"""

from __future__ import annotations

from .idx import idx_files, load_idx_dataset

ORIGINS = ("http://yann.lecun.com/exdb/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/")
FILES = idx_files(
    "mnist",
    ORIGINS,
    hash_of_content=True,
    hashes={
        "train-images-idx3-ubyte.gz": (
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
        ),
        "train-labels-idx1-ubyte.gz": (
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
        ),
        "t10k-images-idx3-ubyte.gz": (
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
        ),
        "t10k-labels-idx1-ubyte.gz": (
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
        ),
    },
)


def load_data(progress: bool | None = None):
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 28, 28) and uint8 labels (N,).

    Downloads the files once into the cache (see ``profundo.datasets.download``); ``progress``
    shows a progress bar (default: when stderr is a terminal).
    """
    return load_idx_dataset(FILES, progress)
