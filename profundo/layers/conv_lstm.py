"""``ConvLSTM2D`` (Shi et al., 2015; Keras' layer, arguments and weights): an LSTM over a sequence
of images whose products with the input and with the state are convolutions, so the state h_t
is itself an image (H', W', filters) — it learns how things move, e.g. for weather radar frames.

    i = σ(x_t ∗ W_i + h_{t−1} ⊛ U_i + b_i)     f, o likewise (σ: ``recurrent_activation``)
    c_t = f ⊙ c_{t−1} + i ⊙ tanh(x_t ∗ W_c + h_{t−1} ⊛ U_c + b_c)
    h_t = o ⊙ tanh(c_t)

∗ is the layer's convolution (its strides, padding, dilation), ⊛ a stride-1 "same" convolution
(the state keeps its size). Weights in Keras' layout, gates in Keras' order i, f, c, o: ``kernel``
(kh, kw, C, 4·filters), ``recurrent_kernel`` (kh, kw, filters, 4·filters), ``bias`` (4·filters,).
The time loop is plain Python over ``pf.conv2d``: autodiff gives the backward through time.

>>> layers.ConvLSTM2D(4, 3, padding="same")(np.zeros((2, 5, 8, 8, 1), "float32")).shape
(2, 8, 8, 4)
"""

from __future__ import annotations

from .. import activations, ops
from ..autograd import Tensor
from ..autograd.types import Pads, Shape
from .base import Layer, serialize
from .conv import spatial_ints, window_lengths
from .input_spec import InputSpec
from .types import ActivationLike, InitializerLike, RegularizerLike

__all__ = ["ConvLSTM2D"]


class ConvLSTM2D(Layer):
    """Convolutional LSTM over (batch, time, H, W, C) → (batch, H', W', filters), or every step
    (batch, time, H', W', filters) with ``return_sequences``; ``return_state`` adds [h, c]."""

    rank = 2

    def __init__(
        self,
        filters: int,
        kernel_size: Shape,
        strides: Shape = 1,
        padding: str | Pads = "valid",
        data_format: str | None = None,
        dilation_rate: Shape = 1,
        activation: ActivationLike = "tanh",
        recurrent_activation: ActivationLike = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: InitializerLike = "glorot_uniform",
        recurrent_initializer: InitializerLike = "orthogonal",
        bias_initializer: InitializerLike = "zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer: RegularizerLike = None,
        recurrent_regularizer: RegularizerLike = None,
        bias_regularizer: RegularizerLike = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(filters, int) or isinstance(filters, bool) or filters < 1:
            raise self.error(f"filters must be a positive int, got {filters!r}")
        if data_format not in (None, "channels_last"):
            raise self.error(f"images are channels-last, got data_format={data_format!r}")
        if padding not in ("valid", "same"):
            raise self.error(f"padding must be 'valid' or 'same', got {padding!r}")
        if dropout or recurrent_dropout:
            raise self.error(
                "dropout and recurrent_dropout are not implemented for ConvLSTM2D; put a "
                "SpatialDropout or Dropout layer before it",
                NotImplementedError,
            )
        self.filters, self.padding = filters, padding
        self.kernel_size = spatial_ints(self, kernel_size, "kernel_size")
        self.strides = spatial_ints(self, strides, "strides")
        self.dilation_rate = spatial_ints(self, dilation_rate, "dilation_rate")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias, self.unit_forget_bias = bool(use_bias), bool(unit_forget_bias)
        self.kernel_initializer, self.recurrent_initializer = (
            kernel_initializer,
            recurrent_initializer,
        )
        self.bias_initializer = bias_initializer
        self.kernel_regularizer, self.recurrent_regularizer = (
            kernel_regularizer,
            recurrent_regularizer,
        )
        self.bias_regularizer = bias_regularizer
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.input_spec = InputSpec(
            ndim=5, layout="(batch, time, height, width, channels)", units="channels"
        )

    def build(self, input_shape):
        channels, f = input_shape[-1], self.filters
        self.kernel = self.add_weight(
            "kernel",
            (*self.kernel_size, channels, 4 * f),
            self.kernel_initializer,
            regularizer=self.kernel_regularizer,
        )
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel",
            (*self.kernel_size, f, 4 * f),
            self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias", (4 * f,), self.bias_initializer, regularizer=self.bias_regularizer
            )
            if self.unit_forget_bias:  # the forget gate starts open: f ≈ σ(1)
                self.bias.data[f : 2 * f] = 1

    def _lengths(self, spatial) -> tuple:
        return window_lengths(
            self, spatial, self.kernel_size, self.strides, self.dilation_rate, self.padding
        )

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor | list[Tensor]:
        n, steps = inputs.shape[:2]
        f = self.filters
        h_w = self._lengths(inputs.shape[2:4])
        h = ops.zeros((n, *h_w, f), dtype=inputs.dtype)
        c = h
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        outputs = []
        for t in order:
            z = ops.conv2d(
                inputs[:, t],
                self.kernel,
                self.bias,
                strides=self.strides,
                padding=self.padding,
                dilation=self.dilation_rate,
            ) + ops.conv2d(h, self.recurrent_kernel, padding="same")
            i = self.recurrent_activation(z[..., :f])
            forget = self.recurrent_activation(z[..., f : 2 * f])
            c = forget * c + i * self.activation(z[..., 2 * f : 3 * f])
            h = self.recurrent_activation(z[..., 3 * f :]) * self.activation(c)
            outputs.append(h)
        y = ops.stack(outputs, axis=1) if self.return_sequences else h
        return [y, h, c] if self.return_state else y

    def compute_output_shape(self, input_shape):
        n, steps, *spatial, _ = input_shape
        state = (n, *self._lengths(tuple(spatial)), self.filters)
        y = (n, steps, *state[1:]) if self.return_sequences else state
        return [y, state, state] if self.return_state else y

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "dilation_rate": list(self.dilation_rate),
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize(self.kernel_initializer),
            "recurrent_initializer": serialize(self.recurrent_initializer),
            "bias_initializer": serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": serialize(self.kernel_regularizer),
            "recurrent_regularizer": serialize(self.recurrent_regularizer),
            "bias_regularizer": serialize(self.bias_regularizer),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
        }
