"""ONNX import: an ``.onnx`` file as a profundo functional model of ordinary layers.

>>> model = pf.io.import_onnx("model.onnx")       # exported by profundo, or by torch.onnx.export
... # doctest: +SKIP
>>> model.predict(x)                               # the same outputs as ONNX Runtime's
... # doctest: +SKIP

Each ONNX node becomes the layer that computes it: Gemm, or MatMul (+ Add of a vector), a
Dense; Conv a Conv2D/Conv1D (DepthwiseConv2D for one group per channel); ConvTranspose a
Conv2DTranspose; pools and global pools;
Relu, Sigmoid, Softmax... activations; Add/Mul/Sub/Div by a constant a ``Rescaling`` (so a
batch normalization folded into a scale and a shift comes back as one); Add/Sum, Mul, Max, Min,
Mean of tensors the merge layers; Concat, Flatten, Reshape, Transpose (``Permute``), Gather of a
table (``Embedding``); RNN/LSTM/GRU (forward or reverse, with the transposes, squeezes and the
time reversal around them) SimpleRNN/LSTM/GRU layers; LayerNormalization, or the primitives
of one (mean, centre, variance, √, divide, scale, shift), a LayerNormalization layer; Gelu, or
GELU's erf formula, and the step (Less, Not, Cast), activations; Identity, Dropout and Cast
pass through.
Another operator gets an error naming it.

Images: profundo is channels-last. A tensor that ONNX holds channels-first (NCHW, as PyTorch's
exports and profundo's own around a convolution) is kept as its channels-last transpose and
turned back (``Permute``) only where an operator needs ONNX's order (a Flatten of a feature map,
a model output). A channels-first model input stays channels-first: the model takes NCHW arrays,
as the original did.

Reading never runs code from the file, never follows external data files, and refuses files
over ``MAX_BYTES``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy

from ..layers.activation import ELU, LeakyReLU, ReLU, Softmax
from ..layers.conv import Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D
from ..layers.core import Activation, Dense, Flatten, Input, Permute, Reshape
from ..layers.embedding import Embedding
from ..layers.merge import (
    Add,
    Average,
    Concatenate,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
)
from ..layers.normalization import LayerNormalization
from ..layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPooling1D,
    MaxPooling2D,
)
from ..layers.preprocessing import Rescaling
from ..layers.recurrent import GRU, LSTM, SimpleRNN
from ..layers.reshaping import ZeroPadding2D
from ..ops.activation import SELU_ALPHA, SELU_SCALE
from ..ops.windows import Windows
from .onnx_layers import transposed_crop

MAX_BYTES = 2**31  #: the largest file read (protobuf's own limit)


class OnnxImportError(ValueError):
    """The ONNX file uses an operator (or a setting) that has no profundo layer here."""


_UNARY = {
    "Relu": "relu",
    "Sigmoid": "sigmoid",
    "Tanh": "tanh",
    "Softplus": "softplus",
    "Softsign": "softsign",
    "Exp": "exponential",
}
_MERGES = {
    "Sum": Add,
    "Add": Add,
    "Mul": Multiply,
    "Sub": Subtract,
    "Max": Maximum,
    "Min": Minimum,
    "Mean": Average,
}


class _Importer:
    def __init__(self, proto):
        from onnx import numpy_helper

        self.graph = proto.graph
        self.consts = {t.name: numpy_helper.to_array(t) for t in self.graph.initializer}
        for node in self.graph.node:
            if node.op_type == "Constant":
                self.consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
        self.values = {}  # ONNX name → (symbolic tensor, channels_first: bool)
        self.names = set()
        self.consumers = {}
        for node in self.graph.node:
            for name in node.input:
                self.consumers.setdefault(name, []).append(node)
        self.folded_bias = {}  # id of a MatMul node → the vector of the Add that follows it
        self.skipped = set()  # ids of Add nodes folded into a Dense
        self.alias = {}  # a folded MatMul's output → the Add's output it stands for
        self.patterns = {}  # id of a node → the handler that replaces its chain of nodes

    # --- helpers ---------------------------------------------------------------------------------
    def layer_name(self, node) -> str:
        base = (
            re.sub(r"[^0-9A-Za-z_]+", "_", node.name or node.output[0]).strip("_").lower()
            or node.op_type.lower()
        )
        name, n = base, 0
        while name in self.names:
            n += 1
            name = f"{base}_{n}"
        self.names.add(name)
        return name

    @staticmethod
    def attrs(node) -> dict:
        from onnx import helper

        return {a.name: helper.get_attribute_value(a) for a in node.attribute}

    def error(self, node, what) -> OnnxImportError:
        return OnnxImportError(
            f"import_onnx: node {node.name or node.output[0]!r} ({node.op_type}): {what}"
        )

    def plain(self, value):
        """The tensor in ONNX's own axis order (undo the channels-last keeping)."""
        sym, first = value
        if not first:
            return sym
        rank = len(sym.shape) - 2
        return Permute((rank + 1, *range(1, rank + 1)))(sym)

    def channels_last(self, value):
        """A channels-first tensor as profundo keeps it (channels last)."""
        sym, first = value
        if first:
            return sym
        rank = len(sym.shape) - 2
        return Permute((*range(2, rank + 2), 1))(sym)

    def vector(self, node, const, value):
        """A constant that broadcasts against ``value`` along its channels: as a vector (or a
        number) for ``Rescaling``."""
        sym, first = value
        const = numpy.asarray(const, dtype=numpy.float64)
        if const.size == 1:
            return float(const.reshape(()))
        channels = sym.shape[-1]
        shape = [n for n in const.shape]
        if first:  # ONNX: (C, 1, 1) or (1, C, 1, 1) against N C H W
            ok = (
                const.size == channels
                and (len(shape) >= len(sym.shape) - 1)
                and shape[-(len(sym.shape) - 1)] == channels
            )
        else:  # against the last axis
            ok = const.size == channels and shape[-1] == channels
        if not ok:
            raise self.error(
                node,
                f"a constant of shape {const.shape} does not scale the "
                f"channels of a tensor of shape {sym.shape}",
            )
        return const.reshape(-1)

    # --- the walk ---------------------------------------------------------------------------------
    def run(self):
        from ..models.model import Model

        inputs = []
        for value in self.graph.input:
            if value.name in self.consts:
                continue
            dims = [
                d.dim_value if d.HasField("dim_value") else None
                for d in value.type.tensor_type.shape.dim
            ]
            sym = Input(tuple(dims[1:]), name=self.layer_name(_Named(value.name)))
            inputs.append(sym)
            self.values[value.name] = (sym, False)
        self.plan_folds()
        self.plan_activations()
        for node in self.graph.node:
            if node.op_type == "Constant" or id(node) in self.skipped:
                continue
            handler = self.patterns.get(id(node)) or getattr(self, f"op_{node.op_type}", None)
            if handler is None:
                raise self.error(node, "this operator is not imported")
            outs = handler(node)
            for name, value in zip(node.output, outs if isinstance(outs, list) else [outs]):
                self.values[name] = value
        outputs = [self.plain(self.values[o.name]) for o in self.graph.output]
        return Model(
            inputs,
            outputs if len(outputs) > 1 else outputs[0],
            name=re.sub(r"[^0-9A-Za-z_]+", "_", self.graph.name or "onnx_model"),
        )

    def plan_activations(self):
        """Activations that ONNX writes as several nodes, each replaced by one layer at its first
        node: GELU ½x(1 + erf(x/√2)) (x·(1/√2) or x/√2, Erf, + 1, · x, · ½, in either order
        of the last two) and the step 1[x ≥ 0] (Less than 0, Not, Cast)."""
        for node in self.graph.node:
            if node.op_type == "Erf":
                chain = self.gelu_chain(node)
            elif node.op_type == "Less":
                chain = self.step_chain(node)
            else:
                continue
            if chain is None:
                continue
            first, last, x, name, nodes = chain
            self.skipped.update(id(n) for n in nodes if n is not first)

            def handler(node, x=x, last=last, name=name):
                sym, layout = self.get(x)
                out = Activation(name, name=self.layer_name(node))(sym)
                self.values[last.output[0]] = (out, layout)
                return out, layout

            self.patterns[id(first)] = handler

    def gelu_chain(self, erf):
        scale = self.producer(erf.input[0])
        if scale is None or scale.op_type not in ("Mul", "Div"):
            return None
        x, c = scale.input if scale.input[1] in self.consts else scale.input[::-1]
        if c not in self.consts or self.consts[c].size != 1:
            return None
        c = float(self.consts[c].reshape(()))
        if not numpy.isclose(c if scale.op_type == "Mul" else 1 / c, 1 / numpy.sqrt(2), rtol=1e-5):
            return None
        plus = self.only_user(erf.output[0], "Add")
        times = plus and self.only_user(plus.output[0], "Mul")
        if times is None or x not in times.input:
            return None
        half = self.only_user(times.output[0], "Mul")
        consts = half and [n for n in half.input if n in self.consts]
        if not consts or not numpy.isclose(float(self.consts[consts[0]].reshape(())), 0.5):
            return None
        one = [n for n in plus.input if n in self.consts]
        if not one or not numpy.isclose(float(self.consts[one[0]].reshape(())), 1.0):
            return None
        return scale, half, x, "gelu", [scale, erf, plus, times, half]

    def step_chain(self, less):
        x, zero = less.input
        if zero not in self.consts or float(self.consts[zero].reshape(-1)[0]) != 0:
            return None
        negate = self.only_user(less.output[0], "Not")
        cast = negate and self.only_user(negate.output[0], "Cast")
        if cast is None:
            return None
        return less, cast, x, "step", [less, negate, cast]

    def producer(self, name):
        for node in self.graph.node:
            if name in node.output:
                return node
        return None

    def plan_folds(self):
        """MatMul by a matrix whose only consumer adds a vector: one Dense with that bias."""
        for node in self.graph.node:
            if node.op_type != "MatMul" or node.input[1] not in self.consts:
                continue
            users = self.consumers.get(node.output[0], [])
            if len(users) == 1 and users[0].op_type == "Add":
                add = users[0]
                other = [n for n in add.input if n != node.output[0]]
                units = self.consts[node.input[1]].shape[-1]
                if (
                    len(other) == 1
                    and other[0] in self.consts
                    and self.consts[other[0]].size == units
                ):
                    self.folded_bias[id(node)] = self.consts[other[0]].reshape(units)
                    self.skipped.add(id(add))
                    self.alias[node.output[0]] = add.output[0]

    def only_user(self, name, op_type, *, inputs=None):
        """The one node consuming ``name``, if it is an ``op_type`` (with these inputs)."""
        users = self.consumers.get(name, [])
        found = {
            id(u): u
            for u in users
            if u.op_type == op_type and (inputs is None or list(u.input) == inputs)
        }
        return next(iter(found.values())) if len(found) == 1 else None

    def layer_norm_pattern(self, node):
        """The nodes of a layer normalization written in primitives, from its first ReduceMean:
        c = x − mean(x); y = c / √(mean(c·c) + ε) [· γ] [+ β]. Returns (nodes, ε, γ, β) or None."""
        x = node.input[0]
        sub = self.only_user(node.output[0], "Sub", inputs=[x, node.output[0]])
        if sub is None:
            return None
        c = sub.output[0]
        square = self.only_user(c, "Mul", inputs=[c, c])
        var = square and self.only_user(square.output[0], "ReduceMean")
        add = var and self.only_user(var.output[0], "Add")
        sqrt = add and self.only_user(add.output[0], "Sqrt")
        div = sqrt and self.only_user(c, "Div", inputs=[c, sqrt.output[0]])
        if div is None or self.reduce_axes(var) != self.reduce_axes(node):
            return None
        eps = [n for n in add.input if n in self.consts]
        if len(eps) != 1 or self.consts[eps[0]].size != 1:
            return None
        nodes, end, scales = [node, sub, square, var, add, sqrt, div], div, {}
        for op, key in (("Mul", "gamma"), ("Add", "beta")):
            nxt = self.only_user(end.output[0], op)
            const = nxt and [n for n in nxt.input if n in self.consts]
            if nxt is not None and len(self.consumers.get(end.output[0], [])) == 1 and const:
                scales[key] = self.consts[const[0]]
                nodes.append(nxt)
                end = nxt
        return (
            nodes,
            float(self.consts[eps[0]].reshape(())),
            scales.get("gamma"),
            scales.get("beta"),
        )

    def reduce_axes(self, node):
        axes = self.attrs(node).get("axes")
        if axes is None and len(node.input) > 1:
            axes = self.consts[node.input[1]].tolist()
        return sorted(axes) if axes is not None else None

    def get(self, name):
        value = self.values[name]
        if isinstance(value, _Recurrent):
            raise OnnxImportError(
                f"import_onnx: {name!r}, a recurrent operator's {value.kind} "
                f"tensor, is used by an operator that needs it batch-first"
            )
        return value

    def recurrent_value(self, node, index=0, kind=None):
        value = self.values[node.input[index]]
        if not isinstance(value, _Recurrent) or (kind and value.kind != kind):
            raise self.error(
                node, f"input {index} must be a recurrent operator's {kind or 'time-major'} tensor"
            )
        return value

    def emit(self, layer, value, first, weights=None):
        out = layer(value)
        if weights is not None:
            layer.set_weights(weights)
        return out, first

    # --- operators --------------------------------------------------------------------------------
    def op_Identity(self, node):
        return self.get(node.input[0])

    op_Dropout = op_Cast = op_Identity

    def op_Transpose(self, node):
        perm = self.attrs(node).get("perm")
        value = self.values[node.input[0]]
        if perm == [1, 0, 2]:  # batch-first ↔ time-first, around a recurrent operator
            if isinstance(value, _Recurrent):
                if value.kind != "time_major" or value.reversed:
                    raise self.error(node, "a reversed or per-direction sequence")
                return value.sym, False
            return _Recurrent(self.plain(value), "time_major")
        sym, first = self.get(node.input[0])
        perm = list(perm if perm is not None else reversed(range(len(sym.shape))))
        rank = len(sym.shape) - 2
        to_first, to_last = [0, rank + 1, *range(1, rank + 1)], [0, *range(2, rank + 2), 1]
        if rank >= 1 and not first and perm == to_first:
            return sym, True
        if rank >= 1 and first and perm == to_last:
            return sym, False
        if perm[0] != 0:
            raise self.error(node, f"a transpose that moves the batch axis ({perm})")
        return Permute(tuple(perm[1:]), name=self.layer_name(node))(self.plain((sym, first))), False

    # --- recurrent operators and the reshaping around them ------------------------------------
    def op_Unsqueeze(self, node):
        axes = self.attrs(node).get("axes") or self.consts[node.input[1]].tolist()
        sym, first = self.get(node.input[0])
        if list(axes) != [0] or first or len(sym.shape) != 2:
            raise self.error(node, f"an unsqueeze other than an initial state's (axes {axes})")
        return _Recurrent(sym, "state")

    def op_Squeeze(self, node):
        axes = self.attrs(node).get("axes") or self.consts[node.input[1]].tolist()
        value = self.values[node.input[0]]
        if isinstance(value, _Recurrent) and value.kind == "state" and list(axes) == [0]:
            return value.sym, False
        if isinstance(value, _Recurrent) and value.kind == "sequence" and list(axes) == [1]:
            return _Recurrent(value.sym, "time_major", value.reversed)
        raise self.error(
            node, f"a squeeze other than of a recurrent operator's output (axes {axes})"
        )

    def op_Slice(self, node):
        value = self.recurrent_value(node, 0, "time_major")
        start, end, axes, steps = (self.consts[n].tolist() for n in node.input[1:5])
        if axes != [0] or steps != [-1] or start != [-1] or end[0] > -(2**31):
            raise self.error(node, "a slice other than the reversal of the time axis")
        if not value.reversed:
            raise self.error(node, "the reversal of a sequence in its original order")
        return _Recurrent(value.sym, "time_major", False)

    def op_RNN(self, node):
        return self.recurrent(node, SimpleRNN, 1)

    def op_LSTM(self, node):
        return self.recurrent(node, LSTM, 4)

    def op_GRU(self, node):
        return self.recurrent(node, GRU, 3)

    def recurrent(self, node, cls, gates):
        """ONNX's RNN/LSTM/GRU as profundo's layer (returning its sequence and states): the
        weights back to Keras' layout and gate order."""
        a = self.attrs(node)
        kind = cls.__name__
        direction = a.get("direction", b"forward")
        direction = direction.decode() if isinstance(direction, bytes) else direction
        if direction not in ("forward", "reverse"):
            raise self.error(node, f"direction {direction!r} (a Bidirectional is two operators)")
        if (
            (len(node.input) > 4 and node.input[4])
            or (len(node.input) > 7 and node.input[7])
            or a.get("clip")
            or a.get("input_forget", 0)
        ):
            raise self.error(node, "sequence lengths, peepholes, clipping or coupled gates")
        if kind == "GRU" and not a.get("linear_before_reset", 0):
            raise self.error(node, "linear_before_reset=0 (reset_after=False)")
        names = [
            n.decode() if isinstance(n, bytes) else n
            for n in a.get(
                "activations",
                {
                    "SimpleRNN": ["Tanh"],
                    "LSTM": ["Sigmoid", "Tanh", "Tanh"],
                    "GRU": ["Sigmoid", "Tanh"],
                }[kind],
            )
        ]
        known = {"Tanh": "tanh", "Sigmoid": "sigmoid", "Relu": "relu"}
        if any(n not in known for n in names) or (kind == "LSTM" and names[1] != names[2]):
            raise self.error(node, f"activations {names}")
        x = self.recurrent_value(node, 0, "time_major")
        if x.reversed:
            raise self.error(node, "a reversed input sequence")
        units = a["hidden_size"]
        order = {"SimpleRNN": [0], "LSTM": [0, 3, 1, 2], "GRU": [0, 1, 2]}[kind]
        back = [order.index(k) for k in range(gates)]  # Keras gate k ← ONNX gate back[k]

        def keras_columns(rows):  # (G·units, n) → (n, G·units)
            return numpy.concatenate([rows[b * units : (b + 1) * units] for b in back], axis=0).T

        w, r = self.consts[node.input[1]][0], self.consts[node.input[2]][0]
        bias = self.consts[node.input[3]][0] if len(node.input) > 3 and node.input[3] else None
        settings = {"activation": known[names[-1] if kind != "SimpleRNN" else names[0]]}
        if kind != "SimpleRNN":
            settings["recurrent_activation"] = known[names[0]]
        if kind == "GRU":
            settings["reset_after"] = True
        layer = cls(
            units,
            use_bias=bias is not None,
            return_sequences=True,
            return_state=True,
            go_backwards=direction == "reverse",
            name=self.layer_name(node),
            **settings,
        )
        states = [
            self.recurrent_value(node, i, "state").sym
            for i in (5, 6)
            if len(node.input) > i and node.input[i]
        ]
        outs = layer(x.sym, initial_state=states or None)
        weights = [keras_columns(w), keras_columns(r)]
        if bias is not None:
            w_b, r_b = bias[: gates * units], bias[gates * units :]
            if kind == "GRU":
                weights.append(
                    numpy.stack([keras_columns(w_b[:, None])[0], keras_columns(r_b[:, None])[0]])
                )
            else:
                weights.append(keras_columns((w_b + r_b)[:, None])[0])
        layer.set_weights(weights)
        seq, *finals = outs
        return [
            _Recurrent(seq, "sequence", layer.go_backwards),
            *[_Recurrent(f, "state") for f in finals],
        ]

    def op_Gemm(self, node):
        a = self.attrs(node)
        if a.get("transA", 0):
            raise self.error(node, "transA=1")
        kernel = self.consts[node.input[1]]
        kernel = (kernel.T if a.get("transB", 0) else kernel) * a.get("alpha", 1.0)
        bias = (
            self.consts[node.input[2]] * a.get("beta", 1.0)
            if len(node.input) > 2 and node.input[2]
            else None
        )
        x = self.plain(self.get(node.input[0]))
        return self.dense(node, x, kernel, bias)

    def dense(self, node, x, kernel, bias):
        units = kernel.shape[1]
        if bias is not None:
            bias = numpy.broadcast_to(bias, (units,))
        layer = Dense(units, use_bias=bias is not None, name=self.layer_name(node))
        weights = [kernel] + ([bias] if bias is not None else [])
        return self.emit(layer, x, False, weights)

    def op_MatMul(self, node):
        if node.input[1] not in self.consts or self.consts[node.input[1]].ndim != 2:
            raise self.error(node, "a product with something other than a constant matrix")
        out = self.dense(
            node,
            self.plain(self.get(node.input[0])),
            self.consts[node.input[1]],
            self.folded_bias.get(id(node)),
        )
        alias = self.alias.get(node.output[0])
        if alias is not None:
            self.values[alias] = out
        return out

    def conv_padding(self, node, sym, kernel, strides, dilation):
        """("valid" or "same", an explicit ZeroPadding2D's pads or None)."""
        a = self.attrs(node)
        auto = a.get("auto_pad", b"NOTSET")
        auto = auto.decode() if isinstance(auto, bytes) else auto
        if auto in ("SAME_UPPER",):
            return "same", None
        if auto not in ("NOTSET", "VALID"):
            raise self.error(node, f"auto_pad={auto}")
        rank = len(kernel)
        pads = list(a.get("pads", [0] * 2 * rank))
        pairs = list(zip(pads[:rank], pads[rank:]))
        if not any(pads):
            return "valid", None
        spatial = sym.shape[1:-1]
        if (
            None not in spatial
            and [tuple(p) for p in Windows(spatial, kernel, strides, dilation, "same").pads]
            == pairs
        ):
            return "same", None
        if rank == 1 and pairs == [((kernel[0] - 1) * dilation[0], 0)]:
            return "causal", None
        return "valid", pairs

    def op_Conv(self, node):
        a = self.attrs(node)
        weight = self.consts[node.input[1]]  # (O, I/g, *k)
        bias = self.consts[node.input[2]] if len(node.input) > 2 and node.input[2] else None
        rank = weight.ndim - 2
        if rank not in (1, 2):
            raise self.error(node, f"{rank}-D convolution")
        x = self.channels_last(self.get(node.input[0]))
        kernel = tuple(weight.shape[2:])
        strides = tuple(a.get("strides", [1] * rank))
        dilation = tuple(a.get("dilations", [1] * rank))
        group = a.get("group", 1)
        padding, explicit = self.conv_padding(node, x, kernel, strides, dilation)
        if explicit is not None:
            if rank != 2:
                raise self.error(node, f"padding {explicit}")
            x = ZeroPadding2D(tuple(explicit))(x)
        channels, out = x.shape[-1], weight.shape[0]
        name = self.layer_name(node)
        if group > 1 and group == channels and rank == 2:
            m = out // channels
            layer = DepthwiseConv2D(
                kernel,
                strides,
                padding,
                depth_multiplier=m,
                dilation_rate=dilation,
                use_bias=bias is not None,
                name=name,
            )
            k = weight.reshape(channels, m, *kernel).transpose(2, 3, 0, 1)
        else:
            cls = Conv2D if rank == 2 else Conv1D
            layer = cls(
                out,
                kernel,
                strides,
                padding,
                dilation,
                groups=group,
                use_bias=bias is not None,
                name=name,
            )
            k = weight.transpose(*range(2, rank + 2), 1, 0)
        return self.emit(layer, x, True, [k] + ([bias] if bias is not None else []))

    def op_ConvTranspose(self, node):
        """ConvTranspose as the Conv2DTranspose (padding, output_padding) that keeps the same
        rows of the full transposed convolution."""
        import itertools

        a = self.attrs(node)
        weight = self.consts[node.input[1]]  # (in, out, kh, kw)
        bias = self.consts[node.input[2]] if len(node.input) > 2 and node.input[2] else None
        if weight.ndim != 4 or a.get("group", 1) != 1 or "output_shape" in a:
            raise self.error(
                node, "a transposed convolution other than 2-D, one group, no output_shape"
            )
        x = self.channels_last(self.get(node.input[0]))
        if None in x.shape[1:3]:
            raise self.error(node, "images of unknown size")
        kernel, strides = tuple(weight.shape[2:]), tuple(a.get("strides", [1, 1]))
        dilation = tuple(a.get("dilations", [1, 1]))
        pads, extra = list(a.get("pads", [0] * 4)), list(a.get("output_padding", [0, 0]))
        want = [(p, n_extra) for p, n_extra in zip(pads[:2], extra)], pads[2:]
        options = [None, *itertools.product(*(range(s) for s in strides))]
        for padding, output_padding in itertools.product(("valid", "same"), options):
            layer = Conv2DTranspose(
                weight.shape[1],
                kernel,
                strides,
                padding,
                output_padding=output_padding,
                dilation_rate=dilation,
                use_bias=bias is not None,
                name=self.layer_name(node),
            )
            if transposed_crop(layer, x.shape[1:3]) == want:
                k = weight.transpose(2, 3, 1, 0)  # (kh, kw, out, in)
                return self.emit(layer, x, True, [k] + ([bias] if bias is not None else []))
            self.names.discard(layer.name)
        raise self.error(node, f"pads {pads} with output_padding {extra}")

    def pool(self, node, kind):
        a = self.attrs(node)
        if a.get("ceil_mode", 0):
            raise self.error(node, "ceil_mode=1")
        kernel = tuple(a["kernel_shape"])
        rank = len(kernel)
        x = self.channels_last(self.get(node.input[0]))
        strides = tuple(a.get("strides", [1] * rank))
        padding, explicit = self.conv_padding(node, x, kernel, strides, (1,) * rank)
        if explicit is not None or padding == "causal":
            raise self.error(node, f"pads {a.get('pads')} (only none or 'same')")
        if kind == "avg" and padding == "same" and a.get("count_include_pad", 0):
            raise self.error(node, "count_include_pad=1 with padding")
        cls = {
            ("max", 2): MaxPooling2D,
            ("max", 1): MaxPooling1D,
            ("avg", 2): AveragePooling2D,
            ("avg", 1): AveragePooling1D,
        }[kind, rank]
        return self.emit(cls(kernel, strides, padding, name=self.layer_name(node)), x, True)

    def op_MaxPool(self, node):
        return self.pool(node, "max")

    def op_AveragePool(self, node):
        return self.pool(node, "avg")

    def global_pool(self, node, kind, keepdims, axes=None):
        sym, first = self.get(node.input[0])
        rank = len(sym.shape) - 2
        spatial_first, spatial_last = list(range(2, rank + 2)), list(range(1, rank + 1))
        if axes is not None:
            axes = sorted(a % len(sym.shape) for a in axes)
            if axes != (spatial_first if first else spatial_last):
                raise self.error(
                    node,
                    f"a reduction over axes {axes} of a tensor of shape "
                    f"{sym.shape} (only over the spatial axes)",
                )
        elif not first:
            sym, first = self.channels_last((sym, False)), True
        cls = {
            ("max", 2): GlobalMaxPooling2D,
            ("max", 1): GlobalMaxPooling1D,
            ("avg", 2): GlobalAveragePooling2D,
            ("avg", 1): GlobalAveragePooling1D,
        }[kind, rank]
        return self.emit(
            cls(keepdims=keepdims, name=self.layer_name(node)), sym, first and keepdims
        )

    def op_GlobalAveragePool(self, node):
        return self.global_pool(node, "avg", True)

    def op_GlobalMaxPool(self, node):
        return self.global_pool(node, "max", True)

    def reduce(self, node, kind):
        a = self.attrs(node)
        axes = a.get("axes")
        if axes is None and len(node.input) > 1:
            axes = self.consts[node.input[1]].tolist()
        return self.global_pool(node, kind, bool(a.get("keepdims", 1)), axes)

    def op_ReduceMean(self, node):
        pattern = self.layer_norm_pattern(node)
        if pattern is None:
            return self.reduce(node, "avg")
        nodes, epsilon, gamma, beta = pattern
        sym = self.plain(self.get(node.input[0]))
        axes = [a % len(sym.shape) for a in self.reduce_axes(node)]
        layer = LayerNormalization(
            axis=axes,
            epsilon=epsilon,
            center=beta is not None,
            scale=gamma is not None,
            name=self.layer_name(node),
        )
        out = layer(sym)
        shape = layer.param_shape
        layer.set_weights([w.reshape(shape) for w in (gamma, beta) if w is not None])
        self.skipped.update(id(n) for n in nodes[1:])
        self.values[nodes[-1].output[0]] = (out, False)
        return out, False

    def op_LayerNormalization(self, node):
        a = self.attrs(node)
        sym = self.plain(self.get(node.input[0]))
        ndim = len(sym.shape)
        axes = list(range(a.get("axis", -1) % ndim, ndim))
        bias = self.consts[node.input[2]] if len(node.input) > 2 and node.input[2] else None
        layer = LayerNormalization(
            axis=axes,
            epsilon=a.get("epsilon", 1e-5),
            center=bias is not None,
            name=self.layer_name(node),
        )
        out = layer(sym)
        gamma = self.consts[node.input[1]].reshape(layer.param_shape)
        layer.set_weights([gamma] + ([bias.reshape(layer.param_shape)] if bias is not None else []))
        return out, False

    def op_ReduceMax(self, node):
        return self.reduce(node, "max")

    def op_Flatten(self, node):
        if self.attrs(node).get("axis", 1) != 1:
            raise self.error(node, "axis other than 1")
        sym, first = self.get(node.input[0])
        if first and all(n == 1 for n in sym.shape[1:-1]):
            x = sym  # 1 × 1 maps: the orders agree
        else:
            x = self.plain((sym, first))
        return self.emit(Flatten(name=self.layer_name(node)), x, False)

    def op_Reshape(self, node):
        shape = [int(n) for n in self.consts[node.input[1]]]
        x = self.plain(self.get(node.input[0]))
        if shape[0] not in (0, -1) and -1 not in shape[1:]:
            shape[0] = 0
        if shape[0] == -1 and -1 in shape[1:]:
            raise self.error(node, f"shape {shape} leaves the batch size unknown")
        target = tuple(shape[1:])
        if len(target) == 1:
            return self.emit(Flatten(name=self.layer_name(node)), x, False)
        return self.emit(Reshape(target, name=self.layer_name(node)), x, False)

    def arithmetic(self, node, op):
        a, b = node.input[:2]
        if a in self.consts and b in self.consts:
            raise self.error(node, "arithmetic on constants only")
        if a in self.consts or b in self.consts:
            const_first = a in self.consts
            value = self.get(b if const_first else a)
            c = self.vector(node, self.consts[a if const_first else b], value)
            scale, offset = {
                ("Add", False): (1.0, c),
                ("Add", True): (1.0, c),
                ("Mul", False): (c, 0.0),
                ("Mul", True): (c, 0.0),
                ("Sub", False): (1.0, _neg(c)),
                ("Sub", True): (-1.0, c),
            }.get((op, const_first), (None, None))
            if op == "Div" and not const_first:
                scale, offset = _inv(c), 0.0
            if scale is None:
                raise self.error(node, "a constant divided by a tensor")
            return self.emit(
                Rescaling(_list(scale), _list(offset), name=self.layer_name(node)),
                value[0],
                value[1],
            )
        return self.merge(node, op)

    def merge(self, node, op):
        if op not in _MERGES:
            raise self.error(node, f"{op} of two tensors")
        values = [self.get(n) for n in node.input]
        if len({first for _, first in values}) > 1:
            values = [(self.plain(v), False) for v in values]
        return self.emit(
            _MERGES[op](name=self.layer_name(node)), [s for s, _ in values], values[0][1]
        )

    def op_Add(self, node):
        return self.arithmetic(node, "Add")

    def op_Mul(self, node):
        return self.arithmetic(node, "Mul")

    def op_Sub(self, node):
        return self.arithmetic(node, "Sub")

    def op_Div(self, node):
        return self.arithmetic(node, "Div")

    def op_Sum(self, node):
        return self.merge(node, "Sum") if len(node.input) > 1 else self.get(node.input[0])

    def op_Max(self, node):
        return self.merge(node, "Max")

    def op_Min(self, node):
        return self.merge(node, "Min")

    def op_Mean(self, node):
        return self.merge(node, "Mean")

    def op_Concat(self, node):
        axis = self.attrs(node)["axis"]
        values = [self.get(n) for n in node.input]
        ndim = len(values[0][0].shape)
        if all(first for _, first in values) and axis % ndim == 1:
            syms, first, axis = [s for s, _ in values], True, -1
        else:
            syms, first = [self.plain(v) for v in values], False
        return self.emit(Concatenate(axis=axis, name=self.layer_name(node)), syms, first)

    def unary(self, node, layer):
        sym, first = self.get(node.input[0])
        return self.emit(layer, sym, first)

    def __getattr__(self, name):
        if name.startswith("op_") and name[3:] in _UNARY:
            return lambda node: self.unary(
                node, Activation(_UNARY[name[3:]], name=self.layer_name(node))
            )
        raise AttributeError(name)

    def op_Gelu(self, node):
        approximate = self.attrs(node).get("approximate", b"none")
        if (approximate.decode() if isinstance(approximate, bytes) else approximate) != "none":
            raise self.error(node, "the tanh approximation")
        return self.unary(node, Activation("gelu", name=self.layer_name(node)))

    def op_Elu(self, node):
        return self.unary(node, ELU(self.attrs(node).get("alpha", 1.0), name=self.layer_name(node)))

    def op_LeakyRelu(self, node):
        return self.unary(
            node, LeakyReLU(self.attrs(node).get("alpha", 0.01), name=self.layer_name(node))
        )

    def op_Selu(self, node):
        a = self.attrs(node)
        if not (
            numpy.isclose(a.get("alpha", SELU_ALPHA), SELU_ALPHA)
            and numpy.isclose(a.get("gamma", SELU_SCALE), SELU_SCALE)
        ):
            raise self.error(node, "alpha and gamma other than SELU's")
        return self.unary(node, Activation("selu", name=self.layer_name(node)))

    def op_HardSigmoid(self, node):
        a = self.attrs(node)
        if not (
            numpy.isclose(a.get("alpha", 0.2), 1 / 6) and numpy.isclose(a.get("beta", 0.5), 0.5)
        ):
            raise self.error(node, "alpha and beta other than relu6(x + 3) / 6's")
        return self.unary(node, Activation("hard_sigmoid", name=self.layer_name(node)))

    def op_Clip(self, node):
        bounds = [float(self.consts[n]) if n else None for n in list(node.input[1:3])]
        if len(bounds) < 2 or bounds[0] != 0 or bounds[1] is None:
            raise self.error(node, "a clip other than to [0, max]")
        return self.unary(node, ReLU(max_value=bounds[1], name=self.layer_name(node)))

    def softmax(self, node, log):
        sym, first = self.get(node.input[0])
        axis = self.attrs(node).get("axis", -1) % len(sym.shape)
        last = len(sym.shape) - 1
        if (axis == 1 and first) or (axis == last and not first):
            layer = Activation("log_softmax" if log else "softmax", name=self.layer_name(node))
            return self.emit(layer, sym, first)
        if log:
            raise self.error(node, f"axis {axis}")
        return self.emit(
            Softmax(axis=axis, name=self.layer_name(node)), self.plain((sym, first)), False
        )

    def op_Softmax(self, node):
        return self.softmax(node, False)

    def op_LogSoftmax(self, node):
        return self.softmax(node, True)

    def op_Gather(self, node):
        table = self.consts.get(node.input[0])
        if table is None or table.ndim != 2 or self.attrs(node).get("axis", 0) != 0:
            raise self.error(node, "a gather other than rows of a constant table")
        layer = Embedding(table.shape[0], table.shape[1], name=self.layer_name(node))
        return self.emit(layer, self.plain(self.get(node.input[1])), False, [table])


class _Recurrent:
    """An ONNX tensor around a recurrent operator, kept as a batch-first profundo tensor ``sym``:
    ``time_major`` (time, batch, features), ``sequence`` (time, 1, batch, units) or ``state``
    (1, batch, units); ``reversed``: ``sym`` runs backwards in time (a go_backwards layer)."""

    def __init__(self, sym, kind, reversed=False):
        self.sym, self.kind, self.reversed = sym, kind, reversed


class _Named:
    def __init__(self, name):
        self.name, self.output, self.op_type = name, [name], "input"


def _neg(c):
    return -c if isinstance(c, float) else -numpy.asarray(c)


def _inv(c):
    return 1 / c if isinstance(c, float) else 1 / numpy.asarray(c)


def _list(v):
    return v if isinstance(v, float) else [float(n) for n in numpy.asarray(v).reshape(-1)]


def import_onnx(source):
    """A profundo functional model computing what the ONNX model ``source`` (a path, bytes or an
    ``onnx.ModelProto``) computes."""
    try:
        import onnx
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError(
            "ONNX import needs the onnx package: pip install 'profundo[onnx]'"
        ) from None
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.stat().st_size > MAX_BYTES:
            raise OnnxImportError(f"import_onnx: {path} is larger than {MAX_BYTES} bytes")
        proto = onnx.load(str(path), load_external_data=False)
    elif isinstance(source, (bytes, bytearray)):
        proto = onnx.load_from_string(bytes(source))
    else:
        proto = source
    onnx.checker.check_model(proto)
    return _Importer(proto).run()
