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

from collections.abc import Sequence

from .. import ops
from ..autograd import Tensor
from .base import Layer, serialize
from .input_spec import InputSpec, along
from .types import InitializerLike


def _axes(layer, axis, ndim) -> tuple:
    """``axis`` (an int or several) as sorted non-negative axes of an input of ``ndim`` dims."""
    axes = (
        (axis,)
        if isinstance(axis, int)
        else tuple(axis)
        if isinstance(axis, (list, tuple))
        else (axis,)
    )
    if not all(isinstance(a, int) and not isinstance(a, bool) and -ndim <= a < ndim for a in axes):
        raise layer.error(
            f"expected axis among the integers in [{-ndim}, {ndim}) for inputs of {ndim} "
            f"dimensions, got {axis!r}"
        )
    return tuple(sorted(a % ndim for a in axes))


class BatchNormalization(Layer):
    """Normalize each feature/channel (``axis``, default last) by batch statistics.

    Weights (Keras order): gamma, beta (trainable), moving_mean, moving_variance (not trainable).
    """

    computes_in_variable_dtype = True  # float32 statistics under "mixed_float16"

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: InitializerLike = "zeros",
        gamma_initializer: InitializerLike = "ones",
        moving_mean_initializer: InitializerLike = "zeros",
        moving_variance_initializer: InitializerLike = "ones",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale = center, scale
        self.initializers = dict(
            beta=beta_initializer,
            gamma=gamma_initializer,
            moving_mean=moving_mean_initializer,
            moving_variance=moving_variance_initializer,
        )

    def build(self, input_shape):
        ndim = len(input_shape)
        self.feature_axes = _axes(self, self.axis, ndim)
        self.reduce_axes = tuple(i for i in range(ndim) if i not in self.feature_axes)
        shape = tuple(input_shape[a] for a in self.feature_axes)
        if None in shape:
            raise self.error(
                f"expected a known size on the normalized axis {self.axis}, got "
                f"shape {tuple(input_shape)}"
            )
        self.input_spec = InputSpec(
            ndim=ndim, axes=dict(zip(self.feature_axes, shape)), units="features"
        )
        self.gamma = (
            self.add_weight("gamma", shape, self.initializers["gamma"]) if self.scale else None
        )
        self.beta = (
            self.add_weight("beta", shape, self.initializers["beta"]) if self.center else None
        )
        self.moving_mean = self.add_weight(
            "moving_mean", shape, self.initializers["moving_mean"], trainable=False
        )
        self.moving_variance = self.add_weight(
            "moving_variance", shape, self.initializers["moving_variance"], trainable=False
        )
        self.broadcast_shape = tuple(
            input_shape[i] if i in self.feature_axes else 1 for i in range(ndim)
        )

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        training = training and self.trainable
        per_channel = (
            self.feature_axes == (x.ndim - 1,) and ops.normalization.channel_kernel == "fast"
        )
        if training:
            if per_channel:
                mean, var = ops.channel_moments(x)
            else:
                mean, var = ops.normalization.moments(x, self.reduce_axes)
            m = self.momentum
            self.moving_mean.data *= m
            self.moving_mean.data += (1 - m) * mean.reshape(self.moving_mean.shape)
            self.moving_variance.data *= m
            self.moving_variance.data += (1 - m) * var.reshape(self.moving_variance.shape)
        else:
            mean, var = self.moving_mean.data, self.moving_variance.data
        if per_channel:
            return ops.channel_normalize(
                x, mean, var, self.gamma, self.beta, self.epsilon, stats_from_x=bool(training)
            )
        gamma = self.gamma.reshape(self.broadcast_shape) if self.gamma is not None else 1.0
        beta = self.beta.reshape(self.broadcast_shape) if self.beta is not None else 0.0
        mean, var = mean.reshape(self.broadcast_shape), var.reshape(self.broadcast_shape)
        return ops.normalization.normalize(
            x,
            mean,
            var,
            gamma,
            beta,
            axes=self.reduce_axes,
            epsilon=self.epsilon,
            stats_from_x=bool(training),
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **{f"{k}_initializer": serialize(v) for k, v in self.initializers.items()},
        }


class LayerNormalization(Layer):
    """Normalize each sample over ``axis`` (default the last), then scale by γ and shift by β."""

    computes_in_variable_dtype = True  # float32 statistics under "mixed_float16"

    def __init__(
        self,
        axis: int | Sequence[int] = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: InitializerLike = "zeros",
        gamma_initializer: InitializerLike = "ones",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.axis, self.epsilon, self.center, self.scale = axis, epsilon, center, scale
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer

    def build(self, input_shape):
        ndim = len(input_shape)
        self.norm_axes = _axes(self, self.axis, ndim)
        shape = tuple(input_shape[i] if i in self.norm_axes else 1 for i in range(ndim))
        self.param_shape = tuple(input_shape[a] for a in self.norm_axes)
        self.broadcast_shape = shape
        self.input_spec = InputSpec(
            ndim=ndim, axes=dict(zip(self.norm_axes, self.param_shape)), units="features"
        )
        self.gamma = (
            self.add_weight("gamma", self.param_shape, self.gamma_initializer)
            if self.scale
            else None
        )
        self.beta = (
            self.add_weight("beta", self.param_shape, self.beta_initializer)
            if self.center
            else None
        )

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        gamma = self.gamma.reshape(self.broadcast_shape[1:]) if self.gamma is not None else 1.0
        beta = self.beta.reshape(self.broadcast_shape[1:]) if self.beta is not None else 0.0
        mean, var = ops.normalization.moments(x, self.norm_axes)
        return ops.normalization.normalize(
            x, mean, var, gamma, beta, axes=self.norm_axes, epsilon=self.epsilon, stats_from_x=True
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": serialize(self.beta_initializer),
            "gamma_initializer": serialize(self.gamma_initializer),
        }


class GroupNormalization(Layer):
    """Normalize each sample over groups of channels (Wu & He, 2018): the C channels (``axis``,
    default last) are split into ``groups`` groups of C/groups; μ, σ² are taken per sample and
    group over the group's channels and every other non-batch axis; then y = γ x̂ + β per channel.
    ``groups=1`` normalizes each sample over everything (as LayerNormalization over all axes);
    ``groups=C`` is instance normalization. Weights: gamma, beta (C,).
    """

    computes_in_variable_dtype = True  # float32 statistics under "mixed_float16"

    def __init__(
        self,
        groups: int = 32,
        axis: int = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: InitializerLike = "zeros",
        gamma_initializer: InitializerLike = "ones",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.groups, self.axis, self.epsilon, self.center, self.scale = (
            groups,
            axis,
            epsilon,
            center,
            scale,
        )
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer

    def build(self, input_shape):
        self.channel_axis = self.axis % len(input_shape)
        channels = input_shape[self.channel_axis]
        if channels is None or channels % self.groups:
            raise self.error(
                f"expected channels (axis {self.axis}) in a known multiple of "
                f"groups={self.groups}, got shape {tuple(input_shape)}"
            )
        self.input_spec = InputSpec(
            ndim=len(input_shape), axes={self.channel_axis: channels}, units="channels"
        )
        self.gamma = (
            self.add_weight("gamma", (channels,), self.gamma_initializer) if self.scale else None
        )
        self.beta = (
            self.add_weight("beta", (channels,), self.beta_initializer) if self.center else None
        )

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        a, g = self.channel_axis, self.groups
        grouped_shape = x.shape[:a] + (g, x.shape[a] // g) + x.shape[a + 1 :]
        grouped = x.reshape(grouped_shape)  # the group axis is a; its channels are a + 1
        axes = tuple(i for i in range(1, len(grouped_shape)) if i != a)
        param_shape = (g, x.shape[a] // g) + (1,) * (x.ndim - 1 - a)
        gamma = self.gamma.reshape(param_shape) if self.gamma is not None else 1.0
        beta = self.beta.reshape(param_shape) if self.beta is not None else 0.0
        mean, var = ops.normalization.moments(grouped, axes)
        y = ops.normalization.normalize(
            grouped, mean, var, gamma, beta, axes=axes, epsilon=self.epsilon, stats_from_x=True
        )
        return y.reshape(x.shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": serialize(self.beta_initializer),
            "gamma_initializer": serialize(self.gamma_initializer),
        }


class UnitNormalization(Layer):
    """y = x / ‖x‖ over ``axis`` (default last), so each vector has length 1 (‖x‖² is floored
    at 10⁻¹², so a zero vector stays zero); no weights."""

    def __init__(self, axis: int | list[int] | tuple[int, ...] = -1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.input_spec = along(axis)

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        axis = tuple(self.axis) if isinstance(self.axis, (list, tuple)) else self.axis
        squared = (x * x).sum(axis=axis, keepdims=True)
        return x / ops.sqrt(ops.maximum(squared, 1e-12))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


__all__ = ["BatchNormalization", "GroupNormalization", "LayerNormalization", "UnitNormalization"]
