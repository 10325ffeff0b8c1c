"""Breast Cancer Wisconsin (Diagnostic): 569 tumours, 30 features of their cell nuclei, malignant
or benign (Street, Wolberg and Mangasarian, 1993). Shipped: no download.

>>> (x_train, y_train), (x_test, y_test) = profundo.datasets.breast_cancer.load_data()
>>> x_train.shape, x_test.shape
((455, 30), (114, 30))

A binary classification task; the features span very different scales, so standardize them
(``profundo.data.Standardizer``) fitted on the training part. The split is a fixed, stratified
80/20 one.
"""

from __future__ import annotations

from .packaged import load_packaged

_MEASURES = (
    "radius",
    "texture",
    "perimeter",
    "area",
    "smoothness",
    "compactness",
    "concavity",
    "concave points",
    "symmetry",
    "fractal dimension",
)
FEATURE_NAMES = tuple(
    f"{kind} {measure}" if kind != "error" else f"{measure} error"
    for kind in ("mean", "error", "worst")
    for measure in _MEASURES
)
CLASS_NAMES = ("malignant", "benign")


def load_data():
    """``(x_train, y_train), (x_test, y_test)``: float64 features (N, 30) in ``FEATURE_NAMES``'
    order (means, standard errors, worst values) and uint8 labels (N,), 0 malignant, 1 benign."""
    return load_packaged("breast_cancer")
