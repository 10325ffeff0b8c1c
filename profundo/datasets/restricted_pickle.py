"""Read pickled dicts of bytes, lists and NumPy arrays (CIFAR-10's batches) without running code.

Why not ``pickle.load``: unpickling is running a small program. Its GLOBAL / STACK_GLOBAL opcodes
turn any importable name (``os.system``, ``builtins.eval``) into an object, and REDUCE calls it
with arguments from the file, so a tampered download could run anything. A hash check protects
the real CIFAR-10 archive, but a reader of pickles should be safe on its own.

How this reader is safe: it is a ``pickle.Unpickler`` whose ``find_class`` — the one place where
the pickle machine turns a name into a Python object — knows a handful of names and answers each
with a checking function of this module, never with the real object:

- ``numpy.core.multiarray._reconstruct`` (``numpy._core...`` in NumPy 2) with ``numpy.ndarray``:
  an empty ``_ArrayBuilder``; its contents come in the following BUILD as
  ``(version, shape, dtype, fortran_order, raw_bytes)``, which ``__setstate__`` checks (the
  byte count must match the shape) before making the array with ``numpy.frombuffer``;
- ``numpy.core.numeric._frombuffer`` (protocol 5): the same checks on ``(bytes, dtype, shape,
  order)``, the bytes in the pickle itself (out-of-band buffers are refused);
- ``numpy.dtype``: plain numeric types only (bool, integers, floats, as ``u1``, ``<f8`` ...),
  never the object dtype, whose elements would be arbitrary Python objects;
- ``_codecs.encode``: only ``(text, "latin1")``, the way Python 3 writes ``bytes`` in
  protocol-2 pickles (Python 2's own pickles, like CIFAR-10's, store bytes directly).

Any other name raises ``UnpicklingError`` before anything is called. The remaining opcodes
only build plain containers and scalars; making an instance of a class needs the class, which
only ``find_class`` could hand out, and persistent ids are refused by the base ``Unpickler``.
So the data can reach no code but the checks below. Python 2 strings are read as ``bytes``
(``encoding="bytes"``), which keeps CIFAR-10's keys as ``b"data"`` and ``b"labels"``.
"""

from __future__ import annotations

import io
import math
import pickle
import pickletools
import re

import numpy as np

MAX_DEPTH = 100  #: deepest nesting of containers accepted
MAX_ITEMS = 10_000_000  #: items of all containers together
_NUMERIC_DTYPE = re.compile(r"[<>|=]?(b1|[iu][1248]|f[248])")


def loads(data: bytes):
    """The plain object pickled in ``data``, with NumPy arrays for the arrays in it.

    Whatever is wrong with the data — a refused name, a limit, or bytes that are not a pickle
    (truncated, an unknown opcode or protocol, a length beyond the data) — is an
    ``UnpicklingError`` that says what."""
    try:
        _walk_opcodes(data)
        obj = _RestrictedUnpickler(io.BytesIO(data), encoding="bytes").load()
    except pickle.UnpicklingError:
        raise
    except Exception as err:  # noqa: BLE001 - the pickle machine on bad bytes
        raise pickle.UnpicklingError(
            f"not a readable pickle ({type(err).__name__}: {err})"
        ) from None
    return _Finisher()(obj)


def _walk_opcodes(data: bytes) -> None:
    """Read every opcode and its argument without running any (``pickletools``): a length that the
    data does not hold fails here, before the unpickler would allocate what it declares."""
    for _ in pickletools.genops(data):
        pass


def _refuse(why: str):
    raise pickle.UnpicklingError(f"refused: {why}")


class _ArrayBuilder:
    """An array being unpickled: empty until its state (shape, dtype, raw bytes) arrives."""

    def __init__(self):
        self.array = None

    def __setstate__(self, state):
        if not (isinstance(state, tuple) and len(state) == 5 and state[0] == 1):
            _refuse("an array state that is not (1, shape, dtype, fortran_order, bytes)")
        _, shape, dtype, fortran, raw = state
        if not (isinstance(shape, tuple) and all(type(n) is int and n >= 0 for n in shape)):
            _refuse(f"an array shape that is not a tuple of sizes: {shape!r}")
        if not isinstance(dtype, _DtypeBuilder) or not isinstance(raw, bytes):
            _refuse("an array without a numeric dtype and raw bytes")
        size = math.prod(shape) * dtype.dtype.itemsize
        if len(raw) != size:
            _refuse(
                f"an array of shape {shape} and dtype {dtype.dtype} with {len(raw)} bytes "
                f"instead of {size}"
            )
        order = "F" if fortran else "C"
        self.array = np.frombuffer(raw, dtype=dtype.dtype).reshape(shape, order=order).copy()


class _DtypeBuilder:
    """A plain numeric dtype being unpickled; its state may set the byte order."""

    def __init__(self, code):
        if isinstance(code, bytes):
            code = code.decode("ascii", "replace")
        if not isinstance(code, str) or not _NUMERIC_DTYPE.fullmatch(code):
            _refuse(f"dtype {code!r}: only bool, integer and float dtypes are read")
        self.dtype = np.dtype(code)

    def __setstate__(self, state):
        if not (
            isinstance(state, tuple) and len(state) >= 4 and state[2] is None and state[3] is None
        ):
            _refuse("a dtype state with fields (only plain numeric dtypes are read)")
        order = state[1].decode("ascii", "replace") if isinstance(state[1], bytes) else state[1]
        if order not in ("<", ">", "|", "="):
            _refuse(f"byte order {order!r}")
        if order in "<>":
            self.dtype = self.dtype.newbyteorder(order)


class _Allowed:
    """What ``find_class`` hands out: a checking function, or the ``ndarray`` token when empty.

    Its ``__setstate__`` refuses, so a BUILD opcode cannot alter it (a plain function's
    attributes, such as its defaults, could be set).
    """

    __slots__ = ("_fn",)

    def __init__(self, fn=None):
        self._fn = fn

    def __call__(self, *args):
        if self._fn is None:
            _refuse("calling numpy.ndarray")
        return self._fn(*args)

    def __setstate__(self, state):
        _refuse("a BUILD on a constructor")


_NDARRAY = _Allowed()  # what ``numpy.ndarray`` stands for: a token, not the class


def _reconstruct(cls, shape, typecode):
    if cls is not _NDARRAY:
        _refuse("_reconstruct of anything but numpy.ndarray")
    return _ArrayBuilder()


def _dtype(code, align=False, copy=False):
    return _DtypeBuilder(code)


def _frombuffer(buffer, dtype, shape, order):
    """NumPy's protocol-5 form of an array: its bytes in-band, then dtype, shape and order."""
    if not isinstance(buffer, (bytes, bytearray)):
        _refuse("_frombuffer without the array's bytes in the pickle")
    builder = _ArrayBuilder()
    builder.__setstate__((1, shape, dtype, order == "F", bytes(buffer)))
    return builder


def _latin1(text, encoding):
    if not isinstance(text, str) or encoding != "latin1":
        _refuse("_codecs.encode other than (text, 'latin1')")
    return text.encode("latin1")


_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _Allowed(_reconstruct),
    ("numpy._core.multiarray", "_reconstruct"): _Allowed(_reconstruct),
    ("numpy.core.numeric", "_frombuffer"): _Allowed(_frombuffer),
    ("numpy._core.numeric", "_frombuffer"): _Allowed(_frombuffer),
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): _Allowed(_dtype),
    ("_codecs", "encode"): _Allowed(_latin1),
}


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            _refuse(
                f"the pickle names {module}.{name}; only NumPy arrays of numbers, bytes, "
                f"lists and dicts are read"
            )


class _Finisher:
    """Replaces every builder by what it built, walking each container once.

    An object the pickle refers to many times (its memo: ``a = [x, x]; b = [a, a]; ...``) stays
    one shared object, as ``pickle.load`` leaves it, so a few hundred bytes cannot expand into an
    exponential tree; the items of all containers together are capped at ``MAX_ITEMS``."""

    def __init__(self):
        self.done: dict[int, object] = {}
        self.keep = []  # the originals, so that their ids stay unique while we walk
        self.items = 0

    def count(self, n: int) -> None:
        self.items += n
        if self.items > MAX_ITEMS:
            _refuse(f"more than {MAX_ITEMS} items in all its containers")

    def __call__(self, obj, depth: int = 0):
        if depth > MAX_DEPTH:
            _refuse(f"containers nested more than {MAX_DEPTH} deep")
        if isinstance(obj, _ArrayBuilder):
            if obj.array is None:
                _refuse("an array whose contents never came")
            return obj.array
        if isinstance(obj, _DtypeBuilder):
            return obj.dtype
        if not isinstance(obj, (dict, list, tuple, set, frozenset)):
            return obj
        if id(obj) in self.done:
            return self.done[id(obj)]
        self.keep.append(obj)
        self.count(len(obj))
        out: list | dict | tuple | set | frozenset
        if isinstance(obj, list):  # memoised before its items: it may contain itself
            out = self.done[id(obj)] = []
            out.extend(self(v, depth + 1) for v in obj)
        elif isinstance(obj, dict):
            out = self.done[id(obj)] = {}
            out.update((self(k, depth + 1), self(v, depth + 1)) for k, v in obj.items())
        else:
            items = [self(v, depth + 1) for v in obj]
            try:
                out = type(obj)(items)
            except TypeError:  # an array in a set: unhashable
                _refuse(f"a {type(obj).__name__} holding an array")
            self.done[id(obj)] = out
        return out
