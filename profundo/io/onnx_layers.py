"""One converter per layer type: the ONNX nodes that compute what the layer computes at inference.

A converter is ``convert(g, layer, inputs, shapes) -> outputs``: ``g`` the ``OnnxGraph``,
``inputs`` the names of the layer's input tensors, ``shapes`` their shapes (None for unknown
sizes); it returns the names of the layer's outputs (one name, or a list). Images stay
channels-last between layers: a convolution or pooling transposes to ONNX's channels-first and
back around its node.
"""

from __future__ import annotations

import math

import numpy

from .. import activations
from ..ops.activation import SELU_ALPHA, SELU_SCALE
from ..ops.windows import Windows

CONVERTERS: dict = {}
CALL_CONVERTERS: set = set()  # converters of layers whose call takes named inputs and arguments


def converts(*names, call: bool = False):
    """Register a converter for the layer types ``names``. With ``call=True`` it is given the
    layer's inputs in the structure of the call (e.g. a dict ``{"query": …, "value": …}``) and
    the call's keyword arguments: ``convert(g, layer, inputs, shapes, call_kwargs)``."""

    def register(fn):
        for name in names:
            CONVERTERS[name] = fn
        if call:
            CALL_CONVERTERS.add(fn)
        return fn

    return register


# --- activations ---------------------------------------------------------------------------------
def activation(g, fn, x: str, base: str) -> str:
    """The ONNX nodes of an activation function (by profundo's name for it)."""
    name = fn if isinstance(fn, str) else activations.serialize(fn)
    simple = {
        "relu": "Relu",
        "sigmoid": "Sigmoid",
        "tanh": "Tanh",
        "softplus": "Softplus",
        "softsign": "Softsign",
        "exponential": "Exp",
    }
    if name == "linear":
        return x
    if name in simple:
        return g.op(simple[name], [x], base)
    if name in ("softmax", "log_softmax"):
        return g.op("Softmax" if name == "softmax" else "LogSoftmax", [x], base, axis=-1)
    if name == "elu":
        return g.op("Elu", [x], base, alpha=1.0)
    if name == "selu":
        return g.op("Selu", [x], base, alpha=SELU_ALPHA, gamma=SELU_SCALE)
    if name == "leaky_relu":
        return g.op("LeakyRelu", [x], base, alpha=0.2)
    if name == "hard_sigmoid":  # relu6(x + 3) / 6
        return g.op("HardSigmoid", [x], base, alpha=1 / 6, beta=0.5)
    if name == "relu6":
        return g.op(
            "Clip", [x, g.const(numpy.float32(0), "zero"), g.const(numpy.float32(6), "six")], base
        )
    if name in ("silu", "swish"):  # x · σ(x)
        return g.op("Mul", [x, g.op("Sigmoid", [x], base)], base)
    if name == "gelu":  # ½x(1 + erf(x/√2))
        erf = g.op(
            "Erf",
            [g.op("Mul", [x, g.const(numpy.float32(1 / math.sqrt(2)), "rsqrt2")], base)],
            base,
        )
        one_plus = g.op("Add", [erf, g.const(numpy.float32(1), "one")], base)
        return g.op(
            "Mul", [g.op("Mul", [x, one_plus], base), g.const(numpy.float32(0.5), "half")], base
        )
    if name == "step":  # 1 where x ≥ 0
        ge = g.op("Not", [g.op("Less", [x, g.const(numpy.float32(0), "zero")], base)], base)
        return g.op("Cast", [ge], base, to=1)
    raise UnsupportedLayer(f"activation {name!r}")


class UnsupportedLayer(ValueError):
    """A layer (or a setting of it) that has no ONNX form here."""


@converts(
    "InputLayer",
    "Dropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "GaussianNoise",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "RandomContrast",
    "RandomBrightness",
)
def identity(g, layer, inputs, shapes):
    """Layers that only act while training: the identity at inference."""
    return g.op("Identity", inputs[:1], layer.name)


@converts("Activation")
def activation_layer(g, layer, inputs, shapes):
    return activation(g, layer.activation, inputs[0], layer.name)


@converts("ReLU")
def relu_layer(g, layer, inputs, shapes):
    x, name = inputs[0], layer.name
    if layer.threshold != 0:
        raise UnsupportedLayer("ReLU with a threshold")
    if layer.negative_slope:
        if layer.max_value is not None:
            raise UnsupportedLayer("ReLU with both negative_slope and max_value")
        return g.op("LeakyRelu", [x], name, alpha=float(layer.negative_slope))
    y = g.op("Relu", [x], name)
    if layer.max_value is not None:
        y = g.op("Min", [y, g.const(numpy.float32(layer.max_value), f"{name}/max")], name)
    return y


@converts("LeakyReLU")
def leaky_relu_layer(g, layer, inputs, shapes):
    return g.op("LeakyRelu", inputs[:1], layer.name, alpha=float(layer.negative_slope))


@converts("ELU")
def elu_layer(g, layer, inputs, shapes):
    return g.op("Elu", inputs[:1], layer.name, alpha=float(layer.alpha))


@converts("Softmax")
def softmax_layer(g, layer, inputs, shapes):
    if not isinstance(layer.axis, int):
        raise UnsupportedLayer("Softmax over several axes")
    return g.op("Softmax", inputs[:1], layer.name, axis=int(layer.axis))


@converts("PReLU")
def prelu_layer(g, layer, inputs, shapes):
    return g.op(
        "PRelu", [inputs[0], g.const(layer.alpha.numpy(), f"{layer.name}/alpha")], layer.name
    )


# --- core ----------------------------------------------------------------------------------------
@converts("Dense")
def dense(g, layer, inputs, shapes):
    """y = f(x W + b)."""
    name = layer.name
    y = g.op("MatMul", [inputs[0], g.const(layer.kernel.numpy(), f"{name}/kernel")], name)
    if layer.bias is not None:
        y = g.op("Add", [y, g.const(layer.bias.numpy(), f"{name}/bias")], name)
    return activation(g, layer.activation, y, name)


@converts("Flatten")
def flatten(g, layer, inputs, shapes):
    return g.op("Flatten", inputs[:1], layer.name, axis=1)


@converts("Reshape")
def reshape(g, layer, inputs, shapes):
    target = g.const([0, *layer.target_shape], f"{layer.name}/shape")  # 0: keep the batch size
    return g.op("Reshape", [inputs[0], target], layer.name)


@converts("Permute")
def permute(g, layer, inputs, shapes):
    return g.transpose(inputs[0], [0, *layer.dims], layer.name)


@converts("Rescaling")
def rescaling(g, layer, inputs, shapes):
    """y = x · scale + offset."""
    y = g.op(
        "Mul",
        [inputs[0], g.const(numpy.float32(0) + layer.scale, f"{layer.name}/scale")],
        layer.name,
    )
    return g.op(
        "Add", [y, g.const(numpy.float32(0) + layer.offset, f"{layer.name}/offset")], layer.name
    )


@converts("Normalization")
def normalization(g, layer, inputs, shapes):
    """y = (x − mean) / max(√variance, 1e-7), or its inverse."""
    shape = (
        layer.broadcast_shape[1:]
        if len(layer.broadcast_shape) == len(shapes[0])
        else layer.broadcast_shape
    )
    mean = g.const(layer.mean.numpy().reshape(shape), f"{layer.name}/mean")
    std = g.const(
        numpy.maximum(numpy.sqrt(layer.variance.numpy()), 1e-7).reshape(shape), f"{layer.name}/std"
    )
    if layer.invert:
        return g.op("Add", [g.op("Mul", [inputs[0], std], layer.name), mean], layer.name)
    return g.op("Div", [g.op("Sub", [inputs[0], mean], layer.name), std], layer.name)


@converts("Embedding")
def embedding(g, layer, inputs, shapes):
    if layer.mask_zero:
        raise UnsupportedLayer("Embedding with mask_zero=True (masks are not exported)")
    ids = g.op("Cast", inputs[:1], layer.name, to=7)  # int64
    return g.op(
        "Gather",
        [g.const(layer.embeddings.numpy(), f"{layer.name}/embeddings"), ids],
        layer.name,
        axis=0,
    )


# --- normalization -----------------------------------------------------------------------------
@converts("BatchNormalization")
def batch_normalization(g, layer, inputs, shapes):
    """Inference: y = x · s + t with s = γ / √(moving variance + ε), t = β − moving mean · s."""
    w = {
        k: getattr(layer, k).numpy().astype(numpy.float64)
        if getattr(layer, k) is not None
        else None
        for k in ("gamma", "beta", "moving_mean", "moving_variance")
    }
    scale = 1 / numpy.sqrt(w["moving_variance"] + layer.epsilon)
    if w["gamma"] is not None:
        scale = scale * w["gamma"]
    shift = -w["moving_mean"] * scale + (w["beta"] if w["beta"] is not None else 0)
    shape = layer.broadcast_shape[1:]
    y = g.op("Mul", [inputs[0], g.const(scale.reshape(shape), f"{layer.name}/scale")], layer.name)
    return g.op("Add", [y, g.const(shift.reshape(shape), f"{layer.name}/shift")], layer.name)


@converts("LayerNormalization")
def layer_normalization(g, layer, inputs, shapes):
    """y = (x − mean) / √(var + ε) · γ + β, mean and var over the normalized axes."""
    name, axes, x = layer.name, list(layer.norm_axes), inputs[0]
    centred = g.op("Sub", [x, g.reduce("ReduceMean", x, axes, name)], name)
    var = g.reduce("ReduceMean", g.op("Mul", [centred, centred], name), axes, name)
    std = g.op(
        "Sqrt",
        [g.op("Add", [var, g.const(numpy.float32(layer.epsilon), f"{name}/epsilon")], name)],
        name,
    )
    y = g.op("Div", [centred, std], name)
    shape = layer.broadcast_shape[1:]
    if layer.gamma is not None:
        y = g.op("Mul", [y, g.const(layer.gamma.numpy().reshape(shape), f"{name}/gamma")], name)
    if layer.beta is not None:
        y = g.op("Add", [y, g.const(layer.beta.numpy().reshape(shape), f"{name}/beta")], name)
    return y


# --- merging -------------------------------------------------------------------------------------
@converts("Add", "Multiply", "Maximum", "Minimum", "Average")
def merge(g, layer, inputs, shapes):
    op = {"Add": "Sum", "Multiply": "Mul", "Maximum": "Max", "Minimum": "Min", "Average": "Mean"}[
        type(layer).__name__
    ]
    if op == "Mul":
        y = inputs[0]
        for other in inputs[1:]:
            y = g.op("Mul", [y, other], layer.name)
        return y
    return g.op(op, inputs, layer.name)


@converts("Subtract")
def subtract(g, layer, inputs, shapes):
    return g.op("Sub", inputs[:2], layer.name)


@converts("Concatenate")
def concatenate(g, layer, inputs, shapes):
    return g.op("Concat", inputs, layer.name, axis=int(layer.axis))


# --- convolution and pooling ---------------------------------------------------------------------
def _channels_first(g, x, rank, name):
    return g.transpose(x, [0, rank + 1, *range(1, rank + 1)], f"{name}/to_channels_first")


def _channels_last(g, x, rank, name):
    return g.transpose(x, [0, *range(2, rank + 2), 1], name)


def _pads(layer, shape, kernel, dilation) -> dict:
    """ONNX's pads (all befores, then all afters) for the layer's padding on inputs of ``shape``."""
    spatial = shape[1:-1]
    padding = getattr(layer, "_pads", layer.padding)
    if None in spatial:
        if padding == "valid":
            return {}
        if padding == "same":
            return {"auto_pad": "SAME_UPPER"}
        raise UnsupportedLayer(f"padding {padding!r} on inputs of unknown size {shape}")
    pads = Windows(spatial, kernel, layer.strides, dilation, padding).pads
    return {"pads": [p[0] for p in pads] + [p[1] for p in pads]}


def _convolve(g, layer, x, shape, weight, bias, name, group=1, dilation=None):
    """Conv (channels-first, in between two transposes) with ONNX weight (out, in/group, *k)."""
    rank = layer.rank
    dilation = dilation or layer.dilation_rate
    kernel = weight.shape[2:]
    inputs = [_channels_first(g, x, rank, name), g.const(weight, f"{name}/kernel")]
    if bias is not None:
        inputs.append(g.const(bias, f"{name}/bias"))
    y = g.op(
        "Conv",
        inputs,
        name,
        kernel_shape=list(kernel),
        strides=list(layer.strides),
        dilations=list(dilation),
        group=group,
        **_pads(layer, shape, kernel, dilation),
    )
    return _channels_last(g, y, rank, name)


def _kernel_first(kernel):
    """Keras' (*k, in, out) as ONNX's (out, in, *k)."""
    rank = kernel.ndim - 2
    return kernel.transpose(rank + 1, rank, *range(rank))


@converts("Conv1D", "Conv2D")
def conv(g, layer, inputs, shapes):
    bias = layer.bias.numpy() if layer.bias is not None else None
    y = _convolve(
        g,
        layer,
        inputs[0],
        shapes[0],
        _kernel_first(layer.kernel.numpy()),
        bias,
        layer.name,
        group=layer.groups,
    )
    return activation(g, layer.activation, y, layer.name)


def _depthwise_weight(kernel):
    """(kh, kw, C, M) → (C·M, 1, kh, kw): output channel c·M + m from input channel c."""
    kh, kw, c, m = kernel.shape
    return kernel.reshape(kh, kw, c * m).transpose(2, 0, 1)[:, None]


@converts("DepthwiseConv2D")
def depthwise_conv(g, layer, inputs, shapes):
    bias = layer.bias.numpy() if layer.bias is not None else None
    y = _convolve(
        g,
        layer,
        inputs[0],
        shapes[0],
        _depthwise_weight(layer.kernel.numpy()),
        bias,
        layer.name,
        group=shapes[0][-1],
    )
    return activation(g, layer.activation, y, layer.name)


@converts("SeparableConv2D")
def separable_conv(g, layer, inputs, shapes):
    name = layer.name
    h = _convolve(
        g,
        layer,
        inputs[0],
        shapes[0],
        _depthwise_weight(layer.depthwise_kernel.numpy()),
        None,
        name,
        group=shapes[0][-1],
    )
    pointwise = layer.pointwise_kernel.numpy()[0, 0]  # (C·M, filters)
    y = g.op("MatMul", [h, g.const(pointwise, f"{name}/pointwise")], name)
    if layer.bias is not None:
        y = g.op("Add", [y, g.const(layer.bias.numpy(), f"{name}/bias")], name)
    return activation(g, layer.activation, y, name)


def transposed_crop(layer, spatial):
    """What ONNX's ConvTranspose must keep of the full (H − 1)·s + k_d rows to give a
    Conv2DTranspose's output on images of size ``spatial``: ([(pad before, output padding) per
    axis], [pad after per axis]). The layer keeps rows from the padding-before of the convolution
    it is the adjoint of, adding zero rows at the end where needed (output padding)."""
    size = layer.lengths(spatial)
    pads = Windows(size, layer.kernel_size, layer.strides, layer.dilation_rate, layer.padding).pads
    before, after = [], []
    for n, out, k, s, d, (pb, _) in zip(
        spatial, size, layer.kernel_size, layer.strides, layer.dilation_rate, pads
    ):
        full = (n - 1) * s + (k - 1) * d + 1
        before.append((pb, max(out - (full - pb), 0)))
        after.append(max(full - pb - out, 0))
    return before, after


@converts("Conv2DTranspose")
def conv_transpose(g, layer, inputs, shapes):
    name, shape = layer.name, shapes[0]
    if None in shape[1:3]:
        raise UnsupportedLayer("Conv2DTranspose on images of unknown size")
    before, after = transposed_crop(layer, shape[1:3])
    weight = layer.kernel.numpy().transpose(3, 2, 0, 1)  # (in, out, kh, kw)
    node_inputs = [_channels_first(g, inputs[0], 2, name), g.const(weight, f"{name}/kernel")]
    if layer.bias is not None:
        node_inputs.append(g.const(layer.bias.numpy(), f"{name}/bias"))
    y = g.op(
        "ConvTranspose",
        node_inputs,
        name,
        kernel_shape=list(layer.kernel_size),
        strides=list(layer.strides),
        dilations=list(layer.dilation_rate),
        pads=[b for b, _ in before] + after,
        output_padding=[e for _, e in before],
    )
    return activation(g, layer.activation, _channels_last(g, y, 2, name), name)


@converts("MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D")
def pooling(g, layer, inputs, shapes):
    name, rank = layer.name, layer.rank
    op = "MaxPool" if type(layer).__name__.startswith("Max") else "AveragePool"
    extra = {} if op == "MaxPool" else {"count_include_pad": 0}
    y = g.op(
        op,
        [_channels_first(g, inputs[0], rank, name)],
        name,
        kernel_shape=list(layer.pool_size),
        strides=list(layer.strides),
        **_pads(layer, shapes[0], layer.pool_size, (1,) * rank),
        **extra,
    )
    return _channels_last(g, y, rank, name)


@converts(
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D"
)
def global_pooling(g, layer, inputs, shapes):
    op = "ReduceMax" if "Max" in type(layer).__name__ else "ReduceMean"
    return g.reduce(op, inputs[0], range(1, layer.rank + 1), layer.name, keepdims=layer.keepdims)


# --- recurrent -----------------------------------------------------------------------------------
_ONNX_ACTIVATION = {"tanh": "Tanh", "sigmoid": "Sigmoid", "relu": "Relu"}
#: the gate order of ONNX's operators, as positions in Keras' order
_GATES = {
    "SimpleRNN": ("RNN", [0]),
    "LSTM": ("LSTM", [0, 3, 1, 2]),  # Keras i f c o → ONNX i o f c
    "GRU": ("GRU", [0, 1, 2]),
}  # z r h in both


def _gate_rows(matrix, order, units):
    """Keras' (in, G·units) matrix as ONNX's (G·units, in) with the gates in ONNX's order."""
    return numpy.concatenate([matrix[:, k * units : (k + 1) * units] for k in order], axis=1).T


def _onnx_activation(layer, name):
    if name not in _ONNX_ACTIVATION:
        raise UnsupportedLayer(f"{type(layer).__name__} with activation {name!r}")
    return _ONNX_ACTIVATION[name]


def recurrent(g, layer, inputs, shapes, time_order: bool = False):
    """ONNX's RNN/LSTM/GRU operator over (time, batch, features); outputs as the layer returns
    them. ``time_order``: a go_backwards layer's sequence in the input's time order (as
    Bidirectional uses it) rather than reversed."""
    kind = type(layer).__name__
    op, order = _GATES[kind]
    name, units = layer.name, layer.units
    w = g.const(_gate_rows(layer.kernel.numpy(), order, units)[None], f"{name}/W")
    r = g.const(_gate_rows(layer.recurrent_kernel.numpy(), order, units)[None], f"{name}/R")
    columns = len(order) * units
    if layer.bias is None:
        bias = numpy.zeros(2 * columns, numpy.float32)
    elif kind == "GRU" and layer.reset_after:
        bias = numpy.concatenate([layer.bias.numpy()[0], layer.bias.numpy()[1]])
    elif kind == "GRU":
        raise UnsupportedLayer("GRU with reset_after=False")
    else:
        kernel_bias = _gate_rows(layer.bias.numpy()[None], order, units)[:, 0]
        bias = numpy.concatenate([kernel_bias, numpy.zeros(columns, numpy.float32)])
    acts = (
        [layer.activation]
        if kind == "SimpleRNN"
        else [layer.recurrent_activation] + [layer.activation] * (len(order) - 2)
    )  # f; g (and h)
    attributes = {
        "hidden_size": units,
        "activations": [_onnx_activation(layer, a) for a in acts],
        "direction": "reverse" if layer.go_backwards else "forward",
    }
    if kind == "GRU":
        attributes["linear_before_reset"] = 1
    x = g.transpose(inputs[0], [1, 0, 2], f"{name}/time_major")
    states = [
        g.op("Unsqueeze", [s, g.const([0], f"{name}/axis")], f"{name}/state") for s in inputs[1:]
    ]
    node_inputs = [x, w, r, g.const(bias[None], f"{name}/B"), ""] + states
    n_out = 3 if kind == "LSTM" else 2
    outs = g.op(op, node_inputs, name, outputs=n_out, **attributes)
    finals = [g.op("Squeeze", [s, g.const([0], f"{name}/axis")], f"{name}/final") for s in outs[1:]]
    if layer.return_sequences:
        y = g.op("Squeeze", [outs[0], g.const([1], f"{name}/axis")], name)  # (time, batch, units)
        if layer.go_backwards and not time_order:  # Keras: reversed
            y = g.op(
                "Slice",
                [
                    y,
                    g.const([-1], f"{name}/start"),
                    g.const([-(2**62)], f"{name}/end"),
                    g.const([0], f"{name}/axis"),
                    g.const([-1], f"{name}/step"),
                ],
                name,
            )
        y = g.transpose(y, [1, 0, 2], name)
    else:
        y = finals[0]
    return [y, *finals] if layer.return_state else y


for _kind in _GATES:
    CONVERTERS[_kind] = recurrent


@converts("Bidirectional")
def bidirectional(g, layer, inputs, shapes):
    n = len(layer.forward_layer.state_names)
    forward = recurrent(g, layer.forward_layer, [inputs[0], *inputs[1 : 1 + n]], shapes)
    backward = recurrent(
        g, layer.backward_layer, [inputs[0], *inputs[1 + n :]], shapes, time_order=True
    )
    f_states, b_states = [], []
    if layer.return_state:
        (forward, *f_states), (backward, *b_states) = forward, backward
    mode = layer.merge_mode
    if mode is None:
        y = [forward, backward]
    elif mode == "concat":
        y = [g.op("Concat", [forward, backward], layer.name, axis=-1)]
    else:
        op = {"sum": "Add", "mul": "Mul", "ave": "Mean"}[mode]
        y = [g.op(op, [forward, backward], layer.name)]
    if not layer.return_state:
        return y if mode is None else y[0]
    return [*y, *f_states, *b_states]
