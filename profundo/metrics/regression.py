"""Regression and distribution metrics: MSE, RMSE, MAE, R², KL divergence.

The functions return one value per sample, as Keras' do: the mean over the last axis of 2-D (or
higher) targets, each element of 1-D targets on its own. The classes stream the weighted mean of
those values over batches.

>>> mean_squared_error([[0.0, 1.0], [2.0, 2.0]], [[1.0, 1.0], [2.0, 0.0]])
array([0.5, 2. ])
"""

from __future__ import annotations

import math

import numpy as np

from .base import (
    MeanMetricWrapper,
    Metric,
    broadcast_weights,
    check_same_shape,
    safe_divide,
    same_rank,
)

_EPSILON = 1e-7  # Keras' epsilon: KL divergence clips probabilities to [ε, 1]


def _errors(y_true, y_pred, name):
    t, p = same_rank(y_true, y_pred)
    check_same_shape(t, p, name)
    return t.astype(np.float64) - p


def _per_sample(values):
    return values.mean(axis=-1) if values.ndim > 1 else values


def mean_squared_error(y_true, y_pred) -> np.ndarray:
    """(1/d) Σⱼ (yⱼ − ŷⱼ)² per sample."""
    return _per_sample(_errors(y_true, y_pred, "mean_squared_error") ** 2)


def mean_absolute_error(y_true, y_pred) -> np.ndarray:
    """(1/d) Σⱼ |yⱼ − ŷⱼ| per sample."""
    return _per_sample(np.abs(_errors(y_true, y_pred, "mean_absolute_error")))


def kl_divergence(y_true, y_pred) -> np.ndarray:
    """KL(y ‖ ŷ) = Σⱼ yⱼ log(yⱼ / ŷⱼ) over the last axis (a 1-D input is one distribution), with
    y and ŷ clipped to [1e-7, 1] so that zeros give no log 0.

    >>> float(kl_divergence([0.5, 0.5], [0.9, 0.1]))   # 0.5 log(0.5/0.9) + 0.5 log(0.5/0.1)
    0.5108...
    """
    t, p = same_rank(y_true, y_pred)
    check_same_shape(t, p, "kl_divergence")
    t = np.clip(t.astype(np.float64), _EPSILON, 1)
    p = np.clip(p.astype(np.float64), _EPSILON, 1)
    return (t * np.log(t / p)).sum(axis=-1)


mse = mean_squared_error
mae = mean_absolute_error
kld = kl_divergence


class MeanSquaredError(MeanMetricWrapper):
    """Mean of (y − ŷ)² over every value seen."""

    def __init__(self, name: str = "mean_squared_error") -> None:
        super().__init__(mean_squared_error, name)


class RootMeanSquaredError(MeanSquaredError):
    """√(mean of (y − ŷ)²): the square root of the running MSE (not a mean of per-batch roots)."""

    def __init__(self, name: str = "root_mean_squared_error") -> None:
        super().__init__(name)

    def result(self) -> float:
        return math.sqrt(super().result())


class MeanAbsoluteError(MeanMetricWrapper):
    """Mean of |y − ŷ| over every value seen."""

    def __init__(self, name: str = "mean_absolute_error") -> None:
        super().__init__(mean_absolute_error, name)


class KLDivergence(MeanMetricWrapper):
    """Mean over samples of KL(y ‖ ŷ) = Σⱼ yⱼ log(yⱼ / ŷⱼ)."""

    def __init__(self, name: str = "kl_divergence") -> None:
        super().__init__(kl_divergence, name)


class R2Score(Metric):
    """Coefficient of determination, per output j:

        R²ⱼ = 1 − Σᵢ wᵢ (yᵢⱼ − ŷᵢⱼ)² / Σᵢ wᵢ (yᵢⱼ − ȳⱼ)²

    1 is a perfect fit, 0 is no better than predicting the mean ȳ, below 0 is worse. An output
    whose targets never vary scores 1 if predicted exactly and 0 otherwise (as scikit-learn's
    ``r2_score``). ``class_aggregation`` joins the outputs' scores: ``"uniform_average"`` (their
    mean), ``"variance_weighted"`` (weighted by each output's Σ w(y − ȳ)²), or ``None`` (an
    array, one score per output). Targets are ``(n,)`` or ``(n, outputs)``.

    Streaming: each batch b brings its weight Wᵇ = Σ w, mean ȳᵇ and spread M₂ᵇ = Σ w(y − ȳᵇ)²,
    and the spread of everything seen so far (a) grows as two groups' spreads merge:
    M₂ = M₂ᵃ + M₂ᵇ + δ² WᵃWᵇ / (Wᵃ + Wᵇ), with δ = ȳᵇ − ȳᵃ. Unlike Σ wy² − (Σ wy)²/Σ w this
    loses no digits when the targets are large or constant.

    >>> r2 = R2Score()
    >>> r2.update_state([1.0, 2.0, 3.0], [1.0, 2.0, 4.0]); r2.result()    # 1 − 1/2
    0.5
    """

    def __init__(self, class_aggregation: str | None = "uniform_average", name: str = "r2_score"):
        if class_aggregation not in ("uniform_average", "variance_weighted", None):
            raise ValueError(
                "R2Score: class_aggregation must be 'uniform_average', 'variance_weighted' or "
                f"None, got {class_aggregation!r}"
            )
        self.class_aggregation = class_aggregation
        super().__init__(name)

    def reset_state(self) -> None:
        # per output: Σ w (None before the first batch), the weighted mean ȳ, M₂ = Σ w(y − ȳ)²,
        # and Σ w(y − ŷ)²
        self.weight: np.ndarray | None = None
        self.mean = self.m2 = self.residual = np.zeros(0)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        t, p = same_rank(y_true, y_pred)
        check_same_shape(t, p, self.name)
        y = t.astype(np.float64).reshape(len(t), -1)
        w = broadcast_weights(sample_weight, y.shape, self.name)
        weight = w.sum(axis=0)
        mean = safe_divide((w * y).sum(axis=0), weight)
        m2 = (w * (y - mean) ** 2).sum(axis=0)
        residual = (w * (y - p.reshape(y.shape)) ** 2).sum(axis=0)
        if self.weight is None:
            self.weight, self.mean, self.m2, self.residual = weight, mean, m2, residual
            return
        if weight.shape != self.weight.shape:
            raise ValueError(
                f"{self.name}: this batch has {y.shape[1]} outputs, earlier ones had "
                f"{self.weight.shape[0]}"
            )
        both = self.weight + weight
        delta = mean - self.mean
        self.m2 = self.m2 + m2 + delta**2 * safe_divide(self.weight * weight, both)
        self.mean = self.mean + delta * safe_divide(weight, both)
        self.weight, self.residual = both, self.residual + residual

    def result(self):
        if self.weight is None:
            return 0.0
        spread = self.m2
        scores = np.where(
            spread > 0, 1 - safe_divide(self.residual, spread), 1.0 * (self.residual == 0)
        )
        if self.class_aggregation is None:
            return scores
        if self.class_aggregation == "variance_weighted" and spread.sum() > 0:
            return float((scores * spread).sum() / spread.sum())
        return float(scores.mean())

    def get_config(self) -> dict:
        return {**super().get_config(), "class_aggregation": self.class_aggregation}
