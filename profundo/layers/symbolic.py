"""Symbolic tensors: what ``Input`` returns, and what a layer returns when called on one.

A symbolic tensor holds no numbers, only a shape (``None`` for the batch size) and where it came
from: the ``Node`` that records which layer was called on which symbolic inputs. ``Model(inputs,
outputs)`` walks these nodes back from the outputs to find the graph of layers to run.

>>> x = layers.Input((20,))           # SymbolicTensor(shape=(None, 20))
>>> h = layers.Dense(64)(x)           # records Node(Dense, inputs=x)
>>> h.shape
(None, 64)
"""

from __future__ import annotations

from .nest import flatten, is_shape, map_structure


class Node:
    """One call of a layer in a functional graph: the layer, its symbolic inputs and outputs."""

    def __init__(self, layer, inputs, kwargs=None):
        self.layer = layer
        self.inputs = inputs  # a SymbolicTensor or a structure of them (None for Input)
        self.kwargs = kwargs or {}
        self.outputs = None

    @property
    def parents(self) -> list:
        return [t.node for t in flatten(self.inputs)] if self.inputs is not None else []


class SymbolicTensor:
    """A placeholder for a tensor in a functional model: shape and producing node, no data.

    Operators, slicing and profundo's ops on it (``x * 2``, ``x[:, :2]``, ``pf.relu(x)``) are
    recorded as layers of the graph (``layers/op_layer.py``)."""

    is_symbolic = True  # what ops look for to record the call instead of computing
    __array_ufunc__ = None  # ``array + x`` asks x (``__radd__``), as for Tensors

    def __init__(self, shape, dtype="float32", node=None, name=None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.node = node
        self.name = name

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        origin = f", from {self.node.layer.name!r}" if self.node is not None else ""
        return f"<SymbolicTensor shape={self.shape}, dtype={self.dtype}{origin}>"


def is_symbolic(x) -> bool:
    return any(isinstance(t, SymbolicTensor) for t in flatten(x))


#: the node keyword that marks ``layer(a, b, ...)``: its inputs are the list of positional tensors
POSITIONAL = "_positional_inputs"


def call_symbolic(layer, inputs, kwargs):
    """Record ``layer(inputs)`` as a graph node; return symbolic outputs with their shapes."""
    shapes = map_structure(lambda t: t.shape, inputs)
    if kwargs.get(POSITIONAL):  # layer(a, b, ...): built for the first tensor
        layer._ensure_built(shapes[0])
        out_shapes = layer._shape_by_running(shapes, **{POSITIONAL: True})
    else:
        layer._ensure_built(shapes)
        out_shapes = layer.compute_output_shape(shapes)
    node = Node(layer, inputs, kwargs)
    node.outputs = map_structure(
        lambda s: SymbolicTensor(s, layer.dtype, node), out_shapes, is_leaf=is_shape
    )
    layer.inbound_nodes.append(node)
    return node.outputs


def _operator(name, swap=False):
    def method(self, other=None):
        from .. import ops

        fn = getattr(ops, name)
        if other is None and name in ("neg", "abs"):
            return fn(self)
        return fn(other, self) if swap else fn(self, other)

    method.__name__ = name
    return method


for _name, _op in (
    ("__add__", "add"),
    ("__sub__", "sub"),
    ("__mul__", "mul"),
    ("__truediv__", "div"),
    ("__pow__", "pow"),
    ("__matmul__", "matmul"),
    ("__lt__", "lt"),
    ("__le__", "le"),
    ("__gt__", "gt"),
    ("__ge__", "ge"),
):
    setattr(SymbolicTensor, _name, _operator(_op))
for _name, _op in (
    ("__radd__", "add"),
    ("__rsub__", "sub"),
    ("__rmul__", "mul"),
    ("__rtruediv__", "div"),
    ("__rpow__", "pow"),
    ("__rmatmul__", "matmul"),
):
    setattr(SymbolicTensor, _name, _operator(_op, swap=True))
setattr(SymbolicTensor, "__neg__", _operator("neg"))
setattr(SymbolicTensor, "__abs__", _operator("abs"))


def _getitem(self, index):
    from ..ops._shape import _getitem as getitem

    return getitem(self, index)


setattr(SymbolicTensor, "__getitem__", _getitem)
