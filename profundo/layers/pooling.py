"""Pooling layers on channels-last data: MaxPooling1D/2D, AveragePooling1D/2D and the global
poolings GlobalMaxPooling1D/2D, GlobalAveragePooling1D/2D. No weights.

Pooling summarizes each window of each channel by its largest value or its mean,

    y[n, p, q, c] = max_{i, j} x̃[n, p·s_h + i, q·s_w + j, c]     (or the mean over the window)

shrinking the image while keeping the channels; global pooling takes one window as large as the
image, (batch, H, W, C) → (batch, C). Output sizes follow Keras (``pool_size`` k, ``strides`` s,
by default k): "valid" ⌈(n − k + 1)/s⌉, "same" ⌈n/s⌉. The ops are in ``profundo.ops.pool``.

>>> layers.MaxPooling2D(2)(np.zeros((8, 26, 26, 32), "float32")).shape
(8, 13, 13, 32)
>>> layers.GlobalAveragePooling2D()(np.zeros((8, 7, 7, 64), "float32")).shape
(8, 64)
"""

from __future__ import annotations

from collections.abc import Callable

from .. import ops
from ..autograd import Tensor
from ..autograd.types import Pads, Shape
from .conv import SpatialLayer, spatial_ints, window_lengths


class _Pooling(SpatialLayer):
    """Base of the windowed poolings: ``pool_size``, ``strides`` (default: ``pool_size``, so the
    windows tile the input) and ``padding`` ("valid" or "same"); ``op`` runs it."""

    op: Callable[..., Tensor]  # the op (a staticmethod), set by each subclass

    def __init__(
        self,
        pool_size: Shape = 2,
        strides: Shape | None = None,
        padding: str | Pads = "valid",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not (isinstance(padding, str) and padding.lower() in ("valid", "same")):
            raise self.error(f"padding must be 'valid' or 'same', got {padding!r}")
        self.pool_size = spatial_ints(self, pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else spatial_ints(self, strides, "strides")
        self.padding = padding.lower()

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        return self.op(x, self.pool_size, self.strides, self.padding)

    def compute_output_shape(self, input_shape):
        shape = self.check_input(input_shape)
        lengths = window_lengths(
            self, shape[1:-1], self.pool_size, self.strides, (1,) * self.rank, self.padding
        )
        return (shape[0], *lengths, shape[-1])

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": list(self.pool_size),
            "strides": list(self.strides),
            "padding": self.padding,
        }


class MaxPooling1D(_Pooling):
    """Largest value of each window of a sequence: (batch, steps, C) → (batch, steps', C)."""

    rank = 1
    op = staticmethod(ops.max_pool1d)


class MaxPooling2D(_Pooling):
    """Largest value of each window of an image: (batch, H, W, C) → (batch, H', W', C). On ties
    the gradient goes to the first largest value of the window (row-major)."""

    rank = 2
    op = staticmethod(ops.max_pool2d)


class AveragePooling1D(_Pooling):
    """Mean of each window of a sequence: (batch, steps, C) → (batch, steps', C)."""

    rank = 1
    op = staticmethod(ops.avg_pool1d)


class AveragePooling2D(_Pooling):
    """Mean of each window of an image: (batch, H, W, C) → (batch, H', W', C). With "same"
    padding a border window averages only the pixels it covers, never the padding (as Keras)."""

    rank = 2
    op = staticmethod(ops.avg_pool2d)


class _GlobalPooling(SpatialLayer):
    """Base of the global poolings: one value per channel over all steps/pixels,
    (batch, ..., C) → (batch, C), or (batch, 1, ..., 1, C) with ``keepdims``."""

    op: Callable[..., Tensor]  # the op (a staticmethod), set by each subclass

    def __init__(self, keepdims: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.keepdims = bool(keepdims)

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        return self.op(x, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        shape = self.check_input(input_shape)
        return (shape[0], *(1,) * self.rank, shape[-1]) if self.keepdims else (shape[0], shape[-1])

    def get_config(self):
        return {**super().get_config(), "keepdims": self.keepdims}


class GlobalMaxPooling1D(_GlobalPooling):
    """Largest value of each channel over the sequence: (batch, steps, C) → (batch, C)."""

    rank = 1
    op = staticmethod(ops.global_max_pool1d)


class GlobalMaxPooling2D(_GlobalPooling):
    """Largest value of each channel over the image: (batch, H, W, C) → (batch, C)."""

    rank = 2
    op = staticmethod(ops.global_max_pool2d)


class GlobalAveragePooling1D(_GlobalPooling):
    """Mean of each channel over the sequence: (batch, steps, C) → (batch, C)."""

    rank = 1
    op = staticmethod(ops.global_avg_pool1d)


class GlobalAveragePooling2D(_GlobalPooling):
    """Mean of each channel over the image: (batch, H, W, C) → (batch, C) — the usual head of a
    ResNet, in place of Flatten: it works for any image size and has no weights."""

    rank = 2
    op = staticmethod(ops.global_avg_pool2d)


class MaxPooling3D(_Pooling):
    """Largest value of each window of a volume: (batch, D, H, W, C) → (batch, D', H', W', C)."""

    rank = 3
    op = staticmethod(ops.max_pool3d)


class AveragePooling3D(_Pooling):
    """Mean of each window of a volume: (batch, D, H, W, C) → (batch, D', H', W', C); with
    "same" padding a border window averages only the values it covers."""

    rank = 3
    op = staticmethod(ops.avg_pool3d)


class GlobalMaxPooling3D(_GlobalPooling):
    """Largest value of each channel over the volume: (batch, D, H, W, C) → (batch, C)."""

    rank = 3
    op = staticmethod(ops.global_max_pool3d)


class GlobalAveragePooling3D(_GlobalPooling):
    """Mean of each channel over the volume: (batch, D, H, W, C) → (batch, C)."""

    rank = 3
    op = staticmethod(ops.global_avg_pool3d)


# Keras' short names
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool3D, GlobalAvgPool3D = GlobalMaxPooling3D, GlobalAveragePooling3D

__all__ = [
    "MaxPooling1D",
    "MaxPooling2D",
    "AveragePooling1D",
    "AveragePooling2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "MaxPool1D",
    "MaxPool2D",
    "AvgPool1D",
    "AvgPool2D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "MaxPooling3D",
    "AveragePooling3D",
    "GlobalMaxPooling3D",
    "GlobalAveragePooling3D",
    "MaxPool3D",
    "AvgPool3D",
    "GlobalMaxPool3D",
    "GlobalAvgPool3D",
]
