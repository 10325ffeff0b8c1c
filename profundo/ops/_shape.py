"""Shape ops: reshape, transpose, squeeze, broadcast, concatenate/split, pad, repeat/tile,
indexing, casts.

None of these change a value; they only move values to new places (or copy them to several). So
every backward is the same move run in reverse: put each gradient back where its value came from,
and add up the gradients of values that were copied to several places (broadcast, tile, repeat,
repeated indices).

>>> x = pf.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
>>> y = x.T.reshape(-1)[[0, 0, 5]]       # [1, 1, 6]: element 0 is picked twice
>>> y.sum().backward(); x.grad
array([[2., 0., 0.], [0., 0., 1.]], dtype=float32)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import accumulate
from typing import Any

import numpy
from numpy.typing import DTypeLike

from .. import backend as B
from ..autograd import Function, Tensor, as_array, tensor_method
from ..autograd.types import Axis, Shape, TensorLike

__all__ = [
    "reshape",
    "flatten",
    "squeeze",
    "unsqueeze",
    "expand_dims",
    "transpose",
    "permute",
    "swapaxes",
    "broadcast_to",
    "repeat",
    "tile",
    "concatenate",
    "cat",
    "stack",
    "split",
    "pad",
    "astype",
]


def _tensor(x) -> Tensor:
    """``x`` as a Tensor (arrays and lists are wrapped, not copied)."""
    return x if isinstance(x, Tensor) else Tensor._wrap(as_array(x))


def _axis(axis: int, ndim: int, op: str) -> int:
    """``axis`` as a non-negative int, or a ValueError naming ``op``."""
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for a tensor with {ndim} dimensions")
    return axis % ndim


def _ints(args) -> tuple:
    """A shape or axes given as ints (``f(x, 2, 3)``) or as one sequence (``f(x, (2, 3))``)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


def _tuple(value) -> tuple:
    """One int, or a sequence of them, as a tuple."""
    return (value,) if numpy.ndim(value) == 0 else tuple(value)


# --- reshaping ------------------------------------------------------------------------------------
class Reshape(Function):
    """y = the elements of x, in row-major order, laid out in a new shape;
    ∂L/∂x = ∂L/∂y in x's shape"""

    def forward(self, x, shape):
        self.shape = x.shape
        try:
            return x.reshape(shape)
        except ValueError:
            if shape.count(-1) > 1:
                raise ValueError(
                    f"shape {shape} has more than one -1; only one size can be inferred"
                ) from None
            known = math.prod(n for n in shape if n != -1)
            holds = f"a multiple of {known}" if -1 in shape else known
            raise ValueError(
                f"cannot reshape a tensor of shape {x.shape} ({x.size} elements) into "
                f"shape {shape} ({holds} elements)"
            ) from None

    def backward(self, grad):
        return grad.reshape(self.shape)


@tensor_method("reshape")
def reshape(x: TensorLike, *shape: int | tuple[int, ...]) -> Tensor:
    """The same elements in a new shape; one dimension may be -1 (inferred).

    >>> pf.arange(6.0).reshape(2, -1).shape      # or .reshape((2, -1))
    (2, 3)
    """
    return Reshape.apply(x, shape=_ints(shape))


@tensor_method("flatten")
def flatten(x: TensorLike, start_axis: int = 0, end_axis: int = -1) -> Tensor:
    """Merge the axes ``start_axis..end_axis`` (inclusive) into one: (N, H, W, C) → (N, H·W·C)
    with ``flatten(x, 1)``."""
    x = _tensor(x)
    ndim = max(x.ndim, 1)
    start, end = _axis(start_axis, ndim, "flatten"), _axis(end_axis, ndim, "flatten")
    if start > end:
        raise ValueError(
            f"flatten: start_axis {start_axis} comes after end_axis {end_axis} "
            f"for a tensor of shape {x.shape}"
        )
    s = x.shape
    return Reshape.apply(x, shape=s[:start] + (math.prod(s[start : end + 1]),) + s[end + 1 :])


@tensor_method("squeeze")
def squeeze(x: TensorLike, axis: Axis = None) -> Tensor:
    """Drop axes of size 1: all of them, or those in ``axis`` (an int or a tuple), which must have
    size 1. ``squeeze(pf.zeros(2, 1, 3))`` has shape (2, 3)."""
    x = _tensor(x)
    if axis is None:
        axes = {i for i, n in enumerate(x.shape) if n == 1}
    else:
        axes = {_axis(a, x.ndim, "squeeze") for a in _tuple(axis)}
        for a in sorted(axes):
            if x.shape[a] != 1:
                raise ValueError(
                    f"squeeze: axis {a} of a tensor of shape {x.shape} has size "
                    f"{x.shape[a]}, not 1; only axes of size 1 can be removed"
                )
    return Reshape.apply(x, shape=tuple(n for i, n in enumerate(x.shape) if i not in axes))


@tensor_method("unsqueeze")
def unsqueeze(x: TensorLike, axis: int | tuple[int, ...]) -> Tensor:
    """Insert axes of size 1 so that they sit at ``axis`` (an int or a tuple) of the result:
    ``unsqueeze(pf.zeros(2, 3), 0)`` has shape (1, 2, 3), ``axis=-1`` gives (2, 3, 1)."""
    x = _tensor(x)
    axes = _tuple(axis)
    ndim = x.ndim + len(axes)
    new = {_axis(a, ndim, "unsqueeze") for a in axes}
    if len(new) < len(axes):
        raise ValueError(f"unsqueeze: axes {axes} repeat an axis")
    sizes = iter(x.shape)
    return Reshape.apply(x, shape=tuple(1 if i in new else next(sizes) for i in range(ndim)))


expand_dims = unsqueeze  # NumPy's name


# --- reordering axes ------------------------------------------------------------------------------
class Transpose(Function):
    """y = x with its axes reordered: axis i of y is axis pᵢ of x;
    ∂L/∂x = ∂L/∂y with the inverse reordering (axis pᵢ of ∂L/∂x is axis i of ∂L/∂y)"""

    def forward(self, x, axes):
        self.inverse = tuple(sorted(range(len(axes)), key=axes.__getitem__))
        return x.transpose(axes)

    def backward(self, grad):
        return grad.transpose(self.inverse)


def _permutation(axes, ndim, op) -> tuple:
    """``axes`` as non-negative ints, checked to name every axis exactly once."""
    perm = tuple(a % ndim if -ndim <= a < ndim else a for a in axes)
    if sorted(perm) != list(range(ndim)):
        two = len(axes) == 2 and ndim > 2
        hint = f"; to swap two axes use swapaxes(x, {axes[0]}, {axes[1]})" if two else ""
        raise ValueError(
            f"{op}: axes {axes} must list each of the {ndim} axes of the tensor once{hint}"
        )
    return perm


@tensor_method("transpose")
def transpose(x: TensorLike, axes: int | Sequence[int] | None = None, *more: int) -> Tensor:
    """Reorder the axes (NumPy's convention): ``axes`` lists, for each axis of the result, the
    axis of x it comes from; None reverses them. ``transpose(pf.zeros(2, 3, 4), (2, 0, 1))`` and
    ``x.transpose(2, 0, 1)`` have shape (4, 2, 3)."""
    x = _tensor(x)
    axes = tuple(reversed(range(x.ndim))) if axes is None else _ints((axes, *more))
    return Transpose.apply(x, axes=_permutation(axes, x.ndim, "transpose"))


@tensor_method("permute")
def permute(x: TensorLike, *axes: int | Sequence[int]) -> Tensor:
    """Reorder the axes, as PyTorch's ``permute``:
    ``x.permute(0, 3, 1, 2)`` turns NHWC into NCHW."""
    x = _tensor(x)
    return Transpose.apply(x, axes=_permutation(_ints(axes), x.ndim, "permute"))


@tensor_method("swapaxes")
def swapaxes(x: TensorLike, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes: ``swapaxes(pf.zeros(2, 3, 4), 0, 2)`` has shape (4, 3, 2)."""
    x = _tensor(x)
    perm = list(range(x.ndim))
    a, b = _axis(axis1, x.ndim, "swapaxes"), _axis(axis2, x.ndim, "swapaxes")
    perm[a], perm[b] = b, a
    return Transpose.apply(x, axes=tuple(perm))


setattr(  # a property, as the stub declares it (an assignment would read as a method's)
    Tensor,
    "T",
    property(transpose, doc="The tensor with its axes reversed (the matrix transpose in 2-D)."),
)


# --- copies: broadcast, repeat, tile --------------------------------------------------------------
class BroadcastTo(Function):
    """y = x stretched along its size-1 axes (and new leading axes) to ``shape``;
    ∂L/∂x = ∂L/∂y summed over those axes
    (the engine does the sum, as for broadcasting arithmetic)"""

    def forward(self, x, shape):
        try:
            return B.xp.broadcast_to(x, shape)
        except ValueError:
            raise ValueError(
                f"cannot broadcast a tensor of shape {x.shape} to shape {shape}: "
                "aligned from the right, each of its sizes must equal the target "
                "size or be 1"
            ) from None

    def backward(self, grad):
        return grad


@tensor_method("broadcast_to")
def broadcast_to(x: TensorLike, shape: int | tuple[int, ...]) -> Tensor:
    """x repeated along its size-1 axes, and new leading ones, to ``shape`` (a read-only view):
    ``broadcast_to(pf.zeros(3), (2, 3))`` has shape (2, 3)."""
    return BroadcastTo.apply(x, shape=_tuple(shape))


@tensor_method("repeat")
def repeat(x: TensorLike, repeats: TensorLike, axis: int | None = None) -> Tensor:
    """Repeat each element ``repeats`` times along ``axis`` (NumPy's ``repeat``, PyTorch's
    ``repeat_interleave``): ``repeat([1, 2], 2)`` is [1, 1, 2, 2]. ``repeats`` is an int or one
    count per element; no axis repeats the flattened tensor.

    An int count is a broadcast along a new axis right after ``axis``, then a merge of the two
    (so the backward is a sum); per-element counts pick elements by index (``x[..., i]``).
    """
    t = _tensor(x)
    if axis is None:
        t, axis = Reshape.apply(t, shape=(-1,)), 0
    axis = _axis(axis, t.ndim, "repeat")
    s, counts = t.shape, as_array(repeats)
    if (counts < 0).any():
        raise ValueError(f"repeat: repeats must not be negative, got {repeats}")
    if counts.ndim == 0:
        r = int(counts)
        y = Reshape.apply(t, shape=s[: axis + 1] + (1,) + s[axis + 1 :])
        y = BroadcastTo.apply(y, shape=s[: axis + 1] + (r,) + s[axis + 1 :])
        return Reshape.apply(y, shape=s[:axis] + (s[axis] * r,) + s[axis + 1 :])
    if counts.shape != (s[axis],):
        raise ValueError(
            f"repeat: expected one count per element along axis {axis} "
            f"({s[axis]} counts), got repeats of shape {counts.shape}"
        )
    return t[(slice(None),) * axis + (B.xp.repeat(B.xp.arange(s[axis]), counts),)]


@tensor_method("tile")
def tile(x: TensorLike, reps: Shape) -> Tensor:
    """The whole tensor repeated ``reps[i]`` times along axis i: ``tile([1, 2], 2)`` is
    [1, 2, 1, 2]. As in NumPy, the shorter of ``reps`` and the shape is padded with leading 1s.

    Written as a broadcast: x of shape (n₀, n₁) is viewed as (1, n₀, 1, n₁), broadcast to
    (r₀, n₀, r₁, n₁) and merged to (r₀n₀, r₁n₁); the backward sums over the copies.
    """
    x = _tensor(x)
    reps = _tuple(reps)
    ndim = max(len(reps), x.ndim)
    reps = (1,) * (ndim - len(reps)) + reps
    shape = (1,) * (ndim - x.ndim) + x.shape
    y = Reshape.apply(x, shape=tuple(d for n in shape for d in (1, n)))
    y = BroadcastTo.apply(y, shape=tuple(d for r, n in zip(reps, shape) for d in (r, n)))
    return Reshape.apply(y, shape=tuple(r * n for r, n in zip(reps, shape)))


# --- joining and splitting ------------------------------------------------------------------------
class Concatenate(Function):
    """y = [x₁ x₂ … xₖ] joined along ``axis``;  ∂L/∂xᵢ = the slice of ∂L/∂y where xᵢ landed"""

    def forward(self, *xs, axis=0):
        y = B.xp.concatenate(xs, axis=axis)
        self.axis = axis
        self.ends = list(accumulate(x.shape[axis] for x in xs[:-1]))
        return y

    def backward(self, grad):
        return tuple(B.xp.split(grad, self.ends, axis=self.axis))


class Stack(Function):
    """y = x₁, …, xₖ stacked along a new axis: y[…, i, …] = xᵢ;  ∂L/∂xᵢ = ∂L/∂y[…, i, …]"""

    def forward(self, *xs, axis=0):
        y = B.xp.stack(xs, axis=axis)
        self.axis = axis
        return y

    def backward(self, grad):
        return tuple(B.xp.moveaxis(grad, self.axis, 0))


def concatenate(tensors: Sequence[TensorLike], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis; their other sizes must match:
    ``concatenate([pf.zeros(2, 3), pf.zeros(4, 3)])`` has shape (6, 3)."""
    if not len(tensors):
        raise ValueError("concatenate: needs at least one tensor, got an empty list")
    return Concatenate.apply(*tensors, axis=axis)


cat = concatenate  # PyTorch's name


def stack(tensors: Sequence[TensorLike], axis: int = 0) -> Tensor:
    """Join tensors of one shape along a new axis: three (2, 3) tensors stack to (3, 2, 3)."""
    if not len(tensors):
        raise ValueError("stack: needs at least one tensor, got an empty list")
    return Stack.apply(*tensors, axis=axis)


def split(x: TensorLike, indices_or_sections: int | Sequence[int], axis: int = 0) -> list:
    """Cut x along ``axis`` into a list of tensors (NumPy's convention): an int k gives k equal
    pieces; a list of indices gives the cut points, ``split(x, [2, 5])`` → x[:2], x[2:5], x[5:].

    Each piece is a slice of x (``x[..., a:b]``), so the backward writes each piece's gradient
    into its slice of x's gradient; a piece that gets no gradient adds nothing.
    """
    x = _tensor(x)
    axis = _axis(axis, x.ndim, "split")
    n = x.shape[axis]
    points = numpy.asarray(indices_or_sections)
    if points.ndim == 0:
        k = int(points)
        if k < 1 or n % k:
            raise ValueError(
                f"split: axis {axis} of a tensor of shape {x.shape} has size {n}, "
                f"which does not divide into {k} equal pieces; pass the cut "
                "points as a list instead"
            )
        cuts = [i * (n // k) for i in range(k + 1)]
    else:
        cuts = [0, *points.tolist(), n]
    lead = (slice(None),) * axis
    return [x[lead + (slice(a, b),)] for a, b in zip(cuts[:-1], cuts[1:])]


# --- padding --------------------------------------------------------------------------------------
class Pad(Function):
    """y = x inside a border of ``value``: y[b₀:b₀+n₀, b₁:b₁+n₁, …] = x;
    ∂L/∂x = ∂L/∂y[b₀:b₀+n₀, …] (the border gets no gradient)"""

    def forward(self, x, widths, value=0):
        self.inside = tuple(slice(b, b + n) for (b, _), n in zip(widths, x.shape))
        return B.xp.pad(x, widths, mode="constant", constant_values=value)

    def backward(self, grad):
        return grad[self.inside]


PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def pad(
    x: TensorLike,
    pad_width: int | Sequence[int] | Sequence[Sequence[int]],
    mode: str = "constant",
    value: float = 0,
) -> Tensor:
    """Add a border around x (NumPy's ``pad_width``): ``((before₀, after₀), (before₁, after₁),
    …)``, one pair for every axis, or one pair / one int for all axes.

    ``mode``: "constant" fills with ``value``; "edge" repeats the edge element; "reflect"
    mirrors without the edge ([1, 2, 3] → 3, 2 | 1, 2, 3 | 2, 1), "symmetric" with it; "wrap"
    repeats from the other end. ``pad(pf.ones(2, 2), 1)`` has shape (4, 4) with zeros around.

    The border of every mode but "constant" copies elements of x, so those modes are indexing,
    axis by axis, with the index map that NumPy's pad makes of [0, 1, …, n−1].
    """
    x = _tensor(x)
    if mode not in PAD_MODES:
        raise ValueError(f"pad: mode must be one of {PAD_MODES}, got {mode!r}")
    try:
        widths = numpy.broadcast_to(numpy.asarray(pad_width, dtype=int), (x.ndim, 2))
    except ValueError:
        raise ValueError(
            f"pad: pad_width {pad_width} does not fit a tensor of shape {x.shape}; "
            f"give one (before, after) pair per axis ({x.ndim} pairs), one pair, "
            "or one int"
        ) from None
    if (widths < 0).any():
        raise ValueError(f"pad: pad_width {pad_width} has a negative width")
    pairs = tuple((int(b), int(a)) for b, a in widths)
    if mode == "constant":
        return Pad.apply(x, widths=pairs, value=value)
    for axis, (before, after) in enumerate(pairs):
        if before or after:
            src = B.xp.pad(B.xp.arange(x.shape[axis]), (before, after), mode=mode)
            x = x[(slice(None),) * axis + (src,)]
    return x


# --- indexing -------------------------------------------------------------------------------------
class GetItem(Function):
    """y = x[index] — ints, slices, None, ..., integer arrays and boolean masks, as in NumPy;
    ∂L/∂x = zeros of x's shape with ∂L/∂y added at the picked places (twice where picked twice).

    Without integer arrays each element of x is picked at most once, so the backward assigns
    ∂L/∂y into the slice. With them, repeated picks must add up: one integer array after full
    slices (the Embedding lookup ``table[ids]``, or ``x[:, :, ids]``) goes through
    ``_sum_rows`` on the picked axis; any other mix through ``add.at``, general but slower.
    """

    def forward(self, x, index):
        self.shape, self.index = x.shape, index
        try:
            return x[index]
        except IndexError as err:
            raise IndexError(f"GetItem: {err} (indexing a tensor of shape {x.shape})") from None

    def backward(self, grad):
        xp = B.xp
        parts = self.index if isinstance(self.index, tuple) else (self.index,)
        ids = [p for p in parts if isinstance(p, xp.ndarray) and p.dtype.kind in "iu"]
        if not ids:
            g = xp.zeros(self.shape, grad.dtype)
            g[self.index] = grad
            return g
        k = len(parts) - 1
        if parts[k] is ids[0] and all(isinstance(p, slice) and p == slice(None) for p in parts[:k]):
            m = ids[0].ndim  # the ids' axes sit at k, …, k+m−1 of ∂L/∂y: move them first
            rows = xp.moveaxis(grad, tuple(range(k, k + m)), tuple(range(m)))
            shape = (self.shape[k],) + self.shape[:k] + self.shape[k + 1 :]
            g = _sum_rows(rows, ids[0], shape)
            return g if k == 0 else xp.moveaxis(g, 0, k)  # a view would be copied for .grad
        g = xp.zeros(self.shape, grad.dtype)
        xp.add.at(g, self.index, grad)
        return g


def _sum_rows(grad, ids, shape):
    """∂L/∂table for y = table[ids], of ``shape``: row r is the sum of the rows of ∂L/∂y (of
    shape ids.shape + shape[1:]) whose id is r.

    On the CPU, one ``np.add.at`` over the flat places id·d + column (d = the length of a row)
    adds up repeated ids: NumPy's one-dimensional fast path. Chosen by measuring (NumPy 2.4, one
    core, median CPU ms; bincount sums in float64 and is cast back, add.at over whole rows takes
    NumPy's general path):

        table, ids                  flat add.at   bincount   add.at over rows   sort + reduceat
        10000×64, 1600 ids          0.31–0.40     0.61–0.63  1.48               1.85
        10000×64, 6400 ids          1.45–1.53     1.90–2.32  8.08               5.02
        10000×128, 1600 ids         0.80          2.29       2.0                1.2
        100×64, 100000 ids          23            33         55                 32–36
        30000×1, 20000 ids          0.09          0.12       0.2                1.3
        50000×300, 8192 ids         18            46         28                 26

    The sums are in the gradient's dtype, as PyTorch's. On the GPU ``add.at`` over rows is an
    atomic scatter-add, 10× faster than CuPy's bincount (H200: 0.03 ms against 0.25 ms for
    the sizes above).
    """
    xp = B.xp
    g = xp.zeros(shape, grad.dtype)
    if B.name == "cupy":
        xp.add.at(g, ids, grad)
        return g
    n, d = shape[0], math.prod(shape[1:])
    ids = ids.reshape(-1).astype(xp.intp)
    ids = ids + n * (ids < 0)  # negative ids count from the end
    places = B.scratch("getitem.places", (ids.size, d), ids.dtype)  # reused call to call
    xp.add(ids[:, None] * d, xp.arange(d), out=places)
    xp.add.at(g.reshape(-1), places.reshape(-1), grad.reshape(-1))
    return g


def _index(index):
    """``index`` with Tensors and lists made backend arrays, checked to be integer or boolean."""
    if isinstance(index, tuple):
        index = tuple(_index_part(i) for i in index)
        return index[0] if len(index) == 1 else index
    return _index_part(index)


def _index_part(i):
    if isinstance(i, Tensor):
        i = i.data
    elif isinstance(i, (list, numpy.ndarray)):
        i = B.xp.asarray(i)
        if i.size == 0:
            i = i.astype(B.xp.int64)  # [] is an empty list of indices, not of floats
    if isinstance(i, B.xp.ndarray) and i.dtype.kind not in "biu":
        raise IndexError(
            f"indexing: index arrays must hold integers or booleans, got {i.dtype}; "
            "convert them first, e.g. idx.astype('int64')"
        )
    return i


def _getitem(x: Tensor, index: Any) -> Tensor:
    """x[index], as in NumPy (basic and advanced indexing), differentiable: see ``GetItem``."""
    return GetItem.apply(x, index=_index(index))


def _setitem(x: Tensor, index: Any, value: TensorLike) -> None:
    """x[index] = value, written into x's data: only for tensors outside the autograd graph."""
    if x.requires_grad:
        raise RuntimeError(
            f"x[...] = value: cannot write in place into a tensor of shape {x.shape} that requires "
            "grad (a parameter, or a result computed from one): backward needs the values the "
            "graph saw. Build a new tensor instead "
            "(pf.where, pf.concatenate, pf.pad), or, to edit a parameter on purpose (outside "
            "backprop), write into its array: x.data[...] = value"
        )
    if isinstance(value, Tensor):
        if value.requires_grad:
            raise RuntimeError(
                f"x[...] = value: the value (shape {value.shape}) requires grad, and a write into "
                f"x would lose its gradient; build x with pf.concatenate/pf.stack/pf.where, or "
                "write value.detach()"
            )
        value = value.data
    x.data[_index(index)] = B.xp.asarray(value)


Tensor.__getitem__ = _getitem
Tensor.__setitem__ = _setitem


# --- dtype ----------------------------------------------------------------------------------------
class Cast(Function):
    """y = x converted to another floating dtype;  ∂L/∂x = ∂L/∂y converted back to x's dtype"""

    def forward(self, x, dtype):
        self.dtype = x.dtype
        return x.astype(dtype)

    def backward(self, grad):
        return grad.astype(self.dtype)


@tensor_method("astype")
def astype(x: TensorLike, dtype: DTypeLike) -> Tensor:
    """x with dtype ``dtype`` (x itself when it already has it). Casts between floating dtypes
    pass the gradient back (cast to x's dtype); integer and boolean results carry no gradient."""
    x = _tensor(x)
    dtype = numpy.dtype(dtype)
    if dtype == x.dtype:
        return x
    if dtype.kind not in "fc":
        return Tensor._wrap(x.data.astype(dtype))
    return Cast.apply(x, dtype=dtype)


@tensor_method("float")
def _to_float32(x) -> Tensor:
    """x as float32 (differentiable)."""
    return astype(x, numpy.float32)


@tensor_method("double")
def _to_float64(x) -> Tensor:
    """x as float64 (differentiable)."""
    return astype(x, numpy.float64)
