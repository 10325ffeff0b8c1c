"""Keras 3's own files, written and read by profundo: ``.weights.h5`` (the weights, HDF5) and
``.keras`` (a zip of Keras' ``config.json``, ``metadata.json`` and ``model.weights.h5``), so that
a model trained in profundo loads in Keras and the other way round. Needs h5py (the ``keras-io``
extra). The file name decides the format: ``model.save("m.keras")`` writes Keras' archive,
``"m.profundo"`` profundo's own.

Weights: each layer's arrays go to ``layers/<class name, counted within its parent>/vars/<i>``
(an RNN's in its ``cell``; a Bidirectional's in ``forward_layer/cell`` and ``backward_layer/cell``),
in the order Keras keeps them — the layout ``load_keras_weights`` reads.

Config: each layer's profundo config, whose arguments already carry Keras' names, wrapped as Keras
writes it (``module``, ``class_name``, ``config``, ``build_config``; functional models with
``inbound_nodes`` and ``keras_history``). Reading keeps, of a Keras layer's config, the arguments
profundo's layer takes (Keras-only settings such as ``quantization_config`` are dropped), and only
profundo's registered layer classes (or ``custom_objects``) are built: no code runs from a file.
"""

from __future__ import annotations

import datetime
import inspect
import io
import json
import zipfile
from pathlib import Path

import numpy

from ..files import atomic_write
from ..layers.base import Layer
from ..layers.core import InputLayer
from ..layers.nest import flatten, map_structure
from ..layers.registry import get_registered_object
from .keras_weights import _group_name, _h5py, _sublayers, load_keras_weights
from .saving import MAX_TENSOR_BYTES, ModelFileError, _regular_file

#: where Keras keeps the arrays of layers that hold inner objects, relative to the layer's group
_INNER = {
    "SimpleRNN": ("cell",),
    "LSTM": ("cell",),
    "GRU": ("cell",),
    "Bidirectional": ("forward_layer/cell", "backward_layer/cell"),
}


# --- weights -----------------------------------------------------------------------------------
def _write_layer(layer, group) -> None:
    group.create_group("vars")
    subs = _sublayers(layer)
    if subs:
        used: dict = {}
        container = group.create_group("layers")
        for sub in subs:
            base = _group_name(sub)
            n = used[base] = used.get(base, -1) + 1
            _write_layer(sub, container.create_group(base if n == 0 else f"{base}_{n}"))
        return
    arrays = layer.get_weights()
    inner = _INNER.get(type(layer).__name__)
    if inner is None:
        parts = [(group["vars"], arrays)]
    else:
        share = len(arrays) // len(inner)
        parts = []
        for k, path in enumerate(inner):
            sub = group.require_group(path)
            for g in [group[p] for p in _prefixes(path)]:
                g.require_group("vars")
            parts.append((sub["vars"], arrays[k * share : (k + 1) * share]))
    for target, values in parts:
        for i, value in enumerate(values):
            target.create_dataset(str(i), data=numpy.asarray(value))


def _prefixes(path: str) -> list:
    pieces = path.split("/")
    return ["/".join(pieces[: i + 1]) for i in range(len(pieces))]


def _weights_h5_bytes(model) -> bytes:
    h5py = _h5py()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        _write_layer(model, f)
    return buffer.getvalue()


def save_keras_weights(model, filepath) -> None:
    """Write ``model``'s weights as Keras 3's ``.weights.h5`` (atomically)."""
    data = _weights_h5_bytes(model)
    with atomic_write(filepath) as f:
        f.write(data)


# --- config: profundo → Keras --------------------------------------------------------------------
def _policy(dtype) -> dict:
    return {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": dtype},
        "registered_name": None,
    }


def _keras_value(value):
    if isinstance(value, dict) and "class_name" in value and "config" in value:
        return {
            "module": None,
            "class_name": value["class_name"],
            "config": {k: _keras_value(v) for k, v in value["config"].items()},
            "registered_name": None,
        }
    if isinstance(value, tuple):
        return list(value)
    return value


def _layer_entry(layer, input_shape=None) -> dict:
    config = {k: _keras_value(v) for k, v in layer.get_config().items() if k != "input_shape"}
    config["dtype"] = _policy(layer.dtype)
    entry = {
        "module": "keras.layers",
        "class_name": type(layer).__name__,
        "config": config,
        "registered_name": None,
    }
    if input_shape is not None:
        entry["build_config"] = {"input_shape": list(input_shape)}
    return entry


def _input_entry(shape, dtype, name) -> dict:
    return {
        "module": "keras.layers",
        "class_name": "InputLayer",
        "config": {
            "batch_shape": [None, *shape],
            "dtype": dtype,
            "sparse": False,
            "ragged": False,
            "name": name,
        },
        "registered_name": None,
    }


def _history(tensor) -> dict:
    node = tensor.node
    index = node.layer.inbound_nodes.index(node)
    position = next(i for i, t in enumerate(flatten(node.outputs)) if t is tensor)
    return {
        "class_name": "__keras_tensor__",
        "config": {
            "shape": list(tensor.shape),
            "dtype": tensor.dtype,
            "keras_history": [node.layer.name, index, position],
        },
    }


def _keras_config(model) -> dict:
    kind = type(model).__name__
    if kind == "Sequential":
        layers = [_input_entry(model.input_shape[1:], model.dtype, "input_layer")]
        shapes = [model.input_shape] + model.output_shapes[:-1]
        layers += [_layer_entry(layer, shape) for layer, shape in zip(model.layers, shapes)]
        return {
            "module": "keras",
            "class_name": "Sequential",
            "registered_name": None,
            "config": {
                "name": model.name,
                "trainable": model.trainable,
                "dtype": _policy(model.dtype),
                "layers": layers,
            },
            "build_config": {"input_shape": list(model.input_shape)},
        }
    if not getattr(model, "is_functional", False):
        raise ModelFileError(
            f"{model.name}: a .keras file holds a Sequential or functional model; "
            f"save a subclassed model with save_weights(...'.weights.h5')"
        )
    entries, seen = [], set()
    for node in model._nodes:
        layer = node.layer
        if id(layer) not in seen:
            seen.add(id(layer))
            if isinstance(layer, InputLayer):
                entry = _input_entry(layer.shape, layer.dtype, layer.name)
            else:
                shapes = map_structure(lambda t: t.shape, node.inputs)
                entry = _layer_entry(
                    layer, shapes[0] if node.kwargs.get("_positional_inputs") else shapes
                )
            entry.update(name=layer.name, inbound_nodes=[])
            entries.append(entry)
        if node.inputs is not None:
            entry = next(e for e in entries if e["name"] == layer.name)
            args = map_structure(_history, node.inputs)
            kwargs = {k: v for k, v in node.kwargs.items() if k != "_positional_inputs"}
            entry["inbound_nodes"].append(
                {
                    "args": args if node.kwargs.get("_positional_inputs") else [args],
                    "kwargs": kwargs,
                }
            )

    def ends(tensors):
        return [_history(t)["config"]["keras_history"] for t in flatten(tensors)]

    return {
        "module": "keras.src.models.functional",
        "class_name": "Functional",
        "registered_name": "Functional",
        "config": {
            "name": model.name,
            "trainable": model.trainable,
            "layers": entries,
            "input_layers": ends(model._inputs),
            "output_layers": ends(model._outputs),
        },
    }


def save_keras(model, filepath) -> None:
    """Write ``model`` as Keras 3's ``.keras`` archive (atomically)."""
    members: dict[str, str | bytes] = {
        "metadata.json": json.dumps(
            {
                "keras_version": "3",
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
                "saved_by": "profundo",
            }
        ),
        "config.json": json.dumps(_keras_config(model)),
        "model.weights.h5": _weights_h5_bytes(model),
    }
    with atomic_write(filepath) as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


# --- config: Keras → profundo --------------------------------------------------------------------
def _our_value(value):
    if isinstance(value, dict) and "class_name" in value:
        if value["class_name"] == "DTypePolicy":
            return value["config"]["name"]
        config = {k: _our_value(v) for k, v in (value.get("config") or {}).items() if v is not None}
        return (
            {"class_name": value["class_name"], "config": config} if config else value["class_name"]
        )
    return value


def _arguments(cls) -> set:
    """The keyword arguments ``cls`` takes, following ``**kwargs`` up to the base classes."""
    names = set()
    for klass in cls.__mro__:
        if "__init__" not in vars(klass):
            continue
        params = inspect.signature(klass.__init__).parameters.values()
        names |= {p.name for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            break
    return names - {"self"}


def _build_layer(entry, custom_objects) -> Layer:
    name = entry.get("class_name")
    cls = get_registered_object(name, custom_objects) if isinstance(name, str) else None
    if cls is None or not (isinstance(cls, type) and issubclass(cls, Layer)):
        raise ModelFileError(
            f".keras: layer class {name!r} is not one of profundo's layers (nor in custom_objects)"
        )
    accepted = _arguments(cls) | {"name", "trainable", "dtype"}
    config = {k: _our_value(v) for k, v in entry.get("config", {}).items() if k in accepted}
    return cls.from_config(config)


def _input(entry):
    from ..layers import Input

    config = entry["config"]
    shape = config.get("batch_shape") or [None, *config.get("batch_input_shape", [None])[1:]]
    return Input(tuple(shape[1:]), name=config.get("name"))


def _from_keras_config(config, custom_objects):
    from ..models import Model, Sequential

    kind, body = config.get("class_name"), config.get("config", {})
    if kind == "Sequential":
        entries = body.get("layers", [])
        start = [_input(entries[0])] if entries and entries[0]["class_name"] == "InputLayer" else []
        rest = entries[1:] if start else entries
        return Sequential(
            start + [_build_layer(e, custom_objects) for e in rest], name=body.get("name")
        )
    if kind not in ("Functional", "Model"):
        raise ModelFileError(
            f".keras: a {kind!r} model; profundo reads Sequential and functional ones"
        )
    outputs: dict = {}

    def tensor(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            name, node, index = value["config"]["keras_history"]
            return flatten(outputs[(name, node)])[index]
        if isinstance(value, list):
            return [tensor(v) for v in value]
        if isinstance(value, dict):  # a layer called on a dict of tensors
            return {k: tensor(v) for k, v in value.items()}
        return value

    for entry in body.get("layers", []):
        name = entry.get("name") or entry["config"]["name"]
        if entry["class_name"] == "InputLayer":
            outputs[(name, 0)] = _input(entry)
            continue
        layer = _build_layer(entry, custom_objects)
        for k, node in enumerate(entry.get("inbound_nodes", [])):
            args = [tensor(a) for a in node.get("args", [])]
            kwargs = {key: tensor(v) for key, v in node.get("kwargs", {}).items()}
            outputs[(name, k)] = layer(*args, **kwargs)

    def ends(refs):
        if refs and not isinstance(refs[0], list):
            refs = [refs]
        found = [flatten(outputs[(n, k)])[i] for n, k, i in refs]
        return found[0] if len(found) == 1 else found

    return Model(ends(body["input_layers"]), ends(body["output_layers"]), name=body.get("name"))


def load_keras(filepath, custom_objects=None):
    """A profundo model from Keras 3's ``.keras`` archive: its architecture and weights."""
    path = Path(filepath)
    _regular_file(path, MAX_TENSOR_BYTES)
    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise ModelFileError(f"{path}: not a Keras .keras archive ({err})") from None
    try:
        model = _from_keras_config(config, custom_objects)
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise ModelFileError(
            f"{path}: config.json does not describe a model profundo can build "
            f"({type(err).__name__}: {err})"
        ) from None
    load_keras_weights(model, path)
    return model


__all__ = ["save_keras", "save_keras_weights", "load_keras"]
