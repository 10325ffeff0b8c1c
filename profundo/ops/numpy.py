"""Keras' ``keras.ops.numpy`` names and signatures, on profundo's ops: ``ops.multiply(a, b)``,
``ops.zeros(shape=(2, 3))``, ``ops.take(x, ids, axis=1)``.

Functions that have a derivative are built from differentiable ops (gradients flow through
them); those that have none (comparisons, sorting orders, counting, rounding) return tensors
without a graph. Every function takes Tensors, NumPy arrays, lists and scalars.
"""

from __future__ import annotations

import builtins
import math as _math
from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike

from .. import backend as B
from ..autograd import Tensor
from ..autograd.types import Axis, Shape, TensorLike
from . import _shape, linalg
from . import elementwise as E
from . import math as M
from . import reduce as R

__all__ = [
    "absolute",
    "subtract",
    "multiply",
    "divide",
    "true_divide",
    "negative",
    "power",
    "square",
    "reciprocal",
    "rsqrt",
    "log2",
    "log10",
    "exp2",
    "logaddexp",
    "floor_divide",
    "mod",
    "floor",
    "ceil",
    "round",
    "trunc",
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_and",
    "logical_or",
    "logical_not",
    "logical_xor",
    "all",
    "any",
    "isnan",
    "isinf",
    "isfinite",
    "isclose",
    "allclose",
    "count_nonzero",
    "nonzero",
    "amax",
    "amin",
    "average",
    "median",
    "quantile",
    "percentile",
    "tensordot",
    "outer",
    "inner",
    "vdot",
    "flip",
    "roll",
    "take",
    "take_along_axis",
    "tril",
    "triu",
    "diagonal",
    "diag",
    "trace",
    "sort",
    "argsort",
    "unique",
    "ravel",
    "moveaxis",
    "hstack",
    "vstack",
    "dstack",
    "meshgrid",
    "zeros",
    "ones",
    "full",
    "empty",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    "eye",
    "identity",
    "tri",
    "arange",
    "linspace",
    "logspace",
    "array",
    "copy",
    "norm",
    "append",
    "nan_to_num",
    "arctan2",
    "hypot",
    "bincount",
    "digitize",
    "searchsorted",
    "size",
    "ndim",
    "ptp",
    "cbrt",
    "deg2rad",
    "rad2deg",
    "heaviside",
    "signbit",
    "fabs",
    "diff",
    "var",
    "std",
]


def _t(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _data(x):
    return x.data if isinstance(x, Tensor) else B.xp.asarray(x)


def _plain(array) -> Tensor:
    """A result without a gradient (an order, a count, a comparison)."""
    return Tensor._wrap(B.xp.asarray(array))


def _dtype(dtype):
    return B.default_dtype if dtype is None else dtype


# --- arithmetic ----------------------------------------------------------------------------------
absolute, fabs, negative, power = E.abs, E.abs, E.neg, E.pow
subtract, multiply, divide, true_divide = E.sub, E.mul, E.div, E.div
var, std = R.var, R.std


def square(x: TensorLike) -> Tensor:
    """x²."""
    x = _t(x)
    return E.mul(x, x)


def reciprocal(x: TensorLike) -> Tensor:
    """1 / x."""
    return E.div(1.0, _t(x))


def rsqrt(x: TensorLike) -> Tensor:
    """1 / √x."""
    return E.div(1.0, E.sqrt(_t(x)))


def cbrt(x: TensorLike) -> Tensor:
    """∛x, for negative x too."""
    x = _t(x)
    return E.mul(E.sign(x), E.pow(E.abs(x), 1.0 / 3.0))


def log2(x: TensorLike) -> Tensor:
    return E.div(E.log(_t(x)), _math.log(2))


def log10(x: TensorLike) -> Tensor:
    return E.div(E.log(_t(x)), _math.log(10))


def exp2(x: TensorLike) -> Tensor:
    return E.exp(E.mul(_t(x), _math.log(2)))


def logaddexp(x1: TensorLike, x2: TensorLike) -> Tensor:
    """log(eˣ¹ + eˣ²) = max + log1p(e^(−|x1 − x2|)), stable."""
    x1, x2 = _t(x1), _t(x2)
    return E.add(E.maximum(x1, x2), M.log1p(E.exp(E.neg(E.abs(E.sub(x1, x2))))))


def hypot(x1: TensorLike, x2: TensorLike) -> Tensor:
    """√(x1² + x2²)."""
    return E.sqrt(E.add(square(x1), square(x2)))


def arctan2(x1: TensorLike, x2: TensorLike) -> Tensor:
    """The angle of the point (x2, x1): 2·arctan(x1 / (√(x1² + x2²) + x2)), differentiable away
    from the negative x2 axis, with NumPy's value there."""
    x1, x2 = _t(x1), _t(x2)
    on_negative_axis = _plain((_data(x1) == 0) & (_data(x2) < 0))
    angle = E.mul(2.0, M.arctan(E.div(x1, E.add(hypot(x1, x2), x2))))
    return E.where(on_negative_axis, _plain(B.xp.arctan2(_data(x1), _data(x2))), angle)


def deg2rad(x: TensorLike) -> Tensor:
    return E.mul(_t(x), _math.pi / 180)


def rad2deg(x: TensorLike) -> Tensor:
    return E.mul(_t(x), 180 / _math.pi)


def floor_divide(x1: TensorLike, x2: TensorLike) -> Tensor:
    return _plain(B.xp.floor_divide(_data(x1), _data(x2)))


def mod(x1: TensorLike, x2: TensorLike) -> Tensor:
    """x1 mod x2 with the divisor's sign (as NumPy); its gradient in x1 is 1."""
    x1 = _t(x1)
    return E.sub(x1, E.mul(floor_divide(x1, x2), _data(x2)))


def floor(x: TensorLike) -> Tensor:
    return _plain(B.xp.floor(_data(x)))


def ceil(x: TensorLike) -> Tensor:
    return _plain(B.xp.ceil(_data(x)))


def round(x: TensorLike, decimals: int = 0) -> Tensor:  # noqa: A001 - Keras' name
    return _plain(B.xp.round(_data(x), decimals))


def trunc(x: TensorLike) -> Tensor:
    return _plain(B.xp.trunc(_data(x)))


def heaviside(x1: TensorLike, x2: TensorLike) -> Tensor:
    return _plain(B.xp.heaviside(_data(x1), _data(x2)))


def signbit(x: TensorLike) -> Tensor:
    return _plain(B.xp.signbit(_data(x)))


# --- comparisons and logic -----------------------------------------------------------------------
equal, not_equal, less, less_equal = E.eq, E.ne, E.lt, E.le
greater, greater_equal = E.gt, E.ge


def logical_and(x1: TensorLike, x2: TensorLike) -> Tensor:
    return _plain(B.xp.logical_and(_data(x1), _data(x2)))


def logical_or(x1: TensorLike, x2: TensorLike) -> Tensor:
    return _plain(B.xp.logical_or(_data(x1), _data(x2)))


def logical_xor(x1: TensorLike, x2: TensorLike) -> Tensor:
    return _plain(B.xp.logical_xor(_data(x1), _data(x2)))


def logical_not(x: TensorLike) -> Tensor:
    return _plain(B.xp.logical_not(_data(x)))


def all(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return _plain(B.xp.all(_data(x), axis=axis, keepdims=keepdims))


def any(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return _plain(B.xp.any(_data(x), axis=axis, keepdims=keepdims))


def isnan(x: TensorLike) -> Tensor:
    return _plain(B.xp.isnan(_data(x)))


def isinf(x: TensorLike) -> Tensor:
    return _plain(B.xp.isinf(_data(x)))


def isfinite(x: TensorLike) -> Tensor:
    return _plain(B.xp.isfinite(_data(x)))


def isclose(
    x1: TensorLike, x2: TensorLike, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
) -> Tensor:
    return _plain(B.xp.isclose(_data(x1), _data(x2), rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(
    x1: TensorLike, x2: TensorLike, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
) -> Tensor:
    return _plain(B.xp.allclose(_data(x1), _data(x2), rtol=rtol, atol=atol, equal_nan=equal_nan))


def count_nonzero(x: TensorLike, axis: Axis = None) -> Tensor:
    return _plain(B.xp.count_nonzero(_data(x), axis=axis))


def nonzero(x: TensorLike) -> tuple:
    return tuple(_plain(i) for i in B.xp.nonzero(_data(x)))


def bincount(
    x: TensorLike, weights: TensorLike | None = None, minlength: int = 0, sparse: bool = False
) -> Tensor:
    return _plain(B.xp.bincount(_data(x), None if weights is None else _data(weights), minlength))


def digitize(x: TensorLike, bins: TensorLike) -> Tensor:
    return _plain(B.xp.digitize(_data(x), _data(bins)).astype("int32"))


def searchsorted(sorted_sequence: TensorLike, values: TensorLike, side: str = "left") -> Tensor:
    return _plain(B.xp.searchsorted(_data(sorted_sequence), _data(values), side=side))


# --- reductions ----------------------------------------------------------------------------------
amax, amin = R.max, R.min


def ptp(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """max − min."""
    return E.sub(R.max(x, axis, keepdims), R.min(x, axis, keepdims))


def average(x: TensorLike, axis: int | None = None, weights: TensorLike | None = None) -> Tensor:
    """The mean, or Σ w·x / Σ w with ``weights`` (along ``axis``)."""
    x = _t(x)
    if weights is None:
        return R.mean(x, axis)
    w = _t(weights)
    if axis is not None and w.ndim == 1 and x.ndim > 1:
        w = _shape.reshape(w, *[-1 if i == axis % x.ndim else 1 for i in range(x.ndim)])
    return E.div(R.sum(E.mul(x, w), axis), R.sum(_shape.broadcast_to(w, x.shape), axis))


def quantile(
    x: TensorLike,
    q: TensorLike,
    axis: Axis = None,
    method: str = "linear",
    keepdims: bool = False,
) -> Tensor:
    """The q-th quantile(s), q in [0, 1] (values, no gradient)."""
    return _plain(
        B.xp.quantile(_data(x), _data(q), axis=axis, method=method, keepdims=keepdims).astype(
            _data(x).dtype
        )
    )


def percentile(
    x: TensorLike,
    q: TensorLike,
    axis: Axis = None,
    method: str = "linear",
    keepdims: bool = False,
) -> Tensor:
    return quantile(x, B.xp.asarray(_data(q)) / 100, axis, method, keepdims)


def median(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)


def norm(
    x: TensorLike,
    ord: int | float | str | None = None,
    axis: Axis = None,
    keepdims: bool = False,
) -> Tensor:  # noqa: A002
    """Vector norms (``ord`` None/2, 1, inf, −inf or p) along ``axis``; the Frobenius norm of
    all entries when ``axis`` is None."""
    x = _t(x)
    if ord in (None, 2, "fro", "euclidean"):
        return E.sqrt(R.sum(square(x), axis, keepdims))
    if ord in (np.inf, "inf"):
        return R.max(E.abs(x), axis, keepdims)
    if ord in (-np.inf, "-inf"):
        return R.min(E.abs(x), axis, keepdims)
    if ord == 1:
        return R.sum(E.abs(x), axis, keepdims)
    if isinstance(ord, (int, float)) and ord > 0:
        return E.pow(R.sum(E.pow(E.abs(x), float(ord)), axis, keepdims), 1.0 / ord)
    raise ValueError(f"norm: ord must be None, 1, 2, inf, -inf or a positive number, got {ord!r}")


# --- products ------------------------------------------------------------------------------------
def tensordot(x1: TensorLike, x2: TensorLike, axes: int | Sequence[Sequence[int]] = 2) -> Tensor:
    """Σ over the last ``axes`` axes of x1 and the first of x2 (or the pairs of axes given)."""
    x1, x2 = _t(x1), _t(x2)
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    a = [next(letters) for _ in range(x1.ndim)]
    b = [next(letters) for _ in range(x2.ndim)]
    if isinstance(axes, int):
        pairs = list(zip(range(x1.ndim - axes, x1.ndim), range(axes)))
    else:
        first, second = (
            [axes[0]] if isinstance(axes[0], int) else axes[0],
            [axes[1]] if isinstance(axes[1], int) else axes[1],
        )
        pairs = list(zip(first, second))
    for i, j in pairs:
        b[j] = a[i]
    summed = {a[i] for i, _ in pairs}
    out = "".join(c for c in a if c not in summed) + "".join(c for c in b if c not in summed)
    return M.einsum(f"{''.join(a)},{''.join(b)}->{out}", x1, x2)


def outer(x1: TensorLike, x2: TensorLike) -> Tensor:
    return M.einsum("i,j->ij", ravel(x1), ravel(x2))


def inner(x1: TensorLike, x2: TensorLike) -> Tensor:
    x1, x2 = _t(x1), _t(x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return E.mul(x1, x2)
    return tensordot(x1, x2, ([x1.ndim - 1], [x2.ndim - 1]))


def vdot(x1: TensorLike, x2: TensorLike) -> Tensor:
    return R.sum(E.mul(ravel(x1), ravel(x2)))


# --- picking and reordering ----------------------------------------------------------------------
def _along(axis, ndim, index) -> tuple:
    return (slice(None),) * (axis % ndim) + (index,)


def flip(x: TensorLike, axis: Axis = None) -> Tensor:
    x = _t(x)
    axes = range(x.ndim) if axis is None else ([axis] if isinstance(axis, int) else axis)
    index = [slice(None)] * x.ndim
    for a in axes:
        index[a % x.ndim] = slice(None, None, -1)
    return x[tuple(index)]


def take(x: TensorLike, indices: TensorLike, axis: int | None = None) -> Tensor:
    """Entries at ``indices`` along ``axis`` (of the flattened x when None); negative indices
    count from the end."""
    x = _t(x)
    ids = B.xp.asarray(_data(indices)).astype("int64")
    if axis is None:
        return ravel(x)[ids]
    return x[_along(axis, x.ndim, ids)]


def roll(x: TensorLike, shift: int, axis: int | None = None) -> Tensor:
    x = _t(x)
    if axis is None:
        return _shape.reshape(roll(ravel(x), shift, 0), *x.shape)
    n = x.shape[axis]
    return take(x, (B.xp.arange(n) - int(shift)) % n, axis=axis)


def take_along_axis(x: TensorLike, indices: TensorLike, axis: int | None = None) -> Tensor:
    """x's entries at ``indices`` (x's shape but along ``axis``), as NumPy's."""
    x = _t(x)
    ids = B.xp.asarray(_data(indices)).astype("int64")
    if axis is None:
        return ravel(x)[ids]
    axis %= x.ndim
    grids = list(B.xp.meshgrid(*[B.xp.arange(n) for n in ids.shape], indexing="ij"))
    grids[axis] = ids
    shape = B.xp.broadcast_shapes(x.shape[:axis] + (1,) + x.shape[axis + 1 :], ids.shape)
    return x[tuple(B.xp.broadcast_to(g, shape) for g in grids)]


def _band(x, k, lower) -> Tensor:
    x = _t(x)
    rows, cols = x.shape[-2:]
    keep = (B.xp.tril if lower else B.xp.triu)(B.xp.ones((rows, cols), bool), k)
    return E.where(_plain(keep), x, 0.0)


def tril(x: TensorLike, k: int = 0) -> Tensor:
    """x with the entries above the k-th diagonal zeroed."""
    return _band(x, k, True)


def triu(x: TensorLike, k: int = 0) -> Tensor:
    """x with the entries below the k-th diagonal zeroed."""
    return _band(x, k, False)


def diagonal(x: TensorLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    x = moveaxis(_t(x), (axis1, axis2), (-2, -1))
    rows, cols = x.shape[-2:]
    i = B.xp.arange(
        builtins.max(
            0, builtins.min(rows + builtins.min(offset, 0), cols - builtins.max(offset, 0))
        )
    )
    return x[..., i - builtins.min(offset, 0), i + builtins.max(offset, 0)]


def diag(x: TensorLike, k: int = 0) -> Tensor:
    """The k-th diagonal of a matrix, or the matrix with a vector on its k-th diagonal."""
    x = _t(x)
    if x.ndim == 2:
        return diagonal(x, k)
    n = x.shape[0] + builtins.abs(k)
    i = B.xp.arange(x.shape[0])
    rows, cols = i + builtins.max(-k, 0), i + builtins.max(k, 0)
    flat_index = rows * n + cols
    scatter = B.xp.zeros((n * n, x.shape[0]), x.dtype)
    scatter[flat_index, i] = 1
    return _shape.reshape(linalg.matmul(_plain(scatter), x), n, n)


def trace(x: TensorLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    return R.sum(diagonal(x, offset, axis1, axis2), axis=-1)


def argsort(x: TensorLike, axis: int = -1) -> Tensor:
    return _plain(B.xp.argsort(_data(x), axis=axis, kind="stable"))


def sort(x: TensorLike, axis: int = -1) -> Tensor:
    """Sorted along ``axis``; the gradient goes back to each value's place."""
    return take_along_axis(x, argsort(x, axis).data, axis=axis)


def unique(
    x: TensorLike,
    sorted: bool = True,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: int | None = None,
    size: int | None = None,  # noqa: A002
    fill_value: float | None = None,
) -> Tensor | tuple[Tensor, ...]:
    results = B.xp.unique(
        _data(x), return_inverse=return_inverse, return_counts=return_counts, axis=axis
    )
    return tuple(map(_plain, results)) if isinstance(results, tuple) else _plain(results)


def ravel(x: TensorLike) -> Tensor:
    return _shape.reshape(_t(x), -1)


def moveaxis(
    x: TensorLike, source: int | Sequence[int], destination: int | Sequence[int]
) -> Tensor:
    x = _t(x)
    source = [s % x.ndim for s in ([source] if isinstance(source, int) else source)]
    destination = [
        d % x.ndim for d in ([destination] if isinstance(destination, int) else destination)
    ]
    order = [a for a in range(x.ndim) if a not in source]
    for d, s in sorted(zip(destination, source)):
        order.insert(d, s)
    return _shape.transpose(x, tuple(order))


def hstack(xs: Sequence[TensorLike]) -> Tensor:
    tensors = [_t(x) for x in xs]
    return _shape.concatenate(tensors, axis=0 if tensors[0].ndim == 1 else 1)


def vstack(xs: Sequence[TensorLike]) -> Tensor:
    tensors = [_t(x) for x in xs]
    return _shape.concatenate(
        [_shape.reshape(t, 1, -1) if t.ndim == 1 else t for t in tensors], axis=0
    )


def dstack(xs: Sequence[TensorLike]) -> Tensor:
    tensors = [_t(x) for x in xs]
    return _shape.concatenate(
        [
            _shape.reshape(t, 1, -1, 1)
            if t.ndim == 1
            else _shape.unsqueeze(t, -1)
            if t.ndim == 2
            else t
            for t in tensors
        ],
        axis=2,
    )


def append(x1: TensorLike, x2: TensorLike, axis: int | None = None) -> Tensor:
    if axis is None:
        return _shape.concatenate([ravel(x1), ravel(x2)], axis=0)
    return _shape.concatenate([_t(x1), _t(x2)], axis=axis)


def diff(a: TensorLike, n: int = 1, axis: int = -1) -> Tensor:
    """The n-th difference along ``axis``: a[1:] − a[:-1], n times."""
    a = _t(a)
    for _ in range(n):
        a = E.sub(a[_along(axis, a.ndim, slice(1, None))], a[_along(axis, a.ndim, slice(None, -1))])
    return a


def nan_to_num(
    x: TensorLike, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
) -> Tensor:
    """NaN and ±inf replaced by finite numbers (the gradient passes where x was finite)."""
    x = _t(x)
    data = x.data
    info = np.finfo(data.dtype) if data.dtype.kind == "f" else None
    high = info.max if posinf is None and info else posinf
    low = info.min if neginf is None and info else neginf
    fixed = B.xp.nan_to_num(data, nan=nan, posinf=high, neginf=low)
    return E.where(_plain(B.xp.isfinite(data)), x, _plain(fixed))


# --- making arrays -------------------------------------------------------------------------------
def _shape_of(shape) -> tuple:
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)


def zeros(shape: Shape, dtype: DTypeLike | None = None) -> Tensor:
    return _plain(B.xp.zeros(_shape_of(shape), _dtype(dtype)))


def ones(shape: Shape, dtype: DTypeLike | None = None) -> Tensor:
    return _plain(B.xp.ones(_shape_of(shape), _dtype(dtype)))


def empty(shape: Shape, dtype: DTypeLike | None = None) -> Tensor:
    return zeros(shape, dtype)


def full(shape: Shape, fill_value: TensorLike, dtype: DTypeLike | None = None) -> Tensor:
    value = _data(fill_value)
    kind = getattr(value, "dtype", np.asarray(value).dtype).kind
    dtype = dtype or (B.default_dtype if kind == "f" else None)
    return _plain(B.xp.full(_shape_of(shape), value, dtype))


def zeros_like(x: TensorLike, dtype: DTypeLike | None = None) -> Tensor:
    return _plain(B.xp.zeros_like(_data(x), dtype=dtype))


def ones_like(x: TensorLike, dtype: DTypeLike | None = None) -> Tensor:
    return _plain(B.xp.ones_like(_data(x), dtype=dtype))


def empty_like(x: TensorLike, dtype: DTypeLike | None = None) -> Tensor:
    return zeros_like(x, dtype)


def full_like(x: TensorLike, fill_value: TensorLike, dtype: DTypeLike | None = None) -> Tensor:
    return _plain(B.xp.full_like(_data(x), _data(fill_value), dtype=dtype))


def eye(N: int, M: int | None = None, k: int = 0, dtype: DTypeLike | None = None) -> Tensor:  # noqa: N803 - Keras' names
    return _plain(B.xp.eye(N, M, k, dtype=_dtype(dtype)))


def identity(n: int, dtype: DTypeLike | None = None) -> Tensor:
    return eye(n, dtype=dtype)


def tri(N: int, M: int | None = None, k: int = 0, dtype: DTypeLike | None = None) -> Tensor:  # noqa: N803
    return _plain(B.xp.tri(N, M, k, dtype=_dtype(dtype)))


def arange(
    start: float,
    stop: float | None = None,
    step: float | None = None,
    dtype: DTypeLike | None = None,
) -> Tensor:
    """Evenly spaced values in [start, stop): ints stay int32 (Keras), floats are float32."""
    values = B.xp.arange(start, stop, 1 if step is None else step)
    if dtype is None:
        dtype = "int32" if values.dtype.kind in "iu" else B.default_dtype
    return _plain(values.astype(dtype))


def linspace(
    start: TensorLike,
    stop: TensorLike,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: DTypeLike | None = None,
    axis: int = 0,
) -> Tensor | tuple[Tensor, float]:
    values, step = B.xp.linspace(
        _data(start), _data(stop), num, endpoint=endpoint, retstep=True, axis=axis
    )
    out = _plain(values.astype(_dtype(dtype)))
    return (out, step) if retstep else out


def logspace(
    start: TensorLike,
    stop: TensorLike,
    num: int = 50,
    endpoint: bool = True,
    base: float = 10,
    dtype: DTypeLike | None = None,
    axis: int = 0,
) -> Tensor:
    return _plain(
        B.xp.logspace(
            _data(start), _data(stop), num, endpoint=endpoint, base=base, axis=axis
        ).astype(_dtype(dtype))
    )


def meshgrid(*x: TensorLike, indexing: str = "xy") -> list:
    return [_plain(g) for g in B.xp.meshgrid(*[_data(v) for v in x], indexing=indexing)]


def array(x: TensorLike, dtype: DTypeLike | None = None) -> Tensor:
    return Tensor(B.xp.array(_data(x), dtype=dtype), dtype=dtype)


def copy(x: TensorLike) -> Tensor:
    """A copy that keeps the gradient path."""
    return E.add(_t(x), 0)


def size(x: TensorLike) -> int:
    return int(np.prod(np.shape(_data(x))))


def ndim(x: TensorLike) -> int:
    return len(np.shape(_data(x)))
