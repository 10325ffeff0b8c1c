"""The type names of the layers' settings: what ``activation=``, ``kernel_initializer=``,
``kernel_regularizer=`` and ``kernel_constraint=`` accept (a name, an object or function, a
config dict), as ``activations.get``, ``initializers.get``, ``regularizers.get`` and
``constraints.get`` resolve them.

>>> from profundo.layers.types import ActivationLike
>>> def head(units: int, activation: ActivationLike = "softmax") -> layers.Dense:
...     return layers.Dense(units, activation=activation)
>>> head(10).activation.__name__
'softmax'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias, Union

#: an activation by name ("relu"), a function of a tensor, or None for none (linear)
ActivationLike: TypeAlias = Union[str, Callable[..., Any], None]
#: an initializer by name ("glorot_uniform"), an Initializer or function fn(shape, dtype), or a
#: config dict {"class_name": ..., "config": ...}
InitializerLike: TypeAlias = Union[str, Callable[..., Any], dict[str, Any]]
#: a regularizer by name ("l2"), a Regularizer or function fn(weight), a config dict, or None
RegularizerLike: TypeAlias = Union[str, Callable[..., Any], dict[str, Any], None]
#: a constraint by name ("non_neg"), a Constraint or function fn(weight), a config dict, or None
ConstraintLike: TypeAlias = Union[str, Callable[..., Any], dict[str, Any], None]

__all__ = ["ActivationLike", "InitializerLike", "RegularizerLike", "ConstraintLike"]
