"""Layers that change the size of images without weights: UpSampling2D, ZeroPadding2D,
Cropping2D (channels-last, as Keras; the ops are in ``profundo.ops.pool``).

>>> layers.UpSampling2D(2)(np.zeros((1, 7, 7, 8), "float32")).shape        # decoders, U-Nets
(1, 14, 14, 8)
>>> layers.ZeroPadding2D(((1, 0), (1, 0)))(np.zeros((1, 7, 7, 8), "float32")).shape
(1, 8, 8, 8)
>>> layers.Cropping2D(2)(np.zeros((1, 7, 7, 8), "float32")).shape
(1, 3, 3, 8)
"""

from __future__ import annotations

from .. import ops
from ..autograd import Tensor
from ..autograd.types import Pads, Shape
from ..ops.windows import window_padding
from .conv import SpatialLayer, spatial_ints


def _frame(layer, value, what) -> tuple:
    """Keras' amounts — an int (all sides), (h, w) (top = bottom = h, left = right = w) or
    ((top, bottom), (left, right)) — as ((top, bottom), (left, right))."""
    error = layer.error(
        f"{what} must be an int, (h, w) or ((top, bottom), (left, right)) of "
        f"ints ≥ 0, got {value!r}"
    )
    if isinstance(value, str):
        raise error
    try:
        return window_padding(value, 2)
    except (ValueError, TypeError):
        raise error from None


class UpSampling2D(SpatialLayer):
    """Enlarge images by whole factors ``size`` (fh, fw): (batch, H, W, C) → (batch, H·fh, W·fw, C).

    "nearest" repeats each pixel into an fh×fw block; "bilinear" interpolates between neighbours
    (half-pixel centres, as TensorFlow and PyTorch's align_corners=False).
    """

    def __init__(self, size: Shape = 2, interpolation: str = "nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = spatial_ints(self, size, "size")
        if interpolation not in ("nearest", "bilinear"):
            raise self.error(
                f"interpolation must be 'nearest' or 'bilinear', got {interpolation!r}"
            )
        self.interpolation = interpolation

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        return ops.upsampling2d(x, self.size, self.interpolation)

    def compute_output_shape(self, input_shape):
        n, h, w, c = self.check_input(input_shape)
        return (n, *(None if a is None else a * f for a, f in zip((h, w), self.size)), c)

    def get_config(self):
        return {
            **super().get_config(),
            "size": list(self.size),
            "interpolation": self.interpolation,
        }


class ZeroPadding2D(SpatialLayer):
    """Frame images with zeros: (batch, H, W, C) → (batch, H + top + bottom, W + left + right, C).

    ``padding``: an int (all sides), (h, w) or ((top, bottom), (left, right)).
    """

    def __init__(self, padding: Pads = 1, **kwargs):
        super().__init__(**kwargs)
        self.padding = _frame(self, padding, "padding")

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        return ops.zero_padding2d(x, self.padding)

    def compute_output_shape(self, input_shape):
        n, h, w, c = self.check_input(input_shape)
        return (n, *(None if a is None else a + sum(p) for a, p in zip((h, w), self.padding)), c)

    def get_config(self):
        return {**super().get_config(), "padding": [list(p) for p in self.padding]}


class Cropping2D(SpatialLayer):
    """Cut a frame off images: (batch, H, W, C) → (batch, H − top − bottom, W − left − right, C).

    ``cropping``: an int (all sides), (h, w) or ((top, bottom), (left, right)).
    """

    def __init__(self, cropping: Pads = ((0, 0), (0, 0)), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _frame(self, cropping, "cropping")

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        self.compute_output_shape(x.shape)
        return ops.cropping2d(x, self.cropping)

    def compute_output_shape(self, input_shape):
        n, h, w, c = self.check_input(input_shape)
        out = tuple(None if a is None else a - sum(p) for a, p in zip((h, w), self.cropping))
        if any(a is not None and a < 1 for a in out):
            raise self.error(
                f"cropping {self.cropping} removes all of an input of shape {tuple(input_shape)}"
            )
        return (n, *out, c)

    def get_config(self):
        return {**super().get_config(), "cropping": [list(p) for p in self.cropping]}


__all__ = ["UpSampling2D", "ZeroPadding2D", "Cropping2D"]
