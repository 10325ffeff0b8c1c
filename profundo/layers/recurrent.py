"""Recurrent layers: SimpleRNN, LSTM and GRU, each running one cell over a whole sequence, and
Bidirectional, which runs a recurrent layer both ways.

The simple RNN is the course's formula, in Keras' row-vector layout (x_t a row, W_x the kernel,
W_y the recurrent kernel):

    y_t = σ(x_t W_x + y_{t−1} W_y + b),   y_0 = 0 (or ``initial_state``),   σ = tanh by default

The LSTM and the GRU add gates that decide, at each step, what the state keeps and what it
forgets (see their docstrings). The math runs in the fused ops of ``profundo.ops.recurrent``:
one GEMM projects the inputs of all steps at once, one GEMM per step adds h_{t−1} U, and
backpropagation through time is written by hand.

Inputs are (batch, time, features). A layer returns the last output (batch, units) — many-to-one
— or, with ``return_sequences=True``, the output of every step (batch, time, units) — many-to-
many, and what the next layer of a stack needs. ``return_state=True`` appends the final states:
h (and c for the LSTM), each (batch, units). ``go_backwards`` reads the sequence from its end.

Masking: ``layer(x, mask=m)`` with m (batch, time) False at padded steps; a padded step leaves
the state unchanged, so each sequence ends in the state it would reach alone (an
``Embedding(mask_zero=True)`` makes the mask: ``compute_mask``).

>>> x = np.random.randn(8, 20, 5).astype("float32")         # 8 sequences, 20 steps, 5 features
>>> layers.LSTM(32)(x).shape
(8, 32)
>>> out, h, c = layers.LSTM(32, return_sequences=True, return_state=True)(x)
>>> out.shape, h.shape, c.shape
((8, 20, 32), (8, 32), (8, 32))
>>> layers.Bidirectional(layers.GRU(16, return_sequences=True))(x).shape   # concat: 2 × 16
(8, 20, 32)
"""

from __future__ import annotations

from collections.abc import Callable

from .. import activations, ops
from .. import backend as B
from ..autograd import Tensor
from .base import Layer, serialize
from .input_spec import InputSpec
from .nest import is_shape
from .registry import deserialize_layer, serialize_layer
from .types import ActivationLike, InitializerLike, RegularizerLike

__all__ = ["SimpleRNN", "LSTM", "GRU", "Bidirectional"]

#: the activations the fused recurrent ops implement (each with its derivative written by hand)
FUSED_ACTIVATIONS = ("tanh", "sigmoid", "relu", "hard_sigmoid", "linear")


def _fused_activation(layer: str, arg: str, value) -> str:
    """The name of an activation given by name or as a function, checked to be one the ops run."""
    name = activations.serialize(activations.get(value))
    if name not in FUSED_ACTIVATIONS:
        raise ValueError(
            f"{layer}: {arg} must be one of {', '.join(FUSED_ACTIVATIONS)} (the fused "
            f"recurrent ops implement these), got {value!r}"
        )
    return name


def _split_states(inputs) -> tuple:
    """(x, initial states) from ``x`` or ``[x, *states]`` (tensors or their shapes)."""
    if isinstance(inputs, (list, tuple)) and not is_shape(inputs):
        return inputs[0], list(inputs[1:])
    return inputs, []


def _sequence_mask(mask):
    """The mask of x, from a mask or from a model's masks of [x, *states]."""
    return mask[0] if isinstance(mask, (list, tuple)) else mask


def _dropout_mask(shape, dtype, rate) -> Tensor:
    """Ones through inverted dropout: 0 with probability ``rate``, else 1/(1 − rate)."""
    return ops.dropout(Tensor._wrap(B.xp.ones(shape, dtype)), rate)


class Recurrent(Layer):
    """The shared base of SimpleRNN, LSTM and GRU: weights, checks, dropout, masks, outputs.

    A subclass names its op (``ops.simple_rnn``, ``ops.lstm``, ``ops.gru``), its number of gates
    G (columns of the kernels: G·units) and its states, and adds its own settings in
    ``op_settings``. Weights, in Keras' layout: ``kernel`` (features, G·units),
    ``recurrent_kernel`` (units, G·units), ``bias`` (G·units,).

    ``dropout``: the fraction of input features dropped while training, one mask per sequence
    (the same features at every step), as Keras does. ``recurrent_dropout``: the same for h_{t−1}
    where it enters the recurrent products, (h_{t−1} ⊙ m) U, one mask per sequence for all gates.

    ``stateful=True``: the final states of sample i of a batch are the initial states of sample i
    of the next batch (the batch size is fixed — ``Input(batch_size=…)`` — and the gradient does
    not flow back across batches); ``reset_state()`` sets them to zero, as a new sequence starts.
    """

    op: Callable[..., tuple[Tensor, ...]] = staticmethod(ops.simple_rnn)
    gates = 1
    state_names: tuple[str, ...] = ("h",)

    def __init__(
        self,
        units: int,
        activation: ActivationLike = "tanh",
        use_bias: bool = True,
        kernel_initializer: InitializerLike = "glorot_uniform",
        recurrent_initializer: InitializerLike = "orthogonal",
        bias_initializer: InitializerLike = "zeros",
        kernel_regularizer: RegularizerLike = None,
        recurrent_regularizer: RegularizerLike = None,
        bias_regularizer: RegularizerLike = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        kind = type(self).__name__
        if not isinstance(units, int) or isinstance(units, bool) or units < 1:
            raise ValueError(f"{kind}: units must be a positive int, got {units!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"{kind}: dropout must be in [0, 1), got {dropout}")
        if not 0 <= recurrent_dropout < 1:
            raise ValueError(
                f"{kind}: recurrent_dropout must be in [0, 1), got {recurrent_dropout}"
            )
        self.units, self.use_bias = units, bool(use_bias)
        self.activation = _fused_activation(kind, "activation", activation)
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.recurrent_regularizer = recurrent_regularizer
        self.bias_regularizer = bias_regularizer
        self.dropout, self.recurrent_dropout = float(dropout), float(recurrent_dropout)
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.states: list | None = None  # the carried states of a stateful layer
        self.input_spec = self._spec(None)

    @staticmethod
    def _spec(features) -> list:
        """The sequence (batch, time, features); the initial states that may follow it are
        checked by ``call``."""
        return [
            InputSpec(
                ndim=3,
                axes={-1: features},
                layout="(batch, time, features)",
                units="features",
                hint="for token ids put an Embedding first, for one "
                "feature per step reshape to (batch, time, 1)",
            )
        ]

    # --- what a cell adds ---------------------------------------------------------------------
    def bias_shape(self) -> tuple:
        return (self.gates * self.units,)

    def op_settings(self) -> dict:
        """Keyword arguments of the op beyond inputs, weights, states, mask and direction."""
        return {"activation": self.activation}

    # --- running ------------------------------------------------------------------------------
    def __call__(self, inputs, initial_state=None, **kwargs):
        """``layer(x)``, ``layer(x, initial_state=[h, c])`` (also on symbolic tensors: the
        states become inputs of the graph node), ``layer(x, mask=m)``."""
        if initial_state is not None:
            states = initial_state if isinstance(initial_state, (list, tuple)) else [initial_state]
            inputs = [inputs, *states]
        return super().__call__(inputs, **kwargs)

    def build(self, input_shape):
        shape = _split_states(input_shape)[0]
        if self.stateful and shape[0] is None:
            raise self.error(
                f"stateful=True needs a fixed batch size: give the model "
                f"Input(shape, batch_size=…) (or batch_shape=…); got input shape {tuple(shape)}"
            )
        self.input_spec = self._spec(shape[-1])
        columns = self.gates * self.units
        self.kernel = self.add_weight(
            "kernel",
            (shape[-1], columns),
            self.kernel_initializer,
            regularizer=self.kernel_regularizer,
        )
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel",
            (self.units, columns),
            self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
        )
        self.bias = (
            self.add_weight(
                "bias", self.bias_shape(), self.bias_initializer, regularizer=self.bias_regularizer
            )
            if self.use_bias
            else None
        )
        if self.stateful:
            self.reset_state(shape[0])  # zeros, for the batch size it is built for

    def call(
        self, inputs: Tensor, training: bool | None = None, mask: Tensor | None = None
    ) -> Tensor | list[Tensor]:
        x, states = _split_states(inputs)
        if states and len(states) != len(self.state_names):
            raise self.error(
                f"initial_state must hold {len(self.state_names)} tensor(s) "
                f"({', '.join(self.state_names)}), each (batch, {self.units}); "
                f"got {len(states)}"
            )
        if x.dtype.kind != "f":
            x = x.astype(self.dtype)
        if self.stateful and not states:
            states = self._carried_states(x.shape[0])
        if training and self.dropout:
            x = x * _dropout_mask((x.shape[0], 1, x.shape[2]), x.dtype, self.dropout)
        recurrent_mask = None
        if training and self.recurrent_dropout:
            recurrent_mask = _dropout_mask(
                (x.shape[0], self.units), x.dtype, self.recurrent_dropout
            )
        outputs, *final = self.op(
            x,
            self.kernel,
            self.recurrent_kernel,
            self.bias,
            *states,
            mask=_sequence_mask(mask),
            go_backwards=self.go_backwards,
            recurrent_mask=recurrent_mask,
            **self.op_settings(),
        )
        if self.stateful:  # kept for the next batch, without the graph behind them
            self.states = [state.detach() for state in final]
        y = outputs if self.return_sequences else final[0]
        return [y, *final] if self.return_state else y

    def _carried_states(self, batch: int) -> list:
        """The states a stateful layer carries (zeros before its first batch)."""
        if self.states is None:
            self.reset_state(batch)
        assert self.states is not None
        if batch != self.states[0].shape[0]:
            raise self.error(
                f"stateful=True: expected batches of {self.states[0].shape[0]} sequences (the "
                f"batch size its states were made for), got {batch}"
            )
        return self.states

    def reset_state(self, batch: int | None = None) -> None:
        """Zero the states of a stateful layer (``batch``: their batch size, first time only)."""
        if not self.stateful:
            return
        batch = batch if batch is not None else (self.states[0].shape[0] if self.states else None)
        if batch is None:
            return  # nothing carried yet
        self.states = [
            Tensor(B.xp.zeros((batch, self.units), self.dtype)) for _ in self.state_names
        ]

    reset_states = reset_state  # Keras 2's name, still accepted by Keras 3

    def compute_output_shape(self, input_shape):
        shape = _split_states(input_shape)[0]
        y = (shape[0], shape[1], self.units) if self.return_sequences else (shape[0], self.units)
        return [y] + [(shape[0], self.units)] * len(self.state_names) if self.return_state else y

    def compute_mask(self, inputs, mask=None):
        """The mask of the outputs: the input mask when every step is returned, else None."""
        out = _sequence_mask(mask) if self.return_sequences else None
        return [out] + [None] * len(self.state_names) if self.return_state else out

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": self.activation,
            "use_bias": self.use_bias,
            "kernel_initializer": serialize(self.kernel_initializer),
            "recurrent_initializer": serialize(self.recurrent_initializer),
            "bias_initializer": serialize(self.bias_initializer),
            "kernel_regularizer": serialize(self.kernel_regularizer),
            "recurrent_regularizer": serialize(self.recurrent_regularizer),
            "bias_regularizer": serialize(self.bias_regularizer),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
        }


class SimpleRNN(Recurrent):
    """The simple (Elman) recurrent layer, the course's formula:

        y_t = σ(x_t W_x + y_{t−1} W_y + b)

    kernel W_x (features, units), recurrent_kernel W_y (units, units), bias b (units,); σ is
    ``activation`` (tanh by default; relu, sigmoid, hard_sigmoid, linear). Gradients through
    many steps multiply by W_yᵀ diag(σ′) once per step, so they vanish (or explode) over long
    sequences: see examples/vanishing_gradient.py.

    >>> layers.SimpleRNN(4)(np.zeros((2, 7, 3), "float32")).shape
    (2, 4)
    """


class LSTM(Recurrent):
    """Long short-term memory: a cell state c_t that gates write to, erase and read from.

        [i, f, c̃, o] = [σ, σ, tanh, σ](x_t W + h_{t−1} U + b)      input, forget, candidate, output
        c_t = f ⊙ c_{t−1} + i ⊙ c̃,    h_t = o ⊙ tanh(c_t)

    kernel W (features, 4·units), recurrent_kernel U (units, 4·units), bias b (4·units,), the
    gates side by side in Keras' order i, f, c, o. σ is ``recurrent_activation``, tanh is
    ``activation``. ``unit_forget_bias``: start the forget gate's bias at 1, so that the cell
    remembers by default (Jozefowicz et al., 2015). States: h and c.

    >>> out, h, c = layers.LSTM(4, return_state=True)(np.zeros((2, 7, 3), "float32"))
    """

    op = staticmethod(ops.lstm)
    gates = 4
    state_names = ("h", "c")

    def __init__(
        self,
        units: int,
        activation: ActivationLike = "tanh",
        recurrent_activation: ActivationLike = "sigmoid",
        unit_forget_bias: bool = True,
        **kwargs,
    ):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = _fused_activation(
            "LSTM", "recurrent_activation", recurrent_activation
        )
        self.unit_forget_bias = bool(unit_forget_bias)

    def build(self, input_shape):
        super().build(input_shape)
        if self.unit_forget_bias and self.bias is not None:
            self.bias.data[self.units : 2 * self.units] = 1

    def op_settings(self):
        return {**super().op_settings(), "recurrent_activation": self.recurrent_activation}

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": self.recurrent_activation,
            "unit_forget_bias": self.unit_forget_bias,
        }


class GRU(Recurrent):
    """Gated recurrent unit: an update gate z mixes the old state with a candidate h̃.

        z = σ(x_z + u_z),   r = σ(x_r + u_r),   h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃
        h̃ = tanh(x_h + r ⊙ u_h)             reset_after=True (Keras' default, PyTorch's GRU)
        h̃ = tanh(x_h + (r ⊙ h_{t−1}) U_h)   reset_after=False (the original GRU)

    where [x_z, x_r, x_h] = x_t W + b_in and [u_z, u_r, u_h] = h_{t−1} U + b_rec. kernel W
    (features, 3·units), recurrent_kernel U (units, 3·units), gates in Keras' order z, r, h;
    bias (2, 3·units) = [b_in, b_rec] with reset_after, else (3·units,) = b_in.

    >>> layers.GRU(4)(np.zeros((2, 7, 3), "float32")).shape
    (2, 4)
    """

    op = staticmethod(ops.gru)
    gates = 3

    def __init__(
        self,
        units: int,
        activation: ActivationLike = "tanh",
        recurrent_activation: ActivationLike = "sigmoid",
        reset_after: bool = True,
        **kwargs,
    ):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = _fused_activation(
            "GRU", "recurrent_activation", recurrent_activation
        )
        self.reset_after = bool(reset_after)

    def bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def op_settings(self):
        return {
            **super().op_settings(),
            "recurrent_activation": self.recurrent_activation,
            "reset_after": self.reset_after,
        }

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": self.recurrent_activation,
            "reset_after": self.reset_after,
        }


MERGE_MODES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy of it backwards over the sequence, then merges:

        y_t = merge(→h_t, ←h_t)      →h_t has read x_1 … x_t, ←h_t has read x_T … x_t

    so every output sees the whole sequence. ``merge_mode``: "concat" (features side by side,
    2·units), "sum", "mul", "ave", or None (the list [forward, backward]). With
    ``return_sequences`` the backward outputs are put back in time order before merging. With
    ``return_state`` the result is [y, *forward states, *backward states]; ``initial_state``
    takes the forward states, then the backward ones.

    Weights: the forward layer's, then the backward layer's (as Keras). The layer given is
    copied from its config (a new layer named forward_<name>, and backward_<name> with
    ``go_backwards`` flipped), unless ``backward_layer`` is given.

    >>> layers.Bidirectional(layers.LSTM(8), merge_mode="sum")(np.zeros((2, 5, 3), "float32")).shape
    (2, 8)
    """

    def __init__(
        self,
        layer: Recurrent,
        merge_mode: str = "concat",
        backward_layer: Recurrent | None = None,
        **kwargs,
    ):
        if not isinstance(layer, Recurrent):
            raise TypeError(
                f"Bidirectional: expected a recurrent layer (SimpleRNN, LSTM, GRU), "
                f"got {type(layer).__name__}"
            )
        if merge_mode not in MERGE_MODES:
            raise ValueError(
                f"Bidirectional: merge_mode must be one of "
                f"{', '.join(map(repr, MERGE_MODES))}, got {merge_mode!r}"
            )
        super().__init__(**kwargs)
        base = layer.name.removeprefix("forward_")
        config = layer.get_config()
        self.forward_layer = type(layer).from_config({**config, "name": f"forward_{base}"})
        if backward_layer is None:
            backward_layer = type(layer).from_config(
                {**config, "name": f"backward_{base}", "go_backwards": not layer.go_backwards}
            )
        elif (
            not isinstance(backward_layer, Recurrent)
            or any(
                getattr(backward_layer, a) != getattr(layer, a)
                for a in ("return_sequences", "return_state")
            )
            or backward_layer.go_backwards == layer.go_backwards
        ):
            raise ValueError(
                "Bidirectional: backward_layer must be a recurrent layer with the "
                "same return_sequences and return_state as layer, and the opposite "
                "go_backwards"
            )
        self.backward_layer = backward_layer
        self.merge_mode = merge_mode
        self.return_sequences, self.return_state = layer.return_sequences, layer.return_state
        self.input_spec = self.forward_layer.input_spec  # as Keras: what the wrapped one takes

    def __call__(self, inputs, initial_state=None, **kwargs):
        if initial_state is not None:
            inputs = [inputs, *initial_state]
        return super().__call__(inputs, **kwargs)

    def build(self, input_shape):
        x_shape = _split_states(input_shape)[0]
        self.forward_layer._ensure_built(x_shape)
        self.backward_layer._ensure_built(x_shape)
        self.input_spec = self.forward_layer.input_spec  # now with its number of features

    def call(
        self, inputs: Tensor, training: bool | None = None, mask: Tensor | None = None
    ) -> Tensor | list[Tensor]:
        x, states = _split_states(inputs)
        n = len(self.forward_layer.state_names)
        if states and len(states) != 2 * n:
            raise self.error(
                f"initial_state must hold {2 * n} "
                f"tensors (forward then backward states), got {len(states)}"
            )
        mask = _sequence_mask(mask)
        forward = self.forward_layer(
            x, initial_state=states[:n] or None, training=training, mask=mask
        )
        backward = self.backward_layer(
            x, initial_state=states[n:] or None, training=training, mask=mask
        )
        f_states, b_states = [], []
        if self.return_state:
            (forward, *f_states), (backward, *b_states) = forward, backward
        if self.return_sequences:
            backward = backward[:, ::-1]
        y = self.merge(forward, backward)
        if not self.return_state:
            return y
        return [*(y if self.merge_mode is None else [y]), *f_states, *b_states]

    def merge(self, forward, backward):
        if self.merge_mode == "concat":
            return ops.concatenate([forward, backward], axis=-1)
        if self.merge_mode == "sum":
            return forward + backward
        if self.merge_mode == "mul":
            return forward * backward
        if self.merge_mode == "ave":
            return (forward + backward) * 0.5
        return [forward, backward]

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(_split_states(input_shape)[0])
        y, states = (shape[0], shape[1:]) if self.return_state else (shape, [])
        if self.merge_mode == "concat":
            y = y[:-1] + (2 * y[-1],)
        if not self.return_state:
            return [y, y] if self.merge_mode is None else y
        return [*([y, y] if self.merge_mode is None else [y]), *states, *states]

    def compute_mask(self, inputs, mask=None):
        return self.forward_layer.compute_mask(inputs, mask)

    def get_config(self):
        return {
            **super().get_config(),
            "layer": serialize_layer(self.forward_layer),
            "merge_mode": self.merge_mode,
            "backward_layer": serialize_layer(self.backward_layer),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["layer"] = deserialize_layer(config["layer"])
        config["backward_layer"] = deserialize_layer(config["backward_layer"])
        return cls(**config)
