"""``load_keras_weights``: the weights of a Keras model file into a profundo model of the same
shape — Keras 3's ``.weights.h5`` and ``.keras`` files, and the older HDF5 weight files that
``keras.applications`` (VGG16...) publish. Needs h5py (``pip install 'profundo[keras-io]'``).

profundo's layers keep Keras' weight layouts, so the arrays go in unchanged; what has to be found
is which array belongs to which layer:

- Keras 3 files name a layer's group after its class, counted within its parent
  (``layers/dense``, ``layers/dense_1``, ``layers/sequential/layers/conv2d``; an RNN's arrays sit
  in its ``cell``), so the model's layers, walked in order, name the groups they read;
- older files list ``layer_names`` and each layer's ``weight_names``: read by layer name
  (``by_name=True``, e.g. VGG16's ``block1_conv1``) or by position among the model's top-level
  layers with weights (a nested model's weights are stored together, as one layer's).

Every shape is checked before any weight is set: a mismatch names the layer, the Keras array and
both shapes, and leaves the model as it was. Files are read as data only (HDF5 datasets).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy

from ..layers.base import snake_case
from .saving import MAX_TENSOR_BYTES, _regular_file
from .torch_weights import WeightMismatchError


def _h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError(
            "reading Keras weight files needs h5py: pip install 'profundo[keras-io]'"
        ) from None
    return h5py


def _sublayers(layer) -> list:
    return list(layer.layers) if hasattr(layer, "layers") else []


def _group_name(layer) -> str:
    if getattr(layer, "is_functional", False) and type(layer).__name__ == "Model":
        return "functional"
    return snake_case(type(layer).__name__)


def _vars(group) -> list:
    """A Keras 3 layer group's arrays: ``vars/0, 1, ...``,
    then those of its inner objects (cell)."""
    out = []
    if "vars" in group:
        out += [numpy.asarray(group["vars"][str(i)]) for i in range(len(group["vars"]))]
    for key in sorted(group):
        if key not in ("vars", "layers") and hasattr(group[key], "keys"):
            out += _vars(group[key])
    return out


def _pair_keras3(layer, group, where, pairs) -> None:
    subs = _sublayers(layer)
    if subs:
        used: dict = {}
        for sub in subs:
            base = _group_name(sub)
            n = used[base] = used.get(base, -1) + 1
            name = base if n == 0 else f"{base}_{n}"
            inner = group["layers"][name] if "layers" in group and name in group["layers"] else None
            if inner is None:
                if sub.weights:
                    raise WeightMismatchError(
                        f"load_keras_weights: no group {where}/layers/{name} "
                        f"for layer {sub.name!r} ({type(sub).__name__})"
                    )
                continue
            _pair_keras3(sub, inner, f"{where}/layers/{name}", pairs)
    elif layer.weights:
        pairs.append((layer, _vars(group), where))


def _pair_legacy(model, f, by_name, pairs) -> None:
    def names(attrs, key):
        return [n.decode() if isinstance(n, bytes) else str(n) for n in attrs.get(key, [])]

    stored = [
        (n, [numpy.asarray(f[n][w]) for w in names(f[n].attrs, "weight_names")])
        for n in names(f.attrs, "layer_names")
    ]
    stored = [(n, arrays) for n, arrays in stored if arrays]
    # these files keep a nested model's weights together, under the nested model's name
    targets = [layer for layer in (_sublayers(model) or [model]) if layer.weights]
    if by_name:
        found = dict(stored)
        pairs += [
            (layer, found[layer.name], layer.name)
            for layer in _leaves(model)
            if layer.name in found
        ]
        return
    if len(stored) != len(targets):
        raise WeightMismatchError(
            f"load_keras_weights: the file has {len(stored)} layers with weights "
            f"({', '.join(n for n, _ in stored)}), {model.name} has {len(targets)} "
            f"({', '.join(layer.name for layer in targets)}); try by_name=True"
        )
    pairs += [(layer, arrays, n) for layer, (n, arrays) in zip(targets, stored)]


def _leaves(layer) -> list:
    subs = _sublayers(layer)
    return (
        [leaf for sub in subs for leaf in _leaves(sub)]
        if subs
        else ([layer] if layer.weights else [])
    )


def load_keras_weights(model, filepath, by_name: bool = False) -> None:
    """Set ``model``'s weights from a Keras ``.weights.h5``/``.keras`` file or an older HDF5
    weights file (``by_name`` matches the older files' layer names)."""
    h5py, path = _h5py(), Path(filepath)
    _regular_file(path, MAX_TENSOR_BYTES)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            if "model.weights.h5" not in archive.namelist():
                raise WeightMismatchError(
                    f"{path}: a zip without model.weights.h5: not a .keras file"
                )
            source: io.BytesIO | Path = io.BytesIO(archive.read("model.weights.h5"))
    else:
        source = path
    pairs: list = []
    with h5py.File(source, "r") as f:
        if "layer_names" in f.attrs:
            _pair_legacy(model, f, by_name, pairs)
        elif "layers" in f:
            _pair_keras3(model, f, "", pairs)
        else:
            raise WeightMismatchError(
                f"{path}: neither a Keras 3 weights file (no 'layers' group) "
                f"nor an older one (no 'layer_names')"
            )
    for layer, arrays, where in pairs:
        own = layer.weights
        if len(arrays) != len(own):
            raise WeightMismatchError(
                f"load_keras_weights: {where or 'the file'} holds {len(arrays)} "
                f"arrays, layer {layer.name!r} ({type(layer).__name__}) has "
                f"{len(own)} weights"
            )
        for w, a in zip(own, arrays):
            if tuple(a.shape) != tuple(w.shape):
                raise WeightMismatchError(
                    f"load_keras_weights: {where} → {w.name}: the layer needs "
                    f"shape {tuple(w.shape)}, the file has {tuple(a.shape)}"
                )
    for layer, arrays, _ in pairs:  # all checked first: nothing half-loaded
        layer.set_weights(arrays)
