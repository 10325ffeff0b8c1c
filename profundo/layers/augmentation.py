"""Data augmentation layers: random flips, rotations, translations, zooms, crops, contrast and
brightness changes, and Gaussian noise — a new random draw for every image of every batch.

They change the images only while training (``training=True``, or inside ``Model.fit``) and
are the identity in inference (``RandomCrop`` resizes instead, as Keras), so a model can keep
them as its first layers::

    model = pf.Sequential([
        layers.Input((32, 32, 3)),
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.05),         # ±5 % of a full turn, i.e. ±18°
        layers.RandomZoom(0.1),
        layers.Rescaling(1 / 255), ...])

Each layer transforms only the images: the batch keeps its order, so the labels still match.
Draws come from profundo's generator (``pf.manual_seed(n)`` makes them reproducible), or, with
``seed=``, from the layer's own generator: the same seed gives the same sequence of draws.

Gradients flow through the flips, contrast, brightness, noise and crops (they are built from
differentiable ops); the rotations, translations and zooms resample the pixels without a
gradient with respect to their input, as they belong at the input of a model.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy

from .. import backend as B
from .. import ops
from ..autograd import Tensor
from .preprocessing import (
    FILL_MODES,
    INTERPOLATIONS,
    ImageLayer,
    choice,
    image_size,
    resample,
    resize,
)

__all__ = [
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "RandomContrast",
    "RandomBrightness",
    "GaussianNoise",
    "RandomCrop",
]


def bounds(layer: str, arg: str, value, low=-1.0, high=1.0, symmetric=True) -> tuple:
    """(lower, upper) from a number f — meaning (−f, f), or (f, f) when not ``symmetric`` — or
    from a pair; both must lie in [low, high], and lower ≤ upper when ``symmetric``."""
    try:
        pair = (
            ((-value, value) if symmetric else (value, value)) if numpy.ndim(value) == 0 else value
        )
        lower, upper = (float(v) for v in pair)
    except (TypeError, ValueError):
        lower = upper = math.nan
    if not (low <= lower <= high and low <= upper <= high) or (symmetric and lower > upper):
        order = ", lower ≤ upper" if symmetric else ""
        raise ValueError(
            f"{layer}: {arg} must be a number or a (lower, upper) pair of numbers in "
            f"[{low}, {high}]{order}; got {value!r}"
        )
    return lower, upper


def value_range_pair(layer: str, value_range) -> tuple:
    """The (low, high) range of pixel values, checked: two numbers, low < high."""
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        low = high = math.nan
    if not low < high:
        raise ValueError(
            f"{layer}: value_range must be two numbers (low, high) with low < high, "
            f"e.g. (0, 255) or (0, 1); got {value_range!r}"
        )
    return low, high


class RandomLayer(ImageLayer):
    """Base of the augmentation layers: seeding, training-only behaviour, per-image draws.

    While training, ``augment(images)`` transforms the batch (N, H, W, C); in inference
    ``inference(images)`` runs, the identity unless a layer says otherwise. ``draw`` gives one
    uniform number per image from ``rng``: the layer's own generator when it has a ``seed``,
    else profundo's (``B.rng()``, seeded by ``pf.manual_seed``).
    """

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if seed is not None and (not isinstance(seed, int) or seed < 0):
            raise ValueError(
                f"{type(self).__name__}: seed must be None or an int ≥ 0, got {seed!r}"
            )
        self.seed = seed
        self._generator = None

    @property
    def rng(self):
        """The generator the draws come from."""
        if self.seed is None:
            return B.rng()
        if self._generator is None:
            self._generator = B.xp.random.default_rng(self.seed)
        return self._generator

    def draw(self, lower_upper, n: int):
        """n numbers, one per image, uniform in [lower, upper) (exactly lower when equal)."""
        lower, upper = lower_upper
        return self.rng.uniform(lower, upper, size=n)

    def transform(self, images, training):
        return self.augment(images) if training else self.inference(images)

    def augment(self, images: Tensor) -> Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def inference(self, images: Tensor) -> Tensor:
        return images

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def warp(images, linear, shift, interpolation="bilinear", fill_mode="reflect", fill_value=0.0):
    """Affine warp of each image about its centre c = ((H − 1)/2, (W − 1)/2): the output pixel
    p = (row, col) of image n reads the input at

        A_n (p − c) + c + t_n        (A_n = linear[n], 2×2;  t_n = shift[n], 2 numbers)

    through ``resample``. All images at once: the source coordinates of all pixels of all images
    are one product of the (N, 2, 2) matrices with the (2, H, W) grid.
    """
    xp = B.xp
    _, h, w, _ = images.shape
    centre = xp.asarray([(h - 1) / 2, (w - 1) / 2])
    grid = xp.stack(xp.meshgrid(xp.arange(h), xp.arange(w), indexing="ij")) - centre[:, None, None]
    source = xp.einsum("nij,jhw->nihw", linear, grid) + (centre + shift)[:, :, None, None]
    return resample(images, source[:, 0], source[:, 1], interpolation, fill_mode, fill_value)


class AffineAugmentation(RandomLayer):
    """Base of RandomRotation, RandomTranslation and RandomZoom: each image is warped by its own
    random affine map (``warp``), drawn by the subclass's ``affine(n, h, w) → (A, t)``.

    ``fill_mode`` ("reflect", "wrap", "nearest", "constant" with ``fill_value``) says what the
    pixels that come from outside the image show; ``interpolation`` is "bilinear" or "nearest".
    No gradient flows to the input.
    """

    def __init__(
        self,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        layer = type(self).__name__
        self.fill_mode = choice(layer, "fill_mode", fill_mode, FILL_MODES)
        self.interpolation = choice(layer, "interpolation", interpolation, INTERPOLATIONS)
        if not isinstance(fill_value, Real):
            raise ValueError(f"{layer}: fill_value must be a number, got {fill_value!r}")
        self.fill_value = float(fill_value)

    def augment(self, images):
        n, h, w, _ = images.shape
        linear, shift = self.affine(n, h, w)
        return Tensor._wrap(
            warp(images.data, linear, shift, self.interpolation, self.fill_mode, self.fill_value)
        )

    def affine(self, n: int, h: int, w: int) -> tuple:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self):
        return {
            **super().get_config(),
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
        }


class RandomFlip(RandomLayer):
    """Flip each image left–right ("horizontal"), upside down ("vertical") or both
    ("horizontal_and_vertical"), each with probability ½, independently per image and direction:

        y[n] = x[n, :, ::−1]  (horizontal)      y[n] = x[n, ::−1]  (vertical)

    Differentiable (a flip only moves pixels, and the gradient moves back).

    >>> layers.RandomFlip("horizontal")(images, training=True)  # doctest: +SKIP
    """

    def __init__(self, mode: str = "horizontal_and_vertical", seed: int | None = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.mode = choice(
            "RandomFlip", "mode", mode, ("horizontal", "vertical", "horizontal_and_vertical")
        )

    def augment(self, images):
        n = images.shape[0]
        for axis, direction in ((2, "horizontal"), (1, "vertical")):
            if direction in self.mode:
                flip = (self.draw((0, 1), n) < 0.5).reshape(n, 1, 1, 1)
                flipped = images[(slice(None),) * axis + (slice(None, None, -1),)]
                images = ops.where(flip, flipped, images)
        return images

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


class RandomRotation(AffineAugmentation):
    """Rotate each image about its centre by a random angle θ = 2π·u, u uniform in ``factor``
    (a fraction of a full turn: a number f means [−f, f], or a pair (lower, upper)); positive θ
    turns counter-clockwise, as Keras. Output pixel p reads the input at R(θ)(p − c) + c with,
    in (row, col) coordinates, R = [[cos θ, sin θ], [−sin θ, cos θ]].

    >>> layers.RandomRotation((0.25, 0.25))(images, training=True)    # np.rot90 of each image
    ... # doctest: +SKIP
    """

    def __init__(
        self,
        factor: float | tuple[float, float],
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        **kwargs,
    ):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.factor = bounds("RandomRotation", "factor", factor, -math.inf, math.inf)

    def affine(self, n, h, w):
        xp = B.xp
        angle = 2 * math.pi * self.draw(self.factor, n)
        cos, sin = xp.cos(angle), xp.sin(angle)
        linear = xp.stack([xp.stack([cos, sin], -1), xp.stack([-sin, cos], -1)], 1)
        return linear, xp.zeros((n, 2))

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor)}


class RandomTranslation(AffineAugmentation):
    """Shift each image by a random fraction of its size: down by u·H (u uniform in
    ``height_factor``; negative: up) and right by v·W (``width_factor``; negative: left). A number
    f means [−f, f]; a pair (lower, upper) within [−1, 1]. Output pixel p reads the input at
    p − (u·H, v·W).

    >>> layers.RandomTranslation(0.1, 0.1)(images, training=True)     # up to ±10 % each way
    ... # doctest: +SKIP
    """

    def __init__(
        self,
        height_factor: float | tuple[float, float],
        width_factor: float | tuple[float, float],
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        **kwargs,
    ):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor = bounds("RandomTranslation", "height_factor", height_factor)
        self.width_factor = bounds("RandomTranslation", "width_factor", width_factor)

    def affine(self, n, h, w):
        xp = B.xp
        down, right = self.draw(self.height_factor, n) * h, self.draw(self.width_factor, n) * w
        return xp.broadcast_to(xp.eye(2), (n, 2, 2)), -xp.stack([down, right], -1)

    def get_config(self):
        return {
            **super().get_config(),
            "height_factor": list(self.height_factor),
            "width_factor": list(self.width_factor),
        }


class RandomZoom(AffineAugmentation):
    """Zoom each image about its centre: output pixel p reads the input at
    c + diag(1 + u, 1 + v)(p − c), u uniform in ``height_factor``, v in ``width_factor`` (or
    v = u to keep the aspect ratio when it is None). Keras' sign convention: a positive factor
    zooms out (the image shrinks, the border is filled), a negative one zooms in. A number f
    means [−f, f]; a pair (lower, upper), each ≥ −1.

    >>> layers.RandomZoom((-0.3, -0.1))(images, training=True)    # zoom in by 10–30 %
    ... # doctest: +SKIP
    """

    def __init__(
        self,
        height_factor: float | tuple[float, float],
        width_factor: float | tuple[float, float] | None = None,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        **kwargs,
    ):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor = bounds("RandomZoom", "height_factor", height_factor, -1, math.inf)
        self.width_factor = (
            None
            if width_factor is None
            else bounds("RandomZoom", "width_factor", width_factor, -1, math.inf)
        )

    def affine(self, n, h, w):
        xp = B.xp
        zoom_rows = 1 + self.draw(self.height_factor, n)
        zoom_cols = zoom_rows if self.width_factor is None else 1 + self.draw(self.width_factor, n)
        linear = xp.zeros((n, 2, 2))
        linear[:, 0, 0], linear[:, 1, 1] = zoom_rows, zoom_cols
        return linear, xp.zeros((n, 2))

    def get_config(self):
        width = None if self.width_factor is None else list(self.width_factor)
        return {
            **super().get_config(),
            "height_factor": list(self.height_factor),
            "width_factor": width,
        }


class RandomContrast(RandomLayer):
    """Change the contrast of each image by a random factor k, uniform in [1 − lower, 1 + upper]
    (``factor``: a number f means lower = upper = f; lower in [0, 1]):

        y = clip((x − m)·k + m, value_range),   m the mean of each channel of each image

    Differentiable (through m too).

    >>> layers.RandomContrast(0.2)(images, training=True)     # k in [0.8, 1.2]  # doctest: +SKIP
    """

    def __init__(
        self,
        factor: float | tuple[float, float],
        value_range: tuple[float, float] = (0, 255),
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        self.factor = bounds("RandomContrast", "factor", factor, 0, math.inf, symmetric=False)
        if self.factor[0] > 1:
            raise ValueError(
                f"RandomContrast: the lower factor must be in [0, 1] (the contrast "
                f"1 − lower stays ≥ 0), got {factor!r}"
            )
        self.value_range = value_range_pair("RandomContrast", value_range)

    def augment(self, images):
        n = images.shape[0]
        k = self.draw((1 - self.factor[0], 1 + self.factor[1]), n).reshape(n, 1, 1, 1)
        mean = images.mean(axis=(1, 2), keepdims=True)
        return ((images - mean) * k.astype(images.dtype) + mean).clip(*self.value_range)

    def get_config(self):
        return {
            **super().get_config(),
            "factor": list(self.factor),
            "value_range": list(self.value_range),
        }


class RandomBrightness(RandomLayer):
    """Brighten or darken each image by a random amount δ, one per image (all pixels and
    channels), a fraction u of the value range:

        y = clip(x + δ, value_range),   δ = u·(high − low),  u uniform in ``factor``

    ``factor``: a number f means [−f, f]; a pair (lower, upper) within [−1, 1]. Differentiable.

    >>> layers.RandomBrightness(0.2, value_range=(0, 1))(images, training=True)  # doctest: +SKIP
    """

    def __init__(
        self,
        factor: float | tuple[float, float],
        value_range: tuple[float, float] = (0, 255),
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        self.factor = bounds("RandomBrightness", "factor", factor)
        self.value_range = value_range_pair("RandomBrightness", value_range)

    def augment(self, images):
        n, (low, high) = images.shape[0], self.value_range
        delta = self.draw(self.factor, n).reshape(n, 1, 1, 1) * (high - low)
        return (images + delta.astype(images.dtype)).clip(low, high)

    def get_config(self):
        return {
            **super().get_config(),
            "factor": list(self.factor),
            "value_range": list(self.value_range),
        }


class GaussianNoise(RandomLayer):
    """Add zero-mean Gaussian noise while training: y = x + ε, ε ~ N(0, stddev²) for every
    element. Works on inputs of any shape (not only images). Differentiable: ∂y/∂x = 1.

    >>> layers.GaussianNoise(0.1)(x, training=True)  # doctest: +SKIP
    """

    input_spec = None  # any shape

    def __init__(self, stddev: float, seed: int | None = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if not isinstance(stddev, Real) or not stddev >= 0:
            raise ValueError(f"GaussianNoise: stddev must be a number ≥ 0, got {stddev!r}")
        self.stddev = float(stddev)

    def augment(self, x):
        noise = self.rng.standard_normal(x.shape) * self.stddev
        return x + noise.astype(x.dtype)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev}


class RandomCrop(RandomLayer):
    """While training, cut a random height × width window out of each image (each image its
    own window; Keras uses one window for the whole batch). In inference — and in training when
    an image is smaller than the window — resize instead, as Keras: the largest centred window
    of the target aspect ratio, resized to height × width (``Resizing`` with
    crop_to_aspect_ratio), which is the identity for images of the target size.

    The random crops are differentiable (pixels only move); the resize is not.

    >>> model = pf.Sequential([layers.Input((32, 32, 3)), layers.ZeroPadding2D(4),
    ...                        layers.RandomCrop(32, 32), ...])
    ... # doctest: +SKIP
    """

    def __init__(self, height: int, width: int, seed: int | None = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.size = image_size("RandomCrop", height, width)

    def augment(self, images):
        xp = B.xp
        (n, h, w, _), (height, width) = images.shape, self.size
        if h < height or w < width:
            return self.inference(images)
        top = self.rng.integers(0, h - height + 1, size=n)
        left = self.rng.integers(0, w - width + 1, size=n)
        rows = top[:, None, None] + xp.arange(height)[:, None]  # (N, height, 1)
        cols = left[:, None, None] + xp.arange(width)  # (N, 1, width)
        return images[xp.arange(n)[:, None, None], rows, cols]

    def inference(self, images):
        return Tensor._wrap(resize(images.data, *self.size, crop_to_aspect_ratio=True))

    def get_config(self):
        return {**super().get_config(), "height": self.size[0], "width": self.size[1]}
