"""Embedding: a learned vector for each token id.

>>> emb = layers.Embedding(input_dim=10_000, output_dim=64, mask_zero=True)
>>> ids = np.array([[5, 42, 7, 0, 0]])              # one sentence, padded with 0
>>> emb(ids).shape
(1, 5, 64)
>>> emb.compute_mask(ids)                            # the padding steps, for a recurrent layer
tensor([[ True,  True,  True, False, False]], dtype=bool)
"""

from __future__ import annotations

import math
import warnings

from .. import backend as B
from .. import ops
from ..autograd import Tensor, as_array
from .base import Layer, serialize
from .input_spec import InputSpec
from .types import InitializerLike, RegularizerLike

__all__ = [
    "Embedding",
    "PositionEmbedding",
    "PositionalEmbedding",
    "SinePositionEncoding",
    "SinusoidalPositionEncoding",
    "TokenAndPositionEmbedding",
]


#: what an Embedding accepts: ids of any shape, integers or floats holding whole numbers
#: (Keras casts them), not text
IDS = InputSpec(dtype="number", name="ids", hint="turn text into ids first (TextVectorization)")


class Embedding(Layer):
    """y[..., :] = E[id]: row ``id`` of the table E (input_dim, output_dim), for every id.

    The same as one_hot(id) E, a Dense layer without bias on one-hot inputs, without building
    the one-hot matrix; the gradient ∂L/∂E adds each output's gradient to the row it came from.
    Ids (any integer shape; floats holding whole numbers are accepted) must lie in
    [0, input_dim): input_dim is the vocabulary size.

    ``mask_zero``: id 0 is padding. ``compute_mask(ids)`` is then ids ≠ 0, the mask that tells a
    following recurrent layer which steps to skip; id 0 still gets a row (count it in input_dim).
    Initial rows: U(−0.05, 0.05), as Keras.
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: InitializerLike = "random_uniform",
        embeddings_regularizer: RegularizerLike = None,
        mask_zero: bool = False,
        input_length: int | None = None,
        **kwargs,
    ):
        if input_length is not None:  # Keras 3 accepts it with a deprecation warning
            warnings.warn(
                "Embedding: input_length is deprecated (as in Keras 3) and ignored; "
                "give the sequence length with Input((length,))",
                DeprecationWarning,
                stacklevel=2,
            )
        super().__init__(**kwargs)
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Embedding: {arg} must be a positive int, got {value!r}")
        self.input_dim, self.output_dim = input_dim, output_dim
        self.embeddings_initializer = embeddings_initializer
        self.embeddings_regularizer = embeddings_regularizer
        self.mask_zero = bool(mask_zero)
        self.input_spec = IDS

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            "embeddings",
            (self.input_dim, self.output_dim),
            self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
        )

    def _ids(self, inputs):
        """The ids as a backend integer array, checked to be whole numbers in [0, input_dim)."""
        ids = as_array(inputs)  # of a number dtype (``input_spec``)
        if ids.dtype.kind in "fb":
            whole = ids.astype(B.xp.int64)
            if ids.size and not bool((whole == ids).all()):
                raise self.error(
                    f"expected whole-number ids, got floats such as {ids[whole != ids].ravel()[0]}"
                )
            ids = whole
        if ids.size and (int(ids.min()) < 0 or int(ids.max()) >= self.input_dim):
            bad = int(ids.max()) if int(ids.max()) >= self.input_dim else int(ids.min())
            raise self.error(
                f"expected ids in [0, {self.input_dim}) (input_dim must be the vocabulary "
                f"size: the largest id + 1), got id {bad}"
            )
        return ids

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return self.embeddings[self._ids(inputs)]

    def compute_mask(self, inputs, mask=None):
        """ids ≠ 0 (boolean, the ids' shape) when ``mask_zero``, else None."""
        if not self.mask_zero:
            return None
        return Tensor._wrap(as_array(inputs) != 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": serialize(self.embeddings_initializer),
            "embeddings_regularizer": serialize(self.embeddings_regularizer),
            "mask_zero": self.mask_zero,
        }


# --- positions: attention itself is blind to order, so the position is added to each token ------
def _positions(features=None) -> InputSpec:
    """What the position layers accept: (batch, steps, features), the features known."""
    return InputSpec(
        min_ndim=2, axes={-1: features}, layout="(batch, steps, features)", units="features"
    )


class PositionEmbedding(Layer):
    """A learned vector for each position 0 … sequence_length − 1 (KerasHub's PositionEmbedding;
    ``PositionalEmbedding`` is the same layer): called on x (batch, steps, d) it returns the
    position vectors P[start_index : start_index + steps] broadcast to x's shape — add them to
    the token embeddings yourself (or use ``TokenAndPositionEmbedding``).

    Weight: ``embeddings`` (sequence_length, d), Glorot-uniform.
    """

    def __init__(
        self, sequence_length: int, initializer: InitializerLike = "glorot_uniform", **kwargs
    ):
        super().__init__(**kwargs)
        if not isinstance(sequence_length, int) or sequence_length < 1:
            raise ValueError(
                f"PositionEmbedding: sequence_length must be a positive int, got "
                f"{sequence_length!r}"
            )
        self.sequence_length, self.initializer = sequence_length, initializer
        self.input_spec = _positions()

    def build(self, input_shape):
        self.input_spec = _positions(input_shape[-1])
        self.position_embeddings = self.add_weight(
            "embeddings", (self.sequence_length, input_shape[-1]), self.initializer
        )

    def call(self, inputs: Tensor, training: bool | None = None, start_index: int = 0) -> Tensor:
        steps = inputs.shape[-2]
        if start_index + steps > self.sequence_length:
            raise self.error(
                f"expected positions start_index … start_index + steps − 1 below "
                f"sequence_length {self.sequence_length} (build the layer with a longer one), "
                f"got positions {start_index} … {start_index + steps - 1}"
            )
        return ops.broadcast_to(
            self.position_embeddings[start_index : start_index + steps], inputs.shape
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "sequence_length": self.sequence_length,
            "initializer": serialize(self.initializer),
        }


class SinePositionEncoding(Layer):
    """The fixed sinusoidal position encoding of Vaswani et al. (2017) (KerasHub's
    SinePositionEncoding; ``SinusoidalPositionEncoding`` is the same layer): for position p and
    feature i of d,

        PE[p, i] = sin(p · ω_i) for even i,  cos(p · ω_i) for odd i,   ω_i = W^(−2⌊i/2⌋/d)

    with W = ``max_wavelength`` (10000). Called on x (batch, steps, d) it returns PE broadcast
    to x's shape (add it to the embeddings). No weights.
    """

    def __init__(self, max_wavelength: float = 10000, **kwargs):
        super().__init__(**kwargs)
        self.max_wavelength = max_wavelength
        self.input_spec = _positions()

    def call(self, inputs: Tensor, training: bool | None = None, start_index: int = 0) -> Tensor:
        steps, d = inputs.shape[-2:]
        xp = B.xp
        position = xp.arange(start_index, start_index + steps, dtype="float64")[:, None]
        pairs = 2 * (xp.arange(d) // 2)
        angles = position * xp.exp(-math.log(self.max_wavelength) * pairs / d)
        table = xp.where(xp.arange(d) % 2 == 0, xp.sin(angles), xp.cos(angles))
        return Tensor._wrap(xp.broadcast_to(table.astype(self.dtype), inputs.shape))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_wavelength": self.max_wavelength}


class TokenAndPositionEmbedding(Layer):
    """Token embedding + learned position embedding (KerasHub's TokenAndPositionEmbedding):
    ids (batch, steps) → E[ids] + P[positions] (batch, steps, embedding_dim).

    ``mask_zero``: id 0 is padding, and the mask reaches the attention layers that follow as key
    padding. Sublayers: token_embedding (Embedding), position_embedding (PositionEmbedding).
    """

    def __init__(
        self,
        vocabulary_size: int,
        sequence_length: int,
        embedding_dim: int,
        embeddings_initializer: InitializerLike = "random_uniform",
        mask_zero: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.vocabulary_size, self.sequence_length = vocabulary_size, sequence_length
        self.embedding_dim, self.mask_zero = embedding_dim, bool(mask_zero)
        self.embeddings_initializer = embeddings_initializer
        self.input_spec = IDS
        self.token_embedding = Embedding(
            vocabulary_size,
            embedding_dim,
            mask_zero=mask_zero,
            embeddings_initializer=embeddings_initializer,
            name="token_embedding",
        )
        self.position_embedding = PositionEmbedding(
            sequence_length, name="position_embedding", initializer=embeddings_initializer
        )

    def build(self, input_shape):
        self.token_embedding._ensure_built(input_shape)
        self.position_embedding._ensure_built(tuple(input_shape) + (self.embedding_dim,))

    def call(self, inputs: Tensor, training: bool | None = None, start_index: int = 0) -> Tensor:
        tokens = self.token_embedding(inputs)
        return tokens + self.position_embedding(tokens, start_index=start_index)

    def compute_mask(self, inputs, mask=None):
        return self.token_embedding.compute_mask(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.embedding_dim,)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "sequence_length": self.sequence_length,
            "embedding_dim": self.embedding_dim,
            "embeddings_initializer": serialize(self.embeddings_initializer),
            "mask_zero": self.mask_zero,
        }


PositionalEmbedding = PositionEmbedding
SinusoidalPositionEncoding = SinePositionEncoding
