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
        if (
            not isinstance(shapes, (list, tuple))
            or len(shapes) < 2
            or not all(isinstance(s, tuple) for s in shapes)
        ):
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: expected a list of at least 2 "
                f"inputs, got {shapes!r}"
            )
        for s in shapes[1:]:
            if len(s) != len(shapes[0]) or any(
                a is not None and b is not None and a != b and 1 not in (a, b)
                for a, b in zip(s, shapes[0])
            ):
                raise ValueError(
                    f"{type(self).__name__} {self.name!r}: inputs must have the same "
                    f"shape, got {', '.join(map(str, shapes))}"
                )

    def build(self, input_shape):
        self._check(input_shape)

    def call(self, inputs, training=None):
        return functools.reduce(self.merge, inputs)

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        return tuple(
            max((s[i] for s in input_shape if s[i] is not None), default=None)
            for i in range(len(input_shape[0]))
        )


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
            if len(s) != ndim or any(
                a != b
                for i, (a, b) in enumerate(zip(s, shapes[0]))
                if i != axis and None not in (a, b)
            ):
                raise ValueError(
                    f"Concatenate {self.name!r}: inputs must match except along axis "
                    f"{self.axis}, got {', '.join(map(str, shapes))}"
                )
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


class Dot(Layer):
    """The dot product of two batches of vectors (or matrices) along ``axes`` (Keras' ``Dot``):
    per sample, Σ_k a[..., k] b[..., k] over the paired axes; ``normalize`` makes it the cosine
    similarity (both inputs L2-normalized along those axes first)."""

    def __init__(self, axes, normalize: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.axes, self.normalize = axes, normalize

    def _pair(self, shapes):
        if not isinstance(shapes, (list, tuple)) or len(shapes) != 2:
            raise ValueError(f"Dot {self.name!r}: expected a list of 2 inputs, got {shapes!r}")
        axes = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        pair = tuple(a % len(s) for a, s in zip(axes, shapes))
        if 0 in pair:
            raise ValueError(f"Dot {self.name!r}: cannot take the dot product along the batch axis")
        a, b = shapes[0][pair[0]], shapes[1][pair[1]]
        if None not in (a, b) and a != b:
            raise ValueError(
                f"Dot {self.name!r}: sizes along axes {pair} differ: {a} and {b} "
                f"(shapes {shapes[0]} and {shapes[1]})"
            )
        return pair

    def build(self, input_shape):
        self._pair(input_shape)

    def call(self, inputs, training=None):
        a, b = inputs
        i, j = self._pair([a.shape, b.shape])
        if self.normalize:
            a, b = ops.keras_nn.normalize(a, axis=i), ops.keras_nn.normalize(b, axis=j)
        letters = "abcdefghijklmnopqrstuvwxyz"
        sa = "z" + letters[: a.ndim - 1]
        sb = "z" + letters[a.ndim - 1 : a.ndim + b.ndim - 2]
        sb = sb[:j] + sa[i] + sb[j + 1 :]
        out = "".join(c for c in sa if c != sa[i]) + "".join(c for c in sb[1:] if c != sa[i])
        y = ops.einsum(f"{sa},{sb}->{out}", a, b)
        return y if y.ndim > 1 else ops.reshape(y, -1, 1)

    def compute_output_shape(self, input_shape):
        i, j = self._pair(input_shape)
        a, b = input_shape
        out = tuple(n for k, n in enumerate(a) if k != i) + tuple(
            n for k, n in enumerate(b) if k not in (0, j)
        )
        return out if len(out) > 1 else out + (1,)

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def add(inputs, **kwargs):
    """``Add()(inputs)``: the functional form Keras programs use."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, normalize=False, **kwargs):
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)


__all__ = [
    "Add",
    "Subtract",
    "Multiply",
    "Maximum",
    "Minimum",
    "Average",
    "Concatenate",
    "Dot",
    "add",
    "subtract",
    "multiply",
    "average",
    "maximum",
    "minimum",
    "concatenate",
    "dot",
]
