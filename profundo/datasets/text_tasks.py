"""Learning tasks made from the Shakespeare and Milton texts.

>>> (x_train, y_train), (x_test, y_test) = text_tasks.authorship()      # passages, 0/1 labels
>>> vocab, (x_train, y_train), (x_val, y_val) = text_tasks.shakespeare_chars(length=100)

Held-out examples are chosen by position (``profundo.data.text.split_by_position``): whole blocks
of neighbouring examples, spread over each text, so that no test passage overlaps or sits
inside the same scene as a training one.
"""

from __future__ import annotations

import numpy

from ..data.text import CharVocabulary, passages, split_by_position, windows
from . import milton, shakespeare

__all__ = ["AUTHORS", "authorship", "shakespeare_chars"]

AUTHORS = ("shakespeare", "milton")  #: label k is the author AUTHORS[k]


def authorship(
    words: int = 64, test_fraction: float = 0.2, block: int = 50, progress: bool | None = None
) -> tuple:
    """Who wrote this passage, Shakespeare (0) or Milton (1)?

    Each text is cut into consecutive passages of ``words`` words; ``test_fraction`` of each
    author's passages (blocks of ``block`` neighbours) are held out. Returns
    ``(x_train, y_train), (x_test, y_test)``: x arrays of str, y int64 labels. About 14,100
    Shakespeare and 3,700 Milton passages of 64 words.
    """
    xs, ys, held = [], [], []
    for label, corpus in enumerate((shakespeare, milton)):
        texts = passages(corpus.load_data(progress), words)
        xs += texts
        ys += [label] * len(texts)
        held.append(split_by_position(len(texts), test_fraction, block))
    x, y, test = numpy.array(xs), numpy.array(ys, dtype=numpy.int64), numpy.concatenate(held)
    return (x[~test], y[~test]), (x[test], y[test])


def shakespeare_chars(
    length: int = 100,
    validation_fraction: float = 0.1,
    block: int = 50,
    progress: bool | None = None,
) -> tuple:
    """Character-level language modelling on Shakespeare: predict each next character.

    The text is encoded with a ``CharVocabulary`` and cut into windows of ``length`` ids that
    do not overlap; the target of each window is the window shifted by one character.
    ``validation_fraction`` of the windows (blocks of ``block`` neighbours) are held out.
    Returns ``vocab, (x_train, y_train), (x_val, y_val)``, x and y int32 of shape (n, length).
    """
    text = shakespeare.load_data(progress)
    vocab = CharVocabulary(text)
    x, y = windows(vocab.encode(text), length)
    held = split_by_position(len(x), validation_fraction, block)
    return vocab, (x[~held], y[~held]), (x[held], y[held])
