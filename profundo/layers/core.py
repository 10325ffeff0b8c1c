"""Core layers: Input, Dense, Activation, Flatten, Reshape, Dropout.

>>> model_input = layers.Input((20,))
>>> h = layers.Dense(64, activation="relu")(model_input)      # h = relu(x W + b)
>>> layers.Dense(3)(np.ones((2, 5))).shape                    # eager call
(2, 3)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from numpy.typing import DTypeLike

from .. import activations, constraints, ops, random
from ..autograd import Tensor
from .base import Layer, serialize
from .input_spec import InputSpec
from .symbolic import Node, SymbolicTensor
from .types import ActivationLike, ConstraintLike, InitializerLike, RegularizerLike


class InputLayer(Layer):
    """The entry of a functional model: holds the input's shape (batch dimension excluded)."""

    def __init__(
        self,
        shape: int | Sequence[int | None] | None = None,
        batch_size: int | None = None,
        dtype: DTypeLike | None = None,
        name: str | None = None,
        **kwargs,
    ):
        if shape is None and "batch_shape" in kwargs:
            batch_shape = tuple(kwargs.pop("batch_shape"))
            batch_size, shape = batch_shape[0], batch_shape[1:]
        if shape is None:
            raise ValueError("Input: give the shape of one sample, e.g. Input((28, 28, 1))")
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        if not all(n is None or (isinstance(n, int) and n > 0) for n in shape):
            raise ValueError(f"Input: shape must hold positive ints or None, got {shape}")
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.shape = shape
        self.batch_size = batch_size
        self.built = True
        node = Node(self, None)
        node.outputs = SymbolicTensor((batch_size,) + shape, self.dtype, node)
        self.inbound_nodes.append(node)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "batch_shape": [self.batch_size, *self.shape]}


def Input(
    shape: int | Sequence[int | None] | None = None,
    batch_size: int | None = None,
    dtype: DTypeLike | None = None,
    name: str | None = None,
    batch_shape: Sequence[int | None] | None = None,
) -> SymbolicTensor:
    """A symbolic input of ``shape`` (one sample's shape; the batch dimension is added as None)."""
    if batch_shape is not None:
        return InputLayer(batch_shape=batch_shape, dtype=dtype, name=name).output
    return InputLayer(shape, batch_size=batch_size, dtype=dtype, name=name).output


class Dense(Layer):
    """Fully connected layer: y = f(x W + b), W of shape (in, units), b of shape (units,).

    The input's last axis is contracted; leading axes are batch (and e.g. time) axes.
    """

    def __init__(
        self,
        units: int,
        activation: ActivationLike = None,
        use_bias: bool = True,
        kernel_initializer: InitializerLike = "glorot_uniform",
        bias_initializer: InitializerLike = "zeros",
        kernel_regularizer: RegularizerLike = None,
        bias_regularizer: RegularizerLike = None,
        kernel_constraint: ConstraintLike = None,
        bias_constraint: ConstraintLike = None,
        input_dim: int | None = None,
        **kwargs,
    ):
        if input_dim is not None and "input_shape" not in kwargs:  # Keras' older spelling
            kwargs["input_shape"] = (input_dim,)
        super().__init__(**kwargs)
        if not isinstance(units, int) or units < 1:
            raise ValueError(f"Dense: units must be a positive int, got {units!r}")
        self.units, self.use_bias = units, use_bias
        self.activation = activations.get(activation)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = self._spec(None)

    @staticmethod
    def _spec(features):
        return InputSpec(
            min_ndim=2,
            axes={-1: features},
            layout="(batch, ..., features)",
            units="features",
            hint="a single sample needs a batch axis: x[None]",
        )

    def build(self, input_shape):
        self.input_spec = self._spec(input_shape[-1])
        self.kernel = self.add_weight(
            "kernel",
            (input_shape[-1], self.units),
            self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = (
            self.add_weight(
                "bias",
                (self.units,),
                self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
            if self.use_bias
            else None
        )

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        y = x @ self.kernel
        if self.bias is not None:
            y = y + self.bias
        return self.activation(y)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize(self.kernel_initializer),
            "bias_initializer": serialize(self.bias_initializer),
            "kernel_regularizer": serialize(self.kernel_regularizer),
            "bias_regularizer": serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }


class Activation(Layer):
    """Applies an activation function elementwise: y = f(x)."""

    def __init__(self, activation: ActivationLike, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        return self.activation(x)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


#: inputs with a batch axis, of any shape beyond it (Flatten, Reshape)
BATCHED = InputSpec(min_ndim=1, layout="(batch, ...)")


class Flatten(Layer):
    """(batch, d1, d2, ...) → (batch, d1·d2·...): keeps the batch axis."""

    input_spec = BATCHED

    def compute_mask(self, inputs, mask=None):
        return None  # the time axis is gone

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        return x.reshape(x.shape[0], -1)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))


class Reshape(Layer):
    """(batch, ...) → (batch, *target_shape); one entry of target_shape may be -1."""

    input_spec = BATCHED

    def __init__(self, target_shape: Sequence[int], **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def compute_mask(self, inputs, mask=None):
        return None

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        size = math.prod(x.shape[1:])
        known = math.prod(n for n in self.target_shape if n != -1)
        if (-1 not in self.target_shape and known != size) or (known and size % known):
            raise self.error(
                f"expected samples whose values fill target_shape {self.target_shape}, got "
                f"shape {x.shape} ({size} values a sample)"
            )
        return x.reshape(x.shape[0], *self.target_shape)

    def compute_output_shape(self, input_shape):
        shape = list(self.target_shape)
        if -1 in shape and None not in input_shape[1:]:
            shape[shape.index(-1)] = math.prod(input_shape[1:]) // math.prod(
                n for n in shape if n != -1
            )
        return (input_shape[0], *shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Dropout(Layer):
    """Inverted dropout: while training, zero each input with probability ``rate`` and scale the
    rest by 1/(1 − rate); in inference the identity."""

    def __init__(
        self,
        rate: float,
        noise_shape: tuple[int | None, ...] | None = None,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(rate, numbers.Real) or not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be a number in [0, 1), got {rate!r}")
        self.rate: float = float(rate)
        self.noise_shape: tuple[int | None, ...] | None = noise_shape
        self.seed = seed
        # a seed (or a noise_shape) gives the layer draws of its own, as Keras' seeded Dropout
        self._seeds: random.SeedGenerator | None = (
            None if seed is None and noise_shape is None else random.SeedGenerator(seed)
        )

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        if self._seeds is not None:
            return (
                random.dropout(x, self.rate, self.noise_shape, seed=self._seeds)
                if training and self.rate
                else x
            )
        return ops.dropout(x, self.rate, training=bool(training))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {**super().get_config(), "rate": self.rate}
        if self._seeds is not None:
            config.update(noise_shape=self.noise_shape, seed=self.seed)
        return config


class Permute(Layer):
    """The axes of each sample reordered: ``dims`` numbers them from 1 (the batch axis stays
    first), as Keras does. ``Permute((2, 1))`` swaps time and features of (batch, time, features);
    ``Permute((3, 1, 2))`` turns NHWC images into NCHW."""

    def __init__(self, dims: Sequence[int], **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                f"Permute: dims must be a permutation of 1..{len(self.dims)}, got {dims!r}"
            )
        self.input_spec = InputSpec(
            ndim=len(self.dims) + 1,
            hint=f"dims {self.dims} reorder the {len(self.dims)} axes of a sample",
        )

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        return ops.transpose(x, (0, *self.dims))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}


__all__ = ["Input", "InputLayer", "Dense", "Activation", "Flatten", "Reshape", "Permute", "Dropout"]
