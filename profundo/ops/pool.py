"""Pooling and resizing of channels-last images (NHWC, as Keras): max/avg pooling (1-D, 2-D,
global), upsampling, zero padding and cropping.

Pooling slides a window over each channel and keeps its largest value (max) or its mean (avg):

    y[n, p, q, c] = max_{i, j} x̃[n, p·s_h + i, q·s_w + j, c]

The windows are the ones convolutions use (``windows.Windows``): "valid" or "same" padding with
Keras' sizes, strides defaulting to the pool size, overlapping windows when strides are smaller.
Both forward and backward loop over the kh·kw window offsets only, each step one array op over
all windows at once.

>>> x = pf.randn(8, 28, 28, 32, requires_grad=True)
>>> pf.max_pool2d(x, 2).shape
(8, 14, 14, 32)
"""

from __future__ import annotations

from .. import backend as B
from ..autograd import Function, Tensor
from ..autograd.tensor import is_grad_needed
from ..autograd.types import Pads, Shape, TensorLike
from .reduce import max as reduce_max
from .reduce import mean as reduce_mean
from .windows import LAYOUTS, Windows, as_image, crop_image, pad_image, window_ints, window_padding

__all__ = [
    "max_pool1d",
    "max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "global_max_pool1d",
    "global_max_pool2d",
    "global_avg_pool1d",
    "global_avg_pool2d",
    "upsampling2d",
    "zero_padding2d",
    "cropping2d",
]


class MaxPool(Function):
    """y = max of each window (padding counts as −∞);  ∂L/∂x: each window's ∂L/∂y goes to its
    largest element, on ties to the first in row-major window order (as PyTorch); overlapping
    windows add up.

    The forward keeps, per window, which offset k = i·kw + j won; the backward adds
    ∂L/∂y · [winner = k] to the pixels offset k read, one strided add per offset.
    """

    def forward(self, x, rank=2, pool_size=(2, 2), strides=(2, 2), padding="valid", track=True):
        self.x_shape = x.shape
        x = as_image(x, rank)
        self.win = Windows(x.shape[1:3], pool_size, strides, (1, 1), padding)
        image = self.win.pad(x, -B.xp.inf)
        (_, first), *rest = self.win.offsets()
        y = image[first].copy()
        if not track:  # inference: no backward will come, so only the maximum
            for _, index in rest:
                B.xp.maximum(y, image[index], out=y)
            return y[:, 0] if rank == 1 else y
        self.winner = B.xp.zeros(y.shape, B.xp.min_scalar_type(len(rest)))
        for k, index in rest:  # k grows, so the last offset that was better wins: a maximum
            better = image[index] > y  # strictly: an earlier equal value keeps the win
            B.xp.maximum(y, image[index], out=y)
            B.xp.maximum(self.winner, better * self.winner.dtype.type(k), out=self.winner)
        self.padded_shape = image.shape
        return y[:, 0] if rank == 1 else y

    def backward(self, grad):
        grad = grad.reshape(self.winner.shape)
        if self.win.strides != self.win.kernel:  # overlapping windows: their shares add up
            image = self.win.scatter(
                lambda k: grad * (self.winner == k), self.padded_shape, grad.dtype
            )
        else:  # each pixel is in one window at most: its share is written in place
            image = B.xp.zeros(self.padded_shape, grad.dtype)
            for k, index in self.win.offsets():
                B.xp.multiply(grad, self.winner == k, out=image[index])
        return self.win.crop(image).reshape(self.x_shape)


class AvgPool(Function):
    """y = mean of each window over the input pixels it covers: padding is not counted, so a
    "same" window at the border averages fewer elements (Keras/TensorFlow; PyTorch's
    count_include_pad=False);  ∂L/∂x: each pixel gets ∂L/∂y / count from every window holding it.
    """

    def forward(self, x, rank=2, pool_size=(2, 2), strides=(2, 2), padding="valid"):
        self.x_shape = x.shape
        x = as_image(x, rank)
        self.win = Windows(x.shape[1:3], pool_size, strides, (1, 1), padding)
        inside = B.xp.ones((1, *x.shape[1:3], 1), x.dtype)  # 1 on pixels, 0 on padding
        self.count = _window_sum(self.win, self.win.pad(inside))  # (1, H', W', 1)
        image = self.win.pad(x)
        self.padded_shape = image.shape
        y = _window_sum(self.win, image) / self.count
        return y[:, 0] if rank == 1 else y

    def backward(self, grad):
        share = grad.reshape(grad.shape[0], *self.win.out, grad.shape[-1]) / self.count
        image = self.win.scatter(lambda k: share, self.padded_shape, grad.dtype)
        return self.win.crop(image).reshape(self.x_shape)


def _window_sum(win, image):
    """Σ over the window offsets of the pixels each window covers: (N, H', W', C)."""
    (_, first), *rest = win.offsets()
    total = image[first].copy()
    for _, index in rest:
        total += image[index]
    return total


class Resize(Function):
    """Upsampling by whole factors is linear: per image and channel y = R · x · Cᵀ, with R
    (H', H) and C (W', W) the interpolation matrices (row i mixes the pixels output i reads);
    ∂L/∂x = Rᵀ · ∂L/∂y · C.
    """

    def forward(self, x, size=(2, 2), interpolation="nearest"):
        _, h, w, _ = as_image(x, 2).shape
        self.rows = _interpolation(h, size[0], interpolation, x.dtype)
        self.cols = _interpolation(w, size[1], interpolation, x.dtype)
        return _resize(x, self.rows, self.cols)

    def backward(self, grad):
        return _resize(grad, self.rows.T, self.cols.T)


def _resize(x, rows, cols):
    """y[n] = rows · x[n] · colsᵀ for each channel, as two batched matrix products."""
    n, h, w, c = x.shape
    y = rows @ x.reshape(n, h, w * c)  # (N, H', W·C)
    y = cols @ y.reshape(-1, w, c)  # (N·H', W', C)
    return y.reshape(n, rows.shape[0], cols.shape[0], c)


def _interpolation(n, factor, method, dtype):
    """The (n·factor, n) matrix of upsampling one axis by ``factor``.

    nearest: output i copies input ⌊i/factor⌋. bilinear: output i sits at input coordinate
    (i + ½)/factor − ½ (half-pixel centres, as TensorFlow and PyTorch's align_corners=False),
    clamped to [0, n − 1], and mixes its two neighbours linearly.
    """
    xp = B.xp
    out = xp.arange(n * factor)
    matrix = xp.zeros((n * factor, n), dtype)
    if method == "nearest":
        matrix[out, out // factor] = 1
        return matrix
    at = xp.clip((out + 0.5) / factor - 0.5, 0, n - 1)
    lo = xp.floor(at).astype(int)
    matrix[out, lo] = 1 - (at - lo)
    matrix[out, xp.minimum(lo + 1, n - 1)] += at - lo
    return matrix


class ZeroPad(Function):
    """y = x framed by zeros ((top, bottom), (left, right));  ∂L/∂x = ∂L/∂y without the frame"""

    def forward(self, x, pads=((1, 1), (1, 1))):
        self.pads = pads
        return pad_image(as_image(x, 2), pads)

    def backward(self, grad):
        return crop_image(grad, self.pads)


class Crop(Function):
    """y = x without a frame ((top, bottom), (left, right));  ∂L/∂x = ∂L/∂y framed by zeros"""

    def forward(self, x, crops=((0, 0), (0, 0))):
        (t, b), (l, r) = crops
        _, h, w, _ = as_image(x, 2).shape
        if t + b >= h or l + r >= w:
            raise ValueError(f"cropping {crops} removes all of the {h}×{w} image")
        self.crops = crops
        return crop_image(x, crops)

    def backward(self, grad):
        return pad_image(grad, self.crops)


# --- the public functions ------------------------------------------------------------------------
def _pool_settings(rank, pool_size, strides, padding):
    pool_size = window_ints(pool_size, rank, "pool_size")
    strides = pool_size if strides is None else window_ints(strides, rank, "strides")
    return dict(
        rank=rank, pool_size=pool_size, strides=strides, padding=window_padding(padding, rank)
    )


def max_pool2d(
    x: TensorLike, pool_size: Shape = 2, strides: Shape | None = None, padding: str | Pads = "valid"
) -> Tensor:
    """Largest value of each pool_size window, per channel (Keras' MaxPooling2D).

    x: (N, H, W, C) → (N, H', W', C), H' = ⌈(H − k + 1)/s⌉ ("valid") or ⌈H/s⌉ ("same").
    ``pool_size``, ``strides`` (default: pool_size): an int or (h, w). The gradient goes to the
    first largest element of each window (row-major order) on ties, as in PyTorch.

    >>> pf.max_pool2d(pf.randn(2, 5, 5, 3), 2, padding="same").shape
    (2, 3, 3, 3)
    """
    return MaxPool.apply(
        x, track=is_grad_needed(x), **_pool_settings(2, pool_size, strides, padding)
    )


def max_pool1d(
    x: TensorLike, pool_size: Shape = 2, strides: Shape | None = None, padding: str | Pads = "valid"
) -> Tensor:
    """Largest value of each window of a sequence (Keras' MaxPooling1D): (N, L, C) → (N, L', C).

    >>> pf.max_pool1d(pf.randn(2, 9, 3), 3).shape
    (2, 3, 3)
    """
    return MaxPool.apply(
        x, track=is_grad_needed(x), **_pool_settings(1, pool_size, strides, padding)
    )


def avg_pool2d(
    x: TensorLike, pool_size: Shape = 2, strides: Shape | None = None, padding: str | Pads = "valid"
) -> Tensor:
    """Mean of each pool_size window, per channel (Keras' AveragePooling2D).

    x: (N, H, W, C) → (N, H', W', C), sizes as ``max_pool2d``. With "same" padding a border
    window averages only the input pixels it covers, never the padding (Keras/TensorFlow).

    >>> pf.avg_pool2d(pf.ones(1, 3, 3, 1), 2, padding="same").numpy()[0, :, :, 0]  # no 0.25s
    array([[1., 1.],
           [1., 1.]], dtype=float32)
    """
    return AvgPool.apply(x, **_pool_settings(2, pool_size, strides, padding))


def avg_pool1d(
    x: TensorLike, pool_size: Shape = 2, strides: Shape | None = None, padding: str | Pads = "valid"
) -> Tensor:
    """Mean of each window of a sequence (Keras' AveragePooling1D): (N, L, C) → (N, L', C).

    >>> pf.avg_pool1d(pf.randn(2, 9, 3), 3, strides=1).shape
    (2, 7, 3)
    """
    return AvgPool.apply(x, **_pool_settings(1, pool_size, strides, padding))


def _spatial_axes(x, rank, op):
    """The axes between batch and channels of an (N, L, C) or (N, H, W, C) x, checked."""
    ndim = len(x.shape) if hasattr(x, "shape") else B.xp.asarray(x).ndim
    if ndim != rank + 2:
        raise ValueError(
            f"{op}: expected the input of shape {LAYOUTS[rank]}, got {ndim} dimensions"
        )
    return tuple(range(1, rank + 1))


def global_max_pool2d(x: TensorLike, keepdims: bool = False) -> Tensor:
    """Largest value of each channel over the image: (N, H, W, C) → (N, C), or (N, 1, 1, C) with
    ``keepdims`` (Keras' GlobalMaxPooling2D). Ties share the gradient evenly, as ``pf.max``.
    """
    return reduce_max(x, axis=_spatial_axes(x, 2, "global_max_pool2d"), keepdims=keepdims)


def global_max_pool1d(x: TensorLike, keepdims: bool = False) -> Tensor:
    """Largest value of each channel over the sequence: (N, L, C) → (N, C) (or (N, 1, C))."""
    return reduce_max(x, axis=_spatial_axes(x, 1, "global_max_pool1d"), keepdims=keepdims)


def global_avg_pool2d(x: TensorLike, keepdims: bool = False) -> Tensor:
    """Mean of each channel over the image: (N, H, W, C) → (N, C), or (N, 1, 1, C) with
    ``keepdims`` (Keras' GlobalAveragePooling2D)."""
    return reduce_mean(x, axis=_spatial_axes(x, 2, "global_avg_pool2d"), keepdims=keepdims)


def global_avg_pool1d(x: TensorLike, keepdims: bool = False) -> Tensor:
    """Mean of each channel over the sequence: (N, L, C) → (N, C) (or (N, 1, C))."""
    return reduce_mean(x, axis=_spatial_axes(x, 1, "global_avg_pool1d"), keepdims=keepdims)


def upsampling2d(x: TensorLike, size: Shape = 2, interpolation: str = "nearest") -> Tensor:
    """Enlarge images by whole factors (Keras' UpSampling2D): (N, H, W, C) → (N, H·fh, W·fw, C).

    ``size``: an int or (fh, fw). "nearest" repeats each pixel into an fh×fw block; "bilinear"
    interpolates with half-pixel centres (TensorFlow's resize, PyTorch's align_corners=False).

    >>> pf.upsampling2d(pf.randn(2, 4, 4, 3), (2, 3), "bilinear").shape
    (2, 8, 12, 3)
    """
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(
            f"upsampling2d: interpolation must be 'nearest' or 'bilinear', got {interpolation!r}"
        )
    return Resize.apply(x, size=window_ints(size, 2, "size"), interpolation=interpolation)


def _frame(amounts, op):
    """Keras' padding/cropping amounts (int, (h, w) or ((top, bottom), (left, right))) as pairs."""
    if isinstance(amounts, str):
        raise ValueError(
            f"{op}: expected an int, (h, w) or ((top, bottom), (left, right)), got {amounts!r}"
        )
    return window_padding(amounts, 2)


def zero_padding2d(x: TensorLike, padding: Pads = 1) -> Tensor:
    """Frame images with zeros (Keras' ZeroPadding2D): (N, H, W, C) → (N, H + t + b, W + l + r, C).

    ``padding``: an int (all sides), (h, w) (top = bottom = h, left = right = w) or
    ((top, bottom), (left, right)).

    >>> pf.zero_padding2d(pf.randn(2, 4, 4, 3), ((1, 0), (2, 2))).shape
    (2, 5, 8, 3)
    """
    return ZeroPad.apply(x, pads=_frame(padding, "zero_padding2d"))


def cropping2d(x: TensorLike, cropping: Pads = ((0, 0), (0, 0))) -> Tensor:
    """Cut a frame off images (Keras' Cropping2D): (N, H, W, C) → (N, H − t − b, W − l − r, C).

    ``cropping``: an int, (h, w) or ((top, bottom), (left, right)), as ``zero_padding2d``.

    >>> pf.cropping2d(pf.randn(2, 8, 8, 3), ((1, 2), 0)).shape
    (2, 5, 8, 3)
    """
    return Crop.apply(x, crops=_frame(cropping, "cropping2d"))
