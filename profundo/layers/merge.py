"""Merge layers: combine a list of tensors of one shape (sizes of 1 and lower ranks broadcast, as
in Keras) or, for Concatenate, that match except along an axis.

>>> a, b = layers.Input((4,)), layers.Input((4,))
>>> layers.Add()([a, b]).shape, layers.Concatenate()([a, b]).shape
((None, 4), (None, 8))
"""

from __future__ import annotations

import functools

from .. import ops
from .base import Layer
from .nest import is_shape


def _shapes(shapes) -> str:
    return ", ".join(str(tuple(s)) for s in shapes)


_CLASH = object()  #: sizes that do not broadcast


def _size(a, b):
    """The size two sizes broadcast to (None: unknown), or ``_CLASH``."""
    if a == b or b == 1:
        return a
    if a == 1:
        return b
    if a is None or b is None:
        return b if a is None else a
    return _CLASH


def _merged_shape(a, b) -> tuple | None:
    """The shape of merging inputs of shapes ``a`` and ``b``, or None when they do not
    broadcast. As Keras: the batch axes align, the other axes align from the right (an input of
    lower rank gets axes of size 1 after its batch axis)."""
    if not a or not b:
        return None
    n = max(len(a), len(b)) - 1
    rest_a = (1,) * (n - len(a) + 1) + tuple(a[1:])
    rest_b = (1,) * (n - len(b) + 1) + tuple(b[1:])
    sizes = [_size(a[0], b[0])] + [_size(x, y) for x, y in zip(rest_a, rest_b)]
    return None if any(size is _CLASH for size in sizes) else tuple(sizes)


class _Merge(Layer):
    """Base of the merge layers: checks the inputs on every call, then folds them with
    ``merge``. As in Keras, one input is allowed (it passes through), sizes of 1 broadcast, and
    inputs of lower rank get axes of size 1 after their batch axis."""

    #: how many inputs the layer takes: (at least, at most)
    arity: tuple[int, int | None] = (1, None)

    def _check_list(self, shapes) -> None:
        """A list of shapes, as many as ``arity`` allows."""
        if not isinstance(shapes, (list, tuple)) or is_shape(shapes):
            got = f"one input of shape {tuple(shapes)}" if is_shape(shapes) else repr(shapes)
            raise self.error(f"expected a list of inputs, got {got}")
        low, high = self.arity
        if not low <= len(shapes) <= (high or len(shapes)):
            count = f"{low}" if low == high else f"at least {low}"
            raise self.error(f"expected {count} inputs, got {len(shapes)}")

    def _check(self, shapes) -> tuple | None:
        """The merged shape of a list of shapes that broadcast, else the layer's error."""
        self._check_list(shapes)
        merged: tuple | None = tuple(shapes[0])
        if all(s == merged for s in shapes[1:]):  # the common case, quickly
            return merged
        for s in shapes[1:]:
            merged = _merged_shape(merged, s)
            if merged is None:
                raise self.error(
                    f"expected inputs of the same shape (or size 1 where they differ), got "
                    f"shapes {_shapes(shapes)}"
                )
        return merged

    def call(self, inputs, training=None):
        one = not isinstance(inputs, (list, tuple))
        self._check(inputs.shape if one else [x.shape for x in inputs])
        rank = max(x.ndim for x in inputs)
        return self.combine(
            [
                x
                if x.ndim == rank
                else x.reshape(x.shape[:1] + (1,) * (rank - x.ndim) + x.shape[1:])
                for x in inputs
            ]
        )

    def combine(self, inputs):
        return functools.reduce(self.merge, inputs)

    def compute_output_shape(self, input_shape):
        return self._check(input_shape)


class Add(_Merge):
    """y = x₁ + x₂ + ... (residual connections)."""

    merge = staticmethod(ops.add)


class Subtract(_Merge):
    """y = x₁ − x₂ (exactly two inputs)."""

    arity = (2, 2)
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

    def combine(self, inputs):
        return functools.reduce(ops.add, inputs) / len(inputs)


class Concatenate(_Merge):
    """Join the inputs along ``axis`` (default: the last, the features)."""

    def __init__(self, axis: int = -1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def _check(self, shapes) -> None:
        self._check_list(shapes)
        ndim = len(shapes[0])
        for s in shapes:
            if len(s) != ndim or any(
                a != b
                for i, (a, b) in enumerate(zip(s, shapes[0]))
                if i != self.axis % ndim and None not in (a, b)
            ):
                raise self.error(
                    f"expected inputs that match except along axis {self.axis}, got shapes "
                    f"{_shapes(shapes)}"
                )

    def combine(self, inputs):
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        axis = self.axis % len(input_shape[0])
        sizes = [s[axis] for s in input_shape]
        out = list(input_shape[0])
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Dot(_Merge):
    """The dot product of two batches of vectors (or matrices) along ``axes`` (Keras' ``Dot``):
    per sample, Σ_k a[..., k] b[..., k] over the paired axes; ``normalize`` makes it the cosine
    similarity (both inputs L2-normalized along those axes first)."""

    arity = (2, 2)

    def __init__(self, axes: int | tuple[int, int], normalize: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.axes, self.normalize = axes, normalize

    def _pair(self, shapes) -> tuple:
        """The two axes, one of each input, made non-negative."""
        axes = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        return tuple(a % len(s) for a, s in zip(axes, shapes))

    def _check(self, shapes) -> None:
        self._check_list(shapes)
        pair = self._pair(shapes)
        if 0 in pair:
            raise self.error(f"expected axes other than the batch axis, got axes={self.axes!r}")
        a, b = shapes[0][pair[0]], shapes[1][pair[1]]
        if None not in (a, b) and a != b:
            raise self.error(
                f"expected the same size along axes {pair}, got shapes {tuple(shapes[0])} "
                f"and {tuple(shapes[1])}"
            )

    def combine(self, inputs):
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
        self._check(input_shape)
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
