"""ONNX converters of the attention layers, the position encodings, the group and unit
normalizations and the Transformer blocks (see ``onnx_layers`` for the converter protocol).

Attention is written out with standard operators: per head, scores = Q Kᵀ · scale (MatMul),
masked positions set to the lowest float before ``Softmax`` and their weights then multiplied by
0, so that a query that may see no key gives zeros as in profundo (never NaN); output = weights
V (MatMul). Masks given as inputs of the model (``attention_mask=``) arrive as float32 tensors
and are cast to booleans; the causal mask is built in the graph from the sequence lengths
(``Trilu``), so sequences of any length run. Padding masks carried from
``Embedding(mask_zero=True)`` are not exported (the export says so).
"""

from __future__ import annotations

import math

import numpy

from .onnx_layers import UnsupportedLayer, converts, dense, layer_normalization

_LOWEST = numpy.float32(numpy.finfo(numpy.float32).min)


def _axis(g, index: int, base: str) -> str:
    return g.const([index], f"{base}/axis")


def _steps(g, x: str, base: str) -> str:
    """The length of axis 1 of ``x`` as a 1-D int64 tensor."""
    return g.op(
        "Slice",
        [g.op("Shape", [x], base), _axis(g, 1, base), g.const([2], f"{base}/end")],
        base,
    )


def _causal(g, query: str, key: str, base: str) -> str:
    """The boolean (T, S) causal mask: query i sees keys j ≤ i (top-left aligned)."""
    size = g.op("Concat", [_steps(g, query, base), _steps(g, key, base)], base, axis=0)
    ones = g.op(
        "ConstantOfShape",
        [size],
        base,
        value=g.numpy_helper.from_array(numpy.ones(1, numpy.int64)),
    )
    return g.op("Cast", [g.op("Trilu", [ones], base, upper=0)], base, to=9)


def _as_bool(g, mask: str, base: str) -> str:
    return g.op("Cast", [mask], base, to=9)


def _and(g, masks, base: str):
    """The logical AND of the masks that are not None, or None."""
    masks = [m for m in masks if m is not None]
    out = masks[0] if masks else None
    for m in masks[1:]:
        out = g.op("And", [out, m], base)
    return out


def _masked_softmax(g, scores: str, allowed, base: str) -> str:
    """softmax over the last axis with masked positions at exactly 0 (fully masked rows: 0)."""
    if allowed is None:
        return g.op("Softmax", [scores], base, axis=-1)
    lowest = g.const(_LOWEST, f"{base}/lowest")
    weights = g.op("Softmax", [g.op("Where", [allowed, scores, lowest], base)], base, axis=-1)
    return g.op("Mul", [weights, g.op("Cast", [allowed], base, to=1)], base)


def _no_padding_masks(call_kwargs, *names):
    """Refuse a call given a mask under one of these names (the graph takes masks as inputs)."""
    for name in ("mask", *names):
        if call_kwargs.get(name) is not None:
            raise UnsupportedLayer(f"a call with {name}= (masks are not exported)")


# --- Luong and Bahdanau attention ----------------------------------------------------------------
@converts("Attention", "AdditiveAttention", call=True)
def attention(g, layer, inputs, shapes, call_kwargs):
    """weights = softmax(scores(Q, K)) over the keys; output = weights V."""
    _no_padding_masks(call_kwargs)
    name = layer.name
    query, value = inputs[0], inputs[1]
    key = inputs[2] if len(inputs) == 3 else value
    if type(layer).__name__ == "Attention" and layer.score_mode == "dot":
        scores = g.op("MatMul", [query, g.transpose(key, [0, 2, 1], f"{name}/key_t")], name)
        if layer.scale is not None:
            scores = g.op("Mul", [scores, g.const(layer.scale.numpy(), f"{name}/scale")], name)
    else:  # Σ_d s_d tanh(q_d + k_d) (additive), c · Σ_d tanh(s (q_d + k_d)) (concat)
        summed = g.op(
            "Add",
            [
                g.op("Unsqueeze", [query, _axis(g, 2, name)], name),
                g.op("Unsqueeze", [key, _axis(g, 1, name)], name),
            ],
            name,
        )
        concat = type(layer).__name__ == "Attention"
        if concat and layer.scale is not None:
            summed = g.op("Mul", [summed, g.const(layer.scale.numpy(), f"{name}/scale")], name)
        t = g.op("Tanh", [summed], name)
        if not concat and layer.scale is not None:
            t = g.op("Mul", [t, g.const(layer.scale.numpy(), f"{name}/scale")], name)
        scores = g.reduce("ReduceSum", t, [-1], name, keepdims=False)
        if concat:
            weight = g.const(layer.concat_score_weight.numpy(), f"{name}/concat_score_weight")
            scores = g.op("Mul", [scores, weight], name)
    allowed = _causal(g, query, key, name) if call_kwargs.get("use_causal_mask") else None
    weights = _masked_softmax(g, scores, allowed, name)
    out = g.op("MatMul", [weights, value], name)
    return [out, weights] if call_kwargs.get("return_attention_scores") else out


# --- multi-head attention ------------------------------------------------------------------------
def _heads(g, x: str, kernel, bias, base: str) -> str:
    """x (B, T, d) → (B, heads, T, size) = x W (+ b), W (d, heads, size)."""
    d, n, size = kernel.shape
    y = g.op("MatMul", [x, g.const(kernel.reshape(d, n * size), f"{base}/kernel")], base)
    if bias is not None:
        y = g.op("Add", [y, g.const(bias.reshape(n * size), f"{base}/bias")], base)
    y = g.op("Reshape", [y, g.const([0, 0, n, size], f"{base}/shape")], base)
    return g.transpose(y, [0, 2, 1, 3], base)


def multi_head_attention(g, layer, query, value, key=None, allowed=None, causal=False):
    """The nodes of ``layer`` (a MultiHeadAttention) on the named inputs; ``allowed`` a boolean
    mask (B or 1, T, S) or None. Returns (output, weights (B, heads, T, S))."""
    name = layer.name
    key = value if key is None else key

    def w(t):
        return None if t is None else t.numpy()

    q = _heads(g, query, w(layer.query_kernel), w(layer.query_bias), f"{name}/query")
    k = _heads(g, key, w(layer.key_kernel), w(layer.key_bias), f"{name}/key")
    v = _heads(g, value, w(layer.value_kernel), w(layer.value_bias), f"{name}/value")
    scale = g.const(numpy.float32(1 / math.sqrt(layer.key_dim)), f"{name}/scale")
    scores = g.op(
        "Mul",
        [g.op("MatMul", [q, g.transpose(k, [0, 1, 3, 2], f"{name}/key_t")], name), scale],
        name,
    )
    if allowed is not None:  # (B, T, S) → (B, 1, T, S), one mask for every head
        allowed = g.op("Unsqueeze", [allowed, _axis(g, 1, name)], name)
    allowed = _and(g, [allowed, _causal(g, query, value, name) if causal else None], name)
    weights = _masked_softmax(g, scores, allowed, name)
    o = g.transpose(g.op("MatMul", [weights, v], name), [0, 2, 1, 3], name)
    n, hv, out_dim = layer.output_kernel.shape
    o = g.op("Reshape", [o, g.const([0, 0, n * hv], f"{name}/heads_shape")], name)
    out = g.op(
        "MatMul",
        [o, g.const(layer.output_kernel.numpy().reshape(n * hv, out_dim), f"{name}/out_kernel")],
        name,
    )
    if layer.output_bias is not None:
        out = g.op("Add", [out, g.const(layer.output_bias.numpy(), f"{name}/out_bias")], name)
    return out, weights


@converts("MultiHeadAttention", call=True)
def multi_head_attention_layer(g, layer, inputs, shapes, call_kwargs):
    _no_padding_masks(call_kwargs)
    if len(shapes["query"]) != 3:
        raise UnsupportedLayer(f"attention over the axes {layer.axes} of inputs of rank > 3")
    masks = [
        _as_bool(g, inputs[k], layer.name) for k in ("attention_mask",) if inputs.get(k) is not None
    ]
    for k, axis in (("query_mask", 2), ("value_mask", 1), ("key_mask", 1)):
        if inputs.get(k) is not None:  # (B, T) rows or (B, S) columns
            padding = _as_bool(g, inputs[k], layer.name)
            masks.append(g.op("Unsqueeze", [padding, _axis(g, axis, layer.name)], layer.name))
    out, weights = multi_head_attention(
        g,
        layer,
        inputs["query"],
        inputs["value"],
        inputs.get("key"),
        allowed=_and(g, masks, layer.name),
        causal=bool(call_kwargs.get("use_causal_mask")),
    )
    return [out, weights] if call_kwargs.get("return_attention_scores") else out


# --- Transformer blocks --------------------------------------------------------------------------
def _residual(g, block, x: str, norm, sublayer) -> str:
    """x + sublayer(x), normalized after (post-norm) or before the sublayer (dropout: identity)."""
    h = sublayer(layer_normalization(g, norm, [x], None) if block.normalize_first else x)
    h = g.op("Add", [h, x], block.name)
    return h if block.normalize_first else layer_normalization(g, norm, [h], None)


def _feedforward(g, block, x: str) -> str:
    def ff(h):
        h = dense(g, block.feedforward_intermediate_dense, [h], None)
        return dense(g, block.feedforward_output_dense, [h], None)

    return _residual(g, block, x, block.feedforward_layer_norm, ff)


@converts("TransformerEncoder", call=True)
def transformer_encoder(g, layer, inputs, shapes, call_kwargs):
    _no_padding_masks(call_kwargs, "padding_mask", "attention_mask")
    scores = []

    def attend(h):
        out, weights = multi_head_attention(g, layer.self_attention_layer, h, h)
        scores.append(weights)
        return out

    x = _residual(g, layer, inputs, layer.self_attention_layer_norm, attend)
    x = _feedforward(g, layer, x)
    return [x, scores[0]] if call_kwargs.get("return_attention_scores") else x


@converts("TransformerDecoder", call=True)
def transformer_decoder(g, layer, inputs, shapes, call_kwargs):
    _no_padding_masks(
        call_kwargs,
        "decoder_padding_mask",
        "decoder_attention_mask",
        "encoder_padding_mask",
        "encoder_attention_mask",
    )
    causal = call_kwargs.get("use_causal_mask", True)
    x, encoder = inputs["decoder_sequence"], inputs.get("encoder_sequence")
    x = _residual(
        g,
        layer,
        x,
        layer.self_attention_layer_norm,
        lambda h: multi_head_attention(g, layer.self_attention, h, h, causal=causal)[0],
    )
    if encoder is not None:
        x = _residual(
            g,
            layer,
            x,
            layer.cross_attention_layer_norm,
            lambda h: multi_head_attention(g, layer.cross_attention, h, encoder)[0],
        )
    return _feedforward(g, layer, x)


# --- position encodings --------------------------------------------------------------------------
def _positions(g, table: str, x: str, start: int, base: str) -> str:
    """Rows start … start + steps − 1 of ``table`` (positions, d), broadcast to x's shape."""
    begin = g.const([start], f"{base}/start")
    rows = g.op(
        "Slice",
        [table, begin, g.op("Add", [begin, _steps(g, x, base)], base), _axis(g, 0, base)],
        base,
    )
    return g.op("Expand", [rows, g.op("Shape", [x], base)], base)


@converts("PositionEmbedding", call=True)
def position_embedding(g, layer, inputs, shapes, call_kwargs):
    table = g.const(layer.position_embeddings.numpy(), f"{layer.name}/embeddings")
    return _positions(g, table, inputs, int(call_kwargs.get("start_index", 0)), layer.name)


@converts("SinePositionEncoding", call=True)
def sine_position_encoding(g, layer, inputs, shapes, call_kwargs):
    """PE[p, i] = sin(p ω_i) (even i), cos(p ω_i) (odd i), ω_i = W^(−2⌊i/2⌋/d), p from the
    sequence's length (a Range), so any length runs."""
    name, d = layer.name, shapes[-1]
    start = int(call_kwargs.get("start_index", 0))
    length = g.op("Cast", [g.op("Squeeze", [_steps(g, inputs, name)], name)], name, to=1)
    first = g.const(numpy.float32(start), f"{name}/first")
    p = g.op(
        "Range",
        [first, g.op("Add", [first, length], name), g.const(numpy.float32(1), f"{name}/delta")],
        name,
    )
    pairs = 2 * (numpy.arange(d) // 2)
    omega = numpy.exp(-math.log(layer.max_wavelength) * pairs / d)
    angles = g.op(
        "Mul",
        [g.op("Unsqueeze", [p, _axis(g, 1, name)], name), g.const(omega, f"{name}/omega")],
        name,
    )
    even = g.const(numpy.arange(d) % 2 == 0, f"{name}/even")
    table = g.op(
        "Where",
        [
            g.op("Cast", [even], name, to=9),
            g.op("Sin", [angles], name),
            g.op("Cos", [angles], name),
        ],
        name,
    )
    return g.op("Expand", [table, g.op("Shape", [inputs], name)], name)


@converts("TokenAndPositionEmbedding", call=True)
def token_and_position_embedding(g, layer, inputs, shapes, call_kwargs):
    if layer.mask_zero:
        raise UnsupportedLayer(
            "TokenAndPositionEmbedding with mask_zero=True (masks are not exported)"
        )
    name = layer.name
    ids = g.op("Cast", [inputs], name, to=7)  # int64
    table = g.const(layer.token_embedding.embeddings.numpy(), f"{name}/token_embeddings")
    tokens = g.op("Gather", [table, ids], name, axis=0)
    positions = g.const(
        layer.position_embedding.position_embeddings.numpy(), f"{name}/position_embeddings"
    )
    start = int(call_kwargs.get("start_index", 0))
    return g.op("Add", [tokens, _positions(g, positions, tokens, start, name)], name)


# --- normalizations ------------------------------------------------------------------------------
@converts("GroupNormalization")
def group_normalization(g, layer, inputs, shapes):
    """Per sample and group of C/groups channels: (x − μ)/√(σ² + ε), then γ, β per channel."""
    name, shape, a, groups = layer.name, shapes[0], layer.channel_axis, layer.groups
    if None in shape[1:]:
        raise UnsupportedLayer("GroupNormalization on inputs of unknown size")
    grouped_shape = [0, *shape[1:a], groups, shape[a] // groups, *shape[a + 1 :]]
    grouped = g.op("Reshape", [inputs[0], g.const(grouped_shape, f"{name}/grouped")], name)
    axes = [i for i in range(1, len(grouped_shape)) if i != a]
    centred = g.op("Sub", [grouped, g.reduce("ReduceMean", grouped, axes, name)], name)
    var = g.reduce("ReduceMean", g.op("Mul", [centred, centred], name), axes, name)
    eps = g.const(numpy.float32(layer.epsilon), f"{name}/epsilon")
    y = g.op("Div", [centred, g.op("Sqrt", [g.op("Add", [var, eps], name)], name)], name)
    y = g.op("Reshape", [y, g.const([0, *shape[1:]], f"{name}/shape")], name)
    channel_shape = (shape[a],) + (1,) * (len(shape) - 1 - a)
    if layer.gamma is not None:
        y = g.op(
            "Mul", [y, g.const(layer.gamma.numpy().reshape(channel_shape), f"{name}/gamma")], name
        )
    if layer.beta is not None:
        y = g.op(
            "Add", [y, g.const(layer.beta.numpy().reshape(channel_shape), f"{name}/beta")], name
        )
    return y


@converts("UnitNormalization")
def unit_normalization(g, layer, inputs, shapes):
    """x / √max(Σ x², 10⁻¹²) over ``axis``."""
    name, x = layer.name, inputs[0]
    axes = list(layer.axis) if isinstance(layer.axis, (list, tuple)) else [layer.axis]
    squared = g.reduce("ReduceSum", g.op("Mul", [x, x], name), axes, name)
    floor = g.const(numpy.float32(1e-12), f"{name}/floor")
    return g.op("Div", [x, g.op("Sqrt", [g.op("Max", [squared, floor], name)], name)], name)


__all__ = ["multi_head_attention"]
