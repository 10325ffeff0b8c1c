"""Making tensors: from data, filled with a constant, ranges, identity and random draws.

Floating tensors get the default dtype (float32) unless ``dtype`` says otherwise; random draws
come from profundo's generator, so ``pf.manual_seed(n)`` makes them reproducible.

>>> pf.zeros(2, 3).shape
(2, 3)
>>> pf.randn(4, requires_grad=True)   # standard normal, float32
tensor([...], requires_grad=True)
"""

from __future__ import annotations

from numpy.typing import DTypeLike

from .. import backend as B
from .tensor import Tensor
from .types import Shape, TensorLike


def _shape(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def _make(array, requires_grad) -> Tensor:
    t = Tensor._wrap(array)
    t.requires_grad = requires_grad
    return t


def _dtype(dtype):
    return B.default_dtype if dtype is None else dtype


def tensor(data: TensorLike, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor from a list, array, scalar or tensor (copied). Floats become float32 by default."""
    src = data.data if isinstance(data, Tensor) else data
    try:
        array = B.xp.array(src, dtype=dtype)
    except (ValueError, TypeError) as err:  # ragged lists, a dtype that does not fit
        raise type(err)(
            f"tensor: cannot make an array from this {type(data).__name__} "
            f"(nested lists must be rectangular and hold numbers): {err}"
        ) from None
    return Tensor(array, dtype=dtype, requires_grad=requires_grad)


def as_tensor(data: TensorLike, dtype: DTypeLike | None = None) -> Tensor:
    """Like ``tensor`` but returns ``data`` itself when it is already a Tensor of that dtype."""
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtype):
        return data
    return Tensor(data, dtype=dtype)


def zeros(
    *shape: int | tuple[int, ...], dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    return _make(B.xp.zeros(_shape(shape), _dtype(dtype)), requires_grad)


def ones(
    *shape: int | tuple[int, ...], dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    return _make(B.xp.ones(_shape(shape), _dtype(dtype)), requires_grad)


def full(
    shape: Shape, fill_value: float, dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return _make(B.xp.full(shape, fill_value, _dtype(dtype)), requires_grad)


def arange(
    start: float,
    stop: float | None = None,
    step: float = 1,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``[start, stop)`` by ``step``; integer arguments give an integer tensor, as in NumPy,
    floating ones a tensor of the default dtype."""
    arr = (
        B.xp.arange(start, stop, step, dtype=dtype)
        if stop is not None
        else B.xp.arange(start, dtype=dtype)
    )
    if dtype is None and arr.dtype.kind == "f":
        arr = arr.astype(B.default_dtype)
    return _make(arr, requires_grad)


def eye(
    n: int, m: int | None = None, dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    return _make(B.xp.eye(n, m, dtype=_dtype(dtype)), requires_grad)


def randn(
    *shape: int | tuple[int, ...], dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    """Standard normal samples N(0, 1)."""
    arr = B.rng().standard_normal(_shape(shape), dtype=_dtype(dtype))
    return _make(arr, requires_grad)


def rand(
    *shape: int | tuple[int, ...], dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    """Uniform samples in [0, 1)."""
    arr = B.rng().random(_shape(shape), dtype=_dtype(dtype))
    return _make(arr, requires_grad)


def _like(t):
    return t.data if isinstance(t, Tensor) else B.xp.asarray(t)


def zeros_like(
    t: TensorLike, dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    return _make(B.xp.zeros_like(_like(t), dtype=dtype), requires_grad)


def ones_like(t: TensorLike, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    return _make(B.xp.ones_like(_like(t), dtype=dtype), requires_grad)


def full_like(
    t: TensorLike, fill_value: float, dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    return _make(B.xp.full_like(_like(t), fill_value, dtype=dtype), requires_grad)


def randn_like(
    t: TensorLike, dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    arr = _like(t)
    return randn(*arr.shape, dtype=dtype or arr.dtype, requires_grad=requires_grad)


def rand_like(t: TensorLike, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    arr = _like(t)
    return rand(*arr.shape, dtype=dtype or arr.dtype, requires_grad=requires_grad)
