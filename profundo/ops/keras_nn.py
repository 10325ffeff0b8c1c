"""Keras' ``keras.ops.nn`` names and signatures on profundo's ops: ``one_hot``, the three
cross-entropies (per sample, Keras' argument order target, output), ``normalize`` (x/‖x‖),
``moments``, ``batch_normalization``, ``conv``/``depthwise_conv``/``conv_transpose``/``max_pool``/
``average_pool`` for any of 1-D and 2-D, ``dot_product_attention`` (Keras' (batch, steps, heads,
size) layout), ``top_k``, and the activations Keras has beyond profundo's own.

Channels last throughout; ``data_format="channels_first"`` inputs are transposed in and out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike

from .. import backend as B
from ..autograd import Tensor
from ..autograd.types import Pads, Shape, TensorLike
from . import _conv, _shape, nn, pool
from . import activation as A
from . import elementwise as E
from . import math as M
from . import reduce as R
from .attention import scaled_dot_product_attention
from .numpy import _plain, take_along_axis

__all__ = [
    "one_hot",
    "multi_hot",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "normalize",
    "moments",
    "batch_normalization",
    "conv",
    "depthwise_conv",
    "conv_transpose",
    "max_pool",
    "average_pool",
    "dot_product_attention",
    "top_k",
    "in_top_k",
    "log_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "celu",
    "glu",
    "squareplus",
    "sparse_plus",
    "soft_shrink",
    "hard_shrink",
    "tanh_shrink",
    "threshold",
    "mish",
]

_EPSILON = 1e-7  # Keras' backend epsilon: probabilities are clipped to [ε, 1 − ε]


def _t(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def one_hot(
    x: TensorLike,
    num_classes: int,
    axis: int = -1,
    dtype: DTypeLike | None = None,
    sparse: bool = False,
) -> Tensor:
    """Integer labels as one-hot rows along a new ``axis`` (labels outside [0, num_classes) give
    rows of zeros, as in Keras)."""
    ids = np.asarray(x.numpy() if isinstance(x, Tensor) else x).astype("int64")
    hot = (ids[..., None] == np.arange(num_classes)).astype(dtype or B.default_dtype)
    return _plain(np.moveaxis(hot, -1, axis))


def multi_hot(
    inputs: TensorLike,
    num_classes: int,
    axis: int = -1,
    dtype: DTypeLike | None = None,
    sparse: bool = False,
) -> Tensor:
    """For each row of integer labels, a vector with 1 at every label it holds."""
    hot = one_hot(inputs, num_classes, -1, dtype).data.max(axis=-2)
    return _plain(B.xp.moveaxis(hot, -1, axis))


def binary_crossentropy(
    target: TensorLike, output: TensorLike, from_logits: bool = False
) -> Tensor:
    """Elementwise −t log p − (1 − t) log(1 − p), from probabilities (clipped to [ε, 1 − ε]) or
    from logits (stable)."""
    output, target = _t(output), _t(target)
    if from_logits:
        return nn.binary_cross_entropy_with_logits(output, target, reduction="none")
    p = E.clip(output, _EPSILON, 1 - _EPSILON)
    return E.neg(E.add(E.mul(target, E.log(p)), E.mul(E.sub(1.0, target), E.log(E.sub(1.0, p)))))


def categorical_crossentropy(
    target: TensorLike, output: TensorLike, from_logits: bool = False, axis: int = -1
) -> Tensor:
    """−Σ_c t_c log p_c per sample; probabilities are rescaled to sum to 1 and clipped, as Keras."""
    output, target = _t(output), _t(target)
    if from_logits:
        return R.sum(E.neg(E.mul(target, nn.log_softmax(output, axis=axis))), axis=axis)
    p = E.div(output, R.sum(output, axis=axis, keepdims=True))
    return R.sum(E.neg(E.mul(target, E.log(E.clip(p, _EPSILON, 1 - _EPSILON)))), axis=axis)


def sparse_categorical_crossentropy(
    target: TensorLike, output: TensorLike, from_logits: bool = False, axis: int = -1
) -> Tensor:
    """``categorical_crossentropy`` with integer class labels."""
    output = _t(output)
    return categorical_crossentropy(
        one_hot(target, output.shape[axis], axis, output.dtype), output, from_logits, axis
    )


def normalize(
    x: TensorLike, axis: int = -1, order: int | float = 2, epsilon: float | None = None
) -> Tensor:
    """x / max(‖x‖_order, ε) along ``axis`` (Keras' ``ops.normalize``; the batch-norm op under
    the normalization layers is ``ops.normalization.normalize``)."""
    from .numpy import norm

    x = _t(x)
    return E.div(
        x,
        E.maximum(
            norm(x, ord=order, axis=axis, keepdims=True), _EPSILON if epsilon is None else epsilon
        ),
    )


def moments(
    x: TensorLike, axes: int | Sequence[int], keepdims: bool = False, synchronized: bool = False
) -> tuple[Tensor, Tensor]:
    """(mean, variance) of x over ``axes``, differentiable (Keras' ``ops.moments``)."""
    x = _t(x)
    axis = tuple(int(a) for a in np.atleast_1d(axes))
    mean = R.mean(x, axis=axis, keepdims=True)
    centred = E.sub(x, mean)
    variance = R.mean(E.mul(centred, centred), axis=axis, keepdims=keepdims)
    return (mean if keepdims else _shape.squeeze(mean, axis=axis)), variance


def batch_normalization(
    x: TensorLike,
    mean: TensorLike,
    variance: TensorLike,
    axis: int,
    offset: TensorLike | None = None,
    scale: TensorLike | None = None,
    epsilon: float = 1e-3,
) -> Tensor:
    """(x − mean)/√(variance + ε) · scale + offset, the statistics given along ``axis``."""
    x = _t(x)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]

    def along(v):
        return _shape.reshape(_t(v), *shape)

    y = E.div(E.sub(x, along(mean)), E.sqrt(E.add(along(variance), epsilon)))
    if scale is not None:
        y = E.mul(y, along(scale))
    return y if offset is None else E.add(y, along(offset))


def _channels_last(x, data_format):
    return (
        _shape.transpose(x, (0,) + tuple(range(2, x.ndim)) + (1,))
        if data_format == "channels_first"
        else x
    )


def _channels_first(y, data_format):
    return (
        _shape.transpose(y, (0, y.ndim - 1) + tuple(range(1, y.ndim - 1)))
        if data_format == "channels_first"
        else y
    )


def _spatial(x, who) -> int:
    if x.ndim not in (3, 4):
        raise ValueError(
            f"{who}: expected a batch of sequences (3-D) or images (4-D), channels "
            f"last; got shape {x.shape} (3-D convolutions are not implemented)"
        )
    return x.ndim - 2


def conv(
    inputs: TensorLike,
    kernel: TensorLike,
    strides: Shape = 1,
    padding: str | Pads = "valid",
    data_format: str | None = None,
    dilation_rate: Shape = 1,
) -> Tensor:
    """Convolution of sequences (N, L, C) or images (N, H, W, C) with a kernel (k…, C_in, C_out)."""
    x = _channels_last(_t(inputs), data_format)
    run = _conv.conv1d if _spatial(x, "conv") == 1 else _conv.conv2d
    return _channels_first(
        run(x, kernel, strides=strides, padding=padding, dilation=dilation_rate), data_format
    )


def depthwise_conv(
    inputs: TensorLike,
    kernel: TensorLike,
    strides: Shape = 1,
    padding: str | Pads = "valid",
    data_format: str | None = None,
    dilation_rate: Shape = 1,
) -> Tensor:
    """Each input channel convolved with its own filters; kernel (kh, kw, C_in, multiplier)."""
    x = _channels_last(_t(inputs), data_format)
    if _spatial(x, "depthwise_conv") == 1:
        y = _conv.depthwise_conv2d(
            _shape.unsqueeze(x, 1),
            _shape.unsqueeze(_t(kernel), 0),
            strides=(1, strides) if isinstance(strides, int) else (1, *strides),
            padding=padding,
            dilation=dilation_rate,
        )
        return _channels_first(_shape.squeeze(y, 1), data_format)
    return _channels_first(
        _conv.depthwise_conv2d(x, kernel, strides=strides, padding=padding, dilation=dilation_rate),
        data_format,
    )


def conv_transpose(
    inputs: TensorLike,
    kernel: TensorLike,
    strides: Shape = 1,
    padding: str | Pads = "valid",
    output_padding: Shape | None = None,
    data_format: str | None = None,
    dilation_rate: Shape = 1,
) -> Tensor:
    """Transposed convolution of images; kernel (kh, kw, C_out, C_in) as Keras'."""
    x = _channels_last(_t(inputs), data_format)
    if _spatial(x, "conv_transpose") != 2:
        raise ValueError(f"conv_transpose: only images (N, H, W, C) are implemented, got {x.shape}")
    return _channels_first(
        _conv.conv2d_transpose(
            x,
            kernel,
            strides=strides,
            padding=padding,
            output_padding=output_padding,
            dilation=dilation_rate,
        ),
        data_format,
    )


def max_pool(
    inputs: TensorLike,
    pool_size: Shape,
    strides: Shape | None = None,
    padding: str | Pads = "valid",
    data_format: str | None = None,
) -> Tensor:
    x = _channels_last(_t(inputs), data_format)
    run = pool.max_pool1d if _spatial(x, "max_pool") == 1 else pool.max_pool2d
    return _channels_first(run(x, pool_size, strides, padding), data_format)


def average_pool(
    inputs: TensorLike,
    pool_size: Shape,
    strides: Shape | None = None,
    padding: str | Pads = "valid",
    data_format: str | None = None,
) -> Tensor:
    x = _channels_last(_t(inputs), data_format)
    run = pool.avg_pool1d if _spatial(x, "average_pool") == 1 else pool.avg_pool2d
    return _channels_first(run(x, pool_size, strides, padding), data_format)


def dot_product_attention(
    query: TensorLike,
    key: TensorLike,
    value: TensorLike,
    bias: TensorLike | None = None,
    mask: TensorLike | None = None,
    scale: float | None = None,
    is_causal: bool = False,
    flash_attention: bool | None = None,
    attn_logits_soft_cap: float | None = None,
) -> Tensor:
    """softmax(scale · Q Kᵀ + bias) V with Keras' layout: (batch, steps, heads, size) in and out;
    ``mask`` (batch, heads, queries, keys) True where attention is allowed."""
    q, k, v = (_shape.swapaxes(_t(t), 1, 2) for t in (query, key, value))
    attn_mask = (
        bias
        if mask is None
        else (mask if bias is None else E.where(_t(mask), _t(bias), float("-inf")))
    )
    out = scaled_dot_product_attention(
        q, k, v, attn_mask=attn_mask, is_causal=is_causal, scale=scale
    )
    return _shape.swapaxes(out, 1, 2)


def top_k(x: TensorLike, k: int, sorted: bool = True) -> tuple[Tensor, Tensor]:  # noqa: A002 - Keras' name
    """The k largest entries along the last axis and their indices (values differentiable)."""
    x = _t(x)
    order = np.argsort(-x.numpy(), axis=-1, kind="stable")[..., :k]
    return take_along_axis(x, order, axis=-1), _plain(order.astype("int32"))


def in_top_k(targets: TensorLike, predictions: TensorLike, k: int) -> Tensor:
    """Whether each target class is among the k highest predictions of its row."""
    _, best = top_k(predictions, k)
    ids = np.asarray(targets.numpy() if isinstance(targets, Tensor) else targets)
    return _plain((best.numpy() == ids[:, None]).any(axis=-1))


# --- activations Keras has beyond profundo's own -----------------------------------------------
def log_sigmoid(x: TensorLike) -> Tensor:
    """log σ(x) = −softplus(−x)."""
    return E.neg(A.softplus(E.neg(_t(x))))


def hard_silu(x: TensorLike) -> Tensor:
    """x · hard_sigmoid(x)."""
    x = _t(x)
    return E.mul(x, A.hard_sigmoid(x))


hard_swish = hard_silu


def hard_tanh(x: TensorLike) -> Tensor:
    """x clipped to [−1, 1]."""
    return E.clip(_t(x), -1.0, 1.0)


def celu(x: TensorLike, alpha: float = 1.0) -> Tensor:
    """max(x, 0) + min(α(e^(x/α) − 1), 0)."""
    x = _t(x)
    return E.add(E.maximum(x, 0.0), E.minimum(E.mul(alpha, M.expm1(E.div(x, alpha))), 0.0))


def glu(x: TensorLike, axis: int = -1) -> Tensor:
    """a · σ(b), x split in halves a, b along ``axis``."""
    a, b = _shape.split(_t(x), 2, axis=axis)
    return E.mul(a, A.sigmoid(b))


def squareplus(x: TensorLike, b: float = 4) -> Tensor:
    """(x + √(x² + b)) / 2."""
    x = _t(x)
    return E.div(E.add(x, E.sqrt(E.add(E.mul(x, x), b))), 2.0)


def sparse_plus(x: TensorLike) -> Tensor:
    """0 for x ≤ −1, (x + 1)²/4 for |x| < 1, x for x ≥ 1."""
    x = _t(x)
    middle = E.div(E.mul(E.add(x, 1.0), E.add(x, 1.0)), 4.0)
    return E.where(E.le(x, -1.0), 0.0, E.where(E.ge(x, 1.0), x, middle))


def soft_shrink(x: TensorLike, threshold: float = 0.5) -> Tensor:
    x = _t(x)
    return E.where(
        E.gt(x, threshold),
        E.sub(x, threshold),
        E.where(E.lt(x, -threshold), E.add(x, threshold), 0.0),
    )


def hard_shrink(x: TensorLike, threshold: float = 0.5) -> Tensor:
    x = _t(x)
    return E.where(E.gt(E.abs(x), threshold), x, 0.0)


def tanh_shrink(x: TensorLike) -> Tensor:
    x = _t(x)
    return E.sub(x, A.tanh(x))


def threshold(x: TensorLike, threshold: float, default_value: float) -> Tensor:
    x = _t(x)
    return E.where(E.gt(x, threshold), x, float(default_value))


def mish(x: TensorLike) -> Tensor:
    """x · tanh(softplus(x))."""
    x = _t(x)
    return E.mul(x, A.tanh(A.softplus(x)))
