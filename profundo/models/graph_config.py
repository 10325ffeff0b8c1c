"""A functional model's graph as JSON-serializable data, and the model rebuilt from it.

    {"name": "model",
     "layers": [{"class_name": "InputLayer", "config": {...}}, {"class_name": "Dense", ...}, ...],
     "nodes":  [{"layer": "dense", "inputs": {"layer": "input_layer", "node": 0, "tensor": 0},
                 "kwargs": {}}, ...],                       # in the order they run
     "input_layers":  [{"layer": "input_layer", "node": 0, "tensor": 0}],
     "output_layers": [{"layer": "dense_1", "node": 0, "tensor": 0}]}

A reference ``{"layer", "node", "tensor"}`` names the ``tensor``-th output of the ``node``-th call
(within this model) of a layer.
"""

from __future__ import annotations

from ..layers.core import InputLayer
from ..layers.nest import flatten, map_structure
from ..layers.registry import deserialize_layer, serialize_layer


def _is_ref(x) -> bool:
    return isinstance(x, dict) and set(x) == {"layer", "node", "tensor"}


def functional_config(model) -> dict:
    calls: dict[int, int] = {}  # layer id → calls seen so far in this model
    refs: dict[int, dict] = {}  # symbolic tensor id → its reference
    nodes = []
    for node in model._nodes:
        index = calls.get(id(node.layer), 0)
        calls[id(node.layer)] = index + 1
        for k, t in enumerate(flatten(node.outputs)):
            refs[id(t)] = {"layer": node.layer.name, "node": index, "tensor": k}
        if node.inputs is not None:
            nodes.append(
                {
                    "layer": node.layer.name,
                    "inputs": map_structure(lambda t: refs[id(t)], node.inputs),
                    "kwargs": node.kwargs,
                }
            )
    return {
        "name": model.name,
        "layers": [serialize_layer(layer) for layer in model.layers],
        "nodes": nodes,
        "input_layers": map_structure(lambda t: refs[id(t)], model._inputs),
        "output_layers": map_structure(lambda t: refs[id(t)], model._outputs),
    }


def functional_from_config(cls, config: dict, custom_objects=None):
    layers = {}
    outputs: dict[tuple, list] = {}  # (layer name, node index) → flat outputs
    for layer_config in config["layers"]:
        layer = deserialize_layer(layer_config, custom_objects)
        layers[layer.name] = layer
        if isinstance(layer, InputLayer):
            outputs[(layer.name, 0)] = [layer.output]

    def resolve(ref):
        return outputs[(ref["layer"], ref["node"])][ref["tensor"]]

    calls: dict[str, int] = {}
    for node in config["nodes"]:
        name = node["layer"]
        args = map_structure(resolve, node["inputs"], is_leaf=_is_ref)
        out = layers[name](args, **node.get("kwargs", {}))
        index = calls.get(name, 1 if isinstance(layers[name], InputLayer) else 0)
        calls[name] = index + 1
        outputs[(name, index)] = flatten(out)
    return cls(
        map_structure(resolve, config["input_layers"], is_leaf=_is_ref),
        map_structure(resolve, config["output_layers"], is_leaf=_is_ref),
        name=config["name"],
    )
