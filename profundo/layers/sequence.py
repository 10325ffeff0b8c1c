"""Layers that shape sequences: TimeDistributed, RepeatVector, Masking.

They build the course's sequence configurations around the recurrent layers. An encoder-decoder
(many-to-many with different lengths) reads the input into one vector, repeats it once per
output step, and decodes it with a second recurrent layer::

    model = pf.Sequential([
        layers.Input((8, 10)),
        layers.LSTM(128),                               # encoder: many-to-one, (batch, 128)
        layers.RepeatVector(8),                         # (batch, 8, 128): one copy per step
        layers.LSTM(128, return_sequences=True),        # decoder: (batch, 8, 128)
        layers.TimeDistributed(layers.Dense(10, activation="softmax")),   # (batch, 8, 10)
    ])
"""

from __future__ import annotations

from .. import backend as B
from .. import ops
from ..autograd import Tensor, as_array
from .base import Layer
from .input_spec import InputSpec
from .registry import deserialize_layer, serialize_layer

__all__ = ["TimeDistributed", "RepeatVector", "Masking"]


class TimeDistributed(Layer):
    """Applies ``layer`` to every time step alike (one set of weights for all steps):

        y[:, t] = layer(x[:, t])        x (batch, time, ...) → y (batch, time, ...)

    computed as one call on the (batch·time, ...) slices.

    >>> layers.TimeDistributed(layers.Dense(3))(np.zeros((2, 5, 4), "float32")).shape
    (2, 5, 3)
    """

    def __init__(self, layer: Layer, **kwargs):
        if not isinstance(layer, Layer):
            raise TypeError(f"TimeDistributed: expected a layer, got {type(layer).__name__}")
        super().__init__(**kwargs)
        self.layer = layer
        self.input_spec = InputSpec(min_ndim=3, layout="(batch, time, ...)")

    def build(self, input_shape):
        self.layer._ensure_built((None,) + tuple(input_shape[2:]))

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        n, t = x.shape[:2]
        y = self.layer(x.reshape(n * t, *x.shape[2:]), training=training)
        return y.reshape(n, t, *y.shape[1:])

    def compute_output_shape(self, input_shape):
        self.check_input(input_shape)
        inner = self.layer.compute_output_shape((None,) + tuple(input_shape[2:]))
        return tuple(input_shape[:2]) + tuple(inner[1:])

    def compute_mask(self, inputs, mask=None):
        return mask

    def get_config(self):
        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config):
        return cls(**{**config, "layer": deserialize_layer(config["layer"])})


class RepeatVector(Layer):
    """(batch, features) → (batch, n, features): the input once per step, y[:, t] = x.

    The bridge from one vector to a sequence: one-to-many, or an encoder's summary fed to every
    step of a decoder. The gradient sums over the n copies.

    >>> layers.RepeatVector(3)(np.ones((2, 4), "float32")).shape
    (2, 3, 4)
    """

    def __init__(self, n: int, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"RepeatVector: n must be a positive int, got {n!r}")
        self.n = n
        self.input_spec = InputSpec(ndim=2, layout="(batch, features)")

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        return ops.broadcast_to(
            x.reshape(x.shape[0], 1, x.shape[1]), (x.shape[0], self.n, x.shape[1])
        )

    def compute_mask(self, inputs, mask=None):
        return None  # a new time axis: every step is real

    def compute_output_shape(self, input_shape):
        self.check_input(input_shape)
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class Masking(Layer):
    """Marks padded time steps: a step whose features all equal ``mask_value`` is masked.

        mask[n, t] = any_k(x[n, t, k] ≠ mask_value),    y = x ⊙ mask (masked steps become 0)

    ``compute_mask(x)`` gives the mask for a following recurrent layer (for float sequences; for
    token ids use ``Embedding(mask_zero=True)``).

    >>> x = np.array([[[1.0], [2.0], [0.0]]], "float32")     # one sequence, its last step padding
    >>> layers.Masking().compute_mask(x)
    tensor([[ True,  True, False]], dtype=bool)
    """

    def __init__(self, mask_value: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = float(mask_value)

    def compute_mask(self, inputs, mask=None):
        return Tensor._wrap((as_array(inputs) != self.mask_value).any(axis=-1))

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        keep = (x.data != self.mask_value).any(axis=-1, keepdims=True)
        return x * B.xp.asarray(keep, dtype=x.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
