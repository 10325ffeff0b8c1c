"""Preprocessing layers: Rescaling, Normalization, Resizing, CenterCrop — and the image sampler
that the resizing, cropping and geometric augmentation layers share.

Put them at the input of a model, and the model takes raw data (pixels 0..255, unscaled
features) in training and in deployment alike::

    model = pf.Sequential([
        layers.Input((32, 32, 3)),
        layers.Rescaling(1 / 255),          # y = x · scale + offset
        layers.Conv2D(32, 3, activation="relu"), ...])

    norm = layers.Normalization()           # y = (x − mean) / √variance, per feature
    norm.adapt(x_train)                     # mean and variance from the data

Images are channels-last: a batch (N, H, W, C), or one image (H, W, C), as in Keras. Integer
inputs (uint8 pixels) become the layer's float dtype; float inputs keep theirs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy

from .. import backend as B
from ..autograd import Tensor
from ..autograd.types import TensorLike
from .base import Layer
from .input_spec import InputSpec

__all__ = ["Rescaling", "Normalization", "Resizing", "CenterCrop"]

FILL_MODES = ("reflect", "wrap", "nearest", "constant")
INTERPOLATIONS = ("bilinear", "nearest")


def as_float(x: Tensor, dtype) -> Tensor:
    """Integer or boolean inputs (e.g. uint8 pixels) in the float ``dtype``; floats as they are."""
    return x if x.dtype.kind == "f" else x.astype(dtype)


def choice(layer: str, arg: str, value, options):
    """``value`` if it is one of ``options``, else a ValueError naming the layer and the options."""
    if value not in options:
        raise ValueError(
            f"{layer}: {arg} must be one of {', '.join(map(repr, options))}, got {value!r}"
        )
    return value


def image_size(layer: str, height, width) -> tuple:
    """(height, width) of a layer's output images, checked to be positive ints."""
    if not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in (height, width)):
        raise ValueError(
            f"{layer}: height and width must be positive ints, got height={height!r}, "
            f"width={width!r}"
        )
    return height, width


# --- the image sampler ----------------------------------------------------------------------------
def resample(images, rows, cols, interpolation="bilinear", fill_mode="nearest", fill_value=0.0):
    """Read images at (fractional) source coordinates:
    y[n, i, j] = x[n, rows[n, i, j], cols[n, i, j]].

    ``images``: an (N, H, W, C) array; ``rows``, ``cols``: arrays that broadcast to (N, H', W')
    (e.g. (1, H', 1) and (1, 1, W') for a resize), giving the output of shape (N, H', W', C).
    Every output pixel of every image is computed at once, by gathering with index arrays.

    bilinear: with r₀ = ⌊r⌋, c₀ = ⌊c⌋, a = r − r₀, b = c − c₀,

        y = (1−a)(1−b)·x[r₀, c₀] + (1−a)b·x[r₀, c₀+1] + a(1−b)·x[r₀+1, c₀] + ab·x[r₀+1, c₀+1]

    nearest: y = x[⌊r + ½⌋, ⌊c + ½⌋]. Coordinates outside the image are handled by ``fill_mode``
    (see ``fold``); with "constant", every neighbour outside reads ``fill_value``.

    >>> resample(x, rows=[[[0.5]]], cols=[[[2.0]]])     # halfway between x[:, 0, 2] and x[:, 1, 2]
    ... # doctest: +SKIP
    """
    xp = B.xp
    _, h, w, _ = images.shape
    rows, cols = fold(xp.asarray(rows), h, fill_mode), fold(xp.asarray(cols), w, fill_mode)
    fill = fill_value if fill_mode == "constant" else None
    if interpolation == "nearest":
        return _pixels(images, xp.floor(rows + 0.5), xp.floor(cols + 0.5), fill)
    r0, c0 = xp.floor(rows), xp.floor(cols)
    a = (rows - r0)[..., None].astype(images.dtype)
    b = (cols - c0)[..., None].astype(images.dtype)
    top = _pixels(images, r0, c0, fill) * (1 - b) + _pixels(images, r0, c0 + 1, fill) * b
    bottom = _pixels(images, r0 + 1, c0, fill) * (1 - b) + _pixels(images, r0 + 1, c0 + 1, fill) * b
    return top * (1 - a) + bottom * a


def _pixels(images, rows, cols, fill):
    """images[n, rows, cols, :] at whole coordinates;
    ``fill`` where they fall outside (unless None).

    One ``take`` of rows from the (N·H·W, C) table of pixels, at the flat index (n·H + r)·W + c
    (4× faster than indexing with three arrays).
    """
    xp = B.xp
    n, h, w, c = images.shape
    r = xp.clip(rows, 0, h - 1).astype(xp.intp)
    k = xp.clip(cols, 0, w - 1).astype(xp.intp)
    flat = (xp.arange(n).reshape(-1, 1, 1) * h + r) * w + k
    pixels = xp.take(images.reshape(-1, c), flat, axis=0)
    if fill is None:
        return pixels
    outside = (rows < 0) | (rows > h - 1) | (cols < 0) | (cols > w - 1)
    return xp.where(outside[..., None], xp.asarray(fill, images.dtype), pixels)


def fold(coords, n, fill_mode):
    """Source coordinates along an axis of n pixels, brought inside [0, n − 1] as ``fill_mode``
    says (TensorFlow's and Keras' rules; the input abcd extended to both sides):

    - reflect  (d c b a | a b c d | d c b a): mirrored about the pixel edges −½ and n − ½
    - wrap     (a b c d | a b c d | a b c d): modulo n
    - nearest  (a a a a | a b c d | d d d d): clamped to the edge pixel
    - constant (k k k k | a b c d | k k k k): left outside; ``resample`` reads them as k

    >>> fold(numpy.array([-2., -1., 4., 5.]), 4, "reflect")
    array([1., 0., 3., 2.])
    """
    xp = B.xp
    if fill_mode == "constant":
        return coords
    if fill_mode == "reflect":
        coords = (coords + 0.5) % (2 * n)
        coords = xp.where(coords >= n, 2 * n - coords, coords) - 0.5
    elif fill_mode == "wrap":
        coords = coords % n
    return xp.clip(coords, 0, n - 1)


def aspect_window(h: int, w: int, height: int, width: int) -> tuple:
    """(top, left, rows, cols) of the largest centred window of an h×w image with the aspect
    ratio height : width (what Keras' ``crop_to_aspect_ratio`` keeps)."""
    rows = max(min(h, int(w * height / width)), 1)
    cols = max(min(w, int(h * width / height)), 1)
    return (h - rows) // 2, (w - cols) // 2, rows, cols


def resize(images, height, width, interpolation="bilinear", crop_to_aspect_ratio=False):
    """(N, H, W, C) images resized to (N, height, width, C), with half-pixel centres (TensorFlow's
    resize, PyTorch's align_corners=False): output row i reads input row (i + ½)·H/height − ½,
    clamped to the image; likewise for columns.

    ``crop_to_aspect_ratio``: first cut the largest centred window of the target aspect ratio,
    so that the image is not distorted.
    """
    xp = B.xp
    if crop_to_aspect_ratio:
        top, left, rows, cols = aspect_window(images.shape[1], images.shape[2], height, width)
        images = images[:, top : top + rows, left : left + cols]
    _, h, w, _ = images.shape
    rows = (xp.arange(height) + 0.5) * (h / height) - 0.5
    cols = (xp.arange(width) + 0.5) * (w / width) - 0.5
    return resample(
        images, rows.reshape(1, -1, 1), cols.reshape(1, 1, -1), interpolation, "nearest"
    )


# --- the layers -------------------------------------------------------------------------------
class ImageLayer(Layer):
    """Base of the image layers. Subclasses write ``transform(images, training)`` for a batch
    (N, H, W, C); one image (H, W, C) runs as a batch of one, as in Keras. Layers that resize or
    crop set ``size = (height, width)`` of their output."""

    size: tuple[int, ...] | None = None
    input_spec: InputSpec | list | None = InputSpec(
        min_ndim=3,
        max_ndim=4,
        name="images",
        layout="(batch, height, width, channels) or one image (height, width, channels)",
    )

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        x = as_float(x, self.dtype)
        if x.ndim == 3:
            return self.transform(x[None], training)[0]
        return self.transform(x, training)

    def transform(self, images: Tensor, training: bool | None) -> Tensor:
        raise NotImplementedError  # pragma: no cover - abstract

    def compute_output_shape(self, input_shape):
        self.check_input(input_shape)
        if self.size is None:
            return tuple(input_shape)
        return (*input_shape[:-3], *self.size, input_shape[-1])


def _numbers(layer: str, arg: str, value, max_ndim=None):
    """A number as a float, or an array of numbers as nested lists (JSON-friendly config)."""
    try:
        array = numpy.asarray(value, dtype=float)
    except (TypeError, ValueError):
        array = None
    if array is None or (max_ndim is not None and array.ndim > max_ndim):
        raise TypeError(
            f"{layer}: {arg} must be a number or a list of numbers"
            f"{' (one per channel)' if max_ndim == 1 else ''}, got {value!r}"
        )
    return float(array) if array.ndim == 0 else array.tolist()


class Rescaling(Layer):
    """y = x · scale + offset, in training and inference alike; differentiable.

    ``scale`` and ``offset``: numbers, or one per channel (last axis).

    >>> layers.Rescaling(1 / 255)(pixels)                  # 0..255 → [0, 1]  # doctest: +SKIP
    >>> layers.Rescaling(1 / 127.5, offset=-1)(pixels)     # 0..255 → [−1, 1]  # doctest: +SKIP
    """

    def __init__(self, scale: TensorLike, offset: TensorLike = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _numbers("Rescaling", "scale", scale, max_ndim=1)
        self.offset = _numbers("Rescaling", "offset", offset, max_ndim=1)

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        x = as_float(x, self.dtype)
        return x * B.xp.asarray(self.scale, x.dtype) + B.xp.asarray(self.offset, x.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


class Normalization(Layer):
    """Standardize each feature: y = (x − mean) / √variance (``invert``: y = x·√variance + mean).

    ``axis``: the axis (or axes) that keep a separate mean and variance for each index, default
    the last (the features, or the channels of NHWC images); ``None``: one mean and variance for
    all. Give ``mean`` and ``variance``, or leave both out and call ``adapt(data)``, which
    computes them over all the other axes; they are then non-trainable weights (``mean``,
    ``variance``, as Keras), saved and loaded with the model; before ``adapt`` they are 0 and 1.
    √variance is floored at 1e-7. Differentiable with respect to x.

    >>> norm = layers.Normalization()
    >>> norm.adapt(x_train)            # x_train (N, 28, 28, 3): one mean/variance per channel
    ... # doctest: +SKIP
    >>> norm(x_train).numpy().mean(axis=(0, 1, 2))     # ≈ 0 for each of the 3 channels
    ... # doctest: +SKIP
    """

    def __init__(
        self,
        axis: int | Sequence[int] | None = -1,
        mean: TensorLike | None = None,
        variance: TensorLike | None = None,
        invert: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if (mean is None) != (variance is None):
            raise ValueError(
                "Normalization: give both mean and variance, or neither (then call "
                f"adapt(data)); got mean={mean!r}, variance={variance!r}"
            )
        if not (
            axis is None
            or isinstance(axis, int)
            or (isinstance(axis, (list, tuple)) and all(isinstance(a, int) for a in axis))
        ):
            raise TypeError(
                f"Normalization: axis must be an int, a list of ints or None, got {axis!r}"
            )
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.input_mean = None if mean is None else _numbers("Normalization", "mean", mean)
        self.input_variance = (
            None if variance is None else _numbers("Normalization", "variance", variance)
        )
        self.invert = bool(invert)

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = [] if self.axis is None else [self.axis] if isinstance(self.axis, int) else self.axis
        if not all(-ndim <= a < ndim for a in axes):
            raise self.error(
                f"expected inputs that have axis {self.axis}, got shape {tuple(input_shape)}"
            )
        self.keep_axes = tuple(sorted(a % ndim for a in axes))
        self.reduce_axes = tuple(i for i in range(ndim) if i not in self.keep_axes)
        shape = tuple(input_shape[a] for a in self.keep_axes)
        if None in shape:
            raise self.error(
                f"expected known sizes on the axes {self.keep_axes} that keep their own "
                f"mean, got shape {tuple(input_shape)}"
            )
        self.input_spec = InputSpec(
            ndim=ndim, axes=dict(zip(self.keep_axes, shape)), units="features"
        )
        self.broadcast_shape = tuple(
            n if i in self.keep_axes else 1 for i, n in enumerate(input_shape)
        )
        if self.input_mean is None:
            self.mean = self.add_weight("mean", shape, "zeros", trainable=False)
            self.variance = self.add_weight("variance", shape, "ones", trainable=False)
        else:
            self.mean = self._constant("mean", self.input_mean, shape)
            self.variance = self._constant("variance", self.input_variance, shape)

    def _constant(self, what, value, shape) -> Tensor:
        try:
            return Tensor(B.xp.broadcast_to(B.xp.asarray(value, self.dtype), shape))
        except ValueError:
            raise self.error(
                f"expected a {what} that fits the feature shape {shape}, got {what} of shape "
                f"{numpy.shape(value)}"
            ) from None

    def adapt(self, data) -> None:
        """Set mean and variance from ``data``: an array (N, ...) or an iterable of such batches.

        Batches are combined exactly (Chan's parallel update of count, mean and the sum of
        squared deviations M₂), so the result equals NumPy's mean and var over all the data.
        """
        if self.input_mean is not None:
            raise ValueError(
                f"Normalization {self.name!r}: cannot adapt a layer created with a "
                "fixed mean and variance"
            )
        xp = B.xp
        count, mean, m2 = 0, xp.zeros(()), xp.zeros(())
        for batch in [data] if hasattr(data, "shape") else data:
            batch = xp.asarray(batch.data if isinstance(batch, Tensor) else batch, numpy.float64)
            self._ensure_built(batch.shape)
            self.check_input(batch.shape)
            n = batch.size // self.mean.size
            batch_mean = batch.mean(axis=self.reduce_axes, keepdims=True)
            batch_m2 = ((batch - batch_mean) ** 2).sum(axis=self.reduce_axes, keepdims=True)
            delta, total = batch_mean - mean, count + n
            mean = mean + delta * (n / total)
            m2 = m2 + batch_m2 + delta**2 * (count * n / total)
            count = total
        if count == 0:
            raise ValueError(f"Normalization {self.name!r}: adapt got no data")
        self.mean.data[...] = mean.reshape(self.mean.shape)
        self.variance.data[...] = (m2 / count).reshape(self.variance.shape)

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        x = as_float(x, self.dtype)
        mean = self.mean.data.reshape(self.broadcast_shape)
        std = B.xp.maximum(B.xp.sqrt(self.variance.data), 1e-7).reshape(self.broadcast_shape)
        return x * std + mean if self.invert else (x - mean) / std

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "mean": self.input_mean,
            "variance": self.input_variance,
            "invert": self.invert,
        }


class Resizing(ImageLayer):
    """Resize images to (height, width): bilinear or nearest, with half-pixel centres (as
    TensorFlow/Keras and PyTorch's align_corners=False; no antialiasing). With
    ``crop_to_aspect_ratio`` the largest centred window of the target aspect ratio is resized,
    so that images are not distorted. No gradient flows to the input (use it at the input).

    >>> layers.Resizing(64, 64)(np.zeros((8, 32, 48, 3))).shape
    (8, 64, 64, 3)
    """

    def __init__(
        self,
        height: int,
        width: int,
        interpolation: str = "bilinear",
        crop_to_aspect_ratio: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.size = image_size("Resizing", height, width)
        self.interpolation = choice("Resizing", "interpolation", interpolation, INTERPOLATIONS)
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)

    def transform(self, images, training):
        return Tensor._wrap(
            resize(images.data, *self.size, self.interpolation, self.crop_to_aspect_ratio)
        )

    def get_config(self):
        return {
            **super().get_config(),
            "height": self.size[0],
            "width": self.size[1],
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
        }


class CenterCrop(ImageLayer):
    """Cut the central height × width window of each image (in training and inference), as
    Keras: the window starts at ⌊(H − height)/2⌋, ⌊(W − width)/2⌋. Differentiable. An image
    smaller than the window is resized instead (``Resizing`` with crop_to_aspect_ratio).

    >>> layers.CenterCrop(24, 24)(np.zeros((8, 32, 32, 3))).shape
    (8, 24, 24, 3)
    """

    def __init__(self, height: int, width: int, **kwargs):
        super().__init__(**kwargs)
        self.size = image_size("CenterCrop", height, width)

    def transform(self, images, training):
        (height, width), (h, w) = self.size, images.shape[1:3]
        if h < height or w < width:
            return Tensor._wrap(resize(images.data, height, width, crop_to_aspect_ratio=True))
        top, left = (h - height) // 2, (w - width) // 2
        return images[:, top : top + height, left : left + width]

    def get_config(self):
        return {**super().get_config(), "height": self.size[0], "width": self.size[1]}
