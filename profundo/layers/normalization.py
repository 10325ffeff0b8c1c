"""Normalization layers: BatchNormalization and LayerNormalization.

Both compute x̂ = (x − μ)/√(σ² + ε) and y = γ x̂ + β (see ``profundo.ops.normalization``):

- BatchNormalization: μ, σ² per feature over the batch (and, for images, height and width: the
  channel is the last axis); while training it uses the batch's statistics and updates moving
  averages  m ← momentum·m + (1 − momentum)·μ_batch ; in inference it uses the moving averages.
  A frozen one (``trainable = False``) always runs in inference mode, as in Keras: fine-tuning a
  pretrained network keeps the statistics it learned.
- LayerNormalization: μ, σ² per sample over the last axis (or ``axis``), the same in training
  and inference.
"""
from __future__ import annotations

from .. import ops
from .base import Layer, serialize


def _axes(axis, ndim) -> tuple:
    axis = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(sorted(a % ndim for a in axis))


class BatchNormalization(Layer):
    """Normalize each feature/channel (``axis``, default last) by batch statistics.

    Weights (Keras order): gamma, beta (trainable), moving_mean, moving_variance (not trainable).
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale = center, scale
        self.initializers = dict(beta=beta_initializer, gamma=gamma_initializer,
                                 moving_mean=moving_mean_initializer,
                                 moving_variance=moving_variance_initializer)

    def build(self, input_shape):
        ndim = len(input_shape)
        self.feature_axes = _axes(self.axis, ndim)
        self.reduce_axes = tuple(i for i in range(ndim) if i not in self.feature_axes)
        shape = tuple(input_shape[a] for a in self.feature_axes)
        if None in shape:
            raise ValueError(f"BatchNormalization {self.name!r}: the normalized axis needs a known "
                             f"size, got input shape {input_shape}")
        self.gamma = self.add_weight("gamma", shape, self.initializers["gamma"]) if self.scale else None
        self.beta = self.add_weight("beta", shape, self.initializers["beta"]) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", shape, self.initializers["moving_mean"],
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape,
                                               self.initializers["moving_variance"], trainable=False)
        self.broadcast_shape = tuple(input_shape[i] if i in self.feature_axes else 1
                                     for i in range(ndim))

    def call(self, x, training=None):
        if x.ndim != len(self.broadcast_shape):
            raise ValueError(f"BatchNormalization {self.name!r}: built for {len(self.broadcast_shape)}-D "
                             f"inputs, got shape {x.shape}")
        gamma = self.gamma.reshape(self.broadcast_shape) if self.gamma is not None else 1.0
        beta = self.beta.reshape(self.broadcast_shape) if self.beta is not None else 0.0
        training = training and self.trainable
        if training:
            mean, var = ops.moments(x, self.reduce_axes)
            m = self.momentum
            self.moving_mean.data *= m
            self.moving_mean.data += (1 - m) * mean.reshape(self.moving_mean.shape)
            self.moving_variance.data *= m
            self.moving_variance.data += (1 - m) * var.reshape(self.moving_variance.shape)
        else:
            mean = self.moving_mean.data.reshape(self.broadcast_shape)
            var = self.moving_variance.data.reshape(self.broadcast_shape)
        return ops.normalize(x, mean, var, gamma, beta, axes=self.reduce_axes, epsilon=self.epsilon,
                             stats_from_x=bool(training))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                **{f"{k}_initializer": serialize(v) for k, v in self.initializers.items()}}


class LayerNormalization(Layer):
    """Normalize each sample over ``axis`` (default the last), then scale by γ and shift by β."""

    def __init__(self, axis=-1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 beta_initializer="zeros", gamma_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        self.axis, self.epsilon, self.center, self.scale = axis, epsilon, center, scale
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer

    def build(self, input_shape):
        ndim = len(input_shape)
        self.norm_axes = _axes(self.axis, ndim)
        shape = tuple(input_shape[i] if i in self.norm_axes else 1 for i in range(ndim))
        self.param_shape = tuple(input_shape[a] for a in self.norm_axes)
        self.broadcast_shape = shape
        self.gamma = self.add_weight("gamma", self.param_shape, self.gamma_initializer) \
            if self.scale else None
        self.beta = self.add_weight("beta", self.param_shape, self.beta_initializer) \
            if self.center else None

    def call(self, x, training=None):
        gamma = self.gamma.reshape(self.broadcast_shape[1:]) if self.gamma is not None else 1.0
        beta = self.beta.reshape(self.broadcast_shape[1:]) if self.beta is not None else 0.0
        mean, var = ops.moments(x, self.norm_axes)
        return ops.normalize(x, mean, var, gamma, beta, axes=self.norm_axes, epsilon=self.epsilon,
                             stats_from_x=True)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": serialize(self.beta_initializer),
                "gamma_initializer": serialize(self.gamma_initializer)}


__all__ = ["BatchNormalization", "LayerNormalization"]
