"""Accuracy metrics: the fraction of predictions that are right,
by what "right" means for the output.

=====================================  ============================  ==============================
metric                                 y_true                        y_pred
=====================================  ============================  ==============================
``accuracy``                           any values                    the same values (exact match)
``binary_accuracy``                    0 or 1                        probabilities, cut at 0.5
``categorical_accuracy``               one-hot ``(n, C)``            scores ``(n, C)``: the argmax
``sparse_categorical_accuracy``        class indices ``(n,)``        scores ``(n, C)``: the argmax
``top_k_categorical_accuracy``         one-hot ``(n, C)``            the true class in the top k
``sparse_top_k_categorical_accuracy``  class indices ``(n,)``        the true class in the top k
=====================================  ============================  ==============================

Each function returns one value per sample (1.0 right, 0.0 wrong), as Keras' do; ``.mean()``
gives the accuracy of the batch, and the classes of the same names stream it over batches.

>>> sparse_categorical_accuracy([2, 0], [[0.1, 0.2, 0.7], [0.3, 0.6, 0.1]])
array([1., 0.])
"""

from __future__ import annotations

import numpy as np

from .base import MeanMetricWrapper, check_same_shape, same_rank, squeeze_labels


def accuracy(y_true, y_pred) -> np.ndarray:
    """1 where ``y_pred`` equals ``y_true`` exactly, else 0 (for labels compared with labels)."""
    t, p = same_rank(y_true, y_pred)
    check_same_shape(t, p, "accuracy")
    return (t == p).astype(np.float64)


def binary_accuracy(y_true, y_pred, threshold: float = 0.5) -> np.ndarray:
    """1 where ``[y_pred > threshold]`` equals ``y_true`` (0 or 1), else 0."""
    t, p = same_rank(y_true, y_pred)
    check_same_shape(t, p, "binary_accuracy")
    return (t == (p > threshold)).astype(np.float64)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5) -> np.ndarray:
    """1 where the true class (an index) is among the ``k`` highest scores of ``y_pred``.

    The true class is in the top k when fewer than k classes score strictly higher; classes tied
    at the boundary all count as in the top k (as in Keras).
    """
    labels, p = _labels_and_scores(y_true, y_pred, "sparse_top_k_categorical_accuracy")
    true_score = np.take_along_axis(p, labels[..., None], axis=-1)
    return ((p > true_score).sum(axis=-1) < k).astype(np.float64)


def sparse_categorical_accuracy(y_true, y_pred) -> np.ndarray:
    """1 where the argmax of ``y_pred`` is the true class index, else 0."""
    labels, p = _labels_and_scores(y_true, y_pred, "sparse_categorical_accuracy")
    return (p.argmax(axis=-1) == labels).astype(np.float64)


def categorical_accuracy(y_true, y_pred) -> np.ndarray:
    """1 where the argmax of ``y_pred`` is the argmax of the one-hot ``y_true``, else 0."""
    t, p = same_rank(y_true, y_pred)
    check_same_shape(t, p, "categorical_accuracy")
    return sparse_categorical_accuracy(t.argmax(axis=-1), p)


def top_k_categorical_accuracy(y_true, y_pred, k: int = 5) -> np.ndarray:
    """1 where the argmax of the one-hot ``y_true`` is among the ``k`` highest scores."""
    t, p = same_rank(y_true, y_pred)
    check_same_shape(t, p, "top_k_categorical_accuracy")
    return sparse_top_k_categorical_accuracy(t.argmax(axis=-1), p, k)


def _labels_and_scores(y_true, y_pred, name):
    """Integer labels of shape ``y_pred.shape[:-1]`` and the scores, checked."""
    t, p = same_rank(y_true, y_pred)
    t = squeeze_labels(t, p)
    if p.ndim < 1 or t.shape != p.shape[:-1]:
        raise ValueError(
            f"{name}: expected y_true of class indices with shape {p.shape[:-1]} for y_pred of "
            f"shape {p.shape} (scores over the last axis), got y_true of shape {t.shape}"
        )
    labels = t.astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= p.shape[-1] or (labels != t).any()):
        raise ValueError(
            f"{name}: y_true must hold class indices 0..{p.shape[-1] - 1}, got values from "
            f"{t.min()} to {t.max()}"
        )
    return labels, p


class Accuracy(MeanMetricWrapper):
    """How often ``y_pred`` equals ``y_true`` exactly: mean of ``accuracy``."""

    def __init__(self, name: str = "accuracy") -> None:
        super().__init__(accuracy, name)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``[y_pred > threshold]`` equals the 0/1 ``y_true``: mean of ``binary_accuracy``."""

    def __init__(self, name: str = "binary_accuracy", threshold: float = 0.5) -> None:
        super().__init__(binary_accuracy, name, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the scores is the one-hot label's class."""

    def __init__(self, name: str = "categorical_accuracy") -> None:
        super().__init__(categorical_accuracy, name)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the scores is the integer label."""

    def __init__(self, name: str = "sparse_categorical_accuracy") -> None:
        super().__init__(sparse_categorical_accuracy, name)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the ``k`` highest scores."""

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy") -> None:
        super().__init__(top_k_categorical_accuracy, name, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` highest scores."""

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy") -> None:
        super().__init__(sparse_top_k_categorical_accuracy, name, k=k)
