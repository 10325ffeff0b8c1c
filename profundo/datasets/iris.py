"""Iris: 150 flowers of 3 species, 4 measurements in cm (Fisher, 1936). Shipped: no download.

>>> (x_train, y_train), (x_test, y_test) = profundo.datasets.iris.load_data()
>>> x_train.shape, x_test.shape
((120, 4), (30, 4))

The values are those of Fisher's paper (the UCI copy has two wrong points). The split is a
fixed, stratified 80/20 one: 40 training and 10 test flowers per species.
"""

from __future__ import annotations

from .packaged import load_packaged

FEATURE_NAMES = ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")
CLASS_NAMES = ("setosa", "versicolor", "virginica")


def load_data():
    """``(x_train, y_train), (x_test, y_test)``: float64 features (N, 4) in ``FEATURE_NAMES``'
    order and uint8 labels (N,) indexing ``CLASS_NAMES``."""
    return load_packaged("iris")
