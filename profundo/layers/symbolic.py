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
        self.inputs = inputs        # a SymbolicTensor or a structure of them (None for Input)
        self.kwargs = kwargs or {}
        self.outputs = None

    @property
    def parents(self) -> list:
        return [t.node for t in flatten(self.inputs)] if self.inputs is not None else []


class SymbolicTensor:
    """A placeholder for a tensor in a functional model: shape and producing node, no data."""

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
    if kwargs.get(POSITIONAL):                 # layer(a, b, ...): built for the first tensor
        layer._ensure_built(shapes[0])
        out_shapes = layer._shape_by_running(shapes, **{POSITIONAL: True})
    else:
        layer._ensure_built(shapes)
        out_shapes = layer.compute_output_shape(shapes)
    node = Node(layer, inputs, kwargs)
    node.outputs = map_structure(lambda s: SymbolicTensor(s, layer.dtype, node), out_shapes,
                                 is_leaf=is_shape)
    layer.inbound_nodes.append(node)
    return node.outputs
