"""Activation functions by name, as Keras layers take them: ``Dense(64, activation="relu")``.

>>> activations.get("relu")            # the function pf.relu
<function relu at ...>
>>> activations.get(None)              # linear (identity)
<function linear at ...>
>>> activations.serialize(pf.tanh)
'tanh'
"""

from __future__ import annotations

from . import ops
from .serialization import lookup

_BY_NAME = {
    "linear": ops.linear,
    "step": ops.step,
    "sigmoid": ops.sigmoid,
    "tanh": ops.tanh,
    "relu": ops.relu,
    "relu6": ops.relu6,
    "leaky_relu": ops.leaky_relu,
    "elu": ops.elu,
    "selu": ops.selu,
    "gelu": ops.gelu,
    "softplus": ops.softplus,
    "softsign": ops.softsign,
    "silu": ops.silu,
    "swish": ops.silu,
    "hard_sigmoid": ops.hard_sigmoid,
    "exponential": ops.exponential,
    "softmax": ops.softmax,
    "log_softmax": ops.log_softmax,
}
globals().update({name: fn for name, fn in _BY_NAME.items()})


def get(identifier):
    """The activation function for a name, a callable (returned as is), or None (linear)."""
    if identifier is None:
        return ops.linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        return lookup(identifier, _BY_NAME, "activation")
    raise TypeError(
        f"an activation must be a name, a function or None, got {type(identifier).__name__}"
    )


def serialize(fn) -> str:
    """The name of an activation function (for a model's config)."""
    for name, known in _BY_NAME.items():
        if fn is known:
            return name
    own_name = getattr(fn, "__name__", None)
    if own_name is None:
        raise ValueError(f"cannot serialize activation {fn!r}: give it a __name__")
    return own_name


__all__ = ["get", "serialize", *_BY_NAME]
