"""More differentiable math: trigonometric and hyperbolic functions, erf, log1p/expm1, cumulative
sums and products, products over axes, and ``einsum`` — each with its derivative beside it.

>>> x = pf.tensor([0.0, 1.0], requires_grad=True)
>>> pf.ops.sin(x).sum().backward(); x.grad          # cos x
array([1.       , 0.5403023], dtype=float32)
"""

from __future__ import annotations

import math
import string

from numpy.typing import DTypeLike

from .. import backend as B
from ..autograd import Function, Tensor
from ..autograd.types import Axis, TensorLike
from .reduce import _axes, _expand

__all__ = [
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "arcsinh",
    "arccosh",
    "arctanh",
    "erf",
    "log1p",
    "expm1",
    "cumsum",
    "cumprod",
    "prod",
    "einsum",
]


class _Elementwise(Function):
    """z = f(a);  ∂L/∂a = ∂L/∂z · f′(a). Subclasses give ``f`` and ``df`` (of a and f(a))."""

    def forward(self, a):
        self.a = a
        self.z = self.f(a)
        return self.z

    def backward(self, grad):
        return grad * self.df(self.a, self.z)


class Sin(_Elementwise):
    """z = sin a;  f′ = cos a"""

    def f(self, a):
        return B.xp.sin(a)  # noqa: E704

    def df(self, a, z):
        return B.xp.cos(a)  # noqa: E704


class Cos(_Elementwise):
    """z = cos a;  f′ = −sin a"""

    def f(self, a):
        return B.xp.cos(a)  # noqa: E704

    def df(self, a, z):
        return -B.xp.sin(a)  # noqa: E704


class Tan(_Elementwise):
    """z = tan a;  f′ = 1 + tan² a"""

    def f(self, a):
        return B.xp.tan(a)  # noqa: E704

    def df(self, a, z):
        return 1 + z * z  # noqa: E704


class Arcsin(_Elementwise):
    """z = arcsin a;  f′ = 1/√(1 − a²)"""

    def f(self, a):
        return B.xp.arcsin(a)  # noqa: E704

    def df(self, a, z):
        return 1 / B.xp.sqrt(1 - a * a)  # noqa: E704


class Arccos(_Elementwise):
    """z = arccos a;  f′ = −1/√(1 − a²)"""

    def f(self, a):
        return B.xp.arccos(a)  # noqa: E704

    def df(self, a, z):
        return -1 / B.xp.sqrt(1 - a * a)  # noqa: E704


class Arctan(_Elementwise):
    """z = arctan a;  f′ = 1/(1 + a²)"""

    def f(self, a):
        return B.xp.arctan(a)  # noqa: E704

    def df(self, a, z):
        return 1 / (1 + a * a)  # noqa: E704


class Sinh(_Elementwise):
    """z = sinh a;  f′ = cosh a"""

    def f(self, a):
        return B.xp.sinh(a)  # noqa: E704

    def df(self, a, z):
        return B.xp.cosh(a)  # noqa: E704


class Cosh(_Elementwise):
    """z = cosh a;  f′ = sinh a"""

    def f(self, a):
        return B.xp.cosh(a)  # noqa: E704

    def df(self, a, z):
        return B.xp.sinh(a)  # noqa: E704


class Arcsinh(_Elementwise):
    """z = arsinh a;  f′ = 1/√(a² + 1)"""

    def f(self, a):
        return B.xp.arcsinh(a)  # noqa: E704

    def df(self, a, z):
        return 1 / B.xp.sqrt(a * a + 1)  # noqa: E704


class Arccosh(_Elementwise):
    """z = arcosh a;  f′ = 1/√(a² − 1)"""

    def f(self, a):
        return B.xp.arccosh(a)  # noqa: E704

    def df(self, a, z):
        return 1 / B.xp.sqrt(a * a - 1)  # noqa: E704


class Arctanh(_Elementwise):
    """z = artanh a;  f′ = 1/(1 − a²)"""

    def f(self, a):
        return B.xp.arctanh(a)  # noqa: E704

    def df(self, a, z):
        return 1 / (1 - a * a)  # noqa: E704


class Erf(_Elementwise):
    """z = erf a = (2/√π) ∫₀ᵃ e^(−t²) dt;  f′ = (2/√π) e^(−a²)"""

    def f(self, a):
        return _erf(a)  # noqa: E704

    def df(self, a, z):
        return (2 / math.sqrt(math.pi)) * B.xp.exp(-a * a)  # noqa: E704


def _erf(a):
    """erf elementwise: SciPy's (or CuPy's) where installed,
    else Python's ``math.erf`` per element."""
    try:
        if B.name == "cupy":
            from cupyx.scipy.special import erf
        else:
            from scipy.special import erf
        return erf(a).astype(a.dtype, copy=False)
    except ImportError:
        return B.xp.vectorize(math.erf, otypes=[a.dtype])(a)


class Log1p(_Elementwise):
    """z = ln(1 + a), exact for small a;  f′ = 1/(1 + a)"""

    def f(self, a):
        return B.xp.log1p(a)  # noqa: E704

    def df(self, a, z):
        return 1 / (1 + a)  # noqa: E704


class Expm1(_Elementwise):
    """z = eᵃ − 1, exact for small a;  f′ = eᵃ = z + 1"""

    def f(self, a):
        return B.xp.expm1(a)  # noqa: E704

    def df(self, a, z):
        return z + 1  # noqa: E704


class Cumsum(Function):
    """z_i = Σ_{j≤i} a_j along ``axis``;  ∂L/∂a_j = Σ_{i≥j} ∂L/∂z_i (a reversed cumulative sum)"""

    def forward(self, a, axis=0):
        self.axis = axis
        return B.xp.cumsum(a, axis=axis)

    def backward(self, grad):
        flipped = B.xp.flip(grad, axis=self.axis)
        return B.xp.flip(B.xp.cumsum(flipped, axis=self.axis), axis=self.axis)


class Prod(Function):
    """z = Π a over ``axes``;  ∂L/∂a_j = ∂L/∂z · Π_{i≠j} a_i (the product of the others, computed
    without dividing, so zeros are exact)"""

    def forward(self, a, axes=None, keepdims=False):
        self.a, self.axes, self.keepdims = a, axes, keepdims
        return B.xp.prod(a, axis=axes, keepdims=keepdims)

    def backward(self, grad):
        xp, a = B.xp, self.a
        g = xp.broadcast_to(_expand(grad, self.axes, self.keepdims), a.shape)
        moved = xp.moveaxis(a, self.axes, tuple(range(len(self.axes)))).reshape(
            (-1,) + tuple(a.shape[i] for i in range(a.ndim) if i not in self.axes)
        )
        ones = xp.ones_like(moved[:1])
        before = xp.cumprod(xp.concatenate([ones, moved[:-1]]), axis=0)
        after = xp.flip(xp.cumprod(xp.concatenate([ones, xp.flip(moved, 0)[:-1]]), axis=0), 0)
        others = (before * after).reshape(tuple(a.shape[i] for i in self.axes) + moved.shape[1:])
        return g * xp.moveaxis(others, tuple(range(len(self.axes))), self.axes)


class Einsum(Function):
    """z = einsum(spec, a₁, …, aₙ);  ∂L/∂a_k = einsum(spec with a_k's subscripts as the output,
    the other operands and ∂L/∂z), summed back over subscripts repeated within a_k"""

    def forward(self, *operands, inputs=(), output=""):
        self.operands, self.inputs_spec, self.output = operands, inputs, output
        return B.xp.einsum(f"{','.join(inputs)}->{output}", *operands)

    def backward(self, grad):
        grads = []
        for k, spec in enumerate(self.inputs_spec):
            if not self.needs_grad(k):
                grads.append(None)
                continue
            others = [s for i, s in enumerate(self.inputs_spec) if i != k]
            arrays = [a for i, a in enumerate(self.operands) if i != k]
            shape = self.operands[k].shape
            unique = "".join(dict.fromkeys(spec))
            kept = "".join(c for c in unique if c in self.output or any(c in o for o in others))
            g = B.xp.einsum(f"{','.join([self.output] + others)}->{kept}", grad, *arrays)
            # subscripts summed away within a_k alone: the gradient is the same along them
            g = g.reshape([shape[spec.index(c)] if c in kept else 1 for c in unique])
            g = B.xp.broadcast_to(g, [shape[spec.index(c)] for c in unique])
            grads.append(g if unique == spec else _undiagonal(g, unique, spec, shape))
        return tuple(grads) if len(grads) > 1 else grads[0]


def _undiagonal(g, unique, spec, shape):
    """The array of ``shape`` (subscripts ``spec``) that is ``g`` (subscripts ``unique``) on the
    positions where repeated subscripts agree and zero elsewhere."""
    xp = B.xp
    out = xp.zeros(shape, g.dtype)
    grids = xp.meshgrid(*[xp.arange(shape[spec.index(c)]) for c in unique], indexing="ij")
    index = tuple(grids[unique.index(c)] for c in spec)
    out[index] = g
    return out


def _elementwise(cls):
    def op(x: TensorLike) -> Tensor:
        return cls.apply(x)

    op.__name__ = cls.__name__.lower()
    op.__doc__ = cls.__doc__
    return op


sin, cos, tan = _elementwise(Sin), _elementwise(Cos), _elementwise(Tan)
arcsin, arccos, arctan = _elementwise(Arcsin), _elementwise(Arccos), _elementwise(Arctan)
sinh, cosh = _elementwise(Sinh), _elementwise(Cosh)
arcsinh, arccosh, arctanh = _elementwise(Arcsinh), _elementwise(Arccosh), _elementwise(Arctanh)
erf, log1p, expm1 = _elementwise(Erf), _elementwise(Log1p), _elementwise(Expm1)


def cumsum(x: TensorLike, axis: int | None = None, dtype: DTypeLike | None = None) -> Tensor:
    """Cumulative sum along ``axis`` (of the flattened x when None)."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    out = Cumsum.apply(x, axis=axis % x.ndim)
    return out if dtype is None else out.astype(dtype)


def prod(
    x: TensorLike, axis: Axis = None, keepdims: bool = False, dtype: DTypeLike | None = None
) -> Tensor:
    """Product over ``axis`` (all axes when None)."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    out = Prod.apply(x, axes=_axes(axis, x.ndim), keepdims=keepdims)
    return out if dtype is None else out.astype(dtype)


def cumprod(x: TensorLike, axis: int | None = None, dtype: DTypeLike | None = None) -> Tensor:
    """Cumulative product along ``axis``: exp(cumsum(log|x|)) would lose zeros, so it is the
    product of each prefix, one ``prod`` per position
    (x's length along the axis is small in use)."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis %= x.ndim
    from ._shape import stack

    n = x.shape[axis]
    prefixes = [prod(x[(slice(None),) * axis + (slice(0, i + 1),)], axis=axis) for i in range(n)]
    out = stack(prefixes, axis=axis)
    return out if dtype is None else out.astype(dtype)


def einsum(subscripts: str, *operands: TensorLike) -> Tensor:
    """Einstein summation as NumPy's ``einsum`` (explicit ``->`` or implicit output), differentiable
    in every operand. ``...`` is not supported."""
    if "..." in subscripts:
        raise ValueError("einsum: '...' is not supported; write every subscript")
    spec = subscripts.replace(" ", "")
    terms, _, output = spec.partition("->")
    inputs = terms.split(",")
    if len(inputs) != len(operands):
        raise ValueError(
            f"einsum: {subscripts!r} names {len(inputs)} operands, got {len(operands)}"
        )
    if not _:
        counts = {c: "".join(inputs).count(c) for c in "".join(inputs)}
        output = "".join(sorted(c for c, n in counts.items() if n == 1))
    for s, op in zip(inputs, operands):
        ndim = len(getattr(op, "shape", B.xp.shape(op)))
        if len(s) != ndim or not set(s) <= set(string.ascii_letters):
            raise ValueError(f"einsum: subscripts {s!r} for an operand of {ndim} axes")
    return Einsum.apply(*operands, inputs=tuple(inputs), output=output)
