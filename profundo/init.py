"""Initializers: the starting values of weights, with Keras' names and formulas.

An initializer is called with a shape (and a dtype, float32 by default) and returns a new array
of the active backend::

    w = init.GlorotUniform()((784, 256))          # a Dense kernel (in, out)
    k = init.get("he_normal")((3, 3, 32, 64))     # a Conv2D kernel (kh, kw, in, out)

Why the scale matters: a unit sums fan_in inputs, so with weights of variance σ² its output has
about fan_in · σ² times the variance of its inputs. Choosing σ² ∝ 1 / fan keeps the signal (and
the gradient) from growing or dying layer after layer:

=================  ================  ==================  ==============================
initializer        σ²                distribution        for
=================  ================  ==================  ==============================
``GlorotUniform``  2 / (in + out)    uniform             tanh, sigmoid (Keras' default)
``GlorotNormal``   2 / (in + out)    truncated normal    tanh, sigmoid
``HeUniform``      2 / in            uniform             ReLU and its kin
``HeNormal``       2 / in            truncated normal    ReLU and its kin
``LecunUniform``   1 / in            uniform             SELU
``LecunNormal``    1 / in            truncated normal    SELU
=================  ================  ==================  ==============================

All are ``VarianceScaling(scale, mode, distribution)`` with σ² = scale / fan. The fans follow
Keras (``compute_fans``): a Dense kernel ``(in, out)`` has fan_in = in, fan_out = out; a
convolution kernel ``(kh, kw, in, out)`` has fan_in = kh·kw·in and fan_out = kh·kw·out (each
output sums over a receptive field of kh·kw pixels of every input channel).

Random initializers draw from profundo's generator, so ``pf.manual_seed(n)`` reproduces them.
Given ``seed=n``, an initializer uses a generator of its own seeded with n at every call, and so
returns the same values every time it is called (as Keras' seeded initializers do).
"""

from __future__ import annotations

import math

import numpy

from . import backend as B
from .serialization import deserialize as _deserialize
from .serialization import lookup, serialize

__all__ = [
    "Initializer",
    "Zeros",
    "Ones",
    "Constant",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "GlorotUniform",
    "GlorotNormal",
    "HeUniform",
    "HeNormal",
    "LecunUniform",
    "LecunNormal",
    "Orthogonal",
    "compute_fans",
    "get",
    "serialize",
    "deserialize",
]


def _shape(shape) -> tuple:
    return (int(shape),) if isinstance(shape, int) else tuple(int(n) for n in shape)


def compute_fans(shape) -> tuple:
    """(fan_in, fan_out) of a weight of ``shape``, as Keras computes them.

    A vector ``(n,)``: n and n. A matrix ``(in, out)``: in and out. A kernel
    ``(*window, in, out)``: in and out, each times the window's size.

    >>> compute_fans((3, 3, 16, 32))      # 3·3·16, 3·3·32
    (144, 288)
    """
    shape = _shape(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class Initializer:
    """Base of the initializers: ``init(shape, dtype=None)`` returns a new backend array."""

    def __call__(self, shape, dtype=None):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Initializer":
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Constant(Initializer):
    """Every element equal to ``value``."""

    def __init__(self, value: float = 0.0) -> None:
        self.value = value

    def __call__(self, shape, dtype=None):
        return B.xp.full(
            _shape(shape), self.value, dtype=B.default_dtype if dtype is None else dtype
        )

    def get_config(self) -> dict:
        return {"value": self.value}


class Zeros(Constant):
    """All zeros (Keras' default for biases)."""

    def __init__(self) -> None:
        super().__init__(0.0)

    def get_config(self) -> dict:
        return {}


class Ones(Constant):
    """All ones (e.g. the scale γ of batch normalization)."""

    def __init__(self) -> None:
        super().__init__(1.0)

    def get_config(self) -> dict:
        return {}


class RandomInitializer(Initializer):
    """Base of the random initializers: picks the generator and the floating dtype; subclasses
    write ``sample(rng, shape, dtype)``."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed

    def __call__(self, shape, dtype=None):
        dtype = numpy.dtype(B.default_dtype if dtype is None else dtype)
        if dtype.kind != "f":
            raise TypeError(
                f"{type(self).__name__}: random initial values need a floating dtype, got {dtype}"
            )
        rng = B.rng() if self.seed is None else B.xp.random.default_rng(self.seed)
        drawn = numpy.promote_types(dtype, numpy.float32)  # the generators draw float32/64
        return self.sample(rng, _shape(shape), drawn).astype(dtype, copy=False)

    def sample(self, rng, shape, dtype):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"seed": self.seed}


def truncated_normal(rng, shape, dtype):
    """Standard normal samples, each drawn again until it lies within two standard deviations
    (values beyond would be outliers among the initial weights). Their standard deviation is
    0.87962566 rather than 1."""
    z = rng.standard_normal(shape, dtype=dtype)
    outside = abs(z) > 2
    while outside.any():
        z[outside] = rng.standard_normal(int(outside.sum()), dtype=dtype)
        outside = abs(z) > 2
    return z


class RandomNormal(RandomInitializer):
    """Samples of N(mean, stddev²)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> None:
        self.mean, self.stddev = float(mean), float(stddev)
        super().__init__(seed)

    def sample(self, rng, shape, dtype):
        return self.mean + self.stddev * rng.standard_normal(shape, dtype=dtype)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class TruncatedNormal(RandomNormal):
    """Samples of N(mean, stddev²) redrawn until within mean ± 2·stddev."""

    def sample(self, rng, shape, dtype):
        return self.mean + self.stddev * truncated_normal(rng, shape, dtype)


class RandomUniform(RandomInitializer):
    """Samples of U(minval, maxval)."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        self.minval, self.maxval = float(minval), float(maxval)
        super().__init__(seed)

    def sample(self, rng, shape, dtype):
        return self.minval + (self.maxval - self.minval) * rng.random(shape, dtype=dtype)

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


class VarianceScaling(RandomInitializer):
    """Samples of variance σ² = scale / n, with n = fan_in, fan_out or their mean (``mode``).

    ``distribution``: ``"truncated_normal"`` (a normal cut at ±2 standard deviations, its
    standard deviation √σ² / 0.87962566 so that the cut leaves variance σ²),
    ``"untruncated_normal"`` (N(0, σ²)) or ``"uniform"`` (U(−√(3σ²), √(3σ²)), whose variance
    is σ²).

    >>> VarianceScaling(2.0, "fan_in", "truncated_normal")   # = HeNormal()
    VarianceScaling(scale=2.0, mode='fan_in', distribution='truncated_normal', seed=None)
    """

    MODES = ("fan_in", "fan_out", "fan_avg")
    DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
    ) -> None:
        if scale <= 0:
            raise ValueError(f"VarianceScaling: scale must be positive, got {scale}")
        if mode not in self.MODES:
            raise ValueError(f"VarianceScaling: mode must be one of {self.MODES}, got {mode!r}")
        if distribution not in self.DISTRIBUTIONS:
            raise ValueError(
                f"VarianceScaling: distribution must be one of {self.DISTRIBUTIONS}, "
                f"got {distribution!r}"
            )
        self.scale, self.mode, self.distribution = float(scale), mode, distribution
        super().__init__(seed)

    def sample(self, rng, shape, dtype):
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            return math.sqrt(variance) / 0.87962566103423978 * truncated_normal(rng, shape, dtype)
        if self.distribution == "untruncated_normal":
            return math.sqrt(variance) * rng.standard_normal(shape, dtype=dtype)
        limit = math.sqrt(3 * variance)
        return limit * (2 * rng.random(shape, dtype=dtype) - 1)

    def get_config(self) -> dict:
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            **super().get_config(),
        }


class _Preset(VarianceScaling):
    """A ``VarianceScaling`` with fixed ``settings`` (scale, mode, distribution); only the seed
    is free."""

    settings: tuple[float, str, str]  # set by each preset

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(*self.settings, seed=seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


class GlorotUniform(_Preset):
    """Glorot (Xavier) uniform: U(−limit, limit), limit = √(6 / (fan_in + fan_out))."""

    settings = (1.0, "fan_avg", "uniform")


class GlorotNormal(_Preset):
    """Glorot (Xavier) normal: truncated normal of variance 2 / (fan_in + fan_out)."""

    settings = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_Preset):
    """He uniform: U(−limit, limit), limit = √(6 / fan_in); for ReLU layers."""

    settings = (2.0, "fan_in", "uniform")


class HeNormal(_Preset):
    """He normal: truncated normal of variance 2 / fan_in; for ReLU layers."""

    settings = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_Preset):
    """LeCun uniform: U(−limit, limit), limit = √(3 / fan_in); for SELU layers."""

    settings = (1.0, "fan_in", "uniform")


class LecunNormal(_Preset):
    """LeCun normal: truncated normal of variance 1 / fan_in; for SELU layers."""

    settings = (1.0, "fan_in", "truncated_normal")


class Orthogonal(RandomInitializer):
    """A (scaled) orthogonal matrix: rows or columns orthonormal, times ``gain``.

    The weight is seen as a matrix of prod(shape[:-1]) rows and shape[-1] columns. The Q of the
    QR decomposition of a Gaussian matrix has orthonormal columns; multiplying each column by the
    sign of R's diagonal makes Q uniformly distributed over orthogonal matrices. An orthogonal W
    keeps the length of every vector it multiplies, which is why recurrent kernels start so.

    >>> q = Orthogonal()((4, 4)); np.allclose(q @ q.T, np.eye(4), atol=1e-6)  # the identity
    True
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        self.gain = float(gain)
        super().__init__(seed)

    def sample(self, rng, shape, dtype):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: needs a shape of at least two dimensions, got {shape}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = rng.standard_normal((max(rows, cols), min(rows, cols)), dtype=dtype)
        q, r = B.xp.linalg.qr(a)
        q = q * B.xp.sign(B.xp.diagonal(r))
        if rows < cols:
            q = q.T
        return self.gain * q.reshape(shape)

    def get_config(self) -> dict:
        return {"gain": self.gain, **super().get_config()}


_CLASSES = {
    cls.__name__: cls
    for cls in (
        Zeros,
        Ones,
        Constant,
        RandomNormal,
        RandomUniform,
        TruncatedNormal,
        VarianceScaling,
        GlorotUniform,
        GlorotNormal,
        HeUniform,
        HeNormal,
        LecunUniform,
        LecunNormal,
        Orthogonal,
    )
}
#: Keras' snake-case names of the initializers ("glorot_uniform", "he_normal", "zeros", ...).
ALIASES = {
    "zeros": Zeros,
    "zero": Zeros,
    "ones": Ones,
    "one": Ones,
    "constant": Constant,
    "random_normal": RandomNormal,
    "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "xavier_uniform": GlorotUniform,
    "xavier_normal": GlorotNormal,
    "he_uniform": HeUniform,
    "he_normal": HeNormal,
    "lecun_uniform": LecunUniform,
    "lecun_normal": LecunNormal,
    "orthogonal": Orthogonal,
}


# Keras' function-style names for the same classes (``keras.initializers.glorot_uniform`` is
# ``GlorotUniform``); ``truncated_normal`` stays the sampling helper above.
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, variance_scaling = RandomNormal, RandomUniform, VarianceScaling
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
he_uniform, he_normal = HeUniform, HeNormal
lecun_uniform, lecun_normal = LecunUniform, LecunNormal
orthogonal = OrthogonalInitializer = Orthogonal


def get(identifier):
    """An initializer from a name (``"glorot_uniform"``, ``"HeNormal"``, ...), a config dict
    ``{"class_name": ..., "config": ...}``, an ``Initializer`` or a function
    ``fn(shape, dtype=None)`` (returned as they are); ``None`` gives ``None``.

    >>> get("he_normal")
    HeNormal(seed=None)
    """
    if identifier is None or isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return lookup(identifier, {**ALIASES, **_CLASSES}, "initializer")()
    if callable(identifier):
        return identifier
    raise TypeError(
        f"an initializer must be a name, a config dict, an Initializer or a function, got "
        f"{type(identifier).__name__}"
    )


def deserialize(config: dict) -> Initializer:
    """The initializer that ``serialize`` described."""
    return _deserialize(config, _CLASSES, "initializer")
