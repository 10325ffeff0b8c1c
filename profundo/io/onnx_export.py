"""ONNX export: a Sequential, functional or nested model as an ``.onnx`` file that opens in Netron
and runs in ONNX Runtime (``pip install 'profundo[onnx]'``).

>>> pf.io.export_onnx(model, "model.onnx")           # or model.export("model.onnx", format="onnx")
... # doctest: +SKIP
>>> import onnxruntime
>>> session = onnxruntime.InferenceSession("model.onnx")  # doctest: +SKIP
>>> session.run(None, {"input_layer": x})[0]   # = model.predict(x)
... # doctest: +SKIP

The graph follows the model's layers: each layer's converter (``onnx_layers``) writes the nodes
that compute its inference output. Inputs are float32 with a free batch size; they and the
outputs are named after the model's Input layers and output layers. A layer without an ONNX form
gets an error naming it.
"""

from __future__ import annotations

import json

from ..files import atomic_write
from ..layers.nest import flatten, map_structure
from . import onnx_attention  # noqa: F401  (registers the attention layers' converters)
from .onnx_layers import CALL_CONVERTERS, CONVERTERS, UnsupportedLayer

DEFAULT_OPSET = 17


class OnnxExportError(ValueError):
    """The model (one of its layers) cannot be written as ONNX."""


def _graph_of(model):
    """(symbolic inputs, symbolic outputs, nodes in running order) of a Sequential or functional
    model."""
    from ..models.model import Model

    inputs, outputs = getattr(model, "inputs", None), getattr(model, "outputs", None)
    if not inputs:
        raise OnnxExportError(
            f"export_onnx: {model.name} has no symbolic inputs: give a Sequential "
            f"an Input (or call it once on data); a subclassed model cannot be "
            f"exported, its call is Python code"
        )
    graph = model if getattr(model, "is_functional", False) else Model(inputs, outputs)
    return flatten(inputs), flatten(outputs), graph._nodes


def _convert(g, model, names: dict) -> None:
    """Write the nodes of ``model``'s graph; ``names`` maps each symbolic tensor (by id) to its
    ONNX name and already holds the inputs."""
    from ..models.model import Model

    for node in _graph_of(model)[2]:
        if node.inputs is None:
            continue
        layer = node.layer
        in_syms = flatten(node.inputs)
        in_names = [names[id(t)] for t in in_syms]
        if isinstance(layer, Model):  # a nested model: inline its graph
            inner_inputs, inner_outputs, _ = _graph_of(layer)
            inner = dict(zip((id(t) for t in inner_inputs), in_names))
            _convert(g, layer, inner)
            out_names = [inner[id(t)] for t in inner_outputs]
        else:
            if node.kwargs.get("mask") is not None:
                raise OnnxExportError(
                    f"export_onnx: layer {layer.name!r} is called with a mask, "
                    f"which is not exported"
                )
            convert = CONVERTERS.get(type(layer).__name__)
            if convert is None:
                raise OnnxExportError(
                    f"export_onnx: layer {layer.name!r} ({type(layer).__name__}) has no ONNX "
                    f"form; exportable layers: {', '.join(sorted(CONVERTERS))}"
                )
            try:
                if convert in CALL_CONVERTERS:
                    structured = map_structure(lambda t: names[id(t)], node.inputs)
                    shapes = map_structure(lambda t: t.shape, node.inputs)
                    out = convert(g, layer, structured, shapes, node.kwargs)
                else:
                    out = convert(g, layer, in_names, [t.shape for t in in_syms])
                out_names = flatten(out)
            except UnsupportedLayer as err:
                raise OnnxExportError(
                    f"export_onnx: layer {layer.name!r} "
                    f"({type(layer).__name__}): {err} cannot be exported"
                ) from None
        for sym, name in zip(flatten(node.outputs), out_names):
            names[id(sym)] = name


def to_onnx(model, opset: int = DEFAULT_OPSET):
    """The model as an ``onnx.ModelProto`` (checked by ``onnx.checker``)."""
    try:
        import onnx
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError(
            "ONNX export needs the onnx package: pip install 'profundo[onnx]'"
        ) from None
    from .onnx_graph import OnnxGraph

    if not 13 <= opset <= 21:
        raise ValueError(f"export_onnx: opset must be between 13 and 21, got {opset}")
    g = OnnxGraph(opset)
    inputs, outputs, _ = _graph_of(model)
    names = {}
    for sym in inputs:
        names[id(sym)] = g.name(sym.node.layer.name)
    _convert(g, model, names)
    graph_outputs = []
    for sym in outputs:
        name = g.op("Identity", [names[id(sym)]], f"{sym.node.layer.name}_output")
        graph_outputs.append((name, sym.shape))
    proto = g.model(
        [(names[id(t)], t.shape) for t in inputs],
        graph_outputs,
        model.name,
        metadata={
            "profundo_model": model.name,
            "inputs": json.dumps([t.node.layer.name for t in inputs]),
        },
    )
    onnx.checker.check_model(proto, full_check=True)
    return proto


def export_onnx(model, filepath, opset: int = DEFAULT_OPSET) -> None:
    """Write ``model`` as ONNX to ``filepath`` (atomically)."""
    proto = to_onnx(model, opset)
    with atomic_write(filepath) as f:
        f.write(proto.SerializeToString())


__all__ = ["export_onnx", "to_onnx", "OnnxExportError", "DEFAULT_OPSET"]
