"""Transformer blocks as KerasHub writes them (``keras_hub.layers.TransformerEncoder`` and
``TransformerDecoder``): the same arguments, sublayers, weight order and computation.

Encoder block (post-norm, as BERT; ``normalize_first=True`` is pre-norm, as GPT-2)::

    x = LayerNorm(x + Dropout(MultiHeadAttention(x, x)))
    x = LayerNorm(x + Dropout(Dense(Dense_act(x))))          # d → intermediate_dim → d

The decoder block puts causal self-attention first, then (when it is called with an encoder
sequence) cross-attention to the encoder's output, then the feed-forward part. Padding masks from
``Embedding(mask_zero=True)`` reach the attention as key padding; ``padding_mask=`` and
``attention_mask=`` may also be given.

>>> block = layers.TransformerEncoder(intermediate_dim=256, num_heads=4)
>>> block(np.random.rand(2, 10, 64)).shape
(2, 10, 64)
"""

from __future__ import annotations

from .. import activations
from ..autograd import Tensor, as_array
from .attention import MultiHeadAttention
from .base import Layer, serialize
from .core import Dense, Dropout
from .input_spec import InputSpec
from .normalization import LayerNormalization
from .types import ActivationLike, InitializerLike

__all__ = ["TransformerDecoder", "TransformerEncoder"]


def _padding_and_attention_mask(padding_mask, attention_mask):
    """KerasHub's merge: padding (B, S) → (B, 1, S), AND the attention mask (B, T, S)."""
    mask = None if padding_mask is None else as_array(padding_mask).astype(bool)[:, None, :]
    if attention_mask is not None:
        attention = as_array(attention_mask).astype(bool)
        mask = attention if mask is None else mask & attention
    return mask


class _TransformerBlock(Layer):
    """What both blocks share: arguments, the attention / feed-forward sublayers, the config."""

    def __init__(
        self,
        intermediate_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        activation: ActivationLike = "relu",
        layer_norm_epsilon: float = 1e-5,
        kernel_initializer: InitializerLike = "glorot_uniform",
        bias_initializer: InitializerLike = "zeros",
        normalize_first: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        for arg, value in (("intermediate_dim", intermediate_dim), ("num_heads", num_heads)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(
                    f"{type(self).__name__}: {arg} must be a positive int, got {value!r}"
                )
        self.intermediate_dim, self.num_heads, self.dropout = intermediate_dim, num_heads, dropout
        self.activation = activations.get(activation)
        self.layer_norm_epsilon, self.normalize_first = layer_norm_epsilon, normalize_first
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.input_spec = self._spec({})

    @staticmethod
    def _sequence(features=None, name=None, optional=False) -> InputSpec:
        """A sequence (batch, steps, features) with a known number of features (``features``
        once the sublayers are made for it)."""
        return InputSpec(
            min_ndim=3,
            axes={-1: features},
            layout="(batch, steps, features)",
            units="features",
            name=name,
            optional=optional,
        )

    @classmethod
    def _spec(cls, features: dict) -> InputSpec | list:
        """The ``input_spec``, given the known numbers of features by input name."""
        return cls._sequence(features.get("sequence"))

    def _attention(self, hidden_dim, name):
        if hidden_dim < self.num_heads:
            raise self.error(
                f"expected at least num_heads = {self.num_heads} features (last axis), got "
                f"{hidden_dim}"
            )
        return MultiHeadAttention(
            self.num_heads,
            hidden_dim // self.num_heads,
            dropout=self.dropout,
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
            name=name,
        )

    def _norm(self, name):
        return LayerNormalization(epsilon=self.layer_norm_epsilon, name=name)

    def _feedforward(self, hidden_dim):
        self.feedforward_intermediate_dense = Dense(
            self.intermediate_dim,
            activation=self.activation,
            name="feedforward_intermediate_dense",
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
        )
        self.feedforward_output_dense = Dense(
            hidden_dim,
            name="feedforward_output_dense",
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
        )

    def _build_sublayers(self, attention, shape):
        """Create every weight now, so that a loaded model can take its weights before a call."""
        attention._ensure_built({"query": shape, "value": shape})
        self.self_attention_layer_norm._ensure_built(shape)
        self.feedforward_layer_norm._ensure_built(shape)
        self.feedforward_intermediate_dense._ensure_built(shape)
        self.feedforward_output_dense._ensure_built(shape[:-1] + (self.intermediate_dim,))

    def _residual(self, x, norm, sublayer, dropout, training):
        """x + Dropout(sublayer(x)), normalized after (post-norm) or before the sublayer."""
        h = sublayer(norm(x) if self.normalize_first else x)
        h = dropout(h, training=training) + x
        return h if self.normalize_first else norm(h)

    def _feedforward_block(self, x, training):
        def ff(h):
            return self.feedforward_output_dense(self.feedforward_intermediate_dense(h))

        return self._residual(
            x, self.feedforward_layer_norm, ff, self.feedforward_dropout, training
        )

    def get_config(self):
        return {
            **super().get_config(),
            "intermediate_dim": self.intermediate_dim,
            "num_heads": self.num_heads,
            "dropout": self.dropout,
            "activation": serialize(self.activation),
            "layer_norm_epsilon": self.layer_norm_epsilon,
            "kernel_initializer": serialize(self.kernel_initializer),
            "bias_initializer": serialize(self.bias_initializer),
            "normalize_first": self.normalize_first,
        }


class TransformerEncoder(_TransformerBlock):
    """A Transformer encoder block: self-attention, then a position-wise feed-forward network,
    each in a residual connection with layer normalization (see the module docstring).

    Call: ``block(x (B, T, d), padding_mask=None (B, T), attention_mask=None (B, T, T),
    training=None, return_attention_scores=False)``; key_dim = d // num_heads. Sublayers (and
    weights) in KerasHub's order: self_attention_layer, self_attention_layer_norm,
    feedforward_layer_norm, feedforward_intermediate_dense, feedforward_output_dense.
    """

    def build(self, input_shape):
        hidden_dim = input_shape[-1]
        self.input_spec = self._spec({"sequence": hidden_dim})
        self.self_attention_layer = self._attention(hidden_dim, "self_attention_layer")
        self.self_attention_layer_norm = self._norm("self_attention_layer_norm")
        self.self_attention_dropout = Dropout(self.dropout, name="self_attention_dropout")
        self.feedforward_layer_norm = self._norm("feedforward_layer_norm")
        self._feedforward(hidden_dim)
        self.feedforward_dropout = Dropout(self.dropout, name="feedforward_dropout")
        self._build_sublayers(self.self_attention_layer, input_shape)

    def call(
        self,
        inputs: Tensor,
        training: bool | None = None,
        mask: Tensor | None = None,
        padding_mask: Tensor | None = None,
        attention_mask: Tensor | None = None,
        return_attention_scores: bool = False,
    ) -> Tensor | tuple[Tensor, Tensor]:
        allowed = _padding_and_attention_mask(
            mask if padding_mask is None else padding_mask, attention_mask
        )
        scores = []

        def attend(h):
            out, weights = self.self_attention_layer(
                h, h, attention_mask=allowed, training=training, return_attention_scores=True
            )
            scores.append(weights)
            return out

        x = self._residual(
            inputs, self.self_attention_layer_norm, attend, self.self_attention_dropout, training
        )
        x = self._feedforward_block(x, training)
        return (x, scores[0]) if return_attention_scores else x

    def compute_output_shape(self, input_shape):
        return input_shape


class TransformerDecoder(_TransformerBlock):
    """A Transformer decoder block: causal self-attention, cross-attention to the encoder's output
    (only when called with one: ``block(decoder_sequence, encoder_sequence)``; decoder-only
    models call ``block(decoder_sequence)``), then the feed-forward network, each in a residual
    connection with layer normalization.

    Call: ``block(decoder_sequence, encoder_sequence=None, decoder_padding_mask=None,
    decoder_attention_mask=None, encoder_padding_mask=None, encoder_attention_mask=None,
    use_causal_mask=True, training=None)``. Sublayers in KerasHub's order: self_attention,
    self_attention_layer_norm, [cross_attention, cross_attention_layer_norm],
    feedforward_intermediate_dense, feedforward_output_dense, feedforward_layer_norm.
    """

    def __call__(self, decoder_sequence, encoder_sequence=None, training=None, mask=None, **kwargs):
        if isinstance(decoder_sequence, dict):  # a functional model passes the packed inputs
            inputs = decoder_sequence
        else:
            inputs = {"decoder_sequence": decoder_sequence}
            if encoder_sequence is not None:
                inputs["encoder_sequence"] = encoder_sequence
        return super().__call__(inputs, training=training, mask=mask, **kwargs)

    @classmethod
    def _spec(cls, features: dict) -> InputSpec | list:
        return [
            cls._sequence(features.get(name), name, optional=name == "encoder_sequence")
            for name in ("decoder_sequence", "encoder_sequence")
        ]

    def build(self, input_shape):
        hidden_dim = input_shape["decoder_sequence"][-1]
        self.input_spec = self._spec({k: shape[-1] for k, shape in input_shape.items()})
        self.self_attention = self._attention(hidden_dim, "self_attention")
        self.self_attention_layer_norm = self._norm("self_attention_layer_norm")
        self.self_attention_dropout = Dropout(self.dropout, name="self_attention_dropout")
        self.cross_attention = None
        if "encoder_sequence" in input_shape:
            self.cross_attention = self._attention(hidden_dim, "cross_attention")
            self.cross_attention_layer_norm = self._norm("cross_attention_layer_norm")
            self.cross_attention_dropout = Dropout(self.dropout, name="cross_attention_dropout")
        self._feedforward(hidden_dim)
        self.feedforward_layer_norm = self._norm("feedforward_layer_norm")
        self.feedforward_dropout = Dropout(self.dropout, name="feedforward_dropout")
        x = input_shape["decoder_sequence"]
        self._build_sublayers(self.self_attention, x)
        if self.cross_attention is not None:
            self.cross_attention._ensure_built(
                {"query": x, "value": input_shape["encoder_sequence"]}
            )
            self.cross_attention_layer_norm._ensure_built(x)

    def call(
        self,
        inputs: dict[str, Tensor],
        training: bool | None = None,
        mask: dict[str, Tensor | None] | None = None,
        decoder_padding_mask: Tensor | None = None,
        decoder_attention_mask: Tensor | None = None,
        encoder_padding_mask: Tensor | None = None,
        encoder_attention_mask: Tensor | None = None,
        use_causal_mask: bool = True,
    ) -> Tensor:
        mask = mask if isinstance(mask, dict) else {}
        x, encoder = inputs["decoder_sequence"], inputs.get("encoder_sequence")
        if (encoder is None) != (self.cross_attention is None):
            built = "built with one" if encoder is None else "built without one"
            raise self.error(
                f"expected {'an' if encoder is None else 'no'} encoder_sequence (the layer was "
                f"{built}: call it the same way every time), got "
                f"{'none' if encoder is None else 'one'}"
            )
        self_mask = _padding_and_attention_mask(
            mask.get("decoder_sequence") if decoder_padding_mask is None else decoder_padding_mask,
            decoder_attention_mask,
        )

        def self_attend(h):
            return self.self_attention(
                h, h, attention_mask=self_mask, training=training, use_causal_mask=use_causal_mask
            )

        x = self._residual(
            x, self.self_attention_layer_norm, self_attend, self.self_attention_dropout, training
        )
        if encoder is not None:
            cross_mask = _padding_and_attention_mask(
                mask.get("encoder_sequence")
                if encoder_padding_mask is None
                else encoder_padding_mask,
                encoder_attention_mask,
            )

            def cross_attend(h):
                return self.cross_attention(
                    h, encoder, attention_mask=cross_mask, training=training
                )

            x = self._residual(
                x,
                self.cross_attention_layer_norm,
                cross_attend,
                self.cross_attention_dropout,
                training,
            )
        return self._feedforward_block(x, training)

    def compute_mask(self, inputs, mask=None):
        return mask.get("decoder_sequence") if isinstance(mask, dict) else None

    def compute_output_shape(self, input_shape):
        return input_shape["decoder_sequence"]
