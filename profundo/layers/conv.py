"""Convolution layers on channels-last data: Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D,
Conv2DTranspose.

A convolution layer slides its kernel over the input; output pixel (p, q) of filter o is

    y[n, p, q, o] = f(b[o] + Σ_{i, j, c} x̃[n, p·s_h + i·d_h, q·s_w + j·d_w, c] · K[i, j, c, o])

with x̃ the padded input, s the strides, d the dilation and f the activation (the ops are in
``profundo.ops._conv``). Output sizes follow Keras, per spatial axis of length n, with the dilated
kernel k_d = (k − 1)·d + 1:  "valid" ⌈(n − k_d + 1)/s⌉,  "same" (and Conv1D's "causal") ⌈n/s⌉.

Weights are Keras' shapes and order, so they move between the two with ``get/set_weights``:

    Conv1D           kernel (k, C_in/groups, filters), bias (filters,)
    Conv2D           kernel (kh, kw, C_in/groups, filters), bias (filters,)
    DepthwiseConv2D  kernel (kh, kw, C_in, depth_multiplier), bias (C_in·depth_multiplier,)
    SeparableConv2D  depthwise_kernel (kh, kw, C_in, depth_multiplier),
                     pointwise_kernel (1, 1, C_in·depth_multiplier, filters), bias (filters,)
    Conv2DTranspose  kernel (kh, kw, filters, C_in), bias (filters,)

>>> conv = layers.Conv2D(32, 3, activation="relu")
>>> conv(np.zeros((8, 28, 28, 1), "float32")).shape          # 8 images of 28×28, one channel
(8, 26, 26, 32)
>>> conv.count_params()                                        # 3·3·1·32 + 32
320
"""

from __future__ import annotations

from collections.abc import Callable

from .. import activations, constraints, ops
from ..autograd import Tensor
from ..autograd.types import Pads, Shape
from ..ops._conv import _transposed_length
from ..ops.windows import Windows, window_ints, window_padding
from .base import Layer, serialize
from .input_spec import InputSpec
from .types import ActivationLike, ConstraintLike, InitializerLike, RegularizerLike

#: what one batch looks like, by the number of spatial axes
LAYOUTS = {
    1: "(batch, steps, channels)",
    2: "(batch, height, width, channels)",
    3: "(batch, depth, height, width, channels)",
}


class SpatialLayer(Layer):
    """Base of the layers over channels-last sequences (``rank`` 1) or images (``rank`` 2):
    declares that layout as its ``input_spec``."""

    rank = 2

    def compute_mask(self, inputs, mask=None):
        return None  # windows mix time steps: a padding mask no longer applies

    def __init__(self, data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise self.error(
                f"profundo's images are channels-last {LAYOUTS[self.rank]}, got "
                f"data_format={data_format!r}; move the channels last, e.g. "
                f"x.transpose(0, 2, 3, 1) for NCHW images"
            )
        self.input_spec = self.spec()

    def spec(self, channels=False) -> InputSpec:
        """This layer's layout; ``channels``: a number of channels to require (None: known)."""
        return InputSpec(
            ndim=self.rank + 2,
            layout=LAYOUTS[self.rank],
            units="channels",
            axes={} if channels is False else {-1: channels},
        )


def spatial_ints(layer, value, name) -> tuple:
    """Kernel size, strides, dilation...: an int or one int per spatial axis, as a tuple of
    ``layer.rank`` ints (checked as the ops check them)."""
    try:
        return window_ints(value, layer.rank, name)[-layer.rank :]
    except ValueError as err:
        raise layer.error(str(err)) from None


def window_lengths(layer, spatial, kernel, strides, dilation, padding) -> tuple:
    """The number of windows along each spatial axis of lengths ``spatial`` (``None``: unknown),
    by the ops' own rule (``Windows``). ``kernel``, ``strides``, ``dilation``: one int per axis;
    ``padding``: "valid", "same", "causal", or one (before, after) pair per axis."""

    def length(axis, n):
        pad = padding if isinstance(padding, str) else (padding[axis],)
        return Windows((n,), (kernel[axis],), (strides[axis],), (dilation[axis],), pad).out[0]

    try:
        return tuple(None if n is None else length(axis, n) for axis, n in enumerate(spatial))
    except ValueError as err:
        raise layer.error(str(err)) from None


class _BaseConv(SpatialLayer):
    """What every convolution layer shares: the window settings (kernel size, strides, padding,
    dilation), the bias, the activation, input checks, output shapes and config.

    Subclasses create their kernels in ``build_kernels(channels)``, say how many channels come
    out in ``output_channels(channels)`` and run the op in ``convolve(x)`` (bias included).
    """

    def __init__(
        self,
        kernel_size: Shape,
        strides: Shape = 1,
        padding: str | Pads = "valid",
        dilation_rate: Shape = 1,
        activation: ActivationLike = None,
        use_bias: bool = True,
        bias_initializer: InitializerLike = "zeros",
        bias_regularizer: RegularizerLike = None,
        bias_constraint: ConstraintLike = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.kernel_size = spatial_ints(self, kernel_size, "kernel_size")
        self.strides = spatial_ints(self, strides, "strides")
        self.dilation_rate = spatial_ints(self, dilation_rate, "dilation_rate")
        self.padding = padding.lower() if isinstance(padding, str) else padding
        try:
            pads = window_padding(self.padding, self.rank)
        except ValueError as err:
            raise self.error(str(err)) from None
        self._pads = pads if isinstance(pads, str) else pads[2 - self.rank :]
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.bias_initializer, self.bias_regularizer = bias_initializer, bias_regularizer
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        self.input_spec = self.spec(channels=None)
        shape = self.check_input(input_shape)
        self.channels = shape[-1]
        self.input_spec = self.spec(channels=self.channels)
        self.build_kernels(self.channels)
        self.bias = (
            self.add_weight(
                "bias",
                (self.output_channels(self.channels),),
                self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
            if self.use_bias
            else None
        )

    def convolve(self, x: Tensor) -> Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        return self.activation(self.convolve(x))

    def lengths(self, spatial) -> tuple:
        """Output length along each spatial axis, for input lengths ``spatial``."""
        return window_lengths(
            self, spatial, self.kernel_size, self.strides, self.dilation_rate, self._pads
        )

    def compute_output_shape(self, input_shape):
        shape = self.check_input(input_shape)
        return (shape[0], *self.lengths(shape[1:-1]), self.output_channels(shape[-1]))

    def get_config(self):
        return {
            **super().get_config(),
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "dilation_rate": list(self.dilation_rate),
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "bias_initializer": serialize(self.bias_initializer),
            "bias_regularizer": serialize(self.bias_regularizer),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }


def _positive(layer, name, value):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise layer.error(f"{name} must be a positive int, got {value!r}")
    return value


class _Conv(_BaseConv):
    """The standard convolution of ``filters`` kernels (Conv1D and Conv2D): ``groups`` > 1 splits
    the channels into that many independent convolutions (groups = C_in: depthwise)."""

    op: Callable[..., Tensor]  # ops.conv1d, conv2d or conv3d (a staticmethod), set by each subclass
    #: the op can apply a ReLU in its own output pass (no second full-size array)
    fuses_relu = False

    def __init__(
        self,
        filters: int,
        kernel_size: Shape,
        strides: Shape = 1,
        padding: str | Pads = "valid",
        dilation_rate: Shape = 1,
        groups: int = 1,
        activation: ActivationLike = None,
        use_bias: bool = True,
        kernel_initializer: InitializerLike = "glorot_uniform",
        bias_initializer: InitializerLike = "zeros",
        kernel_regularizer: RegularizerLike = None,
        bias_regularizer: RegularizerLike = None,
        kernel_constraint: ConstraintLike = None,
        **kwargs,
    ):
        super().__init__(
            kernel_size,
            strides,
            padding,
            dilation_rate,
            activation,
            use_bias,
            bias_initializer,
            bias_regularizer,
            **kwargs,
        )
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.filters = _positive(self, "filters", filters)
        self.groups = _positive(self, "groups", groups)
        if filters % groups:
            raise self.error(f"groups={groups} must divide filters={filters}")
        self.kernel_initializer, self.kernel_regularizer = kernel_initializer, kernel_regularizer

    def build_kernels(self, channels):
        if channels % self.groups:
            raise self.error(
                f"expected input channels in a multiple of groups={self.groups}, got {channels}"
            )
        self.kernel = self.add_weight(
            "kernel",
            (*self.kernel_size, channels // self.groups, self.filters),
            self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )

    def output_channels(self, channels):
        return self.filters

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        if self.fuses_relu and self.activation is ops.relu:
            return self.convolve(x, activation="relu")  # the same max(y, 0), fused
        return self.activation(self.convolve(x))

    def convolve(self, x, **fused):
        return self.op(
            x,
            self.kernel,
            self.bias,
            strides=self.strides,
            padding=self.padding,
            dilation=self.dilation_rate,
            groups=self.groups,
            **fused,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "groups": self.groups,
            "kernel_initializer": serialize(self.kernel_initializer),
            "kernel_regularizer": serialize(self.kernel_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
        }


class Conv1D(_Conv):
    """1-D convolution over sequences (batch, steps, channels) → (batch, steps', filters).

    ``padding``: "valid", "same", "causal" (output t sees only inputs ≤ t: WaveNet, TCNs), or
    explicit amounts (an int, or (left, right)).

    >>> layers.Conv1D(8, 3, padding="causal")(np.zeros((2, 10, 4), "float32")).shape
    (2, 10, 8)
    """

    rank = 1
    op = staticmethod(ops.conv1d)
    fuses_relu = True


class Conv2D(_Conv):
    """2-D convolution over images (batch, height, width, channels) → (batch, H', W', filters).

    ``kernel_size``, ``strides``, ``dilation_rate``: an int or (h, w); ``padding``: "valid",
    "same", or explicit amounts (an int, (h, w) or ((top, bottom), (left, right))).

    >>> layers.Conv2D(16, 3, strides=2, padding="same")(np.zeros((2, 32, 32, 3), "float32")).shape
    (2, 16, 16, 16)
    """

    rank = 2
    op = staticmethod(ops.conv2d)
    fuses_relu = True


class Conv3D(_Conv):
    """3-D convolution over volumes (batch, depth, height, width, channels) → (batch, D', H', W',
    filters), e.g. videos or scans; ``padding`` "valid" or "same". It runs as 2-D convolutions
    summed over the kernel's depth (``pf.conv3d``).

    >>> layers.Conv3D(4, 3, padding="same")(np.zeros((1, 5, 8, 8, 2), "float32")).shape
    (1, 5, 8, 8, 4)
    """

    rank = 3
    op = staticmethod(ops.conv3d)


class DepthwiseConv2D(_BaseConv):
    """Each input channel convolved with its own ``depth_multiplier`` filters, no mixing across
    channels: (batch, H, W, C) → (batch, H', W', C·depth_multiplier), channel c·M + m from input
    channel c and filter m. kh·kw·C·M weights instead of a Conv2D's kh·kw·C·C_out.

    >>> layers.DepthwiseConv2D(3, depth_multiplier=2)(np.zeros((1, 8, 8, 3), "float32")).shape
    (1, 6, 6, 6)
    """

    def __init__(
        self,
        kernel_size: Shape,
        strides: Shape = 1,
        padding: str | Pads = "valid",
        depth_multiplier: int = 1,
        dilation_rate: Shape = 1,
        activation: ActivationLike = None,
        use_bias: bool = True,
        depthwise_initializer: InitializerLike = "glorot_uniform",
        bias_initializer: InitializerLike = "zeros",
        depthwise_regularizer: RegularizerLike = None,
        bias_regularizer: RegularizerLike = None,
        **kwargs,
    ):
        super().__init__(
            kernel_size,
            strides,
            padding,
            dilation_rate,
            activation,
            use_bias,
            bias_initializer,
            bias_regularizer,
            **kwargs,
        )
        self.depth_multiplier = _positive(self, "depth_multiplier", depth_multiplier)
        self.depthwise_initializer = depthwise_initializer
        self.depthwise_regularizer = depthwise_regularizer

    def build_kernels(self, channels):
        shape = (*self.kernel_size, channels, self.depth_multiplier)
        self.kernel = self.add_weight(
            "kernel", shape, self.depthwise_initializer, regularizer=self.depthwise_regularizer
        )

    def output_channels(self, channels):
        return channels * self.depth_multiplier

    def convolve(self, x):
        return ops.depthwise_conv2d(
            x,
            self.kernel,
            self.bias,
            strides=self.strides,
            padding=self.padding,
            dilation=self.dilation_rate,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": serialize(self.depthwise_initializer),
            "depthwise_regularizer": serialize(self.depthwise_regularizer),
        }


class SeparableConv2D(_BaseConv):
    """A depthwise convolution (each channel its own ``depth_multiplier`` filters) followed by a
    pointwise 1×1 convolution that mixes the channels into ``filters``:

        y = f(conv1×1(depthwise(x, K_d), K_p) + b)

    kh·kw·C·M + C·M·filters weights instead of Conv2D's kh·kw·C·filters (MobileNet, Xception).

    >>> layers.SeparableConv2D(16, 3, padding="same")(np.zeros((1, 8, 8, 3), "float32")).shape
    (1, 8, 8, 16)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Shape,
        strides: Shape = 1,
        padding: str | Pads = "valid",
        dilation_rate: Shape = 1,
        depth_multiplier: int = 1,
        activation: ActivationLike = None,
        use_bias: bool = True,
        depthwise_initializer: InitializerLike = "glorot_uniform",
        pointwise_initializer: InitializerLike = "glorot_uniform",
        bias_initializer: InitializerLike = "zeros",
        depthwise_regularizer: RegularizerLike = None,
        pointwise_regularizer: RegularizerLike = None,
        bias_regularizer: RegularizerLike = None,
        **kwargs,
    ):
        super().__init__(
            kernel_size,
            strides,
            padding,
            dilation_rate,
            activation,
            use_bias,
            bias_initializer,
            bias_regularizer,
            **kwargs,
        )
        self.filters = _positive(self, "filters", filters)
        self.depth_multiplier = _positive(self, "depth_multiplier", depth_multiplier)
        self.initializers = dict(depthwise=depthwise_initializer, pointwise=pointwise_initializer)
        self.regularizers = dict(depthwise=depthwise_regularizer, pointwise=pointwise_regularizer)

    def build_kernels(self, channels):
        middle = channels * self.depth_multiplier
        shapes = dict(
            depthwise=(*self.kernel_size, channels, self.depth_multiplier),
            pointwise=(1, 1, middle, self.filters),
        )
        self.depthwise_kernel, self.pointwise_kernel = (
            self.add_weight(
                f"{k}_kernel", shapes[k], self.initializers[k], regularizer=self.regularizers[k]
            )
            for k in shapes
        )

    def output_channels(self, channels):
        return self.filters

    def convolve(self, x):
        h = ops.depthwise_conv2d(
            x,
            self.depthwise_kernel,
            strides=self.strides,
            padding=self.padding,
            dilation=self.dilation_rate,
        )
        return ops.conv2d(h, self.pointwise_kernel, self.bias)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "depth_multiplier": self.depth_multiplier,
            **{f"{k}_initializer": serialize(v) for k, v in self.initializers.items()},
            **{f"{k}_regularizer": serialize(v) for k, v in self.regularizers.items()},
        }


class Conv2DTranspose(_BaseConv):
    """Transposed convolution ("deconvolution"): the gradient of Conv2D with respect to its input,
    run forward. Each input pixel spreads a kernel-sized patch, so images grow — the upsampling
    of decoders, autoencoders and GAN generators. (batch, H, W, C) → (batch, H', W', filters):

        output_padding None:  "valid" H' = H·s + max(k_d − s, 0);   "same" H' = H·s
        output_padding p:     H' = (H − 1)·s + k_d − 2·pad + p,  pad = ⌊k_d/2⌋ ("same") or 0

    >>> layers.Conv2DTranspose(8, 3, strides=2, padding="same")(
    ...     np.zeros((2, 7, 7, 16), "float32")).shape
    (2, 14, 14, 8)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Shape,
        strides: Shape = 1,
        padding: str | Pads = "valid",
        output_padding: Shape | None = None,
        dilation_rate: Shape = 1,
        activation: ActivationLike = None,
        use_bias: bool = True,
        kernel_initializer: InitializerLike = "glorot_uniform",
        bias_initializer: InitializerLike = "zeros",
        kernel_regularizer: RegularizerLike = None,
        bias_regularizer: RegularizerLike = None,
        **kwargs,
    ):
        super().__init__(
            kernel_size,
            strides,
            padding,
            dilation_rate,
            activation,
            use_bias,
            bias_initializer,
            bias_regularizer,
            **kwargs,
        )
        if self.padding not in ("valid", "same"):
            raise self.error(f"padding must be 'valid' or 'same', got {padding!r}")
        self.filters = _positive(self, "filters", filters)
        self.output_padding = output_padding
        if output_padding is not None:
            pads = (
                (output_padding,) * 2 if isinstance(output_padding, int) else tuple(output_padding)
            )
            if len(pads) != 2 or not all(
                isinstance(p, int) and 0 <= p < s for p, s in zip(pads, self.strides)
            ):
                raise self.error(
                    f"output_padding must be None or (h, w) ints ≥ 0 and smaller than "
                    f"the strides {self.strides}, got {output_padding!r}"
                )
            self.output_padding = pads
        self.kernel_initializer, self.kernel_regularizer = kernel_initializer, kernel_regularizer

    def build_kernels(self, channels):
        self.kernel = self.add_weight(
            "kernel",
            (*self.kernel_size, self.filters, channels),
            self.kernel_initializer,
            regularizer=self.kernel_regularizer,
        )

    def output_channels(self, channels):
        return self.filters

    def lengths(self, spatial):
        extra = self.output_padding or (None, None)
        return tuple(
            None if n is None else _transposed_length(n, *args, self.padding)
            for n, *args in zip(spatial, self.kernel_size, self.strides, self.dilation_rate, extra)
        )

    def convolve(self, x):
        return ops.conv2d_transpose(
            x,
            self.kernel,
            self.bias,
            strides=self.strides,
            padding=self.padding,
            output_padding=self.output_padding,
            dilation=self.dilation_rate,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "output_padding": self.output_padding and list(self.output_padding),
            "kernel_initializer": serialize(self.kernel_initializer),
            "kernel_regularizer": serialize(self.kernel_regularizer),
        }


__all__ = ["Conv1D", "Conv2D", "Conv3D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose"]
