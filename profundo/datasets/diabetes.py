"""Diabetes: 442 patients, 10 baseline measurements, and the progression of their disease one
year later (Efron, Hastie, Johnstone and Tibshirani, "Least Angle Regression", 2004). Shipped:
no download.

>>> (x_train, y_train), (x_test, y_test) = profundo.datasets.diabetes.load_data()
>>> x_train.shape, y_train.shape
((353, 10), (353,))

A regression task. The features are the original, unscaled values (age in years, sex coded
1/2, body mass index, blood pressure, six blood serum measurements); standardize them fitted on
the training part. The split is a fixed, seeded 80/20 one.
"""

from __future__ import annotations

from .packaged import load_packaged

FEATURE_NAMES = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")


def load_data():
    """``(x_train, y_train), (x_test, y_test)``: float64 features (N, 10) in ``FEATURE_NAMES``'
    order and float64 targets (N,), a measure of disease progression (25 to 346)."""
    return load_packaged("diabetes")
