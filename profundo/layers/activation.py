"""Activation layers with settings: ReLU, LeakyReLU, ELU, Softmax, and PReLU (learned slope).

>>> layers.LeakyReLU(negative_slope=0.1)(np.array([[-1.0, 2.0]]))
tensor([[-0.1,  2. ]])
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import ops
from ..autograd import Tensor, as_array
from .base import Layer, serialize
from .input_spec import InputSpec, along
from .types import InitializerLike, RegularizerLike


class _Elementwise(Layer):
    """An activation layer whose output has the input's shape."""

    def compute_output_shape(self, input_shape):
        return input_shape


class ReLU(_Elementwise):
    """y = min(max(x, 0), max_value), with slope ``negative_slope`` below ``threshold``
    (Keras' ReLU)."""

    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        y = (
            ops.where(x >= self.threshold, x, self.negative_slope * (x - self.threshold))
            if (self.negative_slope or self.threshold)
            else ops.relu(x)
        )
        return ops.minimum(y, self.max_value) if self.max_value is not None else y

    def get_config(self):
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }


class LeakyReLU(_Elementwise):
    """y = x for x ≥ 0, negative_slope · x below (Keras 3's default slope 0.3)."""

    def __init__(self, negative_slope: float = 0.3, **kwargs):
        super().__init__(**kwargs)
        self.negative_slope = negative_slope

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        return ops.leaky_relu(x, self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(_Elementwise):
    """y = x for x > 0, α(eˣ − 1) below."""

    def __init__(self, alpha: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        return ops.elu(x, self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(_Elementwise):
    """yᵢ = e^{xᵢ} / Σⱼ e^{xⱼ} along ``axis`` (an int, or a tuple of axes normalized together).

    ``mask`` (as Keras: booleans, or numbers kept where > 0.5, broadcasting against the input
    from the right, no dimension larger than the input's): the entries left out get probability
    exactly 0 and the others share 1; a row with every entry left out is all zeros (Keras gives
    the same: it zeroes the masked entries after the softmax).
    """

    def __init__(self, axis: int | tuple[int, ...] = -1, **kwargs):
        super().__init__(**kwargs)
        self.axis = tuple(axis) if isinstance(axis, list) else axis
        self.input_spec = along(self.axis)

    def call(self, x: Tensor, training: bool | None = None, mask: Tensor | None = None) -> Tensor:
        if mask is not None:
            mask = as_array(mask)
            fits = mask.ndim <= x.ndim and all(
                m in (1, n) for m, n in zip(mask.shape[::-1], x.shape[::-1])
            )
            if not fits:
                raise self.error(
                    f"expected a mask that broadcasts to the input {x.shape} (each dimension 1 "
                    f"or the input's, none more), got shape {mask.shape}"
                )
            mask = mask if mask.dtype == bool else mask > 0.5
        return ops.softmax(x, axis=self.axis, mask=mask)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class PReLU(_Elementwise):
    """y = x for x ≥ 0, α ⊙ x below, with α learned: one slope per feature (shape = input's
    non-batch shape), shared along ``shared_axes`` (e.g. (1, 2) for one slope per channel)."""

    def __init__(
        self,
        alpha_initializer: InitializerLike = "zeros",
        alpha_regularizer: RegularizerLike = None,
        shared_axes: Sequence[int] | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.alpha_initializer, self.alpha_regularizer = alpha_initializer, alpha_regularizer
        self.shared_axes = [shared_axes] if isinstance(shared_axes, int) else shared_axes

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            shape[axis - 1] = 1
        # as Keras: the rank, and the size of every axis the slopes are not shared along
        shared = set(self.shared_axes or [])
        self.input_spec = InputSpec(
            ndim=len(input_shape),
            axes={a: input_shape[a] for a in range(1, len(input_shape)) if a not in shared},
        )
        self.alpha = self.add_weight(
            "alpha", tuple(shape), self.alpha_initializer, regularizer=self.alpha_regularizer
        )

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        return ops.relu(x) - self.alpha * ops.relu(-x)

    def get_config(self):
        return {
            **super().get_config(),
            "alpha_initializer": serialize(self.alpha_initializer),
            "alpha_regularizer": serialize(self.alpha_regularizer),
            "shared_axes": self.shared_axes,
        }


__all__ = ["ReLU", "LeakyReLU", "ELU", "Softmax", "PReLU"]
