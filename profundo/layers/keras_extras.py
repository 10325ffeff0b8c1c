"""Layers Keras programs use that the families above do not hold: ``Lambda``, ``Identity``,
``ActivityRegularization``, ``GaussianDropout``, ``AlphaDropout``, ``CategoryEncoding`` and
``Discretization``, and Keras' long names (``Convolution2D`` ...).

``Lambda`` saves its function by name: loading finds it only among functions registered with
``pf.saving.register_keras_serializable`` or given in ``custom_objects`` — never code from the file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy

from .. import backend as B
from .. import ops
from .. import regularizers as regularizers_mod
from ..autograd import Tensor
from ..autograd.types import TensorLike
from ..serialization import active_custom_objects
from .base import Layer
from .input_spec import InputSpec


class Lambda(Layer):
    """``function(inputs, **arguments)`` as a layer (no weights)."""

    def __init__(
        self,
        function: Callable[..., Any],
        output_shape: Any = None,
        mask: Any = None,
        arguments: dict[str, Any] | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if isinstance(function, str):
            found = active_custom_objects().get(function)
            if found is None:
                raise self.error(
                    f"the function {function!r} is not registered: decorate it with "
                    f"@pf.saving.register_keras_serializable() or pass "
                    f"custom_objects={{{function!r}: {function.split('>')[-1]}}}"
                )
            function = found
        if not callable(function):
            raise self.error(f"expected a function, got {type(function).__name__}", TypeError)
        self.function, self.arguments = function, dict(arguments or {})
        self.output_shape_hint = None if output_shape is None else tuple(output_shape)

    def call(self, inputs: Any) -> Any:
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape):
        if self.output_shape_hint is not None:
            return (
                input_shape[0] if isinstance(input_shape, tuple) else None,
            ) + self.output_shape_hint
        return super().compute_output_shape(input_shape)

    def get_config(self):
        name = getattr(self.function, "_registered_name", None) or self.function.__name__
        if name == "<lambda>":
            raise self.error(
                "a lambda cannot be saved: name the function (def ...) and register "
                "it with @pf.saving.register_keras_serializable()"
            )
        config = {**super().get_config(), "function": name, "arguments": self.arguments}
        if self.output_shape_hint is not None:
            config["output_shape"] = list(self.output_shape_hint)
        return config


class Identity(Layer):
    """Returns its input unchanged."""

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


class ActivityRegularization(Layer):
    """Returns its input and adds (l1·Σ|x| + l2·Σx²) / batch size to the loss: a layer whose
    ``activity_regularizer`` is ``L1L2(l1, l2)``, as in Keras."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)  # it is l1 and l2
        super().__init__(activity_regularizer=regularizers_mod.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = float(l1), float(l2)

    def call(self, inputs: Tensor) -> Tensor:
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {**super().get_config(), "l1": self.l1, "l2": self.l2}
        del config["activity_regularizer"]
        return config


def _generator(seed):
    return B.rng() if seed is None else B.xp.random.default_rng(seed)


class GaussianDropout(Layer):
    """While training, x · n with n ~ N(1, rate/(1 − rate)) per entry; in inference the identity."""

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise self.error(f"rate must be in [0, 1), got {rate!r}")
        self.rate, self.seed, self._rng = float(rate), seed, _generator(seed)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        if not training or self.rate == 0:
            return inputs
        std = math.sqrt(self.rate / (1 - self.rate))
        noise = self._rng.normal(1.0, std, inputs.shape).astype(inputs.dtype)
        return inputs * Tensor._wrap(noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class AlphaDropout(Layer):
    """Dropout that keeps SELU's mean and variance: dropped entries become α' = −λα, then
    a·x + b with a = ((1 − p)(1 + p α'²))^(−1/2), b = −a α' p (Klambauer et al., 2017)."""

    _ALPHA_PRIME = -1.7580993408473766  # −λα of SELU

    def __init__(
        self,
        rate: float,
        noise_shape: tuple[int | None, ...] | None = None,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise self.error(f"rate must be in [0, 1), got {rate!r}")
        self.rate, self.noise_shape, self.seed = float(rate), noise_shape, seed
        self._rng = _generator(seed)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        if not training or self.rate == 0:
            return inputs
        p, alpha = self.rate, self._ALPHA_PRIME
        shape = (
            inputs.shape
            if self.noise_shape is None
            else tuple(
                n if n is not None else inputs.shape[i] for i, n in enumerate(self.noise_shape)
            )
        )
        keep = (self._rng.random(shape) >= p).astype(inputs.dtype)
        a = ((1 - p) * (1 + p * alpha**2)) ** -0.5
        b = -a * alpha * p
        kept = Tensor._wrap(keep)
        return (inputs * kept + alpha * (1 - kept)) * a + b

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "rate": self.rate,
            "noise_shape": self.noise_shape,
            "seed": self.seed,
        }


class CategoryEncoding(Layer):
    """Integer ids (batch,) or (batch, k) → (batch, num_tokens): "one_hot" (one id per sample),
    "multi_hot" (1 for every id a sample holds) or "count" (how often)."""

    #: ids (batch,) or (batch, k), as Keras (which refuses more axes)
    input_spec = InputSpec(
        min_ndim=1, max_ndim=2, dtype="number", name="ids", layout="(batch,) or (batch, k)"
    )

    def __init__(
        self, num_tokens: int, output_mode: str = "multi_hot", sparse: bool = False, **kwargs
    ):
        super().__init__(**kwargs)
        if output_mode not in ("one_hot", "multi_hot", "count"):
            raise self.error(
                f"output_mode must be 'one_hot', 'multi_hot' or 'count', got {output_mode!r}"
            )
        self.num_tokens, self.output_mode = int(num_tokens), output_mode

    def call(self, inputs: Tensor) -> Tensor:
        ids = numpy.asarray(inputs.numpy()).astype("int64")
        if ids.size and (ids.min() < 0 or ids.max() >= self.num_tokens):
            raise self.error(
                f"expected ids in [0, {self.num_tokens}), got values from {ids.min()} to "
                f"{ids.max()}"
            )
        if self.output_mode == "one_hot":
            if ids.ndim == 2 and ids.shape[1] == 1:
                ids = ids[:, 0]
            return ops.one_hot(ids, self.num_tokens)
        rows = ids.reshape(len(ids), -1)
        counts = numpy.zeros((len(rows), self.num_tokens), B.default_dtype)
        numpy.add.at(counts, (numpy.arange(len(rows))[:, None], rows), 1)
        return Tensor(counts if self.output_mode == "count" else numpy.minimum(counts, 1))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_tokens)

    def get_config(self):
        return {
            **super().get_config(),
            "num_tokens": self.num_tokens,
            "output_mode": self.output_mode,
        }


class Discretization(Layer):
    """Values → the index of their bin: i where boundaries[i−1] ≤ x < boundaries[i]. The
    boundaries are given, or ``adapt`` sets ``num_bins`` − 1 quantiles of the data."""

    def __init__(
        self,
        bin_boundaries: Sequence[float] | None = None,
        num_bins: int | None = None,
        epsilon: float = 0.01,
        output_mode: str = "int",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if bin_boundaries is None and num_bins is None:
            raise self.error("give bin_boundaries, or num_bins and then adapt(data)")
        if output_mode != "int":
            raise self.error(f"output_mode {output_mode!r} is not implemented; only 'int'")
        self.bin_boundaries = None if bin_boundaries is None else [float(b) for b in bin_boundaries]
        self.num_bins, self.epsilon = num_bins, epsilon

    def adapt(self, data) -> None:
        if self.num_bins is None:
            raise self.error("adapt needs num_bins (how many bins to fit), got bin_boundaries only")
        values = numpy.concatenate(
            [numpy.asarray(b).reshape(-1) for b in ([data] if hasattr(data, "shape") else data)]
        )
        quantiles = numpy.linspace(0, 1, self.num_bins + 1)[1:-1]
        self.bin_boundaries = numpy.quantile(values, quantiles).tolist()

    def call(self, inputs: TensorLike) -> Tensor:
        if self.bin_boundaries is None:
            raise self.error("no bin boundaries yet: call adapt(data) first")
        x = inputs.numpy() if isinstance(inputs, Tensor) else numpy.asarray(inputs)
        return Tensor._wrap(B.xp.asarray(numpy.digitize(x, self.bin_boundaries).astype("int64")))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
        }


class _Lookup(Layer):
    """Tokens → integer ids by a vocabulary (Keras' StringLookup/IntegerLookup): ids are the mask
    token (0, when there is one), then ``num_oov_indices`` ids for unknown tokens, then the
    vocabulary — given, or made by ``adapt`` (most frequent first, ties in order of first
    appearance, at most ``max_tokens`` ids in all). ``output_mode`` "one_hot", "multi_hot" or
    "count" encodes the ids; ``invert=True`` maps ids back to tokens."""

    kind: type[str] | type[int]  # str or int: set by each lookup

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: Any = None,
        oov_token: Any = None,
        vocabulary: Any = None,
        output_mode: str = "int",
        invert: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if output_mode not in ("int", "one_hot", "multi_hot", "count"):
            raise self.error(
                f"output_mode must be 'int', 'one_hot', 'multi_hot' or 'count', got {output_mode!r}"
            )
        self.max_tokens, self.num_oov_indices = max_tokens, int(num_oov_indices)
        self.mask_token, self.oov_token = mask_token, oov_token
        self.output_mode, self.invert = output_mode, invert
        self.vocabulary: list[Any] | None = None
        if vocabulary is not None:
            self.set_vocabulary(vocabulary)

    def _specials(self) -> list:
        return ([] if self.mask_token is None else [self.mask_token]) + [
            self.oov_token
        ] * self.num_oov_indices

    def set_vocabulary(self, vocabulary) -> None:
        self.vocabulary = [self.kind(t) for t in vocabulary]
        self._index = {t: i + len(self._specials()) for i, t in enumerate(self.vocabulary)}

    def get_vocabulary(self) -> list:
        return self._specials() + list(self.vocabulary or [])

    def vocabulary_size(self) -> int:
        return len(self.get_vocabulary())

    def adapt(self, data) -> None:
        counts: dict = {}
        for batch in [data] if hasattr(data, "shape") or isinstance(data, list) else data:
            for token in numpy.asarray(
                batch.numpy() if isinstance(batch, Tensor) else batch
            ).reshape(-1):
                token = self.kind(token)
                if token != self.mask_token:
                    counts[token] = counts.get(token, 0) + 1
        ranked = sorted(counts, key=lambda t: -counts[t])  # stable: ties keep first seen
        keep = None if self.max_tokens is None else self.max_tokens - len(self._specials())
        self.set_vocabulary(ranked[:keep])

    def call(self, inputs: Tensor) -> Tensor:
        if self.vocabulary is None:
            raise self.error("no vocabulary yet: give vocabulary= or call adapt(data) first")
        values = numpy.asarray(inputs.numpy() if isinstance(inputs, Tensor) else inputs)
        if self.invert:
            table = numpy.asarray(self.get_vocabulary(), dtype=object)
            ids = values.astype("int64")
            if ids.size and (ids.min() < 0 or ids.max() >= len(table)):
                raise self.error(
                    f"expected ids in [0, {len(table)}) to invert, got values from {ids.min()} "
                    f"to {ids.max()}"
                )
            return table[values.astype("int64")].astype(str if self.kind is str else "int64")
        first_oov = 0 if self.mask_token is None else 1

        def index(token):
            token = self.kind(token)
            if self.mask_token is not None and token == self.mask_token:
                return 0
            return self._index.get(token, first_oov if self.num_oov_indices else -1)

        ids = (
            numpy.vectorize(index, otypes=["int64"])(values)
            if values.size
            else values.astype("int64")
        )
        if self.output_mode == "int":
            return Tensor._wrap(B.xp.asarray(ids))
        encode = CategoryEncoding(self.vocabulary_size(), self.output_mode)
        return encode(ids)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int" or self.invert:
            return input_shape
        return (input_shape[0], self.vocabulary_size())

    def get_config(self):
        return {
            **super().get_config(),
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "mask_token": self.mask_token,
            "oov_token": self.oov_token,
            "vocabulary": self.vocabulary,
            "output_mode": self.output_mode,
            "invert": self.invert,
        }


class StringLookup(_Lookup):
    """Strings → ids (unknown ones: "[UNK]" at id 1 after the mask, or 0 without one)."""

    kind = str

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: str | None = None,
        oov_token: str = "[UNK]",
        vocabulary: Sequence[str] | str | None = None,
        output_mode: str = "int",
        invert: bool = False,
        **kwargs,
    ):
        super().__init__(
            max_tokens,
            num_oov_indices,
            mask_token,
            oov_token,
            vocabulary,
            output_mode,
            invert,
            **kwargs,
        )


class IntegerLookup(_Lookup):
    """Integers → ids (unknown ones: the OOV id, token −1)."""

    kind = int

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: int | None = None,
        oov_token: int = -1,
        vocabulary: Sequence[int] | str | None = None,
        output_mode: str = "int",
        invert: bool = False,
        **kwargs,
    ):
        super().__init__(
            max_tokens,
            num_oov_indices,
            mask_token,
            oov_token,
            vocabulary,
            output_mode,
            invert,
            **kwargs,
        )


__all__ = [
    "Lambda",
    "Identity",
    "ActivityRegularization",
    "GaussianDropout",
    "AlphaDropout",
    "CategoryEncoding",
    "Discretization",
    "StringLookup",
    "IntegerLookup",
]
