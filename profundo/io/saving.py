"""Saving and loading models: one zip archive, JSON and safetensors inside, never pickle.

A ``.profundo`` file is a zip archive holding

    metadata.json           format name and version, profundo version
    config.json             the architecture: {"class_name": "Sequential", "config": {...}}
    compile.json            optimizer, losses, metrics and loss weights given to compile (if any)
    weights.safetensors     every weight by name ("dense/kernel", ...), in Keras' layouts
    optimizer.safetensors   the optimizer's state (moments, step count) for exact resumption
    training_state.json     extra data a caller asked to keep (BackupAndRestore: epoch, RNG state)

Loading reads only JSON and raw tensors: the classes named in config.json must already be defined
(profundo's own, or ``custom_objects``), so an untrusted file can never run code. Every reader
has limits (``MAX_...`` below): only regular files, each member's declared and actual size, the
depth of JSON, and the weights a config may create (no more than the weights file holds), each
refusal naming the file and the limit. Every write goes to a temporary file that replaces the
target only when complete.

>>> model.save("mnist.profundo")  # doctest: +SKIP
>>> model = pf.models.load_model("mnist.profundo")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import re
import stat
import warnings
import zipfile
from pathlib import Path

import numpy
from safetensors.numpy import save as st_save

from .. import backend as B
from .. import losses, optimizers
from .._version import __version__
from ..files import atomic_write, remove_stale_temps
from ..layers.base import WeightBudgetError, weight_budget
from ..layers.registry import deserialize_layer

FORMAT = "profundo-model"
VERSION = 1

# Limits of the readers: a small hostile file cannot take unbounded memory or time. Raise them
# (profundo.io.saving.MAX_...) for a model that needs more.
MAX_MEMBERS = 64  #: members of an archive
MAX_JSON_BYTES = 64 << 20  #: each JSON member
MAX_JSON_DEPTH = 100  #: nesting of lists and objects in a JSON member
MAX_TENSOR_BYTES = 64 << 30  #: each safetensors member or file
MAX_COMPRESSION_RATIO = 200  #: declared size / stored size of a compressed member


class ModelFileError(ValueError):
    """A model file that cannot be read: corrupted, truncated, or not matching the model."""


def weight_dict(model) -> dict:
    """The model's weights as ``{path: array}``, each keyed by its path in the layer tree
    (``layers/0/kernel``): the same for the same architecture in every session."""
    return {path: numpy.asarray(w.numpy(), order="C") for path, w in model.named_weights()}


def _legacy_names(model) -> list:
    """``[(name, weight)]`` as files written before weights had paths keyed them: the weight's
    name (``dense/kernel``, ``#2``... for repeats), trainable weights first."""
    named: list = []
    for w in model.trainable_weights + model.non_trainable_weights:
        base = w.name or "weight"
        key, k = base, 1
        while any(key == n for n, _ in named):
            k += 1
            key = f"{base}#{k}"
        named.append((key, w))
    return named


def _weights_bytes(model) -> bytes:
    """The weights as safetensors bytes; the header's metadata keeps the model's weight order."""
    weights = weight_dict(model)
    return st_save(weights, metadata={"order": json.dumps(list(weights)), "keys": "paths"})


def _optimizer_state(model) -> dict | None:
    opt = getattr(model, "optimizer", None)
    if opt is None or not opt.params:
        return None
    return {k: numpy.asarray(B.to_numpy(v), order="C") for k, v in opt.get_state().items()}


def _keras_kind(filepath) -> str | None:
    """The extension decides the format: "keras" (``.keras``), "weights" (``.weights.h5``),
    "h5" (another ``.h5``/``.hdf5``), or None (profundo's own)."""
    name = str(filepath).lower()
    if name.endswith(".keras"):
        return "keras"
    if name.endswith(".weights.h5"):
        return "weights"
    return "h5" if name.endswith((".h5", ".hdf5")) else None


def save_model(model, filepath, include_optimizer: bool = True, training_state=None) -> None:
    """Write ``model`` to ``filepath`` (atomically): Keras 3's archive for a ``.keras`` name,
    else a ``.profundo`` archive."""
    from ..layers.registry import serialize_layer

    kind = _keras_kind(filepath)
    if kind == "keras":
        from .keras_files import save_keras

        return save_keras(model, filepath)
    if kind is not None:
        raise ModelFileError(
            f"{filepath}: model.save writes '.profundo' or Keras' '.keras' files; "
            f"for weights in Keras' HDF5 layout use save_weights('….weights.h5')"
        )

    members: dict[str, str | bytes] = {
        "metadata.json": json.dumps(
            {"format": FORMAT, "version": VERSION, "profundo_version": __version__}
        ),
        "config.json": json.dumps(serialize_layer(model)),
        "weights.safetensors": _weights_bytes(model),
    }
    if getattr(model, "compiled", None) is not None:  # the optimizer as it is now (its rate may
        members["compile.json"] = json.dumps(  # have been changed by a callback)
            {**model.compiled.config, "optimizer": optimizers.serialize(model.optimizer)}
        )
    state = _optimizer_state(model) if include_optimizer else None
    if state is not None:
        members["optimizer.safetensors"] = st_save(state)
    if training_state is not None:
        members["training_state.json"] = json.dumps(training_state)
    with atomic_write(filepath) as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def save_weights(model, filepath) -> None:
    """Write only the weights: Keras 3's HDF5 layout for a ``.weights.h5`` name, else one
    safetensors file (readable by PyTorch's safetensors too)."""
    kind = _keras_kind(filepath)
    if kind == "weights":
        from .keras_files import save_keras_weights

        return save_keras_weights(model, filepath)
    if kind is not None:
        raise ModelFileError(f"{filepath}: Keras' weights files end in '.weights.h5'")
    with atomic_write(filepath) as f:
        f.write(_weights_bytes(model))


def _regular_file(path: Path, limit: int) -> int:
    """The size of ``path``, which must be a regular file of at most ``limit`` bytes (a FIFO
    would hang the reader, a device such as /dev/zero would never end)."""
    if not path.exists():
        raise FileNotFoundError(f"no model file at {path}")
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ModelFileError(
            f"{path}: not a regular file (a FIFO, device or folder); a model "
            f"file is read only from a regular file"
        )
    if info.st_size > limit:
        raise ModelFileError(
            f"{path}: {info.st_size} bytes, more than the limit of {limit} "
            f"(profundo.io.saving.MAX_TENSOR_BYTES)"
        )
    return info.st_size


def _json_depth(raw: bytes) -> int:
    """The deepest nesting of ``[`` and ``{`` in JSON text (strings skipped), without recursion."""
    text = re.sub(rb'"(?:[^"\\]|\\.)*"', b'""', raw)
    codes = numpy.frombuffer(text, dtype=numpy.uint8)
    steps = numpy.isin(codes, (ord("["), ord("{"))).astype(numpy.int64) - numpy.isin(
        codes, (ord("]"), ord("}"))
    )
    return int(numpy.cumsum(steps).max(initial=0))


class _Archive:
    """Reads the members of a model archive, turning every failure into a ``ModelFileError``;
    every member's declared and actual size is checked against the limits before it is read."""

    def __init__(self, filepath):
        self.path = Path(filepath)
        remove_stale_temps(self.path)  # what writers killed mid-save left beside it
        _regular_file(self.path, MAX_TENSOR_BYTES + MAX_MEMBERS * MAX_JSON_BYTES)
        try:
            self.zip = zipfile.ZipFile(self.path)
            self._check_sizes()
            bad = self.zip.testzip()
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as err:
            raise ModelFileError(
                f"{self.path}: not a readable .profundo archive — the file is "
                f"corrupted or truncated ({err})"
            ) from None
        if bad is not None:
            raise ModelFileError(f"{self.path}: member {bad} is corrupted (CRC check failed)")
        meta = self.json("metadata.json")
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            found = meta.get("format") if isinstance(meta, dict) else meta
            raise ModelFileError(f"{self.path}: not a profundo model archive (format {found!r})")
        version = meta.get("version", 0)
        if not isinstance(version, int) or version > VERSION:
            raise ModelFileError(
                f"{self.path}: written by a newer profundo (format version "
                f"{version!r}); upgrade profundo to read it"
            )

    @staticmethod
    def limit(name: str) -> int:
        return MAX_JSON_BYTES if name.endswith(".json") else MAX_TENSOR_BYTES

    def _check_sizes(self) -> None:
        members = self.zip.infolist()
        if len(members) > MAX_MEMBERS:
            raise ModelFileError(
                f"{self.path}: {len(members)} members, more than the limit of {MAX_MEMBERS}"
            )
        for info in members:
            if info.file_size > self.limit(info.filename):
                raise ModelFileError(
                    f"{self.path}: member {info.filename} declares "
                    f"{info.file_size} bytes, more than the limit of "
                    f"{self.limit(info.filename)}"
                )
            if (
                info.compress_type != zipfile.ZIP_STORED
                and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
            ):
                raise ModelFileError(
                    f"{self.path}: member {info.filename} would inflate "
                    f"{info.compress_size} bytes to {info.file_size}, more than "
                    f"{MAX_COMPRESSION_RATIO}x (a zip bomb?)"
                )

    def has(self, name) -> bool:
        return name in self.zip.namelist()

    def read(self, name) -> bytes:
        if not self.has(name):
            raise ModelFileError(f"{self.path}: the archive has no {name}")
        limit = self.limit(name)
        with self.zip.open(name) as member:  # never more than the limit, whatever it declares
            data = member.read(limit + 1)
        if len(data) > limit:
            raise ModelFileError(
                f"{self.path}: member {name} holds more than the limit of {limit} bytes"
            )
        return data

    def json(self, name):
        raw = self.read(name)
        if _json_depth(raw) > MAX_JSON_DEPTH:
            raise ModelFileError(
                f"{self.path}: {name} nests lists and objects deeper than the "
                f"limit of {MAX_JSON_DEPTH}"
            )
        try:
            return json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
            raise ModelFileError(f"{self.path}: {name} is not valid JSON ({err})") from None

    def tensors(self, name) -> dict:
        return _load_tensors(self.read(name), f"{self.path}: {name}")


_DTYPES = {
    "F64": "<f8",
    "F32": "<f4",
    "F16": "<f2",
    "I64": "<i8",
    "I32": "<i4",
    "I16": "<i2",
    "I8": "i1",
    "U64": "<u8",
    "U32": "<u4",
    "U16": "<u2",
    "U8": "u1",
    "BOOL": "?",
    "BF16": "<u2",
}  # bfloat16: the top half of a float32, widened on reading


def _load_tensors(raw: bytes, source) -> dict:
    """``{name: array}`` from safetensors bytes (8-byte header length, JSON header, data), in the
    saved weight order when it is recorded; every declared size and offset is checked against
    the bytes that are there before an array is made."""

    def bad(why):
        return ModelFileError(f"{source} is not a valid safetensors file ({why})")

    if len(raw) < 8:
        raise bad(f"{len(raw)} bytes")
    size = int.from_bytes(raw[:8], "little")
    if size > len(raw) - 8:
        raise bad(f"its header of {size} bytes is longer than the file")
    try:
        header = json.loads(raw[8 : 8 + size])
    except (ValueError, RecursionError) as err:
        raise bad(f"the header is not JSON: {err}") from None
    if not isinstance(header, dict):
        raise bad("the header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    data, tensors = memoryview(raw)[8 + size :], {}
    for name, entry in header.items():
        try:
            kind, shape, (begin, end) = entry["dtype"], tuple(entry["shape"]), entry["data_offsets"]
        except (KeyError, TypeError, ValueError):
            raise bad(f"tensor {name!r} lacks dtype, shape or data_offsets") from None
        if kind not in _DTYPES:
            raise bad(f"tensor {name!r} has dtype {kind!r}; readable: {', '.join(_DTYPES)}")
        if not all(
            type(n) is int and n >= 0 for n in (*shape, begin, end)
        ) or not begin <= end <= len(data):
            raise bad(
                f"tensor {name!r} has shape {shape} and offsets {begin}..{end} outside the "
                f"{len(data)} data bytes"
            )
        dtype = numpy.dtype(_DTYPES[kind])
        if end - begin != math.prod(shape) * dtype.itemsize:
            raise bad(f"tensor {name!r} of shape {shape} and dtype {kind} has {end - begin} bytes")
        array = numpy.frombuffer(data[begin:end], dtype=dtype).reshape(shape)
        if kind == "BF16":
            array = (array.astype("<u4") << 16).view("<f4")
        tensors[name] = array.copy()
    try:
        order = json.loads(metadata.get("order", "null")) if isinstance(metadata, dict) else None
    except ValueError:
        order = None
    if isinstance(order, list) and set(order) == set(tensors):
        tensors = {k: tensors[k] for k in order}
    keyed_by_path = isinstance(metadata, dict) and metadata.get("keys") == "paths"
    return _Tensors(tensors, keyed_by_path=keyed_by_path)


class _Tensors(dict):
    """``{key: array}`` read from a file, and whether the keys are paths (files written before
    paths keyed weights by the layers' names)."""

    def __init__(self, tensors, keyed_by_path: bool):
        super().__init__(tensors)
        self.keyed_by_path = keyed_by_path


def _weights_bytes_needed(tensors: dict) -> int:
    """What a model may allocate for these weights: each element at up to 8 bytes."""
    return sum(8 * int(a.size) for a in tensors.values()) + (1 << 20)


def _assign_weights(model, tensors: dict, source) -> None:
    """Copy ``tensors`` into the model's weights, checking shapes.

    By path (``layers/0/kernel``); a file written before paths, by the weights' names. When no
    key matches but the count does (an older file whose layers had other automatic names), by
    position in the saved order — said in a warning that names each pairing.
    """
    named = model.named_weights()
    if not getattr(tensors, "keyed_by_path", True) and not set(tensors) & {p for p, _ in named}:
        named = _legacy_names(model)
    expected = {key: w for key, w in named}
    if len(tensors) == len(expected) and not set(tensors) & set(expected):
        pairs = ", ".join(f"{old} → {new}" for old, new in zip(tensors, expected))
        warnings.warn(
            f"{source}: no weight name matches the model's, so the weights were matched "
            f"by position: {pairs}",
            UserWarning,
            stacklevel=3,
        )
        tensors = dict(zip(expected, tensors.values()))
    missing = [k for k in expected if k not in tensors]
    if missing:
        raise ModelFileError(
            f"{source}: missing weight(s) {', '.join(missing)} for model "
            f"{model.name!r} (the file has: {', '.join(tensors) or 'none'})"
        )
    unexpected = [k for k in tensors if k not in expected]
    if unexpected:
        raise ModelFileError(
            f"{source}: weight(s) {', '.join(unexpected)} do not belong to model {model.name!r}"
        )
    for key, w in expected.items():
        value = tensors[key]
        if value.shape != w.shape:
            raise ModelFileError(
                f"{source}: weight {key} has shape {value.shape} in the file but "
                f"{w.shape} in the model"
            )
        w.data[...] = B.xp.asarray(value, dtype=w.dtype)


def _restore_optimizer(model, archive) -> None:
    if model.optimizer is None or not archive.has("optimizer.safetensors"):
        return
    state = archive.tensors("optimizer.safetensors")
    model.optimizer.build(model.trainable_weights)
    try:
        model.optimizer.set_state({k: B.xp.asarray(v) for k, v in state.items()})
    except (KeyError, ValueError) as err:
        raise ModelFileError(
            f"{archive.path}: the optimizer state does not fit the model ({err})"
        ) from None


def load_model(filepath, custom_objects=None, compile: bool = True):
    """Rebuild the model saved at ``filepath``: architecture, weights, compile settings and
    optimizer state, so that predictions are identical and training resumes exactly. A ``.keras``
    file is read as Keras 3's archive (architecture and weights)."""
    if _keras_kind(filepath) == "keras":
        from .keras_files import load_keras

        return load_keras(filepath, custom_objects)
    archive = _Archive(filepath)
    tensors = archive.tensors("weights.safetensors")
    try:
        with weight_budget(_weights_bytes_needed(tensors)):
            model = deserialize_layer(archive.json("config.json"), custom_objects)
    except ModelFileError:
        raise
    except WeightBudgetError as err:
        raise ModelFileError(
            f"{archive.path}: config.json asks for more weights than "
            f"weights.safetensors holds ({err})"
        ) from None
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as err:
        raise ModelFileError(
            f"{archive.path}: config.json does not describe a model ({type(err).__name__}: {err})"
        ) from None
    if not model.built:
        raise ModelFileError(
            f"{archive.path}: the saved model has no input shape, so its weights "
            f"cannot be created; save a model that has been built or called"
        )
    _assign_weights(model, tensors, archive.path)
    if compile and archive.has("compile.json"):
        _compile_from(model, archive)
    return model


def _compile_from(model, archive) -> None:
    c = archive.json("compile.json")
    try:
        weighted = c.get("weighted_metrics")
        model.compile(
            optimizer=c["optimizer"],
            loss=[None if x is None else losses.get(x) for x in c["loss"]],
            metrics=c["metrics"] if len(c["metrics"]) > 1 else c["metrics"][0],
            loss_weights=c["loss_weights"],
            weighted_metrics=weighted if not weighted or len(weighted) > 1 else weighted[0],
        )
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as err:
        raise ModelFileError(
            f"{archive.path}: compile.json does not describe compile's "
            f"arguments ({type(err).__name__}: {err}); load with compile=False "
            f"to skip it"
        ) from None
    _restore_optimizer(model, archive)


def load_weights(model, filepath) -> None:
    """Read weights into ``model`` from a safetensors file or a ``.profundo`` archive, or from
    Keras' files (``.weights.h5``, ``.keras``, older ``.h5``)."""
    if _keras_kind(filepath) is not None:
        from .keras_weights import load_keras_weights

        return load_keras_weights(model, filepath)
    path = Path(filepath)
    _regular_file(path, MAX_TENSOR_BYTES)
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
