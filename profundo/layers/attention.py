"""Attention layers, with Keras 3's names, arguments and weight layouts.

- ``Attention`` (Luong, dot-product scores) and ``AdditiveAttention`` (Bahdanau, tanh scores),
  called on ``[query, value]`` or ``[query, value, key]``;
- ``MultiHeadAttention``, called as ``mha(query, value, key=None, attention_mask=None, ...)``:
  each head h projects the inputs (Q_h = query W_q[:, h], K_h, V_h), attends with
  softmax(Q_h K_hᵀ/√key_dim) V_h (``pf.scaled_dot_product_attention``), and the heads are
  projected back together: out = Σ_h O_h W_o[h] + b_o;
- ``TransformerEncoder`` and ``TransformerDecoder`` blocks as KerasHub writes them (in
  ``profundo.layers.transformer``).

Masks: an ``Embedding(mask_zero=True)`` mask reaches these layers in a model as the padding of
their inputs; a padded key is never attended to (its weight is exactly 0).

>>> mha = layers.MultiHeadAttention(num_heads=4, key_dim=16)
>>> x = np.random.rand(2, 10, 64)
>>> out, scores = mha(x, x, return_attention_scores=True)
>>> out.shape, scores.shape                    # scores: (batch, heads, queries, keys)
((2, 10, 64), (2, 4, 10, 10))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .. import backend as B
from .. import ops
from ..autograd import Tensor, as_array
from .base import Layer, serialize
from .input_spec import InputSpec
from .symbolic import is_symbolic
from .types import InitializerLike, RegularizerLike

__all__ = ["AdditiveAttention", "Attention", "MultiHeadAttention"]


def _bool(mask):
    """A mask (Tensor, array, list or None) as a backend boolean array, or None."""
    return None if mask is None else as_array(mask).astype(bool)


def _and(*masks):
    """The logical AND of the masks that are not None (broadcasting), or None."""
    masks = [m for m in masks if m is not None]
    if not masks:
        return None
    out = masks[0]
    for m in masks[1:]:
        out = out & m
    return out


def _causal(n_queries, n_keys):
    return ops.attention.causal_mask(n_queries, n_keys)


class _ScoresOutput:
    """Mixin: ``return_attention_scores=True`` on symbolic inputs gives (output, scores) shapes."""

    _scores_wanted = False

    def _call_with(self, inputs, return_attention_scores, **kwargs):
        self._scores_wanted = bool(return_attention_scores) and is_symbolic(inputs)
        try:
            return Layer.__call__(
                self, inputs, return_attention_scores=return_attention_scores, **kwargs
            )
        finally:
            self._scores_wanted = False


# --- Luong and Bahdanau attention ----------------------------------------------------------------
class Attention(_ScoresOutput, Layer):
    """Dot-product (Luong) attention over ``[query (B, Tq, d), value (B, Tv, dv), key (B, Tv, d)]``
    (key defaults to value): scores = Q Kᵀ (times a learned scalar with ``use_scale``; with
    ``score_mode="concat"``, c · Σ tanh(s·(q + k)) instead), weights = softmax(scores) over the
    keys, output = weights V (B, Tq, dv).

    ``mask=[query_mask, value_mask]``: padded values get weight 0, padded queries output 0.
    ``use_causal_mask=True``: query i sees values 0 … i. ``dropout`` drops attention weights while
    training. Unlike Keras (which subtracts 10⁹ and so spreads a fully masked row evenly), a
    query that may see no value outputs zeros. Weights: ``scale`` (with ``use_scale``), then
    ``concat_score_weight`` (with ``score_mode="concat"``), both scalars initialized to 1.
    """

    def __init__(
        self,
        use_scale: bool = False,
        score_mode: str = "dot",
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                f"{type(self).__name__}: score_mode must be 'dot' or 'concat', got {score_mode!r}"
            )
        if not 0 <= dropout < 1:
            raise ValueError(f"{type(self).__name__}: dropout must be in [0, 1), got {dropout}")
        self.use_scale, self.score_mode, self.dropout, self.seed = (
            use_scale,
            score_mode,
            dropout,
            seed,
        )
        self.input_spec = self._spec()

    def __call__(
        self, inputs, training=None, mask=None, return_attention_scores=False, use_causal_mask=False
    ):
        return self._call_with(
            inputs,
            return_attention_scores,
            training=training,
            mask=mask,
            use_causal_mask=use_causal_mask,
        )

    @staticmethod
    def _spec(features=None) -> list:
        """[query, value, key]: each (batch, …, steps, features); key optional. ``features``:
        the size of the query's and the key's last axis, once the weights need it."""
        return [
            InputSpec(
                min_ndim=2,
                axes={} if features is None or name == "value" else {-1: features},
                layout="(batch, …, steps, features)",
                units="features",
                name=name,
                optional=name == "key",
            )
            for name in ("query", "value", "key")
        ]

    def _check(self, shapes):
        """``input_spec`` and the relations, for shapes that did not come through ``__call__``."""
        self.check_input(shapes)
        self._relate(shapes)

    def _relate(self, shapes):
        """What ``input_spec`` cannot say alone: at most 3 inputs, query and key of one feature
        size, key and value of one number of steps. Checked on every call."""
        if len(shapes) > 3:
            raise self.error(
                f"expected inputs [query, value] (and optionally key), got {len(shapes)} inputs"
            )
        q, v = shapes[0], shapes[1]
        k = shapes[2] if len(shapes) == 3 else v
        if q[-1] != k[-1] and None not in (q[-1], k[-1]):
            raise self.error(
                f"expected query and key with the same number of features (last axis), got "
                f"query {tuple(q)} and key {tuple(k)}"
            )
        if k[-2] != v[-2] and None not in (k[-2], v[-2]):
            raise self.error(
                f"expected key and value with the same number of steps (axis -2), got key "
                f"{tuple(k)} and value {tuple(v)}"
            )

    def build(self, input_shape):
        self._check(input_shape)
        self.scale = self.add_weight("scale", (), "ones") if self.use_scale else None
        self.concat_score_weight = (
            self.add_weight("concat_score_weight", (), "ones")
            if self.score_mode == "concat"
            else None
        )

    def scores(self, query, key):
        """The unnormalized scores (B, Tq, Tv)."""
        if self.score_mode == "dot":
            scores = query @ ops.swapaxes(key, -1, -2)
            return scores * self.scale if self.scale is not None else scores
        q, k = ops.unsqueeze(query, -2), ops.unsqueeze(key, -3)  # (B, Tq, 1, d), (B, 1, Tv, d)
        summed = q + k if self.scale is None else (q + k) * self.scale
        return ops.tanh(summed).sum(axis=-1) * self.concat_score_weight

    def call(
        self,
        inputs: Sequence[Tensor],
        training: bool | None = None,
        mask: Sequence[Tensor | None] | None = None,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> Tensor | tuple[Tensor, Tensor]:
        self._relate([t.shape for t in inputs])
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) == 3 else value
        q_mask, v_mask = (list(mask) + [None, None])[:2] if mask is not None else (None, None)
        allowed = _bool(v_mask)
        allowed = None if allowed is None else allowed[..., None, :]
        if use_causal_mask:
            allowed = _and(allowed, _causal(query.shape[-2], key.shape[-2]))
        weights = ops.softmax(self.scores(query, key), mask=allowed)  # masked keys: exactly 0
        out = ops.dropout(weights, self.dropout, training=bool(training)) @ value
        if q_mask is not None:
            out = out * Tensor._wrap(_bool(q_mask)[..., None].astype(out.dtype))
        return (out, weights) if return_attention_scores else out

    def compute_mask(self, inputs, mask=None):
        return None if mask is None else mask[0]

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        q, v = input_shape[0], input_shape[1]
        out = q[:-1] + (v[-1],)
        return (out, q[:-1] + (v[-2],)) if self._scores_wanted else out

    def get_config(self):
        return {
            **super().get_config(),
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }


class AdditiveAttention(Attention):
    """Additive (Bahdanau) attention over ``[query, value]`` or ``[query, value, key]``:
    scores_ij = Σ_d s_d · tanh(q_id + k_jd), weights = softmax over j, output = weights V.

    ``use_scale`` (default True): learn the vector s (dim,) (Glorot-uniform), else s = 1. Masks,
    causal mask and dropout as ``Attention``.
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs):
        kwargs.pop("score_mode", None)
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._check(input_shape)
        self.input_spec = self._spec(input_shape[0][-1] if self.use_scale else None)
        self.scale = (
            self.add_weight("scale", (input_shape[0][-1],), "glorot_uniform")
            if self.use_scale
            else None
        )

    def scores(self, query, key):
        q, k = ops.unsqueeze(query, -2), ops.unsqueeze(key, -3)  # (B, Tq, 1, d), (B, 1, Tv, d)
        t = ops.tanh(q + k)
        return (t * self.scale if self.scale is not None else t).sum(axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config


# --- multi-head attention ------------------------------------------------------------------------


class MultiHeadAttention(_ScoresOutput, Layer):
    """Multi-head attention (Vaswani et al., 2017) with Keras' arguments and weight layout.

    ``mha(query (B, T, dq), value (B, S, dv), key=None (B, S, dk), attention_mask=None (B, T, S),
    return_attention_scores=False, use_causal_mask=False, training=None)`` → (B, T, dq) (or
    ``output_shape``), and the weights (B, heads, T, S) when ``return_attention_scores``.

    Weights, in Keras' order: query kernel (dq, heads, key_dim) and bias (heads, key_dim); key
    kernel (dk, heads, key_dim) and bias; value kernel (dv, heads, value_dim) and bias; output
    kernel (heads, value_dim, out) and bias (out,) (no biases with ``use_bias=False``).

    Masks combine by AND, as in Keras: ``attention_mask`` (True = may attend), the padding of
    query (rows) and value/key (columns) that a model passes along from
    ``Embedding(mask_zero=True)`` (or ``query_mask=``/``value_mask=``/``key_mask=`` given
    directly), and the causal mask. A query that may attend to nothing gives zero weights.
    ``dropout`` drops attention weights while training.

    ``attention_axes`` (Keras' argument): the axes attended over, for inputs of any rank ≥ 3
    (batch, …, features); by default every axis between batch and features (the steps of 3-D
    inputs; both H and W of images (B, H, W, C)). The other axes act as more batch axes: with
    ``attention_axes=(2,)`` on (B, T1, T2, C) each of the T1 rows attends along T2. The scores
    are then (B, other axes…, heads, query attention axes…, key attention axes…), as Keras';
    ``attention_mask`` is (B, other axes…, query attention axes…, key attention axes…).
    ``use_causal_mask`` needs a single attention axis; padding masks, 3-D inputs.
    """

    # the projections' weights, made by name in ``build``
    query_kernel: Tensor
    key_kernel: Tensor
    value_kernel: Tensor
    query_bias: Tensor | None
    key_bias: Tensor | None
    value_bias: Tensor | None

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape: int | Sequence[int] | None = None,
        attention_axes: int | Sequence[int] | None = None,
        kernel_initializer: InitializerLike = "glorot_uniform",
        bias_initializer: InitializerLike = "zeros",
        kernel_regularizer: RegularizerLike = None,
        bias_regularizer: RegularizerLike = None,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        for arg, value in (
            ("num_heads", num_heads),
            ("key_dim", key_dim),
            ("value_dim", key_dim if value_dim is None else value_dim),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"MultiHeadAttention: {arg} must be a positive int, got {value!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"MultiHeadAttention: dropout must be in [0, 1), got {dropout}")
        axes = (attention_axes,) if isinstance(attention_axes, int) else attention_axes
        if axes is not None and (
            not isinstance(axes, (list, tuple))
            or not axes
            or not all(isinstance(a, int) and not isinstance(a, bool) for a in axes)
        ):
            raise ValueError(
                f"MultiHeadAttention: attention_axes must be None, an int or a non-empty "
                f"tuple of ints, got {attention_axes!r}"
            )
        self.num_heads, self.key_dim = num_heads, key_dim
        self.value_dim = key_dim if value_dim is None else value_dim
        self.dropout, self.use_bias, self.attention_axes, self.seed = (
            dropout,
            use_bias,
            attention_axes,
            seed,
        )
        self.output_shape_arg = output_shape
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.input_spec = self._spec({})

    @staticmethod
    def _spec(features: dict) -> list:
        """query, value and key (optional), each (batch, …, features) with a known number of
        features: ``features[name]`` once the weights are made for it."""
        return [
            InputSpec(
                min_ndim=3,
                axes={-1: features.get(name)},
                layout="(batch, …, features)",
                units="features",
                name=name,
                optional=name == "key",
            )
            for name in ("query", "value", "key")
        ]

    def _check(self, input_shape: dict) -> None:
        """What ``input_spec`` cannot say alone: query, value and key of one rank."""
        rank = len(input_shape["query"])
        for name in ("value", "key"):
            shape = input_shape.get(name)
            if shape is not None and len(shape) != rank:
                raise self.error(
                    f"expected query, value and key of the same rank, got {name} "
                    f"{tuple(shape)} and query {tuple(input_shape['query'])}"
                )

    def __call__(
        self,
        query,
        value=None,
        key=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        mask=None,
    ):
        if isinstance(query, dict):  # a functional model calls it with the packed inputs
            inputs = query
        else:
            if value is None:
                raise self.error(
                    "expected a call mha(query, value) or mha(query, value, key) "
                    "(self-attention: mha(x, x)), got only query"
                )
            given = {
                "query": query,
                "value": value,
                "key": key,
                "attention_mask": attention_mask,
                "query_mask": query_mask,
                "value_mask": value_mask,
                "key_mask": key_mask,
            }
            inputs = {name: t for name, t in given.items() if t is not None}
        return self._call_with(
            inputs,
            return_attention_scores,
            training=training,
            mask=mask,
            use_causal_mask=use_causal_mask,
        )

    def _out_dim(self, query_shape):
        out = self.output_shape_arg
        if out is None:
            return query_shape[-1]
        return out if isinstance(out, int) else int(tuple(out)[-1])

    def _axes(self, rank: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(attention axes, other axes) of inputs of ``rank``: axes between batch and features."""
        middle = range(1, rank - 1)
        if self.attention_axes is None:
            return tuple(middle), ()
        given = self.attention_axes
        given = (given,) if isinstance(given, int) else tuple(given)
        axes = tuple(sorted({a % rank if -rank <= a < rank else a for a in given}))
        if len(axes) != len(given) or not set(axes) <= set(middle):
            raise self.error(
                f"expected attention_axes that are distinct axes between the batch and the "
                f"feature axis of inputs of rank {rank}, i.e. among {list(middle)} (or "
                f"negative), got attention_axes={self.attention_axes!r}"
            )
        return axes, tuple(a for a in middle if a not in axes)

    def build(self, input_shape):
        self._check(input_shape)
        self.axes, self.other_axes = self._axes(len(input_shape["query"]))
        dq, dv = input_shape["query"][-1], input_shape["value"][-1]
        dk = input_shape.get("key", input_shape["value"])[-1]
        self.input_spec = self._spec({"query": dq, "value": dv, "key": dk})
        n, h, hv = self.num_heads, self.key_dim, self.value_dim
        for proj, d, size in (("query", dq, h), ("key", dk, h), ("value", dv, hv)):
            setattr(
                self,
                f"{proj}_kernel",
                self.add_weight(
                    f"{proj}_kernel",
                    (d, n, size),
                    self.kernel_initializer,
                    regularizer=self.kernel_regularizer,
                ),
            )
            setattr(
                self,
                f"{proj}_bias",
                self.add_weight(
                    f"{proj}_bias",
                    (n, size),
                    self.bias_initializer,
                    regularizer=self.bias_regularizer,
                )
                if self.use_bias
                else None,
            )
        out = self._out_dim(input_shape["query"])
        self.output_kernel = self.add_weight(
            "output_kernel",
            (n, hv, out),
            self.kernel_initializer,
            regularizer=self.kernel_regularizer,
        )
        self.output_bias = (
            self.add_weight(
                "output_bias", (out,), self.bias_initializer, regularizer=self.bias_regularizer
            )
            if self.use_bias
            else None
        )

    def _heads(self, x, kernel, bias):
        """x (B, …, d) → (B, other axes…, heads, positions, size): x W (+ b) with W (d, heads,
        size) in one matmul, the attention axes flattened into one (T for 3-D inputs)."""
        d, n, size = kernel.shape
        y = x @ kernel.reshape(d, n * size)
        if bias is not None:
            y = y + bias.reshape(n * size)
        rank = x.ndim  # y: (B, x_1 … x_{rank-2}, heads, size), heads at axis rank - 1
        y = ops.transpose(
            y.reshape(x.shape[:-1] + (n, size)),
            (0, *self.other_axes, rank - 1, *self.axes, rank),
        )
        others = tuple(x.shape[a] for a in self.other_axes)
        return y.reshape((x.shape[0], *others, n, -1, size))

    def _restore(self, o, query_shape):
        """(B, other axes…, heads, positions, size) back to (B, …, heads · size)."""
        rank, n, size = len(query_shape), o.shape[-3], o.shape[-1]
        spread = o.reshape(o.shape[:-2] + tuple(query_shape[a] for a in self.axes) + (size,))
        order = (0, *self.other_axes, rank - 1, *self.axes, rank)  # the axes of `spread`
        back = ops.transpose(spread, tuple(order.index(a) for a in range(rank + 1)))
        return back.reshape(tuple(query_shape[:-1]) + (n * size,))

    def attention_mask(self, inputs, mask, use_causal_mask):
        """The boolean mask from every source, shaped to broadcast against the scores (B, other
        axes…, heads, T, S) (T, S: the attention positions, flattened), or None."""
        if inputs["query"].ndim > 3 or len(self.axes) > 1:
            return self._general_mask(inputs, mask, use_causal_mask)
        mask = mask if isinstance(mask, dict) else {}

        def padding(name):  # the <name>_mask given, else the mask a model passed with <name>
            return _bool(inputs[f"{name}_mask"] if f"{name}_mask" in inputs else mask.get(name))

        q_mask, v_mask = padding("query"), padding("value")
        k_mask = padding("key") if "key" in inputs else None
        t, s = inputs["query"].shape[1], inputs["value"].shape[1]
        combined = _and(
            None if q_mask is None else q_mask[:, :, None],
            None if v_mask is None else v_mask[:, None, :],
            None if k_mask is None else k_mask[:, None, :],
            _causal(t, s)[None] if use_causal_mask else None,
            _bool(inputs.get("attention_mask")),
        )
        return None if combined is None else combined[:, None]

    def _general_mask(self, inputs, mask, use_causal_mask):
        """Inputs of rank > 3 or several attention axes: ``attention_mask`` (…, T…, S…) as Keras
        gives it (the heads axis goes before the query axes), and the causal mask along a
        single attention axis."""
        paddings = [k for k in ("query_mask", "value_mask", "key_mask") if k in inputs]
        if paddings or (isinstance(mask, dict) and any(m is not None for m in mask.values())):
            raise self.error(
                f"expected 3-D inputs (batch, steps, features) with padding masks (else give "
                f"attention_mask=), got query of shape {tuple(inputs['query'].shape)}"
            )
        if use_causal_mask and len(self.axes) != 1:
            raise self.error(
                f"expected a single attention axis with use_causal_mask, got "
                f"attention_axes={self.attention_axes!r}"
            )
        t = tuple(inputs["query"].shape[a] for a in self.axes)
        s = tuple(inputs["value"].shape[a] for a in self.axes)
        given = _bool(inputs.get("attention_mask"))
        if given is not None:
            n = 2 * len(self.axes)
            if given.ndim < n:
                raise self.error(
                    f"expected an attention_mask ending in the query and key attention axes "
                    f"{t + s}, got shape {given.shape}"
                )
            lead = given.shape[:-n]
            given = B.xp.broadcast_to(given, lead + t + s).reshape(
                lead + (1, math.prod(t), math.prod(s))
            )
        causal = _causal(t[0], s[0]) if use_causal_mask else None
        return _and(given, causal)

    def call(
        self,
        inputs: dict[str, Tensor],
        training: bool | None = None,
        mask: Any = None,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> Tensor | tuple[Tensor, Tensor]:
        self._check({n: inputs[n].shape for n in ("query", "value", "key") if n in inputs})
        query, value = inputs["query"], inputs["value"]
        key = inputs.get("key", value)
        allowed = self.attention_mask(inputs, mask, use_causal_mask)
        q = self._heads(query, self.query_kernel, self.query_bias)
        k = self._heads(key, self.key_kernel, self.key_bias)
        v = self._heads(value, self.value_kernel, self.value_bias)
        o, weights = ops.scaled_dot_product_attention(
            q,
            k,
            v,
            attn_mask=allowed,
            scale=1 / math.sqrt(self.key_dim),
            dropout_p=self.dropout if training else 0.0,
            return_weights=True,
        )
        n, hv, out_dim = self.output_kernel.shape
        out = self._restore(o, query.shape) @ self.output_kernel.reshape(n * hv, out_dim)
        if self.output_bias is not None:
            out = out + self.output_bias
        if return_attention_scores:  # (B, others…, heads, T…, S…), as Keras
            spread = tuple(query.shape[a] for a in self.axes) + tuple(
                value.shape[a] for a in self.axes
            )
            return out, weights.reshape(weights.shape[:-2] + spread)
        return out

    def compute_mask(self, inputs, mask=None):
        return mask.get("query") if isinstance(mask, dict) else None

    def compute_output_shape(self, input_shape):
        self.check_input(input_shape)
        self._check(input_shape)
        q, v = input_shape["query"], input_shape["value"]
        out = q[:-1] + (self._out_dim(q),)
        if not self._scores_wanted:
            return out
        axes, others = self._axes(len(q))
        scores = (
            (q[0],)
            + tuple(q[a] for a in others)
            + (self.num_heads,)
            + tuple(q[a] for a in axes)
            + tuple(v[a] for a in axes)
        )
        return out, scores

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "output_shape": self.output_shape_arg,
            "attention_axes": self.attention_axes,
            "kernel_initializer": serialize(self.kernel_initializer),
            "bias_initializer": serialize(self.bias_initializer),
            "kernel_regularizer": serialize(self.kernel_regularizer),
            "bias_regularizer": serialize(self.bias_regularizer),
            "seed": self.seed,
        }
