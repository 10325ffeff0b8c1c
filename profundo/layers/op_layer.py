"""Ops called on symbolic tensors become layers of the functional graph, as in Keras:
``x * 2 + 1``, ``x[:, 0:2]``, ``pf.relu(inputs)`` or ``ops.sum(h, axis=1)`` inside a model.

Each call is recorded as an ``OpLayer`` that names profundo's op (its ``Function`` class), the
constants it was called with and its settings, all as JSON data: a saved model rebuilds it by the
op's name from profundo's own ops only, so loading never runs code from the file.

>>> inputs = pf.Input((4,))
>>> h = pf.relu(inputs) * 2 + 1              # three OpLayers: Relu, Mul, Add
>>> model = pf.Model(inputs, h[:, :2])        # and a GetItem
"""

from __future__ import annotations

from typing import Any

import numpy

from .. import backend as B
from ..autograd import Function, Tensor
from ..autograd import function as _function
from .base import Layer, snake_case, unique_name


def _profundo_ops() -> dict:
    found: dict = {}
    stack = list(Function.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("profundo.") and not cls.__name__.startswith("_"):
            found.setdefault(cls.__name__, cls)
    return found


def encode(value):
    """Op arguments as JSON data (slices, Ellipsis, tuples, arrays and dtypes tagged)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (numpy.generic,)):
        return value.item()
    if isinstance(value, slice):
        return {"slice": [value.start, value.stop, value.step]}
    if value is Ellipsis:
        return {"ellipsis": True}
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"dict": {k: encode(v) for k, v in value.items()}}
    if isinstance(value, numpy.dtype) or (
        isinstance(value, type) and issubclass(value, numpy.generic)
    ):
        return {"dtype": numpy.dtype(value).name}
    if hasattr(value, "numpy") or isinstance(value, (numpy.ndarray, B.xp.ndarray)):
        array = numpy.asarray(value.numpy() if hasattr(value, "numpy") else B.to_numpy(value))
        return {"array": array.tolist(), "dtype": array.dtype.name}
    raise TypeError(f"an op on symbolic tensors got an argument profundo cannot record: {value!r}")


def decode(value):
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "slice" in value:
        return slice(*value["slice"])
    if "ellipsis" in value:
        return Ellipsis
    if "tuple" in value:
        return tuple(decode(v) for v in value["tuple"])
    if "dict" in value:
        return {k: decode(v) for k, v in value["dict"].items()}
    if "array" in value:
        return B.xp.asarray(numpy.asarray(value["array"], dtype=value["dtype"]))
    if "dtype" in value:
        return numpy.dtype(value["dtype"])
    raise ValueError(f"OpLayer: cannot read the argument {value!r}")


class OpLayer(Layer):
    """One call of one of profundo's ops on symbolic tensors (see the module docstring).

    ``arguments``: for each positional argument of the op, ``{"input": k}`` for the layer's k-th
    input tensor or the constant; ``settings``: the op's keyword settings.
    """

    def __init__(
        self, op: str, arguments: list[Any], settings: dict[str, Any] | None = None, **kwargs
    ):
        super().__init__(**kwargs)
        if op not in _profundo_ops():
            raise self.error(f"unknown op {op!r}; an OpLayer runs one of profundo's own ops")
        self.op, self.arguments, self.settings = op, arguments, settings or {}

    def call(self, inputs: Tensor | list[Tensor]) -> Any:
        inputs = inputs if isinstance(inputs, list) else [inputs]
        args = [
            inputs[a["input"]] if isinstance(a, dict) and "input" in a else decode(a)
            for a in self.arguments
        ]
        return _profundo_ops()[self.op].apply(
            *args, **{k: decode(v) for k, v in self.settings.items()}
        )

    def get_config(self):
        return {
            **super().get_config(),
            "op": self.op,
            "arguments": self.arguments,
            "settings": self.settings,
        }


def record_op(cls, inputs, settings):
    """``cls.apply(*inputs, **settings)`` with symbolic inputs: a new OpLayer called on them."""
    symbolic, arguments = [], []
    for value in inputs:
        if getattr(value, "is_symbolic", False):
            arguments.append({"input": len(symbolic)})
            symbolic.append(value)
        else:
            arguments.append(encode(value))
    layer = OpLayer(
        cls.__name__,
        arguments,
        {k: encode(v) for k, v in settings.items()},
        name=unique_name(snake_case(cls.__name__)),
    )
    return layer(symbolic if len(symbolic) > 1 else symbolic[0])


_function.symbolic_hook = record_op
