"""What the pictures need to know about a model: its symbolic input and output, its input shape."""

from __future__ import annotations

import numpy

from ..layers.nest import flatten


def symbolic_input(model, what: str):
    """The model's one symbolic input (Sequential or functional)."""
    inputs = flatten(getattr(model, "inputs", None) or [])
    if len(inputs) != 1:
        raise ValueError(
            f"{what}: {model.name} must have one symbolic input (a model built on "
            f"layers.Input, or a Sequential that has seen its input shape), "
            f"got {len(inputs)}"
        )
    return inputs[0]


def symbolic_output(model):
    return flatten(model.outputs)[0]


def one_input(model, x, what: str) -> numpy.ndarray:
    """One sample ``x`` (no batch axis) as a batch of one, in the model's dtype."""
    x = numpy.asarray(x, dtype=model.dtype)
    sample_shape = tuple(symbolic_input(model, what).shape[1:])
    if x.ndim != len(sample_shape):
        raise ValueError(
            f"{what}: give one input of shape {sample_shape} (no batch axis), got shape {x.shape}"
        )
    return x[None]
