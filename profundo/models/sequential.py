"""``Sequential``: a plain stack of layers, each feeding the next.

>>> model = pf.Sequential([
...     layers.Input((28, 28, 1)),
...     layers.Flatten(),
...     layers.Dense(128, activation="relu"),
...     layers.Dense(10, activation="softmax"),
... ])
>>> model.add(layers.Dense(10))       # more layers can be added later

The input shape comes from a leading ``Input``, from ``input_shape=`` on the first layer, or, when
neither is given, from the first batch the model sees.
"""

from __future__ import annotations

from typing import Any

from ..layers.base import Layer
from ..layers.core import InputLayer
from ..layers.nest import is_shape, map_structure
from ..layers.symbolic import Node, SymbolicTensor
from .model import Model


class Sequential(Model):
    """A linear stack of layers: y = f_n(... f_2(f_1(x)))."""

    def __init__(self, layers=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self._stack: list[Layer] = []
        self._input_layer: InputLayer | None = None
        self.output_shapes: list = []  # each layer's output shape, once the input shape is known
        self._graph_input = None  # the stack as a functional graph, once the shape is known
        self._graph_nodes: list[Node] = []
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self) -> list:
        return list(self._stack)

    def add(self, layer) -> None:
        """Append a layer (or, first, an ``Input``) to the stack."""
        if isinstance(layer, SymbolicTensor) and isinstance(layer.node.layer, InputLayer):
            layer = layer.node.layer
        if isinstance(layer, InputLayer):
            if self._stack or self._input_layer is not None:
                raise self.error("an Input can only come first in a Sequential model")
            self._input_layer = layer
            return
        if not isinstance(layer, Layer):
            raise self.error(
                f"Sequential.add expects a layer, got {type(layer).__name__}", TypeError
            )
        self._stack.append(layer)
        shape = self._known_input_shape()
        if shape is not None:
            self._ensure_built(shape) if not self.built else self._build_from(len(self._stack) - 1)

    def pop(self):
        """Remove and return the last layer (Keras' ``Sequential.pop``)."""
        if not self._stack:
            raise self.error("pop: the model has no layers to remove", TypeError)
        layer = self._stack.pop()
        if self._graph_nodes:
            node = self._graph_nodes.pop()
            node.layer.inbound_nodes.remove(node)
            del self.output_shapes[len(self._stack) :]
        return layer

    def _known_input_shape(self):
        if self._input_layer is not None:
            return (self._input_layer.batch_size,) + self._input_layer.shape
        if self._stack and self._stack[0].input_shape_hint is not None:
            return (None,) + self._stack[0].input_shape_hint
        return None

    @property
    def input_shape(self):
        return self._known_input_shape() or (self.output_shapes and None)

    def build(self, input_shape) -> None:
        """Build every layer from ``input_shape``, recording each layer's output shape."""
        self._built_input_shape = tuple(input_shape)
        self.output_shapes = []
        self._build_from(0)

    def _build_from(self, start: int) -> None:
        batch = self._input_layer.batch_size if self._input_layer is not None else None
        shape = (
            self.output_shapes[start - 1]
            if start
            else (batch,) + tuple(self._built_input_shape[1:])  # a fixed batch size stays
        )
        del self.output_shapes[start:]
        for layer in self._stack[start:]:
            layer._ensure_built(shape)
            shape = layer.compute_output_shape(shape)
            self.output_shapes.append(shape)
        self._link_graph(start)

    def _link_graph(self, start: int) -> None:
        """Record the stack as a functional graph, as Keras does once the input shape is known:
        one node per layer on the previous layer's symbolic output. It gives ``model.inputs``,
        ``model.outputs`` and ``layer.output``, so that ``pf.Model(model.inputs,
        [layer.output for layer in model.layers])`` returns every layer's output."""
        for node in self._graph_nodes[start:]:
            node.layer.inbound_nodes.remove(node)
        del self._graph_nodes[start:]
        if start == 0:
            first = self._input_layer or InputLayer(
                tuple(self._built_input_shape[1:]), dtype=self.dtype
            )
            self._graph_input = first.output
        previous = self._graph_nodes[-1].outputs if self._graph_nodes else self._graph_input
        for layer, shape in zip(self._stack[start:], self.output_shapes[start:]):
            node = Node(layer, previous)
            node.outputs = map_structure(
                lambda s, n=node: SymbolicTensor(s, n.layer.dtype, n), shape, is_leaf=is_shape
            )
            layer.inbound_nodes.append(node)
            self._graph_nodes.append(node)
            previous = node.outputs

    @property
    def inputs(self):
        """The symbolic input, in a list (None until the input shape is known)."""
        return [self._graph_input] if self._graph_input is not None else None

    @property
    def outputs(self):
        """The last layer's symbolic output, in a list (None until the input shape is known)."""
        return [self._graph_nodes[-1].outputs] if self._graph_nodes else None

    def call(self, x, training=None, mask=None):
        for layer in self._stack:  # each layer gets the mask of its input (padding steps)
            masked = {"mask": mask} if mask is not None else {}
            x, mask = layer(x, training=training, **masked), layer.compute_mask(x, mask)
        return x

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        if not self.built:
            self._ensure_built(input_shape)
        shape = input_shape
        for layer in self._stack:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_config(self) -> dict:
        from ..layers.registry import serialize_layer

        config: dict[str, Any] = {
            "name": self.name,
            "layers": [serialize_layer(layer) for layer in self._stack],
        }
        shape = self._known_input_shape() or getattr(self, "_built_input_shape", None)
        if shape is not None:
            config["input_shape"] = list(shape[1:])
            if self._input_layer is not None and self._input_layer.batch_size is not None:
                config["batch_size"] = self._input_layer.batch_size  # e.g. for stateful RNNs
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from ..layers.registry import deserialize_layer

        model = cls(name=config.get("name"))
        if config.get("input_shape") is not None:
            model.add(InputLayer(tuple(config["input_shape"]), batch_size=config.get("batch_size")))
        for layer_config in config["layers"]:
            model.add(deserialize_layer(layer_config, custom_objects))
        return model


__all__ = ["Sequential"]
