"""Merge layers: combine a list of tensors of the same shape (or, for Concatenate, along an axis).

>>> a, b = layers.Input((4,)), layers.Input((4,))
>>> layers.Add()([a, b]).shape, layers.Concatenate()([a, b]).shape
((None, 4), (None, 8))
"""
from __future__ import annotations

import functools

from .. import ops
from .base import Layer


class _Merge(Layer):
    """Base of the merge layers: checks the inputs, then folds them with ``merge``."""

    def _check(self, shapes):
        if not isinstance(shapes, (list, tuple)) or len(shapes) < 2 or not all(
                isinstance(s, tuple) for s in shapes):
            raise ValueError(f"{type(self).__name__} {self.name!r}: expected a list of at least 2 "
                             f"inputs, got {shapes!r}")
        for s in shapes[1:]:
            if len(s) != len(shapes[0]) or any(
                    a is not None and b is not None and a != b and 1 not in (a, b)
                    for a, b in zip(s, shapes[0])):
                raise ValueError(f"{type(self).__name__} {self.name!r}: inputs must have the same "
                                 f"shape, got {', '.join(map(str, shapes))}")

    def build(self, input_shape):
        self._check(input_shape)

    def call(self, inputs, training=None):
        return functools.reduce(self.merge, inputs)

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        return tuple(max((s[i] for s in input_shape if s[i] is not None), default=None)
                     for i in range(len(input_shape[0])))


class Add(_Merge):
    """y = x₁ + x₂ + ... (residual connections)."""
    merge = staticmethod(ops.add)


class Subtract(_Merge):
    """y = x₁ − x₂ (exactly two inputs)."""
    merge = staticmethod(ops.sub)


class Multiply(_Merge):
    """y = x₁ ⊙ x₂ ⊙ ... elementwise."""
    merge = staticmethod(ops.mul)


class Maximum(_Merge):
    """y = max(x₁, x₂, ...) elementwise."""
    merge = staticmethod(ops.maximum)


class Minimum(_Merge):
    """y = min(x₁, x₂, ...) elementwise."""
    merge = staticmethod(ops.minimum)


class Average(_Merge):
    """y = (x₁ + x₂ + ... + xₙ) / n."""

    def call(self, inputs, training=None):
        return functools.reduce(ops.add, inputs) / len(inputs)


class Concatenate(Layer):
    """Join the inputs along ``axis`` (default: the last, the features)."""

    def __init__(self, axis: int = -1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def _check(self, shapes):
        if not isinstance(shapes, (list, tuple)) or len(shapes) < 2:
            raise ValueError(f"Concatenate {self.name!r}: expected a list of at least 2 inputs")
        ndim = len(shapes[0])
        axis = self.axis % ndim
        for s in shapes:
            if len(s) != ndim or any(a != b for i, (a, b) in enumerate(zip(s, shapes[0]))
                                     if i != axis and None not in (a, b)):
                raise ValueError(f"Concatenate {self.name!r}: inputs must match except along axis "
                                 f"{self.axis}, got {', '.join(map(str, shapes))}")
        return axis

    def build(self, input_shape):
        self._check(input_shape)

    def call(self, inputs, training=None):
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        axis = self._check(input_shape)
        sizes = [s[axis] for s in input_shape]
        out = list(input_shape[0])
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


__all__ = ["Add", "Subtract", "Multiply", "Maximum", "Minimum", "Average", "Concatenate"]
