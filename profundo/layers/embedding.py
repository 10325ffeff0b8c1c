"""Embedding: a learned vector for each token id.

>>> emb = layers.Embedding(input_dim=10_000, output_dim=64, mask_zero=True)
>>> ids = np.array([[5, 42, 7, 0, 0]])              # one sentence, padded with 0
>>> emb(ids).shape
(1, 5, 64)
>>> emb.compute_mask(ids)                            # the padding steps, for a recurrent layer
tensor([[ True,  True,  True, False, False]], dtype=bool)
"""
from __future__ import annotations

from .. import backend as B
from ..autograd import Tensor, as_array
from .base import Layer, serialize

__all__ = ["Embedding"]


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

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer="random_uniform",
                 embeddings_regularizer=None, mask_zero: bool = False, **kwargs):
        super().__init__(**kwargs)
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Embedding: {arg} must be a positive int, got {value!r}")
        self.input_dim, self.output_dim = input_dim, output_dim
        self.embeddings_initializer = embeddings_initializer
        self.embeddings_regularizer = embeddings_regularizer
        self.mask_zero = bool(mask_zero)

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer)

    def _ids(self, inputs):
        """The ids as a backend integer array, checked to be whole numbers in [0, input_dim)."""
        ids = as_array(inputs)
        if ids.dtype.kind == "f":
            whole = ids.astype(B.xp.int64)
            if ids.size and not bool((whole == ids).all()):
                raise ValueError(f"Embedding {self.name!r}: ids must be whole numbers, got floats "
                                 f"such as {ids[whole != ids].ravel()[0]}")
            ids = whole
        elif ids.dtype.kind not in "iu":
            raise TypeError(f"Embedding {self.name!r}: ids must be integers, got dtype {ids.dtype}"
                            f"; turn text into ids first (TextVectorization)")
        if ids.size and (int(ids.min()) < 0 or int(ids.max()) >= self.input_dim):
            bad = int(ids.max()) if int(ids.max()) >= self.input_dim else int(ids.min())
            raise ValueError(f"Embedding {self.name!r}: id {bad} is outside [0, {self.input_dim}); "
                             f"input_dim must be the vocabulary size (the largest id + 1)")
        return ids

    def call(self, inputs, training=None):
        return self.embeddings[self._ids(inputs)]

    def compute_mask(self, inputs, mask=None):
        """ids ≠ 0 (boolean, the ids' shape) when ``mask_zero``, else None."""
        if not self.mask_zero:
            return None
        return Tensor._wrap(as_array(inputs) != 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": serialize(self.embeddings_initializer),
                "embeddings_regularizer": serialize(self.embeddings_regularizer),
                "mask_zero": self.mask_zero}
