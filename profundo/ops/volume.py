"""3-D convolution and pooling of channels-last volumes (N, D, H, W, C) — videos, scans — built
from the 2-D ops along the depth axis, so their gradients come from ops already checked.

A 3-D window is a stack of kd 2-D windows, one per depth offset i. With the output depths p
folded into the batch (each input slice p·s_d + i·d_d taken at once by a strided slice):

    conv3d:      y[p] = Σ_i conv2d(x[p·s_d + i·d_d], K[i])                         (+ b)
    max_pool3d:  y[p] = max_i  max_pool2d(x[p·s_d + i])
    avg_pool3d:  y[p] = Σ_i avg_pool2d(x[p·s_d + i]) / (the number of real slices of window p)

Depth padding follows Keras' "valid"/"same" rule (``Windows``); "same" pooling never counts the
padding, as Keras. Layers: ``Conv3D``, ``MaxPooling3D``, ``AveragePooling3D``, the global ones.

>>> pf.conv3d(pf.randn(2, 4, 6, 6, 3), pf.randn(3, 3, 3, 3, 5), padding="same").shape
(2, 4, 6, 6, 5)
"""

from __future__ import annotations

import numpy

from ..autograd import Tensor
from ..autograd.types import Shape, TensorLike
from ._conv import conv2d
from ._shape import pad
from .elementwise import maximum
from .pool import _spatial_axes, avg_pool2d, max_pool2d
from .reduce import max as reduce_max
from .reduce import mean as reduce_mean
from .windows import Windows, window_ints

__all__ = [
    "conv3d",
    "max_pool3d",
    "avg_pool3d",
    "global_max_pool3d",
    "global_avg_pool3d",
]


def _as_volume(x, op: str) -> Tensor:
    x = x if isinstance(x, Tensor) else Tensor(x)
    if x.ndim != 5:
        raise ValueError(f"{op}: expected volumes (N, D, H, W, C), got shape {x.shape}")
    return x


def _depth_slices(x, windows, offset_step, value=0.0):
    """For each depth offset i of the windows: the input slices every output depth p reads,
    x[p·s_d + i·offset_step] for all p at once, as (N, D', H, W, C)."""
    before, after = windows.pads[0]
    if before or after:
        x = pad(x, ((0, 0), (before, after), (0, 0), (0, 0), (0, 0)), value=value)
    stride, depth = windows.strides[0], windows.out[0]
    for i in range(windows.kernel[0]):
        start = i * offset_step
        yield x[:, start : start + stride * (depth - 1) + 1 : stride]


def _folded(op2d, slices):
    """op2d on (N, D', H, W, C) slices with the depths folded into the batch, unfolded after."""
    n, depth = slices.shape[:2]
    y = op2d(slices.reshape((n * depth,) + slices.shape[2:]))
    return y.reshape((n, depth) + y.shape[1:])


def conv3d(
    x: TensorLike,
    kernel: TensorLike,
    bias: TensorLike | None = None,
    strides: Shape = 1,
    padding: str = "valid",
    dilation: Shape = 1,
    groups: int = 1,
) -> Tensor:
    """3-D convolution (Keras' Conv3D): x (N, D, H, W, C_in), kernel (kd, kh, kw, C_in/groups,
    C_out), bias (C_out,) or None → (N, D', H', W', C_out), sizes per axis as ``conv2d``;
    ``strides``/``dilation`` an int or 3 ints, ``padding`` "valid" or "same"."""
    x = _as_volume(x, "conv3d")
    kernel = kernel if isinstance(kernel, Tensor) else Tensor(kernel)
    strides, dilation = window_ints(strides, 3, "strides"), window_ints(dilation, 3, "dilation")
    if padding not in ("valid", "same"):
        raise ValueError(f"conv3d: padding must be 'valid' or 'same', got {padding!r}")
    windows = Windows(x.shape[1:4], kernel.shape[:3], strides, dilation, padding)
    total = None
    for i, slices in enumerate(_depth_slices(x, windows, dilation[0])):
        y = _folded(
            lambda s, k=kernel[i]: conv2d(
                s, k, None, strides[1:], windows.pads[1:], dilation[1:], groups
            ),
            slices,
        )
        total = y if total is None else total + y
    assert total is not None
    return total if bias is None else total + bias


def _pool3d(
    x: TensorLike, pool_size: Shape, strides: Shape | None, padding: str, op: str
) -> tuple[Tensor, Windows]:
    x = _as_volume(x, op)
    pool_size = window_ints(pool_size, 3, "pool_size")
    strides = pool_size if strides is None else window_ints(strides, 3, "strides")
    if padding not in ("valid", "same"):
        raise ValueError(f"{op}: padding must be 'valid' or 'same', got {padding!r}")
    return x, Windows(x.shape[1:4], pool_size, strides, (1, 1, 1), padding)


def max_pool3d(
    x: TensorLike, pool_size: Shape = 2, strides: Shape | None = None, padding: str = "valid"
) -> Tensor:
    """Largest value of each pool_size window of a volume (Keras' MaxPooling3D):
    (N, D, H, W, C) → (N, D', H', W', C); ``pool_size``/``strides`` an int or 3 ints."""
    x, windows = _pool3d(x, pool_size, strides, padding, "max_pool3d")
    pooled = _folded(lambda s: max_pool2d(s, windows.kernel[1:], windows.strides[1:], padding), x)
    out = None
    for slices in _depth_slices(pooled, windows, 1, value=-numpy.inf):
        out = slices if out is None else maximum(out, slices)
    assert out is not None
    return out


def avg_pool3d(
    x: TensorLike, pool_size: Shape = 2, strides: Shape | None = None, padding: str = "valid"
) -> Tensor:
    """Mean of each pool_size window of a volume (Keras' AveragePooling3D); with "same" a
    border window averages only the values it covers."""
    x, windows = _pool3d(x, pool_size, strides, padding, "avg_pool3d")
    pooled = _folded(lambda s: avg_pool2d(s, windows.kernel[1:], windows.strides[1:], padding), x)
    total = None
    for slices in _depth_slices(pooled, windows, 1):
        total = slices if total is None else total + slices
    real = numpy.ones((1, x.shape[1], 1, 1, 1), x.dtype)  # which depth slices are not padding
    counts = sum(s for s in _depth_slices(Tensor(real), windows, 1))
    assert total is not None
    return total / counts


def global_max_pool3d(x: TensorLike, keepdims: bool = False) -> Tensor:
    """Largest value of each channel over the volume: (N, D, H, W, C) → (N, C) (or keepdims)."""
    return reduce_max(x, axis=_spatial_axes(x, 3, "global_max_pool3d"), keepdims=keepdims)


def global_avg_pool3d(x: TensorLike, keepdims: bool = False) -> Tensor:
    """Mean of each channel over the volume: (N, D, H, W, C) → (N, C) (or keepdims)."""
    return reduce_mean(x, axis=_spatial_axes(x, 3, "global_avg_pool3d"), keepdims=keepdims)
