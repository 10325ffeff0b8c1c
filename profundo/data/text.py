"""Text to training examples: ``pad_sequences``, ``CharVocabulary``, and cutting a text into
examples (``windows`` for language models, ``passages`` for classifiers, ``split_by_position`` to
hold some out). The layer that turns strings into ids is ``layers.TextVectorization``.

Character level — the input of a language model:

>>> vocab = CharVocabulary("hello world")
>>> ids = vocab.encode("hello world")                # array([3, 2, 4, 4, 5, 0, 7, 5, 6, 4, 1])
>>> x, y = windows(ids, 4)                           # y is x one step later: the next character
>>> vocab.decode(x[0]), vocab.decode(y[0])
('hell', 'ello')
"""

from __future__ import annotations

import numpy

__all__ = ["pad_sequences", "CharVocabulary", "windows", "passages", "split_by_position"]


def pad_sequences(
    sequences,
    maxlen: int | None = None,
    dtype="int32",
    padding: str = "pre",
    truncating: str = "pre",
    value=0,
) -> numpy.ndarray:
    """Lists of ids of different lengths → one array (n, maxlen), as Keras' pad_sequences.

    Shorter sequences are filled with ``value`` before ("pre", the default) or after ("post")
    their ids; longer ones lose their first ("pre") or last ("post") ids. ``maxlen``: the
    longest sequence's length when None.

    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
    array([[2, 3], [0, 4]], dtype=int32)
    """
    for arg, side in (("padding", padding), ("truncating", truncating)):
        if side not in ("pre", "post"):
            raise ValueError(f"pad_sequences: {arg} must be 'pre' or 'post', got {side!r}")
    sequences = [list(s) for s in sequences]
    if maxlen is None:
        maxlen = max((len(s) for s in sequences), default=0)
    out = numpy.full((len(sequences), maxlen), value, dtype=dtype)
    for row, seq in zip(out, sequences):
        seq = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        if maxlen and seq:
            if padding == "pre":
                row[maxlen - len(seq) :] = seq
            else:
                row[: len(seq)] = seq
    return out


class CharVocabulary:
    """The characters of a text, numbered 0, 1, ... in sorted order, for character-level models.

    >>> vocab = CharVocabulary(text)             # len(vocab): how many different characters
    ... # doctest: +SKIP
    >>> ids = vocab.encode("To be")              # int32 array, one id per character
    ... # doctest: +SKIP
    >>> vocab.decode(ids)  # doctest: +SKIP
    'To be'
    """

    def __init__(self, text: str):
        if not text:
            raise ValueError("CharVocabulary: the text is empty")
        self.chars = "".join(sorted(set(text)))
        self.codes = numpy.array([ord(c) for c in self.chars], dtype=numpy.uint32)

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> numpy.ndarray:
        """The ids of the characters of ``text`` (a ValueError names any not in the vocabulary)."""
        codes = numpy.frombuffer(text.encode("utf-32-le"), dtype=numpy.uint32)
        ids = numpy.searchsorted(self.codes, codes).clip(0, len(self.chars) - 1)
        unknown = self.codes[ids] != codes
        if unknown.any():
            missing = "".join(sorted({chr(c) for c in codes[unknown]}))
            raise ValueError(
                f"CharVocabulary.encode: characters not in the vocabulary: {missing!r}"
            )
        return ids.astype(numpy.int32)

    def decode(self, ids) -> str:
        return "".join(self.chars[i] for i in numpy.asarray(ids).reshape(-1))


def windows(ids, length: int, step: int | None = None) -> tuple:
    """Language-model examples from one long sequence of ids: (inputs, targets), each
    (n, length), targets[k, t] = inputs[k, t + 1] — the id that follows each input id.

    Window k starts at k·step (default step = length: windows that do not overlap).

    >>> windows(numpy.arange(7), 3)
    (array([[0, 1, 2], [3, 4, 5]]), array([[1, 2, 3], [4, 5, 6]]))
    """
    ids = numpy.asarray(ids)
    step = length if step is None else step
    if length < 1 or step < 1 or len(ids) < length + 1:
        raise ValueError(
            f"windows: need length ≥ 1, step ≥ 1 and more than length ids; got "
            f"length={length}, step={step} and {len(ids)} ids"
        )
    view = numpy.lib.stride_tricks.sliding_window_view(ids, length + 1)[::step]
    return numpy.ascontiguousarray(view[:, :-1]), numpy.ascontiguousarray(view[:, 1:])


def passages(text: str, words: int = 64) -> list:
    """``text`` cut into consecutive passages of ``words`` words each (split at whitespace,
    rejoined with single spaces); the incomplete last passage is dropped. No two overlap.

    >>> passages("a b c d e", words=2)
    ['a b', 'c d']
    """
    tokens = text.split()
    return [" ".join(tokens[k : k + words]) for k in range(0, len(tokens) - words + 1, words)]


def split_by_position(n: int, test_fraction: float = 0.2, block: int = 50) -> numpy.ndarray:
    """Which of n consecutive examples to hold out: a boolean mask, True for the test set.

    The examples are grouped in blocks of ``block`` neighbours; block b is held out when
    ⌊(b + 1)·f⌋ > ⌊b·f⌋ (f = test_fraction), which spreads a fraction f of the blocks evenly
    over the text. Neighbouring examples (same scene, same poem) thus stay on one side, and the
    test set still samples every part of the text.

    >>> split_by_position(10, 0.5, block=2)
    array([False, False,  True,  True, False, False,  True,  True, False, False])
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"split_by_position: test_fraction must be in (0, 1), got {test_fraction}")
    b = numpy.arange(n) // block
    return numpy.floor((b + 1) * test_fraction) > numpy.floor(b * test_fraction)
