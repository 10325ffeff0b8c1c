"""The loss base class: inputs, reductions and sample weights, loss arithmetic, names and configs.

A loss has two parts, as in Keras:

* a per-sample function ``fn(y_true, y_pred) -> Tensor`` built from differentiable ops (so autodiff
  gives its gradient); it reduces over the last axis (the overlap losses over every axis but
  the batch axis), so its result has the batch shape;
* a ``Loss`` object that calls it and turns the per-sample losses ℓᵢ, weighted by wᵢ, into the
  one number that ``backward()`` starts from:

      reduction="sum_over_batch_size"   L = Σᵢ wᵢ·ℓᵢ / n      (the default; n = number of ℓᵢ)
      reduction="sum"                   L = Σᵢ wᵢ·ℓᵢ
      reduction="mean_with_sample_weight"  L = Σᵢ wᵢ·ℓᵢ / Σᵢ wᵢ
      reduction="none"                  [wᵢ·ℓᵢ], the weighted per-sample losses

The default divides by the number of losses n, not by Σ wᵢ (Keras' semantics): weights of 0 for
half of the batch halve the loss instead of averaging over the other half.
"""

from __future__ import annotations

import functools
import numbers
import operator

from .. import backend as B
from .. import ops
from ..autograd import Tensor, as_array
from ..serialization import lookup
from ..serialization import serialize as _serialize

EPSILON = 1e-7  #: probabilities are clipped to [ε, 1 − ε] before a log, as Keras' backend.epsilon()
REDUCTIONS = ("sum_over_batch_size", "sum", "mean_with_sample_weight", "none")


# --- inputs ---------------------------------------------------------------------------------------
def as_prediction(y_pred) -> Tensor:
    """``y_pred`` as a floating Tensor (arrays and lists are wrapped; floats become float32)."""
    p = y_pred if isinstance(y_pred, Tensor) else Tensor(y_pred)
    return p if p.dtype.kind == "f" else ops.astype(p, B.default_dtype)


def prepare(name: str, y_true, y_pred, hint: str = "") -> tuple:
    """``y_true`` and ``y_pred`` as Tensors of ``y_pred``'s dtype and of one shape.

    A trailing axis of size 1 on one side only is matched as Keras does: labels ``(N,)`` against
    outputs ``(N, 1)`` both become ``(N, 1)`` (never broadcast to ``(N, N)``), and ``(N, T, 1)``
    against ``(N, T)`` both become ``(N, T)``. Any other difference is an error naming the loss.
    """
    p = as_prediction(y_pred)
    t = y_true if isinstance(y_true, Tensor) else Tensor._wrap(B.xp.asarray(y_true))
    t = ops.astype(t, p.dtype)
    shapes = t.shape, p.shape
    if t.ndim == p.ndim + 1 and t.shape[-1] == 1:
        t, p = _unit_axis(t, p)
    elif p.ndim == t.ndim + 1 and p.shape[-1] == 1:
        p, t = _unit_axis(p, t)
    if t.shape != p.shape:
        raise ValueError(
            f"{name}: y_true has shape {shapes[0]} and y_pred has shape {shapes[1]}; "
            f"they must be the same (one target per prediction){hint}"
        )
    return t, p


def _unit_axis(longer, shorter) -> tuple:
    """``longer`` ends with an extra axis of size 1: give one to ``shorter`` if it is 1-D, else
    drop it."""
    if shorter.ndim == 1:
        return longer, shorter.reshape(shorter.shape + (1,))
    return longer.reshape(longer.shape[:-1]), shorter


def clip_probabilities(p: Tensor) -> Tensor:
    """p limited to [ε, 1 − ε], so that log p and log(1 − p) stay finite
    (zero gradient where clipped)."""
    return p.clip(EPSILON, 1 - EPSILON)


def smooth_labels(name: str, t: Tensor, smoothing: float, n_classes: int) -> Tensor:
    """Label smoothing: y ← y·(1 − ε) + ε/K for K classes (K = 2 for binary labels)."""
    if not 0 <= smoothing <= 1:
        raise ValueError(f"{name}: label_smoothing must be in [0, 1], got {smoothing}")
    return t * (1 - smoothing) + smoothing / n_classes if smoothing else t


# --- reduction and sample weights -----------------------------------------------------------------
def reduce_loss(
    name: str, losses: Tensor, sample_weight=None, reduction: str = "sum_over_batch_size"
) -> Tensor:
    """Weigh the per-sample ``losses`` by ``sample_weight`` and reduce them
    (see the module's doc)."""
    if sample_weight is not None:
        weights = _broadcast_weights(name, sample_weight, losses)
        losses = losses * weights
    if reduction == "none":
        return losses
    total = losses.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return total / (float(weights.sum()) or 1.0)  # all weights 0: the sum is 0 too
    return total / max(losses.size, 1)


def _broadcast_weights(name: str, sample_weight, losses: Tensor):
    """Weights as an array of the losses' shape and dtype: one weight per sample, ``(N,)`` or
    ``(N, 1)``, spreads over the sample's other axes (timesteps, pixels); a number weighs all."""
    w = B.xp.asarray(as_array(sample_weight), dtype=losses.dtype)
    given = w.shape
    while w.ndim > losses.ndim and w.shape[-1] == 1:
        w = w[..., 0]
    w = w.reshape(w.shape + (1,) * (losses.ndim - w.ndim))
    try:
        return B.xp.broadcast_to(w, losses.shape)
    except ValueError:
        one_d = (
            (
                " (1-D y_pred is averaged into one number: give N samples of one value the "
                "shape (N, 1))"
            )
            if losses.ndim == 0
            else ""
        )
        raise ValueError(
            f"{name}: sample_weight has shape {given}, which does not fit the "
            f"per-sample losses of shape {losses.shape}; give one weight per "
            f"sample{one_d}"
        ) from None


# --- the classes ----------------------------------------------------------------------------------
class Loss:
    """Base of every loss: ``loss(y_true, y_pred, sample_weight=None)`` returns a scalar Tensor
    (the weighted per-sample losses for ``reduction="none"``).

    Write your own by defining ``call``, which returns the per-sample losses::

        class Quartic(Loss):
            def call(self, y_true, y_pred):
                t, p = prepare("quartic", y_true, y_pred)
                return ((p - t) ** 4).mean(axis=-1)

    Losses add and scale: ``0.5 * BinaryCrossentropy() + IoU()`` is a ``CombinedLoss``.
    """

    def __init__(self, reduction: str = "sum_over_batch_size", name: str | None = None) -> None:
        if reduction not in REDUCTIONS:
            raise ValueError(
                f"{type(self).__name__}: reduction must be one of "
                f"{', '.join(map(repr, REDUCTIONS))}, got {reduction!r}"
            )
        self.reduction = reduction
        self.name = name or type(self).__name__

    def call(self, y_true, y_pred) -> Tensor:  # pragma: no cover - abstract
        """The per-sample losses (the batch shape)."""
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None) -> Tensor:
        return reduce_loss(self.name, self.call(y_true, y_pred), sample_weight, self.reduction)

    def get_config(self) -> dict:
        """The constructor's arguments, JSON-ready; ``from_config`` rebuilds the loss from them."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Loss":
        return cls(**config)

    # arithmetic: loss_a + loss_b, weight * loss
    def __add__(self, other):
        if not isinstance(other, Loss):
            return NotImplemented
        return CombinedLoss(_terms(self) + _terms(other))

    def __mul__(self, weight):
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real):
            return NotImplemented
        return CombinedLoss([(weight * w, loss) for w, loss in _terms(self)])

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


class LossFunctionWrapper(Loss):
    """A ``Loss`` around a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    Every built-in class is one (``MeanSquaredError`` wraps ``mean_squared_error``), and a function
    of your own is wrapped the same way:

    >>> quartic = LossFunctionWrapper(lambda t, p: ((p - t) ** 4).mean(axis=-1), name="quartic")
    """

    def __init__(
        self, fn, reduction: str = "sum_over_batch_size", name: str | None = None, **kwargs
    ) -> None:
        super().__init__(reduction, name or fn.__name__)
        self.fn, self.kwargs = fn, kwargs

    def call(self, y_true, y_pred) -> Tensor:
        return self.fn(y_true, y_pred, **self.kwargs)

    def get_config(self) -> dict:
        config = {**super().get_config(), **self.kwargs}
        if type(self) is LossFunctionWrapper:  # the built-in subclasses know their function
            config["fn"] = self.fn.__name__
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Loss":
        if cls is LossFunctionWrapper:
            config = {**config, "fn": _lookup(config["fn"], _FUNCTIONS, custom_objects, "function")}
        return cls(**config)


class CombinedLoss(Loss):
    """A weighted sum of losses, L = Σₖ wₖ·Lₖ(y_true, y_pred, sample_weight), made by arithmetic.

    Each term reduces by its own ``reduction`` (so terms whose per-sample shapes differ, such as a
    pixelwise BCE and a per-image IoU, still add up) and the results are summed:

    >>> loss = 0.5 * losses.BinaryCrossentropy() + losses.IoU()    # the course's BCE + IoU
    >>> loss(masks, probabilities)                # 0.5·BCE + 1·IoU, a scalar  # doctest: +SKIP
    """

    def __init__(self, terms, name: str | None = None) -> None:
        # no reduction of its own (Loss.__init__ is not called): each term reduces itself
        self.terms = [(float(w), get(loss)) for w, loss in terms]
        if not self.terms:
            raise ValueError("CombinedLoss: give at least one (weight, loss) term")
        self.name = name or " + ".join(
            loss.name if w == 1 else f"{w:g}*{loss.name}" for w, loss in self.terms
        )

    def __call__(self, y_true, y_pred, sample_weight=None) -> Tensor:
        terms = [w * loss(y_true, y_pred, sample_weight) for w, loss in self.terms]
        return functools.reduce(operator.add, terms)  # no 0 + ...: there is at least one term

    def get_config(self) -> dict:
        return {"name": self.name, "terms": [[w, serialize(loss)] for w, loss in self.terms]}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Loss":
        terms = [(w, get(loss, custom_objects)) for w, loss in config["terms"]]
        return cls(terms, name=config.get("name"))


def _terms(loss: Loss) -> list:
    return list(loss.terms) if isinstance(loss, CombinedLoss) else [(1.0, loss)]


# --- names and configs ----------------------------------------------------------------------------
_NAMES = {"LossFunctionWrapper": LossFunctionWrapper, "CombinedLoss": CombinedLoss}
_FUNCTIONS: dict = {}


def register(fn, *aliases):
    """Class decorator: make a built-in loss class known to ``get`` under its class name, its
    function's name and ``aliases`` (``@register(mean_squared_error, "mse")``)."""

    def add(cls):
        for name in (cls.__name__, fn.__name__, *aliases):
            _NAMES[name] = cls
        _FUNCTIONS[fn.__name__] = fn
        return cls

    return add


def _lookup(name: str, table: dict, custom_objects: dict | None, what: str):
    """``table[name]``, or ``custom_objects[name]`` first; an unknown name lists the known ones."""
    try:
        return lookup(name, table, f"loss {what}", custom_objects)
    except ValueError as err:
        also = " or a class name such as 'MeanSquaredError'" if table is _NAMES else ""
        raise ValueError(
            f"{err}{also}; for your own, pass custom_objects={{{name!r}: ...}}"
        ) from None


def get(identifier, custom_objects: dict | None = None) -> Loss:
    """A ``Loss`` from what ``compile(loss=...)`` accepts.

    * a Keras name — ``"mse"``, ``"binary_crossentropy"``, ``"iou"`` — or a class name
      (``"MeanSquaredError"``): a new instance with default settings;
    * a config ``{"class_name": ..., "config": {...}}`` (what ``serialize`` gives);
    * a ``Loss``: itself; a per-sample function ``fn(y_true, y_pred)``: wrapped in a
      ``LossFunctionWrapper``.

    ``custom_objects`` maps names to your own functions or classes. Unlike Keras, a name always
    gives a ``Loss`` object (not the bare function), so the result always takes ``sample_weight``.

    >>> losses.get("mse")
    <MeanSquaredError name='mean_squared_error'>
    """
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier, custom_objects)
    if isinstance(identifier, str):
        found = _lookup(identifier, _NAMES, custom_objects, "name")
        return get(found() if isinstance(found, type) else found)
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise TypeError(
        f"losses.get: expected a loss name, a config dict, a Loss or a function, got "
        f"{type(identifier).__name__}"
    )


def serialize(loss) -> dict | str:
    """``{"class_name": ..., "config": ...}`` for a Loss (JSON-ready); a function's name for a
    function. ``get`` takes either back."""
    if isinstance(loss, Loss):
        return _serialize(loss)
    if callable(loss) and hasattr(loss, "__name__"):
        return loss.__name__
    raise TypeError(f"losses.serialize: expected a Loss or a function, got {type(loss).__name__}")


def deserialize(config: dict, custom_objects: dict | None = None) -> Loss:
    """The Loss that ``serialize`` described: ``{"class_name": ..., "config": {...}}``."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"losses.deserialize: expected a dict {{'class_name': ..., 'config': "
            f"{{...}}}}, got {config!r}"
        )
    cls = _lookup(config["class_name"], _NAMES, custom_objects, "name")
    return cls.from_config(dict(config.get("config", {})), custom_objects)
