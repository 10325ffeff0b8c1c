"""``TextVectorization``: strings → token ids, as the first layer of a model.

>>> vectorize = TextVectorization(max_tokens=20_000, output_sequence_length=6)
>>> vectorize.adapt(["To be, or not to be", "that is the question"])
>>> vectorize.get_vocabulary()[:5]                  # padding, out-of-vocabulary, then by count
['', '[UNK]', 'to', 'be', 'or']
>>> vectorize(["To be or not"]).numpy()
array([[2, 3, 4, 5, 0, 0]])

Put it first in a model (``Input((), dtype="str")``) and the model takes raw strings; its
vocabulary is saved in the model's config.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy

from .. import backend as B
from ..autograd import Tensor
from .base import Layer
from .symbolic import is_symbolic

__all__ = ["TextVectorization"]

#: Keras' punctuation: removed by the "strip_punctuation" standardizations
PUNCTUATION = re.compile(r"[!\"#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~']")
STANDARDIZE = {
    "lower_and_strip_punctuation": lambda s: PUNCTUATION.sub("", s.lower()),
    "lower": str.lower,
    "strip_punctuation": lambda s: PUNCTUATION.sub("", s),
    None: lambda s: s,
}
SPLIT = {"whitespace": str.split, "character": list, None: lambda s: [s]}
OUTPUT_MODES = ("int", "multi_hot", "count")
PAD, OOV = "", "[UNK]"


def _choice(arg, value, options, functions=True):
    if functions and callable(value) and not isinstance(value, str):
        return value
    if value not in options:
        raise ValueError(
            f"TextVectorization: {arg} must be one of "
            f"{', '.join(map(repr, options))}{' or a function' * functions}, "
            f"got {value!r}"
        )
    return value


class TextVectorization(Layer):
    """Strings → token ids: standardize, split into tokens, look each token up in a vocabulary.

    - ``standardize``: "lower_and_strip_punctuation" (default), "lower", "strip_punctuation",
      None, or a function str → str;
    - ``split``: "whitespace" (default, words), "character", None (the whole string), or a
      function str → list of tokens;
    - vocabulary: from data with ``adapt(texts)`` — the ``max_tokens`` most frequent tokens — or
      given as ``vocabulary=[...]``. In "int" mode id 0 is padding ("") and id 1 stands for
      every token not in the vocabulary ("[UNK]"); the tokens follow, most frequent first.
    - ``output_mode``: "int" — one id per token, (batch, length), padded with 0 (or cut) at the
      end to ``output_sequence_length`` when given, else to the longest text; "multi_hot" —
      (batch, vocabulary size), 1 where the token occurs; "count" — how often it occurs (bag of
      words). These two have no padding id: "[UNK]" is id 0.

    Inputs: a string, a list or array of strings (batch,) or (batch, 1). Not differentiable.
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        standardize: str | Callable[..., Any] | None = "lower_and_strip_punctuation",
        split: str | Callable[..., Any] | None = "whitespace",
        output_mode: str = "int",
        output_sequence_length: int | None = None,
        vocabulary: Sequence[str] | str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.standardize = _choice("standardize", standardize, STANDARDIZE)
        self.split = _choice("split", split, SPLIT)
        self.output_mode = _choice("output_mode", output_mode, OUTPUT_MODES, functions=False)
        specials = 2 if output_mode == "int" else 1
        if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens <= specials):
            raise ValueError(
                f"TextVectorization: max_tokens counts the special tokens too and "
                f"must be an int > {specials}, got {max_tokens!r}"
            )
        if output_sequence_length is not None and (
            output_mode != "int"
            or not isinstance(output_sequence_length, int)
            or output_sequence_length < 1
        ):
            raise ValueError(
                "TextVectorization: output_sequence_length must be a positive int, "
                "and only with output_mode='int'"
            )
        self.max_tokens, self.output_sequence_length = max_tokens, output_sequence_length
        self.specials = [PAD, OOV] if output_mode == "int" else [OOV]
        self.built = True
        self.set_vocabulary(vocabulary or [])

    # --- vocabulary ----------------------------------------------------------------------------
    def tokens(self, text: str) -> list:
        """The tokens of one string, after standardizing and splitting."""
        standardize = STANDARDIZE.get(self.standardize, self.standardize)
        split = SPLIT.get(self.split, self.split)
        return split(standardize(text))

    def adapt(self, data) -> None:
        """Build the vocabulary from texts: their tokens, most frequent first (ties in order of
        first appearance), at most ``max_tokens`` ids in all."""
        counts: collections.Counter = collections.Counter()
        for text in _strings(data):
            counts.update(self.tokens(text))
        for special in self.specials:
            counts.pop(special, None)
        keep = None if self.max_tokens is None else self.max_tokens - len(self.specials)
        self.set_vocabulary([token for token, _ in counts.most_common(keep)])

    def set_vocabulary(self, vocabulary) -> None:
        """Use these tokens (most frequent first; the special tokens are added in front)."""
        tokens = [str(t) for t in vocabulary]
        tokens = (
            tokens[len(self.specials) :]
            if tokens[: len(self.specials)] == self.specials
            else tokens
        )
        if len(set(tokens)) != len(tokens) or any(t in self.specials for t in tokens):
            raise ValueError(
                "TextVectorization: the vocabulary must not repeat a token or hold "
                f"the special tokens {self.specials} after their places in front"
            )
        self.vocabulary = self.specials + tokens
        self.index = {token: i for i, token in enumerate(self.vocabulary)}

    def get_vocabulary(self) -> list:
        """The tokens by id: ["", "[UNK]", most frequent, ...] in "int" mode."""
        return list(self.vocabulary)

    def vocabulary_size(self) -> int:
        return len(self.vocabulary)

    # --- running ---------------------------------------------------------------------------------
    def __call__(self, inputs, training=None):
        if is_symbolic(inputs):
            return super().__call__(inputs, training=training)
        return self.call(inputs)

    def call(self, inputs: Any, training: bool | None = None) -> Tensor:
        if len(self.vocabulary) == len(self.specials):
            raise ValueError(
                f"TextVectorization {self.name!r}: no vocabulary; call adapt(texts) "
                f"or give vocabulary=[...] first"
            )
        unknown = self.index[OOV]
        ids = [
            [self.index.get(token, unknown) for token in self.tokens(text)]
            for text in _strings(inputs)
        ]
        if self.output_mode == "int":
            length = self.output_sequence_length or max(map(len, ids), default=0)
            out = numpy.zeros((len(ids), length), numpy.int64)  # padded/cut at the end
            for row, seq in zip(out, ids):
                row[: min(len(seq), length)] = seq[:length]
        else:
            out = numpy.zeros((len(ids), len(self.vocabulary)), numpy.float32)
            for row, seq in zip(out, ids):
                numpy.add.at(row, seq, 1)
            if self.output_mode == "multi_hot":
                out = numpy.minimum(out, 1)
        return Tensor._wrap(B.xp.asarray(out))

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return (input_shape[0], self.output_sequence_length)
        return (input_shape[0], len(self.vocabulary))

    def get_config(self):
        for arg in ("standardize", "split"):
            if callable(getattr(self, arg)):
                raise ValueError(
                    f"TextVectorization {self.name!r}: a custom {arg} function "
                    f"cannot be saved in a config; use one of the named ones"
                )
        return {
            **super().get_config(),
            "max_tokens": self.max_tokens,
            "standardize": self.standardize,
            "split": self.split,
            "output_mode": self.output_mode,
            "output_sequence_length": self.output_sequence_length,
            "vocabulary": self.vocabulary[len(self.specials) :],
        }


def _strings(data) -> list:
    """Texts as a list of str from a str, a list, an array (batch,) or (batch, 1), a Tensor, or
    an iterable of those (a ``pf.data`` pipeline, batched or not)."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, Tensor):
        data = data.data
    elif not isinstance(data, (list, tuple, numpy.ndarray, B.xp.ndarray)) and hasattr(
        data, "__iter__"
    ):
        return [text for batch in data for text in _strings(batch)]
    array = numpy.asarray(data)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1 or array.dtype.kind not in "UO":
        raise TypeError(
            f"TextVectorization: expected strings, a list of strings or an array of "
            f"shape (batch,) or (batch, 1), got {array.dtype} of shape {array.shape}"
        )
    return [str(s) for s in array]
