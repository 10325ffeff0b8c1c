"""Keras' ``keras.ops.core`` names: shapes, dtypes, conversions and control flow, on profundo's
Tensors. ``ops.shape(x)`` is the tuple of x's sizes; ``ops.cast(x, "float32")`` converts;
``ops.convert_to_numpy(x)`` gives a NumPy array; ``ops.stop_gradient(x)`` cuts the graph.

Control flow (``cond``, ``fori_loop``, ``while_loop``, ``scan``, ``map``) runs eagerly in Python:
profundo has no graph compiler, so a loop is a loop and gradients flow through every step.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from .. import backend as B
from ..autograd import Tensor
from ..autograd.types import TensorLike
from . import _shape

__all__ = [
    "shape",
    "cast",
    "convert_to_tensor",
    "convert_to_numpy",
    "stop_gradient",
    "is_tensor",
    "dtype",
    "cond",
    "fori_loop",
    "while_loop",
    "scan",
    "map",
    "slice",
    "slice_update",
    "scatter",
    "scatter_update",
    "unstack",
    "switch",
    "vectorized_map",
    "get_item",
]


def shape(x: TensorLike) -> tuple:
    """The sizes of x's axes, a tuple of ints (``None`` for unknown sizes of symbolic tensors)."""
    return tuple(x.shape) if hasattr(x, "shape") else np.asarray(x).shape


def dtype(x: TensorLike) -> str:
    """The name of x's dtype (``"float32"``)."""
    return np.dtype(x.dtype).name if hasattr(x, "dtype") else np.asarray(x).dtype.name


def cast(x: TensorLike, dtype: DTypeLike) -> Tensor:
    """x converted to ``dtype`` (floating casts keep the gradient)."""
    return _shape.astype(x if isinstance(x, Tensor) else Tensor._wrap(B.xp.asarray(x)), dtype)


def convert_to_tensor(
    x: TensorLike,
    dtype: DTypeLike | None = None,
    sparse: bool | None = None,
    ragged: bool | None = None,
) -> Tensor:
    """A Tensor from an array, list or scalar (a Tensor of that dtype is returned as is); floats
    become float32 unless ``dtype`` says otherwise, integers keep their dtype."""
    if isinstance(x, Tensor):
        return x if dtype is None else cast(x, dtype)
    array = B.xp.asarray(x, dtype=dtype)
    if dtype is None and array.dtype.kind == "f":
        array = array.astype(B.default_dtype)
    return Tensor._wrap(array)


def convert_to_numpy(x: TensorLike) -> np.ndarray:
    """A NumPy array from a Tensor (on the GPU: copied to the host), array, list or scalar."""
    if isinstance(x, Tensor):
        return x.numpy()
    return B.to_numpy(x) if isinstance(x, B.xp.ndarray) else np.asarray(x)


def stop_gradient(x: TensorLike) -> Tensor:
    """x's values, with no gradient flowing back through them."""
    return x.detach() if isinstance(x, Tensor) else convert_to_tensor(x)


def is_tensor(x: TensorLike) -> bool:
    return isinstance(x, Tensor)


def cond(pred: TensorLike, true_fn: Callable[[], Any], false_fn: Callable[[], Any]) -> Any:
    """``true_fn()`` if ``pred`` else ``false_fn()``."""
    return true_fn() if bool(convert_to_numpy(pred)) else false_fn()


def switch(index: int, branches: Sequence[Callable[..., Any]], *operands: Any) -> Any:
    """``branches[index](*operands)``, the index clipped to the branches."""
    i = int(np.clip(int(convert_to_numpy(index)), 0, len(branches) - 1))
    return branches[i](*operands)


def fori_loop(lower: int, upper: int, body_fun: Callable[[int, Any], Any], init_val: Any) -> Any:
    """``val = body_fun(i, val)`` for i in [lower, upper)."""
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def while_loop(
    cond: Callable[..., Any],
    body: Callable[..., Any],
    loop_vars: Any,
    maximum_iterations: int | None = None,
) -> Any:
    """``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` (at most
    ``maximum_iterations`` times). A tuple or list of variables is unpacked into the calls."""
    several = isinstance(loop_vars, (tuple, list))
    args = tuple(loop_vars) if several else (loop_vars,)
    steps = 0
    while bool(convert_to_numpy(cond(*args))) and (
        maximum_iterations is None or steps < maximum_iterations
    ):
        out = body(*args)
        args = tuple(out) if several else (out,)
        steps += 1
    return type(loop_vars)(args) if several else args[0]


def scan(
    f: Callable[..., Any],
    init: Any,
    xs: Any | None = None,
    length: int | None = None,
    reverse: bool = False,
    unroll: int = 1,
) -> Any:
    """``carry, y = f(carry, x)`` over the first axis of ``xs``; returns the last carry and the
    ys stacked."""
    if xs is not None:
        n = len(xs)
    elif length is not None:
        n = length
    else:
        raise ValueError("scan: expected xs or length, got neither")
    steps = range(n - 1, -1, -1) if reverse else range(n)
    carry, ys = init, []
    for i in steps:
        carry, y = f(carry, None if xs is None else xs[i])
        ys.append(y)
    if reverse:
        ys.reverse()
    stacked = (
        None
        if not ys or ys[0] is None
        else _shape.stack([y if isinstance(y, Tensor) else convert_to_tensor(y) for y in ys])
    )
    return carry, stacked


def map(f: Callable[..., Any], xs: Any) -> Any:  # noqa: A001 - Keras' name
    """``f`` applied to each entry along the first axis of ``xs``, the results stacked."""
    return _shape.stack(
        [
            convert_to_tensor(y) if not isinstance(y, Tensor) else y
            for y in (f(xs[i]) for i in range(len(xs)))
        ]
    )


vectorized_map = map


def unstack(x: TensorLike, num: int | None = None, axis: int = 0) -> list:
    """The slices of x along ``axis``."""
    x = convert_to_tensor(x)
    axis %= x.ndim
    return [x[(builtins.slice(None),) * axis + (i,)] for i in range(x.shape[axis])]


def slice(inputs: TensorLike, start_indices: Sequence[int], shape: Sequence[int]) -> Tensor:  # noqa: A001 - Keras' name
    """The block of ``shape`` starting at ``start_indices``."""
    index = tuple(builtins.slice(int(s), int(s) + int(n)) for s, n in zip(start_indices, shape))
    return convert_to_tensor(inputs)[index]


def get_item(x: TensorLike, key: Any) -> Tensor:
    return convert_to_tensor(x)[key]


def _updated(inputs, index, updates, add: bool) -> Tensor:
    """A new tensor: ``inputs`` with ``updates`` written (or added) at ``index`` — values only,
    without a gradient (Keras programs use these for bookkeeping, not inside losses)."""
    data = convert_to_tensor(inputs).data.copy()
    values = updates.data if isinstance(updates, Tensor) else B.xp.asarray(updates)
    if add:
        B.xp.add.at(data, index, values)
    else:
        data[index] = values
    return Tensor._wrap(data)


def slice_update(inputs: TensorLike, start_indices: Sequence[int], updates: TensorLike) -> Tensor:
    """``inputs`` with the block at ``start_indices`` replaced by ``updates`` (values only)."""
    upd = convert_to_tensor(updates)
    index = tuple(builtins.slice(int(s), int(s) + n) for s, n in zip(start_indices, upd.shape))
    return _updated(inputs, index, upd, add=False)


def scatter_update(inputs: TensorLike, indices: TensorLike, updates: TensorLike) -> Tensor:
    """``inputs`` with the entries at ``indices`` (rows of coordinates) set to ``updates``."""
    ids = np.asarray(convert_to_numpy(indices)).astype("int64")
    return _updated(inputs, tuple(ids.T), updates, add=False)


def scatter(indices: TensorLike, values: TensorLike, shape: Sequence[int]) -> Tensor:
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (rows of coordinates)."""
    ids = np.asarray(convert_to_numpy(indices)).astype("int64")
    vals = convert_to_tensor(values)
    return _updated(B.xp.zeros(tuple(shape), vals.dtype), tuple(ids.T), vals, add=True)
