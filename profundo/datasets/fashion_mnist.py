"""Fashion-MNIST: 70,000 28×28 grey images of clothing in 10 classes (Xiao, Rasul and Vollgraf,
2017, https://github.com/zalandoresearch/fashion-mnist, MIT license), a drop-in for MNIST.

>>> (x_train, y_train), (x_test, y_test) = profundo.datasets.fashion_mnist.load_data()
... # doctest: +SKIP

The hashes are the sha256 of the gzip files as the origin serves them. The project itself
publishes MD5 sums only; these sha256 values are the ones registered for the same files in
PyTorch's torchvision (``torchvision/prototype/datasets/_builtin/mnist.py`` in pytorch/vision).
A mirror must hold byte-identical copies.
"""

from __future__ import annotations

from .idx import idx_files, load_idx_dataset

CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
ORIGINS = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)
FILES = idx_files(
    "fashion_mnist",
    ORIGINS,
    hash_of_content=False,
    hashes={
        "train-images-idx3-ubyte.gz": (
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"
        ),
        "train-labels-idx1-ubyte.gz": (
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"
        ),
        "t10k-images-idx3-ubyte.gz": (
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"
        ),
        "t10k-labels-idx1-ubyte.gz": (
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"
        ),
    },
)


def load_data(progress: bool | None = None):
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 28, 28), uint8 labels (N,)
    indexing ``CLASS_NAMES``; 60,000 for training, 10,000 for testing."""
    return load_idx_dataset(FILES, progress)
