"""``Layer``: the base of every layer — parameters, lazy building, training mode, config.

A layer turns input tensors into output tensors with parameters it owns. Its weights are created
by ``build(input_shape)`` the first time it is called, when the input's shape is known::

    class Scale(Layer):
        '''y = x ⊙ s, one learned scale per feature'''
        def build(self, input_shape):
            self.s = self.add_weight("scale", (input_shape[-1],), initializer="ones")

        def call(self, x, training=None):
            return x * self.s

    Scale()(np.ones((2, 3)))       # builds with input_shape (2, 3), then runs eagerly

Called on a ``Tensor`` or a NumPy array a layer runs at once; called on the symbolic tensor that
``Input`` returns it records a node of a functional graph instead (see ``profundo.models``).

Training mode: ``layer(x, training=True)``, or the mode set by ``learning_phase(True)`` (what
``Model.fit`` does); outside both, layers run in inference mode, as in Keras.

Extra loss terms: ``self.add_loss(value)`` inside ``call`` (a VAE's KL divergence, an activity
penalty). ``layer.losses`` lists the terms of the last call — this layer's and its sublayers' —
then the weights' regularization penalty; each outermost call starts the list afresh, and
``Model.compute_loss`` adds them to the compiled loss, as Keras does.
"""

from __future__ import annotations

import contextlib
import contextvars
import inspect
import math
import re
from collections.abc import Sequence
from typing import Any, TypeVar

import numpy

from .. import activations, dtype_policies
from .. import backend as B
from .. import constraints as constraints_mod
from .. import init as initializers
from .. import regularizers as regularizers_mod
from ..autograd import Tensor
from .input_spec import InputSpec, list_problem
from .nest import flatten, is_shape, map_structure
from .registry import register
from .symbolic import POSITIONAL, SymbolicTensor, call_symbolic, is_symbolic
from .types import RegularizerLike

#: settings that layers take by name, checked when set: attribute suffix → what resolves the name
_NAMED_SETTINGS = {"_initializer": initializers.get, "_regularizer": regularizers_mod.get}

_phase = [False]
_name_counts: dict = {}
_depth = [0]  # how deep the current eager layer call is nested
_holding_losses: set = set()  # ids of the layers that hold add_loss terms


@contextlib.contextmanager
def learning_phase(training: bool):
    """Within this block, layers called with ``training=None`` run in this mode."""
    _phase.append(bool(training))
    try:
        yield
    finally:
        _phase.pop()


def in_training(training=None) -> bool:
    """The mode a layer should run in: the explicit argument, else the learning phase."""
    return _phase[-1] if training is None else bool(training)


def unique_name(base: str) -> str:
    """``dense``, ``dense_1``, ``dense_2``... as Keras names layers."""
    n = _name_counts.get(base, 0)
    _name_counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


def snake_case(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def serialize(obj):
    """A config value for an initializer, regularizer or activation: its name or its config."""
    if obj is None or isinstance(obj, (str, int, float, dict)):
        return obj
    if hasattr(obj, "get_config"):
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    return activations.serialize(obj)


def to_tensor(x) -> Tensor:
    """Layer inputs: Tensors pass through; arrays become tensors (floats in the default dtype)."""
    return x if isinstance(x, Tensor) else Tensor(x)


_weight_budget: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "weight_budget", default=None
)


class WeightBudgetError(ValueError):
    """A layer asked for more weight memory than the ``weight_budget`` in force allows."""


@contextlib.contextmanager
def weight_budget(nbytes: int):
    """Within the block, layers may create weights of at most ``nbytes`` bytes in all, checked
    before anything is allocated: loading a file, its config cannot ask for more memory than
    its weights file holds."""
    token = _weight_budget.set([int(nbytes)])
    try:
        yield
    finally:
        _weight_budget.reset(token)


def _charge_weight_budget(layer, name: str, shape) -> None:
    budget = _weight_budget.get()
    if budget is None:
        return
    need = math.prod(int(n) for n in shape) * numpy.dtype(layer.dtype).itemsize
    budget[0] -= need
    if budget[0] < 0:
        raise layer.error(
            f"weight {name} of shape {tuple(shape)} ({need} bytes) exceeds the "
            f"weight memory allowed",
            WeightBudgetError,
        )


#: a layer class, so that from_config on LSTM gives an LSTM to type checkers
_L = TypeVar("_L", bound="Layer")


class Layer:
    """Base class of all layers. Subclasses write ``build`` (optional) and ``call``."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        register(cls)
        params = inspect.signature(cls.call).parameters
        cls._call_takes_mask = "mask" in params
        # Keras passes ``training`` only to a call that takes it (``def call(self, x)`` is allowed)
        cls._call_takes_training = "training" in params or any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
        )

    #: normalization layers keep their statistics in the weights' dtype under a mixed policy
    computes_in_variable_dtype = False

    def __init__(
        self,
        name: str | None = None,
        trainable: bool = True,
        dtype: Any = None,
        input_shape: Sequence[int | None] | None = None,
        activity_regularizer: RegularizerLike = None,
    ):
        self.name = name or unique_name(snake_case(type(self).__name__))
        # a penalty on the layer's outputs, added to the loss at every call (Keras' argument)
        self.activity_regularizer = activity_regularizer
        self._params: dict[str, Tensor] = {}
        self._regularizers: dict[str, object] = {}
        self._frozen: set[str] = set()  # weights that are never trained (e.g. moving averages)
        self._trainable = trainable
        self.built = False
        policy = dtype if dtype is not None else dtype_policies.global_policy()
        self.dtype_policy: dtype_policies.DTypePolicy | None = None
        if policy is not None and dtype_policies.is_policy_name(policy):
            self.dtype_policy = dtype_policies.DTypePolicy(policy)
        raw: Any = B.default_dtype if policy is None or self.dtype_policy else policy
        dtype_name = numpy.dtype(raw).name  # a dtype that is no policy, e.g. "int64"
        if self.dtype_policy is None and dtype_name in ("float16", "float32", "float64"):
            self.dtype_policy = dtype_policies.DTypePolicy(dtype_name)
        # the weights' dtype; ``compute_dtype`` is what ``call`` computes in (float16 in
        # "mixed_float16", where the weights stay float32)
        self.dtype = self.dtype_policy.variable_dtype if self.dtype_policy else dtype_name
        self.compute_dtype = (
            self.dtype_policy.compute_dtype
            if self.dtype_policy is not None and not self.computes_in_variable_dtype
            else self.dtype
        )
        self.input_shape_hint = tuple(input_shape) if input_shape is not None else None
        self.inbound_nodes: list = []
        self._losses: list = []

    def __setattr__(self, name: str, value) -> None:
        """Settings given by name (``kernel_initializer="he_normal"``) are checked when they are
        set, in ``__init__``, not at the first call: a misspelt name fails at once."""
        resolve = _NAMED_SETTINGS.get(name[name.rfind("_") :]) if isinstance(value, str) else None
        if resolve is not None:
            try:
                resolve(value)
            except ValueError as err:
                raise ValueError(f"{type(self).__name__}: {name}: {err}") from None
        object.__setattr__(self, name, value)

    # --- parameters -------------------------------------------------------------------------
    def add_weight(
        self,
        name: str | None = None,
        shape=None,
        initializer=None,
        trainable: bool = True,
        regularizer=None,
        dtype=None,
        constraint=None,
        **keras_settings,
    ) -> Tensor:
        """Create a parameter tensor, initialized, owned by this layer.

        Keras' way works too: ``add_weight(shape=(n, m), initializer="random_normal")`` (the name
        is then ``variable``, ``variable_1``, ...; a shape given first, ``add_weight((n, m))``, is
        taken as the shape). The initializer defaults to glorot_uniform (zeros for a scalar).
        ``constraint`` (``pf.constraints``) projects w after every optimizer step.
        ``autocast``/``aggregation`` are accepted and have no effect.
        """
        unknown = set(keras_settings) - {"autocast", "aggregation", "overwrite_with_gradient"}
        if unknown:
            raise TypeError(
                f"{type(self).__name__}.add_weight: unknown argument(s) {sorted(unknown)}"
            )
        if name is not None and not isinstance(name, str):  # add_weight(shape, initializer)
            name, shape, initializer = None, name, initializer if shape is None else shape
        shape = () if shape is None else tuple(shape)
        if name is None:
            count = sum(1 for k in self._params if k == "variable" or k.startswith("variable_"))
            name = "variable" if count == 0 else f"variable_{count}"
        if initializer is None:
            initializer = "glorot_uniform" if shape else "zeros"
        _charge_weight_budget(self, name, shape)
        init = initializers.get(initializer)
        data = B.xp.asarray(init(tuple(shape), dtype=dtype or self.dtype))
        w = Tensor._wrap(data)
        w.name = f"{self.name}/{name}"
        w.requires_grad = trainable and self._trainable
        if not trainable:
            self._frozen.add(name)
        self._params[name] = w
        if regularizer is not None:
            self._regularizers[name] = regularizers_mod.get(regularizer)
        if constraint is not None:  # applied by the optimizer after each update of w
            w.constraint = constraints_mod.get(constraint)
        return w

    def _sublayers(self) -> list:
        """Layers held as attributes (or in lists/tuples of attributes), in creation order."""
        return [layer for _, layer in self._children()]

    def _children(self):
        """(path, layer) of the layers this one holds: attribute names (``cell``; ``blocks/0``
        for a list); models name theirs ``layers/<i>``."""
        for attr, value in vars(self).items():
            if isinstance(value, Layer):
                yield attr, value
            elif isinstance(value, (list, tuple)):
                yield from ((f"{attr}/{i}", v) for i, v in enumerate(value) if isinstance(v, Layer))

    def _walk(self):
        """The one walk of the layer tree: (path, weight, trainable) for every weight once — a
        weight reached twice (a layer held under two names, shared layers) counts at its first
        path. The path (``kernel``, ``layers/0/cell/recurrent_kernel``) depends on the tree, not
        on the layers' automatic names, so it is the same in every session."""
        seen, found = set(), []

        def visit(layer, prefix, trainable):
            trainable = trainable and layer._trainable
            own = [
                (prefix + name, w, trainable and name not in layer._frozen)
                for name, w in layer._params.items()
                if id(w) not in seen
            ]
            seen.update(id(w) for _, w, _ in own)
            found.extend(sorted(own, key=lambda item: not item[2]))  # own trainable ones first
            for path, child in layer._children():
                visit(child, f"{prefix}{path}/", trainable)

        visit(self, "", True)
        return found

    def named_weights(self) -> list:
        """``[(path, weight)]`` in ``weights`` order: what the model file keys its arrays by, as
        PyTorch's ``named_parameters``."""
        return [(path, w) for path, w, _ in self._walk()]

    @property
    def weights(self) -> list:
        """All parameters, each once, in Keras' order: a layer's own (trainable ones first), then
        each sublayer's in turn."""
        return [w for _, w, _ in self._walk()]

    @property
    def trainable_weights(self) -> list:
        return [w for _, w, trainable in self._walk() if trainable]

    @property
    def non_trainable_weights(self) -> list:
        return [w for _, w, trainable in self._walk() if not trainable]

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        """Freeze (False) or unfreeze a layer and its sublayers: frozen weights get no gradient."""
        self._trainable = bool(value)
        for n, w in self._params.items():
            w.requires_grad = self._trainable and n not in self._frozen
        for layer in self._sublayers():
            layer.trainable = value

    def count_params(self) -> int:
        return int(sum(w.size for w in self.weights))

    def get_weights(self) -> list:
        """The weights as NumPy arrays, in Keras' order for this layer."""
        return [w.numpy().copy() for w in self.weights]

    def set_weights(self, weights) -> None:
        """Set the weights from a list of arrays in ``get_weights()`` order and shapes."""
        own = self.weights
        if len(weights) != len(own):
            raise self.error(
                f"set_weights expected {len(own)} arrays "
                f"({', '.join(w.name for w in own) or 'none'}), got {len(weights)}"
            )
        for w, value in zip(own, weights):
            value = numpy.asarray(value)
            if value.shape != w.shape:
                raise self.error(
                    f"weight {w.name} has shape {w.shape}, got an array of shape {value.shape}"
                )
            w.data[...] = B.xp.asarray(value, dtype=w.dtype)

    def regularization_loss(self):
        """Σ of this layer's (and its sublayers') weight penalties, or None when there are none."""
        total = None
        for name, reg in self._regularizers.items():
            if self._params[name].requires_grad:
                total = (
                    reg(self._params[name]) if total is None else total + reg(self._params[name])
                )
        for layer in self._sublayers():
            sub = layer.regularization_loss()
            if sub is not None:
                total = sub if total is None else total + sub
        return total

    # --- place in a functional graph ------------------------------------------------------------
    @property
    def input(self):
        """The symbolic input of this layer's first call on symbolic tensors
        (Keras' ``layer.input``)."""
        return self._first_node().inputs

    @property
    def output(self):
        """The symbolic output of this layer's first call on symbolic tensors, so that
        ``pf.Model(model.inputs, [layer.output for layer in model.layers])`` returns every layer's
        output (Keras' ``layer.output``)."""
        return self._first_node().outputs

    def _first_node(self):
        if not self.inbound_nodes:
            raise self.error(
                "the layer has not been called on a symbolic input (layers.Input), so "
                "it has no symbolic input or output yet; put it in a model whose "
                "input shape is known",
                AttributeError,
            )
        return self.inbound_nodes[0]

    # --- extra loss terms ---------------------------------------------------------------------
    def add_loss(self, loss) -> None:
        """Add a term to the loss that training minimizes (call it inside ``call``); a tensor with
        more than one element counts as its sum."""
        if isinstance(loss, SymbolicTensor):
            raise self.error(
                "add_loss needs a computed value; call it inside call(), not on the "
                "symbolic tensors of a functional model",
                TypeError,
            )
        self._losses.append(loss if isinstance(loss, Tensor) else Tensor(loss))
        _holding_losses.add(id(self))

    def _layers_holding_losses(self) -> list:
        """This layer and its sublayers (recursively) that hold add_loss terms."""
        if not _holding_losses:
            return []
        found = [self] if id(self) in _holding_losses else []
        for layer in self._sublayers():
            found += layer._layers_holding_losses()
        return found

    def _added_losses(self) -> list:
        return [t for layer in self._layers_holding_losses() for t in layer._losses]

    def _clear_losses(self) -> None:
        for layer in self._layers_holding_losses():
            layer._losses.clear()
            _holding_losses.discard(id(layer))

    @property
    def losses(self) -> list:
        """The ``add_loss`` terms of the last call (own, then sublayers'), then the weights'
        regularization penalty (one summed term) when there is one."""
        reg = self.regularization_loss()
        return self._added_losses() + ([] if reg is None else [reg])

    # --- running ------------------------------------------------------------------------------
    #: what the layer accepts: an ``InputSpec``, a list of them (one per input), or None;
    #: ``__call__`` checks every call against it (see ``layers/input_spec.py``)
    input_spec: InputSpec | list | None = None

    def error(self, message: str, kind: type = ValueError) -> Exception:
        """The error to raise, in every layer's one voice: ``<Class> '<name>': <message>``."""
        return kind(f"{type(self).__name__} {self.name!r}: {message}")

    def _check_input_spec(self, inputs) -> None:
        spec = self.input_spec
        if spec is None:
            return
        if isinstance(spec, (list, tuple)):
            problem = list_problem(spec, inputs)
        elif isinstance(inputs, (Tensor, SymbolicTensor)):
            problem = spec.problem(inputs.shape, inputs.dtype)
        else:
            values = flatten(inputs)
            if len(values) != 1:
                raise self.error(f"expected one input, got {len(values)}")
            problem = spec.problem(values[0].shape, values[0].dtype)
        if problem is not None:
            raise self.error(problem)

    def check_input(self, shape):
        """``shape`` (a tuple; a list or dict of them for a list of specs) if ``input_spec``
        accepts it, else the layer's error: for ``compute_output_shape``, which is also called
        without ``__call__``."""
        spec = self.input_spec
        if isinstance(spec, (list, tuple)):
            problem = list_problem(spec, shape)
        else:
            problem = None if spec is None else spec.problem(shape)
            shape = tuple(shape)
        if problem is not None:
            raise self.error(problem)
        return shape

    def build(self, input_shape) -> None:
        """Create the weights for inputs of ``input_shape`` (batch dimension first)."""

    # each layer's call takes its own inputs (a tensor, a list, a dict), with or without training
    # and mask, as in Keras: typed with *args/**kwargs so that any such call overrides this one
    def call(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must define call(inputs, training)")

    def _ensure_built(self, input_shape) -> None:
        if not self.built:
            self.build(input_shape)
            self.built = True

    def __call__(self, inputs, *args, training=None, mask=None, **kwargs):
        """Run the layer: ``layer(x)``, or with several tensors ``layer(targets, logits)`` as
        Keras' custom layers take them (each passed to ``call`` in its place)."""
        if kwargs.pop(POSITIONAL, False):  # a graph node of layer(a, b, ...): unpack it
            inputs, *args = inputs
        if args:
            if is_symbolic([inputs, *args]):
                self._check_input_spec(inputs)
                return call_symbolic(self, [inputs, *args], {**kwargs, POSITIONAL: True})
            args = [
                map_structure(to_tensor, a)
                if isinstance(a, (B.xp.ndarray, numpy.ndarray, list, tuple, Tensor))
                else a
                for a in args
            ]
        elif is_symbolic(inputs):
            self._check_input_spec(inputs)
            return call_symbolic(self, inputs, kwargs)
        inputs = map_structure(to_tensor, inputs)
        self._check_input_spec(inputs)
        self._ensure_built(map_structure(lambda t: t.shape, inputs))
        if mask is not None and self._call_takes_mask:
            kwargs["mask"] = mask
        if _depth[0] == 0 and _holding_losses:
            self._clear_losses()  # an outermost call: its add_loss terms start afresh
        if self.compute_dtype != self.dtype:  # a mixed policy: inputs and weights in float16
            inputs = map_structure(self._to_compute_dtype, inputs)
        _depth[0] += 1
        try:
            with self._autocast():
                outputs = self._run_call(inputs, args, kwargs, training)
        finally:
            _depth[0] -= 1
        if self.activity_regularizer is not None:
            self._regularize_activity(outputs)
        return outputs

    def _run_call(self, inputs, args, kwargs, training):
        if self._call_takes_training:
            return self.call(inputs, *args, training=in_training(training), **kwargs)
        with learning_phase(in_training(training)):  # its sublayers still see the mode
            return self.call(inputs, *args, **kwargs)

    def _to_compute_dtype(self, x):
        return x.astype(self.compute_dtype) if isinstance(x, Tensor) and x.dtype.kind == "f" else x

    @contextlib.contextmanager
    def _autocast(self):
        """Under a mixed policy, ``call`` sees float16 copies of the trainable weights (each a
        differentiable cast of the float32 weight, so the gradient reaches the float32 one)."""
        if self.compute_dtype == self.dtype:
            yield
            return
        trainable = {id(t) for name, t in self._params.items() if name not in self._frozen}
        swapped = [
            (name, value)
            for name, value in vars(self).items()
            if isinstance(value, Tensor) and id(value) in trainable and value.dtype.kind == "f"
        ]
        for name, value in swapped:
            object.__setattr__(self, name, value.astype(self.compute_dtype))
        try:
            yield
        finally:
            for name, value in swapped:
                object.__setattr__(self, name, value)

    def _regularize_activity(self, outputs) -> None:
        """Add ``activity_regularizer(y)`` of every output y to the loss, divided by y's batch
        size as Keras does (so the penalty's strength does not depend on the batch size)."""
        penalty = regularizers_mod.get(self.activity_regularizer)
        for y in flatten(outputs):
            if isinstance(y, Tensor):
                loss = penalty(y)
                self.add_loss(loss / y.shape[0] if y.ndim > 0 and y.shape[0] else loss)

    def compute_mask(self, inputs, mask=None):
        """The mask of this layer's output (which time steps are padding), given its input's.

        Masks let padded sequences pass through a model: ``Embedding(mask_zero=True)`` makes one,
        layers that keep the time axis pass it on (this default), recurrent layers use it, and
        layers that remove the time axis return None. Models call it between layers.
        """
        return mask

    def compute_output_shape(self, input_shape):
        """Output shape for an input shape (``None`` for unknown sizes such as the batch).

        The default runs ``call`` on zeros with each unknown size set to 1, then puts the
        unknown batch size back; layers whose output shape is cheap to state override it.
        """
        return self._shape_by_running(input_shape)

    def _shape_by_running(self, input_shape, **call_kwargs):
        """The output shape found by calling the layer on zeros of ``input_shape``."""
        from ..autograd import no_grad

        def zeros(shape):
            return Tensor(B.xp.zeros(tuple(1 if n is None else n for n in shape), self.dtype))

        with no_grad():
            out = self(
                map_structure(zeros, input_shape, is_leaf=is_shape), training=False, **call_kwargs
            )
        return map_structure(lambda t: (None,) + t.shape[1:], out)

    # --- config ---------------------------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments as JSON-serializable data (``from_config`` inverts it)."""
        dtype = self.dtype_policy.name if self.dtype_policy is not None else self.dtype
        config = {"name": self.name, "trainable": self._trainable, "dtype": dtype}
        if self.input_shape_hint is not None:
            config["input_shape"] = list(self.input_shape_hint)
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls: type[_L], config: dict) -> _L:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}, built={self.built}>"
