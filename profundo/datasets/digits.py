"""Digits: 1,797 handwritten digits as 8×8 images of counts 0..16 (UCI "Optical Recognition of
Handwritten Digits", Alpaydin and Kaynak, 1998). Shipped with profundo: no download.

>>> (x_train, y_train), (x_test, y_test) = profundo.datasets.digits.load_data()
>>> x_train.shape, x_train.dtype, x_test.shape
((1437, 8, 8), dtype('uint8'), (360, 8, 8))

Small enough to train a network in seconds on any laptop. The split is a fixed, stratified
80/20 one (see ``data/README.md``).
"""

from __future__ import annotations

from .packaged import load_packaged


def load_data():
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 8, 8) with values 0..16 and
    uint8 labels 0..9 (N,)."""
    return load_packaged("digits")
