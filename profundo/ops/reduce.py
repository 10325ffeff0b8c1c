"""Reductions: sum, mean, max, min, var, std, logsumexp, argmax, argmin.

All take ``axis`` (None for all axes, an int, or a tuple of ints) and ``keepdims``. The backward of
a reduction spreads ∂L/∂y back over the reduced axes: each element of the sum gets all of it, each
element of the mean 1/n of it, and max/min give it to the winning elements (split evenly on ties).

>>> x = pf.tensor([[1.0, 3.0], [3.0, 2.0]], requires_grad=True)
>>> x.max().backward(); x.grad         # the two 3s tie: half each
array([[0. , 0.5], [0.5, 0. ]], dtype=float32)
"""

from __future__ import annotations

import builtins

from .. import backend as B
from ..autograd import Function, Tensor, tensor_method
from ..autograd.types import Axis, TensorLike

__all__ = ["sum", "mean", "max", "min", "var", "std", "logsumexp", "argmax", "argmin"]


def _axes(axis, ndim) -> tuple:
    """Normalize ``axis`` to a tuple of non-negative ints (all axes for None)."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    for a in axes:
        if not -ndim <= a < builtins.max(ndim, 1):
            raise ValueError(f"axis {a} is out of range for a tensor with {ndim} dimensions")
    return tuple(sorted(a % builtins.max(ndim, 1) for a in axes))


def _expand(grad, axes, keepdims):
    """Give ``grad`` back the reduced axes (as size 1) so that it broadcasts over the input."""
    if not keepdims:
        grad = B.xp.expand_dims(grad, axes) if axes else grad
    return grad


class Sum(Function):
    """y = Σᵢ xᵢ over ``axis``;  ∂L/∂xᵢ = ∂L/∂y"""

    def forward(self, x, axis=None, keepdims=False):
        self.shape, self.axes, self.keepdims = x.shape, _axes(axis, x.ndim), keepdims
        return x.sum(axis=self.axes, keepdims=keepdims)

    def backward(self, grad):
        return B.xp.broadcast_to(_expand(grad, self.axes, self.keepdims), self.shape)


class Mean(Function):
    """y = (1/n) Σᵢ xᵢ over ``axis``;  ∂L/∂xᵢ = ∂L/∂y / n"""

    def forward(self, x, axis=None, keepdims=False):
        self.shape, self.axes, self.keepdims = x.shape, _axes(axis, x.ndim), keepdims
        self.n = 1
        for a in self.axes:
            self.n *= x.shape[a]
        return x.mean(axis=self.axes, keepdims=keepdims)

    def backward(self, grad):
        g = _expand(grad, self.axes, self.keepdims) / self.n
        return B.xp.broadcast_to(g, self.shape)


class Extremum(Function):
    """y = max (or min) over ``axis``;  ∂L/∂xᵢ = ∂L/∂y / k for the k elements equal to y, else 0"""

    pick = "max"

    def forward(self, x, axis=None, keepdims=False):
        axes = _axes(axis, x.ndim)
        if x.size == 0:
            raise ValueError(f"{self.pick}: cannot reduce an empty tensor of shape {x.shape}")
        y = getattr(x, self.pick)(axis=axes, keepdims=True)
        self.winners = x == y
        self.axes, self.keepdims = axes, keepdims
        return y if keepdims else y.reshape([n for i, n in enumerate(x.shape) if i not in axes])

    def backward(self, grad):
        g = _expand(grad, self.axes, self.keepdims)
        count = self.winners.sum(axis=self.axes, keepdims=True)
        return self.winners * (g / count).astype(grad.dtype, copy=False)


class Min(Extremum):
    pick = "min"


class Var(Function):
    """y = (1/(n − ddof)) Σᵢ (xᵢ − x̄)²;  ∂L/∂xᵢ = ∂L/∂y · 2(xᵢ − x̄)/(n − ddof)"""

    def forward(self, x, axis=None, keepdims=False, ddof=0):
        self.axes, self.keepdims = _axes(axis, x.ndim), keepdims
        n = 1
        for a in self.axes:
            n *= x.shape[a]
        self.centered = x - x.mean(axis=self.axes, keepdims=True)
        self.denom = n - ddof
        return (self.centered**2).sum(axis=self.axes, keepdims=keepdims) / self.denom

    def backward(self, grad):
        g = _expand(grad, self.axes, self.keepdims)
        return g * (2 / self.denom) * self.centered


class LogSumExp(Function):
    """y = log Σᵢ exp(xᵢ), computed as m + log Σᵢ exp(xᵢ − m) with m = max x (never overflows);
    ∂L/∂xᵢ = ∂L/∂y · softmax(x)ᵢ"""

    def forward(self, x, axis=None, keepdims=False):
        xp = B.xp
        self.axes, self.keepdims = _axes(axis, x.ndim), keepdims
        m = x.max(axis=self.axes, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)
        e = xp.exp(x - m)
        s = e.sum(axis=self.axes, keepdims=True)
        self.softmax = e / s
        y = xp.log(s) + m
        return (
            y if keepdims else y.reshape([n for i, n in enumerate(x.shape) if i not in self.axes])
        )

    def backward(self, grad):
        return _expand(grad, self.axes, self.keepdims) * self.softmax


class ArgReduce(Function):
    """Index of the largest (or smallest) element along ``axis``; an integer tensor, no gradient."""

    differentiable = False

    def forward(self, x, axis=None, keepdims=False, pick="argmax"):
        return getattr(B.xp, pick)(x, axis=axis, keepdims=keepdims)


@tensor_method("sum")
def sum(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001 - the op's name
    """Σ over ``axis`` (all axes by default)."""
    return Sum.apply(x, axis=axis, keepdims=keepdims)


@tensor_method("mean")
def mean(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over ``axis``."""
    return Mean.apply(x, axis=axis, keepdims=keepdims)


@tensor_method("max")
def max(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Largest element over ``axis``; ties share the gradient evenly."""
    return Extremum.apply(x, axis=axis, keepdims=keepdims)


@tensor_method("min")
def min(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Smallest element over ``axis``; ties share the gradient evenly."""
    return Min.apply(x, axis=axis, keepdims=keepdims)


@tensor_method("var")
def var(x: TensorLike, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Variance over ``axis`` (population variance; ``ddof=1`` for the sample variance)."""
    return Var.apply(x, axis=axis, keepdims=keepdims, ddof=ddof)


@tensor_method("std")
def std(x: TensorLike, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Standard deviation √var over ``axis``."""
    return Var.apply(x, axis=axis, keepdims=keepdims, ddof=ddof).sqrt()


@tensor_method("logsumexp")
def logsumexp(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """log Σ exp(x) over ``axis``, numerically stable."""
    return LogSumExp.apply(x, axis=axis, keepdims=keepdims)


@tensor_method("argmax")
def argmax(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Index of the largest element (over the flattened tensor when ``axis`` is None)."""
    return ArgReduce.apply(x, axis=axis, keepdims=keepdims, pick="argmax")


@tensor_method("argmin")
def argmin(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Index of the smallest element (over the flattened tensor when ``axis`` is None)."""
    return ArgReduce.apply(x, axis=axis, keepdims=keepdims, pick="argmin")
