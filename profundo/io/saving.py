"""Saving and loading models: one zip archive, JSON and safetensors inside, never pickle.

A ``.profundo`` file is a zip archive holding

    metadata.json           format name and version, profundo version
    config.json             the architecture: {"class_name": "Sequential", "config": {...}}
    compile.json            optimizer, losses, metrics and loss weights given to compile (if any)
    weights.safetensors     every weight by name ("dense/kernel", ...), in Keras' layouts
    optimizer.safetensors   the optimizer's state (moments, step count) for exact resumption
    training_state.json     extra data a caller asked to keep (BackupAndRestore: epoch, RNG state)

Loading reads only JSON and raw tensors: the classes named in config.json must already be defined
(profundo's own, or ``custom_objects``), so an untrusted file can never run code. Every write goes
to a temporary file that replaces the target only when complete.

>>> model.save("mnist.profundo")
>>> model = pf.models.load_model("mnist.profundo")
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy
from safetensors import SafetensorError
from safetensors.numpy import load as st_load
from safetensors.numpy import save as st_save

from .._version import __version__
from .. import backend as B
from .. import losses, optimizers
from ..files import atomic_write, remove_stale_temps
from ..layers.registry import deserialize_layer

FORMAT = "profundo-model"
VERSION = 1


class ModelFileError(ValueError):
    """A model file that cannot be read: corrupted, truncated, or not matching the model."""


def weight_dict(model) -> dict:
    """The model's weights as ``{name: array}``; repeated names get ``#2``, ``#3``... suffixes."""
    out = {}
    for w in model.weights:
        name = w.name or "weight"
        key, k = name, 1
        while key in out:
            k += 1
            key = f"{name}#{k}"
        out[key] = numpy.asarray(w.numpy(), order="C")
    return out


def _weights_bytes(model) -> bytes:
    """The weights as safetensors bytes; the header's metadata keeps the model's weight order."""
    weights = weight_dict(model)
    return st_save(weights, metadata={"order": json.dumps(list(weights))})


def _weight_order(raw: bytes) -> list | None:
    """The weight order stored in a safetensors header (8-byte length, then JSON), if any."""
    try:
        size = int.from_bytes(raw[:8], "little")
        header = json.loads(raw[8:8 + size])
        return json.loads(header["__metadata__"]["order"])
    except (ValueError, KeyError, TypeError):
        return None


def _optimizer_state(model) -> dict | None:
    opt = getattr(model, "optimizer", None)
    if opt is None or not opt.params:
        return None
    return {k: numpy.asarray(B.to_numpy(v), order="C") for k, v in opt.get_state().items()}


def save_model(model, filepath, include_optimizer: bool = True, training_state=None) -> None:
    """Write ``model`` to ``filepath`` as a ``.profundo`` archive (atomically)."""
    from ..layers.registry import serialize_layer

    members = {
        "metadata.json": json.dumps({"format": FORMAT, "version": VERSION,
                                     "profundo_version": __version__}),
        "config.json": json.dumps(serialize_layer(model)),
        "weights.safetensors": _weights_bytes(model),
    }
    if getattr(model, "compiled", None) is not None:   # the optimizer as it is now (its rate may
        members["compile.json"] = json.dumps(                # have been changed by a callback)
            {**model.compiled.config, "optimizer": optimizers.serialize(model.optimizer)})
    state = _optimizer_state(model) if include_optimizer else None
    if state is not None:
        members["optimizer.safetensors"] = st_save(state)
    if training_state is not None:
        members["training_state.json"] = json.dumps(training_state)
    with atomic_write(filepath) as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def save_weights(model, filepath) -> None:
    """Write only the weights, as one safetensors file (readable by PyTorch's safetensors too)."""
    with atomic_write(filepath) as f:
        f.write(_weights_bytes(model))


class _Archive:
    """Reads the members of a model archive, turning every failure into a ``ModelFileError``."""

    def __init__(self, filepath):
        self.path = Path(filepath)
        remove_stale_temps(self.path)          # what writers killed mid-save left beside it
        if not self.path.exists():
            raise FileNotFoundError(f"no model file at {self.path}")
        try:
            self.zip = zipfile.ZipFile(self.path)
            bad = self.zip.testzip()
        except (zipfile.BadZipFile, OSError, EOFError) as err:
            raise ModelFileError(f"{self.path}: not a readable .profundo archive — the file is "
                                 f"corrupted or truncated ({err})") from None
        if bad is not None:
            raise ModelFileError(f"{self.path}: member {bad} is corrupted (CRC check failed)")
        meta = self.json("metadata.json")
        if meta.get("format") != FORMAT:
            raise ModelFileError(f"{self.path}: not a profundo model archive (format {meta.get('format')!r})")
        if meta.get("version", 0) > VERSION:
            raise ModelFileError(f"{self.path}: written by a newer profundo (format version "
                                 f"{meta['version']}); upgrade profundo to read it")

    def has(self, name) -> bool:
        return name in self.zip.namelist()

    def read(self, name) -> bytes:
        if not self.has(name):
            raise ModelFileError(f"{self.path}: the archive has no {name}")
        return self.zip.read(name)

    def json(self, name):
        try:
            return json.loads(self.read(name))
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise ModelFileError(f"{self.path}: {name} is not valid JSON ({err})") from None

    def tensors(self, name) -> dict:
        return _load_tensors(self.read(name), f"{self.path}: {name}")


def _load_tensors(raw: bytes, source) -> dict:
    """``{name: array}`` from safetensors bytes, in the saved weight order when it is recorded."""
    try:
        tensors = st_load(raw)
    except (SafetensorError, ValueError) as err:
        raise ModelFileError(f"{source} is not a valid safetensors file ({err})") from None
    order = _weight_order(raw)
    if order and set(order) == set(tensors):
        tensors = {k: tensors[k] for k in order}
    return tensors


def _assign_weights(model, tensors: dict, source) -> None:
    """Copy ``tensors`` into the model's weights, checking shapes.

    By name — or, when no name matches (the same architecture built again in one session gets
    new automatic layer names: dense_3 instead of dense), by position, in the saved order.
    """
    expected = weight_dict(model)
    if len(tensors) == len(expected) and not set(tensors) & set(expected):
        tensors = dict(zip(expected, tensors.values()))
    missing = [k for k in expected if k not in tensors]
    if missing:
        raise ModelFileError(f"{source}: missing weight(s) {', '.join(missing)} for model "
                             f"{model.name!r} (the file has: {', '.join(tensors) or 'none'})")
    unexpected = [k for k in tensors if k not in expected]
    if unexpected:
        raise ModelFileError(f"{source}: weight(s) {', '.join(unexpected)} do not belong to model "
                             f"{model.name!r}")
    for w, key in zip(model.weights, expected):
        value = tensors[key]
        if value.shape != w.shape:
            raise ModelFileError(f"{source}: weight {key} has shape {value.shape} in the file but "
                                 f"{w.shape} in the model")
        w.data[...] = B.xp.asarray(value, dtype=w.dtype)


def _restore_optimizer(model, archive) -> None:
    if model.optimizer is None or not archive.has("optimizer.safetensors"):
        return
    state = archive.tensors("optimizer.safetensors")
    model.optimizer.build(model.trainable_weights)
    try:
        model.optimizer.set_state({k: B.xp.asarray(v) for k, v in state.items()})
    except (KeyError, ValueError) as err:
        raise ModelFileError(f"{archive.path}: the optimizer state does not fit the model ({err})") from None


def load_model(filepath, custom_objects=None, compile: bool = True):  # noqa: A002 - Keras' name
    """Rebuild the model saved at ``filepath``: architecture, weights, compile settings and
    optimizer state, so that predictions are identical and training resumes exactly."""
    archive = _Archive(filepath)
    try:
        model = deserialize_layer(archive.json("config.json"), custom_objects)
    except (KeyError, TypeError, ValueError) as err:
        if isinstance(err, ModelFileError):
            raise
        raise ModelFileError(f"{archive.path}: config.json does not describe a model ({err})") from None
    if not model.built:
        raise ModelFileError(f"{archive.path}: the saved model has no input shape, so its weights "
                             f"cannot be created; save a model that has been built or called")
    _assign_weights(model, archive.tensors("weights.safetensors"), archive.path)
    if compile and archive.has("compile.json"):
        c = archive.json("compile.json")
        model.compile(optimizer=c["optimizer"], loss=[losses.get(x) for x in c["loss"]] or None,
                      metrics=c["metrics"] if len(c["metrics"]) > 1 else c["metrics"][0],
                      loss_weights=c["loss_weights"])
        _restore_optimizer(model, archive)
    return model


def load_weights(model, filepath) -> None:
    """Read weights into ``model`` from a safetensors file or a ``.profundo`` archive."""
    path = Path(filepath)
    if zipfile.is_zipfile(path):
        _assign_weights(model, _Archive(path).tensors("weights.safetensors"), path)
        return
    _assign_weights(model, _load_tensors(path.read_bytes(), path), path)


def load_state(model, filepath) -> dict:
    """Weights and optimizer state from an archive into ``model``; returns its training_state."""
    archive = _Archive(filepath)
    _assign_weights(model, archive.tensors("weights.safetensors"), archive.path)
    _restore_optimizer(model, archive)
    return archive.json("training_state.json") if archive.has("training_state.json") else {}
