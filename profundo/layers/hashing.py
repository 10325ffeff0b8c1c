"""The ``Hashing`` layer (Keras' name and results): values → one of ``num_bins`` bins by a hash,
no vocabulary needed.

Every value is hashed as text (integers as their decimal digits; floats first cut to integers,
as Keras does): without a salt by FarmHash's ``Fingerprint64`` (the ``pyfarmhash`` package: pip
install 'profundo[keras-io]'), with a salt by **SipHash-2-4** keyed by it (Aumasson & Bernstein,
2012; written out below, it is short) — the two hashes TensorFlow's ``to_hash_bucket_fast`` and
``to_hash_bucket_strong`` use, so the bins equal Keras'. bin = hash mod num_bins; with a
``mask_value``, that value gets bin 0 and the others hash mod (num_bins − 1), plus 1.

>>> layers.Hashing(num_bins=3, salt=133)([["A"], ["B"], ["C"], ["D"], ["E"]]).numpy().ravel()
array([0, 0, 2, 1, 0])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy

from .. import backend as B
from ..autograd import Tensor
from .base import Layer
from .keras_extras import CategoryEncoding

__all__ = ["Hashing", "siphash24"]

_MASK64 = (1 << 64) - 1


def _rotl(x: int, bits: int) -> int:
    return ((x << bits) | (x >> (64 - bits))) & _MASK64


def siphash24(key: Sequence[int], data: bytes) -> int:
    """SipHash-2-4 of ``data`` with the 128-bit key (k0, k1): 2 rounds per 8-byte word, 4 at the
    end. (The paper's test vector: key bytes 0…15, message bytes 0…14 → 0xa129ca6149be45e5.)"""
    k0, k1 = (k & _MASK64 for k in key)
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D, k0 ^ 0x6C7967656E657261]
    v.append(k1 ^ 0x7465646279746573)

    def sip_round():
        v[0] = (v[0] + v[1]) & _MASK64
        v[1] = _rotl(v[1], 13) ^ v[0]
        v[0] = _rotl(v[0], 32)
        v[2] = (v[2] + v[3]) & _MASK64
        v[3] = _rotl(v[3], 16) ^ v[2]
        v[0] = (v[0] + v[3]) & _MASK64
        v[3] = _rotl(v[3], 21) ^ v[0]
        v[2] = (v[2] + v[1]) & _MASK64
        v[1] = _rotl(v[1], 17) ^ v[2]
        v[2] = _rotl(v[2], 32)

    whole = len(data) - len(data) % 8
    last = ((len(data) & 0xFF) << 56) | int.from_bytes(data[whole:], "little")
    for word in [int.from_bytes(data[i : i + 8], "little") for i in range(0, whole, 8)] + [last]:
        v[3] ^= word
        sip_round()
        sip_round()
        v[0] ^= word
    v[2] ^= 0xFF
    for _ in range(4):
        sip_round()
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def _fingerprint64(data: bytes) -> int:
    try:
        import farmhash
    except ImportError:
        raise ImportError(
            "Hashing without a salt uses FarmHash's Fingerprint64, as Keras does: "
            "pip install 'profundo[keras-io]' (the pyfarmhash package), or give salt=…"
        ) from None
    return farmhash.fingerprint64(data)


def _as_text(value) -> bytes:
    """A value as the bytes Keras hashes: text as UTF-8, numbers as decimal integers."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    return str(int(value)).encode()


class Hashing(Layer):
    """Values (strings or integers, any shape) → bins 0 … num_bins − 1 (see the module
    docstring). ``salt``: an int or a pair of ints (SipHash's key). ``output_mode``: "int" (the
    bins, int64), or "one_hot" / "multi_hot" / "count" (as CategoryEncoding, num_bins wide)."""

    def __init__(
        self,
        num_bins: int,
        mask_value: Any = None,
        salt: int | Sequence[int] | None = None,
        output_mode: str = "int",
        **kwargs,
    ):
        kwargs.pop("sparse", None)
        super().__init__(**kwargs)
        if not isinstance(num_bins, int) or isinstance(num_bins, bool) or num_bins < 1:
            raise self.error(f"num_bins must be a positive int, got {num_bins!r}")
        if output_mode not in ("int", "one_hot", "multi_hot", "count"):
            raise self.error(
                f"output_mode must be 'int', 'one_hot', 'multi_hot' or 'count', got {output_mode!r}"
            )
        if salt is not None and not (
            isinstance(salt, int) or (isinstance(salt, (list, tuple)) and len(salt) == 2)
        ):
            raise self.error(f"salt must be an int or a pair of ints, got {salt!r}")
        self.num_bins, self.mask_value, self.output_mode = num_bins, mask_value, output_mode
        self.salt = (
            None if salt is None else ([salt, salt] if isinstance(salt, int) else list(salt))
        )

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, (list, tuple)):  # nested lists of values, as Keras takes them
            inputs = numpy.asarray(inputs)
        return super().__call__(inputs, *args, **kwargs)

    def _bin(self, value) -> int:
        if self.mask_value is not None and value == self.mask_value:
            return 0
        text = _as_text(value)
        digest = _fingerprint64(text) if self.salt is None else siphash24(self.salt, text)
        if self.mask_value is not None and self.num_bins > 1:
            return digest % (self.num_bins - 1) + 1
        return digest % self.num_bins

    def call(self, inputs: Any) -> Tensor:
        values = numpy.asarray(inputs.numpy() if isinstance(inputs, Tensor) else inputs)
        if values.dtype.kind == "f":
            values = values.astype("int64")
        bins = numpy.vectorize(self._bin, otypes=["int64"])(values) if values.size else values
        bins = numpy.asarray(bins, dtype="int64")
        if self.output_mode == "int":
            return Tensor._wrap(B.xp.asarray(bins))
        return CategoryEncoding(self.num_bins, self.output_mode)(bins)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return input_shape
        return (input_shape[0], self.num_bins)

    def get_config(self):
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "mask_value": self.mask_value,
            "salt": self.salt,
            "output_mode": self.output_mode,
        }
