"""Regression losses: how far real-valued predictions ŷ are from the targets y.

Each function averages over the last axis, so ``(N, D)`` inputs give ``(N,)`` per-sample losses;
each class is the same loss with a reduction (see ``losses.base``).

>>> mean_squared_error([[0.0, 1.0]], pf.tensor([[1.0, 1.0]]))
tensor([0.5])
"""

from __future__ import annotations

import math

from .. import ops
from ..autograd import Tensor
from .base import EPSILON, LossFunctionWrapper, prepare, register

__all__ = [
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "huber",
    "log_cosh",
    "cosine_similarity",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "Huber",
    "LogCosh",
    "CosineSimilarity",
]


def mean_squared_error(y_true, y_pred) -> Tensor:
    """MSE = mean((y − ŷ)²) over the last axis.

    >>> mean_squared_error([[0.0, 1.0]], pf.tensor([[1.0, 1.0]]))
    tensor([0.5])
    """
    t, p = prepare("mean_squared_error", y_true, y_pred)
    return ((p - t) ** 2).mean(axis=-1)


def mean_absolute_error(y_true, y_pred) -> Tensor:
    """MAE = mean(|y − ŷ|) over the last axis.

    >>> mean_absolute_error([[0.0, 1.0]], pf.tensor([[2.0, 1.0]]))
    tensor([1.])
    """
    t, p = prepare("mean_absolute_error", y_true, y_pred)
    return (p - t).abs().mean(axis=-1)


def mean_absolute_percentage_error(y_true, y_pred) -> Tensor:
    """MAPE = 100 · mean(|y − ŷ| / max(|y|, ε)) over the last axis.

    >>> mean_absolute_percentage_error([[2.0, 4.0]], pf.tensor([[1.0, 4.0]]))
    tensor([25.])
    """
    t, p = prepare("mean_absolute_percentage_error", y_true, y_pred)
    return 100 * ((t - p).abs() / t.abs().clip(EPSILON)).mean(axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred) -> Tensor:
    """MSLE = mean((log(1 + max(ŷ, ε)) − log(1 + max(y, ε)))²) over the last axis: the squared
    error of log(1 + ·), so it weighs relative rather than absolute errors.

    >>> mean_squared_logarithmic_error([[math.e - 1]], pf.tensor([[0.0]]))
    tensor([1.])
    """
    t, p = prepare("mean_squared_logarithmic_error", y_true, y_pred)
    return ((p.clip(EPSILON) + 1).log() - (t.clip(EPSILON) + 1).log()).pow(2).mean(axis=-1)


def huber(y_true, y_pred, delta: float = 1.0) -> Tensor:
    """Huber loss, quadratic for small errors and linear for large ones, mean over the last axis:
    ½e² where |e| ≤ δ, δ·(|e| − ½δ) elsewhere, with e = ŷ − y.

    >>> huber([[0.0, 0.0]], pf.tensor([[0.5, 3.0]]))      # (0.125 + 2.5) / 2
    tensor([1.3125])
    """
    if delta <= 0:
        raise ValueError(f"huber: delta must be positive, got {delta}")
    t, p = prepare("huber", y_true, y_pred)
    e = p - t
    a = e.abs()
    return ops.where(a.data <= delta, 0.5 * e**2, delta * (a - 0.5 * delta)).mean(axis=-1)


def log_cosh(y_true, y_pred) -> Tensor:
    """mean(log cosh(ŷ − y)) over the last axis: about ½e² for small errors and |e| − log 2 for
    large ones. Computed as e + softplus(−2e) − log 2, which never overflows (cosh does).

    >>> log_cosh([[0.0]], pf.tensor([[1000.0]]))          # 1000 − log 2
    tensor([999.3068])
    """
    t, p = prepare("log_cosh", y_true, y_pred)
    e = p - t
    return (e + ops.softplus(-2 * e) - math.log(2)).mean(axis=-1)


def cosine_similarity(y_true, y_pred, axis: int = -1) -> Tensor:
    """−cos(y, ŷ) = −Σ y·ŷ / (‖y‖·‖ŷ‖) along ``axis``: −1 for vectors pointing the same way, 0
    for orthogonal ones, 1 for opposite ones (Keras' sign, so that minimizing it aligns them).
    Each norm is floored at ε = 10⁻⁷ (as Keras' ``normalize``), so a zero vector gives 0, not NaN.

    >>> cosine_similarity([[1.0, 0.0]], pf.tensor([[2.0, 0.0]]))
    tensor([-1.])
    """
    t, p = prepare("cosine_similarity", y_true, y_pred)
    return -(_l2_normalize(t, axis) * _l2_normalize(p, axis)).sum(axis=axis)


def _l2_normalize(x: Tensor, axis: int) -> Tensor:
    """x / max(‖x‖, ε) along ``axis``; the floor (taken on ‖x‖², so the gradient stays finite at
    x = 0) makes a zero vector stay zero instead of dividing 0 by 0."""
    return x / (x * x).sum(axis=axis, keepdims=True).clip(EPSILON**2).sqrt()


@register(mean_squared_error, "mse")
class MeanSquaredError(LossFunctionWrapper):
    """Mean squared error, mean((y − ŷ)²) per sample (see ``mean_squared_error``)."""

    def __init__(self, reduction="sum_over_batch_size", name=None):
        super().__init__(mean_squared_error, reduction, name)


@register(mean_absolute_error, "mae")
class MeanAbsoluteError(LossFunctionWrapper):
    """Mean absolute error, mean(|y − ŷ|) per sample (see ``mean_absolute_error``)."""

    def __init__(self, reduction="sum_over_batch_size", name=None):
        super().__init__(mean_absolute_error, reduction, name)


@register(mean_absolute_percentage_error, "mape")
class MeanAbsolutePercentageError(LossFunctionWrapper):
    """100 · mean(|y − ŷ| / |y|) per sample (see ``mean_absolute_percentage_error``)."""

    def __init__(self, reduction="sum_over_batch_size", name=None):
        super().__init__(mean_absolute_percentage_error, reduction, name)


@register(mean_squared_logarithmic_error, "msle")
class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """mean((log(1 + ŷ) − log(1 + y))²) per sample (see ``mean_squared_logarithmic_error``)."""

    def __init__(self, reduction="sum_over_batch_size", name=None):
        super().__init__(mean_squared_logarithmic_error, reduction, name)


@register(huber, "huber_loss")
class Huber(LossFunctionWrapper):
    """Huber loss with threshold ``delta`` (see ``huber``)."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name=None):
        super().__init__(huber, reduction, name, delta=delta)


@register(log_cosh, "logcosh")
class LogCosh(LossFunctionWrapper):
    """mean(log cosh(ŷ − y)) per sample (see ``log_cosh``)."""

    def __init__(self, reduction="sum_over_batch_size", name=None):
        super().__init__(log_cosh, reduction, name)


@register(cosine_similarity)
class CosineSimilarity(LossFunctionWrapper):
    """−cos(y, ŷ) along ``axis`` (see ``cosine_similarity``)."""

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name=None):
        super().__init__(cosine_similarity, reduction, name, axis=axis)
