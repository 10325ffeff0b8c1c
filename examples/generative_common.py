"""What the generative examples share: MNIST in [0, 1] and pictures of many small images.

Not an example itself: ``mnist_autoencoder``, ``mnist_vae``, ``mnist_gan`` and
``mnist_transfer`` import it (run them from this folder, or with it on ``sys.path``).
"""

import sys

import numpy as np

from profundo import datasets
from profundo.files import atomic_write


def load_mnist(n_train=None, n_test=None):
    """MNIST images as float32 (N, 28, 28, 1) in [0, 1], channels last, and integer labels."""
    try:
        (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    except datasets.DatasetError as err:
        sys.exit(
            f"MNIST is not available here: {err}\n\nConnect to the internet, or set "
            f"PROFUNDO_DATASETS_MIRROR to a folder holding mnist/*-ubyte.gz."
        )
    scale = lambda x: (x[..., None] / 255).astype("float32")
    return (scale(x_train[:n_train]), y_train[:n_train]), (scale(x_test[:n_test]), y_test[:n_test])


def image_grid(images, ncols=10, pad=1) -> np.ndarray:
    """Tile images (N, H, W) or (N, H, W, 1) in [0, 1] into one uint8 picture, ``ncols`` a row."""
    images = np.clip(
        np.asarray(images, dtype=np.float32).reshape(len(images), *np.shape(images)[1:3]), 0, 1
    )
    n, h, w = images.shape
    rows = -(-n // ncols)
    grid = np.ones((rows * (h + pad) + pad, ncols * (w + pad) + pad), np.float32)
    for i, img in enumerate(images):
        r, c = divmod(i, ncols)
        grid[
            pad + r * (h + pad) : pad + r * (h + pad) + h,
            pad + c * (w + pad) : pad + c * (w + pad) + w,
        ] = img
    return (grid * 255).round().astype(np.uint8)


def save_grid(path, images, ncols=10, scale=2):
    """Write ``image_grid`` as a PNG (needs pillow: the ``images`` extra); returns the path, or
    None (with a note) when pillow is missing."""
    try:
        from PIL import Image
    except ImportError:
        print(f"(pillow is not installed: {path} not written; pip install 'profundo[images]')")
        return None
    picture = Image.fromarray(image_grid(images, ncols))
    picture = picture.resize((picture.width * scale, picture.height * scale), Image.NEAREST)
    with atomic_write(path) as f:
        picture.save(f, format="PNG")
    return path


def psnr(clean, other) -> float:
    """Peak signal-to-noise ratio in dB of images in [0, 1], averaged over the images:
    PSNR = 10·log₁₀(1 / MSE), the MSE of each image against its clean version."""
    axes = tuple(range(1, np.ndim(clean)))
    mse = np.mean((np.asarray(clean, np.float64) - np.asarray(other, np.float64)) ** 2, axis=axes)
    return float(np.mean(10 * np.log10(1 / np.maximum(mse, 1e-12))))
