"""Weight constraints (Keras' ``keras.constraints``): after every optimizer step a constrained
weight is projected back onto its set, ``w ← c(w)``. Norms are taken along ``axis`` (0: each
output unit's incoming weights of a Dense kernel (in, out)), with ε = 1e-7 as Keras.

>>> layers.Dense(64, kernel_constraint=constraints.MaxNorm(3))
<Dense name='dense...', built=False>
>>> layers.Dense(8, kernel_constraint="non_neg")
<Dense name='dense...', built=False>
"""

from __future__ import annotations

from . import backend as B
from .serialization import lookup

__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "unit_norm",
    "get",
    "serialize",
    "deserialize",
]

_EPSILON = 1e-7


def _norms(w, axis):
    axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    return B.xp.sqrt((w * w).sum(axis=axis, keepdims=True))


class Constraint:
    """Base: ``__call__(w)`` returns the projected array (of w's shape and dtype)."""

    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


class MaxNorm(Constraint):
    """w · clip(‖w‖, 0, max_value) / (ε + ‖w‖): norms above ``max_value`` are scaled down to it."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        return w * (B.xp.clip(norms, 0, self.max_value) / (_EPSILON + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """w · d / (ε + ‖w‖) with d = rate · clip(‖w‖, min_value, max_value) + (1 − rate) · ‖w‖."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = (
            self.rate * B.xp.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        )
        return w * (desired / (_EPSILON + norms))

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


class NonNeg(Constraint):
    """w with its negative entries set to 0."""

    def __call__(self, w):
        return w * (w >= 0)


class UnitNorm(Constraint):
    """w / (ε + ‖w‖): norm 1 along ``axis``."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (_EPSILON + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm
_BY_NAME = {
    "max_norm": MaxNorm,
    "min_max_norm": MinMaxNorm,
    "non_neg": NonNeg,
    "unit_norm": UnitNorm,
    "MaxNorm": MaxNorm,
    "MinMaxNorm": MinMaxNorm,
    "NonNeg": NonNeg,
    "UnitNorm": UnitNorm,
}


def get(identifier):
    """A constraint from None, an instance or function (as is), a name or a config dict."""
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str):
        return lookup(identifier, _BY_NAME, "constraint")()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise TypeError(
        f"a constraint must be a name, a Constraint, a function or None, got "
        f"{type(identifier).__name__}"
    )


def serialize(constraint) -> dict | None:
    if constraint is None:
        return None
    return {"class_name": type(constraint).__name__, "config": constraint.get_config()}


def deserialize(config: dict) -> Constraint:
    cls = lookup(config["class_name"], _BY_NAME, "constraint")
    return cls.from_config(dict(config.get("config", {})))
