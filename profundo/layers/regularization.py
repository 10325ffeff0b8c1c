"""Spatial dropout: SpatialDropout1D and SpatialDropout2D drop whole channels.

Neighbouring pixels of a feature map are strongly correlated, so plain dropout on a conv layer's
output barely regularizes: a dropped pixel's neighbours carry the same information. Spatial
dropout drops entire feature maps instead (Tompson et al., 2015):

    y[n, ..., c] = x[n, ..., c] · m[n, c] / (1 − rate),    m[n, c] ~ Bernoulli(1 − rate)

one mask value per sample and channel, shared by all its steps/pixels; in inference y = x.

>>> pf.manual_seed(0)
>>> y = layers.SpatialDropout2D(0.5)(np.ones((2, 4, 4, 3), "float32"), training=True).numpy()
>>> y[:, 0, 0]                  # per sample and channel: kept (2 = 1/(1 − 0.5)) or dropped (0)
array([[2., 2., 2.],
       [0., 0., 0.]], dtype=float32)
>>> bool((y == y[:, :1, :1]).all())            # ... for every pixel of that channel alike
True
"""

from __future__ import annotations

from .. import backend as B
from ..autograd import Tensor
from .conv import SpatialLayer


class _SpatialDropout(SpatialLayer):
    """Base of the spatial dropouts: the mask has shape (batch, 1, ..., 1, channels)."""

    def __init__(self, rate: float, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise self.error(
                f"rate is the fraction of channels to drop and must be in [0, 1), got {rate}"
            )
        self.rate = float(rate)

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        if not training or self.rate == 0:
            return x
        mask_shape = (x.shape[0],) + (1,) * self.rank + (x.shape[-1],)
        keep = B.rng().random(mask_shape, dtype=x.dtype) >= self.rate
        return x * (keep.astype(x.dtype) / (1 - self.rate))

    def compute_output_shape(self, input_shape):
        return self.check_input(input_shape)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}


class SpatialDropout1D(_SpatialDropout):
    """Drop whole channels of sequences (batch, steps, channels) while training."""

    rank = 1


class SpatialDropout2D(_SpatialDropout):
    """Drop whole channels (feature maps) of images (batch, height, width, channels) while
    training."""

    rank = 2


__all__ = ["SpatialDropout1D", "SpatialDropout2D"]
