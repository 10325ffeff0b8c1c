"""Read PyTorch weight files — ``.pt``/``.pth`` written by ``torch.save(model.state_dict())``, and
``.safetensors`` — into ``{name: numpy array}``, without PyTorch and without running code.

A ``.pt`` file is a zip archive: ``<name>/data.pkl``, a pickle of the dict, and one member
``<name>/data/<key>`` of raw bytes per storage (the numbers under one or more tensors). Unpickling
is running a small program whose GLOBAL opcodes name any importable object, so ``pickle.load`` —
and ``torch.load`` without ``weights_only`` — would run whatever a tampered file asks. This reader's
``find_class`` answers only the few names a state dict uses, each with a checking function of this
module, never with the named object:

- ``collections.OrderedDict``: an empty dict (its metadata state is ignored);
- ``torch.FloatStorage`` and the other storage types: a token that gives the dtype;
- ``torch._utils._rebuild_tensor_v2`` / ``_rebuild_parameter``: an array from a storage, an
  offset, a size and strides — checked to lie inside the storage — copied out.

A storage is read (persistent id ``('storage', type, key, location, numel)``) from its member,
which must be stored uncompressed with exactly ``numel`` elements, so nothing read can be larger
than the file; the tensors copied out of the storages may together be at most ``COPY_FACTOR``
times the file (a pickle could name one storage many times). Anything else — a pickled
``nn.Module``, a function — is refused with its name.
"""

from __future__ import annotations

import io
import math
import pickle
import zipfile
from pathlib import Path

import numpy

from .saving import MAX_TENSOR_BYTES, ModelFileError, _load_tensors, _regular_file

_STORAGES = {
    "FloatStorage": "<f4",
    "DoubleStorage": "<f8",
    "HalfStorage": "<f2",
    "BFloat16Storage": "<u2",
    "LongStorage": "<i8",
    "IntStorage": "<i4",
    "ShortStorage": "<i2",
    "CharStorage": "i1",
    "ByteStorage": "u1",
    "BoolStorage": "?",
}


COPY_FACTOR = 4  #: the tensors read may hold this many times the file's bytes (plus 64 MiB)


class TorchFileError(ModelFileError):
    """A PyTorch weight file that cannot be read safely or does not hold what it says."""


def read_torch_file(path) -> dict:
    """``{name: array}`` from a ``.safetensors`` file or a zip ``.pt``/``.pth`` file."""
    path = Path(path)
    size = _regular_file(path, MAX_TENSOR_BYTES)
    with open(path, "rb") as f:
        head = f.read(4)
    if head[:2] == b"PK":
        return _read_zip(path, COPY_FACTOR * size + (64 << 20))
    if path.suffix == ".safetensors" or size >= 8:
        try:
            return _load_tensors(path.read_bytes(), path)
        except ModelFileError as err:
            if path.suffix == ".safetensors":
                raise
            raise TorchFileError(
                f"{path}: neither a zip .pt file (torch.save since PyTorch 1.6) "
                f"nor a safetensors file; a legacy .pt file: load it in PyTorch "
                f"and save it again ({err})"
            ) from None
    raise TorchFileError(f"{path}: {size} bytes, not a weight file")


class _Storage:
    def __init__(self, array):
        self.array = array


class _StorageType:
    def __init__(self, name):
        self.name, self.dtype = name, numpy.dtype(_STORAGES[name])


class _StateDict(dict):
    """What ``OrderedDict`` stands for; the ``_metadata`` that PyTorch attaches is ignored."""

    def __setstate__(self, state):
        pass


def _refuse(path, why):
    raise TorchFileError(f"{path}: refused: {why}")


def _read_zip(path, budget: int) -> dict:
    with zipfile.ZipFile(path) as archive:
        infos = {i.filename: i for i in archive.infolist()}
        pickles = [n for n in infos if n.endswith("/data.pkl") and n.count("/") == 1]
        if len(pickles) != 1:
            raise TorchFileError(
                f"{path}: a zip without one <name>/data.pkl: not a torch.save file"
            )
        prefix = pickles[0][: -len("data.pkl")]
        byteorder = (
            archive.read(prefix + "byteorder").decode()
            if prefix + "byteorder" in infos
            else "little"
        )
        if byteorder != "little":
            _refuse(path, f"byte order {byteorder!r}")
        storages, copied = {}, [0]

        def storage(pid):
            if not (
                isinstance(pid, tuple)
                and len(pid) == 5
                and pid[0] == "storage"
                and isinstance(pid[1], _StorageType)
                and isinstance(pid[2], str)
                and type(pid[4]) is int
                and pid[4] >= 0
            ):
                _refuse(path, f"a persistent id that is not a storage: {pid!r}"[:200])
            _, kind, key, _, numel = pid
            if key not in storages:
                info = infos.get(f"{prefix}data/{key}")
                if info is None or info.compress_type != zipfile.ZIP_STORED:
                    _refuse(path, f"storage {key!r} is missing or compressed")
                if info.file_size != numel * kind.dtype.itemsize:
                    _refuse(
                        path,
                        f"storage {key!r} has {info.file_size} bytes for {numel} "
                        f"elements of {kind.name}",
                    )
                array = numpy.frombuffer(archive.read(info), dtype=kind.dtype)
                if kind.name == "BFloat16Storage":
                    array = (array.astype("<u4") << 16).view("<f4")
                storages[key] = _Storage(array)
            return storages[key]

        def rebuild_tensor(source, offset, size, stride, *rest):
            if not isinstance(source, _Storage):
                _refuse(path, "a tensor without a storage")
            ints = (
                (offset, *size, *stride)
                if isinstance(size, tuple) and isinstance(stride, tuple)
                else (None,)
            )
            if not all(type(n) is int and n >= 0 for n in ints) or len(size) != len(stride):
                _refuse(path, f"a tensor of size {size!r}, stride {stride!r}, offset {offset!r}")
            data = source.array
            last = (
                offset + sum((n - 1) * s for n, s in zip(size, stride))
                if math.prod(size)
                else offset - 1
            )
            if last >= len(data) or offset > len(data):
                _refuse(
                    path,
                    f"a tensor of size {size} and stride {stride} at offset {offset} "
                    f"beyond its storage of {len(data)} elements",
                )
            item = data.itemsize
            copied[0] += math.prod(size) * item
            if copied[0] > budget:
                _refuse(path, f"its tensors would take more than {budget} bytes")
            view = numpy.lib.stride_tricks.as_strided(
                data[offset:], shape=size, strides=tuple(s * item for s in stride)
            )
            return numpy.array(view)

        def rebuild_parameter(data, *rest):
            if not isinstance(data, numpy.ndarray):
                _refuse(path, "a parameter without a tensor")
            return data

        allowed = {
            ("collections", "OrderedDict"): lambda *a: (
                _StateDict() if not a else _refuse(path, "OrderedDict with arguments")
            ),
            ("torch._utils", "_rebuild_tensor_v2"): rebuild_tensor,
            ("torch._utils", "_rebuild_parameter"): rebuild_parameter,
            **{("torch", name): _StorageType(name) for name in _STORAGES},
        }

        class Unpickler(pickle.Unpickler):
            def find_class(self, module, name):
                if (module, name) not in allowed:
                    _refuse(
                        path,
                        f"the pickle names {module}.{name}; only state dicts of tensors "
                        f"are read (save model.state_dict(), not the model)",
                    )
                return allowed[(module, name)]

            def persistent_load(self, pid):
                return storage(pid)

        try:
            state = Unpickler(io.BytesIO(archive.read(pickles[0]))).load()
        except TorchFileError:
            raise
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as err:
            raise TorchFileError(f"{path}: the pickle cannot be read ({err})") from None
    return state
