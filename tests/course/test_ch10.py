"""Chapter 10's checkers, each with a right and a wrong answer."""

import numpy as np

from profundo.course import ch10


def attention(q, k, v, scale=True):
    scores = q @ k.T / (np.sqrt(q.shape[-1]) if scale else 1)
    p = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return p / p.sum(axis=-1, keepdims=True) @ v


def test_attention():
    assert ch10.check_attention(attention)
    v = ch10.check_attention(lambda q, k, v: attention(q, k, v, scale=False))
    assert not v and "√d" in v.message
    assert not ch10.check_attention(lambda q, k, v: q @ k.T @ v)
    assert not ch10.check_attention(lambda q, k, v: None)


def test_causal_mask():
    assert ch10.check_causal_mask(lambda n: np.tril(np.ones((n, n), bool)))
    v = ch10.check_causal_mask(lambda n: np.triu(np.ones((n, n), bool)))
    assert not v and "transpose" in v.message
    assert not ch10.check_causal_mask(lambda n: np.tril(np.ones((n, n), bool), -1))
    assert not ch10.check_causal_mask(lambda n: np.ones((n, n), bool))


def sine(length, d):
    pos, i = np.arange(length)[:, None], np.arange(d // 2)[None, :]
    angle = pos / 10000 ** (2 * i / d)
    pe = np.zeros((length, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)
    return pe


def test_sine_encoding():
    assert ch10.check_sine_encoding(sine)
    v = ch10.check_sine_encoding(
        lambda n, d: np.concatenate([sine(n, d)[:, 0::2], sine(n, d)[:, 1::2]], axis=1)
    )
    assert not v and "column" in v.message
    assert not ch10.check_sine_encoding(lambda n, d: sine(n, d).T)
