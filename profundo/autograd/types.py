"""The type names of the public signatures: what an op takes where a tensor, axis, shape or
padding goes.

>>> from profundo.autograd.types import TensorLike
>>> def double(x: TensorLike) -> pf.Tensor:
...     return pf.as_tensor(x) * 2
>>> double([1.0, 2.0])
tensor([2., 4.])

Only type checkers read these; at run time the ops convert what they get (``as_tensor``) and say
what they expected when it cannot be converted. (A str passes ``TensorLike`` as a sequence of
strs: Python's types cannot leave it out of ``Sequence``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeAlias, Union

import numpy as np

if TYPE_CHECKING:
    from .tensor import Tensor

#: a Tensor, a NumPy array or scalar, a Python number, or (nested) sequences of them
TensorLike: TypeAlias = Union[
    "Tensor", np.ndarray, np.generic, float, int, bool, Sequence["TensorLike"]
]
#: one axis, several, or None for all of them
Axis: TypeAlias = Union[int, tuple[int, ...], None]
#: a shape: one size or a tuple of sizes
Shape: TypeAlias = Union[int, tuple[int, ...]]
#: padding or cropping amounts: an int for every side, one int per axis, or (before, after) pairs
Pads: TypeAlias = Union[int, Sequence[Union[int, Sequence[int]]]]

__all__ = ["TensorLike", "Axis", "Shape", "Pads"]
