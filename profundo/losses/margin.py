"""Margin (hinge) losses, those of support vector machines: zero once the prediction is on the
right side of the boundary by a margin of 1, growing linearly (or quadratically) before that.

Labels are −1 or 1; labels that are all 0 or 1 are converted (y ← 2y − 1), as Keras does.

>>> hinge([[1.0, 0.0]], pf.tensor([[0.3, -2.0]]))     # margins 1 − 0.3 = 0.7 and 0: mean 0.35
tensor([0.35])
"""

from __future__ import annotations

from .. import backend as B
from ..autograd import Tensor
from .base import LossFunctionWrapper, prepare, register

__all__ = [
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
]


def _signed_labels(t: Tensor) -> Tensor:
    """0/1 labels as −1/1 (y ← 2y − 1) when every label is 0 or 1; other labels unchanged."""
    return 2 * t - 1 if bool(B.xp.all((t.data == 0) | (t.data == 1))) else t


def hinge(y_true, y_pred) -> Tensor:
    """mean(max(1 − y·ŷ, 0)) over the last axis, y ∈ {−1, 1} (0/1 labels are converted).

    >>> hinge([[-1.0]], pf.tensor([[0.5]]))             # on the wrong side: 1 + 0.5
    tensor([1.5])
    """
    t, p = prepare("hinge", y_true, y_pred)
    return (1 - _signed_labels(t) * p).relu().mean(axis=-1)


def squared_hinge(y_true, y_pred) -> Tensor:
    """mean(max(1 − y·ŷ, 0)²) over the last axis, y ∈ {−1, 1} (0/1 labels are converted).

    >>> squared_hinge([[-1.0]], pf.tensor([[0.5]]))     # 1.5²
    tensor([2.25])
    """
    t, p = prepare("squared_hinge", y_true, y_pred)
    return (1 - _signed_labels(t) * p).relu().pow(2).mean(axis=-1)


def categorical_hinge(y_true, y_pred) -> Tensor:
    """max(1 + max_{c ≠ y} ŷ_c − ŷ_y, 0) for one-hot labels y: the right class must score at least
    1 more than the best wrong one (computed as max((1 − y)·ŷ) − Σ y·ŷ over the last axis).

    >>> categorical_hinge([[0.0, 1.0, 0.0]], pf.tensor([[0.2, 0.9, 0.4]]))   # 1 + 0.4 − 0.9
    tensor([0.5])
    """
    t, p = prepare("categorical_hinge", y_true, y_pred)
    right = (t * p).sum(axis=-1)
    best_wrong = ((1 - t) * p).max(axis=-1)
    return (best_wrong - right + 1).relu()


@register(hinge)
class Hinge(LossFunctionWrapper):
    """Hinge loss (see ``hinge``)."""

    def __init__(self, reduction="sum_over_batch_size", name=None):
        super().__init__(hinge, reduction, name)


@register(squared_hinge)
class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss (see ``squared_hinge``)."""

    def __init__(self, reduction="sum_over_batch_size", name=None):
        super().__init__(squared_hinge, reduction, name)


@register(categorical_hinge)
class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss for one-hot labels (see ``categorical_hinge``)."""

    def __init__(self, reduction="sum_over_batch_size", name=None):
        super().__init__(categorical_hinge, reduction, name)
