"""Random draws with Keras' names and signatures (``keras.random``): ``pf.random.normal((2, 3))``.

Every function takes ``seed``: ``None`` draws from profundo's generator (``pf.manual_seed`` makes it
reproducible), an int draws from a new generator seeded with it (the same int, the same numbers),
and a ``SeedGenerator`` draws from its own generator, which moves on at every draw.

>>> pf.random.uniform((2, 2), minval=-1, maxval=1, seed=0)
tensor([[ 0.2739, -0.4604],
        [-0.9181, -0.9669]])
>>> gen = pf.random.SeedGenerator(42); pf.random.normal((3,), seed=gen)
tensor([ 0.3047, -1.04  ,  0.7505])
"""

from __future__ import annotations

import numpy

from . import backend as B
from .autograd import Tensor, as_tensor
from .ops import mul

__all__ = [
    "SeedGenerator",
    "normal",
    "uniform",
    "randint",
    "truncated_normal",
    "dropout",
    "shuffle",
    "categorical",
    "gamma",
    "beta",
    "binomial",
]


class SeedGenerator:
    """A generator of its own, for reproducible draws that do not touch profundo's generator."""

    def __init__(self, seed=None):
        self.seed = seed
        self.generator = B.xp.random.default_rng(seed)


def _generator(seed):
    if seed is None:
        return B.rng()
    if isinstance(seed, SeedGenerator):
        return seed.generator
    if isinstance(seed, (int, numpy.integer)):
        return B.xp.random.default_rng(int(seed))
    raise TypeError(f"random: seed must be None, an int or a pf.random.SeedGenerator, got {seed!r}")


def _float(array, dtype) -> Tensor:
    return Tensor._wrap(array.astype(B.default_dtype if dtype is None else dtype, copy=False))


def _shape(shape) -> tuple:
    return (
        (int(shape),) if isinstance(shape, (int, numpy.integer)) else tuple(int(n) for n in shape)
    )


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None) -> Tensor:
    """Draws from the normal distribution N(mean, stddev²)."""
    return _float(_generator(seed).normal(mean, stddev, _shape(shape)), dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None) -> Tensor:
    """Draws from the uniform distribution on [minval, maxval)."""
    return _float(_generator(seed).uniform(minval, maxval, _shape(shape)), dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None) -> Tensor:
    """Integers drawn uniformly from [minval, maxval)."""
    return Tensor._wrap(_generator(seed).integers(minval, maxval, _shape(shape)).astype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None) -> Tensor:
    """Normal draws kept within two standard deviations of the mean (those outside are redrawn)."""
    gen, shape = _generator(seed), _shape(shape)
    z = gen.standard_normal(shape)
    outside = B.xp.abs(z) > 2
    while outside.any():
        z[outside] = gen.standard_normal(int(outside.sum()))
        outside = B.xp.abs(z) > 2
    return _float(mean + stddev * z, dtype)


def dropout(inputs, rate, noise_shape=None, seed=None) -> Tensor:
    """``inputs`` with each entry zeroed with probability ``rate`` and the rest scaled by
    1/(1 − rate), so the expectation is unchanged (differentiable in ``inputs``)."""
    if not 0 <= rate < 1:
        raise ValueError(f"random.dropout: rate must be in [0, 1), got {rate}")
    x = as_tensor(inputs)
    shape = (
        x.shape
        if noise_shape is None
        else tuple(x.shape[i] if n is None else n for i, n in enumerate(noise_shape))
    )
    keep = _generator(seed).random(shape) >= rate
    return mul(x, Tensor._wrap((keep / (1 - rate)).astype(x.dtype)))


def shuffle(x, axis=0, seed=None) -> Tensor:
    """``x`` with its entries along ``axis`` in a random order."""
    x = as_tensor(x)
    order = B.xp.asarray(B.permutation(x.shape[axis], _generator(seed)))
    return Tensor._wrap(B.xp.take(x.data, order, axis=axis))


def categorical(logits, num_samples, dtype="int32", seed=None) -> Tensor:
    """For each row of ``logits`` (batch, classes), ``num_samples`` class indices drawn with
    probabilities softmax(logits)."""
    z = as_tensor(logits).data.astype("float64")
    if z.ndim != 2:
        raise ValueError(
            f"random.categorical: logits must be (batch, classes), got shape {z.shape}"
        )
    p = B.xp.exp(z - z.max(axis=1, keepdims=True))
    cdf = B.xp.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    u = _generator(seed).random((z.shape[0], int(num_samples)))
    picks = (u[:, :, None] > cdf[:, None, :]).sum(axis=2)
    return Tensor._wrap(B.xp.minimum(picks, z.shape[1] - 1).astype(dtype))


def gamma(shape, alpha, dtype=None, seed=None) -> Tensor:
    """Draws from the gamma distribution of shape ``alpha`` and scale 1."""
    return _float(_generator(seed).gamma(alpha, 1.0, _shape(shape)), dtype)


def beta(shape, alpha, beta, dtype=None, seed=None) -> Tensor:
    """Draws from the beta distribution Beta(alpha, beta)."""
    return _float(_generator(seed).beta(alpha, beta, _shape(shape)), dtype)


def binomial(shape, counts, probabilities, dtype=None, seed=None) -> Tensor:
    """Draws from the binomial distribution: successes in ``counts`` trials of probability
    ``probabilities``."""
    return _float(_generator(seed).binomial(counts, probabilities, _shape(shape)), dtype)
