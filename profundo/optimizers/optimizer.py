"""``Optimizer``: the work every optimizer shares, so that each one only writes its update rule.

One step of any optimizer, for the parameters θ that have a gradient g = ∂L/∂θ:

1. η ← the learning rate: a number, or a schedule evaluated at ``iterations`` (0 at the first step);
2. clip the gradients, if asked: ``clipnorm`` c scales each gradient to norm ≤ c,
   g ← g · c / max(‖g‖, c); ``global_clipnorm`` does the same with the norm of all gradients
   together; ``clipvalue`` clips each element to [−c, c];
3. decoupled weight decay, if asked: θ ← θ − η·λ·θ  (Keras' and AdamW's form: it shrinks the
   weights directly, it is not an L2 term added to the gradient);
4. the optimizer's own rule, ``update_step``, in place on each parameter's array;
5. with ``use_ema``, the moving average of each parameter (Keras' EMA of the weights):
   θ̄ ← μ·θ̄ + (1 − μ)·θ, θ̄ = θ at the first step; every ``ema_overwrite_frequency`` steps θ ← θ̄;
6. ``iterations`` ← ``iterations`` + 1; every ``FLUSH_EVERY`` steps, slot entries that have
   decayed below the smallest normal float become 0 (``flush_subnormals``).

Use it Keras' way or PyTorch's way::

    opt = optimizers.Adam(1e-3)
    opt.apply_gradients(zip(grads, params))      # Keras; or opt.apply(grads, params)

    opt = optimizers.Adam(1e-3, params=[w, b])   # PyTorch
    loss.backward(); opt.step(); opt.zero_grad()

The per-parameter arrays an optimizer keeps (its "slots": momentum, moving averages) are made on
the first step of each parameter, with the parameter's shape and dtype. ``get_state()`` returns
them, flat, for exact save and resume; ``get_config()`` returns the hyperparameters.
"""

from __future__ import annotations

import math
import numbers

from .. import backend as B
from ..autograd import Tensor
from ..schedules import LearningRateSchedule, deserialize, serialize

#: every this many steps, slot entries below the smallest normal float are set to 0
FLUSH_EVERY = 100


class Optimizer:
    """Base of every optimizer. Subclasses define ``slot_names`` and ``update_step``.

    Common options (every optimizer takes them as keywords):
        learning_rate: a number, or a schedule (``profundo.schedules``). ``opt.learning_rate``
            reads the rate of the next step and may be set (e.g. by ``ReduceLROnPlateau``).
        params: the parameters (Tensors) that ``step()`` updates, as in PyTorch.
        weight_decay: λ of the decoupled weight decay θ ← θ − η·λ·θ (None: none).
        clipnorm, global_clipnorm, clipvalue: gradient clipping (at most one of them).
        use_ema, ema_momentum, ema_overwrite_frequency: keep an exponential moving average of
            each parameter with momentum μ (Keras' arguments); ``fit`` ends with the averages in
            the model (``finalize_variable_values``), ``callbacks.SwapEMAWeights`` evaluates
            with them during training.
        name: a label (the lower-case class name by default).

    State (``get_state``): a flat dict of arrays, ``"iterations"`` (0-d int64) and one entry
    ``"<slot>/<i>"`` per slot of the i-th parameter (its position in ``opt.params``); the moving
    average of ``use_ema`` is the slot ``"average"``.
    """

    def __init__(
        self,
        learning_rate,
        *,
        params=None,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        name=None,
    ):
        clips = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        given = [k for k, v in clips.items() if v is not None]
        if len(given) > 1:
            raise ValueError(
                f"{type(self).__name__}: give at most one of clipnorm, clipvalue and "
                f"global_clipnorm, got {' and '.join(given)}"
            )
        for key in given:
            if not clips[key] > 0:
                raise ValueError(f"{type(self).__name__}: {key} must be positive, got {clips[key]}")
        if weight_decay is not None and not weight_decay >= 0:
            raise ValueError(f"{type(self).__name__}: weight_decay must be ≥ 0, got {weight_decay}")
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(
                f"{type(self).__name__}: ema_momentum must be in [0, 1], got {ema_momentum!r}"
            )
        if (
            use_ema
            and ema_overwrite_frequency is not None
            and not (isinstance(ema_overwrite_frequency, int) and ema_overwrite_frequency >= 1)
        ):
            raise ValueError(
                f"{type(self).__name__}: ema_overwrite_frequency must be an int ≥ 1 "
                f"or None, got {ema_overwrite_frequency!r}"
            )
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.use_ema, self.ema_momentum = bool(use_ema), ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.name = name or type(self).__name__.lower()
        self.iterations = 0  #: how many steps have been taken
        self.params = []  #: the parameters, in the order that numbers their state
        self._index = {}  # parameter → its position in self.params
        self._slots = {}  # position → {slot name: array}
        if params is not None:
            self.build(params)

    # --- what a subclass writes ------------------------------------------------------------------
    def slot_names(self) -> tuple:
        """Names of the arrays this optimizer keeps for each parameter, e.g. ``("m", "v")``."""
        return ()

    def init_slots(self, param):
        """The slots of a parameter before its first step (zeros of its shape and dtype)."""
        return {name: B.xp.zeros_like(param) for name in self.slot_names()}

    def update_step(
        self, param, grad, slots: dict, lr: float
    ) -> None:  # pragma: no cover - abstract
        """Update the array ``param`` in place from its gradient ``grad``,
        its ``slots`` and rate ``lr``."""
        raise NotImplementedError

    # --- the learning rate -----------------------------------------------------------------------
    @property
    def learning_rate(self) -> float:
        """The learning rate of the next step (a schedule is evaluated at ``iterations``)."""
        lr = self._learning_rate
        return float(lr(self.iterations)) if isinstance(lr, LearningRateSchedule) else lr

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        if isinstance(value, LearningRateSchedule):
            self._learning_rate: float | LearningRateSchedule = value
            return
        if isinstance(getattr(self, "_learning_rate", None), LearningRateSchedule):
            raise TypeError(
                f"{type(self).__name__}: the learning rate follows a schedule "
                f"({type(self._learning_rate).__name__}) and cannot be set to a number; "
                f"set a new schedule, or build the optimizer with a number"
            )
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not float(value) >= 0:
            raise TypeError(
                f"{type(self).__name__}: learning_rate must be a number ≥ 0 or a schedule "
                f"from profundo.schedules, got {value!r}"
            )
        self._learning_rate = float(value)

    # --- parameters ------------------------------------------------------------------------------
    def build(self, params) -> None:
        """Register the parameters that ``step()`` updates;
        their order numbers the state entries."""
        for p in params:
            self._position(p)

    def _position(self, param) -> int:
        if not isinstance(param, Tensor):
            raise TypeError(
                f"{type(self).__name__}: parameters must be profundo Tensors, got "
                f"{type(param).__name__}; wrap it: pf.tensor(array, requires_grad=True)"
            )
        i = self._index.get(param)
        if i is None:
            i = self._index[param] = len(self.params)
            self.params.append(param)
        return i

    def zero_grad(self, params=None) -> None:
        """Forget the gradients (each ``p.grad`` becomes ``None``)
        before the next ``backward()``."""
        for p in self.params if params is None else params:
            p.grad = None

    # --- taking a step ---------------------------------------------------------------------------
    def step(self, params=None) -> None:
        """One update from each parameter's ``.grad`` (PyTorch style);
        parameters without one are skipped."""
        params = self.params if params is None else list(params)
        if not params:
            raise ValueError(
                f"{type(self).__name__}.step(): no parameters to update; give them when "
                f"you make the optimizer (params=[w, b]), to opt.build(params), or to step(params)"
            )
        self.apply([p.grad for p in params], params)

    def apply_gradients(self, grads_and_params) -> None:
        """One update from ``(gradient, parameter)`` pairs (Keras style):
        ``apply_gradients(zip(grads, params))``."""
        pairs = list(grads_and_params)
        self.apply([g for g, _ in pairs], [p for _, p in pairs])

    def apply(self, grads, params=None) -> None:
        """One update: ``grads[i]`` (an array, a Tensor, or None to skip) for ``params[i]``."""
        params = self.params if params is None else list(params)
        grads = list(grads)
        if len(grads) != len(params):
            raise ValueError(
                f"{type(self).__name__}: got {len(grads)} gradients for {len(params)} parameters"
            )
        if not params:
            return  # nothing to train (e.g. every layer frozen)
        pairs = [(self._position(p), p, g) for p, g in zip(params, grads) if g is not None]
        if not pairs:
            raise ValueError(
                f"{type(self).__name__}: no parameter has a gradient; call loss.backward() "
                f"before opt.step(), and check that the parameters have requires_grad=True"
            )
        lr = self.learning_rate
        grads = self._clip([self._as_grad(g, p, i) for i, p, g in pairs])
        for (i, p, _), g in zip(pairs, grads):
            if self.weight_decay:
                p.data *= 1 - lr * self.weight_decay  # θ ← θ − η·λ·θ
            slots = self._slots.get(i)
            if slots is None:
                slots = self._slots[i] = self.init_slots(p.data)
            self.update_step(p.data, g, slots, lr)
            if getattr(p, "constraint", None) is not None:  # w ← c(w), Keras' constraints
                p.data[...] = p.constraint(p.data)
        if self.use_ema:
            self._update_averages(pairs)
        self.iterations += 1
        if self.iterations % FLUSH_EVERY == 0:
            self.flush_subnormals()

    def flush_subnormals(self) -> None:
        """Set the slot entries smaller than the smallest normal float (1.2e-38 in float32) to 0.

        The moving average of a gradient that stays 0 (a dead unit) decays by β each step into
        the subnormal floats and then stays at the smallest one for ever (β·1.4e-45 rounds back
        to 1.4e-45); arithmetic on subnormals is many times slower on many CPUs. Such values move
        no weight (the step is far below float32's resolution), so zero is the same update.
        """
        xp = B.xp
        for slots in self._slots.values():
            for array in slots.values():
                if array.dtype.kind == "f":
                    array[abs(array) < xp.finfo(array.dtype).tiny] = 0

    def _update_averages(self, pairs) -> None:
        """θ̄ ← μ·θ̄ + (1 − μ)·θ (θ̄ = θ at a parameter's first step); every
        ``ema_overwrite_frequency`` steps the parameters take their averages."""
        overwrite = (
            self.ema_overwrite_frequency
            and (self.iterations + 1) % self.ema_overwrite_frequency == 0
        )
        for i, p, _ in pairs:
            slots = self._slots[i]
            if "average" not in slots:
                slots["average"] = p.data.copy()
            else:
                ema_(slots["average"], p.data, self.ema_momentum)
            if overwrite:
                p.data[...] = slots["average"]

    def moving_averages(self) -> list:
        """``[(parameter, its moving average array)]`` for the parameters stepped with
        ``use_ema`` (the arrays themselves: writing them changes the optimizer's state)."""
        return [
            (self.params[i], slots["average"])
            for i, slots in sorted(self._slots.items())
            if "average" in slots
        ]

    def finalize_variable_values(self, params=None) -> None:
        """At the end of ``fit`` (Keras' hook): with ``use_ema`` the parameters take their moving
        averages; otherwise nothing."""
        chosen = None if params is None else {id(p) for p in params}
        for p, average in self.moving_averages():
            if chosen is None or id(p) in chosen:
                p.data[...] = average

    def _as_grad(self, grad, param, i):
        g = grad.data if isinstance(grad, Tensor) else B.xp.asarray(grad)
        if g.shape != param.data.shape:
            raise ValueError(
                f"{type(self).__name__}: the gradient of parameter {i} has shape {g.shape}, "
                f"but the parameter has shape {param.data.shape}"
            )
        return g.astype(param.data.dtype, copy=False)

    def _clip(self, grads: list) -> list:
        xp = B.xp
        if self.clipvalue is not None:
            return [xp.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm is not None:
            return [_shrink(g, float(xp.linalg.norm(g)), self.clipnorm) for g in grads]
        if self.global_clipnorm is not None:
            norm = math.sqrt(sum(float(xp.linalg.norm(g)) ** 2 for g in grads))
            return [_shrink(g, norm, self.global_clipnorm) for g in grads]
        return grads

    # --- saving and resuming ---------------------------------------------------------------------
    def get_state(self) -> dict:
        """Everything needed to resume exactly:
        ``{"iterations": 0-d int64, "<slot>/<i>": array, ...}`` (copies)."""
        state = {"iterations": B.xp.asarray(self.iterations, dtype="int64")}
        for i in sorted(self._slots):
            for name, array in self._slots[i].items():
                state[f"{name}/{i}"] = array.copy()
        return state

    def set_state(self, state: dict) -> None:
        """Restore what ``get_state`` returned; the next steps are then the same, bit for bit."""
        who = f"{type(self).__name__}.set_state"
        state = dict(state)
        if "iterations" not in state:
            raise ValueError(f"{who}: the state has no 'iterations' entry")
        iterations = int(state.pop("iterations"))
        names = set(self.slot_names()) | ({"average"} if self.use_ema else set())
        slots: dict[int, dict] = {}
        for key, value in state.items():
            name, _, index = key.partition("/")
            if name not in names or not index.isdigit():
                raise ValueError(
                    f"{who}: unexpected entry {key!r}; expected 'iterations' and "
                    f"'<slot>/<index>' with slots {sorted(names)}"
                )
            array, i = B.xp.array(value), int(index)
            if i < len(self.params):
                p = self.params[i].data
                if array.shape != p.shape:
                    raise ValueError(
                        f"{who}: {key!r} has shape {array.shape}, but parameter {i} "
                        f"has shape {p.shape}"
                    )
                array = array.astype(p.dtype, copy=False)
            slots.setdefault(i, {})[name] = array
        for i, found in slots.items():
            if set(found) != names:
                raise ValueError(
                    f"{who}: parameter {i} has slots {sorted(found)}, expected {sorted(names)}"
                )
        self.iterations, self._slots = iterations, slots

    def get_config(self) -> dict:
        """The hyperparameters as JSON-ready data;
        ``type(opt).from_config(config)`` rebuilds the optimizer."""
        lr = self._learning_rate
        return {
            "name": self.name,
            "learning_rate": serialize(lr) if isinstance(lr, LearningRateSchedule) else lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "clipvalue": self.clipvalue,
            "global_clipnorm": self.global_clipnorm,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
        }

    @classmethod
    def from_config(cls, config: dict) -> "Optimizer":
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize(config["learning_rate"])
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(
            f"{k}={v!r}" for k, v in self.get_config().items() if k != "name" and v is not None
        )
        return f"{type(self).__name__}({args})"


def _shrink(grad, norm: float, max_norm: float):
    """g · c / max(‖g‖, c): the gradient itself when its norm is within c,
    else scaled down to norm c."""
    return grad if norm <= max_norm else grad * (max_norm / norm)


def ema_(average, value, decay: float) -> None:
    """Exponential moving average, in place: average ← decay·average + (1 − decay)·value,
    computed as value + decay·(average − value): three passes, no temporary array."""
    average -= value
    average *= decay
    average += value
